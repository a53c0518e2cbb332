//! Re-checks (动态管理): when each recipient is due, recording a re-check (its method, who, when,
//! result and evidence), and what the result sets going: the household's next due date, a new
//! amount, a stop or a 渐退 end — each with its written notice, in the same transaction — and,
//! through the household's record, the next standing list.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::db::changes::Change;
use crate::db::complaints as cdb;
use crate::db::files::{self, NewFile, Owner, StoredFile};
use crate::db::rechecks::{self as rdb, Recipient, Record};
use crate::db::{audit, now_epoch, today_cst};
use crate::domain::access::Perm;
use crate::domain::recheck::{check_record, Method, Outcome, RecordError};
use crate::domain::EventKind;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::process::notices;
use crate::web::files::UploadedFile;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

pub use crate::process::workload::{attention_counts, due_on, worklist};

/// Who may record re-checks of a township: its officers and the county (not village assistants).
pub fn may_record(staff: &StaffCtx, township_id: i64) -> bool {
    staff.processes(township_id)
}

/// A recipient household in the staff member's scope (or a former one), or 404/403.
pub async fn visible(
    state: &AppState,
    staff: &StaffCtx,
    household_id: i64,
) -> AppResult<(Recipient, bool)> {
    let (r, on_list) = rdb::household(&state.db, household_id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require_beyond_village(Perm::ReadCases, Some(r.township_id))?;
    Ok((r, on_list))
}

/// A re-check as the form gives it.
pub struct Input<'a> {
    pub method: Method,
    pub outcome: Outcome,
    pub checked_on: NaiveDate,
    pub findings: &'a str,
    pub new_monthly_fen: Option<i64>,
    /// The evidence file, if one was attached (never an empty part: `Upload::file`).
    pub file: Option<&'a UploadedFile>,
    /// The household's version (`recheck_seq`) when the form was shown; `None`: as read when
    /// the request arrived. The record is refused if it has moved since (another re-check, an
    /// enrolment).
    pub seen_seq: Option<i64>,
}

fn record_msg(e: RecordError) -> Msg {
    match e {
        RecordError::Future => Msg::GateDateFuture,
        RecordError::TooOld => Msg::DateTooOld,
        RecordError::NoFindings => Msg::RecheckFindingsRule,
        RecordError::NoNewAmount => Msg::RecheckNewAmountRule,
    }
}

/// A re-check's evidence file, checked.
struct Evidence<'a> {
    content_type: &'static str,
    /// As shown (no path, no control characters).
    name: String,
    bytes: &'a [u8],
}

/// The form's evidence file, if it has one; `Err(msg)` for a file that is not a photo or a
/// PDF, 413 past the size limit.
fn evidence_of<'a>(input: &Input<'a>) -> AppResult<Result<Option<Evidence<'a>>, Msg>> {
    match input.file {
        Some(UploadedFile { name, bytes }) => {
            if bytes.len() > crate::web::files::MAX_BYTES {
                return Err(AppError::TooLarge);
            }
            let Some(content_type) = crate::web::files::sniff(bytes) else {
                return Ok(Err(Msg::EvidenceTypeRule));
            };
            Ok(Ok(Some(Evidence {
                content_type,
                name: crate::web::files::display_name(name),
                bytes,
            })))
        }
        None => Ok(Ok(None)),
    }
}

/// Keeps a re-check's evidence file, with its SHA-256, in the re-check's transaction.
async fn keep_evidence(
    tx: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    recheck_id: i64,
    file: &Evidence<'_>,
    now: i64,
) -> AppResult<()> {
    let sha256 = hex::encode(Sha256::digest(file.bytes));
    let f = NewFile {
        content_type: file.content_type,
        file_name: &file.name,
        sha256: &sha256,
        data: file.bytes,
        uploaded_by: staff.staff.id,
    };
    files::insert(tx, Owner::Recheck(recheck_id), &f, now).await?;
    Ok(())
}

/// What a re-check's outcome sets going, worked out before anything is written.
struct Plan {
    /// The last month of a 渐退 (taper), for that outcome.
    taper_until: Option<NaiveDate>,
    /// The new monthly amount, for an adjustment.
    new_fen: Option<i64>,
    /// When the household is next due.
    next_due: NaiveDate,
}

impl Plan {
    /// `decided_on`: the day the result is recorded — the 渐退 period runs from the decision
    /// (as the notice's delivery deadline does), the next re-check from the check itself.
    fn of(state: &AppState, r: &Recipient, input: &Input<'_>, decided_on: NaiveDate) -> Plan {
        let schedule = state.site.settings.recheck;
        Plan {
            taper_until: (input.outcome == Outcome::Taper)
                .then(|| schedule.taper_until(decided_on)),
            new_fen: (input.outcome == Outcome::Adjust)
                .then_some(input.new_monthly_fen)
                .flatten(),
            next_due: schedule.next_due(r.category, input.checked_on),
        }
    }
}

/// Checks a re-check before anything is written: the viewer may record it (403), the household
/// is on the list and the form holds (`Ok(Err(msg))`), its evidence file is acceptable.
fn check_input<'a>(
    staff: &StaffCtx,
    r: &Recipient,
    on_list: bool,
    input: &Input<'a>,
) -> AppResult<Result<Option<Evidence<'a>>, Msg>> {
    if !may_record(staff, r.township_id) {
        return Err(AppError::Forbidden);
    }
    if !on_list {
        return Ok(Err(Msg::RecheckNotOnList));
    }
    let today = today_cst();
    if let Err(e) = check_record(
        input.outcome,
        input.checked_on,
        today,
        input.findings,
        r.monthly_fen,
        input.new_monthly_fen,
    ) {
        return Ok(Err(record_msg(e)));
    }
    evidence_of(input)
}

/// Records a re-check of a household on the standing list. Returns the notice issued (a stop,
/// an adjustment, a 渐退), if any. `Ok(Err(msg))`: refused, nothing changed.
pub async fn record(
    state: &AppState,
    staff: &StaffCtx,
    r: &Recipient,
    on_list: bool,
    input: &Input<'_>,
) -> AppResult<Result<Option<i64>, Msg>> {
    let file = match check_input(staff, r, on_list, input)? {
        Ok(file) => file,
        Err(msg) => return Ok(Err(msg)),
    };
    // Decided today, whenever the visit was: a check recorded late does not start its notice
    // overdue.
    let decided_on = today_cst();
    let plan = Plan::of(state, r, input, decided_on);
    // A stop, an adjustment or a 渐退 is decided by whoever records it, and its notice says so:
    // the county's civil-affairs body when the county records it (it approves the allowance),
    // the township's government when the township does (its 复查复核, 二(一)五).
    let by_county = staff.can(Perm::ApproveCases, Some(r.township_id));
    let notice = match crate::domain::notice::recheck_kind(input.outcome) {
        Some(kind) => {
            let prepared = notices::prepare(state, r.township_id, by_county, decided_on).await?;
            Some((kind, prepared))
        }
        None => None,
    };
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    // First, and guarded: the household still on the allowance, and no re-check recorded since
    // the form was shown. A double submit, or a colleague's record meanwhile, counted one:
    // refused, nothing written (the transaction is dropped). Two at once: the second waits
    // for the first's row lock (PostgreSQL) or write lock (SQLite), then finds it moved.
    let applied = rdb::apply(
        &mut tx,
        r.household_id,
        input.seen_seq.unwrap_or(r.recheck_seq),
        &rdb::Applied {
            next_due: plan.next_due,
            outcome: input.outcome,
            new_monthly_fen: plan.new_fen,
            taper_until: plan.taper_until,
        },
        now,
    )
    .await?;
    if !applied {
        return Ok(Err(Msg::RecheckChanged));
    }
    let rec = Record {
        method: input.method,
        outcome: input.outcome,
        checked_on: input.checked_on,
        findings: input.findings.trim(),
        new_monthly_fen: plan.new_fen,
        taper_until: plan.taper_until,
        done_by: staff.staff.id,
    };
    let recorded = rdb::record(&mut tx, r.place(), &rec, now).await?;
    let id = recorded.id;
    tell_reporters(&mut tx, staff, &recorded.complaint_ids, input, &plan, now).await?;
    if let Some(file) = &file {
        keep_evidence(&mut tx, staff, id, file, now).await?;
    }
    let notice = match &notice {
        Some((kind, prepared)) => {
            let decision = crate::domain::notice::recheck_decision(
                input.outcome,
                plan.new_fen,
                plan.taper_until,
            );
            let issue = notice_issue(*kind, r, input, id, &decision);
            let issued = notices::issue(&mut tx, staff, prepared, &issue, now).await?;
            Some(issued.id)
        }
        None => None,
    };
    log_record(&mut tx, staff, r, input, plan.next_due, now).await?;
    tx.changed(Change::Statistics);
    tx.commit().await?;
    Ok(Ok(notice))
}

/// The household's own change or exit reports (those the re-check answers): each reporter sees
/// the outcome at /track.
async fn tell_reporters(
    tx: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    complaint_ids: &[i64],
    input: &Input<'_>,
    plan: &Plan,
    now: i64,
) -> AppResult<()> {
    let answer = tracked_outcome(
        input.outcome,
        input.checked_on,
        plan.new_fen,
        plan.taper_until,
    );
    for complaint_id in complaint_ids {
        cdb::add_event(
            tx,
            *complaint_id,
            cdb::Actor::Staff(staff.staff.id),
            EventKind::Rechecked,
            &answer,
            now,
        )
        .await?;
    }
    Ok(())
}

/// What the written notice of a stop, an adjustment or a 渐退 says, and to whom.
fn notice_issue<'a>(
    kind: crate::domain::notice::NoticeKind,
    r: &'a Recipient,
    input: &'a Input<'_>,
    recheck_id: i64,
    decision: &'a str,
) -> notices::Issue<'a> {
    notices::Issue {
        kind,
        household_id: r.household_id,
        case_id: None,
        recheck_id: Some(recheck_id),
        township_id: r.township_id,
        village_id: r.village_id,
        addressee: &r.head_name,
        decision,
        reasons: input.findings.trim(),
    }
}

/// A re-check's audit entry, on its transaction.
async fn log_record(
    tx: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    r: &Recipient,
    input: &Input<'_>,
    next_due: NaiveDate,
    now: i64,
) -> AppResult<()> {
    let detail = format!(
        "household={} method={} result={} next_due={next_due}",
        r.household_id,
        input.method.as_str(),
        input.outcome.as_str()
    );
    let entry = staff.audit(
        "recheck.record",
        "household",
        Some(r.household_id.to_string()),
        Some(r.township_id),
        detail,
    );
    audit::record(tx, &entry, now).await
}

/// What the reporter of a household's own change or exit report reads at /track once the
/// household is re-checked: the date and the outcome, as the next standing list will show it.
pub fn tracked_outcome(
    outcome: Outcome,
    checked_on: NaiveDate,
    new_fen: Option<i64>,
    taper_until: Option<NaiveDate>,
) -> String {
    let what = match outcome {
        Outcome::Continue => "该户继续享受最低生活保障。".to_owned(),
        Outcome::Stop => "该户停发最低生活保障金，书面通知将送达该户。".to_owned(),
        Outcome::Adjust => format!(
            "该户的保障金调整为每月 {} 元，书面通知将送达该户。",
            crate::web::format::yuan(new_fen.unwrap_or(0))
        ),
        Outcome::Taper => format!(
            "该户按渐退办法继续发放至 {}，之后停发，书面通知将送达该户。",
            taper_until.map(|d| d.to_string()).unwrap_or_default()
        ),
    };
    format!("{checked_on} 复核：{what}")
}

/// A re-check evidence file for a member who may see its household; the viewing is audited.
pub async fn open_file(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<StoredFile> {
    let rdb::RecheckFile {
        recheck_id,
        household_id,
        file,
    } = rdb::file(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let (r, _) = visible(state, staff, household_id).await?;
    let now = crate::db::now_epoch();
    let mut tx = state.db.begin().await?;
    let entry = staff.audit(
        "recheck.file_view",
        "household",
        Some(household_id.to_string()),
        Some(r.township_id),
        format!("recheck={recheck_id} file={id}"),
    );
    crate::db::audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tracked_outcome_says_when_and_what() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        let t = tracked_outcome(Outcome::Adjust, on, Some(45_000), None);
        assert_eq!(
            t,
            "2026-11-20 复核：该户的保障金调整为每月 450.00 元，书面通知将送达该户。"
        );
        let until = NaiveDate::from_ymd_opt(2027, 5, 20);
        assert!(tracked_outcome(Outcome::Taper, on, None, until).contains("2027-05-20"));
        assert!(tracked_outcome(Outcome::Stop, on, None, None).contains("停发"));
        assert!(tracked_outcome(Outcome::Continue, on, None, None).contains("继续"));
    }

    use super::*;
    use crate::domain::AidCategory;

    fn recipient(due: Option<NaiveDate>, category: AidCategory, created_at: i64) -> Recipient {
        Recipient {
            household_id: 1,
            village_id: 2,
            township_id: 3,
            village_name: "光明村".into(),
            head_name: "张三".into(),
            persons: 2,
            category,
            monthly_fen: 60_000,
            recheck_due_on: due,
            created_at,
            taper_until: None,
            open_leads: 0,
            recheck_seq: 0,
        }
    }

    #[test]
    fn unscheduled_households_are_due_an_interval_after_they_were_added() {
        let s = crate::domain::recheck::Schedule::default();
        // 2026-01-31 20:00 UTC is 2026-02-01 in China.
        let added = chrono::NaiveDate::from_ymd_opt(2026, 1, 31)
            .and_then(|d| d.and_hms_opt(20, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or_default();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(
            due_on(&s, &recipient(None, AidCategory::General, added)),
            d(2026, 8, 1)
        );
        assert_eq!(
            due_on(&s, &recipient(None, AidCategory::Basic, added)),
            d(2027, 2, 1)
        );
        assert_eq!(
            due_on(
                &s,
                &recipient(Some(d(2026, 5, 5)), AidCategory::Basic, added)
            ),
            d(2026, 5, 5)
        );
    }
}
