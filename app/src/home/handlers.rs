//! Handlers for the home page, the village page, the language switch and health.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;

use crate::db::{content, regions};
use crate::error::{AppError, AppResult};
use crate::home::views::{CountiesPage, HomePage, TownshipItem, VillageLink};
use crate::i18n::{Lang, Msg};
use crate::web::cookies::{self, no_store};
use crate::web::ctx::PageCtx;
use crate::web::format::safe_next;
use crate::web::state::AppState;
use axum_extra::extract::cookie::SameSite;

use crate::web::cookies::COUNTY_COOKIE;
use crate::web::ctx::Page;

/// `GET /`: one county's townships and villages; in a deployment of several counties, the list
/// of counties — or, once a visitor asked to remember one, a redirect to it.
pub async fn home(Page { state, ctx }: Page, headers: HeaderMap) -> AppResult<Response> {
    let counties = regions::counties(&state.db).await?;
    if counties.len() < 2 {
        return county_home(&state, &ctx, counties.first(), false).await;
    }
    let remembered = cookies::read(&headers, COUNTY_COOKIE)
        .filter(|code| counties.iter().any(|c| c.code == *code));
    match remembered {
        Some(code) => Ok(Redirect::to(&format!("/c/{code}")).into_response()),
        None => counties_list(&state, &ctx, &counties).await,
    }
}

/// `GET /counties`: every county of the deployment, whatever was remembered.
pub async fn counties(Page { state, ctx }: Page) -> AppResult<Response> {
    let counties = regions::counties(&state.db).await?;
    counties_list(&state, &ctx, &counties).await
}

/// The counties, under their prefectures (市、州) when a province's file named several.
async fn counties_list(
    state: &AppState,
    ctx: &PageCtx,
    counties: &[regions::Region],
) -> AppResult<Response> {
    let lang = ctx.lang;
    let link = |c: &regions::Region| VillageLink {
        code: c.code.clone(),
        name: c.name(lang).to_owned(),
    };
    let groups = regions::by_prefecture(&state.db, counties).await?;
    let items: Vec<(String, Vec<VillageLink>)> = if groups.len() < 2 {
        vec![(String::new(), counties.iter().map(link).collect())]
    } else {
        groups
            .iter()
            .map(|p| {
                let name = p.name(lang).to_owned();
                (name, p.counties.iter().map(link).collect())
            })
            .collect()
    };
    Ok(ctx
        .described(lang.t(Msg::MetaHome))
        .render(
            lang.t(Msg::Home),
            view! { <CountiesPage lang counties=items /> },
        )
        .into_response())
}

/// `GET /c/{code}`: one county's home page.
pub async fn county(Page { state, ctx }: Page, Path(code): Path<String>) -> AppResult<Response> {
    let county = county_by_code(&state, &code).await?;
    let several = regions::counties(&state.db).await?.len() > 1;
    county_home(&state, &ctx, Some(&county), several).await
}

/// `GET /c/{code}/remember`: the home page opens this county from now on (a plain link, so it
/// works without JavaScript).
pub async fn remember_county(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let county = county_by_code(&state, &code).await?;
    let mut cookie = cookies::site_cookie(
        &state,
        COUNTY_COOKIE,
        &county.code,
        "/",
        Some(365 * 24 * 60 * 60),
    );
    cookie.set_same_site(SameSite::Lax);
    Ok(cookies::set(
        Redirect::to(&format!("/c/{}", county.code)).into_response(),
        &cookie,
    ))
}

async fn county_by_code(state: &AppState, code: &str) -> AppResult<regions::Region> {
    regions::county_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)
}

/// A county's townships and villages.
async fn county_home(
    state: &AppState,
    ctx: &PageCtx,
    county: Option<&regions::Region>,
    several: bool,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let townships: Vec<_> = regions::by_level(&state.db, regions::Level::Township)
        .await?
        .into_iter()
        .filter(|t| county.is_none_or(|c| t.parent_id == Some(c.id)))
        .collect();
    let villages = regions::by_level(&state.db, regions::Level::Village).await?;
    let items: Vec<TownshipItem> = townships
        .iter()
        .map(|t| TownshipItem {
            name: t.name(lang).to_owned(),
            villages: villages
                .iter()
                .filter(|v| v.parent_id == Some(t.id))
                .map(|v| VillageLink {
                    code: v.code.clone(),
                    name: v.name(lang).to_owned(),
                })
                .collect(),
        })
        .collect();
    let code = several.then(|| county.map(|c| c.code.clone())).flatten();
    // A county's page speaks with its voice: its hotline in the footer and at the top, and its
    // other ways to report.
    let mut ctx = ctx.described(lang.t(Msg::MetaHome));
    let mut contact = None;
    let mut pages = vec![];
    if let Some(c) = county {
        let v = crate::web::county::voice_of(state, c).await?;
        ctx = ctx.in_county(crate::web::county::page_county(lang, c, &v));
        contact = Some((v.hotline, v.channels));
        pages = content::list(&state.db, content::Owner::County(c.id), None, false)
            .await?
            .into_iter()
            .map(|p| (format!("{}/{}", p.kind.path(), p.slug), p.title))
            .collect();
    }
    let county = county.map(|c| c.name(lang).to_owned()).unwrap_or_default();
    let title = lang.t(Msg::Home);
    let page = match contact {
        Some(contact) => {
            view! { <HomePage lang county code contact pages townships=items /> }.into_any()
        }
        None => view! { <HomePage lang county code townships=items /> }.into_any(),
    };
    Ok(ctx.render(title, page).into_response())
}

#[derive(serde::Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the language in a cookie and goes back.
/// A plain link, so it works without JavaScript.
pub async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = Lang::parse(&code);
    // Lax, unlike every other cookie: a link from elsewhere should open in the chosen language.
    let mut cookie = cookies::site_cookie(
        &state,
        Lang::COOKIE,
        lang.code(),
        "/",
        Some(365 * 24 * 60 * 60),
    );
    cookie.set_same_site(SameSite::Lax);
    cookies::set(
        Redirect::to(safe_next(q.next.as_deref())).into_response(),
        &cookie,
    )
}

#[derive(serde::Deserialize)]
pub struct LargeQuery {
    on: Option<String>,
    back: Option<String>,
}

/// `GET /large?on=1|0&back=/path`: turns the large-text edition (大字版) on or off for a year and
/// goes back (303) to the page it was asked from. A plain link, so it works without JavaScript.
pub async fn switch_large(State(state): State<AppState>, Query(q): Query<LargeQuery>) -> Response {
    let on = q.on.as_deref() == Some("1");
    let max_age = if on { 365 * 24 * 60 * 60 } else { 0 };
    let mut cookie = cookies::site_cookie(
        &state,
        crate::web::ctx::LARGE_COOKIE,
        if on { "1" } else { "" },
        "/",
        Some(max_age),
    );
    // Lax, like the language: a link from elsewhere should open in the edition the visitor chose.
    cookie.set_same_site(SameSite::Lax);
    cookies::set(
        no_store(Redirect::to(safe_next(q.back.as_deref())).into_response()),
        &cookie,
    )
}

/// Liveness: the process answers. Never touches the database, so it answers at once even when
/// the database is gone (a restart would not bring the database back).
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// Readiness: the database answers within a second, and writes work — after a failed write
/// (a full disk, a primary lost) a probe write must succeed first. 503 otherwise, within ~2 s.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let limit = std::time::Duration::from_secs(1);
    let reason = if !state.db.ping(limit).await {
        Some("database unavailable")
    } else if crate::db::tx::WRITE_HEALTH.failing() && !state.db.probe_write(limit).await {
        Some("database refuses writes")
    } else {
        None
    };
    // JSON, so the error-page middleware leaves the answer as it is.
    let (status, body) = match reason {
        None => (StatusCode::OK, r#"{"ready":true}"#.to_owned()),
        Some(r) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(r#"{{"ready":false,"reason":"{r}"}}"#),
        ),
    };
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/v/530621103201")), "/v/530621103201");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
