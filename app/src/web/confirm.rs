//! The confirm page for steps that are hard to undo (approve a reply, escalate a case, publish or
//! withdraw a list). The button on the case or list page is a GET form to this page, which says
//! what will happen and holds the real POST form (with its CSRF token). No JavaScript needed; a
//! mis-tap on a phone costs one "go back".

use axum::response::Response;
use leptos::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::web::ctx::PageCtx;
use crate::web::session::StaffCtx;
use crate::web::shell::Csrf;

/// What a confirm page shows and where its form posts.
pub struct Confirm {
    /// The step, as on its button ("批准答复").
    pub step: Msg,
    /// What doing it means, in one or two sentences.
    pub means: Msg,
    /// Label → value facts about the thing acted on.
    pub facts: Vec<(String, String)>,
    /// Where the POST goes.
    pub action: String,
    /// A public reason typed on the page before (withdraw), editable here; `None`: no reason.
    pub reason: Option<String>,
    /// Back to the case or list, nothing done.
    pub back: String,
}

#[component]
pub fn ConfirmPage(lang: Lang, nav: AnyView, csrf: String, confirm: Confirm) -> impl IntoView {
    let Confirm {
        step,
        means,
        facts,
        action,
        reason,
        back,
    } = confirm;
    let reason = reason.map(|r| {
        view! {
            <label for="confirm_reason">{lang.t(Msg::ReasonPublic)}</label>
            <input id="confirm_reason" name="reason" type="text" required maxlength="200" value=r />
        }
    });
    view! {
        {nav}
        <h1>{lang.t(Msg::ConfirmTitle)} "：" {lang.t(step)}</h1>
        <p class="notice confirm-means">{lang.t(means)}</p>
        <dl class="facts">
            {facts
                .into_iter()
                .map(|(label, value)| view! { <dt>{label}</dt><dd class="pre">{value}</dd> })
                .collect_view()}
        </dl>
        <form method="post" action=action class="form confirm">
            <Csrf token=csrf />
            {reason}
            <button type="submit">{lang.t(step)}</button>
        </form>
        <p><a class="button secondary" href=back>{lang.t(Msg::ConfirmBack)}</a></p>
    }
}

/// The confirm page as a response, in the staff member's shell.
pub fn render(ctx: &PageCtx, staff: &StaffCtx, confirm: Confirm) -> Response {
    let lang = ctx.lang;
    let page = |nav, csrf| view! { <ConfirmPage lang nav csrf confirm /> };
    ctx.staff_page(staff, lang.t(Msg::ConfirmTitle), false, page)
}
