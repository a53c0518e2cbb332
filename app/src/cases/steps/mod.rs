//! The steps of a case, each checked against the stage machine and the plan's gates
//! (`domain::case`) and recorded in one transaction with its signers and audit row.

use chrono::NaiveDate;
use serde_json::json;

use crate::cases::register;
use crate::db::cases::{self as cdb, Case, CheckStatus, NewStep, RelativeDeclaration};
use crate::db::changes::Change;
use crate::db::{audit, now_epoch, publicity as pdb, regions, staff as staff_db, today_cst};
use crate::domain::access::{role_allows, Perm};
use crate::domain::case::{
    check_county, check_survey, step, CaseAction, CountyFacts, GateError, Stage, Survey,
    TownshipDecision,
};
use crate::domain::draw::DrawFile;
use crate::domain::notice::NoticeKind;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::process::notices;
use crate::web::labels::case as labels;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

mod meeting;
pub use meeting::*;

/// Loads a case the viewer may `perm` (its village, for a village assistant).
pub async fn load(state: &AppState, staff: &StaffCtx, id: i64, perm: Perm) -> AppResult<Case> {
    let case = cdb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require_village(perm, case.township_id, case.village_id)?;
    Ok(case)
}

/// What a step form carries.
#[derive(Debug, Clone)]
pub enum Input {
    Accept,
    Reject {
        reason: String,
    },
    Survey(SurveyInput),
    VillageReview(ReviewInput),
    CountyCheck {
        checked_on: NaiveDate,
        findings: String,
    },
    CountyDecide {
        /// `None`: approve; `Some(reason)`: refuse.
        refusal: Option<String>,
    },
}

/// A household visit (入户调查) as its form gives it.
#[derive(Debug, Clone)]
pub struct SurveyInput {
    pub visited_on: NaiveDate,
    pub visitors: Vec<i64>,
    pub income: String,
    pub assets: String,
    pub living: String,
    /// `None`: eligible; `Some(reason)`: not eligible.
    pub refusal: Option<String>,
}

/// A village review (民主评议) as its form gives it.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    pub held_on: NaiveDate,
    /// The drawn panel (a draw's row id) that held the review.
    pub panel: i64,
    pub votes_for: i64,
    pub votes_against: i64,
    pub remarks: String,
}

impl Input {
    fn perm(&self) -> Perm {
        match self {
            Input::CountyCheck { .. } | Input::CountyDecide { .. } => Perm::ApproveCases,
            _ => Perm::ProcessCases,
        }
    }
}

/// A refusal reason: 2–500 characters of text (it goes into the written notice).
pub fn reason(s: &str) -> Option<String> {
    let t = s.trim();
    let n = t.chars().count();
    ((2..=500).contains(&n) && !t.chars().any(|c| c.is_control() && c != '\n'))
        .then(|| t.to_owned())
}

fn gate(e: GateError) -> Msg {
    labels::gate(e)
}

/// Whether a staff member may sign a household visit of a case in `township_id` (of `county`):
/// active, and works on cases there.
pub fn may_visit(s: &crate::db::staff::Staff, township_id: i64, county: Option<i64>) -> bool {
    s.active
        && s.village_id.is_none()
        && s.covers(Some(township_id), county, false)
        && (role_allows(s.role, Perm::ProcessCases) || role_allows(s.role, Perm::ApproveCases))
}

/// The cases of a 审核 batch that must be checked in person, with whether each is: every
/// near-relative case and every case of the publicly drawn spot-check sample. `None` while the
/// spot-check has not been drawn.
pub async fn required_checks(
    state: &AppState,
    batch_id: i64,
) -> AppResult<Option<Vec<CheckStatus>>> {
    let Some(draw) = crate::db::draws::spot_check_of(&state.db, batch_id).await? else {
        return Ok(None);
    };
    let Some(result) = draw.result else {
        return Ok(None);
    };
    let file: DrawFile =
        serde_json::from_str(&result).map_err(|e| AppError::internal("stored draw", e))?;
    let sampled: Vec<String> = file
        .selected
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let refs = pdb::staff_entries(&state.db, batch_id).await?;
    let sampled_cases: Vec<i64> = refs
        .iter()
        .filter(|e| sampled.contains(&e.public_ref))
        .filter_map(|e| e.case_id)
        .collect();
    Ok(Some(
        cdb::check_status(&state.db, batch_id)
            .await?
            .into_iter()
            .filter(|c| c.near_relative || sampled_cases.contains(&c.case_id))
            .collect(),
    ))
}

/// A drawn panel of the case's village, not replaced by a newer draw that is drawn, holding
/// someone of the case's village group: the day it was drawn (China time) and its members' names (staff-only),
/// or why not.
async fn panel_for(
    state: &AppState,
    case: &Case,
    panel: i64,
) -> AppResult<Result<(NaiveDate, Vec<String>), Msg>> {
    let Some(draw) = crate::db::draws::get(&state.db, panel).await? else {
        return Ok(Err(gate(GateError::PanelNotDrawn)));
    };
    let (Some(result), Some(drawn_at), true, Some(village)) = (
        draw.result,
        draw.drawn_at,
        draw.kind == "panel",
        draw.village_id,
    ) else {
        return Ok(Err(gate(GateError::PanelNotDrawn)));
    };
    if village != case.village_id {
        return Ok(Err(gate(GateError::PanelNotDrawn)));
    }
    // Replaced, and its replacement drawn: the new panel holds the month's reviews.
    if draw.replacement_drawn {
        return Ok(Err(Msg::GatePanelReplaced));
    }
    let file: DrawFile =
        serde_json::from_str(&result).map_err(|e| AppError::internal("stored draw", e))?;
    let token = crate::domain::case::group_token(&case.group_name);
    let Some(p) = file.panel else {
        return Ok(Err(gate(GateError::PanelNotDrawn)));
    };
    if !p.groups.contains(&token) {
        return Ok(Err(gate(GateError::PanelMissesGroup)));
    }
    let chosen: Vec<String> = file
        .selected
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let pool = crate::db::draws::pool(&state.db, village).await?;
    let names: Vec<String> = pool
        .into_iter()
        .filter(|m| chosen.contains(&crate::domain::case::member_token(m.id)))
        .map(|m| m.name)
        .collect();
    // (Never after today: with a pinned today — tests, the demo — across midnight in Beijing.)
    let drawn_on = crate::db::day_cst(drawn_at).min(today_cst());
    Ok(Ok((drawn_on, names)))
}

/// The facts the county's gate looks at, for one case (none while the spot-check is not drawn).
async fn county_facts(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
) -> AppResult<Result<CountyFacts, GateError>> {
    let batch_id = case.review_batch_id.ok_or(AppError::NotFound)?;
    let batch = pdb::batch(&state.db, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(required) = required_checks(state, batch_id).await? else {
        return Ok(Err(GateError::SpotCheckNotDrawn));
    };
    Ok(Ok(CountyFacts {
        today: today_cst(),
        review_closes_on: batch.closes_on.unwrap_or(batch.opens_on),
        open_objections: cdb::open_objections(&state.db, batch_id).await? as usize,
        batch_checks_missing: required.iter().filter(|c| !c.checked).count(),
        case_unchecked: required.iter().any(|c| c.case_id == case.id && !c.checked),
        visitors: cdb::survey_visitors(&state.db, case.id).await?,
        approver: staff.staff.id,
    }))
}

/// Issues the written notice of a refusal (on the refusal's transaction).
async fn issue_refusal(
    tx: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    case: &Case,
    action: CaseAction,
    reasons: &str,
    prepared: &notices::Prepared,
    now: i64,
) -> AppResult<()> {
    let issue = notices::Issue {
        kind: NoticeKind::Refusal,
        household_id: case.household_id,
        case_id: Some(case.id),
        recheck_id: None,
        township_id: case.township_id,
        village_id: case.village_id,
        addressee: &case.applicant,
        decision: crate::domain::notice::refusal_decision(action),
        reasons,
    };
    notices::issue(tx, staff, prepared, &issue, now).await?;
    Ok(())
}

/// Performs one step. `Ok(Err(msg))`: refused by a gate or an incomplete form, nothing
/// changed; the message says why.
pub async fn perform(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    input: Input,
) -> AppResult<Result<(), Msg>> {
    staff.require_village(input.perm(), case.township_id, case.village_id)?;
    match check_input(state, staff, case, input).await? {
        // Nothing of a case happens before its application was received.
        Ok(checked) if checked.happened_on < case.received_on => {
            Ok(Err(Msg::GateDateBeforeApplication))
        }
        Ok(checked) => record(state, staff, case, checked).await,
        Err(msg) => Ok(Err(msg)),
    }
}

/// A step as checked, ready to be recorded.
struct Checked {
    action: CaseAction,
    body: String,
    happened_on: NaiveDate,
    signers: Vec<i64>,
    details: serde_json::Value,
}

impl Checked {
    /// A step taken today, signed by the one who records it.
    fn today(staff: &StaffCtx, action: CaseAction, body: String) -> Checked {
        Checked {
            action,
            body,
            happened_on: today_cst(),
            signers: vec![staff.staff.id],
            details: json!({}),
        }
    }
}

/// `yes` without a reason, or `no` with the reason given (2–500 characters).
fn with_reason(
    refusal: Option<String>,
    yes: CaseAction,
    no: CaseAction,
) -> Result<(CaseAction, String), Msg> {
    match refusal {
        None => Ok((yes, String::new())),
        Some(r) => reason(&r).map(|r| (no, r)).ok_or(Msg::GateReason),
    }
}

/// Checks a step's form against the case and the rules. `Err(msg)`: why it cannot be taken.
async fn check_input(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    input: Input,
) -> AppResult<Result<Checked, Msg>> {
    let today = today_cst();
    Ok(match input {
        Input::Accept => Ok(Checked::today(staff, CaseAction::Accept, String::new())),
        Input::Reject { reason: r } => reason(&r)
            .map(|r| Checked::today(staff, CaseAction::Reject, r))
            .ok_or(Msg::GateReason),
        Input::Survey(survey) => return check_survey_input(state, case, survey).await,
        Input::VillageReview(review) => return check_review(state, staff, case, review).await,
        Input::CountyCheck {
            checked_on,
            findings,
        } => {
            if findings.trim().chars().count() < 2 {
                Err(Msg::GateFindings)
            } else if checked_on > today {
                Err(Msg::GateDateFuture)
            } else {
                let body = findings.trim().to_owned();
                let mut checked = Checked::today(staff, CaseAction::CountyCheck, body);
                checked.happened_on = checked_on;
                Ok(checked)
            }
        }
        Input::CountyDecide { refusal } => {
            return check_decision(state, staff, case, refusal).await
        }
    })
}

/// A household visit: its findings and date, and visitors who may sign it (else 403).
async fn check_survey_input(
    state: &AppState,
    case: &Case,
    input: SurveyInput,
) -> AppResult<Result<Checked, Msg>> {
    let SurveyInput {
        visited_on,
        visitors,
        income,
        assets,
        living,
        refusal,
    } = input;
    let findings = [income.trim(), assets.trim(), living.trim()].join(" ");
    let survey = Survey {
        visited_on,
        visitors: visitors.clone(),
        findings: findings.trim().to_owned(),
        evidence_files: cdb::evidence_count(&state.db, case.id).await?,
    };
    if let Err(e) = check_survey(&survey, today_cst()) {
        return Ok(Err(gate(e)));
    }
    let county = regions::county_of(&state.db, Some(case.township_id)).await?;
    for v in &visitors {
        match staff_db::by_id(&state.db, *v).await? {
            Some(s) if may_visit(&s, case.township_id, county) => {}
            _ => return Err(AppError::Forbidden),
        }
    }
    let (action, body) = match with_reason(
        refusal,
        CaseAction::SurveyEligible,
        CaseAction::SurveyIneligible,
    ) {
        Ok(step) => step,
        Err(msg) => return Ok(Err(msg)),
    };
    Ok(Ok(Checked {
        action,
        body,
        happened_on: visited_on,
        signers: visitors,
        details: json!({ "income": income.trim(), "assets": assets.trim(), "living": living.trim() }),
    }))
}

/// A village review: held by a panel drawn for the case's village, with no more votes than
/// members present, on a day that has come.
async fn check_review(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    input: ReviewInput,
) -> AppResult<Result<Checked, Msg>> {
    let ReviewInput {
        held_on,
        panel,
        votes_for,
        votes_against,
        remarks,
    } = input;
    // (No panel holds a thousand: larger counts are typing errors, and cannot overflow.)
    let votes = 0..1000;
    if !votes.contains(&votes_for)
        || !votes.contains(&votes_against)
        || votes_for + votes_against < 1
    {
        return Ok(Err(Msg::GateReviewIncomplete));
    }
    let (drawn_on, present) = match panel_for(state, case, panel).await? {
        Ok(panel) => panel,
        Err(msg) => return Ok(Err(msg)),
    };
    if votes_for + votes_against > present.len() as i64 {
        return Ok(Err(Msg::GateVotesExceedPanel));
    }
    let present = present.join("、");
    if held_on > today_cst() {
        return Ok(Err(Msg::GateDateFuture));
    }
    if !crate::domain::case::panel_serves(drawn_on, held_on) {
        return Ok(Err(Msg::GatePanelOutOfDate));
    }
    let mut checked = Checked::today(staff, CaseAction::VillageReview, remarks.trim().to_owned());
    checked.happened_on = held_on;
    checked.details =
        json!({ "panel": panel, "present": present, "for": votes_for, "against": votes_against });
    Ok(Ok(checked))
}

/// The county's decision: only once the 审核 list is out, and only when what the county must
/// have done first (checks, spot-check, objections) is done.
async fn check_decision(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    refusal: Option<String>,
) -> AppResult<Result<Checked, Msg>> {
    if case.stage != Stage::InReviewPublicity {
        return Ok(Err(Msg::GateWrongStage));
    }
    let facts = match county_facts(state, staff, case).await? {
        Ok(f) => f,
        Err(e) => return Ok(Err(gate(e))),
    };
    if let Err(e) = check_county(&facts) {
        return Ok(Err(gate(e)));
    }
    Ok(
        with_reason(refusal, CaseAction::CountyApprove, CaseAction::CountyRefuse)
            .map(|(action, body)| Checked::today(staff, action, body)),
    )
}

/// Records a checked step in one transaction: the step (only if the case is still where it was
/// read; else nothing changes), a refusal's written notice, the county's decision date, and an
/// audit entry.
async fn record(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    checked: Checked,
) -> AppResult<Result<(), Msg>> {
    let Checked {
        action,
        body,
        happened_on,
        signers,
        details,
    } = checked;
    let Ok(to) = step(case.stage, action) else {
        return Ok(Err(Msg::GateWrongStage));
    };
    // A refusal is told to the household in writing: its notice is issued with it.
    let notice = match action.refuses() {
        true => {
            let county = action == CaseAction::CountyRefuse;
            Some(notices::prepare(state, case.township_id, county, happened_on).await?)
        }
        false => None,
    };
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    if to == case.stage
        && cdb::side_step_recorded(&mut tx, case.id, action, happened_on, &body).await?
    {
        return Ok(Err(Msg::StepAlreadyRecorded));
    }
    let details = details.to_string();
    let new = NewStep {
        action,
        from: case.stage,
        to,
        happened_on,
        body: &body,
        details: &details,
        meeting_id: None,
        recorded_by: staff.staff.id,
        signers: &signers,
    };
    if cdb::record_step(&mut tx, case.id, &new, now)
        .await?
        .is_none()
    {
        return Ok(Err(Msg::GateWrongStage));
    }
    if let Some(prepared) = &notice {
        cdb::set_refused(&mut tx, case.id, case.stage, &body, now).await?;
        issue_refusal(&mut tx, staff, case, action, &body, prepared, now).await?;
    }
    if action == CaseAction::CountyApprove {
        cdb::set_decided_at(&mut tx, case.id, now).await?;
    }
    log_step(&mut tx, staff, case, action, String::new(), now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A case step's audit entry, and the case's public pages marked as changed, in the step's
/// transaction.
async fn log_step(
    tx: &mut crate::db::tx::Tx,
    staff: &StaffCtx,
    case: &Case,
    action: CaseAction,
    detail: String,
    now: i64,
) -> AppResult<()> {
    let entry = staff.audit(
        action.audit_name(),
        "case",
        Some(case.id.to_string()),
        Some(case.township_id),
        detail,
    );
    audit::record(tx, &entry, now).await?;
    tx.changed(Change::Case {
        village: case.village_id,
        township: case.township_id,
    });
    Ok(())
}

/// Adds a near-relative declaration (checked by the registration form's rule) or removes one:
/// only the township's process staff or the county may (a near-relative case is always checked
/// in person, so taking a declaration back is not a village assistant's), and the timeline keeps
/// what the removed declaration said beside the reason.
pub async fn declare(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    add: Option<&RelativeDeclaration>,
    remove: Option<(i64, &str)>,
) -> AppResult<Result<(), Msg>> {
    staff.require_village(Perm::RegisterCases, case.township_id, case.village_id)?;
    if remove.is_some() && !staff.processes(case.township_id) {
        return Err(AppError::Forbidden);
    }
    if let Some(d) = add {
        let members = cdb::members(&state.db, case.id).await?;
        if let Some((_, m)) = register::declaration_faults(d, &members).first() {
            return Ok(Err(*m));
        }
    }
    let action = if add.is_some() {
        CaseAction::DeclareRelative
    } else {
        CaseAction::RemoveRelative
    };
    let Ok(to) = step(case.stage, action) else {
        return Ok(Err(Msg::GateWrongStage));
    };
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let body = match (add, remove) {
        (Some(d), _) => {
            // The same declaration held already (a double submit): refused. One removed and
            // made again (corrected) is a new declaration.
            if cdb::holds_declaration(&mut tx, case.id, d).await? {
                return Ok(Err(Msg::DeclarationHeld));
            }
            cdb::insert_relative(&mut tx, case.id, d, staff.staff.id, now).await?;
            format!("{} · {} {}", d.member_name, d.related_post, d.related_name)
        }
        (None, Some((id, why))) => {
            let Some(d) = cdb::delete_relative(&mut tx, case.id, id).await? else {
                return Err(AppError::NotFound);
            };
            format!(
                "{} · {} {} ({}) — {why}",
                d.member_name, d.related_post, d.related_name, d.relation
            )
        }
        (None, None) => return Err(AppError::NotFound),
    };
    let new = NewStep {
        action,
        from: case.stage,
        to,
        happened_on: today_cst(),
        body: &body,
        details: "{}",
        meeting_id: None,
        recorded_by: staff.staff.id,
        signers: &[staff.staff.id],
    };
    if cdb::record_step(&mut tx, case.id, &new, now)
        .await?
        .is_none()
    {
        return Ok(Err(Msg::GateWrongStage));
    }
    log_step(&mut tx, staff, case, action, String::new(), now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_go_into_a_notice() {
        assert_eq!(reason("  收入超过标准 ").as_deref(), Some("收入超过标准"));
        assert_eq!(reason("否"), None);
        assert_eq!(reason(&"长".repeat(501)), None);
        assert_eq!(reason("第一行\n第二行").as_deref(), Some("第一行\n第二行"));
    }

    #[test]
    fn a_refusal_needs_its_reason() {
        let (yes, no) = (CaseAction::CountyApprove, CaseAction::CountyRefuse);
        assert_eq!(with_reason(None, yes, no), Ok((yes, String::new())));
        assert_eq!(
            with_reason(Some(" 收入超过标准 ".into()), yes, no),
            Ok((no, "收入超过标准".to_owned()))
        );
        assert_eq!(
            with_reason(Some("否".into()), yes, no),
            Err(Msg::GateReason)
        );
        assert_eq!(
            with_reason(Some(String::new()), yes, no),
            Err(Msg::GateReason)
        );
    }
}
