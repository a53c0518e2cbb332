//! Re-check handlers: the township's list, one household's page, recording a re-check (a
//! multipart form: the evidence file rides along), and its files.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::notices::{self as ndb, NoticeFilter};
use crate::db::rechecks as rdb;
use crate::db::{regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::recheck::{is_overdue, Method, Outcome};
use crate::error::AppResult;
use crate::i18n::Msg;
use crate::rechecks::service::{self, due_on, Input};
use crate::rechecks::views::{HouseholdData, HouseholdPage, RecheckListPage, Row, Show, RECORD};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::files::{self, StaffUpload};
use crate::web::forms::{chosen_village, with_status, Typed};
use crate::web::session::StaffCtx;
use crate::web::session::StaffPage;
use crate::web::state::AppState;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    village: Option<String>,
    show: Option<String>,
}

pub async fn list(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    staff.require_beyond_village(Perm::ReadCases, None)?;
    let lang = ctx.lang;
    let villages = regions::villages_in_scope(&state.db, staff.scope()).await?;
    let village = chosen_village(q.village.as_deref(), &villages);
    let show = if q.show.as_deref() == Some("all") {
        Show::All
    } else {
        Show::Attention
    };
    let today = today_cst();
    let list = service::worklist(&state, staff.scope(), village).await?;
    let (overdue, leads) = service::attention_counts(&list, today);
    let mut rows: Vec<Row> = list.into_iter().map(|(r, due)| Row { due, r }).collect();
    if show == Show::Attention {
        rows.retain(|row| is_overdue(row.due, today) || row.r.open_leads > 0);
    }
    rows.sort_by(|a, b| {
        (a.r.open_leads == 0, a.due, a.r.household_id).cmp(&(
            b.r.open_leads == 0,
            b.due,
            b.r.household_id,
        ))
    });
    rows.truncate(1000);
    let villages = villages
        .iter()
        .map(|v| (v.id, v.name(lang).to_owned()))
        .collect();
    let page = |nav, _| {
        view! { <RecheckListPage lang nav rows villages village show today overdue leads /> }
    };
    Ok(ctx.staff_page(&staff, lang.t(Msg::RechecksTitle), false, page))
}

async fn household_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: i64,
    error: Option<String>,
    notice_made: Option<i64>,
    typed: Typed,
) -> AppResult<Response> {
    let (r, on_list) = service::visible(state, staff, id).await?;
    let filter = NoticeFilter {
        household_id: Some(id),
        ..Default::default()
    };
    let data = HouseholdData {
        due: due_on(&state.site.settings.recheck, &r),
        history: rdb::of_household(&state.db, id).await?,
        notices: ndb::list(&state.db, &filter, 100).await?,
        files: rdb::files_of_household(&state.db, id).await?,
        can_record: service::may_record(staff, r.township_id),
        today: today_cst(),
        error,
        notice_made,
        typed,
        r,
        on_list,
    };
    let lang = ctx.lang;
    let title = data.r.head_name.clone();
    let page = |nav, csrf| view! { <HouseholdPage lang nav csrf data /> };
    Ok(ctx.staff_page(staff, &title, false, page))
}

#[derive(Deserialize, Default)]
pub struct HouseholdQuery {
    notice: Option<i64>,
}

pub async fn household(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<HouseholdQuery>,
) -> AppResult<Response> {
    household_page(&state, &ctx, &staff, id, None, q.notice, Typed::default()).await
}

/// Yuan as typed ("450", "450.5") in fen.
fn fen_of(s: &str) -> Option<i64> {
    crate::domain::Fen::parse_yuan(s.trim())
        .ok()
        .map(|f| f.fen())
}

/// The re-check a form records, read from its fields; `Err(msg)`: what the form lacks.
fn record_input(upload: &files::Upload) -> Result<Input<'_>, Msg> {
    let field = |k: &str| upload.field(k);
    let (Ok(method), Ok(outcome), Ok(checked_on)) = (
        Method::parse(field("method")),
        Outcome::parse(field("outcome")),
        field("checked_on").parse::<NaiveDate>(),
    ) else {
        return Err(Msg::RecheckIncomplete);
    };
    let amount = field("amount");
    let new_monthly_fen = match (outcome, amount.is_empty()) {
        (Outcome::Adjust, false) => Some(fen_of(amount).ok_or(Msg::RecheckNewAmountRule)?),
        _ => None,
    };
    // `seen`: the household's version when the form was shown; a form without it (a client of
    // its own) is held to the version read when it arrived. Anything else (a page shown before
    // this field held a number) is refused as stale: -1 is no version.
    let seen_seq = match field("seen") {
        "" => None,
        n => Some(n.parse::<i64>().unwrap_or(-1)),
    };
    Ok(Input {
        method,
        outcome,
        checked_on,
        findings: field("findings"),
        new_monthly_fen,
        file: upload.file(),
        seen_seq,
    })
}

/// The household's page again, with why the form was refused (422) and the form as it was sent
/// (but for its file, and its `seen`, which the page gives afresh).
async fn refused(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: i64,
    msg: Msg,
    upload: &files::Upload,
) -> AppResult<Response> {
    let error = Some(msg.text(ctx.lang).to_owned());
    let typed = Typed {
        step: RECORD.into(),
        fields: upload.fields.clone(),
    };
    let res = household_page(state, ctx, staff, id, error, None, typed).await?;
    Ok(with_status(res, true))
}

/// `POST /staff/rechecks/household/{id}` (multipart: csrf, checked_on, method, findings,
/// outcome, amount, file).
pub async fn record(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffUpload(staff, upload): StaffUpload,
) -> AppResult<Response> {
    let (r, on_list) = service::visible(&state, &staff, id).await?;
    let input = match record_input(&upload) {
        Ok(input) => input,
        Err(msg) => return refused(&state, &ctx, &staff, id, msg, &upload).await,
    };
    match service::record(&state, &staff, &r, on_list, &input).await? {
        Ok(Some(notice)) => Ok(Redirect::to(&format!(
            "/staff/rechecks/household/{id}?notice={notice}"
        ))
        .into_response()),
        Ok(None) => Ok(Redirect::to(&format!("/staff/rechecks/household/{id}")).into_response()),
        Err(msg) => refused(&state, &ctx, &staff, id, msg, &upload).await,
    }
}

/// `GET /staff/rechecks/files/{id}`: staff in scope only, audited, never cached.
pub async fn file(
    State(state): State<AppState>,
    staff: StaffCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(files::serve(service::open_file(&state, &staff, id).await?))
}
