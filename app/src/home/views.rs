//! The home page: the county's townships and their villages.

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};

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

/// The two things a visitor may come to do besides reading a list: report, or follow a report.
#[component]
fn ReportButtons(
    lang: Lang,
    /// The county whose page this is (its report form lists its places only).
    county: Option<String>,
) -> impl IntoView {
    let report = county.map_or_else(|| "/report".to_owned(), |c| format!("/report?county={c}"));
    view! {
        <p class="cta">
            <a class="button" href=report>{lang.t(Msg::Report)}</a> " "
            <a class="button secondary" href="/track">{lang.t(Msg::TrackTitle)}</a>
        </p>
    }
}

/// The deployment's counties, when it holds several: each leads to its own home page.
#[component]
pub fn CountiesPage(
    lang: Lang,
    /// (prefecture name, its counties); one group with an empty name when there is no
    /// prefecture to group by.
    counties: Vec<(String, Vec<VillageLink>)>,
) -> impl IntoView {
    view! {
        <h1>{lang.t(Msg::SiteName)}</h1>
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        <ReportButtons lang county=None />
        <h2>{lang.t(Msg::ChooseCounty)}</h2>
        {counties
            .into_iter()
            .map(|(prefecture, links)| {
                view! {
                    {(!prefecture.is_empty()).then(|| view! { <h3>{prefecture}</h3> })}
                    <ul class="villages counties">
                        {links
                            .into_iter()
                            .map(|c| view! { <li><a href=format!("/c/{}", c.code)>{c.name}</a></li> })
                            .collect_view()}
                    </ul>
                }
            })
            .collect_view()}
    }
}

/// A county's home page. `code` is the county's code when the deployment holds several: the
/// page then offers to open it first next time, and the list of all counties.
#[component]
pub fn HomePage(
    lang: Lang,
    county: String,
    code: Option<String>,
    /// The county's hotline and other ways to report, when it has its own page.
    #[prop(optional)]
    contact: Option<(String, Vec<String>)>,
    /// The county's own published pages (policy, answers, notices): (address, title).
    #[prop(optional)]
    pages: Vec<(String, String)>,
    townships: Vec<TownshipItem>,
) -> impl IntoView {
    let pages = (!pages.is_empty()).then(|| {
        view! {
            <h2>{lang.t(Msg::CountyPages)}</h2>
            <ul class="page-list county-pages">
                {pages
                    .into_iter()
                    .map(|(href, title)| view! { <li><a href=href>{title}</a></li> })
                    .collect_view()}
            </ul>
        }
    });
    let contact = contact.map(|(hotline, channels)| {
        let tel = format!("tel:{}", hotline.replace([' ', '-'], ""));
        let others = (!channels.is_empty()).then(|| {
            view! {
                <h2>{lang.t(Msg::OtherChannels)}</h2>
                <ul class="channels">
                    {channels.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                </ul>
            }
        });
        view! {
            <p class="county-hotline">{lang.t(Msg::Hotline)} ": " <a href=tel>{hotline}</a></p>
            {others}
        }
    });
    let report_county = code.clone();
    let switch = code.map(|code| {
        view! {
            <p class="county-switch">
                <a href=format!("/c/{code}/remember")>{lang.t(Msg::RememberCounty)}</a>
                " · "
                <a href="/counties">{lang.t(Msg::AllCounties)}</a>
            </p>
        }
    });
    view! {
        <h1>{county} " " {lang.t(Msg::SiteName)}</h1>
        {switch}
        <p class="lead">{lang.t(Msg::HomeIntro)}</p>
        <ReportButtons lang county=report_county />
        {contact}
        {pages}
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
