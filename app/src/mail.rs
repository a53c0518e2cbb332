//! Sending the outbox: over SMTP with lettre when `SMTP_URL` is set, otherwise as `.eml` files
//! in the data folder. A worker wakes when a transaction queued mail, and every few seconds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::db::outbox::{self, Mail};
use crate::db::Db;
use crate::error::AppResult;

/// Attempts before a mail is marked `failed` (it stays in the table, visible to staff).
pub const MAX_ATTEMPTS: i64 = 40;

/// Seconds to wait after the `attempts`-th failure: 30 s doubling, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 7) as u32;
    (30_i64 << exp).min(3600)
}

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// SMTP when a URL is given (`smtp://user:pass@host:587?tls=required`, `smtps://…`),
    /// else `.eml` files under `mail_dir`.
    pub fn new(smtp_url: Option<&str>, from: &str, mail_dir: PathBuf) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("SUNSHINE_MAIL_FROM is not a valid address: {e}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL is not valid: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Files(mail_dir),
        };
        Ok(Mailer { transport, from })
    }

    /// Sends one mail. `Err((message, permanent))`: a permanent error will not get better by
    /// retrying (a malformed address).
    async fn send(&self, mail: &Mail) -> Result<(), (String, bool)> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| (format!("bad recipient: {e}"), true))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| (format!("cannot build message: {e}"), true))?;
        match &self.transport {
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| (e.to_string(), false)),
            Transport::Files(dir) => {
                let bytes = message.formatted();
                let dir = dir.clone();
                let name = format!("{:08}.eml", mail.id);
                tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    std::fs::write(dir.join(name), bytes)
                })
                .await
                .map_err(|e| (e.to_string(), false))?
                .map_err(|e| (e.to_string(), false))
            }
        }
    }
}

/// Sends every mail that is due; returns how many were sent.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: i64) -> AppResult<usize> {
    let mut sent = 0;
    for mail in outbox::due(db, now, 50).await? {
        match mailer.send(&mail).await {
            Ok(()) => {
                outbox::mark_sent(db, mail.id, now).await?;
                sent += 1;
            }
            Err((error, permanent)) => {
                // The error text may contain the address; keep it in the table, not the log.
                tracing::warn!(
                    mail_id = mail.id,
                    attempts = mail.attempts + 1,
                    "mail not sent"
                );
                let give_up = permanent || mail.attempts + 1 >= MAX_ATTEMPTS;
                outbox::mark_failed(
                    db,
                    mail.id,
                    &error,
                    now + backoff_secs(mail.attempts),
                    give_up,
                )
                .await?;
            }
        }
    }
    Ok(sent)
}

/// Runs until the process ends: delivers when woken and at least every `every`; once a day
/// (after 08:00 Beijing time) it also queues the handlers' digest.
pub async fn run_worker(db: Db, mailer: Mailer, wake: Arc<Notify>, every: Duration) {
    loop {
        if crate::complaints::digest::due_now(chrono::Utc::now()) {
            let now = crate::db::now_epoch();
            if let Err(e) = crate::complaints::digest::run(&db, crate::db::today_cst(), now).await {
                tracing::error!(error = ?e, "daily digest");
            }
        }
        if let Err(e) = deliver_due(&db, &mailer, crate::db::now_epoch()).await {
            tracing::error!(error = ?e, "mail worker");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_secs(0), 30);
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(5), 960);
        assert_eq!(backoff_secs(7), 3600);
        assert_eq!(backoff_secs(100), 3600);
    }

    #[test]
    fn bad_settings_are_reported() {
        assert!(Mailer::new(None, "not an address", PathBuf::from("/tmp")).is_err());
        assert!(Mailer::new(Some("ftp://x"), "a@b.cn", PathBuf::from("/tmp")).is_err());
        assert!(Mailer::new(
            None,
            "阳光低保 <noreply@example.gov.cn>",
            PathBuf::from("/tmp")
        )
        .is_ok());
    }
}
