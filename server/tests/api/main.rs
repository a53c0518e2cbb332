//! API tests: the real server over HTTP, on SQLite always and on PostgreSQL when
//! `SUNSHINE_TEST_POSTGRES_URL` is set (required in CI).

#[path = "../support/browser.rs"]
mod browser;
mod helpers;
#[path = "../support/pg.rs"]
mod pg;
#[path = "../support/smtp.rs"]
mod smtp_sink;

mod accountability;
mod cache;
mod cases;
mod complaints;
mod counties;
mod draws;
mod foundation;
mod instances;
mod islands;
mod notices;
mod outbox;
mod publicity;
mod ratelimits;
mod rechecks_compare;
mod replica;
mod staff;
mod upgrade;
mod workflow;
