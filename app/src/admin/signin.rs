//! Staff sign-in and sign-out. The login form carries the CSRF token of an anonymous session;
//! signing in replaces that session with a new one (no fixation). A failed attempt counts
//! towards the account's lockout and is recorded as a security event — not in the audit trail
//! of staff actions, since the submitted name is whatever a visitor typed.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::admin::views::LoginPage;
use crate::db::security::{self, FailedLogin};
use crate::db::{audit, now_epoch, sessions, staff as staff_db};
use crate::domain::access::lockout_seconds;
use crate::domain::keyed_hash;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::cookies;
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::format::safe_next;
use crate::web::forms::Empty;
use crate::web::session::{
    clear_session_cookie, client_addr_string, constant_time_eq, new_token, session_alive,
    session_cookie, token_hash, verify_password, StaffForm, ABSOLUTE_SECS, ANON_SECS,
    SESSION_COOKIE,
};
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

/// The first characters of what was typed as a user name, marked as cut: enough for a person
/// to recognise a pattern, too little to store whatever an attacker sends.
pub fn username_hint(typed: &str) -> String {
    let mut hint: String = typed.chars().filter(|c| !c.is_control()).take(3).collect();
    if typed.chars().count() > 3 {
        hint.push('…');
    }
    hint
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
    let (token, csrf) = (new_token(), new_token());
    let mut conn = state.db.pool.acquire().await?;
    let expires = now + ANON_SECS;
    sessions::insert(&mut conn, &token_hash(&token), None, &csrf, now, expires).await?;
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
    let page = view! { <LoginPage lang csrf next failed username /> };
    ctx.render(lang.t(Msg::StaffLogin), page).into_response()
}

pub async fn login_form(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let (token, csrf, created) = anon_session(&state, &headers).await?;
    let res = login_page(
        &ctx,
        csrf,
        staff_next(q.next.as_deref()),
        false,
        String::new(),
    );
    if !created {
        return Ok(res);
    }
    let cookie = session_cookie(&token, state.site.settings.secure_cookies);
    Ok(cookies::set(res, &cookie))
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

/// A refused sign-in: the account's failures counted (and a lockout set when they are many;
/// not while it is locked already) and a security event recorded, with the name typed only as
/// a keyed hash and a hint.
async fn record_failure(
    tx: &mut crate::db::tx::Tx,
    state: &AppState,
    account: Option<(&staff_db::Credentials, bool)>,
    username: &str,
    client_addr: Option<&str>,
    now: i64,
) -> AppResult<()> {
    if let Some((c, false)) = account {
        let failures = c.failed_logins + 1;
        let lock = lockout_seconds(u32::try_from(failures).unwrap_or(u32::MAX));
        let until = if lock > 0 { now + lock } else { 0 };
        staff_db::record_login_failure(tx, c.staff.id, failures, until).await?;
    }
    let secret = state.secret.expose().as_bytes();
    let name_key = format!("login-name:{}", username.to_lowercase());
    let event = FailedLogin {
        client_addr,
        staff_id: account.map(|(c, _)| c.staff.id),
        username_hash: &keyed_hash(secret, &name_key),
        username_hint: &username_hint(username),
    };
    security::record_failed_login(tx, &event, now).await
}

/// Checks a sign-in and records its outcome; the new session's token when it succeeded.
async fn sign_in(
    state: &AppState,
    anon_token: &str,
    username: &str,
    password: String,
    client_addr: Option<String>,
) -> AppResult<Option<String>> {
    let now = now_epoch();
    let creds = staff_db::credentials(&state.db, username).await?;
    let locked = creds.as_ref().is_some_and(|c| c.locked_until > now);
    // Always pay for one argon2 verification, whatever the outcome, so timing reveals nothing.
    let hash = creds.as_ref().map(|c| c.password_hash.clone());
    let verified = verify_password(password, hash).await?;
    let mut tx = state.db.begin().await?;
    let staff = match creds {
        Some(c) if verified && !locked && c.staff.active => c.staff,
        creds => {
            let account = creds.as_ref().map(|c| (c, locked));
            record_failure(
                &mut tx,
                state,
                account,
                username,
                client_addr.as_deref(),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
    };
    // A new session id at sign-in: whatever id the browser had before is worthless now.
    sessions::delete(&mut tx, &token_hash(anon_token)).await?;
    let token = new_token();
    let (session, csrf) = (token_hash(&token), new_token());
    sessions::insert(
        &mut tx,
        &session,
        Some(staff.id),
        &csrf,
        now,
        now + ABSOLUTE_SECS,
    )
    .await?;
    staff_db::record_login_success(&mut tx, staff.id).await?;
    let entry = audit::Entry {
        staff_id: Some(staff.id),
        actor: &staff.username,
        action: "login",
        object_type: "session",
        object_id: None,
        township_id: staff.township_id,
        detail: String::new(),
        client_addr,
    };
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    // Housekeeping: forget sessions that ended long ago.
    if let Err(e) = sessions::delete_expired(&state.db, now).await {
        tracing::warn!(error = ?e, "could not delete expired sessions");
    }
    Ok(Some(token))
}

pub async fn login(
    Page { state, ctx }: Page,
    headers: HeaderMap,
    axum::Extension(connect): axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    // The login form must come from our own page: its anonymous session holds the token.
    let anon = match cookies::read(&headers, SESSION_COOKIE) {
        Some(token) => sessions::get(&state.db, &token_hash(&token))
            .await?
            .filter(|r| r.staff_id.is_none() && session_alive(r, now_epoch()))
            .map(|r| (token, r)),
        None => None,
    };
    let Some((anon_token, anon_row)) =
        anon.filter(|(_, r)| constant_time_eq(&r.csrf_token, &form.csrf))
    else {
        return Err(AppError::CrossSite);
    };
    let mut ext = axum::http::Extensions::new();
    ext.insert(connect);
    let client_addr = client_addr_string(&headers, &ext, state.site.settings.trust_proxy);
    let username: String = form.username.trim().chars().take(64).collect();
    let password = form.password.chars().take(256).collect();
    let next = staff_next(form.next.as_deref());
    match sign_in(&state, &anon_token, &username, password, client_addr).await? {
        Some(token) => {
            let cookie = session_cookie(&token, state.site.settings.secure_cookies);
            Ok(cookies::set(Redirect::to(&next).into_response(), &cookie))
        }
        None => {
            let mut res = login_page(&ctx, anon_row.csrf_token, next, true, username);
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(res)
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    sessions::delete(&mut tx, &staff.session_hash).await?;
    let entry = staff.audit(
        "logout",
        "session",
        None,
        staff.scope().township(),
        String::new(),
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    let clear = clear_session_cookie(state.site.settings.secure_cookies);
    Ok(cookies::set(
        Redirect::to("/staff/login").into_response(),
        &clear,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_sign_in_only_staff_pages() {
        assert_eq!(
            staff_next(Some("/staff/complaints/3")),
            "/staff/complaints/3"
        );
        assert_eq!(staff_next(Some("/staff/login")), "/staff");
        assert_eq!(staff_next(Some("/v/530621103201")), "/staff");
        assert_eq!(staff_next(Some("//evil.example")), "/staff");
    }

    #[test]
    fn only_a_hint_of_the_typed_name_is_kept() {
        assert_eq!(username_hint("demo.admin"), "dem…");
        assert_eq!(username_hint("ab"), "ab");
        assert_eq!(username_hint("' OR 1=1 --"), "' O…");
        assert_eq!(username_hint("a\u{0}\u{7}bcdef"), "abc…");
    }
}
