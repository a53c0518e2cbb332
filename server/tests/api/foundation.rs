use sqlx::Row;

use crate::both_backends;
use crate::helpers::{spawn_app, spawn_app_with, Backend, Options};

both_backends!(
    cancelled_transactions_leave_no_open_transaction_behind,
    home_lists_every_township,
    village_url_works,
    unknown_village_is_a_404_page,
    security_headers_present,
    healthz_answers,
    language_switch_round_trip,
    cross_site_post_is_refused,
    static_css_is_cached,
    behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent,
);

const TOWNSHIPS: &[&str] = &[
    "文屏街道",
    "砚池街道",
    "水磨镇",
    "龙头山镇",
    "小寨镇",
    "江底镇",
    "火德红镇",
    "龙树镇",
    "新街镇",
    "梭山镇",
    "乐红镇",
    "桃源回族乡",
    "茨院回族乡",
];

async fn home_lists_every_township(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="zh-CN""#));
    assert!(body.contains("鲁甸县"));
    for t in TOWNSHIPS {
        assert!(body.contains(t), "home page lacks {t}");
    }
    assert!(
        body.contains(r#"href="/v/530621103201""#),
        "龙泉村 link missing"
    );
    // No script is requested when no WASM bundle was built.
    assert!(!body.contains("<script"), "page must not load scripts");
}

async fn village_url_works(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_text("/v/530621103201").await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>龙泉村</h1>"), "{body}");
    assert!(body.contains("龙头山镇"));
}

async fn unknown_village_is_a_404_page(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/v/000000000000",
        "/v/530621103",
        "/v/..%2F..%2Fetc%2Fpasswd",
        "/v/530621103000", // a township code, not a village
        "/no/such/page",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 404, "{path}");
        let ct = res.headers()["content-type"]
            .to_str()
            .expect("ct")
            .to_owned();
        assert!(ct.starts_with("text/html"), "{path}: {ct}");
        let body = res.text().await.expect("body");
        assert!(body.contains("页面不存在"), "{path}");
    }
    // In English too.
    let (status, body) = app.get_text_en("/v/000000000000").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}

async fn security_headers_present(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/v/530621103201", "/does-not-exist", "/healthz"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("default-src 'self'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(h.contains_key("permissions-policy"), "{path}");
        // Lists of households never reach a search engine; the home page (no household on
        // it) may, with a description.
        if path == "/" {
            assert!(!h.contains_key("x-robots-tag"), "{path}");
        } else {
            assert!(h["x-robots-tag"]
                .to_str()
                .expect("robots")
                .contains("noindex"));
        }
    }
    let body = app.get_text("/v/530621103201").await.1;
    assert!(body.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    let home = app.get_text("/").await.1;
    assert!(!home.contains(r#"name="robots""#));
    assert!(home.contains(r#"<meta name="description" content=""#));
}

async fn healthz_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app.get("/readyz").await;
    assert_eq!(res.status().as_u16(), 200);
    // With the database gone, readiness says so; liveness still answers (a restart would not help).
    app.db.pool.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status().as_u16(), 503);
    let res = app.get("/healthz").await;
    assert_eq!(res.status().as_u16(), 200);
}

async fn language_switch_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.get("/lang/en?next=/v/530621103201").await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/v/530621103201");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.starts_with("lang=en"));
    assert!(cookie.contains("HttpOnly"));
    // The client keeps the cookie.
    let (_, body) = app.get_text("/").await;
    assert!(body.contains(r#"<html lang="en""#));
    assert!(body.contains("Ludian County"));
    assert!(body.contains("Longtoushan Town"));
    assert!(body.contains(r#"hreflang="zh-CN""#));
    // An open redirect is not possible.
    let res = app.get("/lang/zh?next=//evil.example/").await;
    assert_eq!(res.headers()["location"], "/");
    let (_, body) = app.get_text("/").await;
    assert!(body.contains(r#"<html lang="zh-CN""#));
}

async fn cross_site_post_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .post(app.url("/"))
        .header("origin", "https://evil.example")
        .form(&[("a", "b")])
        .send()
        .await
        .expect("req");
    assert_eq!(res.status().as_u16(), 403);
    let body = res.text().await.expect("body");
    assert!(body.contains("来自其他网站的表单提交已被拒绝"));
    let res = app
        .client
        .post(app.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("req");
    assert_eq!(res.status().as_u16(), 403);
}

async fn static_css_is_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.get_text("/").await.1;
    let start = body.find("/static/style-").expect("css link");
    let end = start + body[start..].find('"').expect("quote");
    let href = &body[start..end];
    let res = app
        .client
        .get(app.url(href))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("req");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["cache-control"]
        .to_str()
        .expect("cc")
        .contains("immutable"));
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

async fn behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(backend: Backend) {
    // The usual deployment: nginx with TLS in front of 127.0.0.1 (the test server listens there).
    let app = spawn_app_with(
        backend,
        Options {
            public_url: Some("https://dibao.example.gov.cn".to_owned()),
            ..Options::default()
        },
    )
    .await;
    let res = app.get("/staff/login").await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    // Plain http on loopback (development): no Secure, no HSTS.
    let plain = spawn_app(backend).await;
    let res = plain.get("/staff/login").await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(!res.headers().contains_key("strict-transport-security"));
}

/// A transaction whose caller goes away while `BEGIN`, a statement or `COMMIT` is in flight — a
/// client that disconnected, a timeout — never leaves its connection in the pool inside a
/// transaction: afterwards every pooled connection starts and commits transactions, and
/// PostgreSQL has no session of this database idle in a transaction. (Before `Db::begin` was
/// made cancel-safe, a province benchmark found such a session holding 46 mails marked sent
/// that were never committed.)
async fn cancelled_transactions_leave_no_open_transaction_behind(backend: Backend) {
    let app = spawn_app(backend).await;
    // Rounds of 8 at once, cut off after 0 to 3.2 ms in steps of 10 µs: some before BEGIN is
    // sent, some while it is in flight, some during the statement or COMMIT, some not at all.
    for round in 0..40u64 {
        let mut tasks = Vec::new();
        for k in 0..8u64 {
            let db = app.db.clone();
            let cut = std::time::Duration::from_micros((round * 8 + k) * 10);
            tasks.push(tokio::spawn(async move {
                let work = async move {
                    let mut tx = db.begin().await?;
                    sqlx::query("UPDATE regions SET sort_order = sort_order WHERE id = -1")
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                };
                let _ = tokio::time::timeout(cut, work).await;
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
    }
    // Rollbacks of dropped transactions run on spawned tasks.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    if backend == Backend::Postgres {
        let stale: i64 = sqlx::query(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second'",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("sessions")
        .get(0);
        assert_eq!(stale, 0, "sessions left idle in a transaction");
    }
    for n in 0..30 {
        let mut tx = app
            .db
            .begin()
            .await
            .unwrap_or_else(|e| panic!("begin {n}: {e}"));
        sqlx::query("UPDATE regions SET sort_order = sort_order WHERE id = -1")
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("statement {n}: {e}"));
        tx.commit()
            .await
            .unwrap_or_else(|e| panic!("commit {n}: {e}"));
    }
}
