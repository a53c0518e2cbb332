//! A realistic, entirely fictional county for demos and tests.
//!
//! 鲁甸县's real township names and codes; village names are plausible; every person is made up.
//! The generator is deterministic (ChaCha8, whose output is stable across rand versions): the
//! same seed gives the same households, so tests can name what they expect to find.

mod cases;
mod complaints;
mod data;
mod draws;
mod pages;
mod publicity;

pub use data::{households, township_code, village_code, DemoHousehold, TOWNSHIPS};

use complaints::load_complaints;
use pages::load_pages;
use publicity::load_publicity;

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
                rights: crate::db::staff::Rights {
                    role,
                    township_id,
                    village_id: None,
                    county_id: None,
                    prefecture_code: None,
                },
                email: None,
            },
            now,
        )
        .await?;
    }
    let signers = load_officers(&mut tx, &township_ids, &village_ids, &hash, now).await?;
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
    let lists = load_publicity(&mut tx, &villages, seed, now).await?;
    let panels = draws::load_pools(&mut tx, &villages, &signers, seed, now).await?;
    cases::load_cases(&mut tx, &villages, &lists, &signers, &panels, seed, now).await?;
    load_complaints(&mut tx, &villages, now).await?;
    load_rechecks(&mut tx, &villages, now).await?;
    load_pages(&mut tx, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Re-checks in every state: in each village the first two recipients are past their re-check
/// date (one with a lead from a comparison file), the third is due within the month.
async fn load_rechecks(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::rechecks as rdb;
    use crate::domain::recheck::Source;
    let today = crate::db::today_cst();
    for (vid, tid, _, households) in villages {
        for (n, (hid, _)) in households.iter().take(3).enumerate() {
            let due = match n {
                0 => today - chrono::Duration::days(40),
                1 => today - chrono::Duration::days(5),
                _ => today + chrono::Duration::days(20),
            };
            rdb::set_due(tx, *hid, due).await?;
            if n == 0 {
                let lead = rdb::NewLead {
                    household_id: *hid,
                    township_id: *tid,
                    village_id: *vid,
                    source: Source::Comparison,
                    lead: "车辆管理：家庭成员名下登记小型轿车一辆（2025年购置）",
                    comparison_id: None,
                    complaint_id: None,
                };
                rdb::insert_lead(tx, &lead, now).await?;
            }
        }
    }
    Ok(())
}

/// A second township officer for every township (a household visit is signed by two), two
/// where the demo has no named officer, and a village assistant for 龙泉村 (龙头山镇).
async fn load_officers(
    tx: &mut sqlx::AnyConnection,
    township_ids: &std::collections::HashMap<&str, i64>,
    village_ids: &std::collections::HashMap<String, (i64, Vec<i64>)>,
    hash: &str,
    now: i64,
) -> crate::error::AppResult<cases::Signers> {
    use crate::db::staff::{self as sdb, NewStaff, Rights};
    use crate::domain::Role;
    let mut signers = cases::Signers {
        township: std::collections::HashMap::new(),
        county: sdb::id_by_username(tx, "demo.county").await?,
    };
    for (suffix, zh, _, _) in TOWNSHIPS {
        let tid = township_ids.get(suffix).copied().unwrap_or_default();
        let named = DEMO_STAFF
            .iter()
            .find(|s| s.3 == Some(*suffix))
            .map(|s| s.0);
        let mut ids = Vec::new();
        if let Some(username) = named {
            ids.push(sdb::id_by_username(tx, username).await?);
        }
        for extra in ["a", "b"].iter().take(2 - ids.len()) {
            let username = format!("demo.t{suffix}{extra}");
            let display = format!("{zh} 民政助理员{}", if *extra == "a" { "甲" } else { "乙" });
            let new = NewStaff {
                username: &username,
                display_name: &display,
                password_hash: hash,
                rights: Rights::township(Role::TownshipOfficer, tid, None),
                email: None,
            };
            ids.push(sdb::insert(tx, &new, now).await?);
        }
        if let [a, b] = ids[..] {
            signers.township.insert(tid, (a, b));
        }
    }
    if let (Some(tid), Some((vid, _))) = (township_ids.get("103"), village_ids.get("530621103201"))
    {
        let new = NewStaff {
            username: "demo.assistant",
            display_name: "龙泉村 协理员 马丽",
            password_hash: hash,
            rights: Rights::township(Role::VillageAssistant, *tid, Some(*vid)),
            email: None,
        };
        sdb::insert(tx, &new, now).await?;
    }
    Ok(signers)
}

/// (village id, township id, village code, its households with their ids)
pub(crate) type DemoVillage = (i64, i64, String, Vec<(i64, DemoHousehold)>);

#[cfg(test)]
mod tests {
    use super::data::id_check_digit;
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
