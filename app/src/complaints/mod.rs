//! Complaints, public side: report (anonymously if wished), get a receipt, follow the case.

pub mod api;
pub mod digest;
pub mod staff_api;
pub mod staff_views;
pub mod views;
