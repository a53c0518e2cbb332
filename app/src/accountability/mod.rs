//! Public accountability: statistics, policy pages, answers to public concerns (回应),
//! case notices (通报) and the policy poster (staff write the pages in `admin::pages`).

pub mod handlers;
pub mod views;
