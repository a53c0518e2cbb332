//! Sunshine (阳光低保): the application — domain rules, pages, handlers and database access.

#[cfg(feature = "ssr")]
pub mod accountability;
/// Pure rules; only `domain::draw` is compiled for the browser too (see `domain/mod.rs`).
pub mod domain;
pub mod i18n;
/// The parts of pages that also run in the browser (the only modules of the WASM build).
pub mod islands;

#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod cases;
#[cfg(feature = "ssr")]
pub mod complaints;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod draws;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod notices;
#[cfg(feature = "ssr")]
pub mod process;
#[cfg(feature = "ssr")]
pub mod publicity;
#[cfg(feature = "ssr")]
pub mod rechecks;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod sheets;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod home;
#[cfg(feature = "ssr")]
pub mod web;
