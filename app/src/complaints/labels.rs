//! Display labels of complaint codes.

use crate::domain::{Category, Status};
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
