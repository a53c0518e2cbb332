//! Running the site: staff sign-in and dashboard, accounts, the audit trail, the holiday
//! calendar deadlines are counted on, and the Markdown pages staff publish.

pub mod accounts;
pub mod audit;
pub mod county;
pub mod dashboard;
pub mod holidays;
pub mod pages;
pub mod service;
pub mod signin;
pub mod views;
