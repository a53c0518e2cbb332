//! Write transactions that never leave a broken connection in the pool.
//!
//! Why not `sqlx::Transaction`: when SQLite's `COMMIT` fails (a full disk), SQLite may already
//! have rolled the transaction back; sqlx's follow-up `ROLLBACK` then fails too, and its count of
//! open transactions stays at 1. The connection goes back to the pool believing it is inside a
//! transaction, so the next `begin()` on it issues `SAVEPOINT` and the next "commit" only releases
//! that savepoint — nothing reaches the disk, yet the caller is told it committed. If SQLite had
//! *not* rolled back, the connection keeps the write lock and every other writer sees
//! "database is locked" until a restart. (Both were seen in an outside test of a full disk.)
//!
//! [`Tx`] issues `BEGIN`/`COMMIT` itself (sqlx's own count stays 0, so it never nests), and a
//! connection whose `COMMIT` or `ROLLBACK` failed is closed instead of returned to the pool —
//! closing a SQLite connection rolls back and releases its locks. On SQLite, `BEGIN IMMEDIATE`
//! takes the write lock up front (waiting out `busy_timeout`), so a transaction that reads and
//! then writes cannot fail half-way with `SQLITE_BUSY`.
//!
//! A transaction also carries what it changed for the public pages ([`Tx::changed`]); once it
//! has committed, `commit` applies that to this process and queues it for the other instances
//! (see `changes`).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};

use super::changes::{self, Change, ChangeHub, Topic};
use super::{now_epoch, Backend, Db};

/// When a database operation last failed for the database's reasons (a full disk, a lost
/// connection; see `error::is_transient`) and when a write last committed, in epoch seconds.
/// One per process (a process serves one database). While the newest outcome is a failure,
/// readiness runs a probe write before answering, so it turns ready again once writes work.
#[derive(Debug, Default)]
pub struct WriteHealth {
    last_failure: AtomicI64,
    last_success: AtomicI64,
}

pub static WRITE_HEALTH: WriteHealth = WriteHealth {
    last_failure: AtomicI64::new(0),
    last_success: AtomicI64::new(0),
};

impl WriteHealth {
    pub fn failed(&self) {
        self.last_failure.store(now_epoch(), Ordering::SeqCst);
    }

    pub fn succeeded(&self) {
        self.last_success.store(now_epoch(), Ordering::SeqCst);
    }

    /// True while no write has succeeded since the last failed one.
    pub fn failing(&self) -> bool {
        let failure = self.last_failure.load(Ordering::SeqCst);
        failure > 0 && failure >= self.last_success.load(Ordering::SeqCst)
    }
}

/// An open write transaction; derefs to the connection, so `&mut tx` goes wherever a
/// `&mut AnyConnection` is expected. Dropped without [`Tx::commit`], it is rolled back.
pub struct Tx {
    conn: Option<PoolConnection<Any>>,
    hub: Arc<ChangeHub>,
    changes: Vec<Change>,
}

impl Db {
    /// Starts a write transaction (see the module documentation for why not `pool.begin()`).
    ///
    /// Cancel-safe: the `Tx` exists before `BEGIN` is sent, so a caller dropped while it is in
    /// flight (a client that went away, a timeout) rolls it back through `Tx`'s `Drop`, and the
    /// connection never returns to the pool inside a transaction. (It did: a cancelled `BEGIN`
    /// left a pooled PostgreSQL session "idle in transaction", and the statements the pool then
    /// ran on it — outbox claims, "sent" marks — were never committed; sqlx's own `begin` has
    /// the same hole, transact-rs/sqlx#4393.)
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let conn = self.pool.acquire().await?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let mut tx = Tx {
            conn: Some(conn),
            hub: self.changes.clone(),
            changes: Vec::new(),
        };
        if let Err(e) = sqlx::query(begin).execute(&mut *tx).await {
            WRITE_HEALTH.failed();
            if let Some(mut conn) = tx.conn.take() {
                conn.close_on_drop();
            }
            return Err(e);
        }
        Ok(tx)
    }
}

impl Tx {
    /// Records what this transaction changes for the public pages; applied only if it commits.
    pub fn changed(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Commits. On any error the connection is closed, never reused: the caller must treat
    /// the transaction as not stored. Cancel-safe like `begin`: the connection stays in `self`
    /// until `COMMIT` has answered, so a caller dropped meanwhile rolls back through `Drop`
    /// (a no-op once the commit went through; either way the caller was not told it stored).
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(sqlx::Error::PoolClosed);
        };
        let res = sqlx::query("COMMIT").execute(&mut **conn).await;
        let Some(mut conn) = self.conn.take() else {
            return Err(sqlx::Error::PoolClosed);
        };
        match res {
            Ok(_) => {
                WRITE_HEALTH.succeeded();
                if !self.changes.is_empty() {
                    // Committed whatever happens next: if the pages it touched cannot be worked
                    // out, every page goes.
                    let topics = changes::affected(&mut conn, &self.changes)
                        .await
                        .unwrap_or_else(|e| {
                            tracing::warn!(error = %e, "cannot tell which pages a write changed; dropping all");
                            vec![Topic::Everything]
                        });
                    self.hub.committed(&topics);
                }
                Ok(())
            }
            Err(e) => {
                WRITE_HEALTH.failed();
                conn.close_on_drop();
                Err(e)
            }
        }
    }

    /// Rolls back now (dropping a `Tx` does the same in the background).
    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        match self.conn.take() {
            Some(conn) => rollback_or_close(conn).await,
            None => Ok(()),
        }
    }
}

async fn rollback_or_close(mut conn: PoolConnection<Any>) -> Result<(), sqlx::Error> {
    let res = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    if res.is_err() {
        conn.close_on_drop();
    }
    res.map(|_| ())
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if let Err(e) = rollback_or_close(conn).await {
                        tracing::warn!(error = %e, "rollback failed; connection closed");
                    }
                });
            }
            // No runtime to roll back on: closing the connection rolls back too.
            Err(_) => conn.close_on_drop(),
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        // `conn` is only taken by `commit`/`rollback`, which consume the `Tx`.
        self.conn
            .as_deref()
            .expect("transaction in use after commit") // ok: unreachable
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
            .as_deref_mut()
            .expect("transaction in use after commit") // ok: unreachable
    }
}
