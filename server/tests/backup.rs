//! `sunshine backup` → `sunshine restore` → the same data: rows per table and the content hash
//! of the restored database equal the original's, on SQLite and on PostgreSQL (pg_dump of one
//! snapshot, pg_restore into an empty database). The real binary, as an operator runs it.

use std::path::Path;
use std::process::{Command, Output};

use app::db::Db;

#[path = "support/pg.rs"]
mod pg;
use pg::TempDatabase;

fn sunshine(args: &[&str], database_url: &str, data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sunshine"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SUNSHINE_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sunshine")
}

fn printed_hash(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .split("content sha256 ")
        .nth(1)
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| panic!("no hash printed: {stdout}"))
}

/// A site with the demo county, a few more reports, and an import in progress.
async fn filled(url: &str) -> Db {
    let db = server::startup::connect_and_migrate(url)
        .await
        .expect("migrate");
    assert!(app::demo::load(&db, app::demo::DEFAULT_SEED)
        .await
        .expect("demo"));
    db
}

async fn check_round_trip(source_url: &str, target_url: &str, dir: &Path) {
    let source = filled(source_url).await;
    let before = source.fingerprint().await.expect("fingerprint");
    assert!(before.rows() > 1_000, "{before}");
    let file = dir.join("sunshine.backup");
    let file_arg = file.to_str().expect("utf-8");

    let out = sunshine(&["backup", file_arg], source_url, dir);
    assert_eq!(
        printed_hash(&out),
        before.sha256,
        "the backup's own fingerprint"
    );
    // Never over an existing file.
    let again = sunshine(&["backup", file_arg], source_url, dir);
    assert!(!again.status.success());

    let out = sunshine(&["restore", file_arg], target_url, dir);
    assert_eq!(printed_hash(&out), before.sha256, "restore prints the same");
    let restored = Db::connect(target_url).await.expect("restored");
    let after = restored.fingerprint().await.expect("fingerprint");
    assert_eq!(after, before, "rows per table and content hash");
    let out = sunshine(&["fingerprint"], target_url, dir);
    assert_eq!(printed_hash(&out), before.sha256);

    // A restore never lands on a database that has data.
    let out = sunshine(&["restore", file_arg], target_url, dir);
    assert!(!out.status.success(), "restore over a database refused");
    assert_eq!(restored.fingerprint().await.expect("fp"), before);
    // One changed character is a different hash (same row counts).
    sqlx::query(
        "UPDATE complaints SET body = body || '。' WHERE id = (SELECT MIN(id) FROM complaints)",
    )
    .execute(&restored.pool)
    .await
    .expect("update");
    let changed = restored.fingerprint().await.expect("fp");
    assert_eq!(changed.tables, before.tables);
    assert_ne!(changed.sha256, before.sha256);
    println!("round trip: {after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_restores_identical_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = format!("sqlite://{}?mode=rwc", dir.path().join("live.db").display());
    let target = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("restored").join("sunshine.db").display()
    );
    check_round_trip(&source, &target, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_restores_identical_data() {
    let admin = pg::postgres_url();
    let source = TempDatabase::create(&admin, "sunshine_bk_src").await;
    let target = TempDatabase::create(&admin, "sunshine_bk_dst").await;
    let dir = tempfile::tempdir().expect("tempdir");
    check_round_trip(&source.url, &target.url, dir.path()).await;
}
