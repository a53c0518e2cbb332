//! Staff handlers for publicity lists. Every handler: signed in (`StaffCtx`/`StaffForm`),
//! then `require(perm, batch's township)` before anything else.

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::publicity::{self as pdb, Batch, NewBatch};
use crate::db::{audit, now_epoch, regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::{AidCategory, BatchKind, BatchState, ChangeKind};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::publicity::import::{self, Defaults, ImportRow};
use crate::publicity::staff_views::{
    BatchDetail, BatchDetailPage, BatchListPage, EntryValues, ImportPreviewPage, NewBatchPage,
    NewBatchValues, NoticeData, NoticePage,
};
use crate::web::ctx::PageCtx;
use crate::web::format::{qr_data_uri, yuan};
use crate::web::labels::publicity as labels;
use crate::web::session::{new_token, StaffCtx, StaffForm};
use crate::web::shell::nav;
use crate::web::state::AppState;

/// Largest spreadsheet accepted (a province-sized village list fits easily).
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;

async fn load_batch(state: &AppState, staff: &StaffCtx, id: i64, perm: Perm) -> AppResult<Batch> {
    let batch = pdb::batch(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require(perm, Some(batch.township_id))?;
    Ok(batch)
}

fn village_label(lang: Lang, r: &regions::Region) -> String {
    lang.pick(&r.name_zh, r.name_en.as_deref()).to_owned()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::ReadRecords, staff.scope())?;
    let lang = ctx.lang;
    let can_edit = staff.can(Perm::EditPublicity, staff.scope());
    let mut rows = Vec::new();
    for b in pdb::batches_in_scope(&state.db, staff.scope(), 500).await? {
        let village = regions::by_id(&state.db, b.village_id)
            .await?
            .map(|v| village_label(lang, &v))
            .unwrap_or_default();
        let n = pdb::totals(&state.db, b.id).await?.households;
        rows.push((b, village, n));
    }
    let nav = nav(&staff);
    Ok(ctx
        .render(
            lang.t(Msg::Publicity),
            view! { <BatchListPage lang nav can_edit batches=rows /> },
        )
        .into_response())
}

async fn village_options(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
) -> AppResult<Vec<(i64, String)>> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    Ok(regions::villages_in_scope(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|v| {
            let t = townships
                .iter()
                .find(|t| Some(t.id) == v.parent_id)
                .map(|t| village_label(lang, t))
                .unwrap_or_default();
            (v.id, format!("{t} · {}", village_label(lang, &v)))
        })
        .collect())
}

async fn new_batch_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    values: NewBatchValues,
    errors: Vec<(&'static str, Msg)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let villages = village_options(state, staff, lang).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let nav = nav(staff);
    let csrf = staff.csrf.clone();
    let mut res = ctx
        .render(
            lang.t(Msg::NewBatch),
            view! { <NewBatchPage lang nav csrf villages values errors /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
) -> AppResult<Response> {
    staff.require(Perm::EditPublicity, staff.scope())?;
    let values = NewBatchValues {
        village_id: None,
        kind: BatchKind::Review.as_str().to_owned(),
        opens_on: today_cst().to_string(),
        days: state.site.settings.window_days.to_string(),
    };
    new_batch_page(&state, &ctx, &staff, values, vec![]).await
}

#[derive(Deserialize)]
pub struct NewBatchForm {
    #[serde(default)]
    village: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    days: String,
}

/// The last day of a window of `days` days opening on `opens`.
pub fn closes_on(opens: NaiveDate, days: u32) -> NaiveDate {
    crate::domain::PublicityWindow::starting(opens, days).closes
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    StaffForm(staff, form): StaffForm<NewBatchForm>,
) -> AppResult<Response> {
    staff.require(Perm::EditPublicity, staff.scope())?;
    let mut errors = Vec::new();
    let village = match form.village.trim().parse::<i64>() {
        Ok(id) => regions::by_level_id(&state.db, regions::Level::Village, id).await?,
        Err(_) => None,
    };
    if village.is_none() {
        errors.push(("village", Msg::VillageRequired));
    }
    let kind = BatchKind::parse(&form.kind).ok();
    if kind.is_none() {
        errors.push(("kind", Msg::KindRequired));
    }
    let opens = NaiveDate::parse_from_str(form.opens_on.trim(), "%Y-%m-%d").ok();
    if opens.is_none() {
        errors.push(("opens_on", Msg::DateInvalid));
    }
    let days = if form.days.trim().is_empty() {
        Some(state.site.settings.window_days)
    } else {
        form.days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=60).contains(d))
    };
    if days.is_none() {
        errors.push(("days", Msg::DaysInvalid));
    }
    let (Some(village), Some(kind), Some(opens), Some(days), true) =
        (village, kind, opens, days, errors.is_empty())
    else {
        let values = NewBatchValues {
            village_id: form.village.trim().parse().ok(),
            kind: form.kind,
            opens_on: form.opens_on,
            days: form.days,
        };
        return new_batch_page(&state, &ctx, &staff, values, errors).await;
    };
    let township_id = village.parent_id.ok_or(AppError::NotFound)?;
    // Form tampering with another township's village id is refused here.
    staff.require(Perm::EditPublicity, Some(township_id))?;
    let windowed = kind != BatchKind::Standing;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let id = pdb::insert_batch(
        &mut tx,
        &NewBatch {
            village_id: village.id,
            township_id,
            kind,
            opens_on: opens,
            closes_on: windowed.then(|| closes_on(opens, days)),
            window_days: windowed.then_some(i64::from(days)),
            created_by: Some(staff.staff.id),
        },
        now,
    )
    .await?;
    let detail = format!(
        "village={} kind={} opens={opens}",
        village.code,
        kind.as_str()
    );
    audit_batch(
        &mut tx,
        &staff,
        id,
        township_id,
        "batch.create",
        detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/publicity/{id}")).into_response())
}

async fn detail_page(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    batch: Batch,
    notice: Option<String>,
    errors: Vec<String>,
    entry_values: EntryValues,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = pdb::staff_entries(&state.db, batch.id).await?;
    let can_edit = staff
        .require(Perm::EditPublicity, Some(batch.township_id))
        .is_ok();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let detail = BatchDetail {
        batch,
        village: village_label(lang, &village),
        village_code: village.code.clone(),
        entries,
        can_edit,
        notice,
        errors,
        entry_values,
    };
    let nav = nav(staff);
    let csrf = staff.csrf.clone();
    let mut res = ctx
        .render(
            lang.t(Msg::Publicity),
            view! { <BatchDetailPage lang nav csrf detail /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
    /// An entry to correct: its values fill the form.
    edit: Option<i64>,
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<DetailQuery>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::ReadRecords).await?;
    let notice = q.done.map(|_| ctx.lang.t(Msg::Saved).to_owned());
    if let Some(entry_id) = q.edit.filter(|_| batch.state == BatchState::Draft) {
        let e = pdb::staff_entries(&state.db, id)
            .await?
            .into_iter()
            .find(|e| e.id == entry_id)
            .ok_or(AppError::NotFound)?;
        let values = EntryValues {
            head_name: e.head_name.clone(),
            id_number: String::new(),
            persons: e.persons.to_string(),
            amount: yuan(e.monthly_fen),
            category: match e.category {
                AidCategory::Basic => "兜底保障".into(),
                AidCategory::General => "一般保障".into(),
            },
            class: e.aid_class.map(|c| c.to_string()).unwrap_or_default(),
            change: Lang::Zh.t(labels::change(e.change)).to_owned(),
            editing: Some(entry_id),
        };
        return detail_page(&state, &ctx, &staff, batch, notice, vec![], values).await;
    }
    let values = EntryValues {
        category: "一般保障".into(),
        change: if batch.kind == BatchKind::Standing {
            "续保"
        } else {
            "新增"
        }
        .into(),
        ..Default::default()
    };
    detail_page(&state, &ctx, &staff, batch, notice, vec![], values).await
}

#[derive(Deserialize, Clone)]
pub struct EntryForm {
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    persons: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    change: String,
}

/// The defaults for rows without a change column: a standing list renews, others are new.
fn defaults_for(kind: BatchKind) -> Defaults {
    Defaults {
        change: if kind == BatchKind::Standing {
            ChangeKind::Renew
        } else {
            ChangeKind::New
        },
    }
}

/// Inserts validated rows as entries (finding or creating each household) in one transaction.
async fn insert_rows(
    staff: &StaffCtx,
    batch: &Batch,
    rows: &[ImportRow],
    action: &str,
    detail: String,
    conn: &mut sqlx::AnyConnection,
) -> AppResult<()> {
    let now = now_epoch();
    // One query for the village's households, multi-row inserts for the new ones, one more
    // query for their ids, then multi-row inserts of the entries: a 100,000-row list is a
    // few hundred statements in one transaction, not several per row.
    use crate::db::bulk::{insert_many, Value, CHUNK_ROWS};
    let mut parsed = Vec::with_capacity(rows.len());
    for r in rows {
        let category =
            AidCategory::parse(&r.category).map_err(|e| AppError::internal("row category", e))?;
        let change =
            ChangeKind::parse(&r.change).map_err(|e| AppError::internal("row change", e))?;
        let key = match &r.id_number {
            Some(idn) => format!("id:{idn}"),
            None => format!("name:{}", r.head_name),
        };
        parsed.push((r, category, change, key));
    }
    let mut known = pdb::household_keys(conn, batch.village_id).await?;
    // Rows are turned into bound values one chunk at a time, so a large import never holds a
    // second full copy of itself in memory.
    const HOUSEHOLDS: &str =
        "village_id, head_name, id_number, persons, category, aid_class, monthly_fen, created_at, updated_at";
    let mut new_keys = std::collections::HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    let mut added = false;
    for (r, category, _, key) in &parsed {
        if known.contains_key(key) || !new_keys.insert(key.as_str()) {
            continue;
        }
        chunk.push(vec![
            Value::I(batch.village_id),
            Value::S(r.head_name.clone()),
            r.id_number.clone().map(Value::S).unwrap_or(Value::Null),
            Value::I(i64::from(r.persons)),
            Value::S(category.as_str().to_owned()),
            r.aid_class
                .map(|c| Value::I(i64::from(c)))
                .unwrap_or(Value::Null),
            Value::I(r.monthly_fen),
            Value::I(now),
            Value::I(now),
        ]);
        if chunk.len() == CHUNK_ROWS {
            insert_many(conn, "households", HOUSEHOLDS, &chunk).await?;
            chunk.clear();
            added = true;
        }
    }
    if !chunk.is_empty() {
        insert_many(conn, "households", HOUSEHOLDS, &chunk).await?;
        chunk.clear();
        added = true;
    }
    drop(new_keys);
    if added {
        // Let go of the old map before building the new one (peak memory of large imports).
        drop(std::mem::take(&mut known));
        known = pdb::household_keys(conn, batch.village_id).await?;
    }
    const ENTRIES: &str =
        "batch_id, household_id, seq, public_ref, head_name, persons, monthly_fen, category, aid_class, change_kind";
    let mut seq = pdb::max_seq(conn, batch.id).await?;
    for (r, category, change, key) in &parsed {
        let household = *known
            .get(key)
            .ok_or_else(|| AppError::internal("import", "household not found after insert"))?;
        seq += 1;
        chunk.push(vec![
            Value::I(batch.id),
            Value::I(household),
            Value::I(seq),
            Value::S(pdb::new_public_ref()),
            Value::S(r.head_name.clone()),
            Value::I(i64::from(r.persons)),
            Value::I(r.monthly_fen),
            Value::S(category.as_str().to_owned()),
            r.aid_class
                .map(|c| Value::I(i64::from(c)))
                .unwrap_or(Value::Null),
            Value::S(change.as_str().to_owned()),
        ]);
        if chunk.len() == CHUNK_ROWS {
            insert_many(conn, "batch_entries", ENTRIES, &chunk).await?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        insert_many(conn, "batch_entries", ENTRIES, &chunk).await?;
    }
    audit_batch(
        conn,
        staff,
        batch.id,
        batch.township_id,
        action,
        detail,
        now,
    )
    .await
}

fn not_draft(lang: Lang) -> AppError {
    AppError::Conflict(lang.t(Msg::NotDraft).to_owned())
}

/// One validation path for forms and spreadsheets: a form is a one-row sheet.
fn entry_grid(form: &EntryForm) -> Vec<Vec<String>> {
    let category_cell = format!("{}{}", form.category.trim(), form.class.trim());
    vec![
        [
            "户主姓名",
            "身份证号",
            "保障人数",
            "月保障金额",
            "保障类别",
            "变动情况",
        ]
        .map(str::to_owned)
        .to_vec(),
        vec![
            form.head_name.clone(),
            form.id_number.clone(),
            form.persons.clone(),
            form.amount.clone(),
            category_cell,
            form.change.clone(),
        ],
    ]
}

impl EntryForm {
    fn values(self) -> EntryValues {
        EntryValues {
            head_name: self.head_name,
            id_number: self.id_number,
            persons: self.persons,
            amount: self.amount,
            category: self.category,
            class: self.class,
            change: self.change,
            editing: None,
        }
    }
}

/// Corrects an entry of a draft list (same checks as adding one).
pub async fn edit_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, entry_id)): Path<(i64, i64)>,
    StaffForm(staff, form): StaffForm<EntryForm>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(not_draft(ctx.lang));
    }
    let english = ctx.lang == Lang::En;
    let rows = match import::parse_grid(&entry_grid(&form), &defaults_for(batch.kind)) {
        Ok(rows) => rows,
        Err(errors) => {
            let errors = errors.iter().map(|e| e.message(english)).collect();
            let values = EntryValues {
                editing: Some(entry_id),
                ..form.values()
            };
            return detail_page(&state, &ctx, &staff, batch, None, errors, values).await;
        }
    };
    let Some(r) = rows.first() else {
        return Err(AppError::NotFound);
    };
    let category =
        AidCategory::parse(&r.category).map_err(|e| AppError::internal("row category", e))?;
    let change = ChangeKind::parse(&r.change).map_err(|e| AppError::internal("row change", e))?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let updated = pdb::update_entry(
        &mut tx,
        id,
        entry_id,
        &pdb::NewEntry {
            household_id: 0,
            head_name: &r.head_name,
            persons: i64::from(r.persons),
            monthly_fen: r.monthly_fen,
            category,
            aid_class: r.aid_class.map(i64::from),
            change,
        },
    )
    .await?;
    if !updated {
        return Err(AppError::NotFound);
    }
    audit_batch(
        &mut tx,
        &staff,
        id,
        batch.township_id,
        "batch.edit_entry",
        format!("entry={entry_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(id))
}

pub async fn add_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<EntryForm>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(not_draft(ctx.lang));
    }
    let grid = entry_grid(&form);
    let english = ctx.lang == Lang::En;
    match import::parse_grid(&grid, &defaults_for(batch.kind)) {
        Ok(rows) => {
            let mut tx = state.db.begin().await?;
            insert_rows(
                &staff,
                &batch,
                &rows,
                "batch.add_entry",
                String::new(),
                &mut tx,
            )
            .await?;
            tx.commit().await?;
            Ok(saved(id))
        }
        Err(errors) => {
            let errors = errors.iter().map(|e| e.message(english)).collect();
            detail_page(&state, &ctx, &staff, batch, None, errors, form.values()).await
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn delete_entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, entry_id)): Path<(i64, i64)>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(not_draft(ctx.lang));
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    if !pdb::delete_entry(&mut tx, id, entry_id).await? {
        return Err(AppError::NotFound);
    }
    audit_batch(
        &mut tx,
        &staff,
        id,
        batch.township_id,
        "batch.delete_entry",
        format!("entry={entry_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(id))
}

/// Upload → parse → validate → stage → preview. Nothing reaches the batch until confirmed.
pub async fn import_preview(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let english = lang == Lang::En;
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_upload(lang, e))?
    {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(|e| bad_upload(lang, e))?),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|e| bad_upload(lang, e))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    // The CSRF check comes before anything else is looked at.
    if !crate::web::session::constant_time_eq(csrf.as_deref().unwrap_or(""), &staff.csrf) {
        return Err(AppError::CrossSite);
    }
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(not_draft(lang));
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::invalid("file", lang.t(Msg::FileLabel)));
    };
    // Keep only a safe display form of the client's file name (no paths, bounded).
    let file_name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    let defaults = defaults_for(batch.kind);
    let parse_name = file_name.clone();
    let parsed =
        tokio::task::spawn_blocking(move || import::parse_file(&parse_name, &bytes, &defaults))
            .await
            .map_err(|e| AppError::internal("import task", e))?;
    let nav = nav(&staff);
    let csrf = staff.csrf.clone();
    let (errors, rows, total, token, status) = match parsed {
        Ok(rows) => {
            let token = new_token();
            let json =
                serde_json::to_string(&rows).map_err(|e| AppError::internal("stage json", e))?;
            pdb::stage_import(
                &state.db,
                id,
                staff.staff.id,
                &token,
                &file_name,
                &json,
                now_epoch(),
            )
            .await?;
            let total = rows.len();
            let preview = rows
                .iter()
                .take(200)
                .map(|r| {
                    let cat = AidCategory::parse(&r.category)
                        .map(|c| labels::category_i64(lang, c, r.aid_class.map(i64::from)))
                        .unwrap_or_default();
                    let change = ChangeKind::parse(&r.change)
                        .map(|c| lang.t(labels::change(c)).to_owned())
                        .unwrap_or_default();
                    (
                        r.row,
                        r.head_name.clone(),
                        r.persons,
                        yuan(r.monthly_fen),
                        cat,
                        change,
                    )
                })
                .collect();
            (vec![], preview, total, token, StatusCode::OK)
        }
        Err(errors) => {
            let msgs: Vec<String> = errors
                .iter()
                .take(500)
                .map(|e| e.message(english))
                .collect();
            (
                msgs,
                vec![],
                0,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let mut res = ctx
        .render(
            lang.t(Msg::ImportTitle),
            view! { <ImportPreviewPage lang nav csrf batch_id=id file_name errors rows total token /> },
        )
        .into_response();
    *res.status_mut() = status;
    Ok(res)
}

fn bad_upload(lang: Lang, e: axum::extract::multipart::MultipartError) -> AppError {
    let status = e.status();
    tracing::info!(error = %e, "bad upload");
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::invalid("file", lang.t(Msg::BadRequestBody))
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    token: String,
}

pub async fn import_confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ConfirmForm>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(not_draft(ctx.lang));
    }
    let mut tx = state.db.begin().await?;
    let Some((file_name, json)) =
        pdb::take_import(&mut tx, id, staff.staff.id, form.token.trim()).await?
    else {
        return Err(AppError::Conflict(
            ctx.lang.t(Msg::ImportExpired).to_owned(),
        ));
    };
    let rows: Vec<ImportRow> =
        serde_json::from_str(&json).map_err(|e| AppError::internal("staged rows", e))?;
    drop(json);
    let detail = format!("file={file_name} rows={}", rows.len());
    insert_rows(&staff, &batch, &rows, "batch.import", detail, &mut tx).await?;
    tx.commit().await?;
    Ok(saved(id))
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let batch = load_batch(&state, &staff, id, Perm::EditPublicity).await?;
    if batch.state != BatchState::Draft {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    if pdb::totals(&state.db, id).await?.households == 0 {
        return Err(AppError::Conflict(lang.t(Msg::EmptyBatch).to_owned()));
    }
    let now = now_epoch();
    let today = today_cst();
    let mut tx = state.db.begin().await?;
    // Publishing opens the window: a window planned for a past day starts today instead.
    if batch.kind != BatchKind::Standing && batch.opens_on < today {
        let days = batch
            .closes_on
            .map(|c| (c - batch.opens_on).num_days() + 1)
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or(state.site.settings.window_days);
        pdb::set_window(&mut tx, id, today, closes_on(today, days)).await?;
    }
    let mut detail = String::new();
    if batch.kind == BatchKind::Standing {
        // The new standing list replaces the current one, which is kept for "what changed".
        if let Some(current) = pdb::current_standing(&state.db, batch.village_id).await? {
            pdb::set_state(
                &mut tx,
                current.id,
                BatchState::Published,
                BatchState::Closed,
                None,
                now,
            )
            .await?;
            pdb::set_previous(&mut tx, id, Some(current.id)).await?;
            detail = format!("replaces={}", current.id);
        }
    }
    if !pdb::set_state(
        &mut tx,
        id,
        BatchState::Draft,
        BatchState::Published,
        None,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    audit_batch(
        &mut tx,
        &staff,
        id,
        batch.township_id,
        "batch.publish",
        detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(id))
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn end_batch(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    staff: StaffCtx,
    reason: &str,
    to: BatchState,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let batch = load_batch(state, &staff, id, Perm::EditPublicity).await?;
    let reason = reason.trim();
    let n = reason.chars().count();
    if !(2..=200).contains(&n) || reason.chars().any(char::is_control) {
        return detail_page(
            state,
            ctx,
            &staff,
            batch,
            None,
            vec![lang.t(Msg::ReasonRequired).to_owned()],
            EntryValues::default(),
        )
        .await;
    }
    if batch.state != BatchState::Published
        || (to == BatchState::Closed && batch.kind == BatchKind::Standing)
    {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    if !pdb::set_state(&mut tx, id, BatchState::Published, to, Some(reason), now).await? {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    let action = if to == BatchState::Withdrawn {
        "batch.withdraw"
    } else {
        "batch.close"
    };
    audit_batch(
        &mut tx,
        &staff,
        id,
        batch.township_id,
        action,
        reason.to_owned(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved(id))
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    end_batch(&state, &ctx, id, staff, &form.reason, BatchState::Withdrawn).await
}

pub async fn close(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    end_batch(&state, &ctx, id, staff, &form.reason, BatchState::Closed).await
}

/// Records a staff action on batch `id` (of township `township_id`) in the audit trail, on the
/// caller's connection (so inside its transaction when there is one).
async fn audit_batch(
    conn: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    id: i64,
    township_id: i64,
    action: &str,
    detail: String,
    now: i64,
) -> AppResult<()> {
    let entry = staff.audit(
        action,
        "batch",
        Some(id.to_string()),
        Some(township_id),
        detail,
    );
    audit::record(conn, &entry, now).await
}

/// Back to the batch page with "saved".
fn saved(id: i64) -> Response {
    Redirect::to(&format!("/staff/publicity/{id}?done=1")).into_response()
}

async fn audit_read(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    action: &str,
) -> AppResult<()> {
    let mut conn = state.db.pool.acquire().await?;
    audit_batch(
        &mut conn,
        staff,
        batch.id,
        batch.township_id,
        action,
        String::new(),
        now_epoch(),
    )
    .await
}

pub async fn notice(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::ReadRecords).await?;
    let lang = ctx.lang;
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let township = regions::by_id(&state.db, batch.township_id).await?;
    let url = format!("{}/v/{}", state.site.settings.public_url, village.code);
    let data = NoticeData {
        county: state
            .site
            .county
            .as_ref()
            .map(|c| village_label(lang, c))
            .unwrap_or_default(),
        township: township
            .map(|t| village_label(lang, &t))
            .unwrap_or_default(),
        village: village_label(lang, &village),
        entries: pdb::staff_entries(&state.db, batch.id).await?,
        hotline: state.site.settings.hotline.clone(),
        qr_data_uri: qr_data_uri(&url)?,
        url,
        batch,
    };
    audit_read(&state, &staff, &data.batch, "batch.print").await?;
    let mut res = ctx
        .render(lang.t(Msg::PrintNotice), view! { <NoticePage lang data /> })
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: PageCtx,
    staff: StaffCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let batch = load_batch(&state, &staff, id, Perm::ReadRecords).await?;
    let lang = ctx.lang;
    let entries = pdb::staff_entries(&state.db, id).await?;
    let headers = [
        "序号",
        "户主姓名",
        "保障人数",
        "月保障金额（元）",
        "保障类别",
        "变动情况",
        "公示编号",
    ];
    let bytes =
        tokio::task::spawn_blocking(move || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in headers.iter().enumerate() {
                ws.write_string(0, c as u16, *h)?;
            }
            for (i, e) in entries.iter().enumerate() {
                let r = (i + 1) as u32;
                ws.write_number(r, 0, e.seq as f64)?;
                ws.write_string(r, 1, &e.head_name)?;
                ws.write_number(r, 2, e.persons as f64)?;
                ws.write_number(r, 3, e.monthly_fen as f64 / 100.0)?;
                ws.write_string(
                    r,
                    4,
                    labels::category_i64(Lang::Zh, e.category, e.aid_class),
                )?;
                ws.write_string(r, 5, Lang::Zh.t(labels::change(e.change)))?;
                ws.write_string(r, 6, &e.public_ref)?;
            }
            wb.save_to_buffer()
        })
        .await
        .map_err(|e| AppError::internal("export task", e))?
        .map_err(|e| AppError::internal("export xlsx", e))?;
    audit_read(&state, &staff, &batch, "batch.export").await?;
    let _ = lang;
    let disposition = format!("attachment; filename=\"batch-{id}.xlsx\"");
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
