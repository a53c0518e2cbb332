//! The township's review meeting (研判会): the cases waiting for it, and its decisions recorded at
//! once.

use super::*;
use crate::web::ctx::Page;
use crate::web::session::StaffPage;

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
    typed: Typed,
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
                regions::name_of(&state.db, lang, Some(case.village_id)).await?,
                case.group_name
            ),
            case,
        });
    }
    let (today, failed) = (today_cst(), error.is_some());
    let page = |nav, csrf| view! { <MeetingPage lang nav csrf township cases error today typed /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::MeetingTitle), failed, page))
}

pub async fn meeting_form(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<MeetingQuery>,
) -> AppResult<Response> {
    let township = q
        .township
        .or(staff.scope().township())
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    meeting_page(&state, &ctx, &staff, township, None, Typed::default()).await
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
    Page { state, ctx }: Page,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let township = field(&f, "township")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    // Refused: the meeting page again, with why and the form as it was sent.
    let refused = async |error: (i64, Msg)| {
        let typed = Typed {
            step: MEETING.into(),
            fields: f.clone(),
        };
        meeting_page(&state, &ctx, &staff, township, Some(error), typed).await
    };
    if too_long(&f) {
        return refused((0, Msg::TextTooLong)).await;
    }
    let held_on = match date(field(&f, "held_on")) {
        Ok(d) => d,
        Err(m) => return refused((0, m)).await,
    };
    let attendees = field(&f, "attendees");
    let decisions = match meeting_decisions(&f) {
        Ok(d) if !d.is_empty() && attendees.chars().count() >= 2 => d,
        Ok(_) => return refused((0, Msg::GateReviewIncomplete)).await,
        Err(e) => return refused(e).await,
    };
    match steps::record_meeting(&state, &staff, township, held_on, attendees, &decisions).await? {
        Ok(_) => Ok(Redirect::to("/staff/cases?done=1").into_response()),
        Err(e) => refused(e).await,
    }
}
