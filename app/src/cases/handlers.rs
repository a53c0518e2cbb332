//! Staff handlers of the case file. Each decides access first (through `steps::load`, or
//! `require`/`require_village` with the object's township and village), calls one service, and
//! renders or redirects.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::cases::register::{self, Registration};
use crate::cases::steps::{self, Input, MeetingDecision};
use crate::cases::views::{
    CaseCard, CaseData, CaseForms, CaseListPage, CasePage, ListData, MeetingCase, MeetingPage,
    NewCaseData, NewCasePage,
};
use crate::cases::{evidence, lists, waiting_for};
use crate::db::cases::{self as cdb, CaseFilter, RelativeDeclaration};
use crate::db::{now_epoch, publicity as pdb, regions, staff as staff_db, today_cst};
use crate::domain::access::{Perm, Scope};
use crate::domain::case::{RelativeOf, Stage, TownshipDecision};
use crate::domain::{AidCategory, BatchKind, Fen};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::cookies::no_store;
use crate::web::ctx::PageCtx;
use crate::web::files;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::shell::nav;
use crate::web::state::AppState;

/// A form of many fields (indexed rows, repeated checkboxes), as pairs.
type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn region_label(lang: Lang, r: &regions::Region) -> String {
    lang.pick(&r.name_zh, r.name_en.as_deref()).to_owned()
}

async fn place(state: &AppState, lang: Lang, village_id: i64) -> AppResult<String> {
    Ok(regions::by_id(&state.db, village_id)
        .await?
        .map(|v| region_label(lang, &v))
        .unwrap_or_default())
}

fn with_status(mut res: Response, failed: bool) -> Response {
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(res)
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

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    staff.require_role(Perm::ReadCases)?;
    let lang = ctx.lang;
    let villages = regions::villages_in_scope(&state.db, staff.scope()).await?;
    let villages: Vec<_> = villages
        .into_iter()
        .filter(|v| staff.village_scope().is_none_or(|mine| mine == v.id))
        .collect();
    let village = q
        .village
        .as_deref()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| villages.iter().any(|r| r.id == *v))
        .or(staff.village_scope());
    let filter = CaseFilter {
        scope: staff.scope().clone(),
        village_id: village,
        stage: q.stage.as_deref().and_then(|s| Stage::parse(s).ok()),
        batch_id: None,
    };
    let now = now_epoch();
    let mut cards = Vec::new();
    for case in cdb::list(&state.db, &filter, 500).await? {
        cards.push(CaseCard {
            place: format!(
                "{} {}",
                place(&state, lang, case.village_id).await?,
                case.group_name
            ),
            days_in_stage: (now - case.stage_since).max(0) / 86_400,
            waiting_for: waiting_for(&state, lang, &case).await?,
            case,
        });
    }
    let township = village
        .and_then(|v| villages.iter().find(|r| r.id == v))
        .and_then(|v| v.parent_id);
    let data = ListData {
        cards,
        villages: villages
            .iter()
            .map(|v| (v.id, region_label(lang, v)))
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
    let (nav, csrf) = (nav(&staff), staff.csrf.clone());
    let page = view! { <CaseListPage lang nav csrf data /> };
    Ok(no_store(
        ctx.render(lang.t(Msg::CaseListTitle), page).into_response(),
    ))
}

/// Villages the viewer may register in: (code, "township · village").
async fn register_villages(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
) -> AppResult<Vec<(String, String)>> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    Ok(regions::villages_in_scope(&state.db, staff.scope())
        .await?
        .into_iter()
        .filter(|v| staff.village_scope().is_none_or(|mine| mine == v.id))
        .map(|v| {
            let t = townships
                .iter()
                .find(|t| Some(t.id) == v.parent_id)
                .map(|t| region_label(lang, t))
                .unwrap_or_default();
            (v.code.clone(), format!("{t} · {}", region_label(lang, &v)))
        })
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
    let (nav, csrf) = (nav(staff), staff.csrf.clone());
    let page = view! { <NewCasePage lang nav csrf data /> };
    Ok(with_status(
        ctx.render(lang.t(Msg::NewApplication), page)
            .into_response(),
        failed,
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require_role(Perm::RegisterCases)?;
    let form = Registration {
        fields: vec![
            ("received_on".into(), today_cst().to_string()),
            ("category".into(), AidCategory::General.as_str().into()),
        ],
    };
    new_page(&state, &ctx, &staff, form, vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
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

async fn case_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    id: i64,
    error: Option<Msg>,
    notice: Option<Msg>,
) -> AppResult<Response> {
    let case = steps::load(state, staff, id, Perm::ReadCases).await?;
    let lang = ctx.lang;
    let (t, v) = (case.township_id, case.village_id);
    let open = !case.stage.is_final();
    let forms = CaseForms {
        accept: staff.can_village(Perm::ProcessCases, t, v),
        survey: staff.can_village(Perm::ProcessCases, t, v) && staff.village_scope().is_none(),
        village_review: staff.can_village(Perm::ProcessCases, t, v),
        county_check: staff.can(Perm::ApproveCases, Some(t)),
        county_decide: staff.can(Perm::ApproveCases, Some(t)),
        declare: open && staff.can_village(Perm::RegisterCases, t, v),
        upload: open && staff.can_village(Perm::RegisterCases, t, v),
    };
    let check_needed = match case.review_batch_id {
        Some(b) if case.stage == Stage::InReviewPublicity => steps::required_checks(state, b)
            .await?
            .unwrap_or_default()
            .iter()
            .any(|c| c.case_id == id && !c.checked),
        _ => false,
    };
    let data = CaseData {
        place: place(state, lang, v).await?,
        members: cdb::members(&state.db, id).await?,
        relatives: cdb::relatives(&state.db, id).await?,
        steps: cdb::steps(&state.db, id).await?,
        evidence: cdb::evidence(&state.db, id).await?,
        waiting_for: waiting_for(state, lang, &case).await?,
        forms,
        visitors: visitors(state, t).await?,
        panels: crate::db::draws::drawn_panels(&state.db, v)
            .await?
            .into_iter()
            .map(|d| (d.id, d.purpose))
            .collect(),
        check_needed,
        today: today_cst(),
        error,
        notice,
        written: if !staff.processes(t) {
            Vec::new()
        } else {
            crate::db::notices::list(
                &state.db,
                &crate::db::notices::NoticeFilter {
                    case_id: Some(id),
                    ..Default::default()
                },
                20,
            )
            .await?
            .into_iter()
            .map(|n| (n.id, n.number, n.delivered_on.is_some()))
            .collect()
        },
        case,
    };
    let (nav, csrf) = (nav(staff), staff.csrf.clone());
    let page = view! { <CasePage lang nav csrf data /> };
    Ok(with_status(
        ctx.render(lang.t(Msg::CaseTitle), page).into_response(),
        error.is_some(),
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    case_page(&state, &ctx, &staff, id, None, q.done.map(|_| Msg::Saved)).await
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
        "survey" => Input::Survey {
            visited_on: date(field(f, "visited_on")).ok_or(Msg::DateInvalid)?,
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
        },
        "village_review" => Input::VillageReview {
            held_on: date(field(f, "held_on")).ok_or(Msg::DateInvalid)?,
            panel: field(f, "panel")
                .parse()
                .map_err(|_| Msg::GatePanelNotDrawn)?,
            votes_for: number("votes_for")?,
            votes_against: number("votes_against")?,
            remarks: text("remarks"),
        },
        "county_check" => Input::CountyCheck {
            checked_on: date(field(f, "checked_on")).ok_or(Msg::DateInvalid)?,
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
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, step)): Path<(i64, String)>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let case = steps::load(&state, &staff, id, Perm::ReadCases).await?;
    let outcome = match step.as_str() {
        "declare" => {
            let d = RelativeDeclaration {
                id: 0,
                member_name: field(&f, "r0_member").to_owned(),
                kind: RelativeOf::parse(field(&f, "r0_kind")).map_err(|_| AppError::NotFound)?,
                related_name: field(&f, "r0_name").to_owned(),
                related_post: field(&f, "r0_post").to_owned(),
                relation: field(&f, "r0_relation").to_owned(),
            };
            let named = cdb::members(&state.db, id)
                .await?
                .iter()
                .any(|m| m.name == d.member_name);
            let ok = named
                && register::valid_person_name(&d.related_name)
                && !d.related_post.is_empty()
                && !d.relation.is_empty();
            if ok {
                steps::declare(&state, &staff, &case, Some(&d), None).await?
            } else {
                Err(Msg::NameInvalid)
            }
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
        Err(m) => case_page(&state, &ctx, &staff, id, Some(m), None).await,
    }
}

/// `POST /staff/cases/{id}/evidence` (multipart: csrf, file).
pub async fn upload_evidence(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let upload = files::read_upload(&mut multipart, lang).await?;
    if !crate::web::session::constant_time_eq(upload.field("csrf"), &staff.csrf) {
        return Err(AppError::CrossSite);
    }
    let case = steps::load(&state, &staff, id, Perm::ReadCases).await?;
    let Some((name, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::invalid("file", lang.t(Msg::EvidenceTypeRule)));
    };
    evidence::store(&state, &staff, &case, &name, &bytes).await?;
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
    let (content_type, name, bytes) = evidence::open(&state, &staff, &case, file).await?;
    Ok(files::serve(&content_type, &name, bytes))
}

#[derive(Deserialize)]
pub struct MeetingQuery {
    township: Option<i64>,
}

async fn meeting_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    township: i64,
    error: Option<(i64, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let filter = CaseFilter {
        scope: Scope::Township(township),
        stage: Some(Stage::VillageReviewed),
        ..Default::default()
    };
    let mut cases = Vec::new();
    for case in cdb::list(&state.db, &filter, 500).await? {
        cases.push(MeetingCase {
            place: format!(
                "{} {}",
                place(state, lang, case.village_id).await?,
                case.group_name
            ),
            case,
        });
    }
    let (nav, csrf, today) = (nav(staff), staff.csrf.clone(), today_cst());
    let page = view! { <MeetingPage lang nav csrf township cases error today /> };
    Ok(with_status(
        ctx.render(lang.t(Msg::MeetingTitle), page).into_response(),
        error.is_some(),
    ))
}

pub async fn meeting_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Query(q): Query<MeetingQuery>,
) -> AppResult<Response> {
    let township = q
        .township
        .or(staff.scope().township())
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    meeting_page(&state, &ctx, &staff, township, None).await
}

/// The decisions a meeting form carries: `c{id}_decision` = approve | refuse | later.
fn meeting_decisions(f: &Fields) -> Result<Vec<MeetingDecision>, (i64, Msg)> {
    let mut out = Vec::new();
    for (k, v) in f {
        let Some(id) = k
            .strip_prefix('c')
            .and_then(|r| r.strip_suffix("_decision"))
        else {
            continue;
        };
        let Ok(case_id) = id.parse::<i64>() else {
            continue;
        };
        let get = |name: &str| field(f, &format!("c{case_id}_{name}")).to_owned();
        let decision = match v.as_str() {
            "approve" => {
                let category = AidCategory::parse(&get("category"))
                    .map_err(|_| (case_id, Msg::GateDecisionIncomplete))?;
                let class = match get("class").as_str() {
                    "" => None,
                    c => Some(
                        c.parse::<u8>()
                            .ok()
                            .filter(|c| (1..=3).contains(c))
                            .ok_or((case_id, Msg::GateDecisionIncomplete))?,
                    ),
                };
                let fen = Fen::parse_yuan(&get("amount"))
                    .map_err(|_| (case_id, Msg::GateDecisionIncomplete))?;
                TownshipDecision::Approve {
                    category,
                    class,
                    monthly_fen: fen.fen(),
                }
            }
            "refuse" => TownshipDecision::Refuse {
                reason: get("reason"),
            },
            _ => continue,
        };
        out.push(MeetingDecision { case_id, decision });
    }
    Ok(out)
}

pub async fn record_meeting(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let township = field(&f, "township")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    let Some(held_on) = date(field(&f, "held_on")) else {
        return meeting_page(&state, &ctx, &staff, township, Some((0, Msg::DateInvalid))).await;
    };
    let attendees = field(&f, "attendees");
    let decisions = match meeting_decisions(&f) {
        Ok(d) if !d.is_empty() && attendees.chars().count() >= 2 => d,
        Ok(_) => {
            return meeting_page(
                &state,
                &ctx,
                &staff,
                township,
                Some((0, Msg::GateReviewIncomplete)),
            )
            .await
        }
        Err(e) => return meeting_page(&state, &ctx, &staff, township, Some(e)).await,
    };
    match steps::record_meeting(&state, &staff, township, held_on, attendees, &decisions).await? {
        Ok(_) => Ok(Redirect::to("/staff/cases?done=1").into_response()),
        Err(e) => meeting_page(&state, &ctx, &staff, township, Some(e)).await,
    }
}

#[derive(Deserialize)]
pub struct ListForm {
    #[serde(default)]
    village: String,
    #[serde(default)]
    kind: String,
}

/// `POST /staff/cases/lists`: a draft 审核/审批 list for a village from its waiting cases.
pub async fn make_list(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, form): StaffForm<ListForm>,
) -> AppResult<Response> {
    let village = form
        .village
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let kind = BatchKind::parse(&form.kind).map_err(|_| AppError::NotFound)?;
    match lists::make(&state, &staff, village, kind).await? {
        Ok(batch) => Ok(Redirect::to(&format!("/staff/publicity/{batch}")).into_response()),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}

/// `POST /staff/cases/standing`: next month's standing list for a village, as a draft.
pub async fn next_standing(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, form): StaffForm<ListForm>,
) -> AppResult<Response> {
    let village = form
        .village
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    match lists::next_standing(&state, &staff, village).await? {
        Ok(batch) => Ok(Redirect::to(&format!("/staff/publicity/{batch}")).into_response()),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn load_list(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<pdb::Batch> {
    let batch = pdb::batch(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require(Perm::ReadCases, Some(batch.township_id))?;
    Ok(batch)
}

fn saved_batch(id: i64) -> Response {
    Redirect::to(&format!("/staff/publicity/{id}?done=1")).into_response()
}

/// `POST /staff/cases/lists/{batch}/publish`.
pub async fn publish_list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    lists::publish(&state, ctx.lang, &staff, &batch).await?;
    Ok(saved_batch(id))
}

/// `POST /staff/cases/lists/{batch}/withdraw`.
pub async fn withdraw_list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    let Some(reason) = steps::reason(&form.reason).filter(|r| r.chars().count() <= 200) else {
        return Err(AppError::invalid("reason", ctx.lang.t(Msg::ReasonRequired)));
    };
    lists::withdraw(&state, ctx.lang, &staff, &batch, &reason).await?;
    Ok(saved_batch(id))
}

/// `POST /staff/cases/lists/{batch}/enroll`.
pub async fn enroll(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    match lists::enroll(&state, &staff, &batch).await? {
        Ok(_) => Ok(saved_batch(id)),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}
