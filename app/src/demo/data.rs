//! The county's townships and villages, and the deterministic generator of its households.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// (code suffix, Chinese name, English name, villages)
pub const TOWNSHIPS: &[(&str, &str, &str, &[&str])] = &[
    (
        "001",
        "文屏街道",
        "Wenping Subdistrict",
        &["银屏社区", "西屏社区", "卯家湾社区", "吴家湾村"],
    ),
    (
        "002",
        "砚池街道",
        "Yanchi Subdistrict",
        &["砚池社区", "七里村", "大水井村", "拖姑村"],
    ),
    (
        "102",
        "水磨镇",
        "Shuimo Town",
        &["水磨村", "新店村", "嵩屏村", "阿鲁伯村"],
    ),
    (
        "103",
        "龙头山镇",
        "Longtoushan Town",
        &["龙泉村", "八宝村", "光明村", "骡马口村", "翠屏村"],
    ),
    (
        "104",
        "小寨镇",
        "Xiaozhai Town",
        &["小寨村", "安阁村", "红布村", "新街村"],
    ),
    (
        "105",
        "江底镇",
        "Jiangdi Town",
        &["江底村", "大水塘村", "箐脚村", "铁厂村"],
    ),
    (
        "106",
        "火德红镇",
        "Huodehong Town",
        &["火德红村", "李家山村", "头寨村", "银厂村"],
    ),
    (
        "107",
        "龙树镇",
        "Longshu Town",
        &["龙树村", "穿洞村", "脚米村", "大坪村"],
    ),
    (
        "108",
        "新街镇",
        "Xinjie Town",
        &["新街村", "付家村", "海子村", "银厂沟村"],
    ),
    (
        "109",
        "梭山镇",
        "Suoshan Town",
        &["梭山村", "马鞍村", "白鹤村", "寸草村"],
    ),
    (
        "110",
        "乐红镇",
        "Lehong Town",
        &["乐红村", "红岩村", "耳垭村", "三木村"],
    ),
    (
        "201",
        "桃源回族乡",
        "Taoyuan Hui Ethnic Township",
        &["桃源村", "拖姑清真村", "大地村", "箐门村"],
    ),
    (
        "202",
        "茨院回族乡",
        "Ciyuan Hui Ethnic Township",
        &["茨院村", "大营村", "玉碗村", "米拉村"],
    ),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "罗", "高", "林", "蒋", "沈", "韩", "唐", "冯", "邓", "曹", "彭", "陶", "申", "欧阳",
    "诸葛",
];
const GIVEN: &[&str] = &[
    "明", "华", "芳", "军", "秀", "英", "国", "兰", "红", "德", "荣", "富", "贵", "顺", "成", "林",
    "发", "珍", "翠", "海", "春", "有", "志", "金", "玉", "忠", "学", "文", "光", "永", "正", "琼",
];

/// One fictional household, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHousehold {
    pub township_code: String,
    pub village_code: String,
    pub group_no: u32,
    pub head_name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub persons: i64,
    pub category: &'static str,
    pub aid_class: i64,
    pub monthly_fen: i64,
    pub near_relative: bool,
}

pub fn township_code(suffix: &str) -> String {
    format!("530621{suffix}000")
}

/// Village codes: the township's 9 digits plus a 3-digit village number (2xx for 村, 0xx for 社区).
pub fn village_code(township_suffix: &str, index: usize, name: &str) -> String {
    let base = if name.ends_with("社区") { 1 } else { 201 };
    format!("530621{township_suffix}{:03}", base + index)
}

/// Rural standard: about 375 yuan per person per month, paid in bands by class.
fn monthly_amount(rng: &mut ChaCha8Rng, persons: i64, class: i64) -> i64 {
    let per_person_fen = match class {
        1 => 37_500,
        2 => 30_000,
        _ => 22_500,
    };
    let adjust = rng.random_range(-20..=20) * 100;
    persons * per_person_fen + adjust
}

pub(super) fn id_check_digit(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    C[(sum % 11) as usize]
}

/// Deterministic fictional households for every village of the demo county.
pub fn households(seed: u64, per_village: std::ops::RangeInclusive<u32>) -> Vec<DemoHousehold> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    for (t_suffix, _, _, villages) in TOWNSHIPS {
        for (vi, vname) in villages.iter().enumerate() {
            let vcode = village_code(t_suffix, vi, vname);
            let n = rng.random_range(per_village.clone());
            for seq in 0..n {
                let surname = SURNAMES.choose(&mut rng).copied().unwrap_or("王");
                let given_len = if rng.random_bool(0.3) { 1 } else { 2 };
                let given: String = (0..given_len)
                    .map(|_| GIVEN.choose(&mut rng).copied().unwrap_or("明"))
                    .collect();
                let persons = rng.random_range(1..=6);
                let doudi = rng.random_bool(0.35);
                let class = rng.random_range(1..=3);
                let year = rng.random_range(1940..=1995);
                let month = rng.random_range(1..=12);
                let day = rng.random_range(1..=28);
                let first17 = format!(
                    "530621{year:04}{month:02}{day:02}{:03}",
                    (seq * 7 + vi as u32) % 1000
                );
                let id_number = format!("{first17}{}", id_check_digit(&first17));
                let phone = format!(
                    "1{}{:09}",
                    rng.random_range(3..=9),
                    rng.random_range(0..1_000_000_000u64)
                );
                let group_no = rng.random_range(1..=3);
                out.push(DemoHousehold {
                    township_code: township_code(t_suffix),
                    village_code: vcode.clone(),
                    group_no,
                    head_name: format!("{surname}{given}"),
                    id_number,
                    phone,
                    address: format!("{vname}{group_no}组{}号", rng.random_range(1..=120)),
                    persons,
                    category: if doudi { "doudi" } else { "yiban" },
                    aid_class: class,
                    monthly_fen: monthly_amount(&mut rng, persons, class),
                    near_relative: rng.random_bool(0.03),
                });
            }
        }
    }
    out
}
