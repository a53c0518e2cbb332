//! The router: every URL of the site and the handler that answers it, plus the middleware that
//! belongs to the application itself. (Transport concerns — compression, tracing, the page
//! cache, body limits — are added by `server`.) No handler code lives here.

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::accountability::handlers as accountability;
use crate::admin::{accounts, audit, county, dashboard, holidays, pages, signin};
use crate::cases::handlers as cases;
use crate::complaints::{handlers as complaints, staff_handlers as complaints_staff};
use crate::draws::handlers as draws;
use crate::home::handlers as home;
use crate::notices::handlers as notices;
use crate::publicity::{handlers as publicity, staff_handlers as publicity_staff};
use crate::rechecks::compare_handlers as rechecks_compare;
use crate::rechecks::handlers as rechecks;
use crate::web::assets::{css_href, serve as bundle_file, stylesheet};
use crate::web::middleware::{refuse_cross_site, render_errors, security_headers};
use crate::web::ratelimit::{enforce, RateLimit};
use crate::web::state::AppState;

/// Pages anyone may read or send without signing in.
fn public(state: &AppState) -> Router<AppState> {
    let factor = state.site.settings.rate_burst_factor.max(1);
    let limit = |name, refill, burst: u32| {
        from_fn_with_state(RateLimit::new(state, name, refill, burst * factor), enforce)
    };
    // Reports: 5 at once per address, then one a minute (a real reporter sends one).
    let report_limit = limit("report", Duration::from_secs(60), 5);
    // Tracking: 10 tries at once, then one every 6 s: 10^16 codes make guessing hopeless.
    let track_limit = limit("track", Duration::from_secs(6), 10);
    let track_write_limit = limit("track_write", Duration::from_secs(30), 10);
    Router::new()
        .route("/", get(home::home))
        .route("/counties", get(home::counties))
        .route("/c/{code}", get(home::county))
        .route("/c/{code}/remember", get(home::remember_county))
        .route("/c/{code}/stats", get(accountability::county_stats_page))
        .route(
            "/m/{code}/stats",
            get(accountability::prefecture_stats_page),
        )
        .route("/v/{code}", get(publicity::village))
        .route("/p/{id}", get(publicity::batch))
        .route(
            "/report",
            get(complaints::report_form)
                .post(complaints::submit_report)
                .layer(report_limit),
        )
        .route("/report/receipt", get(complaints::receipt))
        .route("/change", get(complaints::change_form))
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
        .route("/draws", get(draws::list))
        .route(crate::draws::METHOD_PATH, get(draws::method))
        .route(crate::draws::REFERENCE_PATH, get(draws::reference))
        .route("/draws/{id}", get(draws::show))
        .route("/stats", get(accountability::stats_page))
        .route("/policy", get(accountability::policy_list))
        .route("/policy/{slug}", get(accountability::policy_page))
        .route("/answers", get(accountability::answers_list))
        .route("/answers/{slug}", get(accountability::answer_page))
        .route("/notices", get(accountability::notices_list))
        .route("/notices/{slug}", get(accountability::notice_page))
        .route("/poster", get(accountability::poster))
        .route("/api/v1/stats", get(accountability::stats_json))
        .route(
            "/api/v1/villages/{code}/summary",
            get(publicity::village_summary),
        )
        .route(
            "/api/v1/townships/{code}/summary",
            get(publicity::township_summary),
        )
        .route("/lang/{code}", get(home::switch_lang))
        .route("/large", get(home::switch_large))
        .route("/healthz", get(home::healthz))
        .route("/readyz", get(home::readyz))
        .route(&css_href(), get(stylesheet))
        .route("/pkg/{file}", get(bundle_file))
}

/// Staff pages: every handler signs the visitor in (or sends them to the login page) and
/// decides access itself.
fn staff(state: &AppState) -> Router<AppState> {
    let factor = state.site.settings.rate_burst_factor.max(1);
    // Sign-in: 10 attempts at once per address, then one every 6 seconds.
    let login_limit = from_fn_with_state(
        RateLimit::new(state, "login", Duration::from_secs(6), 10 * factor),
        enforce,
    );
    let import_limit = DefaultBodyLimit::max(publicity_staff::IMPORT_LIMIT);
    // An evidence file of up to 10 MB plus the form around it.
    let evidence_limit = DefaultBodyLimit::max(crate::web::files::MAX_BYTES + 64 * 1024);
    Router::new()
        .route(
            "/staff/login",
            get(signin::login_form)
                .post(signin::login)
                .layer(login_limit),
        )
        .route("/staff/logout", post(signin::logout))
        .route("/staff", get(dashboard::dashboard))
        .route(
            "/staff/complaints",
            get(complaints_staff::queue).post(complaints_staff::create_offline),
        )
        .route("/staff/complaints/new", get(complaints_staff::new_offline))
        .route(
            "/staff/complaints/receipt",
            get(complaints_staff::offline_receipt),
        )
        .route("/staff/complaints/{id}", get(complaints_staff::detail))
        .route(
            "/staff/complaints/{id}/confirm",
            get(complaints_staff::confirm),
        )
        .route("/staff/complaints/{id}/{step}", post(complaints_staff::act))
        .route(
            "/staff/publicity",
            get(publicity_staff::list).post(publicity_staff::create),
        )
        .route("/staff/publicity/new", get(publicity_staff::new_form))
        .route("/staff/publicity/{id}", get(publicity_staff::detail))
        .route(
            "/staff/publicity/{id}/entries",
            post(publicity_staff::add_entry),
        )
        .route(
            "/staff/publicity/{id}/entries/{entry}/edit",
            post(publicity_staff::edit_entry),
        )
        .route(
            "/staff/publicity/{id}/entries/{entry}/delete",
            post(publicity_staff::delete_entry),
        )
        .route(
            "/staff/publicity/{id}/import",
            post(publicity_staff::import_preview).layer(import_limit),
        )
        .route(
            "/staff/publicity/{id}/import/confirm",
            post(publicity_staff::import_confirm),
        )
        .route(
            "/staff/publicity/import-template.xlsx",
            get(publicity_staff::import_template),
        )
        .route(
            "/staff/publicity/{id}/confirm",
            get(publicity_staff::confirm),
        )
        .route(
            "/staff/publicity/{id}/publish",
            post(publicity_staff::publish),
        )
        .route(
            "/staff/publicity/{id}/withdraw",
            post(publicity_staff::withdraw),
        )
        .route("/staff/publicity/{id}/close", post(publicity_staff::close))
        .route("/staff/publicity/{id}/notice", get(publicity_staff::notice))
        .route(
            "/staff/publicity/{id}/export.xlsx",
            get(publicity_staff::export_xlsx),
        )
        .route("/staff/cases", get(cases::list).post(cases::create))
        .route("/staff/cases/new", get(cases::new_form))
        .route(
            "/staff/cases/meeting",
            get(cases::meeting_form).post(cases::record_meeting),
        )
        .route("/staff/cases/lists", post(cases::make_list))
        .route("/staff/cases/standing", post(cases::next_standing))
        .route("/staff/cases/lists/{id}/publish", post(cases::publish_list))
        .route(
            "/staff/cases/lists/{id}/withdraw",
            post(cases::withdraw_list),
        )
        .route("/staff/cases/lists/{id}/enroll", post(cases::enroll))
        .route("/staff/cases/{id}", get(cases::detail))
        .route(
            "/staff/cases/{id}/evidence",
            post(cases::upload_evidence).layer(evidence_limit),
        )
        .route(
            "/staff/cases/{id}/evidence/{file}",
            get(cases::evidence_file),
        )
        .route("/staff/cases/{id}/{step}", post(cases::act))
        .route("/staff/notices", get(notices::list))
        .route("/staff/notices/{id}", get(notices::show))
        .route("/staff/notices/{id}/delivery", post(notices::deliver))
        .route("/staff/rechecks", get(rechecks::list))
        .route(
            "/staff/rechecks/compare",
            get(rechecks_compare::form)
                .post(rechecks_compare::upload)
                .layer(DefaultBodyLimit::max(rechecks_compare::UPLOAD_LIMIT)),
        )
        .route(
            "/staff/rechecks/compare/{id}",
            get(rechecks_compare::preview),
        )
        .route(
            "/staff/rechecks/compare/{id}/confirm",
            post(rechecks_compare::confirm),
        )
        .route(
            "/staff/rechecks/household/{id}",
            get(rechecks::household)
                .post(rechecks::record)
                .layer(evidence_limit),
        )
        .route("/staff/rechecks/files/{id}", get(rechecks::file))
        .route("/staff/draws", get(draws::manage))
        .route("/staff/draws/pool", post(draws::add_member))
        .route("/staff/draws/pool/remove", post(draws::remove_member))
        .route("/staff/draws/panel", post(draws::announce_panel))
        .route("/staff/draws/spot", post(draws::announce_spot_check))
        .route("/staff/draws/{id}/draw", post(draws::draw))
        .route("/staff/pages", get(pages::list).post(pages::create))
        .route("/staff/pages/new", get(pages::new_page))
        .route("/staff/pages/{id}", get(pages::edit).post(pages::update))
        .route("/staff/pages/{id}/publish", post(pages::publish))
        .route("/staff/pages/{id}/unpublish", post(pages::unpublish))
        .route("/staff/pages/{id}/link", post(pages::link))
        .route(
            "/staff/accounts",
            get(accounts::accounts).post(accounts::create_account),
        )
        .route("/staff/accounts/new", get(accounts::new_account))
        .route(
            "/staff/accounts/{id}",
            get(accounts::edit_account).post(accounts::update_account),
        )
        .route(
            "/staff/accounts/{id}/password",
            post(accounts::reset_password),
        )
        .route("/staff/audit", get(audit::audit_log))
        .route("/staff/holidays", get(holidays::page).post(holidays::add))
        .route("/staff/holidays/remove", post(holidays::remove))
        .route("/staff/county", get(county::page).post(county::save))
        .route("/staff/county/holidays", post(county::add_day))
        .route("/staff/county/holidays/remove", post(county::remove_day))
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(public(&state))
        .merge(staff(&state))
        .fallback(home::not_found)
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
