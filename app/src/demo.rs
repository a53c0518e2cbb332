//! A realistic, entirely fictional county for demos and tests.
//!
//! 鲁甸县's real township names and codes; village names are plausible; every person is made up.
//! The generator is deterministic (ChaCha8, whose output is stable across rand versions): the
//! same seed gives the same households, so tests can name what they expect to find.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::EventKind;

pub const COUNTY_CODE: &str = "530621000000";
pub const COUNTY_NAME_ZH: &str = "鲁甸县";
pub const COUNTY_NAME_EN: &str = "Ludian County";
pub const DEFAULT_SEED: u64 = 20_190_047;

/// Password of every demo account (demo data only; printed in README).
pub const DEMO_PASSWORD: &str = "sunshine-demo-2026";

/// Demo staff: (username, display name, role, township code suffix or county-wide).
pub const DEMO_STAFF: &[(&str, &str, &str, Option<&str>)] = &[
    ("demo.admin", "演示管理员", "admin", None),
    ("demo.county", "县局 李红", "county_officer", None),
    ("demo.supervisor", "审核 周国华", "supervisor", None),
    ("demo.auditor", "纪委 陈文", "auditor", None),
    (
        "demo.longtoushan",
        "龙头山 王芳",
        "township_officer",
        Some("103"),
    ),
    (
        "demo.shuimo",
        "水磨 杨志成",
        "township_officer",
        Some("102"),
    ),
];

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

fn id_check_digit(first17: &str) -> char {
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

/// Loads the demo county into an empty database, in one transaction. Returns `false` (and
/// changes nothing) when the database already has regions.
pub async fn load(db: &crate::db::Db, seed: u64) -> crate::error::AppResult<bool> {
    use crate::db::{households, regions, regions::Level};

    if regions::count(db).await? > 0 {
        return Ok(false);
    }
    let now = crate::db::now_epoch();
    let mut tx = db.begin().await?;
    let county = regions::insert(
        &mut tx,
        None,
        Level::County,
        COUNTY_CODE,
        COUNTY_NAME_ZH,
        Some(COUNTY_NAME_EN),
        0,
    )
    .await?;
    let mut village_ids = std::collections::HashMap::new();
    let mut township_ids = std::collections::HashMap::new();
    for (ti, (suffix, zh, en, villages)) in TOWNSHIPS.iter().enumerate() {
        let t = regions::insert(
            &mut tx,
            Some(county),
            Level::Township,
            &township_code(suffix),
            zh,
            Some(en),
            ti as i64,
        )
        .await?;
        township_ids.insert(*suffix, t);
        for (vi, vname) in villages.iter().enumerate() {
            let code = village_code(suffix, vi, vname);
            let v = regions::insert(
                &mut tx,
                Some(t),
                Level::Village,
                &code,
                vname,
                None,
                vi as i64,
            )
            .await?;
            let mut groups = Vec::new();
            for g in 1..=3u32 {
                let gid = regions::insert(
                    &mut tx,
                    Some(v),
                    Level::Group,
                    &format!("{code}{g:02}"),
                    &format!("{vname}{g}组"),
                    None,
                    i64::from(g),
                )
                .await?;
                groups.push(gid);
            }
            village_ids.insert(code, (v, groups));
        }
    }
    // One hash for all demo accounts: they share the published demo password.
    let hash = crate::web::session::hash_password(DEMO_PASSWORD.to_owned()).await?;
    for (username, name, role, township) in DEMO_STAFF {
        let township_id = match township {
            Some(suffix) => Some(
                township_ids
                    .get(*suffix)
                    .copied()
                    .ok_or_else(|| crate::error::AppError::internal("demo", "township"))?,
            ),
            None => None,
        };
        let role = crate::domain::Role::parse(role)
            .map_err(|e| crate::error::AppError::internal("demo role", e))?;
        crate::db::staff::insert(
            &mut tx,
            &crate::db::staff::NewStaff {
                username,
                display_name: name,
                password_hash: &hash,
                role,
                township_id,
                email: None,
            },
            now,
        )
        .await?;
    }
    let mut by_village: std::collections::BTreeMap<String, Vec<(i64, DemoHousehold)>> =
        std::collections::BTreeMap::new();
    for h in households(seed, 12..=30) {
        let Some((vid, groups)) = village_ids.get(&h.village_code) else {
            continue;
        };
        let new = households::NewHousehold {
            village_id: *vid,
            group_id: groups.get(h.group_no as usize - 1).copied(),
            head_name: h.head_name.clone(),
            id_number: Some(h.id_number.clone()),
            phone: Some(h.phone.clone()),
            address: Some(h.address.clone()),
            persons: h.persons,
            category: h.category.to_owned(),
            aid_class: Some(h.aid_class),
            monthly_fen: h.monthly_fen,
            near_relative: h.near_relative,
            staff_notes: None,
        };
        let hid = households::insert(&mut tx, &new, now).await?;
        by_village
            .entry(h.village_code.clone())
            .or_default()
            .push((hid, h));
    }
    let villages: Vec<DemoVillage> = by_village
        .into_iter()
        .filter_map(|(code, hs)| {
            let (vid, _) = village_ids.get(&code)?;
            let tid = township_ids.get(&code[6..9])?;
            Some((*vid, *tid, code, hs))
        })
        .collect();
    load_publicity(&mut tx, &villages, seed, now).await?;
    load_complaints(&mut tx, &villages, now).await?;
    load_pages(&mut tx, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// (village id, township id, village code, its households with their ids)
type DemoVillage = (i64, i64, String, Vec<(i64, DemoHousehold)>);

fn entry_of<'a>(
    h: &'a DemoHousehold,
    hid: i64,
    fen: i64,
    change: crate::domain::ChangeKind,
) -> crate::db::publicity::NewEntry<'a> {
    crate::db::publicity::NewEntry {
        household_id: hid,
        head_name: &h.head_name,
        persons: h.persons,
        monthly_fen: fen,
        category: if h.category == "doudi" {
            crate::domain::AidCategory::Basic
        } else {
            crate::domain::AidCategory::General
        },
        aid_class: Some(h.aid_class),
        change,
    }
}

/// Publicity for the demo: every village has a standing list; some have an open 审核公示, a
/// closed 审批公示, a withdrawn list, or an earlier standing list to compare with.
async fn load_publicity(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    seed: u64,
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::publicity::{self as pdb, NewBatch};
    use crate::domain::{BatchKind, BatchState, ChangeKind};

    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let today = crate::db::today_cst();
    let day = |d: i64| today + chrono::Duration::days(d);
    for (i, (vid, tid, code, hs)) in villages.iter().enumerate() {
        let batch = |kind, opens, closes: Option<chrono::NaiveDate>| NewBatch {
            village_id: *vid,
            township_id: *tid,
            kind,
            opens_on: opens,
            closes_on: closes,
            window_days: closes.map(|_| 7),
            created_by: None,
        };
        // The last three households of each village are this month's new applicants.
        let split = hs.len().saturating_sub(3);
        let (current, applicants) = hs.split_at(split);
        // An earlier standing list in every fourth village, so "what changed" has something.
        // Households whose allowance went up since that earlier list.
        let mut raised = std::collections::HashSet::new();
        let previous = if i % 4 == 0 {
            let id =
                pdb::insert_batch(tx, &batch(BatchKind::Standing, day(-200), None), now).await?;
            for (hid, h) in current.iter().skip(1) {
                let fen = if rng.random_bool(0.2) {
                    raised.insert(*hid);
                    h.monthly_fen - 3000
                } else {
                    h.monthly_fen
                };
                pdb::insert_entry(tx, id, &entry_of(h, *hid, fen, ChangeKind::Renew)).await?;
            }
            if let Some((hid, h)) = applicants.first() {
                pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::Renew))
                    .await?;
            }
            pdb::set_state(
                tx,
                id,
                BatchState::Draft,
                BatchState::Published,
                None,
                now - 200 * 86_400,
            )
            .await?;
            pdb::set_state(
                tx,
                id,
                BatchState::Published,
                BatchState::Closed,
                None,
                now - 30 * 86_400,
            )
            .await?;
            Some(id)
        } else {
            None
        };
        let standing =
            pdb::insert_batch(tx, &batch(BatchKind::Standing, day(-30), None), now).await?;
        for (j, (hid, h)) in current.iter().enumerate() {
            // The first household joined with this list (it is not on the earlier one).
            let change = if j == 0 {
                ChangeKind::New
            } else if raised.contains(hid) {
                ChangeKind::Increase
            } else {
                ChangeKind::Renew
            };
            pdb::insert_entry(tx, standing, &entry_of(h, *hid, h.monthly_fen, change)).await?;
        }
        pdb::set_previous(tx, standing, previous).await?;
        pdb::set_state(
            tx,
            standing,
            BatchState::Draft,
            BatchState::Published,
            None,
            now - 30 * 86_400,
        )
        .await?;
        // Review publicity open now in two of every three villages.
        if i % 3 != 2 && !applicants.is_empty() {
            let id = pdb::insert_batch(tx, &batch(BatchKind::Review, day(-2), Some(day(4))), now)
                .await?;
            for (hid, h) in applicants {
                pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::New))
                    .await?;
            }
            pdb::set_state(
                tx,
                id,
                BatchState::Draft,
                BatchState::Published,
                None,
                now - 2 * 86_400,
            )
            .await?;
        }
        // An approval list whose window has ended, in every other village.
        if i % 2 == 0 {
            let id = pdb::insert_batch(
                tx,
                &batch(BatchKind::Approval, day(-40), Some(day(-34))),
                now,
            )
            .await?;
            for (hid, h) in current.iter().take(2) {
                pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::New))
                    .await?;
            }
            pdb::set_state(
                tx,
                id,
                BatchState::Draft,
                BatchState::Published,
                None,
                now - 40 * 86_400,
            )
            .await?;
        }
        // One withdrawn list, with its public reason.
        if code.as_str() == "530621103202" {
            let id =
                pdb::insert_batch(tx, &batch(BatchKind::Review, day(-20), Some(day(-14))), now)
                    .await?;
            if let Some((hid, h)) = current.first() {
                pdb::insert_entry(
                    tx,
                    id,
                    &entry_of(h, *hid, h.monthly_fen, ChangeKind::Increase),
                )
                .await?;
            }
            pdb::set_state(
                tx,
                id,
                BatchState::Draft,
                BatchState::Published,
                None,
                now - 20 * 86_400,
            )
            .await?;
            pdb::set_state(
                tx,
                id,
                BatchState::Published,
                BatchState::Withdrawn,
                Some("入户核查发现家庭人口登记有误，核实后将重新公示。"),
                now - 18 * 86_400,
            )
            .await?;
        }
    }
    Ok(())
}

/// Demo complaints in every state, across townships, some overdue, so that a newcomer signing
/// in sees a realistic queue. Receipts are random (nobody holds them).
async fn load_complaints(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::complaints::{self as cdb, Actor, CaseChanges, NewComplaint};
    use crate::domain::{Category, Channel, DeadlineRules, Status, WorkCalendar};
    use sqlx::Row;

    let longtoushan: i64 = sqlx::query("SELECT id FROM staff WHERE username = 'demo.longtoushan'")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let shuimo: i64 = sqlx::query("SELECT id FROM staff WHERE username = 'demo.shuimo'")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let rules = DeadlineRules::default();
    let cal = WorkCalendar::new(crate::domain::china_holidays_2026());
    let today = crate::db::today_cst();
    // (village code, days ago received, status, category, channel, body, assignee)
    type DemoCase<'a> = (
        &'a str,
        i64,
        Status,
        Category,
        Channel,
        &'a str,
        Option<i64>,
    );
    let cases: &[DemoCase] = &[
        (
            "530621103201",
            2,
            Status::Submitted,
            Category::WrongfulInclusion,
            Channel::Web,
            "龙泉村有一户在县城有商品房和小轿车，仍在享受低保，请核实。",
            None,
        ),
        (
            "530621103202",
            20,
            Status::Submitted,
            Category::Favouritism,
            Channel::Hotline,
            "八宝村村委会成员的亲属被列入低保，村民评议时没有公开讨论。",
            None,
        ),
        (
            "530621103203",
            10,
            Status::Accepted,
            Category::MissedHousehold,
            Channel::Letter,
            "光明村一位独居老人，重度残疾，多次申请未被纳入。",
            None,
        ),
        (
            "530621103204",
            30,
            Status::Verifying,
            Category::Procedure,
            Channel::ReportBox,
            "骡马口村本月审核公示只贴了两天就撕掉了。",
            Some(longtoushan),
        ),
        (
            "530621103201",
            75,
            Status::Verifying,
            Category::WrongfulInclusion,
            Channel::Web,
            "有人外出务工收入稳定，家里仍领低保。",
            Some(longtoushan),
        ),
        (
            "530621102201",
            25,
            Status::ReplyPending,
            Category::Conduct,
            Channel::InPerson,
            "水磨镇民政办工作人员态度恶劣，拒收申请材料。",
            Some(shuimo),
        ),
        (
            "530621102202",
            50,
            Status::Answered,
            Category::WrongfulInclusion,
            Channel::Web,
            "新店村某户家庭经营养殖场，收入较高。",
            Some(shuimo),
        ),
        (
            "530621102203",
            90,
            Status::Closed,
            Category::MissedHousehold,
            Channel::WeChat,
            "嵩屏村一户因病致贫，未被纳入。",
            Some(shuimo),
        ),
        (
            "530621001001",
            12,
            Status::Declined,
            Category::Other,
            Channel::Email,
            "反映的是养老保险问题，不属于低保。",
            None,
        ),
        (
            "530621102201",
            40,
            Status::Reopened,
            Category::Favouritism,
            Channel::Web,
            "对答复不满意：该户与村支书是亲戚。",
            Some(shuimo),
        ),
    ];
    for (i, (code, ago, status, category, channel, body, assignee)) in cases.iter().enumerate() {
        let Some((vid, tid, _, _)) = villages.iter().find(|v| v.2 == *code) else {
            continue;
        };
        let received = today - chrono::Duration::days(*ago);
        let accept_by = rules.accept_by(received, &cal);
        let receipt_hash = crate::web::session::new_token();
        let new = NewComplaint {
            receipt_hash: &receipt_hash,
            form_token_hash: None,
            channel: *channel,
            category: *category,
            township_id: Some(*tid),
            village_id: Some(*vid),
            entry_id: None,
            body,
            accused: None,
            anonymous: i % 2 == 0,
            reporter_name: (i % 2 == 1).then_some("演示举报人"),
            reporter_contact: (i % 2 == 1).then_some("13800000000"),
            reporter_email: None,
            received_on: received,
            accept_by,
        };
        let at = now - ago * 86_400;
        let Ok(id) = cdb::insert(tx, &new, at).await else {
            continue;
        };
        cdb::add_event(tx, id, Actor::System, EventKind::Submitted, "", at).await?;
        if *status == Status::Submitted {
            continue;
        }
        if *status == Status::Declined {
            cdb::update_case(
                tx,
                id,
                Status::Submitted,
                Status::Declined,
                &CaseChanges::default(),
                at + 86_400,
            )
            .await?;
            cdb::add_event(
                tx,
                id,
                Actor::System,
                EventKind::Declined,
                "所反映问题属于养老保险，已转县人社局。",
                at + 86_400,
            )
            .await?;
            continue;
        }
        let accepted = received + chrono::Duration::days(2);
        let changes = CaseChanges {
            accepted_on: Some(accepted),
            answer_by: Some(rules.answer_by(accepted, false, &cal)),
            ..Default::default()
        };
        cdb::update_case(
            tx,
            id,
            Status::Submitted,
            Status::Accepted,
            &changes,
            at + 2 * 86_400,
        )
        .await?;
        cdb::add_event(
            tx,
            id,
            Actor::System,
            EventKind::Accepted,
            "",
            at + 2 * 86_400,
        )
        .await?;
        if *status == Status::Accepted {
            continue;
        }
        let changes = CaseChanges {
            assignee_id: *assignee,
            ..Default::default()
        };
        cdb::update_case(
            tx,
            id,
            Status::Accepted,
            Status::Verifying,
            &changes,
            at + 3 * 86_400,
        )
        .await?;
        cdb::add_event(
            tx,
            id,
            Actor::System,
            EventKind::Assigned,
            "",
            at + 3 * 86_400,
        )
        .await?;
        cdb::add_event(
            tx,
            id,
            Actor::System,
            EventKind::Note,
            "已入户走访，调取车辆和房产登记信息。",
            at + 5 * 86_400,
        )
        .await?;
        if *status == Status::Verifying {
            continue;
        }
        let findings = CaseChanges {
            finding: Some("substantiated"),
            finding_action: Some("已停发并追回多领资金"),
            reply_draft: Some(
                "经核实，您反映的情况属实。该户已于本月停发低保，多领资金依法追回。感谢您的监督。",
            ),
            ..Default::default()
        };
        cdb::update_case(
            tx,
            id,
            Status::Verifying,
            Status::ReplyPending,
            &findings,
            at + 10 * 86_400,
        )
        .await?;
        if *status == Status::ReplyPending {
            continue;
        }
        cdb::update_case(
            tx,
            id,
            Status::ReplyPending,
            Status::Answered,
            &CaseChanges::default(),
            at + 12 * 86_400,
        )
        .await?;
        cdb::add_event(
            tx,
            id,
            Actor::System,
            EventKind::Answered,
            "经核实，您反映的情况属实。该户已于本月停发低保，多领资金依法追回。感谢您的监督。",
            at + 12 * 86_400,
        )
        .await?;
        if *status == Status::Closed {
            cdb::update_case(
                tx,
                id,
                Status::Answered,
                Status::Closed,
                &CaseChanges::default(),
                at + 20 * 86_400,
            )
            .await?;
            cdb::add_event(
                tx,
                id,
                Actor::System,
                EventKind::Closed,
                "",
                at + 20 * 86_400,
            )
            .await?;
        }
        if *status == Status::Reopened {
            let requested = received + chrono::Duration::days(15);
            let changes = CaseChanges {
                answer_by: Some(rules.review_answer_by(requested, &cal)),
                ..Default::default()
            };
            cdb::update_case(
                tx,
                id,
                Status::Answered,
                Status::Reopened,
                &changes,
                at + 15 * 86_400,
            )
            .await?;
            cdb::add_event(
                tx,
                id,
                Actor::Reporter,
                EventKind::ReviewRequested,
                "该户与村支书是亲戚，请复查。",
                at + 15 * 86_400,
            )
            .await?;
        }
    }
    Ok(())
}

/// Policy pages in plain language, one answer to a public concern and one case notice.
async fn load_pages(tx: &mut sqlx::AnyConnection, now: i64) -> crate::error::AppResult<()> {
    use crate::db::content::{self, Kind};
    #[allow(clippy::type_complexity)]
    let pages: &[(Kind, &str, &str, &str)] = &[
        (Kind::Policy, "who-qualifies", "谁可以享受低保", "## 基本条件\n\n- 持有本县农村户籍；\n- 家庭**月人均收入低于本县农村低保标准**（2026年约为每人每月375元）；\n- 家庭财产状况符合规定（如无商品房、无非营运机动车等）。\n\n## 重点保障\n\n一级、二级重度残疾人，三级、四级智力和精神残疾人，以及享受重特大疾病医疗救助的困难群众，符合条件的应当纳入，**应保尽保，严防漏保**。"),
        (Kind::Policy, "how-to-apply", "怎样申请低保", "1. 向户籍所在地乡镇人民政府（街道办事处）提出书面申请，也可以委托村（居）委会代为提出。\n2. 如实填写家庭收入、财产情况，授权核对家庭经济状况。\n3. 乡镇组织**入户调查**，每户至少两名工作人员，调查结果由调查人员签字。\n\n申请不收取任何费用。"),
        (Kind::Policy, "process", "办理流程和公示", "## 流程\n\n入户调查 → 村级民主评议 → 乡镇审核 → **审核公示7天** → 县民政局审批 → **审批公示7天** → 发放，长期公示。\n\n## 公示\n\n公示在申请人所在村（居）进行，也在本网站公开。公示内容包括户主姓名（网上部分隐去）、保障人数和保障金额，**不公开身份证号、电话、住址等个人信息**。"),
        (Kind::Policy, "rights", "您的权利", "- 不符合条件的，会收到**书面通知并说明理由**；\n- 对决定不服的，可以申请复查，也可以依法申请行政复议或提起行政诉讼；\n- 享受低保的家庭收入、人口变化时应当及时告知，也可以主动申请退出。"),
        (Kind::Policy, "how-to-report", "怎样举报", "发现错保、漏保、优亲厚友、违规办理的，可以：\n\n- 在本网站[在线举报](/report)，可以匿名；\n- 拨打监督举报电话；\n- 投递乡镇和村的举报箱，或来信来访。\n\n举报后会得到回执码，凭回执码[查询进度](/track)。**我们依法保护举报人。**"),
        (Kind::Answer, "car-owners", "家里有车还能享受低保吗？", "不能一概而论。家庭拥有**非营运机动车**的，一般不符合低保条件；用于残疾人功能性补偿的代步车、用于生产经营的农用车等，按规定可以不计入。\n\n近期群众反映的有车家庭享受低保问题，县民政局已逐户核查，对不符合条件的已停发并追回资金。"),
        (Kind::Notice, "2026-case-1", "关于某村干部优亲厚友问题的通报", "经查，某村委会成员利用职务便利，将不符合条件的亲属纳入低保。县纪委监委已给予其党内警告处分，违规领取的资金已全部追回，相关家庭已停发。\n\n各乡镇要引以为戒，严格执行近亲属备案和100%入户核查制度。"),
    ];
    for (i, (kind, slug, title, body)) in pages.iter().enumerate() {
        let id = content::insert(tx, *kind, slug, title, body, None, now).await?;
        content::set_published(tx, id, true, now - (i as i64) * 86_400).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        assert_eq!(households(7, 3..=5), households(7, 3..=5));
        assert_ne!(households(7, 3..=5), households(8, 3..=5));
    }

    #[test]
    fn households_are_plausible() {
        let hs = households(DEFAULT_SEED, 10..=20);
        assert!(hs.len() >= 10 * TOWNSHIPS.iter().map(|t| t.3.len()).sum::<usize>());
        for h in &hs {
            assert!((1..=6).contains(&h.persons));
            assert_eq!(h.id_number.len(), 18);
            assert!(h.monthly_fen > 0);
            assert!(h.village_code.starts_with(&h.township_code[..9]));
            assert_eq!(h.village_code.len(), 12);
        }
    }

    #[test]
    fn id_check_digit_matches_gb11643() {
        // Worked example from GB 11643-1999.
        assert_eq!(id_check_digit("11010519491231002"), 'X');
    }

    #[test]
    fn village_codes_are_unique() {
        let mut codes: Vec<String> = TOWNSHIPS
            .iter()
            .flat_map(|(s, _, _, vs)| vs.iter().enumerate().map(|(i, v)| village_code(s, i, v)))
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
