//! Public handlers: village page, batch page, open-data summaries (no login).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Json, Response};
use chrono::Datelike;
use leptos::prelude::*;
use serde::Serialize;

use crate::db::{county_settings, households::Totals, publicity as pdb, regions, today_cst};
use crate::domain::is_region_code;
use crate::domain::stats::{public_total, PublicTotal};
use crate::domain::{diff_rosters, BatchKind, BatchState, Fen, PublicEntry, Scope};
use crate::error::{AppError, AppResult};
use crate::publicity::views::{
    is_open, BatchData, BatchPage, DiffLine, EntryQuery, VillageData, VillagePage,
};
use crate::web::ctx::Page;
use crate::web::format::yuan;
use crate::web::state::AppState;

/// The village of a code in an address, with its township and county; 404 for anything else.
async fn village_place(state: &AppState, code: &str) -> AppResult<county_settings::VillagePlace> {
    if !is_region_code(code) {
        return Err(AppError::NotFound);
    }
    county_settings::village_place(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)
}

/// What changed between the previous standing list and this one, with masked names only.
async fn standing_diff(
    state: &AppState,
    current: &[(i64, PublicEntry)],
    previous_id: i64,
) -> AppResult<(Vec<DiffLine>, Vec<DiffLine>, Vec<DiffLine>)> {
    let policy = state.site.settings.mask_policy;
    let previous = pdb::public_entries(&state.db, previous_id, policy).await?;
    let roster = |rows: &[(i64, PublicEntry)]| -> Vec<(i64, Fen)> {
        rows.iter().map(|(h, e)| (*h, e.amount)).collect()
    };
    let diff = diff_rosters(&roster(&previous), &roster(current));
    let name_in = |rows: &[(i64, PublicEntry)], id: i64| {
        rows.iter()
            .find(|(h, _)| *h == id)
            .map(|(_, e)| e.masked_name.as_str().to_owned())
            .unwrap_or_default()
    };
    let line = |rows: &[(i64, PublicEntry)], id: i64, text: String| DiffLine {
        name: name_in(rows, id),
        text,
    };
    let amount = |rows: &[(i64, PublicEntry)], id: i64| {
        rows.iter()
            .find(|(h, _)| *h == id)
            .map(|(_, e)| yuan(e.amount.fen()))
            .unwrap_or_default()
    };
    Ok((
        diff.added
            .iter()
            .map(|id| line(current, *id, amount(current, *id)))
            .collect(),
        diff.removed
            .iter()
            .map(|id| line(&previous, *id, amount(&previous, *id)))
            .collect(),
        diff.changed
            .iter()
            .map(|(id, old, new)| {
                line(
                    current,
                    *id,
                    format!("{} → {}", yuan(old.fen()), yuan(new.fen())),
                )
            })
            .collect(),
    ))
}

/// This year's applications of a township (and village): counts and the median days from
/// application to decision (only when at least five were decided: a median of fewer would
/// describe single households).
async fn applications(
    state: &AppState,
    township_id: Option<i64>,
    village_id: Option<i64>,
) -> AppResult<(crate::db::cases::Applications, Option<f64>)> {
    let today = today_cst();
    let year_start = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let mut apps =
        crate::db::cases::progress(&state.db, township_id, village_id, year_start).await?;
    let median = if crate::domain::stats::suppressed(apps.days.len() as i64) {
        None
    } else {
        crate::domain::stats::median(&mut apps.days)
    };
    Ok((apps, median))
}

pub async fn village(
    Page { state, ctx }: Page,
    Path(code): Path<String>,
    Query(filter): Query<EntryQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    // The village, its township and county in one read; its batches in another, the current
    // standing list among them; the list's rows and totals in a third.
    let place = village_place(&state, &code).await?;
    let (village, township) = (&place.village, &place.township);
    let today = today_cst();
    let batches = pdb::public_batches_of_village(&state.db, village.id).await?;
    let current = pdb::current_standing_of(&batches).cloned();
    let (open, past): (Vec<_>, Vec<_>) = batches
        .into_iter()
        .filter(|b| !(b.kind == BatchKind::Standing && b.state == BatchState::Published))
        .partition(|b| is_open(b, today));
    let policy = state.site.settings.mask_policy;
    let (standing, totals, diff) = match current {
        Some(b) => {
            let (rows, totals) = pdb::public_entries_and_totals(&state.db, b.id, policy).await?;
            let diff = match b.previous_id {
                Some(prev) => Some(standing_diff(&state, &rows, prev).await?),
                None => None,
            };
            let entries = rows.into_iter().map(|(_, e)| e).collect();
            (Some((b, entries)), totals, diff)
        }
        None => (None, Totals::default(), None),
    };
    let (apps, median) = applications(&state, village.parent_id, Some(village.id)).await?;
    let data = VillageData {
        applications: (apps.total(), median),
        township: township
            .as_ref()
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default(),
        village: village.name(lang).to_owned(),
        open,
        standing,
        totals,
        diff,
        past,
        today,
        filter: filter.cleaned(),
        action: format!("/v/{code}"),
    };
    let title = data.village.clone();
    // The village's county: its name in the header, its hotline in the footer.
    let ctx = crate::web::county::in_county(&state, &ctx, place.county.as_ref());
    Ok(ctx
        .render(&title, view! { <VillagePage lang data /> })
        .into_response())
}

pub async fn batch(
    Page { state, ctx }: Page,
    Path(id): Path<String>,
    Query(filter): Query<EntryQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    // Drafts do not exist for the public.
    let batch = pdb::batch(&state.db, id)
        .await?
        .filter(|b| b.state != BatchState::Draft)
        .ok_or(AppError::NotFound)?;
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let township = regions::by_id(&state.db, batch.township_id).await?;
    let (rows, totals) =
        pdb::public_entries_and_totals(&state.db, batch.id, state.site.settings.mask_policy)
            .await?;
    let entries = rows.into_iter().map(|(_, e)| e).collect();
    let ctx = crate::web::county::in_township(&state, &ctx, batch.township_id).await?;
    let data = BatchData {
        township: township
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default(),
        village: village.name(lang).to_owned(),
        village_code: village.code.clone(),
        batch,
        entries,
        totals,
        today: today_cst(),
        filter: filter.cleaned(),
    };
    let title = format!(
        "{} {}",
        data.village,
        lang.t(crate::web::labels::publicity::kind(data.batch.kind))
    );
    Ok(ctx
        .render(&title, view! { <BatchPage lang data /> })
        .into_response())
}

/// An open batch in a summary: what kind, and when.
#[derive(Debug, Serialize)]
pub struct OpenBatchJson {
    pub id: i64,
    pub kind: BatchKind,
    pub opens_on: String,
    pub closes_on: Option<String>,
    pub households: i64,
}

#[derive(Debug, Serialize)]
pub struct VillageSummary {
    pub code: String,
    pub name: String,
    pub township_code: Option<String>,
    pub households: i64,
    pub persons: i64,
    pub monthly_fen: i64,
    pub monthly_yuan: String,
    pub open_batches: Vec<OpenBatchJson>,
}

/// `GET /api/v1/villages/{code}/summary`: counts and amounts of the standing list, and the
/// open publicity batches. No names.
pub async fn village_summary(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<VillageSummary>> {
    let place = village_place(&state, &code).await?;
    let (village, township) = (place.village, place.township);
    let batches = pdb::public_batches_of_village(&state.db, village.id).await?;
    let totals = match pdb::current_standing_of(&batches) {
        Some(b) => pdb::totals(&state.db, b.id).await?,
        None => Totals::default(),
    };
    let today = today_cst();
    let mut open_batches = Vec::new();
    for b in batches.iter().filter(|b| is_open(b, today)) {
        let t = pdb::totals(&state.db, b.id).await?;
        open_batches.push(OpenBatchJson {
            id: b.id,
            kind: b.kind,
            opens_on: b.opens_on.to_string(),
            closes_on: b.closes_on.map(|d| d.to_string()),
            households: t.households,
        });
    }
    Ok(Json(VillageSummary {
        code: village.code,
        name: village.name_zh,
        township_code: township.map(|t| t.code),
        households: totals.households,
        persons: totals.persons,
        monthly_fen: totals.monthly_fen,
        monthly_yuan: yuan(totals.monthly_fen),
        open_batches,
    }))
}

#[derive(Debug, Serialize)]
pub struct TownshipSummary {
    pub code: String,
    pub name: String,
    pub villages: usize,
    pub households: i64,
    pub persons: i64,
    pub monthly_fen: i64,
    pub monthly_yuan: String,
    /// This year's applications (see [`ApplicationsJson`]).
    pub applications: ApplicationsJson,
}

/// Applications of a township this year, for open data, each count worked out only from what
/// its villages' pages show (`domain::stats::public_total`): a number; where a village shows
/// "<5", the range the count lies in (`{"at_least", "at_most"}`); `null` for less than 5.
#[derive(Debug, Serialize)]
pub struct ApplicationsJson {
    pub received: PublicTotal,
    pub visited: PublicTotal,
    pub reviewed: PublicTotal,
    pub approved: PublicTotal,
    pub refused: PublicTotal,
    pub median_days_to_decision: Option<f64>,
}

impl ApplicationsJson {
    fn from(apps: &crate::db::cases::Applications, median: Option<f64>) -> Self {
        use crate::db::cases::Progress;
        let count = |of: fn(&Progress) -> i64| public_total(apps.by_village.iter().map(of));
        ApplicationsJson {
            received: count(|p| p.received),
            visited: count(|p| p.visited),
            reviewed: count(|p| p.reviewed),
            approved: count(|p| p.approved),
            refused: count(|p| p.refused),
            median_days_to_decision: median,
        }
    }
}

/// `GET /api/v1/townships/{code}/summary`: standing-list totals of the township.
pub async fn township_summary(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<TownshipSummary>> {
    if !is_region_code(&code) {
        return Err(AppError::NotFound);
    }
    let township = regions::by_code(&state.db, regions::Level::Township, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let villages = regions::villages_in_scope(&state.db, &Scope::Township(township.id))
        .await?
        .len();
    let totals = crate::db::stats::standing_of_township(&state.db, township.id).await?;
    let (apps, median) = applications(&state, Some(township.id), None).await?;
    Ok(Json(TownshipSummary {
        applications: ApplicationsJson::from(&apps, median),
        code: township.code,
        name: township.name_zh,
        villages,
        households: totals.households,
        persons: totals.persons,
        monthly_fen: totals.monthly_fen,
        monthly_yuan: yuan(totals.monthly_fen),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        assert!(is_region_code("530621103201"));
        assert!(!is_region_code("53062110320"));
        assert!(!is_region_code("../../etc/passwd"));
        assert!(!is_region_code("53062110320１"));
    }
}
