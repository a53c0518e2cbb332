//! Rows for public statistics. Only counts, amounts and dates leave here — no names.

use chrono::NaiveDate;
use sqlx::Row;

use super::regions::scope_condition;
use super::Db;
use crate::domain::stats::ComplaintRow;
use crate::domain::Scope;
use crate::error::{AppError, AppResult};

/// (township id, households, persons, monthly fen) of the current standing lists in `scope`.
#[tracing::instrument(skip_all)]
pub async fn standing_by_township(db: &Db, scope: &Scope) -> AppResult<Vec<(i64, i64, i64, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT b.township_id, COUNT(*), CAST(COALESCE(SUM(e.persons), 0) AS BIGINT),
                CAST(COALESCE(SUM(e.monthly_fen), 0) AS BIGINT)
         FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.kind = 'standing' AND b.state = 'published' AND e.change_kind <> 'stop'
           AND {}
         GROUP BY b.township_id",
        scope_condition(scope, "b.township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// (township id, newly approved households, stopped households) in approval/review lists
/// published since `since` (epoch seconds).
#[tracing::instrument(skip_all)]
pub async fn changes_by_township(
    db: &Db,
    since: i64,
    scope: &Scope,
) -> AppResult<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT b.township_id,
                CAST(SUM(CASE WHEN e.change_kind = 'new' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN e.change_kind = 'stop' THEN 1 ELSE 0 END) AS BIGINT)
         FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.kind = 'approval' AND b.state IN ('published', 'closed') AND b.published_at >= $1
           AND {}
         GROUP BY b.township_id",
        scope_condition(scope, "b.township_id")
    )))
    .bind(since)
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
