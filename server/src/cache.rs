//! The public page cache (moka).
//!
//! Village lists, batch pages, statistics, draws, content pages and open data are the same for every
//! visitor of a language on a day, and change only when someone writes. So a rendered page is
//! kept under its path and query, the visitor's language and edition (大字版 or not), the
//! response encoding and the date (publicity windows count days: a page kept yesterday is not
//! served today), plus the generation of its [`Topic`] — the group of pages it belongs to
//! (`topic_of`). A committed write announces the topics it touched (`app::db::changes`, the
//! invalidation map) and they get a new generation: this instance's before the writing handler
//! answers (a publish shows at once), other instances' when PostgreSQL's notification reaches
//! them (milliseconds). Pages of other topics stay. A render that raced a write is kept under
//! the old generation, which no request asks for again, so no stale copy survives a change.
//!
//! Misses are coalesced: one render per key at a time; concurrent requests for it wait for
//! that render (moka's single flight) instead of rendering the same page side by side. Every
//! response says which it was in `x-cache: hit|miss`.
//!
//! Entries also expire after the page TTL (`SUNSHINE_PAGE_TTL_SECS`, 10 s): an open list shows
//! the time left to the second, and that bounds how old the countdown may read. It is not how
//! changes reach visitors.
//!
//! Only anonymous 200 responses without `Set-Cookie` of the public paths `topic_of` names are
//! kept — never `/report` (its form carries a one-time token), `/track`, or anything under
//! `/staff`; nothing personal is on those pages.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use moka::future::Cache;

use app::db::changes::{ChangeSink, Topic};
use app::db::content::Kind;
use app::db::Db;
use app::error::AppError;

/// Largest page kept (bigger ones are an error: no public page comes near it).
const MAX_BODY: usize = 8 * 1024 * 1024;
/// Bytes of pages kept; the least useful go first (TinyLFU).
const CAPACITY_BYTES: u64 = 128 * 1024 * 1024;
/// Topics whose generation is remembered before the table starts again (with a new epoch, so
/// no page kept under a forgotten generation is served).
const MAX_TOPICS: usize = 100_000;

/// The header that tells a kept page (`hit`) from one rendered for this request (`miss`).
pub const X_CACHE: &str = "x-cache";

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct PageKey {
    path: String,
    lang: &'static str,
    /// The large-text edition (大字版) is the same page with another class on `<html>`.
    large: bool,
    encoding: &'static str,
    day: chrono::NaiveDate,
    epoch: u64,
    generation: u64,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// A render that may not be kept (an error page, a cookie): handed back to the request that
/// rendered it. Other requests waiting for the same key render their own.
struct NotKept(Mutex<Option<Response>>);

pub struct PageCache {
    pages: Cache<PageKey, Arc<Page>>,
    generations: RwLock<HashMap<Topic, u64>>,
    /// Changes when everything is dropped at once.
    epoch: AtomicU64,
    /// Source of generation numbers (never reused, so a topic never returns to an old one).
    counter: AtomicU64,
    /// Renders read the replica through it when one is configured and caught up.
    db: Db,
}

/// The topic a public path's page belongs to; `None` for paths that are never cached.
pub fn topic_of(path: &str) -> Option<Topic> {
    let one_segment = |s: &str| (!s.is_empty() && !s.contains('/')).then(|| s.to_owned());
    match path {
        "/" | "/poster" | "/counties" => return Some(Topic::Home),
        "/stats" | "/api/v1/stats" => return Some(Topic::Statistics),
        _ => {}
    }
    for kind in Kind::ALL {
        if path == kind.path() {
            return Some(Topic::PageList(kind));
        }
        if let Some(slug) = path
            .strip_prefix(kind.path())
            .and_then(|r| r.strip_prefix('/'))
        {
            return one_segment(slug).map(|s| Topic::Page(kind, s));
        }
    }
    if let Some(code) = path.strip_prefix("/v/") {
        return one_segment(code).map(Topic::Village);
    }
    if let Some(code) = path.strip_prefix("/c/") {
        if let Some(code) = code.strip_suffix("/stats") {
            return one_segment(code).map(|_| Topic::Statistics);
        }
        return one_segment(code).map(|_| Topic::Home);
    }
    if let Some(code) = path.strip_prefix("/m/") {
        return code
            .strip_suffix("/stats")
            .and_then(one_segment)
            .map(|_| Topic::Statistics);
    }
    if path == "/draws" {
        return Some(Topic::Draws);
    }
    if let Some(id) = path.strip_prefix("/draws/") {
        return one_segment(id).map(|_| Topic::Draws);
    }
    if let Some(id) = path.strip_prefix("/p/") {
        return id.parse().ok().map(Topic::Batch);
    }
    if let Some(rest) = path.strip_prefix("/api/v1/villages/") {
        return rest
            .strip_suffix("/summary")
            .and_then(one_segment)
            .map(Topic::Village);
    }
    if let Some(rest) = path.strip_prefix("/api/v1/townships/") {
        return rest
            .strip_suffix("/summary")
            .and_then(one_segment)
            .map(Topic::Township);
    }
    None
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

impl PageCache {
    pub fn new(db: Db, ttl: Duration) -> Arc<PageCache> {
        let pages = Cache::builder()
            .max_capacity(CAPACITY_BYTES)
            .weigher(|k: &PageKey, v: &Arc<Page>| {
                u32::try_from(k.path.len() + v.body.len() + 512).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl)
            .build();
        Arc::new(PageCache {
            pages,
            generations: RwLock::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            counter: AtomicU64::new(0),
            db,
        })
    }

    fn generation(&self, topic: &Topic) -> u64 {
        match self.generations.read() {
            Ok(g) => g.get(topic).copied().unwrap_or(0),
            Err(p) => p.into_inner().get(topic).copied().unwrap_or(0),
        }
    }

    fn key(&self, req: &Request, topic: &Topic, day: chrono::NaiveDate) -> PageKey {
        // The epoch is read after the generation: a drop-everything in between only costs a miss.
        let generation = self.generation(topic);
        PageKey {
            path: req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            lang: app::web::ctx::lang_of(req.headers()).code(),
            large: app::web::ctx::large_of(req.headers()),
            encoding: encoding(req.headers()),
            day,
            epoch: self.epoch.load(Ordering::SeqCst),
            generation,
        }
    }

    /// Renders a page for the cache: from the replica when it has every change heard of.
    async fn render(&self, req: Request, next: Next) -> Result<Arc<Page>, Arc<NotKept>> {
        let res = if self.db.replica_ready().await {
            app::db::replica::public_read(next.run(req)).await
        } else {
            next.run(req).await
        };
        let not_kept = |res: Response| Arc::new(NotKept(Mutex::new(Some(res))));
        if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
            return Err(not_kept(res));
        }
        let (parts, body) = res.into_parts();
        match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(body) => Ok(Arc::new(Page {
                status: parts.status,
                headers: parts.headers,
                body,
            })),
            Err(e) => Err(not_kept(
                AppError::internal("page too large to cache", e).into_response(),
            )),
        }
    }
}

impl ChangeSink for PageCache {
    fn changed(&self, topics: &[Topic]) {
        if topics.contains(&Topic::Everything) {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            return;
        }
        let mut g = match self.generations.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if g.len() + topics.len() > MAX_TOPICS {
            g.clear();
            self.epoch.fetch_add(1, Ordering::SeqCst);
        }
        for t in topics {
            let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
            g.insert(t.clone(), n);
        }
    }
}

fn respond(page: &Page, how: &'static str) -> Response {
    let mut res = Response::new(Body::from(page.body.clone()));
    *res.status_mut() = page.status;
    *res.headers_mut() = page.headers.clone();
    res.headers_mut()
        .insert(X_CACHE, HeaderValue::from_static(how));
    res
}

pub async fn layer(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let Some(topic) = topic_of(req.uri().path()) else {
        return next.run(req).await;
    };
    // A visitor who asked to remember their county is sent there from `/`: not a shared page.
    if req.uri().path() == "/"
        && app::web::cookies::read(req.headers(), app::web::cookies::COUNTY_COOKIE).is_some()
    {
        return next.run(req).await;
    }
    let key = cache.key(&req, &topic, app::db::today_cst());
    // Whichever request runs the render takes its own request out of here; the others keep
    // theirs, in case that render cannot be kept and they must render for themselves.
    let mut own = Some((req, next));
    let kept = cache
        .pages
        .entry(key)
        .or_try_insert_with(async {
            match own.take() {
                Some((req, next)) => cache.render(req, next).await,
                None => Err(Arc::new(NotKept(Mutex::new(None)))),
            }
        })
        .await;
    match kept {
        Ok(entry) => {
            let how = if entry.is_fresh() { "miss" } else { "hit" };
            respond(entry.value(), how)
        }
        Err(not_kept) => match own.take() {
            Some((req, next)) => next.run(req).await,
            None => not_kept
                .0
                .lock()
                .ok()
                .and_then(|mut r| r.take())
                .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_paths_are_cached() {
        let cases = [
            ("/", Some(Topic::Home)),
            ("/counties", Some(Topic::Home)),
            ("/c/530621000000", Some(Topic::Home)),
            ("/c/530621000000/remember", None),
            ("/c/530621000000/stats", Some(Topic::Statistics)),
            ("/m/530600000000/stats", Some(Topic::Statistics)),
            ("/m/530600000000", None),
            ("/poster", Some(Topic::Home)),
            (
                "/v/530621103201",
                Some(Topic::Village("530621103201".into())),
            ),
            (
                "/api/v1/villages/530621103201/summary",
                Some(Topic::Village("530621103201".into())),
            ),
            (
                "/api/v1/townships/530621103000/summary",
                Some(Topic::Township("530621103000".into())),
            ),
            ("/p/3", Some(Topic::Batch(3))),
            ("/draws", Some(Topic::Draws)),
            ("/draws/7", Some(Topic::Draws)),
            ("/draws/7.json", Some(Topic::Draws)),
            ("/stats", Some(Topic::Statistics)),
            ("/api/v1/stats", Some(Topic::Statistics)),
            ("/policy", Some(Topic::PageList(Kind::Policy))),
            ("/answers", Some(Topic::PageList(Kind::Answer))),
            ("/notices", Some(Topic::PageList(Kind::Notice))),
            (
                "/policy/rights",
                Some(Topic::Page(Kind::Policy, "rights".into())),
            ),
            (
                "/notices/n-1",
                Some(Topic::Page(Kind::Notice, "n-1".into())),
            ),
        ];
        for (path, topic) in cases {
            assert_eq!(topic_of(path), topic, "{path}");
        }
        for p in [
            "/report",
            "/report/receipt",
            "/track",
            "/track/case",
            "/track/info",
            "/staff",
            "/staff/publicity/1",
            "/lang/en",
            "/healthz",
            "/readyz",
            "/p/x",
            "/draws/",
            "/draws/7/x",
            "/v/",
            "/v/1/2",
            "/policyx",
            "/api/v1/villages/1",
            "/pkg/boot.js",
        ] {
            assert_eq!(topic_of(p), None, "{p}");
        }
    }

    fn request(path: &str, cookie: Option<&str>, accept: &str) -> Request {
        let mut b = Request::builder()
            .uri(path)
            .header(header::ACCEPT_ENCODING, accept);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        b.body(Body::empty()).expect("request")
    }

    async fn cache() -> Arc<PageCache> {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("db");
        PageCache::new(db, Duration::from_secs(60))
    }

    #[tokio::test]
    async fn keys_hold_the_day_language_encoding_and_generation() {
        let cache = cache().await;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let v = Topic::Village("530621103201".into());
        let zh = request("/v/530621103201", None, "gzip");
        let key = cache.key(&zh, &v, day);
        assert_eq!(cache.key(&zh, &v, day), key);
        let next_day = day.succ_opt().expect("day");
        assert_ne!(
            cache.key(&zh, &v, next_day),
            key,
            "yesterday's page is not today's"
        );
        let en = request("/v/530621103201", Some("lang=en"), "gzip");
        assert_ne!(cache.key(&en, &v, day), key);
        // The large-text edition is kept apart: nobody gets the other edition from the cache.
        let large = request("/v/530621103201", Some("large=1"), "gzip");
        assert_ne!(cache.key(&large, &v, day), key);
        let not_large = request("/v/530621103201", Some("large=0"), "gzip");
        assert_eq!(cache.key(&not_large, &v, day), key);
        assert_ne!(
            cache.key(&request("/v/530621103201", None, "br"), &v, day),
            key
        );
        assert_ne!(
            cache.key(&request("/v/530621103201?q=a", None, "gzip"), &v, day),
            key
        );
        // A change to another topic leaves the key; one to its own topic moves it.
        cache.changed(&[Topic::Village("530621103202".into()), Topic::Statistics]);
        assert_eq!(cache.key(&zh, &v, day), key);
        cache.changed(std::slice::from_ref(&v));
        let moved = cache.key(&zh, &v, day);
        assert_ne!(moved, key);
        cache.changed(&[Topic::Everything]);
        assert_ne!(cache.key(&zh, &v, day), moved);
    }
}
