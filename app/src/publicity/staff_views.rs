//! Staff pages for publicity lists: list, create, entries, import preview, printed notice.

use leptos::prelude::*;

use crate::db::publicity::{Batch, StaffEntry};
use crate::domain::{BatchKind, BatchState};
use crate::i18n::{Lang, Msg};
use crate::publicity::entries::EntryForm;
use crate::sheets::ImportRow;
use crate::web::format::yuan;
use crate::web::labels::publicity as labels;
use crate::web::shell::{field_error, Csrf};
use crate::web::table::{head_cells, heads, DataTable, Th};

#[component]
pub fn BatchListPage(
    lang: Lang,
    nav: AnyView,
    can_edit: bool,
    /// (batch, village name, entry count)
    batches: Vec<(Batch, String, i64)>,
) -> impl IntoView {
    let today = crate::db::today_cst();
    view! {
        {nav}
        <h1>{lang.t(Msg::Publicity)}</h1>
        {can_edit.then(|| view! { <p><a class="button" href="/staff/publicity/new">{lang.t(Msg::NewBatch)}</a></p> })}
        <DataTable label=lang.t(Msg::Entries) heads=vec![Th::text(lang.t(Msg::VillageLabel)), Th::text(lang.t(Msg::KindLabel)), Th::text(lang.t(Msg::StatusLabel)), Th::text(lang.t(Msg::PublicityPeriod)), Th::num(lang.t(Msg::Households))]>
            {batches
                .into_iter()
                .map(|(b, village, n)| {
                    let period = labels::period(b.opens_on, b.closes_on);
                    view! {
                        <tr>
                            <td><a href=format!("/staff/publicity/{}", b.id)>{village}</a></td>
                            <td>{lang.t(labels::kind(b.kind))}</td>
                            <td>{lang.t(labels::state_on(b.state, b.closes_on, today))}</td>
                            <td>{period}</td>
                            <td class="num">{n}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewBatchValues {
    pub village_id: Option<i64>,
    pub kind: String,
    pub opens_on: String,
    pub days: String,
}

#[component]
pub fn NewBatchPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    villages: Vec<(i64, String)>,
    values: NewBatchValues,
    errors: Vec<(&'static str, Msg)>,
) -> impl IntoView {
    let err = |field: &'static str| field_error(lang, &errors, field);
    let has_errors = !errors.is_empty();
    view! {
        {nav}
        <h1>{lang.t(Msg::NewBatch)}</h1>
        {has_errors.then(|| view! { <p class="error" role="alert">{lang.t(Msg::FormHasErrors)}</p> })}
        <form method="post" action="/staff/publicity" class="form">
            <Csrf token=csrf />
            <label for="village">{lang.t(Msg::VillageLabel)}</label>
            <select id="village" name="village" required>
                {villages
                    .into_iter()
                    .map(|(id, name)| {
                        let selected = values.village_id == Some(id);
                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                    })
                    .collect_view()}
            </select>
            {err("village")}
            <label for="kind">{lang.t(Msg::KindLabel)}</label>
            <select id="kind" name="kind" required>
                {BatchKind::ALL
                    .iter()
                    .map(|k| {
                        let selected = values.kind == k.as_str();
                        view! { <option value=k.as_str() selected=selected>{lang.t(labels::kind(*k))}</option> }
                    })
                    .collect_view()}
            </select>
            {err("kind")}
            <label for="opens_on">{lang.t(Msg::OpensOn)}</label>
            <input id="opens_on" name="opens_on" type="date" required value=values.opens_on.clone() />
            {err("opens_on")}
            <label for="days">{lang.t(Msg::WindowDays)}</label>
            <input id="days" name="days" type="number" min="1" max="60" inputmode="numeric" value=values.days.clone() />
            <p class="hint">{lang.t(Msg::KindReviewHint)} " · " {lang.t(Msg::KindApprovalHint)}</p>
            {err("days")}
            <button type="submit">{lang.t(Msg::Create)}</button>
        </form>
    }
}

/// Values of the add-a-household form, as typed.
#[derive(Clone, Default)]
pub struct EntryValues {
    pub form: EntryForm,
    /// The entry being corrected (the form then saves it instead of adding one).
    pub editing: Option<i64>,
}

pub struct BatchDetail {
    pub batch: Batch,
    pub village: String,
    pub village_code: String,
    pub entries: Vec<StaffEntry>,
    pub can_edit: bool,
    /// Whether the viewer may publish/withdraw this list (the role the plan names for its kind).
    pub can_publish: bool,
    /// For a 审批 list whose window has closed: the viewer may enrol its households.
    pub can_enroll: bool,
    pub notice: Option<String>,
    pub errors: Vec<String>,
    pub entry_values: EntryValues,
}

#[component]
pub fn BatchDetailPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    detail: BatchDetail,
) -> impl IntoView {
    let BatchDetail {
        batch,
        village,
        village_code,
        entries,
        can_edit,
        can_publish,
        can_enroll,
        notice,
        errors,
        entry_values,
    } = detail;
    let id = batch.id;
    // 审核/审批 lists are made from case files and published through them; only standing lists
    // of existing recipients are typed or imported.
    let from_cases = batch.kind != BatchKind::Standing;
    let draft = batch.state == BatchState::Draft;
    let published = batch.state == BatchState::Published;
    let title = format!("{village} {}", lang.t(labels::kind(batch.kind)));
    let period = labels::period(batch.opens_on, batch.closes_on);
    let has_entries = !entries.is_empty();
    // A list with cases on it ends early only by a withdrawal (its cases go back to wait for
    // a new list); closing it would leave them on a list that can go no further.
    let has_cases = entries.iter().any(|e| e.case_id.is_some());
    let has_errors = !errors.is_empty();
    let ended = batch.end_reason.clone();
    let editable = can_edit && draft && !from_cases;
    let entry_rows = entries
        .into_iter()
        .map(|e| {
            let delete = editable.then(|| {
                let csrf = csrf.clone();
                view! {
                    <form method="post" action=format!("/staff/publicity/{id}/entries/{}/delete", e.id) class="inline">
                        <Csrf token=csrf />
                        <button type="submit" class="link">{lang.t(Msg::Delete)}</button>
                    </form>
                }
            });
            let edit = editable.then(|| view! {
                <a href=format!("/staff/publicity/{id}?edit={}#add", e.id)>{lang.t(Msg::Edit)}</a> " "
            });
            view! {
                <tr>
                    <td class="num">{e.seq}</td>
                    {entry_cells(lang, &e)}
                    <td><code>{e.public_ref.clone()}</code> " " {edit} {delete}</td>
                    <td>{match e.case_id {
                        Some(c) => view! { <a href=format!("/staff/cases/{c}")>{lang.t(Msg::CaseFileLink)} " #" {c}</a> }.into_any(),
                        None => view! { <span class="tag">{lang.t(Msg::ManualEntry)}</span> }.into_any(),
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    let select =
        |name: &'static str, options: Vec<(&'static str, &'static str)>, current: String| {
            view! {
                <select id=name name=name>
                    {options
                        .into_iter()
                        .map(|(value, label)| {
                            let selected = current == value;
                            view! { <option value=value selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
            }
        };
    let add_form = editable.then(|| {
        let EntryValues { form: v, editing } = entry_values.clone();
        let (heading, action, button) = match editing {
            Some(entry) => (Msg::Edit, format!("/staff/publicity/{id}/entries/{entry}/edit"), Msg::Save),
            None => (Msg::AddEntry, format!("/staff/publicity/{id}/entries"), Msg::AddEntry),
        };
        view! {
            <h2 id="add">{lang.t(heading)}</h2>
            <form method="post" action=action class="form">
                <Csrf token=csrf.clone() />
                <label for="head_name">{lang.t(Msg::FullNameCol)}</label>
                <input id="head_name" name="head_name" type="text" required maxlength="30" value=v.head_name />
                <label for="id_number">{lang.t(Msg::IdNumberOptional)}</label>
                <input id="id_number" name="id_number" type="text" maxlength="18" autocomplete="off" value=v.id_number />
                <label for="persons">{lang.t(Msg::PersonsCol)}</label>
                <input id="persons" name="persons" type="number" min="1" max="20" inputmode="numeric" required value=v.persons />
                <label for="amount">{lang.t(Msg::AmountCol)}</label>
                <input id="amount" name="amount" type="text" inputmode="decimal" required maxlength="12" value=v.amount />
                <label for="category">{lang.t(Msg::CategoryCol)}</label>
                {select("category", vec![("一般保障", lang.t(Msg::CategoryYiban)), ("兜底保障", lang.t(Msg::CategoryDoudi))], v.category)}
                <label for="class">{lang.t(Msg::ClassLabel)}</label>
                {select("class", vec![("", lang.t(Msg::NoClass)), ("1", "1"), ("2", "2"), ("3", "3")], v.class)}
                <label for="change">{lang.t(Msg::ChangeCol)}</label>
                {select("change", vec![
                    ("新增", lang.t(Msg::ChangeNew)),
                    ("续保", lang.t(Msg::ChangeRenew)),
                    ("增发", lang.t(Msg::ChangeIncrease)),
                    ("减发", lang.t(Msg::ChangeDecrease)),
                    ("停发", lang.t(Msg::ChangeStop)),
                ], v.change)}
                <button type="submit">{lang.t(button)}</button>
            </form>
            <h2>{lang.t(Msg::ImportTitle)}</h2>
            <p class="hint">{lang.t(Msg::ImportHint)}</p>
            <p class="hint">{lang.t(Msg::ImportValues)}</p>
            <p><a class="button secondary" href="/staff/publicity/import-template.xlsx" download>{lang.t(Msg::ImportTemplate)}</a></p>
            <form method="post" action=format!("/staff/publicity/{id}/import") enctype="multipart/form-data" class="form">
                <Csrf token=csrf.clone() />
                <label for="file">{lang.t(Msg::FileLabel)}</label>
                <input id="file" name="file" type="file" required accept=".xlsx,.csv" />
                <button type="submit" class="secondary">{lang.t(Msg::Preview)}</button>
            </form>
        }
    });
    let publish_form = (can_publish && draft && has_entries).then(|| {
        view! {
            <h2>{lang.t(Msg::Publish)}</h2>
            <p class="hint">{lang.t(Msg::PublishHint)}</p>
            <form method="get" action=format!("/staff/publicity/{id}/confirm") class="form">
                <input type="hidden" name="step" value="publish" />
                <button type="submit">{lang.t(Msg::Publish)}</button>
            </form>
        }
    });
    let enroll_form = (can_enroll && published).then(|| {
        view! {
            <form method="post" action=format!("/staff/cases/lists/{id}/enroll") class="form">
                <Csrf token=csrf.clone() />
                <button type="submit">{lang.t(Msg::EnrollCases)}</button>
            </form>
        }
    });
    let cases_note = (from_cases && draft)
        .then(|| view! { <p class="hint">{lang.t(Msg::ListsFromCasesOnly)}</p> });
    let end_forms = (can_publish && published).then(|| {
        let close = (batch.kind != BatchKind::Standing && !has_cases).then(|| {
            view! {
                <form method="post" action=format!("/staff/publicity/{id}/close") class="form">
                    <Csrf token=csrf.clone() />
                    <label for="close_reason">{lang.t(Msg::ReasonPublic)}</label>
                    <input id="close_reason" name="reason" type="text" required maxlength="200" />
                    <button type="submit" class="secondary">{lang.t(Msg::CloseEarly)}</button>
                </form>
            }
        });
        view! {
            <h2>{lang.t(Msg::Withdraw)} " / " {lang.t(Msg::CloseEarly)}</h2>
            <form method="get" action=format!("/staff/publicity/{id}/confirm") class="form">
                <input type="hidden" name="step" value="withdraw" />
                <label for="withdraw_reason">{lang.t(Msg::ReasonPublic)}</label>
                <input id="withdraw_reason" name="reason" type="text" required maxlength="200" />
                <button type="submit" class="secondary">{lang.t(Msg::Withdraw)}</button>
            </form>
            {close}
        }
    });
    view! {
        {nav}
        <h1>{title}</h1>
        <p>
            {lang.t(labels::state_on(batch.state, batch.closes_on, crate::db::today_cst()))} " · " {lang.t(Msg::PublicityPeriod)} ": " {period}
            // Only a published list is on the public page; a draft has nothing to show there.
            {published.then(|| view! { " · " <a href=format!("/v/{village_code}")>{lang.t(Msg::ViewList)}</a> })}
        </p>
        {ended.map(|r| view! { <p class="notice">{lang.t(Msg::ReasonPublic)} ": " {r}</p> })}
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        {has_errors.then(|| view! {
            <div class="error" role="alert">
                <p>{lang.t(Msg::FormHasErrors)}</p>
                <ul>{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            </div>
        })}
        <p class="actions">
            <a href=format!("/staff/publicity/{id}/notice")>{lang.t(Msg::PrintNotice)}</a> " · "
            <a href=format!("/staff/publicity/{id}/export.xlsx")>{lang.t(Msg::ExportXlsx)}</a>
        </p>
        <h2>{lang.t(Msg::Entries)}</h2>
        <DataTable label=lang.t(Msg::Entries) heads=entry_heads(lang, Th::num("#"), &[Msg::PublicRefCol, Msg::CaseFileLink])>
            {entry_rows}
        </DataTable>
        {cases_note}
        {publish_form}
        {enroll_form}
        {add_form}
        {end_forms}
    }
}

#[component]
pub fn ImportPreviewPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    batch_id: i64,
    file_name: String,
    /// Messages of every bad row; empty when the file is valid.
    errors: Vec<String>,
    /// The first rows, for checking.
    rows: Vec<ImportRow>,
    total: usize,
    token: String,
) -> impl IntoView {
    let ok = errors.is_empty();
    let back = format!("/staff/publicity/{batch_id}");
    view! {
        {nav}
        <h1>{lang.t(Msg::ImportTitle)} ": " {file_name}</h1>
        {if ok {
            view! {
                <p class="notice" role="status">{lang.t(Msg::ImportReady)} " " {total} " " {lang.t(Msg::EntriesCount)}</p>
                <DataTable label=lang.t(Msg::Entries) class="list import-preview" heads=entry_heads(lang, Th::num(lang.t(Msg::SheetRow)), &[])>
                    {rows
                        .into_iter()
                        .map(|r| view! {
                            <tr>
                                <td class="num">{r.row}</td>
                                <td class="name">{r.head_name}</td>
                                <td class="num">{r.persons}</td>
                                <td class="num">{yuan(r.monthly_fen.fen())}</td>
                                <td>{labels::category_i64(lang, r.category, r.aid_class.map(i64::from))}</td>
                                <td>{lang.t(labels::change(r.change))}</td>
                            </tr>
                        })
                        .collect_view()}
                </DataTable>
                // Below the preview: the officer checks the rows, then confirms.
                <form method="post" action=format!("/staff/publicity/{batch_id}/import/confirm") class="form">
                    <Csrf token=csrf />
                    <input type="hidden" name="token" value=token />
                    <button type="submit">{lang.t(Msg::ConfirmImport)}</button>
                </form>
            }
                .into_any()
        } else {
            view! {
                <div class="error" role="alert">
                    <p>{lang.t(Msg::ImportErrors)}</p>
                    <ul class="import-errors">
                        {errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                </div>
            }
                .into_any()
        }}
        <p><a href=back>{lang.t(Msg::BackToBatch)}</a></p>
    }
}

pub struct NoticeData {
    pub county: String,
    pub township: String,
    pub village: String,
    pub batch: Batch,
    pub entries: Vec<StaffEntry>,
    pub hotline: String,
    pub qr_data_uri: String,
    pub url: String,
}

/// The A4 notice for the village board: full names (the offline notice is the legal one).
#[component]
pub fn NoticePage(lang: Lang, data: NoticeData) -> impl IntoView {
    let NoticeData {
        county,
        township,
        village,
        batch,
        entries,
        hotline,
        qr_data_uri,
        url,
    } = data;
    let title = format!("{township}{village} {}", lang.t(labels::kind(batch.kind)));
    let period = labels::period(batch.opens_on, batch.closes_on);
    view! {
        <article class="a4-notice">
            <h1>{county} " " {title}</h1>
            <p>{lang.t(Msg::PublicityPeriod)} ": " {period}</p>
            <table class="list">
                <thead><tr>{head_cells(entry_heads(lang, Th::num("#"), &[]))}</tr></thead>
                <tbody>
                    {entries
                        .into_iter()
                        .map(|e| view! {
                            <tr>
                                <td class="num">{e.seq}</td>
                                {entry_cells(lang, &e)}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p>{lang.t(Msg::NoticeObjection)}</p>
            <p><strong>{lang.t(Msg::Hotline)} ": " {hotline}</strong></p>
            <figure class="qr">
                <img src=qr_data_uri alt=url.clone() width="160" height="160" />
                <figcaption>{lang.t(Msg::NoticeScan)} <br /> {url}</figcaption>
            </figure>
        </article>
    }
}

/// The cells of one entry under [`entry_heads`], after its number.
fn entry_cells(lang: Lang, e: &StaffEntry) -> impl IntoView {
    view! {
        <td>{e.head_name.clone()}</td>
        <td class="num">{e.persons}</td>
        <td class="num">{yuan(e.monthly_fen)}</td>
        <td>{labels::category_i64(lang, e.category, e.aid_class)}</td>
        <td>{lang.t(labels::change(e.change))}</td>
    }
}

/// The heads of a staff table of list entries: `first` (the entry's number, or the sheet's
/// row), the columns every such table shares, then `more`.
fn entry_heads(lang: Lang, first: Th, more: &[Msg]) -> Vec<Th> {
    let shared = [
        first,
        Th::text(lang.t(Msg::FullNameCol)),
        Th::num(lang.t(Msg::PersonsCol)),
        Th::num(lang.t(Msg::AmountCol)),
        Th::text(lang.t(Msg::CategoryCol)),
        Th::text(lang.t(Msg::ChangeCol)),
    ];
    [shared.to_vec(), heads(lang, more)].concat()
}
