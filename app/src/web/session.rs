//! Passwords, sessions, CSRF tokens and the `StaffCtx` extractor that every staff handler takes.
//!
//! - Passwords: argon2id, always on a blocking thread; an unknown user is checked against a dummy
//!   hash so both failures cost the same and look the same.
//! - Sessions: server-side rows; the cookie carries 32 random bytes, the table their SHA-256.
//!   New id at login (no fixation), idle and absolute expiry, deleted at sign-out.
//! - CSRF: a random token per session, embedded in every staff form and checked by
//!   [`StaffForm`] before the handler runs.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::Cookie;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::db::staff::Staff;
use crate::db::{now_epoch, sessions, staff as staff_db};
use crate::domain::access::{allowed, role_allows, Perm, Scope};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::islands::rules::is_text;
use crate::web::cookies;
use crate::web::ctx::{lang_of, Page, PageCtx};
use crate::web::format::safe_next;
use crate::web::forms::stray_control_refused;
use crate::web::ratelimit::client_ip;
use crate::web::state::AppState;

pub const SESSION_COOKIE: &str = "sunshine_session";
/// A signed-in session ends after this long without a request.
pub const IDLE_SECS: i64 = 2 * 60 * 60;
/// …and in any case this long after sign-in.
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// An anonymous session (the login form's CSRF token) lives this long.
pub const ANON_SECS: i64 = 60 * 60;
/// `last_seen` is written at most this often, not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// 32 random bytes, hex: session ids and CSRF tokens.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hash_blocking(password: &str) -> Result<String, String> {
    let mut salt_bytes = [0u8; 16];
    rand::fill(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::internal("hash task", e))?
        .map_err(|e| AppError::internal("hash password", e))
}

/// A hash of a random password with the same parameters as real ones, so verifying against it
/// takes as long as verifying a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&new_token()).unwrap_or_default())
}

/// Verifies a password on a blocking thread; `None` hash means "no such user" and is checked
/// against the dummy hash (and always fails).
pub async fn verify_password(password: String, hash: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            let _ = verify_blocking(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|e| AppError::internal("verify task", e))
}

/// The session cookie (for the browser session: it ends when the browser closes).
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    cookies::build(SESSION_COOKIE, token, "/", None, secure)
}

pub fn clear_session_cookie(secure: bool) -> Cookie<'static> {
    cookies::build(SESSION_COOKIE, "", "/", Some(0), secure)
}

/// Whether a session row is still alive at `now`.
pub fn session_alive(row: &sessions::SessionRow, now: i64) -> bool {
    now < row.expires_at && (row.staff_id.is_none() || now - row.last_seen < IDLE_SECS)
}

/// The signed-in staff member of this request.
#[derive(Debug, Clone)]
pub struct StaffCtx {
    pub staff: Staff,
    /// Where the member works (from the account's township or county).
    pub scope: Scope,
    /// SHA-256 of the session token, to end the session.
    pub session_hash: String,
    pub csrf: String,
    pub client_addr: Option<String>,
    pub lang: Lang,
}

impl StaffCtx {
    /// The one access decision: may this staff member do `perm` to an object in `target`
    /// (its township, or `None` for objects of the whole deployment)? Refusals are logged.
    pub fn require(&self, perm: Perm, target: Option<i64>) -> AppResult<()> {
        if allowed(self.staff.role, &self.scope, perm, target) {
            Ok(())
        } else {
            tracing::warn!(staff_id = self.staff.id, ?perm, ?target, "access refused");
            Err(AppError::Forbidden)
        }
    }

    /// The same decision without logging: for showing or hiding links and forms.
    pub fn can(&self, perm: Perm, target: Option<i64>) -> bool {
        allowed(self.staff.role, &self.scope, perm, target)
    }

    /// May the member's role do `perm` somewhere in their scope? For lists and pages that
    /// show only what is in scope (each object is checked again when it is acted on).
    pub fn require_role(&self, perm: Perm) -> AppResult<()> {
        if role_allows(self.staff.role, perm) {
            Ok(())
        } else {
            tracing::warn!(staff_id = self.staff.id, ?perm, "access refused");
            Err(AppError::Forbidden)
        }
    }

    /// Whether the member may edit public pages owned by `county` (`None`: the deployment's):
    /// the deployment's editors every page, a county's its own.
    pub fn can_edit_content(&self, county: Option<i64>) -> bool {
        role_allows(self.staff.role, Perm::EditPublicity) && self.scope.holds(None, county)
    }

    /// [`require`](Self::require) (with a township) or [`require_role`](Self::require_role)
    /// (without: a list, filtered by scope) for a township's process records a village
    /// assistant never sees — written notices, re-checks, the draws' pools.
    pub fn require_beyond_village(&self, perm: Perm, township: Option<i64>) -> AppResult<()> {
        match township {
            Some(t) => self.require(perm, Some(t))?,
            None => self.require_role(perm)?,
        }
        if self.staff.village_id.is_some() {
            tracing::warn!(staff_id = self.staff.id, ?perm, "village scope refused");
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// [`require_role`](Self::require_role) without logging.
    pub fn can_role(&self, perm: Perm) -> bool {
        role_allows(self.staff.role, perm)
    }

    /// The region filter for queries.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// [`require`](Self::require) for an object that is the county's once escalated (a
    /// complaint): its township's staff lose it, its county's keep it.
    pub fn require_escalable(
        &self,
        perm: Perm,
        township: Option<i64>,
        escalated: bool,
    ) -> AppResult<()> {
        if self.can_escalable(perm, township, escalated) {
            Ok(())
        } else {
            tracing::warn!(staff_id = self.staff.id, ?perm, ?township, "access refused");
            Err(AppError::Forbidden)
        }
    }

    /// [`require_escalable`](Self::require_escalable) without logging.
    pub fn can_escalable(&self, perm: Perm, township: Option<i64>, escalated: bool) -> bool {
        role_allows(self.staff.role, perm) && self.scope.reaches(township, escalated)
    }

    /// Whether the member works a township's process (its written notices and re-checks): its
    /// officers and the county, not village assistants.
    pub fn processes(&self, township_id: i64) -> bool {
        self.village_scope().is_none()
            && (self.can(Perm::ProcessCases, Some(township_id))
                || self.can(Perm::ApproveCases, Some(township_id)))
    }

    /// The village filter for queries: `Some` only for a village assistant.
    pub fn village_scope(&self) -> Option<i64> {
        self.staff.village_id
    }

    /// [`require`](Self::require) for an object of one village: a village assistant reaches
    /// only their own village.
    pub fn require_village(&self, perm: Perm, township_id: i64, village_id: i64) -> AppResult<()> {
        self.require(perm, Some(township_id))?;
        match self.staff.village_id {
            Some(mine) if mine != village_id => {
                tracing::warn!(
                    staff_id = self.staff.id,
                    village_id,
                    "other village refused"
                );
                Err(AppError::Forbidden)
            }
            _ => Ok(()),
        }
    }

    /// The same decision without logging, for showing or hiding forms.
    pub fn can_village(&self, perm: Perm, township_id: i64, village_id: i64) -> bool {
        self.can(perm, Some(township_id))
            && self.staff.village_id.is_none_or(|mine| mine == village_id)
    }

    /// An audit entry by this staff member.
    pub fn audit<'a>(
        &'a self,
        action: &'a str,
        object_type: &'a str,
        object_id: Option<String>,
        township_id: Option<i64>,
        detail: String,
    ) -> crate::db::audit::Entry<'a> {
        crate::db::audit::Entry {
            staff_id: Some(self.staff.id),
            actor: &self.staff.username,
            action,
            object_type,
            object_id,
            township_id,
            detail,
            client_addr: self.client_addr.clone(),
        }
    }
}

/// Where an account works: its township, else its county (with the county's townships), else
/// its prefecture's counties (an oversight account's), else everywhere.
pub async fn scope_of(state: &AppState, staff: &Staff) -> AppResult<Scope> {
    use crate::db::regions::{county_scope, prefecture_scope};
    Ok(
        match (staff.township_id, staff.county_id, &staff.prefecture_code) {
            (Some(t), _, _) => Scope::Township(t),
            (None, Some(c), _) => county_scope(&state.db, c).await?,
            (None, None, Some(p)) => prefecture_scope(&state.db, p).await?,
            (None, None, None) => Scope::All,
        },
    )
}

/// Not signed in (or the session ended): go to the login page and come back afterwards.
pub struct LoginRedirect(String);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        Redirect::to(&self.0).into_response()
    }
}

pub fn client_addr_string(
    headers: &HeaderMap,
    parts_ext: &axum::http::Extensions,
    trust: bool,
) -> Option<String> {
    client_ip(headers, parts_ext, trust).map(|ip| ip.to_string())
}

/// What a staff page's handler starts from: the application's state, the page's context and
/// the signed-in viewer, extracted in that order (`StaffPage { state, ctx, staff }: StaffPage`).
/// Without a live session it answers as [`StaffCtx`] does: a redirect to sign in.
pub struct StaffPage {
    pub state: AppState,
    pub ctx: PageCtx,
    pub staff: StaffCtx,
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(Page { state, ctx }) = Page::from_request_parts(parts, state).await;
        let staff = StaffCtx::from_request_parts(parts, &state).await?;
        Ok(StaffPage { state, ctx, staff })
    }
}

impl FromRequestParts<AppState> for StaffCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let next = if parts.method == Method::GET {
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/staff")
        } else {
            "/staff"
        };
        let login = LoginRedirect(format!(
            "/staff/login?next={}",
            crate::web::format::encode_query_value(safe_next(Some(next)))
        ));
        let Some(token) = cookies::read(&parts.headers, SESSION_COOKIE) else {
            return Err(login.into_response());
        };
        let hash = token_hash(&token);
        let now = now_epoch();
        let row = sessions::get(&state.db, &hash)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(row) = row.filter(|r| session_alive(r, now)) else {
            return Err(login.into_response());
        };
        let Some(staff_id) = row.staff_id else {
            return Err(login.into_response());
        };
        let staff = staff_db::by_id(&state.db, staff_id)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(staff) = staff.filter(|s| s.active) else {
            return Err(login.into_response());
        };
        let scope = scope_of(state, &staff)
            .await
            .map_err(IntoResponse::into_response)?;
        if now - row.last_seen >= TOUCH_EVERY_SECS {
            sessions::touch(&state.db, &hash, now)
                .await
                .map_err(IntoResponse::into_response)?;
        }
        Ok(StaffCtx {
            staff,
            scope,
            session_hash: hash,
            csrf: row.csrf_token,
            client_addr: client_addr_string(
                &parts.headers,
                &parts.extensions,
                state.site.settings.trust_proxy,
            ),
            lang: lang_of(&parts.headers),
        })
    }
}

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// A staff form POST: signed in, CSRF token checked, body parsed into `T`.
/// Using it is how a staff handler gets its form — the check cannot be forgotten.
pub struct StaffForm<T>(pub StaffCtx, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let staff = StaffCtx::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token: CsrfOnly = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::CrossSite.into_response())?;
        if !constant_time_eq(&token.csrf, &staff.csrf) {
            tracing::warn!(staff_id = staff.staff.id, "csrf token mismatch");
            return Err(AppError::CrossSite.into_response());
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            AppError::invalid("form", crate::i18n::Msg::BadRequestBody.text(staff.lang))
                .into_response()
        })?;
        if pairs.iter().any(|(k, v)| !is_text(k) || !is_text(v)) {
            return Err(stray_control_refused(staff.lang).into_response());
        }
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            tracing::info!(error = %e, "malformed staff form");
            AppError::invalid("form", crate::i18n::Msg::BadRequestBody.text(staff.lang))
                .into_response()
        })?;
        Ok(StaffForm(staff, form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq("", "a"));
    }

    #[test]
    fn hash_and_verify() {
        let h = hash_blocking("correct horse 1").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_blocking("correct horse 1", &h));
        assert!(!verify_blocking("wrong horse 1", &h));
        assert!(!verify_blocking("x", "not a hash"));
    }

    #[test]
    fn session_expiry() {
        let row = |staff_id, last_seen, expires_at| sessions::SessionRow {
            staff_id,
            csrf_token: String::new(),
            created_at: 0,
            last_seen,
            expires_at,
        };
        assert!(session_alive(&row(Some(1), 100, 1000), 200));
        assert!(!session_alive(&row(Some(1), 100, 1000), 1000));
        assert!(!session_alive(&row(Some(1), 0, 100_000), IDLE_SECS));
        // Anonymous rows only expire absolutely.
        assert!(session_alive(&row(None, 0, 100_000), IDLE_SECS));
    }

    #[test]
    fn cookies_are_strict_and_http_only() {
        let c = session_cookie("t", true).to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_cookie("t", false).to_string().contains("Secure"));
    }
}
