//! Data comparison pages: the upload form (what the file must hold) with the recent files, and
//! one file's preview — counts, the matched recipients, the rows that did not match and why —
//! with the confirm form below it.

use leptos::prelude::*;

use crate::db::comparisons::{Import, MatchRow};
use crate::i18n::{Lang, Msg};
use crate::rechecks::compare::RowProblem;
use crate::web::format::local_time;
use crate::web::shell::Csrf;
use crate::web::table::{DataTable, Th};

fn state_msg(f: &Import) -> Msg {
    if f.confirmed {
        Msg::ComparisonStateConfirmed
    } else {
        Msg::ComparisonStatePreview
    }
}

/// "第5行：身份证号为空" / "Row 5: the ID number is empty", as one text node.
fn row_problem(lang: Lang, row: i64, problem: RowProblem) -> String {
    let colon = if lang == Lang::En { ": " } else { "：" };
    format!(
        "{}{colon}{}",
        lang.t(Msg::ComparisonRow).replace("{n}", &row.to_string()),
        lang.t(problem.msg())
    )
}

#[component]
pub fn ComparePage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    recent: Vec<Import>,
    error: Option<String>,
) -> impl IntoView {
    let items = recent
        .into_iter()
        .map(|f| {
            view! {
                <li class="card">
                    <a class="card-link" href=format!("/staff/rechecks/compare/{}", f.id)>
                        <span class="card-title">{f.file_name.clone()}</span>
                        <span class="card-meta">{local_time(f.created_at)} " · " {f.created_by_name.clone()}</span>
                        <span class="card-meta">
                            {lang.t(Msg::ComparisonRowsTotal)} " " {f.rows_total} " · "
                            {lang.t(Msg::ComparisonHouseholds)} " " {f.households}
                        </span>
                        <span class="tag">{lang.t(state_msg(&f))}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        {nav}
        <nav class="crumbs" aria-label="breadcrumb"><a href="/staff/rechecks">{lang.t(Msg::RechecksTitle)}</a></nav>
        <h1>{lang.t(Msg::ComparisonTitle)}</h1>
        {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <p class="lead">{lang.t(Msg::ComparisonIntro)}</p>
        <p>{lang.t(Msg::ComparisonColumns)}</p>
        <form method="post" action="/staff/rechecks/compare" enctype="multipart/form-data" class="form">
            <Csrf token=csrf />
            <label for="f-file">{lang.t(Msg::ComparisonFileLabel)}</label>
            <input id="f-file" name="file" type="file" required
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
            <p class="hint">{lang.t(Msg::ComparisonFileHint)} " " {lang.t(Msg::ComparisonNothingMadeYet)}</p>
            <button type="submit">{lang.t(Msg::ComparisonUpload)}</button>
        </form>
        <h2>{lang.t(Msg::ComparisonRecent)}</h2>
        <ul class="cards" id="comparisons">{items}</ul>
    }
}

/// One staged or confirmed file, as its preview page shows it.
pub struct PreviewData {
    pub file: Import,
    pub matches: Vec<MatchRow>,
    /// (row number, problem), in file order.
    pub problems: Vec<(i64, RowProblem)>,
    /// An earlier confirmed file with the same content: its id.
    pub same_file: Option<i64>,
    /// The uploader, while it waits: the confirm form (with the token) is shown.
    pub can_confirm: bool,
}

#[component]
pub fn ComparisonPreviewPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    data: PreviewData,
) -> impl IntoView {
    let PreviewData {
        file,
        matches,
        problems,
        same_file,
        can_confirm,
    } = data;
    let shown_all = i64::try_from(matches.len()).unwrap_or(i64::MAX) >= file.matched;
    let rows = matches
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <td class="num">{m.row_no}</td>
                    <td><a href=format!("/staff/rechecks/household/{}", m.household_id)>{m.head_name}</a></td>
                    <td>{m.village_name}</td>
                    <td>{m.source}</td>
                    <td>{m.finding}</td>
                </tr>
            }
        })
        .collect_view();
    let (unmatched, malformed): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|(_, p)| *p == RowProblem::Unmatched);
    let malformed_list = (!malformed.is_empty()).then(|| {
        let shown_all = i64::try_from(malformed.len()).unwrap_or(i64::MAX) >= file.malformed;
        let items = malformed
            .into_iter()
            .map(|(row, p)| view! { <li>{row_problem(lang, row, p)}</li> })
            .collect_view();
        view! {
            <h2>{lang.t(Msg::ComparisonMalformedTitle)}</h2>
            {(!shown_all).then(|| view! { <p class="hint">{lang.t(Msg::ComparisonShownFirst)}</p> })}
            <ul class="import-errors" id="malformed">{items}</ul>
        }
    });
    let unmatched_list = (!unmatched.is_empty()).then(|| {
        let shown_all = i64::try_from(unmatched.len()).unwrap_or(i64::MAX) >= file.unmatched;
        let numbers = unmatched
            .iter()
            .map(|(row, _)| row.to_string())
            .collect::<Vec<_>>()
            .join(if lang == Lang::En { ", " } else { "、" });
        view! {
            <h2>{lang.t(Msg::ComparisonUnmatchedTitle)}</h2>
            {(!shown_all).then(|| view! { <p class="hint">{lang.t(Msg::ComparisonShownFirst)}</p> })}
            <p id="unmatched">{format!("{}: {numbers}", lang.t(Msg::ComparisonRowCol))}</p>
        }
    });
    let next_step = if file.confirmed {
        view! {
            <p class="notice" role="status">
                {lang.t(Msg::ComparisonConfirmedLeads)} " " {file.leads.unwrap_or_default()}
                {file.confirmed_at.map(|t| format!(" · {}", local_time(t)))}
                " · " <a href="/staff/rechecks">{lang.t(Msg::RechecksTitle)}</a>
            </p>
        }
        .into_any()
    } else if file.households == 0 {
        view! { <p class="notice" role="status">{lang.t(Msg::ComparisonNothingMatched)}</p> }
            .into_any()
    } else if can_confirm {
        view! {
            <section class="next-step">
                <p>{lang.t(Msg::ComparisonConfirmHint)} " " <strong>{file.households}</strong></p>
                <form method="post" action=format!("/staff/rechecks/compare/{}/confirm", file.id) class="form">
                    <Csrf token=csrf />
                    <input type="hidden" name="token" value=file.token.clone() />
                    <button type="submit">{lang.t(Msg::ComparisonConfirm)}</button>
                </form>
            </section>
        }
        .into_any()
    } else {
        view! { <p class="notice" role="status">{lang.t(Msg::ComparisonOtherUploader)}</p> }
            .into_any()
    };
    view! {
        {nav}
        <nav class="crumbs" aria-label="breadcrumb">
            <a href="/staff/rechecks">{lang.t(Msg::RechecksTitle)}</a> " › "
            <a href="/staff/rechecks/compare">{lang.t(Msg::ComparisonTitle)}</a>
        </nav>
        <h1>{lang.t(Msg::ComparisonPreviewTitle)} ": " {file.file_name.clone()}</h1>
        <p class="tag">{lang.t(state_msg(&file))}</p>
        {(!file.confirmed).then(|| view! { <p class="hint">{lang.t(Msg::ComparisonNothingMadeYet)}</p> })}
        {same_file.map(|id| view! {
            <p class="error" role="alert">
                {lang.t(Msg::ComparisonSameFile)} " "
                <a href=format!("/staff/rechecks/compare/{id}")>{format!("#{id}")}</a>
            </p>
        })}
        <dl class="totals" id="counts">
            <div><dt>{lang.t(Msg::ComparisonRowsTotal)}</dt><dd id="rows-total">{file.rows_total}</dd></div>
            <div><dt>{lang.t(Msg::ComparisonMatchedRows)}</dt><dd id="rows-matched">{file.matched}</dd></div>
            <div><dt>{lang.t(Msg::ComparisonHouseholds)}</dt><dd id="households">{file.households}</dd></div>
            <div><dt>{lang.t(Msg::ComparisonUnmatchedCount)}</dt><dd id="rows-unmatched">{file.unmatched}</dd></div>
            <div><dt>{lang.t(Msg::ComparisonMalformedCount)}</dt><dd id="rows-malformed">{file.malformed}</dd></div>
        </dl>
        <dl class="facts">
            <dt>{lang.t(Msg::ComparisonUploadedBy)}</dt><dd>{file.created_by_name.clone()} " · " {local_time(file.created_at)}</dd>
            <dt>{lang.t(Msg::ComparisonSha256)}</dt><dd><code>{file.sha256.clone()}</code></dd>
        </dl>
        {(file.matched > 0).then(|| view! {
            <h2>{lang.t(Msg::ComparisonMatchedTitle)}</h2>
            {(!shown_all).then(|| view! { <p class="hint">{lang.t(Msg::ComparisonShownFirst)}</p> })}
            <DataTable label=lang.t(Msg::ComparisonMatchedTitle) id="matches" heads=vec![Th::num(lang.t(Msg::ComparisonRowCol)), Th::text(lang.t(Msg::ComparisonHouseholdCol)), Th::text(lang.t(Msg::VillageLabel)), Th::text(lang.t(Msg::ComparisonSourceCol)), Th::text(lang.t(Msg::ComparisonFindingCol))]>
                {rows}
            </DataTable>
        })}
        {malformed_list}
        {unmatched_list}
        {next_step}
    }
}
