//! Formatters every page uses: money, times, query values, textarea text, labels of roles.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::{PublicityWindow, Role, WindowStatus};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};

/// Percent-encodes a path for use as a query value.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Text for inside a `<textarea>`. Leptos 0.8 writes a textarea's text child unescaped during
/// SSR (seen here: `</textarea><script>` came out verbatim), so it is escaped here; the browser
/// decodes the entities back into the field's value.
pub fn textarea_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Formats fen as yuan with two decimals, e.g. 37500 → "375.00".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// Shows an epoch time in China Standard Time (UTC+8, no daylight saving), e.g. "2026-11-26 18:05".
pub fn local_time(epoch: i64) -> String {
    chrono::FixedOffset::east_opt(8 * 3600)
        .zip(chrono::DateTime::from_timestamp(epoch, 0))
        .map(|(offset, t)| {
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// The short name of a date's weekday: 周四 / Thu.
pub fn weekday(lang: Lang, d: NaiveDate) -> &'static str {
    lang.t(match d.weekday() {
        Weekday::Mon => Msg::WdMon,
        Weekday::Tue => Msg::WdTue,
        Weekday::Wed => Msg::WdWed,
        Weekday::Thu => Msg::WdThu,
        Weekday::Fri => Msg::WdFri,
        Weekday::Sat => Msg::WdSat,
        Weekday::Sun => Msg::WdSun,
    })
}

/// A date as people say it, with its weekday: "12 月 3 日（周四）" / "Thu 3 December". The year is
/// written only when it is not `today`'s.
pub fn date_words(lang: Lang, d: NaiveDate, today: NaiveDate) -> String {
    let other_year = d.year() != today.year();
    match lang {
        Lang::Zh => {
            let year = if other_year {
                format!("{} 年 ", d.year())
            } else {
                String::new()
            };
            format!(
                "{year}{} 月 {} 日（{}）",
                d.month(),
                d.day(),
                weekday(lang, d)
            )
        }
        Lang::En => {
            let year = if other_year {
                format!(" {}", d.year())
            } else {
                String::new()
            };
            format!("{} {} {}{year}", weekday(lang, d), d.day(), d.format("%B"))
        }
    }
}

/// What a villager reads about a publicity window today, in words and dates that stay true
/// without a script: "还剩 4 天，12 月 3 日（周四）24 时截止". Days left count today, so the
/// closing day itself reads "今天……24 时截止".
pub fn window_words(lang: Lang, w: &PublicityWindow, today: NaiveDate) -> String {
    let closes = date_words(lang, w.closes, today);
    match w.status(today) {
        WindowStatus::Upcoming => lang
            .t(Msg::DeadlineUpcoming)
            .replace("{opens}", &date_words(lang, w.opens, today))
            .replace("{date}", &closes),
        WindowStatus::Open { days_left: 1 } => {
            lang.t(Msg::DeadlineToday).replace("{date}", &closes)
        }
        WindowStatus::Open { days_left } => lang
            .t(Msg::DeadlineOpen)
            .replace("{n}", &days_left.to_string())
            .replace("{date}", &closes),
        WindowStatus::Closed => lang.t(Msg::DeadlineOver).replace("{date}", &closes),
    }
}

/// Only same-site absolute paths may be returned to, never `//host` or `/\host`.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control()) =>
        {
            n
        }
        _ => "/",
    }
}

/// The label of a staff role.
pub fn role_msg(role: Role) -> Msg {
    match role {
        Role::TownshipOfficer => Msg::RoleTownshipOfficer,
        Role::CountyOfficer => Msg::RoleCountyOfficer,
        Role::Supervisor => Msg::RoleSupervisor,
        Role::Auditor => Msg::RoleAuditor,
        Role::Admin => Msg::RoleAdmin,
        Role::VillageAssistant => Msg::RoleVillageAssistant,
    }
}

/// An SVG QR code as a `data:` URI (CSP allows `img-src data:`; no inline markup needed).
pub fn qr_data_uri(text: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| AppError::internal("qr", e))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(160, 160)
        .build();
    Ok(format!("data:image/svg+xml,{}", encode_query_value(&svg)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::*;

    #[test]
    fn textarea_content_cannot_break_out() {
        let hostile = "</textarea><script>alert(1)</script> & more";
        let html = Owner::new().with(|| {
            let text = textarea_text(hostile);
            view! { <textarea name="b">{text}</textarea> }.to_html()
        });
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("</textarea><"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"), "{html}");
        assert!(!html.contains("&amp;lt;"), "escaped twice: {html}");
    }

    #[test]
    fn yuan_formats_two_decimals() {
        assert_eq!(yuan(37500), "375.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-150), "-1.50");
    }

    #[test]
    fn local_time_is_china_standard_time() {
        assert_eq!(local_time(0), "1970-01-01 08:00");
        assert_eq!(local_time(1_795_651_200), "2026-11-26 08:00");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn dates_in_words_carry_the_weekday() {
        let today = d(2026, 11, 30);
        assert_eq!(
            date_words(Lang::Zh, d(2026, 12, 3), today),
            "12 月 3 日（周四）"
        );
        assert_eq!(
            date_words(Lang::Zh, d(2027, 1, 3), today),
            "2027 年 1 月 3 日（周日）"
        );
        assert_eq!(
            date_words(Lang::En, d(2026, 12, 3), today),
            "Thu 3 December"
        );
        assert_eq!(
            date_words(Lang::En, d(2027, 1, 3), today),
            "Sun 3 January 2027"
        );
    }

    #[test]
    fn publicity_deadlines_in_words() {
        let w = PublicityWindow {
            opens: d(2026, 11, 27),
            closes: d(2026, 12, 3),
        };
        let table = [
            (
                d(2026, 11, 26),
                "11 月 27 日（周五）开始公示，12 月 3 日（周四）24 时截止",
            ),
            (d(2026, 11, 27), "还剩 7 天，12 月 3 日（周四）24 时截止"),
            (d(2026, 11, 30), "还剩 4 天，12 月 3 日（周四）24 时截止"),
            (d(2026, 12, 2), "还剩 2 天，12 月 3 日（周四）24 时截止"),
            (d(2026, 12, 3), "最后一天：今天 12 月 3 日（周四）24 时截止"),
            (d(2026, 12, 4), "公示期已于 12 月 3 日（周四）结束"),
        ];
        for (today, want) in table {
            assert_eq!(window_words(Lang::Zh, &w, today), want, "{today}");
        }
        assert_eq!(
            window_words(Lang::En, &w, d(2026, 11, 30)),
            "4 days left: closes at midnight at the end of Thu 3 December"
        );
        // Across a new year the year is written out.
        let w = PublicityWindow {
            opens: d(2026, 12, 28),
            closes: d(2027, 1, 3),
        };
        assert_eq!(
            window_words(Lang::Zh, &w, d(2026, 12, 30)),
            "还剩 5 天，2027 年 1 月 3 日（周日）24 时截止"
        );
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode_query_value("/v/1?a=b&c"), "/v/1%3Fa%3Db%26c");
    }
}
