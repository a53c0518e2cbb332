//! The daily digest: each handler with an e-mail address gets the cases assigned to them that
//! are due within 3 days or overdue. Runs once a day (claimed in the database), after 08:00.

use chrono::{NaiveDate, Timelike};

use crate::db::complaints::{self as cdb, QueueFilter};
use crate::db::{jobs, outbox, staff as staff_db, Db};
use crate::domain::{days_left, Scope};
use crate::error::AppResult;
use crate::i18n::{Lang, Msg};

use super::staff_views::current_deadline;
use crate::web::labels::complaint as labels;

/// Queues the digest mails for `today`; returns how many were queued.
pub async fn run(db: &Db, today: NaiveDate, now: i64) -> AppResult<usize> {
    // The worker asks every few seconds; most times the day is already done.
    if last_day(db).await? >= today.to_string() {
        return Ok(0);
    }
    // Read first, then one short write transaction: the claim and every mail, or nothing.
    let mails = compose(db, today).await?;
    let mut tx = db.begin().await?;
    if !jobs::claim_day(&mut tx, "digest", today).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    for (email, subject, body) in &mails {
        outbox::enqueue(&mut tx, email, subject, body, now).await?;
    }
    tx.commit().await?;
    Ok(mails.len())
}

/// (recipient, subject, body) of each handler's digest for `today`.
async fn compose(db: &Db, today: NaiveDate) -> AppResult<Vec<(String, String, String)>> {
    let subject = format!(
        "{} / {}",
        Msg::MailDigestSubject.text(Lang::Zh),
        Msg::MailDigestSubject.text(Lang::En)
    );
    let mut mails = Vec::new();
    for s in staff_db::list(db, &Scope::All).await? {
        let Some(email) = s.email.as_deref().filter(|_| s.active) else {
            continue;
        };
        let filter = QueueFilter {
            assignee_id: Some(s.id),
            ..Default::default()
        };
        let mut lines = Vec::new();
        for c in cdb::queue(db, s.id, &Scope::All, &filter).await? {
            let Some(due) = current_deadline(&c) else {
                continue;
            };
            let left = days_left(today, due);
            if left <= 3 {
                lines.push(format!(
                    "#{} {} · {} {due} ({left})",
                    c.summary.id,
                    Lang::Zh.t(labels::status(c.summary.status)),
                    Lang::Zh.t(Msg::DeadlineLabel)
                ));
            }
        }
        if !lines.is_empty() {
            mails.push((email.to_owned(), subject.clone(), lines.join("\n")));
        }
    }
    Ok(mails)
}

/// Whether it is time for today's digest (08:00 China Standard Time or later).
pub fn due_now(now: chrono::DateTime<chrono::Utc>) -> bool {
    (now + chrono::Duration::hours(8)).hour() >= 8
}

/// The last day the digest ran (for tests and health pages).
pub async fn last_day(db: &Db) -> AppResult<String> {
    jobs::last_day(db, "digest").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_waits_for_eight_in_the_morning_beijing_time() {
        let at = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .map(|t| t.and_utc())
        };
        assert_eq!(at(23).map(due_now), Some(false)); // 07:00 CST
        assert_eq!(at(0).map(due_now), Some(true)); // 08:00 CST
        assert_eq!(at(15).map(due_now), Some(true)); // 23:00 CST
        assert_eq!(at(16).map(due_now), Some(false)); // 00:00 CST
    }
}
