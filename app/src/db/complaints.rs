//! Complaints and their timelines.
//!
//! Reporter identity (name, contact, e-mail) is written here and read back only by
//! [`reporter_email`] (system mail to the reporter) and, in the staff workflow, by the audited
//! reveal. [`CaseSummary`] — what the tracking page gets — has no field for it.

use crate::db::{all, one};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::regions::scope_condition;
use super::Db;
use crate::db::exec;
use crate::db::{Binds, Columns};
use crate::domain::{Category, Channel, EventKind, Scope, Status};
use crate::error::{AppError, AppResult};

pub struct NewComplaint<'a> {
    pub receipt_hash: &'a str,
    pub form_token_hash: Option<&'a str>,
    pub channel: Channel,
    pub category: Category,
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub body: &'a str,
    pub accused: Option<&'a str>,
    pub anonymous: bool,
    pub reporter_name: Option<&'a str>,
    pub reporter_contact: Option<&'a str>,
    pub reporter_email: Option<&'a str>,
    pub received_on: NaiveDate,
    pub accept_by: NaiveDate,
}

/// Which unique key a failed insert ran into.
#[derive(Debug)]
pub enum InsertError {
    /// This form was already submitted (same one-time token).
    DuplicateForm,
    App(AppError),
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut AnyConnection,
    c: &NewComplaint<'_>,
    now: i64,
) -> Result<i64, InsertError> {
    let res = sqlx::query(
        "INSERT INTO complaints (receipt_hash, form_token_hash, channel, category, status,
            township_id, village_id, entry_id, body, accused, anonymous, reporter_name,
            reporter_contact, reporter_email, received_on, accept_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
    )
    .binds((
        c.receipt_hash,
        c.form_token_hash,
        c.channel.as_str(),
        c.category.as_str(),
        c.township_id,
        c.village_id,
        c.entry_id,
        c.body,
        c.accused,
        i64::from(c.anonymous),
        c.reporter_name,
        c.reporter_contact,
        c.reporter_email,
        c.received_on.to_string(),
        c.accept_by.to_string(),
        now,
    ))
    .fetch_one(&mut *conn)
    .await;
    let id = match res {
        Ok(row) => row
            .try_get::<i64, _>(0)
            .map_err(|e| InsertError::App(e.into()))?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(InsertError::DuplicateForm)
        }
        Err(e) => return Err(InsertError::App(e.into())),
    };
    super::stats::refresh_complaint(conn, id)
        .await
        .map_err(InsertError::App)?;
    Ok(id)
}

/// What the reporter may see about their case. No identity fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: i64,
    pub status: Status,
    pub category: Category,
    pub channel: Channel,
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub received_on: NaiveDate,
    pub accept_by: NaiveDate,
    pub answer_by: Option<NaiveDate>,
    pub extended: bool,
    pub created_at: i64,
}

const SUMMARY_COLS: &str = "id, status, category, channel, township_id, village_id, received_on, \
    accept_by, answer_by, extended, created_at";

fn summary_from_row(r: &AnyRow) -> AppResult<CaseSummary> {
    Ok(CaseSummary {
        id: r.try_get("id")?,
        status: r.code("status")?,
        category: r.code("category")?,
        channel: r.code("channel")?,
        township_id: r.try_get("township_id")?,
        village_id: r.try_get("village_id")?,
        received_on: r.date("received_on")?,
        accept_by: r.date("accept_by")?,
        answer_by: r.date_opt("answer_by")?,
        extended: r.flag("extended")?,
        created_at: r.try_get("created_at")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn by_receipt_hash(db: &Db, hash: &str) -> AppResult<Option<CaseSummary>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE receipt_hash = $1"
    ));
    one(&db.pool, sql, hash, summary_from_row).await
}

#[tracing::instrument(skip_all)]
pub async fn by_form_token_hash(db: &Db, hash: &str) -> AppResult<Option<CaseSummary>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE form_token_hash = $1"
    ));
    one(&db.pool, sql, hash, summary_from_row).await
}

#[tracing::instrument(skip_all)]
pub async fn summary(db: &Db, id: i64) -> AppResult<Option<CaseSummary>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE id = $1"
    ));
    one(&db.pool, sql, id, summary_from_row).await
}

/// The public reference of the list entry a complaint objects to, if it objects to one.
#[tracing::instrument(skip_all)]
pub async fn entry_ref_of(db: &Db, complaint_id: i64) -> AppResult<Option<String>> {
    let row = sqlx::query(
        "SELECT e.public_ref FROM complaints c JOIN batch_entries e ON e.id = c.entry_id
         WHERE c.id = $1",
    )
    .bind(complaint_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Who wrote an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Reporter,
    Staff(i64),
    System,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: i64,
    pub actor_kind: String,
    pub kind: EventKind,
    pub public: bool,
    pub body: String,
    /// The staff member who wrote it (staff views only).
    pub staff_name: Option<String>,
}

fn event_from_row(r: &AnyRow, with_staff: bool) -> AppResult<Event> {
    Ok(Event {
        at: r.try_get("at")?,
        actor_kind: r.try_get("actor_kind")?,
        kind: r.code("kind")?,
        public: r.flag("public")?,
        body: r.try_get("body")?,
        staff_name: if with_staff {
            r.try_get("display_name")?
        } else {
            None
        },
    })
}

/// Adds a timeline entry (public or not as its kind says) and touches the case.
#[tracing::instrument(skip_all, fields(kind = kind.as_str()))]
pub async fn add_event(
    conn: &mut AnyConnection,
    complaint_id: i64,
    actor: Actor,
    kind: EventKind,
    body: &str,
    now: i64,
) -> AppResult<()> {
    let (actor_kind, staff_id) = match actor {
        Actor::Reporter => ("reporter", None),
        Actor::Staff(id) => ("staff", Some(id)),
        Actor::System => ("system", None),
    };
    exec(
        &mut *conn,
        "INSERT INTO complaint_events (complaint_id, at, actor_kind, staff_id, kind, public, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            complaint_id,
            now,
            actor_kind,
            staff_id,
            kind.as_str(),
            i64::from(kind.public()),
            body,
        ),
    )
    .await?;
    exec(
        &mut *conn,
        "UPDATE complaints SET updated_at = $1 WHERE id = $2",
        (now, complaint_id),
    )
    .await?;
    // Of the events, only an answer moves the statistics (answered, on time, days to answer).
    if kind == EventKind::Answered {
        super::stats::refresh_complaint(conn, complaint_id).await?;
    }
    Ok(())
}

/// The timeline the reporter sees: public events only, oldest first.
#[tracing::instrument(skip_all)]
pub async fn public_events(db: &Db, complaint_id: i64) -> AppResult<Vec<Event>> {
    all(
        &db.pool,
        "SELECT at, actor_kind, kind, public, body FROM complaint_events
         WHERE complaint_id = $1 AND public = 1 ORDER BY at, id",
        complaint_id,
        |r| event_from_row(r, false),
    )
    .await
}

/// Moves a case from `from` to `to`; false (and no change) if it was no longer in `from`.
#[tracing::instrument(skip_all)]
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: Status,
    to: Status,
    now: i64,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE complaints SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        (to.as_str(), now, id, from.as_str()),
    )
    .await?;
    let moved = res == 1;
    if moved {
        super::stats::refresh_complaint(conn, id).await?;
    }
    Ok(moved)
}

/// The reporter's e-mail address, for mail to the reporter only (never shown, never exported).
#[tracing::instrument(skip_all)]
pub async fn reporter_email(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    let row = sqlx::query("SELECT reporter_email FROM complaints WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<Option<String>, _>(0)?,
        None => None,
    })
}

/// When the case was answered (the last `answered` event), for the review-request window.
#[tracing::instrument(skip_all)]
pub async fn answered_at(db: &Db, id: i64) -> AppResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT MAX(at) FROM complaint_events WHERE complaint_id = $1 AND kind = 'answered'",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<Option<i64>, _>(0)?)
}

/// A case as staff work on it. Reporter identity is not here: it is read only through
/// [`reporter_identity`], which the handler calls after recording why in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCase {
    pub summary: CaseSummary,
    pub body: String,
    pub accused: Option<String>,
    pub anonymous: bool,
    pub entry_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub escalated: bool,
    pub accepted_on: Option<NaiveDate>,
    pub finding: Option<String>,
    pub finding_action: Option<String>,
    pub reply_draft: Option<String>,
}

const STAFF_COLS: &str = "id, status, category, channel, township_id, village_id, received_on, \
    accept_by, answer_by, extended, created_at, body, accused, anonymous, entry_id, assignee_id, \
    escalated, accepted_on, finding, finding_action, reply_draft";

fn staff_case_from_row(r: &AnyRow) -> AppResult<StaffCase> {
    Ok(StaffCase {
        summary: summary_from_row(r)?,
        body: r.try_get("body")?,
        accused: r.try_get("accused")?,
        anonymous: r.flag("anonymous")?,
        entry_id: r.try_get("entry_id")?,
        assignee_id: r.try_get("assignee_id")?,
        escalated: r.flag("escalated")?,
        accepted_on: r.date_opt("accepted_on")?,
        finding: r.try_get("finding")?,
        finding_action: r.try_get("finding_action")?,
        reply_draft: r.try_get("reply_draft")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn staff_case(db: &Db, id: i64) -> AppResult<Option<StaffCase>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {STAFF_COLS} FROM complaints WHERE id = $1"));
    one(&db.pool, sql, id, staff_case_from_row).await
}

/// Queue filters; every field optional.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub township_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub channel: Option<Channel>,
}

/// The cases a staff member may see: in their scope (escalated cases are county-only), not
/// naming them, filtered; soonest deadline first.
#[tracing::instrument(skip_all)]
pub async fn queue(
    db: &Db,
    viewer: i64,
    scope: &Scope,
    f: &QueueFilter,
) -> AppResult<Vec<StaffCase>> {
    // Only fixed fragments are concatenated; every value is a bound parameter.
    let mut sql = format!(
        "SELECT {STAFF_COLS} FROM complaints c WHERE NOT EXISTS
            (SELECT 1 FROM complaint_named_staff n WHERE n.complaint_id = c.id AND n.staff_id = $1)"
    );
    let mut n = 1;
    let mut next = || {
        n += 1;
        n
    };
    // A township's staff lose a case once it is escalated; a county's keep it.
    match scope {
        Scope::All => {}
        Scope::Township(_) => sql.push_str(&format!(
            " AND {} AND c.escalated = 0",
            scope_condition(scope, "c.township_id")
        )),
        Scope::County { .. } | Scope::Prefecture { .. } => {
            sql.push_str(&format!(" AND {}", scope_condition(scope, "c.township_id")))
        }
    }
    if f.status.is_some() {
        sql.push_str(&format!(" AND c.status = ${}", next()));
    }
    if f.category.is_some() {
        sql.push_str(&format!(" AND c.category = ${}", next()));
    }
    if f.township_id.is_some() {
        sql.push_str(&format!(" AND c.township_id = ${}", next()));
    }
    if f.assignee_id.is_some() {
        sql.push_str(&format!(" AND c.assignee_id = ${}", next()));
    }
    if f.channel.is_some() {
        sql.push_str(&format!(" AND c.channel = ${}", next()));
    }
    sql.push_str(
        " ORDER BY CASE WHEN c.status IN ('declined', 'closed', 'answered') THEN 1 ELSE 0 END,
          CASE WHEN c.status = 'submitted' THEN c.accept_by ELSE COALESCE(c.answer_by, c.accept_by) END,
          c.id LIMIT 500",
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(viewer);
    if let Some(s) = f.status {
        q = q.bind(s.as_str());
    }
    if let Some(c) = f.category {
        q = q.bind(c.as_str());
    }
    if let Some(t) = f.township_id {
        q = q.bind(t);
    }
    if let Some(a) = f.assignee_id {
        q = q.bind(a);
    }
    if let Some(c) = f.channel {
        q = q.bind(c.as_str());
    }
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter().map(staff_case_from_row).collect()
}

/// Every event of a case (internal ones too), with the staff member's display name.
#[tracing::instrument(skip_all)]
pub async fn all_events(db: &Db, complaint_id: i64) -> AppResult<Vec<Event>> {
    all(
        &db.pool,
        "SELECT e.at, e.actor_kind, e.kind, e.public, e.body, s.display_name
         FROM complaint_events e LEFT JOIN staff s ON s.id = e.staff_id
         WHERE e.complaint_id = $1 ORDER BY e.at, e.id",
        complaint_id,
        |r| event_from_row(r, true),
    )
    .await
}

/// Moves a case to `to` and applies `changes`, only if it is still in `expected` (no lost
/// updates when two officers act at once). Returns false, changing nothing, otherwise.
#[tracing::instrument(skip_all)]
pub async fn update_case(
    conn: &mut AnyConnection,
    id: i64,
    expected: Status,
    to: Status,
    changes: &CaseChanges<'_>,
    now: i64,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE complaints SET status = $1, updated_at = $2,
            accepted_on = COALESCE($3, accepted_on),
            answer_by = COALESCE($4, answer_by),
            assignee_id = CASE WHEN $13 = 1 THEN NULL ELSE COALESCE($5, assignee_id) END,
            finding = COALESCE($6, finding),
            finding_action = COALESCE($7, finding_action),
            reply_draft = COALESCE($8, reply_draft),
            extended = CASE WHEN $9 = 1 THEN 1 ELSE extended END,
            escalated = CASE WHEN $10 = 1 THEN 1 ELSE escalated END
         WHERE id = $11 AND status = $12",
        (
            to.as_str(),
            now,
            changes.accepted_on.map(|d| d.to_string()),
            changes.answer_by.map(|d| d.to_string()),
            changes.assignee_id,
            changes.finding,
            changes.finding_action,
            changes.reply_draft,
            i64::from(changes.extended),
            i64::from(changes.escalated),
            id,
            expected.as_str(),
            i64::from(changes.unassign),
        ),
    )
    .await?;
    let moved = res == 1;
    if moved {
        super::stats::refresh_complaint(conn, id).await?;
    }
    Ok(moved)
}

/// Fields a workflow step may set (`None`/`false` leaves a field as it is).
#[derive(Debug, Clone, Default)]
pub struct CaseChanges<'a> {
    pub accepted_on: Option<NaiveDate>,
    pub answer_by: Option<NaiveDate>,
    pub assignee_id: Option<i64>,
    pub finding: Option<&'a str>,
    pub finding_action: Option<&'a str>,
    pub reply_draft: Option<&'a str>,
    pub extended: bool,
    pub escalated: bool,
    /// Removes the handler (when they turn out to be named in the report).
    pub unassign: bool,
}

#[tracing::instrument(skip_all)]
pub async fn named_staff(db: &Db, complaint_id: i64) -> AppResult<Vec<i64>> {
    all(
        &db.pool,
        "SELECT staff_id FROM complaint_named_staff WHERE complaint_id = $1 ORDER BY staff_id",
        complaint_id,
        |r| Ok(r.try_get::<i64, _>(0)?),
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn add_named_staff(
    conn: &mut AnyConnection,
    complaint_id: i64,
    staff_id: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM complaint_named_staff WHERE complaint_id = $1 AND staff_id = $2",
        (complaint_id, staff_id),
    )
    .await?;
    exec(
        &mut *conn,
        "INSERT INTO complaint_named_staff (complaint_id, staff_id) VALUES ($1, $2)",
        (complaint_id, staff_id),
    )
    .await?;
    Ok(())
}

/// Who sent a report, as they gave it (either may be missing: anonymous reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReporterIdentity {
    pub name: Option<String>,
    pub contact: Option<String>,
}

/// The reporter's name and contact. Call only after the audit entry for the reveal is written.
#[tracing::instrument(skip_all)]
pub async fn reporter_identity(conn: &mut AnyConnection, id: i64) -> AppResult<ReporterIdentity> {
    let row = sqlx::query("SELECT reporter_name, reporter_contact FROM complaints WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(ReporterIdentity {
        name: row.try_get(0)?,
        contact: row.try_get(1)?,
    })
}

/// Sets the answer deadline when the reporter asks for a review.
#[tracing::instrument(skip_all)]
pub async fn set_answer_by(
    conn: &mut AnyConnection,
    id: i64,
    answer_by: NaiveDate,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE complaints SET answer_by = $1 WHERE id = $2",
        (answer_by.to_string(), id),
    )
    .await?;
    super::stats::refresh_complaint(conn, id).await
}
