//! Services several workflows share, between the web layer and the features: what one workflow
//! does inside another's transaction (issuing a written notice for a refusal or a stop), and
//! what waits for staff across them (the dashboard's counts). A
//! feature may use these; they use `db`, `domain` and `web`, never a feature.

pub mod notices;
pub mod workload;
