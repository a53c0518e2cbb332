//! The application object: build (connect, migrate, bind), then run until stopped.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use app::config::SiteSettings;
use app::db::Db;
use app::web::state::{AppState, Site};

use crate::config::{load_or_create_secret, Settings};

/// Largest request body accepted by default (forms). Routes that take uploads raise it.
pub const BODY_LIMIT: usize = 64 * 1024;

pub struct Application {
    listener: TcpListener,
    port: u16,
    router: Router,
    db: Db,
}

/// Connects and migrates; a failed migration stops start-up with a clear message.
pub async fn connect_and_migrate(settings_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(settings_url)
        .await
        .context("could not open the database (check DATABASE_URL / SUNSHINE_DATA_DIR)")?;
    db.migrate().await.context(
        "database migration failed; the server will not start on a half-migrated database",
    )?;
    Ok(db)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!("cannot create data folder {}", settings.data_dir.display())
        })?;
        if let Some(day) = settings.today {
            app::db::pin_today(day).map_err(|pinned| {
                anyhow::anyhow!("SUNSHINE_TODAY: this process already serves {pinned}, not {day}")
            })?;
            tracing::warn!(%day, "SUNSHINE_TODAY pins the date: for tests and demonstrations only");
        }
        let db = connect_and_migrate(settings.database_url.expose()).await?;
        let db = match &settings.database_read_url {
            Some(url) => db
                .with_replica(url.expose())
                .await
                .context("could not open the read replica (check DATABASE_READ_URL)")?,
            None => db,
        };
        if settings.demo && app::demo::load(&db, app::demo::DEFAULT_SEED).await? {
            tracing::info!("demo county loaded");
        }
        app::db::holidays::seed_if_empty(&db, &app::domain::china_holidays_2026()).await?;
        let secret = match settings.secret.clone() {
            Some(s) => s,
            None => load_or_create_secret(&settings.data_dir)
                .context("cannot read or create the server secret")?,
        };
        // A deployment of one county names it on every page; one of several names a county
        // only on that county's pages (`web::county::in_township`).
        let counties = app::db::regions::counties(&db).await?;
        let county = std::sync::RwLock::new(Site::only_county(counties));
        // A stale or unreadable bundle is left out (pages work without it), not fatal.
        let bundle = app::web::assets::Bundle::load(&settings.pkg_dir)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "not serving the WASM bundle");
                None
            })
            .map(Arc::new);
        match &bundle {
            Some(b) => tracing::info!(boot = %b.boot_href, "serving the WASM islands bundle"),
            None => tracing::info!(
                dir = %settings.pkg_dir.display(),
                "no WASM bundle there (scripts/build-wasm builds it): pages are served without scripts"
            ),
        }
        let site = Site {
            settings: SiteSettings {
                hotline: settings.hotline.clone(),
                secure_cookies: settings.secure_cookies(),
                trust_proxy: settings.trust_proxy,
                rate_burst_factor: settings.rate_burst_factor,
                rate_refill_factor: settings.rate_refill_factor,
                mask_policy: settings.mask_policy,
                public_url: settings.public_url.clone(),
                window_days: settings.window_days,
                deadline_count: settings.deadline_days,
                recheck: settings.recheck,
                notice_prefix: settings.notice_prefix.clone(),
            },
            county,
            county_seen: Default::default(),
            css_href: app::web::assets::css_href(),
            bundle,
        };
        let mailer = app::mail::Mailer::new(
            settings.smtp_url.as_ref().map(|u| u.expose()),
            &settings.mail_from,
            settings.data_dir.join("mail"),
        )
        .map_err(anyhow::Error::msg)?
        .with_retry_secs(i64::from(settings.mail_retry_secs));
        let mailer = match &settings.worker_id {
            Some(id) => mailer.with_worker_id(id.clone()),
            None => mailer,
        };
        tracing::info!(worker = mailer.worker_id(), "mail worker");
        let mail_wake = Arc::new(tokio::sync::Notify::new());
        tokio::spawn(app::jobs::run(
            db.clone(),
            mailer,
            mail_wake.clone(),
            std::time::Duration::from_secs(settings.mail_poll_secs),
        ));
        let state = AppState {
            db: db.clone(),
            secret: Arc::new(secret),
            site: Arc::new(site),
            mail_wake,
            comparison_slots: app::web::state::comparison_slots(),
        };
        // A county loaded while the instances run (`sunshine regions import`, another process)
        // stops the header naming the first one within a page TTL: pages cached meanwhile
        // expire with it.
        tokio::spawn({
            let (site, db) = (state.site.clone(), db.clone());
            let every = settings.page_ttl.max(std::time::Duration::from_secs(1));
            async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    if let Err(e) = site.refresh_county(&db).await {
                        tracing::warn!(error = %e, "could not read the counties again");
                    }
                }
            }
        });
        // Committed changes drop the pages they touch: this process's at once, other
        // instances' through PostgreSQL notifications.
        let cache = crate::cache::PageCache::new(db.clone(), settings.page_ttl);
        db.changes.set_sink(cache.clone());
        app::db::changes::start(&db, settings.database_url.expose().to_owned())
            .await
            .context("cannot listen for other instances' changes")?;
        let router = app::routes::router(state)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .layer(CompressionLayer::new())
            .layer(axum::middleware::from_fn_with_state(
                cache,
                crate::cache::layer,
            ))
            .layer(TraceLayer::new_for_http());
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        Ok(Application {
            listener,
            port,
            router,
            db,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_with_shutdown(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
