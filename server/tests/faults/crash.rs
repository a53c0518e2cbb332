//! SIGKILL while 16 reporters send reports: after a restart, every report whose receipt was
//! shown (303 to the receipt page with the receipt cookie) is found by `/track`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{
    client, count_found, postgres_store, report, serial, wait_for, Outcome, Server, ServerOpts,
    Store,
};

const REPORTERS: usize = 16;
/// Receipts out before the kill (the kill then lands among 16 requests in flight).
const ACKED_BEFORE_KILL: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill9_under_load_sqlite() {
    let _one = serial().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::sqlite(dir.path());
    kill9_under_load(&store, dir.path(), "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill9_under_load_postgres() {
    let _one = serial().await;
    let Some((store, _)) = postgres_store("kill9_under_load_postgres").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    kill9_under_load(&store, dir.path(), "PostgreSQL").await;
}

#[derive(Default)]
struct Tally {
    not_saved: AtomicUsize,
    no_answer: AtomicUsize,
    other: AtomicUsize,
}

async fn kill9_under_load(store: &Store, data_dir: &std::path::Path, label: &str) {
    let opts = ServerOpts::new(data_dir, store.url(None), "crash");
    let server = Server::start(&opts);
    let base = server.base.clone();
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut reporters = Vec::new();
    for _ in 0..REPORTERS {
        let (base, acked, tally, stop) = (base.clone(), acked.clone(), tally.clone(), stop.clone());
        reporters.push(tokio::spawn(async move {
            let c = client();
            while !stop.load(Ordering::SeqCst) {
                match report(&c, &base, None).await {
                    Outcome::Acked(r) => acked.lock().expect("lock").push(r),
                    Outcome::NotSaved(_) => {
                        tally.not_saved.fetch_add(1, Ordering::SeqCst);
                    }
                    Outcome::NoAnswer => {
                        tally.no_answer.fetch_add(1, Ordering::SeqCst);
                    }
                    Outcome::Status(s) => {
                        eprintln!("report answered {s}");
                        tally.other.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    wait_for(
        "receipts before the kill",
        Duration::from_secs(60),
        || async { (acked.lock().expect("lock").len() >= ACKED_BEFORE_KILL).then_some(()) },
    )
    .await;
    let load_secs = started.elapsed().as_secs_f64();
    server.kill9();
    // The reporters run on against the dead server until each has seen it gone.
    wait_for(
        "reporters to see the server gone",
        Duration::from_secs(20),
        || async { (tally.no_answer.load(Ordering::SeqCst) >= REPORTERS).then_some(()) },
    )
    .await;
    stop.store(true, Ordering::SeqCst);
    for r in reporters {
        tokio::time::timeout(Duration::from_secs(30), r)
            .await
            .expect("reporter stops")
            .expect("reporter");
    }
    let acked = acked.lock().expect("lock").clone();

    let server = Server::start(&opts);
    let found = count_found(&server.base, &acked).await;
    println!(
        "kill -9 under load ({label}): {REPORTERS} reporters for {load_secs:.1} s, {} receipts \
         shown, {found} found after restart; unanswered {}, 503 {}, other {}",
        acked.len(),
        tally.no_answer.load(Ordering::SeqCst),
        tally.not_saved.load(Ordering::SeqCst),
        tally.other.load(Ordering::SeqCst),
    );
    assert_eq!(
        found,
        acked.len(),
        "every shown receipt survives the kill\n{}",
        server.logs_tail()
    );
    assert_eq!(tally.other.load(Ordering::SeqCst), 0, "no other answers");
}
