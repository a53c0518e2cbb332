//! Public complaint handlers: the report form, the receipt, and following a case. No login;
//! every write is one transaction, and the receipt page is shown only after it committed.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::complaints::intake::{self, is_token, validate_report, Submission};
use crate::complaints::tracking::{self, TRACK_COOKIE, TRACK_SECS};
use crate::complaints::views::{
    CaseData, CasePage, ChangePage, ReceiptPage, ReportCountyPage, ReportPage, ReportValues,
    TrackPage,
};
use crate::db::complaints::{self as cdb, CaseSummary};
use crate::db::{now_epoch, publicity as pdb, regions, today_cst};
use crate::domain::{transition, Action, Category, Channel, ReceiptCode};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::cookies::{self, no_store};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::forms::with_status;
use crate::web::labels::publicity as publicity_labels;
use crate::web::session::new_token;
use crate::web::state::AppState;

pub const RECEIPT_COOKIE: &str = "sunshine_receipt";
/// How long a resubmitted form still gets its receipt shown again.
const REPLAY_SECS: i64 = 60 * 60;

/// The entry objected to, described without any name but the masked one:
/// (public reference, description, place value of the form).
async fn entry_description(
    state: &AppState,
    lang: Lang,
    r: &str,
) -> AppResult<Option<(String, String, String)>> {
    let Some((batch, entry)) =
        pdb::entry_by_ref(&state.db, r, state.site.settings.mask_policy).await?
    else {
        return Ok(None);
    };
    let Some(village) = regions::by_id(&state.db, batch.village_id).await? else {
        return Ok(None);
    };
    let desc = format!(
        "{} {} · {} · {} {}",
        village.name(lang),
        lang.t(publicity_labels::kind(batch.kind)),
        entry.masked_name.as_str(),
        entry.persons.get(),
        lang.t(Msg::PersonsUnit),
    );
    Ok(Some((entry.entry_ref, desc, format!("v:{}", village.code))))
}

/// The county a report form is for, in a deployment of several counties: the one it names,
/// else its place's; `Ok(Err(counties))` when none is known yet (the form asks for one first).
/// A deployment of one county: `Ok(Ok(None))`, the form lists every place.
async fn form_county(
    state: &AppState,
    values: &ReportValues,
) -> AppResult<Result<Option<regions::Region>, Vec<regions::Region>>> {
    let counties = regions::counties(&state.db).await?;
    if counties.len() < 2 {
        return Ok(Ok(None));
    }
    if let Some(c) = regions::county_by_code(&state.db, values.county.trim()).await? {
        return Ok(Ok(Some(c)));
    }
    Ok(match intake::county_of_place(state, &values.place).await? {
        Some(c) => Ok(Some(c)),
        None => Err(counties),
    })
}

async fn report_page(
    state: &AppState,
    ctx: &PageCtx,
    token: String,
    mut values: ReportValues,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let failed = !errors.is_empty();
    let (scope, ctx) = match form_county(state, &values).await? {
        Ok(None) => (crate::domain::Scope::All, ctx.clone()),
        Ok(Some(county)) => {
            values.county = county.code.clone();
            let voice = crate::web::county::voice_of(state, &county).await?;
            let ctx = ctx.in_county(crate::web::county::page_county(lang, &county, &voice));
            (regions::county_scope(&state.db, county.id).await?, ctx)
        }
        Err(counties) => {
            let counties = counties
                .into_iter()
                .map(|c| {
                    let name = c.name(lang).to_owned();
                    (c.code, name)
                })
                .collect();
            let page = view! { <ReportCountyPage lang counties /> };
            let res = ctx.render(lang.t(Msg::ReportTitle), page).into_response();
            return Ok(with_status(res, failed));
        }
    };
    let places = intake::places(state, lang, &scope).await?;
    let entry = if values.entry.is_empty() {
        None
    } else {
        entry_description(state, lang, &values.entry)
            .await?
            .map(|(r, d, _)| (r, d))
    };
    let page = view! { <ReportPage lang token places entry values errors /> };
    let res = ctx.render(lang.t(Msg::ReportTitle), page).into_response();
    Ok(with_status(res, failed))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    entry: Option<String>,
    /// The county the report is about (a county page's report button sends it).
    county: Option<String>,
    /// `change`: a recipient's own report of a change or an exit (from `/change`).
    kind: Option<String>,
}

#[derive(Deserialize)]
pub struct ChangeQuery {
    entry: Option<String>,
}

/// `GET /change`: a recipient's own report of a change or an exit. From a list row
/// (`?entry=REF`) it is the report form set to 家庭情况变化 / 申请退出 for that household;
/// without one, how to get there.
pub async fn change_form(
    Page { state, ctx }: Page,
    Query(q): Query<ChangeQuery>,
) -> AppResult<Response> {
    if let Some(r) = q.entry.as_deref() {
        if let Some((r, _, _)) = entry_description(&state, ctx.lang, r).await? {
            return Ok(Redirect::to(&format!("/report?entry={r}&kind=change")).into_response());
        }
    }
    let lang = ctx.lang;
    Ok(ctx
        .render(lang.t(Msg::ChangeTitle), view! { <ChangePage lang /> })
        .into_response())
}

pub async fn report_form(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let mut values = ReportValues {
        // The county asked for, else the one this visitor asked the site to remember.
        county: q
            .county
            .or_else(|| cookies::read(&headers, cookies::COUNTY_COOKIE))
            .unwrap_or_default(),
        ..ReportValues::default()
    };
    if let Some(r) = q.entry.as_deref() {
        if let Some((r, _, place)) = entry_description(&state, ctx.lang, r).await? {
            values.entry = r;
            values.place = place;
            values.category = match q.kind.as_deref() {
                Some("change") => Category::HouseholdChange,
                _ => Category::WrongfulInclusion,
            }
            .as_str()
            .to_owned();
        }
    }
    report_page(&state, &ctx, new_token(), values, vec![]).await
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    token: String,
    #[serde(flatten)]
    values: ReportValues,
}

/// Shows the receipt (via a one-time cookie; never in a URL).
fn to_receipt(state: &AppState, receipt: &ReceiptCode) -> Response {
    let cookie = cookies::site_cookie(
        state,
        RECEIPT_COOKIE,
        receipt.digits(),
        "/report/receipt",
        Some(600),
    );
    no_store(cookies::set(
        Redirect::to("/report/receipt").into_response(),
        &cookie,
    ))
}

pub async fn submit_report(
    Page { state, ctx }: Page,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let mut values = form.values;
    values.entry = values.entry.trim().to_owned();
    if !is_token(&form.token) {
        let errors = vec![("token", Msg::FormExpired)];
        return report_page(&state, &ctx, new_token(), values, errors).await;
    }
    // The same form sent again (double tap, retry on a weak connection): same case, same receipt.
    if let Some(existing) = intake::earlier_copy(&state, &form.token).await? {
        if now_epoch() - existing.created_at < REPLAY_SECS {
            return Ok(to_receipt(
                &state,
                &intake::receipt_for(&state, &form.token),
            ));
        }
        let errors = vec![("token", Msg::FormExpired)];
        return report_page(&state, &ctx, new_token(), ReportValues::default(), errors).await;
    }
    let report = match validate_report(&values) {
        Ok(r) => r,
        Err(errors) => return report_page(&state, &ctx, form.token, values, errors).await,
    };
    let entry_id = pdb::entry_id_by_ref(&state.db, &values.entry).await?;
    // A household's own report of a change or an exit must say which household: it becomes a
    // re-check of that household.
    if report.category == Category::HouseholdChange && entry_id.is_none() {
        let errors = vec![("category", Msg::ChangeNeedsEntry)];
        return report_page(&state, &ctx, form.token, values, errors).await;
    }
    let submission = Submission {
        token: &form.token,
        channel: Channel::Web,
        received_on: today_cst(),
        report: &report,
        entry_id,
        logged_by: None,
    };
    match intake::submit(&state, submission).await {
        Ok(Ok(stored)) => Ok(to_receipt(&state, &stored.receipt)),
        Ok(Err(msg)) => report_page(&state, &ctx, form.token, values, vec![("place", msg)]).await,
        // Not stored (a full disk, the database away): say so and keep what they wrote, with
        // the same token, so sending again later cannot make two cases.
        Err(AppError::Unavailable) => {
            let errors = vec![("token", Msg::NotSaved)];
            let mut res = report_page(&state, &ctx, form.token, values, errors).await?;
            *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

pub async fn receipt(Page { state, ctx }: Page, headers: HeaderMap) -> AppResult<Response> {
    let lang = ctx.lang;
    let code = cookies::read(&headers, RECEIPT_COOKIE).and_then(|c| ReceiptCode::parse(&c).ok());
    let accept_by = match &code {
        Some(c) => cdb::by_receipt_hash(&state.db, &c.keyed_hash(state.secret.expose().as_bytes()))
            .await?
            .map(|s| s.accept_by.to_string()),
        None => None,
    };
    let receipt = code
        .filter(|_| accept_by.is_some())
        .map(|c| c.display_grouped());
    let page = view! { <ReceiptPage lang receipt accept_by /> };
    let res = ctx.render(lang.t(Msg::ReceiptTitle), page).into_response();
    // Shown once: the cookie is cleared with this response.
    let clear = cookies::site_cookie(&state, RECEIPT_COOKIE, "", "/report/receipt", Some(0));
    Ok(no_store(cookies::set(res, &clear)))
}

pub async fn track_form(ctx: PageCtx) -> Response {
    let lang = ctx.lang;
    let page = view! { <TrackPage lang not_found=false typed=String::new() /> };
    no_store(ctx.render(lang.t(Msg::TrackTitle), page).into_response())
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    receipt: String,
}

pub async fn track(Page { state, ctx }: Page, Form(form): Form<TrackForm>) -> AppResult<Response> {
    let lang = ctx.lang;
    let secret = state.secret.expose().as_bytes();
    let found = match ReceiptCode::parse(&form.receipt) {
        Ok(code) => cdb::by_receipt_hash(&state.db, &code.keyed_hash(secret)).await?,
        Err(_) => None,
    };
    let Some(case) = found else {
        // The same neutral answer for a malformed and for an unknown code, with what was typed
        // kept in the field (16 digits are not retyped for one slip). It goes back only to the
        // browser that sent it, on a no-store page.
        let typed: String = form
            .receipt
            .chars()
            .filter(|c| !c.is_control())
            .take(40)
            .collect();
        let page = view! { <TrackPage lang not_found=true typed /> };
        let mut res = ctx.render(lang.t(Msg::TrackTitle), page).into_response();
        *res.status_mut() = StatusCode::NOT_FOUND;
        return Ok(no_store(res));
    };
    let value = tracking::sign_track(secret, case.id, now_epoch() + TRACK_SECS);
    let cookie = cookies::site_cookie(&state, TRACK_COOKIE, &value, "/track", Some(TRACK_SECS));
    Ok(no_store(cookies::set(
        Redirect::to("/track/case").into_response(),
        &cookie,
    )))
}

async fn case_page(
    state: &AppState,
    ctx: &PageCtx,
    case: CaseSummary,
    notice: Option<Msg>,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    // The household objected to, as the public list shows it (masked name, village, list).
    let household = match cdb::entry_ref_of(&state.db, case.id).await? {
        Some(r) => entry_description(state, lang, &r).await?.map(|(_, d, _)| d),
        None => None,
    };
    let review_until = tracking::review_until(state, &case).await?;
    let data = CaseData {
        place: regions::name_of(&state.db, lang, case.village_id.or(case.township_id)).await?,
        household,
        events: cdb::public_events(&state.db, case.id).await?,
        can_add_info: transition(case.status, Action::AddInfo).is_ok(),
        can_request_review: tracking::review_open(state, &case).await?,
        review_until,
        today: today_cst(),
        notice,
        errors,
        case,
    };
    let failed = !data.errors.is_empty();
    let page = view! { <CasePage lang data /> };
    let res = ctx.render(lang.t(Msg::TrackTitle), page).into_response();
    Ok(with_status(res, failed))
}

fn back_to_track() -> Response {
    no_store(Redirect::to("/track").into_response())
}

#[derive(Deserialize)]
pub struct CaseQuery {
    done: Option<String>,
}

pub async fn case(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    Query(q): Query<CaseQuery>,
) -> AppResult<Response> {
    let Some(case) = tracking::tracked_case(&state, &headers).await? else {
        return Ok(back_to_track());
    };
    let notice = match q.done.as_deref() {
        Some("info") => Some(Msg::InfoAdded),
        Some("review") => Some(Msg::ReviewRequested),
        _ => None,
    };
    case_page(&state, &ctx, case, notice, vec![]).await
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
}

pub async fn add_info(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    let Some(case) = tracking::tracked_case(&state, &headers).await? else {
        return Ok(back_to_track());
    };
    if transition(case.status, Action::AddInfo).is_err() {
        return Err(AppError::Conflict(ctx.lang.t(Msg::WrongState).to_owned()));
    }
    let body = match tracking::check_text(&form.body) {
        Ok(b) => b,
        Err(m) => return case_page(&state, &ctx, case, None, vec![("body", m)]).await,
    };
    tracking::add_info(&state, ctx.lang, &case, &body).await?;
    Ok(no_store(
        Redirect::to("/track/case?done=info").into_response(),
    ))
}

pub async fn request_review(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let Some(case) = tracking::tracked_case(&state, &headers).await? else {
        return Ok(back_to_track());
    };
    if !tracking::review_open(&state, &case).await? {
        return Err(AppError::Conflict(lang.t(Msg::ReviewWindowOver).to_owned()));
    }
    let body = match tracking::check_text(&form.body) {
        Ok(b) => b,
        Err(m) => return case_page(&state, &ctx, case, None, vec![("review", m)]).await,
    };
    tracking::request_review(&state, lang, &case, &body).await?;
    Ok(no_store(
        Redirect::to("/track/case?done=review").into_response(),
    ))
}

pub async fn end_tracking(State(state): State<AppState>) -> Response {
    let clear = cookies::site_cookie(&state, TRACK_COOKIE, "", "/track", Some(0));
    no_store(cookies::set(Redirect::to("/track").into_response(), &clear))
}
