//! Display labels of case-file codes.

use crate::domain::case::{ApplicationChannel, CaseAction, GateError, Relation, RelativeOf, Stage};
use crate::i18n::Msg;

pub fn stage(s: Stage) -> Msg {
    match s {
        Stage::Received => Msg::CsReceived,
        Stage::Accepted => Msg::CsAccepted,
        Stage::Surveyed => Msg::CsSurveyed,
        Stage::VillageReviewed => Msg::CsVillageReviewed,
        Stage::TownshipApproved => Msg::CsTownshipApproved,
        Stage::InReviewPublicity => Msg::CsInReviewPublicity,
        Stage::CountyApproved => Msg::CsCountyApproved,
        Stage::InApprovalPublicity => Msg::CsInApprovalPublicity,
        Stage::Enrolled => Msg::CsEnrolled,
        Stage::Refused => Msg::CsRefused,
    }
}

pub fn action(a: CaseAction) -> Msg {
    match a {
        CaseAction::Accept => Msg::CaAccept,
        CaseAction::Reject => Msg::CaReject,
        CaseAction::SurveyEligible => Msg::CaSurveyEligible,
        CaseAction::SurveyIneligible => Msg::CaSurveyIneligible,
        CaseAction::VillageReview => Msg::CaVillageReview,
        CaseAction::TownshipApprove => Msg::CaTownshipApprove,
        CaseAction::TownshipRefuse => Msg::CaTownshipRefuse,
        CaseAction::PublishReview => Msg::CaPublishReview,
        CaseAction::CountyApprove => Msg::CaCountyApprove,
        CaseAction::CountyRefuse => Msg::CaCountyRefuse,
        CaseAction::PublishApproval => Msg::CaPublishApproval,
        CaseAction::Enroll => Msg::CaEnroll,
        CaseAction::CountyCheck => Msg::CaCountyCheck,
        CaseAction::DeclareRelative => Msg::CaDeclareRelative,
        CaseAction::RemoveRelative => Msg::CaRemoveRelative,
        CaseAction::ListWithdrawn => Msg::CaListWithdrawn,
    }
}

pub fn channel(c: ApplicationChannel) -> Msg {
    match c {
        ApplicationChannel::InPerson => Msg::AcSelf,
        ApplicationChannel::VillageCommittee => Msg::AcVillageCommittee,
        ApplicationChannel::VillageAssistant => Msg::AcVillageAssistant,
        ApplicationChannel::Discovered => Msg::AcDiscovered,
    }
}

pub fn relation(r: Relation) -> Msg {
    match r {
        Relation::Head => Msg::RelHead,
        Relation::Spouse => Msg::RelSpouse,
        Relation::Child => Msg::RelChild,
        Relation::Parent => Msg::RelParent,
        Relation::Grandchild => Msg::RelGrandchild,
        Relation::Sibling => Msg::RelSibling,
        Relation::Other => Msg::RelOther,
    }
}

pub fn relative_of(r: RelativeOf) -> Msg {
    match r {
        RelativeOf::CivilAffairsStaff => Msg::RoCivilAffairs,
        RelativeOf::PublicOfficial => Msg::RoOfficial,
        RelativeOf::AllowanceHandler => Msg::RoHandler,
        RelativeOf::VillageCommittee => Msg::RoVillageCommittee,
    }
}

/// Why a step was refused, in plain words.
pub fn gate(e: GateError) -> Msg {
    match e {
        GateError::TwoVisitorsNeeded => Msg::GateTwoVisitors,
        GateError::FindingsNeeded => Msg::GateFindings,
        GateError::EvidenceNeeded => Msg::GateEvidence,
        GateError::DateInFuture => Msg::GateDateFuture,
        GateError::NotVisitedByTwo => Msg::GateNotVisited,
        GateError::ReviewIncomplete => Msg::GateReviewIncomplete,
        GateError::DecisionIncomplete => Msg::GateDecisionIncomplete,
        GateError::ReasonNeeded => Msg::GateReason,
        GateError::WindowOpen => Msg::GateWindowOpen,
        GateError::ObjectionsOpen => Msg::GateObjections,
        GateError::ChecksMissing => Msg::GateChecks,
        GateError::CaseNotChecked => Msg::GateCaseUnchecked,
        GateError::ApproverVisited => Msg::GateApproverVisited,
        GateError::ApprovalWindowOpen => Msg::GateApprovalWindow,
        GateError::SpotCheckNotDrawn => Msg::GateSpotCheckNotDrawn,
        GateError::PanelNotDrawn => Msg::GatePanelNotDrawn,
        GateError::PanelMissesGroup => Msg::GatePanelMissesGroup,
    }
}
