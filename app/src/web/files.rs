//! Staff-uploaded files (case evidence, re-check evidence): what is accepted, how the client's
//! name is shown, and how a stored file is served back — never cached, never run in the page.

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::db::files::StoredFile;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::islands::rules::is_text;
use crate::web::cookies::no_store;
use crate::web::forms::stray_control_refused;
use crate::web::session::{constant_time_eq, StaffCtx};
use crate::web::state::AppState;

/// Largest uploaded evidence file.
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

/// The client's file name without its path or control characters, at most 80 characters
/// (empty when nothing is left).
pub fn tidy_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect()
}

/// A display form of the client's file name ([`tidy_name`], or "evidence" when nothing is left).
pub fn display_name(name: &str) -> String {
    let n = tidy_name(name);
    if n.trim().is_empty() {
        "evidence".to_owned()
    } else {
        n
    }
}

/// What a multipart body that cannot be read means for its sender: too large (413), or a form
/// the browser did not send whole (422, in the sender's language). Logged without the content.
pub fn bad_upload(lang: Lang, e: MultipartError) -> AppError {
    tracing::info!(error = %e, "bad upload");
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::invalid("file", lang.t(Msg::BadRequestBody))
    }
}

/// Text fields an upload form may carry besides its file; more are not read.
const MAX_FIELDS: usize = 16;

/// An upload form as it arrived: its text fields and its one `file` part.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    file: Option<UploadedFile>,
}

/// The `file` part of an upload form.
#[derive(Debug)]
pub struct UploadedFile {
    /// The client's file name, as sent (see [`tidy_name`], [`display_name`]).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// The file sent, unless none was chosen (a browser then sends an empty part).
    pub fn file(&self) -> Option<&UploadedFile> {
        self.file.as_ref().filter(|f| !f.bytes.is_empty())
    }

    /// [`Upload::file`], taken out of the form.
    pub fn into_file(self) -> Option<UploadedFile> {
        self.file.filter(|f| !f.bytes.is_empty())
    }

    /// A text field, trimmed ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }
}

/// A staff upload POST (multipart): signed in, the whole form read (`read_upload`) and its CSRF
/// token checked before the handler sees any of it — 403 (cross-site) when it does not match.
/// The upload forms' [`StaffForm`](crate::web::session::StaffForm). One upload does not use it:
/// a re-checks comparison file (`rechecks::compare_handlers::upload`) streams its file and
/// checks the token, sent first, before it keeps a byte.
pub struct StaffUpload(pub StaffCtx, pub Upload);

impl FromRequest<AppState> for StaffUpload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let staff = StaffCtx::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let upload = read_upload(&mut multipart, staff.lang)
            .await
            .map_err(IntoResponse::into_response)?;
        if !constant_time_eq(upload.field("csrf"), &staff.csrf) {
            tracing::warn!(staff_id = staff.staff.id, "csrf token mismatch (upload)");
            return Err(AppError::CrossSite.into_response());
        }
        if upload
            .fields
            .iter()
            .any(|(k, v)| !is_text(k) || !is_text(v))
        {
            return Err(stray_control_refused(staff.lang).into_response());
        }
        Ok(StaffUpload(staff, upload))
    }
}

/// Reads a whole upload form (the route's body limit bounds it): the part named `file` as bytes,
/// up to [`MAX_FIELDS`] others as text.
async fn read_upload(multipart: &mut Multipart, lang: Lang) -> AppResult<Upload> {
    let bad = |e| bad_upload(lang, e);
    let mut upload = Upload::default();
    while let Some(part) = multipart.next_field().await.map_err(bad)? {
        let name = part.name().unwrap_or("").to_owned();
        if name == "file" {
            let name = part.file_name().unwrap_or("").to_owned();
            let bytes = part.bytes().await.map_err(bad)?.to_vec();
            upload.file = Some(UploadedFile { name, bytes });
        } else if upload.fields.len() < MAX_FIELDS {
            upload.fields.push((name, part.text().await.map_err(bad)?));
        }
    }
    Ok(upload)
}

/// A stored file as a response: its sniffed type, an ASCII file name, a PDF downloaded rather
/// than opened, a sandboxing CSP, and `no-store`.
pub fn serve(file: StoredFile) -> Response {
    let StoredFile {
        content_type,
        file_name: name,
        data,
    } = file;
    let content_type = content_type.as_str();
    let mut res = data.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let disposition = if content_type == "application/pdf" {
        "attachment"
    } else {
        "inline"
    };
    let ascii: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
        .collect();
    let file_name = if ascii.is_empty() { "evidence" } else { &ascii };
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    no_store(res)
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
