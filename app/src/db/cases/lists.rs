//! What links cases to the lists: a case's 审核/审批 list, the entries made from cases, what a 审核 list
//! still waits for, and the counts of how far a place's applications have come.

use super::*;
use crate::db::all;
use crate::db::exec;
use crate::db::publicity::NewEntry;
use crate::db::Binds;

/// Links (or unlinks, `None`) the case's 审核 or 审批 list.
#[tracing::instrument(skip_all)]
pub async fn set_batch(
    conn: &mut AnyConnection,
    case_id: i64,
    approval: bool,
    batch_id: Option<i64>,
) -> AppResult<()> {
    let sql = if approval {
        "UPDATE cases SET approval_batch_id = $1 WHERE id = $2"
    } else {
        "UPDATE cases SET review_batch_id = $1 WHERE id = $2"
    };
    exec(&mut *conn, sql, (batch_id, case_id)).await?;
    Ok(())
}

/// Links the case to a new 审核 or 审批 list, only while it waits at `stage` on no list of that
/// kind; `false` (nothing changed) when another list took it first.
#[tracing::instrument(skip_all)]
pub async fn claim_for_list(
    conn: &mut AnyConnection,
    case_id: i64,
    approval: bool,
    batch_id: i64,
    stage: Stage,
) -> AppResult<bool> {
    let sql = if approval {
        "UPDATE cases SET approval_batch_id = $1
         WHERE id = $2 AND stage = $3 AND approval_batch_id IS NULL"
    } else {
        "UPDATE cases SET review_batch_id = $1
         WHERE id = $2 AND stage = $3 AND review_batch_id IS NULL"
    };
    let res = exec(&mut *conn, sql, (batch_id, case_id, stage.as_str())).await?;
    Ok(res == 1)
}

/// Marks a list entry as made from a case.
#[tracing::instrument(skip_all)]
pub async fn link_entry(conn: &mut AnyConnection, entry_id: i64, case_id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE batch_entries SET case_id = $1 WHERE id = $2",
        (case_id, entry_id),
    )
    .await?;
    Ok(())
}

/// Cases of a batch (entries made from cases), in entry order.
#[tracing::instrument(skip_all)]
pub async fn case_ids_of_batch(conn: &mut AnyConnection, batch_id: i64) -> AppResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT case_id FROM batch_entries WHERE batch_id = $1 AND case_id IS NOT NULL ORDER BY seq",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The cases of a 审核 batch with whether each is a near-relative case and has a county check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckStatus {
    pub case_id: i64,
    pub near_relative: bool,
    pub checked: bool,
}

#[tracing::instrument(skip_all)]
pub async fn check_status(db: &Db, batch_id: i64) -> AppResult<Vec<CheckStatus>> {
    all(
        &db.pool,
        "SELECT c.id, c.near_relative, CASE WHEN EXISTS (SELECT 1 FROM case_steps s
            WHERE s.case_id = c.id AND s.action = 'county_check') THEN 1 ELSE 0 END AS checked
         FROM cases c WHERE c.review_batch_id = $1 ORDER BY c.id",
        batch_id,
        |r| {
            Ok(CheckStatus {
                case_id: r.try_get(0)?,
                near_relative: r.flag(1)?,
                checked: r.flag(2)?,
            })
        },
    )
    .await
}

/// Objections (reports about an entry of this list) that have no outcome yet.
#[tracing::instrument(skip_all)]
pub async fn open_objections(db: &Db, batch_id: i64) -> AppResult<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) FROM complaints k JOIN batch_entries e ON e.id = k.entry_id
         WHERE e.batch_id = $1 AND k.status NOT IN ('declined', 'answered', 'closed')",
    )
    .bind(batch_id)
    .fetch_one(&db.pool)
    .await?
    .try_get(0)?)
}

/// A list entry to make from a case: what any entry says, and the case it came from.
pub struct CaseEntry<'a> {
    /// `None` for an entry carried over from a hand-made list (存量).
    pub case_id: Option<i64>,
    pub entry: NewEntry<'a>,
}

/// Appends entries made from cases to a batch.
#[tracing::instrument(skip_all)]
pub async fn insert_entries(
    conn: &mut AnyConnection,
    batch_id: i64,
    entries: &[CaseEntry<'_>],
) -> AppResult<()> {
    use crate::db::bulk::{insert_many, Value};
    let mut seq = crate::db::publicity::max_seq(conn, batch_id).await?;
    let rows: Vec<Vec<Value>> = entries
        .iter()
        .map(|e| {
            seq += 1;
            let (head_name, persons, monthly_fen, category, aid_class, change) = e.entry.values();
            vec![
                Value::I(batch_id),
                Value::I(e.entry.household_id),
                Value::I(seq),
                Value::S(crate::db::publicity::new_public_ref()),
                Value::S(head_name.to_owned()),
                Value::I(persons),
                Value::I(monthly_fen),
                Value::S(category.to_owned()),
                aid_class.map(Value::I).unwrap_or(Value::Null),
                Value::S(change.to_owned()),
                e.case_id.map(Value::I).unwrap_or(Value::Null),
            ]
        })
        .collect();
    insert_many(
        conn,
        "batch_entries",
        "batch_id, household_id, seq, public_ref, head_name, persons, monthly_fen, category, \
         aid_class, change_kind, case_id",
        &rows,
    )
    .await
}

/// How far a place's applications of a year have come: counts and the median days from
/// application to decision. No names: safe to publish (small counts are suppressed by the
/// caller's rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub received: i64,
    pub visited: i64,
    pub reviewed: i64,
    pub approved: i64,
    pub refused: i64,
}

impl Progress {
    fn add(&mut self, o: &Progress) {
        self.received += o.received;
        self.visited += o.visited;
        self.reviewed += o.reviewed;
        self.approved += o.approved;
        self.refused += o.refused;
    }
}

/// A place's applications: each village's apart (a township's parts, published
/// on their own village pages), and the days from application to decision of each decided one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applications {
    pub by_village: Vec<Progress>,
    pub days: Vec<i64>,
}

impl Applications {
    /// All of them: the villages' counts added up.
    pub fn total(&self) -> Progress {
        let mut t = Progress::default();
        for p in &self.by_village {
            t.add(p);
        }
        t
    }
}

/// Applications received from `since` on, in a township (and village, if given).
/// Public pages only (the village page, the township summary): read from the replica when it has
/// caught up, as the rest of those pages are.
#[tracing::instrument(skip_all)]
pub async fn progress(
    db: &Db,
    township_id: Option<i64>,
    village_id: Option<i64>,
    since: NaiveDate,
) -> AppResult<Applications> {
    let rows = sqlx::query(
        "SELECT c.stage, c.received_on, c.decided_at,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'survey_eligible') THEN 1 ELSE 0 END AS visited,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'village_review') THEN 1 ELSE 0 END AS reviewed,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'county_approve') THEN 1 ELSE 0 END AS approved,
            c.village_id
         FROM cases c
         WHERE c.received_on >= $1 AND ($2 IS NULL OR c.township_id = $2)
           AND ($3 IS NULL OR c.village_id = $3)",
    )
    .binds((since.to_string(), township_id, village_id))
    .fetch_all(db.reader())
    .await?;
    let mut all = Applications::default();
    let mut villages = std::collections::BTreeMap::<i64, Progress>::new();
    for r in &rows {
        let stage: Stage = r.code(0)?;
        let decided_at: Option<i64> = r.try_get(2)?;
        let one = Progress {
            received: 1,
            visited: r.try_get(3)?,
            reviewed: r.try_get(4)?,
            approved: r.try_get(5)?,
            refused: i64::from(stage == Stage::Refused),
        };
        villages.entry(r.try_get(6)?).or_default().add(&one);
        if let Some(at) = decided_at {
            let decided = crate::db::day_cst(at);
            all.days
                .push(crate::domain::case::days_to_decision(r.date(1)?, decided));
        }
    }
    all.by_village = villages.into_values().collect();
    Ok(all)
}
