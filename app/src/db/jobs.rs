//! Once-a-day jobs (the handlers' digest): a conditional UPDATE claims the day, so only one
//! instance runs a job even when several serve the same database.

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::error::AppResult;

/// Claims `today`'s run of job `name` inside the caller's transaction; true only for the one
/// caller that gets it (committed together with the job's work, so a crash leaves the day
/// unclaimed and the job is retried).
#[tracing::instrument(skip_all, fields(job = name))]
pub async fn claim_day(conn: &mut AnyConnection, name: &str, today: NaiveDate) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE job_runs SET last_day = $1 WHERE name = $2 AND last_day < $1",
        (today.to_string(), name),
    )
    .await?;
    Ok(res == 1)
}

/// The last day job `name` ran (`1970-01-01` before its first run).
#[tracing::instrument(skip_all, fields(job = name))]
pub async fn last_day(db: &Db, name: &str) -> AppResult<String> {
    Ok(sqlx::query("SELECT last_day FROM job_runs WHERE name = $1")
        .bind(name)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?)
}
