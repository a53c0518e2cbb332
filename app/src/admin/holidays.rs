//! Admin page for the holiday table (法定节假日 and 调休 make-up workdays).

use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::tx::Tx;
use crate::db::{audit, holidays, now_epoch};
use crate::domain::access::Perm;
use crate::domain::DayKind;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::shell::Csrf;
use crate::web::table::{heads, DataTable};

/// The add-a-day form and the table of days, each with its remove button: the deployment's
/// holiday table (`action` `/staff/holidays`) and a county's own days (`/staff/county/holidays`,
/// with the county's id sent along).
#[component]
pub fn DaysEditor(
    lang: Lang,
    csrf: String,
    action: &'static str,
    county: Option<String>,
    days: Vec<(NaiveDate, DayKind)>,
    label: &'static str,
) -> impl IntoView {
    let remove = format!("{action}/remove");
    let hidden = move || {
        county
            .clone()
            .map(|c| view! { <input type="hidden" name="county" value=c /> })
    };
    let rows = days
        .into_iter()
        .map(|(d, k)| {
            let kind = match k {
                DayKind::Holiday => lang.t(Msg::HolidayKind),
                DayKind::MakeupWorkday => lang.t(Msg::WorkdayKind),
            };
            view! {
                <tr>
                    <td>{d.to_string()}</td>
                    <td>{kind}</td>
                    <td>
                        <form method="post" action=remove.clone() class="inline">
                            <Csrf token=csrf.clone() />
                            {hidden()}
                            <input type="hidden" name="day" value=d.to_string() />
                            <button type="submit" class="link">{lang.t(Msg::Remove)}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="post" action=action class="form">
            <Csrf token=csrf.clone() />
            {hidden()}
            <label for="day">{lang.t(Msg::DayLabel)}</label>
            <input id="day" name="day" type="date" required />
            <label for="kind">{lang.t(Msg::DayKindLabel)}</label>
            <select id="kind" name="kind">
                <option value="holiday">{lang.t(Msg::HolidayKind)}</option>
                <option value="workday">{lang.t(Msg::WorkdayKind)}</option>
            </select>
            <button type="submit">{lang.t(Msg::AddDay)}</button>
        </form>
        <DataTable label=label heads=heads(lang, &[Msg::DayLabel, Msg::DayKindLabel, Msg::Remove])>
            {rows}
        </DataTable>
    }
}

#[component]
fn HolidaysPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    days: Vec<(NaiveDate, DayKind)>,
) -> impl IntoView {
    view! {
        {nav}
        <h1>{lang.t(Msg::Holidays)}</h1>
        <p class="hint">{lang.t(Msg::HolidaysHint)}</p>
        <DaysEditor lang csrf action="/staff/holidays" county=None days label=lang.t(Msg::Holidays) />
    }
}

pub async fn page(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let lang = ctx.lang;
    let days = holidays::all(&state.db).await?;
    let page = |nav, csrf| view! { <HolidaysPage lang nav csrf days /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Holidays), false, page))
}

#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
}

/// The kind of day the form chose (a holiday unless it says `workday`).
pub fn day_kind(s: &str) -> DayKind {
    if s == "workday" {
        DayKind::MakeupWorkday
    } else {
        DayKind::Holiday
    }
}

/// A day typed in the form (`YYYY-MM-DD`).
pub fn parse_day(lang: Lang, s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("day", lang.t(Msg::DateInvalid)))
}

pub async fn add(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<DayForm>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let day = parse_day(ctx.lang, &form.day)?;
    let kind = day_kind(&form.kind);
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    holidays::set(&mut tx, day, kind).await?;
    let kind = form.kind.chars().take(10).collect();
    logged(tx, &staff, "holiday.set", day, kind, now).await
}

pub async fn remove(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<DayForm>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let day = parse_day(ctx.lang, &form.day)?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    if !holidays::remove(&mut tx, day).await? {
        return Err(AppError::NotFound);
    }
    logged(tx, &staff, "holiday.remove", day, String::new(), now).await
}

/// Ends a change to the national calendar: its audit entry, the commit, back to the list.
async fn logged(
    mut tx: Tx,
    staff: &StaffCtx,
    action: &str,
    day: NaiveDate,
    detail: String,
    now: i64,
) -> AppResult<Response> {
    let entry = staff.audit(action, "holiday", Some(day.to_string()), None, detail);
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(Redirect::to("/staff/holidays").into_response())
}
