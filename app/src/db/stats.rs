//! Rows for public statistics. Only counts, amounts and dates leave here — no names.

use chrono::{Datelike, NaiveDate};
use sqlx::{AnyConnection, Row};

use super::households::Totals;
use super::regions::scope_condition;
use super::Db;
use crate::domain::stats::ComplaintRow;
use crate::domain::{summary_delta, BatchKind, BatchState, Scope};
use crate::error::{AppError, AppResult};

/// A township's row of a roll-up: (township id, households, persons, monthly fen) of the
/// standing lists, or (township id, new, stopped, 0) of a year's approval lists.
pub type TownshipCounts = (i64, i64, i64, i64);

/// The year (China Standard Time) of an epoch second.
fn cst_year(at: i64) -> i64 {
    chrono::DateTime::from_timestamp(at + 8 * 3600, 0).map_or(1970, |t| i64::from(t.year()))
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
    let kind: BatchKind = row
        .try_get::<String, _>(0)?
        .parse()
        .map_err(|e| AppError::internal("stored batch kind", e))?;
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
            sqlx::query(
                "INSERT INTO township_totals (township_id, households, persons, monthly_fen)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (township_id) DO UPDATE SET
                   households = township_totals.households + excluded.households,
                   persons = township_totals.persons + excluded.persons,
                   monthly_fen = township_totals.monthly_fen + excluded.monthly_fen",
            )
            .bind(township)
            .bind(sum(0)?)
            .bind(sum(1)?)
            .bind(sum(2)?)
            .execute(&mut *conn)
            .await?;
        }
        BatchKind::Approval => {
            let year = cst_year(published_at.unwrap_or_else(super::now_epoch));
            sqlx::query(
                "INSERT INTO township_year_changes (township_id, year, new_households, stopped_households)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (township_id, year) DO UPDATE SET
                   new_households = township_year_changes.new_households + excluded.new_households,
                   stopped_households =
                     township_year_changes.stopped_households + excluded.stopped_households",
            )
            .bind(township)
            .bind(year)
            .bind(sum(3)?)
            .bind(sum(4)?)
            .execute(&mut *conn)
            .await?;
        }
        BatchKind::Review => {}
    }
    Ok(())
}

/// Recounts every roll-up from the lists (after a bulk load that bypassed [`move_batch`]).
#[tracing::instrument(skip_all)]
pub async fn recount(conn: &mut AnyConnection) -> AppResult<()> {
    sqlx::query("DELETE FROM township_totals")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO township_totals (township_id, households, persons, monthly_fen)
         SELECT b.township_id, COUNT(*), CAST(COALESCE(SUM(e.persons), 0) AS BIGINT),
                CAST(COALESCE(SUM(e.monthly_fen), 0) AS BIGINT)
         FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.kind = 'standing' AND b.state = 'published' AND e.change_kind <> 'stop'
         GROUP BY b.township_id",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM township_year_changes")
        .execute(&mut *conn)
        .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM batches WHERE kind = 'approval' AND state IN ('published', 'closed')",
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        move_batch(conn, id, BatchState::Draft, BatchState::Published).await?;
    }
    Ok(())
}

/// Standing-list totals per township in `scope`, from the roll-up.
#[tracing::instrument(skip_all)]
pub async fn standing_by_township(db: &Db, scope: &Scope) -> AppResult<Vec<TownshipCounts>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, households, persons, monthly_fen FROM township_totals WHERE {}",
        scope_condition(scope, "township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
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

/// (township id, newly approved households, stopped households) of approval lists published
/// in `year` (China Standard Time), from the roll-up.
#[tracing::instrument(skip_all)]
pub async fn changes_by_township(
    db: &Db,
    year: i64,
    scope: &Scope,
) -> AppResult<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, new_households, stopped_households FROM township_year_changes
         WHERE year = $1 AND {}",
        scope_condition(scope, "township_id")
    )))
    .bind(year)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

fn date(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::internal("stats date", e))
}

/// Every complaint, reduced for statistics.
#[tracing::instrument(skip_all)]
pub async fn complaint_rows(db: &Db, scope: &Scope) -> AppResult<Vec<ComplaintRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.township_id, c.status, c.received_on, c.answer_by, c.finding,
                (SELECT MIN(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'answered')
         FROM complaints c WHERE {}",
        scope_condition(scope, "c.township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let received: String = r.try_get(2)?;
            let answer_by: Option<String> = r.try_get(3)?;
            let answered_at: Option<i64> = r.try_get(5)?;
            Ok(ComplaintRow {
                township_id: r.try_get(0)?,
                status: r.try_get(1)?,
                received_on: date(&received)?,
                answer_by: answer_by.as_deref().map(date).transpose()?,
                answered_on: answered_at
                    .and_then(|t| chrono::DateTime::from_timestamp(t + 8 * 3600, 0))
                    .map(|t| t.date_naive()),
                finding: r.try_get(4)?,
            })
        })
        .collect()
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
