//! Islands: the only parts of a page that run in the browser, and only as an enhancement.
//!
//! Each island is an ordinary Leptos component rendered on the server inside `<leptos-island>`, so
//! the page reads and works the same before the WASM bundle arrives, or without it (JavaScript off,
//! old WebView, bundle not built). When the bundle loads, `hydrate()` wakes the islands up in place.
//! Props travel as JSON in the island's `data-props`: keep them to labels and a few values — never
//! personal data and never the list itself (the list is already in the page).
//!
//! - [`Countdown`]: live time left in a publicity window.
//! - [`EntryFilter`]: instant filtering of a village list by name fragment or change kind.
//! - [`ReportCheck`]: validation messages on the report form before it is sent.
//! - [`QueueFilters`]: staff queue filters that reload only the table, not the page.
//! - [`DrawVerify`]: re-runs a published draw in the browser, with the same code the site drew it.

pub mod rules;

#[cfg(feature = "hydrate")]
mod dom;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

/// Fingerprint of the sources of this module (see `build.rs`), compiled into both halves: the
/// server serves a bundle only if its WASM carries the same one.
pub const BUILD_MARK: &str = concat!("sunshine-islands:", env!("SUNSHINE_ISLANDS_BUILD"));

/// Entry point the boot script calls once the WASM module is instantiated.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Also keeps the build mark in the binary, where the server looks for it.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-islands-build", BUILD_MARK);
    }
    leptos::mount::hydrate_islands();
}

/// Time left until `ends_at` (Unix seconds), ticking every second once hydrated. `now` is the
/// server's clock when the page was made: the first render matches the server's text exactly.
/// Shown only once it ticks.
#[island]
pub fn Countdown(lang: Lang, ends_at: i64, now: i64) -> impl IntoView {
    let (clock, set_clock) = signal(now);
    #[cfg(feature = "hydrate")]
    {
        // Tick on the server's clock: a phone whose clock is wrong still counts right.
        let offset = now - dom::unix_now();
        set_interval(
            move || set_clock.set(dom::unix_now() + offset),
            std::time::Duration::from_secs(1),
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_clock;
    // Hidden until the bundle runs: without it the clock would stand still, and the page's own
    // text already says the last day in words.
    let (ticking, set_ticking) = signal(false);
    Effect::new(move |_| set_ticking.set(true)); // effects run only in the browser
    view! {
        <span class="countdown" role="timer" hidden=move || !ticking.get()>
            {move || rules::countdown_text(lang, ends_at - clock.get())}
        </span>
    }
}

/// One `<option>`: (value, label).
pub type Choice = (String, String);

/// The filter above a village list. Without the bundle it is a plain GET form (the server hides
/// rows that do not match); with it, rows are shown or hidden as the visitor types.
#[island]
pub fn EntryFilter(
    lang: Lang,
    /// Path the form submits to (the page itself).
    action: String,
    /// `id` of the table whose `tbody tr` rows are filtered.
    table: String,
    q: String,
    change: String,
    changes: Vec<Choice>,
    shown: usize,
    total: usize,
) -> impl IntoView {
    let (q_now, set_q) = signal(q.clone());
    let (change_now, set_change) = signal(change.clone());
    let (shown, set_shown) = signal(shown);
    #[cfg(feature = "hydrate")]
    Effect::new(move |first: Option<()>| {
        let (q, change) = (q_now.get(), change_now.get());
        // The server already applied the filter the page was asked for.
        if first.is_some() {
            set_shown.set(dom::filter_rows(&table, &q, &change));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (table, set_shown, q_now, change_now);
    let options = changes
        .into_iter()
        .map(|(value, label)| {
            let selected = value == change;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action=action class="filters entry-filter" role="search">
            <label>
                {lang.t(Msg::FindByName)}
                <input type="search" name="q" value=q maxlength="20" autocomplete="off"
                    on:input=move |ev| set_q.set(event_target_value(&ev)) />
            </label>
            <label>
                {lang.t(Msg::ChangeCol)}
                <select name="change" autocomplete="off" on:change=move |ev| set_change.set(event_target_value(&ev))>
                    <option value="">{lang.t(Msg::All)}</option>
                    {options}
                </select>
            </label>
            <button type="submit" class="secondary">{lang.t(Msg::Filter)}</button>
            <p class="small filter-count" aria-live="polite">
                {lang.t(Msg::ShowingRows)} ": " {move || shown.get()} " / " {total}
            </p>
        </form>
    }
}

/// Sits at the top of the report form. Without the bundle it is an empty, hidden box (the browser's
/// own `required`/`minlength` checks and the server's validation apply). With it, pressing "submit"
/// on an incomplete form lists every problem here, in the visitor's language, and sends nothing.
#[island]
pub fn ReportCheck(lang: Lang, form: String) -> impl IntoView {
    let (errors, set_errors) = signal(Vec::<(&'static str, Msg)>::new());
    #[cfg(feature = "hydrate")]
    dom::on_submit(&form, move |ev, form| {
        let found = dom::report_errors(form);
        let stop = !found.is_empty();
        set_errors.set(found);
        if stop {
            ev.prevent_default();
            // After the summary has been drawn (and un-hidden): focus cannot land on hidden things.
            request_animation_frame(|| dom::focus("report-check"));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (form, set_errors);
    view! {
        <div id="report-check" class="error-summary" tabindex="-1" role="alert"
            hidden=move || errors.with(Vec::is_empty)>
            <p class="error">{lang.t(Msg::FormHasErrors)}</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(field, msg)| {
                            let href = format!("#{}", field_anchor(field));
                            view! { <li><a href=href>{lang.t(msg)}</a></li> }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Where a report-form field's message points to.
pub fn field_anchor(field: &str) -> &str {
    match field {
        "category" => "category-legend",
        other => other,
    }
}

/// One `<select>` of the staff queue filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterSelect {
    pub name: String,
    pub label: String,
    pub choices: Vec<Choice>,
    pub selected: String,
}

/// The staff queue's filters. Without the bundle it is a GET form; with it, changing a select
/// fetches the filtered queue and swaps in its rows, keeping the address in step.
#[island]
pub fn QueueFilters(
    lang: Lang,
    action: String,
    /// `id` of the queue table.
    table: String,
    selects: Vec<FilterSelect>,
    shown: usize,
) -> impl IntoView {
    let (shown, set_shown) = signal(shown);
    let (failed, set_failed) = signal(false);
    let values: Vec<(String, RwSignal<String>)> = selects
        .iter()
        .map(|s| (s.name.clone(), RwSignal::new(s.selected.clone())))
        .collect();
    #[cfg(feature = "hydrate")]
    let refresh = {
        let values = values.clone();
        let generation = StoredValue::new(0u32);
        let action = action.clone();
        move || {
            let query: Vec<(String, String)> = values
                .iter()
                .map(|(n, v)| (n.clone(), v.get_untracked()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let url = dom::url_with_query(&action, &query);
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let fetched = dom::fetch_rows(&url, &table).await;
                if generation.get_value() != mine {
                    return; // a newer choice was made meanwhile: its answer wins
                }
                match fetched.and_then(|rows| dom::replace_rows(&table, &rows)) {
                    Some(n) => {
                        set_shown.set(n);
                        set_failed.set(false);
                        dom::replace_url(&url);
                    }
                    None => set_failed.set(true),
                }
            });
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_shown, set_failed, table);
    let fields = selects
        .into_iter()
        .zip(values)
        .map(|(s, (_, value))| {
            #[cfg(feature = "hydrate")]
            let refresh = refresh.clone();
            let options = s
                .choices
                .into_iter()
                .map(|(v, label)| {
                    let selected = v == s.selected;
                    view! { <option value=v selected=selected>{label}</option> }
                })
                .collect_view();
            view! {
                <label>
                    {s.label}
                    <select name=s.name on:change=move |ev| {
                        value.set(event_target_value(&ev));
                        #[cfg(feature = "hydrate")]
                        refresh();
                    }>
                        <option value="">{lang.t(Msg::All)}</option>
                        {options}
                    </select>
                </label>
            }
        })
        .collect_view();
    view! {
        <form method="get" action=action class="filters">
            {fields}
            <button type="submit" class="secondary">{lang.t(Msg::Filter)}</button>
            <p class="small filter-count" aria-live="polite">
                {lang.t(Msg::CasesListed)} ": " {move || shown.get()}
            </p>
            <p class="error" role="alert" hidden=move || !failed.get()>{lang.t(Msg::FilterFailed)}</p>
        </form>
    }
}

/// What the verify button found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyState {
    Idle,
    Working,
    Same,
    Differs(String),
    Failed,
}

/// The text shown for a [`VerifyState`].
pub fn verify_text(lang: Lang, s: &VerifyState) -> String {
    match s {
        VerifyState::Idle => String::new(),
        VerifyState::Working => lang.t(Msg::VerifyWorking).to_owned(),
        VerifyState::Same => lang.t(Msg::VerifySame).to_owned(),
        VerifyState::Differs(why) => format!("{} {why}", lang.t(Msg::VerifyDiffers)),
        VerifyState::Failed => lang.t(Msg::VerifyFailed).to_owned(),
    }
}

/// Re-runs the draw of this page in the browser: fetches its published JSON and recomputes the
/// pool hash, the seed and every selection with `domain::draw` (the code the site drew with; the
/// independent Python in docs/ gives the same). Without the bundle the button stays hidden and the
/// page's text says how to re-run it by hand.
#[island]
pub fn DrawVerify(lang: Lang, json_url: String) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (state, set_state) = signal(VerifyState::Idle);
    Effect::new(move |_| set_ready.set(true)); // effects run only in the browser
    let run = move |_| {
        set_state.set(VerifyState::Working);
        #[cfg(feature = "hydrate")]
        {
            let url = json_url.clone();
            leptos::task::spawn_local(async move {
                let result = match dom::fetch_text(&url).await {
                    None => VerifyState::Failed,
                    Some(text) => match crate::domain::draw::verify_json(&text) {
                        Ok(_) => VerifyState::Same,
                        Err(e) => VerifyState::Differs(e.to_string()),
                    },
                };
                set_state.set(result);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &json_url;
    };
    let class = move || match state.get() {
        VerifyState::Same => "verify ok",
        VerifyState::Differs(_) | VerifyState::Failed => "verify bad",
        _ => "verify",
    };
    view! {
        <div class="draw-verify" hidden=move || !ready.get()>
            <button type="button" class="secondary" on:click=run>{lang.t(Msg::VerifyButton)}</button>
            <p class=class role="status" aria-live="polite">{move || verify_text(lang, &state.get())}</p>
        </div>
    }
}
