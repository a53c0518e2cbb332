//! The case file (审核审批): every application of a household, from registration to the
//! standing list, each stage dated and signed by named staff, the plan's controls as gates, and
//! the 审核/审批 lists made from decided cases.

pub mod evidence;
pub mod handlers;
pub mod lists;
pub mod register;
pub mod steps;
pub mod views;

use crate::db::cases::Case;
use crate::db::publicity as pdb;
use crate::domain::case::Stage;
use crate::error::AppResult;
use crate::i18n::{Lang, Msg};
use crate::web::state::AppState;

/// What a case waits for, in words (with the date a window closes, where one matters).
pub async fn waiting_for(state: &AppState, lang: Lang, case: &Case) -> AppResult<String> {
    let closes = |id: Option<i64>| async move {
        Ok::<_, crate::error::AppError>(match id {
            Some(id) => pdb::batch(&state.db, id).await?.and_then(|b| b.closes_on),
            None => None,
        })
    };
    let (msg, date) = match case.stage {
        Stage::Received => (Msg::BlockAccept, None),
        Stage::Accepted => (Msg::BlockSurvey, None),
        Stage::Surveyed => (Msg::BlockVillageReview, None),
        Stage::VillageReviewed => (Msg::BlockMeeting, None),
        Stage::TownshipApproved => (Msg::BlockReviewList, None),
        Stage::InReviewPublicity => match closes(case.review_batch_id).await? {
            Some(d) if crate::db::today_cst() <= d => (Msg::BlockWindow, Some(d)),
            _ => (Msg::BlockCountyDecision, None),
        },
        Stage::CountyApproved => (Msg::BlockApprovalList, None),
        Stage::InApprovalPublicity => (Msg::BlockEnroll, closes(case.approval_batch_id).await?),
        Stage::Enrolled | Stage::Refused => (Msg::BlockNothing, None),
    };
    Ok(views::blocker_text(lang, msg, date))
}
