//! Re-check pages: a township's recipients by due date (overdue first) with their open leads,
//! and one household's re-check file with the record form.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::db::notices::Notice;
use crate::db::rechecks::{FileLink, Recheck, Recipient};
use crate::domain::recheck::{is_overdue, Method, Outcome, Source};
use crate::i18n::{Lang, Msg};
use crate::web::format::{textarea_text, yuan};
use crate::web::forms::Typed;
use crate::web::labels::notice as notice_labels;
use crate::web::shell::{Csrf, VillageSelect};

pub fn source_msg(s: Source) -> Msg {
    match s {
        Source::Schedule => Msg::RecheckSourceSchedule,
        Source::Comparison => Msg::RecheckSourceComparison,
        Source::Report => Msg::RecheckSourceReport,
    }
}

pub fn method_msg(m: Method) -> Msg {
    match m {
        Method::Visit => Msg::RecheckVisit,
        Method::Comparison => Msg::RecheckByComparison,
        Method::Phone => Msg::RecheckPhone,
    }
}

pub fn outcome_msg(o: Outcome) -> Msg {
    match o {
        Outcome::Continue => Msg::RecheckContinue,
        Outcome::Adjust => Msg::RecheckAdjust,
        Outcome::Stop => Msg::RecheckStop,
        Outcome::Taper => Msg::RecheckTaper,
    }
}

/// Which recipients the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Overdue, or with an open lead.
    Attention,
    /// Everyone, by due date.
    All,
}

/// One row of the list.
pub struct Row {
    pub r: Recipient,
    pub due: NaiveDate,
}

#[component]
pub fn RecheckListPage(
    lang: Lang,
    nav: AnyView,
    rows: Vec<Row>,
    villages: Vec<(i64, String)>,
    village: Option<i64>,
    show: Show,
    today: NaiveDate,
    overdue: usize,
    leads: usize,
) -> impl IntoView {
    let empty = rows.is_empty();
    let items = rows
        .into_iter()
        .map(|Row { r, due }| {
            let late = is_overdue(due, today);
            let class = if late { "card overdue" } else { "card" };
            let due_text = if late {
                format!("{} {due}", lang.t(Msg::RecheckOverdue))
            } else {
                format!("{} {due}", lang.t(Msg::RecheckDue))
            };
            view! {
                <li class=class>
                    <a class="card-link" href=format!("/staff/rechecks/household/{}", r.household_id)>
                        <span class="card-title">{r.head_name.clone()} " · " {r.village_name.clone()}</span>
                        <span class="card-meta">{r.persons} " " {lang.t(Msg::PersonsUnit)} " · " {yuan(r.monthly_fen)} " " {lang.t(Msg::YuanPerMonth)}</span>
                        <span class="card-meta due">{due_text}</span>
                        {(r.open_leads > 0).then(|| view! { <span class="tag">{lang.t(Msg::RecheckLeads)} " " {r.open_leads}</span> })}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        {nav}
        <h1>{lang.t(Msg::RechecksTitle)}</h1>
        <p class="lead">{lang.t(Msg::RechecksIntro)}</p>
        <dl class="totals">
            <div><dt>{lang.t(Msg::RecheckOverdueCount)}</dt><dd>{overdue}</dd></div>
            <div><dt>{lang.t(Msg::RecheckLeadsCount)}</dt><dd>{leads}</dd></div>
        </dl>
        <form method="get" action="/staff/rechecks" class="form filters">
            <VillageSelect lang villages selected=village />
            <label for="show">{lang.t(Msg::RecheckShowLabel)}</label>
            <select id="show" name="show">
                <option value="" selected=show == Show::Attention>{lang.t(Msg::RecheckShowAttention)}</option>
                <option value="all" selected=show == Show::All>{lang.t(Msg::RecheckShowAll)}</option>
            </select>
            <button type="submit" class="secondary">{lang.t(Msg::Filter)}</button>
        </form>
        <p class="actions"><a href="/staff/rechecks/compare">{lang.t(Msg::ComparisonTitle)}</a></p>
        {empty.then(|| view! { <p>{lang.t(Msg::NothingYet)}</p> })}
        <ul class="cards" id="rechecks">{items}</ul>
    }
}

/// One household's re-check page.
pub struct HouseholdData {
    pub r: Recipient,
    pub on_list: bool,
    pub due: NaiveDate,
    pub history: Vec<Recheck>,
    pub notices: Vec<Notice>,
    pub files: Vec<FileLink>,
    pub can_record: bool,
    pub today: NaiveDate,
    pub error: Option<String>,
    pub notice_made: Option<i64>,
    /// The refused re-check form as it was sent ([`RECORD`]).
    pub typed: Typed,
}

/// The name of the re-check form in [`Typed`] (the household page has one).
pub const RECORD: &str = "record";

#[component]
pub fn HouseholdPage(lang: Lang, nav: AnyView, csrf: String, data: HouseholdData) -> impl IntoView {
    let HouseholdData {
        r,
        on_list,
        due,
        history,
        notices,
        files,
        can_record,
        today,
        error,
        notice_made,
        typed,
    } = data;
    let late = is_overdue(due, today);
    let leads = history
        .iter()
        .filter(|h| !h.done)
        .map(|h| view! {
            <li>
                <strong>{lang.t(source_msg(h.source))}</strong> " · " {h.lead.clone()}
                {h.complaint_id.map(|c| view! { " · " <a href=format!("/staff/complaints/{c}")>{lang.t(Msg::RecheckReportLink)}</a> })}
            </li>
        })
        .collect_view();
    let done = history
        .iter()
        .filter(|h| h.done)
        .map(|h| {
            let file_links = files
                .iter()
                .filter(|f| f.recheck_id == h.id)
                .map(|f| view! { " · " <a href=format!("/staff/rechecks/files/{}", f.id)>{f.file_name.clone()}</a> })
                .collect_view();
            view! {
                <li>
                    <span class="when">{h.checked_on.map(|d| d.to_string()).unwrap_or_default()}</span> " "
                    <strong>{h.outcome.map(|o| lang.t(outcome_msg(o)))}</strong> " · "
                    {h.method.map(|m| lang.t(method_msg(m)))} " · " {lang.t(source_msg(h.source))}
                    <p class="event-body">{h.findings.clone()}</p>
                    <p class="small">{lang.t(Msg::RecordedBy)} {h.done_by.clone()} {file_links}</p>
                </li>
            }
        })
        .collect_view();
    let notice_items = notices
        .iter()
        .map(|n| view! { <li><a href=format!("/staff/notices/{}", n.id)>{n.number.clone()}</a> " · " {lang.t(notice_labels::kind(n.kind))} " · " {n.decided_on.to_string()}</li> })
        .collect_view();
    let methods = Method::ALL
        .iter()
        .map(|m| {
            let chosen = match typed.value(RECORD, "method") {
                Some(sent) => sent == m.as_str(),
                None => *m == Method::Visit,
            };
            view! { <label class="check"><input type="radio" name="method" value=m.as_str() required checked=chosen /> " " {lang.t(method_msg(*m))}</label> }
        })
        .collect_view();
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| {
            let chosen = match typed.value(RECORD, "outcome") {
                Some(sent) => sent == o.as_str(),
                None => *o == Outcome::Continue,
            };
            view! { <label class="check"><input type="radio" name="outcome" value=o.as_str() required checked=chosen /> " " {lang.t(outcome_msg(*o))}</label> }
        })
        .collect_view();
    let form = (can_record && on_list).then(|| view! {
        <section class="next-step">
            <h2>{lang.t(Msg::RecordRecheck)}</h2>
            <form method="post" action=format!("/staff/rechecks/household/{}", r.household_id) enctype="multipart/form-data" class="form">
                <Csrf token=csrf.clone() />
                // The household's version when this form was shown: a second submit (or a
                // colleague's record meanwhile) is refused instead of recorded twice.
                <input type="hidden" name="seen" value=r.recheck_seq.to_string() />
                <label for="f-checked_on">{lang.t(Msg::CheckedOnLabel)}</label>
                <input id="f-checked_on" name="checked_on" type="date" value=typed.or(RECORD, "checked_on", &today.to_string()) required />
                <fieldset><legend>{lang.t(Msg::RecheckMethodLabel)}</legend>{methods}</fieldset>
                <label for="f-findings">{lang.t(Msg::CheckFindingsLabel)}</label>
                <textarea id="f-findings" name="findings" maxlength="2000" required>{textarea_text(&typed.or(RECORD, "findings", ""))}</textarea>
                <fieldset><legend>{lang.t(Msg::RecheckOutcomeLabel)}</legend>{outcomes}</fieldset>
                <label for="f-amount">{lang.t(Msg::RecheckNewAmountLabel)}</label>
                <input id="f-amount" name="amount" type="number" min="1" max="100000" step="0.01" inputmode="decimal" value=typed.or(RECORD, "amount", "") />
                <p class="hint">{lang.t(Msg::RecheckOutcomeHint)}</p>
                {r.taper_until.map(|t| view! {
                    <p class="hint" id="taper-hint">{lang.t(Msg::RecheckTaperEnds).replace("{date}", &t.to_string())}</p>
                })}
                <label for="f-file">{lang.t(Msg::RecheckFileLabel)}</label>
                <input id="f-file" name="file" type="file" accept="image/jpeg,image/png,application/pdf" />
                <button type="submit">{lang.t(Msg::Save)}</button>
            </form>
        </section>
    });
    view! {
        {nav}
        <nav class="crumbs" aria-label="breadcrumb"><a href="/staff/rechecks">{lang.t(Msg::RechecksTitle)}</a></nav>
        <h1>{r.head_name.clone()} " · " {r.village_name.clone()}</h1>
        {notice_made.map(|id| view! {
            <p class="notice" role="status">{lang.t(Msg::RecheckNoticeMade)} " " <a href=format!("/staff/notices/{id}")>{lang.t(Msg::NoticesTitle)}</a></p>
        })}
        {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <dl class="facts">
            <dt>{lang.t(Msg::PersonsCol)}</dt><dd>{r.persons}</dd>
            <dt>{lang.t(Msg::AmountCol)}</dt><dd>{yuan(r.monthly_fen)}</dd>
            <dt>{lang.t(Msg::RecheckDue)}</dt><dd class=if late { "overdue" } else { "" }>{due.to_string()}</dd>
            {r.taper_until.map(|t| view! { <dt>{lang.t(Msg::RecheckTaperUntil)}</dt><dd>{t.to_string()}</dd> })}
            {(!on_list).then(|| view! { <dt>{lang.t(Msg::StageLabel)}</dt><dd>{lang.t(Msg::RecheckNotOnList)}</dd> })}
        </dl>
        {(!history.iter().all(|h| h.done)).then(|| view! { <h2>{lang.t(Msg::RecheckLeads)}</h2> <ul>{leads}</ul> })}
        {form}
        <h2>{lang.t(Msg::RecheckHistory)}</h2>
        <ol class="timeline">{done}</ol>
        <h2>{lang.t(Msg::NoticesTitle)}</h2>
        <ul>{notice_items}</ul>
    }
}
