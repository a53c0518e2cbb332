//! The audit trail of staff actions (谁签字、谁负责), and apart from it the security events
//! (failed sign-ins per address and per account) for county-level readers.

use axum::extract::Query;
use axum::response::Response;
use leptos::prelude::*;

use crate::admin::views::{AuditPage, SecurityData};
use crate::db::{audit, now_epoch, security};
use crate::domain::access::{Perm, Scope};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::pager::{PageQuery, Pager};
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

/// Entries a page of the audit trail holds.
pub const AUDIT_PER_PAGE: u32 = 200;

/// `GET /staff/audit[?page=N]`: the trail of the viewer's scope, newest first, a page at a time
/// back to the first entry; a page past the end is 404.
pub async fn audit_log(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    staff.require_role(Perm::ViewAudit)?;
    let lang = ctx.lang;
    let pager = Pager::parse(q.page.as_deref(), AUDIT_PER_PAGE, lang)?;
    let mut rows = audit::list(&state.db, staff.scope(), pager.fetch(), pager.offset()).await?;
    let older = pager.cut(&mut rows);
    if rows.is_empty() && pager.page > 1 {
        return Err(AppError::NotFound);
    }
    // Failed sign-ins concern every account: county-level readers only, on the first page.
    let security = match staff.scope() {
        Scope::All if pager.page == 1 => Some(security_data(&state).await?),
        _ => None,
    };
    let page = |nav, _| view! { <AuditPage lang nav rows security pager older /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::AuditLog), false, page))
}
