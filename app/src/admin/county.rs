//! A county's own settings (本县设置): its hotline, other ways to report, the body issuing its
//! written notices, their number prefix, and the days it keeps besides the national calendar.
//! A county's administrator edits their county; the deployment's administrator any county.

use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::admin::holidays::{day_kind, parse_day, DaysEditor};
use crate::db::changes::Change;
use crate::db::county_settings as cdb;
use crate::db::regions::{self, Region};
use crate::db::{audit, now_epoch};
use crate::domain::access::{Perm, Scope};
use crate::domain::county::{self, CountySettings, SettingsError};
use crate::domain::DayKind;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::shell::Csrf;
use crate::web::state::AppState;

#[derive(Deserialize, Default)]
pub struct CountyQuery {
    #[serde(default)]
    county: Option<String>,
}

/// The county a request is about: the member's own county, or (the deployment's
/// administrator) the one asked for, else the first. Another county's is refused.
async fn target(state: &AppState, staff: &StaffCtx, asked: Option<&str>) -> AppResult<Region> {
    staff.require_role(Perm::ManageStaff)?;
    let counties = regions::counties(&state.db).await?;
    let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
        None => None,
    };
    let county = match (staff.scope(), asked) {
        (Scope::County { id, .. }, None) => counties.into_iter().find(|c| c.id == *id),
        (_, Some(id)) => counties.into_iter().find(|c| c.id == id),
        (Scope::All, None) => counties.into_iter().next(),
        (Scope::Township(_) | Scope::Prefecture { .. }, None) => None,
    };
    let county = county.ok_or(AppError::NotFound)?;
    if !staff.scope().holds(None, Some(county.id)) {
        tracing::warn!(
            staff_id = staff.staff.id,
            county = county.id,
            "access refused"
        );
        return Err(AppError::Forbidden);
    }
    Ok(county)
}

fn error_msg(e: SettingsError) -> (&'static str, Msg) {
    match e {
        SettingsError::Hotline => ("hotline", Msg::CountyHotlineInvalid),
        SettingsError::Channels => ("channels", Msg::CountyChannelsInvalid),
        SettingsError::Issuer => ("issuer", Msg::CountyIssuerInvalid),
        SettingsError::Prefix => ("notice_prefix", Msg::CountyPrefixInvalid),
    }
}

#[component]
fn CountySettingsPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    county: Region,
    /// Other counties the deployment's administrator may switch to (id, name).
    others: Vec<(i64, String)>,
    stored: CountySettings,
    /// What an empty field means: the deployment's hotline, prefix, and the default issuer.
    defaults: county::CountyVoice,
    days: Vec<(NaiveDate, DayKind)>,
) -> impl IntoView {
    let name = county.name(lang).to_owned();
    let id = county.id.to_string();
    let switch = (!others.is_empty()).then(|| {
        let options = others
            .into_iter()
            .map(|(oid, oname)| {
                let selected = oid == county.id;
                view! { <option value=oid.to_string() selected=selected>{oname}</option> }
            })
            .collect_view();
        view! {
            <form method="get" action="/staff/county" class="form inline-form">
                <label for="county">{lang.t(Msg::CountyLabel)}</label>
                <select id="county" name="county">{options}</select>
                <button type="submit">{lang.t(Msg::ViewFile)}</button>
            </form>
        }
    });
    view! {
        {nav}
        <h1>{lang.t(Msg::CountySettingsTitle)}" · "{name}</h1>
        {switch}
        <p class="hint">{lang.t(Msg::CountySettingsHint)}</p>
        <form method="post" action="/staff/county" class="form">
            <Csrf token=csrf.clone() />
            <input type="hidden" name="county" value=id.clone() />
            <label for="hotline">{lang.t(Msg::Hotline)}</label>
            <input id="hotline" name="hotline" type="tel" maxlength="30" inputmode="tel"
                value=stored.hotline placeholder=defaults.hotline />
            <label for="channels">{lang.t(Msg::CountyChannelsLabel)}</label>
            <textarea id="channels" name="channels" rows="4">{stored.channels}</textarea>
            <label for="issuer">{lang.t(Msg::CountyIssuerLabel)}</label>
            <input id="issuer" name="issuer" type="text" maxlength="40" value=stored.issuer
                placeholder=defaults.issuer />
            <label for="notice_prefix">{lang.t(Msg::CountyPrefixLabel)}</label>
            <input id="notice_prefix" name="notice_prefix" type="text" maxlength="12"
                value=stored.notice_prefix placeholder=defaults.notice_prefix />
            <button type="submit">{lang.t(Msg::Save)}</button>
        </form>
        <h2>{lang.t(Msg::CountyDaysTitle)}</h2>
        <p class="hint">{lang.t(Msg::CountyDaysHint)}</p>
        <DaysEditor
            lang
            csrf
            action="/staff/county/holidays"
            county=Some(id)
            days
            label=lang.t(Msg::CountyDaysTitle)
        />
    }
}

/// `GET /staff/county[?county=ID]`.
pub async fn page(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<CountyQuery>,
) -> AppResult<Response> {
    let county = target(&state, &staff, q.county.as_deref()).await?;
    let lang = ctx.lang;
    let stored = cdb::get(&state.db, county.id).await?;
    let settings = &state.site.settings;
    let defaults = county::resolve(
        &CountySettings::default(),
        &county.name_zh,
        &settings.hotline,
        &settings.notice_prefix,
    );
    let others = if *staff.scope() == Scope::All {
        let all = regions::counties(&state.db).await?;
        if all.len() > 1 {
            all.into_iter()
                .map(|c| (c.id, c.name(lang).to_owned()))
                .collect()
        } else {
            vec![]
        }
    } else {
        vec![]
    };
    let days = cdb::holidays(&state.db, county.id).await?;
    let page = |nav, csrf| {
        view! { <CountySettingsPage lang nav csrf county others stored defaults days /> }
    };
    Ok(ctx.staff_page(&staff, lang.t(Msg::CountySettingsTitle), false, page))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    county: String,
    #[serde(default)]
    hotline: String,
    #[serde(default)]
    channels: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    notice_prefix: String,
}

fn back(county: &Region) -> Response {
    Redirect::to(&format!("/staff/county?county={}", county.id)).into_response()
}

/// `POST /staff/county`: saves a county's settings; every public page is rendered again (the
/// county's hotline is in their footer).
pub async fn save(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<SettingsForm>,
) -> AppResult<Response> {
    let county = target(&state, &staff, Some(&form.county)).await?;
    let settings = county::parse(
        &form.hotline,
        &form.channels,
        &form.issuer,
        &form.notice_prefix,
    )
    .map_err(|e| {
        let (field, msg) = error_msg(e);
        AppError::invalid(field, ctx.lang.t(msg))
    })?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    cdb::save(&mut tx, county.id, &settings, staff.staff.id, now).await?;
    let detail = format!(
        "hotline={} issuer={} prefix={} channels={}",
        settings.hotline,
        settings.issuer,
        settings.notice_prefix,
        settings.channels.lines().count()
    );
    audit::record(
        &mut tx,
        &staff.audit(
            "county.settings",
            "region",
            Some(county.id.to_string()),
            None,
            detail,
        ),
        now,
    )
    .await?;
    tx.changed(Change::Regions);
    tx.commit().await?;
    Ok(back(&county))
}

#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    county: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
}

/// Keeps `day` as the county's own holiday or make-up workday (`Some`), or gives it back to the
/// national calendar (`None`), with its row in the audit trail, in one transaction. `false` when
/// there was no such day to give back (nothing is written).
async fn set_day(
    state: &AppState,
    staff: &StaffCtx,
    county: i64,
    day: NaiveDate,
    kind: Option<DayKind>,
) -> AppResult<bool> {
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let (action, kind_name) = match kind {
        Some(kind) => {
            cdb::set_holiday(&mut tx, county, day, kind).await?;
            let name = if kind == DayKind::MakeupWorkday {
                "workday"
            } else {
                "holiday"
            };
            ("county.holiday.set", name)
        }
        None => {
            if !cdb::remove_holiday(&mut tx, county, day).await? {
                return Ok(false);
            }
            ("county.holiday.remove", "")
        }
    };
    let detail = format!("county={county} {kind_name}").trim_end().to_owned();
    let entry = staff.audit(action, "holiday", Some(day.to_string()), None, detail);
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// `POST /staff/county/holidays`: a day the county keeps besides the national calendar.
pub async fn add_day(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<DayForm>,
) -> AppResult<Response> {
    let county = target(&state, &staff, Some(&form.county)).await?;
    let day = parse_day(ctx.lang, &form.day)?;
    set_day(&state, &staff, county.id, day, Some(day_kind(&form.kind))).await?;
    Ok(back(&county))
}

/// `POST /staff/county/holidays/remove`.
pub async fn remove_day(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<DayForm>,
) -> AppResult<Response> {
    let county = target(&state, &staff, Some(&form.county)).await?;
    let day = parse_day(ctx.lang, &form.day)?;
    if !set_day(&state, &staff, county.id, day, None).await? {
        return Err(AppError::NotFound);
    }
    Ok(back(&county))
}
