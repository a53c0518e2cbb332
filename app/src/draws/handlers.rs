//! Draw handlers: the public list, one draw and its JSON (anyone), and the staff page where a
//! township keeps its pools and announces panels, the county its spot-checks, and both enter
//! the public randomness when its time has come.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::draws as ddb;
use crate::db::{now_epoch, publicity as pdb, regions};
use crate::domain::access::Perm;
use crate::domain::case::group_token;
use crate::domain::draw::{DrawFile, Stratum};
use crate::domain::{BatchKind, BatchState, Scope};
use crate::draws::service::{self, Source};
use crate::draws::views::{DrawData, DrawListPage, DrawPage, ManageData, ManagePage};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::forms::{field, Fields};
use crate::web::pager::{PageQuery, Pager};
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::state::AppState;

/// Ids in URLs: `123`, or `123.json` for the file.
fn draw_id(s: &str) -> AppResult<(i64, bool)> {
    let (id, json) = match s.strip_suffix(".json") {
        Some(id) => (id, true),
        None => (s, false),
    };
    Ok((id.parse().map_err(|_| AppError::NotFound)?, json))
}

/// Draws a page of the public list holds.
pub const DRAWS_PER_PAGE: u32 = 50;

/// `GET /draws[?page=N]`: every draw, newest first, a page at a time; a page past the end is 404.
pub async fn list(Page { state, ctx }: Page, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let lang = ctx.lang;
    let pager = Pager::parse(q.page.as_deref(), DRAWS_PER_PAGE, lang)?;
    let mut draws = ddb::list_from(&state.db, &Scope::All, pager.fetch(), pager.offset()).await?;
    let older = pager.cut(&mut draws);
    if draws.is_empty() && pager.page > 1 {
        return Err(AppError::NotFound);
    }
    let page = view! { <DrawListPage lang draws now=now_epoch() pager older /> };
    Ok(ctx.render(lang.t(Msg::DrawsTitle), page).into_response())
}

/// `GET /draws/method.md`: the method (docs/draws.md), as plain text any phone shows.
pub async fn method() -> Response {
    published_text(include_str!("../../../docs/draws.md"), None)
}

/// `GET /draws/draws_reference.py`: the Python reference (docs/draws_reference.py), to save.
pub async fn reference() -> Response {
    let script = include_str!("../../../docs/draws_reference.py");
    published_text(script, Some("draws_reference.py"))
}

/// A text file the site publishes as it is in the repository; `download`: saved under that name.
fn published_text(text: &'static str, download: Option<&'static str>) -> Response {
    let mut res = text.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Some(name) = download {
        let disposition = format!("attachment; filename=\"{name}\"");
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    res
}

/// `GET /draws/{id}` and `GET /draws/{id}.json`.
pub async fn show(Page { state, ctx }: Page, Path(id): Path<String>) -> AppResult<Response> {
    let (id, json) = draw_id(&id)?;
    let row = ddb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let text = service::published_json(&row).to_owned();
    if json {
        let mut res = text.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let disposition = format!("attachment; filename=\"draw-{}.json\"", row.draw_key);
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(res);
    }
    let file: DrawFile =
        serde_json::from_str(&text).map_err(|e| AppError::internal("stored draw", e))?;
    // Group names as the village writes them, beside their tokens (names of groups: this public
    // page reads no person's name).
    let mut groups = Vec::new();
    if let Some(v) = row.village_id {
        for g in ddb::pool_groups(&state.db, v).await? {
            groups.push((group_token(&g), g));
        }
    }
    let lang = ctx.lang;
    let title = row.purpose.clone();
    let data = DrawData {
        row,
        file,
        groups,
        now: now_epoch(),
    };
    Ok(ctx
        .render(&title, view! { <DrawPage lang data /> })
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct ManageQuery {
    village: Option<i64>,
    done: Option<String>,
}

async fn manage_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    village: Option<i64>,
    error: Option<String>,
    notice: bool,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let villages = regions::villages_in_scope(&state.db, staff.scope()).await?;
    let village = village.and_then(|id| villages.iter().find(|v| v.id == id));
    let name = |r: &regions::Region| r.name(lang).to_owned();
    let pool = match village {
        Some(v) => ddb::pool(&state.db, v.id).await?,
        None => Vec::new(),
    };
    let draws = ddb::list(&state.db, staff.scope(), 200)
        .await?
        .into_iter()
        .filter(|d| village.is_none_or(|v| d.village_id == Some(v.id)))
        .collect();
    let lists = match staff.can_role(Perm::ApproveCases) {
        true => spot_lists(state, staff, lang, &villages).await?,
        false => Vec::new(),
    };
    let data = ManageData {
        villages: villages.iter().map(|v| (v.id, name(v))).collect(),
        village: village.map(|v| (v.id, name(v))),
        pool,
        draws,
        lists,
        can_panel: village.is_some_and(|v| staff.can(Perm::ProcessCases, v.parent_id)),
        can_spot: staff.can_role(Perm::ApproveCases),
        error,
        notice,
        now: now_epoch(),
    };
    let page = |nav, csrf| view! { <ManagePage lang nav csrf data /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::DrawsStaffTitle), false, page))
}

/// The 审核 lists in scope the county may announce a spot-check of: those with none yet, and
/// those whose spot-check is not drawn yet (to announce again, with a reason) — (id, label).
async fn spot_lists(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
    villages: &[regions::Region],
) -> AppResult<Vec<(i64, String)>> {
    let mut lists = Vec::new();
    for b in pdb::batches_in_scope(&state.db, staff.scope(), 500).await? {
        let out = b.kind == BatchKind::Review
            && b.state != BatchState::Draft
            && b.state != BatchState::Withdrawn;
        if !out {
            continue;
        }
        let spot = ddb::spot_check_of(&state.db, b.id).await?;
        if spot.as_ref().is_some_and(|d| d.result.is_some()) {
            continue;
        }
        let vname = villages
            .iter()
            .find(|v| v.id == b.village_id)
            .map(|v| v.name(lang).to_owned())
            .unwrap_or_default();
        let again = match spot {
            Some(d) => lang
                .t(Msg::SpotAnnouncedNotDrawn)
                .replace("{id}", &d.id.to_string()),
            None => String::new(),
        };
        lists.push((b.id, format!("#{} {vname} {}{again}", b.id, b.opens_on)));
    }
    Ok(lists)
}

pub async fn manage(
    StaffPage { state, ctx, staff }: StaffPage,
    Query(q): Query<ManageQuery>,
) -> AppResult<Response> {
    staff.require_beyond_village(Perm::ReadCases, None)?;
    manage_page(&state, &ctx, &staff, q.village, None, q.done.is_some()).await
}

/// A refused form: the page again, with why, as a 422.
async fn refused(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    village: Option<i64>,
    msg: String,
) -> AppResult<Response> {
    let res = manage_page(state, ctx, staff, village, Some(msg), false).await?;
    Ok(crate::web::forms::with_status(res, true))
}

fn back(village: Option<i64>) -> Response {
    let q = village.map(|v| format!("village={v}&")).unwrap_or_default();
    Redirect::to(&format!("/staff/draws?{q}done=1")).into_response()
}

async fn village(state: &AppState, id: i64) -> AppResult<regions::Region> {
    regions::by_level_id(&state.db, regions::Level::Village, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
pub struct MemberForm {
    village: i64,
    name: String,
    stratum: String,
    group: String,
    member: i64,
}

pub async fn add_member(
    Page { state, ctx }: Page,
    StaffForm(staff, f): StaffForm<MemberForm>,
) -> AppResult<Response> {
    let v = village(&state, f.village).await?;
    staff.require(Perm::ProcessCases, v.parent_id)?;
    let name = f.name.trim();
    let stratum = Stratum::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == f.stratum);
    let group = crate::domain::case::normalise_group(&f.group);
    let group = group.as_str();
    let ok_group = match stratum {
        Some(Stratum::Cadre) => group.is_empty(),
        Some(_) => {
            (1..=20).contains(&group.chars().count()) && !group.chars().any(char::is_control)
        }
        None => false,
    };
    let (Some(stratum), true, true) = (
        stratum,
        crate::domain::text::valid_person_name(name),
        ok_group,
    ) else {
        return refused(
            &state,
            &ctx,
            &staff,
            Some(v.id),
            ctx.lang.t(Msg::PoolMemberRule).to_owned(),
        )
        .await;
    };
    let group = (!group.is_empty()).then_some(group);
    match service::add_member(&state, &staff, &v, name, stratum, group).await? {
        Ok(_) => Ok(back(Some(v.id))),
        Err(m) => refused(&state, &ctx, &staff, Some(v.id), ctx.lang.t(m).to_owned()).await,
    }
}

pub async fn remove_member(
    State(state): State<AppState>,
    StaffForm(staff, f): StaffForm<MemberForm>,
) -> AppResult<Response> {
    let v = village(&state, f.village).await?;
    service::remove_member(&state, &staff, &v, f.member).await?;
    Ok(back(Some(v.id)))
}

/// `POST`: announces a panel draw (the form repeats `recused` checkboxes, read as pairs).
pub async fn announce_panel(
    Page { state, ctx }: Page,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let v = village(
        &state,
        field(&f, "village")
            .parse()
            .map_err(|_| AppError::NotFound)?,
    )
    .await?;
    staff.require(Perm::ProcessCases, v.parent_id)?;
    let size = field(&f, "size").parse::<u32>().unwrap_or(0);
    let recused: Vec<i64> = f
        .iter()
        .filter(|(k, _)| k == "recused")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let source = Source {
        text: field(&f, "source"),
        format: field(&f, "format"),
    };
    let reason = field(&f, "reason");
    match service::announce_panel(&state, &staff, &v, size, &recused, source, reason).await? {
        Ok(id) => Ok(Redirect::to(&format!("/draws/{id}")).into_response()),
        Err(msg) => refused(&state, &ctx, &staff, Some(v.id), msg).await,
    }
}

pub async fn announce_spot_check(
    Page { state, ctx }: Page,
    StaffForm(staff, f): StaffForm<Fields>,
) -> AppResult<Response> {
    let batch: i64 = field(&f, "batch").parse().map_err(|_| AppError::NotFound)?;
    let rate = field(&f, "rate").parse::<u32>().unwrap_or(0);
    let source = Source {
        text: field(&f, "source"),
        format: field(&f, "format"),
    };
    let reason = field(&f, "reason");
    match service::announce_spot_check(&state, &staff, batch, rate, source, reason).await? {
        Ok(id) => Ok(Redirect::to(&format!("/draws/{id}")).into_response()),
        Err(msg) => refused(&state, &ctx, &staff, None, msg).await,
    }
}

#[derive(Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    randomness: String,
}

pub async fn draw(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<DrawForm>,
) -> AppResult<Response> {
    let row = ddb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    match service::draw(&state, &staff, &row, &f.randomness).await? {
        Ok(()) => Ok(Redirect::to(&format!("/draws/{id}")).into_response()),
        Err(msg) => refused(&state, &ctx, &staff, row.village_id, msg).await,
    }
}
