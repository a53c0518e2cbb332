//! The mail outbox: rows written in the same transaction as the change they announce, sent by
//! the worker in `crate::mail`. A failed send stays here with its error; nothing is dropped.

use sqlx::{AnyConnection, Row};

use super::Db;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

#[tracing::instrument(skip_all)]
pub async fn enqueue(
    conn: &mut AnyConnection,
    recipient: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body, state, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
    )
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Pending mail whose next attempt is due.
#[tracing::instrument(skip_all)]
pub async fn due(db: &Db, now: i64, limit: i64) -> AppResult<Vec<Mail>> {
    let rows = sqlx::query(
        "SELECT id, recipient, subject, body, attempts FROM outbox
         WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Mail {
                id: r.try_get("id")?,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

#[tracing::instrument(skip_all)]
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> AppResult<()> {
    sqlx::query(
        "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed attempt. After `max_attempts` the row is `failed` (kept, visible to staff).
#[tracing::instrument(skip_all)]
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    next_attempt_at: i64,
    give_up: bool,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
            state = CASE WHEN $3 = 1 THEN 'failed' ELSE 'pending' END
         WHERE id = $4",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(i64::from(give_up))
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}
