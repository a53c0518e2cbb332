//! Staff pages: sign-in, dashboard, accounts, audit trail.

use leptos::prelude::*;

use crate::admin::service::FieldErrors;
use crate::db::audit::AuditRow;
use crate::db::security::{Attempts, SecurityEvent};
use crate::db::staff::Staff;
use crate::domain::Role;
use crate::i18n::{Lang, Msg};
use crate::process::workload::Workload;
use crate::web::format::local_time;
use crate::web::format::role_msg;
use crate::web::pager::{Pager, PagerLinks};
use crate::web::shell::{field_error, Csrf};
use crate::web::table::{heads, DataTable};

#[component]
pub fn LoginPage(
    lang: Lang,
    csrf: String,
    next: String,
    failed: bool,
    username: String,
) -> impl IntoView {
    view! {
        <h1>{lang.t(Msg::StaffLogin)}</h1>
        {failed.then(|| view! { <p class="error" role="alert">{lang.t(Msg::LoginFailed)}</p> })}
        <form method="post" action="/staff/login" class="form">
            <Csrf token=csrf />
            <input type="hidden" name="next" value=next />
            <label for="username">{lang.t(Msg::Username)}</label>
            <input id="username" name="username" type="text" autocomplete="username"
                autocapitalize="none" spellcheck="false" required maxlength="64" value=username />
            <label for="password">{lang.t(Msg::Password)}</label>
            <input id="password" name="password" type="password" autocomplete="current-password"
                required maxlength="256" />
            <button type="submit">{lang.t(Msg::SignIn)}</button>
        </form>
    }
}

#[component]
pub fn DashboardPage(
    lang: Lang,
    nav: AnyView,
    staff: Staff,
    scope: String,
    villages: Vec<(String, String)>,
    /// Overdue notices, overdue re-checks and recipients with leads, for those who handle them.
    process: Option<(i64, usize, usize)>,
    /// Complaints waiting, for those who read them.
    work: Option<Workload>,
    /// Years whose deadlines are counted now but whose public holidays are not entered, and
    /// whether this member may enter them (the deployment's administrators).
    holidays_missing: (Vec<i32>, bool),
) -> impl IntoView {
    let (holidays_missing, may_fix) = holidays_missing;
    let holidays_missing = (!holidays_missing.is_empty()).then(|| {
        let years = holidays_missing
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " });
        let text = lang.t(Msg::HolidaysMissing).replace("{years}", &years);
        view! {
            <p class="notice withdrawn" id="holidays-missing">
                {text}
                {may_fix.then(|| view! { " " <a href="/staff/holidays">{lang.t(Msg::Holidays)}</a> })}
            </p>
        }
    });
    let work = work.map(|w| {
        let item = |label: Msg, href: &'static str, n: usize| {
            view! { <div><dt>{lang.t(label)}</dt><dd><a href=href>{n}</a></dd></div> }
        };
        view! {
            <h2>{lang.t(Msg::DashboardComplaints)}</h2>
            <dl class="totals" id="complaint-work">
                {item(Msg::WorkToAccept, "/staff/complaints?status=submitted", w.to_accept)}
                {item(Msg::WorkOverdue, "/staff/complaints?overdue=1", w.overdue)}
                {item(Msg::WorkAwaitingApproval, "/staff/complaints?status=reply_pending", w.awaiting_approval)}
                {item(Msg::WorkReopened, "/staff/complaints?status=reopened", w.reopened)}
            </dl>
        }
    });
    // A county-wide member has dozens of villages: folded, so the work comes first.
    let many = villages.len() > 12;
    let village_count = villages.len();
    let village_items = villages
        .into_iter()
        .map(|(code, name)| view! { <li><a href=format!("/v/{code}")>{name}</a></li> })
        .collect_view();
    let village_list = if many {
        view! {
            <details class="villages-fold">
                <summary>{lang.t(Msg::VillagesInScope)} " (" {village_count} ")"</summary>
                <ul class="villages">{village_items}</ul>
            </details>
        }
        .into_any()
    } else {
        view! {
            <h2>{lang.t(Msg::VillagesInScope)}</h2>
            <ul class="villages">{village_items}</ul>
        }
        .into_any()
    };
    let process = process.map(|(notices, rechecks, leads)| view! {
        <h2>{lang.t(Msg::DashboardProcess)}</h2>
        <dl class="totals" id="process-work">
            <div><dt>{lang.t(Msg::OverdueNoticesCount)}</dt><dd><a href="/staff/notices?overdue=1">{notices}</a></dd></div>
            <div><dt>{lang.t(Msg::RecheckOverdueCount)}</dt><dd><a href="/staff/rechecks">{rechecks}</a></dd></div>
            <div><dt>{lang.t(Msg::RecheckLeadsCount)}</dt><dd><a href="/staff/rechecks">{leads}</a></dd></div>
        </dl>
    });
    view! {
        {nav}
        <h1>{lang.t(Msg::Dashboard)}</h1>
        {holidays_missing}
        {work}
        {process}
        <dl class="facts">
            <dt>{lang.t(Msg::SignedInAs)}</dt>
            <dd>{staff.display_name} " (" {staff.username} ")"</dd>
            <dt>{lang.t(Msg::RoleLabel)}</dt>
            <dd>{lang.t(role_msg(staff.role))}</dd>
            <dt>{lang.t(Msg::ScopeLabel)}</dt>
            <dd class="scope">{scope}</dd>
        </dl>
        {village_list}
    }
}

#[component]
pub fn AccountsPage(lang: Lang, nav: AnyView, accounts: Vec<(Staff, String)>) -> impl IntoView {
    view! {
        {nav}
        <h1>{lang.t(Msg::Accounts)}</h1>
        <p><a class="button" href="/staff/accounts/new">{lang.t(Msg::NewAccount)}</a></p>
        <DataTable label=lang.t(Msg::Entries) heads=heads(lang, &[Msg::Username, Msg::DisplayName, Msg::RoleLabel, Msg::ScopeLabel, Msg::StatusLabel])>
            {accounts
                .into_iter()
                .map(|(s, scope)| {
                    let status = if s.active {
                        lang.t(Msg::ActiveLabel)
                    } else {
                        lang.t(Msg::DisabledLabel)
                    };
                    view! {
                        <tr>
                            <td><a href=format!("/staff/accounts/{}", s.id)>{s.username}</a></td>
                            <td>{s.display_name}</td>
                            <td>{lang.t(role_msg(s.role))}</td>
                            <td>{scope}</td>
                            <td>{status}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}

/// Values shown in the account form (as typed, so a failed submit keeps them): what the
/// form asks for, as the account rules take it.
pub use crate::admin::service::AccountInput as AccountFormValues;

/// A `<select>` limiting an account without a township (to a county, or a prefecture), with
/// its label, hint and "none" choice; nothing when there is nothing to choose.
#[allow(clippy::too_many_arguments)]
fn limit_select(
    lang: Lang,
    field: &'static str,
    label: Msg,
    hint: Msg,
    none: Msg,
    options: Vec<(String, String)>,
    selected: &str,
    errors: &FieldErrors,
) -> Option<AnyView> {
    if options.is_empty() {
        return None;
    }
    let hint_id = format!("{field}-hint");
    let options = options
        .into_iter()
        .map(|(value, name)| {
            let chosen = value == selected;
            view! { <option value=value selected=chosen>{name}</option> }
        })
        .collect_view();
    Some(
        view! {
            <label for=field>{lang.t(label)}</label>
            <select id=field name=field aria-describedby=hint_id.clone()>
                <option value="" selected=selected.is_empty()>{lang.t(none)}</option>
                {options}
            </select>
            <p class="hint" id=hint_id>{lang.t(hint)}</p>
            {field_error(lang, errors, field)}
        }
        .into_any(),
    )
}

#[component]
pub fn AccountFormPage(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    /// `None` for a new account, else its id.
    id: Option<i64>,
    values: AccountFormValues,
    errors: FieldErrors,
    townships: Vec<(i64, String)>,
    /// Counties to limit an account without a township to (empty: one county, or a county's
    /// own administrator).
    counties: Vec<(i64, String)>,
    /// Prefectures (code, name) to limit an oversight account to (empty: one prefecture, or
    /// not the deployment's administrator).
    prefectures: Vec<(String, String)>,
    saved: bool,
) -> impl IntoView {
    let is_new = id.is_none();
    let action = match id {
        Some(id) => format!("/staff/accounts/{id}"),
        None => "/staff/accounts".to_owned(),
    };
    let title = if is_new {
        lang.t(Msg::NewAccount).to_owned()
    } else {
        format!("{} {}", lang.t(Msg::Edit), values.username)
    };
    let has_errors = !errors.is_empty();
    let role_options = Role::ALL
        .iter()
        .map(|r| {
            let selected = values.role == r.as_str();
            view! { <option value=r.as_str() selected=selected>{lang.t(role_msg(*r))}</option> }
        })
        .collect_view();
    let township_options = townships
        .into_iter()
        .map(|(tid, name)| {
            let selected = values.township_id == Some(tid);
            view! { <option value=tid.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let county_select = limit_select(
        lang,
        "county",
        Msg::CountyLabel,
        Msg::CountyHint,
        Msg::AllCounties,
        counties
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        &values.county_id.map(|c| c.to_string()).unwrap_or_default(),
        &errors,
    );
    let prefecture_select = limit_select(
        lang,
        "prefecture",
        Msg::PrefectureLabel,
        Msg::PrefectureHint,
        Msg::PrefectureNone,
        prefectures,
        &values.prefecture_code,
        &errors,
    );
    let reset = id.map(|id| {
        let csrf = csrf.clone();
        view! {
            <h2>{lang.t(Msg::ResetPassword)}</h2>
            <form method="post" action=format!("/staff/accounts/{id}/password") class="form">
                <Csrf token=csrf />
                <label for="new_password">{lang.t(Msg::NewPassword)}</label>
                <input id="new_password" name="password" type="password" autocomplete="new-password"
                    required maxlength="256" aria-describedby="pw-hint" />
                <p class="hint" id="pw-hint">{lang.t(Msg::PasswordHint)}</p>
                {field_error(lang, &errors, "new_password")}
                <button type="submit">{lang.t(Msg::ResetPassword)}</button>
            </form>
        }
    });
    view! {
        {nav}
        <h1>{title}</h1>
        {saved.then(|| view! { <p class="notice" role="status">{lang.t(Msg::Saved)}</p> })}
        {has_errors.then(|| view! { <p class="error" role="alert">{lang.t(Msg::FormHasErrors)}</p> })}
        <form method="post" action=action class="form">
            <Csrf token=csrf.clone() />
            {if is_new {
                view! {
                    <label for="username">{lang.t(Msg::Username)}</label>
                    <input id="username" name="username" type="text" required maxlength="32"
                        autocapitalize="none" spellcheck="false" value=values.username.clone() />
                    <p class="hint">{lang.t(Msg::UsernameRule)}</p>
                    {field_error(lang, &errors, "username")}
                }
                    .into_any()
            } else {
                ().into_any()
            }}
            <label for="display_name">{lang.t(Msg::DisplayName)}</label>
            <input id="display_name" name="display_name" type="text" required maxlength="40"
                value=values.display_name.clone() />
            {field_error(lang, &errors, "display_name")}
            <label for="role">{lang.t(Msg::RoleLabel)}</label>
            <select id="role" name="role" required>{role_options}</select>
            {field_error(lang, &errors, "role")}
            <label for="township">{lang.t(Msg::ScopeLabel)}</label>
            <select id="township" name="township">
                <option value="" selected=values.township_id.is_none()>{lang.t(Msg::NoTownship)}</option>
                {township_options}
            </select>
            {field_error(lang, &errors, "township")}
            {county_select}
            {prefecture_select}
            <label for="village">{lang.t(Msg::VillageCodeLabel)}</label>
            <input id="village" name="village" type="text" inputmode="numeric" maxlength="12"
                pattern="[0-9]{12}" value=values.village_code.clone() aria-describedby="village-hint" />
            <p class="hint" id="village-hint">{lang.t(Msg::VillageCodeHint)}</p>
            {field_error(lang, &errors, "village")}
            <label for="email">{lang.t(Msg::Email)} " " {lang.t(Msg::OptionalMark)}</label>
            <input id="email" name="email" type="email" maxlength="254" value=values.email.clone() />
            {field_error(lang, &errors, "email")}
            {if is_new {
                view! {
                    <label for="password">{lang.t(Msg::Password)}</label>
                    <input id="password" name="password" type="password" autocomplete="new-password"
                        required maxlength="256" aria-describedby="pw-hint-new" />
                    <p class="hint" id="pw-hint-new">{lang.t(Msg::PasswordHint)}</p>
                    {field_error(lang, &errors, "password")}
                }
                    .into_any()
            } else {
                view! {
                    <label class="check">
                        <input type="checkbox" name="active" value="1" checked=values.active />
                        " " {lang.t(Msg::ActiveLabel)}
                    </label>
                }
                    .into_any()
            }}
            <button type="submit">{if is_new { lang.t(Msg::Create) } else { lang.t(Msg::Save) }}</button>
        </form>
        {reset}
    }
}

#[component]
pub fn AuditPage(
    lang: Lang,
    nav: AnyView,
    rows: Vec<AuditRow>,
    security: Option<SecurityData>,
    pager: Pager,
    older: bool,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        {nav}
        <h1>{lang.t(Msg::AuditLog)}</h1>
        {empty.then(|| view! { <p>{lang.t(Msg::NothingYet)}</p> })}
        <ol class="audit">
            {rows
                .into_iter()
                .map(|r| {
                    let object = match &r.object_id {
                        Some(id) => format!("{} #{id}", r.object_type),
                        None => r.object_type.clone(),
                    };
                    view! {
                        <li id=format!("a{}", r.id)>
                            <span class="when">{local_time(r.at)}</span> " "
                            <strong class="who">{r.actor}</strong> " "
                            <code class="action">{r.action}</code> " "
                            <span class="object">{object}</span>
                            {(!r.detail.is_empty()).then(|| view! { <div class="detail">{r.detail.clone()}</div> })}
                            {r.client_addr.map(|a| view! { <div class="small">{lang.t(Msg::ClientAddrLabel)} ": " {a}</div> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <PagerLinks lang base="/staff/audit" pager older />
        {security.map(|s| view! { <SecuritySection lang data=s /> })}
    }
}

/// Failed sign-ins, for county-level readers of the audit page.
pub struct SecurityData {
    pub by_address: Vec<Attempts>,
    pub by_account: Vec<Attempts>,
    pub recent: Vec<SecurityEvent>,
}

fn attempts_table(lang: Lang, caption: Msg, key: Msg, rows: Vec<Attempts>) -> impl IntoView {
    view! {
        <table class="list">
            <caption>{lang.t(caption)}</caption>
            <thead><tr><th scope="col">{lang.t(key)}</th><th scope="col" class="num">{lang.t(Msg::AttemptsCol)}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|a| view! { <tr><td>{a.key}</td><td class="num">{a.count}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn SecuritySection(lang: Lang, data: SecurityData) -> impl IntoView {
    let SecurityData {
        by_address,
        by_account,
        recent,
    } = data;
    view! {
        <section class="security" aria-labelledby="security-title">
            <h2 id="security-title">{lang.t(Msg::SecurityEvents)}</h2>
            <p class="hint">{lang.t(Msg::SecurityEventsHint)}</p>
            {attempts_table(lang, Msg::FailuresByAddress, Msg::ClientAddrLabel, by_address)}
            {attempts_table(lang, Msg::FailuresByAccount, Msg::AccountCol, by_account)}
            <ol class="audit">
                {recent
                    .into_iter()
                    .map(|e| {
                        let who = match e.account {
                            Some(account) => account,
                            None => format!("{} {}", lang.t(Msg::UntrustedName), e.username_hint),
                        };
                        view! {
                            <li>
                                <span class="when">{local_time(e.at)}</span> " "
                                <code class="action">{e.kind}</code> " "
                                <span class="who">{who}</span>
                                {e.client_addr.map(|a| view! { <div class="small">{lang.t(Msg::ClientAddrLabel)} ": " {a}</div> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
