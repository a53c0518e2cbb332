//! Complaints and their timelines.
//!
//! Reporter identity (name, contact, e-mail) is written here and read back only by
//! [`reporter_email`] (system mail to the reporter) and, in the staff workflow, by the audited
//! reveal. [`CaseSummary`] — what the tracking page gets — has no field for it.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::domain::{Category, Channel, Status};
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
    .bind(c.receipt_hash)
    .bind(c.form_token_hash)
    .bind(c.channel.as_str())
    .bind(c.category.as_str())
    .bind(c.township_id)
    .bind(c.village_id)
    .bind(c.entry_id)
    .bind(c.body)
    .bind(c.accused)
    .bind(i64::from(c.anonymous))
    .bind(c.reporter_name)
    .bind(c.reporter_contact)
    .bind(c.reporter_email)
    .bind(c.received_on.to_string())
    .bind(c.accept_by.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    match res {
        Ok(row) => row
            .try_get::<i64, _>(0)
            .map_err(|e| InsertError::App(e.into())),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(InsertError::DuplicateForm),
        Err(e) => Err(InsertError::App(e.into())),
    }
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

fn parse_date(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::internal("stored date", e))
}

fn summary_from_row(r: &AnyRow) -> AppResult<CaseSummary> {
    let status: String = r.try_get("status")?;
    let category: String = r.try_get("category")?;
    let channel: String = r.try_get("channel")?;
    let received: String = r.try_get("received_on")?;
    let accept_by: String = r.try_get("accept_by")?;
    let answer_by: Option<String> = r.try_get("answer_by")?;
    Ok(CaseSummary {
        id: r.try_get("id")?,
        status: Status::parse(&status).map_err(|e| AppError::internal("status", e))?,
        category: Category::parse(&category).map_err(|e| AppError::internal("category", e))?,
        channel: Channel::parse(&channel).map_err(|e| AppError::internal("channel", e))?,
        township_id: r.try_get("township_id")?,
        village_id: r.try_get("village_id")?,
        received_on: parse_date(&received)?,
        accept_by: parse_date(&accept_by)?,
        answer_by: answer_by.as_deref().map(parse_date).transpose()?,
        extended: r.try_get::<i64, _>("extended")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn by_receipt_hash(db: &Db, hash: &str) -> AppResult<Option<CaseSummary>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE receipt_hash = $1"
    )))
    .bind(hash)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(summary_from_row).transpose()
}

#[tracing::instrument(skip_all)]
pub async fn by_form_token_hash(db: &Db, hash: &str) -> AppResult<Option<CaseSummary>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE form_token_hash = $1"
    )))
    .bind(hash)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(summary_from_row).transpose()
}

#[tracing::instrument(skip_all)]
pub async fn summary(db: &Db, id: i64) -> AppResult<Option<CaseSummary>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLS} FROM complaints WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(summary_from_row).transpose()
}

/// Who wrote an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Reporter,
    Staff(i64),
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: i64,
    pub actor_kind: String,
    pub kind: String,
    pub public: bool,
    pub body: String,
}

#[tracing::instrument(skip_all, fields(kind))]
pub async fn add_event(
    conn: &mut AnyConnection,
    complaint_id: i64,
    actor: Actor,
    kind: &str,
    public: bool,
    body: &str,
    now: i64,
) -> AppResult<()> {
    let (actor_kind, staff_id) = match actor {
        Actor::Reporter => ("reporter", None),
        Actor::Staff(id) => ("staff", Some(id)),
        Actor::System => ("system", None),
    };
    sqlx::query(
        "INSERT INTO complaint_events (complaint_id, at, actor_kind, staff_id, kind, public, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(complaint_id)
    .bind(now)
    .bind(actor_kind)
    .bind(staff_id)
    .bind(kind)
    .bind(i64::from(public))
    .bind(body)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE complaints SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(complaint_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The timeline the reporter sees: public events only, oldest first.
#[tracing::instrument(skip_all)]
pub async fn public_events(db: &Db, complaint_id: i64) -> AppResult<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT at, actor_kind, kind, public, body FROM complaint_events
         WHERE complaint_id = $1 AND public = 1 ORDER BY at, id",
    )
    .bind(complaint_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                at: r.try_get("at")?,
                actor_kind: r.try_get("actor_kind")?,
                kind: r.try_get("kind")?,
                public: r.try_get::<i64, _>("public")? != 0,
                body: r.try_get("body")?,
            })
        })
        .collect()
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
    let res = sqlx::query(
        "UPDATE complaints SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(res.rows_affected() == 1)
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
