//! The shared rate-limit counters on the real database (PostgreSQL uses them in production;
//! the SQL is the same on SQLite): a burst, then one request per period; the wait it names is
//! right; concurrent requests get exactly the burst; spent buckets are purged.

use app::db::ratelimits::{hit, purge, Verdict};

use crate::both_backends;
use crate::helpers::{spawn_app, Backend};

both_backends!(
    a_bucket_allows_its_burst_then_one_per_period,
    concurrent_requests_get_exactly_the_burst
);

async fn a_bucket_allows_its_burst_then_one_per_period(backend: Backend) {
    let app = spawn_app(backend).await;
    let (t0, period, burst) = (1_000_000_000_000i64, 60_000i64, 5i64);
    for i in 0..burst {
        assert_eq!(
            hit(&app.db, "t:a", t0 + i, period, burst)
                .await
                .expect("hit"),
            Verdict::Allowed,
            "request {i} of the burst"
        );
    }
    let Verdict::Refused { retry_after_ms } = hit(&app.db, "t:a", t0 + 10, period, burst)
        .await
        .expect("hit")
    else {
        panic!("the sixth is refused");
    };
    assert!(
        (period - 20..=period).contains(&retry_after_ms),
        "{retry_after_ms}"
    );
    // Other buckets (another address, another limit) are not touched.
    assert_eq!(
        hit(&app.db, "t:b", t0, period, burst).await.expect("hit"),
        Verdict::Allowed
    );
    // One more after one period, not two.
    let later = t0 + period + 10;
    assert_eq!(
        hit(&app.db, "t:a", later, period, burst)
            .await
            .expect("hit"),
        Verdict::Allowed
    );
    assert!(matches!(
        hit(&app.db, "t:a", later + 1, period, burst)
            .await
            .expect("hit"),
        Verdict::Refused { .. }
    ));
    // Long after, the bucket is spent and purged; the next request starts a fresh burst.
    let much_later = t0 + 10 * period;
    assert!(purge(&app.db, much_later).await.expect("purge") >= 2);
    for _ in 0..burst {
        assert_eq!(
            hit(&app.db, "t:a", much_later, period, burst)
                .await
                .expect("hit"),
            Verdict::Allowed
        );
    }
}

async fn concurrent_requests_get_exactly_the_burst(backend: Backend) {
    let app = spawn_app(backend).await;
    let now = 2_000_000_000_000i64;
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            hit(&db, "t:hot", now, 60_000, 10).await.expect("hit") == Verdict::Allowed
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        allowed += usize::from(t.await.expect("task"));
    }
    assert_eq!(allowed, 10, "24 requests at once, a burst of 10");
}
