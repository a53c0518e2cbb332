//! Staff pages for complaints: queue, offline logging, case detail with the workflow forms.

use leptos::prelude::*;

use crate::complaints::views::{place_options, Places, ReportValues};
use crate::db::complaints::{Event, QueueFilter, ReporterIdentity, StaffCase};
use crate::domain::{days_left, Action, Category, Channel, Finding, Status};
use crate::i18n::{Lang, Msg};
use crate::islands::{FilterSelect, QueueFilters};
use crate::web::format::{local_time, textarea_text};
use crate::web::labels::complaint as labels;
use crate::web::shell::{field_error, Csrf};
use crate::web::table::{heads, DataTable};

pub use crate::process::workload::{current_deadline, urgency};

pub struct QueueData {
    pub cases: Vec<(StaffCase, String, String)>,
    pub filter: QueueFilter,
    pub townships: Vec<(i64, String)>,
    pub staff: Vec<(i64, String)>,
    pub today: chrono::NaiveDate,
    pub can_log: bool,
    /// Only the cases past their deadline are shown.
    pub overdue_only: bool,
}

/// A filter select of the queue: every value of a code enum with its label.
fn select<T: Copy + PartialEq>(
    lang: Lang,
    name: &str,
    label: Msg,
    all: &[T],
    current: Option<T>,
    code: impl Fn(T) -> &'static str,
    text: impl Fn(T) -> Msg,
) -> FilterSelect {
    FilterSelect {
        name: name.to_owned(),
        label: lang.t(label).to_owned(),
        choices: all
            .iter()
            .map(|v| (code(*v).to_owned(), lang.t(text(*v)).to_owned()))
            .collect(),
        selected: current.map(|v| code(v).to_owned()).unwrap_or_default(),
    }
}

/// A deadline in words: "已超期 5 天", "今天截止", "还剩 3 天" (never a bare "(-5)").
pub fn due_in_words(lang: Lang, days_left: i64) -> String {
    match days_left {
        n if n < 0 => lang.t(Msg::OverdueByDays).replace("{n}", &(-n).to_string()),
        0 => lang.t(Msg::DueToday).to_owned(),
        n => lang.t(Msg::DaysLeftWords).replace("{n}", &n.to_string()),
    }
}

#[component]
pub fn QueuePage(lang: Lang, nav: AnyView, data: QueueData) -> impl IntoView {
    let QueueData {
        cases,
        filter,
        townships,
        staff,
        today,
        can_log,
        overdue_only,
    } = data;
    let overdue_note = overdue_only.then(|| {
        view! {
            <p class="notice" role="status">
                {lang.t(Msg::OnlyOverdue)} " · "
                <a href="/staff/complaints">{lang.t(Msg::ShowAll)}</a>
            </p>
        }
    });
    let shown = cases.len();
    let rows = cases
        .into_iter()
        .map(|(c, place, assignee)| {
            let deadline = current_deadline(&c);
            let class = urgency(deadline, today);
            let due = match deadline {
                Some(d) => format!("{d} · {}", due_in_words(lang, days_left(today, d))),
                None => "—".to_owned(),
            };
            view! {
                <tr class=class>
                    <td><a href=format!("/staff/complaints/{}", c.summary.id)>"#" {c.summary.id}</a></td>
                    <td>{lang.t(labels::status(c.summary.status))}</td>
                    <td>{lang.t(labels::category(c.summary.category))}</td>
                    <td>{place}</td>
                    <td>{assignee}</td>
                    <td class="due">{due}</td>
                </tr>
            }
        })
        .collect_view();
    let ids =
        |items: Vec<(i64, String)>, label: Msg, name: &str, current: Option<i64>| FilterSelect {
            name: name.to_owned(),
            label: lang.t(label).to_owned(),
            choices: items
                .into_iter()
                .map(|(id, n)| (id.to_string(), n))
                .collect(),
            selected: current.map(|id| id.to_string()).unwrap_or_default(),
        };
    let selects = vec![
        select(
            lang,
            "status",
            Msg::StatusLabel,
            Status::ALL,
            filter.status,
            |s| s.as_str(),
            labels::status,
        ),
        select(
            lang,
            "category",
            Msg::CategoryLabel,
            Category::ALL,
            filter.category,
            |c| c.as_str(),
            labels::category,
        ),
        ids(townships, Msg::Township, "township", filter.township_id),
        ids(staff, Msg::AssigneeLabel, "assignee", filter.assignee_id),
        select(
            lang,
            "channel",
            Msg::ChannelLabel,
            Channel::ALL,
            filter.channel,
            |c| c.as_str(),
            labels::channel,
        ),
    ];
    view! {
        {nav}
        <h1>{lang.t(Msg::Queue)}</h1>
        {overdue_note}
        {can_log.then(|| view! { <p><a class="button" href="/staff/complaints/new">{lang.t(Msg::LogOffline)}</a></p> })}
        <QueueFilters lang action="/staff/complaints".to_owned() table="queue".to_owned() selects shown />
        <DataTable label=lang.t(Msg::Queue) class="list queue" id="queue" heads=heads(lang, &[Msg::CaseNo, Msg::StatusLabel, Msg::CategoryLabel, Msg::WhereLabel, Msg::AssigneeLabel, Msg::DeadlineLabel])>
            {rows}
        </DataTable>
    }
}

#[component]
pub fn LogOfflinePage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    /// One-time form token: a resubmitted form does not log the report twice.
    token: String,
    places: Places,
    values: ReportValues,
    channel: String,
    received_on: String,
    errors: Vec<(&'static str, Msg)>,
) -> impl IntoView {
    let has_errors = !errors.is_empty();
    let err = |field: &'static str| field_error(lang, &errors, field);
    let channels = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Web)
        .map(|c| {
            let selected = channel == c.as_str();
            view! { <option value=c.as_str() selected=selected>{lang.t(labels::channel(*c))}</option> }
        })
        .collect_view();
    let categories = Category::ALL
        .iter()
        .map(|c| {
            let selected = values.category == c.as_str();
            view! { <option value=c.as_str() selected=selected>{lang.t(labels::category(*c))}</option> }
        })
        .collect_view();
    let place_options = place_options(lang, places, &values.place);
    view! {
        {nav}
        <h1>{lang.t(Msg::LogOffline)}</h1>
        <p class="hint">{lang.t(Msg::LogOfflineHint)}</p>
        {has_errors.then(|| view! { <p class="error" role="alert">{lang.t(Msg::FormHasErrors)}</p> })}
        <form method="post" action="/staff/complaints" class="form">
            <Csrf token=csrf />
            <input type="hidden" name="token" value=token />
            <label for="channel">{lang.t(Msg::ChannelLabel)}</label>
            <select id="channel" name="channel" required>{channels}</select>
            {err("channel")}
            <label for="received_on">{lang.t(Msg::ReceivedOn)}</label>
            <input id="received_on" name="received_on" type="date" required value=received_on />
            {err("received_on")}
            <label for="category">{lang.t(Msg::CategoryLabel)}</label>
            <select id="category" name="category" required>
                <option value="">{lang.t(Msg::ChoosePlace)}</option>
                {categories}
            </select>
            {err("category")}
            <label for="place">{lang.t(Msg::WhereLabel)}</label>
            <select id="place" name="place" required>
                <option value="">{lang.t(Msg::ChoosePlace)}</option>
                {place_options}
            </select>
            {err("place")}
            <label for="body">{lang.t(Msg::BodyLabel)}</label>
            <textarea id="body" name="body" required rows="6" maxlength="5000">{textarea_text(&values.body)}</textarea>
            {err("body")}
            <label for="accused">{lang.t(Msg::AccusedLabel)}</label>
            <input id="accused" name="accused" type="text" maxlength="200" value=values.accused.clone() />
            <label class="check" for="anonymous">
                <input type="checkbox" id="anonymous" name="anonymous" value="1" checked=values.anonymous />
                " " {lang.t(Msg::AnonymousLabel)}
            </label>
            <label for="name">{lang.t(Msg::NameLabel)}</label>
            <input id="name" name="name" type="text" maxlength="40" value=values.name.clone() />
            {err("name")}
            <label for="contact">{lang.t(Msg::ContactLabel)}</label>
            <input id="contact" name="contact" type="text" maxlength="100" value=values.contact.clone() />
            {err("contact")}
            <button type="submit">{lang.t(Msg::Submit)}</button>
        </form>
    }
}

#[component]
pub fn OfflineReceiptPage(
    lang: Lang,
    nav: AnyView,
    receipt: Option<String>,
    id: Option<i64>,
    accept_by: Option<String>,
) -> impl IntoView {
    view! {
        {nav}
        <h1>{lang.t(Msg::ReceiptTitle)}</h1>
        {match receipt {
            Some(code) => view! {
                <p>{lang.t(Msg::ReceiptForReporter)}</p>
                <p class="receipt"><strong>{code}</strong></p>
                {accept_by.map(|d| view! { <p>{lang.t(Msg::AcceptBy)} ": " {d}</p> })}
            }.into_any(),
            None => view! { <p>{lang.t(Msg::ReceiptGone)}</p> }.into_any(),
        }}
        {id.map(|id| view! { <p><a href=format!("/staff/complaints/{id}")>"#" {id}</a></p> })}
    }
}

pub use crate::complaints::workflow::Allowed;

pub struct CaseDetail {
    pub case: StaffCase,
    pub place: String,
    pub assignee: Option<String>,
    pub events: Vec<Event>,
    pub named: Vec<String>,
    pub candidates: Vec<(i64, String)>,
    pub staff_in_scope: Vec<(i64, String)>,
    pub allowed: Allowed,
    pub revealed: Option<ReporterIdentity>,
    pub errors: Vec<Msg>,
    pub notice: Option<Msg>,
    pub today: chrono::NaiveDate,
}

fn action_form(
    lang: Lang,
    csrf: &str,
    id: i64,
    path: &str,
    button: Msg,
    body: AnyView,
    secondary: bool,
) -> impl IntoView {
    let class = if secondary { "secondary" } else { "" };
    view! {
        <form method="post" action=format!("/staff/complaints/{id}/{path}") class="form action">
            <Csrf token=csrf.to_owned() />
            {body}
            <button type="submit" class=class>{lang.t(button)}</button>
        </form>
    }
}

/// A step asked twice: this button opens the confirm page, whose form takes the step.
fn confirm_form(
    lang: Lang,
    id: i64,
    step: &'static str,
    button: Msg,
    secondary: bool,
) -> impl IntoView {
    let class = if secondary { "secondary" } else { "" };
    view! {
        <form method="get" action=format!("/staff/complaints/{id}/confirm") class="form action">
            <input type="hidden" name="step" value=step />
            <button type="submit" class=class>{lang.t(button)}</button>
        </form>
    }
}

fn text_field(name: &'static str, label: String, required: bool) -> AnyView {
    let id = format!("f-{name}");
    let label_for = id.clone();
    view! {
        <label for=label_for>{label}</label>
        <textarea id=id name=name rows="3" maxlength="5000" required=required></textarea>
    }
    .into_any()
}

#[component]
pub fn CaseDetailPage(lang: Lang, nav: AnyView, csrf: String, detail: CaseDetail) -> impl IntoView {
    let CaseDetail {
        case,
        place,
        assignee,
        events,
        named,
        candidates,
        staff_in_scope,
        allowed,
        revealed,
        errors,
        notice,
        today,
    } = detail;
    let id = case.summary.id;
    let status = case.summary.status;
    let can = |a: Action| allowed.handle && crate::domain::transition(status, a).is_ok();
    let deadline = current_deadline(&case);
    let due = deadline.map(|d| {
        let n = days_left(today, d);
        format!("{d} ({} {n})", lang.t(Msg::DaysLeftShort))
    });
    let urgency_class = urgency(deadline, today);
    let timeline = events
        .into_iter()
        .map(|e| {
            let internal = (!e.public).then(|| lang.t(Msg::InternalMark));
            let who = e.staff_name.clone();
            view! {
                <li class=if e.public { "public" } else { "internal" }>
                    <span class="when">{local_time(e.at)}</span> " "
                    <strong>{lang.t(labels::event(e.kind))}</strong> " " {internal}
                    {who.map(|w| view! { " · " {w} })}
                    {(!e.body.is_empty()).then(|| view! { <p class="event-body">{e.body.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    let reporter = if case.anonymous {
        view! { <p>{lang.t(Msg::ReporterAnonymous)}</p> }.into_any()
    } else if let Some(ReporterIdentity { name, contact }) = revealed {
        view! {
            <dl class="facts revealed">
                <dt>{lang.t(Msg::NameLabel)}</dt><dd>{name.unwrap_or_default()}</dd>
                <dt>{lang.t(Msg::ContactLabel)}</dt><dd>{contact.unwrap_or_default()}</dd>
            </dl>
        }
        .into_any()
    } else if allowed.reveal {
        view! {
            <p class="hint">{lang.t(Msg::ReporterHidden)}</p>
            {action_form(lang, &csrf, id, "reveal", Msg::Reveal, view! {
                <label for="reveal_reason">{lang.t(Msg::RevealReason)}</label>
                <input id="reveal_reason" name="reason" type="text" required maxlength="200" />
            }.into_any(), true)}
        }
        .into_any()
    } else {
        view! { <p class="hint">{lang.t(Msg::RevealNotAllowed)}</p> }.into_any()
    };
    let finding_opts = Finding::ALL
        .iter()
        .map(|f| view! { <option value=f.as_str()>{lang.t(labels::finding(*f))}</option> })
        .collect_view();
    let current_assignee = case.assignee_id;
    let candidate_opts = candidates
        .into_iter()
        .map(|(sid, name)| view! { <option value=sid.to_string() selected=current_assignee == Some(sid)>{name}</option> })
        .collect_view();
    let named_opts = staff_in_scope
        .into_iter()
        .map(|(sid, name)| view! { <option value=sid.to_string()>{name}</option> })
        .collect_view();
    let reply_draft = case.reply_draft.clone().unwrap_or_default();
    let has_findings = case.finding.is_some();
    view! {
        {nav}
        <h1>"#" {id} " " {lang.t(labels::category(case.summary.category))}</h1>
        {notice.map(|m| view! { <p class="notice" role="status">{lang.t(m)}</p> })}
        {(!errors.is_empty()).then(|| view! {
            <div class="error" role="alert"><ul>{errors.into_iter().map(|m| view! { <li>{lang.t(m)}</li> }).collect_view()}</ul></div>
        })}
        <dl class="facts">
            <dt>{lang.t(Msg::StatusLabel)}</dt><dd><strong>{lang.t(labels::status(status))}</strong></dd>
            <dt>{lang.t(Msg::ChannelLabel)}</dt><dd>{lang.t(labels::channel(case.summary.channel))}</dd>
            <dt>{lang.t(Msg::ReceivedOn)}</dt><dd>{case.summary.received_on.to_string()}</dd>
            <dt>{lang.t(Msg::WhereLabel)}</dt><dd>{place}</dd>
            <dt>{lang.t(Msg::AssigneeLabel)}</dt><dd>{assignee.unwrap_or_else(|| lang.t(Msg::Unassigned).to_owned())}</dd>
            <dt>{lang.t(Msg::DeadlineLabel)}</dt><dd class=urgency_class>{due.unwrap_or_else(|| "—".to_owned())}</dd>
            {case.finding.as_deref().and_then(|f| Finding::parse(f).ok()).map(|f| view! {
                <dt>{lang.t(Msg::FindingLabel)}</dt><dd>{lang.t(labels::finding(f))} " " {case.finding_action.clone().unwrap_or_default()}</dd>
            })}
        </dl>
        <h2>{lang.t(Msg::ReportBody)}</h2>
        <p class="event-body">{case.body.clone()}</p>
        {case.accused.clone().map(|a| view! { <p><strong>{lang.t(Msg::Accused)} ": "</strong> {a}</p> })}
        {(!named.is_empty()).then(|| view! { <p><strong>{lang.t(Msg::NamedStaff)} ": "</strong> {named.join("、")}</p> })}
        <h2>{lang.t(Msg::ReporterIdentity)}</h2>
        {reporter}
        <h2>{lang.t(Msg::Timeline)}</h2>
        <ol class="timeline">{timeline}</ol>
        <div class="actions-panel">
            {can(Action::Accept).then(|| action_form(lang, &csrf, id, "accept", Msg::Accept, ().into_any(), false))}
            {can(Action::Decline).then(|| action_form(lang, &csrf, id, "decline", Msg::Decline, text_field("reason", lang.t(Msg::DeclineReason).to_owned(), true), true))}
            {can(Action::Assign).then(|| action_form(lang, &csrf, id, "assign", Msg::Assign, view! {
                <label for="assignee">{lang.t(Msg::AssigneeLabel)}</label>
                <select id="assignee" name="assignee" required>
                    <option value="" selected=current_assignee.is_none()>{lang.t(Msg::ChoosePlace)}</option>
                    {candidate_opts}
                </select>
            }.into_any(), false))}
            {can(Action::RecordFindings).then(|| action_form(lang, &csrf, id, "findings", Msg::RecordFindings, view! {
                <label for="finding">{lang.t(Msg::FindingLabel)}</label>
                <select id="finding" name="finding" required>
                    <option value="" selected>{lang.t(Msg::ChooseFinding)}</option>
                    {finding_opts}
                </select>
                <label for="finding_action">{lang.t(Msg::ActionTaken)}</label>
                <input id="finding_action" name="action" type="text" maxlength="500" />
            }.into_any(), true))}
            {(can(Action::SubmitReply) && has_findings).then(|| action_form(lang, &csrf, id, "reply", Msg::SubmitForApproval, view! {
                <label for="reply">{lang.t(Msg::DraftReply)}</label>
                <textarea id="reply" name="reply" rows="5" maxlength="5000" required>{textarea_text(&reply_draft)}</textarea>
            }.into_any(), false))}
            {(status == Status::ReplyPending).then(|| view! {
                <h2>{lang.t(Msg::DraftReply)}</h2>
                <p class="event-body">{reply_draft.clone()}</p>
            })}
            {(allowed.approve && status == Status::ReplyPending).then(|| view! {
                {confirm_form(lang, id, "approve", Msg::Approve, false)}
                {action_form(lang, &csrf, id, "return", Msg::ReturnReply, text_field("reason", lang.t(Msg::ReturnReason).to_owned(), true), true)}
            })}
            {can(Action::Close).then(|| action_form(lang, &csrf, id, "close", Msg::CloseCase, ().into_any(), true))}
            {(can(Action::Extend) && !case.summary.extended).then(|| action_form(lang, &csrf, id, "extend", Msg::Extend, text_field("reason", lang.t(Msg::ExtendReason).to_owned(), true), true))}
            {can(Action::AddNote).then(|| action_form(lang, &csrf, id, "note", Msg::AddNote, text_field("note", lang.t(Msg::InternalNote).to_owned(), true), true))}
            {(allowed.handle && status.is_open()).then(|| action_form(lang, &csrf, id, "named", Msg::MarkNamed, view! {
                <label for="named">{lang.t(Msg::NamedStaff)}</label>
                <select id="named" name="staff" required>
                    <option value="">{lang.t(Msg::ChoosePlace)}</option>
                    {named_opts}
                </select>
            }.into_any(), true))}
            {(allowed.handle && !case.escalated && status.is_open()).then(|| view! {
                <p class="hint">{lang.t(Msg::EscalateHint)}</p>
                {confirm_form(lang, id, "escalate", Msg::Escalate, true)}
            })}
        </div>
    }
}
