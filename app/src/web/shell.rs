//! The document shell around every page, the error page body, and the staff navigation.

use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

use crate::domain::access::Perm;
use crate::i18n::{Lang, Msg};
use crate::web::ctx::PageCtx;
use crate::web::format::encode_query_value;
use crate::web::forms::with_status;
use crate::web::session::StaffCtx;

impl PageCtx {
    /// Renders a complete HTML document with the shared shell around `body`.
    pub fn render(&self, title: &str, body: impl IntoView + 'static) -> Html<String> {
        Html(render_document(self, title, body))
    }

    /// A staff page in the shell: `page` is given the staff navigation and the session's CSRF
    /// token; 422 when it shows a form's errors (`failed`); never stored by a cache (staff
    /// pages show what the public pages do not).
    pub fn staff_page<V: IntoView + 'static>(
        &self,
        staff: &StaffCtx,
        title: &str,
        failed: bool,
        page: impl FnOnce(AnyView, String) -> V,
    ) -> Response {
        let body = page(nav(staff), staff.csrf.clone());
        with_status(self.render(title, body).into_response(), failed)
    }
}

pub fn render_document(ctx: &PageCtx, title: &str, body: impl IntoView + 'static) -> String {
    let ctx = ctx.clone();
    let title = title.to_owned();
    let owner = Owner::new();
    let bundle = ctx.site.bundle.clone();
    let mut html =
        owner.with(move || view! { <Shell ctx=ctx title=title>{body}</Shell> }.to_html());
    // The islands' boot script, only where there is an island to wake: a page without one
    // should not make a phone on a weak signal fetch the bundle.
    if let Some(bundle) = bundle.filter(|_| html.contains("<leptos-island")) {
        if let Some(at) = html.rfind("</body>") {
            let script = format!(
                r#"<script type="module" src="{}"></script>"#,
                bundle.boot_href
            );
            html.insert_str(at, &script);
        }
    }
    format!("<!DOCTYPE html>{html}")
}

/// Paths whose pages may be found through a search engine: the home page, the statistics, the
/// poster and the policy, answer and notice pages. None of them lists a household; every other
/// page (village and list pages above all) stays `noindex`.
pub fn indexable_path(path_and_query: &str) -> bool {
    let path = path_and_query
        .split(['?', '#'])
        .next()
        .unwrap_or(path_and_query);
    if matches!(path, "/" | "/stats" | "/poster") {
        return true;
    }
    ["/policy", "/answers", "/notices"].iter().any(|base| {
        path.strip_prefix(base).is_some_and(|rest| {
            rest.is_empty()
                || rest
                    .strip_prefix('/')
                    .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
        })
    })
}

/// The link that turns the large-text edition (大字版) on or off and comes back to `path`.
pub fn large_href(on: bool, path: &str) -> String {
    format!(
        "/large?on={}&back={}",
        if on { "1" } else { "0" },
        encode_query_value(path)
    )
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
    let large = ctx.large;
    let large_link = large_href(!large, &ctx.path);
    let large_text = lang.t(if large {
        Msg::LargeTextOff
    } else {
        Msg::LargeTextOn
    });
    let description = ctx
        .description
        .clone()
        .filter(|_| indexable_path(&ctx.path));
    let noindex = description.is_none();
    // Public pages hold the phone-first rules (tap targets, text sizes); staff pages keep theirs.
    let body_class = if ctx.path.starts_with("/staff") {
        "staff"
    } else {
        "public"
    };
    let county = match &ctx.county {
        Some(c) => c.name.clone(),
        None => ctx
            .site
            .county()
            .map(|c| c.name(lang).to_owned())
            .unwrap_or_default(),
    };
    let full_title = if county.is_empty() {
        format!("{title} - {}", lang.t(Msg::SiteName))
    } else {
        format!("{title} - {county}{}", lang.t(Msg::SiteName))
    };
    let hotline = ctx
        .county
        .as_ref()
        .map_or_else(|| ctx.site.settings.hotline.clone(), |c| c.hotline.clone());
    let tel = format!("tel:{}", hotline.replace([' ', '-'], ""));
    view! {
        <html lang=lang.tag() class=if large { "large" } else { "normal" }>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {noindex.then(|| view! { <meta name="robots" content="noindex, nofollow" /> })}
                {description.map(|d| view! { <meta name="description" content=d /> })}
                <title>{full_title}</title>
                <link rel="stylesheet" href=ctx.site.css_href.clone() />
                // No favicon request (a 404 on every first visit, and bytes on a weak signal).
                <link rel="icon" href="data:," />
            </head>
            <body class=body_class>
                <a class="skip" href="#main">{lang.t(Msg::SkipToContent)}</a>
                <header class="site-header">
                    <a class="brand" href="/">
                        <span class="county">{county}</span>
                        <span class="site-name">{lang.t(Msg::SiteName)}</span>
                    </a>
                    <span class="site-tools">
                        <a class="large-switch" href=large_link rel="nofollow">{large_text}</a>
                        <a class="lang-switch" href=switch_href hreflang=other.tag() lang=other.tag()>
                            {lang.t(Msg::OtherLanguageName)}
                        </a>
                    </span>
                </header>
                <main id="main">{children()}</main>
                <footer class="site-footer">
                    <nav aria-label=lang.t(Msg::FooterNavLabel)>
                        <ul class="footer-links">
                            <li><a href="/report">{lang.t(Msg::Report)}</a></li>
                            <li><a href="/track">{lang.t(Msg::TrackTitle)}</a></li>
                            <li><a href="/stats">{lang.t(Msg::Stats)}</a></li>
                            <li><a href="/policy">{lang.t(Msg::Policy)}</a></li>
                            <li><a href="/answers">{lang.t(Msg::Answers)}</a></li>
                            <li><a href="/notices">{lang.t(Msg::Notices)}</a></li>
                            <li><a href="/staff">{lang.t(Msg::StaffArea)}</a></li>
                        </ul>
                    </nav>
                    <p>
                        {lang.t(Msg::Hotline)} ": " <a href=tel>{hotline}</a>
                    </p>
                    <p class="small">{lang.t(Msg::FooterNote)}</p>
                </footer>
            </body>
        </html>
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

/// The message under a form field that was refused (`id="err-{field}"`, for the field's
/// `aria-describedby`), if `errors` names it.
pub fn field_error<K: AsRef<str>>(lang: Lang, errors: &[(K, Msg)], field: &str) -> Option<AnyView> {
    errors
        .iter()
        .find(|(f, _)| f.as_ref() == field)
        .map(|(_, m)| {
            let id = format!("err-{field}");
            view! { <p class="field-error" id=id>{lang.t(*m)}</p> }.into_any()
        })
}

/// The village filter of a staff list (`name="village"`): "all villages", then each given.
#[component]
pub fn VillageSelect(
    lang: Lang,
    villages: Vec<(i64, String)>,
    selected: Option<i64>,
) -> impl IntoView {
    let options = villages
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string() selected=selected == Some(id)>{name}</option> })
        .collect_view();
    view! {
        <label for="village">{lang.t(Msg::VillageLabel)}</label>
        <select id="village" name="village">
            <option value="">{lang.t(Msg::AllVillages)}</option>
            {options}
        </select>
    }
}

/// The hidden CSRF field every staff form carries.
#[component]
pub fn Csrf(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=token /> }
}

/// What the navigation offers a staff member.
#[derive(Debug, Clone, Copy, Default)]
pub struct NavLinks {
    /// Complaints and publicity lists.
    pub records: bool,
    pub cases: bool,
    /// Pools and draws (townships and the county, not village assistants).
    pub draws: bool,
    pub content: bool,
    pub manage_staff: bool,
    /// The deployment's holiday table (its administrators only).
    pub holidays: bool,
    /// A county's own settings (the administrators of a county or of the deployment).
    pub county: bool,
    pub audit: bool,
}

/// Navigation shown on every signed-in staff page, with the sign-out form.
#[component]
pub fn StaffNav(lang: Lang, csrf: String, links: NavLinks) -> impl IntoView {
    view! {
        <nav class="staff-nav" aria-label=lang.t(Msg::StaffArea)>
            <a href="/staff">{lang.t(Msg::Dashboard)}</a>
            {links.cases.then(|| view! { <a href="/staff/cases">{lang.t(Msg::Cases)}</a> })}
            {links.draws.then(|| view! {
                <a href="/staff/draws">{lang.t(Msg::DrawsStaffTitle)}</a>
                <a href="/staff/notices">{lang.t(Msg::NoticesTitle)}</a>
                <a href="/staff/rechecks">{lang.t(Msg::RechecksTitle)}</a>
            })}
            {links.records.then(|| view! {
                <a href="/staff/complaints">{lang.t(Msg::Complaints)}</a>
                <a href="/staff/publicity">{lang.t(Msg::Publicity)}</a>
            })}
            {links.content.then(|| view! { <a href="/staff/pages">{lang.t(Msg::Content)}</a> })}
            {links.manage_staff.then(|| view! {
                <a href="/staff/accounts">{lang.t(Msg::Accounts)}</a>
            })}
            {links.holidays.then(|| view! {
                <a href="/staff/holidays">{lang.t(Msg::Holidays)}</a>
            })}
            {links.county.then(|| view! {
                <a href="/staff/county">{lang.t(Msg::CountySettingsTitle)}</a>
            })}
            {links.audit.then(|| view! { <a href="/staff/audit">{lang.t(Msg::AuditLog)}</a> })}
            <form method="post" action="/staff/logout" class="inline">
                <Csrf token=csrf />
                <button type="submit" class="link">{lang.t(Msg::SignOut)}</button>
            </form>
        </nav>
    }
}

/// The staff navigation bar for this member.
pub fn nav(staff: &StaffCtx) -> AnyView {
    let links = NavLinks {
        records: staff.can_role(Perm::ReadRecords),
        cases: staff.can_role(Perm::ReadCases),
        draws: staff.can_role(Perm::ReadCases) && staff.village_scope().is_none(),
        content: staff.can_edit_content(staff.scope().owner().1),
        manage_staff: staff.can_role(Perm::ManageStaff),
        holidays: staff.can(Perm::ManageStaff, None),
        county: staff.can_role(Perm::ManageStaff) && staff.scope().is_wide(),
        audit: staff.can_role(Perm::ViewAudit),
    };
    view! { <StaffNav lang=staff.lang csrf=staff.csrf.clone() links /> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_without_households_are_indexable() {
        for p in [
            "/",
            "/?utm=x",
            "/stats",
            "/poster",
            "/policy",
            "/policy/who-qualifies",
            "/answers",
            "/answers/car-owners",
            "/notices",
            "/notices/2026-case-1",
        ] {
            assert!(indexable_path(p), "{p}");
        }
        for p in [
            "/v/530621103201",
            "/p/3",
            "/report",
            "/track",
            "/track/case",
            "/draws",
            "/draws/1",
            "/staff",
            "/policyx",
            "/policy/a/b",
            "/policy/",
            "/api/v1/stats",
        ] {
            assert!(!indexable_path(p), "{p}");
        }
    }

    #[test]
    fn large_links_come_back() {
        assert_eq!(
            large_href(true, "/v/1?q=a"),
            "/large?on=1&back=/v/1%3Fq%3Da"
        );
        assert_eq!(large_href(false, "/"), "/large?on=0&back=/");
    }
}
