//! Staff accounts: list, create, edit, reset a password, disable. Admins only; a county admin
//! manages every account, a township admin (if any) only those of the township.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::admin::service::{self, AccountInput, Actor, ServiceError};
use crate::admin::views::{AccountFormPage, AccountFormValues, AccountsPage};
use crate::db::staff::Staff;
use crate::db::{regions, staff as staff_db};
use crate::domain::access::{Perm, Scope};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::forms::SavedQuery;
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::state::AppState;

/// What a staff member's scope is called: their township, their county, or everywhere.
pub async fn scope_label(state: &AppState, lang: Lang, scope: &Scope) -> AppResult<String> {
    match scope {
        Scope::Township(t) => regions::name_of(&state.db, lang, Some(*t)).await,
        Scope::County { id, .. } => regions::name_of(&state.db, lang, Some(*id)).await,
        Scope::Prefecture { code, .. } => prefecture_name(state, lang, code).await,
        Scope::All if regions::counties(&state.db).await?.len() > 1 => {
            Ok(lang.t(Msg::AllCounties).to_owned())
        }
        Scope::All => Ok(lang.t(Msg::WholeCounty).to_owned()),
    }
}

/// A prefecture's name (from the division-code file; else its code).
async fn prefecture_name(state: &AppState, lang: Lang, code: &str) -> AppResult<String> {
    Ok(prefecture_options(state, lang)
        .await?
        .into_iter()
        .find(|(c, _)| c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| name))
}

/// An account's scope as the list shows it.
async fn account_scope(state: &AppState, lang: Lang, s: &Staff) -> AppResult<String> {
    match (s.township_id, s.county_id, &s.prefecture_code) {
        (Some(t), _, _) => regions::name_of(&state.db, lang, Some(t)).await,
        (None, Some(c), _) => regions::name_of(&state.db, lang, Some(c)).await,
        (None, None, Some(p)) => prefecture_name(state, lang, p).await,
        (None, None, None) => scope_label(state, lang, &Scope::All).await,
    }
}

/// The deployment's prefectures (code, name), each holding some of its counties.
async fn prefecture_options(state: &AppState, lang: Lang) -> AppResult<Vec<(String, String)>> {
    let counties = regions::counties(&state.db).await?;
    Ok(regions::by_prefecture(&state.db, &counties)
        .await?
        .into_iter()
        .map(|p| {
            let name = p.name(lang).to_owned();
            (p.code, name)
        })
        .collect())
}

/// The townships a manager may place accounts in.
async fn township_options(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
) -> AppResult<Vec<(i64, String)>> {
    Ok(regions::by_level(&state.db, regions::Level::Township)
        .await?
        .into_iter()
        .filter(|t| staff.scope().reaches(Some(t.id), false))
        .map(|t| (t.id, t.name(lang).to_owned()))
        .collect())
}

/// The counties a manager of the whole deployment may limit an account to (none when the
/// deployment is one county, or the manager is a county's own).
async fn county_options(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
) -> AppResult<Vec<(i64, String)>> {
    let counties = regions::counties(&state.db).await?;
    if counties.len() < 2 || *staff.scope() != Scope::All {
        return Ok(vec![]);
    }
    Ok(counties
        .into_iter()
        .map(|c| (c.id, c.name(lang).to_owned()))
        .collect())
}

/// The account `id`, for a viewer who may manage accounts and whose scope holds it: 404 when
/// there is none, 403 (logged) when it is out of their scope.
async fn managed(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<Staff> {
    staff.require_role(Perm::ManageStaff)?;
    let target = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_manages(staff, &target)?;
    Ok(target)
}

/// A manager reaches an account in their scope: one of their townships, or (a county's
/// administrator) their county's own county-level accounts.
fn require_manages(staff: &StaffCtx, target: &Staff) -> AppResult<()> {
    if staff.scope().holds(target.township_id, target.county_id) {
        Ok(())
    } else {
        tracing::warn!(
            staff_id = staff.staff.id,
            target = target.id,
            "account out of scope"
        );
        Err(AppError::Forbidden)
    }
}

pub async fn accounts(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::ManageStaff)?;
    let lang = ctx.lang;
    let mut rows = Vec::new();
    for s in staff_db::list(&state.db, staff.scope()).await? {
        let scope = account_scope(&state, lang, &s).await?;
        rows.push((s, scope));
    }
    let page = |nav, _| view! { <AccountsPage lang nav accounts=rows /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Accounts), false, page))
}

#[allow(clippy::too_many_arguments)]
async fn account_form(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: Option<i64>,
    values: AccountFormValues,
    errors: service::FieldErrors,
    saved: bool,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let townships = township_options(state, lang, staff).await?;
    let counties = county_options(state, lang, staff).await?;
    // Only the deployment's own administrators place oversight in a prefecture, and only
    // where there are several.
    let mut prefectures = vec![];
    if *staff.scope() == Scope::All {
        prefectures = prefecture_options(state, lang).await?;
        if prefectures.len() < 2 {
            prefectures.clear();
        }
    }
    let failed = !errors.is_empty();
    let page = |nav, csrf| {
        view! { <AccountFormPage lang nav csrf id values errors townships counties prefectures saved /> }
    };
    Ok(ctx.staff_page(staff, lang.t(Msg::Accounts), failed, page))
}

pub async fn new_account(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::ManageStaff)?;
    let values = AccountFormValues {
        role: "township_officer".into(),
        active: true,
        ..Default::default()
    };
    account_form(&state, &ctx, &staff, None, values, vec![], false).await
}

#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    county: String,
    #[serde(default)]
    prefecture: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    active: Option<String>,
}

impl AccountForm {
    fn input(&self, active: bool) -> AccountInput {
        AccountInput {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role.clone(),
            township_id: self.township.trim().parse().ok(),
            village_code: self.village.clone(),
            county_id: self.county.trim().parse().ok(),
            prefecture_code: self.prefecture.clone(),
            email: self.email.clone(),
            active,
        }
    }
}

/// An account as its form shows it when it is opened.
async fn stored_values(state: &AppState, target: Staff) -> AppResult<AccountFormValues> {
    let village_code = match target.village_id {
        Some(id) => regions::by_id(&state.db, id)
            .await?
            .map(|v| v.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(AccountFormValues {
        username: target.username,
        display_name: target.display_name,
        role: target.role.as_str().to_owned(),
        township_id: target.township_id,
        village_code,
        county_id: target.county_id,
        prefecture_code: target.prefecture_code.unwrap_or_default(),
        email: target.email.unwrap_or_default(),
        active: target.active,
    })
}

fn actor(staff: &StaffCtx) -> Actor<'_> {
    Actor {
        staff_id: Some(staff.staff.id),
        name: &staff.staff.username,
        client_addr: staff.client_addr.clone(),
        scope: staff.scope().clone(),
    }
}

pub async fn create_account(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<AccountForm>,
) -> AppResult<Response> {
    staff.require_role(Perm::ManageStaff)?;
    match service::create(&state, &form.input(true), &form.password, &actor(&staff)).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            account_form(&state, &ctx, &staff, None, form.input(true), errors, false).await
        }
        Err(ServiceError::App(e)) => Err(e),
    }
}

pub async fn edit_account(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    let target = managed(&state, &staff, id).await?;
    let values = stored_values(&state, target).await?;
    account_form(&state, &ctx, &staff, Some(id), values, vec![], q.saved()).await
}

pub async fn update_account(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<AccountForm>,
) -> AppResult<Response> {
    let target = managed(&state, &staff, id).await?;
    let active = form.active.is_some();
    let mut input = form.input(active);
    input.username = target.username.clone();
    match service::update(&state, id, &input, &actor(&staff)).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            let mut values = form.input(active);
            values.username = target.username;
            account_form(&state, &ctx, &staff, Some(id), values, errors, false).await
        }
        Err(ServiceError::App(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<PasswordForm>,
) -> AppResult<Response> {
    let target = managed(&state, &staff, id).await?;
    match service::reset_password(&state, id, &form.password, &actor(&staff)).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            let errors = errors
                .into_iter()
                .map(|(_, m)| ("new_password", m))
                .collect();
            let values = stored_values(&state, target).await?;
            account_form(&state, &ctx, &staff, Some(id), values, errors, false).await
        }
        Err(ServiceError::App(e)) => Err(e),
    }
}
