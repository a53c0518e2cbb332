//! The reporter's side after the receipt: a signed, short-lived tracking cookie names the case
//! (never the receipt), the reporter adds information or asks for a review of the answer.

use axum::http::HeaderMap;

use crate::db::changes::Change;
use crate::db::complaints::{self as cdb, Actor, CaseSummary};
use crate::db::{now_epoch, today_cst};
use crate::domain::{keyed_hash, transition, Action, EventKind};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::islands::rules::is_text;
use crate::web::cookies;
use crate::web::session::constant_time_eq;
use crate::web::state::AppState;

pub const TRACK_COOKIE: &str = "sunshine_track";
/// How long a tracking sign-in (after entering the receipt) lasts.
pub const TRACK_SECS: i64 = 30 * 60;

/// `id.expiry.mac`: which case this browser may see, until when.
pub fn sign_track(secret: &[u8], id: i64, expires: i64) -> String {
    let mac = keyed_hash(secret, &format!("track:{id}.{expires}"));
    format!("{id}.{expires}.{mac}")
}

pub fn verify_track(secret: &[u8], value: &str, now: i64) -> Option<i64> {
    let mut parts = value.splitn(3, '.');
    let id: i64 = parts.next()?.parse().ok()?;
    let expires: i64 = parts.next()?.parse().ok()?;
    let mac = parts.next()?;
    let expected = keyed_hash(secret, &format!("track:{id}.{expires}"));
    (now < expires && constant_time_eq(mac, &expected)).then_some(id)
}

/// The case this browser is following, if its tracking cookie is valid.
pub async fn tracked_case(state: &AppState, headers: &HeaderMap) -> AppResult<Option<CaseSummary>> {
    let Some(value) = cookies::read(headers, TRACK_COOKIE) else {
        return Ok(None);
    };
    let Some(id) = verify_track(state.secret.expose().as_bytes(), &value, now_epoch()) else {
        return Ok(None);
    };
    cdb::summary(&state.db, id).await
}

/// The last day the reporter may ask for a review of the answer (30 days after it), while the
/// case is in a state that allows one; `None` before an answer or once it cannot be asked.
pub async fn review_until(
    state: &AppState,
    case: &CaseSummary,
) -> AppResult<Option<chrono::NaiveDate>> {
    if transition(case.status, Action::RequestReview).is_err() {
        return Ok(None);
    }
    let Some(answered) = cdb::answered_at(&state.db, case.id).await? else {
        return Ok(None);
    };
    let (rules, _) = super::deadline_rules(state, case.township_id).await?;
    let answered_day = crate::db::day_cst(answered);
    Ok(Some(rules.review_request_until(answered_day)))
}

/// Whether the reporter may still ask for a review: answered (or closed after an answer)
/// no more than 30 days ago.
pub async fn review_open(state: &AppState, case: &CaseSummary) -> AppResult<bool> {
    Ok(review_until(state, case)
        .await?
        .is_some_and(|until| today_cst() <= until))
}

/// Text a reporter adds: 10 to 5,000 characters of text.
pub fn check_text(body: &str) -> Result<String, Msg> {
    let body = body.trim();
    let n = body.chars().count();
    if n < 10 || !is_text(body) {
        Err(Msg::BodyTooShort)
    } else if n > 5000 {
        Err(Msg::BodyTooLong)
    } else {
        Ok(body.to_owned())
    }
}

/// Adds the reporter's information to their case's timeline.
pub async fn add_info(
    state: &AppState,
    lang: Lang,
    case: &CaseSummary,
    body: &str,
) -> AppResult<()> {
    if transition(case.status, Action::AddInfo).is_err() {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintNoted);
    cdb::add_event(
        &mut tx,
        case.id,
        Actor::Reporter,
        EventKind::InfoAdded,
        body,
        now_epoch(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reopens an answered case at the reporter's request, with a new answer deadline.
pub async fn request_review(
    state: &AppState,
    lang: Lang,
    case: &CaseSummary,
    body: &str,
) -> AppResult<()> {
    let wrong_state = || AppError::Conflict(lang.t(Msg::WrongState).to_owned());
    let to = transition(case.status, Action::RequestReview).map_err(|_| wrong_state())?;
    let now = now_epoch();
    // A review is answered within 30 days of the request (a new answer deadline).
    let (rules, cal) = super::deadline_rules(state, case.township_id).await?;
    let review_by = rules.review_answer_by(today_cst(), &cal);
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintProgressed);
    if !cdb::set_status(&mut tx, case.id, case.status, to, now).await? {
        return Err(wrong_state());
    }
    cdb::set_answer_by(&mut tx, case.id, review_by).await?;
    cdb::add_event(
        &mut tx,
        case.id,
        Actor::Reporter,
        EventKind::ReviewRequested,
        body,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_cookies_are_signed_and_expire() {
        let v = sign_track(b"k", 42, 1000);
        assert_eq!(verify_track(b"k", &v, 999), Some(42));
        assert_eq!(verify_track(b"k", &v, 1000), None);
        assert_eq!(verify_track(b"other", &v, 999), None);
        assert_eq!(verify_track(b"k", &v.replace("42.", "43."), 999), None);
        assert_eq!(verify_track(b"k", "garbage", 0), None);
    }

    #[test]
    fn added_text_is_checked() {
        assert_eq!(check_text("太短"), Err(Msg::BodyTooShort));
        assert_eq!(check_text(&"长".repeat(5001)), Err(Msg::BodyTooLong));
        assert!(check_text("  补充情况：他家新买了一辆车。 ").is_ok());
    }
}
