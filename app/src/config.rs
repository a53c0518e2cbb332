//! Values shared by every request: the secret key and the site's public settings.

use std::fmt;

/// A secret string (server key, database URL with a password, SMTP URL). `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Public facts about this deployment, shown on pages.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Complaint hotline printed in the footer and on notices.
    pub hotline: String,
    /// Whether cookies get the `Secure` attribute (false only for plain http on loopback).
    pub secure_cookies: bool,
    /// Behind our own reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Multiplies every rate limit's burst (1 in production; raised for browser tests and
    /// load tests that send many requests from one address).
    pub rate_burst_factor: u32,
    /// Multiplies every rate limit's refill period (1 in production; raised for tests that must
    /// not see a token come back during a slow run).
    pub rate_refill_factor: u32,
    /// How names are masked on public pages (default `张*明`).
    pub mask_policy: crate::domain::MaskPolicy,
    /// Public address of the site, for QR codes on printed notices (no trailing slash).
    pub public_url: String,
    /// Length of the 审核/审批 publicity window in days (7 by the rules).
    pub window_days: u32,
    /// Whether complaint deadlines count calendar days (default) or working days.
    pub deadline_count: crate::domain::DayCount,
    /// Re-check intervals by category and the 渐退 grace period.
    pub recheck: crate::domain::recheck::Schedule,
    /// The document prefix of written notices, e.g. `鲁民低告` (鲁民低告〔2026〕12号).
    pub notice_prefix: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            hotline: "12345".to_owned(),
            secure_cookies: false,
            trust_proxy: false,
            rate_burst_factor: 1,
            rate_refill_factor: 1,
            mask_policy: crate::domain::MaskPolicy::Middle,
            public_url: "http://127.0.0.1:3000".to_owned(),
            window_days: 7,
            deadline_count: crate::domain::DayCount::Calendar,
            recheck: crate::domain::recheck::Schedule::default(),
            notice_prefix: "鲁民低告".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new("postgres://u:hunter2@db/x");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.expose(), "postgres://u:hunter2@db/x");
    }
}
