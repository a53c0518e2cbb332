//! Per-request page context: language, current path and site facts (documents are rendered by
//! `web::shell`, which wraps a page in the shared shell).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::i18n::Lang;
use crate::web::state::{AppState, Site};

/// The visitor's language: the `lang` cookie, else Chinese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    crate::web::cookies::read(headers, Lang::COOKIE)
        .map(|v| Lang::parse(&v))
        .unwrap_or_default()
}

#[derive(Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// Path and query of this request, for the language switch to come back to.
    pub path: String,
    pub site: Arc<Site>,
}

impl PageCtx {
    pub fn new(lang: Lang, path: impl Into<String>, site: Arc<Site>) -> Self {
        PageCtx {
            lang,
            path: path.into(),
            site,
        }
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        Ok(PageCtx::new(
            lang_of(&parts.headers),
            path,
            state.site.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_lang_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_of(&h), Lang::Zh);
        h.insert("cookie", HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(lang_of(&h), Lang::En);
        h.insert("cookie", HeaderValue::from_static("lang=xx"));
        assert_eq!(lang_of(&h), Lang::Zh);
    }
}
