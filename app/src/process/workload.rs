//! What waits for staff in their scope, as the dashboard and the queues show it: complaints to
//! accept, past their deadline, replies awaiting approval and review requests (each count a link
//! to the queue filtered to exactly those cases), and recipients due for a re-check.

use chrono::NaiveDate;

use crate::db::complaints::{self as cdb, QueueFilter, StaffCase};
use crate::db::rechecks::Recipient;
use crate::domain::recheck::Schedule;
use crate::domain::{days_left, Scope, Status};
use crate::error::AppResult;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// The deadline that matters now: acceptance while submitted, else the answer deadline.
pub fn current_deadline(c: &StaffCase) -> Option<chrono::NaiveDate> {
    match c.summary.status {
        Status::Submitted => Some(c.summary.accept_by),
        Status::Accepted | Status::Verifying | Status::ReplyPending | Status::Reopened => {
            c.summary.answer_by
        }
        Status::Declined | Status::Answered | Status::Closed => None,
    }
}

/// "overdue" / "due-soon" (3 days or less) / "" for the queue row class.
pub fn urgency(deadline: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> &'static str {
    match deadline.map(|d| days_left(today, d)) {
        Some(n) if n < 0 => "overdue",
        Some(n) if n <= 3 => "due-soon",
        _ => "",
    }
}

/// When a recipient is due: its scheduled date, or (never scheduled: entered by hand or import)
/// a full interval after it was added.
pub fn due_on(schedule: &Schedule, r: &Recipient) -> NaiveDate {
    r.recheck_due_on.unwrap_or_else(|| {
        let added = crate::db::day_cst(r.created_at);
        schedule.next_due(r.category, added)
    })
}

/// The recipients of a scope (one village, if given) with their due dates.
pub async fn worklist(
    state: &AppState,
    scope: &Scope,
    village: Option<i64>,
) -> AppResult<Vec<(Recipient, NaiveDate)>> {
    let schedule = state.site.settings.recheck;
    Ok(crate::db::rechecks::recipients(&state.db, scope, village)
        .await?
        .into_iter()
        .map(|r| {
            let due = due_on(&schedule, &r);
            (r, due)
        })
        .collect())
}

/// How many of a worklist are past their re-check date, and how many have open leads.
pub fn attention_counts(list: &[(Recipient, NaiveDate)], today: NaiveDate) -> (usize, usize) {
    let overdue = list
        .iter()
        .filter(|(_, due)| crate::domain::recheck::is_overdue(*due, today))
        .count();
    let leads = list.iter().filter(|(r, _)| r.open_leads > 0).count();
    (overdue, leads)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// Submitted, not yet accepted or declined (`?status=submitted`).
    pub to_accept: usize,
    /// Open and past the deadline that matters now (`?overdue=1`).
    pub overdue: usize,
    /// A reply written, waiting for a supervisor (`?status=reply_pending`).
    pub awaiting_approval: usize,
    /// The reporter asked for a review of the answer (`?status=reopened`).
    pub reopened: usize,
}

/// Whether a case is open and past the deadline that matters now.
pub fn is_overdue(case: &StaffCase, today: NaiveDate) -> bool {
    current_deadline(case).is_some_and(|d| days_left(today, d) < 0)
}

/// Counts the cases a member sees.
pub fn count(cases: &[StaffCase], today: NaiveDate) -> Workload {
    let mut w = Workload::default();
    for c in cases {
        match c.summary.status {
            Status::Submitted => w.to_accept += 1,
            Status::ReplyPending => w.awaiting_approval += 1,
            Status::Reopened => w.reopened += 1,
            _ => {}
        }
        if is_overdue(c, today) {
            w.overdue += 1;
        }
    }
    w
}

/// The workload of the signed-in member: the cases of their queue (their scope, not naming them).
pub async fn of(state: &AppState, staff: &StaffCtx) -> AppResult<Workload> {
    let cases = cdb::queue(
        &state.db,
        staff.staff.id,
        staff.scope(),
        &QueueFilter::default(),
    )
    .await?;
    Ok(count(&cases, crate::db::today_cst()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::complaints::CaseSummary;
    use crate::domain::{Category, Channel};

    fn case(status: Status, accept_by: NaiveDate, answer_by: Option<NaiveDate>) -> StaffCase {
        StaffCase {
            summary: CaseSummary {
                id: 1,
                status,
                category: Category::Procedure,
                channel: Channel::Web,
                township_id: Some(1),
                village_id: None,
                received_on: accept_by,
                accept_by,
                answer_by,
                extended: false,
                created_at: 0,
            },
            body: String::new(),
            accused: None,
            anonymous: true,
            entry_id: None,
            assignee_id: None,
            escalated: false,
            accepted_on: None,
            finding: None,
            finding_action: None,
            reply_draft: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    #[test]
    fn counts_each_kind_of_waiting_work() {
        let today = day(10);
        let cases = [
            case(Status::Submitted, day(12), None),
            case(Status::Submitted, day(9), None),
            case(Status::Verifying, day(1), Some(day(8))),
            case(Status::ReplyPending, day(1), Some(day(20))),
            case(Status::Reopened, day(1), Some(day(10))),
            case(Status::Answered, day(1), Some(day(2))),
            case(Status::Closed, day(1), Some(day(2))),
        ];
        assert_eq!(
            count(&cases, today),
            Workload {
                to_accept: 2,
                overdue: 2,
                awaiting_approval: 1,
                reopened: 1,
            }
        );
    }

    #[test]
    fn the_last_day_is_not_overdue_and_answered_cases_never_are() {
        assert!(!is_overdue(
            &case(Status::Submitted, day(10), None),
            day(10)
        ));
        assert!(is_overdue(&case(Status::Submitted, day(10), None), day(11)));
        assert!(!is_overdue(
            &case(Status::Answered, day(1), Some(day(2))),
            day(11)
        ));
    }
}
