//! Server-side sessions. The cookie carries a random token; the table stores its SHA-256, so a
//! copy of the database does not hand out live sessions.

use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub staff_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub expires_at: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut AnyConnection,
    id_hash: &str,
    staff_id: Option<i64>,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO sessions (id_hash, staff_id, csrf_token, created_at, last_seen, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
        (id_hash, staff_id, csrf_token, now, expires_at),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id_hash: &str) -> AppResult<Option<SessionRow>> {
    let row = sqlx::query(
        "SELECT staff_id, csrf_token, created_at, last_seen, expires_at
         FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some(SessionRow {
            staff_id: r.try_get("staff_id")?,
            csrf_token: r.try_get("csrf_token")?,
            created_at: r.try_get("created_at")?,
            last_seen: r.try_get("last_seen")?,
            expires_at: r.try_get("expires_at")?,
        })),
    }
}

#[tracing::instrument(skip_all)]
pub async fn touch(db: &Db, id_hash: &str, now: i64) -> AppResult<()> {
    exec(
        &db.pool,
        "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2",
        (now, id_hash),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(conn: &mut AnyConnection, id_hash: &str) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM sessions WHERE id_hash = $1",
        (id_hash,),
    )
    .await?;
    Ok(())
}

/// Ends every session of one account (disable, password reset).
#[tracing::instrument(skip_all)]
pub async fn delete_for_staff(conn: &mut AnyConnection, staff_id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM sessions WHERE staff_id = $1",
        (staff_id,),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete_expired(db: &Db, now: i64) -> AppResult<u64> {
    exec(
        &db.pool,
        "DELETE FROM sessions WHERE expires_at < $1",
        (now,),
    )
    .await
}
