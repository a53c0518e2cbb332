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
    /// Comparison files this instance reads and matches at once (each holds up to 100 MB and
    /// what it parses to): a sending beyond them is told to try again, so memory stays bounded
    /// however many arrive.
    pub comparison_slots: Arc<tokio::sync::Semaphore>,
}

/// How many comparison files an instance reads at once ([`AppState::comparison_slots`]).
pub const COMPARISONS_AT_ONCE: usize = 2;

/// The slots for [`AppState::comparison_slots`].
pub fn comparison_slots() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(COMPARISONS_AT_ONCE))
}

/// Facts every page needs, loaded once at start-up.
#[derive(Debug)]
pub struct Site {
    pub settings: SiteSettings,
    /// The county this deployment serves, named in the header of pages of no county: `None`
    /// until regions are loaded, or when there are several. Read with [`Site::county`]; kept
    /// true by [`Site::refresh_county`] (a county loaded by `sunshine regions import` while the
    /// instances run).
    pub county: std::sync::RwLock<Option<Region>>,
    /// The count of region-tree changes (`ChangeHub::everything_seq`) `county` was read at.
    pub county_seen: std::sync::atomic::AtomicU64,
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

impl Site {
    /// The one county this deployment serves, if it serves exactly one.
    pub fn county(&self) -> Option<Region> {
        self.county
            .read()
            .map_or_else(|poisoned| poisoned.into_inner().clone(), |c| c.clone())
    }

    /// The county of a deployment of exactly one, else `None`.
    pub fn only_county(mut counties: Vec<Region>) -> Option<Region> {
        match counties.len() {
            1 => counties.pop(),
            _ => None,
        }
    }

    /// Reads the counties again if the region tree changed since they were read (this
    /// instance's write, or another's announced through PostgreSQL): before a page is
    /// rendered, so none is cached with the old header.
    pub async fn county_current(&self, db: &Db) -> crate::error::AppResult<()> {
        use std::sync::atomic::Ordering;
        let now = db.changes.everything_seq();
        if self.county_seen.load(Ordering::SeqCst) != now {
            self.refresh_county(db).await?;
            self.county_seen.store(now, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Reads the deployment's counties again (the header's county).
    pub async fn refresh_county(&self, db: &Db) -> crate::error::AppResult<()> {
        let county = Self::only_county(crate::db::regions::counties(db).await?);
        match self.county.write() {
            Ok(mut c) => *c = county,
            Err(poisoned) => *poisoned.into_inner() = county,
        }
        Ok(())
    }
}
