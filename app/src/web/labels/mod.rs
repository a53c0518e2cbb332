//! How every code reads: the labels of the domain's codes in the visitor's language.

pub mod case;
pub mod complaint;
pub mod notice;
pub mod publicity;

use crate::db::content::Kind;
use crate::i18n::Msg;

/// Title and introduction of a kind of content page.
pub fn kind_title(kind: Kind) -> (Msg, Msg) {
    match kind {
        Kind::Policy => (Msg::Policy, Msg::PolicyIntro),
        Kind::Answer => (Msg::Answers, Msg::AnswersIntro),
        Kind::Notice => (Msg::Notices, Msg::NoticesIntro),
    }
}
