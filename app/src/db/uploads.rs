//! Uploaded lists waiting for the officer's confirmation (the import's second step): staged in
//! the database, not in memory or on disk, so any instance can take the confirmation.

use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::db::Binds;
use crate::error::AppResult;

/// Stages a validated upload until the officer confirms it.
#[tracing::instrument(skip_all)]
pub async fn stage_import(
    db: &Db,
    batch_id: i64,
    staff_id: i64,
    token: &str,
    file_name: &str,
    rows_json: &str,
    now: i64,
) -> AppResult<()> {
    // Older uploads of this batch are superseded by the new one.
    exec(
        &db.pool,
        "DELETE FROM import_uploads WHERE batch_id = $1 OR created_at < $2",
        (batch_id, now - 24 * 3600),
    )
    .await?;
    exec(
        &db.pool,
        "INSERT INTO import_uploads (batch_id, staff_id, token, file_name, rows_json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        (batch_id, staff_id, token, file_name, rows_json, now),
    )
    .await?;
    Ok(())
}

/// A staged upload, as taken for its confirmation.
#[derive(Debug)]
pub struct StagedImport {
    pub file_name: String,
    /// The checked rows, as JSON.
    pub rows_json: String,
}

/// Takes a staged upload (deleting it), inside the caller's transaction.
#[tracing::instrument(skip_all)]
pub async fn take_import(
    conn: &mut AnyConnection,
    batch_id: i64,
    staff_id: i64,
    token: &str,
) -> AppResult<Option<StagedImport>> {
    let row = sqlx::query(
        "SELECT id, file_name, rows_json FROM import_uploads
         WHERE batch_id = $1 AND staff_id = $2 AND token = $3",
    )
    .binds((batch_id, staff_id, token))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get("id")?;
    exec(
        &mut *conn,
        "DELETE FROM import_uploads WHERE id = $1",
        (id,),
    )
    .await?;
    Ok(Some(StagedImport {
        file_name: row.try_get("file_name")?,
        rows_json: row.try_get("rows_json")?,
    }))
}
