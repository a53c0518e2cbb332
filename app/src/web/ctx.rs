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

/// The cookie that asks for the large-text edition (大字版): `1` when on.
pub const LARGE_COOKIE: &str = "large";

/// Whether the visitor reads the large-text edition (大字版).
pub fn large_of(headers: &HeaderMap) -> bool {
    crate::web::cookies::read(headers, LARGE_COOKIE).as_deref() == Some("1")
}

#[derive(Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// Path and query of this request, for the language switch to come back to.
    pub path: String,
    pub site: Arc<Site>,
    /// The large-text edition (大字版): the shell marks `<html class="large">`.
    pub large: bool,
    /// What a search engine may show for this page. Only pages that list no household have
    /// one, and only they may be indexed (see `shell::indexable_path`).
    pub description: Option<String>,
    /// The county this page belongs to, when the handler knows it: its name in the header and
    /// its hotline in the footer (else the deployment's).
    pub county: Option<PageCounty>,
}

/// A county as the page shell shows it.
#[derive(Debug, Clone)]
pub struct PageCounty {
    pub name: String,
    pub hotline: String,
}

impl PageCtx {
    pub fn new(lang: Lang, path: impl Into<String>, site: Arc<Site>) -> Self {
        PageCtx {
            lang,
            path: path.into(),
            site,
            large: false,
            description: None,
            county: None,
        }
    }

    /// The same page, open to search engines with this description (ignored on paths that
    /// may list households).
    pub fn described(&self, description: impl Into<String>) -> PageCtx {
        PageCtx {
            description: Some(description.into()),
            ..self.clone()
        }
    }

    /// The same page, in its county (header name and footer hotline).
    pub fn in_county(&self, county: PageCounty) -> PageCtx {
        PageCtx {
            county: Some(county),
            ..self.clone()
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
        if let Err(e) = state.site.county_current(&state.db).await {
            // The header keeps the county it had; the page itself is unaffected.
            tracing::warn!(error = %e, "could not read the counties again");
        }
        let mut ctx = PageCtx::new(lang_of(&parts.headers), path, state.site.clone());
        ctx.large = large_of(&parts.headers);
        Ok(ctx)
    }
}

/// What a page handler starts from: the application's state and this page's context,
/// extracted together (`Page { state, ctx }: Page`).
pub struct Page {
    pub state: AppState,
    pub ctx: PageCtx,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = PageCtx::from_request_parts(parts, state).await?;
        Ok(Page {
            state: state.clone(),
            ctx,
        })
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

    #[test]
    fn reads_large_cookie() {
        let mut h = HeaderMap::new();
        assert!(!large_of(&h));
        h.insert("cookie", HeaderValue::from_static("lang=en; large=1"));
        assert!(large_of(&h));
        h.insert("cookie", HeaderValue::from_static("large=0"));
        assert!(!large_of(&h));
    }
}
