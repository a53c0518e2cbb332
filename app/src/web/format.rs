//! Formatters every page uses: money, times, query values, textarea text, labels of roles.

use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;

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

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode_query_value("/v/1?a=b&c"), "/v/1%3Fa%3Db%26c");
    }
}
