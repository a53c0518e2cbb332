//! Issuing written notices and recording their delivery. A notice is issued in the same
//! transaction as the decision it tells (a refusal step, a re-check's stop, adjustment or 渐退),
//! so no such decision exists without its notice.

use chrono::NaiveDate;

use crate::db::changes::Change;
use crate::db::notices::{self as ndb, DeliveryRecord, NewNotice, Notice};
use crate::db::{audit, holidays, now_epoch, regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::case::CaseAction;
use crate::domain::notice::{check_delivery, deliver_by, Delivery, DeliveryError, NoticeKind};
use crate::domain::recheck::Outcome;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// What the rule of every notice rests on (the national rules and the county's plan).
pub const BASIS: &str =
    "《社会救助暂行办法》《鲁甸县农村低保“阳光工程”实施方案》（鲁政办发〔2019〕47号）";

/// Who issues a notice and by when it must reach the household, worked out before the decision's
/// transaction opens (the holiday table and region names are read outside it).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub issuer: String,
    pub deliver_by: NaiveDate,
    pub decided_on: NaiveDate,
}

/// A township's decision is issued by its government (乡镇人民政府), the county's by its civil
/// affairs bureau (县民政局).
pub async fn prepare(
    state: &AppState,
    township_id: i64,
    county: bool,
    decided_on: NaiveDate,
) -> AppResult<Prepared> {
    let issuer = if county {
        let name = regions::county(&state.db)
            .await?
            .map(|c| c.name_zh)
            .unwrap_or_default();
        format!("{name}民政局")
    } else {
        let name = regions::by_id(&state.db, township_id)
            .await?
            .map(|t| t.name_zh)
            .unwrap_or_default();
        format!("{name}人民政府")
    };
    let cal = holidays::calendar(&state.db).await?;
    Ok(Prepared {
        issuer,
        deliver_by: deliver_by(&cal, decided_on),
        decided_on,
    })
}

/// What a refusal at each stage decides, in the notice's words.
pub fn refusal_decision(action: CaseAction) -> &'static str {
    match action {
        CaseAction::Reject => "对你户的最低生活保障申请不予受理。",
        CaseAction::SurveyIneligible => {
            "经入户调查核实，你户不符合最低生活保障条件，对你户的申请不予批准。"
        }
        CaseAction::TownshipRefuse => {
            "经乡镇审核，你户不符合最低生活保障条件，对你户的申请不予批准。"
        }
        _ => "经县民政局审批，你户不符合最低生活保障条件，对你户的申请不予批准。",
    }
}

/// What a re-check's outcome decides, in the notice's words.
pub fn recheck_decision(
    outcome: Outcome,
    new_fen: Option<i64>,
    taper_until: Option<NaiveDate>,
) -> String {
    match outcome {
        Outcome::Stop => "经复核，你户已不符合最低生活保障条件，自本通知之日起停发最低生活保障金。".to_owned(),
        Outcome::Adjust => format!(
            "经复核，你户的最低生活保障金调整为每月{}元。",
            crate::web::format::yuan(new_fen.unwrap_or(0))
        ),
        Outcome::Taper => format!(
            "经复核，你户家庭成员通过就业增加了收入。按照渐退办法，你户的最低生活保障金继续发放至{}，之后停发。",
            taper_until.map(|d| format!("{}年{}月{}日", chrono::Datelike::year(&d), chrono::Datelike::month(&d), chrono::Datelike::day(&d))).unwrap_or_default()
        ),
        Outcome::Continue => String::new(),
    }
}

/// The notice kind of a re-check outcome (`None`: nothing changes, nothing to notify).
pub fn recheck_kind(outcome: Outcome) -> Option<NoticeKind> {
    match outcome {
        Outcome::Continue => None,
        Outcome::Adjust => Some(NoticeKind::Adjust),
        Outcome::Stop => Some(NoticeKind::Stop),
        Outcome::Taper => Some(NoticeKind::Taper),
    }
}

/// The household a notice goes to, and what it says.
pub struct Issue<'a> {
    pub kind: NoticeKind,
    pub household_id: i64,
    pub case_id: Option<i64>,
    pub recheck_id: Option<i64>,
    pub township_id: i64,
    pub village_id: i64,
    pub addressee: &'a str,
    pub decision: &'a str,
    pub reasons: &'a str,
}

/// Issues a notice on the decision's own transaction; returns (id, number).
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    staff: &StaffCtx,
    prepared: &Prepared,
    i: &Issue<'_>,
    now: i64,
) -> AppResult<(i64, String)> {
    let new = NewNotice {
        kind: i.kind,
        household_id: i.household_id,
        case_id: i.case_id,
        recheck_id: i.recheck_id,
        township_id: i.township_id,
        village_id: i.village_id,
        addressee: i.addressee,
        decision: i.decision,
        reasons: i.reasons,
        basis: BASIS,
        issuer: &prepared.issuer,
        decided_on: prepared.decided_on,
        deliver_by: prepared.deliver_by,
        created_by: staff.staff.id,
    };
    let (id, number) = ndb::insert(conn, &new, &state.site.settings.notice_prefix, now).await?;
    let entry = staff.audit(
        "notice.issue",
        "notice",
        Some(id.to_string()),
        Some(i.township_id),
        format!(
            "{number} kind={} household={}",
            i.kind.as_str(),
            i.household_id
        ),
    );
    audit::record(conn, &entry, now).await?;
    Ok((id, number))
}

/// Who may see and deliver a notice of a township: its officers and the county.
pub fn may_handle(staff: &StaffCtx, township_id: i64) -> bool {
    staff.village_scope().is_none()
        && (staff.can(Perm::ProcessCases, Some(township_id))
            || staff.can(Perm::ApproveCases, Some(township_id)))
}

/// A notice the staff member may see, or 404/403.
pub async fn visible(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<Notice> {
    let n = ndb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    staff.require(Perm::ReadCases, Some(n.township_id))?;
    if staff.village_scope().is_some() {
        return Err(AppError::Forbidden);
    }
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
    if !may_handle(staff, notice.township_id) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_read_plainly() {
        assert!(refusal_decision(CaseAction::Reject).contains("不予受理"));
        assert!(refusal_decision(CaseAction::CountyRefuse).contains("县民政局"));
        let d = recheck_decision(Outcome::Adjust, Some(45_000), None);
        assert!(d.contains("450"), "{d}");
        let until = NaiveDate::from_ymd_opt(2027, 5, 31);
        assert!(recheck_decision(Outcome::Taper, None, until).contains("2027年5月31日"));
        assert_eq!(recheck_kind(Outcome::Continue), None);
        assert_eq!(recheck_kind(Outcome::Stop), Some(NoticeKind::Stop));
    }
}
