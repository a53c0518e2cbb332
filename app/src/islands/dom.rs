//! The browser side of the islands: small DOM helpers (hydrate build only).

use wasm_bindgen::JsCast;
use web_sys::{Document, Event, HtmlElement, HtmlFormElement, HtmlInputElement};

use super::rules;
use crate::i18n::Msg;

fn doc() -> Document {
    leptos::prelude::document()
}

/// The browser clock in Unix seconds.
pub fn unix_now() -> i64 {
    (web_sys::js_sys::Date::now() / 1000.0) as i64
}

/// Shows the rows of `#table` that match and hides the others; returns how many show.
pub fn filter_rows(table: &str, q: &str, change: &str) -> usize {
    let Ok(rows) = doc().query_selector_all(&format!("#{table} tbody tr")) else {
        return 0;
    };
    let mut shown = 0;
    for i in 0..rows.length() {
        let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
            continue;
        };
        let name = row
            .query_selector(".name")
            .ok()
            .flatten()
            .and_then(|n| n.text_content())
            .unwrap_or_default();
        let kind = row.get_attribute("data-change").unwrap_or_default();
        let visible = rules::row_visible(&name, &kind, q, change);
        row.set_hidden(!visible);
        shown += usize::from(visible);
    }
    shown
}

/// Calls `f` whenever the form with this id is submitted (before the browser sends it).
pub fn on_submit(form_id: &str, f: impl Fn(&Event, &HtmlFormElement) + 'static) {
    let Some(form) = doc()
        .get_element_by_id(form_id)
        .and_then(|e| e.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    // Our messages replace the browser's own bubbles (which speak the browser's language).
    form.set_no_validate(true);
    let target = form.clone();
    let handler =
        wasm_bindgen::closure::Closure::<dyn Fn(Event)>::new(move |ev: Event| f(&ev, &target));
    let _ = form.add_event_listener_with_callback("submit", handler.as_ref().unchecked_ref());
    handler.forget(); // lives as long as the page
}

/// Moves focus to an element (the error summary), so keyboard and screen-reader users land there.
pub fn focus(id: &str) {
    if let Some(el) = doc()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

fn field_value(form: &HtmlFormElement, selector: &str) -> String {
    form.query_selector(selector)
        .ok()
        .flatten()
        .map(|el| {
            if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                i.value()
            } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                t.value()
            } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
                s.value()
            } else {
                String::new()
            }
        })
        .unwrap_or_default()
}

/// Reads the report form and returns its problems (the same rules as the server).
pub fn report_errors(form: &HtmlFormElement) -> Vec<(&'static str, Msg)> {
    let body = field_value(form, "[name=body]");
    let accused = field_value(form, "[name=accused]");
    let name = field_value(form, "[name=name]");
    let contact = field_value(form, "[name=contact]");
    let anonymous = form
        .query_selector("[name=anonymous]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked());
    let errors = rules::report_errors(&rules::ReportFields {
        category_ok: !field_value(form, "[name=category]:checked").is_empty(),
        place_ok: !field_value(form, "[name=place]").is_empty(),
        body: &body,
        accused: &accused,
        anonymous,
        name: &name,
        contact: &contact,
    });
    for field in ["place", "body", "accused", "name", "contact"] {
        if let Ok(Some(el)) = form.query_selector(&format!("[name={field}]")) {
            if errors.iter().any(|(f, _)| *f == field) {
                let _ = el.set_attribute("aria-invalid", "true");
            } else {
                let _ = el.remove_attribute("aria-invalid");
            }
        }
    }
    errors
}

/// `path?k=v&…` with the values percent-encoded.
pub fn url_with_query(path: &str, query: &[(String, String)]) -> String {
    let parts: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                web_sys::js_sys::encode_uri_component(k),
                web_sys::js_sys::encode_uri_component(v)
            )
        })
        .collect();
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// Fetches `url` (a file or page of this site) as text, or `None` when anything failed or it
/// was answered by a redirect (e.g. the session ended and we were sent to the sign-in page).
pub async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen_futures::JsFuture;
    let window = leptos::prelude::window();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() || response.redirected() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Fetches `url` (a page of this site) and returns the `tbody` of its `#table`, or `None` when
/// anything failed (the form still works by submit). Nothing on the page changes here.
pub async fn fetch_rows(url: &str, table: &str) -> Option<web_sys::Element> {
    let text = fetch_text(url).await?;
    let fresh = web_sys::DomParser::new()
        .ok()?
        .parse_from_string(&text, web_sys::SupportedType::TextHtml)
        .ok()?;
    fresh.query_selector(&format!("#{table} tbody")).ok()?
}

/// Puts fetched rows in place of the `tbody` of our `#table`; returns how many there are.
pub fn replace_rows(table: &str, new_body: &web_sys::Element) -> Option<usize> {
    let old_body = doc().query_selector(&format!("#{table} tbody")).ok()??;
    let rows = new_body.child_element_count() as usize;
    old_body
        .replace_with_with_node_1(&doc().adopt_node(new_body).ok()?)
        .ok()?;
    Some(rows)
}

/// Puts `url` in the address bar without loading it, so reload and bookmarks keep the filter.
pub fn replace_url(url: &str) {
    if let Ok(history) = leptos::prelude::window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}
