//! The staff home page.

use axum::response::Response;
use leptos::prelude::*;

use crate::admin::accounts::scope_label;
use crate::admin::views::DashboardPage;
use crate::db::regions;
use crate::domain::access::Perm;
use crate::error::AppResult;
use crate::i18n::Msg;
use crate::web::session::StaffCtx;
use crate::web::session::StaffPage;
use crate::web::state::AppState;

pub async fn dashboard(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::ViewDashboard)?;
    let lang = ctx.lang;
    let scope = scope_label(&state, lang, staff.scope()).await?;
    let villages = regions::villages_in_scope(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|v| (v.code.clone(), v.name(lang).to_owned()))
        .collect();
    let process = match staff.can_role(Perm::ReadCases) && staff.village_scope().is_none() {
        true => Some(process_work(&state, &staff).await?),
        false => None,
    };
    let work = match staff.can_role(Perm::ReadRecords) {
        true => Some(crate::process::workload::of(&state, &staff).await?),
        false => None,
    };
    let holidays_missing = (
        crate::domain::calendar::years_without_holidays(
            crate::db::holidays::all(&state.db).await?,
            crate::db::today_cst(),
        ),
        // As `/staff/holidays` asks: the deployment's administrators.
        staff.can(Perm::ManageStaff, None),
    );
    let member = staff.staff.clone();
    let page = |nav, _| {
        view! { <DashboardPage lang nav staff=member scope villages process work holidays_missing /> }
    };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Dashboard), false, page))
}

/// Overdue notices, overdue re-checks and recipients with open leads in the member's scope.
async fn process_work(state: &AppState, staff: &StaffCtx) -> AppResult<(i64, usize, usize)> {
    let today = crate::db::today_cst();
    let notices = crate::db::notices::overdue_count(&state.db, staff.scope(), today).await?;
    let list = crate::process::workload::worklist(state, staff.scope(), None).await?;
    let (overdue, leads) = crate::process::workload::attention_counts(&list, today);
    Ok((notices, overdue, leads))
}
