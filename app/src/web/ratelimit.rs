//! Client addresses and per-address rate limits.
//!
//! The key is the socket peer address. Only when `SUNSHINE_TRUST_PROXY=1` (our own reverse proxy
//! in front) is `X-Forwarded-For` used, and then its rightmost entry — the one our proxy wrote;
//! entries to its left are whatever the client claimed (BUILD.md: rotating them bypassed limits).
//!
//! Where the counts are kept follows the database. SQLite is one file served by one process, so
//! its limits count in memory (governor). On PostgreSQL any number of instances may stand behind
//! one proxy, and a limit must hold across them all, whichever instance a request reaches: the
//! counts are rows in the database (`db::ratelimits`: one upsert per limited POST into an
//! UNLOGGED table, so no WAL and no disk flush). A per-instance share (burst ÷ instances) was the other
//! choice; it is wrong as soon as the proxy does not spread one client evenly (sticky or
//! least-connections balancing, an instance taken out), needs the instance count configured,
//! and gives a lone reporter a fifth of the burst on a five-instance site. Limited POSTs are
//! writes already (reports, tracking notes, sign-ins), so one more short statement is cheap.
//! If the counters do not answer within 250 ms the request is let through (it needs the same
//! database and will say 503 itself, keeping what a reporter typed) and a warning is logged;
//! waiting the pool's full 2 s first would double the time a visitor waits for that 503.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Secret;
use crate::db::ratelimits::{self, Verdict};
use crate::db::{Backend, Db};
use crate::domain::keyed_hash;
use crate::error::AppError;
use crate::web::state::AppState;

/// The client's address as far as we can trust it.
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

enum Counters {
    Memory(DefaultKeyedRateLimiter<IpAddr>),
    Shared { db: Db, secret: Arc<Secret> },
}

struct Inner {
    name: &'static str,
    refill: Duration,
    burst: u32,
    trust_proxy: bool,
    counters: Counters,
}

/// One limit (e.g. reports): `burst` POSTs at once per client address, then one more every
/// `refill`. Only POSTs count, so reading a form never uses up the quota for sending it. Put on
/// a route with `axum::middleware::from_fn_with_state(limit, enforce)`.
#[derive(Clone)]
pub struct RateLimit(Arc<Inner>);

/// How long a request waits for the shared counters before it is let through.
const COUNTER_LIMIT: Duration = Duration::from_millis(250);

/// How often expired counters are cleared away.
const PURGE_EVERY: Duration = Duration::from_secs(60);

impl RateLimit {
    /// A limit named `name` (the bucket prefix in the database), counted where `state`'s
    /// database says (see the module documentation).
    pub fn new(state: &AppState, name: &'static str, refill: Duration, burst: u32) -> RateLimit {
        let burst = burst.max(1);
        let refill =
            refill.max(Duration::from_millis(1)) * state.site.settings.rate_refill_factor.max(1);
        let counters = match state.db.backend {
            Backend::Sqlite => {
                let quota = Quota::with_period(refill)
                    .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                    .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
                Counters::Memory(RateLimiter::keyed(quota))
            }
            Backend::Postgres => Counters::Shared {
                db: state.db.clone(),
                secret: state.secret.clone(),
            },
        };
        let limit = RateLimit(Arc::new(Inner {
            name,
            refill,
            burst,
            trust_proxy: state.site.settings.trust_proxy,
            counters,
        }));
        // Keep the counters from growing without bound; the task ends with the router.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(purge(Arc::downgrade(&limit.0)));
        }
        limit
    }

    /// `None` when the request may go ahead, else how long the client should wait.
    async fn check(&self, ip: IpAddr) -> Option<Duration> {
        let inner = &self.0;
        match &inner.counters {
            Counters::Memory(limiter) => limiter
                .check_key(&ip)
                .err()
                .map(|not_until| not_until.wait_time_from(DefaultClock::default().now())),
            Counters::Shared { db, secret } => {
                // The address itself is not stored: a keyed hash of it, per limit.
                let hash = keyed_hash(secret.expose().as_bytes(), &format!("ratelimit:{ip}"));
                let bucket = format!("{}:{}", inner.name, &hash[..32]);
                let now_ms = chrono::Utc::now().timestamp_millis();
                let period_ms = i64::try_from(inner.refill.as_millis()).unwrap_or(i64::MAX);
                let burst = i64::from(inner.burst);
                let counted = ratelimits::hit(db, &bucket, now_ms, period_ms, burst);
                match tokio::time::timeout(COUNTER_LIMIT, counted).await {
                    Ok(Ok(Verdict::Allowed)) => None,
                    Ok(Ok(Verdict::Refused { retry_after_ms })) => Some(Duration::from_millis(
                        u64::try_from(retry_after_ms).unwrap_or(1),
                    )),
                    Ok(Err(e)) => {
                        tracing::warn!(limit = inner.name, error = %e, "rate-limit counters unavailable; request let through");
                        None
                    }
                    Err(_) => {
                        tracing::warn!(
                            limit = inner.name,
                            "rate-limit counters slow; request let through"
                        );
                        None
                    }
                }
            }
        }
    }
}

async fn purge(limit: Weak<Inner>) {
    let mut tick = tokio::time::interval(PURGE_EVERY);
    tick.tick().await;
    loop {
        tick.tick().await;
        let Some(inner) = limit.upgrade() else {
            return;
        };
        match &inner.counters {
            Counters::Memory(limiter) => limiter.retain_recent(),
            Counters::Shared { db, .. } => {
                let now_ms = chrono::Utc::now().timestamp_millis();
                if let Err(e) = ratelimits::purge(db, now_ms).await {
                    tracing::warn!(error = %e, "could not purge rate-limit counters");
                }
            }
        }
    }
}

/// The middleware: counts a POST against the limit, or answers 429 with `Retry-After`.
pub async fn enforce(State(limit): State<RateLimit>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(ip) = client_ip(req.headers(), req.extensions(), limit.0.trust_proxy) else {
        return AppError::internal("rate limit", "no client address").into_response();
    };
    match limit.check(ip).await {
        None => next.run(req).await,
        Some(wait) => {
            tracing::info!(limit = limit.0.name, "rate limited");
            let mut res = AppError::RateLimited.into_response();
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ext(addr: &str) -> Extensions {
        let mut e = Extensions::new();
        e.insert(ConnectInfo(addr.parse::<SocketAddr>().expect("addr")));
        e
    }

    #[test]
    fn peer_address_unless_proxy_trusted() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 2.2.2.2"),
        );
        let e = ext("10.0.0.9:5555");
        assert_eq!(
            client_ip(&h, &e, false),
            Some("10.0.0.9".parse().expect("ip"))
        );
        // Rightmost: the address our proxy saw; the client-chosen 1.1.1.1 is ignored.
        assert_eq!(
            client_ip(&h, &e, true),
            Some("2.2.2.2".parse().expect("ip"))
        );
        assert_eq!(
            client_ip(&HeaderMap::new(), &e, true),
            Some("10.0.0.9".parse().expect("ip"))
        );
        assert_eq!(
            client_ip(&HeaderMap::new(), &Extensions::new(), false),
            None
        );
    }
}
