//! Evidence files (the photo or PDF of the signed survey form): checked by their content, not
//! their name; at most 10 MB; stored in the database so every instance serves them; shown to
//! staff in scope only, every view audited.

use sha2::{Digest, Sha256};

use crate::db::cases::{self as cdb, Case, NewEvidence};
use crate::db::{audit, now_epoch};
use crate::domain::access::Perm;
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Largest evidence file.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The type of a file by its first bytes: JPEG, PNG or PDF; anything else is refused.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// A display form of the client's file name: no path, no control characters, bounded.
pub fn display_name(name: &str) -> String {
    let n: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    if n.trim().is_empty() {
        "evidence".to_owned()
    } else {
        n
    }
}

/// Stores an evidence file for a case (any stage before the case ends).
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
    let new = NewEvidence {
        content_type,
        file_name: &name,
        sha256: &sha256,
        data: bytes,
        uploaded_by: staff.staff.id,
    };
    let id = cdb::insert_evidence(&mut tx, case.id, &new, now).await?;
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

/// One evidence file for a viewer in scope: (content type, name, bytes). The view is audited
/// before the bytes are handed out.
pub async fn open(
    state: &AppState,
    staff: &StaffCtx,
    case: &Case,
    file_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7 rest"), Some("application/pdf"));
        for bad in [
            &b"GIF89a"[..],
            b"<html><script>",
            b"PK\x03\x04",
            b"",
            b"%PD",
        ] {
            assert_eq!(sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(display_name("C:\\Users\\a\\调查表.pdf"), "调查表.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name(""), "evidence");
        assert_eq!(display_name("a\u{0}b.jpg"), "ab.jpg");
    }
}
