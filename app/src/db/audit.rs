//! The append-only audit log (谁签字、谁负责). There is deliberately no update or delete
//! function here, and the database rejects both with a trigger.

use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::{exec, Binds};
use crate::domain::Scope;
use crate::error::AppResult;

/// One entry to record. Written in the same transaction as the change it describes.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub staff_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub township_id: Option<i64>,
    pub detail: String,
    pub client_addr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub township_id: Option<i64>,
    pub detail: String,
    pub client_addr: Option<String>,
}

#[tracing::instrument(skip_all, fields(action = e.action))]
pub async fn record(conn: &mut AnyConnection, e: &Entry<'_>, now: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO audit_log (at, staff_id, actor, action, object_type, object_id,
            township_id, detail, client_addr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        (
            now,
            e.staff_id,
            e.actor,
            e.action,
            e.object_type,
            &e.object_id,
            e.township_id,
            &e.detail,
            &e.client_addr,
        ),
    )
    .await?;
    Ok(())
}

/// The newest entries a viewer may read, after skipping the newest `offset` (a page of the audit
/// page): those of the townships in their scope (all entries for the deployment's own readers).
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope, limit: i64, offset: i64) -> AppResult<Vec<AuditRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, at, actor, action, object_type, object_id, township_id, detail,
            client_addr FROM audit_log WHERE {} ORDER BY id DESC LIMIT $1 OFFSET $2",
        super::regions::scope_condition(scope, "township_id")
    )))
    .binds((limit, offset))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                object_type: r.try_get("object_type")?,
                object_id: r.try_get("object_id")?,
                township_id: r.try_get("township_id")?,
                detail: r.try_get("detail")?,
                client_addr: r.try_get("client_addr")?,
            })
        })
        .collect()
}
