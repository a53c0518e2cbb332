//! Evidence files kept in the database, a case's (`evidence_files`) or a re-check's
//! (`recheck_files`): one way in for both. Reading them stays with each owner's module, which
//! joins what its pages need.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::Binds;
use crate::error::AppResult;

/// A stored file as it is handed out (`web::files::serve`).
#[derive(Debug)]
pub struct StoredFile {
    pub content_type: String,
    /// As shown (no path, no control characters).
    pub file_name: String,
    pub data: Vec<u8>,
}

impl StoredFile {
    /// Reads `content_type, file_name, data`, in that order, from column `at` of `r` on.
    pub fn from_row(r: &AnyRow, at: usize) -> AppResult<Self> {
        Ok(StoredFile {
            content_type: r.try_get(at)?,
            file_name: r.try_get(at + 1)?,
            data: r.try_get(at + 2)?,
        })
    }
}

/// Whose file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Case(i64),
    Recheck(i64),
}

/// A file to store (already checked: size, type, name — `web::files`).
pub struct NewFile<'a> {
    pub content_type: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub uploaded_by: i64,
}

/// The id of the file of `owner` with these very bytes (by SHA-256), if one is stored: a form
/// sent twice (a double tap, a retry on a weak signal) stores its file once.
#[tracing::instrument(skip_all)]
pub async fn same_file(
    conn: &mut AnyConnection,
    owner: Owner,
    sha256: &str,
) -> AppResult<Option<i64>> {
    let (sql, owner_id) = match owner {
        Owner::Case(id) => (
            "SELECT MIN(id) FROM evidence_files WHERE case_id = $1 AND sha256 = $2",
            id,
        ),
        Owner::Recheck(id) => (
            "SELECT MIN(id) FROM recheck_files WHERE recheck_id = $1 AND sha256 = $2",
            id,
        ),
    };
    Ok(sqlx::query_scalar(sql)
        .bind(owner_id)
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await?)
}

/// Stores `f` for `owner` inside the caller's transaction; returns the file's id.
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut AnyConnection,
    owner: Owner,
    f: &NewFile<'_>,
    now: i64,
) -> AppResult<i64> {
    let (sql, owner_id) = match owner {
        Owner::Case(id) => (
            "INSERT INTO evidence_files (case_id, content_type, file_name, size, sha256, data,
                uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            id,
        ),
        Owner::Recheck(id) => (
            "INSERT INTO recheck_files (recheck_id, content_type, file_name, size, sha256, data,
                uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            id,
        ),
    };
    let row = sqlx::query(sql)
        .binds((
            owner_id,
            f.content_type,
            f.file_name,
            f.data.len() as i64,
            f.sha256,
            f.data,
            f.uploaded_by,
            now,
        ))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get(0)?)
}
