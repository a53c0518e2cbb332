//! Cross-cutting request handling: security headers, cross-site form refusal, error pages.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use crate::error::{AppError, ErrorInfo, ErrorKind};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::{lang_of, PageCtx};
use crate::web::shell::render_document;
use crate::web::shell::ErrorPage;
use crate::web::state::AppState;

/// Adds the security headers every response carries.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let indexable = crate::web::shell::indexable_path(req.uri().path());
    let mut res = next.run(req).await;
    let indexable = indexable && res.status() == axum::http::StatusCode::OK;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::web::assets::csp(state.site.bundle.is_some())),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    // Served over https (the public address says so): browsers keep to https for a year.
    if state.site.settings.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // Names of recipients are public on purpose, but must not end up in search engines: only the
    // pages that list no household (policy, statistics, the home page) may be found there.
    if !indexable {
        h.insert(
            "x-robots-tag",
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    res
}

/// Whether an unsafe request came from a page of this site. Browsers send `Sec-Fetch-Site`
/// (modern) or `Origin` (older); a request with neither (curl, very old browsers) is allowed —
/// staff forms additionally carry a session-bound token.
pub fn is_same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    matches!(origin_host, Some(h) if !host.is_empty() && h.eq_ignore_ascii_case(host))
}

/// Refuses cross-site POST/PUT/PATCH/DELETE with a 403 page (Leptos and axum have no CSRF
/// protection of their own).
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_same_site(req.headers()) {
        tracing::warn!(method = %req.method(), path = req.uri().path(), "cross-site request refused");
        return AppError::CrossSite.into_response();
    }
    next.run(req).await
}

fn error_texts(kind: ErrorKind) -> (Msg, Msg) {
    match kind {
        ErrorKind::NotFound => (Msg::NotFoundTitle, Msg::NotFoundBody),
        ErrorKind::Forbidden => (Msg::ForbiddenTitle, Msg::ForbiddenBody),
        ErrorKind::CrossSite => (Msg::CrossSiteTitle, Msg::CrossSiteBody),
        ErrorKind::BadRequest => (Msg::BadRequestTitle, Msg::BadRequestBody),
        ErrorKind::TooLarge => (Msg::TooLargeTitle, Msg::TooLargeBody),
        ErrorKind::TooMany => (Msg::TooManyTitle, Msg::TooManyBody),
        ErrorKind::Unavailable => (Msg::UnavailableTitle, Msg::UnavailableBody),
        ErrorKind::MethodNotAllowed => (Msg::MethodNotAllowedTitle, Msg::BadRequestBody),
        ErrorKind::Internal => (Msg::ServerErrorTitle, Msg::ServerErrorBody),
    }
}

/// Renders an error page for the given kind in the given language.
pub fn error_page(ctx: &PageCtx, kind: ErrorKind, detail: Option<String>) -> String {
    let lang: Lang = ctx.lang;
    let (title, body) = error_texts(kind);
    let body = detail.unwrap_or_else(|| lang.t(body).to_owned());
    let title = lang.t(title);
    render_document(ctx, title, view! { <ErrorPage lang title body /> })
}

/// Turns every error response that is not already a page or JSON into a page in the visitor's
/// language: our `AppError`s, axum's 404/405/413 and the rate limiter's 429 alike.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let large = crate::web::ctx::large_of(req.headers());
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let info = res.extensions().get::<ErrorInfo>().cloned();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if info.is_none()
        && (content_type.starts_with("text/html") || content_type.starts_with("application/json"))
    {
        return res;
    }
    let (kind, detail) = match info {
        Some(ErrorInfo { kind, detail }) => (kind, detail),
        None => (ErrorKind::from_status(status), None),
    };
    let mut ctx = PageCtx::new(lang, path.clone(), state.site.clone());
    ctx.large = large;
    let html = error_page(&ctx, kind, detail);
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if path.starts_with("/api/") {
        // The open-data API answers in JSON, never HTML.
        let body = serde_json::json!({ "error": status.canonical_reason().unwrap_or("error") });
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return Response::from_parts(parts, Body::from(body.to_string()));
    }
    Response::from_parts(parts, Body::from(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_site_table() {
        let cases: &[(&[(&'static str, &'static str)], bool)] = &[
            (&[], true),
            (&[("sec-fetch-site", "same-origin")], true),
            (&[("sec-fetch-site", "none")], true),
            (&[("sec-fetch-site", "cross-site")], false),
            (&[("sec-fetch-site", "same-site")], false),
            (
                &[("host", "a.example"), ("origin", "https://a.example")],
                true,
            ),
            (
                &[
                    ("host", "127.0.0.1:3000"),
                    ("origin", "http://127.0.0.1:3000"),
                ],
                true,
            ),
            (
                &[("host", "a.example"), ("origin", "https://evil.example")],
                false,
            ),
            (&[("host", "a.example"), ("origin", "null")], false),
            (&[("origin", "https://a.example")], false),
        ];
        for (h, expected) in cases {
            assert_eq!(is_same_site(&headers(h)), *expected, "{h:?}");
        }
    }
}
