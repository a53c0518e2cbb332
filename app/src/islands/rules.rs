//! Rules the islands apply in the browser, shared with the server so both sides agree: which list
//! rows a filter keeps, how a countdown reads, and what a report form must contain. Pure functions.

use crate::i18n::{Lang, Msg};

/// Lower-cased text without any whitespace, so "张 *" matches "张*" and "ZHANG" matches "zhang".
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `text` contains the typed `fragment` (an empty fragment matches everything).
pub fn text_matches(text: &str, fragment: &str) -> bool {
    let fragment = fold(fragment);
    fragment.is_empty() || fold(text).contains(&fragment)
}

/// Whether a list row stays visible: its (masked) name contains `q` and its change kind is `want`
/// (an empty `want` keeps every kind).
pub fn row_visible(name: &str, change: &str, q: &str, want: &str) -> bool {
    text_matches(name, q) && (want.is_empty() || change == want)
}

/// Seconds left split into (days, hours, minutes, seconds); `None` once the time is up.
pub fn split_seconds(left: i64) -> Option<(i64, i64, i64, i64)> {
    (left > 0).then_some((
        left / 86_400,
        left % 86_400 / 3_600,
        left % 3_600 / 60,
        left % 60,
    ))
}

/// What a publicity countdown reads, e.g. "剩余 2 天 05:07:09".
pub fn countdown_text(lang: Lang, left: i64) -> String {
    match split_seconds(left) {
        None => lang.t(Msg::WindowOver).to_owned(),
        Some((d, h, m, s)) => format!(
            "{} {d} {} {h:02}:{m:02}:{s:02}",
            lang.t(Msg::TimeLeft),
            lang.t(Msg::DaysLeftUnit)
        ),
    }
}

/// Text a person wrote: no control characters except line breaks and tabs.
pub fn is_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// A phone number: 7–15 digits with optional spaces, dashes, parentheses and a leading +.
pub fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+'))
}

/// A plausible e-mail address (the mail server has the final word).
pub fn valid_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && !s.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        })
        && matches!(s.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
}

/// The report form as typed. `category_ok`/`place_ok` say whether a valid choice was made: the
/// browser can only see that something was chosen, the server also checks the code exists.
#[derive(Debug, Clone, Default)]
pub struct ReportFields<'a> {
    pub category_ok: bool,
    pub place_ok: bool,
    pub body: &'a str,
    pub accused: &'a str,
    pub anonymous: bool,
    pub name: &'a str,
    pub contact: &'a str,
}

/// Every problem with a report form, as (field, message), in the order the fields appear.
/// Anonymous reports ignore name and contact (the server drops them).
pub fn report_errors(f: &ReportFields<'_>) -> Vec<(&'static str, Msg)> {
    let mut errors = Vec::new();
    if !f.category_ok {
        errors.push(("category", Msg::CategoryRequired));
    }
    if !f.place_ok {
        errors.push(("place", Msg::PlaceRequired));
    }
    let body = f.body.trim();
    let n = body.chars().count();
    if n < 10 || !is_text(body) {
        errors.push(("body", Msg::BodyTooShort));
    } else if n > 5000 {
        errors.push(("body", Msg::BodyTooLong));
    }
    let accused = f.accused.trim();
    if accused.chars().count() > 200 || !is_text(accused) {
        errors.push(("accused", Msg::AccusedTooLong));
    }
    if !f.anonymous {
        let name = f.name.trim();
        if name.chars().count() > 40 || name.chars().any(char::is_control) {
            errors.push(("name", Msg::NameTooLong));
        }
        let contact = f.contact.trim();
        let contact_ok = if contact.contains('@') {
            valid_email(contact)
        } else {
            contact.is_empty() || valid_phone(contact)
        };
        if !contact_ok {
            errors.push(("contact", Msg::ContactInvalid));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_fragments_ignoring_case_and_spaces() {
        assert!(text_matches("张*华", "张"));
        assert!(text_matches("张*华", " 张 * "));
        assert!(text_matches("Zhang *hua", "zhang"));
        assert!(text_matches("李*", ""));
        assert!(!text_matches("李*", "张"));
    }

    #[test]
    fn rows_need_name_and_change_kind() {
        assert!(row_visible("张*华", "new", "张", ""));
        assert!(row_visible("张*华", "new", "", "new"));
        assert!(!row_visible("张*华", "renew", "", "new"));
        assert!(!row_visible("张*华", "new", "李", "new"));
    }

    #[test]
    fn countdown_splits_and_reads() {
        assert_eq!(split_seconds(0), None);
        assert_eq!(split_seconds(-5), None);
        assert_eq!(
            split_seconds(86_400 * 2 + 3_600 * 5 + 7 * 60 + 9),
            Some((2, 5, 7, 9))
        );
        assert_eq!(
            countdown_text(Lang::Zh, 86_400 * 2 + 3_600 * 5 + 7 * 60 + 9),
            "剩余 2 天 05:07:09"
        );
        assert_eq!(countdown_text(Lang::En, 59), "Time left: 0 days 00:00:59");
        assert_eq!(countdown_text(Lang::Zh, 0), "公示期已结束");
    }

    #[test]
    fn contact_checks() {
        assert!(valid_phone("0870-1234567"));
        assert!(valid_phone("+86 138 0000 0000"));
        assert!(!valid_phone("12345"));
        assert!(!valid_phone("call me"));
        assert!(valid_email("a@b.cn"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("<a@b.cn>"));
        assert!(!valid_email("a b@c.cn"));
    }

    fn good() -> ReportFields<'static> {
        ReportFields {
            category_ok: true,
            place_ok: true,
            body: "村干部亲属不符合条件却领取低保。",
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_report_has_no_errors() {
        assert!(report_errors(&good()).is_empty());
    }

    #[test]
    fn report_errors_name_each_field_in_order() {
        let f = ReportFields {
            category_ok: false,
            place_ok: false,
            body: "太短",
            accused: "",
            anonymous: false,
            name: "",
            contact: "not-a-phone",
        };
        let fields: Vec<_> = report_errors(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["category", "place", "body", "contact"]);
        let long = "字".repeat(5001);
        let f = ReportFields {
            body: &long,
            ..good()
        };
        assert_eq!(report_errors(&f), [("body", Msg::BodyTooLong)]);
        let f = ReportFields {
            body: "一二三四五六七八九\u{0}",
            ..good()
        };
        assert_eq!(report_errors(&f), [("body", Msg::BodyTooShort)]);
    }

    #[test]
    fn anonymous_reports_ignore_name_and_contact() {
        let f = ReportFields {
            anonymous: true,
            contact: "???",
            name: &"名".repeat(41),
            ..good()
        };
        assert!(report_errors(&f).is_empty());
        let f = ReportFields {
            anonymous: false,
            contact: "a@b.cn",
            ..good()
        };
        assert!(report_errors(&f).is_empty());
    }
}
