//! What every page shares: the request's page context and document rendering, the shell and
//! navigation, formatters, the staff session (sign-in cookie, CSRF), static assets and the islands
//! bundle, middleware, rate limits, and sanitised Markdown. Features build on this; it knows no
//! feature.

pub mod assets;
pub mod confirm;
pub mod cookies;
pub mod county;
pub mod ctx;
pub mod files;
pub mod format;
pub mod forms;
pub mod labels;
pub mod markdown;
pub mod middleware;
pub mod pager;
pub mod ratelimit;
pub mod session;
pub mod shell;
pub mod state;
pub mod table;
