//! Issuing a written notice (书面通知) inside the transaction of the decision that needs one: a
//! refusal at any stage of a case file, a re-check's stop, adjustment or 渐退. Shared by the case
//! file and re-check workflows, so that no refusal or stop can exist without its notice.

use chrono::NaiveDate;

use crate::db::notices::{self as ndb, NewNotice};
use crate::db::{audit, holidays, regions};
use crate::domain::notice::{deliver_by, NoticeKind};
use crate::error::AppResult;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Who issues a notice and by when it must reach the household, worked out before the decision's
/// transaction opens (the holiday table and region names are read outside it).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub issuer: String,
    pub deliver_by: NaiveDate,
    pub decided_on: NaiveDate,
}

/// A township's decision is issued by its government (乡镇人民政府), the county's by the civil
/// affairs bureau (县民政局) of the township's own county.
pub async fn prepare(
    state: &AppState,
    township_id: i64,
    county: bool,
    decided_on: NaiveDate,
) -> AppResult<Prepared> {
    let issuer = if county {
        let name = regions::county_of_township(&state.db, township_id)
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
        basis: crate::domain::notice::BASIS,
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
