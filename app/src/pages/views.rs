//! Components of the shared shell and the foundation pages.

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::pages::ctx::PageCtx;

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

#[component]
pub fn Shell(ctx: PageCtx, title: String, children: Children) -> impl IntoView {
    let lang = ctx.lang;
    let other = lang.other();
    let switch_href = format!(
        "/lang/{}?next={}",
        other.code(),
        encode_query_value(&ctx.path)
    );
    let county = ctx
        .site
        .county
        .as_ref()
        .map(|c| lang.pick(&c.name_zh, c.name_en.as_deref()).to_owned())
        .unwrap_or_default();
    let full_title = if county.is_empty() {
        format!("{title} - {}", lang.t(Msg::SiteName))
    } else {
        format!("{title} - {county}{}", lang.t(Msg::SiteName))
    };
    let hotline = ctx.site.settings.hotline.clone();
    let tel = format!("tel:{}", hotline.replace([' ', '-'], ""));
    view! {
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="robots" content="noindex, nofollow" />
                <title>{full_title}</title>
                <link rel="stylesheet" href=ctx.site.css_href.clone() />
                // No favicon request (a 404 on every first visit, and bytes on a weak signal).
                <link rel="icon" href="data:," />
            </head>
            <body>
                <a class="skip" href="#main">{lang.t(Msg::SkipToContent)}</a>
                <header class="site-header">
                    <a class="brand" href="/">
                        <span class="county">{county}</span>
                        <span class="site-name">{lang.t(Msg::SiteName)}</span>
                    </a>
                    <a class="lang-switch" href=switch_href hreflang=other.tag() lang=other.tag()>
                        {lang.t(Msg::OtherLanguageName)}
                    </a>
                </header>
                <main id="main">{children()}</main>
                <footer class="site-footer">
                    <p class="footer-links">
                        <a href="/report">{lang.t(Msg::Report)}</a> " · "
                        <a href="/stats">{lang.t(Msg::Stats)}</a> " · "
                        <a href="/policy">{lang.t(Msg::Policy)}</a> " · "
                        <a href="/answers">{lang.t(Msg::Answers)}</a> " · "
                        <a href="/notices">{lang.t(Msg::Notices)}</a> " · "
                        <a href="/track">{lang.t(Msg::TrackTitle)}</a> " · "
                        <a href="/staff">{lang.t(Msg::StaffArea)}</a>
                    </p>
                    <p>
                        {lang.t(Msg::Hotline)} ": " <a href=tel>{hotline}</a>
                    </p>
                    <p class="small">{lang.t(Msg::FooterNote)}</p>
                </footer>
            </body>
        </html>
    }
}

/// A township with its villages, as the home page lists them.
#[derive(Debug, Clone)]
pub struct TownshipItem {
    pub name: String,
    pub villages: Vec<VillageLink>,
}

#[derive(Debug, Clone)]
pub struct VillageLink {
    pub code: String,
    pub name: String,
}

#[component]
pub fn HomePage(lang: Lang, county: String, townships: Vec<TownshipItem>) -> impl IntoView {
    view! {
        <h1>{county} " " {lang.t(Msg::SiteName)}</h1>
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        <p class="cta">
            <a class="button" href="/report">{lang.t(Msg::Report)}</a> " "
            <a class="button secondary" href="/track">{lang.t(Msg::TrackTitle)}</a>
        </p>
        <h2>{lang.t(Msg::TownshipsAndVillages)}</h2>
        <ul class="townships">
            {townships
                .into_iter()
                .map(|t| {
                    let summary = format!("{} ({} {})", t.name, t.villages.len(), lang.t(Msg::VillageCount));
                    view! {
                        <li class="township">
                            <h3>{summary}</h3>
                            <ul class="villages">
                                {t
                                    .villages
                                    .into_iter()
                                    .map(|v| {
                                        view! {
                                            <li>
                                                <a href=format!("/v/{}", v.code)>{v.name}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn ErrorPage(lang: Lang, title: &'static str, body: String) -> impl IntoView {
    view! {
        <h1>{title}</h1>
        <p>{body}</p>
        <p><a href="/">{lang.t(Msg::BackToHome)}</a></p>
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
