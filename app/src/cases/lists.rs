//! The 审核 and 审批 lists come out of the case file: made from the cases a township proposed to
//! grant (审核) or the county granted (审批), published by the role the plan names (a township
//! its 审核, the county its 审批), which moves every case on the list along; withdrawn, which moves
//! them back for a corrected list; and, after the 审批 window, enrolment and the next standing
//! list (the current one, plus the households enrolled since).

use crate::db::cases::{self as cdb, Case, CaseEntry, CaseFilter, NewStep};
use crate::db::changes::Change;
use crate::db::publicity::{self as pdb, Batch, NewBatch};
use crate::db::rechecks as rdb;
use crate::db::tx::Tx;
use crate::db::{audit, households, now_epoch, regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::case::{may_publish, step, CaseAction, GateError, Stage};
use crate::domain::recheck::standing_change;
use crate::domain::{BatchKind, BatchState, ChangeKind, PublicityWindow};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::labels::case as labels;
use crate::web::session::{token_hash, StaffCtx};
use crate::web::state::AppState;

/// Who makes which list: the township its 审核, the county its 审批.
fn list_perm(kind: BatchKind) -> Perm {
    match kind {
        BatchKind::Approval => Perm::ApproveCases,
        _ => Perm::ProcessCases,
    }
}

/// The stage a case waits at for `kind`, and the stage publishing moves it to.
fn stages(kind: BatchKind) -> Option<(Stage, CaseAction)> {
    match kind {
        BatchKind::Review => Some((Stage::TownshipApproved, CaseAction::PublishReview)),
        BatchKind::Approval => Some((Stage::CountyApproved, CaseAction::PublishApproval)),
        BatchKind::Standing => None,
    }
}

fn entry_of(c: &Case, change: ChangeKind) -> Option<CaseEntry<'_>> {
    Some(CaseEntry {
        case_id: Some(c.id),
        entry: pdb::NewEntry {
            household_id: c.household_id,
            head_name: &c.applicant,
            persons: c.persons.max(1),
            monthly_fen: c.decided_fen?,
            category: c.decided_category?,
            aid_class: c.decided_class,
            change,
        },
    })
}

/// Makes a draft 审核 or 审批 list for a village from its cases waiting for one. Returns the
/// batch id, or `Ok(Err(msg))` when no case is ready.
pub async fn make(
    state: &AppState,
    staff: &StaffCtx,
    village_id: i64,
    kind: BatchKind,
) -> AppResult<Result<i64, Msg>> {
    let Some((waiting, _)) = stages(kind) else {
        return Err(AppError::NotFound);
    };
    let village = regions::by_level_id(&state.db, regions::Level::Village, village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let township_id = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require(list_perm(kind), Some(township_id))?;
    let filter = CaseFilter {
        village_id: Some(village_id),
        stage: Some(waiting),
        ..Default::default()
    };
    let approval = kind == BatchKind::Approval;
    let cases: Vec<Case> = cdb::list(&state.db, &filter, 10_000)
        .await?
        .into_iter()
        .filter(|c| {
            if approval {
                c.approval_batch_id.is_none()
            } else {
                c.review_batch_id.is_none()
            }
        })
        .collect();
    let entries: Vec<CaseEntry<'_>> = cases
        .iter()
        .filter_map(|c| entry_of(c, ChangeKind::New))
        .collect();
    if entries.is_empty() {
        return Ok(Err(Msg::NoCasesForList));
    }
    let days = state.site.settings.window_days;
    let today = today_cst();
    let new = NewBatch {
        village_id,
        township_id,
        kind,
        opens_on: today,
        closes_on: Some(PublicityWindow::starting(today, days).closes),
        window_days: Some(i64::from(days)),
        created_by: Some(staff.staff.id),
    };
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let batch_id = pdb::insert_batch(&mut tx, &new, now).await?;
    cdb::insert_entries(&mut tx, batch_id, &entries).await?;
    // Each case only while it still waits on no list of this kind: two lists made at once (a
    // double submit, two officers) cannot both take it; the second is refused, nothing kept.
    for case_id in entries.iter().filter_map(|e| e.case_id) {
        if !cdb::claim_for_list(&mut tx, case_id, approval, batch_id, waiting).await? {
            return Ok(Err(Msg::CasesTakenMeanwhile));
        }
    }
    let detail = format!(
        "village={} kind={} cases={}",
        village.code,
        kind.as_str(),
        entries.len()
    );
    let made = NewList {
        batch_id,
        township_id,
        action: "batch.from_cases",
        detail,
    };
    made.commit(tx, staff, now).await
}

/// Moves every case of `batch` by `action` (publish or withdraw), on the caller's transaction.
async fn move_cases(
    tx: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    batch: &Batch,
    action: CaseAction,
    body: &str,
    now: i64,
) -> AppResult<()> {
    let approval = batch.kind == BatchKind::Approval;
    for case_id in cdb::case_ids_of_batch(tx, batch.id).await? {
        let from = match (action, approval) {
            (CaseAction::ListWithdrawn, false) => Stage::InReviewPublicity,
            (CaseAction::ListWithdrawn, true) => Stage::InApprovalPublicity,
            (_, false) => Stage::TownshipApproved,
            (_, true) => Stage::CountyApproved,
        };
        let to = step(from, action).map_err(|e| AppError::internal("list step", e))?;
        let new = NewStep {
            action,
            from,
            to,
            happened_on: today_cst(),
            body,
            details: "{}",
            meeting_id: None,
            recorded_by: staff.staff.id,
            signers: &[staff.staff.id],
        };
        if cdb::record_step(tx, case_id, &new, now).await?.is_none() {
            return Err(AppError::Conflict(
                Msg::GateWrongStage.text(staff.lang).to_owned(),
            ));
        }
        if action == CaseAction::ListWithdrawn {
            cdb::set_batch(tx, case_id, approval, None).await?;
        }
    }
    Ok(())
}

/// Publishes a draft 审核/审批 list made from cases: only the role the plan names, and only a
/// list with entries. Its window opens today; every case on it moves to its publicity stage.
pub async fn publish(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    batch: &Batch,
) -> AppResult<()> {
    let Some((_, action)) = stages(batch.kind) else {
        return Err(AppError::NotFound);
    };
    staff.require(list_perm(batch.kind), Some(batch.township_id))?;
    if !may_publish(staff.staff.role, batch.kind) {
        return Err(AppError::Conflict(lang.t(Msg::PublishRoleRule).to_owned()));
    }
    if batch.state != BatchState::Draft {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    if pdb::totals(&state.db, batch.id).await?.households == 0 {
        return Err(AppError::Conflict(lang.t(Msg::EmptyBatch).to_owned()));
    }
    let (now, today) = (now_epoch(), today_cst());
    let days = batch
        .closes_on
        .map(|c| (c - batch.opens_on).num_days() + 1)
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(state.site.settings.window_days);
    let mut tx = state.db.begin().await?;
    pdb::set_window(
        &mut tx,
        batch.id,
        today,
        PublicityWindow::starting(today, days).closes,
    )
    .await?;
    if !pdb::set_state(
        &mut tx,
        batch.id,
        BatchState::Draft,
        BatchState::Published,
        None,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    move_cases(&mut tx, staff, batch, action, "", now).await?;
    commit_logged(tx, staff, batch, "batch.publish", String::new(), now).await
}

/// Withdraws a published 审核/审批 list (with a public reason): its cases go back to wait for a
/// corrected list.
pub async fn withdraw(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    batch: &Batch,
    reason: &str,
) -> AppResult<()> {
    if stages(batch.kind).is_none() {
        return Err(AppError::NotFound);
    }
    staff.require(list_perm(batch.kind), Some(batch.township_id))?;
    if !may_publish(staff.staff.role, batch.kind) {
        return Err(AppError::Conflict(lang.t(Msg::PublishRoleRule).to_owned()));
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let (from, to) = (BatchState::Published, BatchState::Withdrawn);
    if !pdb::set_state(&mut tx, batch.id, from, to, Some(reason), now).await? {
        return Err(AppError::Conflict(lang.t(Msg::WrongState).to_owned()));
    }
    move_cases(
        &mut tx,
        staff,
        batch,
        CaseAction::ListWithdrawn,
        reason,
        now,
    )
    .await?;
    commit_logged(tx, staff, batch, "batch.withdraw", reason.to_owned(), now).await
}

/// The end of a change to a published list: its audit entry, the pages it moves, the commit.
async fn commit_logged(
    mut tx: Tx,
    staff: &StaffCtx,
    batch: &Batch,
    action: &'static str,
    detail: String,
    now: i64,
) -> AppResult<()> {
    let id = Some(batch.id.to_string());
    let entry = staff.audit(action, "batch", id, Some(batch.township_id), detail);
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::list(batch));
    tx.commit().await?;
    Ok(())
}

/// Enrols every case of a published 审批 list once its window has closed: each household gets
/// the decided category and amount and joins the next standing list.
pub async fn enroll(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
) -> AppResult<Result<usize, Msg>> {
    if batch.kind != BatchKind::Approval {
        return Err(AppError::NotFound);
    }
    staff.require(Perm::ApproveCases, Some(batch.township_id))?;
    let today = today_cst();
    if batch.state != BatchState::Published || batch.closes_on.is_none_or(|c| today <= c) {
        return Ok(Err(labels::gate(GateError::ApprovalWindowOpen)));
    }
    let filter = CaseFilter {
        batch_id: Some(batch.id),
        stage: Some(Stage::InApprovalPublicity),
        ..Default::default()
    };
    let cases = cdb::list(&state.db, &filter, 10_000).await?;
    let now = now_epoch();
    let me = staff.staff.id;
    let mut tx = state.db.begin().await?;
    for c in &cases {
        let new = NewStep {
            action: CaseAction::Enroll,
            from: Stage::InApprovalPublicity,
            to: Stage::Enrolled,
            happened_on: today,
            body: "",
            details: "{}",
            meeting_id: None,
            recorded_by: me,
            signers: &[me],
        };
        if cdb::record_step(&mut tx, c.id, &new, now).await?.is_none() {
            return Ok(Err(Msg::GateWrongStage));
        }
        if let (Some(category), Some(fen)) = (c.decided_category, c.decided_fen) {
            households::set_allowance(
                &mut tx,
                c.household_id,
                c.persons.max(1),
                category.as_str(),
                c.decided_class,
                fen,
                now,
            )
            .await?;
            // The first re-check falls a full interval after enrolment.
            let due = state.site.settings.recheck.next_due(category, today);
            crate::db::rechecks::set_due(&mut tx, c.household_id, due).await?;
        }
        let entry = staff.audit(
            "case.enroll",
            "case",
            Some(c.id.to_string()),
            Some(c.township_id),
            format!("batch={}", batch.id),
        );
        audit::record(&mut tx, &entry, now).await?;
    }
    tx.changed(Change::Case {
        village: batch.village_id,
        township: batch.township_id,
    });
    tx.commit().await?;
    Ok(Ok(cases.len()))
}

/// What a recipient on the current standing list shows on the next one, after re-checks: 停发
/// once stopped or once a 渐退 period has ended, 增发/减发 with the new amount after an
/// adjustment, else 续保 at the same amount.
fn carried_over(
    e: &pdb::StaffEntry,
    household: Option<&rdb::StandingState>,
    today: chrono::NaiveDate,
) -> (ChangeKind, i64) {
    match household {
        Some(h) => (
            standing_change(
                e.monthly_fen,
                h.monthly_fen,
                h.stopped,
                h.taper_until,
                today,
            ),
            h.monthly_fen,
        ),
        None => (ChangeKind::Renew, e.monthly_fen),
    }
}

/// The current standing list's recipients as the next list carries them over ([`carried_over`]);
/// those it stopped are not carried.
fn renewals<'a>(
    current: &'a [pdb::StaffEntry],
    households: &std::collections::HashMap<i64, rdb::StandingState>,
    today: chrono::NaiveDate,
) -> Vec<CaseEntry<'a>> {
    current
        .iter()
        .filter(|e| e.change != ChangeKind::Stop)
        .map(|e| {
            let (change, monthly_fen) = carried_over(e, households.get(&e.household_id), today);
            CaseEntry {
                case_id: e.case_id,
                entry: pdb::NewEntry {
                    household_id: e.household_id,
                    head_name: &e.head_name,
                    persons: e.persons,
                    monthly_fen,
                    category: e.category,
                    aid_class: e.aid_class,
                    change,
                },
            }
        })
        .collect()
}

/// Makes next month's standing list of a village as a draft: the current standing list
/// (renewed, or changed by a re-check: 停发, 增发, 减发) plus the households enrolled since
/// (new). Published like any standing list. The form's one-time token (`form_token`), when it
/// carries one, makes it once: the same form sent again finds the draft it made.
pub async fn next_standing(
    state: &AppState,
    staff: &StaffCtx,
    village_id: i64,
    form_token: Option<&str>,
) -> AppResult<Result<i64, Msg>> {
    let village = regions::by_level_id(&state.db, regions::Level::Village, village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let township_id = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require(Perm::EditPublicity, Some(township_id))?;
    let mut token_hash = form_token.map(token_hash);
    let made_by_form = async |h: &Option<String>| -> AppResult<Option<Batch>> {
        let Some(h) = h else { return Ok(None) };
        pdb::by_form_token(&state.db, h).await
    };
    match made_by_form(&token_hash).await? {
        Some(b) if b.village_id == village_id => return Ok(Ok(b.id)),
        // A token that made another village's list (not one our forms send): not this form's.
        Some(_) => token_hash = None,
        None => {}
    }
    // The draft this form made (by another sending of it, committed by now), if any.
    let made_here = async |h: &Option<String>| -> AppResult<Option<i64>> {
        let made = made_by_form(h).await?;
        Ok(made.filter(|b| b.village_id == village_id).map(|b| b.id))
    };
    let enrolled = cdb::enrolled_not_on_standing(&state.db, village_id).await?;
    let current = match pdb::current_standing(&state.db, village_id).await? {
        Some(b) => pdb::staff_entries(&state.db, b.id).await?,
        None => Vec::new(),
    };
    let households = rdb::standing_states(&state.db, village_id).await?;
    let today = today_cst();
    let renewed = renewals(&current, &households, today);
    // A household enrolled since that is on the list already (an entry made by hand before the
    // case file existed) is carried over, not listed twice.
    let listed: std::collections::HashSet<i64> = current.iter().map(|e| e.household_id).collect();
    let enrolled: Vec<Case> = enrolled
        .into_iter()
        .filter(|c| !listed.contains(&c.household_id))
        .collect();
    let changed = renewed.iter().any(|e| e.entry.change != ChangeKind::Renew);
    if enrolled.is_empty() && !changed {
        // Nothing left to list may be because another sending of this form has just listed it.
        return Ok(made_here(&token_hash).await?.ok_or(Msg::NoCasesForList));
    }
    let mut entries = renewed;
    let added: Vec<CaseEntry<'_>> = enrolled
        .iter()
        .filter_map(|c| entry_of(c, ChangeKind::New))
        .collect();
    let new = NewBatch {
        village_id,
        township_id,
        kind: BatchKind::Standing,
        opens_on: today_cst(),
        closes_on: None,
        window_days: None,
        created_by: Some(staff.staff.id),
    };
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let batch_id = pdb::insert_batch(&mut tx, &new, now).await?;
    if let Some(h) = &token_hash {
        if !pdb::claim_form_token(&mut tx, batch_id, h).await? {
            // The same form at the same moment: its draft is the answer; this one is dropped.
            drop(tx);
            return made_here(&token_hash)
                .await?
                .map(Ok)
                .ok_or_else(|| AppError::internal("next standing list", "form token clash"));
        }
    }
    entries.extend(added);
    cdb::insert_entries(&mut tx, batch_id, &entries).await?;
    let detail = format!(
        "village={} new={} changed={}",
        village.code,
        enrolled.len(),
        entries
            .iter()
            .filter(|e| e.entry.change != ChangeKind::Renew && e.entry.change != ChangeKind::New)
            .count()
    );
    let made = NewList {
        batch_id,
        township_id,
        action: "batch.next_standing",
        detail,
    };
    made.commit(tx, staff, now).await
}

/// A draft list just made (from cases, or as the next standing list): its audit entry and the
/// commit that makes it.
struct NewList {
    batch_id: i64,
    township_id: i64,
    action: &'static str,
    detail: String,
}

impl NewList {
    async fn commit(self, mut tx: Tx, staff: &StaffCtx, now: i64) -> AppResult<Result<i64, Msg>> {
        let id = Some(self.batch_id.to_string());
        let entry = staff.audit(
            self.action,
            "batch",
            id,
            Some(self.township_id),
            self.detail,
        );
        audit::record(&mut tx, &entry, now).await?;
        tx.changed(Change::DraftCreated);
        tx.commit().await?;
        Ok(Ok(self.batch_id))
    }
}
