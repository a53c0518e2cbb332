//! Re-checks (动态管理): staff-only. Who is a recipient (on the village's current standing list,
//! not stopped), when each is due, the open leads (from another department's data or the
//! household's own report), and the re-check records.

use crate::db::{all, one};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::files::StoredFile;
use super::Db;
use crate::domain::recheck::{Method, Outcome, Source};
use crate::domain::{AidCategory, Scope};
use crate::error::AppResult;

use crate::db::exec;
use crate::db::{Binds, Columns};

/// A household on its village's current standing list, with its re-check state.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub household_id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub village_name: String,
    pub head_name: String,
    pub persons: i64,
    pub category: AidCategory,
    pub monthly_fen: i64,
    /// `None`: never scheduled (added by hand or import): due a full interval after it was added.
    pub recheck_due_on: Option<NaiveDate>,
    pub created_at: i64,
    pub taper_until: Option<NaiveDate>,
    /// Open leads (comparison matches, own reports) waiting for a re-check.
    pub open_leads: i64,
    /// The household's version for the re-check form: moves with every re-check recorded and
    /// every enrolment. The form carries it, and is refused once it has moved (`apply`).
    pub recheck_seq: i64,
}

impl Recipient {
    /// The household and where it lives.
    pub fn place(&self) -> HouseholdPlace {
        HouseholdPlace {
            household_id: self.household_id,
            township_id: self.township_id,
            village_id: self.village_id,
        }
    }
}

const RECIPIENT_COLS: &str = "h.id, h.village_id, v.parent_id, v.name_zh, h.head_name, h.persons,
    h.category, h.monthly_fen, h.recheck_due_on, h.created_at, h.taper_until,
    (SELECT COUNT(*) FROM rechecks r WHERE r.household_id = h.id AND r.status = 'open'),
    h.recheck_seq";

/// Households that are on the latest published standing list of their village (not as 停发).
const ON_STANDING: &str = "h.status = 'active' AND EXISTS (
    SELECT 1 FROM batch_entries e WHERE e.household_id = h.id AND e.change_kind <> 'stop'
      AND e.batch_id = (SELECT b.id FROM batches b WHERE b.village_id = h.village_id
          AND b.kind = 'standing' AND b.state = 'published' ORDER BY b.published_at DESC, b.id DESC LIMIT 1))";

fn recipient_from_row(r: &AnyRow) -> AppResult<Recipient> {
    Ok(Recipient {
        household_id: r.try_get(0)?,
        village_id: r.try_get(1)?,
        township_id: r.try_get(2)?,
        village_name: r.try_get(3)?,
        head_name: r.try_get(4)?,
        persons: r.try_get(5)?,
        category: r.code(6)?,
        monthly_fen: r.try_get(7)?,
        recheck_due_on: r.date_opt(8)?,
        created_at: r.try_get(9)?,
        taper_until: r.date_opt(10)?,
        open_leads: r.try_get(11)?,
        recheck_seq: r.try_get(12)?,
    })
}

/// The recipients of a scope (a township, or one village), by village then name.
#[tracing::instrument(skip_all)]
pub async fn recipients(
    db: &Db,
    scope: &Scope,
    village_id: Option<i64>,
) -> AppResult<Vec<Recipient>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RECIPIENT_COLS} FROM households h JOIN regions v ON v.id = h.village_id
         WHERE {} AND ($1 IS NULL OR h.village_id = $1) AND {ON_STANDING}
         ORDER BY v.sort_order, v.id, h.head_name, h.id",
        super::regions::scope_condition(scope, "v.parent_id")
    ));
    all(&db.pool, sql, village_id, recipient_from_row).await
}

/// One recipient (or a household that was one), whatever its standing.
#[tracing::instrument(skip_all)]
pub async fn household(db: &Db, id: i64) -> AppResult<Option<(Recipient, bool)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RECIPIENT_COLS}, CASE WHEN {ON_STANDING} THEN 1 ELSE 0 END
         FROM households h JOIN regions v ON v.id = h.village_id WHERE h.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((
            recipient_from_row(&r)?,
            r.try_get::<i64, _>(13)? == 1,
        ))),
        None => Ok(None),
    }
}

/// A lead to look into (a comparison match, a household's own report).
pub struct NewLead<'a> {
    pub household_id: i64,
    pub township_id: i64,
    pub village_id: i64,
    pub source: Source,
    pub lead: &'a str,
    pub comparison_id: Option<i64>,
    pub complaint_id: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_lead(conn: &mut AnyConnection, l: &NewLead<'_>, now: i64) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO rechecks (household_id, township_id, village_id, source, lead, comparison_id,
            complaint_id, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
    )
    .binds((
        l.household_id,
        l.township_id,
        l.village_id,
        l.source.as_str(),
        l.lead,
        l.comparison_id,
        l.complaint_id,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// A re-check record, open lead or done.
#[derive(Debug, Clone)]
pub struct Recheck {
    pub id: i64,
    pub household_id: i64,
    pub source: Source,
    pub lead: String,
    pub complaint_id: Option<i64>,
    pub done: bool,
    pub method: Option<Method>,
    pub outcome: Option<Outcome>,
    pub checked_on: Option<NaiveDate>,
    pub findings: Option<String>,
    pub new_monthly_fen: Option<i64>,
    pub taper_until: Option<NaiveDate>,
    pub done_by: Option<String>,
    pub created_at: i64,
}

fn recheck_from_row(r: &AnyRow) -> AppResult<Recheck> {
    let status: String = r.try_get(5)?;
    Ok(Recheck {
        id: r.try_get(0)?,
        household_id: r.try_get(1)?,
        source: r.code(2)?,
        lead: r.try_get(3)?,
        complaint_id: r.try_get(4)?,
        done: status == "done",
        method: r.code_opt(6)?,
        outcome: r.code_opt(7)?,
        checked_on: r.date_opt(8)?,
        findings: r.try_get(9)?,
        new_monthly_fen: r.try_get(10)?,
        taper_until: r.date_opt(11)?,
        done_by: r.try_get(12)?,
        created_at: r.try_get(13)?,
    })
}

const RECHECK_COLS: &str = "r.id, r.household_id, r.source, r.lead, r.complaint_id, r.status, r.method,
    r.result, r.checked_on, r.findings, r.new_monthly_fen, r.taper_until, s.display_name, r.created_at";

/// A household's re-checks and leads, newest first.
#[tracing::instrument(skip_all)]
pub async fn of_household(db: &Db, household_id: i64) -> AppResult<Vec<Recheck>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RECHECK_COLS} FROM rechecks r LEFT JOIN staff s ON s.id = r.done_by
         WHERE r.household_id = $1 ORDER BY r.id DESC"
    ));
    all(&db.pool, sql, household_id, recheck_from_row).await
}

/// The re-check tied to a household's own report (a complaint), if any.
#[tracing::instrument(skip_all)]
pub async fn of_complaint(db: &Db, complaint_id: i64) -> AppResult<Option<Recheck>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RECHECK_COLS} FROM rechecks r LEFT JOIN staff s ON s.id = r.done_by
         WHERE r.complaint_id = $1 ORDER BY r.id LIMIT 1"
    ));
    one(&db.pool, sql, complaint_id, recheck_from_row).await
}

/// What a re-check found.
pub struct Record<'a> {
    pub method: Method,
    pub outcome: Outcome,
    pub checked_on: NaiveDate,
    pub findings: &'a str,
    pub new_monthly_fen: Option<i64>,
    pub taper_until: Option<NaiveDate>,
    pub done_by: i64,
}

/// What recording a re-check did.
pub struct Recorded {
    /// The record the notice and file refer to.
    pub id: i64,
    /// The reports (a household's own change or exit report) whose leads it closed.
    pub complaint_ids: Vec<i64>,
}

/// Records a re-check of a household: its open leads are closed with this record, or (none open)
/// a scheduled re-check is added.
#[tracing::instrument(skip_all)]
pub async fn record(
    conn: &mut AnyConnection,
    household: HouseholdPlace,
    rec: &Record<'_>,
    now: i64,
) -> AppResult<Recorded> {
    let HouseholdPlace {
        household_id,
        township_id,
        village_id,
    } = household;
    let open: Vec<(i64, Option<i64>)> = sqlx::query(
        "SELECT id, complaint_id FROM rechecks WHERE household_id = $1 AND status = 'open'
         ORDER BY id",
    )
    .bind(household_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let complaint_ids = open.iter().filter_map(|(_, c)| *c).collect();
    let mut ids: Vec<i64> = open.iter().map(|(id, _)| *id).collect();
    let id = match ids.first() {
        Some(id) => *id,
        None => sqlx::query(
            "INSERT INTO rechecks (household_id, township_id, village_id, source, lead, status,
                    created_at) VALUES ($1, $2, $3, 'schedule', '', 'open', $4) RETURNING id",
        )
        .binds((household_id, township_id, village_id, now))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?,
    };
    if ids.is_empty() {
        ids.push(id);
    }
    // Exactly the leads read above, whose reporters the caller tells: a lead that arrives
    // meanwhile stays open for the next re-check instead of closing untold.
    for lead in ids {
        exec(
            &mut *conn,
            "UPDATE rechecks SET status = 'done', method = $1, result = $2, checked_on = $3,
                findings = $4, new_monthly_fen = $5, taper_until = $6, done_by = $7, done_at = $8
             WHERE id = $9 AND status = 'open'",
            (
                rec.method.as_str(),
                rec.outcome.as_str(),
                rec.checked_on.to_string(),
                rec.findings,
                rec.new_monthly_fen,
                rec.taper_until.map(|d| d.to_string()),
                rec.done_by,
                now,
                lead,
            ),
        )
        .await?;
    }
    Ok(Recorded { id, complaint_ids })
}

/// What a re-check sets on its household.
pub struct Applied {
    pub next_due: NaiveDate,
    pub outcome: Outcome,
    pub new_monthly_fen: Option<i64>,
    pub taper_until: Option<NaiveDate>,
}

/// After a re-check: the household's next due date, and what the outcome changed — only while
/// it is on the allowance and its version is still `seen_seq` (else `false`, nothing changed).
/// The latest re-check's decision stands alone: a 渐退 end date is set by a 渐退 and cleared by
/// any other outcome (a household found in need again is no longer tapered off). Moves the
/// version on.
#[tracing::instrument(skip_all)]
pub async fn apply(
    conn: &mut AnyConnection,
    household_id: i64,
    seen_seq: i64,
    a: &Applied,
    now: i64,
) -> AppResult<bool> {
    let status = if a.outcome == Outcome::Stop {
        "stopped"
    } else {
        "active"
    };
    let res = exec(
        &mut *conn,
        "UPDATE households SET recheck_due_on = $1, status = $2,
            monthly_fen = COALESCE($3, monthly_fen),
            taper_until = $4, updated_at = $5,
            recheck_seq = recheck_seq + 1
         WHERE id = $6 AND status = 'active' AND recheck_seq = $7",
        (
            a.next_due.to_string(),
            status,
            a.new_monthly_fen,
            a.taper_until.map(|d| d.to_string()),
            now,
            household_id,
            seen_seq,
        ),
    )
    .await?;
    Ok(res == 1)
}

/// Sets the first re-check date of households enrolled now.
#[tracing::instrument(skip_all)]
pub async fn set_due(conn: &mut AnyConnection, household_id: i64, due: NaiveDate) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE households SET recheck_due_on = $1 WHERE id = $2",
        (due.to_string(), household_id),
    )
    .await?;
    Ok(())
}

/// A re-check's stored evidence file, with the re-check and household it belongs to.
#[derive(Debug)]
pub struct RecheckFile {
    pub recheck_id: i64,
    pub household_id: i64,
    pub file: StoredFile,
}

/// A stored evidence file, with the re-check and household it belongs to.
#[tracing::instrument(skip_all)]
pub async fn file(db: &Db, id: i64) -> AppResult<Option<RecheckFile>> {
    let row = sqlx::query(
        "SELECT f.recheck_id, r.household_id, f.content_type, f.file_name, f.data
         FROM recheck_files f JOIN rechecks r ON r.id = f.recheck_id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some(RecheckFile {
            recheck_id: r.try_get(0)?,
            household_id: r.try_get(1)?,
            file: StoredFile::from_row(&r, 2)?,
        })),
        None => Ok(None),
    }
}

/// A re-check's file as a household's page lists it.
#[derive(Debug, Clone)]
pub struct FileLink {
    pub id: i64,
    pub recheck_id: i64,
    pub file_name: String,
}

/// Files of a household's re-checks, oldest first.
#[tracing::instrument(skip_all)]
pub async fn files_of_household(db: &Db, household_id: i64) -> AppResult<Vec<FileLink>> {
    all(
        &db.pool,
        "SELECT f.id, f.recheck_id, f.file_name
         FROM recheck_files f JOIN rechecks r ON r.id = f.recheck_id
         WHERE r.household_id = $1 ORDER BY f.id",
        household_id,
        |r| {
            Ok(FileLink {
                id: r.try_get(0)?,
                recheck_id: r.try_get(1)?,
                file_name: r.try_get(2)?,
            })
        },
    )
    .await
}

/// Re-checks done (any method) per township in `scope` (by township id) — for `/stats`.
#[tracing::instrument(skip_all)]
pub async fn done_by_township(
    db: &Db,
    scope: &Scope,
) -> AppResult<std::collections::HashMap<i64, i64>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, COUNT(*) FROM rechecks WHERE status = 'done' AND {}
         GROUP BY township_id",
        super::regions::scope_condition(scope, "township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// What re-checks left on a village's households: stopped or not, the current amount, and the
/// end of a 渐退 period — what the next standing list shows for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandingState {
    pub stopped: bool,
    pub monthly_fen: i64,
    pub taper_until: Option<NaiveDate>,
}

/// The standing state of every household of a village, by household id.
#[tracing::instrument(skip_all)]
pub async fn standing_states(
    db: &Db,
    village_id: i64,
) -> AppResult<std::collections::HashMap<i64, StandingState>> {
    let states = all(
        &db.pool,
        "SELECT id, status, monthly_fen, taper_until FROM households WHERE village_id = $1",
        village_id,
        |r| {
            let status: String = r.try_get("status")?;
            Ok((
                r.try_get::<i64, _>("id")?,
                StandingState {
                    stopped: status == "stopped",
                    monthly_fen: r.try_get("monthly_fen")?,
                    taper_until: r.date_opt("taper_until")?,
                },
            ))
        },
    )
    .await?;
    Ok(states.into_iter().collect())
}

/// A household and where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdPlace {
    pub household_id: i64,
    pub township_id: i64,
    pub village_id: i64,
}

/// The household a publicity entry is about.
#[tracing::instrument(skip_all)]
pub async fn household_of_entry(
    conn: &mut AnyConnection,
    entry_id: i64,
) -> AppResult<Option<HouseholdPlace>> {
    let row = sqlx::query(
        "SELECT h.id, v.parent_id, h.village_id FROM batch_entries e
           JOIN households h ON h.id = e.household_id
           JOIN regions v ON v.id = h.village_id
         WHERE e.id = $1",
    )
    .bind(entry_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(Some(HouseholdPlace {
            household_id: r.try_get(0)?,
            township_id: r.try_get(1)?,
            village_id: r.try_get(2)?,
        })),
        None => Ok(None),
    }
}
