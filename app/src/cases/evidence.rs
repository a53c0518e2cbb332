//! Evidence files (the photo or PDF of the signed survey form): checked by their content, not
//! their name; at most 10 MB; stored in the database so every instance serves them; shown to
//! staff in scope only, every view audited.

use sha2::{Digest, Sha256};

use crate::db::cases::{self as cdb, Case};
use crate::db::files::{self, NewFile, Owner, StoredFile};
use crate::db::{audit, now_epoch};
use crate::domain::access::Perm;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::files::{display_name, sniff, MAX_BYTES};
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Stores an evidence file for a case (any stage before the case ends). The same bytes sent again
/// for the same case (a double tap, a retry after a lost answer) are not stored twice: the id of
/// the file already kept is returned, and nothing is written.
pub async fn store(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<i64> {
    staff.require_village(Perm::RegisterCases, case.township_id, case.village_id)?;
    if case.stage.is_final() {
        return Err(AppError::Conflict(
            Msg::GateWrongStage.text(staff.lang).to_owned(),
        ));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::TooLarge);
    }
    let Some(content_type) = sniff(bytes) else {
        return Err(AppError::invalid(
            "file",
            Msg::EvidenceTypeRule.text(staff.lang),
        ));
    };
    let sha256 = hex::encode(Sha256::digest(bytes));
    let name = display_name(file_name);
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    // The case's row first: two uploads of one file at once see each other's (PostgreSQL).
    cdb::lock_row(&mut tx, case.id).await?;
    if let Some(id) = files::same_file(&mut tx, Owner::Case(case.id), &sha256).await? {
        return Ok(id);
    }
    let new = NewFile {
        content_type,
        file_name: &name,
        sha256: &sha256,
        data: bytes,
        uploaded_by: staff.staff.id,
    };
    let id = files::insert(&mut tx, Owner::Case(case.id), &new, now).await?;
    let detail = format!("file={id} sha256={sha256}");
    let entry = staff.audit(
        "case.evidence_upload",
        "case",
        Some(case.id.to_string()),
        Some(case.township_id),
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// One evidence file for a viewer in scope. The view is audited before the bytes are handed
/// out.
pub async fn open(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    file_id: i64,
) -> AppResult<StoredFile> {
    staff.require_village(Perm::ReadCases, case.township_id, case.village_id)?;
    let file = cdb::evidence_file(&state.db, case.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let entry = staff.audit(
        "case.evidence_view",
        "case",
        Some(case.id.to_string()),
        Some(case.township_id),
        format!("file={file_id}"),
    );
    audit::record(&mut conn, &entry, now_epoch()).await?;
    Ok(file)
}
