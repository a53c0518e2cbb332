//! The `sunshine` server: settings, start-up, transport middleware and CLI commands.

pub mod backup;
pub mod bench;
pub mod cache;
pub mod cli;
pub mod config;
pub mod draws;
pub mod regions;
pub mod startup;
pub mod telemetry;
