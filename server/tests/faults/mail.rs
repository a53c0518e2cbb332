//! Mail under faults, counted at real SMTP sinks by Message-ID and recipient: a relay that is
//! down and comes back, several instances on one PostgreSQL database, and an instance killed
//! while it holds a claim.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use sqlx::Row;

use crate::harness::{
    client, free_port, postgres_store, report, serial, wait_for, Outcome, Server, ServerOpts, Store,
};
use crate::smtp::{tally, SmtpSink};

async fn count(db: &app::db::Db, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&db.pool)
        .await
        .expect("count")
        .get(0)
}

async fn report_ok(base: &str, email: &str) -> String {
    match report(&client(), base, Some(email)).await {
        Outcome::Acked(r) => r,
        other => panic!("report with {email}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn smtp_down_then_up_sqlite() {
    let _one = serial().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::sqlite(dir.path());
    // Nobody listens here yet.
    let port = free_port();
    let mut opts = ServerOpts::new(dir.path(), store.url(None), "mail");
    opts.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let server = Server::start(&opts);
    const N: i64 = 10;
    for i in 0..N {
        report_ok(&server.base, &format!("r{i}@example.cn")).await;
    }
    let db = store.connect().await;
    wait_for(
        "every mail tried against the missing relay",
        Duration::from_secs(30),
        || async {
            let n = count(
                &db,
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts >= 1",
            )
            .await;
            (n == N).then_some(())
        },
    )
    .await;
    let sink = SmtpSink::start_on(port).await;
    let started = std::time::Instant::now();
    wait_for("every mail sent", Duration::from_secs(60), || async {
        (count(&db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'").await == N).then_some(())
    })
    .await;
    let delivered_in = started.elapsed();
    let attempts = count(&db, "SELECT MAX(attempts) FROM outbox").await;
    let received = sink.received();
    let (distinct, copies) = tally(&received);
    let recipients: HashSet<&str> = received.iter().map(|r| r.to.as_str()).collect();
    let ids: HashSet<String> = sqlx::query("SELECT message_id FROM outbox")
        .fetch_all(&db.pool)
        .await
        .expect("ids")
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    println!(
        "SMTP down then up (SQLite): {N} mails queued while the relay was down; delivered \
         {delivered_in:.1?} after it came back, up to {attempts} attempts each; the sink got {} \
         messages, {distinct} distinct, {copies} duplicates",
        received.len()
    );
    assert_eq!(
        (distinct, copies),
        (N as usize, 0),
        "each mail exactly once"
    );
    assert_eq!(recipients.len(), N as usize);
    assert!(
        received.iter().all(|r| ids.contains(&r.message_id)),
        "sent under the Message-ID stored at enqueue"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_one_postgres_send_each_mail_once() {
    let _one = serial().await;
    let Some((store, _)) = postgres_store("three_instances_one_postgres_send_each_mail_once").await
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start().await;
    // One after the other: the first loads the demo county.
    let servers: Vec<Server> = ["a", "b", "c"]
        .iter()
        .map(|name| {
            let mut opts = ServerOpts::new(
                &dir.path().join(name),
                store.url(None),
                &format!("inst-{name}"),
            );
            opts.smtp_url = Some(sink.url());
            Server::start(&opts)
        })
        .collect();
    const N: usize = 100;
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let mut tasks = Vec::new();
    for t in 0..10 {
        let bases = bases.clone();
        tasks.push(tokio::spawn(async move {
            for k in 0..N / 10 {
                let i = t * (N / 10) + k;
                report_ok(&bases[i % bases.len()], &format!("r{i}@example.cn")).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("reporter");
    }
    let db = store.connect().await;
    wait_for("every mail sent", Duration::from_secs(90), || async {
        (count(&db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'").await == N as i64)
            .then_some(())
    })
    .await;
    let received = sink.received();
    let (distinct, copies) = tally(&received);
    let recipients: HashSet<&str> = received.iter().map(|r| r.to.as_str()).collect();
    let missing = (0..N)
        .filter(|i| !recipients.contains(format!("r{i}@example.cn").as_str()))
        .count();
    let by_worker: BTreeMap<String, i64> =
        sqlx::query("SELECT claimed_by, COUNT(*) FROM outbox GROUP BY claimed_by")
            .fetch_all(&db.pool)
            .await
            .expect("by worker")
            .iter()
            .map(|r| (r.get::<Option<String>, _>(0).unwrap_or_default(), r.get(1)))
            .collect();
    println!(
        "three instances, one PostgreSQL: {N} reports spread over them; the sink got {} \
         messages, {distinct} distinct, {copies} duplicates, {missing} missing; sent by {by_worker:?}",
        received.len()
    );
    assert_eq!((distinct, copies, missing), (N, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crashed_instances_claim_is_retried_postgres() {
    let _one = serial().await;
    let Some((store, _)) = postgres_store("a_crashed_instances_claim_is_retried_postgres").await
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let stalling = SmtpSink::start_stalling().await;
    let sink = SmtpSink::start().await;
    let mut opts = ServerOpts::new(&dir.path().join("doomed"), store.url(None), "doomed");
    opts.smtp_url = Some(stalling.url());
    let doomed = Server::start(&opts);
    const N: i64 = 3;
    for i in 0..N {
        report_ok(&doomed.base, &format!("c{i}@example.cn")).await;
    }
    // Its worker has claimed the mails and sent the first one's data; the relay never says
    // whether it took it.
    wait_for(
        "the first mail to reach the stalling relay",
        Duration::from_secs(20),
        || async { (!stalling.received().is_empty()).then_some(()) },
    )
    .await;
    let db = store.connect().await;
    // The worker woke on the first commit, so it may have claimed only the first mail(s);
    // those it holds are the ones that must wait for its lease.
    let held: HashSet<String> = sqlx::query(
        "SELECT recipient FROM outbox WHERE state = 'pending' AND claimed_by = 'doomed' AND claim_until IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await
    .expect("held")
    .iter()
    .map(|r| r.get::<String, _>(0))
    .collect();
    assert!(!held.is_empty(), "the doomed instance holds a claim");
    doomed.kill9();

    let mut opts = ServerOpts::new(&dir.path().join("heir"), store.url(None), "heir");
    opts.smtp_url = Some(sink.url());
    let heir = Server::start(&opts);
    // While the dead instance's lease runs, the other leaves those mails alone (it looks every
    // second; three seconds is three looks). This waits for an absence, not for readiness.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let early = sink.received();
    assert!(
        early.iter().all(|r| !held.contains(&r.to)),
        "a live claim is not taken over: {early:?}"
    );
    // Ten minutes pass for the lease: move it into the past.
    sqlx::query(
        "UPDATE outbox SET claim_until = $1 WHERE claimed_by = 'doomed' AND state = 'pending'",
    )
    .bind(app::db::now_epoch() - 1)
    .execute(&db.pool)
    .await
    .expect("expire the lease");
    wait_for("the heir to send them", Duration::from_secs(30), || async {
        (count(&db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'").await == N).then_some(())
    })
    .await;
    let received = sink.received();
    let (distinct, copies) = tally(&received);
    let uncertain = stalling.received();
    let retried_same_id = uncertain
        .iter()
        .filter(|u| received.iter().any(|r| r == *u))
        .count();
    let sent_by_heir = count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND claimed_by = 'heir'",
    )
    .await;
    println!(
        "crashed claim (PostgreSQL): {N} mails, {} claimed by an instance killed mid-send ({} \
         message(s) at the relay that never answered) and left alone for 3 s while its lease \
         ran ({} unclaimed sent meanwhile); after the lease expired the other instance had sent \
         {sent_by_heir}: {distinct} distinct, {copies} duplicates, {retried_same_id} retry \
         carrying the uncertain send's Message-ID",
        held.len(),
        uncertain.len(),
        early.len()
    );
    assert_eq!((distinct, copies), (N as usize, 0));
    assert_eq!(sent_by_heir, N);
    assert_eq!(
        retried_same_id,
        uncertain.len(),
        "a retry of an uncertain send is recognisable by its Message-ID"
    );
    drop(heir);
}
