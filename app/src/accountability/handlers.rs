//! Public handlers: statistics (HTML and JSON), policy pages, answers, notices, poster.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Json, Response};
use chrono::Datelike;
use leptos::prelude::*;
use serde_json::json;

use crate::accountability::views::{
    ContentPage, PageListPage, PosterPage, ProcessCounts, StatsPage, TownshipRow,
};
use crate::db::content::{self, Kind};
use crate::db::draws::DrawCounts;
use crate::db::households::Totals;
use crate::db::notices::NoticeCounts;
use crate::db::stats::YearChanges;
use crate::db::{regions, stats as sdb, today_cst};
use crate::domain::stats::{json as count, round10, suppressed, ComplaintTally};
use crate::domain::Scope;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::markdown;
use crate::web::state::AppState;

/// Everything the statistics are made of, read once per render, by township id.
struct Loaded {
    /// The standing lists' totals.
    standing: HashMap<i64, Totals>,
    /// Households newly approved and stopped this year.
    changes: HashMap<i64, YearChanges>,
    /// Complaint roll-ups by township (0: complaints with no township).
    complaints: HashMap<i64, ComplaintTally>,
    notices: HashMap<i64, NoticeCounts>,
    /// Re-checks done.
    rechecks: HashMap<i64, i64>,
    process: HashMap<i64, DrawCounts>,
}

/// Reads the statistics of the townships in `scope` (a county's page reads its county only).
async fn load(state: &AppState, scope: &Scope) -> AppResult<Loaded> {
    let db = &state.db;
    let year = i64::from(today_cst().year());
    Ok(Loaded {
        standing: sdb::standing_by_township(db, scope).await?,
        changes: sdb::changes_by_township(db, year, scope).await?,
        complaints: sdb::complaint_tallies(db, scope).await?,
        notices: crate::db::notices::township_counts(db, scope).await?,
        rechecks: crate::db::rechecks::done_by_township(db, scope).await?,
        process: crate::db::draws::township_stats(db, scope).await?,
    })
}

/// What the rows of a statistics page are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLevel {
    Township,
    County,
    /// 市、州: a province's file named two or more.
    Prefecture,
}

/// What the statistics show: one row per township of a county (or of a one-county
/// deployment), per county of a deployment of several, or per prefecture when its counties
/// lie in several; and their total.
pub struct Stats {
    /// (code, row) in the order the regions are listed.
    pub rows: Vec<(String, TownshipRow)>,
    pub total: TownshipRow,
    pub level: RowLevel,
    /// Every county's row when the rows are prefectures (the JSON gives them beside those).
    pub counties: Vec<(String, TownshipRow)>,
}

/// The statistics of the deployment: its townships when it is one county, else its counties,
/// each rolled up from its townships with the same small-count rules, and those rolled up to
/// their prefectures when there are several.
pub async fn compute(state: &AppState, lang: Lang) -> AppResult<Stats> {
    let counties = regions::counties(&state.db).await?;
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    let data = load(state, &Scope::All).await?;
    if counties.len() < 2 {
        let (rows, total) = township_rows(lang, &data, &townships, &data.complaints.values().sum());
        return Ok(Stats {
            rows,
            total,
            level: RowLevel::Township,
            counties: vec![],
        });
    }
    let county_level = county_totals(lang, &data, &townships, &counties);
    let total = TownshipRow {
        name: lang.t(Msg::AllCounties).to_owned(),
        complaints: data
            .complaints
            .values()
            .sum::<ComplaintTally>()
            .stats()
            .public(),
        ..Default::default()
    };
    let total = roll_up(total, &county_level);
    let groups = regions::by_prefecture(&state.db, &counties).await?;
    if groups.len() < 2 {
        return Ok(Stats {
            rows: county_level,
            total,
            level: RowLevel::County,
            counties: vec![],
        });
    }
    let mut rows = Vec::new();
    for p in &groups {
        let head = TownshipRow {
            name: p.name(lang).to_owned(),
            complaints: complaints_of_counties(&data, &townships, &p.counties)
                .sum::<ComplaintTally>()
                .stats()
                .public(),
            ..Default::default()
        };
        let theirs: Vec<(String, TownshipRow)> = county_level
            .iter()
            .filter(|(c, _)| p.counties.iter().any(|m| m.code == *c))
            .cloned()
            .collect();
        rows.push((p.code.clone(), roll_up(head, &theirs)));
    }
    Ok(Stats {
        rows,
        total,
        level: RowLevel::Prefecture,
        counties: county_level,
    })
}

/// The complaint roll-ups of every township of `counties` (for a total over them: added up from
/// the townships' exact tallies, never from the counties' suppressed counts).
fn complaints_of_counties<'a>(
    data: &'a Loaded,
    townships: &'a [regions::Region],
    counties: &'a [regions::Region],
) -> impl Iterator<Item = &'a ComplaintTally> {
    townships
        .iter()
        .filter(|t| {
            t.parent_id
                .is_some_and(|p| counties.iter().any(|c| c.id == p))
        })
        .filter_map(|t| data.complaints.get(&t.id))
}

/// One row per county, each rolled up from its townships.
fn county_totals(
    lang: Lang,
    data: &Loaded,
    townships: &[regions::Region],
    counties: &[regions::Region],
) -> Vec<(String, TownshipRow)> {
    counties
        .iter()
        .map(|c| {
            let (_, mut total) = county_rows(lang, data, townships, c.id);
            total.name = c.name(lang).to_owned();
            (c.code.clone(), total)
        })
        .collect()
}

/// The statistics of one prefecture: its counties and their total.
pub async fn compute_prefecture(
    state: &AppState,
    lang: Lang,
    counties: &[regions::Region],
) -> AppResult<Stats> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    let data = load(state, &Scope::All).await?;
    let rows = county_totals(lang, &data, &townships, counties);
    let head = TownshipRow {
        name: lang.t(Msg::CountyTotal).to_owned(),
        complaints: complaints_of_counties(&data, &townships, counties)
            .sum::<ComplaintTally>()
            .stats()
            .public(),
        ..Default::default()
    };
    let total = roll_up(head, &rows);
    Ok(Stats {
        rows,
        total,
        level: RowLevel::County,
        counties: vec![],
    })
}

/// The statistics of one county of the deployment: its townships and the county total.
pub async fn compute_county(state: &AppState, lang: Lang, county_id: i64) -> AppResult<Stats> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    // Only the county's rows are read.
    let scope = regions::county_scope(&state.db, county_id).await?;
    let data = load(state, &scope).await?;
    let (rows, total) = county_rows(lang, &data, &townships, county_id);
    Ok(Stats {
        rows,
        total,
        level: RowLevel::Township,
        counties: vec![],
    })
}

fn county_rows(
    lang: Lang,
    data: &Loaded,
    townships: &[regions::Region],
    county_id: i64,
) -> (Vec<(String, TownshipRow)>, TownshipRow) {
    let mine: Vec<regions::Region> = townships
        .iter()
        .filter(|t| t.parent_id == Some(county_id))
        .cloned()
        .collect();
    let complaints = mine.iter().filter_map(|t| data.complaints.get(&t.id)).sum();
    township_rows(lang, data, &mine, &complaints)
}

/// Per-township rows and their total (over `complaints`), in the order townships are listed.
fn township_rows(
    lang: Lang,
    data: &Loaded,
    townships: &[regions::Region],
    complaints: &ComplaintTally,
) -> (Vec<(String, TownshipRow)>, TownshipRow) {
    let mut rows = Vec::new();
    for t in townships {
        let standing = data.standing.get(&t.id).copied().unwrap_or_default();
        let changes = data.changes.get(&t.id).copied().unwrap_or_default();
        let draws = data.process.get(&t.id).copied().unwrap_or_default();
        let notices = data.notices.get(&t.id).copied().unwrap_or_default();
        let row = TownshipRow {
            name: t.name(lang).to_owned(),
            households: standing.households,
            persons: standing.persons,
            monthly_fen: standing.monthly_fen,
            new_this_year: changes.new_households,
            stopped_this_year: changes.stopped_households,
            complaints: data
                .complaints
                .get(&t.id)
                .map(ComplaintTally::stats)
                .unwrap_or_default()
                .public(),
            process: ProcessCounts {
                draws: draws.draws,
                sampled: draws.sampled,
                county_checks: draws.county_checks,
                notices: notices.issued,
                notices_on_time: notices.on_time,
                rechecks: data.rechecks.get(&t.id).copied().unwrap_or_default(),
            },
            approx: false,
        };
        rows.push((t.code.clone(), row));
    }
    let total = TownshipRow {
        name: lang.t(Msg::CountyTotal).to_owned(),
        complaints: complaints.stats().public(),
        ..Default::default()
    };
    let total = roll_up(total, &rows);
    (rows, total)
}

/// A total over `rows` (its complaints already aggregated from the raw rows), one level up.
///
/// A total over suppressed counts would let anyone subtract its way to them (54 − 6 = 12 × 4):
/// such totals are rounded to tens, and so is a total over rows that were rounded themselves.
pub fn roll_up(mut total: TownshipRow, rows: &[(String, TownshipRow)]) -> TownshipRow {
    for (_, r) in rows {
        total.households += r.households;
        total.persons += r.persons;
        total.monthly_fen += r.monthly_fen;
        total.new_this_year += r.new_this_year;
        total.stopped_this_year += r.stopped_this_year;
        total.process.draws += r.process.draws;
        total.process.sampled += r.process.sampled;
        total.process.county_checks += r.process.county_checks;
        total.process.notices += r.process.notices;
        total.process.notices_on_time += r.process.notices_on_time;
        total.process.rechecks += r.process.rechecks;
    }
    let suppressed_changes = rows
        .iter()
        .any(|(_, r)| r.approx || suppressed(r.new_this_year) || suppressed(r.stopped_this_year));
    if rows
        .iter()
        .any(|(_, r)| r.approx || r.complaints.any_suppressed())
    {
        total.complaints = total.complaints.rounded();
        total.approx = true;
    }
    if suppressed_changes {
        total.new_this_year = round10(total.new_this_year);
        total.stopped_this_year = round10(total.stopped_this_year);
        total.approx = true;
    }
    total
}

pub async fn stats_page(Page { state, ctx }: Page) -> AppResult<Response> {
    let stats = compute(&state, ctx.lang).await?;
    render_stats(&ctx, stats, String::new())
}

/// `GET /m/{code}/stats`: one prefecture's statistics, county by county.
pub async fn prefecture_stats_page(
    Page { state, ctx }: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    // Only a prefecture some county of the deployment lies in (anything else, a county's
    // code or a hostile string, is no such page).
    let counties = regions::counties(&state.db).await?;
    let prefecture = regions::by_prefecture(&state.db, &counties)
        .await?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or(AppError::NotFound)?;
    let stats = compute_prefecture(&state, ctx.lang, &prefecture.counties).await?;
    let place = prefecture.name(ctx.lang).to_owned();
    render_stats(&ctx, stats, place)
}

/// `GET /c/{code}/stats`: one county's statistics, township by township.
pub async fn county_stats_page(
    Page { state, ctx }: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let county = regions::county_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let stats = compute_county(&state, ctx.lang, county.id).await?;
    let place = county.name(ctx.lang).to_owned();
    render_stats(&ctx, stats, place)
}

fn render_stats(ctx: &PageCtx, stats: Stats, place: String) -> AppResult<Response> {
    let lang = ctx.lang;
    let (unit, link) = match stats.level {
        RowLevel::Township => (Msg::Township, None),
        RowLevel::County => (Msg::CountyColumn, Some("/c/")),
        RowLevel::Prefecture => (Msg::PrefectureColumn, Some("/m/")),
    };
    let links = link.map(|prefix| {
        stats
            .rows
            .iter()
            .map(|(code, r)| (format!("{prefix}{code}/stats"), r.name.clone()))
            .collect::<Vec<_>>()
    });
    let rows = stats.rows.into_iter().map(|(_, r)| r).collect();
    let total = stats.total;
    Ok(ctx
        .described(lang.t(Msg::MetaStats))
        .render(
            lang.t(Msg::Stats),
            view! { <StatsPage lang rows total unit place links /> },
        )
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
    let Stats {
        rows,
        total,
        level,
        counties,
    } = compute(&state, Lang::Zh).await?;
    let row_json = |(code, r): &(String, TownshipRow)| {
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
    };
    let (key, note) = match level {
        RowLevel::Township => ("townships", "township counts from 1 to 4 are null, and county totals over them are rounded to tens, so that no household or reporter can be singled out"),
        _ => ("counties", "county rows are rolled up from their townships (prefecture rows, when given, from their counties), whose counts from 1 to 4 are null; a total over such counts is rounded to tens, so that no household or reporter can be singled out; \"county\" is the total of every county"),
    };
    let regions: Vec<serde_json::Value> = match level {
        RowLevel::Prefecture => counties.iter().map(row_json).collect(),
        _ => rows.iter().map(row_json).collect(),
    };
    let mut body = json!({
        "note": note,
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
        key: regions,
    });
    if level == RowLevel::Prefecture {
        body["prefectures"] = rows.iter().map(row_json).collect();
    }
    Ok(Json(body))
}

async fn list(state: &AppState, ctx: &PageCtx, kind: Kind) -> AppResult<Response> {
    let lang = ctx.lang;
    // The deployment's pages and every county's, each county's named (in a deployment of
    // several counties a villager looks for their own county's standard).
    let pages = content::list(&state.db, content::Owner::Everyone, Some(kind), false).await?;
    let pages = crate::web::county::with_county_names(state, lang, pages).await?;
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

pub async fn policy_list(Page { state, ctx }: Page) -> AppResult<Response> {
    list(&state, &ctx, Kind::Policy).await
}
pub async fn answers_list(Page { state, ctx }: Page) -> AppResult<Response> {
    list(&state, &ctx, Kind::Answer).await
}
pub async fn notices_list(Page { state, ctx }: Page) -> AppResult<Response> {
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
    // A county's page speaks with its county's voice (header, hotline).
    let mut ctx = ctx.clone();
    let mut county = None;
    if let Some(id) = page.county_id {
        if let Some(c) = regions::by_id(&state.db, id).await? {
            let v = crate::web::county::voice_of(state, &c).await?;
            let named = crate::web::county::page_county(lang, &c, &v);
            county = Some((format!("/c/{}", c.code), named.name.clone()));
            ctx = ctx.in_county(named);
        }
    }
    Ok(ctx
        .described(description)
        .render(
            &title,
            view! { <ContentPage lang page html linked county /> },
        )
        .into_response())
}

pub async fn policy_page(
    Page { state, ctx }: Page,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Policy, &slug).await
}
pub async fn answer_page(
    Page { state, ctx }: Page,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Answer, &slug).await
}
pub async fn notice_page(
    Page { state, ctx }: Page,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    show(&state, &ctx, Kind::Notice, &slug).await
}

pub async fn poster(Page { state, ctx }: Page) -> AppResult<Response> {
    let lang = ctx.lang;
    let url = format!("{}/", state.site.settings.public_url);
    let qr = crate::web::format::qr_data_uri(&url)?;
    let county = state
        .site
        .county()
        .map(|c| c.name(lang).to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(households: i64, new: i64, approx: bool) -> (String, TownshipRow) {
        (
            String::new(),
            TownshipRow {
                households,
                new_this_year: new,
                approx,
                ..Default::default()
            },
        )
    }

    #[test]
    fn totals_over_small_or_rounded_counts_are_rounded() {
        // Nothing small: exact sums.
        let t = roll_up(
            TownshipRow::default(),
            &[row(30, 12, false), row(20, 7, false)],
        );
        assert_eq!((t.households, t.new_this_year, t.approx), (50, 19, false));
        // A township's 3 new households would be 22 − 19: the total is rounded.
        let t = roll_up(
            TownshipRow::default(),
            &[row(30, 19, false), row(20, 3, false)],
        );
        assert_eq!((t.households, t.new_this_year, t.approx), (50, 20, true));
        // One level up: a county total that was rounded keeps the province's total rounded.
        let t = roll_up(
            TownshipRow::default(),
            &[row(30, 20, true), row(20, 11, false)],
        );
        assert_eq!((t.new_this_year, t.approx), (30, true));
    }
}
