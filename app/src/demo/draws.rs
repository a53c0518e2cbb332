//! The demo's review pools and public draws: every village keeps a pool of 33 (3 township cadres,
//! the leader and nine representatives of each of its three groups); each village has a panel
//! drawn a month ago (and one 72 days ago where older cases were reviewed); every 审核 list has its
//! spot-check announced — drawn where the window has closed or the county has checked already,
//! ready to draw or still inside its 24 hours elsewhere. Every draw is made by `domain::draw`
//! with made-up randomness the page says is made up, so each one re-runs like a real one.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::cases::Signers;
use super::DemoVillage;
use crate::db::draws::{self as ddb, NewDraw};
use crate::db::regions;
use crate::domain::case::{group_token, member_token};
use crate::domain::draw::{
    announce, DrawFile, Panel, PoolMember, Proposal, SpotCheck, Stratum, Subject, MIN_CADRES,
};
use crate::domain::{MaskPolicy, MaskedName};
use crate::draws::service::{panel_purpose, spot_purpose, NOTICE_SECS};
use crate::error::{AppError, AppResult};

/// The groups every demo village has (as the site keeps their names).
pub(super) const GROUPS: [&str; 3] = ["一组", "二组", "三组"];

const SOURCE: &str = "演示数据：程序随机生成的8位数字，不是真实开奖号码";
const DAY: i64 = 86_400;

const SURNAMES: &[&str] = &[
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "何",
];
const GIVEN: &[&str] = &[
    "文", "武", "建", "国", "丽", "梅", "志", "强", "秀", "云", "海", "燕", "德", "明", "春", "兰",
];

/// A drawn panel: its draw id and its members' names (staff-only, as the review step records).
pub(super) type DrawnPanel = (i64, String);

/// Drawn panels of a village: (the older one, if any; this month's).
pub(super) type Panels = HashMap<i64, (Option<DrawnPanel>, DrawnPanel)>;

fn name(rng: &mut ChaCha8Rng) -> String {
    let s = SURNAMES[rng.random_range(0..SURNAMES.len())];
    let a = GIVEN[rng.random_range(0..GIVEN.len())];
    let b = GIVEN[rng.random_range(0..GIVEN.len())];
    format!("{s}{a}{b}")
}

fn randomness(rng: &mut ChaCha8Rng) -> String {
    format!("{:08}", rng.random_range(0..100_000_000u32))
}

/// Announces `proposal` at `at` and, when `draw_at` is given, draws it then; returns the row id.
#[allow(clippy::too_many_arguments)]
async fn store(
    tx: &mut sqlx::AnyConnection,
    rng: &mut ChaCha8Rng,
    proposal: Proposal,
    kind: &str,
    (township, village, batch): (i64, i64, Option<i64>),
    by: i64,
    at: i64,
    draw_at: Option<i64>,
) -> AppResult<(i64, Option<DrawFile>)> {
    let purpose = proposal.purpose.clone();
    let a = announce(proposal).map_err(|e| AppError::internal("demo draw", e))?;
    let new = NewDraw {
        draw_key: a.draw_id(),
        kind,
        township_id: township,
        village_id: Some(village),
        batch_id: batch,
        purpose: &purpose,
        announcement: &DrawFile::from(&a).to_json(),
        pool_hash: &a.pool_hash().to_hex(),
        announced_by: by,
        draw_not_before: at + NOTICE_SECS,
        replaces: None,
    };
    let id = ddb::insert(tx, &new, at)
        .await?
        .ok_or_else(|| AppError::internal("demo draw", "duplicate key"))?;
    let Some(when) = draw_at else {
        return Ok((id, None));
    };
    let drawn = a
        .draw(&randomness(rng))
        .map_err(|e| AppError::internal("demo draw", e))?;
    let file = DrawFile::from(&drawn);
    ddb::set_result(tx, id, &file.to_json(), by, when).await?;
    Ok((id, Some(file)))
}

/// Pools for every village and its drawn panels.
pub(super) async fn load_pools(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    signers: &Signers,
    seed: u64,
    now: i64,
) -> AppResult<Panels> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xd4a3);
    let today = crate::db::today_cst();
    let mut panels = Panels::new();
    for (vid, tid, code, households) in villages {
        let (officer, _) = signers
            .township
            .get(tid)
            .copied()
            .unwrap_or((signers.county, signers.county));
        let mut pool = Vec::new();
        let mut names = HashMap::new();
        let mut add = |id: i64, name: &str, stratum, group: Option<&str>| {
            names.insert(member_token(id), name.to_owned());
            pool.push(PoolMember {
                id: member_token(id),
                name: MaskedName::new(name, MaskPolicy::default())
                    .as_str()
                    .to_owned(),
                stratum,
                group: group.map(group_token),
                near_relative: false,
            });
        };
        let since = now - 120 * DAY;
        for _ in 0..3 {
            let n = name(&mut rng);
            add(
                ddb::insert_member(tx, *vid, &n, Stratum::Cadre, None, officer, since).await?,
                &n,
                Stratum::Cadre,
                None,
            );
        }
        for g in GROUPS {
            let n = name(&mut rng);
            add(
                ddb::insert_member(tx, *vid, &n, Stratum::Leader, Some(g), officer, since).await?,
                &n,
                Stratum::Leader,
                Some(g),
            );
            for _ in 0..9 {
                let n = name(&mut rng);
                add(
                    ddb::insert_member(tx, *vid, &n, Stratum::Resident, Some(g), officer, since)
                        .await?,
                    &n,
                    Stratum::Resident,
                    Some(g),
                );
            }
        }
        let Some(village) = regions::by_level_id_conn(tx, regions::Level::Village, *vid).await?
        else {
            continue;
        };
        let mut groups: Vec<String> = GROUPS.iter().map(|g| group_token(g)).collect();
        groups.sort();
        let present = |file: Option<DrawFile>| -> String {
            file.and_then(|f| f.selected)
                .unwrap_or_default()
                .iter()
                .filter_map(|s| names.get(&s.id).cloned())
                .collect::<Vec<_>>()
                .join("、")
        };
        let panel = |days_ago: i64| Proposal {
            draw_id: crate::draws::service::panel_key(code, now - days_ago * DAY),
            purpose: panel_purpose(&village, today - chrono::Duration::days(days_ago)),
            randomness_source: SOURCE.to_owned(),
            randomness_format: "digits:8".to_owned(),
            subject: Subject::Panel(Panel {
                panel_size: 9,
                min_cadres: MIN_CADRES,
                groups: groups.clone(),
                pool: pool.clone(),
            }),
        };
        // Drawn 72 days ago (some villages only) and 31 days ago, the newer the one in force.
        let days: &[i64] = if households.len() % 2 == 0 || code.ends_with("201") {
            &[72, 31]
        } else {
            &[31]
        };
        let mut drawn = vec![];
        for &days_ago in days {
            let at = now - days_ago * DAY;
            let (id, file) = store(
                tx,
                &mut rng,
                panel(days_ago),
                "panel",
                (*tid, *vid, None),
                officer,
                at,
                Some(at + DAY),
            )
            .await?;
            drawn.push((id, present(file)));
        }
        if let Some(newer) = drawn.pop() {
            panels.insert(*vid, (drawn.pop(), newer));
        }
    }
    Ok(panels)
}

/// How far a demo spot-check has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpotStage {
    /// Announced three hours ago: its 24 hours are still running.
    Waiting,
    /// Announced two days ago, not drawn yet: the county may enter the randomness.
    Ready,
    /// Drawn the day after the list was published.
    Drawn,
}

/// Announces (and maybe draws) the spot-check of a published 审核 list; returns the cases the
/// county must check when it was drawn (the sampled ones and every near-relative case).
#[allow(clippy::too_many_arguments)]
pub(super) async fn spot_check(
    tx: &mut sqlx::AnyConnection,
    village: &DemoVillage,
    batch_id: i64,
    published_at: i64,
    stage: SpotStage,
    signers: &Signers,
    seed: u64,
    now: i64,
) -> AppResult<Vec<i64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ batch_id as u64 ^ 0x5b07);
    let (vid, tid, _, _) = village;
    let rows = ddb::spot_check_entries(tx, batch_id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let Some(region) = regions::by_level_id_conn(tx, regions::Level::Village, *vid).await? else {
        return Ok(Vec::new());
    };
    let proposal = Proposal {
        draw_id: format!("spot-{batch_id}"),
        purpose: spot_purpose(&region, batch_id),
        randomness_source: SOURCE.to_owned(),
        randomness_format: "digits:8".to_owned(),
        subject: Subject::SpotCheck(SpotCheck {
            rate_percent: 30,
            entries: rows.iter().map(|e| e.entry.clone()).collect(),
        }),
    };
    let (at, draw_at) = match stage {
        SpotStage::Waiting => (now - 3 * 3600, None),
        SpotStage::Ready => (now - 2 * DAY, None),
        SpotStage::Drawn => (published_at, Some(published_at + DAY)),
    };
    let (_, file) = store(
        tx,
        &mut rng,
        proposal,
        "spot_check",
        (*tid, *vid, Some(batch_id)),
        signers.county,
        at,
        draw_at,
    )
    .await?;
    let chosen: Vec<String> = file
        .and_then(|f| f.selected)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok(rows
        .into_iter()
        .filter(|e| chosen.contains(&e.entry.entry_ref))
        .map(|e| e.case_id)
        .collect())
}
