//! The `sunshine` server: settings, start-up, transport middleware and CLI commands.

pub mod config;
pub mod startup;
pub mod telemetry;
