//! Display labels of complaint codes.

use crate::domain::{Category, Channel, EventKind, Finding, Status};
use crate::i18n::Msg;

pub fn category(c: Category) -> Msg {
    match c {
        Category::WrongfulInclusion => Msg::CatWrongful,
        Category::MissedHousehold => Msg::CatMissed,
        Category::Favouritism => Msg::CatFavouritism,
        Category::Procedure => Msg::CatProcedure,
        Category::Conduct => Msg::CatConduct,
        Category::Other => Msg::CatOther,
        Category::HouseholdChange => Msg::CatHouseholdChange,
    }
}

pub fn status(s: Status) -> Msg {
    match s {
        Status::Submitted => Msg::StSubmitted,
        Status::Accepted => Msg::StAccepted,
        Status::Declined => Msg::StDeclined,
        Status::Verifying => Msg::StVerifying,
        Status::ReplyPending => Msg::StReplyPending,
        Status::Answered => Msg::StAnswered,
        Status::Closed => Msg::StClosed,
        Status::Reopened => Msg::StReopened,
    }
}

/// A timeline entry's kind.
pub fn event(kind: EventKind) -> Msg {
    match kind {
        EventKind::Submitted => Msg::EvSubmitted,
        EventKind::InfoAdded => Msg::EvInfoAdded,
        EventKind::ReviewRequested => Msg::EvReviewRequested,
        EventKind::Accepted => Msg::EvAccepted,
        EventKind::Declined => Msg::EvDeclined,
        EventKind::Assigned => Msg::EvAssigned,
        EventKind::Answered => Msg::EvAnswered,
        EventKind::Extended => Msg::EvExtended,
        EventKind::Closed => Msg::EvClosed,
        EventKind::Reopened => Msg::EvReopened,
        EventKind::Escalated => Msg::EvEscalated,
        EventKind::Note => Msg::EvNote,
        EventKind::Findings => Msg::EvFindings,
        EventKind::ReplySubmitted => Msg::EvReplySubmitted,
        EventKind::ReplyReturned => Msg::EvReplyReturned,
        EventKind::ReporterRevealed => Msg::EvRevealed,
        EventKind::NamedStaff => Msg::EvNamed,
        EventKind::Rechecked => Msg::EvRechecked,
    }
}

pub fn channel(c: Channel) -> Msg {
    match c {
        Channel::Web => Msg::ChWeb,
        Channel::Hotline => Msg::ChHotline,
        Channel::ReportBox => Msg::ChReportBox,
        Channel::Letter => Msg::ChLetter,
        Channel::Email => Msg::ChEmail,
        Channel::WeChat => Msg::ChWechat,
        Channel::InPerson => Msg::ChInPerson,
    }
}

pub fn finding(f: Finding) -> Msg {
    match f {
        Finding::Substantiated => Msg::FSubstantiated,
        Finding::PartlySubstantiated => Msg::FPartly,
        Finding::Unsubstantiated => Msg::FUnsubstantiated,
    }
}
