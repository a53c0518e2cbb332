//! Display labels of complaint codes.

use crate::domain::{Category, Channel, Finding, Status};
use crate::i18n::Msg;

pub fn category(c: Category) -> Msg {
    match c {
        Category::WrongfulInclusion => Msg::CatWrongful,
        Category::MissedHousehold => Msg::CatMissed,
        Category::Favouritism => Msg::CatFavouritism,
        Category::Procedure => Msg::CatProcedure,
        Category::Conduct => Msg::CatConduct,
        Category::Other => Msg::CatOther,
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

/// Timeline event kinds the reporter may see.
pub fn event(kind: &str) -> Msg {
    match kind {
        "submitted" => Msg::EvSubmitted,
        "info_added" => Msg::EvInfoAdded,
        "review_requested" => Msg::EvReviewRequested,
        "accepted" => Msg::EvAccepted,
        "declined" => Msg::EvDeclined,
        "assigned" => Msg::EvAssigned,
        "answered" => Msg::EvAnswered,
        "extended" => Msg::EvExtended,
        "closed" => Msg::EvClosed,
        "reopened" => Msg::EvReopened,
        "escalated" => Msg::EvEscalated,
        _ => Msg::EvOther,
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

/// Staff-only event kinds, on top of [`event`].
pub fn staff_event(kind: &str) -> Msg {
    match kind {
        "note" => Msg::EvNote,
        "findings" => Msg::EvFindings,
        "reply_submitted" => Msg::EvReplySubmitted,
        "reply_returned" => Msg::EvReplyReturned,
        "reporter_revealed" => Msg::EvRevealed,
        "named_staff" => Msg::EvNamed,
        other => event(other),
    }
}
