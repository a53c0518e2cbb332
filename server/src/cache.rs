//! A small in-memory cache of public pages.
//!
//! Village lists, batch pages, statistics and open data change only when staff change
//! something, so a rendered page is reused until then: every successful POST (every write
//! goes through one) starts a new generation, and the key carries the date (publicity windows
//! count days), the language and the response encoding. Entries also expire after `ttl`, which
//! bounds staleness when several instances share one PostgreSQL database. Only anonymous,
//! cookie-free 200 responses of public paths are kept — never `/report` (its form carries a
//! one-time token), `/track`, or anything under `/staff`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Largest page kept (bigger ones are served, not cached).
const MAX_BODY: usize = 2 * 1024 * 1024;
/// Entries before the cache is emptied and starts again.
const MAX_ENTRIES: usize = 4096;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    lang: String,
    encoding: &'static str,
    generation: u64,
    day: chrono::NaiveDate,
}

struct Entry {
    at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

pub struct PageCache {
    entries: Mutex<HashMap<Key, Arc<Entry>>>,
    generation: AtomicU64,
    ttl: Duration,
}

impl PageCache {
    pub fn new(ttl: Duration) -> Arc<PageCache> {
        Arc::new(PageCache {
            entries: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            ttl,
        })
    }
}

/// Public pages that are the same for every visitor (given language and date).
pub fn cacheable_path(path: &str) -> bool {
    path == "/"
        || ["/v/", "/p/", "/api/v1/", "/policy", "/answers", "/notices"]
            .iter()
            .any(|p| path.starts_with(p))
        || path == "/stats"
        || path == "/poster"
}

fn encoding(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.contains("br") {
        "br"
    } else if accept.contains("gzip") {
        "gzip"
    } else {
        "identity"
    }
}

fn rebuild(e: &Entry) -> Response {
    let mut res = Response::new(Body::from(e.body.clone()));
    *res.status_mut() = e.status;
    *res.headers_mut() = e.headers.clone();
    res
}

pub async fn layer(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method != Method::GET {
        let res = next.run(req).await;
        if method != Method::HEAD && (res.status().is_success() || res.status().is_redirection()) {
            // Something may have changed: pages rendered before are no longer served.
            cache.generation.fetch_add(1, Ordering::SeqCst);
        }
        return res;
    }
    let path = req.uri().path();
    if !cacheable_path(path) {
        return next.run(req).await;
    }
    let key = Key {
        path: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        lang: app::web::ctx::lang_of(req.headers()).code().to_owned(),
        encoding: encoding(req.headers()),
        generation: cache.generation.load(Ordering::SeqCst),
        day: app::db::today_cst(),
    };
    let hit = cache
        .entries
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
        .filter(|e| e.at.elapsed() < cache.ttl);
    if let Some(e) = hit {
        return rebuild(&e);
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "page too large to cache");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let entry = Arc::new(Entry {
        at: Instant::now(),
        status: parts.status,
        headers: parts.headers,
        body,
    });
    if let Ok(mut m) = cache.entries.lock() {
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(key, entry.clone());
    }
    rebuild(&entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_paths_are_cached() {
        for p in [
            "/",
            "/v/530621103201",
            "/p/3",
            "/stats",
            "/api/v1/stats",
            "/policy/rights",
            "/answers",
            "/poster",
        ] {
            assert!(cacheable_path(p), "{p}");
        }
        for p in [
            "/report",
            "/report/receipt",
            "/track",
            "/track/case",
            "/staff",
            "/staff/publicity/1",
            "/lang/en",
            "/healthz",
        ] {
            assert!(!cacheable_path(p), "{p}");
        }
    }
}
