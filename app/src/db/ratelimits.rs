//! Rate-limit counters shared by every instance on one database (GCRA: one row per bucket holds
//! the "theoretical arrival time" of the next request; see `web::ratelimit`).
//!
//! A bucket is a limit's name and a keyed hash of the client address, never the address itself,
//! and a row is worth nothing once its time has passed, so [`purge`] deletes it: a reporter's
//! address is not kept next to the time they reported.

use sqlx::Row;

use super::Db;
use crate::db::exec;
use crate::db::Binds;
use crate::error::AppResult;

/// The outcome of one request against a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the next request would be allowed after this many milliseconds.
    Refused {
        retry_after_ms: i64,
    },
}

/// Counts one request at `now_ms` against `bucket`, which allows `burst` requests at once and
/// one more every `period_ms`. One statement: concurrent requests on any instance serialise on
/// the bucket's row only while it runs. (On PostgreSQL the table is UNLOGGED: the statement
/// writes no WAL and its commit waits for no flush.)
#[tracing::instrument(skip_all)]
pub async fn hit(
    db: &Db,
    bucket: &str,
    now_ms: i64,
    period_ms: i64,
    burst: i64,
) -> AppResult<Verdict> {
    let tolerance = (burst.max(1) - 1) * period_ms;
    let allowed = sqlx::query(
        "INSERT INTO rate_limits (bucket, tat_ms) VALUES ($1, $2 + $3)
         ON CONFLICT (bucket) DO UPDATE
           SET tat_ms = (CASE WHEN rate_limits.tat_ms > $2 THEN rate_limits.tat_ms ELSE $2 END) + $3
           WHERE (CASE WHEN rate_limits.tat_ms > $2 THEN rate_limits.tat_ms ELSE $2 END) - $2 <= $4
         RETURNING tat_ms",
    )
    .binds((bucket, now_ms, period_ms, tolerance))
    .fetch_optional(&db.pool)
    .await?
    .is_some();
    if allowed {
        return Ok(Verdict::Allowed);
    }
    let tat: Option<i64> = sqlx::query("SELECT tat_ms FROM rate_limits WHERE bucket = $1")
        .bind(bucket)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(Verdict::Refused {
        retry_after_ms: (tat.unwrap_or(now_ms) - now_ms - tolerance).max(1),
    })
}

/// Deletes buckets whose time has passed (they would allow a full burst anyway).
#[tracing::instrument(skip_all)]
pub async fn purge(db: &Db, now_ms: i64) -> AppResult<u64> {
    exec(
        &db.pool,
        "DELETE FROM rate_limits WHERE tat_ms < $1",
        (now_ms,),
    )
    .await
}
