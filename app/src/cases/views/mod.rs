//! Staff pages of the case file: the list (cards that work on a phone), registration, the case
//! page (the next step first, other actions folded, members, declarations, evidence, the signed
//! record), and the township review meeting.

use leptos::prelude::*;

use crate::db::cases::{Case, Evidence, Member, RelativeDeclaration, StepRow};
use crate::domain::case::{ApplicationChannel, Relation, RelativeOf, Stage};
use crate::domain::AidCategory;
use crate::i18n::{Lang, Msg};
use crate::web::format::{local_time, textarea_text, yuan};
pub use crate::web::forms::Typed;
use crate::web::labels::case as labels;
use crate::web::labels::publicity as plabels;
use crate::web::shell::{field_error, Csrf, VillageSelect};
use crate::web::table::{heads, DataTable, Th};

use super::register::{Registration, MEMBER_ROWS, RELATIVE_ROWS};

mod case_page;
pub use case_page::*;

/// What the case waits for, as words (with a date where one matters).
pub fn blocker_text(lang: Lang, msg: Msg, date: Option<chrono::NaiveDate>) -> String {
    let text = lang.t(msg);
    match date {
        Some(d) => text.replace("{date}", &d.to_string()),
        None => text.to_owned(),
    }
}

/// One row of the list.
pub struct CaseCard {
    pub case: Case,
    pub place: String,
    pub days_in_stage: i64,
    pub waiting_for: String,
}

pub struct ListData {
    pub cards: Vec<CaseCard>,
    /// (id, label) of villages the viewer may filter by.
    pub villages: Vec<(i64, String)>,
    pub village: Option<i64>,
    pub stage: Option<Stage>,
    pub can_register: bool,
    /// Township the viewer may hold a review meeting for.
    pub meeting_township: Option<i64>,
    /// Forms for the filtered village: (action path, kind code, button text).
    pub list_actions: Vec<(&'static str, &'static str, Msg)>,
    pub notice: Option<Msg>,
}

#[component]
pub fn CaseListPage(lang: Lang, nav: AnyView, csrf: String, data: ListData) -> impl IntoView {
    let ListData {
        cards,
        villages,
        village,
        stage,
        can_register,
        meeting_township,
        list_actions,
        notice,
    } = data;
    let stage_options = Stage::ALL
        .iter()
        .map(|s| view! { <option value=s.as_str() selected=stage == Some(*s)>{lang.t(labels::stage(*s))}</option> })
        .collect_view();
    let shown = cards.len();
    let items = cards
        .into_iter()
        .map(|c| {
            let href = format!("/staff/cases/{}", c.case.id);
            let near = c.case.near_relative.then(|| view! { <span class="tag">{lang.t(Msg::NearRelativeMark)}</span> });
            let days = lang.t(Msg::DaysInStage).replace("{n}", &c.days_in_stage.to_string());
            view! {
                <li class="card">
                    <a class="card-link" href=href>
                        <span class="card-title">"#" {c.case.id} " " {c.case.applicant.clone()} " · " {c.place}</span>
                        <span class="card-state">{lang.t(labels::stage(c.case.stage))} " " {near}</span>
                        <span class="card-meta">{days} " · " {lang.t(Msg::WhatBlocks)} {c.waiting_for}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let village_value = village.map(|v| v.to_string()).unwrap_or_default();
    view! {
        {nav}
        <h1>{lang.t(Msg::CaseListTitle)}</h1>
        {notice.map(|m| view! { <p class="notice" role="status">{lang.t(m)}</p> })}
        <p class="actions">
            {can_register.then(|| view! { <a class="button" href="/staff/cases/new">{lang.t(Msg::NewApplication)}</a> })}
            " "
            {meeting_township.map(|t| view! { <a class="button secondary" href=format!("/staff/cases/meeting?township={t}")>{lang.t(Msg::MeetingTitle)}</a> })}
        </p>
        <form method="get" action="/staff/cases" class="form filters">
            <VillageSelect lang villages selected=village />
            <label for="stage">{lang.t(Msg::StageLabel)}</label>
            <select id="stage" name="stage">
                <option value="">{lang.t(Msg::AllStages)}</option>
                {stage_options}
            </select>
            <button type="submit" class="secondary">{lang.t(Msg::Filter)}</button>
        </form>
        {list_actions
            .into_iter()
            .map(|(path, kind, text)| view! {
                <form method="post" action=path class="inline">
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="village" value=village_value.clone() />
                    <input type="hidden" name="kind" value=kind />
                    {(kind == "standing").then(|| view! {
                        <input type="hidden" name="form_token" value=crate::web::session::new_token() />
                    })}
                    <button type="submit" class="secondary">{lang.t(text)}</button>
                </form>
            })
            .collect_view()}
        <p class="small">{shown} " " {lang.t(Msg::EntriesCount)}</p>
        <ul class="cards">{items}</ul>
    }
}

pub struct NewCaseData {
    /// (code, "township · village") of villages the viewer may register in.
    pub villages: Vec<(String, String)>,
    pub form: Registration,
    pub errors: Vec<(String, Msg)>,
}

fn text_input(name: String, label: String, value: String, max: usize) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name type="text" maxlength=max.to_string() value=value />
    }
}

#[component]
pub fn NewCasePage(lang: Lang, nav: AnyView, csrf: String, data: NewCaseData) -> impl IntoView {
    let NewCaseData {
        villages,
        form,
        errors,
    } = data;
    let v = |k: &str| form.get(k).to_owned();
    let village_now = v("village");
    let village_options = villages
        .into_iter()
        .map(|(code, name)| {
            let selected = code == village_now;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view();
    let channel_now = v("channel");
    let channel_options = ApplicationChannel::ALL
        .iter()
        .map(|c| view! { <option value=c.as_str() selected=channel_now == c.as_str()>{lang.t(labels::channel(*c))}</option> })
        .collect_view();
    let category_now = v("category");
    let category_options = AidCategory::ALL
        .iter()
        .map(|c| view! { <option value=c.as_str() selected=category_now == c.as_str()>{lang.t(plabels::category_msg(*c))}</option> })
        .collect_view();
    let member_rows = (0..MEMBER_ROWS)
        .map(|i| {
            let key = |f: &str| format!("m{i}_{f}");
            let relation_now = v(&key("relation"));
            let relation = if i == 0 {
                view! { <input type="hidden" name=key("relation") value="head" /><p>{lang.t(Msg::RelHead)}</p> }.into_any()
            } else {
                let options = Relation::ALL
                    .iter()
                    .filter(|r| **r != Relation::Head)
                    .map(|r| view! { <option value=r.as_str() selected=relation_now == r.as_str()>{lang.t(labels::relation(*r))}</option> })
                    .collect_view();
                let id = format!("f-{}", key("relation"));
                view! {
                    <label for=id.clone()>{lang.t(Msg::RelationLabel)}</label>
                    <select id=id name=key("relation")>{options}</select>
                }
                .into_any()
            };
            let ill = !v(&key("ill")).is_empty();
            view! {
                <fieldset class="member">
                    <legend>{lang.t(Msg::MemberNameLabel)} " " {i + 1}</legend>
                    {text_input(key("name"), lang.t(Msg::MemberNameLabel).to_owned(), v(&key("name")), 30)}
                    {field_error(lang, &errors, &key("name"))}
                    {relation}
                    {text_input(key("id"), lang.t(Msg::IdNumberLabel).to_owned(), v(&key("id")), 24)}
                    {field_error(lang, &errors, &key("id"))}
                    {text_input(key("grade"), lang.t(Msg::DisabilityGradeLabel).to_owned(), v(&key("grade")), 1)}
                    {field_error(lang, &errors, &key("grade"))}
                    <label class="check"><input type="checkbox" name=key("ill") value="1" checked=ill /> " " {lang.t(Msg::SeriousIllnessLabel)}</label>
                </fieldset>
            }
        })
        .collect_view();
    let relative_rows = (0..RELATIVE_ROWS)
        .map(|i| {
            let key = |f: &str| format!("r{i}_{f}");
            let kind_now = v(&key("kind"));
            let kinds = RelativeOf::ALL
                .iter()
                .map(|k| view! { <option value=k.as_str() selected=kind_now == k.as_str()>{lang.t(labels::relative_of(*k))}</option> })
                .collect_view();
            let kind_id = format!("f-{}", key("kind"));
            view! {
                <fieldset class="relative">
                    <legend>{lang.t(Msg::RelativesTitle)} " " {i + 1}</legend>
                    {text_input(key("member"), lang.t(Msg::MemberNameLabel).to_owned(), v(&key("member")), 30)}
                    {field_error(lang, &errors, &key("member"))}
                    <label for=kind_id.clone()>{lang.t(Msg::RelativeKindLabel)}</label>
                    <select id=kind_id name=key("kind")><option value="">"—"</option>{kinds}</select>
                    {field_error(lang, &errors, &key("kind"))}
                    {text_input(key("name"), lang.t(Msg::RelatedNameLabel).to_owned(), v(&key("name")), 30)}
                    {field_error(lang, &errors, &key("name"))}
                    {text_input(key("post"), lang.t(Msg::RelatedPostLabel).to_owned(), v(&key("post")), 30)}
                    {field_error(lang, &errors, &key("post"))}
                    {text_input(key("relation"), lang.t(Msg::RelativeRelationLabel).to_owned(), v(&key("relation")), 30)}
                    {field_error(lang, &errors, &key("relation"))}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        {nav}
        <h1>{lang.t(Msg::NewApplication)}</h1>
        {(!errors.is_empty()).then(|| view! { <p class="error" role="alert">{lang.t(Msg::BadRequestBody)}</p> })}
        <form method="post" action="/staff/cases" class="form">
            <Csrf token=csrf />
            // This form's one-time token: sent twice, it finds the case its first sending made.
            <input type="hidden" name="form_token" value=v("form_token") />
            <label for="f-village">{lang.t(Msg::VillageLabel)}</label>
            <select id="f-village" name="village" required>{village_options}</select>
            {field_error(lang, &errors, "village")}
            {text_input("group".into(), lang.t(Msg::GroupLabel).to_owned(), v("group"), 20)}
            {field_error(lang, &errors, "group")}
            <label for="f-channel">{lang.t(Msg::ApplicationChannelLabel)}</label>
            <select id="f-channel" name="channel">{channel_options}</select>
            <label for="f-received_on">{lang.t(Msg::ReceivedOnLabel)}</label>
            <input id="f-received_on" name="received_on" type="date" value=v("received_on") required />
            {field_error(lang, &errors, "received_on")}
            <label for="f-category">{lang.t(Msg::CategoryAskedLabel)}</label>
            <select id="f-category" name="category">{category_options}</select>
            <h2>{lang.t(Msg::MembersTitle)}</h2>
            <p class="hint">{lang.t(Msg::MembersHint)}</p>
            {member_rows}
            <h2>{lang.t(Msg::RelativesTitle)}</h2>
            <p class="hint">{lang.t(Msg::RelativesHint)}</p>
            {relative_rows}
            <button type="submit">{lang.t(Msg::Save)}</button>
        </form>
    }
}

fn date_input(name: &'static str, label: String, value: String) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name type="date" value=value required />
    }
}

fn area(name: &'static str, label: String, required: bool, value: String) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <textarea id=id name=name rows="3" maxlength="2000" required=required>{textarea_text(&value)}</textarea>
    }
}

/// The name of the township's meeting form in [`Typed`].
pub const MEETING: &str = "meeting";

/// A case waiting for the township's meeting.
pub struct MeetingCase {
    pub case: Case,
    pub place: String,
}

#[component]
pub fn MeetingPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    township: i64,
    cases: Vec<MeetingCase>,
    error: Option<(i64, Msg)>,
    today: chrono::NaiveDate,
    /// The refused meeting form as it was sent ([`MEETING`]).
    typed: Typed,
) -> impl IntoView {
    let none = cases.is_empty();
    let t = &typed;
    let rows = cases
        .into_iter()
        .map(|m| {
            let id = m.case.id;
            let key = |f: &str| format!("c{id}_{f}");
            let typed_category = t.value(MEETING, &key("category"));
            let categories = AidCategory::ALL
                .iter()
                .map(|c| {
                    let chosen = typed_category.map_or(*c == m.case.category_asked, |v| v == c.as_str());
                    view! { <option value=c.as_str() selected=chosen>{lang.t(plabels::category_msg(*c))}</option> }
                })
                .collect_view();
            let decision = t.or(MEETING, &key("decision"), "later");
            let class = t.or(MEETING, &key("class"), "");
            let classes = ["", "1", "2", "3"]
                .into_iter()
                .map(|c| view! { <option value=c selected=class == c>{if c.is_empty() { "—" } else { c }}</option> })
                .collect_view();
            let err = error.filter(|(c, _)| *c == id).map(|(_, msg)| view! { <p class="field-error">{lang.t(msg)}</p> });
            view! {
                <fieldset class="meeting-case">
                    <legend><a href=format!("/staff/cases/{id}")>"#" {id}</a> " " {m.case.applicant.clone()} " · " {m.place} " · " {m.case.persons} " " {lang.t(Msg::Persons)}</legend>
                    {err}
                    <label class="check"><input type="radio" name=key("decision") value="later" checked=decision == "later" /> " " {lang.t(Msg::DecideLater)}</label>
                    <label class="check"><input type="radio" name=key("decision") value="approve" checked=decision == "approve" /> " " {lang.t(Msg::DecideApprove)}</label>
                    <label class="check"><input type="radio" name=key("decision") value="refuse" checked=decision == "refuse" /> " " {lang.t(Msg::DecideRefuse)}</label>
                    <label for=format!("f-{}", key("category"))>{lang.t(Msg::CategoryAskedLabel)}</label>
                    <select id=format!("f-{}", key("category")) name=key("category")>{categories}</select>
                    <label for=format!("f-{}", key("class"))>{lang.t(Msg::ClassLabel)}</label>
                    <select id=format!("f-{}", key("class")) name=key("class")>{classes}</select>
                    <label for=format!("f-{}", key("amount"))>{lang.t(Msg::MonthlyAmountLabel)}</label>
                    <input id=format!("f-{}", key("amount")) name=key("amount") type="text" inputmode="decimal" maxlength="10" value=t.or(MEETING, &key("amount"), "") />
                    <label for=format!("f-{}", key("reason"))>{lang.t(Msg::ReasonLabel)}</label>
                    <input id=format!("f-{}", key("reason")) name=key("reason") type="text" maxlength="500" value=t.or(MEETING, &key("reason"), "") />
                </fieldset>
            }
        })
        .collect_view();
    let general = error
        .filter(|(c, _)| *c == 0)
        .map(|(_, m)| view! { <p class="error" role="alert">{lang.t(m)}</p> });
    view! {
        {nav}
        <h1>{lang.t(Msg::MeetingTitle)}</h1>
        <p class="hint">{lang.t(Msg::MeetingHint)}</p>
        {general}
        {none.then(|| view! { <p>{lang.t(Msg::NoCasesWaiting)}</p> })}
        <form method="post" action="/staff/cases/meeting" class="form">
            <Csrf token=csrf />
            <input type="hidden" name="township" value=township.to_string() />
            {date_input("held_on", lang.t(Msg::HeldOnLabel).to_owned(), t.or(MEETING, "held_on", &today.to_string()))}
            {area("attendees", lang.t(Msg::AttendeesLabel).to_owned(), true, t.or(MEETING, "attendees", ""))}
            {rows}
            <button type="submit">{lang.t(Msg::RecordMeeting)}</button>
        </form>
    }
}
