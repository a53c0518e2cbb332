//! Sunshine (阳光低保): the application — domain rules, pages, handlers and database access.

#[cfg(feature = "ssr")]
pub mod accountability;
#[cfg(feature = "ssr")]
pub mod domain;
pub mod i18n;
/// The parts of pages that also run in the browser (the only modules of the WASM build).
pub mod islands;

#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod bundle;
#[cfg(feature = "ssr")]
pub mod complaints;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod middleware;
#[cfg(feature = "ssr")]
pub mod publicity;
#[cfg(feature = "ssr")]
pub mod ratelimit;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod state;

pub mod pages;
#[cfg(feature = "ssr")]
pub mod staff;
