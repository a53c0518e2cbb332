//! Shared state handed to every handler.

use std::sync::Arc;

use crate::config::{Secret, SiteSettings};
use crate::db::regions::Region;
use crate::db::Db;
use crate::web::assets::Bundle;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub secret: Arc<Secret>,
    pub site: Arc<Site>,
    /// Wakes the mail worker after a transaction queued mail.
    pub mail_wake: Arc<tokio::sync::Notify>,
}

/// Facts every page needs, loaded once at start-up.
#[derive(Debug, Clone)]
pub struct Site {
    pub settings: SiteSettings,
    /// The county this deployment serves (`None` until regions are loaded).
    pub county: Option<Region>,
    /// Versioned URL of the stylesheet, so it can be cached for a year.
    pub css_href: String,
    /// The WASM islands bundle, when one was built; pages name its boot script only then.
    pub bundle: Option<Arc<Bundle>>,
}

/// The bundle handler needs only the bundle.
impl axum::extract::FromRef<AppState> for Option<Arc<Bundle>> {
    fn from_ref(state: &AppState) -> Self {
        state.site.bundle.clone()
    }
}
