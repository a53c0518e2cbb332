//! The home page (townships and villages), the language switch, health checks and the 404 page.

pub mod handlers;
pub mod views;
