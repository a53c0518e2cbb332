//! Issuing a written notice (书面通知) inside the transaction of the decision that needs one: a
//! refusal at any stage of a case file, a re-check's stop, adjustment or 渐退. Shared by the case
//! file and re-check workflows, so that no refusal or stop can exist without its notice.

use chrono::NaiveDate;

pub use crate::db::notices::Issue;
use crate::db::notices::{self as ndb, NewNotice};
use crate::db::{audit, county_settings, regions};
use crate::domain::notice::deliver_by;
use crate::error::AppResult;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Who issues a notice and by when it must reach the household, worked out before the decision's
/// transaction opens (the holiday table and region names are read outside it).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub issuer: String,
    /// The document prefix of the township's county (its own, or the deployment's).
    pub prefix: String,
    pub deliver_by: NaiveDate,
    pub decided_on: NaiveDate,
}

/// A township's decision is issued by its government (乡镇人民政府), the county's by the civil
/// affairs bureau (县民政局) of the township's own county, or the body the county named; the
/// number carries the county's prefix, and the delivery deadline counts the county's own days.
pub async fn prepare(
    state: &AppState,
    township_id: i64,
    county: bool,
    decided_on: NaiveDate,
) -> AppResult<Prepared> {
    let voice = crate::web::county::of_township(state, township_id)
        .await?
        .map(|(_, v)| v);
    let prefix = voice.as_ref().map_or_else(
        || state.site.settings.notice_prefix.clone(),
        |v| v.notice_prefix.clone(),
    );
    let issuer = if county {
        voice.map(|v| v.issuer).unwrap_or_default()
    } else {
        let name = regions::by_id(&state.db, township_id)
            .await?
            .map(|t| t.name_zh)
            .unwrap_or_default();
        format!("{name}人民政府")
    };
    let cal = county_settings::calendar_of_township(&state.db, Some(township_id)).await?;
    Ok(Prepared {
        issuer,
        prefix,
        deliver_by: deliver_by(&cal, decided_on),
        decided_on,
    })
}

/// Issues a notice on the decision's own transaction.
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    prepared: &Prepared,
    i: &Issue<'_>,
    now: i64,
) -> AppResult<ndb::Issued> {
    let new = NewNotice {
        issue: i,
        basis: crate::domain::notice::BASIS,
        issuer: &prepared.issuer,
        decided_on: prepared.decided_on,
        deliver_by: prepared.deliver_by,
        created_by: staff.staff.id,
    };
    let issued = ndb::insert(conn, &new, &prepared.prefix, now).await?;
    let entry = staff.audit(
        "notice.issue",
        "notice",
        Some(issued.id.to_string()),
        Some(i.township_id),
        format!(
            "{} kind={} household={}",
            issued.number,
            i.kind.as_str(),
            i.household_id
        ),
    );
    audit::record(conn, &entry, now).await?;
    Ok(issued)
}
