//! Staff handlers for publicity lists. Every handler: signed in (`StaffCtx`/`StaffForm`), then
//! `require(perm, batch's township)` before anything else; the work is in `batches`/`entries`.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::publicity::{self as pdb, Batch};
use crate::db::{regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::{AidCategory, BatchKind, BatchState};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::publicity::entries::{self, EntryForm};
use crate::publicity::staff_views::{
    BatchDetail, BatchDetailPage, BatchListPage, EntryValues, ImportPreviewPage, NewBatchPage,
    NewBatchValues, NoticeData, NoticePage,
};
use crate::publicity::{batches, export};
use crate::sheets as import;
use crate::web::confirm::Confirm;
use crate::web::cookies::no_store;
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::files::{self, StaffUpload};
use crate::web::format::{qr_data_uri, yuan};
use crate::web::forms::{Empty, ReasonForm, TokenForm};
use crate::web::labels::publicity as labels;
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::state::AppState;

mod sheets;
pub use sheets::*;

/// Largest spreadsheet accepted (a province-sized village list fits easily).
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;

/// Back to the batch page with "saved".
fn saved(id: i64) -> Response {
    Redirect::to(&format!("/staff/publicity/{id}?done=1")).into_response()
}

pub async fn list(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::ReadRecords)?;
    let lang = ctx.lang;
    let can_edit = staff.can_role(Perm::EditPublicity);
    let mut rows = Vec::new();
    for b in pdb::batches_in_scope(&state.db, staff.scope(), 500).await? {
        let village = regions::name_of(&state.db, lang, Some(b.village_id)).await?;
        let n = pdb::totals(&state.db, b.id).await?.households;
        rows.push((b, village, n));
    }
    let page = |nav, _| view! { <BatchListPage lang nav can_edit batches=rows /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Publicity), false, page))
}

/// "Township · village" for every village the viewer may edit.
async fn village_options(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
) -> AppResult<Vec<(i64, String)>> {
    Ok(regions::villages_labelled(&state.db, staff.scope(), lang)
        .await?
        .into_iter()
        .map(|(v, label)| (v.id, label))
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
    let failed = !errors.is_empty();
    let page = |nav, csrf| view! { <NewBatchPage lang nav csrf villages values errors /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::NewBatch), failed, page))
}

pub async fn new_form(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    staff.require_role(Perm::EditPublicity)?;
    let values = NewBatchValues {
        village_id: None,
        kind: BatchKind::Review.as_str().to_owned(),
        opens_on: today_cst().to_string(),
        days: state.site.settings.window_days.to_string(),
    };
    new_batch_page(&state, &ctx, &staff, values, vec![]).await
}

#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
pub struct NewBatchForm {
    village: String,
    kind: String,
    opens_on: String,
    days: String,
}

impl NewBatchForm {
    /// (kind, opening day, window days), with a message per bad field.
    fn check(
        &self,
        default_days: u32,
        errors: &mut Vec<(&'static str, Msg)>,
    ) -> Option<(BatchKind, NaiveDate, u32)> {
        let kind = BatchKind::parse(&self.kind).ok();
        if kind.is_none() {
            errors.push(("kind", Msg::KindRequired));
        }
        let opens = NaiveDate::parse_from_str(self.opens_on.trim(), "%Y-%m-%d").ok();
        if opens.is_none() {
            errors.push(("opens_on", Msg::DateInvalid));
        }
        let days = match self.days.trim() {
            "" => Some(default_days),
            d => d.parse::<u32>().ok().filter(|d| (1..=60).contains(d)),
        };
        if days.is_none() {
            errors.push(("days", Msg::DaysInvalid));
        }
        Some((kind?, opens?, days?))
    }
}

pub async fn create(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<NewBatchForm>,
) -> AppResult<Response> {
    staff.require_role(Perm::EditPublicity)?;
    let village = match form.village.trim().parse::<i64>() {
        Ok(id) => regions::by_level_id(&state.db, regions::Level::Village, id).await?,
        Err(_) => None,
    };
    let mut errors = Vec::new();
    if village.is_none() {
        errors.push(("village", Msg::VillageRequired));
    }
    let checked = form.check(state.site.settings.window_days, &mut errors);
    let (Some(village), Some((kind, opens, days)), true) = (village, checked, errors.is_empty())
    else {
        let values = NewBatchValues {
            village_id: form.village.trim().parse().ok(),
            kind: form.kind,
            opens_on: form.opens_on,
            days: form.days,
        };
        return new_batch_page(&state, &ctx, &staff, values, errors).await;
    };
    let id = batches::create(&state, &staff, &village, kind, opens, days).await?;
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
    let failed = !errors.is_empty();
    let can_edit = staff.can(Perm::EditPublicity, Some(batch.township_id));
    let can_publish = batches::viewer_may_publish(staff, &batch);
    let window_over = batch.closes_on.is_some_and(|c| today_cst() > c);
    let detail = BatchDetail {
        entries: pdb::staff_entries(&state.db, batch.id).await?,
        can_edit,
        can_publish,
        can_enroll: batch.kind == BatchKind::Approval
            && window_over
            && staff.can(Perm::ApproveCases, Some(batch.township_id)),
        village: village.name(lang).to_owned(),
        village_code: village.code.clone(),
        batch,
        notice,
        errors,
        entry_values,
    };
    let page = |nav, csrf| view! { <BatchDetailPage lang nav csrf detail /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::Publicity), failed, page))
}

#[derive(Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
    /// An entry to correct: its values fill the form.
    edit: Option<i64>,
}

/// The entry form's values: an entry being corrected, or the defaults for a new one.
async fn form_values(state: &AppState, batch: &Batch, edit: Option<i64>) -> AppResult<EntryValues> {
    let Some(entry_id) = edit.filter(|_| batch.state == BatchState::Draft) else {
        let change = if batch.kind == BatchKind::Standing {
            "续保"
        } else {
            "新增"
        };
        return Ok(EntryValues {
            form: EntryForm {
                category: "一般保障".into(),
                change: change.into(),
                ..Default::default()
            },
            editing: None,
        });
    };
    let e = pdb::staff_entries(&state.db, batch.id)
        .await?
        .into_iter()
        .find(|e| e.id == entry_id)
        .ok_or(AppError::NotFound)?;
    let form = EntryForm {
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
    };
    Ok(EntryValues {
        form,
        editing: Some(entry_id),
    })
}

pub async fn detail(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    let batch = batches::load(&state, &staff, id, Perm::ReadRecords).await?;
    let notice = q.done.map(|_| ctx.lang.t(Msg::Saved).to_owned());
    let values = form_values(&state, &batch, q.edit).await?;
    detail_page(&state, &ctx, &staff, batch, notice, vec![], values).await
}

/// Corrects an entry of a draft list (same checks as adding one).
pub async fn edit_entry(
    Page { state, ctx }: Page,
    Path((id, entry_id)): Path<(i64, i64)>,
    StaffForm(staff, form): StaffForm<EntryForm>,
) -> AppResult<Response> {
    let batch = batches::load_draft(&state, &staff, id, ctx.lang).await?;
    match entries::check_form(&form, batch.kind, ctx.lang) {
        Ok(row) => {
            entries::edit(&state, &staff, &batch, entry_id, &row).await?;
            Ok(saved(id))
        }
        Err(errors) => {
            let values = EntryValues {
                form,
                editing: Some(entry_id),
            };
            detail_page(&state, &ctx, &staff, batch, None, errors, values).await
        }
    }
}

pub async fn add_entry(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<EntryForm>,
) -> AppResult<Response> {
    let batch = batches::load_draft(&state, &staff, id, ctx.lang).await?;
    match entries::check_form(&form, batch.kind, ctx.lang) {
        Ok(row) => {
            entries::add(&state, &staff, &batch, &row).await?;
            Ok(saved(id))
        }
        Err(errors) => {
            let values = EntryValues {
                form,
                editing: None,
            };
            detail_page(&state, &ctx, &staff, batch, None, errors, values).await
        }
    }
}

pub async fn delete_entry(
    Page { state, ctx }: Page,
    Path((id, entry_id)): Path<(i64, i64)>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = batches::load_draft(&state, &staff, id, ctx.lang).await?;
    entries::delete(&state, &staff, &batch, entry_id).await?;
    Ok(saved(id))
}

pub async fn publish(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = batches::load(&state, &staff, id, Perm::EditPublicity).await?;
    batches::publish(&state, ctx.lang, &staff, &batch).await?;
    Ok(saved(id))
}

#[derive(Deserialize)]
pub struct ConfirmQuery {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

/// `GET /staff/publicity/{id}/confirm?step=publish|withdraw[&reason=…]`: what publishing or
/// withdrawing this list does, and the form that does it (to the standing list's own path or,
/// for 审核/审批 lists, the case file's). Only for a viewer who may publish it, while they can.
pub async fn confirm(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    Query(q): Query<ConfirmQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (step, means, from) = match q.step.as_str() {
        "publish" => (Msg::Publish, Msg::ConfirmPublishMeans, BatchState::Draft),
        "withdraw" => (
            Msg::Withdraw,
            Msg::ConfirmWithdrawMeans,
            BatchState::Published,
        ),
        _ => return Err(AppError::NotFound),
    };
    let batch = batches::load(&state, &staff, id, Perm::ReadRecords).await?;
    let back = format!("/staff/publicity/{id}");
    if !batches::viewer_may_publish(&staff, &batch) {
        return Err(AppError::Forbidden);
    }
    if batch.state != from {
        return Ok(Redirect::to(&back).into_response());
    }
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let totals = pdb::totals(&state.db, batch.id).await?;
    let period = labels::period(batch.opens_on, batch.closes_on);
    let facts = vec![
        (
            lang.t(Msg::Village).to_owned(),
            village.name(lang).to_owned(),
        ),
        (
            lang.t(Msg::StatusLabel).to_owned(),
            lang.t(labels::kind(batch.kind)).to_owned(),
        ),
        (
            lang.t(Msg::Entries).to_owned(),
            format!("{} · {} 元/月", totals.households, yuan(totals.monthly_fen)),
        ),
        (lang.t(Msg::PublicityPeriod).to_owned(), period),
    ];
    let base = if batch.kind == BatchKind::Standing {
        format!("/staff/publicity/{id}")
    } else {
        format!("/staff/cases/lists/{id}")
    };
    let confirm = Confirm {
        step,
        means,
        facts,
        action: format!("{base}/{}", q.step),
        reason: (q.step == "withdraw").then(|| q.reason.trim().chars().take(200).collect()),
        back,
    };
    Ok(crate::web::confirm::render(&ctx, &staff, confirm))
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
    let batch = batches::load(state, &staff, id, Perm::EditPublicity).await?;
    let Some(reason) = batches::check_reason(reason) else {
        let errors = vec![lang.t(Msg::ReasonRequired).to_owned()];
        return detail_page(
            state,
            ctx,
            &staff,
            batch,
            None,
            errors,
            EntryValues::default(),
        )
        .await;
    };
    batches::end(state, lang, &staff, &batch, reason, to).await?;
    Ok(saved(id))
}

pub async fn withdraw(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    end_batch(&state, &ctx, id, staff, &form.reason, BatchState::Withdrawn).await
}

pub async fn close(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    end_batch(&state, &ctx, id, staff, &form.reason, BatchState::Closed).await
}
