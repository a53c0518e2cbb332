//! Signed steps of a case (each moves its stage only from the stage it was read at), the township's
//! decision and refusal, and review meetings.

use super::*;
use crate::db::all;
use crate::db::exec;
use crate::db::Binds;

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
    let moved = exec(
        &mut *conn,
        "UPDATE cases SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4",
        (s.to.as_str(), now, case_id, s.from.as_str()),
    )
    .await?;
    if moved != 1 {
        return Ok(None);
    }
    let row = sqlx::query(
        "INSERT INTO case_steps (case_id, action, stage_from, stage_to, happened_on, body, details,
            meeting_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .binds((
        case_id,
        s.action.as_str(),
        s.from.as_str(),
        s.to.as_str(),
        s.happened_on.to_string(),
        s.body,
        s.details,
        s.meeting_id,
        s.recorded_by,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    let step_id: i64 = row.try_get(0)?;
    let mut signers = s.signers.to_vec();
    signers.sort_unstable();
    signers.dedup();
    for staff_id in signers {
        exec(
            &mut *conn,
            "INSERT INTO case_step_signers (step_id, staff_id) VALUES ($1, $2)",
            (step_id, staff_id),
        )
        .await?;
    }
    Ok(Some(step_id))
}

/// For a step that leaves the case at its stage (a county check): takes the case's row
/// ([`super::lock_row`]: a second such step of the case waits for the first to commit), then
/// says whether the same step, of the same day and text, is already
/// recorded — a double submit, to be refused rather than recorded twice.
#[tracing::instrument(skip_all)]
pub async fn side_step_recorded(
    conn: &mut AnyConnection,
    case_id: i64,
    action: CaseAction,
    happened_on: NaiveDate,
    body: &str,
) -> AppResult<bool> {
    super::lock_row(conn, case_id).await?;
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM case_steps
         WHERE case_id = $1 AND action = $2 AND happened_on = $3 AND body = $4",
    )
    .binds((case_id, action.as_str(), happened_on.to_string(), body))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(n > 0)
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
        let mut names = Vec::new();
        for g in &signers {
            if g.try_get::<i64, _>("step_id")? == id {
                names.push((g.try_get("staff_id")?, g.try_get("display_name")?));
            }
        }
        out.push(StepRow {
            id,
            action: r.code("action")?,
            from: r.code("stage_from")?,
            to: r.code("stage_to")?,
            happened_on: r.date("happened_on")?,
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
    all(
        &db.pool,
        "SELECT g.staff_id FROM case_step_signers g WHERE g.step_id =
            (SELECT MAX(s.id) FROM case_steps s WHERE s.case_id = $1
               AND s.action IN ('survey_eligible', 'survey_ineligible'))",
        case_id,
        |r| Ok(r.try_get(0)?),
    )
    .await
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
    exec(
        &mut *conn,
        "UPDATE cases SET decided_category = $1, decided_class = $2, decided_fen = $3 WHERE id
         = $4",
        (category.as_str(), class, monthly_fen, case_id),
    )
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
    exec(
        &mut *conn,
        "UPDATE cases SET refused_at = $1, refusal_reason = $2, decided_at =
         COALESCE(decided_at, $3)
         WHERE id = $4",
        (at.as_str(), reason, now, case_id),
    )
    .await?;
    Ok(())
}

/// Records when the county approved (the decision for "days to decision").
#[tracing::instrument(skip_all)]
pub async fn set_decided_at(conn: &mut AnyConnection, case_id: i64, now: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE cases SET decided_at = COALESCE(decided_at, $1) WHERE id = $2",
        (now, case_id),
    )
    .await?;
    Ok(())
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
    .binds((
        township_id,
        held_on.to_string(),
        attendees,
        recorded_by,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}
