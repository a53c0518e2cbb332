//! Notice handlers: the staff list (scope-limited; `?overdue=1` for the late ones), one notice
//! (printable) and its delivery record.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::notices::{self as ndb, NoticeFilter};
use crate::db::{regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::notice::Delivery;
use crate::error::AppResult;
use crate::i18n::Msg;
use crate::notices::service;
use crate::notices::views::{NoticeData, NoticeDocPage, NoticeListPage};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::state::AppState;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    overdue: Option<String>,
}

pub async fn list(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    staff.require_beyond_village(Perm::ReadCases, None)?;
    let today = today_cst();
    let overdue_only = q.overdue.is_some();
    let filter = NoticeFilter {
        scope: staff.scope().clone(),
        overdue_on: overdue_only.then_some(today),
        ..Default::default()
    };
    let villages = regions::villages_in_scope(&state.db, staff.scope()).await?;
    let lang = ctx.lang;
    let notices = ndb::list(&state.db, &filter, 500)
        .await?
        .into_iter()
        .map(|n| {
            let v = villages
                .iter()
                .find(|v| v.id == n.village_id)
                .map(|v| v.name(lang).to_owned())
                .unwrap_or_default();
            (n, v)
        })
        .collect();
    let page = |nav, _| view! { <NoticeListPage lang nav notices today overdue_only /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::NoticesTitle), false, page))
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: i64,
    error: Option<String>,
) -> AppResult<Response> {
    let notice = service::visible(state, staff, id).await?;
    let village = regions::by_id(&state.db, notice.village_id)
        .await?
        .map(|v| v.name_zh)
        .unwrap_or_default();
    let county = regions::county_of_township(&state.db, notice.township_id)
        .await?
        .map(|c| c.name_zh)
        .unwrap_or_default();
    let hotline = crate::web::county::hotline_of_township(state, notice.township_id).await?;
    let data = NoticeData {
        can_deliver: staff.processes(notice.township_id),
        notice,
        county,
        village,
        hotline,
        today: today_cst(),
        error,
    };
    let lang = ctx.lang;
    let title = data.notice.number.clone();
    let page = |nav, csrf| view! { <NoticeDocPage lang nav csrf data /> };
    Ok(ctx.staff_page(staff, &title, false, page))
}

pub async fn show(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    page(&state, &ctx, &staff, id, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeliveryForm {
    delivered_on: String,
    method: String,
    delivered_by: String,
}

pub async fn deliver(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<DeliveryForm>,
) -> AppResult<Response> {
    let notice = service::visible(&state, &staff, id).await?;
    let refuse = |msg: Msg| {
        let (state, ctx, staff) = (state.clone(), ctx.clone(), staff.clone());
        async move {
            let error = Some(msg.text(ctx.lang).to_owned());
            let res = page(&state, &ctx, &staff, id, error).await?;
            AppResult::Ok(crate::web::forms::with_status(res, true))
        }
    };
    let (Ok(on), Ok(method)) = (
        f.delivered_on.trim().parse::<NaiveDate>(),
        Delivery::parse(&f.method),
    ) else {
        return refuse(Msg::DeliveryIncomplete).await;
    };
    match service::record_delivery(&state, &staff, &notice, on, method, &f.delivered_by).await? {
        Ok(()) => Ok(Redirect::to(&format!("/staff/notices/{id}")).into_response()),
        Err(msg) => refuse(msg).await,
    }
}
