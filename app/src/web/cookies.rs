//! Cookies, read and written with the `cookie` crate (through axum-extra) rather than by hand:
//! parsing, quoting and attribute formatting are its job. Every cookie this site sets is
//! `HttpOnly` and `SameSite=Strict`, and `Secure` whenever the site is served over HTTPS.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::web::state::AppState;

/// The cookie that remembers a visitor's county in a deployment of several counties (its code:
/// not personal, and the same for everyone who chose that county).
pub const COUNTY_COOKIE: &str = "county";

/// The value of one request cookie.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A cookie with this site's attributes: `HttpOnly`, `SameSite=Strict`, `Secure` when `secure`;
/// a `max_age` of `None` lasts for the browser session, `Some(0)` deletes the cookie.
pub fn build(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    secure: bool,
) -> Cookie<'static> {
    let mut c = Cookie::build((name.to_owned(), value.to_owned()))
        .path(path.to_owned())
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    if let Some(secs) = max_age {
        c.set_max_age(cookie::time::Duration::seconds(secs));
    }
    c
}

/// [`build`] with the site's `Secure` setting.
pub fn site_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
) -> Cookie<'static> {
    build(
        name,
        value,
        path,
        max_age,
        state.site.settings.secure_cookies,
    )
}

/// Adds a `Set-Cookie` header to a response.
pub fn set(mut res: Response, cookie: &Cookie<'_>) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Marks a response as never to be cached (receipts, tracking, staff views of a case).
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        let c = build("a", "b c", "/track", Some(600), true).to_string();
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/track",
            "Max-Age=600",
        ] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!build("a", "b", "/", None, false)
            .to_string()
            .contains("Secure"));
        assert!(build("a", "", "/", Some(0), false)
            .to_string()
            .contains("Max-Age=0"));
    }

    #[test]
    fn reads_request_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; sunshine_track=1.2.abc"),
        );
        assert_eq!(read(&h, "sunshine_track").as_deref(), Some("1.2.abc"));
        assert_eq!(read(&h, "lang").as_deref(), Some("en"));
        assert_eq!(read(&h, "nope"), None);
    }
}
