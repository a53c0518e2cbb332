//! The staff workflow of a complaint. Each step is a `domain::Action`: the action knows the
//! timeline entry it writes, its audit name and whether the reporter is told; [`prepare`] reads
//! the form fields a step needs (the one table of per-step rules), [`apply`] performs it in one
//! transaction — status guard, fields, timeline, audit, mail — so no step can skip a part.

use crate::db::changes::Change;
use crate::db::complaints::{self as cdb, Actor, CaseChanges, StaffCase};
use crate::db::staff::Staff;
use crate::db::{audit, now_epoch, outbox, regions, staff as staff_db, today_cst};
use crate::domain::access::{role_allows, Perm};
use crate::domain::{check_extend, transition, Action, EventKind, Finding, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::labels::complaint as labels;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

use super::intake::reporter_mail;

/// The URL segment of each staff step (`/staff/complaints/{id}/{step}`).
pub fn action_of(step: &str) -> Option<Action> {
    Some(match step {
        "accept" => Action::Accept,
        "decline" => Action::Decline,
        "assign" => Action::Assign,
        "findings" => Action::RecordFindings,
        "reply" => Action::SubmitReply,
        "approve" => Action::ApproveReply,
        "return" => Action::ReturnReply,
        "close" => Action::Close,
        "extend" => Action::Extend,
        "note" => Action::AddNote,
        "escalate" => Action::Escalate,
        _ => return None,
    })
}

/// The fields of the one form every step posts (each step reads the ones it needs).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    pub reason: String,
    pub note: String,
    pub reply: String,
    pub finding: String,
    pub action: String,
    pub assignee: String,
    pub staff: String,
}

/// What the viewer may do with a case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowed {
    pub handle: bool,
    pub approve: bool,
    pub reveal: bool,
}

pub fn allowed(staff: &StaffCtx, case: &StaffCase) -> Allowed {
    let (township, escalated) = (case.summary.township_id, case.escalated);
    let handle = staff.can_escalable(Perm::HandleComplaints, township, escalated);
    let supervisor = matches!(staff.staff.role, Role::Supervisor | Role::Admin)
        && staff.can_escalable(Perm::ApproveReplies, township, escalated);
    Allowed {
        handle,
        // Four eyes: the handler does not approve their own reply.
        approve: supervisor && case.assignee_id != Some(staff.staff.id),
        reveal: supervisor || (handle && case.assignee_id == Some(staff.staff.id)),
    }
}

/// Loads a case the viewer may read: in scope, and not naming them (then it does not exist
/// for them at all).
pub async fn load_case(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<StaffCase> {
    let case = cdb::staff_case(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require_escalable(Perm::ReadRecords, case.summary.township_id, case.escalated)?;
    if cdb::named_staff(&state.db, id)
        .await?
        .contains(&staff.staff.id)
    {
        tracing::warn!(
            staff_id = staff.staff.id,
            complaint_id = id,
            "named staff refused"
        );
        return Err(AppError::NotFound);
    }
    Ok(case)
}

/// Loads a case the viewer handles (may handle complaints in its scope).
pub async fn handled_case(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<StaffCase> {
    let case = load_case(state, staff, id).await?;
    staff.require_escalable(
        Perm::HandleComplaints,
        case.summary.township_id,
        case.escalated,
    )?;
    Ok(case)
}

/// Loads a case for `action`, refusing a viewer who may not perform it.
pub async fn case_for(
    state: &AppState,
    staff: &StaffCtx,
    id: i64,
    action: Action,
) -> AppResult<StaffCase> {
    if !matches!(action, Action::ApproveReply | Action::ReturnReply) {
        return handled_case(state, staff, id).await;
    }
    let case = load_case(state, staff, id).await?;
    if !allowed(staff, &case).approve {
        return Err(AppError::Forbidden);
    }
    Ok(case)
}

/// A step ready to apply.
pub struct Step<'a> {
    pub action: Action,
    pub changes: CaseChanges<'a>,
    /// Text of the timeline entry.
    pub body: String,
    /// Mail to staff: (recipient, subject, body).
    pub staff_mail: Vec<(String, String, String)>,
}

impl<'a> Step<'a> {
    fn new(action: Action) -> Self {
        Step {
            action,
            changes: CaseChanges::default(),
            body: String::new(),
            staff_mail: vec![],
        }
    }
}

/// Checks free text from a workflow form: 2–5000 characters.
pub fn text(s: &str) -> Option<String> {
    let t = s.trim();
    let n = t.chars().count();
    ((2..=5000).contains(&n) && crate::islands::rules::is_text(t)).then(|| t.to_owned())
}

/// The first `n` characters of `s`.
fn first_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn mail_pair(subject: Msg, body: Msg, id: i64) -> (String, String) {
    let id = id.to_string();
    (
        format!("{} / {}", subject.text(Lang::Zh), subject.text(Lang::En)),
        format!(
            "{}\n\n{}",
            body.text(Lang::Zh).replace("{id}", &id),
            body.text(Lang::En).replace("{id}", &id)
        ),
    )
}

/// Assigning a case: to active staff who handle complaints where the case is (anyone else is
/// refused as any out-of-scope act is), never to someone the report names (a conflict of
/// interest); the assignee is told by mail.
async fn assign(
    state: &AppState,
    case: &StaffCase,
    assignee: &str,
    step: &mut Step<'_>,
) -> AppResult<Result<(), Msg>> {
    let chosen = match assignee.trim().parse::<i64>() {
        Ok(sid) => staff_db::by_id(&state.db, sid).await?,
        Err(_) => None,
    };
    let township = case.summary.township_id;
    let county = crate::db::regions::county_of(&state.db, township).await?;
    let Some(assignee) = chosen.filter(|s| {
        s.active
            && role_allows(s.role, Perm::HandleComplaints)
            && s.covers(township, county, case.escalated)
    }) else {
        // Someone outside the case's scope (or no one): refused like any out-of-scope act.
        return Err(AppError::Forbidden);
    };
    if cdb::named_staff(&state.db, case.summary.id)
        .await?
        .contains(&assignee.id)
    {
        return Ok(Err(Msg::ConflictOfInterest));
    }
    if let Some(e) = &assignee.email {
        let (s, b) = mail_pair(
            Msg::MailAssignedSubject,
            Msg::MailAssignedBody,
            case.summary.id,
        );
        step.staff_mail.push((e.clone(), s, b));
    }
    step.changes.assignee_id = Some(assignee.id);
    Ok(Ok(()))
}

/// Reads what `action` needs from the form. `Ok(Err(msg))`: the form is incomplete (shown on
/// the case page); `Err`: refused outright.
pub async fn prepare<'a>(
    state: &AppState,
    lang: Lang,
    case: &StaffCase,
    action: Action,
    form: &'a StepForm,
) -> AppResult<Result<Step<'a>, Msg>> {
    let mut step = Step::new(action);
    let required = |s: &str| text(s).ok_or(Msg::TextRequired);
    let (rules, cal) = super::deadline_rules(state, case.summary.township_id).await?;
    let today = today_cst();
    let filled = match action {
        Action::Accept => {
            step.changes.accepted_on = Some(today);
            step.changes.answer_by = Some(rules.answer_by(today, false, &cal));
            Ok(())
        }
        Action::Decline | Action::ReturnReply => required(&form.reason).map(|r| step.body = r),
        Action::AddNote => required(&form.note).map(|n| step.body = n),
        Action::Close | Action::ApproveReply => {
            if action == Action::ApproveReply {
                step.body = case.reply_draft.clone().unwrap_or_default();
            }
            Ok(())
        }
        Action::Assign => assign(state, case, &form.assignee, &mut step).await?,
        Action::RecordFindings => match Finding::parse(&form.finding) {
            Ok(finding) => {
                let what = first_chars(form.action.trim(), 500);
                step.body = format!("{} {what}", Lang::Zh.t(labels::finding(finding)));
                step.changes.finding = Some(finding.as_str());
                step.changes.finding_action = Some(what);
                Ok(())
            }
            Err(_) => Err(Msg::BadRequestBody),
        },
        Action::SubmitReply => submit_reply(state, case, form, &mut step).await?,
        Action::Extend => {
            if check_extend(case.summary.status, case.summary.extended).is_err() {
                return Ok(Err(Msg::AlreadyExtended));
            }
            required(&form.reason).map(|reason| {
                let base = case
                    .summary
                    .answer_by
                    .unwrap_or_else(|| rules.answer_by(today, false, &cal));
                let extended = cal.add_days(base, rules.extension_days, rules.count);
                step.changes.answer_by = Some(extended);
                step.changes.extended = true;
                step.body = reason;
            })
        }
        Action::Escalate => {
            if case.escalated || !case.summary.status.is_open() {
                return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
            }
            step.changes.escalated = true;
            Ok(())
        }
        Action::RequestReview | Action::AddInfo => return Err(AppError::NotFound),
    };
    Ok(filled.map(|()| step))
}

/// A reply sent for approval: only once the findings are recorded; its approvers are told.
async fn submit_reply<'a>(
    state: &AppState,
    case: &StaffCase,
    form: &'a StepForm,
    step: &mut Step<'a>,
) -> AppResult<Result<(), Msg>> {
    if case.finding.is_none() {
        return Ok(Err(Msg::NeedFindings));
    }
    if text(&form.reply).is_none() {
        return Ok(Err(Msg::TextRequired));
    }
    for s in staff_db::supervisors_for(&state.db, case.summary.township_id).await? {
        if let Some(e) = s.email {
            let (sub, b) = mail_pair(
                Msg::MailApprovalSubject,
                Msg::MailApprovalBody,
                case.summary.id,
            );
            step.staff_mail.push((e, sub, b));
        }
    }
    step.changes.reply_draft = Some(form.reply.trim());
    Ok(Ok(()))
}

/// Performs a prepared step atomically: status guard, fields, timeline, audit, mail.
pub async fn apply(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    case: &StaffCase,
    step: Step<'_>,
) -> AppResult<()> {
    let wrong_state = || AppError::Conflict(lang.t(Msg::WrongState).to_owned());
    let from = case.summary.status;
    let to = transition(from, step.action).map_err(|_| wrong_state())?;
    let now = now_epoch();
    let id = case.summary.id;
    let event = step.action.event();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintProgressed);
    if !cdb::update_case(&mut tx, id, from, to, &step.changes, now).await? {
        return Err(wrong_state());
    }
    cdb::add_event(
        &mut tx,
        id,
        Actor::Staff(staff.staff.id),
        event,
        &step.body,
        now,
    )
    .await?;
    // What the reporter may read may also stand in the audit trail; internal text does not.
    let detail = if event.public() {
        step.body.chars().take(500).collect()
    } else {
        String::new()
    };
    let entry = staff.audit(
        step.action.audit_name(),
        "complaint",
        Some(id.to_string()),
        case.summary.township_id,
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    let mut mailed = false;
    if step.action.notifies_reporter() {
        if let Some(email) = cdb::reporter_email(&mut tx, id).await? {
            let what = format!(
                "{} / {}",
                Lang::Zh.t(labels::event(event)),
                Lang::En.t(labels::event(event))
            );
            let (subject, body) =
                reporter_mail(Msg::MailUpdateSubject, Msg::MailUpdateBody, "{what}", &what);
            outbox::enqueue(&mut tx, &email, &subject, &body, now).await?;
            mailed = true;
        }
    }
    for (to, subject, body) in &step.staff_mail {
        outbox::enqueue(&mut tx, to, subject, body, now).await?;
        mailed = true;
    }
    tx.commit().await?;
    if mailed {
        state.mail_wake.notify_one();
    }
    Ok(())
}

/// Whether `s` may be named in a complaint about `township` (of `county`) by `viewer`: anyone
/// whose scope reaches the township (everyone, for a complaint of no township), not the viewer.
/// The form offers exactly these; [`name_staff`] refuses anyone else.
pub fn may_be_named(s: &Staff, township: Option<i64>, county: Option<i64>, viewer: i64) -> bool {
    s.id != viewer && (township.is_none() || s.covers(township, county, false))
}

/// Records that the report names a staff member: they no longer see the case, and stop
/// handling it if they did. `Ok(false)`: no such staff member.
pub async fn name_staff(
    state: &AppState,
    staff: &StaffCtx,
    case: &StaffCase,
    named_id: &str,
) -> AppResult<bool> {
    let named = match named_id.trim().parse::<i64>() {
        Ok(sid) => staff_db::by_id(&state.db, sid).await?,
        Err(_) => None,
    };
    let township = case.summary.township_id;
    let county = regions::county_of(&state.db, township).await?;
    let Some(named) = named.filter(|s| may_be_named(s, township, county, staff.staff.id)) else {
        return Ok(false);
    };
    let id = case.summary.id;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintNoted);
    cdb::add_named_staff(&mut tx, id, named.id).await?;
    if case.assignee_id == Some(named.id) {
        let status = case.summary.status;
        let unassign = CaseChanges {
            unassign: true,
            ..Default::default()
        };
        cdb::update_case(&mut tx, id, status, status, &unassign, now).await?;
    }
    let actor = Actor::Staff(staff.staff.id);
    cdb::add_event(
        &mut tx,
        id,
        actor,
        EventKind::NamedStaff,
        &named.display_name,
        now,
    )
    .await?;
    let entry = staff.audit(
        "complaint.named_staff",
        "complaint",
        Some(id.to_string()),
        case.summary.township_id,
        format!("staff={}", named.id),
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The reporter's (name, contact), for a viewer allowed to see them, with a reason: the audit
/// row is written before the identity is read, in the same transaction.
pub async fn reveal_reporter(
    state: &AppState,
    staff: &StaffCtx,
    case: &StaffCase,
    reason: &str,
) -> AppResult<cdb::ReporterIdentity> {
    let id = case.summary.id;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintNoted);
    let entry = staff.audit(
        "complaint.reveal_reporter",
        "complaint",
        Some(id.to_string()),
        case.summary.township_id,
        reason.to_owned(),
    );
    audit::record(&mut tx, &entry, now).await?;
    let actor = Actor::Staff(staff.staff.id);
    cdb::add_event(&mut tx, id, actor, EventKind::ReporterRevealed, reason, now).await?;
    let identity = cdb::reporter_identity(&mut tx, id).await?;
    tx.commit().await?;
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_staff_step_has_a_url() {
        let staff_actions: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|a| !a.by_reporter())
            .collect();
        for step in [
            "accept", "decline", "assign", "findings", "reply", "approve", "return", "close",
            "extend", "note", "escalate",
        ] {
            let a = action_of(step).expect(step);
            assert!(staff_actions.contains(&a), "{step}");
        }
        assert_eq!(staff_actions.len(), 11);
        assert_eq!(action_of("named"), None);
        assert_eq!(action_of("../accept"), None);
    }

    #[test]
    fn workflow_text() {
        assert_eq!(text(" 好 "), None);
        assert_eq!(text("理由充分").as_deref(), Some("理由充分"));
        assert_eq!(text(&"长".repeat(5001)), None);
        assert_eq!(text("bell\u{7}bell"), None);
        assert_eq!(text("第一行\n第二行").as_deref(), Some("第一行\n第二行"));
    }
}
