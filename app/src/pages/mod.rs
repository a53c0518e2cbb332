//! The shell every page shares, the home and village pages, language switch and error pages.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod views;
