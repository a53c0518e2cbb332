//! Notice pages: the staff list (undelivered first, overdue marked) and one notice — the
//! document itself, printable on one A4 page in Chinese, with its delivery record or form.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

use crate::db::notices::Notice;
use crate::domain::notice::{is_overdue, on_time, Delivery, LAWSUIT_MONTHS, REVIEW_DAYS};
use crate::i18n::{Lang, Msg};
use crate::web::labels::notice as labels;
use crate::web::shell::Csrf;

/// 2026年12月3日.
pub fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Where a notice stands, and the row class for it.
fn state(lang: Lang, n: &Notice, today: NaiveDate) -> (String, &'static str) {
    match n.delivered_on {
        Some(d) if on_time(n.deliver_by, d) => {
            (format!("{} {d}", lang.t(Msg::NoticeDelivered)), "")
        }
        Some(d) => (
            format!(
                "{} {d} ({})",
                lang.t(Msg::NoticeDelivered),
                lang.t(Msg::NoticeLate)
            ),
            "",
        ),
        None if is_overdue(n.deliver_by, None, today) => (
            format!("{} {}", lang.t(Msg::NoticeOverdue), n.deliver_by),
            "overdue",
        ),
        None => (
            format!("{} {}", lang.t(Msg::NoticeDeliverBy), n.deliver_by),
            "due-soon",
        ),
    }
}

#[component]
pub fn NoticeListPage(
    lang: Lang,
    nav: AnyView,
    notices: Vec<(Notice, String)>,
    today: NaiveDate,
    overdue_only: bool,
) -> impl IntoView {
    let empty = notices.is_empty();
    let items = notices
        .into_iter()
        .map(|(n, village)| {
            let (s, class) = state(lang, &n, today);
            view! {
                <li class=format!("card {class}")>
                    <a class="card-link" href=format!("/staff/notices/{}", n.id)>
                        <span class="card-title">{n.number.clone()} " · " {lang.t(labels::kind(n.kind))}</span>
                        <span class="card-meta">{village} " · " {n.addressee.clone()} " · " {lang.t(Msg::DecidedOn)} " " {n.decided_on.to_string()}</span>
                        <span class="card-meta due">{s}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        {nav}
        <h1>{lang.t(Msg::NoticesTitle)}</h1>
        <p class="lead">{lang.t(Msg::WrittenNoticesIntro)}</p>
        <p class="actions">
            {if overdue_only {
                view! { <a href="/staff/notices">{lang.t(Msg::AllNotices)}</a> }.into_any()
            } else {
                view! { <a href="/staff/notices?overdue=1">{lang.t(Msg::OverdueNotices)}</a> }.into_any()
            }}
        </p>
        {empty.then(|| view! { <p>{lang.t(Msg::NothingYet)}</p> })}
        <ul class="cards" id="notices">{items}</ul>
    }
}

/// One notice's page.
pub struct NoticeData {
    pub notice: Notice,
    pub county: String,
    pub village: String,
    pub hotline: String,
    pub today: NaiveDate,
    pub can_deliver: bool,
    pub error: Option<String>,
}

#[component]
pub fn NoticeDocPage(lang: Lang, nav: AnyView, csrf: String, data: NoticeData) -> impl IntoView {
    let NoticeData {
        notice: n,
        county,
        village,
        hotline,
        today,
        can_deliver,
        error,
    } = data;
    let (s, class) = state(lang, &n, today);
    let delivery = match (&n.delivered_on, can_deliver) {
        (Some(_), _) => view! {
            <dl class="facts">
                <dt>{lang.t(Msg::DeliveredOnLabel)}</dt><dd>{s.clone()}</dd>
                <dt>{lang.t(Msg::DeliveryMethodLabel)}</dt><dd>{n.delivery_method.map(|m| lang.t(labels::delivery(m)))}</dd>
                <dt>{lang.t(Msg::DeliveredByLabel)}</dt><dd>{n.delivered_by.clone()}</dd>
                <dt>{lang.t(Msg::RecordedBy)}</dt><dd>{n.delivery_recorded_by.clone()}</dd>
            </dl>
        }
        .into_any(),
        (None, true) => {
            let methods = Delivery::ALL
                .iter()
                .map(|m| view! {
                    <label class="check"><input type="radio" name="method" value=m.as_str() required checked=*m == Delivery::InPerson /> " " {lang.t(labels::delivery(*m))}</label>
                })
                .collect_view();
            view! {
                <p class=format!("due {class}")>{s.clone()}</p>
                <form method="post" action=format!("/staff/notices/{}/delivery", n.id) class="form">
                    <Csrf token=csrf />
                    <label for="f-delivered_on">{lang.t(Msg::DeliveredOnLabel)}</label>
                    <input id="f-delivered_on" name="delivered_on" type="date" value=today.to_string() required />
                    <fieldset><legend>{lang.t(Msg::DeliveryMethodLabel)}</legend>{methods}</fieldset>
                    <label for="f-delivered_by">{lang.t(Msg::DeliveredByLabel)}</label>
                    <input id="f-delivered_by" name="delivered_by" type="text" maxlength="40" required />
                    <button type="submit">{lang.t(Msg::RecordDelivery)}</button>
                </form>
            }
            .into_any()
        }
        (None, false) => view! { <p class=format!("due {class}")>{s.clone()}</p> }.into_any(),
    };
    let back = match (n.case_id, n.recheck_id) {
        (Some(c), _) => view! { <a href=format!("/staff/cases/{c}")>{lang.t(Msg::CaseFileLink)}</a> }.into_any(),
        _ => view! { <a href=format!("/staff/rechecks/household/{}", n.household_id)>{lang.t(Msg::RecheckFileLink)}</a> }.into_any(),
    };
    view! {
        {nav}
        <div class="noprint">
            <nav class="crumbs" aria-label="breadcrumb"><a href="/staff/notices">{lang.t(Msg::NoticesTitle)}</a> " › " {back}</nav>
            <h1>{n.number.clone()}</h1>
            {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {delivery}
            <p class="hint">{lang.t(Msg::PrintHint)}</p>
        </div>
        // The document itself: always in Chinese, as issued.
        <article class="a4-notice written-notice" lang="zh-CN">
            <p class="issuer">{n.issuer.clone()}</p>
            <h2 class="doc-title">"最低生活保障决定告知书"</h2>
            <p class="doc-number">{n.number.clone()}</p>
            <p>{n.addressee.clone()} "户（" {village.clone()} "）："</p>
            <p class="decision">{n.decision.clone()}</p>
            <p><strong>"理由："</strong>{n.reasons.clone()}</p>
            <p><strong>"依据："</strong>{n.basis.clone()}</p>
            <p>{format!(
                "如对本决定不服，可以自收到本告知书之日起{REVIEW_DAYS}日内向{county}人民政府申请行政复议，也可以自收到本告知书之日起{LAWSUIT_MONTHS}个月内依法向人民法院提起行政诉讼。"
            )}</p>
            <p>"咨询、监督电话：" {hotline}</p>
            <div class="seal">
                <p>{n.issuer.clone()} "（盖章）"</p>
                <p>{zh_date(n.decided_on)}</p>
            </div>
            <div class="delivery-receipt">
                <p><strong>"送达回执"</strong> " " {n.number.clone()}</p>
                <p>"受送达人（签名或手印）：＿＿＿＿＿＿　签收日期：＿＿＿＿年＿＿月＿＿日"</p>
                <p>"送达方式：□直接送达　□村（居）委会转交　□邮寄送达　　送达人：＿＿＿＿＿＿"</p>
            </div>
        </article>
    }
}
