//! The demo's publicity lists.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{DemoHousehold, DemoVillage};

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

/// Marks a demo list published at `at` (as its village board would have seen it).
async fn publish_at(tx: &mut sqlx::AnyConnection, id: i64, at: i64) -> crate::error::AppResult<()> {
    use crate::domain::BatchState;
    crate::db::publicity::set_state(tx, id, BatchState::Draft, BatchState::Published, None, at)
        .await?;
    Ok(())
}

/// A 审核/审批 list of `households`, each new at its own amount, published at `at`. Returns
/// its id and its entries as (entry id, household id).
async fn case_list(
    tx: &mut sqlx::AnyConnection,
    batch: &crate::db::publicity::NewBatch,
    households: &[(i64, DemoHousehold)],
    now: i64,
    at: i64,
) -> crate::error::AppResult<(i64, Vec<(i64, i64)>)> {
    use crate::db::publicity as pdb;
    let id = pdb::insert_batch(tx, batch, now).await?;
    let mut entries = Vec::new();
    for (hid, h) in households {
        let new = entry_of(h, *hid, h.monthly_fen, crate::domain::ChangeKind::New);
        entries.push((pdb::insert_entry(tx, id, &new).await?, *hid));
    }
    publish_at(tx, id, at).await?;
    Ok((id, entries))
}

/// A 审核/审批 list of the demo, for the case files behind it.
pub(super) struct DemoList {
    /// Index into the villages.
    pub village: usize,
    pub batch_id: i64,
    pub kind: crate::domain::BatchKind,
    pub withdrawn: bool,
    /// A 审核 list whose window has closed: its cases wait for the county's checks and decision.
    pub window_closed: bool,
    /// (entry id, household id)
    pub entries: Vec<(i64, i64)>,
}

/// Publicity for the demo: every village has a standing list; some have an open 审核公示, a
/// closed 审批公示, a withdrawn list, or an earlier standing list to compare with. Returns the
/// 审核/审批 lists (the demo's case files are made for their households).
pub(super) async fn load_publicity(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    seed: u64,
    now: i64,
) -> crate::error::AppResult<Vec<DemoList>> {
    let mut lists = Vec::new();
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
            publish_at(tx, id, now - 200 * 86_400).await?;
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
        publish_at(tx, standing, now - 30 * 86_400).await?;
        // A 审核公示 open now in two of every three villages; elsewhere one whose window has
        // closed, its cases waiting for the county.
        if !applicants.is_empty() {
            let window_closed = i % 3 == 2;
            let (opened, closes) = if window_closed { (-12, -6) } else { (-2, 4) };
            let review = batch(BatchKind::Review, day(opened), Some(day(closes)));
            let published = now + opened * 86_400;
            let (batch_id, entries) = case_list(tx, &review, applicants, now, published).await?;
            lists.push(DemoList {
                village: i,
                batch_id,
                kind: BatchKind::Review,
                withdrawn: false,
                window_closed,
                entries,
            });
        }
        // An approval list whose window has ended, in every other village.
        if i % 2 == 0 {
            let approval = batch(BatchKind::Approval, day(-40), Some(day(-34)));
            let first_two = &current[..current.len().min(2)];
            let (batch_id, entries) =
                case_list(tx, &approval, first_two, now, now - 40 * 86_400).await?;
            lists.push(DemoList {
                village: i,
                batch_id,
                kind: BatchKind::Approval,
                withdrawn: false,
                window_closed: false,
                entries,
            });
        }
        // One withdrawn list, with its public reason.
        if code.as_str() == "530621103202" {
            let id =
                pdb::insert_batch(tx, &batch(BatchKind::Review, day(-20), Some(day(-14))), now)
                    .await?;
            if let Some((hid, h)) = current.first() {
                let e = pdb::insert_entry(
                    tx,
                    id,
                    &entry_of(h, *hid, h.monthly_fen, ChangeKind::Increase),
                )
                .await?;
                lists.push(DemoList {
                    village: i,
                    batch_id: id,
                    kind: BatchKind::Review,
                    withdrawn: true,
                    window_closed: false,
                    entries: vec![(e, *hid)],
                });
            }
            publish_at(tx, id, now - 20 * 86_400).await?;
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
    Ok(lists)
}
