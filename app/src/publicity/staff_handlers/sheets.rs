//! Spreadsheets and paper of a list: the import (upload → preview → confirm), its template, the
//! Excel export and the printed A4 notice with full names (audited).

use super::*;
use crate::web::ctx::Page;
use crate::web::session::StaffPage;

/// Upload → parse → validate → stage → preview. Nothing reaches the batch until confirmed.
pub async fn import_preview(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffUpload(staff, upload): StaffUpload,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let batch = batches::load_draft(&state, &staff, id, lang).await?;
    let Some(files::UploadedFile { name, bytes }) = upload.into_file() else {
        return Err(AppError::invalid("file", lang.t(Msg::FileLabel)));
    };
    let file_name = files::tidy_name(&name);
    let (parse_name, defaults) = (file_name.clone(), entries::defaults_for(batch.kind));
    let parsed =
        tokio::task::spawn_blocking(move || import::parse_file(&parse_name, &bytes, &defaults))
            .await
            .map_err(|e| AppError::internal("import task", e))?;
    let (errors, rows, total, token) = match parsed {
        Ok(mut rows) => {
            let token = entries::stage(&state, &staff, &batch, &file_name, &rows).await?;
            let total = rows.len();
            rows.truncate(200);
            (vec![], rows, total, token)
        }
        Err(errors) => {
            let english = lang == Lang::En;
            let msgs = errors
                .iter()
                .take(500)
                .map(|e| e.message(english))
                .collect();
            (msgs, vec![], 0, String::new())
        }
    };
    let failed = !errors.is_empty();
    let page = |nav, csrf| {
        view! { <ImportPreviewPage lang nav csrf batch_id=id file_name errors rows total token /> }
    };
    Ok(ctx.staff_page(&staff, lang.t(Msg::ImportTitle), failed, page))
}

pub async fn import_confirm(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<TokenForm>,
) -> AppResult<Response> {
    let batch = batches::load_draft(&state, &staff, id, ctx.lang).await?;
    entries::confirm(&state, ctx.lang, &staff, &batch, form.token.trim()).await?;
    Ok(saved(id))
}

/// The A4 notice for the village board, with full names (printed, never online): audited.
pub async fn notice(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let batch = batches::load(&state, &staff, id, Perm::ReadRecords).await?;
    let lang = ctx.lang;
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let township = regions::by_id(&state.db, batch.township_id).await?;
    let url = format!("{}/v/{}", state.site.settings.public_url, village.code);
    let county = regions::county_of_township(&state.db, batch.township_id)
        .await?
        .map(|c| c.name(lang).to_owned());
    let data = NoticeData {
        county: county.unwrap_or_default(),
        township: township
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default(),
        village: village.name(lang).to_owned(),
        entries: pdb::staff_entries(&state.db, batch.id).await?,
        hotline: crate::web::county::hotline_of_township(&state, batch.township_id).await?,
        qr_data_uri: qr_data_uri(&url)?,
        url,
        batch,
    };
    batches::audit_read(&state, &staff, &data.batch, "batch.print").await?;
    let page = view! { <NoticePage lang data /> };
    Ok(no_store(
        ctx.render(lang.t(Msg::PrintNotice), page).into_response(),
    ))
}

/// The list as an Excel file (full names; staff only): audited.
/// `GET /staff/publicity/import-template.xlsx`: an empty list in the importer's own columns, with
/// drop-downs for the closed ones. Holds no data; for those who may edit lists.
pub async fn import_template(staff: StaffCtx) -> AppResult<Response> {
    staff.require_role(Perm::EditPublicity)?;
    let bytes = export::template().await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(export::XLSX_TYPE),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"import-template.xlsx\""),
    );
    Ok(no_store(res))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    staff: StaffCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let batch = batches::load(&state, &staff, id, Perm::ReadRecords).await?;
    let bytes = export::xlsx(pdb::staff_entries(&state.db, id).await?).await?;
    batches::audit_read(&state, &staff, &batch, "batch.export").await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(export::XLSX_TYPE),
    );
    let disposition = format!("attachment; filename=\"batch-{id}.xlsx\"");
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(no_store(res))
}
