//! Lists made from cases: a village's 审核/审批 list and next standing list as drafts, published,
//! withdrawn, and enrolment after approval.

use super::*;
use crate::web::ctx::Page;

#[derive(Deserialize)]
pub struct ListForm {
    #[serde(default)]
    village: String,
    #[serde(default)]
    kind: String,
    /// The next standing list's one-time form token.
    #[serde(default)]
    form_token: String,
}

/// `POST /staff/cases/lists`: a draft 审核/审批 list for a village from its waiting cases.
pub async fn make_list(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<ListForm>,
) -> AppResult<Response> {
    let village = form
        .village
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let kind = BatchKind::parse(&form.kind).map_err(|_| AppError::NotFound)?;
    match lists::make(&state, &staff, village, kind).await? {
        Ok(batch) => Ok(Redirect::to(&format!("/staff/publicity/{batch}")).into_response()),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}

/// `POST /staff/cases/standing`: next month's standing list for a village, as a draft.
pub async fn next_standing(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<ListForm>,
) -> AppResult<Response> {
    let village = form
        .village
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let token = Some(form.form_token.trim())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    match lists::next_standing(&state, &staff, village, token).await? {
        Ok(batch) => Ok(Redirect::to(&format!("/staff/publicity/{batch}")).into_response()),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}

async fn load_list(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<pdb::Batch> {
    let batch = pdb::batch(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require(Perm::ReadCases, Some(batch.township_id))?;
    Ok(batch)
}

fn saved_batch(id: i64) -> Response {
    Redirect::to(&format!("/staff/publicity/{id}?done=1")).into_response()
}

/// `POST /staff/cases/lists/{batch}/publish`.
pub async fn publish_list(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    lists::publish(&state, ctx.lang, &staff, &batch).await?;
    Ok(saved_batch(id))
}

/// `POST /staff/cases/lists/{batch}/withdraw`.
pub async fn withdraw_list(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<ReasonForm>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    let Some(reason) = steps::reason(&form.reason).filter(|r| r.chars().count() <= 200) else {
        return Err(AppError::invalid("reason", ctx.lang.t(Msg::ReasonRequired)));
    };
    lists::withdraw(&state, ctx.lang, &staff, &batch, &reason).await?;
    Ok(saved_batch(id))
}

/// `POST /staff/cases/lists/{batch}/enroll`.
pub async fn enroll(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    let batch = load_list(&state, &staff, id).await?;
    match lists::enroll(&state, &staff, &batch).await? {
        Ok(_) => Ok(saved_batch(id)),
        Err(m) => Err(AppError::Conflict(m.text(ctx.lang).to_owned())),
    }
}
