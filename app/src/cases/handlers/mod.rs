//! Staff handlers of the case file. Each decides access first (through `steps::load`, or
//! `require`/`require_village` with the object's township and village), calls one service, and
//! renders or redirects.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::cases::register::{self, Registration};
use crate::cases::steps::{self, Input, MeetingDecision, ReviewInput, SurveyInput};
use crate::cases::views::{
    CaseCard, CaseData, CaseForms, CaseListPage, CasePage, ListData, MeetingCase, MeetingPage,
    NewCaseData, NewCasePage, Typed, MEETING,
};
use crate::cases::{evidence, lists, waiting_for};
use crate::db::cases::{self as cdb, CaseFilter, RelativeDeclaration};
use crate::db::{now_epoch, publicity as pdb, regions, staff as staff_db, today_cst};
use crate::domain::access::{Perm, Scope};
use crate::domain::case::{RelativeOf, Stage, TownshipDecision};
use crate::domain::{AidCategory, BatchKind, Fen};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::files::{self, StaffUpload};
use crate::web::forms::{chosen_village, Empty, ReasonForm, SavedQuery};
use crate::web::forms::{field, Fields};
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::state::AppState;

mod meeting;
pub use meeting::*;
mod made_lists;
pub use made_lists::*;

/// A date a step or meeting took place, as typed: within the last year (older is a typing
/// error: a case is registered within a year of its application and moves on from there).
/// Dates to come are refused by each step's own rule.
fn date(s: &str) -> Result<NaiveDate, Msg> {
    let earliest = today_cst() - chrono::Duration::days(366);
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Msg::DateInvalid)?;
    if d > earliest {
        Ok(d)
    } else {
        Err(Msg::DateTooOld)
    }
}

/// The longest any one field of a step or meeting form may be (characters): findings, remarks,
/// reasons; the forms' own rules ask for less where they have one.
const MAX_FIELD_CHARS: usize = 2000;

fn too_long(f: &Fields) -> bool {
    f.iter().any(|(_, v)| v.chars().count() > MAX_FIELD_CHARS)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    village: Option<String>,
    stage: Option<String>,
    done: Option<String>,
}

/// The village forms of the list page: make a 审核/审批 list, the next standing list.
fn list_actions(staff: &StaffCtx, township: Option<i64>) -> Vec<(&'static str, &'static str, Msg)> {
    let mut out = Vec::new();
    if staff.can(Perm::ProcessCases, township) && staff.village_scope().is_none() {
        out.push(("/staff/cases/lists", "review", Msg::GenerateReviewList));
    }
    if staff.can(Perm::ApproveCases, township) {
        out.push(("/staff/cases/lists", "approval", Msg::GenerateApprovalList));
    }
    if staff.can(Perm::EditPublicity, township) {
        out.push(("/staff/cases/standing", "standing", Msg::GenerateStanding));
    }
    out
}

/// The list's cards: the cases the filter picks (500 at most), each with its place, how long it
/// has been at its stage and what it waits for.
async fn case_cards(state: &AppState, lang: Lang, filter: &CaseFilter) -> AppResult<Vec<CaseCard>> {
    let now = now_epoch();
    let mut cards = Vec::new();
    for case in cdb::list(&state.db, filter, 500).await? {
        cards.push(CaseCard {
            place: format!(
                "{} {}",
                regions::name_of(&state.db, lang, Some(case.village_id)).await?,
                case.group_name
            ),
            days_in_stage: (now - case.stage_since).max(0) / 86_400,
            waiting_for: waiting_for(state, lang, &case).await?,
            case,
        });
    }
    Ok(cards)
}

pub async fn list(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    staff.require_role(Perm::ReadCases)?;
    let lang = ctx.lang;
    let villages = regions::villages_in_scope(&state.db, staff.scope()).await?;
    let villages: Vec<_> = villages
        .into_iter()
        .filter(|v| staff.village_scope().is_none_or(|mine| mine == v.id))
        .collect();
    let village = chosen_village(q.village.as_deref(), &villages).or(staff.village_scope());
    let filter = CaseFilter {
        scope: staff.scope().clone(),
        village_id: village,
        stage: q.stage.as_deref().and_then(|s| Stage::parse(s).ok()),
        batch_id: None,
    };
    let township = village
        .and_then(|v| villages.iter().find(|r| r.id == v))
        .and_then(|v| v.parent_id);
    let data = ListData {
        cards: case_cards(&state, lang, &filter).await?,
        villages: villages
            .iter()
            .map(|v| (v.id, v.name(lang).to_owned()))
            .collect(),
        village,
        stage: filter.stage,
        can_register: staff.can_role(Perm::RegisterCases),
        meeting_township: staff
            .scope()
            .township()
            .filter(|t| staff.can(Perm::ProcessCases, Some(*t)) && staff.village_scope().is_none()),
        list_actions: if village.is_some() {
            list_actions(&staff, township)
        } else {
            vec![]
        },
        notice: q.done.map(|_| Msg::Saved),
    };
    let page = |nav, csrf| view! { <CaseListPage lang nav csrf data /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::CaseListTitle), false, page))
}

/// Villages the viewer may register in: (code, "township · village").
async fn register_villages(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
) -> AppResult<Vec<(String, String)>> {
    Ok(regions::villages_labelled(&state.db, staff.scope(), lang)
        .await?
        .into_iter()
        .filter(|(v, _)| staff.village_scope().is_none_or(|mine| mine == v.id))
        .map(|(v, label)| (v.code, label))
        .collect())
}

async fn new_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    form: Registration,
    errors: Vec<(String, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let failed = !errors.is_empty();
    let data = NewCaseData {
        villages: register_villages(state, staff, lang).await?,
        form,
        errors,
    };
    let page = |nav, csrf| view! { <NewCasePage lang nav csrf data /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::NewApplication), failed, page))
}

pub async fn new_form(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::RegisterCases)?;
    let form = Registration {
        fields: vec![
            ("form_token".into(), register::new_form_token()),
            ("received_on".into(), today_cst().to_string()),
            ("category".into(), AidCategory::General.as_str().into()),
        ],
    };
    new_page(&state, &ctx, &staff, form, vec![]).await
}

pub async fn create(
    Page { state, ctx }: Page,
    StaffForm(staff, fields): StaffForm<Fields>,
) -> AppResult<Response> {
    staff.require_role(Perm::RegisterCases)?;
    let form = Registration { fields };
    match register::check(&form, today_cst()) {
        Ok(valid) => {
            let id = register::register(&state, &staff, &valid).await?;
            Ok(Redirect::to(&format!("/staff/cases/{id}?done=1")).into_response())
        }
        Err(errors) => new_page(&state, &ctx, &staff, form, errors).await,
    }
}

/// Who may sign a household visit of a case in `township_id`, as (id, name).
async fn visitors(state: &AppState, township_id: i64) -> AppResult<Vec<(i64, String)>> {
    let county = regions::county_of(&state.db, Some(township_id)).await?;
    Ok(staff_db::list(&state.db, &Scope::All)
        .await?
        .into_iter()
        .filter(|s| steps::may_visit(s, township_id, county))
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// The forms the case page offers this viewer.
fn case_forms(staff: &StaffCtx, case: &cdb::Case) -> CaseForms {
    let (t, v) = (case.township_id, case.village_id);
    let open = !case.stage.is_final();
    CaseForms {
        accept: staff.can_village(Perm::ProcessCases, t, v),
        survey: staff.can_village(Perm::ProcessCases, t, v) && staff.village_scope().is_none(),
        village_review: staff.can_village(Perm::ProcessCases, t, v),
        county_check: staff.can(Perm::ApproveCases, Some(t)),
        county_decide: staff.can(Perm::ApproveCases, Some(t)),
        declare: open && staff.can_village(Perm::RegisterCases, t, v),
        undeclare: open && staff.processes(t),
        upload: open && staff.can_village(Perm::RegisterCases, t, v),
    }
}

/// Whether the case's 审核 list waits for the county's check of this case.
async fn check_needed(state: &AppState, case: &cdb::Case) -> AppResult<bool> {
    Ok(match case.review_batch_id {
        Some(b) if case.stage == Stage::InReviewPublicity => steps::required_checks(state, b)
            .await?
            .unwrap_or_default()
            .iter()
            .any(|c| c.case_id == case.id && !c.checked),
        _ => false,
    })
}

/// The written notices of the case (number, delivered or not), for those who process its
/// township.
async fn written_notices(
    state: &AppState,
    staff: &StaffCtx,
    case: &cdb::Case,
) -> AppResult<Vec<(i64, String, bool)>> {
    if !staff.processes(case.township_id) {
        return Ok(Vec::new());
    }
    let filter = crate::db::notices::NoticeFilter {
        case_id: Some(case.id),
        ..Default::default()
    };
    Ok(crate::db::notices::list(&state.db, &filter, 20)
        .await?
        .into_iter()
        .map(|n| (n.id, n.number, n.delivered_on.is_some()))
        .collect())
}

async fn case_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: i64,
    error: Option<Msg>,
    notice: Option<Msg>,
    typed: Typed,
) -> AppResult<Response> {
    let case = steps::load(state, staff, id, Perm::ReadCases).await?;
    let lang = ctx.lang;
    let (t, v) = (case.township_id, case.village_id);
    let data = CaseData {
        place: regions::name_of(&state.db, lang, Some(v)).await?,
        members: cdb::members(&state.db, id).await?,
        relatives: cdb::relatives(&state.db, id).await?,
        steps: cdb::steps(&state.db, id).await?,
        evidence: cdb::evidence(&state.db, id).await?,
        waiting_for: waiting_for(state, lang, &case).await?,
        forms: case_forms(staff, &case),
        visitors: visitors(state, t).await?,
        panels: crate::db::draws::drawn_panels(
            &state.db,
            v,
            crate::domain::case::panels_serving_since(crate::db::now_epoch()),
        )
        .await?
        .into_iter()
        .map(|d| (d.id, d.purpose))
        .collect(),
        check_needed: check_needed(state, &case).await?,
        today: today_cst(),
        error,
        notice,
        written: written_notices(state, staff, &case).await?,
        typed,
        case,
    };
    let page = |nav, csrf| view! { <CasePage lang nav csrf data /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::CaseTitle), error.is_some(), page))
}

pub async fn detail(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<Response> {
    case_page(&state, &ctx, &staff, id, None, q.notice(), Typed::default()).await
}

/// The step a form asks for, read from its fields; `Err(msg)` for a form that cannot be read.
fn step_input(step: &str, f: &Fields) -> Result<Input, Msg> {
    let text = |k: &str| field(f, k).to_owned();
    let number = |k: &str| {
        field(f, k)
            .parse::<i64>()
            .map_err(|_| Msg::GateReviewIncomplete)
    };
    Ok(match step {
        "accept" => Input::Accept,
        "reject" => Input::Reject {
            reason: text("reason"),
        },
        "survey" => Input::Survey(SurveyInput {
            visited_on: date(field(f, "visited_on"))?,
            visitors: f
                .iter()
                .filter(|(k, _)| k == "visitor")
                .filter_map(|(_, v)| v.trim().parse().ok())
                .collect(),
            income: text("income"),
            assets: text("assets"),
            living: text("living"),
            refusal: match field(f, "outcome") {
                "eligible" => None,
                "ineligible" => Some(text("reason")),
                _ => return Err(Msg::BadRequestBody),
            },
        }),
        "village_review" => Input::VillageReview(ReviewInput {
            held_on: date(field(f, "held_on"))?,
            panel: field(f, "panel")
                .parse()
                .map_err(|_| Msg::GatePanelNotDrawn)?,
            votes_for: number("votes_for")?,
            votes_against: number("votes_against")?,
            remarks: text("remarks"),
        }),
        "county_check" => Input::CountyCheck {
            checked_on: date(field(f, "checked_on"))?,
            findings: text("findings"),
        },
        "county_decide" => Input::CountyDecide {
            refusal: match field(f, "decision") {
                "approve" => None,
                "refuse" => Some(text("reason")),
                _ => return Err(Msg::BadRequestBody),
            },
        },
        _ => return Err(Msg::NotFoundBody),
    })
}

/// `POST /staff/cases/{id}/{step}`.
pub async fn act(
    Page { state, ctx }: Page,
    Path((id, step)): Path<(i64, String)>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let case = steps::load(&state, &staff, id, Perm::ReadCases).await?;
    if too_long(&f) {
        let typed = Typed { step, fields: f };
        return case_page(
            &state,
            &ctx,
            &staff,
            id,
            Some(Msg::TextTooLong),
            None,
            typed,
        )
        .await;
    }
    let outcome = match step.as_str() {
        "declare" => {
            let d = RelativeDeclaration {
                id: 0,
                member_name: field(&f, "r0_member").to_owned(),
                kind: RelativeOf::parse(field(&f, "r0_kind")).map_err(|_| {
                    AppError::invalid("r0_kind", ctx.lang.t(Msg::RelativeKindInvalid))
                })?,
                related_name: field(&f, "r0_name").to_owned(),
                related_post: field(&f, "r0_post").to_owned(),
                relation: field(&f, "r0_relation").to_owned(),
            };
            steps::declare(&state, &staff, &case, Some(&d), None).await?
        }
        "undeclare" => {
            let rel = field(&f, "relative")
                .parse::<i64>()
                .map_err(|_| AppError::NotFound)?;
            match steps::reason(field(&f, "reason")) {
                Some(why) => steps::declare(&state, &staff, &case, None, Some((rel, &why))).await?,
                None => Err(Msg::GateReason),
            }
        }
        other => match step_input(other, &f) {
            Ok(input) => steps::perform(&state, &staff, &case, input).await?,
            Err(Msg::NotFoundBody) => return Err(AppError::NotFound),
            Err(m) => Err(m),
        },
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/staff/cases/{id}?done=1")).into_response()),
        Err(m) => {
            let typed = Typed { step, fields: f };
            case_page(&state, &ctx, &staff, id, Some(m), None, typed).await
        }
    }
}

/// `POST /staff/cases/{id}/evidence` (multipart: csrf, file).
pub async fn upload_evidence(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffUpload(staff, upload): StaffUpload,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let case = steps::load(&state, &staff, id, Perm::ReadCases).await?;
    let Some(file) = upload.into_file() else {
        return Err(AppError::invalid("file", lang.t(Msg::EvidenceTypeRule)));
    };
    evidence::store(&state, &staff, &case, &file.name, &file.bytes).await?;
    Ok(Redirect::to(&format!("/staff/cases/{id}?done=1")).into_response())
}

/// `GET /staff/cases/{id}/evidence/{file}`: staff in scope only, audited, never cached; a PDF
/// is downloaded rather than opened in the page.
pub async fn evidence_file(
    State(state): State<AppState>,
    staff: StaffCtx,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let case = steps::load(&state, &staff, id, Perm::ReadCases).await?;
    Ok(files::serve(
        evidence::open(&state, &staff, &case, file).await?,
    ))
}
