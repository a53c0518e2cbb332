//! Staff handlers for complaints: the queue, logging a report that came in offline, the case
//! page and its workflow steps. Each handler is signed in and decides access on its first lines
//! (`require(perm, case's scope)`); a case naming the viewer does not exist for them.

use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::complaints::intake::{self, is_token, validate_report, Submission};
use crate::complaints::staff_views::{
    CaseDetail, CaseDetailPage, LogOfflinePage, OfflineReceiptPage, QueueData, QueuePage,
};
use crate::complaints::views::ReportValues;
use crate::complaints::workflow::{self, allowed, load_case, StepForm};
use crate::db::complaints::{self as cdb, QueueFilter, ReporterIdentity, StaffCase};
use crate::db::{regions, staff as staff_db, today_cst};
use crate::domain::access::{role_allows, Perm, Scope};
use crate::domain::{Action, Category, Channel, ReceiptCode, Status};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::confirm::Confirm;
use crate::web::cookies::{self, no_store};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::forms::SavedQuery;
use crate::web::session::StaffPage;
use crate::web::session::{new_token, StaffCtx, StaffForm};
use crate::web::state::AppState;

const STAFF_RECEIPT_COOKIE: &str = "sunshine_staff_receipt";

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
    /// Only cases past their deadline (the dashboard's link).
    overdue: Option<String>,
}

impl QueueQuery {
    fn filter(&self) -> QueueFilter {
        QueueFilter {
            status: self.status.as_deref().and_then(|s| Status::parse(s).ok()),
            category: self
                .category
                .as_deref()
                .and_then(|s| Category::parse(s).ok()),
            township_id: self.township.as_deref().and_then(|s| s.parse().ok()),
            assignee_id: self.assignee.as_deref().and_then(|s| s.parse().ok()),
            channel: self.channel.as_deref().and_then(|s| Channel::parse(s).ok()),
        }
    }
}

async fn queue_data(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    filter: QueueFilter,
    overdue_only: bool,
) -> AppResult<QueueData> {
    let today = today_cst();
    let mut cases = cdb::queue(&state.db, staff.staff.id, staff.scope(), &filter).await?;
    if overdue_only {
        cases.retain(|c| crate::process::workload::is_overdue(c, today));
    }
    let mut rows = Vec::new();
    for c in cases {
        let place = regions::name_of(
            &state.db,
            lang,
            c.summary.village_id.or(c.summary.township_id),
        )
        .await?;
        let assignee = staff_name(state, c.assignee_id)
            .await?
            .unwrap_or_else(|| lang.t(Msg::Unassigned).to_owned());
        rows.push((c, place, assignee));
    }
    let townships = regions::by_level(&state.db, regions::Level::Township)
        .await?
        .into_iter()
        .filter(|t| staff.scope().reaches(Some(t.id), false))
        .map(|t| (t.id, t.name(lang).to_owned()))
        .collect();
    let staff_list = staff_db::list(&state.db, staff.scope())
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id, s.display_name))
        .collect();
    Ok(QueueData {
        cases: rows,
        filter,
        townships,
        staff: staff_list,
        today,
        can_log: staff.can_role(Perm::LogReports),
        overdue_only,
    })
}

pub async fn queue(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    staff.require_role(Perm::ReadRecords)?;
    let lang = ctx.lang;
    let data = queue_data(&state, lang, &staff, q.filter(), q.overdue.is_some()).await?;
    let page = |nav, _| view! { <QueuePage lang nav data /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Queue), false, page))
}

/// The offline-report form as typed, with its problems.
struct OfflineValues {
    values: ReportValues,
    channel: String,
    received_on: String,
    token: String,
}

async fn log_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    form: OfflineValues,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let places = intake::places(state, lang, staff.scope()).await?;
    let failed = !errors.is_empty();
    let OfflineValues {
        values,
        channel,
        received_on,
        token,
    } = form;
    let page = |nav, csrf| {
        view! { <LogOfflinePage lang nav csrf token places values channel received_on errors /> }
    };
    Ok(ctx.staff_page(staff, lang.t(Msg::LogOffline), failed, page))
}

pub async fn new_offline(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::LogReports)?;
    let form = OfflineValues {
        values: ReportValues::default(),
        channel: "hotline".into(),
        received_on: today_cst().to_string(),
        token: new_token(),
    };
    log_page(&state, &ctx, &staff, form, vec![]).await
}

#[derive(Deserialize)]
pub struct OfflineForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_on: String,
    #[serde(flatten)]
    values: ReportValues,
}

/// The channel (not the web) and the day a report came in: within the last year, not later
/// than today.
fn offline_fields(
    form: &OfflineForm,
    today: chrono::NaiveDate,
    errors: &mut Vec<(&'static str, Msg)>,
) -> Option<(Channel, chrono::NaiveDate)> {
    let channel = Channel::parse(&form.channel)
        .ok()
        .filter(|c| *c != Channel::Web);
    if channel.is_none() {
        errors.push(("channel", Msg::BadRequestBody));
    }
    let received = chrono::NaiveDate::parse_from_str(form.received_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today && *d > today - chrono::Duration::days(366));
    if received.is_none() {
        errors.push(("received_on", Msg::DateInvalid));
    }
    channel.zip(received)
}

pub async fn create_offline(
    Page { state, ctx }: Page,
    StaffForm(staff, mut form): StaffForm<OfflineForm>,
) -> AppResult<Response> {
    staff.require_role(Perm::LogReports)?;
    form.values.entry = String::new();
    let mut errors = Vec::new();
    let fields = offline_fields(&form, today_cst(), &mut errors);
    let report = validate_report(&form.values)
        .map_err(|e| errors.extend(e))
        .ok();
    let token_ok = is_token(&form.token);
    let again = |token: String| OfflineValues {
        values: form.values.clone(),
        channel: form.channel.clone(),
        received_on: form.received_on.clone(),
        token,
    };
    let (Some((channel, received_on)), Some(report), true, true) =
        (fields, report, errors.is_empty(), token_ok)
    else {
        let token = if token_ok {
            form.token.clone()
        } else {
            new_token()
        };
        return log_page(&state, &ctx, &staff, again(token), errors).await;
    };
    let submission = Submission {
        token: &form.token,
        channel,
        received_on,
        report: &report,
        entry_id: None,
        logged_by: Some(&staff),
    };
    match intake::submit(&state, submission).await? {
        Ok(stored) => Ok(to_staff_receipt(&state, &stored.receipt, stored.id)),
        Err(msg) => {
            let form = again(form.token.clone());
            log_page(&state, &ctx, &staff, form, vec![("place", msg)]).await
        }
    }
}

fn to_staff_receipt(state: &AppState, receipt: &ReceiptCode, id: Option<i64>) -> Response {
    let value = format!("{}.{}", receipt.digits(), id.unwrap_or(0));
    let path = "/staff/complaints/receipt";
    let cookie = cookies::site_cookie(state, STAFF_RECEIPT_COOKIE, &value, path, Some(600));
    no_store(cookies::set(Redirect::to(path).into_response(), &cookie))
}

pub async fn offline_receipt(
    StaffPage { state, ctx, staff }: StaffPage,
    headers: HeaderMap,
) -> AppResult<Response> {
    staff.require_role(Perm::LogReports)?;
    let lang = ctx.lang;
    let value = cookies::read(&headers, STAFF_RECEIPT_COOKIE).unwrap_or_default();
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
    let page = |nav, _| view! { <OfflineReceiptPage lang nav receipt id accept_by /> };
    let res = ctx.staff_page(&staff, lang.t(Msg::ReceiptTitle), false, page);
    let path = "/staff/complaints/receipt";
    let clear = cookies::site_cookie(&state, STAFF_RECEIPT_COOKIE, "", path, Some(0));
    Ok(cookies::set(res, &clear))
}

/// Who could handle the case (active, allowed in its scope, not named) and who could be named
/// in it (in its scope, not the viewer), as (id, display name).
async fn people(
    state: &AppState,
    staff: &StaffCtx,
    case: &StaffCase,
    named_ids: &[i64],
) -> AppResult<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let township = case.summary.township_id;
    let county = regions::county_of(&state.db, township).await?;
    let pool = staff_db::list(&state.db, &Scope::All).await?;
    let candidates = pool
        .iter()
        .filter(|s| s.active && !named_ids.contains(&s.id))
        .filter(|s| {
            role_allows(s.role, Perm::HandleComplaints)
                && s.covers(township, county, case.escalated)
        })
        .map(|s| (s.id, s.display_name.clone()))
        .collect();
    // Who could be named: anyone whose scope reaches the case's township.
    let staff_in_scope = pool
        .iter()
        .filter(|s| workflow::may_be_named(s, township, county, staff.staff.id))
        .filter(|s| !named_ids.contains(&s.id))
        .map(|s| (s.id, s.display_name.clone()))
        .collect();
    Ok((candidates, staff_in_scope))
}

async fn detail_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    case: StaffCase,
    revealed: Option<ReporterIdentity>,
    errors: Vec<Msg>,
    notice: Option<Msg>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let named_ids = cdb::named_staff(&state.db, case.summary.id).await?;
    let mut named = Vec::new();
    for id in &named_ids {
        named.extend(staff_name(state, Some(*id)).await?);
    }
    let (candidates, staff_in_scope) = people(state, staff, &case, &named_ids).await?;
    let failed = !errors.is_empty();
    let place_id = case.summary.village_id.or(case.summary.township_id);
    let detail = CaseDetail {
        place: regions::name_of(&state.db, lang, place_id).await?,
        assignee: staff_name(state, case.assignee_id).await?,
        events: cdb::all_events(&state.db, case.summary.id).await?,
        named,
        candidates,
        staff_in_scope,
        allowed: allowed(staff, &case),
        revealed,
        errors,
        notice,
        today: today_cst(),
        case,
    };
    let page = |nav, csrf| view! { <CaseDetailPage lang nav csrf detail /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::Complaints), failed, page))
}

pub async fn detail(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let case = load_case(&state, &staff, id).await?;
    let notice = q.notice();
    detail_page(&state, &ctx, &staff, case, None, vec![], notice).await
}

fn saved(id: i64) -> Response {
    Redirect::to(&format!("/staff/complaints/{id}?done=1")).into_response()
}

#[derive(Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    step: String,
}

/// `GET /staff/complaints/{id}/confirm?step=approve|escalate`: what the step does, and the form
/// that does it. Only for a viewer who may take the step, while it can be taken.
pub async fn confirm(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (action, step, means) = match q.step.as_str() {
        "approve" => (Action::ApproveReply, Msg::Approve, Msg::ConfirmApproveMeans),
        "escalate" => (Action::Escalate, Msg::Escalate, Msg::ConfirmEscalateMeans),
        _ => return Err(AppError::NotFound),
    };
    let case = workflow::case_for(&state, &staff, id, action).await?;
    let back = format!("/staff/complaints/{id}");
    if crate::domain::transition(case.summary.status, action).is_err()
        || (action == Action::Escalate && case.escalated)
    {
        return Ok(Redirect::to(&back).into_response());
    }
    let place = regions::name_of(
        &state.db,
        lang,
        case.summary.village_id.or(case.summary.township_id),
    )
    .await?;
    let mut facts = vec![
        (lang.t(Msg::CaseNo).to_owned(), format!("#{id}")),
        (lang.t(Msg::VillageLabel).to_owned(), place),
        (
            lang.t(Msg::CaseStatus).to_owned(),
            lang.t(crate::web::labels::complaint::status(case.summary.status))
                .to_owned(),
        ),
    ];
    if action == Action::ApproveReply {
        facts.push((
            lang.t(Msg::ReplyToSend).to_owned(),
            case.reply_draft.clone().unwrap_or_default(),
        ));
    }
    let confirm = Confirm {
        step,
        means,
        facts,
        action: format!("/staff/complaints/{id}/{}", q.step),
        reason: None,
        back,
    };
    Ok(crate::web::confirm::render(&ctx, &staff, confirm))
}

/// `POST /staff/complaints/{id}/{step}`: one workflow step, or naming staff, or revealing the
/// reporter's identity.
pub async fn act(
    Page { state, ctx }: Page,
    Path((id, step)): Path<(i64, String)>,
    StaffForm(staff, form): StaffForm<StepForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let invalid =
        |case: StaffCase, m: Msg| detail_page(&state, &ctx, &staff, case, None, vec![m], None);
    match step.as_str() {
        "named" => {
            let case = workflow::handled_case(&state, &staff, id).await?;
            if !workflow::name_staff(&state, &staff, &case, &form.staff).await? {
                return invalid(case, Msg::BadRequestBody).await;
            }
            Ok(saved(id))
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
            let identity = workflow::reveal_reporter(&state, &staff, &case, reason).await?;
            detail_page(&state, &ctx, &staff, case, Some(identity), vec![], None).await
        }
        other => {
            let action = workflow::action_of(other).ok_or(AppError::NotFound)?;
            let case = workflow::case_for(&state, &staff, id, action).await?;
            let step = match workflow::prepare(&state, lang, &case, action, &form).await? {
                Ok(step) => step,
                Err(m) => return invalid(case, m).await,
            };
            workflow::apply(&state, lang, &staff, &case, step).await?;
            // Escalated, a township officer no longer sees the case: back to their queue.
            if action == Action::Escalate && !staff.scope().is_wide() {
                return Ok(Redirect::to("/staff/complaints").into_response());
            }
            Ok(saved(id))
        }
    }
}
