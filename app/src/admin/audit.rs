//! The audit trail of staff actions (谁签字、谁负责), and apart from it the security events
//! (failed sign-ins per address and per account) for county-level readers.

use axum::response::Response;
use leptos::prelude::*;

use crate::admin::views::{AuditPage, SecurityData};
use crate::db::{audit, now_epoch, security};
use crate::domain::access::{Perm, Scope};
use crate::error::AppResult;
use crate::i18n::Msg;
use crate::web::session::StaffPage;
use crate::web::state::AppState;

/// The security events a county-level reader sees: the last day's failures per address and
/// per account, and the latest events.
async fn security_data(state: &AppState) -> AppResult<SecurityData> {
    let since = now_epoch() - 24 * 60 * 60;
    Ok(SecurityData {
        by_address: security::failures_by_address(&state.db, since, 20).await?,
        by_account: security::failures_by_account(&state.db, since, 20).await?,
        recent: security::recent(&state.db, 100).await?,
    })
}

pub async fn audit_log(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::ViewAudit)?;
    let rows = audit::list(&state.db, staff.scope(), 200).await?;
    // Failed sign-ins concern every account: county-level readers only.
    let security = match staff.scope() {
        Scope::All => Some(security_data(&state).await?),
        _ => None,
    };
    let lang = ctx.lang;
    let page = |nav, _| view! { <AuditPage lang nav rows security /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::AuditLog), false, page))
}
