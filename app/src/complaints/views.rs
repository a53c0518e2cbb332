//! Public complaint pages: report form, receipt, tracking.

use leptos::prelude::*;

use crate::db::complaints::{CaseSummary, Event};
use crate::domain::{Category, EventKind, Status};
use crate::i18n::{Lang, Msg};
use crate::islands::ReportCheck;
use crate::web::format::{date_words, local_time, textarea_text};

use crate::web::labels::complaint as labels;
use crate::web::shell::field_error;

/// A township and its villages for the place select: (township name, code, [(code, name)]).
pub type Places = Vec<(String, String, Vec<(String, String)>)>;

/// The place `<select>`'s options of a report form (the web form and the staff's offline one):
/// each township a group of its villages, then the township itself; `selected` is the value
/// ("v:code" or "t:code") chosen before.
pub fn place_options(lang: Lang, places: Places, selected: &str) -> impl IntoView {
    places
        .into_iter()
        .map(|(t_name, t_code, villages)| {
            let t_value = format!("t:{t_code}");
            let t_selected = selected == t_value;
            let t_label = format!("{t_name} {}", lang.t(Msg::TownshipLevel));
            let villages = villages
                .into_iter()
                .map(|(code, name)| {
                    let value = format!("v:{code}");
                    let is_selected = selected == value;
                    view! { <option value=value selected=is_selected>{name}</option> }
                })
                .collect_view();
            view! {
                <optgroup label=t_name>
                    {villages}
                    <option value=t_value selected=t_selected>{t_label}</option>
                </optgroup>
            }
        })
        .collect_view()
}

/// The fields of a report as typed (the public form and staff logging share them).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReportValues {
    pub category: String,
    pub place: String,
    pub entry: String,
    pub body: String,
    pub accused: String,
    #[serde(deserialize_with = "checkbox")]
    pub anonymous: bool,
    pub name: String,
    pub contact: String,
    /// The county the form is for (its code), in a deployment of several counties.
    pub county: String,
}

/// A checkbox is sent (with any value) when ticked, and left out otherwise.
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(v.is_some())
}

/// The report form of a deployment of several counties starts with the county: one list of
/// every township and village of a province would be megabytes on a phone.
#[component]
pub fn ReportCountyPage(lang: Lang, counties: Vec<(String, String)>) -> impl IntoView {
    view! {
        <h1>{lang.t(Msg::ReportTitle)}</h1>
        <p class="lead">{lang.t(Msg::ReportChooseCounty)}</p>
        <ul class="counties">
            {counties
                .into_iter()
                .map(|(code, name)| {
                    view! { <li><a href=format!("/report?county={code}")>{name}</a></li> }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
pub fn ReportPage(
    lang: Lang,
    token: String,
    places: Places,
    /// The list entry objected to: (public reference, description with masked name).
    entry: Option<(String, String)>,
    values: ReportValues,
    errors: Vec<(&'static str, Msg)>,
) -> impl IntoView {
    let has_errors = !errors.is_empty();
    let categories = Category::ALL
        .iter()
        .map(|c| {
            let id = format!("cat-{}", c.as_str());
            let label_for = id.clone();
            let checked = values.category == c.as_str();
            view! {
                <label class="check" for=label_for>
                    <input type="radio" id=id name="category" value=c.as_str() checked=checked required />
                    " " {lang.t(labels::category(*c))}
                </label>
            }
        })
        .collect_view();
    let place_options = place_options(lang, places, &values.place);
    view! {
        <h1>{lang.t(Msg::ReportTitle)}</h1>
        <p class="lead">{lang.t(Msg::ReportIntro)}</p>
        <p class="notice">{lang.t(Msg::WhatHappensNext)}</p>
        {has_errors.then(|| view! { <p class="error" role="alert">{lang.t(Msg::FormHasErrors)}</p> })}
        {field_error(lang, &errors, "token")}
        <form method="post" action="/report" class="form" id="report-form">
            <ReportCheck lang form="report-form".to_owned() />
            <input type="hidden" name="token" value=token />
            {(!values.county.is_empty()).then(|| view! {
                <input type="hidden" name="county" value=values.county.clone() />
            })}
            {entry.map(|(r, desc)| view! {
                <input type="hidden" name="entry" value=r />
                <p class="entry-concerned"><strong>{lang.t(Msg::EntryConcerned)} ": "</strong> {desc}</p>
            })}
            <fieldset>
                <legend id="category-legend">{lang.t(Msg::CategoryLabel)}</legend>
                {categories}
                {field_error(lang, &errors, "category")}
            </fieldset>
            <label for="place">{lang.t(Msg::WhereLabel)}</label>
            <select id="place" name="place" required>
                <option value="">{lang.t(Msg::ChoosePlace)}</option>
                {place_options}
            </select>
            {field_error(lang, &errors, "place")}
            <label for="body">{lang.t(Msg::BodyLabel)}</label>
            <textarea id="body" name="body" required minlength="10" maxlength="5000" rows="8"
                aria-describedby="body-hint">{textarea_text(&values.body)}</textarea>
            <p class="hint" id="body-hint">{lang.t(Msg::BodyHint)}</p>
            {field_error(lang, &errors, "body")}
            <label for="accused">{lang.t(Msg::AccusedLabel)}</label>
            <input id="accused" name="accused" type="text" maxlength="200" value=values.accused.clone() />
            {field_error(lang, &errors, "accused")}
            <label class="check" for="anonymous">
                <input type="checkbox" id="anonymous" name="anonymous" value="1" checked=values.anonymous />
                " " {lang.t(Msg::AnonymousLabel)}
            </label>
            // Ticking 匿名 hides the contact fields with CSS alone (`:has(#anonymous:checked)`), and
            // the server keeps no name or contact for an anonymous report whatever was typed.
            <p class="hint anonymous-note">{lang.t(Msg::AnonymousNoContact)}</p>
            <div class="contact-fields">
                <label for="name">{lang.t(Msg::NameLabel)}</label>
                <input id="name" name="name" type="text" maxlength="40" autocomplete="name" value=values.name.clone() />
                {field_error(lang, &errors, "name")}
                <label for="contact">{lang.t(Msg::ContactLabel)}</label>
                <input id="contact" name="contact" type="text" maxlength="100" autocomplete="email"
                    inputmode="email" aria-describedby="contact-hint" value=values.contact.clone() />
                <p class="hint" id="contact-hint">{lang.t(Msg::ContactHint)}</p>
                {field_error(lang, &errors, "contact")}
            </div>
            <p class="small">{lang.t(Msg::ProtectionNote)}</p>
            <button type="submit">{lang.t(Msg::Submit)}</button>
        </form>
        <p><a href="/track">{lang.t(Msg::TrackTitle)}</a></p>
    }
}

#[component]
pub fn ReceiptPage(
    lang: Lang,
    receipt: Option<String>,
    accept_by: Option<String>,
) -> impl IntoView {
    match receipt {
        Some(code) => view! {
            <h1>{lang.t(Msg::ReceiptTitle)}</h1>
            <p>{lang.t(Msg::ReceiptCodeLabel)}</p>
            <p class="receipt" aria-live="polite"><strong>{code}</strong></p>
            <p class="notice">{lang.t(Msg::ReceiptAdvice)}</p>
            {accept_by.map(|d| view! { <p>{lang.t(Msg::AcceptBy)} ": " <strong>{d}</strong></p> })}
            <p><a href="/track">{lang.t(Msg::TrackTitle)}</a></p>
        }
        .into_any(),
        None => view! {
            <h1>{lang.t(Msg::ReceiptTitle)}</h1>
            <p>{lang.t(Msg::ReceiptGone)}</p>
            <p><a href="/track">{lang.t(Msg::TrackTitle)}</a></p>
        }
        .into_any(),
    }
}

/// The receipt form; after a code that finds nothing, `typed` holds what was typed, so one
/// wrong digit is corrected rather than sixteen retyped.
#[component]
pub fn TrackPage(lang: Lang, not_found: bool, typed: String) -> impl IntoView {
    view! {
        <h1>{lang.t(Msg::TrackTitle)}</h1>
        <p>{lang.t(Msg::TrackIntro)}</p>
        {not_found.then(|| view! { <p class="error" role="alert">{lang.t(Msg::TrackNotFound)}</p> })}
        <form method="post" action="/track" class="form">
            <label for="receipt">{lang.t(Msg::ReceiptLabel)}</label>
            <input id="receipt" name="receipt" type="text" inputmode="numeric" autocomplete="off"
                required maxlength="40" placeholder="0000-0000-0000-0000" value=typed
                aria-invalid=not_found.then_some("true") />
            <button type="submit">{lang.t(Msg::Lookup)}</button>
        </form>
    }
}

pub struct CaseData {
    pub case: CaseSummary,
    pub place: String,
    /// The list entry objected to, as the public list shows it (village, list, masked name).
    pub household: Option<String>,
    pub events: Vec<Event>,
    pub can_add_info: bool,
    pub can_request_review: bool,
    /// Last day to ask for a review of the answer, once there is one.
    pub review_until: Option<chrono::NaiveDate>,
    pub today: chrono::NaiveDate,
    pub notice: Option<Msg>,
    pub errors: Vec<(&'static str, Msg)>,
}

/// The answer the reporter has now: the latest approved answer, refusal or (for a household's
/// own change report) re-check outcome.
pub fn current_answer(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Answered | EventKind::Declined | EventKind::Rechecked
            )
        })
        .max_by_key(|e| e.at)
}

/// One deadline on the tracking page: what it is, the day in words, and what it means.
#[component]
fn Deadline(
    lang: Lang,
    label: Msg,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
    means: Msg,
) -> impl IntoView {
    view! {
        <dt>{lang.t(label)}</dt>
        <dd>
            <strong>{date_words(lang, day, today)}</strong>
            <span class="means">{lang.t(means)}</span>
        </dd>
    }
}

#[component]
pub fn CasePage(lang: Lang, data: CaseData) -> impl IntoView {
    let CaseData {
        case,
        place,
        household,
        events,
        can_add_info,
        can_request_review,
        review_until,
        today,
        notice,
        errors,
    } = data;
    let answer = current_answer(&events).cloned();
    // After a review request the answer deadline is the review's, and says so.
    let (answer_label, answer_means) = if case.status == Status::Reopened {
        (Msg::ReviewAnswerBy, Msg::ReviewAnswerByMeans)
    } else {
        (Msg::AnswerBy, Msg::AnswerByMeans)
    };
    view! {
        <h1>{lang.t(Msg::TrackTitle)}</h1>
        {notice.map(|m| view! { <p class="notice" role="status">{lang.t(m)}</p> })}
        {(!errors.is_empty()).then(|| view! { <p class="error" role="alert">{lang.t(Msg::FormHasErrors)}</p> })}
        <section class="answer-box" aria-labelledby="answer-h">
            <h2 id="answer-h">{lang.t(Msg::LatestAnswer)}</h2>
            {match answer {
                Some(e) => view! {
                    <p class="when">{local_time(e.at)} " · " {lang.t(labels::event(e.kind))}</p>
                    <p class="answer-body">{e.body}</p>
                }
                    .into_any(),
                None => view! { <p class="answer-body">{lang.t(Msg::NoAnswerYet)}</p> }.into_any(),
            }}
            <dl class="facts">
                <dt>{lang.t(Msg::CaseStatus)}</dt>
                <dd class="status"><strong>{lang.t(labels::status(case.status))}</strong></dd>
            </dl>
        </section>
        <dl class="facts">
            <dt>{lang.t(Msg::CategoryLabel)}</dt>
            <dd>{lang.t(labels::category(case.category))}</dd>
            <dt>{lang.t(Msg::WhereLabel)}</dt>
            <dd>{place}</dd>
            {household.map(|h| view! { <dt>{lang.t(Msg::HouseholdConcerned)}</dt><dd class="household">{h}</dd> })}
        </dl>
        <dl class="facts deadlines">
            <Deadline lang label=Msg::AcceptBy day=case.accept_by today means=Msg::AcceptByMeans />
            {case.answer_by.map(|d| view! { <Deadline lang label=answer_label day=d today means=answer_means /> })}
            {review_until.map(|d| view! { <Deadline lang label=Msg::ReviewUntil day=d today means=Msg::ReviewUntilMeans /> })}
        </dl>
        <h2>{lang.t(Msg::Timeline)}</h2>
        <ol class="timeline">
            {events
                .into_iter()
                .map(|e| view! {
                    <li>
                        <span class="when">{local_time(e.at)}</span> " "
                        <strong>{lang.t(labels::event(e.kind))}</strong>
                        {(!e.body.is_empty()).then(|| view! { <p class="event-body">{e.body.clone()}</p> })}
                    </li>
                })
                .collect_view()}
        </ol>
        {can_add_info.then(|| view! {
            <h2>{lang.t(Msg::AddInfo)}</h2>
            <form method="post" action="/track/info" class="form">
                <label for="info">{lang.t(Msg::AddInfoHint)}</label>
                <textarea id="info" name="body" required minlength="10" maxlength="5000" rows="5"></textarea>
                {field_error(lang, &errors, "body")}
                <button type="submit">{lang.t(Msg::AddInfo)}</button>
            </form>
        })}
        {can_request_review.then(|| view! {
            <h2>{lang.t(Msg::RequestReview)}</h2>
            <form method="post" action="/track/review" class="form">
                <label for="review">{lang.t(Msg::RequestReviewHint)}</label>
                <textarea id="review" name="body" required minlength="10" maxlength="5000" rows="4"></textarea>
                {field_error(lang, &errors, "review")}
                <button type="submit">{lang.t(Msg::RequestReview)}</button>
            </form>
        })}
        <form method="post" action="/track/end" class="form">
            <button type="submit" class="secondary">{lang.t(Msg::EndTracking)}</button>
        </form>
    }
}

/// `/change` without a household: how a recipient reports a change or applies to exit.
#[component]
pub fn ChangePage(lang: Lang) -> impl IntoView {
    view! {
        <h1>{lang.t(Msg::ChangeTitle)}</h1>
        <p>{lang.t(Msg::ChangeIntro)}</p>
        <p>{lang.t(Msg::ChangeHowTo)}</p>
        <p><a class="button" href="/">{lang.t(Msg::ChangeFindVillage)}</a></p>
    }
}
