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

/// A form of many fields (indexed rows, repeated checkboxes, a draw's members), as pairs.
pub type Fields = Vec<(String, String)>;

/// The first value sent as `key`, trimmed; empty when there is none.
pub fn field<'a>(f: &'a Fields, key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// The village a list's filter asks for (`?village=`), if it is one of `villages` (the viewer's).
pub fn chosen_village(raw: Option<&str>, villages: &[crate::db::regions::Region]) -> Option<i64> {
    raw.and_then(|v| v.parse::<i64>().ok())
        .filter(|v| villages.iter().any(|r| r.id == *v))
}

/// What a refused form held (which form — a step's path — and its fields; never a file), so
/// that the page shows it again with the reason instead of an empty form.
#[derive(Debug, Default)]
pub struct Typed {
    pub step: String,
    pub fields: Vec<(String, String)>,
}

impl Typed {
    /// The value typed into `name` of the form for `step`, if that form was the one refused.
    pub fn value(&self, step: &str, name: &str) -> Option<&str> {
        (self.step == step)
            .then(|| self.fields.iter().find(|(k, _)| k == name))
            .flatten()
            .map(|(_, v)| v.as_str())
    }

    /// [`Typed::value`], or `default` where nothing was typed.
    pub fn or(&self, step: &str, name: &str, default: &str) -> String {
        self.value(step, name).unwrap_or(default).to_owned()
    }

    /// Whether the refused form for `step` sent `name=value` (a ticked box, a chosen radio).
    pub fn sent(&self, step: &str, name: &str, value: &str) -> bool {
        self.step == step && self.fields.iter().any(|(k, v)| k == name && v == value)
    }
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

    #[test]
    fn a_refused_form_gives_back_only_its_own_fields() {
        let typed = Typed {
            step: "survey".into(),
            fields: vec![
                ("income".into(), "靠零工".into()),
                ("visitor".into(), "3".into()),
                ("visitor".into(), "7".into()),
            ],
        };
        assert_eq!(typed.value("survey", "income"), Some("靠零工"));
        assert_eq!(
            typed.value("reject", "income"),
            None,
            "another form on the page"
        );
        assert_eq!(typed.or("survey", "living", "-"), "-");
        assert!(typed.sent("survey", "visitor", "3") && typed.sent("survey", "visitor", "7"));
        assert!(!typed.sent("survey", "visitor", "5") && !typed.sent("accept", "visitor", "3"));
        assert_eq!(Typed::default().value("", "income"), None);
    }
}
