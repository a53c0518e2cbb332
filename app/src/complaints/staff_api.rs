//! Staff handlers for complaints: the queue, offline logging, and every workflow step.
//! Each handler: signed in, `require(perm, case's scope)`, never on a case naming the viewer;
//! every step is one transaction with its timeline event and audit row (谁签字、谁负责).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::complaints::api::{
    cookie_attrs, deadline_rules, no_store, reporter_mail, validate_report,
};
use crate::complaints::staff_views::{
    Allowed, CaseDetail, CaseDetailPage, LogOfflinePage, OfflineReceiptPage, QueueData, QueuePage,
};
use crate::complaints::views::ReportValues;
use crate::db::complaints::{
    self as cdb, Actor, CaseChanges, InsertError, NewComplaint, QueueFilter, StaffCase,
};
use crate::db::{audit, now_epoch, outbox, regions, staff as staff_db, today_cst};
use crate::domain::access::Perm;
use crate::domain::{
    check_extend, keyed_hash, transition, Action, Category, Channel, Finding, ReceiptCode, Role,
    Status,
};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::{cookie, PageCtx};
use crate::web::labels::complaint as labels;
use crate::web::session::{new_token, with_cookie, StaffCtx, StaffForm};
use crate::web::shell::nav;
use crate::web::state::AppState;

const STAFF_RECEIPT_COOKIE: &str = "sunshine_staff_receipt";

/// Loads a case the viewer may read: in scope, and not naming them (then it does not exist
/// for them at all).
async fn load_case(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<StaffCase> {
    let case = cdb::staff_case(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ReadRecords, case.scope_target())?;
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

fn allowed(staff: &StaffCtx, case: &StaffCase) -> Allowed {
    let target = case.scope_target();
    let handle = staff.can(Perm::HandleComplaints, target);
    let supervisor = matches!(staff.staff.role, Role::Supervisor | Role::Admin)
        && staff.can(Perm::ApproveReplies, target);
    Allowed {
        handle,
        // Four eyes: the handler does not approve their own reply.
        approve: supervisor && case.assignee_id != Some(staff.staff.id),
        reveal: supervisor || (handle && case.assignee_id == Some(staff.staff.id)),
    }
}

async fn region_name(state: &AppState, lang: Lang, id: Option<i64>) -> AppResult<String> {
    Ok(match id {
        Some(id) => regions::by_id(&state.db, id)
            .await?
            .map(|r| lang.pick(&r.name_zh, r.name_en.as_deref()).to_owned())
            .unwrap_or_default(),
        None => String::new(),
    })
}

async fn staff_name(state: &AppState, id: Option<i64>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(id) => staff_db::by_id(&state.db, id)
            .await?
            .map(|s| s.display_name),
        None => None,
    })
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    category: Option<String>,
    township: Option<String>,
    assignee: Option<String>,
    channel: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    staff.require(Perm::ReadRecords, staff.scope())?;
    let lang = ctx.lang;
    let filter = QueueFilter {
        status: q.status.as_deref().and_then(|s| Status::parse(s).ok()),
        category: q.category.as_deref().and_then(|s| Category::parse(s).ok()),
        township_id: q.township.as_deref().and_then(|s| s.parse().ok()),
        assignee_id: q.assignee.as_deref().and_then(|s| s.parse().ok()),
        channel: q.channel.as_deref().and_then(|s| Channel::parse(s).ok()),
    };
    let cases = cdb::queue(&state.db, staff.staff.id, staff.scope(), &filter).await?;
    let mut rows = Vec::new();
    for c in cases {
        let place =
            region_name(&state, lang, c.summary.village_id.or(c.summary.township_id)).await?;
        let assignee = staff_name(&state, c.assignee_id)
            .await?
            .unwrap_or_else(|| lang.t(Msg::Unassigned).to_owned());
        rows.push((c, place, assignee));
    }
    let townships = regions::by_level(&state.db, regions::Level::Township)
        .await?
        .into_iter()
        .filter(|t| staff.scope().is_none() || staff.scope() == Some(t.id))
        .map(|t| (t.id, lang.pick(&t.name_zh, t.name_en.as_deref()).to_owned()))
        .collect();
    let staff_list = staff_db::list(&state.db, staff.scope())
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id, s.display_name))
        .collect();
    let data = QueueData {
        cases: rows,
        filter,
        townships,
        staff: staff_list,
        today: today_cst(),
        can_log: staff.can(Perm::HandleComplaints, staff.scope()),
    };
    let nav = nav(&staff);
    Ok(ctx
        .render(lang.t(Msg::Queue), view! { <QueuePage lang nav data /> })
        .into_response())
}

#[allow(clippy::too_many_arguments)]
async fn log_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    values: ReportValues,
    channel: String,
    received_on: String,
    token: String,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let places = crate::complaints::api::places(state, lang, staff.scope()).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let nav = nav(staff);
    let csrf = staff.csrf.clone();
    let page =
        view! { <LogOfflinePage lang nav csrf token places values channel received_on errors /> };
    let mut res = ctx.render(lang.t(Msg::LogOffline), page).into_response();
    *res.status_mut() = status;
    Ok(no_store(res))
}

pub async fn new_offline(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::HandleComplaints, staff.scope())?;
    log_page(
        &state,
        &ctx,
        &staff,
        ReportValues::default(),
        "hotline".into(),
        today_cst().to_string(),
        new_token(),
        vec![],
    )
    .await
}

#[derive(Deserialize)]
pub struct OfflineForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    accused: String,
    #[serde(default)]
    anonymous: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
}

pub async fn create_offline(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, form): StaffForm<OfflineForm>,
) -> AppResult<Response> {
    staff.require(Perm::HandleComplaints, staff.scope())?;
    let values = ReportValues {
        category: form.category.clone(),
        place: form.place.clone(),
        entry: String::new(),
        body: form.body.clone(),
        accused: form.accused.clone(),
        anonymous: form.anonymous.is_some(),
        name: form.name.clone(),
        contact: form.contact.clone(),
    };
    let mut errors = Vec::new();
    let channel = Channel::parse(&form.channel)
        .ok()
        .filter(|c| *c != Channel::Web);
    if channel.is_none() {
        errors.push(("channel", Msg::BadRequestBody));
    }
    let today = today_cst();
    let received = chrono::NaiveDate::parse_from_str(form.received_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today && *d > today - chrono::Duration::days(366));
    if received.is_none() {
        errors.push(("received_on", Msg::DateInvalid));
    }
    let report = match validate_report(&values) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let token_ok = form.token.len() == 64 && form.token.bytes().all(|b| b.is_ascii_hexdigit());
    let (Some(channel), Some(received), Some(report), true, true) =
        (channel, received, report, errors.is_empty(), token_ok)
    else {
        let token = if token_ok {
            form.token.clone()
        } else {
            new_token()
        };
        return log_page(
            &state,
            &ctx,
            &staff,
            values,
            form.channel,
            form.received_on,
            token,
            errors,
        )
        .await;
    };
    let (township_id, village_id) =
        crate::complaints::api::resolve_place(&state, &report.place).await?;
    let Some(township_id) = township_id else {
        return log_page(
            &state,
            &ctx,
            &staff,
            values,
            form.channel,
            form.received_on,
            form.token,
            vec![("place", Msg::PlaceRequired)],
        )
        .await;
    };
    // An officer logs reports for their own township only.
    staff.require(Perm::HandleComplaints, Some(township_id))?;
    let secret = state.secret.expose().as_bytes();
    let receipt = ReceiptCode::derive(secret, &form.token);
    let token_hash = keyed_hash(secret, &format!("form:{}", form.token));
    let (rules, cal) = deadline_rules(&state).await?;
    let accept_by = rules.accept_by(received, &cal);
    let now = now_epoch();
    let receipt_hash = receipt.keyed_hash(secret);
    let mut tx = state.db.begin().await?;
    let new = NewComplaint {
        receipt_hash: &receipt_hash,
        form_token_hash: Some(&token_hash),
        channel,
        category: report.category,
        township_id: Some(township_id),
        village_id,
        entry_id: None,
        body: &report.body,
        accused: report.accused.as_deref(),
        anonymous: report.anonymous,
        reporter_name: report.name.as_deref(),
        reporter_contact: report.contact.as_deref(),
        reporter_email: report.email.as_deref(),
        received_on: received,
        accept_by,
    };
    let id = match cdb::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(InsertError::DuplicateForm) => {
            return Ok(to_staff_receipt(&state, &receipt, None));
        }
        Err(InsertError::App(e)) => return Err(e),
    };
    cdb::add_event(
        &mut tx,
        id,
        Actor::Staff(staff.staff.id),
        "submitted",
        true,
        "",
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        &staff.audit(
            "complaint.log_offline",
            "complaint",
            Some(id.to_string()),
            Some(township_id),
            format!("channel={}", channel.as_str()),
        ),
        now,
    )
    .await?;
    crate::complaints::api::queue_acknowledgement(&mut tx, report.email.as_deref(), accept_by, now)
        .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(to_staff_receipt(&state, &receipt, Some(id)))
}

fn to_staff_receipt(state: &AppState, receipt: &ReceiptCode, id: Option<i64>) -> Response {
    let cookie = format!(
        "{STAFF_RECEIPT_COOKIE}={}.{}; {}",
        receipt.digits(),
        id.unwrap_or(0),
        cookie_attrs(state, "/staff/complaints/receipt", 600)
    );
    no_store(with_cookie(
        Redirect::to("/staff/complaints/receipt").into_response(),
        &cookie,
    ))
}

pub async fn offline_receipt(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    headers: HeaderMap,
) -> AppResult<Response> {
    staff.require(Perm::HandleComplaints, staff.scope())?;
    let lang = ctx.lang;
    let value = cookie(&headers, STAFF_RECEIPT_COOKIE).unwrap_or("");
    let (digits, id) = value.split_once('.').unwrap_or(("", ""));
    let code = ReceiptCode::parse(digits).ok();
    let case = match &code {
        Some(c) => {
            cdb::by_receipt_hash(&state.db, &c.keyed_hash(state.secret.expose().as_bytes())).await?
        }
        None => None,
    };
    let id = case
        .as_ref()
        .map(|c| c.id)
        .or_else(|| id.parse().ok().filter(|i| *i > 0));
    let accept_by = case.as_ref().map(|c| c.accept_by.to_string());
    let receipt = code.filter(|_| case.is_some()).map(|c| c.display_grouped());
    let nav = nav(&staff);
    let res = ctx
        .render(
            lang.t(Msg::ReceiptTitle),
            view! { <OfflineReceiptPage lang nav receipt id accept_by /> },
        )
        .into_response();
    let clear = format!(
        "{STAFF_RECEIPT_COOKIE}=; {}",
        cookie_attrs(&state, "/staff/complaints/receipt", 0)
    );
    let res = with_cookie(no_store(res), &clear);
    Ok(res)
}

async fn detail_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    case: StaffCase,
    revealed: Option<(Option<String>, Option<String>)>,
    errors: Vec<Msg>,
    notice: Option<Msg>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let target = case.scope_target();
    let named_ids = cdb::named_staff(&state.db, case.summary.id).await?;
    let mut named = Vec::new();
    for id in &named_ids {
        if let Some(n) = staff_name(state, Some(*id)).await? {
            named.push(n);
        }
    }
    // Who could handle it: active staff who may handle cases of this scope, not named.
    let pool = staff_db::list(&state.db, None).await?;
    let candidates = pool
        .iter()
        .filter(|s| s.active && !named_ids.contains(&s.id))
        .filter(|s| {
            crate::domain::access::allowed(s.role, s.township_id, Perm::HandleComplaints, target)
        })
        .map(|s| (s.id, s.display_name.clone()))
        .collect();
    let staff_in_scope = pool
        .iter()
        .filter(|s| target.is_none() || s.township_id.is_none() || s.township_id == target)
        .filter(|s| !named_ids.contains(&s.id) && s.id != staff.staff.id)
        .map(|s| (s.id, s.display_name.clone()))
        .collect();
    let detail = CaseDetail {
        place: region_name(
            state,
            lang,
            case.summary.village_id.or(case.summary.township_id),
        )
        .await?,
        assignee: staff_name(state, case.assignee_id).await?,
        events: cdb::all_events(&state.db, case.summary.id).await?,
        named,
        candidates,
        staff_in_scope,
        allowed: allowed(staff, &case),
        revealed,
        errors: errors.clone(),
        notice,
        today: today_cst(),
        case,
    };
    let nav = nav(staff);
    let csrf = staff.csrf.clone();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = ctx
        .render(
            lang.t(Msg::Complaints),
            view! { <CaseDetailPage lang nav csrf detail /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(no_store(res))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let case = load_case(&state, &staff, id).await?;
    let notice = q.done.map(|_| Msg::Saved);
    detail_page(&state, &ctx, &staff, case, None, vec![], notice).await
}

/// One workflow step, applied atomically: status guard, fields, timeline, audit, mail.
struct Step<'a> {
    action: Action,
    changes: CaseChanges<'a>,
    /// (event kind, public, body)
    event: (&'static str, bool, String),
    audit_action: &'static str,
    /// Tell the reporter (by mail, if they left an address) about this public change.
    notify_reporter: bool,
    /// Extra mail to staff: (recipient, subject, body).
    staff_mail: Vec<(String, String, String)>,
}

async fn apply(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    case: &StaffCase,
    step: Step<'_>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let from = case.summary.status;
    let to = transition(from, step.action)
        .map_err(|_| AppError::Conflict(lang.t(Msg::WrongState).to_owned()))?;
    let now = now_epoch();
    let id = case.summary.id;
    let mut tx = state.db.begin().await?;
    if !cdb::update_case(&mut tx, id, from, to, &step.changes, now).await? {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    let (kind, public, body) = &step.event;
    cdb::add_event(
        &mut tx,
        id,
        Actor::Staff(staff.staff.id),
        kind,
        *public,
        body,
        now,
    )
    .await?;
    let detail = if *public {
        body.chars().take(500).collect()
    } else {
        String::new()
    };
    audit::record(
        &mut tx,
        &staff.audit(
            step.audit_action,
            "complaint",
            Some(id.to_string()),
            case.summary.township_id,
            detail,
        ),
        now,
    )
    .await?;
    let mut mailed = false;
    if step.notify_reporter {
        if let Some(email) = cdb::reporter_email(&mut tx, id).await? {
            let what = format!(
                "{} / {}",
                Lang::Zh.t(labels::event(kind)),
                Lang::En.t(labels::event(kind))
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
    Ok(Redirect::to(&format!("/staff/complaints/{id}?done=1")).into_response())
}

/// Checks free text from a workflow form: 2–5000 characters.
fn text(s: &str) -> Option<String> {
    let t = s.trim();
    let n = t.chars().count();
    ((2..=5000).contains(&n)
        && !t
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
    .then(|| t.to_owned())
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    staff: String,
}

async fn handler_case(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<StaffCase> {
    let case = load_case(state, staff, id).await?;
    staff.require(Perm::HandleComplaints, case.scope_target())?;
    Ok(case)
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

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, step)): Path<(i64, String)>,
    StaffForm(staff, form): StaffForm<ActionForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (rules, cal) = deadline_rules(&state).await?;
    let today = today_cst();
    let invalid = |case: StaffCase, m: Msg| {
        let state = state.clone();
        let ctx = ctx.clone();
        let staff = staff.clone();
        async move { detail_page(&state, &ctx, &staff, case, None, vec![m], None).await }
    };
    match step.as_str() {
        "accept" => {
            let case = handler_case(&state, &staff, id).await?;
            let step = Step {
                action: Action::Accept,
                changes: CaseChanges {
                    accepted_on: Some(today),
                    answer_by: Some(rules.answer_by(today, false, &cal)),
                    ..Default::default()
                },
                event: ("accepted", true, String::new()),
                audit_action: "complaint.accept",
                notify_reporter: true,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "decline" => {
            let case = handler_case(&state, &staff, id).await?;
            let Some(reason) = text(&form.reason) else {
                return invalid(case, Msg::TextRequired).await;
            };
            let step = Step {
                action: Action::Decline,
                changes: CaseChanges::default(),
                event: ("declined", true, reason),
                audit_action: "complaint.decline",
                notify_reporter: true,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "assign" => {
            let case = handler_case(&state, &staff, id).await?;
            let target = case.scope_target();
            let assignee = match form.assignee.trim().parse::<i64>() {
                Ok(sid) => staff_db::by_id(&state.db, sid).await?,
                Err(_) => None,
            };
            let Some(assignee) = assignee.filter(|s| {
                s.active
                    && crate::domain::access::allowed(
                        s.role,
                        s.township_id,
                        Perm::HandleComplaints,
                        target,
                    )
            }) else {
                // Someone outside the case's scope (or no one): refused like any out-of-scope act.
                return Err(AppError::Forbidden);
            };
            if cdb::named_staff(&state.db, id)
                .await?
                .contains(&assignee.id)
            {
                return invalid(case, Msg::ConflictOfInterest).await;
            }
            let staff_mail = assignee
                .email
                .iter()
                .map(|e| {
                    let (s, b) = mail_pair(Msg::MailAssignedSubject, Msg::MailAssignedBody, id);
                    (e.clone(), s, b)
                })
                .collect();
            let step = Step {
                action: Action::Assign,
                changes: CaseChanges {
                    assignee_id: Some(assignee.id),
                    ..Default::default()
                },
                event: ("assigned", true, String::new()),
                audit_action: "complaint.assign",
                notify_reporter: false,
                staff_mail,
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "findings" => {
            let case = handler_case(&state, &staff, id).await?;
            let Ok(finding) = Finding::parse(&form.finding) else {
                return invalid(case, Msg::BadRequestBody).await;
            };
            let action = form.action.trim().chars().take(500).collect::<String>();
            let body = format!("{} {action}", Lang::Zh.t(labels::finding(finding)));
            let step = Step {
                action: Action::RecordFindings,
                changes: CaseChanges {
                    finding: Some(finding.as_str()),
                    finding_action: Some(&action),
                    ..Default::default()
                },
                event: ("findings", false, body),
                audit_action: "complaint.findings",
                notify_reporter: false,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "reply" => {
            let case = handler_case(&state, &staff, id).await?;
            if case.finding.is_none() {
                return invalid(case, Msg::NeedFindings).await;
            }
            let Some(reply) = text(&form.reply) else {
                return invalid(case, Msg::TextRequired).await;
            };
            let staff_mail = staff_db::supervisors_for(&state.db, case.summary.township_id)
                .await?
                .into_iter()
                .filter_map(|s| s.email)
                .map(|e| {
                    let (s, b) = mail_pair(Msg::MailApprovalSubject, Msg::MailApprovalBody, id);
                    (e, s, b)
                })
                .collect();
            let step = Step {
                action: Action::SubmitReply,
                changes: CaseChanges {
                    reply_draft: Some(&reply),
                    ..Default::default()
                },
                event: ("reply_submitted", false, String::new()),
                audit_action: "complaint.submit_reply",
                notify_reporter: false,
                staff_mail,
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "approve" | "return" => {
            let case = load_case(&state, &staff, id).await?;
            if !allowed(&staff, &case).approve {
                return Err(AppError::Forbidden);
            }
            let step = if step == "approve" {
                Step {
                    action: Action::ApproveReply,
                    changes: CaseChanges::default(),
                    event: (
                        "answered",
                        true,
                        case.reply_draft.clone().unwrap_or_default(),
                    ),
                    audit_action: "complaint.approve_reply",
                    notify_reporter: true,
                    staff_mail: vec![],
                }
            } else {
                let Some(reason) = text(&form.reason) else {
                    return invalid(case, Msg::TextRequired).await;
                };
                Step {
                    action: Action::ReturnReply,
                    changes: CaseChanges::default(),
                    event: ("reply_returned", false, reason),
                    audit_action: "complaint.return_reply",
                    notify_reporter: false,
                    staff_mail: vec![],
                }
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "close" => {
            let case = handler_case(&state, &staff, id).await?;
            let step = Step {
                action: Action::Close,
                changes: CaseChanges::default(),
                event: ("closed", true, String::new()),
                audit_action: "complaint.close",
                notify_reporter: true,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "extend" => {
            let case = handler_case(&state, &staff, id).await?;
            if check_extend(case.summary.status, case.summary.extended).is_err() {
                return invalid(case, Msg::AlreadyExtended).await;
            }
            let Some(reason) = text(&form.reason) else {
                return invalid(case, Msg::TextRequired).await;
            };
            let base = case
                .summary
                .answer_by
                .unwrap_or_else(|| rules.answer_by(today, false, &cal));
            let new_by = cal.add_days(base, rules.extension_days, rules.count);
            let step = Step {
                action: Action::Extend,
                changes: CaseChanges {
                    answer_by: Some(new_by),
                    extended: true,
                    ..Default::default()
                },
                event: ("extended", true, reason),
                audit_action: "complaint.extend",
                notify_reporter: true,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "note" => {
            let case = handler_case(&state, &staff, id).await?;
            let Some(note) = text(&form.note) else {
                return invalid(case, Msg::TextRequired).await;
            };
            let step = Step {
                action: Action::AddNote,
                changes: CaseChanges::default(),
                event: ("note", false, note),
                audit_action: "complaint.note",
                notify_reporter: false,
                staff_mail: vec![],
            };
            apply(&state, &ctx, &staff, &case, step).await
        }
        "named" => {
            let case = handler_case(&state, &staff, id).await?;
            let named = match form.staff.trim().parse::<i64>() {
                Ok(sid) => staff_db::by_id(&state.db, sid).await?,
                Err(_) => None,
            };
            let Some(named) = named else {
                return invalid(case, Msg::BadRequestBody).await;
            };
            let unassign = case.assignee_id == Some(named.id);
            let now = now_epoch();
            let mut tx = state.db.begin().await?;
            cdb::add_named_staff(&mut tx, id, named.id).await?;
            if unassign {
                cdb::update_case(
                    &mut tx,
                    id,
                    case.summary.status,
                    case.summary.status,
                    &CaseChanges {
                        unassign: true,
                        ..Default::default()
                    },
                    now,
                )
                .await?;
            }
            cdb::add_event(
                &mut tx,
                id,
                Actor::Staff(staff.staff.id),
                "named_staff",
                false,
                &named.display_name,
                now,
            )
            .await?;
            audit::record(
                &mut tx,
                &staff.audit(
                    "complaint.named_staff",
                    "complaint",
                    Some(id.to_string()),
                    case.summary.township_id,
                    format!("staff={}", named.id),
                ),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/staff/complaints/{id}?done=1")).into_response())
        }
        "escalate" => {
            let case = handler_case(&state, &staff, id).await?;
            if case.escalated || !case.summary.status.is_open() {
                return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
            }
            let step = Step {
                action: Action::AddNote,
                changes: CaseChanges {
                    escalated: true,
                    ..Default::default()
                },
                event: ("escalated", true, String::new()),
                audit_action: "complaint.escalate",
                notify_reporter: true,
                staff_mail: vec![],
            };
            let res = apply(&state, &ctx, &staff, &case, step).await?;
            // A township officer can no longer see the case: back to their queue.
            if staff.scope().is_some() {
                return Ok(Redirect::to("/staff/complaints").into_response());
            }
            Ok(res)
        }
        "reveal" => {
            let case = load_case(&state, &staff, id).await?;
            if !allowed(&staff, &case).reveal {
                return Err(AppError::Forbidden);
            }
            let reason = form.reason.trim();
            if !(2..=200).contains(&reason.chars().count()) {
                return invalid(case, Msg::TextRequired).await;
            }
            let now = now_epoch();
            let mut tx = state.db.begin().await?;
            // The audit row is written before the identity is read, in the same transaction.
            audit::record(
                &mut tx,
                &staff.audit(
                    "complaint.reveal_reporter",
                    "complaint",
                    Some(id.to_string()),
                    case.summary.township_id,
                    reason.to_owned(),
                ),
                now,
            )
            .await?;
            cdb::add_event(
                &mut tx,
                id,
                Actor::Staff(staff.staff.id),
                "reporter_revealed",
                false,
                reason,
                now,
            )
            .await?;
            let identity = cdb::reporter_identity(&mut tx, id).await?;
            tx.commit().await?;
            detail_page(&state, &ctx, &staff, case, Some(identity), vec![], None).await
        }
        _ => Err(AppError::NotFound),
    }
}
