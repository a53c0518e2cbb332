//! Static assets: the stylesheet (embedded, content-hashed) and the WASM islands bundle (`scripts/build-wasm` writes it to `site/pkg/`): read once at start-up,
//! served from memory under content-hashed names (cached for a year), and announced to pages only
//! when it is complete. Without it the site is plain HTML and no page mentions a script.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The stylesheet, embedded so the binary runs from any folder.
pub const STYLE_CSS: &str = include_str!("../../../style/main.css");

/// Short content hash for cache-busting file names.
pub fn content_hash(data: &str) -> String {
    content_hash_bytes(data.as_bytes())
}

pub fn content_hash_bytes(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(data);
    hex::encode(&digest[..6])
}

pub fn css_href() -> String {
    format!("/static/style-{}.css", content_hash(STYLE_CSS))
}

pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        STYLE_CSS,
    )
        .into_response()
}

/// The boot script; the server fills in the hashed names of the two files it loads.
const BOOT_JS: &str = include_str!("../islands/boot.js");
/// What wasm-bindgen writes (`--out-name sunshine`).
const JS_FILE: &str = "sunshine.js";
const WASM_FILE: &str = "sunshine_bg.wasm";

#[derive(Debug, Clone)]
pub struct Bundle {
    /// `/pkg/boot-<hash>.js`, the one script a page names.
    pub boot_href: String,
    /// File name under `/pkg/` → (content type, bytes).
    files: HashMap<String, (&'static str, Vec<u8>)>,
}

impl Bundle {
    /// Reads the bundle from `dir`. `Ok(None)` when the folder or either file is missing (a build
    /// without the bundle); `Err` when a file is there but unreadable, or was built from other
    /// sources than this server (its islands would not wake up: better no bundle at all).
    pub fn load(dir: &Path) -> Result<Option<Bundle>, String> {
        let (js_path, wasm_path) = (dir.join(JS_FILE), dir.join(WASM_FILE));
        if !js_path.is_file() || !wasm_path.is_file() {
            return Ok(None);
        }
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let js = read(&js_path)?;
        let wasm = read(&wasm_path)?;
        let mut missing = missing_islands(&String::from_utf8_lossy(&js));
        let mark = crate::islands::BUILD_MARK.as_bytes();
        if !wasm.windows(mark.len()).any(|w| w == mark) {
            missing.push(crate::islands::BUILD_MARK.to_owned());
        }
        if !missing.is_empty() {
            return Err(format!(
                "{} was built from other sources than this server (no {}); run scripts/build-wasm",
                dir.display(),
                missing.join(", ")
            ));
        }
        Ok(Some(Bundle::from_parts(js, wasm)))
    }

    /// Names the files by their content, so a new build never meets a stale cached copy.
    pub fn from_parts(js: Vec<u8>, wasm: Vec<u8>) -> Bundle {
        let js_name = format!("sunshine-{}.js", content_hash_bytes(&js));
        let wasm_name = format!("sunshine-{}.wasm", content_hash_bytes(&wasm));
        let boot = BOOT_JS
            .replace("__SUNSHINE_JS__", &format!("/pkg/{js_name}"))
            .replace("__SUNSHINE_WASM__", &format!("/pkg/{wasm_name}"))
            .into_bytes();
        let boot_name = format!("boot-{}.js", content_hash_bytes(&boot));
        let js_type = "text/javascript; charset=utf-8";
        let files = HashMap::from([
            (js_name, (js_type, js)),
            (wasm_name, ("application/wasm", wasm)),
            (boot_name.clone(), (js_type, boot)),
        ]);
        Bundle {
            boot_href: format!("/pkg/{boot_name}"),
            files,
        }
    }

    /// Names of the files served under `/pkg/`.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// The names under which this server's pages ask for their islands (`data-component`): Leptos
/// derives them from the island's source, so a bundle built from other sources lacks them.
pub fn island_names() -> Vec<String> {
    use crate::i18n::Lang;
    use crate::islands::{Countdown, EntryFilter, QueueFilters, ReportCheck};
    use leptos::prelude::*;
    let html = Owner::new().with(|| {
        view! {
            <Countdown lang=Lang::Zh ends_at=0 now=0 />
            <EntryFilter lang=Lang::Zh action=String::new() table=String::new() q=String::new()
                change=String::new() changes=vec![] shown=0 total=0 />
            <ReportCheck lang=Lang::Zh form=String::new() />
            <QueueFilters lang=Lang::Zh action=String::new() table=String::new() selects=vec![] shown=0 />
        }
        .to_html()
    });
    html.split("data-component=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// Islands of this server that the wasm-bindgen module `js` does not export.
fn missing_islands(js: &str) -> Vec<String> {
    island_names()
        .into_iter()
        .filter(|name| !js.contains(&format!("export function {name}(")))
        .collect()
}

/// `GET /pkg/{file}`: one of the bundle's files, or 404.
pub async fn serve(
    State(bundle): State<Option<Arc<Bundle>>>,
    UrlPath(file): UrlPath<String>,
) -> Response {
    let Some((content_type, bytes)) = bundle.as_ref().and_then(|b| b.files.get(&file)) else {
        return AppError::NotFound.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes.clone(),
    )
        .into_response()
}

/// The Content-Security-Policy for every response. Scripts only from this site; with the bundle,
/// also `'wasm-unsafe-eval'`, which compiling WebAssembly needs (and nothing more: no inline
/// script, no `eval`).
pub fn csp(with_bundle: bool) -> &'static str {
    macro_rules! policy {
        ($script:literal) => {
            concat!(
                "default-src 'self'; script-src ",
                $script,
                "; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                 form-action 'self'; frame-ancestors 'none'"
            )
        };
    }
    if with_bundle {
        policy!("'self' 'wasm-unsafe-eval'")
    } else {
        policy!("'self'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_content_and_boot_points_at_them() {
        let a = Bundle::from_parts(b"js1".to_vec(), b"wasm1".to_vec());
        let b = Bundle::from_parts(b"js2".to_vec(), b"wasm1".to_vec());
        assert_ne!(a.boot_href, b.boot_href, "new JS, new boot name");
        let boot = &a.files[a.boot_href.trim_start_matches("/pkg/")].1;
        let boot = String::from_utf8_lossy(boot);
        for name in a.file_names().filter(|n| !n.starts_with("boot-")) {
            assert!(
                boot.contains(&format!("/pkg/{name}")),
                "{name} named in boot"
            );
        }
        assert!(!boot.contains("__SUNSHINE_"));
    }

    #[test]
    fn every_island_has_a_name() {
        let names = island_names();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("Countdown_")));
    }

    #[test]
    fn missing_or_stale_bundles_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(Bundle::load(dir.path()).expect("load").is_none());
        let js: String = island_names()
            .iter()
            .map(|n| format!("export function {n}(el) {{}}\n"))
            .collect();
        std::fs::write(dir.path().join(JS_FILE), js).expect("write");
        assert!(
            Bundle::load(dir.path()).expect("load").is_none(),
            "half a bundle"
        );
        std::fs::write(dir.path().join(WASM_FILE), "y").expect("write");
        let err = Bundle::load(dir.path()).expect_err("wasm of other sources");
        assert!(err.contains("sunshine-islands:"), "{err}");
        std::fs::write(dir.path().join(WASM_FILE), crate::islands::BUILD_MARK).expect("write");
        assert!(Bundle::load(dir.path()).expect("load").is_some());
        std::fs::write(
            dir.path().join(JS_FILE),
            "export function Countdown_1(el) {}",
        )
        .expect("write");
        let err = Bundle::load(dir.path()).expect_err("stale");
        assert!(err.contains("scripts/build-wasm"), "{err}");
    }

    #[test]
    fn csp_allows_wasm_only_with_bundle() {
        assert!(!csp(false).contains("wasm-unsafe-eval"));
        assert!(csp(true).contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!csp(true).contains("unsafe-inline"));
    }
}
