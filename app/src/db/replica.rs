//! Reading public pages from a streaming replica (`DATABASE_READ_URL`, PostgreSQL only).
//!
//! Only the public pages the page cache renders read there, and only inside [`public_read`]:
//! every other request — staff pages, the report form, tracking, anything that writes — reads
//! the primary (`Db::reader` falls back to it outside that scope). A page is rendered from the
//! replica only once the replica has replayed every change this process has heard of
//! ([`Replica::ready`]): otherwise a page invalidated by a publish could be rendered again from
//! a replica that has not seen the publish yet, and that stale copy would be cached. So what a
//! user just wrote is read from the primary until the replica has it, and the staleness of a
//! replica-rendered page is the same as a primary-rendered one: changes this instance has not
//! heard of yet (the notification delay, milliseconds). A replica that lags keeps those renders
//! on the primary; one that does not answer within 500 ms is left alone for a second.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{AnyPool, Row};

use super::changes::ChangeHub;
use super::Db;

tokio::task_local! {
    /// Set while a public page is rendered from the replica.
    static PUBLIC_READ: ();
}

/// Runs `f` (a public page's render) with its reads on the replica, if `db` has one.
pub async fn public_read<F: Future>(f: F) -> F::Output {
    PUBLIC_READ.scope((), f).await
}

/// Whether the current task renders a public page from the replica.
pub(super) fn in_public_read() -> bool {
    PUBLIC_READ.try_with(|_| ()).is_ok()
}

/// How long a replica check stays good while nothing changes.
const RECHECK: Duration = Duration::from_secs(1);
/// How long a replica may take to say where it is.
const CHECK_LIMIT: Duration = Duration::from_millis(500);

#[derive(Debug)]
pub struct Replica {
    pub pool: AnyPool,
    state: Mutex<Checked>,
}

#[derive(Debug, Clone, Copy)]
struct Checked {
    /// The change count (`ChangeHub::seq`) the replica was last seen to have caught up with.
    seq: u64,
    at: Option<Instant>,
    healthy: bool,
}

/// `16/B374D848` → a number that orders as the WAL does.
pub fn parse_lsn(s: &str) -> Option<u64> {
    let (hi, lo) = s.trim().split_once('/')?;
    Some((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?)
}

impl Replica {
    pub fn new(pool: AnyPool) -> Arc<Replica> {
        Arc::new(Replica {
            pool,
            state: Mutex::new(Checked {
                seq: 0,
                at: None,
                healthy: false,
            }),
        })
    }

    fn checked(&self) -> Checked {
        match self.state.lock() {
            Ok(s) => *s,
            Err(p) => *p.into_inner(),
        }
    }

    fn record(&self, seq: Option<u64>, healthy: bool) {
        let mut s = match self.state.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        s.at = Some(Instant::now());
        s.healthy = healthy;
        if let Some(seq) = seq {
            s.seq = s.seq.max(seq);
        }
    }

    /// Whether a public page may be rendered from the replica now: it answers, and it has
    /// replayed everything up to the primary's position after the latest change heard of.
    pub async fn ready(&self, primary: &AnyPool, hub: &ChangeHub) -> bool {
        let seq = hub.seq();
        let c = self.checked();
        if c.seq >= seq && c.at.is_some_and(|at| at.elapsed() < RECHECK) {
            return c.healthy;
        }
        // The primary's position now is past every change heard of so far (each was committed
        // before we heard of it).
        let target = if c.seq < seq {
            match primary_lsn(primary).await {
                Some(lsn) => Some(lsn),
                None => return false,
            }
        } else {
            None
        };
        let replayed = match tokio::time::timeout(CHECK_LIMIT, replay_lsn(&self.pool)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "read replica unavailable; reading the primary");
                self.record(None, false);
                return false;
            }
            Err(_) => {
                tracing::warn!("read replica slow to answer; reading the primary");
                self.record(None, false);
                return false;
            }
        };
        let caught_up = match (target, replayed) {
            (None, _) => true,
            // Not in recovery: a primary (or a promoted replica) has everything.
            (Some(_), None) => true,
            (Some(t), Some(r)) => r >= t,
        };
        self.record(caught_up.then_some(seq), true);
        caught_up
    }
}

/// The primary's current WAL position.
async fn primary_lsn(primary: &AnyPool) -> Option<u64> {
    let row = sqlx::query("SELECT CAST(pg_current_wal_lsn() AS TEXT)")
        .fetch_one(primary)
        .await;
    match row.and_then(|r| r.try_get::<String, _>(0)) {
        Ok(s) => parse_lsn(&s),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the primary's WAL position");
            None
        }
    }
}

/// How far the replica has replayed; `None` when it is not in recovery (a primary).
#[tracing::instrument(skip_all)]
async fn replay_lsn(replica: &AnyPool) -> Result<Option<u64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT CASE WHEN pg_is_in_recovery() THEN CAST(pg_last_wal_replay_lsn() AS TEXT) END",
    )
    .fetch_one(replica)
    .await?;
    Ok(row
        .try_get::<Option<String>, _>(0)?
        .as_deref()
        .and_then(parse_lsn))
}

impl Db {
    /// Whether the next public render may read the replica (false without one).
    pub async fn replica_ready(&self) -> bool {
        match &self.replica {
            Some(r) => r.ready(&self.pool, &self.changes).await,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsns_order_as_the_wal() {
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("0/16B3748"), Some(0x16B3748));
        assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374D848));
        assert!(parse_lsn("1/0") > parse_lsn("0/FFFFFFFF"));
        assert_eq!(parse_lsn("nonsense"), None);
    }
}
