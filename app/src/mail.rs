//! Sending the outbox: over SMTP with lettre when `SMTP_URL` is set, otherwise as `.eml` files
//! in the data folder. A worker wakes when a transaction queued mail, and every few seconds.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::outbox::{self, Claim, Mail};
use crate::db::Db;
use crate::error::AppResult;

/// Attempts before a mail is marked `failed` (it stays in the table, visible to staff).
pub const MAX_ATTEMPTS: i64 = 40;

/// The first retry's wait in seconds (`SUNSHINE_MAIL_RETRY_SECS`; only tests change it).
pub const DEFAULT_RETRY_SECS: i64 = 30;

/// How long one SMTP operation may take (lettre's socket timeout).
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// How long one whole send may take, however slowly a relay drips its answers.
const SEND_DEADLINE: Duration = Duration::from_secs(60);

/// Mails claimed at once. Small, so that a batch is done long before its lease ends even when
/// every send runs into its deadline (10 × 60 s = the lease); a send is only started while a
/// whole [`SEND_DEADLINE`] of the lease is left, so a mail is never sent on an expired claim.
const BATCH: i64 = 10;

/// How long a claim holds. A worker that dies holding one delays those mails by this much, and
/// then any instance retries them (with the same Message-ID).
pub const LEASE_SECS: i64 = 600;

/// Seconds to wait after the `attempts`-th failure: `base` doubling, at most an hour.
pub fn backoff_secs(base: i64, attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 7) as u32;
    base.max(1).saturating_mul(1 << exp).min(3600)
}

/// A worker name for outbox claims: host, process and a random part, so two processes on one
/// host (or a restarted one with the same pid) never share it.
pub fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 4]>())
    )
}

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// `claimed_by` in the outbox.
    worker_id: String,
    retry_secs: i64,
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
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            None => Transport::Files(mail_dir),
        };
        Ok(Mailer {
            transport,
            from,
            worker_id: default_worker_id(),
            retry_secs: DEFAULT_RETRY_SECS,
        })
    }

    /// Claims outbox rows under this name instead of a generated one.
    pub fn with_worker_id(mut self, id: impl Into<String>) -> Mailer {
        self.worker_id = id.into();
        self
    }

    /// Waits `secs` (doubling) before retrying a failed mail instead of 30 s.
    pub fn with_retry_secs(mut self, secs: i64) -> Mailer {
        self.retry_secs = secs.max(1);
        self
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
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
            .message_id(Some(mail.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| (format!("cannot build message: {e}"), true))?;
        match &self.transport {
            Transport::Smtp(t) => {
                match tokio::time::timeout(SEND_DEADLINE, t.send(message)).await {
                    Ok(res) => res.map(|_| ()).map_err(|e| (e.to_string(), false)),
                    Err(_) => Err(("the relay took too long".to_owned(), false)),
                }
            }
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

/// Sends every mail that is due, claiming it first (see `db::outbox`); returns how many were
/// sent.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: i64) -> AppResult<usize> {
    let mut sent = 0;
    loop {
        // The clock moves on while batches are sent: each claim's lease starts now, never at a
        // moment already past (such a claim would be released at once, and claimed again).
        let now = now.max(crate::db::now_epoch());
        let claim = outbox::claim(db, &mailer.worker_id, now, LEASE_SECS, BATCH).await?;
        let claimed = claim.mails.len();
        tracing::debug!(claimed, "claimed");
        sent += deliver_claimed(db, mailer, &claim, now).await?;
        // A short batch means nothing more is due. (Failed rows wait for their back-off, so
        // this ends even while the relay is down.)
        if claimed < BATCH as usize {
            return Ok(sent);
        }
    }
}

async fn deliver_claimed(db: &Db, mailer: &Mailer, claim: &Claim, now: i64) -> AppResult<usize> {
    let mut sent = 0;
    for (i, mail) in claim.mails.iter().enumerate() {
        if !lease_left_for_a_send(claim.until, crate::db::now_epoch()) {
            // Hand the rest back rather than send on a claim that may expire mid-send.
            for m in &claim.mails[i..] {
                outbox::release(db, claim, m.id).await?;
            }
            tracing::warn!(
                left = claim.mails.len() - i,
                "mail claim ran short; released"
            );
            break;
        }
        tracing::debug!(mail_id = mail.id, "sending");
        let outcome = mailer.send(mail).await;
        tracing::debug!(mail_id = mail.id, ok = outcome.is_ok(), "relay answered");
        match outcome {
            Ok(()) => {
                if outbox::mark_sent(db, claim, mail.id, crate::db::now_epoch()).await? {
                    tracing::debug!(mail_id = mail.id, "marked sent");
                    sent += 1;
                } else {
                    tracing::warn!(mail_id = mail.id, "mail sent after its claim was lost");
                }
            }
            Err((error, permanent)) => {
                // The error text may contain the address; keep it in the table, not the log.
                tracing::warn!(
                    mail_id = mail.id,
                    attempts = mail.attempts + 1,
                    "mail not sent"
                );
                let give_up = permanent || mail.attempts + 1 >= MAX_ATTEMPTS;
                let retry_at = now.max(crate::db::now_epoch())
                    + backoff_secs(mailer.retry_secs, mail.attempts);
                outbox::mark_failed(db, claim, mail.id, &error, retry_at, give_up).await?;
            }
        }
    }
    Ok(sent)
}

/// Whether a claim held until `until` still covers a whole send started at `now`.
fn lease_left_for_a_send(until: i64, now: i64) -> bool {
    now.saturating_add(SEND_DEADLINE.as_secs() as i64) <= until
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_secs(30, 0), 30);
        assert_eq!(backoff_secs(30, 1), 60);
        assert_eq!(backoff_secs(30, 5), 960);
        assert_eq!(backoff_secs(30, 7), 3600);
        assert_eq!(backoff_secs(30, 100), 3600);
        // The tests' short base: 1, 2, 4 … 128 s.
        assert_eq!(backoff_secs(1, 0), 1);
        assert_eq!(backoff_secs(1, 100), 128);
        assert_eq!(backoff_secs(0, 0), 1, "never zero");
        assert_eq!(backoff_secs(i64::MAX, 3), 3600, "no overflow");
    }

    #[test]
    fn a_batch_fits_in_its_lease() {
        let worst = SEND_DEADLINE.as_secs() as i64 * BATCH;
        assert!(
            worst <= LEASE_SECS,
            "{worst} s of sending on a {LEASE_SECS} s lease"
        );
        assert!(SMTP_TIMEOUT < SEND_DEADLINE);
    }

    #[test]
    fn a_send_starts_only_with_a_whole_deadline_of_lease_left() {
        let until = 1_000_000;
        assert!(lease_left_for_a_send(until, until - LEASE_SECS));
        assert!(lease_left_for_a_send(until, until - 60));
        assert!(!lease_left_for_a_send(until, until - 59));
        assert!(!lease_left_for_a_send(until, until + 5));
    }

    #[test]
    fn worker_ids_differ_between_mailers() {
        let a = default_worker_id();
        let b = default_worker_id();
        assert_ne!(a, b);
        assert!(a.contains(&format!("-{}-", std::process::id())), "{a}");
        let m = Mailer::new(None, "a@b.cn", PathBuf::from("/tmp"))
            .expect("mailer")
            .with_worker_id("w1")
            .with_retry_secs(0);
        assert_eq!(m.worker_id(), "w1");
        assert_eq!(m.retry_secs, 1);
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
