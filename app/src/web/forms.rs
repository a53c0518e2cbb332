//! Small forms and queries that many staff pages share, and the status of a page that shows a
//! form's errors.

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::i18n::Msg;
use crate::web::cookies::no_store;

/// A form that carries nothing but its CSRF token (which `StaffForm` checks).
#[derive(Deserialize)]
pub struct Empty {}

/// A form with a reason, as withdrawing or closing a list asks for.
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
}

/// A preview's confirmation: the token its page carried (the preview may have changed since).
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub token: String,
}

/// `?done=1` (or `?saved=1`) on the page a POST redirected to after saving.
#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(alias = "saved")]
    done: Option<String>,
}

impl SavedQuery {
    pub fn saved(&self) -> bool {
        self.done.is_some()
    }

    /// "Saved", for the page's notice line.
    pub fn notice(&self) -> Option<Msg> {
        self.saved().then_some(Msg::Saved)
    }
}

/// The refusal of a form with a control character in a field (not a line break or tab: a NUL,
/// an escape…; no form takes one, and PostgreSQL refuses a NUL in text): 422, before anything
/// of it is used. What counts is `islands::rules::is_text`.
pub fn stray_control_refused(lang: crate::i18n::Lang) -> crate::error::AppError {
    crate::error::AppError::invalid("form", Msg::StrayControlCharacter.text(lang))
}

/// A staff page as answered: 422 when it shows a form's errors, never stored by a cache.
pub fn with_status(mut res: Response, failed: bool) -> Response {
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    no_store(res)
}

/// The village a list's filter asks for (`?village=`), if it is one of `villages` (the viewer's).
pub fn chosen_village(raw: Option<&str>, villages: &[crate::db::regions::Region]) -> Option<i64> {
    raw.and_then(|v| v.parse::<i64>().ok())
        .filter(|v| villages.iter().any(|r| r.id == *v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> SavedQuery {
        serde_urlencoded::from_str(q).unwrap()
    }

    #[test]
    fn either_spelling_says_saved() {
        assert!(query("done=1").saved());
        assert!(query("saved=1").saved());
        assert_eq!(query("done=1").notice(), Some(Msg::Saved));
        assert!(!query("").saved());
        assert_eq!(query("other=1").notice(), None);
    }

    #[test]
    fn a_page_with_errors_is_422_and_never_stored() {
        let res = with_status(Response::new(axum::body::Body::empty()), true);
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let res = with_status(Response::new(axum::body::Body::empty()), false);
        assert_eq!(res.status(), StatusCode::OK);
    }
}
