//! Database access: one pool type for SQLite and PostgreSQL (`sqlx::AnyPool`).
//!
//! Queries use `$1` placeholders, BIGINT/INTEGER as `i64`, booleans as 0/1 and times as epoch
//! seconds, the subset that behaves the same on both backends (see BUILD.md).

pub mod audit;
pub mod bulk;
pub mod complaints;
pub mod content;
pub mod holidays;
pub mod households;
pub mod outbox;
pub mod publicity;
pub mod regions;
pub mod sessions;
pub mod staff;
pub mod stats;
pub mod tx;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend by URL scheme.
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err("DATABASE_URL must start with sqlite: or postgres://".to_owned())
        }
    }
}

/// The pool plus which backend it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// How long a request waits for a database connection before it answers 503: a page whose
/// database is gone fails fast instead of hanging (health checkers give up after a few seconds).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("{0}")]
    Url(String),
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects (creating the SQLite file when needed) and applies per-connection settings:
    /// WAL, foreign keys, a busy timeout, and `synchronous=FULL` so that a committed receipt
    /// survives a power cut.
    pub async fn connect(url: &str) -> Result<Db, DbSetupError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).map_err(DbSetupError::Url)?;
        let opts = AnyConnectOptions::from_str(url).map_err(DbSetupError::Connect)?;
        let pool_opts = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let pool_opts = match backend {
            Backend::Sqlite => pool_opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => pool_opts,
        };
        let pool = pool_opts
            .connect_with(opts)
            .await
            .map_err(DbSetupError::Connect)?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(DbSetupError::Connect)?;
        }
        Ok(Db { pool, backend })
    }

    /// Applies the embedded migrations for this backend.
    pub async fn migrate(&self) -> Result<(), DbSetupError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(DbSetupError::Migrate)
    }

    /// `SELECT 1` within `limit`, for the readiness check.
    pub async fn ping(&self, limit: Duration) -> bool {
        matches!(
            tokio::time::timeout(limit, sqlx::query("SELECT 1").execute(&self.pool)).await,
            Ok(Ok(_))
        )
    }

    /// Whether a write transaction can commit now (within `limit`). Readiness runs it only
    /// after a write failed, so that the server reports itself ready again once the cause (a
    /// full disk, a stopped primary) is gone, without anyone having to send a real write.
    pub async fn probe_write(&self, limit: Duration) -> bool {
        let probe = async {
            // 16 KB written and removed again: it needs room in the journal as a real write
            // does, and leaves nothing behind.
            let mut tx = self.begin().await?;
            sqlx::query("INSERT INTO write_probe (id, filler) VALUES (1, $1)")
                .bind("x".repeat(16 * 1024))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM write_probe WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        };
        matches!(tokio::time::timeout(limit, probe).await, Ok(Ok(())))
    }
}

/// Seconds since the Unix epoch, the storage format of every timestamp.
pub fn now_epoch() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Today's date in China Standard Time (UTC+8; no daylight saving): the calendar publicity
/// windows and deadlines are counted in.
pub fn today_cst() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
