//! PostgreSQL databases made for one test: created on the test server, dropped afterwards.
//! Shared by the test crates (`#[path = "…/support/pg.rs"] mod pg;`).

use std::sync::atomic::{AtomicU64, Ordering};

/// The PostgreSQL server the tests create their databases on: `SUNSHINE_TEST_POSTGRES_URL`, else
/// the local server of this kind of machine. No PostgreSQL test is skipped: without a reachable
/// server it fails, saying why (`scripts/test` starts the local server when it is installed but
/// not running).
pub fn postgres_url() -> String {
    match std::env::var("SUNSHINE_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => "postgres://postgres@127.0.0.1:5432/postgres".to_owned(),
    }
}

/// A database created for one test, dropped (with whoever is still connected) when this is.
pub struct TempDatabase {
    admin_url: String,
    pub name: String,
    /// The database's URL on the server `admin_url` names.
    pub url: String,
}

impl TempDatabase {
    /// A new database named `{prefix}_{process}_{n}_{random}` on the server at `admin_url`.
    pub async fn create(admin_url: &str, prefix: &str) -> TempDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{prefix}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        let admin = app::db::Db::connect(admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL tests need a server at {admin_url} ({e}): start it, or set \
                 SUNSHINE_TEST_POSTGRES_URL (scripts/test starts a local one when it is installed)"
            )
        });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin.pool)
            .await
            .expect("create test database");
        admin.pool.close().await;
        let url = replace_db_name(admin_url, &name);
        TempDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(admin) = app::db::Db::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&admin.pool)
                    .await;
                }
            });
        })
        .join();
    }
}

/// `postgres://u@h:5432/db?x` → same with `db` replaced.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_db_name;

    #[test]
    fn replaces_database_name() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_db_name("postgres://p@h/db?sslmode=disable", "t1"),
            "postgres://p@h/t1?sslmode=disable"
        );
    }
}
