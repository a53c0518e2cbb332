//! The background work of an instance: sending the mail outbox (woken when a transaction queued
//! mail, and every few seconds) and the once-a-day jobs. Every job claims its work in the
//! database, so any number of instances may run this loop side by side.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{now_epoch, today_cst, Db};
use crate::mail::{deliver_due, Mailer};

/// Runs until the process ends: delivers when woken and at least every `every`; once a day
/// (after 08:00 Beijing time) it also queues the handlers' digest.
pub async fn run(db: Db, mailer: Mailer, wake: Arc<Notify>, every: Duration) {
    loop {
        if crate::complaints::digest::due_now(chrono::Utc::now()) {
            if let Err(e) = crate::complaints::digest::run(&db, today_cst(), now_epoch()).await {
                tracing::error!(error = ?e, "daily digest");
            }
        }
        if let Err(e) = deliver_due(&db, &mailer, now_epoch()).await {
            tracing::error!(error = ?e, "mail worker");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
    }
}
