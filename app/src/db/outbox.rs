//! The mail outbox: rows written in the same transaction as the change they announce, sent by
//! the worker in `crate::mail`. A failed send stays here with its error; nothing is dropped.
//!
//! Several instances may serve one database. A worker takes due rows with [`claim`], one
//! statement that marks them as its own for a lease; only the holder of a claim may mark the row
//! sent or failed ([`mark_sent`], [`mark_failed`]). A claim whose lease ran out (its instance
//! crashed or hung) may be taken by another worker, so mail is never stuck behind a dead one.

use sqlx::{AnyConnection, Row};

use super::{Backend, Db};
use crate::db::exec;
use crate::db::Binds;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    /// The `Message-ID` header, fixed when the mail was queued.
    pub message_id: String,
}

/// Rows taken by one worker until `until` (epoch seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub worker: String,
    pub until: i64,
    /// Oldest first.
    pub mails: Vec<Mail>,
}

/// A new `Message-ID`: 128 random bits, so it is unique across instances and databases. The
/// right-hand side is a reserved name (RFC 2606): it identifies the message, it is not a host.
pub fn new_message_id() -> String {
    format!(
        "<{}@sunshine.invalid>",
        hex::encode(rand::random::<[u8; 16]>())
    )
}

#[tracing::instrument(skip_all)]
pub async fn enqueue(
    conn: &mut AnyConnection,
    recipient: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO outbox (recipient, subject, body, state, attempts, next_attempt_at,
         created_at, message_id)
         VALUES ($1, $2, $3, 'pending', 0, $4, $4, $5)",
        (recipient, subject, body, now, new_message_id()),
    )
    .await?;
    Ok(())
}

/// The claiming statement. One `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`: on
/// PostgreSQL the inner `FOR UPDATE SKIP LOCKED` makes concurrent workers take disjoint rows
/// (a row another worker is claiming is skipped, and one it has just claimed is re-checked
/// against the lease and left out); SQLite runs one writer at a time, so the statement is atomic
/// there without it.
fn claim_sql(backend: Backend) -> &'static str {
    /// The statement, with `$lock` closing the inner `SELECT`.
    macro_rules! claim {
        ($lock:literal) => {
            concat!(
                "UPDATE outbox SET claimed_by = $1, claim_until = $2
                 WHERE id IN (
                    SELECT id FROM outbox
                    WHERE state = 'pending' AND next_attempt_at <= $3
                      AND (claim_until IS NULL OR claim_until < $3)
                    ORDER BY id LIMIT $4",
                $lock,
                ")
                 RETURNING id, recipient, subject, body, attempts, message_id"
            )
        };
    }
    match backend {
        Backend::Postgres => claim!(" FOR UPDATE SKIP LOCKED"),
        Backend::Sqlite => claim!(""),
    }
}

/// Claims up to `limit` pending rows that are due and not claimed by anyone (or whose claim
/// expired) for `worker`, until `now + lease_secs`.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn claim(
    db: &Db,
    worker: &str,
    now: i64,
    lease_secs: i64,
    limit: i64,
) -> AppResult<Claim> {
    let until = now + lease_secs;
    let rows = sqlx::query(claim_sql(db.backend))
        .binds((worker, until, now, limit))
        .fetch_all(&db.pool)
        .await?;
    let mut mails = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(Mail {
                id,
                recipient: r.try_get("recipient")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
                // Rows queued by an older build during a rolling upgrade have none; a fixed
                // fallback keeps every retry of such a row under one ID.
                message_id: r
                    .try_get::<Option<String>, _>("message_id")?
                    .unwrap_or_else(|| format!("<outbox.{id}@sunshine.invalid>")),
            })
        })
        .collect::<AppResult<Vec<Mail>>>()?;
    // RETURNING does not promise an order.
    mails.sort_by_key(|m| m.id);
    Ok(Claim {
        worker: worker.to_owned(),
        until,
        mails,
    })
}

/// Marks a claimed row sent. False when the claim is no longer ours (its lease ran out and
/// another worker took the row): the row is left to that worker.
#[tracing::instrument(skip_all)]
pub async fn mark_sent(db: &Db, claim: &Claim, id: i64, now: i64) -> AppResult<bool> {
    let res = exec(
        &db.pool,
        "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1,
            claim_until = NULL
         WHERE id = $2 AND state = 'pending' AND claimed_by = $3 AND claim_until = $4",
        (now, id, &claim.worker, claim.until),
    )
    .await?;
    Ok(res == 1)
}

/// Records a failed attempt of a claimed row and lets go of the claim. With `give_up` the row
/// is `failed` (kept, visible to staff). False when the claim is no longer ours.
#[tracing::instrument(skip_all)]
pub async fn mark_failed(
    db: &Db,
    claim: &Claim,
    id: i64,
    error: &str,
    next_attempt_at: i64,
    give_up: bool,
) -> AppResult<bool> {
    let res = exec(
        &db.pool,
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
            state = CASE WHEN $3 = 1 THEN 'failed' ELSE 'pending' END, claim_until = NULL
         WHERE id = $4 AND state = 'pending' AND claimed_by = $5 AND claim_until = $6",
        (
            error,
            next_attempt_at,
            i64::from(give_up),
            id,
            &claim.worker,
            claim.until,
        ),
    )
    .await?;
    Ok(res == 1)
}

/// Lets go of claimed rows that were not tried (the lease was about to run out), so any worker
/// may take them at once instead of after the lease.
#[tracing::instrument(skip_all)]
pub async fn release(db: &Db, claim: &Claim, id: i64) -> AppResult<()> {
    exec(
        &db.pool,
        "UPDATE outbox SET claim_until = NULL
         WHERE id = $1 AND state = 'pending' AND claimed_by = $2 AND claim_until = $3",
        (id, &claim.worker, claim.until),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_unique_and_well_formed() {
        let a = new_message_id();
        let b = new_message_id();
        assert_ne!(a, b);
        assert!(
            a.starts_with('<') && a.ends_with("@sunshine.invalid>"),
            "{a}"
        );
        assert_eq!(a.len(), "<@sunshine.invalid>".len() + 32);
    }

    #[test]
    fn claim_statements_differ_only_in_row_locking() {
        let pg = claim_sql(Backend::Postgres);
        let lite = claim_sql(Backend::Sqlite);
        assert!(pg.contains("FOR UPDATE SKIP LOCKED"));
        assert!(!lite.contains("FOR UPDATE"));
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(
            squeeze(&pg.replace("FOR UPDATE SKIP LOCKED", "")),
            squeeze(lite)
        );
    }
}
