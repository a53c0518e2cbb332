//! Labels of the written notices' codes.

use crate::domain::notice::{Delivery, NoticeKind};
use crate::i18n::Msg;

pub fn kind(k: NoticeKind) -> Msg {
    match k {
        NoticeKind::Refusal => Msg::NoticeKindRefusal,
        NoticeKind::Stop => Msg::NoticeKindStop,
        NoticeKind::Adjust => Msg::NoticeKindAdjust,
        NoticeKind::Taper => Msg::NoticeKindTaper,
    }
}

pub fn delivery(d: Delivery) -> Msg {
    match d {
        Delivery::InPerson => Msg::DeliveryInPerson,
        Delivery::Village => Msg::DeliveryVillage,
        Delivery::Post => Msg::DeliveryPost,
    }
}
