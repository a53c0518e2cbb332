//! Publicity (公示): 审核公示, 审批公示 and 长期公示 per village, privacy-filtered; staff manage
//! them from forms and spreadsheets.

pub mod batches;
pub mod entries;
pub mod export;
pub mod handlers;
pub mod staff_handlers;
pub mod staff_views;
pub mod views;
