//! The case page: the next step first, other actions folded, members, declarations, evidence and
//! the signed record.

use super::*;

/// Which forms the case page offers the viewer.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseForms {
    pub accept: bool,
    pub survey: bool,
    pub village_review: bool,
    pub county_check: bool,
    pub county_decide: bool,
    pub declare: bool,
    /// Removing a declaration: the township's process staff and the county, never a village
    /// assistant (who may declare, not take a declaration back).
    pub undeclare: bool,
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
    /// What the refused form held, shown again.
    pub typed: Typed,
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
    let t = &d.typed;
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
                area(
                    "reason",
                    lang.t(Msg::ReasonLabel).to_owned(),
                    true,
                    t.or("reject", "reason", ""),
                )
                .into_any(),
            ));
        }
        Stage::Accepted if f.survey => {
            let visitors = d
                .visitors
                .iter()
                .map(|(sid, name)| {
                    let ticked = t.sent("survey", "visitor", &sid.to_string());
                    view! { <label class="check"><input type="checkbox" name="visitor" value=sid.to_string() checked=ticked /> " " {name.clone()}</label> }
                })
                .collect_view();
            let body = view! {
                {date_input("visited_on", lang.t(Msg::VisitedOnLabel).to_owned(), t.or("survey", "visited_on", &today))}
                <fieldset><legend>{lang.t(Msg::VisitorsLabel)}</legend>{visitors}</fieldset>
                {area("income", lang.t(Msg::IncomeLabel).to_owned(), true, t.or("survey", "income", ""))}
                {area("assets", lang.t(Msg::AssetsLabel).to_owned(), false, t.or("survey", "assets", ""))}
                {area("living", lang.t(Msg::LivingLabel).to_owned(), false, t.or("survey", "living", ""))}
                <fieldset><legend>{lang.t(Msg::SurveyOutcomeLabel)}</legend>
                    <label class="check"><input type="radio" name="outcome" value="eligible" required checked=t.sent("survey", "outcome", "eligible") /> " " {lang.t(Msg::EligibleLabel)}</label>
                    <label class="check"><input type="radio" name="outcome" value="ineligible" checked=t.sent("survey", "outcome", "ineligible") /> " " {lang.t(Msg::IneligibleLabel)}</label>
                </fieldset>
                {area("reason", lang.t(Msg::ReasonLabel).to_owned(), false, t.or("survey", "reason", ""))}
            }
            .into_any();
            forms.push(step_form(lang, csrf, id, "survey", Msg::Save, body));
        }
        Stage::Surveyed if f.village_review => {
            let panels = d
                .panels
                .iter()
                .map(|(id, purpose)| {
                    let chosen = t.sent("village_review", "panel", &id.to_string());
                    view! { <option value=id.to_string() selected=chosen>{purpose.clone()} " (#" {*id} ")"</option> }
                })
                .collect_view();
            let body = view! {
                {date_input("held_on", lang.t(Msg::HeldOnLabel).to_owned(), t.or("village_review", "held_on", &today))}
                <label for="f-panel">{lang.t(Msg::PanelMembersLabel)}</label>
                <select id="f-panel" name="panel" required>{panels}</select>
                <p class="hint">{lang.t(Msg::PanelHint)} " " <a href="/staff/draws">{lang.t(Msg::DrawsStaffTitle)}</a></p>
                <label for="f-for">{lang.t(Msg::VotesForLabel)}</label>
                <input id="f-for" name="votes_for" type="number" min="0" max="99" inputmode="numeric" required value=t.or("village_review", "votes_for", "") />
                <label for="f-against">{lang.t(Msg::VotesAgainstLabel)}</label>
                <input id="f-against" name="votes_against" type="number" min="0" max="99" inputmode="numeric" required value=t.or("village_review", "votes_against", "") />
                {area("remarks", lang.t(Msg::RemarksLabel).to_owned(), false, t.or("village_review", "remarks", ""))}
            }
            .into_any();
            forms.push(step_form(lang, csrf, id, "village_review", Msg::Save, body));
        }
        Stage::InReviewPublicity => {
            // The county's spot-check comes first when this case is one it must check.
            let check_form = || {
                let body = view! {
                    {date_input("checked_on", lang.t(Msg::CheckedOnLabel).to_owned(), t.or("county_check", "checked_on", &today))}
                    {area("findings", lang.t(Msg::CheckFindingsLabel).to_owned(), true, t.or("county_check", "findings", ""))}
                }
                .into_any();
                step_form(lang, csrf, id, "county_check", Msg::RecordCheck, body)
            };
            if f.county_check && d.check_needed {
                forms.push(check_form());
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
                    {area("reason", lang.t(Msg::ReasonLabel).to_owned(), true, t.or("county_decide", "reason", ""))}
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
                forms.push(check_form());
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
    let member_heads = [
        heads(
            lang,
            &[Msg::MemberNameLabel, Msg::RelationLabel, Msg::IdNumberLabel],
        ),
        vec![Th::text(" ")],
    ]
    .concat();
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
            let remove = data.forms.undeclare.then(|| view! {
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
        let t = &data.typed;
        let kinds = RelativeOf::ALL
            .iter()
            .map(|k| view! { <option value=k.as_str() selected=t.sent("declare", "r0_kind", k.as_str())>{lang.t(labels::relative_of(*k))}</option> })
            .collect_view();
        let v = |name: &str| t.or("declare", name, "");
        view! {
            <details open=t.step == "declare">
                <summary>{lang.t(Msg::AddRelative)}</summary>
                <form method="post" action=format!("/staff/cases/{id}/declare") class="form">
                    <Csrf token=csrf.clone() />
                    {text_input("r0_member".into(), lang.t(Msg::MemberNameLabel).to_owned(), v("r0_member"), 30)}
                    <label for="f-kind">{lang.t(Msg::RelativeKindLabel)}</label>
                    <select id="f-kind" name="r0_kind">{kinds}</select>
                    {text_input("r0_name".into(), lang.t(Msg::RelatedNameLabel).to_owned(), v("r0_name"), 30)}
                    {text_input("r0_post".into(), lang.t(Msg::RelatedPostLabel).to_owned(), v("r0_post"), 30)}
                    {text_input("r0_relation".into(), lang.t(Msg::RelativeRelationLabel).to_owned(), v("r0_relation"), 30)}
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
        <DataTable label=lang.t(Msg::MembersTitle) heads=member_heads>
            {members}
        </DataTable>
        <h2>{lang.t(Msg::RelativesTitle)}</h2>
        {data.relatives.is_empty().then(|| view! { <p>{lang.t(Msg::NoRelatives)}</p> })}
        <ul class="plain">{relatives}</ul>
        {declare}
        <h2>{lang.t(Msg::TimelineTitle)}</h2>
        <ol class="timeline">{steps}</ol>
        <p><a href="/staff/cases">{lang.t(Msg::CaseListTitle)}</a></p>
    }
}
