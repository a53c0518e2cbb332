//! A database from before this round's last migrations, holding notices and complaints, is
//! upgraded by `Db::migrate` as a deployment's would be at its next start: the notices keep their
//! numbers and each prefix goes on after the year's last (0024), and the complaints are counted
//! into the statistics' roll-ups (0025 and the count it leaves pending).

use sqlx::Row;

use crate::both_backends;
use crate::helpers::{postgres_url, Backend};
use crate::pg::TempDatabase;

both_backends!(an_upgraded_database_keeps_its_numbers_and_counts_its_complaints);

async fn an_upgraded_database_keeps_its_numbers_and_counts_its_complaints(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_pg, url) = match backend {
        Backend::Sqlite => (
            None,
            format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()),
        ),
        Backend::Postgres => {
            let db = TempDatabase::create(&postgres_url(), "sunshine_test").await;
            let url = db.url.clone();
            (Some(db), url)
        }
    };
    let db = app::db::Db::connect(&url).await.expect("connect");
    let old = match backend {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
    };
    old.run_to(23, &db.pool)
        .await
        .expect("migrations up to 0023");

    // What the notices and complaints belong to: a county, township, village, household, officer.
    let mut conn = db.pool.acquire().await.expect("conn");
    let mut parent: Option<i64> = None;
    let mut ids = Vec::new();
    for (level, code) in [
        ("county", "530621000000"),
        ("township", "530621103000"),
        ("village", "530621103201"),
    ] {
        let id: i64 = sqlx::query(
            "INSERT INTO regions (parent_id, level, code, name_zh) VALUES ($1, $2, $3, '某地')
             RETURNING id",
        )
        .bind(parent)
        .bind(level)
        .bind(code)
        .fetch_one(&mut *conn)
        .await
        .expect("region")
        .get(0);
        parent = Some(id);
        ids.push(id);
    }
    let (township, village) = (ids[1], ids[2]);
    let household: i64 = sqlx::query(
        "INSERT INTO households (village_id, head_name, persons, category, monthly_fen,
            created_at, updated_at)
         VALUES ($1, '张三', 2, 'yiban', 50000, 0, 0) RETURNING id",
    )
    .bind(village)
    .fetch_one(&mut *conn)
    .await
    .expect("household")
    .get(0);
    let officer: i64 = sqlx::query(
        "INSERT INTO staff (username, display_name, password_hash, role, created_at, updated_at)
         VALUES ('old.officer', '某 干部', 'x', 'county_officer', 0, 0) RETURNING id",
    )
    .fetch_one(&mut *conn)
    .await
    .expect("staff")
    .get(0);
    // Until now one sequence a year served every prefix: 7 numbers issued in 2026.
    sqlx::query("INSERT INTO notice_counters (year, last) VALUES (2026, 7)")
        .execute(&mut *conn)
        .await
        .expect("counter");
    for (seq, number) in [(6_i64, "鲁民低告〔2026〕6号"), (7, "巧民低告〔2026〕7号")]
    {
        sqlx::query(
            "INSERT INTO notices (year, seq, number, kind, household_id, township_id, village_id,
                addressee, decision, reasons, basis, issuer, decided_on, deliver_by, created_by,
                created_at)
             VALUES (2026, $1, $2, 'refusal', $3, $4, $5, '户主', '不予纳入', '理由', '依据',
                '民政局', '2026-11-02', '2026-11-05', $6, 0)",
        )
        .bind(seq)
        .bind(number)
        .bind(household)
        .bind(township)
        .bind(village)
        .bind(officer)
        .execute(&mut *conn)
        .await
        .expect("notice");
    }
    // Two complaints about the township: one answered ten days after it came, one waiting.
    let answered_at = chrono::NaiveDate::from_ymd_opt(2026, 11, 11)
        .and_then(|d| d.and_hms_opt(4, 0, 0))
        .expect("time")
        .and_utc()
        .timestamp();
    for status in ["answered", "submitted"] {
        let id: i64 = sqlx::query(
            "INSERT INTO complaints (receipt_hash, channel, category, status, township_id, body,
                anonymous, received_on, accept_by, created_at, updated_at)
             VALUES ($1, 'web', 'other', $2, $3, 'x', 1, '2026-11-01', '2026-11-16', 0, 0)
             RETURNING id",
        )
        .bind(format!("old-{status}"))
        .bind(status)
        .bind(township)
        .fetch_one(&mut *conn)
        .await
        .expect("complaint")
        .get(0);
        if status == "answered" {
            sqlx::query(
                "INSERT INTO complaint_events (complaint_id, at, actor_kind, kind, public, body)
                 VALUES ($1, $2, 'staff', 'answered', 1, '')",
            )
            .bind(id)
            .bind(answered_at)
            .execute(&mut *conn)
            .await
            .expect("answer");
        }
    }
    drop(conn);

    db.migrate().await.expect("upgrade");

    let kept: Vec<(String, String)> =
        sqlx::query("SELECT prefix, number FROM notices ORDER BY seq")
            .fetch_all(&db.pool)
            .await
            .expect("notices")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(
        kept,
        [
            ("鲁民低告".to_owned(), "鲁民低告〔2026〕6号".to_owned()),
            ("巧民低告".to_owned(), "巧民低告〔2026〕7号".to_owned()),
        ],
        "numbers kept, each with the prefix it was issued under"
    );
    let mut tx = db.begin().await.expect("tx");
    let mut next = Vec::new();
    for (prefix, year) in [
        ("鲁民低告", 2026),
        ("巧民低告", 2026),
        ("镇民低告", 2026),
        ("鲁民低告", 2027),
    ] {
        next.push(
            app::db::notices::next_seq(&mut tx, prefix, year)
                .await
                .expect("next"),
        );
    }
    assert_eq!(
        next,
        [8, 8, 1, 1],
        "a prefix already used goes on after the year's last number; a new one starts at 1"
    );
    drop(tx);

    let counted = app::db::stats::complaint_tallies(&db, &app::domain::Scope::All)
        .await
        .expect("roll-ups");
    let t = counted.get(&township).expect("the township counted");
    assert_eq!(
        (
            t.counts.received,
            t.counts.accepted,
            t.counts.answered,
            t.counts.answered_on_time
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(t.answer_days, [(10, 1)].into_iter().collect());
    // Counted once: a second start finds nothing left to count.
    db.migrate().await.expect("second start");
    let again = app::db::stats::complaint_tallies(&db, &app::domain::Scope::All)
        .await
        .expect("roll-ups");
    assert_eq!(again.get(&township).map(|t| t.counts.received), Some(2));
}
