//! A publicity list's life: created as a draft for one village, published (which opens its
//! window, and for a standing list replaces the current one), then closed or withdrawn with a
//! public reason. Every change is one transaction with its audit row.

use chrono::NaiveDate;

use crate::db::cases as cdb;
use crate::db::changes::Change;
use crate::db::publicity::{self as pdb, Batch, NewBatch};
use crate::db::regions::Region;
use crate::db::{audit, now_epoch, today_cst};
use crate::domain::access::Perm;
use crate::domain::case::may_publish;
use crate::domain::{BatchKind, BatchState, PublicityWindow};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Loads a batch the viewer may `perm` (its township's scope).
pub async fn load(state: &AppState, staff: &StaffCtx, id: i64, perm: Perm) -> AppResult<Batch> {
    let batch = pdb::batch(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require(perm, Some(batch.township_id))?;
    Ok(batch)
}

/// Whether the viewer may publish or withdraw this list: the role the plan names for its kind
/// (审核公示 the township, 审批公示 the county, standing lists whoever edits publicity), in its
/// township.
pub fn viewer_may_publish(staff: &StaffCtx, batch: &Batch) -> bool {
    let perm = match batch.kind {
        BatchKind::Review => Perm::ProcessCases,
        BatchKind::Approval => Perm::ApproveCases,
        BatchKind::Standing => Perm::EditPublicity,
    };
    staff.can(perm, Some(batch.township_id)) && may_publish(staff.staff.role, batch.kind)
}

/// A loaded draft the viewer may edit; a published list cannot change any more, and the
/// entries of a 审核/审批 list come only from case files.
pub async fn load_draft(
    state: &AppState,
    staff: &StaffCtx,
    id: i64,
    lang: Lang,
) -> AppResult<Batch> {
    let batch = load(state, staff, id, Perm::EditPublicity).await?;
    if batch.kind != BatchKind::Standing {
        return Err(from_cases_only(lang));
    }
    if batch.state != BatchState::Draft {
        return Err(AppError::Conflict(lang.t(Msg::NotDraft).to_owned()));
    }
    Ok(batch)
}

/// 审核/审批 lists are made, published and withdrawn through the case file (`cases::lists`).
fn from_cases_only(lang: Lang) -> AppError {
    AppError::Conflict(lang.t(Msg::ListsFromCasesOnly).to_owned())
}

/// The last day of a window of `days` days opening on `opens`.
pub fn closes_on(opens: NaiveDate, days: u32) -> NaiveDate {
    PublicityWindow::starting(opens, days).closes
}

/// Records a staff action on batch `id` (of township `township_id`) in the audit trail, on the
/// caller's connection (so inside its transaction when there is one).
pub async fn audit(
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

/// [`audit`] of an action on a list that exists.
pub async fn audit_list(
    conn: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    batch: &Batch,
    action: &str,
    detail: String,
    now: i64,
) -> AppResult<()> {
    audit(
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

/// Records that the viewer read a list with full names (printed or exported it).
pub async fn audit_read(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    action: &str,
) -> AppResult<()> {
    let mut conn = state.db.pool.acquire().await?;
    let now = now_epoch();
    audit_list(&mut conn, staff, batch, action, String::new(), now).await
}

/// A new draft for `village` (whose township the viewer must be allowed to edit).
pub async fn create(
    state: &AppState,
    staff: &StaffCtx,
    village: &Region,
    kind: BatchKind,
    opens: NaiveDate,
    days: u32,
) -> AppResult<i64> {
    let township_id = village.parent_id.ok_or(AppError::NotFound)?;
    // Form tampering with another township's village id is refused here.
    staff.require(Perm::EditPublicity, Some(township_id))?;
    if kind != BatchKind::Standing {
        return Err(from_cases_only(staff.lang));
    }
    let windowed = kind != BatchKind::Standing;
    let now = now_epoch();
    let new = NewBatch {
        village_id: village.id,
        township_id,
        kind,
        opens_on: opens,
        closes_on: windowed.then(|| closes_on(opens, days)),
        window_days: windowed.then_some(i64::from(days)),
        created_by: Some(staff.staff.id),
    };
    let mut tx = state.db.begin().await?;
    tx.changed(Change::DraftCreated);
    let id = pdb::insert_batch(&mut tx, &new, now).await?;
    let detail = format!(
        "village={} kind={} opens={opens}",
        village.code,
        kind.as_str()
    );
    audit(&mut tx, staff, id, township_id, "batch.create", detail, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Publishes a draft: opens its window (today, if it was planned for a past day); a standing
/// list replaces the current one, which is kept for "what changed".
pub async fn publish(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    batch: &Batch,
) -> AppResult<()> {
    let wrong_state = || AppError::Conflict(lang.t(Msg::WrongState).to_owned());
    if batch.kind != BatchKind::Standing {
        return Err(from_cases_only(lang));
    }
    if !may_publish(staff.staff.role, batch.kind) {
        return Err(AppError::Conflict(lang.t(Msg::PublishRoleRule).to_owned()));
    }
    if batch.state != BatchState::Draft {
        return Err(wrong_state());
    }
    if pdb::totals(&state.db, batch.id).await?.households == 0 {
        return Err(AppError::Conflict(lang.t(Msg::EmptyBatch).to_owned()));
    }
    let (id, now, today) = (batch.id, now_epoch(), today_cst());
    let mut tx = state.db.begin().await?;
    tx.changed(Change::list(batch));
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
        if let Some(current) = pdb::current_standing(&state.db, batch.village_id).await? {
            let (from, to) = (BatchState::Published, BatchState::Closed);
            tx.changed(Change::list(&current));
            // Another list published over it meanwhile (two drafts published at once): refused,
            // so that a village never has two current standing lists.
            if !pdb::set_state(&mut tx, current.id, from, to, None, now).await? {
                return Err(wrong_state());
            }
            pdb::set_previous(&mut tx, id, Some(current.id)).await?;
            detail = format!("replaces={}", current.id);
        }
    }
    let (from, to) = (BatchState::Draft, BatchState::Published);
    if !pdb::set_state(&mut tx, id, from, to, None, now).await? {
        return Err(wrong_state());
    }
    audit_list(&mut tx, staff, batch, "batch.publish", detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A reason for closing or withdrawing a list: 2–200 characters of text (it is shown publicly).
pub fn check_reason(reason: &str) -> Option<&str> {
    let reason = reason.trim();
    let n = reason.chars().count();
    ((2..=200).contains(&n) && !reason.chars().any(char::is_control)).then_some(reason)
}

/// Ends a published list early (`Withdrawn`) or at its end (`Closed`; not a standing list,
/// which ends only when the next one is published).
pub async fn end(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    batch: &Batch,
    reason: &str,
    to: BatchState,
) -> AppResult<()> {
    let wrong_state = || AppError::Conflict(lang.t(Msg::WrongState).to_owned());
    if to == BatchState::Withdrawn && batch.kind != BatchKind::Standing {
        return Err(from_cases_only(lang));
    }
    if batch.state != BatchState::Published
        || (to == BatchState::Closed && batch.kind == BatchKind::Standing)
    {
        return Err(wrong_state());
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    // A list with cases on it is ended early only by withdrawing it through the case files,
    // which sends its cases back to wait for a new list; closed, they could go no further.
    if to == BatchState::Closed && !cdb::case_ids_of_batch(&mut tx, batch.id).await?.is_empty() {
        return Err(AppError::Conflict(
            lang.t(Msg::CaseListEndsByWithdrawal).to_owned(),
        ));
    }
    tx.changed(Change::list(batch));
    let from = BatchState::Published;
    if !pdb::set_state(&mut tx, batch.id, from, to, Some(reason), now).await? {
        return Err(wrong_state());
    }
    let action = if to == BatchState::Withdrawn {
        "batch.withdraw"
    } else {
        "batch.close"
    };
    let detail = reason.to_owned();
    audit_list(&mut tx, staff, batch, action, detail, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(check_reason("  名单有误 "), Some("名单有误"));
        assert_eq!(check_reason("误"), None);
        assert_eq!(check_reason(&"长".repeat(201)), None);
        assert_eq!(check_reason("名单\u{7}有误"), None);
    }

    #[test]
    fn a_window_of_seven_days_ends_on_the_seventh() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(closes_on(d("2026-11-30"), 7), d("2026-12-06"));
    }
}
