//! Draw pages: the public list and one draw (everything needed to re-run it, with the verify
//! island), and the staff page of a village's pool and its draws.

use leptos::prelude::*;

use crate::db::draws::{DrawRow, PoolMember};
use crate::domain::draw::{DrawFile, Reason, Stratum};
use crate::draws::{METHOD_PATH, REFERENCE_PATH};
use crate::i18n::{Lang, Msg};
use crate::islands::DrawVerify;
use crate::web::format::local_time;
use crate::web::pager::{Pager, PagerLinks};
use crate::web::shell::{Csrf, VillageSelect};
use crate::web::table::{heads, DataTable, Th};

pub fn stratum_msg(s: Stratum) -> Msg {
    match s {
        Stratum::Cadre => Msg::StratumCadre,
        Stratum::Leader => Msg::StratumLeader,
        Stratum::Resident => Msg::StratumResident,
    }
}

fn reason_msg(r: &Reason) -> Msg {
    match r {
        Reason::Cadre => Msg::ReasonCadre,
        Reason::Leader => Msg::ReasonLeader,
        Reason::Substitute => Msg::ReasonSubstitute,
        Reason::Random => Msg::ReasonRandom,
        Reason::NearRelative => Msg::ReasonNearRelative,
    }
}

fn status(lang: Lang, d: &DrawRow, now: i64) -> String {
    match (d.drawn_at, now < d.draw_not_before) {
        (Some(at), _) => format!("{} {}", lang.t(Msg::DrawStatusDrawn), local_time(at)),
        (None, true) => format!(
            "{} {}",
            lang.t(Msg::DrawStatusAnnounced),
            local_time(d.draw_not_before)
        ),
        (None, false) => lang.t(Msg::DrawStatusReady).to_owned(),
    }
}

#[component]
pub fn DrawListPage(
    lang: Lang,
    draws: Vec<DrawRow>,
    now: i64,
    pager: Pager,
    older: bool,
) -> impl IntoView {
    let empty = draws.is_empty();
    let items = draws
        .into_iter()
        .map(|d| {
            let s = status(lang, &d, now);
            view! {
                <li class="card">
                    {draw_link(&d, s)}
                    {replacement_note(lang, &d)}
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>{lang.t(Msg::DrawsTitle)}</h1>
        <p class="lead">{lang.t(Msg::DrawsIntro)}</p>
        {empty.then(|| view! { <p>{lang.t(Msg::NothingYet)}</p> })}
        <ul class="cards">{items}</ul>
        <PagerLinks lang base="/draws" pager older />
    }
}

/// One draw page's data.
pub struct DrawData {
    pub row: DrawRow,
    pub file: DrawFile,
    /// Village group names by token, for the reader.
    pub groups: Vec<(String, String)>,
    pub now: i64,
}

#[component]
pub fn DrawPage(lang: Lang, data: DrawData) -> impl IntoView {
    let DrawData {
        row,
        file,
        groups,
        now,
    } = data;
    let group_name = |t: &str| {
        groups
            .iter()
            .find(|(tok, _)| tok == t)
            .map(|(_, n)| format!("{n} ({t})"))
            .unwrap_or_else(|| t.to_owned())
    };
    let json_url = format!("/draws/{}.json", row.id);
    let s = status(lang, &row, now);
    // Who a selected id is, for the result list: the masked name (and group) from the snapshot.
    let who = |id: &str| -> String {
        file.panel
            .as_ref()
            .and_then(|p| p.pool.iter().find(|m| m.id == id))
            .map(|m| format!(" {} · {}", m.name, lang.t(stratum_msg(m.stratum))))
            .unwrap_or_default()
    };
    let inputs = match (&file.panel, &file.spot_check) {
        (Some(p), _) => {
            let any_recused = p.pool.iter().any(|m| m.near_relative);
            let members = p
                .pool
                .iter()
                .map(|m| view! {
                    <tr>
                        <td><code>{m.id.clone()}</code></td>
                        <td>{m.name.clone()}</td>
                        <td>{lang.t(stratum_msg(m.stratum))}</td>
                        <td>{m.group.as_deref().map(group_name).unwrap_or_default()}</td>
                        {any_recused.then(|| view! { <td>{m.near_relative.then(|| lang.t(Msg::Recused))}</td> })}
                    </tr>
                })
                .collect_view();
            let mut snapshot_heads = vec![Th::text("ID")];
            snapshot_heads.extend(heads(
                lang,
                &[Msg::MemberNameLabel, Msg::StratumLabel, Msg::GroupLabel],
            ));
            snapshot_heads.extend(any_recused.then(|| Th::text(lang.t(Msg::Recused))));
            let group_list = p
                .groups
                .iter()
                .map(|g| group_name(g))
                .collect::<Vec<_>>()
                .join("、");
            view! {
                <dl class="facts">
                    <dt>{lang.t(Msg::PanelSizeLabel)}</dt><dd>{p.panel_size}</dd>
                    <dt>{lang.t(Msg::MinCadresLabel)}</dt><dd>{p.min_cadres}</dd>
                    <dt>{lang.t(Msg::GroupsLabel)}</dt><dd>{group_list}</dd>
                </dl>
                <h2>{lang.t(Msg::PoolSnapshot)}</h2>
                <DataTable label=lang.t(Msg::PoolSnapshot) heads=snapshot_heads>
                    {members}
                </DataTable>
            }
            .into_any()
        }
        (None, Some(sc)) => {
            let entries = sc
                .entries
                .iter()
                .map(|e| view! { <li><code>{e.entry_ref.clone()}</code> {e.near_relative.then(|| view! { " · " <span class="tag">{lang.t(Msg::NearRelativeMark)}</span> })}</li> })
                .collect_view();
            let batch = row
                .batch_id
                .map(|b| view! { <p><a href=format!("/p/{b}")>{lang.t(Msg::ViewList)}</a></p> });
            view! {
                <dl class="facts">
                    <dt>{lang.t(Msg::RateLabel)}</dt><dd>{sc.rate_percent} "%"</dd>
                </dl>
                {batch}
                <h2>{lang.t(Msg::EntriesSnapshot)}</h2>
                <ul class="plain">{entries}</ul>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    let result = file.selected.as_ref().map(|sel| {
        let chosen = sel
            .iter()
            .map(|s| view! { <li><code>{s.id.clone()}</code> {who(&s.id)} " — " {lang.t(reason_msg(&s.reason))}</li> })
            .collect_view();
        view! {
            <h2>{lang.t(Msg::DrawResult)}</h2>
            <dl class="facts">
                <dt>{lang.t(Msg::RandomnessLabel)}</dt><dd><code>{file.randomness.clone().unwrap_or_default()}</code></dd>
                <dt>{lang.t(Msg::SeedLabel)}</dt><dd><code class="hash">{file.seed.clone().unwrap_or_default()}</code></dd>
            </dl>
            <ol class="plain">{chosen}</ol>
        }
    });
    view! {
        <nav class="crumbs" aria-label="breadcrumb"><a href="/draws">{lang.t(Msg::DrawsTitle)}</a></nav>
        <h1>{row.purpose.clone()}</h1>
        <p>{s}</p>
        {replacement_note(lang, &row)}
        <dl class="facts">
            <dt>{lang.t(Msg::DrawIdLabel)}</dt><dd><code>{file.draw_id.clone()}</code></dd>
            <dt>{lang.t(Msg::AnnouncedAt)}</dt><dd>{local_time(row.announced_at)}</dd>
            <dt>{lang.t(Msg::NotBeforeLabel)}</dt><dd>{local_time(row.draw_not_before)}</dd>
            <dt>{lang.t(Msg::SourceLabel)}</dt><dd>{file.randomness_source.clone()} " (" {file.randomness_format.clone()} ")"</dd>
            <dt>{lang.t(Msg::PoolHashLabel)}</dt><dd><code class="hash">{file.pool_hash.clone()}</code></dd>
            <dt>{lang.t(Msg::AlgorithmLabel)}</dt><dd><code>{file.algorithm.clone()}</code></dd>
        </dl>
        <p class="actions"><a class="button secondary" href=json_url.clone() download="">{lang.t(Msg::DownloadJson)}</a></p>
        <DrawVerify lang json_url=json_url />
        <p class="small">{lang.t(Msg::VerifyHow)}</p>
        <p class="actions">
            <a class="button secondary" href=REFERENCE_PATH download="draws_reference.py">{lang.t(Msg::DrawReferenceLink)}</a>
            " "
            <a href=METHOD_PATH>{lang.t(Msg::DrawMethodLink)}</a>
        </p>
        {inputs}
        {result}
    }
}

/// The staff page of one village's pool and draws.
pub struct ManageData {
    pub villages: Vec<(i64, String)>,
    pub village: Option<(i64, String)>,
    pub pool: Vec<PoolMember>,
    pub draws: Vec<DrawRow>,
    /// Published 审核 lists in scope without a spot-check: (batch id, label).
    pub lists: Vec<(i64, String)>,
    pub can_panel: bool,
    pub can_spot: bool,
    pub error: Option<String>,
    pub notice: bool,
    pub now: i64,
}

/// The randomness fields of an announce form; `form` keeps the ids unique on the page.
fn source_fields(lang: Lang, form: &'static str) -> impl IntoView {
    view! {
        <label for=format!("{form}-source")>{lang.t(Msg::SourceLabel)}</label>
        <input id=format!("{form}-source") name="source" type="text" maxlength="200" required
            placeholder=lang.t(Msg::SourcePlaceholder) aria-describedby=format!("{form}-source-hint") />
        <p class="hint" id=format!("{form}-source-hint")>{lang.t(Msg::SourceHint)}</p>
        <label for=format!("{form}-format")>{lang.t(Msg::FormatLabel)}</label>
        <select id=format!("{form}-format") name="format">
            <option value="digits:8">{lang.t(Msg::FormatDigits8)}</option>
            <option value="dice:20">{lang.t(Msg::FormatDice20)}</option>
            <option value="digits:10">{lang.t(Msg::FormatDigits10)}</option>
        </select>
    }
}

#[component]
pub fn ManagePage(lang: Lang, nav: AnyView, csrf: String, data: ManageData) -> impl IntoView {
    let ManageData {
        villages,
        village,
        pool,
        draws,
        lists,
        can_panel,
        can_spot,
        error,
        notice,
        now,
    } = data;
    let current = village.as_ref().map(|v| v.0);
    let pool_section = village.map(|(vid, vname)| {
        let active = pool.iter().filter(|m| m.active).count();
        let rows = pool
            .iter()
            .filter(|m| m.active)
            .map(|m| {
                let remove = can_panel.then(|| view! {
                    <form method="post" action="/staff/draws/pool/remove" class="inline">
                        <Csrf token=csrf.clone() />
                        <input type="hidden" name="village" value=vid.to_string() />
                        <input type="hidden" name="member" value=m.id.to_string() />
                        <button type="submit" class="link">{lang.t(Msg::RemoveLabel)}</button>
                    </form>
                });
                view! {
                    <tr>
                        <td>{m.name.clone()}</td>
                        <td>{lang.t(stratum_msg(m.stratum))}</td>
                        <td>{m.group_name.clone().unwrap_or_default()}</td>
                        <td>{remove}</td>
                    </tr>
                }
            })
            .collect_view();
        let recuse = pool
            .iter()
            .filter(|m| m.active)
            .map(|m| view! { <label class="check"><input type="checkbox" name="recused" value=m.id.to_string() /> " " {m.name.clone()}</label> })
            .collect_view();
        let pool_heads = [
            heads(lang, &[Msg::MemberNameLabel, Msg::StratumLabel, Msg::GroupLabel]),
            vec![Th::text(" ")],
        ]
        .concat();
        let strata = Stratum::ALL
            .iter()
            .map(|s| view! { <option value=s.as_str()>{lang.t(stratum_msg(*s))}</option> })
            .collect_view();
        view! {
            <h2>{vname} " · " {lang.t(Msg::PoolTitle)} " (" {active} ")"</h2>
            <p class="hint">{lang.t(Msg::PoolHint)}</p>
            <DataTable label=lang.t(Msg::PoolTitle) heads=pool_heads>
                {rows}
            </DataTable>
            {can_panel.then(|| view! {
                <details>
                    <summary>{lang.t(Msg::AddPoolMember)}</summary>
                    <form method="post" action="/staff/draws/pool" class="form">
                        <Csrf token=csrf.clone() />
                        <input type="hidden" name="village" value=vid.to_string() />
                        <label for="f-name">{lang.t(Msg::MemberNameLabel)}</label>
                        <input id="f-name" name="name" type="text" maxlength="30" required />
                        <label for="f-stratum">{lang.t(Msg::StratumLabel)}</label>
                        <select id="f-stratum" name="stratum">{strata}</select>
                        <label for="f-group">{lang.t(Msg::GroupLabel)}</label>
                        <input id="f-group" name="group" type="text" maxlength="20" />
                        <button type="submit" class="secondary">{lang.t(Msg::AddPoolMember)}</button>
                    </form>
                </details>
                <h2>{lang.t(Msg::AnnouncePanel)}</h2>
                <form method="post" action="/staff/draws/panel" class="form">
                    <Csrf token=csrf.clone() />
                    <input type="hidden" name="village" value=vid.to_string() />
                    <label for="f-size">{lang.t(Msg::PanelSizeLabel)}</label>
                    <input id="f-size" name="size" type="number" min="9" max="99" value="9" inputmode="numeric" required />
                    {source_fields(lang, "panel")}
                    <fieldset><legend>{lang.t(Msg::RecuseLabel)}</legend>{recuse}</fieldset>
                    <label for="f-reason">{lang.t(Msg::ReplaceReasonLabel)}</label>
                    <input id="f-reason" name="reason" type="text" maxlength="200" />
                    <button type="submit">{lang.t(Msg::AnnouncePanel)}</button>
                </form>
            })}
        }
    });
    let draw_rows = draws
        .into_iter()
        .map(|d| {
            let s = status(lang, &d, now);
            let ready = d.result.is_none() && d.replaced_by.is_none() && now >= d.draw_not_before;
            let form = ready.then(|| view! {
                <form method="post" action=format!("/staff/draws/{}/draw", d.id) class="form">
                    <Csrf token=csrf.clone() />
                    <label for=format!("r-{}", d.id)>{lang.t(Msg::RandomnessLabel)}</label>
                    <input id=format!("r-{}", d.id) name="randomness" type="text" maxlength="256" required autocomplete="off" />
                    <button type="submit">{lang.t(Msg::DrawNow)}</button>
                </form>
            });
            view! {
                <li class="card">
                    {draw_link(&d, s)}
                    {form}
                </li>
            }
        })
        .collect_view();
    let spot = (can_spot && !lists.is_empty()).then(|| {
        let options = lists
            .into_iter()
            .map(|(id, label)| view! { <option value=id.to_string()>{label}</option> })
            .collect_view();
        view! {
            <h2>{lang.t(Msg::AnnounceSpotCheck)}</h2>
            <form method="post" action="/staff/draws/spot" class="form">
                <Csrf token=csrf.clone() />
                <label for="f-batch">{lang.t(Msg::ReviewListLabel)}</label>
                <select id="f-batch" name="batch">{options}</select>
                <label for="f-rate">{lang.t(Msg::RateLabel)}</label>
                <input id="f-rate" name="rate" type="number" min="30" max="100" value="30" inputmode="numeric" required />
                {source_fields(lang, "spot")}
                <label for="spot-reason">{lang.t(Msg::SpotReasonLabel)}</label>
                <input id="spot-reason" name="reason" type="text" maxlength="200" />
                <button type="submit">{lang.t(Msg::AnnounceSpotCheck)}</button>
            </form>
        }
    });
    view! {
        {nav}
        <h1>{lang.t(Msg::DrawsStaffTitle)}</h1>
        {notice.then(|| view! { <p class="notice" role="status">{lang.t(Msg::Saved)}</p> })}
        {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <form method="get" action="/staff/draws" class="form filters">
            <VillageSelect lang villages selected=current />
            <button type="submit" class="secondary">{lang.t(Msg::Filter)}</button>
        </form>
        {pool_section}
        {spot}
        <h2>{lang.t(Msg::DrawsTitle)}</h2>
        <ul class="cards">{draw_rows}</ul>
    }
}

/// A draw's card link: its purpose, then where it stands.
fn draw_link(d: &DrawRow, status: String) -> impl IntoView {
    view! {
        <a class="card-link" href=format!("/draws/{}", d.id)>
            <span class="card-title">{d.purpose.clone()}</span>
            <span class="card-meta">{status}</span>
        </a>
    }
}

/// What a draw says of the one it replaced (and why), or of the one announced in its place:
/// trying again is public on both (docs/draws.md §10).
fn replacement_note(lang: Lang, d: &DrawRow) -> impl IntoView {
    let replaces = d.replaces.as_ref().map(|(id, why)| {
        let text = lang.t(Msg::ReplacesDraw).replace("{id}", &id.to_string());
        view! { <p class="notice"><a href=format!("/draws/{id}")>{text}</a> {why.clone()}</p> }
    });
    let replaced = d.replaced_by.map(|id| {
        let text = lang.t(Msg::ReplacedByDraw).replace("{id}", &id.to_string());
        view! { <p class="notice withdrawn"><a href=format!("/draws/{id}")>{text}</a></p> }
    });
    (replaces, replaced)
}
