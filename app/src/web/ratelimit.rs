//! Client addresses and per-address rate limits (tower_governor).
//!
//! The key is the socket peer address. Only when `SUNSHINE_TRUST_PROXY=1` (our own reverse proxy
//! in front) is `X-Forwarded-For` used, and then its rightmost entry — the one our proxy wrote;
//! entries to its left are whatever the client claimed (BUILD.md: rotating them bypassed limits).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, Request};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::error::AppError;

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

#[derive(Debug, Clone, Copy)]
pub struct ClientIpKey {
    pub trust_proxy: bool,
}

impl KeyExtractor for ClientIpKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        client_ip(req.headers(), req.extensions(), self.trust_proxy)
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

pub type Limiter = GovernorLayer<ClientIpKey, NoOpMiddleware, Body>;

/// A limit of `burst` requests at once, refilled by one every `refill`. Only POSTs count, so
/// reading a form never uses up the quota for sending it.
pub fn limiter(refill: Duration, burst: u32, trust_proxy: bool) -> Limiter {
    let config: Arc<GovernorConfig<ClientIpKey, NoOpMiddleware>> = Arc::new(
        GovernorConfigBuilder::default()
            .period(refill)
            .burst_size(burst.max(1))
            .methods(vec![axum::http::Method::POST])
            .key_extractor(ClientIpKey { trust_proxy })
            .finish()
            // Unreachable: period and burst are non-zero by construction above.
            .unwrap_or_else(unreachable_config),
    );
    // Keep the per-address table from growing without bound.
    let cleanup = config.limiter().clone();
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                cleanup.retain_recent();
            }
        });
    }
    GovernorLayer::new(config).error_handler(|err| match err {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut res = AppError::RateLimited.into_response();
            if let Ok(v) = axum::http::HeaderValue::from_str(&wait_time.to_string()) {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            res
        }
        GovernorError::UnableToExtractKey => {
            AppError::internal("rate limit", "no client address").into_response()
        }
        GovernorError::Other { code, .. } => code.into_response(),
    })
}

fn unreachable_config() -> GovernorConfig<ClientIpKey, NoOpMiddleware> {
    #[allow(clippy::panic)]
    {
        panic!("rate limit configuration with zero period or burst")
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
