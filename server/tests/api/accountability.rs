use sqlx::Row;

use crate::both_backends;
use crate::helpers::{spawn_app, Backend, StaffSession, TestApp};

both_backends!(
    summaries_are_kept_with_every_list_change,
    stats_match_a_known_sequence,
    stats_suppress_small_counts,
    pages_publish_unpublish_and_keep_revisions,
    markdown_is_sanitised_on_public_pages,
    answers_show_only_how_many_reports_they_answer,
    public_pages_and_poster_render,
);

async fn stats_json(app: &TestApp) -> serde_json::Value {
    let res = app.get("/api/v1/stats").await;
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.expect("json")
}

/// The id of the page of `kind` called `slug`, published or not.
async fn page_id(app: &TestApp, kind: app::db::content::Kind, slug: &str) -> i64 {
    app::db::content::list(&app.db, app::db::content::Owner::Everyone, Some(kind), true)
        .await
        .expect("pages")
        .into_iter()
        .find(|p| p.slug == slug)
        .expect("id")
        .id
}

/// Inserts `n` complaints in a township in a given state (with an answer event when answered).
async fn seed_complaints(
    app: &TestApp,
    township: &str,
    n: usize,
    status: &str,
    answered_after_days: Option<i64>,
    finding: Option<&str>,
) {
    let t: i64 = app::db::regions::by_code(&app.db, app::db::regions::Level::Township, township)
        .await
        .expect("t")
        .expect("t")
        .id;
    let today = app::db::today_cst();
    let received = today - chrono::Duration::days(40);
    for i in 0..n {
        let hash = format!("seed-{township}-{status}-{i}-{}", rand_suffix());
        let id: i64 = sqlx::query(
            "INSERT INTO complaints (receipt_hash, channel, category, status, township_id, body, anonymous,
                received_on, accept_by, answer_by, finding, created_at, updated_at)
             VALUES ($1, 'web', 'other', $2, $3, 'x', 1, $4, $5, $6, $7, 0, 0) RETURNING id",
        )
        .bind(&hash)
        .bind(status)
        .bind(t)
        .bind(received.to_string())
        .bind((received + chrono::Duration::days(15)).to_string())
        .bind((received + chrono::Duration::days(20)).to_string())
        .bind(finding)
        .fetch_one(&app.db.pool)
        .await
        .expect("insert")
        .get(0);
        if let Some(days) = answered_after_days {
            let at = (received + chrono::Duration::days(days))
                .and_hms_opt(4, 0, 0)
                .expect("t")
                .and_utc()
                .timestamp();
            sqlx::query("INSERT INTO complaint_events (complaint_id, at, actor_kind, kind, public, body) VALUES ($1, $2, 'staff', 'answered', 1, '')")
                .bind(id)
                .bind(at)
                .execute(&app.db.pool)
                .await
                .expect("event");
        }
        // Written around the complaint functions, so counted as they would have counted it.
        let mut conn = app.db.pool.acquire().await.expect("conn");
        app::db::stats::refresh_complaint(&mut conn, id)
            .await
            .expect("roll-up");
    }
}

fn rand_suffix() -> u64 {
    rand::random()
}

async fn stats_match_a_known_sequence(backend: Backend) {
    let app = spawn_app(backend).await;
    // 桃源回族乡 has no demo complaints: 6 answered on time (10 days), 5 answered late (30 days),
    // 5 declined, 5 still submitted.
    seed_complaints(
        &app,
        "530621201000",
        6,
        "answered",
        Some(10),
        Some("substantiated"),
    )
    .await;
    seed_complaints(
        &app,
        "530621201000",
        5,
        "closed",
        Some(30),
        Some("unsubstantiated"),
    )
    .await;
    seed_complaints(&app, "530621201000", 5, "declined", None, None).await;
    seed_complaints(&app, "530621201000", 5, "submitted", None, None).await;
    let v = stats_json(&app).await;
    let t = v["townships"]
        .as_array()
        .expect("townships")
        .iter()
        .find(|t| t["code"] == "530621201000")
        .expect("taoyuan")
        .clone();
    let c = &t["complaints"];
    assert_eq!(c["received"], 21);
    assert_eq!(c["accepted"], 11);
    assert_eq!(c["declined"], 5);
    assert_eq!(c["answered"], 11);
    assert_eq!(c["answered_on_time"], 6);
    assert_eq!(c["on_time_percent"], 54.5);
    assert_eq!(c["median_days_to_answer"], 10.0);
    assert_eq!(c["findings"]["substantiated"], 6);
    assert_eq!(c["findings"]["unsubstantiated"], 5);
    // The lists side matches the standing lists.
    let households: i64 = sqlx::query(
        "SELECT COUNT(*) FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.kind = 'standing' AND b.state = 'published' AND e.change_kind <> 'stop'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("n")
    .get(0);
    assert_eq!(v["county"]["households"], households);
    // The HTML page shows the same.
    let page = app.get_text("/stats").await.1;
    let taoyuan: String =
        app::db::regions::by_code(&app.db, app::db::regions::Level::Township, "530621201000")
            .await
            .expect("name")
            .expect("name")
            .name_zh;
    // 桃源's row of the complaints table: received, accepted, declined, answered.
    let rows = rows_headed(&page, &taoyuan);
    assert!(
        rows.contains(&vec![
            "21".to_owned(),
            "11".to_owned(),
            "5".to_owned(),
            "11".to_owned()
        ]),
        "桃源's complaint counts on the stats page: {rows:?}"
    );
    // The county's on-time rate, as the JSON gives it.
    let county_percent = v["county"]["complaints"]["on_time_percent"]
        .as_f64()
        .expect("county on-time rate");
    assert!(
        page.contains(&format!("{county_percent:.1}%")),
        "county rate {county_percent}"
    );
    assert!(page.contains("<svg") && page.contains("各乡镇低保户数"));
}

/// Standing households and this year's approvals per township code, counted from the lists
/// themselves (what the roll-ups must always equal).
async fn counted_from_lists(app: &TestApp) -> Vec<(String, i64, i64, i64)> {
    let year = chrono::Datelike::year(&app::db::today_cst());
    let rows = sqlx::query(
        "SELECT t.code,
           (SELECT COUNT(*) FROM batch_entries e JOIN batches b ON b.id = e.batch_id
             WHERE b.township_id = t.id AND b.kind = 'standing' AND b.state = 'published'
               AND e.change_kind <> 'stop'),
           (SELECT CAST(COALESCE(SUM(e.monthly_fen), 0) AS BIGINT) FROM batch_entries e JOIN batches b ON b.id = e.batch_id
             WHERE b.township_id = t.id AND b.kind = 'standing' AND b.state = 'published'
               AND e.change_kind <> 'stop'),
           (SELECT COUNT(*) FROM batch_entries e JOIN batches b ON b.id = e.batch_id
             WHERE b.township_id = t.id AND b.kind = 'approval' AND b.state IN ('published', 'closed')
               AND e.change_kind = 'new' AND b.published_at >= $1)
         FROM regions t WHERE t.level = 'township' ORDER BY t.code",
    )
    .bind(
        chrono::NaiveDate::from_ymd_opt(year, 1, 1)
            .expect("day")
            .and_hms_opt(0, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp()
            - 8 * 3600,
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("counted");
    rows.iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                r.get::<i64, _>(1),
                r.get::<i64, _>(2),
                r.get::<i64, _>(3),
            )
        })
        .collect()
}

/// What `/api/v1/stats` says per township code, with counts from 1 to 4 (suppressed) as -1.
async fn published_summary(app: &TestApp) -> Vec<(String, i64, i64, i64)> {
    let v = stats_json(app).await;
    let mut rows: Vec<(String, i64, i64, i64)> = v["townships"]
        .as_array()
        .expect("townships")
        .iter()
        .map(|t| {
            (
                t["code"].as_str().expect("code").to_owned(),
                t["households"].as_i64().unwrap_or(-1),
                t["monthly_fen"].as_i64().expect("fen"),
                t["new_this_year"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The same, with the small counts the public summary withholds hidden.
fn as_published(counted: Vec<(String, i64, i64, i64)>) -> Vec<(String, i64, i64, i64)> {
    let hide = |n: i64| if (1..=4).contains(&n) { -1 } else { n };
    counted
        .into_iter()
        .map(|(c, h, f, n)| (c, hide(h), f, hide(n)))
        .collect()
}

/// The summaries are roll-ups moved in the transaction of each list change (never a count
/// over every entry per request): after publishing a standing list that replaces a village's
/// old one, withdrawing it, and an approval list published then withdrawn, they equal a count
/// over the lists at each step; a recount from scratch changes nothing.
async fn summaries_are_kept_with_every_list_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let check = |step: &'static str| {
        let app = &app;
        async move {
            assert_eq!(
                published_summary(app).await,
                as_published(counted_from_lists(app).await),
                "{step}"
            );
        }
    };
    check("the demo").await;
    let before = published_summary(&app).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let village =
        app::db::regions::by_code(&app.db, app::db::regions::Level::Village, "530621103201")
            .await
            .expect("q")
            .expect("village");
    let batch = officer
        .create_batch(&app.db, "530621103201", "standing")
        .await;
    for name in ["端木新户", "欧阳新户"] {
        let res = officer
            .post_form(
                &format!("/staff/publicity/{batch}/entries"),
                &[
                    ("head_name", name),
                    ("persons", "2"),
                    ("amount", "700"),
                    ("category", "一般保障"),
                    ("change", "新增"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303, "entry");
    }
    let res = officer
        .post_form(&format!("/staff/publicity/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303, "publish");
    check("a standing list replaced").await;
    assert_ne!(published_summary(&app).await, before, "the summary moved");
    let res = officer
        .post_form(
            &format!("/staff/publicity/{batch}/withdraw"),
            &[("reason", "录入有误")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "withdraw");
    check("a standing list withdrawn").await;

    // An approval list (as the case workflow makes them) of three new households: published,
    // its window closed (still approved), then withdrawn.
    use app::db::publicity as pdb;
    use app::domain::BatchState::*;
    // Any household of the village (its standing list is withdrawn by now): no db:: function
    // reads households regardless of standing.
    let household: i64 =
        sqlx::query_scalar("SELECT id FROM households WHERE village_id = $1 LIMIT 1")
            .bind(village.id)
            .fetch_one(&app.db.pool)
            .await
            .expect("household");
    let mut tx = app.db.begin().await.expect("tx");
    let today = app::db::today_cst();
    let approval = pdb::insert_batch(
        &mut tx,
        &pdb::NewBatch {
            village_id: village.id,
            township_id: village.parent_id.expect("township"),
            kind: app::domain::BatchKind::Approval,
            opens_on: today,
            closes_on: Some(today + chrono::Duration::days(7)),
            window_days: Some(7),
            created_by: None,
        },
        app::db::now_epoch(),
    )
    .await
    .expect("batch");
    for name in ["端木甲", "端木乙", "端木丙"] {
        pdb::insert_entry(
            &mut tx,
            approval,
            &pdb::NewEntry {
                household_id: household,
                head_name: name,
                persons: 1,
                monthly_fen: 40_000,
                category: app::domain::AidCategory::General,
                aid_class: None,
                change: app::domain::ChangeKind::New,
            },
        )
        .await
        .expect("entry");
    }
    tx.commit().await.expect("commit");
    let new_here = |rows: &[(String, i64, i64, i64)]| {
        rows.iter()
            .find(|r| r.0 == "530621103000")
            .map(|r| r.3)
            .expect("龙头山镇")
    };
    let counted = new_here(&counted_from_lists(&app).await);
    for (from, to, step, moved) in [
        (Draft, Published, "an approval list published", 3),
        (Published, Closed, "its window closed", 3),
        (Closed, Withdrawn, "withdrawn", 0),
    ] {
        let mut tx = app.db.begin().await.expect("tx");
        assert!(
            pdb::set_state(&mut tx, approval, from, to, None, app::db::now_epoch())
                .await
                .expect("state")
        );
        // As the workflow does: the lists' pages, and the statistics, are rendered again.
        let list = pdb::batch(&app.db, approval)
            .await
            .expect("q")
            .expect("list");
        tx.changed(app::db::changes::Change::list(&list));
        tx.commit().await.expect("commit");
        check(step).await;
        assert_eq!(
            new_here(&counted_from_lists(&app).await),
            counted + moved,
            "{step}"
        );
    }
    // Recounting from scratch finds what was kept, the complaint counts of the demo's
    // complaints (kept with each of their changes) included.
    let kept = published_summary(&app).await;
    let complaints = || async {
        let all = app::db::stats::complaint_tallies(&app.db, &app::domain::Scope::All)
            .await
            .expect("complaint roll-ups");
        assert!(
            all.values().map(|t| t.counts.received).sum::<i64>() > 0,
            "the demo has complaints"
        );
        all.into_iter()
            .filter(|(_, t)| *t != Default::default())
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let complaints_kept = complaints().await;
    let mut tx = app.db.begin().await.expect("tx");
    app::db::stats::recount(&mut tx).await.expect("recount");
    let list = pdb::batch(&app.db, approval)
        .await
        .expect("q")
        .expect("list");
    tx.changed(app::db::changes::Change::list(&list));
    tx.commit().await.expect("commit");
    assert_eq!(
        published_summary(&app).await,
        kept,
        "a recount changes nothing"
    );
    assert_eq!(
        complaints().await,
        complaints_kept,
        "a recount changes no complaint count"
    );
}

async fn stats_suppress_small_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    seed_complaints(&app, "530621202000", 3, "answered", Some(5), Some("partly")).await;
    let v = stats_json(&app).await;
    let t = v["townships"]
        .as_array()
        .expect("t")
        .iter()
        .find(|t| t["code"] == "530621202000")
        .expect("ciyuan")
        .clone();
    assert!(t["complaints"]["received"].is_null(), "3 reports → null");
    assert!(t["complaints"]["answered"].is_null());
    assert!(
        t["complaints"]["on_time_percent"].is_null(),
        "rates over <5 answers are withheld"
    );
    assert!(t["complaints"]["median_days_to_answer"].is_null());
    let page = app.get_text("/stats").await.1;
    assert!(page.contains("&lt;5"), "shown as <5");
    // The county total cannot be used to subtract back to the hidden counts.
    assert_eq!(v["county"]["rounded_to_tens"], true);
    let received = v["county"]["complaints"]["received"]
        .as_i64()
        .expect("rounded count");
    assert_eq!(received % 10, 0, "county total rounded to tens");
    // The page gives no rounded number ("≈10" read as exact): the total over a "<5" township
    // is the range it lies in, worked out from what is shown, and the page says so.
    assert!(!page.contains("≈"), "no rounded totals on the page");
    let shown = page
        .split("<dt>收到</dt><dd>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("county received");
    let (low, high) = shown.split_once('–').expect("a range");
    let (low, high): (i64, i64) = (low.parse().expect("low"), high.parse().expect("high"));
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM complaints")
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get(0);
    assert!(high - low >= 3 && low <= n && n <= high, "{n} in {shown}");
    assert!(page.contains("显示为它所在的范围"));
}

/// A signed-in editor (county officer) with CSRF token.
async fn editor(app: &TestApp) -> StaffSession {
    app.staff_session("demo.county").await
}

async fn post(
    _app: &TestApp,
    who: &StaffSession,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    who.post_form(path, fields).await
}

async fn pages_publish_unpublish_and_keep_revisions(backend: Backend) {
    let app = spawn_app(backend).await;
    let ed = editor(&app).await;
    // Preview writes nothing.
    let res = post(
        &app,
        &ed,
        "/staff/pages",
        &[
            ("kind", "answer"),
            ("slug", "water-bills"),
            ("title", "水费能算收入吗"),
            ("body", "**不算**。"),
            ("intent", "preview"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res
        .text()
        .await
        .expect("b")
        .contains("<strong>不算</strong>"));
    let pages = app::db::content::list(&app.db, app::db::content::Owner::Everyone, None, true)
        .await
        .expect("pages");
    assert!(pages.iter().all(|p| p.slug != "water-bills"));
    let res = post(
        &app,
        &ed,
        "/staff/pages",
        &[
            ("kind", "answer"),
            ("slug", "water-bills"),
            ("title", "水费能算收入吗"),
            ("body", "第一版。"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let id: i64 = page_id(&app, app::db::content::Kind::Answer, "water-bills").await;
    // Unpublished: not found.
    assert_eq!(app.get("/answers/water-bills").await.status().as_u16(), 404);
    assert!(!app.get_text("/answers").await.1.contains("水费能算收入吗"));
    post(
        &app,
        &ed,
        &format!("/staff/pages/{id}"),
        &[
            ("title", "水费能算收入吗？"),
            ("body", "第二版：不算收入。"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(
        post(&app, &ed, &format!("/staff/pages/{id}/publish"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let (status, body) = app.get_text("/answers/water-bills").await;
    assert_eq!(status, 200);
    assert!(body.contains("第二版：不算收入。") && !body.contains("第一版"));
    assert!(app
        .get_text("/answers")
        .await
        .1
        .contains("水费能算收入吗？"));
    let revisions = app::db::content::revisions(&app.db, id)
        .await
        .expect("r")
        .len();
    assert_eq!(revisions, 2, "every save is kept");
    assert_eq!(
        post(&app, &ed, &format!("/staff/pages/{id}/unpublish"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app.get("/answers/water-bills").await.status().as_u16(), 404);
    // Bad input: a clear message, nothing written; a township officer may not edit county pages.
    let res = post(
        &app,
        &ed,
        "/staff/pages",
        &[
            ("kind", "policy"),
            ("slug", "../../etc"),
            ("title", "x"),
            ("body", "x"),
            ("intent", "save"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    let officer = app.login_client("demo.longtoushan").await;
    assert_eq!(
        officer
            .get(app.url("/staff/pages"))
            .send()
            .await
            .expect("r")
            .status()
            .as_u16(),
        403
    );
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    for a in [
        "page.create",
        "page.update",
        "page.publish",
        "page.unpublish",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
}

async fn markdown_is_sanitised_on_public_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let ed = editor(&app).await;
    let hostile = "正文 <script>alert(1)</script> <img src=x onerror=alert(2)> [点我](javascript:alert(3)) <iframe src=\"https://evil.example\"></iframe>";
    post(
        &app,
        &ed,
        "/staff/pages",
        &[
            ("kind", "notice"),
            ("slug", "xss-test"),
            ("title", "<b>标题</b>"),
            ("body", hostile),
            ("intent", "save"),
        ],
    )
    .await;
    let id: i64 = page_id(&app, app::db::content::Kind::Notice, "xss-test").await;
    post(&app, &ed, &format!("/staff/pages/{id}/publish"), &[]).await;
    let body = app
        .get_text("/notices/xss-test")
        .await
        .1
        .to_ascii_lowercase();
    for bad in [
        "<script>alert",
        "onerror",
        "javascript:",
        "<iframe",
        "<b>标题",
    ] {
        assert!(!body.contains(bad), "{bad} on the public page");
    }
    assert!(body.contains("正文"));
    assert!(
        body.contains("&lt;b&gt;标题&lt;/b&gt;"),
        "the title is text"
    );
}

async fn answers_show_only_how_many_reports_they_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let ed = editor(&app).await;
    let id: i64 =
        app::db::content::published(&app.db, app::db::content::Kind::Answer, "car-owners")
            .await
            .expect("id")
            .expect("id")
            .id;
    let cases: Vec<i64> = sqlx::query("SELECT id FROM complaints ORDER BY id LIMIT 2")
        .fetch_all(&app.db.pool)
        .await
        .expect("c")
        .iter()
        .map(|r| r.get(0))
        .collect();
    for c in &cases {
        assert_eq!(
            post(
                &app,
                &ed,
                &format!("/staff/pages/{id}/link"),
                &[("complaint", &c.to_string())]
            )
            .await
            .status()
            .as_u16(),
            303
        );
    }
    let body = app.get_text("/answers/car-owners").await.1;
    assert!(body.contains("本答复回应了 2 件举报"));
    let body_text = body.replace("2 件", "");
    for c in &cases {
        assert!(!body_text.contains(&format!("#{c}")), "no case numbers");
    }
}

async fn public_pages_and_poster_render(backend: Backend) {
    let app = spawn_app(backend).await;
    for (path, text) in [
        ("/policy", "政策说明"),
        ("/policy/who-qualifies", "谁可以享受低保"),
        ("/answers", "回应关切"),
        ("/notices", "通报曝光"),
        ("/notices/2026-case-1", "通报"),
        ("/poster", "低保政策明白纸"),
    ] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(text), "{path}");
        assert!(!body.contains("<script"), "{path}");
    }
    assert!(app
        .get_text("/poster")
        .await
        .1
        .contains("data:image/svg+xml"));
    assert_eq!(app.get("/policy/no-such-page").await.status().as_u16(), 404);
    assert_eq!(
        app.get("/policy/..%2F..%2Fetc").await.status().as_u16(),
        404
    );
}

/// The cells of every table row of `page` whose row header is `header`, markup removed.
fn rows_headed(page: &str, header: &str) -> Vec<Vec<String>> {
    let marker = format!(r#"<th scope="row">{header}</th>"#);
    page.split(&marker)
        .skip(1)
        .map(|rest| {
            let row = &rest[..rest.find("</tr>").unwrap_or(rest.len())];
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                    inner[..inner.find("</td>").unwrap_or(inner.len())]
                        .replace("<!>", "")
                        .trim()
                        .to_owned()
                })
                .collect()
        })
        .collect()
}
