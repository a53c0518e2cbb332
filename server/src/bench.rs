//! `sunshine bench …`: data generators for the benchmark scripts in `bench/` (not used by the
//! service itself). Synthetic, fictional and deterministic.

use anyhow::Context;
use app::db::regions::{self, Level};
use app::db::synthetic::{self, NewEntry, NewHousehold, NewVillage};
use app::db::Db;

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Fill an empty database with a synthetic province: counties × townships × villages ×
    /// households, one published standing list per village.
    Seed {
        #[arg(long, default_value_t = 1_000_000)]
        households: u64,
        #[arg(long, default_value_t = 50)]
        per_village: u64,
        #[arg(long, default_value_t = 200)]
        villages_per_township: u64,
        /// Counties the townships are shared among (Yunnan: 129). With one, the region codes
        /// are those of earlier runs (539900…).
        #[arg(long, default_value_t = 1)]
        counties: u64,
    },
    /// Inclusion frequencies of simulated public draws against their exact chances
    /// (docs/draws.md §7.3); needs no database.
    DrawFairness {
        #[arg(long, default_value_t = 100_000)]
        draws: u64,
    },
    /// Write a data comparison CSV (身份证号,来源,发现) naming the households `seed` made:
    /// `matched` per cent of the rows name one (each at most once while rows ≤ households),
    /// the rest valid numbers of nobody; one row in a thousand is malformed.
    ComparisonCsv {
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        #[arg(long, default_value_t = 1_000_000)]
        households: u64,
        #[arg(long, default_value_t = 100)]
        matched: u64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Write an .xlsx village list with N rows (for the import benchmark).
    Xlsx {
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
];
const GIVEN: &[&str] = &[
    "明", "华", "芳", "军", "秀", "英", "国", "兰", "红", "德", "荣", "富", "贵", "顺",
];

fn name(i: u64) -> String {
    let s = SURNAMES[(i % SURNAMES.len() as u64) as usize];
    let g1 = GIVEN[((i / 14) % GIVEN.len() as u64) as usize];
    let g2 = GIVEN[((i / 196) % GIVEN.len() as u64) as usize];
    format!("{s}{g1}{g2}")
}

/// A valid GB 11643 number in `area` for person `i`: birth dates from 1940-01-01 on, 1,000 a day.
fn valid_id(area: &str, i: u64) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1940, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(i / 1000)))
        .unwrap_or_default();
    let body = format!("{area}{}{:03}", born.format("%Y%m%d"), i % 1000);
    let check = app::domain::id_number::check_char(body.as_bytes()).unwrap_or(b'0');
    format!("{body}{}", check as char)
}

/// The ID number of the `i`-th household `seed` makes (1-based): valid, so comparison files
/// can name it.
pub fn household_id_number(i: u64) -> String {
    valid_id("539900", i)
}

/// How big a synthetic province `seed` makes.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub households: u64,
    pub per_village: u64,
    pub villages_per_township: u64,
    pub counties: u64,
}

/// Region codes of the `t`-th township (0-based): its county's, its own, and the prefix its
/// villages' codes continue with three digits. One county keeps the codes of earlier runs;
/// several are numbered 59CCCC000000 (county), 59CCCCTTT000 (township, 1-based within its
/// county), 59CCCCTTTVVV (village).
pub fn region_codes(shape: &Shape, townships: u64, t: u64) -> (String, String, String) {
    let (county, prefix) = if shape.counties <= 1 {
        ("539800000000".to_owned(), format!("5399{t:05}"))
    } else {
        // Townships spread evenly: county c holds those with t × counties / townships = c.
        let c = t * shape.counties / townships;
        let within = t - (c * townships).div_ceil(shape.counties) + 1;
        let c = c + 1;
        (format!("59{c:04}000000"), format!("59{c:04}{within:03}"))
    };
    (county, format!("{prefix}000"), prefix)
}

pub async fn seed(db: &Db, shape: &Shape) -> anyhow::Result<()> {
    let Shape {
        households,
        per_village,
        villages_per_township,
        ..
    } = *shape;
    anyhow::ensure!(regions::count(db).await? == 0, "the database is not empty");
    let villages = households.div_ceil(per_village);
    let townships = villages.div_ceil(villages_per_township);
    anyhow::ensure!(
        shape.counties >= 1
            && townships.div_ceil(shape.counties) <= 999
            && villages_per_township <= 999,
        "at most 999 townships a county and 999 villages a township"
    );
    let now = app::db::now_epoch();
    let started = std::time::Instant::now();
    let mut tx = db.begin().await?;
    let mut counties: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    // Households and list rows made so far (the next ones are numbered on from these).
    let mut made: i64 = 0;
    for t in 0..townships {
        let (ccode, tcode, village_prefix) = region_codes(shape, townships, t);
        let county = match counties.get(&ccode) {
            Some(id) => *id,
            None => {
                let name = if shape.counties <= 1 {
                    "基准省".to_owned()
                } else {
                    format!("第{}县", counties.len() + 1)
                };
                let sort = counties.len() as i64;
                let id = regions::insert(&mut tx, None, Level::County, &ccode, &name, None, sort)
                    .await?;
                counties.insert(ccode, id);
                id
            }
        };
        let township_name = format!("第{t}乡");
        let township = regions::insert(
            &mut tx,
            Some(county),
            Level::Township,
            &tcode,
            &township_name,
            None,
            t as i64,
        )
        .await?;
        let first_v = t * villages_per_township;
        let last_v = ((t + 1) * villages_per_township).min(villages);
        let new_villages: Vec<NewVillage> = (first_v..last_v)
            .map(|v| NewVillage {
                code: format!("{village_prefix}{:03}", v - first_v + 1),
                name_zh: format!("第{v}村"),
                sort_order: (v - first_v) as i64,
            })
            .collect();
        let village_ids = synthetic::add_villages(&mut tx, township, &new_villages).await?;
        let list_ids =
            synthetic::add_standing_lists(&mut tx, township, &village_ids, "2026-01-01", now)
                .await?;
        // Each village's households (numbered on from those made), and their rows on its list.
        let mut new_households = Vec::new();
        let mut rows = Vec::new();
        for (village, list) in village_ids.iter().zip(&list_ids) {
            for k in 0..per_village {
                let i = made + new_households.len() as i64 + 1;
                if i as u64 > households {
                    break;
                }
                let persons = 1 + (i % 6);
                let fen = persons * 37_500 - (i % 40) * 100;
                new_households.push(NewHousehold {
                    village_id: *village,
                    head_name: name(i as u64),
                    id_number: household_id_number(i as u64),
                    persons,
                    category: if i % 3 == 0 { "doudi" } else { "yiban" },
                    aid_class: 1 + i % 3,
                    monthly_fen: fen,
                });
                rows.push((*list, k as i64 + 1, i, persons, fen));
            }
        }
        let first = synthetic::add_households(&mut tx, township, &new_households, now).await?;
        let entries: Vec<NewEntry> = rows
            .iter()
            .enumerate()
            .map(|(n, (list, seq, i, persons, fen))| {
                let household_id = first + n as i64;
                NewEntry {
                    batch_id: *list,
                    household_id,
                    seq: *seq,
                    public_ref: format!("B{i:010}"),
                    head_name: name(household_id as u64),
                    persons: *persons,
                    monthly_fen: *fen,
                }
            })
            .collect();
        synthetic::add_entries(&mut tx, &entries).await?;
        made += new_households.len() as i64;
        if t % 10 == 9 {
            eprintln!(
                "seeded {} of {townships} townships ({:.0} s)",
                t + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The lists were written in bulk, not through `set_state`: count the summaries' roll-ups.
    app::db::stats::recount(&mut tx).await?;
    tx.commit().await.context("commit")?;
    println!(
        "seeded {households} households in {villages} villages, {townships} townships, {} counties in {:.1} s",
        counties.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn comparison_csv(
    rows: u64,
    households: u64,
    matched: u64,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    use std::io::Write;
    const FOUND: &[(&str, &str)] = &[
        ("不动产", "名下登记商品房一套（2024年）"),
        ("车辆", "家庭成员名下小型轿车1辆"),
        ("工商", "个体工商户，经营中"),
        ("社保", "领取城镇职工基本养老金"),
        ("殡葬", "已于2026年10月火化"),
    ];
    anyhow::ensure!(households > 0, "--households must be at least 1");
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    w.write_all("身份证号,来源,发现\n".as_bytes())?;
    for i in 0..rows {
        let (source, finding) = FOUND[(i % FOUND.len() as u64) as usize];
        let id = if i % 1000 == 999 {
            // Excel's rounding of a long number: a malformed row.
            "5.39900E+17".to_owned()
        } else if i % 100 < matched {
            // 7919 is prime and does not divide 10^n: a permutation of the households.
            household_id_number((i * 7919) % households + 1)
        } else {
            valid_id("110105", i)
        };
        writeln!(w, "{id},{source},{finding}")?;
    }
    w.flush()?;
    println!("wrote {rows} rows to {}", out.display());
    Ok(())
}

pub fn xlsx(rows: u32, out: &std::path::Path) -> anyhow::Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["户主姓名", "保障人数", "月保障金额", "保障类别", "变动情况"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    for r in 1..=rows {
        let i = u64::from(r);
        // Distinct names (a number suffix in Chinese numerals is not needed: Latin letters are allowed).
        ws.write_string(r, 0, format!("{}{}", name(i), to_letters(i)))?;
        ws.write_number(r, 1, (1 + i % 6) as f64)?;
        ws.write_number(r, 2, ((1 + i % 6) * 375) as f64)?;
        ws.write_string(
            r,
            3,
            if i % 3 == 0 {
                "兜底保障一类"
            } else {
                "一般保障二类"
            },
        )?;
        ws.write_string(r, 4, "新增")?;
    }
    wb.save(out)?;
    println!("wrote {rows} rows to {}", out.display());
    Ok(())
}

/// 1 → "a", 27 → "ab": makes every generated name distinct.
fn to_letters(mut n: u64) -> String {
    let mut s = String::new();
    while n > 0 {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_has_its_counties_codes() {
        let one = Shape {
            households: 1_000_000,
            per_village: 50,
            villages_per_township: 200,
            counties: 1,
        };
        // One county: the codes earlier benchmarks use.
        assert_eq!(
            region_codes(&one, 100, 50),
            (
                "539800000000".to_owned(),
                "539900050000".to_owned(),
                "539900050".to_owned()
            )
        );
        let province = Shape {
            households: 1_500_000,
            per_village: 50,
            villages_per_township: 15,
            counties: 129,
        };
        let townships = 2_000;
        let mut counties = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        for t in 0..townships {
            let (c, town, _) = region_codes(&province, townships, t);
            assert!(app::domain::is_region_code(&c) && app::domain::is_region_code(&town));
            assert!(town.starts_with(&c[..6]), "{town} lies in {c}");
            assert!(seen.insert(town), "township codes are distinct");
            counties.insert(c);
        }
        assert_eq!(counties.len(), 129);
    }
}
