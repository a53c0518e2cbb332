//! The case file (审核审批): how a household's application becomes a name on the standing list,
//! stage by stage, each step dated and signed by named staff, with the plan's controls as gates
//! that refuse a step until its conditions hold.
//!
//! ```text
//! received --accept--> accepted --survey(eligible)--> surveyed --village_review--> village_reviewed
//!    |                    |                                                         |
//!    +--reject--> refused +--survey(ineligible)--> refused      township_decide(refuse)--> refused
//!                                                      township_decide(approve) --> township_approved
//! township_approved --publish_review--> in_review_publicity (审核公示, 7 days)
//! in_review_publicity --county_decide(approve)--> county_approved  (refuse --> refused)
//! county_approved --publish_approval--> in_approval_publicity (审批公示, 7 days)
//! in_approval_publicity --enroll--> enrolled (纳入保障: on the next standing list)
//! ```
//! Gates (what must hold before a step; see [`Facts`]): a survey has at least two named
//! visitors, a date, findings and an evidence file; the township decides only a case visited by
//! two people; the county decides only after the 审核 window closed, with every objection to the
//! list answered, the batch's in-person checks done (every sampled case, at least ⌈30%⌉, and
//! every near-relative case), and not by anyone who visited the household.

use chrono::NaiveDate;
use thiserror::Error;

use super::{AidCategory, BatchKind, Role};

code_enum! {
    /// Where a case stands.
    pub enum Stage("case stage") {
        /// 申请已登记: registered, waiting for 受理.
        Received => "received",
        /// 受理.
        Accepted => "accepted",
        /// 入户调查 done (two visitors, findings, evidence).
        Surveyed => "surveyed",
        /// 民主评议 done.
        VillageReviewed => "village_reviewed",
        /// 乡镇审核 拟同意: waiting for the 审核公示 list.
        TownshipApproved => "township_approved",
        /// On a published 审核公示 list.
        InReviewPublicity => "in_review_publicity",
        /// 县级审批 同意: waiting for the 审批公示 list.
        CountyApproved => "county_approved",
        /// On a published 审批公示 list.
        InApprovalPublicity => "in_approval_publicity",
        /// 纳入保障: joins the standing list.
        Enrolled => "enrolled",
        /// 不予受理 / 不同意 at some stage, with a reason (a written notice follows).
        Refused => "refused",
    }
}

impl Stage {
    /// Whether the case is over (enrolled or refused).
    pub const fn is_final(self) -> bool {
        matches!(self, Stage::Enrolled | Stage::Refused)
    }
}

code_enum! {
    /// A step of the process.
    pub enum CaseAction("case action") {
        /// 受理.
        Accept => "accept",
        /// 不予受理, with a reason.
        Reject => "reject",
        /// 入户调查: eligible.
        SurveyEligible => "survey_eligible",
        /// 入户调查: not eligible, with a reason.
        SurveyIneligible => "survey_ineligible",
        /// 民主评议 by the village's review panel.
        VillageReview => "village_review",
        /// 乡镇审核 at a review meeting: 拟同意 with category, class and amount.
        TownshipApprove => "township_approve",
        /// 乡镇审核: 不同意, with a reason.
        TownshipRefuse => "township_refuse",
        /// The case's 审核公示 list was published.
        PublishReview => "publish_review",
        /// 县级审批: 同意.
        CountyApprove => "county_approve",
        /// 县级审批: 不同意, with a reason.
        CountyRefuse => "county_refuse",
        /// The case's 审批公示 list was published.
        PublishApproval => "publish_approval",
        /// 纳入保障 after the 审批公示 window.
        Enroll => "enroll",
        /// The county's in-person check (入户核查) of a case on a 审核 list.
        CountyCheck => "county_check",
        /// A near-relative declaration added (近亲属备案).
        DeclareRelative => "declare_relative",
        /// A near-relative declaration removed (with a reason).
        RemoveRelative => "remove_relative",
        /// The case's list was withdrawn: back to the stage before it, for a corrected list.
        ListWithdrawn => "list_withdrawn",
    }
}

impl CaseAction {
    /// The steps that end a case refused.
    pub const fn refuses(self) -> bool {
        matches!(
            self,
            CaseAction::Reject
                | CaseAction::SurveyIneligible
                | CaseAction::TownshipRefuse
                | CaseAction::CountyRefuse
        )
    }

    /// Steps that record something without moving the case along.
    pub const fn is_side_step(self) -> bool {
        matches!(
            self,
            CaseAction::CountyCheck | CaseAction::DeclareRelative | CaseAction::RemoveRelative
        )
    }

    /// The name of this step in the audit trail.
    pub const fn audit_name(self) -> &'static str {
        match self {
            CaseAction::Accept => "case.accept",
            CaseAction::Reject => "case.reject",
            CaseAction::SurveyEligible => "case.survey",
            CaseAction::SurveyIneligible => "case.survey_refuse",
            CaseAction::VillageReview => "case.village_review",
            CaseAction::TownshipApprove => "case.township_approve",
            CaseAction::TownshipRefuse => "case.township_refuse",
            CaseAction::PublishReview => "case.publish_review",
            CaseAction::CountyApprove => "case.county_approve",
            CaseAction::CountyRefuse => "case.county_refuse",
            CaseAction::PublishApproval => "case.publish_approval",
            CaseAction::Enroll => "case.enroll",
            CaseAction::CountyCheck => "case.county_check",
            CaseAction::DeclareRelative => "case.declare_relative",
            CaseAction::RemoveRelative => "case.remove_relative",
            CaseAction::ListWithdrawn => "case.list_withdrawn",
        }
    }
}

/// A step the case's stage does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{} is not allowed at stage {}", .action.as_str(), .from.as_str())]
pub struct IllegalStep {
    pub from: Stage,
    pub action: CaseAction,
}

/// The stage after `action` at stage `from`.
pub fn step(from: Stage, action: CaseAction) -> Result<Stage, IllegalStep> {
    use CaseAction as A;
    use Stage as S;
    Ok(match (from, action) {
        (S::Received, A::Accept) => S::Accepted,
        (S::Received, A::Reject) => S::Refused,
        (S::Accepted, A::SurveyEligible) => S::Surveyed,
        (S::Accepted, A::SurveyIneligible) => S::Refused,
        (S::Surveyed, A::VillageReview) => S::VillageReviewed,
        (S::VillageReviewed, A::TownshipApprove) => S::TownshipApproved,
        (S::VillageReviewed, A::TownshipRefuse) => S::Refused,
        (S::TownshipApproved, A::PublishReview) => S::InReviewPublicity,
        (S::InReviewPublicity, A::CountyApprove) => S::CountyApproved,
        (S::InReviewPublicity, A::CountyRefuse) => S::Refused,
        (S::CountyApproved, A::PublishApproval) => S::InApprovalPublicity,
        (S::InApprovalPublicity, A::Enroll) => S::Enrolled,
        (S::InReviewPublicity, A::CountyCheck) => S::InReviewPublicity,
        (s, A::DeclareRelative | A::RemoveRelative) if !s.is_final() => s,
        (S::InReviewPublicity, A::ListWithdrawn) => S::TownshipApproved,
        (S::InApprovalPublicity, A::ListWithdrawn) => S::CountyApproved,
        _ => return Err(IllegalStep { from, action }),
    })
}

code_enum! {
    /// How an application arrived (申请渠道).
    pub enum ApplicationChannel("application channel") {
        /// 本人申请.
        InPerson => "self",
        /// 村委会代办.
        VillageCommittee => "village_committee",
        /// 村级协理员代办.
        VillageAssistant => "village_assistant",
        /// 主动发现 (e.g. from a 漏保 report).
        Discovered => "discovered",
    }
}

code_enum! {
    /// A member's relation to the applicant.
    pub enum Relation("relation") {
        Head => "head",
        Spouse => "spouse",
        Child => "child",
        Parent => "parent",
        Grandchild => "grandchild",
        Sibling => "sibling",
        Other => "other",
    }
}

code_enum! {
    /// Whose near relative a member is (近亲属备案).
    pub enum RelativeOf("near relative of") {
        /// 民政部门工作人员.
        CivilAffairsStaff => "civil_affairs",
        /// 公职人员.
        PublicOfficial => "official",
        /// 低保经办人员.
        AllowanceHandler => "handler",
        /// 村（居）委会成员.
        VillageCommittee => "village_committee",
    }
}

/// Which roles may publish which list: a township publishes its 审核公示, the county its 审批公示;
/// standing lists either (the county may correct a township's roster).
pub fn may_publish(role: Role, kind: BatchKind) -> bool {
    match kind {
        BatchKind::Review => matches!(role, Role::TownshipOfficer),
        BatchKind::Approval => matches!(role, Role::CountyOfficer | Role::Admin),
        BatchKind::Standing => matches!(
            role,
            Role::TownshipOfficer | Role::CountyOfficer | Role::Admin
        ),
    }
}

/// Why a step is refused although the stage allows it. Each names the rule of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum GateError {
    #[error("a household visit needs at least two named staff")]
    TwoVisitorsNeeded,
    #[error("a household visit needs its findings")]
    FindingsNeeded,
    #[error(
        "a household visit needs at least one evidence file (photo or PDF of the signed form)"
    )]
    EvidenceNeeded,
    #[error("the visit date must not lie in the future")]
    DateInFuture,
    #[error("the township reviews only a case visited by two people")]
    NotVisitedByTwo,
    #[error("a village review needs the panel's members and votes")]
    ReviewIncomplete,
    #[error("a decision to grant needs a category and an amount")]
    DecisionIncomplete,
    #[error("a refusal needs a reason")]
    ReasonNeeded,
    #[error("the county decides only after the 审核公示 window has closed")]
    WindowOpen,
    #[error("every objection to the list needs a recorded outcome first")]
    ObjectionsOpen,
    #[error("the batch's in-person checks are not all recorded")]
    ChecksMissing,
    #[error("this case needs a county in-person check first")]
    CaseNotChecked,
    #[error("whoever visited the household cannot approve it")]
    ApproverVisited,
    #[error("enrolment waits until the 审批公示 window has closed")]
    ApprovalWindowOpen,
    #[error("the county decides only after its spot-check of the list has been drawn in public")]
    SpotCheckNotDrawn,
    #[error("a village review is recorded only by a panel drawn in public for this village")]
    PanelNotDrawn,
    #[error(
        "the drawn panel does not hold the leader (or a resident) of this case's village group"
    )]
    PanelMissesGroup,
}

/// A household visit as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub visited_on: NaiveDate,
    /// Staff ids of the visitors who signed.
    pub visitors: Vec<i64>,
    pub findings: String,
    pub evidence_files: usize,
}

/// Checks a household visit: two distinct named visitors, findings, evidence, not in the future.
pub fn check_survey(s: &Survey, today: NaiveDate) -> Result<(), GateError> {
    let mut visitors = s.visitors.clone();
    visitors.sort_unstable();
    visitors.dedup();
    if visitors.len() < 2 {
        return Err(GateError::TwoVisitorsNeeded);
    }
    if s.findings.trim().chars().count() < 2 {
        return Err(GateError::FindingsNeeded);
    }
    if s.evidence_files == 0 {
        return Err(GateError::EvidenceNeeded);
    }
    if s.visited_on > today {
        return Err(GateError::DateInFuture);
    }
    Ok(())
}

/// A township decision: 拟同意 with category, class and amount, or 不同意 with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TownshipDecision {
    Approve {
        category: AidCategory,
        class: Option<u8>,
        monthly_fen: i64,
    },
    Refuse {
        reason: String,
    },
}

/// What the county's decision on one case depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyFacts {
    pub today: NaiveDate,
    /// Last day of the case's 审核公示 window.
    pub review_closes_on: NaiveDate,
    /// Objections (complaints) to entries of the case's list that have no outcome yet.
    pub open_objections: usize,
    /// Cases of the batch that must be checked in person (drawn sample and near-relative cases)
    /// and have no check recorded yet.
    pub batch_checks_missing: usize,
    /// Whether this case must be checked (sampled or near relative) and has no check yet.
    pub case_unchecked: bool,
    /// Who visited the household.
    pub visitors: Vec<i64>,
    /// Who decides.
    pub approver: i64,
}

/// Checks the county's gate for one case of a 审核 batch.
pub fn check_county(f: &CountyFacts) -> Result<(), GateError> {
    if f.today <= f.review_closes_on {
        return Err(GateError::WindowOpen);
    }
    if f.open_objections > 0 {
        return Err(GateError::ObjectionsOpen);
    }
    if f.case_unchecked {
        return Err(GateError::CaseNotChecked);
    }
    if f.batch_checks_missing > 0 {
        return Err(GateError::ChecksMissing);
    }
    if f.visitors.contains(&f.approver) {
        return Err(GateError::ApproverVisited);
    }
    Ok(())
}

/// A village group's name as the site keeps it, so that one group has one name whoever typed
/// it: trimmed, inner spaces dropped, a leading "第" dropped, and a number in digits written in
/// Chinese numerals ("3组", "第 3 组" and "三组" are all "三组"; "12组" is "十二组").
pub fn normalise_group(name: &str) -> String {
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = compact.strip_prefix('第').unwrap_or(&compact);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let tail = &rest[digits.len()..];
    match digits.parse::<u32>() {
        Ok(n) if (1..100).contains(&n) && !tail.is_empty() => {
            format!("{}{tail}", chinese_number(n))
        }
        _ => rest.to_owned(),
    }
}

/// 1–99 in Chinese numerals (十二, 二十, 二十一).
fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    match tens {
        0 => D[ones].to_owned(),
        1 => format!("十{}", D[ones]),
        _ => format!("{}十{}", D[tens], D[ones]),
    }
}

/// The token a village group is known by in a published draw (docs/draws.md: group ids are
/// ASCII tokens): `g` and the first 8 hex digits of the SHA-256 of the group's name as the site
/// keeps it ([`normalise_group`], "三组"). The draw page shows the names beside the tokens.
pub fn group_token(group_name: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(normalise_group(group_name).as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("g{hex}")
}

/// A review-pool member's token in a published draw: `m` and the member's row id (never a name).
pub fn member_token(id: i64) -> String {
    format!("m{id}")
}

/// Days from application to the first decision (refusal, or the county's approval).
pub fn days_to_decision(received_on: NaiveDate, decided_on: NaiveDate) -> i64 {
    (decided_on - received_on).num_days().max(0)
}

/// How long a drawn review panel serves: the panel of one month's meetings (按月召开村级民主评议会,
/// 从评议库中抽取人员组成评议小组), so a review is held no earlier than the day its panel was drawn
/// and within 31 days of it — not with last season's panel, nor before the draw took place.
pub const PANEL_SERVES_DAYS: i64 = 31;

/// The epoch second after which a panel drawn may still serve a review held now (a day more than
/// [`PANEL_SERVES_DAYS`]: day boundaries in China time are checked by [`panel_serves`]).
pub fn panels_serving_since(now: i64) -> i64 {
    now - (PANEL_SERVES_DAYS + 1) * 86_400
}

/// Whether a review held on `held_on` may be recorded against a panel drawn on `drawn_on`
/// ([`PANEL_SERVES_DAYS`]).
pub fn panel_serves(drawn_on: NaiveDate, held_on: NaiveDate) -> bool {
    let days = (held_on - drawn_on).num_days();
    (0..=PANEL_SERVES_DAYS).contains(&days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use Stage as S;

    #[test]
    fn group_names_are_normalised() {
        for (typed, kept) in [
            ("三组", "三组"),
            ("3组", "三组"),
            (" 第 3 组 ", "三组"),
            ("第三组", "三组"),
            ("12组", "十二组"),
            ("20组", "二十组"),
            ("21组", "二十一组"),
            ("10组", "十组"),
            ("上寨", "上寨"),
            ("0组", "0组"),
            ("3", "3"),
        ] {
            assert_eq!(normalise_group(typed), kept, "{typed}");
        }
        assert_eq!(group_token("3组"), group_token("三组"));
        assert_ne!(group_token("二组"), group_token("三组"));
    }

    /// Every allowed (from, action, to); everything else must be refused.
    const ALLOWED: &[(Stage, CaseAction, Stage)] = &[
        (S::Received, A::Accept, S::Accepted),
        (S::Received, A::Reject, S::Refused),
        (S::Accepted, A::SurveyEligible, S::Surveyed),
        (S::Accepted, A::SurveyIneligible, S::Refused),
        (S::Surveyed, A::VillageReview, S::VillageReviewed),
        (S::VillageReviewed, A::TownshipApprove, S::TownshipApproved),
        (S::VillageReviewed, A::TownshipRefuse, S::Refused),
        (S::TownshipApproved, A::PublishReview, S::InReviewPublicity),
        (S::InReviewPublicity, A::CountyApprove, S::CountyApproved),
        (S::InReviewPublicity, A::CountyRefuse, S::Refused),
        (
            S::CountyApproved,
            A::PublishApproval,
            S::InApprovalPublicity,
        ),
        (S::InApprovalPublicity, A::Enroll, S::Enrolled),
        (S::InReviewPublicity, A::CountyCheck, S::InReviewPublicity),
        (S::InReviewPublicity, A::ListWithdrawn, S::TownshipApproved),
        (S::InApprovalPublicity, A::ListWithdrawn, S::CountyApproved),
        (S::Received, A::DeclareRelative, S::Received),
        (S::Accepted, A::DeclareRelative, S::Accepted),
        (S::Surveyed, A::DeclareRelative, S::Surveyed),
        (S::VillageReviewed, A::DeclareRelative, S::VillageReviewed),
        (S::TownshipApproved, A::DeclareRelative, S::TownshipApproved),
        (
            S::InReviewPublicity,
            A::DeclareRelative,
            S::InReviewPublicity,
        ),
        (S::CountyApproved, A::DeclareRelative, S::CountyApproved),
        (
            S::InApprovalPublicity,
            A::DeclareRelative,
            S::InApprovalPublicity,
        ),
        (S::Received, A::RemoveRelative, S::Received),
        (S::Accepted, A::RemoveRelative, S::Accepted),
        (S::Surveyed, A::RemoveRelative, S::Surveyed),
        (S::VillageReviewed, A::RemoveRelative, S::VillageReviewed),
        (S::TownshipApproved, A::RemoveRelative, S::TownshipApproved),
        (
            S::InReviewPublicity,
            A::RemoveRelative,
            S::InReviewPublicity,
        ),
        (S::CountyApproved, A::RemoveRelative, S::CountyApproved),
        (
            S::InApprovalPublicity,
            A::RemoveRelative,
            S::InApprovalPublicity,
        ),
    ];

    #[test]
    fn full_step_table() {
        let mut allowed = 0;
        for &from in S::ALL {
            for &action in A::ALL {
                let want = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|&(_, _, to)| to);
                match want {
                    Some(to) => {
                        assert_eq!(step(from, action), Ok(to), "{from:?} --{action:?}-->");
                        allowed += 1;
                    }
                    None => assert_eq!(
                        step(from, action),
                        Err(IllegalStep { from, action }),
                        "{from:?} --{action:?}--> must be refused"
                    ),
                }
            }
        }
        assert_eq!(allowed, ALLOWED.len());
        // Every refusal ends refused, and nothing leaves a final stage.
        for &(_, a, to) in ALLOWED {
            assert_eq!(a.refuses(), to == S::Refused, "{a:?}");
        }
        // Side steps (checks, declarations) never move a case forward.
        for &(from, a, to) in ALLOWED {
            if a.is_side_step() {
                assert_eq!(from, to, "{a:?}");
            }
        }
        for &from in S::ALL.iter().filter(|s| s.is_final()) {
            assert!(A::ALL.iter().all(|&a| step(from, a).is_err()), "{from:?}");
        }
    }

    #[test]
    fn the_whole_way_cannot_skip_a_stage() {
        let path = [
            A::Accept,
            A::SurveyEligible,
            A::VillageReview,
            A::TownshipApprove,
            A::PublishReview,
            A::CountyApprove,
            A::PublishApproval,
            A::Enroll,
        ];
        let mut s = S::Received;
        for (i, &a) in path.iter().enumerate() {
            // Any later step taken now is refused.
            for &later in &path[i + 1..] {
                assert!(step(s, later).is_err(), "{later:?} at {s:?}");
            }
            s = step(s, a).expect("in order");
        }
        assert_eq!(s, S::Enrolled);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn survey_gate() {
        let ok = Survey {
            visited_on: d("2026-11-20"),
            visitors: vec![3, 5],
            findings: "无固定收入，房屋破旧".into(),
            evidence_files: 1,
        };
        let today = d("2026-11-29");
        assert_eq!(check_survey(&ok, today), Ok(()));
        let table = [
            (
                Survey {
                    visitors: vec![3],
                    ..ok.clone()
                },
                GateError::TwoVisitorsNeeded,
            ),
            (
                Survey {
                    visitors: vec![3, 3],
                    ..ok.clone()
                },
                GateError::TwoVisitorsNeeded,
            ),
            (
                Survey {
                    findings: " ".into(),
                    ..ok.clone()
                },
                GateError::FindingsNeeded,
            ),
            (
                Survey {
                    evidence_files: 0,
                    ..ok.clone()
                },
                GateError::EvidenceNeeded,
            ),
            (
                Survey {
                    visited_on: d("2026-11-30"),
                    ..ok.clone()
                },
                GateError::DateInFuture,
            ),
        ];
        for (s, want) in table {
            assert_eq!(check_survey(&s, today), Err(want), "{s:?}");
        }
    }

    #[test]
    fn county_gate() {
        let ok = CountyFacts {
            today: d("2026-12-10"),
            review_closes_on: d("2026-12-07"),
            open_objections: 0,
            batch_checks_missing: 0,
            case_unchecked: false,
            visitors: vec![3, 5],
            approver: 9,
        };
        assert_eq!(check_county(&ok), Ok(()));
        let table = [
            (
                CountyFacts {
                    today: d("2026-12-07"),
                    ..ok.clone()
                },
                GateError::WindowOpen,
            ),
            (
                CountyFacts {
                    open_objections: 1,
                    ..ok.clone()
                },
                GateError::ObjectionsOpen,
            ),
            (
                CountyFacts {
                    case_unchecked: true,
                    ..ok.clone()
                },
                GateError::CaseNotChecked,
            ),
            (
                CountyFacts {
                    batch_checks_missing: 2,
                    ..ok.clone()
                },
                GateError::ChecksMissing,
            ),
            (
                CountyFacts {
                    approver: 5,
                    ..ok.clone()
                },
                GateError::ApproverVisited,
            ),
        ];
        for (f, want) in table {
            assert_eq!(check_county(&f), Err(want), "{f:?}");
        }
    }

    #[test]
    fn publishing_rights() {
        use BatchKind as K;
        assert!(may_publish(Role::TownshipOfficer, K::Review));
        assert!(!may_publish(Role::CountyOfficer, K::Review));
        assert!(!may_publish(Role::Admin, K::Review));
        assert!(may_publish(Role::CountyOfficer, K::Approval));
        assert!(!may_publish(Role::TownshipOfficer, K::Approval));
        for r in [Role::Auditor, Role::Supervisor, Role::VillageAssistant] {
            for k in K::ALL {
                assert!(!may_publish(r, *k), "{r:?} {k:?}");
            }
        }
    }

    #[test]
    fn group_tokens_are_stable_ascii() {
        assert_eq!(group_token("三组"), group_token(" 三组 "));
        assert_ne!(group_token("三组"), group_token("二组"));
        let t = group_token("三组");
        assert_eq!(t.len(), 9);
        assert!(t.starts_with('g') && t[1..].bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn codes() {
        assert_eq!(S::ALL.len(), 10);
        assert_eq!(A::ALL.len(), 16);
        assert_eq!(
            "in_review_publicity".parse::<Stage>(),
            Ok(S::InReviewPublicity)
        );
        assert_eq!(
            ApplicationChannel::parse("village_assistant"),
            Ok(ApplicationChannel::VillageAssistant)
        );
        assert_eq!(RelativeOf::ALL.len(), 4);
        assert!(A::ALL.iter().all(|a| a.audit_name().starts_with("case.")));
        assert_eq!(days_to_decision(d("2026-11-01"), d("2026-11-29")), 28);
    }

    #[test]
    fn a_panel_serves_its_month_from_the_day_it_was_drawn() {
        let drawn = d("2026-11-10");
        assert!(panel_serves(drawn, drawn), "the day of the draw");
        assert!(panel_serves(drawn, d("2026-12-11")), "31 days on");
        assert!(!panel_serves(drawn, d("2026-11-09")), "before the draw");
        assert!(!panel_serves(drawn, d("2026-12-12")), "32 days on");
        assert!(!panel_serves(drawn, d("2027-11-10")), "a year on");
    }
}
