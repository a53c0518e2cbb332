//! Re-checks of recipients (动态管理): each household on a standing list is due for a re-check
//! by its category's interval; leads come from another department's data (系统比对) and the
//! household's own report of a change; a re-check's stop, adjustment or 渐退 issues its written
//! notice and shows on the next standing list.

pub mod compare;
pub mod compare_handlers;
pub mod compare_views;
pub mod handlers;
pub mod service;
pub mod views;
