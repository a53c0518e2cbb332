//! Rows for public statistics. Only counts, amounts and dates leave here — no names.

use std::collections::HashMap;

use chrono::Datelike;
use sqlx::{AnyConnection, Row};

use super::households::Totals;
use super::regions::scope_condition;
use super::Db;
use crate::db::exec;
use crate::db::{Binds, Columns};
use crate::domain::stats::{ComplaintRow, ComplaintStats, ComplaintTally};
use crate::domain::{summary_delta, BatchKind, BatchState, Scope};
use crate::error::AppResult;

/// A township's households newly approved and stopped in a year (its approval lists).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearChanges {
    pub new_households: i64,
    pub stopped_households: i64,
}

/// The year (China Standard Time) of an epoch second.
fn cst_year(at: i64) -> i64 {
    i64::from(super::day_cst(at).year())
}

/// Moves the roll-ups for a list that went from `from` to `to` (in the caller's transaction,
/// right after the state change): its entries are added to or taken from its township's
/// standing totals, or its year's approvals. Deltas, not recounts, so that two lists of one
/// township published at once by two instances both count (PostgreSQL locks the row).
#[tracing::instrument(skip_all)]
pub async fn move_batch(
    conn: &mut AnyConnection,
    batch_id: i64,
    from: BatchState,
    to: BatchState,
) -> AppResult<()> {
    let row = sqlx::query("SELECT kind, township_id, published_at FROM batches WHERE id = $1")
        .bind(batch_id)
        .fetch_one(&mut *conn)
        .await?;
    let kind: BatchKind = row.code(0)?;
    let township: i64 = row.try_get(1)?;
    let published_at: Option<i64> = row.try_get(2)?;
    let sign = summary_delta(kind, from, to);
    if sign == 0 {
        return Ok(());
    }
    let sums = sqlx::query(
        "SELECT CAST(SUM(CASE WHEN change_kind <> 'stop' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN change_kind <> 'stop' THEN persons ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN change_kind <> 'stop' THEN monthly_fen ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN change_kind = 'new' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN change_kind = 'stop' THEN 1 ELSE 0 END) AS BIGINT)
         FROM batch_entries WHERE batch_id = $1",
    )
    .bind(batch_id)
    .fetch_one(&mut *conn)
    .await?;
    let sum =
        |i: usize| -> AppResult<i64> { Ok(sign * sums.try_get::<Option<i64>, _>(i)?.unwrap_or(0)) };
    match kind {
        BatchKind::Standing => {
            exec(
                &mut *conn,
                "INSERT INTO township_totals (township_id, households, persons, monthly_fen)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (township_id) DO UPDATE SET
                   households = township_totals.households + excluded.households,
                   persons = township_totals.persons + excluded.persons,
                   monthly_fen = township_totals.monthly_fen + excluded.monthly_fen",
                (township, sum(0)?, sum(1)?, sum(2)?),
            )
            .await?;
        }
        BatchKind::Approval => {
            let year = cst_year(published_at.unwrap_or_else(super::now_epoch));
            exec(
                &mut *conn,
                "INSERT INTO township_year_changes (township_id, year, new_households,
                 stopped_households)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (township_id, year) DO UPDATE SET
                   new_households = township_year_changes.new_households + excluded.new_households,
                   stopped_households =
                     township_year_changes.stopped_households + excluded.stopped_households",
                (township, year, sum(3)?, sum(4)?),
            )
            .await?;
        }
        BatchKind::Review => {}
    }
    Ok(())
}

/// Recounts every roll-up from the lists and complaints (after a bulk load that bypassed
/// [`move_batch`] or [`refresh_complaint`]).
#[tracing::instrument(skip_all)]
pub async fn recount(conn: &mut AnyConnection) -> AppResult<()> {
    exec(&mut *conn, "DELETE FROM township_totals", ()).await?;
    exec(
        &mut *conn,
        "INSERT INTO township_totals (township_id, households, persons, monthly_fen)
         SELECT b.township_id, COUNT(*), CAST(COALESCE(SUM(e.persons), 0) AS BIGINT),
                CAST(COALESCE(SUM(e.monthly_fen), 0) AS BIGINT)
         FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.kind = 'standing' AND b.state = 'published' AND e.change_kind <> 'stop'
         GROUP BY b.township_id",
        (),
    )
    .await?;
    exec(&mut *conn, "DELETE FROM township_year_changes", ()).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM batches WHERE kind = 'approval' AND state IN ('published', 'closed')",
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        move_batch(conn, id, BatchState::Draft, BatchState::Published).await?;
    }
    recount_complaints(conn).await
}

/// Standing-list totals per township in `scope` (by township id), from the roll-up.
#[tracing::instrument(skip_all)]
pub async fn standing_by_township(db: &Db, scope: &Scope) -> AppResult<HashMap<i64, Totals>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, households, persons, monthly_fen FROM township_totals WHERE {}",
        scope_condition(scope, "township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let totals = Totals {
                households: r.try_get(1)?,
                persons: r.try_get(2)?,
                monthly_fen: r.try_get(3)?,
            };
            Ok((r.try_get(0)?, totals))
        })
        .collect()
}

/// The standing-list totals of one township, from the roll-up.
#[tracing::instrument(skip_all)]
pub async fn standing_of_township(db: &Db, township_id: i64) -> AppResult<Totals> {
    let row = sqlx::query(
        "SELECT households, persons, monthly_fen FROM township_totals WHERE township_id = $1",
    )
    .bind(township_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(match row {
        Some(r) => Totals {
            households: r.try_get(0)?,
            persons: r.try_get(1)?,
            monthly_fen: r.try_get(2)?,
        },
        None => Totals::default(),
    })
}

/// Households newly approved and stopped by the approval lists published in `year` (China
/// Standard Time), per township in `scope` (by township id), from the roll-up.
#[tracing::instrument(skip_all)]
pub async fn changes_by_township(
    db: &Db,
    year: i64,
    scope: &Scope,
) -> AppResult<HashMap<i64, YearChanges>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, new_households, stopped_households FROM township_year_changes
         WHERE year = $1 AND {}",
        scope_condition(scope, "township_id")
    )))
    .bind(year)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let changes = YearChanges {
                new_households: r.try_get(1)?,
                stopped_households: r.try_get(2)?,
            };
            Ok((r.try_get(0)?, changes))
        })
        .collect()
}

/// Every complaint, reduced for statistics (what the roll-ups are counted from).
#[tracing::instrument(skip_all)]
pub async fn complaint_rows(db: &Db, scope: &Scope) -> AppResult<Vec<ComplaintRow>> {
    let mut conn = db.pool.acquire().await?;
    Ok(
        complaint_rows_where(&mut conn, &scope_condition(scope, "c.township_id"))
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
    )
}

/// (complaint id, row) of the complaints `condition` (SQL over `c`, with no user text) holds.
async fn complaint_rows_where(
    conn: &mut AnyConnection,
    condition: &str,
) -> AppResult<Vec<(i64, ComplaintRow)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.township_id, c.status, c.received_on, c.answer_by, c.finding,
                (SELECT MIN(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'answered'),
                c.id
         FROM complaints c WHERE {condition}"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let answered_at: Option<i64> = r.try_get(5)?;
            let row = ComplaintRow {
                township_id: r.try_get(0)?,
                status: r.try_get(1)?,
                received_on: r.date(2)?,
                answer_by: r.date_opt(3)?,
                answered_on: answered_at.map(super::day_cst),
                finding: r.try_get(4)?,
            };
            Ok((r.try_get::<i64, _>(6)?, row))
        })
        .collect()
}

/// The roll-up key of a complaint's township (0: none).
fn township_key(r: &ComplaintRow) -> i64 {
    r.township_id.unwrap_or(0)
}

/// How many rows a township's complaint counts are spread over (see migration 0025).
const SHARDS: i64 = 8;

/// Adds `t` to (`sign` 1) or takes it from (`sign` -1) township `key`'s complaint roll-up, in
/// the row `shard`.
async fn move_complaints(
    conn: &mut AnyConnection,
    key: i64,
    shard: i64,
    t: &ComplaintTally,
    sign: i64,
) -> AppResult<()> {
    let c = t.counts.as_array();
    let mut q = sqlx::query(
        "INSERT INTO township_complaints (township_id, shard, received, accepted, declined,
            answered, answered_on_time, substantiated, partly, unsubstantiated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (township_id, shard) DO UPDATE SET
            received = township_complaints.received + excluded.received,
            accepted = township_complaints.accepted + excluded.accepted,
            declined = township_complaints.declined + excluded.declined,
            answered = township_complaints.answered + excluded.answered,
            answered_on_time = township_complaints.answered_on_time + excluded.answered_on_time,
            substantiated = township_complaints.substantiated + excluded.substantiated,
            partly = township_complaints.partly + excluded.partly,
            unsubstantiated = township_complaints.unsubstantiated + excluded.unsubstantiated",
    )
    .binds((key, shard));
    for n in c {
        q = q.bind(sign * n);
    }
    q.execute(&mut *conn).await?;
    for (days, n) in &t.answer_days {
        exec(
            &mut *conn,
            "INSERT INTO township_answer_days (township_id, days, complaints) VALUES ($1, $2, $3)
             ON CONFLICT (township_id, days) DO UPDATE SET
                complaints = township_answer_days.complaints + excluded.complaints",
            (key, *days, sign * n),
        )
        .await?;
    }
    Ok(())
}

/// A complaint's part as last counted: (township key, tally).
async fn counted_part(
    conn: &mut AnyConnection,
    complaint_id: i64,
) -> AppResult<Option<(i64, ComplaintTally)>> {
    let row = sqlx::query(
        "SELECT township_id, accepted, declined, answered, answered_on_time, substantiated,
            partly, unsubstantiated, answer_days
         FROM complaint_tallies WHERE complaint_id = $1",
    )
    .bind(complaint_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let counts = ComplaintStats::from_array([
            1,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
        ]);
        let answer_days = r
            .try_get::<Option<i64>, _>(8)?
            .map(|days| (days, 1))
            .into_iter()
            .collect();
        Ok((
            r.try_get(0)?,
            ComplaintTally {
                counts,
                answer_days,
            },
        ))
    })
    .transpose()
}

/// Stores a complaint's part as counted now.
async fn store_part(
    conn: &mut AnyConnection,
    complaint_id: i64,
    key: i64,
    t: &ComplaintTally,
) -> AppResult<()> {
    let c = t.counts.as_array();
    let mut q = sqlx::query(
        "INSERT INTO complaint_tallies (complaint_id, township_id, accepted, declined, answered,
            answered_on_time, substantiated, partly, unsubstantiated, answer_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (complaint_id) DO UPDATE SET township_id = excluded.township_id,
            accepted = excluded.accepted, declined = excluded.declined,
            answered = excluded.answered, answered_on_time = excluded.answered_on_time,
            substantiated = excluded.substantiated, partly = excluded.partly,
            unsubstantiated = excluded.unsubstantiated, answer_days = excluded.answer_days",
    )
    .binds((complaint_id, key));
    for n in &c[1..] {
        q = q.bind(*n);
    }
    q.bind(t.answer_days.keys().next().copied())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves the complaint roll-ups for a complaint that was just written (in the caller's
/// transaction, after the write): its part as last counted comes off, its part now goes on.
/// Deltas, not recounts, as for the lists. Two transactions never move one complaint's part at
/// once: the first line locks its counted row until commit (PostgreSQL; SQLite has one writer).
#[tracing::instrument(skip_all)]
pub async fn refresh_complaint(conn: &mut AnyConnection, complaint_id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE complaint_tallies SET complaint_id = complaint_id WHERE complaint_id = $1",
        (complaint_id,),
    )
    .await?;
    let now = complaint_rows_where(&mut *conn, &format!("c.id = {complaint_id}"))
        .await?
        .into_iter()
        .next()
        .map(|(_, r)| (township_key(&r), ComplaintTally::of(&r)));
    let before = counted_part(&mut *conn, complaint_id).await?;
    if now == before {
        return Ok(());
    }
    if let Some((key, t)) = &now {
        store_part(&mut *conn, complaint_id, *key, t).await?;
    }
    // The township rows last: every report of a township waits for this row until commit, so
    // it is locked as late as the transaction allows.
    let shard = complaint_id.rem_euclid(SHARDS);
    if let Some((key, t)) = &before {
        move_complaints(&mut *conn, *key, shard, t, -1).await?;
    }
    if let Some((key, t)) = &now {
        move_complaints(&mut *conn, *key, shard, t, 1).await?;
    }
    Ok(())
}

/// Counts the complaint roll-ups again from every complaint (in the caller's transaction).
#[tracing::instrument(skip_all)]
pub async fn recount_complaints(conn: &mut AnyConnection) -> AppResult<()> {
    if super::Backend::of(conn) == super::Backend::Postgres {
        // Another instance's report, written meanwhile, would otherwise be counted twice: by
        // its own transaction into a township row this one did not delete, and by this count.
        // Writers wait here until the count commits, and the count waits for those in flight.
        exec(
            &mut *conn,
            "LOCK TABLE complaint_tallies, township_complaints, township_answer_days
             IN EXCLUSIVE MODE",
            (),
        )
        .await?;
    }
    for table in [
        "complaint_tallies",
        "township_complaints",
        "township_answer_days",
    ] {
        exec(
            &mut *conn,
            sqlx::AssertSqlSafe(format!("DELETE FROM {table}")),
            (),
        )
        .await?;
    }
    let rows = complaint_rows_where(&mut *conn, "1 = 1").await?;
    let mut by_township: std::collections::BTreeMap<(i64, i64), ComplaintTally> =
        Default::default();
    for (id, r) in &rows {
        let (key, t) = (township_key(r), ComplaintTally::of(r));
        store_part(&mut *conn, *id, key, &t).await?;
        by_township
            .entry((key, id.rem_euclid(SHARDS)))
            .or_default()
            .add(&t, 1);
    }
    for ((key, shard), t) in &by_township {
        move_complaints(&mut *conn, *key, *shard, t, 1).await?;
    }
    Ok(())
}

/// Fills the roll-ups a migration left to fill (`rollups_pending`): the one process that takes
/// the row counts them, in the same transaction; any other finds it gone.
#[tracing::instrument(skip_all)]
pub async fn recount_pending(db: &Db) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let taken = exec(
        &mut *tx,
        "DELETE FROM rollups_pending WHERE name = 'complaints'",
        (),
    )
    .await?;
    if taken == 0 {
        return Ok(());
    }
    recount_complaints(&mut tx).await?;
    tx.commit().await?;
    tracing::info!("complaint statistics counted from the complaints");
    Ok(())
}

/// The complaint roll-up of each township in `scope` (key 0: complaints with no township, in
/// the deployment's scope only).
#[tracing::instrument(skip_all)]
pub async fn complaint_tallies(db: &Db, scope: &Scope) -> AppResult<HashMap<i64, ComplaintTally>> {
    let cond = scope_condition(scope, "township_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, CAST(SUM(received) AS BIGINT), CAST(SUM(accepted) AS BIGINT),
            CAST(SUM(declined) AS BIGINT), CAST(SUM(answered) AS BIGINT),
            CAST(SUM(answered_on_time) AS BIGINT), CAST(SUM(substantiated) AS BIGINT),
            CAST(SUM(partly) AS BIGINT), CAST(SUM(unsubstantiated) AS BIGINT)
         FROM township_complaints WHERE {cond} GROUP BY township_id"
    )))
    .fetch_all(db.reader())
    .await?;
    let mut out = std::collections::HashMap::new();
    for r in &rows {
        let mut c = [0i64; 8];
        for (i, n) in c.iter_mut().enumerate() {
            *n = r.try_get(i + 1)?;
        }
        let counts = ComplaintStats::from_array(c);
        out.insert(
            r.try_get::<i64, _>(0)?,
            ComplaintTally {
                counts,
                ..Default::default()
            },
        );
    }
    let days = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, days, complaints FROM township_answer_days
         WHERE complaints <> 0 AND {cond}"
    )))
    .fetch_all(db.reader())
    .await?;
    for r in &days {
        let t: &mut ComplaintTally = out.entry(r.try_get::<i64, _>(0)?).or_default();
        t.answer_days.insert(r.try_get(1)?, r.try_get(2)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::cst_year;

    #[test]
    fn a_list_published_on_new_years_eve_after_four_pm_utc_counts_in_the_new_year() {
        // 2026-12-31 16:00 UTC is 2027-01-01 00:00 in Beijing.
        assert_eq!(cst_year(1_798_732_800 - 1), 2026);
        assert_eq!(cst_year(1_798_732_800), 2027);
    }
}
