//! Fault-injection tests: the real `sunshine` binary as child processes, killed with SIGKILL
//! under load, given a full disk, cut off from its mail relay and from PostgreSQL, run as
//! several instances on one database, and fed a zip bomb. Loopback only; every wait has a
//! deadline; each scenario runs alone and prints what it measured (`--nocapture` shows it).
//!
//! PostgreSQL scenarios need `SUNSHINE_TEST_POSTGRES_URL` (each creates and drops its own
//! database); the full-disk scenario needs root to mount a tmpfs. Without them a scenario prints
//! one line saying it was skipped, and fails when `CI` is set.

#[path = "../support/browser.rs"]
mod browser;
mod harness;
#[path = "../support/pg.rs"]
mod pg;
mod proxy;
mod smtp;
#[path = "../support/smtp.rs"]
mod smtp_sink;

mod bomb;
mod crash;
mod database;
mod disk;
mod mail;
