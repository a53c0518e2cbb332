//! A township's review meeting (研判会): the cases it decides, checked together, then recorded
//! in one transaction with the meeting, its attendees and each case's step.

use super::*;

/// One case's decision at a review meeting.
#[derive(Debug, Clone)]
pub struct MeetingDecision {
    pub case_id: i64,
    pub decision: TownshipDecision,
}

/// The cases a meeting decides, each with its step, once every one may be decided: in the
/// meeting's township (else 403), at a stage the step can follow, visited by two, and with a
/// complete decision. `Err((case id, msg))`: the first that may not.
async fn decidable(
    state: &AppState,
    township_id: i64,
    decisions: &[MeetingDecision],
) -> AppResult<Result<Vec<(Case, CaseAction)>, (i64, Msg)>> {
    let mut cases = Vec::with_capacity(decisions.len());
    for d in decisions {
        let case = cdb::get(&state.db, d.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if case.township_id != township_id {
            return Err(AppError::Forbidden);
        }
        let action = match &d.decision {
            TownshipDecision::Approve { .. } => CaseAction::TownshipApprove,
            TownshipDecision::Refuse { .. } => CaseAction::TownshipRefuse,
        };
        if step(case.stage, action).is_err() {
            return Ok(Err((case.id, Msg::GateWrongStage)));
        }
        let mut visitors = cdb::survey_visitors(&state.db, case.id).await?;
        visitors.sort_unstable();
        visitors.dedup();
        if visitors.len() < 2 {
            return Ok(Err((case.id, gate(GateError::NotVisitedByTwo))));
        }
        match &d.decision {
            TownshipDecision::Approve { monthly_fen, .. } if *monthly_fen <= 0 => {
                return Ok(Err((case.id, Msg::GateDecisionIncomplete)));
            }
            TownshipDecision::Refuse { reason: r } if reason(r).is_none() => {
                return Ok(Err((case.id, Msg::GateReason)));
            }
            _ => {}
        }
        cases.push((case, action));
    }
    Ok(Ok(cases))
}

/// Records a township review meeting (研判会) and its decisions on many cases, all or nothing.
/// `Ok(Err((case id, msg)))`: a case could not be decided (nothing was saved).
pub async fn record_meeting(
    state: &AppState,
    staff: &StaffCtx,
    township_id: i64,
    held_on: NaiveDate,
    attendees: &str,
    decisions: &[MeetingDecision],
) -> AppResult<Result<i64, (i64, Msg)>> {
    staff.require(Perm::ProcessCases, Some(township_id))?;
    if held_on > today_cst() {
        return Ok(Err((0, Msg::GateDateFuture)));
    }
    let cases = match decidable(state, township_id, decisions).await? {
        Ok(cases) => cases,
        Err(refused) => return Ok(Err(refused)),
    };
    let prepared = notices::prepare(state, township_id, false, held_on).await?;
    let now = now_epoch();
    let me = staff.staff.id;
    let mut tx = state.db.begin().await?;
    // Every case of the meeting taken first, in one order (ascending id), before any notice
    // number: a single refusal takes its case, then the counter; were the meeting to take a
    // case after the counter, the two could wait on each other (PostgreSQL would abort one).
    let mut ids: Vec<i64> = cases.iter().map(|(c, _)| c.id).collect();
    ids.sort_unstable();
    for id in ids {
        cdb::lock_row(&mut tx, id).await?;
    }
    let meeting =
        cdb::insert_meeting(&mut tx, township_id, held_on, attendees.trim(), me, now).await?;
    for ((case, action), d) in cases.iter().zip(decisions) {
        let (body, details) = match &d.decision {
            TownshipDecision::Approve {
                category,
                class,
                monthly_fen,
            } => {
                let class = class.map(i64::from);
                cdb::set_decision(&mut tx, case.id, *category, class, *monthly_fen).await?;
                let details = json!({ "category": category.as_str(), "class": class, "monthly_fen": monthly_fen });
                (String::new(), details.to_string())
            }
            TownshipDecision::Refuse { reason: r } => {
                let r = reason(r).unwrap_or_default();
                cdb::set_refused(&mut tx, case.id, case.stage, &r, now).await?;
                issue_refusal(&mut tx, staff, case, *action, &r, &prepared, now).await?;
                (r, "{}".to_owned())
            }
        };
        let to = step(case.stage, *action).map_err(|e| AppError::internal("meeting", e))?;
        let new = NewStep {
            action: *action,
            from: case.stage,
            to,
            happened_on: held_on,
            body: &body,
            details: &details,
            meeting_id: Some(meeting),
            recorded_by: me,
            signers: &[me],
        };
        if cdb::record_step(&mut tx, case.id, &new, now)
            .await?
            .is_none()
        {
            return Ok(Err((case.id, Msg::GateWrongStage)));
        }
        let detail = format!("meeting={meeting}");
        log_step(&mut tx, staff, case, *action, detail, now).await?;
    }
    tx.commit().await?;
    Ok(Ok(meeting))
}
