//! Issuing written notices and recording their delivery. A notice is issued in the same
//! transaction as the decision it tells (a refusal step, a re-check's stop, adjustment or 渐退),
//! so no such decision exists without its notice.

use chrono::NaiveDate;

use crate::db::changes::Change;
use crate::db::notices::{self as ndb, DeliveryRecord, Notice};
use crate::db::{audit, now_epoch, today_cst};
use crate::domain::access::Perm;
use crate::domain::notice::{check_delivery, Delivery, DeliveryError};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// A notice the staff member may see, or 404/403.
pub async fn visible(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<Notice> {
    let n = ndb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require_beyond_village(Perm::ReadCases, Some(n.township_id))?;
    Ok(n)
}

/// The message for a refused delivery record.
pub fn delivery_msg(e: DeliveryError) -> Msg {
    match e {
        DeliveryError::BeforeDecision => Msg::DeliveryBeforeDecision,
        DeliveryError::Future => Msg::GateDateFuture,
        DeliveryError::NoDeliverer => Msg::DeliveryWho,
    }
}

/// Records how and when a notice reached the household. `Ok(Err(msg))`: refused, nothing stored.
pub async fn record_delivery(
    state: &AppState,
    staff: &StaffCtx,
    notice: &Notice,
    delivered_on: NaiveDate,
    method: Delivery,
    delivered_by: &str,
) -> AppResult<Result<(), Msg>> {
    if !staff.processes(notice.township_id) {
        return Err(AppError::Forbidden);
    }
    if let Err(e) = check_delivery(notice.decided_on, delivered_on, today_cst(), delivered_by) {
        return Ok(Err(delivery_msg(e)));
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let rec = DeliveryRecord {
        delivered_on,
        method,
        delivered_by: delivered_by.trim(),
        recorded_by: staff.staff.id,
    };
    if !ndb::set_delivered(&mut tx, notice.id, &rec, now).await? {
        return Ok(Err(Msg::DeliveryDone));
    }
    let entry = staff.audit(
        "notice.deliver",
        "notice",
        Some(notice.id.to_string()),
        Some(notice.township_id),
        format!(
            "{} on={delivered_on} method={}",
            notice.number,
            method.as_str()
        ),
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Statistics);
    tx.commit().await?;
    Ok(Ok(()))
}
