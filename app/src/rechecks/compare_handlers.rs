//! Data comparison handlers: the upload form, the upload (multipart, read as it arrives into
//! one buffer and hashed on the way), a file's preview, and its confirmation. Every handler
//! asks `compare::require_compare` (through `compare::visible` for one file) before anything.

use axum::extract::{Multipart, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::comparisons as cdb;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::rechecks::compare::{self, RowProblem, Upload, MATCHES_SHOWN, MAX_BYTES};
use crate::rechecks::compare_views::{ComparePage, ComparisonPreviewPage, PreviewData};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::files;
use crate::web::forms::TokenForm;
use crate::web::session::StaffPage;
use crate::web::session::{constant_time_eq, StaffCtx, StaffForm};
use crate::web::state::AppState;

/// The body limit of the upload route: the file plus the form around it.
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;

/// How long a sending waits for one of the instance's comparison slots before it is told to
/// try again.
const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// How long an upload may send nothing before it is given up (its slot freed): a stalled
/// connection does not hold a slot, a slow one that keeps sending does.
const IDLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The next part of the form, or the next bytes of the file: given up after [`IDLE_LIMIT`].
async fn within_idle_limit<T>(
    lang: Lang,
    next: impl std::future::Future<Output = Result<T, axum::extract::multipart::MultipartError>>,
) -> AppResult<T> {
    match tokio::time::timeout(IDLE_LIMIT, next).await {
        Ok(r) => r.map_err(|e| files::bad_upload(lang, e)),
        Err(_) => Err(AppError::invalid("file", Msg::UploadStalled.text(lang))),
    }
}

async fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    error: Option<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let refused = error.is_some();
    let recent = cdb::recent(&state.db, staff.scope(), 20).await?;
    let page = |nav, csrf| view! { <ComparePage lang nav csrf recent error /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::ComparisonTitle), refused, page))
}

/// `GET /staff/rechecks/compare`
pub async fn form(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    compare::require_compare(&staff)?;
    form_page(&state, &ctx, &staff, None).await
}

/// `POST /staff/rechecks/compare` (multipart: csrf, then file). The token comes first in the
/// form, so a cross-site upload is refused before its file is read; the file is hashed as it
/// arrives and kept once, in a buffer sized from the request's length.
pub async fn upload(
    StaffPage { state, ctx, staff }: StaffPage,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> AppResult<Response> {
    compare::require_compare(&staff)?;
    let lang = ctx.lang;
    // Held until the file is matched and stored; when every slot stays taken for a moment,
    // nothing is read.
    let slot = state.comparison_slots.clone().acquire_owned();
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, slot).await else {
        let busy = lang.t(Msg::ComparisonBusy).to_owned();
        let mut res = form_page(&state, &ctx, &staff, Some(busy)).await?;
        *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return Ok(res);
    };
    let file = read_form(&staff, &headers, lang, &mut multipart).await?;
    let Some(file) = file.filter(|f| !f.bytes.is_empty()) else {
        return form_page(
            &state,
            &ctx,
            &staff,
            Some(lang.t(Msg::ComparisonNoFile).to_owned()),
        )
        .await;
    };
    match compare::upload(&state, &staff, file).await? {
        Ok(id) => Ok(Redirect::to(&format!("/staff/rechecks/compare/{id}")).into_response()),
        Err(e) => form_page(&state, &ctx, &staff, Some(e.message(lang))).await,
    }
}

/// Reads the upload form: its CSRF token, checked before a byte of the file is kept (the form
/// sends it first), then the file. `None`: the form held no file.
async fn read_form(
    staff: &StaffCtx,
    headers: &HeaderMap,
    lang: Lang,
    multipart: &mut Multipart,
) -> AppResult<Option<Upload>> {
    let mut csrf_ok = false;
    let mut file: Option<Upload> = None;
    while let Some(mut field) = within_idle_limit(lang, multipart.next_field()).await? {
        match field.name() {
            Some("csrf") => {
                let token = within_idle_limit(lang, field.text()).await?;
                csrf_ok = constant_time_eq(token.trim(), &staff.csrf);
            }
            Some("file") if file.is_none() => {
                if !csrf_ok {
                    return Err(AppError::CrossSite);
                }
                file = Some(read_file(&mut field, headers, lang).await?);
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(AppError::CrossSite);
    }
    Ok(file)
}

/// The file of the form, hashed as it arrives and refused past [`MAX_BYTES`].
async fn read_file(
    field: &mut axum::extract::multipart::Field<'_>,
    headers: &HeaderMap,
    lang: Lang,
) -> AppResult<Upload> {
    // No path, no control or direction characters, at most 80 characters.
    let file_name = compare::tidy(&crate::web::files::display_name(
        field.file_name().unwrap_or(""),
    ))
    .into_owned();
    let expected = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        // A hint only: a claimed length reserves at most 1 MiB before any data arrives (the
        // buffer grows with what does arrive, up to MAX_BYTES).
        .min(MAX_BYTES.min(1 << 20));
    let mut bytes = Vec::with_capacity(expected);
    let mut hasher = Sha256::new();
    while let Some(chunk) = within_idle_limit(lang, field.chunk()).await? {
        if bytes.len().saturating_add(chunk.len()) > MAX_BYTES {
            return Err(AppError::TooLarge);
        }
        hasher.update(&chunk);
        bytes.extend_from_slice(&chunk);
    }
    Ok(Upload {
        file_name,
        bytes,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// `GET /staff/rechecks/compare/{id}`: the preview (or, once confirmed, the record).
pub async fn preview(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let file = compare::visible(&state, &staff, id).await?;
    let matches = cdb::matches(&state.db, id, MATCHES_SHOWN).await?;
    let problems = cdb::problems(&state.db, id)
        .await?
        .into_iter()
        .filter_map(|p| RowProblem::parse(&p.code).map(|problem| (p.row_no, problem)))
        .collect();
    let same_file = cdb::confirmed_before(
        &state.db,
        &file.sha256,
        (file.township_id, file.county_id),
        id,
    )
    .await?;
    let data = PreviewData {
        can_confirm: !file.confirmed && file.created_by == staff.staff.id,
        file,
        matches,
        problems,
        same_file,
    };
    let lang = ctx.lang;
    let page = |nav, csrf| view! { <ComparisonPreviewPage lang nav csrf data /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::ComparisonPreviewTitle), false, page))
}

/// `POST /staff/rechecks/compare/{id}/confirm` (csrf, token) → the re-check list.
pub async fn confirm(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<TokenForm>,
) -> AppResult<Response> {
    compare::confirm(&state, &staff, ctx.lang, id, form.token.trim()).await?;
    Ok(Redirect::to("/staff/rechecks").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::multipart::MultipartError;
    use std::time::Duration;

    // Tokio's clock is paused here: it moves on only when every task waits, so these take no
    // real time.
    #[tokio::test(start_paused = true)]
    async fn an_upload_that_sends_nothing_is_given_up_at_the_idle_limit() {
        let started = tokio::time::Instant::now();
        let stalled = std::future::pending::<Result<(), MultipartError>>();
        match within_idle_limit(Lang::Zh, stalled).await {
            Err(AppError::Invalid { message, .. }) => {
                assert_eq!(message, Msg::UploadStalled.text(Lang::Zh));
            }
            other => panic!("given up with a message, not {other:?}"),
        }
        assert_eq!(started.elapsed(), IDLE_LIMIT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_upload_that_keeps_sending_is_not() {
        let slow = async {
            tokio::time::sleep(IDLE_LIMIT - Duration::from_secs(1)).await;
            Ok::<_, MultipartError>(7)
        };
        assert_eq!(within_idle_limit(Lang::Zh, slow).await.ok(), Some(7));
    }
}
