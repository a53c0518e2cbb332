//! `sunshine bench seed`, as `bench/province.sh` runs it: a small province of two counties on
//! SQLite and on PostgreSQL — its regions, one published standing list a village with every
//! household on it once, valid ID numbers, the summaries' roll-ups counted — and a second seed
//! of a database that has data refused, adding nothing. The real binary.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

use app::db::regions::Level;
use app::db::Db;

#[path = "support/pg.rs"]
mod pg;
use pg::TempDatabase;

/// Four townships of ten villages of 50 households, shared by two counties.
const SHAPE: [&str; 8] = [
    "--households",
    "2000",
    "--per-village",
    "50",
    "--villages-per-township",
    "10",
    "--counties",
    "2",
];

fn seed(database_url: &str, data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sunshine"))
        .args(["bench", "seed"])
        .args(SHAPE)
        .env("DATABASE_URL", database_url)
        .env("SUNSHINE_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sunshine")
}

async fn check_seed(url: &str, dir: &Path) {
    let out = seed(url, dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("seeded 2000 households in 40 villages, 4 townships, 2 counties"),
        "{stdout}"
    );
    let db = Db::connect(url).await.expect("connect");
    let regions = |level| {
        let db = db.clone();
        async move {
            app::db::regions::by_level(&db, level)
                .await
                .expect("regions")
        }
    };
    let counties = regions(Level::County).await;
    let townships = regions(Level::Township).await;
    let villages = regions(Level::Village).await;
    let codes: Vec<&str> = counties.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["590001000000", "590002000000"]);
    assert_eq!(townships.len(), 4);
    assert_eq!(villages.len(), 40);
    for t in &townships {
        let county = counties.iter().find(|c| Some(c.id) == t.parent_id);
        let county = county.expect("every township in a county");
        assert_eq!(&t.code[..6], &county.code[..6], "{}", t.code);
    }

    let mut households = HashSet::new();
    for v in &villages {
        assert!(townships.iter().any(|t| Some(t.id) == v.parent_id));
        let lists = app::db::publicity::public_batches_of_village(&db, v.id)
            .await
            .expect("lists");
        assert_eq!(lists.len(), 1, "one list in {}", v.code);
        let list = &lists[0];
        assert_eq!(list.kind, app::domain::BatchKind::Standing);
        assert_eq!(list.state, app::domain::BatchState::Published);
        let entries = app::db::publicity::staff_entries(&db, list.id)
            .await
            .expect("entries");
        assert_eq!(entries.len(), 50, "households of {}", v.code);
        for e in &entries {
            assert!(households.insert(e.household_id), "one list a household");
        }
    }
    assert_eq!(households.len(), 2000);
    // Household i (from 1) is the i-th made, in the (i - 1) / 50-th village made, with a valid
    // ID number that comparison files can name.
    let mut made = villages.clone();
    made.sort_by_key(|v| v.id);
    let mut conn = db.pool.acquire().await.expect("conn");
    for i in [1_u64, 999, 2000] {
        let number = server::bench::household_id_number(i);
        assert!(app::domain::id_number::is_valid(&number), "{number}");
        let village = &made[((i - 1) / 50) as usize];
        let stored = app::db::households::find_by_id_number(&mut conn, village.id, &number)
            .await
            .expect("household");
        assert_eq!(stored, Some(i as i64), "household {i} in {}", village.code);
    }
    drop(conn);

    // The roll-ups the statistics read were counted from the lists written in bulk.
    let mut on_lists = 0;
    for t in &townships {
        let totals = app::db::stats::standing_of_township(&db, t.id)
            .await
            .expect("totals");
        assert_eq!(totals.households, 500, "{}", t.code);
        on_lists += totals.households;
    }
    assert_eq!(on_lists, 2000);

    // A database with data is refused, and keeps what it has.
    let again = seed(url, dir);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert_eq!(app::db::regions::count(&db).await.expect("count"), 46);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_a_province_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    check_seed(&url, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_a_province_on_postgres() {
    let db = TempDatabase::create(&pg::postgres_url(), "sunshine_seed").await;
    let dir = tempfile::tempdir().expect("tempdir");
    check_seed(&db.url, dir.path()).await;
}
