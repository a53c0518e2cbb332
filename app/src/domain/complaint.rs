//! Complaint (投诉举报) workflow: states, actions and the transition table.
//!
//! ```text
//! submitted --accept--> accepted --assign--> verifying --record_findings--> verifying
//!     |                                        verifying --submit_reply--> reply_pending
//!     |                              reply_pending --approve_reply--> answered
//!     |                              reply_pending --return_reply--> verifying
//!     +--decline--> declined
//! answered --close--> closed
//! answered | closed --request_review--> reopened --assign--> verifying
//! assign also in verifying (reassign) and reopened
//! extend in accepted | verifying | reply_pending (unchanged; once only, see can_extend)
//! add_note, add_info, escalate in every state except declined and closed (unchanged)
//! ```
//!
//! Who may perform an action (handler, supervisor, reporter) is decided by
//! the caller; this module only knows which actions a state allows.

use thiserror::Error;

code_enum! {
    /// Lifecycle state of a complaint.
    pub enum Status("status") {
        Submitted => "submitted",
        Accepted => "accepted",
        Declined => "declined",
        Verifying => "verifying",
        ReplyPending => "reply_pending",
        Answered => "answered",
        Closed => "closed",
        Reopened => "reopened",
    }
}

code_enum! {
    /// Something done to a complaint.
    pub enum Action("action") {
        Accept => "accept",
        /// Decline to accept (不予受理), with a reason.
        Decline => "decline",
        /// Assign (or reassign) a handler.
        Assign => "assign",
        RecordFindings => "record_findings",
        /// Handler submits a draft reply for approval.
        SubmitReply => "submit_reply",
        /// Supervisor approves the reply; the reporter can now see it.
        ApproveReply => "approve_reply",
        /// Supervisor sends the draft back to the handler.
        ReturnReply => "return_reply",
        Close => "close",
        /// Reporter asks for a review of the answer.
        RequestReview => "request_review",
        /// Extend the answer deadline (once).
        Extend => "extend",
        /// Internal note by staff.
        AddNote => "add_note",
        /// Reporter adds information.
        AddInfo => "add_info",
        /// Hand the case up to the county (a township officer then no longer sees it).
        Escalate => "escalate",
    }
}

code_enum! {
    /// What a timeline entry records.
    pub enum EventKind("event") {
        Submitted => "submitted",
        InfoAdded => "info_added",
        ReviewRequested => "review_requested",
        Accepted => "accepted",
        Declined => "declined",
        Assigned => "assigned",
        Findings => "findings",
        ReplySubmitted => "reply_submitted",
        Answered => "answered",
        ReplyReturned => "reply_returned",
        Extended => "extended",
        Closed => "closed",
        Reopened => "reopened",
        Escalated => "escalated",
        Note => "note",
        NamedStaff => "named_staff",
        ReporterRevealed => "reporter_revealed",
        /// A re-check of the household a change or exit report was about is done.
        Rechecked => "rechecked",
    }
}

impl EventKind {
    /// Whether the reporter sees this entry on the tracking page.
    pub const fn public(self) -> bool {
        !matches!(
            self,
            EventKind::Findings
                | EventKind::ReplySubmitted
                | EventKind::ReplyReturned
                | EventKind::Note
                | EventKind::NamedStaff
                | EventKind::ReporterRevealed
        )
    }
}

impl Action {
    /// Actions performed by the (anonymous) reporter via the receipt code;
    /// every other action is performed by staff.
    pub const fn by_reporter(self) -> bool {
        matches!(self, Action::RequestReview | Action::AddInfo)
    }

    /// The timeline entry this action writes.
    pub const fn event(self) -> EventKind {
        match self {
            Action::Accept => EventKind::Accepted,
            Action::Decline => EventKind::Declined,
            Action::Assign => EventKind::Assigned,
            Action::RecordFindings => EventKind::Findings,
            Action::SubmitReply => EventKind::ReplySubmitted,
            Action::ApproveReply => EventKind::Answered,
            Action::ReturnReply => EventKind::ReplyReturned,
            Action::Close => EventKind::Closed,
            Action::RequestReview => EventKind::ReviewRequested,
            Action::Extend => EventKind::Extended,
            Action::AddNote => EventKind::Note,
            Action::AddInfo => EventKind::InfoAdded,
            Action::Escalate => EventKind::Escalated,
        }
    }

    /// The name of this action in the audit trail.
    pub const fn audit_name(self) -> &'static str {
        match self {
            Action::Accept => "complaint.accept",
            Action::Decline => "complaint.decline",
            Action::Assign => "complaint.assign",
            Action::RecordFindings => "complaint.findings",
            Action::SubmitReply => "complaint.submit_reply",
            Action::ApproveReply => "complaint.approve_reply",
            Action::ReturnReply => "complaint.return_reply",
            Action::Close => "complaint.close",
            Action::RequestReview => "complaint.request_review",
            Action::Extend => "complaint.extend",
            Action::AddNote => "complaint.note",
            Action::AddInfo => "complaint.add_info",
            Action::Escalate => "complaint.escalate",
        }
    }

    /// Whether a reporter who left an e-mail address is told (a public change of their case).
    pub const fn notifies_reporter(self) -> bool {
        matches!(
            self,
            Action::Accept
                | Action::Decline
                | Action::ApproveReply
                | Action::Close
                | Action::Extend
                | Action::Escalate
        )
    }
}

impl Status {
    /// Declined and Closed complaints accept no notes or information
    /// (Closed may still be reopened by a review request).
    pub const fn is_open(self) -> bool {
        !matches!(self, Status::Declined | Status::Closed)
    }

    /// The actions `transition` allows from this state, in `Action::ALL` order.
    pub fn allowed_actions(self) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|&a| transition(self, a).is_ok())
            .collect()
    }
}

/// An action that the current state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("action {} is not allowed in state {}", .action.as_str(), .from.as_str())]
pub struct IllegalTransition {
    pub from: Status,
    pub action: Action,
}

/// The state after performing `action` in state `from`.
pub fn transition(from: Status, action: Action) -> Result<Status, IllegalTransition> {
    use Action as A;
    use Status as S;
    let to = match (from, action) {
        (S::Submitted, A::Accept) => S::Accepted,
        (S::Submitted, A::Decline) => S::Declined,
        (S::Accepted | S::Verifying | S::Reopened, A::Assign) => S::Verifying,
        (S::Verifying, A::RecordFindings) => S::Verifying,
        (S::Verifying, A::SubmitReply) => S::ReplyPending,
        (S::ReplyPending, A::ApproveReply) => S::Answered,
        (S::ReplyPending, A::ReturnReply) => S::Verifying,
        (S::Answered, A::Close) => S::Closed,
        (S::Answered | S::Closed, A::RequestReview) => S::Reopened,
        (S::Accepted | S::Verifying | S::ReplyPending, A::Extend) => from,
        (s, A::AddNote | A::AddInfo | A::Escalate) if s.is_open() => from,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

/// The deadline may be extended only once.
pub const fn can_extend(already_extended: bool) -> bool {
    !already_extended
}

/// Why an extension was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ExtendError {
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    #[error("the deadline has already been extended")]
    AlreadyExtended,
}

/// `transition(from, Extend)` combined with the once-only rule.
pub fn check_extend(from: Status, already_extended: bool) -> Result<Status, ExtendError> {
    let to = transition(from, Action::Extend)?;
    if can_extend(already_extended) {
        Ok(to)
    } else {
        Err(ExtendError::AlreadyExtended)
    }
}

code_enum! {
    /// What the complaint is about.
    pub enum Category("category") {
        /// 错保: someone ineligible receives aid.
        WrongfulInclusion => "wrongful_inclusion",
        /// 漏保: an eligible household is left out.
        MissedHousehold => "missed_household",
        /// 关系保/人情保.
        Favouritism => "favouritism",
        /// 程序违规.
        Procedure => "procedure",
        /// 工作作风.
        Conduct => "conduct",
        /// 其他.
        Other => "other",
        /// 家庭情况变化 / 申请退出: a recipient household's own report; it makes a re-check lead.
        HouseholdChange => "household_change",
    }
}

code_enum! {
    /// How the complaint arrived.
    pub enum Channel("channel") {
        Web => "web",
        Hotline => "hotline",
        ReportBox => "report_box",
        Letter => "letter",
        Email => "email",
        WeChat => "wechat",
        InPerson => "in_person",
    }
}

code_enum! {
    /// Outcome of verification.
    pub enum Finding("finding") {
        /// 属实.
        Substantiated => "substantiated",
        /// 部分属实.
        PartlySubstantiated => "partly",
        /// 不属实.
        Unsubstantiated => "unsubstantiated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Action as A;
    use Status as S;

    /// Every allowed (from, action, to); everything else must be refused.
    const ALLOWED: &[(Status, Action, Status)] = &[
        (S::Submitted, A::Accept, S::Accepted),
        (S::Submitted, A::Decline, S::Declined),
        (S::Submitted, A::AddNote, S::Submitted),
        (S::Submitted, A::AddInfo, S::Submitted),
        (S::Submitted, A::Escalate, S::Submitted),
        (S::Accepted, A::Assign, S::Verifying),
        (S::Accepted, A::Extend, S::Accepted),
        (S::Accepted, A::AddNote, S::Accepted),
        (S::Accepted, A::AddInfo, S::Accepted),
        (S::Accepted, A::Escalate, S::Accepted),
        (S::Verifying, A::Assign, S::Verifying),
        (S::Verifying, A::RecordFindings, S::Verifying),
        (S::Verifying, A::SubmitReply, S::ReplyPending),
        (S::Verifying, A::Extend, S::Verifying),
        (S::Verifying, A::AddNote, S::Verifying),
        (S::Verifying, A::AddInfo, S::Verifying),
        (S::Verifying, A::Escalate, S::Verifying),
        (S::ReplyPending, A::ApproveReply, S::Answered),
        (S::ReplyPending, A::ReturnReply, S::Verifying),
        (S::ReplyPending, A::Extend, S::ReplyPending),
        (S::ReplyPending, A::AddNote, S::ReplyPending),
        (S::ReplyPending, A::AddInfo, S::ReplyPending),
        (S::ReplyPending, A::Escalate, S::ReplyPending),
        (S::Answered, A::Close, S::Closed),
        (S::Answered, A::RequestReview, S::Reopened),
        (S::Answered, A::AddNote, S::Answered),
        (S::Answered, A::AddInfo, S::Answered),
        (S::Answered, A::Escalate, S::Answered),
        (S::Closed, A::RequestReview, S::Reopened),
        (S::Reopened, A::Assign, S::Verifying),
        (S::Reopened, A::AddNote, S::Reopened),
        (S::Reopened, A::AddInfo, S::Reopened),
        (S::Reopened, A::Escalate, S::Reopened),
    ];

    #[test]
    fn full_transition_table() {
        assert_eq!(S::ALL.len(), 8);
        assert_eq!(A::ALL.len(), 13);
        let mut allowed = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|&(_, _, to)| to);
                match expected {
                    Some(to) => {
                        assert_eq!(transition(from, action), Ok(to), "{from:?} --{action:?}-->");
                        allowed += 1;
                    }
                    None => assert_eq!(
                        transition(from, action),
                        Err(IllegalTransition { from, action }),
                        "{from:?} --{action:?}--> must be refused"
                    ),
                }
            }
        }
        assert_eq!(allowed, ALLOWED.len());
    }

    #[test]
    fn declined_is_dead_end() {
        assert!(S::Declined.allowed_actions().is_empty());
        assert_eq!(S::Closed.allowed_actions(), vec![A::RequestReview]);
        assert_eq!(
            S::Submitted.allowed_actions(),
            vec![A::Accept, A::Decline, A::AddNote, A::AddInfo, A::Escalate]
        );
    }

    #[test]
    fn happy_path_and_review_cycle() {
        let path = [
            (A::Accept, S::Accepted),
            (A::Assign, S::Verifying),
            (A::RecordFindings, S::Verifying),
            (A::SubmitReply, S::ReplyPending),
            (A::ReturnReply, S::Verifying),
            (A::SubmitReply, S::ReplyPending),
            (A::ApproveReply, S::Answered),
            (A::Close, S::Closed),
            (A::RequestReview, S::Reopened),
            (A::Assign, S::Verifying),
            (A::SubmitReply, S::ReplyPending),
            (A::ApproveReply, S::Answered),
        ];
        let mut s = S::Submitted;
        for (action, want) in path {
            s = transition(s, action).expect("allowed step");
            assert_eq!(s, want);
        }
    }

    #[test]
    fn extension_rules() {
        let cases = [
            (S::Accepted, false, Ok(S::Accepted)),
            (S::Verifying, false, Ok(S::Verifying)),
            (S::ReplyPending, false, Ok(S::ReplyPending)),
            (S::Verifying, true, Err(ExtendError::AlreadyExtended)),
            (
                S::Submitted,
                false,
                Err(ExtendError::Illegal(IllegalTransition {
                    from: S::Submitted,
                    action: A::Extend,
                })),
            ),
            (
                S::Answered,
                true,
                Err(ExtendError::Illegal(IllegalTransition {
                    from: S::Answered,
                    action: A::Extend,
                })),
            ),
        ];
        for (from, already, want) in cases {
            assert_eq!(
                check_extend(from, already),
                want,
                "{from:?} already={already}"
            );
        }
        assert!(can_extend(false));
        assert!(!can_extend(true));
    }

    #[test]
    fn reporter_actions_and_messages() {
        let reporter: Vec<Action> = A::ALL.iter().copied().filter(|a| a.by_reporter()).collect();
        assert_eq!(reporter, vec![A::RequestReview, A::AddInfo]);
        let err = IllegalTransition {
            from: S::Declined,
            action: A::AddInfo,
        };
        assert_eq!(
            err.to_string(),
            "action add_info is not allowed in state declined"
        );
    }

    #[test]
    fn every_action_writes_its_event() {
        let public: Vec<Action> = A::ALL
            .iter()
            .copied()
            .filter(|a| a.event().public())
            .collect();
        // Findings, the draft reply and its return, and notes stay internal.
        assert_eq!(
            public,
            vec![
                A::Accept,
                A::Decline,
                A::Assign,
                A::ApproveReply,
                A::Close,
                A::RequestReview,
                A::Extend,
                A::AddInfo,
                A::Escalate
            ]
        );
        for a in A::ALL {
            assert!(a.audit_name().starts_with("complaint."));
            // The reporter is only ever told about what they can see.
            assert!(!a.notifies_reporter() || a.event().public(), "{a:?}");
        }
    }

    #[test]
    fn enum_codes() {
        assert_eq!(S::ReplyPending.as_str(), "reply_pending");
        assert_eq!(Category::WrongfulInclusion.as_str(), "wrongful_inclusion");
        assert_eq!(Category::ALL.len(), 7);
        let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            channels,
            [
                "web",
                "hotline",
                "report_box",
                "letter",
                "email",
                "wechat",
                "in_person"
            ]
        );
        let findings: Vec<&str> = Finding::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(findings, ["substantiated", "partly", "unsubstantiated"]);
        assert_eq!("in_person".parse::<Channel>(), Ok(Channel::InPerson));
    }

    proptest! {
        /// Along any sequence of actions from Submitted (applying only the
        /// allowed ones), Declined is never left once entered.
        #[test]
        fn declined_absorbing(actions in proptest::collection::vec(proptest::sample::select(A::ALL.to_vec()), 0..40)) {
            let mut s = S::Submitted;
            let mut declined = false;
            for a in actions {
                if let Ok(next) = transition(s, a) {
                    prop_assert!(!declined, "left declined via {:?}", a);
                    s = next;
                    declined = s == S::Declined;
                }
            }
        }

        /// Unchanged-state actions never change the state.
        #[test]
        fn side_actions_keep_state(from in proptest::sample::select(S::ALL.to_vec()),
                                   a in proptest::sample::select(vec![A::AddNote, A::AddInfo, A::Escalate, A::Extend, A::RecordFindings])) {
            if let Ok(to) = transition(from, a) {
                prop_assert_eq!(to, from);
            }
        }
    }
}
