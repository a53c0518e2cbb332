//! Data comparison (信息比对): another department's file — 身份证号, 来源 (不动产, 车辆, 工商,
//! 社保, 殡葬 …) and 发现 (what it found) — matched against the recipients the uploader is
//! responsible for. Nothing anyone else sees is made until the uploader confirms the preview:
//!
//! 1. **Read and check** ([`Sheet::read`], [`check`]; a blocking thread, no database): every
//!    row is checked ([`check_row`]), a file that cannot be read is refused whole.
//! 2. **Match** (reads only): the township's (or county's) current recipients and the ID
//!    numbers of their heads and case members, each read in one streaming pass into a sorted
//!    index ([`IdIndex`]); every valid row is then a binary search. (Looking the numbers up in
//!    the database 500 to a query took 9–20 µs a number on SQLite — most of a minute for a
//!    million rows; the pass takes a few seconds.)
//! 3. **Stage** (one transaction): the file's counts and token, the first problems, and every
//!    matched row with its source and finding — read from the file a second time.
//! 4. **Confirm** (one transaction, uploader only, token checked): one open re-check lead per
//!    matched household, its text every matched row's "来源：发现".
//!
//! Memory stays bounded by the upload limit and the number of recipients: a UTF-8 .csv is held
//! once (decoded in place) and read one record at a time; an .xlsx goes through the publicity
//! import's reader with its limits (zip-bomb guard, 100,000 rows, 32 MB of cell text). Between
//! the passes a valid row costs 24 bytes and a match 16; a recipient ~40 (set and index).

use std::borrow::Cow;

use crate::db::changes::Change;
use crate::db::comparisons::{self as cdb, Import, NewImport, NewMatch};
use crate::db::{audit, now_epoch};
use crate::domain::access::{Perm, Scope};
use crate::domain::id_number;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::rechecks::service::may_record;
use crate::sheets::{
    self as import, clean, csv_records, decode_owned, normalize_header, xlsx_grid, CsvRecords,
    FileKind, RowError,
};
use crate::web::session::{constant_time_eq, new_token, StaffCtx};
use crate::web::state::AppState;

mod sheet;
pub use sheet::*;

/// Largest file accepted (the route's body limit adds room for the form around it). A row of
/// a real file is 40–120 bytes: a million rows fit.
pub const MAX_BYTES: usize = 100 * 1024 * 1024;
/// Most data rows in one file (an .xlsx stops earlier, at the publicity reader's 100,000).
pub const MAX_ROWS: usize = 1_000_000;
/// Longest 来源, in characters ("市场监督管理局企业登记" fits).
pub const SOURCE_MAX_CHARS: usize = 20;
/// Longest 发现, in characters.
pub const FINDING_MAX_CHARS: usize = 200;
/// Malformed and unmatched rows kept (each) for the preview page.
pub const PROBLEMS_KEPT: usize = 100;
/// Matched rows the preview page lists.
pub const MATCHES_SHOWN: i64 = 200;
/// The header is among this many non-empty rows at the top (title rows above it are skipped).
const HEADER_SCAN_ROWS: usize = 10;
/// Matched rows written per batch while staging.
const STAGE_CHUNK: usize = 4096;
/// Columns right of this many are ignored (as in the .xlsx reader): a hostile row of a million
/// empty cells costs no more than a real one.
const MAX_COLS: usize = 256;
/// While staging, the file's second reading lets other requests run after this many rows.
const YIELD_ROWS: usize = 16_384;

const ID_HEADERS: &[&str] = &[
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "身份证",
    "证件号码",
    "id_number",
    "idnumber",
];
const SOURCE_HEADERS: &[&str] = &["来源", "来源部门", "数据来源", "比对部门", "部门", "source"];
const FINDING_HEADERS: &[&str] = &[
    "发现",
    "比对发现",
    "发现情况",
    "比对结果",
    "比对情况",
    "情况",
    "finding",
];

// ---------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------

/// Who may compare: those who record re-checks ([`may_record`]) — a township's officers for
/// their township, a county's for their county (the deployment's for all); never a village
/// assistant or an auditor.
pub fn may_compare(staff: &StaffCtx) -> bool {
    match staff.scope() {
        Scope::Township(township) => may_record(staff, *township),
        Scope::All | Scope::County { .. } | Scope::Prefecture { .. } => {
            staff.village_scope().is_none()
                && (staff.can_role(Perm::ProcessCases) || staff.can_role(Perm::ApproveCases))
        }
    }
}

pub fn require_compare(staff: &StaffCtx) -> AppResult<()> {
    if may_compare(staff) {
        Ok(())
    } else {
        tracing::warn!(staff_id = staff.staff.id, "comparison refused");
        Err(AppError::Forbidden)
    }
}

/// A file the staff member may see: one of their township's (county staff: any), or 404/403.
pub async fn visible(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<Import> {
    require_compare(staff)?;
    let file = cdb::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !staff.scope().holds(file.township_id, file.county_id) {
        tracing::warn!(staff_id = staff.staff.id, id, "comparison out of scope");
        return Err(AppError::Forbidden);
    }
    Ok(file)
}

// ---------------------------------------------------------------------------
// Upload → stage
// ---------------------------------------------------------------------------

/// An uploaded file: its display name, bytes and SHA-256 (hex).
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// What matching found.
#[derive(Default)]
struct Matching {
    /// (row number, household) of every matched row, in file order.
    matches: Vec<(u32, i64)>,
    unmatched: usize,
    unmatched_shown: Vec<u32>,
    households: usize,
}

/// The index of the current recipients in a scope: on a standing list and
/// active, by their heads' and case members' ID numbers.
async fn recipients_index(state: &AppState, scope: &Scope) -> AppResult<IdIndex> {
    let mut recipients = cdb::on_standing(&state.db, scope).await?;
    let mut entries: Vec<(u64, bool, i64)> = Vec::with_capacity(recipients.len());
    cdb::each_household(&state.db, scope, |household_id, id_number, active| {
        if !active {
            recipients.remove(&household_id);
        } else if recipients.contains(&household_id) {
            if let Some(id) = id_number.and_then(IdNumber::parse) {
                entries.push((id.key(), false, household_id));
            }
        }
    })
    .await?;
    cdb::each_member(&state.db, scope, |household_id, id_number| {
        if recipients.contains(&household_id) {
            if let Some(id) = IdNumber::parse(id_number) {
                entries.push((id.key(), true, household_id));
            }
        }
    })
    .await?;
    Ok(IdIndex::new(entries))
}

async fn match_rows(
    state: &AppState,
    scope: &Scope,
    valid: &[(u32, IdNumber)],
) -> AppResult<Matching> {
    let index = recipients_index(state, scope).await?;
    let mut out = Matching::default();
    for (row_no, id) in valid {
        match index.get(id) {
            Some(household) => out.matches.push((*row_no, household)),
            None => {
                out.unmatched += 1;
                if out.unmatched_shown.len() < PROBLEMS_KEPT {
                    out.unmatched_shown.push(*row_no);
                }
            }
        }
    }
    let mut households: Vec<i64> = out.matches.iter().map(|(_, h)| *h).collect();
    households.sort_unstable();
    households.dedup();
    out.households = households.len();
    Ok(out)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The rows shown as problems on the preview (malformed, then unmatched), in row order.
fn problems_of(checked: &Checked, matching: &Matching) -> Vec<(i64, &'static str)> {
    let mut problems: Vec<(i64, &'static str)> = checked
        .malformed_shown
        .iter()
        .map(|(row, p)| (i64::from(*row), p.code()))
        .chain(
            matching
                .unmatched_shown
                .iter()
                .map(|row| (i64::from(*row), RowProblem::Unmatched.code())),
        )
        .collect();
    problems.sort_unstable();
    problems
}

/// Stages the matched rows of comparison `id`, in chunks: the file read again the same way
/// (the rows come in the same order with the same numbers), keeping the rows matching found.
async fn stage_matches(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    sheet: &Sheet,
    matching: &Matching,
) -> AppResult<()> {
    let reread = |e: FileError| AppError::internal("comparison re-read", format!("{e:?}"));
    let mut rows = sheet.rows().map_err(reread)?;
    let mut wanted = matching.matches.iter().peekable();
    let mut batch = Vec::with_capacity(STAGE_CHUNK.min(matching.matches.len()));
    let mut read = 0usize;
    while let Some(&&(want, household_id)) = wanted.peek() {
        read += 1;
        if read.is_multiple_of(YIELD_ROWS) {
            tokio::task::yield_now().await;
        }
        let Some((row_no, checked_row)) = rows.next_row().map_err(reread)? else {
            break;
        };
        if row_u32(row_no) != want {
            continue;
        }
        wanted.next();
        if let Ok(row) = checked_row {
            batch.push(NewMatch {
                row_no: i64::from(want),
                household_id,
                source: row.source.into_owned(),
                finding: row.finding.into_owned(),
            });
        }
        if batch.len() >= STAGE_CHUNK {
            cdb::insert_matches(&mut *tx, id, std::mem::take(&mut batch)).await?;
        }
    }
    if wanted.peek().is_some() {
        return Err(AppError::internal(
            "comparison re-read",
            "matched rows missing on the second reading",
        ));
    }
    cdb::insert_matches(&mut *tx, id, batch).await?;
    Ok(())
}

/// Writes the staged file: counts and token, the first problems, every matched row (its source
/// and finding from a second reading of `sheet`), and an audit entry. Returns its id.
async fn stage(
    state: &AppState,
    staff: &StaffCtx,
    (file_name, sha256): (&str, &str),
    sheet: &Sheet,
    checked: &Checked,
    matching: &Matching,
) -> AppResult<i64> {
    let token = new_token();
    let now = now_epoch();
    let (township_id, county_id) = staff.scope().owner();
    let mut tx = state.db.begin().await?;
    let file = NewImport {
        token: &token,
        file_name,
        sha256,
        rows_total: count(checked.rows_total),
        matched: count(matching.matches.len()),
        unmatched: count(matching.unmatched),
        malformed: count(checked.malformed),
        households: count(matching.households),
        township_id,
        county_id,
        created_by: staff.staff.id,
    };
    let id = cdb::insert_import(&mut tx, &file, now).await?;
    cdb::insert_problems(&mut tx, id, &problems_of(checked, matching)).await?;
    stage_matches(&mut tx, id, sheet, matching).await?;
    let detail = format!(
        "file={} sha256={} rows={} matched={} households={} unmatched={} malformed={}",
        file_name,
        sha256,
        checked.rows_total,
        matching.matches.len(),
        matching.households,
        matching.unmatched,
        checked.malformed
    );
    let entry = staff.audit(
        "comparison.stage",
        "comparison",
        Some(id.to_string()),
        township_id,
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    // Staged rows are the uploader's alone: no public page changes.
    tx.commit().await?;
    Ok(id)
}

/// Reads, checks, matches and stages an uploaded file. `Ok(Err(e))`: the file was refused
/// whole, and nothing was written.
pub async fn upload(
    state: &AppState,
    staff: &StaffCtx,
    upload: Upload,
) -> AppResult<Result<i64, FileError>> {
    require_compare(staff)?;
    let Upload {
        file_name,
        bytes,
        sha256,
    } = upload;
    let name = file_name.clone();
    let read = tokio::task::spawn_blocking(move || {
        let sheet = Sheet::read(&name, bytes)?;
        let checked = check(&sheet)?;
        Ok::<_, FileError>((sheet, checked))
    })
    .await
    .map_err(|e| AppError::internal("comparison task", e))?;
    let (sheet, mut checked) = match read {
        Ok(read) => read,
        Err(e) => {
            tracing::info!(error = ?e, "comparison file refused");
            return Ok(Err(e));
        }
    };
    let started = std::time::Instant::now();
    let matching = match_rows(state, staff.scope(), &checked.valid).await?;
    checked.valid = Vec::new();
    tracing::info!(
        rows = checked.rows_total,
        matched = matching.matches.len(),
        households = matching.households,
        ms = started.elapsed().as_millis() as u64,
        "comparison matched"
    );
    let started = std::time::Instant::now();
    let id = stage(
        state,
        staff,
        (&file_name, &sha256),
        &sheet,
        &checked,
        &matching,
    )
    .await?;
    tracing::info!(
        id,
        ms = started.elapsed().as_millis() as u64,
        "comparison staged"
    );
    Ok(Ok(id))
}

// ---------------------------------------------------------------------------
// Confirm
// ---------------------------------------------------------------------------

/// Makes the staged file's leads: one open re-check per matched household, in one transaction
/// with the file's state and an audit entry. Only the uploader, with the preview's token, once.
/// Returns the number of leads made.
pub async fn confirm(
    state: &AppState,
    staff: &StaffCtx,
    lang: Lang,
    id: i64,
    token: &str,
) -> AppResult<i64> {
    let file = visible(state, staff, id).await?;
    if file.created_by != staff.staff.id {
        tracing::warn!(
            staff_id = staff.staff.id,
            id,
            "comparison of another uploader"
        );
        return Err(AppError::Forbidden);
    }
    let already = || AppError::Conflict(lang.t(Msg::ComparisonAlreadyConfirmed).to_owned());
    if file.confirmed {
        return Err(already());
    }
    if !constant_time_eq(token, &file.token) {
        return Err(AppError::Conflict(
            lang.t(Msg::ComparisonTokenMismatch).to_owned(),
        ));
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    // First: a second confirmation waits here for the first, then finds nothing to confirm.
    if !cdb::mark_confirmed(&mut tx, id, now).await? {
        return Err(already());
    }
    let leads = cdb::create_leads(&mut tx, id, now).await?;
    let detail = format!(
        "file={} sha256={} rows={} matched={} households={} leads={leads}",
        file.file_name, file.sha256, file.rows_total, file.matched, file.households
    );
    let entry = staff.audit(
        "comparison.confirm",
        "comparison",
        Some(id.to_string()),
        file.township_id,
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Statistics);
    tx.commit().await?;
    Ok(leads)
}
