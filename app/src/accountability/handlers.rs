//! Public handlers: statistics (HTML and JSON), policy pages, answers, notices, poster.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Json, Response};
use chrono::Datelike;
use leptos::prelude::*;
use serde_json::json;

use crate::accountability::views::{
    ContentPage, PageListPage, PosterPage, ProcessCounts, StatsPage, TownshipRow,
};
use crate::db::content::{self, Kind};
use crate::db::{regions, stats as sdb, today_cst};
use crate::domain::stats::{aggregate, json as count, round10, suppressed};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::PageCtx;
use crate::web::markdown;
use crate::web::state::AppState;

/// Per-township rows and the county total, in the order townships are listed.
pub async fn compute(
    state: &AppState,
    lang: Lang,
) -> AppResult<(Vec<(String, TownshipRow)>, TownshipRow)> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    let standing = sdb::standing_by_township(&state.db).await?;
    let year_start = chrono::NaiveDate::from_ymd_opt(today_cst().year(), 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp() - 8 * 3600)
        .unwrap_or(0);
    let changes = sdb::changes_by_township(&state.db, year_start).await?;
    let complaints = sdb::complaint_rows(&state.db).await?;
    let notices = crate::db::notices::township_counts(&state.db).await?;
    let rechecks = crate::db::rechecks::done_by_township(&state.db).await?;
    let mut rows = Vec::new();
    let mut total = TownshipRow {
        name: lang.t(Msg::CountyTotal).to_owned(),
        ..Default::default()
    };
    for t in &townships {
        let (households, persons, fen) = standing
            .iter()
            .find(|s| s.0 == t.id)
            .map(|s| (s.1, s.2, s.3))
            .unwrap_or_default();
        let (new, stopped) = changes
            .iter()
            .find(|c| c.0 == t.id)
            .map(|c| (c.1, c.2))
            .unwrap_or_default();
        let (draws, sampled, county_checks) =
            crate::db::draws::township_stats(&state.db, t.id).await?;
        let (issued, on_time) = notices
            .iter()
            .find(|n| n.0 == t.id)
            .map(|n| (n.1, n.2))
            .unwrap_or_default();
        let done = rechecks
            .iter()
            .find(|r| r.0 == t.id)
            .map(|r| r.1)
            .unwrap_or_default();
        let process = ProcessCounts {
            draws,
            sampled,
            county_checks,
            notices: issued,
            notices_on_time: on_time,
            rechecks: done,
        };
        total.process.draws += draws;
        total.process.sampled += sampled;
        total.process.county_checks += county_checks;
        total.process.notices += issued;
        total.process.notices_on_time += on_time;
        total.process.rechecks += done;
        let row = TownshipRow {
            name: lang.pick(&t.name_zh, t.name_en.as_deref()).to_owned(),
            households,
            persons,
            monthly_fen: fen,
            new_this_year: new,
            stopped_this_year: stopped,
            complaints: aggregate(complaints.iter().filter(|c| c.township_id == Some(t.id)))
                .public(),
            process,
            approx: false,
        };
        total.households += households;
        total.persons += persons;
        total.monthly_fen += fen;
        total.new_this_year += new;
        total.stopped_this_year += stopped;
        rows.push((t.code.clone(), row));
    }
    total.complaints = aggregate(&complaints).public();
    // A county total over suppressed township counts would let anyone subtract its way to
    // them (54 − 6 = 12 × 4): such totals are rounded to tens.
    let suppressed_changes = rows
        .iter()
        .any(|(_, r)| suppressed(r.new_this_year) || suppressed(r.stopped_this_year));
    if rows.iter().any(|(_, r)| r.complaints.any_suppressed()) {
        total.complaints = total.complaints.rounded();
        total.approx = true;
    }
    if suppressed_changes {
        total.new_this_year = round10(total.new_this_year);
        total.stopped_this_year = round10(total.stopped_this_year);
        total.approx = true;
    }
    Ok((rows, total))
}

pub async fn stats_page(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let lang = ctx.lang;
    let (rows, total) = compute(&state, lang).await?;
    let rows = rows.into_iter().map(|(_, r)| r).collect();
    Ok(ctx
        .described(lang.t(Msg::MetaStats))
        .render(lang.t(Msg::Stats), view! { <StatsPage lang rows total /> })
        .into_response())
}

fn complaints_json(c: &crate::domain::stats::ComplaintStats) -> serde_json::Value {
    json!({
        "received": count(c.received),
        "accepted": count(c.accepted),
        "declined": count(c.declined),
        "answered": count(c.answered),
        "answered_on_time": count(c.answered_on_time),
        "on_time_percent": c.on_time_percent,
        "median_days_to_answer": c.median_days_to_answer,
        "findings": {
            "substantiated": count(c.substantiated),
            "partly": count(c.partly),
            "unsubstantiated": count(c.unsubstantiated),
        },
    })
}

fn process_json(p: ProcessCounts) -> serde_json::Value {
    json!({
        "draws": p.draws,
        "spot_checked": p.sampled,
        "county_checks": p.county_checks,
        "notices": p.notices,
        "notices_delivered_on_time": p.notices_on_time,
        "rechecks_done": p.rechecks,
    })
}

/// `GET /api/v1/stats`: the same numbers as `/stats`; counts from 1 to 4 are `null`.
pub async fn stats_json(State(state): State<AppState>) -> AppResult<Json<serde_json::Value>> {
    let (rows, total) = compute(&state, Lang::Zh).await?;
    let townships: Vec<serde_json::Value> = rows
        .iter()
        .map(|(code, r)| {
            json!({
                "code": code,
                "name": r.name,
                "households": count(r.households),
                "persons": count(r.persons),
                "monthly_fen": r.monthly_fen,
                "new_this_year": count(r.new_this_year),
                "stopped_this_year": count(r.stopped_this_year),
                "complaints": complaints_json(&r.complaints),
                "process": process_json(r.process),
            })
        })
        .collect();
    Ok(Json(json!({
        "note": "township counts from 1 to 4 are null, and county totals over them are rounded to tens, so that no household or reporter can be singled out",
        "county": {
            "rounded_to_tens": total.approx,
            "households": total.households,
            "persons": total.persons,
            "monthly_fen": total.monthly_fen,
            "new_this_year": total.new_this_year,
            "stopped_this_year": total.stopped_this_year,
            "complaints": complaints_json(&total.complaints),
            "process": process_json(total.process),
        },
        "townships": townships,
    })))
}

async fn list(state: &AppState, ctx: &PageCtx, kind: Kind) -> AppResult<Response> {
    let lang = ctx.lang;
    let pages = content::list(&state.db, Some(kind), false).await?;
    let title = lang.t(crate::web::labels::kind_title(kind).0);
    let description = lang.t(match kind {
        Kind::Policy => Msg::MetaPolicy,
        Kind::Answer => Msg::MetaAnswers,
        Kind::Notice => Msg::MetaNotices,
    });
    Ok(ctx
        .described(description)
        .render(title, view! { <PageListPage lang kind pages /> })
        .into_response())
}

pub async fn policy_list(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    list(&state, &ctx, Kind::Policy).await
}
pub async fn answers_list(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    list(&state, &ctx, Kind::Answer).await
}
pub async fn notices_list(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    list(&state, &ctx, Kind::Notice).await
}

async fn show(state: &AppState, ctx: &PageCtx, kind: Kind, slug: &str) -> AppResult<Response> {
    if !content::valid_slug(slug) {
        return Err(AppError::NotFound);
    }
    let page = content::published(&state.db, kind, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let html = markdown::render(&page.body_md);
    let linked = content::linked_count(&state.db, page.id).await?;
    let lang = ctx.lang;
    let title = page.title.clone();
    let description = format!("{title}: {}", markdown::plain_text(&page.body_md, 110));
    Ok(ctx
        .described(description)
        .render(&title, view! { <ContentPage lang page html linked /> })
        .into_response())
}

pub async fn policy_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Policy, &slug).await
}
pub async fn answer_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Answer, &slug).await
}
pub async fn notice_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Notice, &slug).await
}

pub async fn poster(State(state): State<AppState>, ctx: PageCtx) -> AppResult<Response> {
    let lang = ctx.lang;
    let url = format!("{}/", state.site.settings.public_url);
    let qr = crate::web::format::qr_data_uri(&url)?;
    let county = state
        .site
        .county
        .as_ref()
        .map(|c| lang.pick(&c.name_zh, c.name_en.as_deref()).to_owned())
        .unwrap_or_default();
    let hotline = state.site.settings.hotline.clone();
    Ok(ctx
        .described(lang.t(Msg::MetaPoster))
        .render(
            lang.t(Msg::Poster),
            view! { <PosterPage lang county hotline qr url /> },
        )
        .into_response())
}
