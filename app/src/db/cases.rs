//! The case file: applications, members, near-relative declarations, signed steps, review
//! meetings and evidence files. Everything here is staff-only except the aggregate counts at the
//! end ([`progress`]), which hold no names.

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::regions::scope_condition;
use super::Db;
use crate::domain::case::{ApplicationChannel, CaseAction, Relation, RelativeOf, Stage};
use crate::domain::{AidCategory, Scope};
use crate::error::{AppError, AppResult};

fn date(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::internal("stored date", e))
}

fn code<T>(r: Result<T, crate::domain::ParseCodeError>) -> AppResult<T> {
    r.map_err(|e| AppError::internal("stored code", e))
}

/// A new application.
pub struct NewCase<'a> {
    pub household_id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub group_name: &'a str,
    pub channel: ApplicationChannel,
    pub complaint_id: Option<i64>,
    pub received_on: NaiveDate,
    pub category_asked: AidCategory,
    pub near_relative: bool,
    pub created_by: i64,
}

/// A member of the applying household (staff-only details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub relation: Relation,
    pub id_number: Option<String>,
    pub disability_grade: Option<i64>,
    pub serious_illness: bool,
}

/// A near-relative declaration (近亲属备案).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelativeDeclaration {
    pub id: i64,
    pub member_name: String,
    pub kind: RelativeOf,
    pub related_name: String,
    pub related_post: String,
    pub relation: String,
}

/// A case as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    pub household_id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub group_name: String,
    pub channel: ApplicationChannel,
    pub complaint_id: Option<i64>,
    pub received_on: NaiveDate,
    pub category_asked: AidCategory,
    pub stage: Stage,
    pub refused_at: Option<Stage>,
    pub refusal_reason: Option<String>,
    pub near_relative: bool,
    pub decided_category: Option<AidCategory>,
    pub decided_class: Option<i64>,
    pub decided_fen: Option<i64>,
    pub review_batch_id: Option<i64>,
    pub approval_batch_id: Option<i64>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    /// When the case entered its current stage (its last step, or its registration).
    pub stage_since: i64,
    /// The applicant (the member recorded as head, else the first).
    pub applicant: String,
    /// Members covered.
    pub persons: i64,
}

const CASE_COLS: &str = "c.id, c.household_id, c.village_id, c.township_id, c.group_name, \
    c.channel, c.complaint_id, c.received_on, c.category_asked, c.stage, c.refused_at, \
    c.refusal_reason, c.near_relative, c.decided_category, c.decided_class, c.decided_fen, \
    c.review_batch_id, c.approval_batch_id, c.decided_at, c.created_at, \
    COALESCE((SELECT MAX(s.recorded_at) FROM case_steps s WHERE s.case_id = c.id \
        AND s.stage_from <> s.stage_to), c.created_at) AS stage_since, \
    COALESCE((SELECT m.name FROM case_members m WHERE m.case_id = c.id \
        ORDER BY CASE WHEN m.relation = 'head' THEN 0 ELSE 1 END, m.seq LIMIT 1), '') AS applicant, \
    (SELECT COUNT(*) FROM case_members m WHERE m.case_id = c.id) AS persons";

fn case_from_row(r: &AnyRow) -> AppResult<Case> {
    let channel: String = r.try_get("channel")?;
    let received: String = r.try_get("received_on")?;
    let asked: String = r.try_get("category_asked")?;
    let stage: String = r.try_get("stage")?;
    let refused_at: Option<String> = r.try_get("refused_at")?;
    let decided: Option<String> = r.try_get("decided_category")?;
    Ok(Case {
        id: r.try_get("id")?,
        household_id: r.try_get("household_id")?,
        village_id: r.try_get("village_id")?,
        township_id: r.try_get("township_id")?,
        group_name: r.try_get("group_name")?,
        channel: code(ApplicationChannel::parse(&channel))?,
        complaint_id: r.try_get("complaint_id")?,
        received_on: date(&received)?,
        category_asked: code(AidCategory::parse(&asked))?,
        stage: code(Stage::parse(&stage))?,
        refused_at: refused_at
            .as_deref()
            .map(Stage::parse)
            .transpose()
            .map_err(|e| AppError::internal("stored code", e))?,
        refusal_reason: r.try_get("refusal_reason")?,
        near_relative: r.try_get::<i64, _>("near_relative")? != 0,
        decided_category: decided
            .as_deref()
            .map(AidCategory::parse)
            .transpose()
            .map_err(|e| AppError::internal("stored code", e))?,
        decided_class: r.try_get("decided_class")?,
        decided_fen: r.try_get("decided_fen")?,
        review_batch_id: r.try_get("review_batch_id")?,
        approval_batch_id: r.try_get("approval_batch_id")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
        stage_since: r.try_get("stage_since")?,
        applicant: r.try_get("applicant")?,
        persons: r.try_get("persons")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut AnyConnection, c: &NewCase<'_>, now: i64) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO cases (household_id, village_id, township_id, group_name, channel,
            complaint_id, received_on, category_asked, stage, near_relative, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, $11) RETURNING id",
    )
    .bind(c.household_id)
    .bind(c.village_id)
    .bind(c.township_id)
    .bind(c.group_name)
    .bind(c.channel.as_str())
    .bind(c.complaint_id)
    .bind(c.received_on.to_string())
    .bind(c.category_asked.as_str())
    .bind(i64::from(c.near_relative))
    .bind(c.created_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

#[tracing::instrument(skip_all)]
pub async fn insert_member(
    conn: &mut AnyConnection,
    case_id: i64,
    seq: i64,
    m: &Member,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO case_members (case_id, seq, name, relation, id_number, disability_grade,
            serious_illness) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(seq)
    .bind(&m.name)
    .bind(m.relation.as_str())
    .bind(&m.id_number)
    .bind(m.disability_grade)
    .bind(i64::from(m.serious_illness))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a declaration and marks the case as a near-relative case.
#[tracing::instrument(skip_all)]
pub async fn insert_relative(
    conn: &mut AnyConnection,
    case_id: i64,
    d: &RelativeDeclaration,
    staff_id: i64,
    now: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO case_relatives (case_id, member_name, kind, related_name, related_post,
            relation, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case_id)
    .bind(&d.member_name)
    .bind(d.kind.as_str())
    .bind(&d.related_name)
    .bind(&d.related_post)
    .bind(&d.relation)
    .bind(staff_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sync_near_relative(conn, case_id).await?;
    Ok(row.try_get(0)?)
}

/// Removes a declaration of this case; false when there is none with that id.
#[tracing::instrument(skip_all)]
pub async fn delete_relative(conn: &mut AnyConnection, case_id: i64, id: i64) -> AppResult<bool> {
    let res = sqlx::query("DELETE FROM case_relatives WHERE id = $1 AND case_id = $2")
        .bind(id)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    sync_near_relative(conn, case_id).await?;
    Ok(res.rows_affected() == 1)
}

async fn sync_near_relative(conn: &mut AnyConnection, case_id: i64) -> AppResult<()> {
    sqlx::query(
        "UPDATE cases SET near_relative = CASE WHEN EXISTS
            (SELECT 1 FROM case_relatives r WHERE r.case_id = cases.id) THEN 1 ELSE 0 END
         WHERE id = $1",
    )
    .bind(case_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> AppResult<Option<Case>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: Scope,
    pub village_id: Option<i64>,
    pub stage: Option<Stage>,
    /// Only cases on this 审核/审批 list.
    pub batch_id: Option<i64>,
}

/// Cases in scope, oldest stage first (what waits longest comes first).
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &CaseFilter, limit: i64) -> AppResult<Vec<Case>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c
         WHERE {} AND ($1 IS NULL OR c.village_id = $1)
           AND ($2 IS NULL OR c.stage = $2)
           AND ($3 IS NULL OR c.review_batch_id = $3 OR c.approval_batch_id = $3)
         ORDER BY stage_since, c.id LIMIT $4",
        scope_condition(&f.scope, "c.township_id")
    )))
    .bind(f.village_id)
    .bind(f.stage.map(|s| s.as_str()))
    .bind(f.batch_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(case_from_row).collect()
}

/// Enrolled cases of a village that no standing list carries yet (they join the next one).
#[tracing::instrument(skip_all)]
pub async fn enrolled_not_on_standing(db: &Db, village_id: i64) -> AppResult<Vec<Case>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c
         WHERE c.village_id = $1 AND c.stage = 'enrolled' AND NOT EXISTS (
            SELECT 1 FROM batch_entries e JOIN batches b ON b.id = e.batch_id
            WHERE e.case_id = c.id AND b.kind = 'standing' AND b.state <> 'withdrawn')
         ORDER BY c.id"
    )))
    .bind(village_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(case_from_row).collect()
}

#[tracing::instrument(skip_all)]
pub async fn members(db: &Db, case_id: i64) -> AppResult<Vec<Member>> {
    let rows = sqlx::query(
        "SELECT name, relation, id_number, disability_grade, serious_illness FROM case_members
         WHERE case_id = $1 ORDER BY seq",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let relation: String = r.try_get("relation")?;
            Ok(Member {
                name: r.try_get("name")?,
                relation: code(Relation::parse(&relation))?,
                id_number: r.try_get("id_number")?,
                disability_grade: r.try_get("disability_grade")?,
                serious_illness: r.try_get::<i64, _>("serious_illness")? != 0,
            })
        })
        .collect()
}

#[tracing::instrument(skip_all)]
pub async fn relatives(db: &Db, case_id: i64) -> AppResult<Vec<RelativeDeclaration>> {
    let rows = sqlx::query(
        "SELECT id, member_name, kind, related_name, related_post, relation FROM case_relatives
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(RelativeDeclaration {
                id: r.try_get("id")?,
                member_name: r.try_get("member_name")?,
                kind: code(RelativeOf::parse(&kind))?,
                related_name: r.try_get("related_name")?,
                related_post: r.try_get("related_post")?,
                relation: r.try_get("relation")?,
            })
        })
        .collect()
}

/// A step to record.
pub struct NewStep<'a> {
    pub action: CaseAction,
    pub from: Stage,
    pub to: Stage,
    pub happened_on: NaiveDate,
    pub body: &'a str,
    /// Structured details (JSON object).
    pub details: &'a str,
    pub meeting_id: Option<i64>,
    pub recorded_by: i64,
    /// The named staff who signed it.
    pub signers: &'a [i64],
}

/// Records a step and moves the case from `from` to `to` — only if it is still at `from` (no
/// lost updates when two officers act at once). Returns `None`, changing nothing, otherwise.
#[tracing::instrument(skip_all, fields(action = s.action.as_str()))]
pub async fn record_step(
    conn: &mut AnyConnection,
    case_id: i64,
    s: &NewStep<'_>,
    now: i64,
) -> AppResult<Option<i64>> {
    let moved =
        sqlx::query("UPDATE cases SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4")
            .bind(s.to.as_str())
            .bind(now)
            .bind(case_id)
            .bind(s.from.as_str())
            .execute(&mut *conn)
            .await?;
    if moved.rows_affected() != 1 {
        return Ok(None);
    }
    let row = sqlx::query(
        "INSERT INTO case_steps (case_id, action, stage_from, stage_to, happened_on, body, details,
            meeting_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(case_id)
    .bind(s.action.as_str())
    .bind(s.from.as_str())
    .bind(s.to.as_str())
    .bind(s.happened_on.to_string())
    .bind(s.body)
    .bind(s.details)
    .bind(s.meeting_id)
    .bind(s.recorded_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let step_id: i64 = row.try_get(0)?;
    let mut signers = s.signers.to_vec();
    signers.sort_unstable();
    signers.dedup();
    for staff_id in signers {
        sqlx::query("INSERT INTO case_step_signers (step_id, staff_id) VALUES ($1, $2)")
            .bind(step_id)
            .bind(staff_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(step_id))
}

/// A recorded step, with the names of who recorded and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub id: i64,
    pub action: CaseAction,
    pub from: Stage,
    pub to: Stage,
    pub happened_on: NaiveDate,
    pub body: String,
    pub details: String,
    pub meeting_id: Option<i64>,
    pub recorded_by: String,
    pub recorded_at: i64,
    /// (staff id, display name) of each signer.
    pub signers: Vec<(i64, String)>,
}

#[tracing::instrument(skip_all)]
pub async fn steps(db: &Db, case_id: i64) -> AppResult<Vec<StepRow>> {
    let rows = sqlx::query(
        "SELECT s.id, s.action, s.stage_from, s.stage_to, s.happened_on, s.body, s.details,
            s.meeting_id, st.display_name, s.recorded_at
         FROM case_steps s JOIN staff st ON st.id = s.recorded_by
         WHERE s.case_id = $1 ORDER BY s.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    let signers = sqlx::query(
        "SELECT g.step_id, g.staff_id, st.display_name FROM case_step_signers g
         JOIN case_steps s ON s.id = g.step_id JOIN staff st ON st.id = g.staff_id
         WHERE s.case_id = $1 ORDER BY g.step_id, st.display_name",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let action: String = r.try_get("action")?;
        let from: String = r.try_get("stage_from")?;
        let to: String = r.try_get("stage_to")?;
        let on: String = r.try_get("happened_on")?;
        let mut names = Vec::new();
        for g in &signers {
            if g.try_get::<i64, _>("step_id")? == id {
                names.push((g.try_get("staff_id")?, g.try_get("display_name")?));
            }
        }
        out.push(StepRow {
            id,
            action: code(CaseAction::parse(&action))?,
            from: code(Stage::parse(&from))?,
            to: code(Stage::parse(&to))?,
            happened_on: date(&on)?,
            body: r.try_get("body")?,
            details: r.try_get("details")?,
            meeting_id: r.try_get("meeting_id")?,
            recorded_by: r.try_get("display_name")?,
            recorded_at: r.try_get("recorded_at")?,
            signers: names,
        });
    }
    Ok(out)
}

/// Who signed the household visit of a case (the staff ids of its latest survey step).
#[tracing::instrument(skip_all)]
pub async fn survey_visitors(db: &Db, case_id: i64) -> AppResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT g.staff_id FROM case_step_signers g WHERE g.step_id =
            (SELECT MAX(s.id) FROM case_steps s WHERE s.case_id = $1
               AND s.action IN ('survey_eligible', 'survey_ineligible'))",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The township's decision on a case (拟同意).
#[tracing::instrument(skip_all)]
pub async fn set_decision(
    conn: &mut AnyConnection,
    case_id: i64,
    category: AidCategory,
    class: Option<i64>,
    monthly_fen: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE cases SET decided_category = $1, decided_class = $2, decided_fen = $3 WHERE id = $4",
    )
    .bind(category.as_str())
    .bind(class)
    .bind(monthly_fen)
    .bind(case_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends a case refused at `at`, with the reason for the written notice.
#[tracing::instrument(skip_all)]
pub async fn set_refused(
    conn: &mut AnyConnection,
    case_id: i64,
    at: Stage,
    reason: &str,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE cases SET refused_at = $1, refusal_reason = $2, decided_at = COALESCE(decided_at, $3)
         WHERE id = $4",
    )
    .bind(at.as_str())
    .bind(reason)
    .bind(now)
    .bind(case_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records when the county approved (the decision for "days to decision").
#[tracing::instrument(skip_all)]
pub async fn set_decided_at(conn: &mut AnyConnection, case_id: i64, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE cases SET decided_at = COALESCE(decided_at, $1) WHERE id = $2")
        .bind(now)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links (or unlinks, `None`) the case's 审核 or 审批 list.
#[tracing::instrument(skip_all)]
pub async fn set_batch(
    conn: &mut AnyConnection,
    case_id: i64,
    approval: bool,
    batch_id: Option<i64>,
) -> AppResult<()> {
    let sql = if approval {
        "UPDATE cases SET approval_batch_id = $1 WHERE id = $2"
    } else {
        "UPDATE cases SET review_batch_id = $1 WHERE id = $2"
    };
    sqlx::query(sql)
        .bind(batch_id)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks a list entry as made from a case.
#[tracing::instrument(skip_all)]
pub async fn link_entry(conn: &mut AnyConnection, entry_id: i64, case_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE batch_entries SET case_id = $1 WHERE id = $2")
        .bind(case_id)
        .bind(entry_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Cases of a batch (entries made from cases), in entry order.
#[tracing::instrument(skip_all)]
pub async fn case_ids_of_batch(conn: &mut AnyConnection, batch_id: i64) -> AppResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT case_id FROM batch_entries WHERE batch_id = $1 AND case_id IS NOT NULL ORDER BY seq",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The cases of a 审核 batch with whether each is a near-relative case and has a county check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckStatus {
    pub case_id: i64,
    pub near_relative: bool,
    pub checked: bool,
}

#[tracing::instrument(skip_all)]
pub async fn check_status(db: &Db, batch_id: i64) -> AppResult<Vec<CheckStatus>> {
    let rows = sqlx::query(
        "SELECT c.id, c.near_relative, CASE WHEN EXISTS (SELECT 1 FROM case_steps s
            WHERE s.case_id = c.id AND s.action = 'county_check') THEN 1 ELSE 0 END AS checked
         FROM cases c WHERE c.review_batch_id = $1 ORDER BY c.id",
    )
    .bind(batch_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckStatus {
                case_id: r.try_get(0)?,
                near_relative: r.try_get::<i64, _>(1)? != 0,
                checked: r.try_get::<i64, _>(2)? != 0,
            })
        })
        .collect()
}

/// Objections (reports about an entry of this list) that have no outcome yet.
#[tracing::instrument(skip_all)]
pub async fn open_objections(db: &Db, batch_id: i64) -> AppResult<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) FROM complaints k JOIN batch_entries e ON e.id = k.entry_id
         WHERE e.batch_id = $1 AND k.status NOT IN ('declined', 'answered', 'closed')",
    )
    .bind(batch_id)
    .fetch_one(&db.pool)
    .await?
    .try_get(0)?)
}

/// A review meeting (研判会) of a township.
#[tracing::instrument(skip_all)]
pub async fn insert_meeting(
    conn: &mut AnyConnection,
    township_id: i64,
    held_on: NaiveDate,
    attendees: &str,
    recorded_by: i64,
    now: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO review_meetings (township_id, held_on, attendees, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(township_id)
    .bind(held_on.to_string())
    .bind(attendees)
    .bind(recorded_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// A meeting's date and attendees.
#[tracing::instrument(skip_all)]
pub async fn meeting(db: &Db, id: i64) -> AppResult<Option<(NaiveDate, String)>> {
    let row = sqlx::query("SELECT held_on, attendees FROM review_meetings WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => {
            let on: String = r.try_get(0)?;
            Ok(Some((date(&on)?, r.try_get(1)?)))
        }
        None => Ok(None),
    }
}

/// An evidence file's description (not its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: i64,
    pub content_type: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

#[tracing::instrument(skip_all)]
pub async fn evidence(db: &Db, case_id: i64) -> AppResult<Vec<Evidence>> {
    let rows = sqlx::query(
        "SELECT e.id, e.content_type, e.file_name, e.size, e.sha256, st.display_name, e.uploaded_at
         FROM evidence_files e JOIN staff st ON st.id = e.uploaded_by
         WHERE e.case_id = $1 ORDER BY e.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Evidence {
                id: r.try_get(0)?,
                content_type: r.try_get(1)?,
                file_name: r.try_get(2)?,
                size: r.try_get(3)?,
                sha256: r.try_get(4)?,
                uploaded_by: r.try_get(5)?,
                uploaded_at: r.try_get(6)?,
            })
        })
        .collect()
}

/// One evidence file of a case: (content type, file name, bytes).
#[tracing::instrument(skip_all)]
pub async fn evidence_file(
    db: &Db,
    case_id: i64,
    file_id: i64,
) -> AppResult<Option<(String, String, Vec<u8>)>> {
    let row = sqlx::query(
        "SELECT content_type, file_name, data FROM evidence_files WHERE id = $1 AND case_id = $2",
    )
    .bind(file_id)
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))),
        None => Ok(None),
    }
}

/// A list entry to make from a case.
pub struct CaseEntry<'a> {
    /// `None` for an entry carried over from a hand-made list (存量).
    pub case_id: Option<i64>,
    pub household_id: i64,
    pub head_name: &'a str,
    pub persons: i64,
    pub monthly_fen: i64,
    pub category: AidCategory,
    pub aid_class: Option<i64>,
    pub change: crate::domain::ChangeKind,
}

/// Appends entries made from cases to a batch.
#[tracing::instrument(skip_all)]
pub async fn insert_entries(
    conn: &mut AnyConnection,
    batch_id: i64,
    entries: &[CaseEntry<'_>],
) -> AppResult<()> {
    use super::bulk::{insert_many, Value};
    let mut seq = super::publicity::max_seq(conn, batch_id).await?;
    let rows: Vec<Vec<Value>> = entries
        .iter()
        .map(|e| {
            seq += 1;
            vec![
                Value::I(batch_id),
                Value::I(e.household_id),
                Value::I(seq),
                Value::S(super::publicity::new_public_ref()),
                Value::S(e.head_name.to_owned()),
                Value::I(e.persons),
                Value::I(e.monthly_fen),
                Value::S(e.category.as_str().to_owned()),
                e.aid_class.map(Value::I).unwrap_or(Value::Null),
                Value::S(e.change.as_str().to_owned()),
                e.case_id.map(Value::I).unwrap_or(Value::Null),
            ]
        })
        .collect();
    insert_many(
        conn,
        "batch_entries",
        "batch_id, household_id, seq, public_ref, head_name, persons, monthly_fen, category, \
         aid_class, change_kind, case_id",
        &rows,
    )
    .await
}

/// How far a place's applications of a year have come: counts and the median days from
/// application to decision. No names: safe to publish (small counts are suppressed by the
/// caller's rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub received: i64,
    pub visited: i64,
    pub reviewed: i64,
    pub approved: i64,
    pub refused: i64,
}

/// Applications received from `since` on, in a township (and village, if given), with the days
/// from application to decision of each decided one.
#[tracing::instrument(skip_all)]
pub async fn progress(
    db: &Db,
    township_id: Option<i64>,
    village_id: Option<i64>,
    since: NaiveDate,
) -> AppResult<(Progress, Vec<i64>)> {
    let rows = sqlx::query(
        "SELECT c.stage, c.received_on, c.decided_at,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'survey_eligible') THEN 1 ELSE 0 END AS visited,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'village_review') THEN 1 ELSE 0 END AS reviewed,
            CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id
                AND s.action = 'county_approve') THEN 1 ELSE 0 END AS approved
         FROM cases c
         WHERE c.received_on >= $1 AND ($2 IS NULL OR c.township_id = $2)
           AND ($3 IS NULL OR c.village_id = $3)",
    )
    .bind(since.to_string())
    .bind(township_id)
    .bind(village_id)
    .fetch_all(&db.pool)
    .await?;
    let mut p = Progress::default();
    let mut days = Vec::new();
    for r in &rows {
        let stage: String = r.try_get(0)?;
        let received: String = r.try_get(1)?;
        let decided_at: Option<i64> = r.try_get(2)?;
        p.received += 1;
        p.visited += r.try_get::<i64, _>(3)?;
        p.reviewed += r.try_get::<i64, _>(4)?;
        p.approved += r.try_get::<i64, _>(5)?;
        p.refused += i64::from(stage == Stage::Refused.as_str());
        if let Some(at) = decided_at {
            let decided = chrono::DateTime::from_timestamp(at + 8 * 3600, 0)
                .map(|t| t.date_naive())
                .unwrap_or(since);
            days.push(crate::domain::case::days_to_decision(
                date(&received)?,
                decided,
            ));
        }
    }
    Ok((p, days))
}
