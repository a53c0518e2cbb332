//! Display labels of the publicity codes.

use crate::domain::{AidCategory, AidClass, BatchKind, BatchState, ChangeKind};
use crate::i18n::{Lang, Msg};

pub fn kind(k: BatchKind) -> Msg {
    match k {
        BatchKind::Review => Msg::KindReview,
        BatchKind::Approval => Msg::KindApproval,
        BatchKind::Standing => Msg::KindStanding,
    }
}

pub fn state(s: BatchState) -> Msg {
    match s {
        BatchState::Draft => Msg::StateDraft,
        BatchState::Published => Msg::StatePublished,
        BatchState::Closed => Msg::StateClosed,
        BatchState::Withdrawn => Msg::StateWithdrawn,
    }
}

/// The state as staff and public read it on `today`: a published 审核/审批 list whose seven days
/// are over reads 公示期已结束, not 公示中 (a standing list has no end).
pub fn state_on(
    s: BatchState,
    closes_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Msg {
    match (s, closes_on) {
        (BatchState::Published, Some(c)) if today > c => Msg::WindowOver,
        _ => state(s),
    }
}

/// A list's publicity period as staff pages write it: "2026-12-01 – 2026-12-07", or open-ended
/// "2026-12-01 –" for a standing list.
pub fn period(opens_on: chrono::NaiveDate, closes_on: Option<chrono::NaiveDate>) -> String {
    match closes_on {
        Some(c) => format!("{opens_on} – {c}"),
        None => format!("{opens_on} –"),
    }
}

pub fn change(c: ChangeKind) -> Msg {
    match c {
        ChangeKind::New => Msg::ChangeNew,
        ChangeKind::Increase => Msg::ChangeIncrease,
        ChangeKind::Decrease => Msg::ChangeDecrease,
        ChangeKind::Stop => Msg::ChangeStop,
        ChangeKind::Renew => Msg::ChangeRenew,
    }
}

pub fn category_msg(c: AidCategory) -> Msg {
    match c {
        AidCategory::Basic => Msg::CategoryDoudi,
        AidCategory::General => Msg::CategoryYiban,
    }
}

/// "一般保障 二类" / "General, class 2".
pub fn category(lang: Lang, c: AidCategory, class: Option<AidClass>) -> String {
    let base = lang.t(category_msg(c));
    match (class.map(|c| c.get()), lang) {
        (None, _) => base.to_owned(),
        (Some(n), Lang::Zh) => {
            let zh = ["", "一", "二", "三"]
                .get(usize::from(n))
                .copied()
                .unwrap_or("");
            format!("{base} {zh}类")
        }
        (Some(n), Lang::En) => format!("{base}, class {n}"),
    }
}

/// A compact form for narrow tables: "一般二类" / "General 2".
pub fn category_short(lang: Lang, c: AidCategory, class: Option<AidClass>) -> String {
    let n = class.map(|c| c.get());
    match lang {
        Lang::Zh => {
            let base = match c {
                AidCategory::Basic => "兜底",
                AidCategory::General => "一般",
            };
            match n.and_then(|n| ["", "一", "二", "三"].get(usize::from(n)).copied()) {
                Some(zh) if !zh.is_empty() => format!("{base}{zh}类"),
                _ => base.to_owned(),
            }
        }
        Lang::En => {
            let base = match c {
                AidCategory::Basic => "Basic",
                AidCategory::General => "General",
            };
            match n {
                Some(n) => format!("{base} {n}"),
                None => base.to_owned(),
            }
        }
    }
}

/// The same from stored codes (staff rows).
pub fn category_i64(lang: Lang, c: AidCategory, class: Option<i64>) -> String {
    let class = class
        .and_then(|n| u8::try_from(n).ok())
        .and_then(|n| AidClass::new(n).ok());
    category(lang, c, class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_labels() {
        let two = AidClass::new(2).ok();
        assert_eq!(
            category(Lang::Zh, AidCategory::General, two),
            "一般保障 二类"
        );
        assert_eq!(
            category(Lang::En, AidCategory::Basic, None),
            "Basic (cannot work)"
        );
        assert_eq!(
            category(Lang::En, AidCategory::General, two),
            "General, class 2"
        );
    }

    #[test]
    fn a_list_past_its_window_is_not_shown_as_running() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        let p = BatchState::Published;
        assert_eq!(state_on(p, Some(day(7)), day(7)), Msg::StatePublished);
        assert_eq!(state_on(p, Some(day(7)), day(8)), Msg::WindowOver);
        assert_eq!(state_on(p, None, day(8)), Msg::StatePublished);
        assert_eq!(
            state_on(BatchState::Draft, Some(day(1)), day(8)),
            Msg::StateDraft
        );
    }
}
