//! The application's routes and the middleware that belongs to the application itself.
//! (Transport concerns — compression, tracing, rate limits, body limits — are added by `server`.)

use axum::routing::{get, post};
use axum::Router;

use crate::accountability::api as acc;
use crate::admin::accounts as staff;
use crate::admin::pages as pages_staff;
use crate::complaints::handlers as complaints;
use crate::complaints::staff_handlers as cstaff;
use crate::home::handlers as pages;
use crate::publicity::handlers as publicity;
use crate::publicity::staff_handlers as pstaff;
use crate::web::assets::{css_href, stylesheet};
use crate::web::middleware::{refuse_cross_site, render_errors, security_headers};
use crate::web::ratelimit::limiter;
use crate::web::state::AppState;

pub fn router(state: AppState) -> Router {
    let trust = state.site.settings.trust_proxy;
    let factor = state.site.settings.rate_burst_factor.max(1);
    // Sign-in: 10 attempts at once per address, then one every 6 seconds.
    let login_limit = limiter(std::time::Duration::from_secs(6), 10 * factor, trust);
    // Reports: 5 at once per address, then one a minute (a real reporter sends one).
    let report_limit = limiter(std::time::Duration::from_secs(60), 5 * factor, trust);
    // Tracking: 10 tries at once, then one every 6 s: 10^16 codes make guessing hopeless.
    let track_limit = limiter(std::time::Duration::from_secs(6), 10 * factor, trust);
    let track_write_limit = limiter(std::time::Duration::from_secs(30), 10 * factor, trust);
    Router::new()
        .route(
            "/report",
            get(complaints::report_form)
                .post(complaints::submit_report)
                .layer(report_limit),
        )
        .route("/report/receipt", get(complaints::receipt))
        .route("/stats", get(acc::stats_page))
        .route("/api/v1/stats", get(acc::stats_json))
        .route("/policy", get(acc::policy_list))
        .route("/policy/{slug}", get(acc::policy_page))
        .route("/answers", get(acc::answers_list))
        .route("/answers/{slug}", get(acc::answer_page))
        .route("/notices", get(acc::notices_list))
        .route("/notices/{slug}", get(acc::notice_page))
        .route("/poster", get(acc::poster))
        .route(
            "/staff/pages",
            get(pages_staff::list).post(pages_staff::create),
        )
        .route("/staff/pages/new", get(pages_staff::new_page))
        .route(
            "/staff/pages/{id}",
            get(pages_staff::edit).post(pages_staff::update),
        )
        .route("/staff/pages/{id}/publish", post(pages_staff::publish))
        .route("/staff/pages/{id}/unpublish", post(pages_staff::unpublish))
        .route("/staff/pages/{id}/link", post(pages_staff::link))
        .route(
            "/track",
            get(complaints::track_form)
                .post(complaints::track)
                .layer(track_limit),
        )
        .route("/track/case", get(complaints::case))
        .route(
            "/track/info",
            post(complaints::add_info).layer(track_write_limit.clone()),
        )
        .route(
            "/track/review",
            post(complaints::request_review).layer(track_write_limit),
        )
        .route("/track/end", post(complaints::end_tracking))
        .route(
            "/staff/holidays",
            get(crate::admin::holidays::page).post(crate::admin::holidays::add),
        )
        .route(
            "/staff/holidays/remove",
            post(crate::admin::holidays::remove),
        )
        .route(
            "/staff/complaints",
            get(cstaff::queue).post(cstaff::create_offline),
        )
        .route("/staff/complaints/new", get(cstaff::new_offline))
        .route("/staff/complaints/receipt", get(cstaff::offline_receipt))
        .route("/staff/complaints/{id}", get(cstaff::detail))
        .route("/staff/complaints/{id}/{step}", post(cstaff::act))
        .route(
            "/staff/login",
            get(staff::login_form).post(staff::login).layer(login_limit),
        )
        .route("/staff/logout", post(staff::logout))
        .route("/staff", get(staff::dashboard))
        .route(
            "/staff/accounts",
            get(staff::accounts).post(staff::create_account),
        )
        .route("/staff/accounts/new", get(staff::new_account))
        .route(
            "/staff/accounts/{id}",
            get(staff::edit_account).post(staff::update_account),
        )
        .route("/staff/accounts/{id}/password", post(staff::reset_password))
        .route("/staff/audit", get(staff::audit_log))
        .route("/", get(pages::home))
        .route("/v/{code}", get(publicity::village))
        .route("/p/{id}", get(publicity::batch))
        .route(
            "/api/v1/villages/{code}/summary",
            get(publicity::village_summary),
        )
        .route(
            "/api/v1/townships/{code}/summary",
            get(publicity::township_summary),
        )
        .route("/staff/publicity", get(pstaff::list).post(pstaff::create))
        .route("/staff/publicity/new", get(pstaff::new_form))
        .route("/staff/publicity/{id}", get(pstaff::detail))
        .route("/staff/publicity/{id}/entries", post(pstaff::add_entry))
        .route(
            "/staff/publicity/{id}/entries/{entry}/edit",
            post(pstaff::edit_entry),
        )
        .route(
            "/staff/publicity/{id}/entries/{entry}/delete",
            post(pstaff::delete_entry),
        )
        .route(
            "/staff/publicity/{id}/import",
            post(pstaff::import_preview)
                .layer(axum::extract::DefaultBodyLimit::max(pstaff::IMPORT_LIMIT)),
        )
        .route(
            "/staff/publicity/{id}/import/confirm",
            post(pstaff::import_confirm),
        )
        .route("/staff/publicity/{id}/publish", post(pstaff::publish))
        .route("/staff/publicity/{id}/withdraw", post(pstaff::withdraw))
        .route("/staff/publicity/{id}/close", post(pstaff::close))
        .route("/staff/publicity/{id}/notice", get(pstaff::notice))
        .route(
            "/staff/publicity/{id}/export.xlsx",
            get(pstaff::export_xlsx),
        )
        .route("/lang/{code}", get(pages::switch_lang))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route(&css_href(), get(stylesheet))
        .route("/pkg/{file}", get(crate::web::assets::serve))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}
