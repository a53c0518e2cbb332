//! `DATABASE_READ_URL` against a real streaming replica: a private primary/replica pair of
//! PostgreSQL clusters made for the test (initdb, pg_basebackup -R, on loopback ports), run as
//! the `postgres` user. With replay paused on the replica: a public page no one has changed is
//! rendered from the replica (it shows what the replica has), and a page a user has just
//! changed through the site is rendered from the primary (it shows the change at once); once
//! the replica has caught up, public pages go back to it. Needs root (to run the clusters as
//! `postgres`) and the PostgreSQL server binaries; without them it prints why and passes, and
//! fails when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Datelike;
use sqlx::Row;

use crate::helpers::{spawn_app_with, Backend, Options, TestApp};

const V1: &str = "530621103201";
const V2: &str = "530621103202";
const V3: &str = "530621103203";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// The newest installed PostgreSQL's binaries (Debian layout).
fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Runs a PostgreSQL program as the `postgres` user; panics with its output on failure.
fn as_postgres(bin: &Path, program: &str, args: &[&str]) {
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(program))
        .args(args)
        .output()
        .expect("runuser");
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A primary and a streaming replica of it, stopped and removed on drop.
struct ClusterPair {
    bin: PathBuf,
    dir: tempfile::TempDir,
    primary_port: u16,
    replica_port: u16,
}

impl ClusterPair {
    fn start(bin: PathBuf) -> ClusterPair {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().to_owned();
        let chown = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&base)
            .status()
            .expect("chown");
        assert!(chown.success());
        let (primary_port, replica_port) = (free_port(), free_port());
        let primary = base.join("primary");
        let replica = base.join("replica");
        let sockets = base.to_str().expect("utf-8").to_owned();
        as_postgres(
            &bin,
            "initdb",
            &[
                "-D",
                primary.to_str().expect("utf-8"),
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let opts = |port: u16| {
            format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets} \
                 -c fsync=off -c wal_level=replica -c max_wal_senders=4 -c shared_buffers=16MB"
            )
        };
        as_postgres(
            &bin,
            "pg_ctl",
            &[
                "-D",
                primary.to_str().expect("utf-8"),
                "-o",
                &opts(primary_port),
                "-l",
                base.join("primary.log").to_str().expect("utf-8"),
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        let pair = ClusterPair {
            bin,
            dir,
            primary_port,
            replica_port,
        };
        as_postgres(
            &pair.bin,
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &primary_port.to_string(),
                "-U",
                "postgres",
                "-D",
                replica.to_str().expect("utf-8"),
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ],
        );
        as_postgres(
            &pair.bin,
            "pg_ctl",
            &[
                "-D",
                replica.to_str().expect("utf-8"),
                "-o",
                &opts(replica_port),
                "-l",
                base.join("replica.log").to_str().expect("utf-8"),
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
        pair
    }

    fn url(&self, port: u16, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/{db}")
    }
}

impl Drop for ClusterPair {
    fn drop(&mut self) {
        for name in ["replica", "primary"] {
            let data = self.dir.path().join(name);
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
    }
}

/// Polls `check` every 50 ms for at most `limit`.
async fn until<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn page(app: &TestApp, path: &str) -> (String, String) {
    let res = app
        .new_client()
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let x = res
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned();
    (x, res.text().await.expect("body"))
}

async fn rename(primary: &app::db::Db, code: &str, name: &str) {
    sqlx::query("UPDATE regions SET name_zh = $1 WHERE code = $2")
        .bind(name)
        .bind(code)
        .execute(&primary.pool)
        .await
        .expect("rename");
}

/// Six applications received today in the village of `code`, written on the primary behind the
/// site's back (so no page is told of them).
async fn receive_cases(primary: &app::db::Db, code: &str) {
    let today = app::db::today_cst().to_string();
    let done = sqlx::query(
        "INSERT INTO cases (household_id, village_id, township_id, group_name, channel,
             received_on, category_asked, stage, created_at, updated_at)
         SELECT h.id, v.id, v.parent_id, '一组', 'self', $1, 'yiban', 'received', 0, 0
         FROM households h JOIN regions v ON v.id = h.village_id
         WHERE v.code = $2 AND v.level = 'village'
         ORDER BY h.id LIMIT 6",
    )
    .bind(today)
    .bind(code)
    .execute(&primary.pool)
    .await
    .expect("cases");
    assert_eq!(done.rows_affected(), 6, "the village has six households");
}

/// Applications received this year in village `code` and its township, as `db` holds them:
/// the township's code, the village's count as its page shows it, and the township's as its
/// summary publishes it (from its villages' counts as shown).
async fn received(db: &app::db::Db, code: &str) -> (String, String, serde_json::Value) {
    let village = app::db::regions::by_code(db, app::db::regions::Level::Village, code)
        .await
        .expect("village")
        .expect("the village exists");
    let township = app::db::regions::by_id(db, village.parent_id.expect("a township"))
        .await
        .expect("township")
        .expect("the township exists");
    let today = app::db::today_cst();
    let year = today.with_ordinal(1).expect("the first day of the year");
    let apps = app::db::cases::progress(db, Some(township.id), None, year)
        .await
        .expect("progress");
    let villages = apps.by_village.iter().map(|p| p.received);
    let shown = app::domain::stats::public_total(villages);
    let in_village = app::db::cases::progress(db, Some(township.id), Some(village.id), year)
        .await
        .expect("progress");
    let village_text = app::domain::stats::show(in_village.total().received);
    (township.code, village_text, serde_json::json!(shown))
}

async fn replay(replica: &app::db::Db, on: bool) {
    let sql = if on {
        "SELECT pg_wal_replay_resume()"
    } else {
        "SELECT pg_wal_replay_pause()"
    };
    sqlx::query(sql)
        .execute(&replica.pool)
        .await
        .expect("replay");
}

/// Waits until the replica has replayed everything the primary has written so far.
async fn caught_up(primary: &app::db::Db, replica: &app::db::Db) {
    let target: String = sqlx::query("SELECT CAST(pg_current_wal_lsn() AS TEXT)")
        .fetch_one(&primary.pool)
        .await
        .expect("lsn")
        .get(0);
    let target = app::db::replica::parse_lsn(&target).expect("lsn");
    until("replica catches up", Duration::from_secs(10), || async {
        let replayed: Option<String> = sqlx::query("SELECT CAST(pg_last_wal_replay_lsn() AS TEXT)")
            .fetch_one(&replica.pool)
            .await
            .map(|r| r.get(0))
            .unwrap_or(None);
        replayed
            .as_deref()
            .and_then(app::db::replica::parse_lsn)
            .is_some_and(|r| r >= target)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_read_a_caught_up_replica_and_fresh_writes_the_primary() {
    let Some(bin) = pg_bin().filter(|_| is_root()) else {
        assert!(
            !in_ci(),
            "the replica test needs root and the PostgreSQL server binaries (required in CI)"
        );
        println!("SKIPPED replica test: needs root and /usr/lib/postgresql/*/bin");
        return;
    };
    let started = Instant::now();
    let pair = tokio::task::spawn_blocking(move || ClusterPair::start(bin))
        .await
        .expect("clusters");
    println!("primary + streaming replica up in {:?}", started.elapsed());
    let admin = app::db::Db::connect(&pair.url(pair.primary_port, "postgres"))
        .await
        .expect("primary");
    sqlx::query("CREATE DATABASE sunshine")
        .execute(&admin.pool)
        .await
        .expect("create");
    let primary_url = pair.url(pair.primary_port, "sunshine");
    let replica_url = pair.url(pair.replica_port, "sunshine");
    let deadline = Instant::now() + Duration::from_secs(10);
    let replica = loop {
        match app::db::Db::connect(&replica_url).await {
            Ok(db) => break db,
            Err(e) => assert!(
                Instant::now() < deadline,
                "the database did not reach the replica: {e}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let app = spawn_app_with(
        Backend::Postgres,
        Options {
            database_url: Some(primary_url.clone()),
            database_read_url: Some(replica_url.clone()),
            ..Options::default()
        },
    )
    .await;
    let primary = app::db::Db::connect(&primary_url).await.expect("primary");
    caught_up(&primary, &replica).await;

    // Replay paused; a change the site knows nothing of: a page rendered now shows what the
    // replica has, so it was read there.
    replay(&replica, false).await;
    rename(&primary, V2, "八宝新村").await;
    let (x, body) = page(&app, &format!("/v/{V2}")).await;
    assert_eq!(x, "miss");
    assert!(
        body.contains("八宝村") && !body.contains("八宝新村"),
        "rendered from the replica"
    );
    // Every read of a public page goes there, not only the village's names: applications
    // received behind the site's back are not counted on the village's page (a new key: the
    // page above is kept) nor in the township's summary yet.
    let (township, village_count, township_count) = received(&replica, V2).await;
    receive_cases(&primary, V2).await;
    let (_, on_primary, _) = received(&primary, V2).await;
    assert_ne!(village_count, on_primary, "six more show on the primary");
    let (x, body) = page(&app, &format!("/v/{V2}?apps")).await;
    assert_eq!(x, "miss");
    assert!(
        body.contains(&format!("<dt>收到申请</dt><dd>{village_count}</dd>")),
        "the village's count as on the replica ({village_count}; the primary has {on_primary})"
    );
    let res = app
        .new_client()
        .get(app.url(&format!("/api/v1/townships/{township}/summary")))
        .send()
        .await
        .expect("summary");
    assert_eq!(res.status().as_u16(), 200);
    let summary: serde_json::Value = res.json().await.expect("json");
    assert_eq!(
        summary["applications"]["received"], township_count,
        "the township's count as on the replica"
    );
    assert!(
        summary["applications"]
            .as_object()
            .is_some_and(|a| a.contains_key("received")),
        "{summary}"
    );

    // The draw pages too: a draw's purpose changed behind the site's back is shown as the
    // replica has it, on its page and in the list.
    let draw = app::db::draws::list(&replica, &app::domain::Scope::All, 1)
        .await
        .expect("draws")
        .into_iter()
        .next()
        .expect("the demo has draws");
    let renamed = format!("{}（已改）", draw.purpose);
    sqlx::query("UPDATE draws SET purpose = $1 WHERE id = $2")
        .bind(&renamed)
        .bind(draw.id)
        .execute(&primary.pool)
        .await
        .expect("purpose");
    for path in [format!("/draws/{}", draw.id), "/draws".to_owned()] {
        let (x, body) = page(&app, &path).await;
        assert_eq!(x, "miss", "{path}");
        assert!(
            body.contains(&draw.purpose) && !body.contains(&renamed),
            "{path} rendered from the replica"
        );
    }

    // A publish through the site, while the replica still lags: the village page shows it at
    // once (rendered from the primary), and keeps showing it.
    let officer = app.staff_session("demo.longtoushan").await;
    let id = officer.create_batch(&primary, V1, "standing").await;
    for (path, fields) in [
        (
            format!("/staff/publicity/{id}/entries"),
            vec![
                ("head_name", "端木新户"),
                ("persons", "2"),
                ("amount", "700"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        ),
        (format!("/staff/publicity/{id}/publish"), vec![]),
    ] {
        assert_eq!(
            officer.post_form(&path, &fields).await.status().as_u16(),
            303
        );
    }
    let link = format!("/p/{id}");
    let (x, body) = page(&app, &format!("/v/{V1}")).await;
    assert_eq!(x, "miss");
    assert!(
        body.contains(&link),
        "the publish shows although the replica lags"
    );
    let (x, body) = page(&app, &link).await;
    assert_eq!(x, "miss");
    assert!(body.contains("端木"), "its list too");
    assert!(page(&app, &format!("/v/{V1}")).await.1.contains(&link));

    // Replay resumed and caught up: renders go back to the replica (pause it again and change
    // a page behind the site's back: the render shows the replica's older text).
    replay(&replica, true).await;
    caught_up(&primary, &replica).await;
    page(&app, "/stats").await; // a render that finds the replica caught up
    replay(&replica, false).await;
    rename(&primary, V3, "光明新村").await;
    let (x, body) = page(&app, &format!("/v/{V3}")).await;
    assert_eq!(x, "miss");
    assert!(
        body.contains("光明村") && !body.contains("光明新村"),
        "rendered from the replica again"
    );
    replay(&replica, true).await;
    println!("replica test done in {:?}", started.elapsed());
    drop(app);
    drop(pair);
}
