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
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            hotline: "12345".to_owned(),
            secure_cookies: false,
            trust_proxy: false,
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
