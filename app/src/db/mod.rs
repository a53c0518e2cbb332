//! Database access: one pool type for SQLite and PostgreSQL (`sqlx::AnyPool`).
//!
//! Queries use `$1` placeholders, BIGINT/INTEGER as `i64`, booleans as 0/1 and times as epoch
//! seconds, the subset that behaves the same on both backends (see BUILD.md).

pub mod audit;
pub mod backup;
pub mod bulk;
pub mod cases;
pub mod changes;
pub mod comparisons;
pub mod complaints;
pub mod content;
pub mod county_settings;
pub mod draws;
pub mod entries;
pub mod files;
pub mod holidays;
pub mod households;
pub mod jobs;
pub mod notices;
pub mod outbox;
pub mod publicity;
pub mod ratelimits;
pub mod rechecks;
pub mod regions;
pub mod replica;
pub mod security;
pub mod sessions;
pub mod staff;
pub mod stats;
pub mod synthetic;
pub mod tx;
pub mod uploads;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

use crate::error::AppError;

/// The one row `sql` finds with `key` bound to `$1`, read by `read`, from `pool` (the
/// primary, `&db.pool`, or a public page's `db.reader()`); `None` when there is none. (Most
/// single-row readers in `db::` are this, each with its own columns.)
pub(crate) async fn one<'k, T, K>(
    pool: &AnyPool,
    sql: impl sqlx::SqlSafeStr,
    key: K,
    read: impl Fn(&sqlx::any::AnyRow) -> crate::error::AppResult<T>,
) -> crate::error::AppResult<Option<T>>
where
    K: sqlx::Encode<'k, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'k,
{
    let row = sqlx::query(sql).bind(key).fetch_optional(pool).await?;
    row.as_ref().map(read).transpose()
}

/// Every row `sql` finds with `key` bound to `$1`, each read by `read`, from a pool (as
/// [`one`]) or a transaction's connection (`&mut *tx`).
pub(crate) async fn all<'k, 'e, T, K, E>(
    from: E,
    sql: impl sqlx::SqlSafeStr,
    key: K,
    read: impl Fn(&sqlx::any::AnyRow) -> crate::error::AppResult<T>,
) -> crate::error::AppResult<Vec<T>>
where
    K: sqlx::Encode<'k, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'k,
    E: Executor<'e, Database = sqlx::Any>,
    'k: 'e,
{
    let rows = sqlx::query(sql).bind(key).fetch_all(from).await?;
    rows.iter().map(read).collect()
}

/// Runs `sql` with `params` bound to `$1`, `$2`, … (a tuple: `(a,)`, `(a, b)`, …; `()` for none)
/// on a pool or a transaction's connection (`&mut *tx`), and says how many rows it changed.
pub(crate) async fn exec<'e, E, P>(
    on: E,
    sql: impl sqlx::SqlSafeStr,
    params: P,
) -> crate::error::AppResult<u64>
where
    E: Executor<'e, Database = sqlx::Any>,
    P: Params,
{
    let done = sqlx::query(sql).binds(params).execute(on).await?;
    Ok(done.rows_affected())
}

/// A query's parameters as one tuple, bound in order to `$1`, `$2`, …:
/// `sqlx::query("UPDATE t SET a = $1 WHERE id = $2").binds((a, id))` is `.bind(a).bind(id)`.
pub(crate) trait Binds {
    fn binds<P: Params>(self, params: P) -> Self;
}

impl Binds for sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    fn binds<P: Params>(self, params: P) -> Self {
        params.bind_to(self)
    }
}

/// A tuple of values a query binds (see [`Binds`]).
pub(crate) trait Params {
    fn bind_to<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;
}

/// `Params` for tuples of 1 to 20 values (the longest statement binds 19).
macro_rules! tuple_params {
    ($last:ident) => {
        impl<'t, $last> Params for ($last,)
        where
            $last: sqlx::Encode<'t, sqlx::Any> + sqlx::Type<sqlx::Any>,
        {
            #[allow(non_snake_case)]
            fn bind_to<'q>(
                self,
                query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
            ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
                query.bind(self.0)
            }
        }
    };
    ($head:ident $($tail:ident)+) => {
        impl<'t, $head, $($tail),+> Params for ($head, $($tail,)+)
        where
            $head: sqlx::Encode<'t, sqlx::Any> + sqlx::Type<sqlx::Any>,
            $($tail: sqlx::Encode<'t, sqlx::Any> + sqlx::Type<sqlx::Any>,)+
        {
            #[allow(non_snake_case)]
            fn bind_to<'q>(
                self,
                query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
            ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
                let ($head, $($tail,)+) = self;
                query.bind($head)$(.bind($tail))+
            }
        }
        tuple_params!($($tail)+);
    };
}

tuple_params!(A B C D E F G H I J K L M N O P Q R S T);

impl Params for () {
    fn bind_to<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        query
    }
}

/// The id an `INSERT … RETURNING id` gave, or `None` when a unique index refused the row (a
/// second of something that may exist once: a draw's key, a registration form's token).
pub(crate) fn id_unless_duplicate(
    res: Result<sqlx::any::AnyRow, sqlx::Error>,
) -> crate::error::AppResult<Option<i64>> {
    match res {
        Ok(row) => Ok(Some(row.try_get(0)?)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

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

    /// The backend a connection talks to, by sqlx's driver name ("PostgreSQL", "SQLite").
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn
            .backend_name()
            .to_ascii_lowercase()
            .starts_with("postgres")
        {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The pool plus which backend it talks to, where committed changes go, and the read replica
/// public pages may read from.
#[derive(Debug, Clone)]
pub struct Db {
    /// The primary: every write, and every read outside a public page's render.
    pub pool: AnyPool,
    pub backend: Backend,
    /// Committed changes of this process and, on PostgreSQL, of the other instances.
    pub changes: Arc<changes::ChangeHub>,
    /// `DATABASE_READ_URL`, when set.
    pub replica: Option<Arc<replica::Replica>>,
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
    #[error("counting the statistics after a migration failed: {0}")]
    Rollups(String),
}

impl Db {
    /// Connects (creating the SQLite file when needed) and applies per-connection settings:
    /// WAL, foreign keys, a busy timeout, and `synchronous=FULL` so that a committed receipt
    /// survives a power cut.
    pub async fn connect(url: &str) -> Result<Db, DbSetupError> {
        let (pool, backend) = Self::open(url).await?;
        Ok(Db {
            pool,
            backend,
            changes: Arc::default(),
            replica: None,
        })
    }

    /// Adds a streaming replica that public pages read from (see `replica`). PostgreSQL only:
    /// a SQLite database is one file of one process.
    pub async fn with_replica(mut self, url: &str) -> Result<Db, DbSetupError> {
        if self.backend != Backend::Postgres || Backend::from_url(url) != Ok(Backend::Postgres) {
            return Err(DbSetupError::Url(
                "DATABASE_READ_URL needs PostgreSQL for both DATABASE_URL and itself".to_owned(),
            ));
        }
        let (pool, _) = Self::open(url).await?;
        self.replica = Some(replica::Replica::new(pool));
        Ok(self)
    }

    /// The pool a read should use: the replica while a public page is rendered from it
    /// (`replica::public_read`), else the primary. Only reads that public pages make use this.
    pub fn reader(&self) -> &AnyPool {
        match &self.replica {
            Some(r) if replica::in_public_read() => &r.pool,
            _ => &self.pool,
        }
    }

    async fn open(url: &str) -> Result<(AnyPool, Backend), DbSetupError> {
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
            // Just-in-time compilation starts at a planner cost that a scan of every complaint
            // for the statistics passes: ~100 ms of compiling for a 20 ms query, on every run.
            // Every query here is short; none gains from it.
            Backend::Postgres => pool_opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("SET jit = off").await?;
                    Ok(())
                })
            }),
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
        Ok((pool, backend))
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
            .map_err(DbSetupError::Migrate)?;
        // Roll-ups a migration left to count from what exists (once, by whichever process
        // gets there first).
        stats::recount_pending(self)
            .await
            .map_err(|e| DbSetupError::Rollups(e.to_string()))
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

/// Whether a database error is about the database's circumstances rather than our request: a
/// full disk, I/O failure, a lock not granted in time, a read-only or restarting server, a lost
/// connection. Such a write did not happen and may succeed later: the visitor is told so (503).
pub fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| transient_code(&c)),
        _ => false,
    }
}

/// SQLite primary result codes (the low byte of an extended code) and PostgreSQL SQLSTATEs that
/// mean "not now" rather than "not so".
fn transient_code(code: &str) -> bool {
    // A SQLSTATE is always five characters; SQLite's extended codes have at most four digits.
    if code.len() < 5 {
        let Ok(n) = code.parse::<i64>() else {
            return false;
        };
        // SQLITE_BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15
        return matches!(n & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14 | 15);
    }
    // 08 connection exception, 53 insufficient resources (53100 disk full), 57P0x shutdown,
    // 25006 read-only transaction (a replica), 40001/40P01 serialization failure / deadlock.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || matches!(code, "25006" | "40001" | "40P01")
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e if is_transient(&e) => {
                tx::WRITE_HEALTH.failed();
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::internal("database", other),
        }
    }
}

/// What a row's columns hold beyond what `try_get` reads: a `code_enum!` value stored as its
/// code, a date stored as `YYYY-MM-DD`, a flag stored as 0/1. A stored code or date this build
/// cannot read is a fault of ours: an internal error naming which kind of value it was.
pub(crate) trait Columns {
    fn code<T, I>(&self, col: I) -> crate::error::AppResult<T>
    where
        T: FromStr<Err = crate::domain::ParseCodeError>,
        I: sqlx::ColumnIndex<sqlx::any::AnyRow>;

    fn code_opt<T, I>(&self, col: I) -> crate::error::AppResult<Option<T>>
    where
        T: FromStr<Err = crate::domain::ParseCodeError>,
        I: sqlx::ColumnIndex<sqlx::any::AnyRow>;

    fn date<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<chrono::NaiveDate>;

    fn date_opt<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<Option<chrono::NaiveDate>>;

    fn flag<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<bool>;
}

impl Columns for sqlx::any::AnyRow {
    fn code<T, I>(&self, col: I) -> crate::error::AppResult<T>
    where
        T: FromStr<Err = crate::domain::ParseCodeError>,
        I: sqlx::ColumnIndex<sqlx::any::AnyRow>,
    {
        let code: String = self.try_get(col)?;
        code.parse()
            .map_err(|e| crate::error::AppError::internal("stored code", e))
    }

    fn code_opt<T, I>(&self, col: I) -> crate::error::AppResult<Option<T>>
    where
        T: FromStr<Err = crate::domain::ParseCodeError>,
        I: sqlx::ColumnIndex<sqlx::any::AnyRow>,
    {
        let code: Option<String> = self.try_get(col)?;
        code.map(|c| c.parse())
            .transpose()
            .map_err(|e| crate::error::AppError::internal("stored code", e))
    }

    fn date<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<chrono::NaiveDate> {
        stored_date(&self.try_get::<String, _>(col)?)
    }

    fn date_opt<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<Option<chrono::NaiveDate>> {
        let day: Option<String> = self.try_get(col)?;
        day.as_deref().map(stored_date).transpose()
    }

    fn flag<I: sqlx::ColumnIndex<sqlx::any::AnyRow>>(
        &self,
        col: I,
    ) -> crate::error::AppResult<bool> {
        Ok(self.try_get::<i64, _>(col)? != 0)
    }
}

/// A stored date (`YYYY-MM-DD`, as every date is kept); anything else is a fault of ours.
fn stored_date(s: &str) -> crate::error::AppResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| crate::error::AppError::internal("stored date", e))
}

/// Seconds since the Unix epoch, the storage format of every timestamp.
pub fn now_epoch() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The date in China Standard Time (UTC+8) of an epoch second.
pub fn day_cst(at: i64) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(at, 0).map_or(chrono::NaiveDate::MIN, |t| {
        (t + chrono::Duration::hours(8)).date_naive()
    })
}

/// Today's date in China Standard Time (UTC+8; no daylight saving): the calendar publicity
/// windows and deadlines are counted in.
pub fn today_cst() -> chrono::NaiveDate {
    PINNED_TODAY
        .get()
        .copied()
        .unwrap_or_else(|| day_cst(now_epoch()))
}

/// A "today" set once for the whole process (`SUNSHINE_TODAY`): tests give the server under test
/// a fixed day, so dates the server stored and dates a test works out agree across midnight.
static PINNED_TODAY: std::sync::OnceLock<chrono::NaiveDate> = std::sync::OnceLock::new();

/// Pins [`today_cst`] for the rest of the process. The first pin holds: a second one with
/// another day is refused (one process serves one site, on one day).
pub fn pin_today(day: chrono::NaiveDate) -> Result<(), chrono::NaiveDate> {
    match PINNED_TODAY.get_or_init(|| day) {
        pinned if *pinned == day => Ok(()),
        pinned => Err(*pinned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_pinned_once_per_process() {
        // Pinned to the clock's own day, so the other tests of this process see no change.
        let day = today_cst();
        assert_eq!(pin_today(day), Ok(()));
        assert_eq!(pin_today(day), Ok(()), "the same day again is fine");
        let other = day.succ_opt().expect("a next day");
        assert_eq!(pin_today(other), Err(day), "another day is refused");
        assert_eq!(today_cst(), day);
    }

    #[test]
    fn transient_database_codes() {
        for code in [
            "5", "517", "6", "8", "10", "778", "13", "14", "08006", "53100", "57P01", "25006",
            "40001",
        ] {
            assert!(transient_code(code), "{code}");
        }
        // Constraint violations and syntax errors are ours to fix, not the database's.
        for code in [
            "19", "1555", "2067", "1", "23505", "23503", "42601", "22P02",
        ] {
            assert!(!transient_code(code), "{code}");
        }
        assert!(is_transient(&sqlx::Error::PoolTimedOut));
        assert!(!is_transient(&sqlx::Error::RowNotFound));
    }

    /// `Columns` on a row of a real SQLite file: codes, dates and flags read, unknown codes and
    /// malformed dates refused as internal errors, NULLs read as `None`.
    #[tokio::test]
    async fn columns_read_codes_dates_and_flags() {
        use crate::domain::{BatchKind, Status};
        use crate::error::AppError;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("sqlite file");
        let row = sqlx::query(
            "SELECT 'answered' AS status, NULL AS none, 'approval' AS kind, 'nonsense' AS bad,
                    '2026-02-28' AS day, '2026-02-30' AS bad_day, 1 AS yes, 0 AS no",
        )
        .fetch_one(&db.pool)
        .await
        .expect("row");
        assert_eq!(row.code::<Status, _>("status").ok(), Some(Status::Answered));
        assert_eq!(row.code_opt::<Status, _>("none").ok(), Some(None));
        assert_eq!(
            row.code_opt::<BatchKind, _>("kind").ok(),
            Some(Some(BatchKind::Approval))
        );
        assert!(matches!(
            row.code::<Status, _>("bad"),
            Err(AppError::Internal(_))
        ));
        assert_eq!(
            row.date("day").ok(),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(row.date_opt("none").ok(), Some(None));
        assert!(matches!(row.date("bad_day"), Err(AppError::Internal(_))));
        assert_eq!(row.flag("yes").ok(), Some(true));
        assert_eq!(row.flag("no").ok(), Some(false));
    }
}
