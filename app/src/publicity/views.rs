//! Public publicity pages: the village page and the batch page. Built only from [`Batch`]
//! (no personal data) and [`PublicEntry`] (masked names).

use leptos::prelude::*;

use crate::db::publicity::Batch;
use crate::domain::{BatchKind, BatchState, PublicEntry, PublicityWindow, WindowStatus};
use crate::i18n::{Lang, Msg};
use crate::islands::{rules, Countdown, EntryFilter};
use crate::web::format::{window_words, yuan};
use crate::web::labels::publicity as labels;
use crate::web::table::{DataTable, Th};

/// The 7-day window of a review/approval batch (standing lists have none).
pub fn window(b: &Batch) -> Option<PublicityWindow> {
    b.closes_on.map(|closes| PublicityWindow {
        opens: b.opens_on,
        closes,
    })
}

/// What a villager should read about a batch's period today: the dates, then where the window
/// stands in words ("还剩 4 天，12 月 3 日（周四）24 时截止"). A standing list has no end: it says
/// since when it stands, with no dangling dash.
pub fn period_text(lang: Lang, b: &Batch, today: chrono::NaiveDate) -> String {
    let ended = match b.state {
        BatchState::Withdrawn => Some(lang.t(Msg::StateWithdrawn)),
        BatchState::Closed => Some(lang.t(Msg::StateClosed)),
        _ => None,
    };
    match window(b) {
        None => {
            let since = lang
                .t(Msg::StandingSince)
                .replace("{date}", &b.opens_on.to_string());
            match ended {
                Some(e) => format!("{since} · {e}"),
                None => since,
            }
        }
        Some(w) => {
            let status = match ended {
                Some(e) => e.to_owned(),
                None => window_words(lang, &w, today),
            };
            format!("{} – {} · {status}", w.opens, w.closes)
        }
    }
}

/// A batch's period in words (true without a script); while it is open for objections, a live
/// countdown follows once the islands wake (hidden until then: a frozen clock would mislead).
#[component]
pub fn Period(lang: Lang, batch: Batch, today: chrono::NaiveDate) -> impl IntoView {
    let open = window(&batch).filter(|w| {
        batch.state == BatchState::Published && matches!(w.status(today), WindowStatus::Open { .. })
    });
    let text = period_text(lang, &batch, today);
    match open {
        Some(w) => {
            let now = chrono::Utc::now().timestamp();
            view! { <span class="deadline">{text}</span> " " <Countdown lang ends_at=w.ends_at_unix() now /> }
                .into_any()
        }
        None => view! { <span class="deadline">{text}</span> }.into_any(),
    }
}

/// What the list filter asked for (`?q=&change=`), cleaned: at most 20 characters of name, and a
/// change kind only if it is one.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub change: String,
}

impl EntryQuery {
    pub fn cleaned(self) -> EntryQuery {
        let q: String = self
            .q
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(20)
            .collect();
        let change = crate::domain::ChangeKind::parse(self.change.trim())
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        EntryQuery { q, change }
    }
}

/// Whether a published batch is open (or about to open) for objections today.
pub fn is_open(b: &Batch, today: chrono::NaiveDate) -> bool {
    b.state == BatchState::Published
        && b.kind != BatchKind::Standing
        && window(b).is_some_and(|w| !matches!(w.status(today), WindowStatus::Closed))
}

/// The list of a batch, with its filter. Rows the filter leaves out are sent `hidden`, so the
/// filter works without scripts and the islands can show them again without asking the server.
#[component]
pub fn EntriesTable(
    lang: Lang,
    entries: Vec<PublicEntry>,
    objections: bool,
    filter: EntryQuery,
    /// The page's own path, for the filter form.
    action: String,
) -> impl IntoView {
    let total = entries.len();
    let visible: Vec<bool> = entries
        .iter()
        .map(|e| {
            rules::row_visible(
                e.masked_name.as_str(),
                e.change.as_str(),
                &filter.q,
                &filter.change,
            )
        })
        .collect();
    let shown = visible.iter().filter(|v| **v).count();
    let changes = crate::domain::ChangeKind::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), lang.t(labels::change(*c)).to_owned()))
        .collect::<Vec<_>>();
    let mut entry_heads = vec![
        Th::text(lang.t(Msg::MaskedNameCol)),
        Th::num(lang.t(Msg::PersonsCol)),
        Th::num(lang.t(Msg::AmountShortCol)),
        Th(lang.t(Msg::CategoryShortCol), Some("cat")),
        Th::text(lang.t(Msg::ChangeCol)),
    ];
    entry_heads.extend(objections.then(|| Th(lang.t(Msg::ObjectCol), Some("noprint"))));
    view! {
        <p class="small">{lang.t(Msg::NamesMaskedNote)}</p>
        {(total > 0).then(|| view! {
            <EntryFilter lang action table="entries".to_owned() q=filter.q change=filter.change changes shown total />
        })}
        <DataTable label=lang.t(Msg::Entries) class="list entries" id="entries" heads=entry_heads>
            {entries
                .into_iter()
                .zip(visible)
                .map(|(e, visible)| {
                    let href = format!("/report?entry={}", e.entry_ref);
                    // On a phone each row is a card; the units stand in for the headers.
                    view! {
                        <tr data-change=e.change.as_str() hidden=!visible>
                            <td class="name">{e.masked_name.as_str().to_owned()}</td>
                            <td class="num persons" data-unit=lang.t(Msg::PersonsUnit)>{e.persons.get()}</td>
                            <td class="num amount" data-unit=lang.t(Msg::YuanMonthUnit)>{yuan(e.amount.fen())}</td>
                            <td class="cat">{labels::category_short(lang, e.category, e.class)}</td>
                            <td class="change">{lang.t(labels::change(e.change))}</td>
                            {objections.then(|| view! {
                                <td class="noprint object"><a class="object-link" href=href>{lang.t(Msg::ObjectLink)}</a></td>
                            })}
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}

#[component]
pub fn Totals(lang: Lang, households: i64, persons: i64, monthly_fen: i64) -> impl IntoView {
    view! {
        <dl class="totals">
            <div><dt>{lang.t(Msg::Households)}</dt><dd>{households}</dd></div>
            <div><dt>{lang.t(Msg::Persons)}</dt><dd>{persons}</dd></div>
            <div><dt>{lang.t(Msg::MonthlyTotal)}</dt><dd>{yuan(monthly_fen)}</dd></div>
        </dl>
    }
}

/// One line of "what changed since the previous standing list".
#[derive(Debug, Clone)]
pub struct DiffLine {
    pub name: String,
    pub text: String,
}

#[component]
pub fn BatchLink(lang: Lang, batch: Batch, today: chrono::NaiveDate) -> impl IntoView {
    let href = format!("/p/{}", batch.id);
    let kind = lang.t(labels::kind(batch.kind));
    view! {
        <li class="batch">
            <a href=href>{kind}</a>
            <span class="period"><Period lang batch today /></span>
        </li>
    }
}

pub struct VillageData {
    /// This year's applications and the median days to decision.
    pub applications: (crate::db::cases::Progress, Option<f64>),
    pub township: String,
    pub village: String,
    pub open: Vec<Batch>,
    pub standing: Option<(Batch, Vec<PublicEntry>)>,
    pub totals: crate::db::households::Totals,
    pub diff: Option<(Vec<DiffLine>, Vec<DiffLine>, Vec<DiffLine>)>,
    pub past: Vec<Batch>,
    pub today: chrono::NaiveDate,
    pub filter: EntryQuery,
    pub action: String,
}

#[component]
pub fn VillagePage(lang: Lang, data: VillageData) -> impl IntoView {
    let VillageData {
        applications,
        township,
        village,
        open,
        standing,
        totals,
        diff,
        past,
        today,
        filter,
        action,
    } = data;
    let has_open = !open.is_empty();
    let has_past = !past.is_empty();
    view! {
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/">{lang.t(Msg::Home)}</a> " › " {township}
        </nav>
        <h1>{village}</h1>
        <section aria-labelledby="open-h">
            <h2 id="open-h">{lang.t(Msg::OpenPublicity)}</h2>
            {if has_open {
                view! {
                    <ul class="batches">
                        {open.into_iter().map(|b| view! { <BatchLink lang batch=b today /> }).collect_view()}
                    </ul>
                    <p class="hint">{lang.t(Msg::HowToObject)}</p>
                }
                    .into_any()
            } else {
                view! { <p>{lang.t(Msg::NoOpenPublicity)}</p> }.into_any()
            }}
        </section>
        <section aria-labelledby="standing-h">
            <h2 id="standing-h">{lang.t(Msg::StandingList)}</h2>
            <Totals lang households=totals.households persons=totals.persons monthly_fen=totals.monthly_fen />
            {match standing {
                Some((b, entries)) => {
                    let since = period_text(lang, &b, today);
                    let href = format!("/p/{}", b.id);
                    view! {
                        <p class="small">{since} " · " <a href=href>{lang.t(Msg::ViewList)}</a></p>
                        <EntriesTable lang entries objections=true filter action />
                    }
                        .into_any()
                }
                None => view! { <p>{lang.t(Msg::NoStandingList)}</p> }.into_any(),
            }}
        </section>
        {diff.map(|(added, removed, changed)| {
            let empty = added.is_empty() && removed.is_empty() && changed.is_empty();
            let group = move |title: Msg, lines: Vec<DiffLine>| {
                (!lines.is_empty()).then(|| view! {
                    <h3>{lang.t(title)}</h3>
                    <ul class="diff">
                        {lines.into_iter().map(|l| view! { <li><span class="name">{l.name}</span> " " {l.text}</li> }).collect_view()}
                    </ul>
                })
            };
            view! {
                <section aria-labelledby="diff-h">
                    <h2 id="diff-h">{lang.t(Msg::ChangesSincePrevious)}</h2>
                    {empty.then(|| view! { <p>{lang.t(Msg::NoChanges)}</p> })}
                    {group(Msg::Added, added)}
                    {group(Msg::Removed, removed)}
                    {group(Msg::AmountChanged, changed)}
                </section>
            }
        })}
        <ApplicationsBox lang progress=applications.0 median=applications.1 />
        {has_past.then(|| view! {
            <section aria-labelledby="past-h">
                <h2 id="past-h">{lang.t(Msg::PastPublicity)}</h2>
                <ul class="batches">
                    {past.into_iter().map(|b| view! { <BatchLink lang batch=b today /> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

pub struct BatchData {
    pub township: String,
    pub village: String,
    pub village_code: String,
    pub batch: Batch,
    pub entries: Vec<PublicEntry>,
    pub totals: crate::db::households::Totals,
    pub today: chrono::NaiveDate,
    pub filter: EntryQuery,
}

#[component]
pub fn BatchPage(lang: Lang, data: BatchData) -> impl IntoView {
    let BatchData {
        township,
        village,
        village_code,
        batch,
        entries,
        totals,
        today,
        filter,
    } = data;
    let action = format!("/p/{}", batch.id);
    let title = format!("{village} {}", lang.t(labels::kind(batch.kind)));
    let period_label = format!("{}: ", lang.t(Msg::PublicityPeriod));
    let objections = batch.state == BatchState::Published;
    let ended = match (batch.state, batch.end_reason.clone()) {
        (BatchState::Withdrawn, Some(r)) => Some((Msg::WithdrawnBecause, r)),
        (BatchState::Closed, Some(r)) => Some((Msg::ClosedEarlyBecause, r)),
        _ => None,
    };
    let hint = match batch.kind {
        BatchKind::Review => Msg::KindReviewHint,
        BatchKind::Approval => Msg::KindApprovalHint,
        BatchKind::Standing => Msg::KindStandingHint,
    };
    view! {
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/">{lang.t(Msg::Home)}</a> " › " {township} " › "
            <a href=format!("/v/{village_code}")>{village}</a>
        </nav>
        <h1>{title}</h1>
        <p class="small">{lang.t(hint)}</p>
        <p class="period">{period_label} <Period lang batch=batch.clone() today /></p>
        {ended.map(|(m, r)| view! { <p class="notice withdrawn" role="status">{lang.t(m)} " " {r}</p> })}
        {objections.then(|| view! { <p class="hint noprint">{lang.t(Msg::HowToObject)}</p> })}
        <Totals lang households=totals.households persons=totals.persons monthly_fen=totals.monthly_fen />
        <EntriesTable lang entries objections filter action />
    }
}

/// This year's applications of a place: counts (1 to 4 shown as "<5") and the median days from
/// application to decision. No names.
#[component]
pub fn ApplicationsBox(
    lang: Lang,
    progress: crate::db::cases::Progress,
    median: Option<f64>,
) -> impl IntoView {
    use crate::domain::stats::show;
    let rows = [
        (Msg::ProgressReceived, progress.received),
        (Msg::ProgressVisited, progress.visited),
        (Msg::ProgressReviewed, progress.reviewed),
        (Msg::ProgressApproved, progress.approved),
        (Msg::ProgressRefused, progress.refused),
    ];
    view! {
        <section aria-labelledby="apps-h">
            <h2 id="apps-h">{lang.t(Msg::ProgressTitle)}</h2>
            <dl class="facts">
                {rows.into_iter().map(|(m, n)| view! { <dt>{lang.t(m)}</dt><dd>{show(n)}</dd> }).collect_view()}
                <dt>{lang.t(Msg::ProgressMedianDays)}</dt>
                <dd>{median.map(|d| format!("{d:.0} {}", lang.t(Msg::DaysUnit))).unwrap_or_else(|| "—".to_owned())}</dd>
            </dl>
            <p class="small">{lang.t(Msg::ProgressNote)}</p>
        </section>
    }
}
