//! Staff pages of the case file: the list (cards that work on a phone), registration, the case
//! page (the next step first, other actions folded, members, declarations, evidence, the signed
//! record), and the township review meeting.

use leptos::prelude::*;

use crate::db::cases::{Case, Evidence, Member, RelativeDeclaration, StepRow};
use crate::domain::case::{ApplicationChannel, Relation, RelativeOf, Stage};
use crate::domain::AidCategory;
use crate::i18n::{Lang, Msg};
use crate::web::format::{local_time, yuan};
use crate::web::labels::case as labels;
use crate::web::labels::publicity as plabels;
use crate::web::shell::Csrf;

use super::register::{Registration, MEMBER_ROWS, RELATIVE_ROWS};

/// What the case waits for, as words (with a date where one matters).
pub fn blocker_text(lang: Lang, msg: Msg, date: Option<chrono::NaiveDate>) -> String {
    let text = lang.t(msg);
    match date {
        Some(d) => text.replace("{date}", &d.to_string()),
        None => text.to_owned(),
    }
}

fn error_for(lang: Lang, errors: &[(String, Msg)], field: &str) -> Option<AnyView> {
    errors
        .iter()
        .find(|(f, _)| f == field)
        .map(|(_, m)| view! { <p class="field-error">{lang.t(*m)}</p> }.into_any())
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
    let village_options = villages
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string() selected=village == Some(id)>{name}</option> })
        .collect_view();
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
            <label for="village">{lang.t(Msg::VillageLabel)}</label>
            <select id="village" name="village">
                <option value="">{lang.t(Msg::AllVillages)}</option>
                {village_options}
            </select>
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
                    {error_for(lang, &errors, &key("name"))}
                    {relation}
                    {text_input(key("id"), lang.t(Msg::IdNumberLabel).to_owned(), v(&key("id")), 24)}
                    {error_for(lang, &errors, &key("id"))}
                    {text_input(key("grade"), lang.t(Msg::DisabilityGradeLabel).to_owned(), v(&key("grade")), 1)}
                    {error_for(lang, &errors, &key("grade"))}
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
                    {error_for(lang, &errors, &key("member"))}
                    <label for=kind_id.clone()>{lang.t(Msg::RelativeKindLabel)}</label>
                    <select id=kind_id name=key("kind")><option value="">"—"</option>{kinds}</select>
                    {error_for(lang, &errors, &key("kind"))}
                    {text_input(key("name"), lang.t(Msg::RelatedNameLabel).to_owned(), v(&key("name")), 30)}
                    {error_for(lang, &errors, &key("name"))}
                    {text_input(key("post"), lang.t(Msg::RelatedPostLabel).to_owned(), v(&key("post")), 30)}
                    {error_for(lang, &errors, &key("post"))}
                    {text_input(key("relation"), lang.t(Msg::RelativeRelationLabel).to_owned(), v(&key("relation")), 30)}
                    {error_for(lang, &errors, &key("relation"))}
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
            <label for="f-village">{lang.t(Msg::VillageLabel)}</label>
            <select id="f-village" name="village" required>{village_options}</select>
            {error_for(lang, &errors, "village")}
            {text_input("group".into(), lang.t(Msg::GroupLabel).to_owned(), v("group"), 20)}
            {error_for(lang, &errors, "group")}
            <label for="f-channel">{lang.t(Msg::ApplicationChannelLabel)}</label>
            <select id="f-channel" name="channel">{channel_options}</select>
            <label for="f-received_on">{lang.t(Msg::ReceivedOnLabel)}</label>
            <input id="f-received_on" name="received_on" type="date" value=v("received_on") required />
            {error_for(lang, &errors, "received_on")}
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

/// Which forms the case page offers the viewer.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseForms {
    pub accept: bool,
    pub survey: bool,
    pub village_review: bool,
    pub county_check: bool,
    pub county_decide: bool,
    pub declare: bool,
    pub upload: bool,
}

pub struct CaseData {
    pub case: Case,
    pub place: String,
    pub members: Vec<Member>,
    pub relatives: Vec<RelativeDeclaration>,
    pub steps: Vec<StepRow>,
    pub evidence: Vec<Evidence>,
    pub waiting_for: String,
    pub forms: CaseForms,
    /// (id, name) of staff who may sign a household visit.
    pub visitors: Vec<(i64, String)>,
    /// (draw id, purpose) of the village's publicly drawn review panels, newest first.
    pub panels: Vec<(i64, String)>,
    /// Whether this case must be checked by the county in person (and is not yet).
    pub check_needed: bool,
    pub today: chrono::NaiveDate,
    pub error: Option<Msg>,
    pub notice: Option<Msg>,
    /// The case's written notices: (id, number, delivered).
    pub written: Vec<(i64, String, bool)>,
}

fn date_input(name: &'static str, label: String, value: String) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id name=name type="date" value=value required />
    }
}

fn area(name: &'static str, label: String, required: bool) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <textarea id=id name=name rows="3" maxlength="2000" required=required></textarea>
    }
}

fn step_form(lang: Lang, csrf: &str, id: i64, path: &str, button: Msg, body: AnyView) -> AnyView {
    view! {
        <form method="post" action=format!("/staff/cases/{id}/{path}") class="form action">
            <Csrf token=csrf.to_owned() />
            {body}
            <button type="submit">{lang.t(button)}</button>
        </form>
    }
    .into_any()
}

/// The forms for the case's stage, the first of them being the next step.
fn stage_forms(lang: Lang, csrf: &str, d: &CaseData) -> Vec<AnyView> {
    let id = d.case.id;
    let today = d.today.to_string();
    let mut forms = Vec::new();
    let f = d.forms;
    match d.case.stage {
        Stage::Received if f.accept => {
            forms.push(step_form(
                lang,
                csrf,
                id,
                "accept",
                Msg::CaAccept,
                ().into_any(),
            ));
            forms.push(step_form(
                lang,
                csrf,
                id,
                "reject",
                Msg::CaReject,
                area("reason", lang.t(Msg::ReasonLabel).to_owned(), true).into_any(),
            ));
        }
        Stage::Accepted if f.survey => {
            let visitors = d
                .visitors
                .iter()
                .map(|(sid, name)| view! { <label class="check"><input type="checkbox" name="visitor" value=sid.to_string() /> " " {name.clone()}</label> })
                .collect_view();
            let body = view! {
                {date_input("visited_on", lang.t(Msg::VisitedOnLabel).to_owned(), today.clone())}
                <fieldset><legend>{lang.t(Msg::VisitorsLabel)}</legend>{visitors}</fieldset>
                {area("income", lang.t(Msg::IncomeLabel).to_owned(), true)}
                {area("assets", lang.t(Msg::AssetsLabel).to_owned(), false)}
                {area("living", lang.t(Msg::LivingLabel).to_owned(), false)}
                <fieldset><legend>{lang.t(Msg::SurveyOutcomeLabel)}</legend>
                    <label class="check"><input type="radio" name="outcome" value="eligible" required /> " " {lang.t(Msg::EligibleLabel)}</label>
                    <label class="check"><input type="radio" name="outcome" value="ineligible" /> " " {lang.t(Msg::IneligibleLabel)}</label>
                </fieldset>
                {area("reason", lang.t(Msg::ReasonLabel).to_owned(), false)}
            }
            .into_any();
            forms.push(step_form(lang, csrf, id, "survey", Msg::Save, body));
        }
        Stage::Surveyed if f.village_review => {
            let panels = d
                .panels
                .iter()
                .map(|(id, purpose)| view! { <option value=id.to_string()>{purpose.clone()} " (#" {*id} ")"</option> })
                .collect_view();
            let body = view! {
                {date_input("held_on", lang.t(Msg::HeldOnLabel).to_owned(), today.clone())}
                <label for="f-panel">{lang.t(Msg::PanelMembersLabel)}</label>
                <select id="f-panel" name="panel" required>{panels}</select>
                <p class="hint">{lang.t(Msg::PanelHint)} " " <a href="/staff/draws">{lang.t(Msg::DrawsStaffTitle)}</a></p>
                <label for="f-for">{lang.t(Msg::VotesForLabel)}</label>
                <input id="f-for" name="votes_for" type="number" min="0" max="99" inputmode="numeric" required />
                <label for="f-against">{lang.t(Msg::VotesAgainstLabel)}</label>
                <input id="f-against" name="votes_against" type="number" min="0" max="99" inputmode="numeric" required />
                {area("remarks", lang.t(Msg::RemarksLabel).to_owned(), false)}
            }
            .into_any();
            forms.push(step_form(lang, csrf, id, "village_review", Msg::Save, body));
        }
        Stage::InReviewPublicity => {
            if f.county_check && d.check_needed {
                let body = view! {
                    {date_input("checked_on", lang.t(Msg::CheckedOnLabel).to_owned(), today.clone())}
                    {area("findings", lang.t(Msg::CheckFindingsLabel).to_owned(), true)}
                }
                .into_any();
                forms.push(step_form(
                    lang,
                    csrf,
                    id,
                    "county_check",
                    Msg::RecordCheck,
                    body,
                ));
            }
            if f.county_decide {
                forms.push(step_form(
                    lang,
                    csrf,
                    id,
                    "county_decide",
                    Msg::ApproveCase,
                    view! { <input type="hidden" name="decision" value="approve" /> }.into_any(),
                ));
                let refuse = view! {
                    <input type="hidden" name="decision" value="refuse" />
                    {area("reason", lang.t(Msg::ReasonLabel).to_owned(), true)}
                }
                .into_any();
                forms.push(step_form(
                    lang,
                    csrf,
                    id,
                    "county_decide",
                    Msg::RefuseCase,
                    refuse,
                ));
            }
            if f.county_check && !d.check_needed {
                let body = view! {
                    {date_input("checked_on", lang.t(Msg::CheckedOnLabel).to_owned(), today.clone())}
                    {area("findings", lang.t(Msg::CheckFindingsLabel).to_owned(), true)}
                }
                .into_any();
                forms.push(step_form(
                    lang,
                    csrf,
                    id,
                    "county_check",
                    Msg::RecordCheck,
                    body,
                ));
            }
        }
        _ => {}
    }
    forms
}

/// A village review step's panel (draw id), members present and votes, from its details.
fn review_facts(details: &str) -> Option<(i64, String, i64, i64)> {
    let v: serde_json::Value = serde_json::from_str(details).ok()?;
    Some((
        v.get("panel")?.as_i64()?,
        v.get("present")
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_owned(),
        v.get("for")?.as_i64()?,
        v.get("against")?.as_i64()?,
    ))
}

#[component]
pub fn CasePage(lang: Lang, nav: AnyView, csrf: String, data: CaseData) -> impl IntoView {
    let mut forms = stage_forms(lang, &csrf, &data);
    let next = (!forms.is_empty()).then(|| forms.remove(0));
    let c = &data.case;
    let id = c.id;
    let decided = match (c.decided_category, c.decided_fen) {
        (Some(cat), Some(fen)) => Some(format!(
            "{} · {} {}",
            plabels::category_i64(lang, cat, c.decided_class),
            yuan(fen),
            lang.t(Msg::YuanPerMonth)
        )),
        _ => None,
    };
    let members = data
        .members
        .iter()
        .map(|m| {
            let flags = [
                m.disability_grade
                    .map(|g| format!("{} {g}", lang.t(Msg::DisabilityGradeLabel))),
                m.serious_illness
                    .then(|| lang.t(Msg::SeriousIllnessLabel).to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            view! {
                <tr>
                    <td>{m.name.clone()}</td>
                    <td>{lang.t(labels::relation(m.relation))}</td>
                    <td>{m.id_number.clone().unwrap_or_default()}</td>
                    <td>{flags}</td>
                </tr>
            }
        })
        .collect_view();
    let relatives = data
        .relatives
        .iter()
        .map(|r| {
            let remove = data.forms.declare.then(|| view! {
                <form method="post" action=format!("/staff/cases/{id}/undeclare") class="inline">
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="relative" value=r.id.to_string() />
                    <label for=format!("why-{}", r.id)>{lang.t(Msg::ReasonLabel)}</label>
                    <input id=format!("why-{}", r.id) name="reason" type="text" maxlength="200" required />
                    <button type="submit" class="secondary">{lang.t(Msg::RemoveLabel)}</button>
                </form>
            });
            view! {
                <li>
                    {r.member_name.clone()} " · " {lang.t(labels::relative_of(r.kind))} " · "
                    {r.related_post.clone()} " " {r.related_name.clone()} " (" {r.relation.clone()} ")"
                    {remove}
                </li>
            }
        })
        .collect_view();
    let evidence = data
        .evidence
        .iter()
        .map(|e| {
            let href = format!("/staff/cases/{id}/evidence/{}", e.id);
            view! {
                <li>
                    <a href=href>{e.file_name.clone()}</a> " · " {e.content_type.clone()} " · "
                    {format!("{} KB", (e.size + 1023) / 1024)} " · " {e.uploaded_by.clone()} " · " {local_time(e.uploaded_at)}
                </li>
            }
        })
        .collect_view();
    let steps = data
        .steps
        .iter()
        .map(|s| {
            let signers = s.signers.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join("、");
            let review = review_facts(&s.details).map(|(panel, present, votes_for, votes_against)| view! {
                <p class="small">
                    <a href=format!("/draws/{panel}")>{lang.t(Msg::PanelOfLabel)} " #" {panel}</a>
                    " · " {present} " · " {lang.t(Msg::VotesForLabel)} " " {votes_for} " / " {lang.t(Msg::VotesAgainstLabel)} " " {votes_against}
                </p>
            });
            view! {
                <li>
                    <span class="when">{s.happened_on.to_string()}</span> " "
                    <strong>{lang.t(labels::action(s.action))}</strong>
                    {review}
                    {(!s.body.is_empty()).then(|| view! { <p class="event-body">{s.body.clone()}</p> })}
                    <p class="small">{lang.t(Msg::SignedBy)} {signers} " · " {lang.t(Msg::RecordedBy)} {s.recorded_by.clone()} " · " {local_time(s.recorded_at)}</p>
                </li>
            }
        })
        .collect_view();
    let upload = data.forms.upload.then(|| view! {
        <form method="post" action=format!("/staff/cases/{id}/evidence") enctype="multipart/form-data" class="form">
            <Csrf token=csrf.clone() />
            <label for="file">{lang.t(Msg::UploadEvidenceLabel)}</label>
            <input id="file" name="file" type="file" accept="image/jpeg,image/png,application/pdf" required />
            <button type="submit" class="secondary">{lang.t(Msg::UploadButton)}</button>
        </form>
    });
    let declare = data.forms.declare.then(|| {
        let kinds = RelativeOf::ALL
            .iter()
            .map(|k| view! { <option value=k.as_str()>{lang.t(labels::relative_of(*k))}</option> })
            .collect_view();
        view! {
            <details>
                <summary>{lang.t(Msg::AddRelative)}</summary>
                <form method="post" action=format!("/staff/cases/{id}/declare") class="form">
                    <Csrf token=csrf.clone() />
                    {text_input("r0_member".into(), lang.t(Msg::MemberNameLabel).to_owned(), String::new(), 30)}
                    <label for="f-kind">{lang.t(Msg::RelativeKindLabel)}</label>
                    <select id="f-kind" name="r0_kind">{kinds}</select>
                    {text_input("r0_name".into(), lang.t(Msg::RelatedNameLabel).to_owned(), String::new(), 30)}
                    {text_input("r0_post".into(), lang.t(Msg::RelatedPostLabel).to_owned(), String::new(), 30)}
                    {text_input("r0_relation".into(), lang.t(Msg::RelativeRelationLabel).to_owned(), String::new(), 30)}
                    <button type="submit" class="secondary">{lang.t(Msg::AddRelative)}</button>
                </form>
            </details>
        }
    });
    let refusal = c
        .refusal_reason
        .clone()
        .map(|r| view! { <p class="error">{lang.t(Msg::CsRefused)} ": " {r}</p> });
    view! {
        {nav}
        <h1>{lang.t(Msg::CaseTitle)} " #" {id}</h1>
        {data.notice.map(|m| view! { <p class="notice" role="status">{lang.t(m)}</p> })}
        {data.error.map(|m| view! { <p class="error" role="alert">{lang.t(m)}</p> })}
        {(!data.written.is_empty()).then(|| {
            let items = data.written.iter().map(|(nid, number, delivered)| view! {
                <li><a href=format!("/staff/notices/{nid}")>{number.clone()}</a> " · "
                    {lang.t(if *delivered { Msg::NoticeDelivered } else { Msg::NoticeNotDelivered })}</li>
            }).collect_view();
            view! { <section class="case-notices"><h2>{lang.t(Msg::NoticesTitle)}</h2><ul>{items}</ul></section> }
        })}
        <dl class="facts">
            <dt>{lang.t(Msg::ApplicantLabel)}</dt><dd>{c.applicant.clone()}</dd>
            <dt>{lang.t(Msg::VillageLabel)}</dt><dd>{data.place.clone()} " · " {c.group_name.clone()}</dd>
            <dt>{lang.t(Msg::StageLabel)}</dt><dd>{lang.t(labels::stage(c.stage))}</dd>
            <dt>{lang.t(Msg::WhatBlocks)}</dt><dd>{data.waiting_for.clone()}</dd>
            <dt>{lang.t(Msg::ApplicationChannelLabel)}</dt><dd>{lang.t(labels::channel(c.channel))}</dd>
            <dt>{lang.t(Msg::ReceivedOnLabel)}</dt><dd>{c.received_on.to_string()}</dd>
            <dt>{lang.t(Msg::CategoryAskedLabel)}</dt><dd>{lang.t(plabels::category_msg(c.category_asked))}</dd>
            {decided.map(|d| view! { <dt>{lang.t(Msg::DecideApprove)}</dt><dd>{d}</dd> })}
            {c.near_relative.then(|| view! { <dt>{lang.t(Msg::RelativesTitle)}</dt><dd class="tag">{lang.t(Msg::NearRelativeMark)}</dd> })}
            {c.review_batch_id.map(|b| view! { <dt>{lang.t(Msg::CaseOnList)}</dt><dd><a href=format!("/staff/publicity/{b}")>"#" {b}</a></dd> })}
            {c.approval_batch_id.map(|b| view! { <dt>{lang.t(Msg::CaseOnList)}</dt><dd><a href=format!("/staff/publicity/{b}")>"#" {b}</a></dd> })}
        </dl>
        {refusal}
        {next.map(|f| view! { <section class="next-step"><h2>{lang.t(Msg::NextStepTitle)}</h2>{f}</section> })}
        {(!forms.is_empty()).then(|| view! { <details><summary>{lang.t(Msg::OtherStepsTitle)}</summary>{forms}</details> })}
        <h2>{lang.t(Msg::EvidenceTitle)}</h2>
        <ul class="plain">{evidence}</ul>
        {upload}
        <h2>{lang.t(Msg::MembersTitle)}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label=lang.t(Msg::MembersTitle)>
            <table class="list">
                <thead><tr>
                    <th scope="col">{lang.t(Msg::MemberNameLabel)}</th>
                    <th scope="col">{lang.t(Msg::RelationLabel)}</th>
                    <th scope="col">{lang.t(Msg::IdNumberLabel)}</th>
                    <th scope="col">" "</th>
                </tr></thead>
                <tbody>{members}</tbody>
            </table>
        </div>
        <h2>{lang.t(Msg::RelativesTitle)}</h2>
        {data.relatives.is_empty().then(|| view! { <p>{lang.t(Msg::NoRelatives)}</p> })}
        <ul class="plain">{relatives}</ul>
        {declare}
        <h2>{lang.t(Msg::TimelineTitle)}</h2>
        <ol class="timeline">{steps}</ol>
        <p><a href="/staff/cases">{lang.t(Msg::CaseListTitle)}</a></p>
    }
}

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
) -> impl IntoView {
    let none = cases.is_empty();
    let rows = cases
        .into_iter()
        .map(|m| {
            let id = m.case.id;
            let key = |f: &str| format!("c{id}_{f}");
            let categories = AidCategory::ALL
                .iter()
                .map(|c| view! { <option value=c.as_str() selected=*c == m.case.category_asked>{lang.t(plabels::category_msg(*c))}</option> })
                .collect_view();
            let err = error.filter(|(c, _)| *c == id).map(|(_, msg)| view! { <p class="field-error">{lang.t(msg)}</p> });
            view! {
                <fieldset class="meeting-case">
                    <legend><a href=format!("/staff/cases/{id}")>"#" {id}</a> " " {m.case.applicant.clone()} " · " {m.place} " · " {m.case.persons} " " {lang.t(Msg::Persons)}</legend>
                    {err}
                    <label class="check"><input type="radio" name=key("decision") value="later" checked=true /> " " {lang.t(Msg::DecideLater)}</label>
                    <label class="check"><input type="radio" name=key("decision") value="approve" /> " " {lang.t(Msg::DecideApprove)}</label>
                    <label class="check"><input type="radio" name=key("decision") value="refuse" /> " " {lang.t(Msg::DecideRefuse)}</label>
                    <label for=format!("f-{}", key("category"))>{lang.t(Msg::CategoryAskedLabel)}</label>
                    <select id=format!("f-{}", key("category")) name=key("category")>{categories}</select>
                    <label for=format!("f-{}", key("class"))>{lang.t(Msg::ClassLabel)}</label>
                    <select id=format!("f-{}", key("class")) name=key("class")>
                        <option value="">"—"</option><option value="1">"1"</option><option value="2">"2"</option><option value="3">"3"</option>
                    </select>
                    <label for=format!("f-{}", key("amount"))>{lang.t(Msg::MonthlyAmountLabel)}</label>
                    <input id=format!("f-{}", key("amount")) name=key("amount") type="text" inputmode="decimal" maxlength="10" />
                    <label for=format!("f-{}", key("reason"))>{lang.t(Msg::ReasonLabel)}</label>
                    <input id=format!("f-{}", key("reason")) name=key("reason") type="text" maxlength="500" />
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
            {date_input("held_on", lang.t(Msg::HeldOnLabel).to_owned(), today.to_string())}
            {area("attendees", lang.t(Msg::AttendeesLabel).to_owned(), true)}
            {rows}
            <button type="submit">{lang.t(Msg::RecordMeeting)}</button>
        </form>
    }
}
