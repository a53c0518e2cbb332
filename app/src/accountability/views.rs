//! Public accountability pages: statistics with server-rendered SVG charts, policy pages,
//! answers and notices, and the printable poster.

use leptos::prelude::*;

use crate::db::content::{Kind, Page};
use crate::domain::stats::{show, total_text, ComplaintStats};
use crate::i18n::{Lang, Msg};
use crate::web::format::{local_time, yuan};
use crate::web::labels::kind_title;
use crate::web::markdown::SafeHtml;
use crate::web::table::{DataTable, Th};

/// One township's numbers for the statistics page.
#[derive(Debug, Clone, Default)]
pub struct TownshipRow {
    pub name: String,
    pub households: i64,
    pub persons: i64,
    pub monthly_fen: i64,
    pub new_this_year: i64,
    pub stopped_this_year: i64,
    pub complaints: ComplaintStats,
    /// How the lists were made: public draws held, households the county's spot-checks drew,
    /// and county in-person checks recorded (counts of steps, not of people: never suppressed).
    pub process: ProcessCounts,
    /// In the open data, county counts are rounded to tens so that suppressed township counts
    /// cannot be worked out by subtraction from the total (the page shows ranges instead).
    pub approx: bool,
}

/// A township's process counts (see [`TownshipRow::process`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessCounts {
    pub draws: i64,
    pub sampled: i64,
    pub county_checks: i64,
    /// Written notices (告之) issued, and of them delivered within their 3 working days.
    pub notices: i64,
    pub notices_on_time: i64,
    /// Re-checks of recipients done.
    pub rechecks: i64,
}

impl ProcessCounts {
    /// The share of notices delivered on time, as "87.5%" ("—" when none was issued).
    pub fn on_time_text(&self) -> String {
        match self.notices {
            0 => "—".to_owned(),
            n => format!("{:.1}%", self.notices_on_time as f64 * 100.0 / n as f64),
        }
    }
}

/// A horizontal bar chart of one or two series; values that are suppressed draw no bar.
#[component]
pub fn BarChart(
    id: &'static str,
    title: String,
    rows: Vec<(String, Vec<i64>)>,
    legend: Vec<String>,
    suppress: bool,
    /// Width of the label column (English names are longer).
    label_w: f64,
) -> impl IntoView {
    // Drawn 340 units wide, which a 360 px phone shows at ~330 px: labels of 15 units read as
    // at least 14 px.
    let width = 340.0;
    let series = legend.len().max(1);
    let bar_h = 19.0;
    let row_h = bar_h * series as f64 + 8.0;
    let height = row_h * rows.len() as f64 + 24.0;
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let scale = (width - label_w - 48.0) / max;
    let title_id = format!("{id}-title");
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, values))| {
            let y0 = 20.0 + i as f64 * row_h;
            let ty = y0 + row_h / 2.0;
            let series_bars = values
                .into_iter()
                .enumerate()
                .map(|(k, v)| {
                    let hidden = suppress && crate::domain::stats::suppressed(v);
                    let w = if hidden { 0.0 } else { v as f64 * scale };
                    let y = y0 + k as f64 * bar_h;
                    let text = if suppress { show(v) } else { v.to_string() };
                    view! {
                        <rect x=label_w.to_string() y=y.to_string() width=format!("{w:.1}") height=(bar_h - 1.0).to_string() class=format!("bar s{k}") />
                        <text x=format!("{:.1}", label_w + w + 3.0) y=format!("{:.1}", y + bar_h - 5.0) class="val">{text}</text>
                    }
                })
                .collect_view();
            view! {
                <text x="0" y=format!("{:.1}", ty + 5.0) class="lbl">{label}</text>
                {series_bars}
            }
        })
        .collect_view();
    let legend_items = legend
        .into_iter()
        .enumerate()
        .map(|(k, l)| view! { <span class=format!("key s{k}")>{l}</span> })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id=title_id.clone()>{title} <span class="legend">{legend_items}</span></figcaption>
            <svg viewBox=format!("0 0 {width} {height:.0}") role="img" aria-labelledby=title_id
                xmlns="http://www.w3.org/2000/svg">
                {bars}
            </svg>
        </figure>
    }
}

#[component]
pub fn StatsPage(
    lang: Lang,
    rows: Vec<TownshipRow>,
    total: TownshipRow,
    /// What a row is: a township, or (a deployment of several counties) a county.
    unit: Msg,
    /// The county the page is about (empty: the whole deployment).
    place: String,
    /// (href, name) of each row's own page, when the rows are counties or prefectures.
    links: Option<Vec<(String, String)>>,
) -> impl IntoView {
    // On a phone each row stacks into a card; `data-label` names each number there.
    let l = move |m: Msg| lang.t(m);
    let lists = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.name.clone()}</th>
                    <td class="num" data-label=l(Msg::Households)>{show(r.households)}</td>
                    <td class="num" data-label=l(Msg::Persons)>{show(r.persons)}</td>
                    <td class="num" data-label=l(Msg::AmountShortCol)>{yuan(r.monthly_fen)}</td>
                    <td class="num" data-label=l(Msg::NewThisYear)>{show(r.new_this_year)}</td>
                    <td class="num" data-label=l(Msg::StoppedThisYear)>{show(r.stopped_this_year)}</td>
                </tr>
            }
        })
        .collect_view();
    let complaint_rows = rows
        .iter()
        .map(|r| {
            let c = &r.complaints;
            view! {
                <tr>
                    <th scope="row">{r.name.clone()}</th>
                    <td class="num" data-label=l(Msg::Received)>{show(c.received)}</td>
                    <td class="num" data-label=l(Msg::AcceptedCount)>{show(c.accepted)}</td>
                    <td class="num" data-label=l(Msg::DeclinedCount)>{show(c.declined)}</td>
                    <td class="num" data-label=l(Msg::AnsweredCount)>{show(c.answered)}</td>
                </tr>
            }
        })
        .collect_view();
    let process_rows = rows
        .iter()
        .chain(std::iter::once(&total))
        .map(|r| {
            let p = r.process;
            view! {
                <tr>
                    <th scope="row">{r.name.clone()}</th>
                    <td class="num" data-label=l(Msg::StatDraws)>{p.draws}</td>
                    <td class="num" data-label=l(Msg::StatSampled)>{p.sampled}</td>
                    <td class="num" data-label=l(Msg::StatCountyChecks)>{p.county_checks}</td>
                </tr>
            }
        })
        .collect_view();
    let tc = total.complaints.clone();
    // Wide enough for the longest township name at 15 units a character (8.5 for Latin).
    let label_w = rows
        .iter()
        .map(|r| {
            r.name
                .chars()
                .map(|c| if c.is_ascii() { 8.5 } else { 15.0 })
                .sum::<f64>()
        })
        .fold(40.0, f64::max)
        .min(if lang == Lang::En { 170.0 } else { 110.0 })
        + 6.0;
    // County totals from the township counts as published: a range where some are "<5".
    let parts: Vec<ComplaintStats> = rows.iter().map(|r| r.complaints.clone()).collect();
    let t =
        move |f: fn(&ComplaintStats) -> i64| total_text(&parts.iter().map(f).collect::<Vec<_>>());
    let percent = tc
        .on_time_percent
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "—".into());
    let median = tc
        .median_days_to_answer
        .map(|d| format!("{d:.1}"))
        .unwrap_or_else(|| "—".into());
    let households_chart: Vec<(String, Vec<i64>)> = rows
        .iter()
        .map(|r| (r.name.clone(), vec![r.households]))
        .collect();
    let complaints_chart: Vec<(String, Vec<i64>)> = rows
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                vec![r.complaints.received, r.complaints.answered],
            )
        })
        .collect();
    view! {
        <h1>{place} {lang.t(Msg::Stats)}</h1>
        {links.map(|links| view! {
            <ul class="villages counties">
                {links
                    .into_iter()
                    .map(|(href, name)| view! { <li><a href=href>{name}</a></li> })
                    .collect_view()}
            </ul>
        })}
        <p class="lead">{lang.t(Msg::StatsIntro)}</p>
        <p class="small-counts">{lang.t(Msg::SmallCountsNote)}</p>
        <h2>{lang.t(Msg::StatsLists)}</h2>
        <dl class="totals">
            <div><dt>{lang.t(Msg::Households)}</dt><dd>{total.households}</dd></div>
            <div><dt>{lang.t(Msg::Persons)}</dt><dd>{total.persons}</dd></div>
            <div><dt>{lang.t(Msg::MonthlyTotal)}</dt><dd>{yuan(total.monthly_fen)}</dd></div>
        </dl>
        <BarChart id="chart-households" title=lang.t(Msg::ChartHouseholds).to_owned() rows=households_chart legend=vec![lang.t(Msg::Households).to_owned()] suppress=true label_w />
        <DataTable label=lang.t(Msg::StatsLists) class="list stats stack" heads=figures(lang, unit, &[Msg::Households, Msg::Persons, Msg::AmountShortCol, Msg::NewThisYear, Msg::StoppedThisYear])>
            {lists}
        </DataTable>
        <h2>{lang.t(Msg::StatsComplaints)}</h2>
        <dl class="totals">
            <div><dt>{lang.t(Msg::Received)}</dt><dd>{t(|c| c.received)}</dd></div>
            <div><dt>{lang.t(Msg::AnsweredCount)}</dt><dd>{t(|c| c.answered)}</dd></div>
            <div><dt>{lang.t(Msg::OnTime)}</dt><dd>{percent}</dd></div>
            <div><dt>{lang.t(Msg::MedianDays)}</dt><dd>{median}</dd></div>
        </dl>
        <BarChart id="chart-complaints" title=lang.t(Msg::ChartComplaints).to_owned() rows=complaints_chart
            legend=vec![lang.t(Msg::Received).to_owned(), lang.t(Msg::AnsweredCount).to_owned()] suppress=true label_w />
        <DataTable label=lang.t(Msg::StatsComplaints) class="list stats stack" heads=figures(lang, unit, &[Msg::Received, Msg::AcceptedCount, Msg::DeclinedCount, Msg::AnsweredCount])>
            {complaint_rows}
        </DataTable>
        <h3>{lang.t(Msg::FindingsTitle)}</h3>
        <dl class="totals">
            <div><dt>{lang.t(Msg::FSubstantiated)}</dt><dd>{t(|c| c.substantiated)}</dd></div>
            <div><dt>{lang.t(Msg::FPartly)}</dt><dd>{t(|c| c.partly)}</dd></div>
            <div><dt>{lang.t(Msg::FUnsubstantiated)}</dt><dd>{t(|c| c.unsubstantiated)}</dd></div>
        </dl>
        <h2>{lang.t(Msg::StatsProcess)}</h2>
        <p class="small">{lang.t(Msg::StatsProcessIntro)} " " <a href="/draws">{lang.t(Msg::DrawsTitle)}</a></p>
        <DataTable label=lang.t(Msg::StatsProcess) class="list stats stack" id="stats-process" heads=figures(lang, unit, &[Msg::StatDraws, Msg::StatSampled, Msg::StatCountyChecks, Msg::StatNotices, Msg::StatNoticesOnTime, Msg::StatRechecks])>
            {process_rows}
        </DataTable>
        <p class="small"><a href="/api/v1/stats">JSON</a></p>
    }
}

#[component]
pub fn PageListPage(
    lang: Lang,
    kind: Kind,
    /// Each page with its county's name (empty for the deployment's own).
    pages: Vec<(Page, String)>,
) -> impl IntoView {
    let (title, intro) = kind_title(kind);
    let items = pages
        .into_iter()
        .map(|(p, county)| {
            let href = format!("{}/{}", kind.path(), p.slug);
            let date = p.published_at.map(local_time).unwrap_or_default();
            let county = (!county.is_empty()).then(|| view! { <span class="tag">{county}</span> " " });
            view! { <li>{county}<a href=href>{p.title}</a> " " <span class="small">{date}</span></li> }
        })
        .collect_view();
    view! {
        <h1>{lang.t(title)}</h1>
        <p class="lead">{lang.t(intro)}</p>
        <ul class="page-list">{items}</ul>
        {(kind == Kind::Policy).then(|| view! { <p><a href="/poster">{lang.t(Msg::Poster)}</a></p> })}
    }
}

#[component]
pub fn ContentPage(
    lang: Lang,
    page: Page,
    html: SafeHtml,
    linked: i64,
    /// A county's page: its county page's address and name, the first step back.
    county: Option<(String, String)>,
) -> impl IntoView {
    let (home, home_name) =
        county.unwrap_or_else(|| ("/".to_owned(), lang.t(Msg::Home).to_owned()));
    let (section, _) = kind_title(page.kind);
    let date = page.published_at.map(local_time).unwrap_or_default();
    let linked_text = (page.kind == Kind::Answer && linked > 0).then(|| {
        lang.t(Msg::AnswersReports)
            .replace("{n}", &linked.to_string())
    });
    view! {
        <nav class="crumbs" aria-label="breadcrumb">
            <a href=home>{home_name}</a> " › " <a href=page.kind.path()>{lang.t(section)}</a>
        </nav>
        <h1>{page.title}</h1>
        <p class="small">{lang.t(Msg::PublishedOn)} ": " {date}</p>
        {linked_text.map(|t| view! { <p class="notice">{t}</p> })}
        // The only unescaped HTML on the site: Markdown rendered and sanitised by ammonia.
        <article class="prose" inner_html=html.as_str().to_owned()></article>
    }
}

#[component]
pub fn PosterPage(
    lang: Lang,
    county: String,
    hotline: String,
    qr: String,
    url: String,
) -> impl IntoView {
    view! {
        <article class="a4-notice poster">
            <h1>{county} " " {lang.t(Msg::PosterTitle)}</h1>
            <ol class="poster-points">
                <li>{lang.t(Msg::PosterWho)}</li>
                <li>{lang.t(Msg::PosterHow)}</li>
                <li>{lang.t(Msg::PosterSteps)}</li>
                <li>{lang.t(Msg::PosterReport)} <strong>{lang.t(Msg::Hotline)} " " {hotline}</strong></li>
            </ol>
            <figure class="qr">
                <img src=qr alt=url.clone() width="180" height="180" />
                <figcaption>{url}</figcaption>
            </figure>
        </article>
    }
}

/// A statistics table's heads: the place (`unit`: township or village), then columns of figures.
fn figures(lang: Lang, unit: Msg, columns: &[Msg]) -> Vec<Th> {
    std::iter::once(Th::text(lang.t(unit)))
        .chain(columns.iter().map(|m| Th::num(lang.t(*m))))
        .collect()
}
