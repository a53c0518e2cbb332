//! PostgreSQL goes away behind a proxy, first as a black hole (connections accepted, nothing
//! answered), then refusing connections: liveness stays instant, readiness and pages answer
//! 503 within about two seconds, and everything works again once it is back.

use std::time::{Duration, Instant};

use crate::browser::BrowserExt;
use crate::harness::{
    client, postgres_store, report, serial, submit, timed_get, wait_for, Outcome, Server,
    ServerOpts,
};
use crate::proxy::{Mode, Proxy};

/// The host:port of a `postgres://` URL.
async fn upstream(url: &str) -> std::net::SocketAddr {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    tokio::net::lookup_host(host_port)
        .await
        .expect("resolve PostgreSQL")
        .next()
        .expect("an address")
}

/// A report form as a browser would send it (the token is only checked for its shape).
fn filled_form() -> Vec<(&'static str, String)> {
    vec![
        ("token", hex::encode(rand::random::<[u8; 32]>())),
        ("category", "favouritism".to_owned()),
        ("place", "v:530621103201".to_owned()),
        (
            "body",
            "村主任把低保名额给了自己的亲戚，他们家有小车和新房。".to_owned(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn database_black_holed_then_refusing_postgres() {
    let _one = serial().await;
    let Some((store, admin)) = postgres_store("database_black_holed_then_refusing_postgres").await
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = Proxy::start(upstream(&admin).await).await;
    let opts = ServerOpts::new(dir.path(), store.url(Some(proxy.port)), "db");
    let server = Server::start(&opts);
    let c = client();
    assert!(matches!(
        report(&c, &server.base, None).await,
        Outcome::Acked(_)
    ));
    assert_eq!(timed_get(&c, &server.url("/readyz")).await.0, Some(200));

    for mode in [Mode::BlackHole, Mode::Refuse] {
        proxy.set(mode);
        let (healthz, healthz_t) = timed_get(&c, &server.url("/healthz")).await;
        let (readyz, readyz_t) = timed_get(&c, &server.url("/readyz")).await;
        let (form, form_t) = timed_get(&c, &server.url("/report")).await;
        let t = Instant::now();
        let posted = submit(&c, &server.base, &filled_form()).await;
        let posted_t = t.elapsed();
        let (track, track_t) = {
            let t = Instant::now();
            let status = c
                .browser_post(server.url("/track"))
                .form(&[("receipt", "1234567890123456")])
                .send()
                .await
                .ok()
                .map(|r| r.status().as_u16());
            (status, t.elapsed())
        };
        println!(
            "database {mode:?}: /healthz {healthz:?} in {healthz_t:.2?}, /readyz {readyz:?} in \
             {readyz_t:.2?}, GET /report {form:?} in {form_t:.2?}, POST /report {posted:?} in \
             {posted_t:.2?}, POST /track {track:?} in {track_t:.2?}"
        );
        assert_eq!(healthz, Some(200));
        assert!(healthz_t < Duration::from_secs(1), "liveness at once");
        assert_eq!(readyz, Some(503));
        assert!(readyz_t <= Duration::from_secs(2), "readiness within 2 s");
        for (what, status, took) in [
            ("GET /report", form, form_t),
            ("POST /track", track, track_t),
        ] {
            assert_eq!(status, Some(503), "{what}");
            assert!(took < Duration::from_secs(3), "{what} in {took:?}");
        }
        assert!(matches!(posted, Outcome::NotSaved(_)), "{posted:?}");
        assert!(
            posted_t < Duration::from_millis(2500),
            "POST /report in {posted_t:?}"
        );

        proxy.set(Mode::Forward);
        let t = Instant::now();
        wait_for("ready again", Duration::from_secs(20), || async {
            (timed_get(&c, &server.url("/readyz")).await.0 == Some(200)).then_some(())
        })
        .await;
        let back_t = t.elapsed();
        let again = report(&c, &server.base, None).await;
        println!("database back from {mode:?}: ready after {back_t:.2?}, report {again:?}");
        assert!(matches!(again, Outcome::Acked(_)), "{again:?}");
    }
}
