//! Security events: failed sign-ins, per address and per submitted name. Apart from the audit
//! trail (which records what staff did), and holding the submitted name only as a keyed hash and
//! a short hint, because it is whatever an anonymous visitor typed.

use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::all;
use crate::db::exec;
use crate::db::Binds;
use crate::error::AppResult;

/// A failed sign-in to record.
#[derive(Debug, Clone)]
pub struct FailedLogin<'a> {
    pub client_addr: Option<&'a str>,
    pub staff_id: Option<i64>,
    pub username_hash: &'a str,
    pub username_hint: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn record_failed_login(
    conn: &mut AnyConnection,
    e: &FailedLogin<'_>,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO security_events (at, kind, client_addr, staff_id, username_hash,
            username_hint)
         VALUES ($1, 'login_failed', $2, $3, $4, $5)",
        (
            now,
            e.client_addr,
            e.staff_id,
            e.username_hash,
            e.username_hint,
        ),
    )
    .await?;
    Ok(())
}

/// One recorded event, for the audit page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub at: i64,
    pub kind: String,
    pub client_addr: Option<String>,
    /// The account's username when the submitted name was a real account.
    pub account: Option<String>,
    pub username_hint: String,
}

/// Attempts since a time, grouped by a key (an address, or an account/submitted name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempts {
    pub key: String,
    pub count: i64,
}

#[tracing::instrument(skip_all)]
pub async fn recent(db: &Db, limit: i64) -> AppResult<Vec<SecurityEvent>> {
    all(
        &db.pool,
        "SELECT e.at, e.kind, e.client_addr, s.username, e.username_hint
         FROM security_events e LEFT JOIN staff s ON s.id = e.staff_id
         ORDER BY e.id DESC LIMIT $1",
        limit,
        |r| {
            Ok(SecurityEvent {
                at: r.try_get("at")?,
                kind: r.try_get("kind")?,
                client_addr: r.try_get("client_addr")?,
                account: r.try_get("username")?,
                username_hint: r.try_get("username_hint")?,
            })
        },
    )
    .await
}

/// Failed sign-ins since `since` per client address, most first.
#[tracing::instrument(skip_all)]
pub async fn failures_by_address(db: &Db, since: i64, limit: i64) -> AppResult<Vec<Attempts>> {
    let rows = sqlx::query(
        "SELECT COALESCE(client_addr, '') AS k, COUNT(*) AS n FROM security_events
         WHERE kind = 'login_failed' AND at >= $1 GROUP BY COALESCE(client_addr, '')
         ORDER BY n DESC, k LIMIT $2",
    )
    .binds((since, limit))
    .fetch_all(&db.pool)
    .await?;
    attempts(&rows)
}

/// Failed sign-ins since `since` per submitted name (the account's username when it is one,
/// else the hint of what was typed), most first.
#[tracing::instrument(skip_all)]
pub async fn failures_by_account(db: &Db, since: i64, limit: i64) -> AppResult<Vec<Attempts>> {
    let rows = sqlx::query(
        "SELECT COALESCE(s.username, e.username_hint) AS k, COUNT(*) AS n
         FROM security_events e LEFT JOIN staff s ON s.id = e.staff_id
         WHERE e.kind = 'login_failed' AND e.at >= $1
         GROUP BY e.username_hash, COALESCE(s.username, e.username_hint)
         ORDER BY n DESC, k LIMIT $2",
    )
    .binds((since, limit))
    .fetch_all(&db.pool)
    .await?;
    attempts(&rows)
}

fn attempts(rows: &[sqlx::any::AnyRow]) -> AppResult<Vec<Attempts>> {
    rows.iter()
        .map(|r| {
            Ok(Attempts {
                key: r.try_get("k")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}
