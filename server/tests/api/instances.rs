//! Two instances of one site on one PostgreSQL database, as behind a load balancer: a publish on
//! one is on the other's pages within a second, a rate limit counts requests to both, and a
//! session made on one is good on the other. (SQLite is one process; mail claims across
//! instances are tested in `outbox.rs` and `server/tests/faults/`.)

use std::time::{Duration, Instant};

use crate::helpers::{
    spawn_app, spawn_peer, token_in, Backend, BrowserExt, TestApp, RATE_REFILL_FACTOR,
};

const V1: &str = "530621103201";

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (String, String) {
    let res = client
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_on_one_instance_shows_on_the_other_within_a_second() {
    let a = spawn_app(Backend::Postgres).await;
    let b = spawn_peer(&a).await;
    let visitor = b.new_client();
    let page = format!("/v/{V1}");
    get(&b, &visitor, &page).await;
    assert_eq!(get(&b, &visitor, &page).await.0, "hit", "kept on B");
    get(&b, &visitor, "/api/v1/stats").await;

    let officer = a.staff_session("demo.longtoushan").await;
    let id = officer.create_batch(&a.db, V1, "standing").await;
    let res = officer
        .post_form(
            &format!("/staff/publicity/{id}/entries"),
            &[
                ("head_name", "端木新户"),
                ("persons", "2"),
                ("amount", "700"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = officer
        .post_form(&format!("/staff/publicity/{id}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let published = Instant::now();
    let link = format!("/p/{id}");
    // A shows it at once (its own commit).
    assert!(get(&a, &a.new_client(), &page).await.1.contains(&link));
    // B within a second, through PostgreSQL's notification.
    loop {
        let (x, body) = get(&b, &visitor, &page).await;
        if body.contains(&link) {
            assert_eq!(x, "miss", "rendered anew on B");
            break;
        }
        assert!(
            published.elapsed() < Duration::from_secs(1),
            "B still serves the page from before the publish"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("publish on A visible on B after {:?}", published.elapsed());
    assert_eq!(
        get(&b, &visitor, "/api/v1/stats").await.0,
        "miss",
        "B's statistics are rendered anew too"
    );
}

/// A report form's one-time token, from `app`.
async fn form_token(app: &TestApp, client: &reqwest::Client) -> String {
    token_in(&get(app, client, "/report").await.1)
}

async fn report(app: &TestApp, client: &reqwest::Client) -> u16 {
    let token = form_token(app, client).await;
    client
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("category", "other"),
            ("place", &format!("v:{V1}")),
            ("body", "村里有人不符合条件却享受低保，请核实。"),
        ])
        .send()
        .await
        .expect("report")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_holds_across_instances() {
    let a = spawn_app(Backend::Postgres).await;
    let b = spawn_peer(&a).await;
    let client = a.new_client();
    // Reports: 5 at once per address, whichever instance they reach.
    for (i, instance) in [&a, &b, &a, &b, &a].into_iter().enumerate() {
        assert_eq!(report(instance, &client).await, 303, "report {i}");
    }
    for instance in [&b, &a] {
        let token = form_token(instance, &client).await;
        let res = client
            .browser_post(instance.url("/report"))
            .form(&[
                ("token", token.as_str()),
                ("category", "other"),
                ("place", &format!("v:{V1}")),
                ("body", "村里有人不符合条件却享受低保，请核实。"),
            ])
            .send()
            .await
            .expect("report");
        assert_eq!(
            res.status().as_u16(),
            429,
            "the sixth, on {}",
            instance.port
        );
        let wait: u64 = res.headers()["retry-after"]
            .to_str()
            .expect("s")
            .parse()
            .expect("seconds");
        // Reports refill one a minute in production; tests refill limits RATE_REFILL_FACTOR
        // times slower.
        let refill = 60 * u64::from(RATE_REFILL_FACTOR);
        assert!(
            (refill - 60..=refill).contains(&wait),
            "retry after {wait} (one refill period: {refill} s)"
        );
    }
    // The address is not stored, only a keyed hash of it per limit.
    use sqlx::Row;
    let buckets: Vec<String> = sqlx::query("SELECT bucket FROM rate_limits")
        .fetch_all(&a.db.pool)
        .await
        .expect("buckets")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(buckets.iter().any(|b| b.starts_with("report:")));
    assert!(buckets.iter().all(|b| !b.contains("127.0.0.1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_instance_is_valid_on_the_other() {
    let a = spawn_app(Backend::Postgres).await;
    let b = spawn_peer(&a).await;
    // Signed in on A; the cookie jar sends the session to B (same host).
    let officer = a.staff_session("demo.longtoushan").await;
    let res = officer
        .client
        .get(b.url("/staff/publicity"))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 200, "B knows A's session");
    // A form from A's page is accepted by B (the CSRF token belongs to the session).
    let res = officer
        .client
        .browser_post(b.url("/staff/logout"))
        .form(&[("csrf", officer.csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status().as_u16(), 303);
    // Signed out on B is signed out on A.
    let res = officer
        .client
        .get(a.url("/staff/publicity"))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 303, "back to the login page");
}
