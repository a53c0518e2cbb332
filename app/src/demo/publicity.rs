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
            let mut entries = Vec::new();
            for (hid, h) in applicants {
                let e =
                    pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::New))
                        .await?;
                entries.push((e, *hid));
            }
            lists.push(DemoList {
                village: i,
                batch_id: id,
                kind: BatchKind::Review,
                withdrawn: false,
                window_closed: false,
                entries,
            });
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
        // Elsewhere a 审核公示 whose window has closed: its cases wait for the county.
        if i % 3 == 2 && !applicants.is_empty() {
            let id = pdb::insert_batch(tx, &batch(BatchKind::Review, day(-12), Some(day(-6))), now)
                .await?;
            let mut entries = Vec::new();
            for (hid, h) in applicants {
                let e =
                    pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::New))
                        .await?;
                entries.push((e, *hid));
            }
            pdb::set_state(
                tx,
                id,
                BatchState::Draft,
                BatchState::Published,
                None,
                now - 12 * 86_400,
            )
            .await?;
            lists.push(DemoList {
                village: i,
                batch_id: id,
                kind: BatchKind::Review,
                withdrawn: false,
                window_closed: true,
                entries,
            });
        }
        // An approval list whose window has ended, in every other village.
        if i % 2 == 0 {
            let id = pdb::insert_batch(
                tx,
                &batch(BatchKind::Approval, day(-40), Some(day(-34))),
                now,
            )
            .await?;
            let mut entries = Vec::new();
            for (hid, h) in current.iter().take(2) {
                let e =
                    pdb::insert_entry(tx, id, &entry_of(h, *hid, h.monthly_fen, ChangeKind::New))
                        .await?;
                entries.push((e, *hid));
            }
            lists.push(DemoList {
                village: i,
                batch_id: id,
                kind: BatchKind::Approval,
                withdrawn: false,
                window_closed: false,
                entries,
            });
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
    Ok(lists)
}
