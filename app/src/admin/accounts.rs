//! Handlers for sign-in/out, the dashboard, accounts and the audit trail.
//! Each handler's first line decides access (`staff.require(…)`).

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::admin::service::{self, AccountInput, Actor, ServiceError};
use crate::admin::views::{
    AccountFormPage, AccountFormValues, AccountsPage, AuditPage, DashboardPage, LoginPage,
};
use crate::db::{audit, now_epoch, regions, sessions, staff as staff_db};
use crate::domain::access::{lockout_seconds, Perm};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::cookies;
use crate::web::ctx::PageCtx;
use crate::web::format::safe_next;
use crate::web::session::{
    clear_session_cookie, client_addr_string, new_token, session_alive, session_cookie, token_hash,
    verify_password, StaffCtx, StaffForm, ABSOLUTE_SECS, ANON_SECS, SESSION_COOKIE,
};
use crate::web::shell::nav;
use crate::web::state::AppState;

/// Where to go after sign-in: only staff pages.
fn staff_next(next: Option<&str>) -> String {
    let n = safe_next(next);
    if n == "/staff" || n.starts_with("/staff/") && !n.starts_with("/staff/login") {
        n.to_owned()
    } else {
        "/staff".to_owned()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The anonymous session of this visitor (for the login form's CSRF token), creating one when
/// there is none. Returns (token, csrf, created).
async fn anon_session(state: &AppState, headers: &HeaderMap) -> AppResult<(String, String, bool)> {
    let now = now_epoch();
    if let Some(token) = cookies::read(headers, SESSION_COOKIE) {
        if let Some(row) = sessions::get(&state.db, &token_hash(&token)).await? {
            if row.staff_id.is_none() && session_alive(&row, now) {
                return Ok((token, row.csrf_token, false));
            }
        }
    }
    let token = new_token();
    let csrf = new_token();
    let mut conn = state.db.pool.acquire().await?;
    sessions::insert(
        &mut conn,
        &token_hash(&token),
        None,
        &csrf,
        now,
        now + ANON_SECS,
    )
    .await?;
    Ok((token, csrf, true))
}

fn login_page(
    ctx: &PageCtx,
    csrf: String,
    next: String,
    failed: bool,
    username: String,
) -> Response {
    let lang = ctx.lang;
    ctx.render(
        lang.t(Msg::StaffLogin),
        view! { <LoginPage lang csrf next failed username /> },
    )
    .into_response()
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let (token, csrf, created) = anon_session(&state, &headers).await?;
    let next = staff_next(q.next.as_deref());
    let res = login_page(&ctx, csrf, next, false, String::new());
    Ok(if created {
        cookies::set(
            res,
            &session_cookie(&token, state.site.settings.secure_cookies),
        )
    } else {
        res
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    axum::Extension(connect): axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = now_epoch();
    let secure = state.site.settings.secure_cookies;
    // The login form must come from our own page: its anonymous session holds the token.
    let anon = match cookies::read(&headers, SESSION_COOKIE) {
        Some(token) => sessions::get(&state.db, &token_hash(&token))
            .await?
            .filter(|r| r.staff_id.is_none() && session_alive(r, now))
            .map(|r| (token.to_owned(), r)),
        None => None,
    };
    let Some((anon_token, anon_row)) =
        anon.filter(|(_, r)| crate::web::session::constant_time_eq(&r.csrf_token, &form.csrf))
    else {
        return Err(AppError::CrossSite);
    };
    let mut ext = axum::http::Extensions::new();
    ext.insert(connect);
    let client_addr = client_addr_string(&headers, &ext, state.site.settings.trust_proxy);
    let username: String = form.username.trim().chars().take(64).collect();
    let creds = staff_db::credentials(&state.db, &username).await?;
    let locked = creds.as_ref().is_some_and(|c| c.locked_until > now);
    // Always pay for one argon2 verification, whatever the outcome, so timing reveals nothing.
    let verified = verify_password(
        form.password.chars().take(256).collect(),
        creds.as_ref().map(|c| c.password_hash.clone()),
    )
    .await?;
    let ok = verified && !locked && creds.as_ref().is_some_and(|c| c.staff.active);
    let mut tx = state.db.begin().await?;
    let staff = match (ok, creds) {
        (true, Some(c)) => c.staff,
        (_, creds) => {
            if let Some(c) = &creds {
                if !locked {
                    let failures = c.failed_logins + 1;
                    let lock = lockout_seconds(u32::try_from(failures).unwrap_or(u32::MAX));
                    let until = if lock > 0 { now + lock } else { 0 };
                    staff_db::record_login_failure(&mut tx, c.staff.id, failures, until).await?;
                }
            }
            audit::record(
                &mut tx,
                &audit::Entry {
                    staff_id: creds.as_ref().map(|c| c.staff.id),
                    actor: &username,
                    action: "login.failed",
                    object_type: "session",
                    object_id: None,
                    township_id: creds.as_ref().and_then(|c| c.staff.township_id),
                    detail: String::new(),
                    client_addr,
                },
                now,
            )
            .await?;
            tx.commit().await?;
            let next = staff_next(form.next.as_deref());
            let mut res = login_page(&ctx, anon_row.csrf_token, next, true, username);
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            return Ok(res);
        }
    };
    // A new session id at sign-in: whatever id the browser had before is worthless now.
    sessions::delete(&mut tx, &token_hash(&anon_token)).await?;
    let token = new_token();
    sessions::insert(
        &mut tx,
        &token_hash(&token),
        Some(staff.id),
        &new_token(),
        now,
        now + ABSOLUTE_SECS,
    )
    .await?;
    staff_db::record_login_success(&mut tx, staff.id).await?;
    audit::record(
        &mut tx,
        &audit::Entry {
            staff_id: Some(staff.id),
            actor: &staff.username,
            action: "login",
            object_type: "session",
            object_id: None,
            township_id: staff.township_id,
            detail: String::new(),
            client_addr,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // Housekeeping: forget sessions that ended long ago.
    if let Err(e) = sessions::delete_expired(&state.db, now).await {
        tracing::warn!(error = ?e, "could not delete expired sessions");
    }
    let res = Redirect::to(&staff_next(form.next.as_deref())).into_response();
    Ok(cookies::set(res, &session_cookie(&token, secure)))
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    sessions::delete(&mut tx, &staff.session_hash).await?;
    audit::record(
        &mut tx,
        &staff.audit("logout", "session", None, staff.scope(), String::new()),
        now,
    )
    .await?;
    tx.commit().await?;
    let res = Redirect::to("/staff/login").into_response();
    Ok(cookies::set(
        res,
        &clear_session_cookie(state.site.settings.secure_cookies),
    ))
}

/// Display name of a scope: the township's name, or "whole county".
async fn scope_name(state: &AppState, lang: Lang, township_id: Option<i64>) -> AppResult<String> {
    Ok(match township_id {
        None => lang.t(Msg::WholeCounty).to_owned(),
        Some(id) => regions::by_id(&state.db, id)
            .await?
            .map(|r| lang.pick(&r.name_zh, r.name_en.as_deref()).to_owned())
            .unwrap_or_default(),
    })
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::ViewDashboard, staff.scope())?;
    let lang = ctx.lang;
    let scope = scope_name(&state, lang, staff.scope()).await?;
    let villages = regions::villages_in_scope(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|v| {
            (
                v.code.clone(),
                lang.pick(&v.name_zh, v.name_en.as_deref()).to_owned(),
            )
        })
        .collect();
    let nav = nav(&staff);
    let member = staff.staff.clone();
    Ok(ctx
        .render(
            lang.t(Msg::Dashboard),
            view! { <DashboardPage lang nav staff=member scope villages /> },
        )
        .into_response())
}

async fn township_options(state: &AppState, lang: Lang) -> AppResult<Vec<(i64, String)>> {
    Ok(regions::by_level(&state.db, regions::Level::Township)
        .await?
        .into_iter()
        .map(|t| (t.id, lang.pick(&t.name_zh, t.name_en.as_deref()).to_owned()))
        .collect())
}

pub async fn accounts(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let lang = ctx.lang;
    let mut rows = Vec::new();
    for s in staff_db::list(&state.db, staff.scope()).await? {
        let scope = scope_name(&state, lang, s.township_id).await?;
        rows.push((s, scope));
    }
    let nav = nav(&staff);
    Ok(ctx
        .render(
            lang.t(Msg::Accounts),
            view! { <AccountsPage lang nav accounts=rows /> },
        )
        .into_response())
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
    let townships = township_options(state, lang).await?;
    let nav = nav(staff);
    let csrf = staff.csrf.clone();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = lang.t(Msg::Accounts);
    let mut res = ctx
        .render(
            title,
            view! { <AccountFormPage lang nav csrf id values errors townships saved /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new_account(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
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
            email: self.email.clone(),
            active,
        }
    }

    fn values(&self, active: bool) -> AccountFormValues {
        AccountFormValues {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role.clone(),
            township_id: self.township.trim().parse().ok(),
            email: self.email.clone(),
            active,
        }
    }
}

fn actor(staff: &StaffCtx) -> Actor<'_> {
    Actor {
        staff_id: Some(staff.staff.id),
        name: &staff.staff.username,
        client_addr: staff.client_addr.clone(),
    }
}

pub async fn create_account(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, form): StaffForm<AccountForm>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    match service::create(&state, &form.input(true), &form.password, &actor(&staff)).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            account_form(&state, &ctx, &staff, None, form.values(true), errors, false).await
        }
        Err(ServiceError::App(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn edit_account(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let target = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ManageStaff, target.township_id)?;
    let values = AccountFormValues {
        username: target.username,
        display_name: target.display_name,
        role: target.role.as_str().to_owned(),
        township_id: target.township_id,
        email: target.email.unwrap_or_default(),
        active: target.active,
    };
    account_form(
        &state,
        &ctx,
        &staff,
        Some(id),
        values,
        vec![],
        q.saved.is_some(),
    )
    .await
}

pub async fn update_account(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<AccountForm>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let target = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ManageStaff, target.township_id)?;
    let active = form.active.is_some();
    let mut input = form.input(active);
    input.username = target.username.clone();
    match service::update(&state, id, &input, &actor(&staff)).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            let mut values = form.values(active);
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
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<PasswordForm>,
) -> AppResult<Response> {
    staff.require(Perm::ManageStaff, None)?;
    let target = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ManageStaff, target.township_id)?;
    match service::reset_password(&state, id, &form.password, &actor(&staff)).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/accounts/{id}?saved=1")).into_response()),
        Err(ServiceError::Fields(errors)) => {
            let errors = errors
                .into_iter()
                .map(|(_, m)| ("new_password", m))
                .collect();
            let values = AccountFormValues {
                username: target.username,
                display_name: target.display_name,
                role: target.role.as_str().to_owned(),
                township_id: target.township_id,
                email: target.email.unwrap_or_default(),
                active: target.active,
            };
            account_form(&state, &ctx, &staff, Some(id), values, errors, false).await
        }
        Err(ServiceError::App(e)) => Err(e),
    }
}

pub async fn audit_log(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::ViewAudit, staff.scope())?;
    let rows = audit::list(&state.db, staff.scope(), 200).await?;
    let lang = ctx.lang;
    let nav = nav(&staff);
    Ok(ctx
        .render(lang.t(Msg::AuditLog), view! { <AuditPage lang nav rows /> })
        .into_response())
}
