//! A county's voice on the pages, printed lists and notices of its places: what its own
//! settings say, or the deployment's.

use crate::db::county_settings as cdb;
use crate::db::regions::Region;
use crate::domain::county::{resolve, CountySettings, CountyVoice};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::ctx::{PageCounty, PageCtx};
use crate::web::state::AppState;

/// What a county's settings resolve to on this deployment.
pub fn voice(state: &AppState, county: &Region, stored: &CountySettings) -> CountyVoice {
    let s = &state.site.settings;
    resolve(stored, &county.name_zh, &s.hotline, &s.notice_prefix)
}

/// A county's voice, read from its stored settings.
pub async fn voice_of(state: &AppState, county: &Region) -> AppResult<CountyVoice> {
    Ok(voice(state, county, &cdb::get(&state.db, county.id).await?))
}

/// The county of a township and its voice (`None` for a township outside any county).
pub async fn of_township(
    state: &AppState,
    township_id: i64,
) -> AppResult<Option<(Region, CountyVoice)>> {
    Ok(cdb::of_township(&state.db, township_id)
        .await?
        .map(|(county, stored)| {
            let v = voice(state, &county, &stored);
            (county, v)
        }))
}

/// The hotline of a township's county (the deployment's when it has none).
pub async fn hotline_of_township(state: &AppState, township_id: i64) -> AppResult<String> {
    Ok(of_township(state, township_id)
        .await?
        .map_or_else(|| state.site.settings.hotline.clone(), |(_, v)| v.hotline))
}

/// The page shell's county: its name in the reader's language and its hotline.
pub fn page_county(lang: Lang, county: &Region, voice: &CountyVoice) -> PageCounty {
    PageCounty {
        name: county.name(lang).to_owned(),
        hotline: voice.hotline.clone(),
    }
}

/// This page, in the county of `township_id` (unchanged when it has none).
pub async fn in_township(state: &AppState, ctx: &PageCtx, township_id: i64) -> AppResult<PageCtx> {
    let county = cdb::of_township(&state.db, township_id).await?;
    Ok(in_county(state, ctx, county.as_ref()))
}

/// This page, in a county already read with its settings (unchanged for none).
pub fn in_county(
    state: &AppState,
    ctx: &PageCtx,
    county: Option<&(Region, CountySettings)>,
) -> PageCtx {
    match county {
        Some((county, stored)) => {
            let v = voice(state, county, stored);
            ctx.in_county(page_county(ctx.lang, county, &v))
        }
        None => ctx.clone(),
    }
}

/// Pages each with their county's name in the reader's language (empty for the deployment's
/// own pages).
pub async fn with_county_names(
    state: &AppState,
    lang: Lang,
    pages: Vec<crate::db::content::Page>,
) -> AppResult<Vec<(crate::db::content::Page, String)>> {
    let names: std::collections::HashMap<i64, String> = crate::db::regions::counties(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name(lang).to_owned()))
        .collect();
    Ok(pages
        .into_iter()
        .map(|p| {
            let county = p.county_id.and_then(|c| names.get(&c).cloned());
            (p, county.unwrap_or_default())
        })
        .collect())
}
