//! The public page cache: each kind of write changes the pages it touches and no others (told
//! apart by `x-cache: hit|miss`), a missing page is rendered once however many ask for it at
//! the same time, and nothing personal is ever kept.

use std::collections::BTreeSet;

use crate::both_backends;
use crate::helpers::{form_token, spawn_app, Backend, BrowserExt, StaffSession, TestApp};

both_backends!(
    each_kind_of_write_changes_its_pages_and_no_others,
    a_missing_page_is_rendered_once,
    personal_and_failed_pages_are_never_kept,
);

/// 龙泉村 and 八宝村 (龙头山镇), 水磨村 (水磨镇).
const V1: &str = "530621103201";
const V2: &str = "530621103202";
const V3: &str = "530621102201";
const T1: &str = "530621103000";
const T3: &str = "530621102000";

/// `x-cache` of an anonymous visitor's GET (asserting 200).
async fn cache_of(app: &TestApp, visitor: &reqwest::Client, path: &str) -> String {
    let res = visitor
        .get(app.url(path))
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned()
}

/// Renders every page, then checks each is now served from the cache.
async fn warm(app: &TestApp, visitor: &reqwest::Client, pages: &[String]) {
    for p in pages {
        cache_of(app, visitor, p).await;
    }
    for p in pages {
        assert_eq!(cache_of(app, visitor, p).await, "hit", "{p} kept");
    }
}

/// The pages rendered anew after a write (the others are still hits).
async fn changed(app: &TestApp, visitor: &reqwest::Client, pages: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in pages {
        match cache_of(app, visitor, p).await.as_str() {
            "miss" => {
                out.insert(p.clone());
            }
            "hit" => {}
            other => panic!("{p}: x-cache {other}"),
        }
    }
    out
}

fn set(pages: &[&str]) -> BTreeSet<String> {
    pages.iter().map(|p| (*p).to_owned()).collect()
}

async fn add_entry(officer: &StaffSession, batch: i64, change: &str) {
    let res = officer
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("head_name", "端木新户"),
                ("persons", "2"),
                ("amount", "700"),
                ("category", "一般保障"),
                ("change", change),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "add entry");
}

async fn ok(res: reqwest::Response, what: &str) {
    assert_eq!(res.status().as_u16(), 303, "{what}");
}

/// A web report; returns the reporter's browser and the receipt.
async fn report(app: &TestApp) -> (reqwest::Client, String) {
    let reporter = app.new_client();
    let token = form_token(app, &reporter, "/report").await;
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("category", "favouritism"),
            ("place", &format!("v:{V1}")),
            (
                "body",
                "村主任把低保名额给了自己的亲戚，他们家有小车和新房。",
            ),
        ])
        .send()
        .await
        .expect("report");
    ok(res, "report").await;
    let body = reporter
        .get(app.url("/report/receipt"))
        .send()
        .await
        .expect("receipt")
        .text()
        .await
        .expect("body");
    let start = body.find(r#"class="receipt""#).expect("receipt");
    let receipt = body[start..]
        .chars()
        .filter(char::is_ascii_digit)
        .take(16)
        .collect();
    (reporter, receipt)
}

async fn each_kind_of_write_changes_its_pages_and_no_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.new_client();
    let officer = app.staff_session("demo.longtoushan").await;
    let editor = app.staff_session("demo.county").await;
    let b1 = app.batch_of(V1, "standing", "published").await;
    let b3 = app.batch_of(V3, "standing", "published").await;
    let demo_draw = app::db::draws::list(&app.db, &app::domain::Scope::All, 1)
        .await
        .expect("draws")
        .first()
        .expect("the demo has draws")
        .id;
    let draw_pages = [
        "/draws".to_owned(),
        format!("/draws/{demo_draw}"),
        format!("/draws/{demo_draw}.json"),
    ];
    let mut pages: Vec<String> = [
        "/",
        "/poster",
        &format!("/v/{V1}"),
        &format!("/v/{V1}?q=张"),
        &format!("/v/{V2}"),
        &format!("/v/{V3}"),
        &format!("/p/{b1}"),
        &format!("/p/{b3}"),
        &format!("/api/v1/villages/{V1}/summary"),
        &format!("/api/v1/villages/{V3}/summary"),
        &format!("/api/v1/townships/{T1}/summary"),
        &format!("/api/v1/townships/{T3}/summary"),
        "/stats",
        "/api/v1/stats",
        "/policy",
        "/policy/rights",
        "/answers",
        "/answers/car-owners",
        "/notices",
        "/notices/2026-case-1",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .chain(draw_pages.iter().cloned())
    .collect();
    let stats = ["/stats", "/api/v1/stats"];
    let village_one = |extra: &[&str]| {
        let mut s = set(&[
            &format!("/v/{V1}"),
            &format!("/v/{V1}?q=张"),
            &format!("/api/v1/villages/{V1}/summary"),
            &format!("/api/v1/townships/{T1}/summary"),
            "/stats",
            "/api/v1/stats",
        ]);
        s.extend(extra.iter().map(|p| (*p).to_owned()));
        s
    };

    // A report: only the complaint statistics.
    warm(&app, &visitor, &pages).await;
    let (reporter, receipt) = report(&app).await;
    assert_eq!(changed(&app, &visitor, &pages).await, set(&stats), "report");

    // A tracking note: nothing public.
    warm(&app, &visitor, &pages).await;
    let res = reporter
        .browser_post(app.url("/track"))
        .form(&[("receipt", receipt.as_str())])
        .send()
        .await
        .expect("track");
    ok(res, "track").await;
    let res = reporter
        .browser_post(app.url("/track/info"))
        .form(&[("body", "补充：他家去年还买了一辆货车。")])
        .send()
        .await
        .expect("info");
    ok(res, "tracking note").await;
    assert_eq!(changed(&app, &visitor, &pages).await, set(&[]), "note");

    // A staff step on the complaint: the statistics.
    warm(&app, &visitor, &pages).await;
    let case = app.complaint(&receipt).await.id;
    ok(
        officer
            .post_form(&format!("/staff/complaints/{case}/accept"), &[])
            .await,
        "accept",
    )
    .await;
    assert_eq!(changed(&app, &visitor, &pages).await, set(&stats), "accept");

    // A new draft (审核/审批 lists come only from case files: a standing list): nothing public.
    warm(&app, &visitor, &pages).await;
    let draft = officer.create_batch(&app.db, V1, "standing").await;
    assert_eq!(changed(&app, &visitor, &pages).await, set(&[]), "draft");

    // An entry change: the list's village, township and the statistics; not 八宝村, not 水磨镇.
    warm(&app, &visitor, &pages).await;
    add_entry(&officer, draft, "新增").await;
    assert_eq!(
        changed(&app, &visitor, &pages).await,
        village_one(&[]),
        "entry"
    );

    // Publishing it: the same, and it replaces (closes) the current standing list, whose page
    // changes too; its own page now exists.
    warm(&app, &visitor, &pages).await;
    ok(
        officer
            .post_form(&format!("/staff/publicity/{draft}/publish"), &[])
            .await,
        "publish",
    )
    .await;
    assert_eq!(
        changed(&app, &visitor, &pages).await,
        village_one(&[&format!("/p/{b1}")]),
        "publish"
    );
    let draft_page = format!("/p/{draft}");
    assert_eq!(cache_of(&app, &visitor, &draft_page).await, "miss");
    pages.push(draft_page.clone());

    // Withdrawing it: the same plus its page.
    warm(&app, &visitor, &pages).await;
    ok(
        officer
            .post_form(
                &format!("/staff/publicity/{draft}/withdraw"),
                &[("reason", "名单有误，重新公示")],
            )
            .await,
        "withdraw",
    )
    .await;
    assert_eq!(
        changed(&app, &visitor, &pages).await,
        village_one(&[&draft_page]),
        "withdraw"
    );

    // Content pages: a policy's edit changes it and its list.
    warm(&app, &visitor, &pages).await;
    let rights: i64 =
        app::db::content::published(&app.db, app::db::content::Kind::Policy, "rights")
            .await
            .expect("page")
            .expect("page")
            .id;
    ok(
        editor
            .post_form(
                &format!("/staff/pages/{rights}"),
                &[("title", "您的权利"), ("body", "- 可以申请复查。")],
            )
            .await,
        "edit page",
    )
    .await;
    assert_eq!(
        changed(&app, &visitor, &pages).await,
        set(&["/policy", "/policy/rights"]),
        "page edit"
    );

    // Linking an answer to a complaint: that answer (its count) and the answers list.
    warm(&app, &visitor, &pages).await;
    let answer: i64 =
        app::db::content::published(&app.db, app::db::content::Kind::Answer, "car-owners")
            .await
            .expect("page")
            .expect("page")
            .id;
    ok(
        editor
            .post_form(
                &format!("/staff/pages/{answer}/link"),
                &[("complaint", &case.to_string())],
            )
            .await,
        "link",
    )
    .await;
    assert_eq!(
        changed(&app, &visitor, &pages).await,
        set(&["/answers", "/answers/car-owners"]),
        "link"
    );

    // Holidays and sign-ins: staff business, nothing public.
    warm(&app, &visitor, &pages).await;
    let admin = app.staff_session("demo.admin").await;
    ok(
        admin
            .post_form(
                "/staff/holidays",
                &[("day", "2026-12-31"), ("kind", "holiday")],
            )
            .await,
        "holiday",
    )
    .await;
    assert_eq!(changed(&app, &visitor, &pages).await, set(&[]), "holiday");

    // A village's review pool: the draw pages (a draw's page names its pool's groups) and the
    // statistics that count draws; announcing and drawing announce the same change.
    warm(&app, &visitor, &pages).await;
    let village = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, V1)
        .await
        .expect("q")
        .expect("village")
        .id
        .to_string();
    ok(
        officer
            .post_form(
                "/staff/draws/pool",
                &[
                    ("village", village.as_str()),
                    ("name", "端木池员"),
                    ("stratum", "resident"),
                    ("group", "一组"),
                ],
            )
            .await,
        "pool member",
    )
    .await;
    let mut expected = set(&stats);
    expected.extend(draw_pages.iter().cloned());
    assert_eq!(changed(&app, &visitor, &pages).await, expected, "pool");
}

async fn a_missing_page_is_rendered_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = format!("/v/{V2}");
    let mut asks = Vec::new();
    for _ in 0..24 {
        let client = app.new_client();
        let url = app.url(&path);
        asks.push(tokio::spawn(async move {
            let res = client
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .expect("get");
            assert_eq!(res.status().as_u16(), 200);
            res.headers()
                .get("x-cache")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_owned()
        }));
    }
    let mut misses = 0;
    for a in asks {
        match a.await.expect("task").as_str() {
            "miss" => misses += 1,
            "hit" => {}
            other => panic!("x-cache {other}"),
        }
    }
    assert_eq!(misses, 1, "one render for 24 concurrent requests");
}

async fn personal_and_failed_pages_are_never_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.new_client();
    let officer = app.staff_session("demo.longtoushan").await;
    for _ in 0..2 {
        for path in ["/report", "/track", "/staff/login"] {
            let res = visitor.get(app.url(path)).send().await.expect("get");
            assert!(res.headers().get("x-cache").is_none(), "{path}");
        }
        for path in ["/staff", "/staff/publicity", "/staff/complaints"] {
            let res = officer.get(path).await;
            assert_eq!(res.status().as_u16(), 200, "{path}");
            assert!(res.headers().get("x-cache").is_none(), "{path}");
        }
        // Not-found pages are answered afresh each time, never kept.
        let res = visitor
            .get(app.url("/v/530621999999"))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status().as_u16(), 404);
        assert!(res.headers().get("x-cache").is_none());
    }
    // A signed-in officer reading a public page gets the same page anyone gets.
    let path = format!("/v/{V1}");
    let anon = visitor
        .get(app.url(&path))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let res = officer.get(&path).await;
    assert_eq!(res.headers()["x-cache"], "hit");
    assert_eq!(res.text().await.expect("body"), anon);
}
