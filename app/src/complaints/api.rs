//! Public complaint handlers: report, receipt, tracking. No login; every write is one
//! transaction, and the receipt page is shown only after that transaction committed.

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::complaints::views::{
    CaseData, CasePage, Places, ReceiptPage, ReportPage, ReportValues, TrackPage,
};
use crate::db::complaints::{self as cdb, Actor, CaseSummary, InsertError, NewComplaint};
use crate::db::{now_epoch, outbox, publicity as pdb, regions, today_cst};
use crate::domain::{
    keyed_hash, transition, Action, Category, Channel, DeadlineRules, ReceiptCode, WorkCalendar,
};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::{cookie, PageCtx};
use crate::web::session::with_cookie;
use crate::web::state::AppState;

pub const RECEIPT_COOKIE: &str = "sunshine_receipt";
pub const TRACK_COOKIE: &str = "sunshine_track";
/// How long a tracking sign-in (after entering the receipt) lasts.
const TRACK_SECS: i64 = 30 * 60;
/// How long a resubmitted form still gets its receipt shown again.
const REPLAY_SECS: i64 = 60 * 60;

/// Marks a response as never to be cached (receipts, tracking, staff views of a case).
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Attributes of the reporter-side cookies: HttpOnly, SameSite=Strict, Secure unless on loopback.
pub fn cookie_attrs(state: &AppState, path: &str, max_age: i64) -> String {
    let secure = if state.site.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The rules and calendar deadlines are counted with (the holiday table, the day-count setting).
pub async fn deadline_rules(state: &AppState) -> AppResult<(DeadlineRules, WorkCalendar)> {
    let rules = DeadlineRules {
        count: state.site.settings.deadline_count,
        ..DeadlineRules::default()
    };
    Ok((rules, crate::db::holidays::calendar(&state.db).await?))
}

/// A checked report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub category: Category,
    pub place: Place,
    pub body: String,
    pub accused: Option<String>,
    pub anonymous: bool,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Village(String),
    Township(String),
}

impl Place {
    pub fn parse(s: &str) -> Option<Place> {
        let (kind, code) = s.trim().split_once(':')?;
        if !crate::domain::is_region_code(code) {
            return None;
        }
        match kind {
            "v" => Some(Place::Village(code.to_owned())),
            "t" => Some(Place::Township(code.to_owned())),
            _ => None,
        }
    }
}

use crate::islands::rules::is_text;

fn clean(s: &str) -> String {
    s.trim().to_owned()
}

/// Checks a submitted report form. Anonymous reports keep no name or contact at all.
pub fn validate_report(v: &ReportValues) -> Result<ValidReport, Vec<(&'static str, Msg)>> {
    let category = Category::parse(&v.category).ok();
    let place = Place::parse(&v.place);
    let errors = crate::islands::rules::report_errors(&crate::islands::rules::ReportFields {
        category_ok: category.is_some(),
        place_ok: place.is_some(),
        body: &v.body,
        accused: &v.accused,
        anonymous: v.anonymous,
        name: &v.name,
        contact: &v.contact,
    });
    let body = v.body.trim().to_owned();
    let accused = clean(&v.accused);
    let (name, contact) = if v.anonymous {
        (String::new(), String::new())
    } else {
        (clean(&v.name), clean(&v.contact))
    };
    let email = contact.contains('@').then(|| contact.clone());
    match (category, place, errors.is_empty()) {
        (Some(category), Some(place), true) => Ok(ValidReport {
            category,
            place,
            body,
            accused: (!accused.is_empty()).then_some(accused),
            anonymous: v.anonymous,
            name: (!name.is_empty()).then_some(name),
            contact: (!contact.is_empty()).then_some(contact),
            email,
        }),
        _ => Err(errors),
    }
}

/// Townships and their villages for the place select; `scope` limits it to one township.
pub async fn places(state: &AppState, lang: Lang, scope: Option<i64>) -> AppResult<Places> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    let villages = regions::by_level(&state.db, regions::Level::Village).await?;
    Ok(townships
        .iter()
        .filter(|t| scope.is_none() || scope == Some(t.id))
        .map(|t| {
            (
                lang.pick(&t.name_zh, t.name_en.as_deref()).to_owned(),
                t.code.clone(),
                villages
                    .iter()
                    .filter(|v| v.parent_id == Some(t.id))
                    .map(|v| {
                        (
                            v.code.clone(),
                            lang.pick(&v.name_zh, v.name_en.as_deref()).to_owned(),
                        )
                    })
                    .collect(),
            )
        })
        .collect())
}

/// The entry objected to, described without any name but the masked one.
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
    let village = regions::by_id(&state.db, batch.village_id).await?;
    let Some(village) = village else {
        return Ok(None);
    };
    let desc = format!(
        "{} {} · {} · {} {}",
        lang.pick(&village.name_zh, village.name_en.as_deref()),
        lang.t(crate::web::labels::publicity::kind(batch.kind)),
        entry.masked_name.as_str(),
        entry.persons.get(),
        lang.t(Msg::Persons),
    );
    Ok(Some((entry.entry_ref, desc, format!("v:{}", village.code))))
}

fn new_form_token() -> String {
    crate::web::session::new_token()
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    state: &AppState,
    ctx: &PageCtx,
    token: String,
    values: ReportValues,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let places = places(state, lang, None).await?;
    let entry = if values.entry.is_empty() {
        None
    } else {
        entry_description(state, lang, &values.entry)
            .await?
            .map(|(r, d, _)| (r, d))
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = ctx
        .render(
            lang.t(Msg::ReportTitle),
            view! { <ReportPage lang token places entry values errors /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(no_store(res))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    entry: Option<String>,
}

pub async fn report_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let mut values = ReportValues::default();
    if let Some(r) = q.entry.as_deref() {
        if let Some((r, _, place)) = entry_description(&state, ctx.lang, r).await? {
            values.entry = r;
            values.place = place;
            values.category = Category::WrongfulInclusion.as_str().to_owned();
        }
    }
    report_page(&state, &ctx, new_form_token(), values, vec![]).await
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    entry: String,
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

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Shows the receipt (via a one-time cookie; never in a URL).
fn to_receipt(state: &AppState, receipt: &ReceiptCode) -> Response {
    let res = Redirect::to("/report/receipt").into_response();
    let cookie = format!(
        "{RECEIPT_COOKIE}={}; {}",
        receipt.digits(),
        cookie_attrs(state, "/report/receipt", 600)
    );
    no_store(with_cookie(res, &cookie))
}

pub async fn submit_report(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let values = ReportValues {
        category: form.category,
        place: form.place,
        entry: form.entry.trim().to_owned(),
        body: form.body,
        accused: form.accused,
        anonymous: form.anonymous.is_some(),
        name: form.name,
        contact: form.contact,
    };
    if !is_token(&form.token) {
        return report_page(
            &state,
            &ctx,
            new_form_token(),
            values,
            vec![("token", Msg::FormExpired)],
        )
        .await;
    }
    let secret = state.secret.expose().as_bytes();
    let token_hash = keyed_hash(secret, &format!("form:{}", form.token));
    let receipt = ReceiptCode::derive(secret, &form.token);
    // The same form sent again (double tap, retry on a weak connection): same case, same receipt.
    if let Some(existing) = cdb::by_form_token_hash(&state.db, &token_hash).await? {
        return if now_epoch() - existing.created_at < REPLAY_SECS {
            Ok(to_receipt(&state, &receipt))
        } else {
            report_page(
                &state,
                &ctx,
                new_form_token(),
                ReportValues::default(),
                vec![("token", Msg::FormExpired)],
            )
            .await
        };
    }
    let report = match validate_report(&values) {
        Ok(r) => r,
        Err(errors) => return report_page(&state, &ctx, form.token, values, errors).await,
    };
    let (township_id, village_id) = resolve_place(&state, &report.place).await?;
    if township_id.is_none() {
        return report_page(
            &state,
            &ctx,
            form.token,
            values,
            vec![("place", Msg::PlaceRequired)],
        )
        .await;
    }
    let entry_id = if values.entry.is_empty() || !pdb::is_public_ref(&values.entry) {
        None
    } else {
        entry_row_id(&state, &values.entry).await?
    };
    let today = today_cst();
    let (rules, cal) = deadline_rules(&state).await?;
    let accept_by = rules.accept_by(today, &cal);
    let now = now_epoch();
    let receipt_hash = receipt.keyed_hash(secret);
    let mut tx = state.db.begin().await?;
    let new = NewComplaint {
        receipt_hash: &receipt_hash,
        form_token_hash: Some(&token_hash),
        channel: Channel::Web,
        category: report.category,
        township_id,
        village_id,
        entry_id,
        body: &report.body,
        accused: report.accused.as_deref(),
        anonymous: report.anonymous,
        reporter_name: report.name.as_deref(),
        reporter_contact: report.contact.as_deref(),
        reporter_email: report.email.as_deref(),
        received_on: today,
        accept_by,
    };
    let stored: AppResult<Option<i64>> = async {
        let id = match cdb::insert(&mut tx, &new, now).await {
            Ok(id) => id,
            // A concurrent copy of the same form won the race: it has the same receipt.
            Err(InsertError::DuplicateForm) => return Ok(None),
            Err(InsertError::App(e)) => return Err(e),
        };
        cdb::add_event(&mut tx, id, Actor::System, "submitted", true, "", now).await?;
        queue_acknowledgement(&mut tx, report.email.as_deref(), accept_by, now).await?;
        tx.commit().await?;
        Ok(Some(id))
    }
    .await;
    match stored {
        // Committed (by this request or by the concurrent copy): only now may the receipt be shown.
        Ok(id) => {
            if let Some(id) = id {
                state.mail_wake.notify_one();
                tracing::info!(complaint_id = id, "report received");
            }
            Ok(to_receipt(&state, &receipt))
        }
        // Not stored (a full disk, the database away): say so and keep what they wrote, with
        // the same token, so sending again later cannot make two cases.
        Err(AppError::Unavailable) => {
            let mut res = report_page(
                &state,
                &ctx,
                form.token,
                values,
                vec![("token", Msg::NotSaved)],
            )
            .await?;
            *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            let _ = lang;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn entry_row_id(state: &AppState, public_ref: &str) -> AppResult<Option<i64>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM batch_entries WHERE public_ref = $1")
        .bind(public_ref)
        .fetch_optional(&state.db.pool)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get::<i64, _>(0)?),
        None => None,
    })
}

/// Queues the acknowledgement to a reporter who left an e-mail address (never with the receipt),
/// in the transaction that records the report.
pub async fn queue_acknowledgement(
    conn: &mut sqlx::AnyConnection,
    email: Option<&str>,
    accept_by: chrono::NaiveDate,
    now: i64,
) -> AppResult<()> {
    if let Some(email) = email {
        let (subject, body) = reporter_mail(
            Msg::MailAckSubject,
            Msg::MailAckBody,
            "{date}",
            &accept_by.to_string(),
        );
        outbox::enqueue(conn, email, &subject, &body, now).await?;
    }
    Ok(())
}

/// Where a report is about: (township id, village id) for a `v:`/`t:` choice.
pub async fn resolve_place(
    state: &AppState,
    place: &Place,
) -> AppResult<(Option<i64>, Option<i64>)> {
    Ok(match place {
        Place::Village(code) => {
            let v = regions::by_code(&state.db, regions::Level::Village, code).await?;
            (v.as_ref().and_then(|v| v.parent_id), v.map(|v| v.id))
        }
        Place::Township(code) => (
            regions::by_code(&state.db, regions::Level::Township, code)
                .await?
                .map(|t| t.id),
            None,
        ),
    })
}

/// A mail to the reporter in both languages (we do not know which one they read).
pub fn reporter_mail(subject: Msg, body: Msg, placeholder: &str, value: &str) -> (String, String) {
    let subject = format!("{} / {}", subject.text(Lang::Zh), subject.text(Lang::En));
    let body = format!(
        "{}\n\n----\n\n{}",
        body.text(Lang::Zh).replace(placeholder, value),
        body.text(Lang::En).replace(placeholder, value)
    );
    (subject, body)
}

pub async fn receipt(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let code = cookie(&headers, RECEIPT_COOKIE).and_then(|c| ReceiptCode::parse(c).ok());
    let accept_by = match &code {
        Some(c) => cdb::by_receipt_hash(&state.db, &c.keyed_hash(state.secret.expose().as_bytes()))
            .await?
            .map(|s| s.accept_by.to_string()),
        None => None,
    };
    let receipt = code
        .filter(|_| accept_by.is_some())
        .map(|c| c.display_grouped());
    let res = ctx
        .render(
            lang.t(Msg::ReceiptTitle),
            view! { <ReceiptPage lang receipt accept_by /> },
        )
        .into_response();
    // Shown once: the cookie is cleared with this response.
    let clear = format!(
        "{RECEIPT_COOKIE}=; {}",
        cookie_attrs(&state, "/report/receipt", 0)
    );
    Ok(no_store(with_cookie(res, &clear)))
}

pub async fn track_form(ctx: PageCtx) -> Response {
    let lang = ctx.lang;
    no_store(
        ctx.render(
            lang.t(Msg::TrackTitle),
            view! { <TrackPage lang not_found=false /> },
        )
        .into_response(),
    )
}

/// `id.expiry.mac`: which case this browser may see, until when.
pub fn sign_track(secret: &[u8], id: i64, expires: i64) -> String {
    let mac = keyed_hash(secret, &format!("track:{id}.{expires}"));
    format!("{id}.{expires}.{mac}")
}

pub fn verify_track(secret: &[u8], value: &str, now: i64) -> Option<i64> {
    let mut parts = value.splitn(3, '.');
    let id: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let mac = parts.next()?;
    let expected = keyed_hash(secret, &format!("track:{id}.{expires}"));
    (now < expires && crate::web::session::constant_time_eq(mac, &expected)).then_some(id)
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    receipt: String,
}

pub async fn track(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<TrackForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let secret = state.secret.expose().as_bytes();
    let found = match ReceiptCode::parse(&form.receipt) {
        Ok(code) => cdb::by_receipt_hash(&state.db, &code.keyed_hash(secret)).await?,
        Err(_) => None,
    };
    let Some(case) = found else {
        // The same neutral answer for a malformed and for an unknown code.
        let mut res = ctx
            .render(
                lang.t(Msg::TrackTitle),
                view! { <TrackPage lang not_found=true /> },
            )
            .into_response();
        *res.status_mut() = StatusCode::NOT_FOUND;
        return Ok(no_store(res));
    };
    let value = sign_track(secret, case.id, now_epoch() + TRACK_SECS);
    let cookie = format!(
        "{TRACK_COOKIE}={value}; {}",
        cookie_attrs(&state, "/track", TRACK_SECS)
    );
    Ok(no_store(with_cookie(
        Redirect::to("/track/case").into_response(),
        &cookie,
    )))
}

/// The case this browser is following, if its tracking cookie is valid.
async fn tracked_case(state: &AppState, headers: &HeaderMap) -> AppResult<Option<CaseSummary>> {
    let Some(value) = cookie(headers, TRACK_COOKIE) else {
        return Ok(None);
    };
    let Some(id) = verify_track(state.secret.expose().as_bytes(), value, now_epoch()) else {
        return Ok(None);
    };
    cdb::summary(&state.db, id).await
}

async fn place_name(state: &AppState, lang: Lang, case: &CaseSummary) -> AppResult<String> {
    let id = case.village_id.or(case.township_id);
    Ok(match id {
        Some(id) => regions::by_id(&state.db, id)
            .await?
            .map(|r| lang.pick(&r.name_zh, r.name_en.as_deref()).to_owned())
            .unwrap_or_default(),
        None => String::new(),
    })
}

/// Whether the reporter may still ask for a review: answered (or closed after an answer)
/// no more than 30 days ago.
async fn review_open(state: &AppState, case: &CaseSummary) -> AppResult<bool> {
    if transition(case.status, Action::RequestReview).is_err() {
        return Ok(false);
    }
    let Some(answered) = cdb::answered_at(&state.db, case.id).await? else {
        return Ok(false);
    };
    let (rules, _) = deadline_rules(state).await?;
    let answered_day = chrono::DateTime::from_timestamp(answered + 8 * 3600, 0)
        .map(|t| t.date_naive())
        .unwrap_or_else(today_cst);
    Ok(today_cst() <= rules.review_request_until(answered_day))
}

async fn case_page(
    state: &AppState,
    ctx: &PageCtx,
    case: CaseSummary,
    notice: Option<Msg>,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let data = CaseData {
        place: place_name(state, lang, &case).await?,
        events: cdb::public_events(&state.db, case.id).await?,
        can_add_info: transition(case.status, Action::AddInfo).is_ok(),
        can_request_review: review_open(state, &case).await?,
        notice,
        errors,
        case,
    };
    let status = if data.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = ctx
        .render(lang.t(Msg::TrackTitle), view! { <CasePage lang data /> })
        .into_response();
    *res.status_mut() = status;
    Ok(no_store(res))
}

#[derive(Deserialize)]
pub struct CaseQuery {
    done: Option<String>,
}

pub async fn case(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<CaseQuery>,
) -> AppResult<Response> {
    let Some(case) = tracked_case(&state, &headers).await? else {
        return Ok(no_store(Redirect::to("/track").into_response()));
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

fn check_text(body: &str) -> Result<String, Msg> {
    let body = body.trim();
    let n = body.chars().count();
    if n < 10 || !is_text(body) {
        Err(Msg::BodyTooShort)
    } else if n > 5000 {
        Err(Msg::BodyTooLong)
    } else {
        Ok(body.to_owned())
    }
}

pub async fn add_info(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    let Some(case) = tracked_case(&state, &headers).await? else {
        return Ok(no_store(Redirect::to("/track").into_response()));
    };
    if transition(case.status, Action::AddInfo).is_err() {
        return Err(AppError::Conflict(ctx.lang.t(Msg::WrongState).to_owned()));
    }
    let body = match check_text(&form.body) {
        Ok(b) => b,
        Err(m) => return case_page(&state, &ctx, case, None, vec![("body", m)]).await,
    };
    let mut tx = state.db.begin().await?;
    cdb::add_event(
        &mut tx,
        case.id,
        Actor::Reporter,
        "info_added",
        true,
        &body,
        now_epoch(),
    )
    .await?;
    tx.commit().await?;
    Ok(no_store(
        Redirect::to("/track/case?done=info").into_response(),
    ))
}

pub async fn request_review(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let Some(case) = tracked_case(&state, &headers).await? else {
        return Ok(no_store(Redirect::to("/track").into_response()));
    };
    if !review_open(&state, &case).await? {
        return Err(AppError::Conflict(lang.t(Msg::ReviewWindowOver).to_owned()));
    }
    let body = match check_text(&form.body) {
        Ok(b) => b,
        Err(m) => return case_page(&state, &ctx, case, None, vec![("review", m)]).await,
    };
    let to = transition(case.status, Action::RequestReview)
        .map_err(|_| AppError::Conflict(lang.t(Msg::WrongState).to_owned()))?;
    let now = now_epoch();
    // A review is answered within 30 days of the request (a new answer deadline).
    let (rules, cal) = deadline_rules(&state).await?;
    let review_by = rules.review_answer_by(today_cst(), &cal);
    let mut tx = state.db.begin().await?;
    if !cdb::set_status(&mut tx, case.id, case.status, to, now).await? {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    cdb::set_answer_by(&mut tx, case.id, review_by).await?;
    cdb::add_event(
        &mut tx,
        case.id,
        Actor::Reporter,
        "review_requested",
        true,
        &body,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(no_store(
        Redirect::to("/track/case?done=review").into_response(),
    ))
}

pub async fn end_tracking(State(state): State<AppState>) -> Response {
    let clear = format!("{TRACK_COOKIE}=; {}", cookie_attrs(&state, "/track", 0));
    no_store(with_cookie(Redirect::to("/track").into_response(), &clear))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(category: &str, place: &str, body: &str) -> ReportValues {
        ReportValues {
            category: category.into(),
            place: place.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn report_validation_table() {
        let ok_body = "村主任的亲戚家有小车还吃低保。";
        assert!(validate_report(&values("wrongful_inclusion", "v:530621103201", ok_body)).is_ok());
        assert!(validate_report(&values("other", "t:530621103000", ok_body)).is_ok());
        let cases = [
            (values("", "v:530621103201", ok_body), "category"),
            (values("boss", "v:530621103201", ok_body), "category"),
            (values("other", "", ok_body), "place"),
            (values("other", "v:../../etc", ok_body), "place"),
            (values("other", "x:530621103201", ok_body), "place"),
            (values("other", "v:530621103201", "太短"), "body"),
            (
                values("other", "v:530621103201", &"长".repeat(5001)),
                "body",
            ),
            (
                values("other", "v:530621103201", "bell\u{7}bell\u{7}bell\u{7}"),
                "body",
            ),
        ];
        for (v, field) in cases {
            let errs = validate_report(&v).expect_err("must fail");
            assert!(errs.iter().any(|(f, _)| *f == field), "{field}: {errs:?}");
        }
    }

    #[test]
    fn anonymous_reports_keep_no_identity() {
        let mut v = values(
            "favouritism",
            "v:530621103201",
            "村干部把低保给了自己的亲戚。",
        );
        v.anonymous = true;
        v.name = "张三".into();
        v.contact = "zhang@example.cn".into();
        let r = validate_report(&v).expect("valid");
        assert_eq!((r.name, r.contact, r.email), (None, None, None));
        v.anonymous = false;
        let r = validate_report(&v).expect("valid");
        assert_eq!(r.email.as_deref(), Some("zhang@example.cn"));
        assert_eq!(r.name.as_deref(), Some("张三"));
    }

    #[test]
    fn contacts() {
        let mut v = values("other", "v:530621103201", "这是一个足够长的描述内容。");
        v.contact = "not-an-email@".into();
        assert!(validate_report(&v).is_err());
        v.contact = "138 0000 0000".into();
        let r = validate_report(&v).expect("phone ok");
        assert_eq!(r.email, None);
        assert_eq!(r.contact.as_deref(), Some("138 0000 0000"));
    }

    #[test]
    fn track_cookies_are_signed_and_expire() {
        let v = sign_track(b"k", 42, 1000);
        assert_eq!(verify_track(b"k", &v, 999), Some(42));
        assert_eq!(verify_track(b"k", &v, 1000), None);
        assert_eq!(verify_track(b"other", &v, 999), None);
        assert_eq!(verify_track(b"k", &v.replace("42.", "43."), 999), None);
        assert_eq!(verify_track(b"k", "garbage", 0), None);
    }

    #[test]
    fn reporter_mail_never_holds_a_receipt_placeholder() {
        let (s, b) = reporter_mail(
            Msg::MailAckSubject,
            Msg::MailAckBody,
            "{date}",
            "2026-12-11",
        );
        assert!(s.contains("举报已收到"));
        assert!(b.contains("2026-12-11") && !b.contains("{date}"));
    }
}
