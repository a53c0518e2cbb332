//! Staff-uploaded files (case evidence, re-check evidence): what is accepted, how the client's
//! name is shown, and how a stored file is served back — never cached, never run in the page.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::web::cookies::no_store;

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

/// A stored file as a response: its sniffed type, an ASCII file name, a PDF downloaded rather
/// than opened, a sandboxing CSP, and `no-store`.
pub fn serve(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
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
