//! Staff accounts, sign-in, roles scoped by township, and the audit trail.

pub mod api;
pub mod auth;
pub mod service;
pub mod views;
