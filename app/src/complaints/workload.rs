//! What waits for a staff member in their scope, as the dashboard shows it: reports to accept,
//! cases past their deadline, replies awaiting approval and review requests — each count a link
//! to the queue filtered to exactly those cases.

use chrono::NaiveDate;

use crate::complaints::staff_views::{current_deadline, urgency};
use crate::db::complaints::{self as cdb, QueueFilter, StaffCase};
use crate::domain::Status;
use crate::error::AppResult;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

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
    urgency(current_deadline(case), today) == "overdue"
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
