//! Outbox claims on the real database: concurrent workers take disjoint rows, a claim holds for
//! its lease and is retried after it, and only the holder may mark a row.

use std::collections::HashSet;

use app::db::outbox;
use app::mail::LEASE_SECS;
use sqlx::Row;

use crate::both_backends;
use crate::helpers::{spawn_app, Backend};

both_backends!(concurrent_claims_are_disjoint_and_leases_expire);

async fn concurrent_claims_are_disjoint_and_leases_expire(backend: Backend) {
    let app = spawn_app(backend).await;
    // Far in the future, so the app's own worker (which claims at the real time) leaves them.
    let base = app::db::now_epoch() + 100_000;
    let mut tx = app.db.begin().await.expect("begin");
    for i in 0..25 {
        outbox::enqueue(&mut tx, &format!("r{i}@example.cn"), "s", "b", base)
            .await
            .expect("enqueue");
    }
    tx.commit().await.expect("commit");

    // Four workers claim three at a time, all at once, until nothing is left.
    let mut tasks = Vec::new();
    for w in 0..4 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claim = outbox::claim(&db, &format!("w{w}"), base, LEASE_SECS, 3)
                    .await
                    .expect("claim");
                if claim.mails.is_empty() {
                    return mine;
                }
                mine.extend(claim.mails.iter().map(|m| m.id));
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!((all.len(), unique.len()), (25, 25), "each row claimed once");

    // Held: nobody gets them until the lease is over; then a new worker does.
    let none = outbox::claim(&app.db, "late", base + LEASE_SECS, LEASE_SECS, 100)
        .await
        .expect("claim");
    assert!(none.mails.is_empty(), "claims hold for the whole lease");
    let heir = outbox::claim(&app.db, "heir", base + LEASE_SECS + 1, LEASE_SECS, 100)
        .await
        .expect("claim");
    assert_eq!(heir.mails.len(), 25, "expired claims are taken over");
    let ids: HashSet<&str> = heir.mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), 25, "every mail has its own Message-ID");

    // Only the current holder may mark a row.
    let first = heir.mails[0].id;
    let stale = outbox::Claim {
        worker: "w0".to_owned(),
        until: base + LEASE_SECS,
        mails: Vec::new(),
    };
    let now = base + LEASE_SECS + 2;
    assert!(!outbox::mark_sent(&app.db, &stale, first, now)
        .await
        .expect("mark"));
    assert!(outbox::mark_sent(&app.db, &heir, first, now)
        .await
        .expect("mark"));
    assert!(
        !outbox::mark_sent(&app.db, &heir, first, now)
            .await
            .expect("mark"),
        "sent once"
    );
    let second = heir.mails[1].id;
    assert!(
        outbox::mark_failed(&app.db, &heir, second, "relay down", now + 30, false)
            .await
            .expect("fail")
    );
    let row =
        sqlx::query("SELECT state, attempts, claim_until, claimed_by FROM outbox WHERE id = $1")
            .bind(second)
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!(row.get::<String, _>(0), "pending");
    assert_eq!(row.get::<i64, _>(1), 1);
    assert_eq!(row.get::<Option<i64>, _>(2), None, "claim let go");
    assert_eq!(row.get::<Option<String>, _>(3).as_deref(), Some("heir"));
    // Retried once its back-off is over, by whoever claims first.
    let retry = outbox::claim(&app.db, "w1", now + 30, LEASE_SECS, 100)
        .await
        .expect("claim");
    assert_eq!(
        retry.mails.iter().map(|m| m.id).collect::<Vec<_>>(),
        [second]
    );
}
