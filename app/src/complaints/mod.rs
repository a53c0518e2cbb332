//! Complaints and reports (举报/投诉): anyone reports, anonymously if they wish, and follows the
//! case with a receipt; named staff accept, verify, answer and close it within the legal times.

pub mod digest;
pub mod handlers;
pub mod intake;
pub mod staff_handlers;
pub mod staff_views;
pub mod tracking;
pub mod views;
pub mod workflow;

use crate::domain::{DeadlineRules, WorkCalendar};
use crate::error::AppResult;
use crate::web::state::AppState;

/// The rules and calendar a complaint's deadlines are counted with: the day-count setting, the
/// national holiday table and the days the township's county keeps besides it.
pub async fn deadline_rules(
    state: &AppState,
    township_id: Option<i64>,
) -> AppResult<(DeadlineRules, WorkCalendar)> {
    let rules = DeadlineRules {
        count: state.site.settings.deadline_count,
        ..DeadlineRules::default()
    };
    let cal = crate::db::county_settings::calendar_of_township(&state.db, township_id).await?;
    Ok((rules, cal))
}
