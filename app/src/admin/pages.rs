//! Staff editor for public pages: write in Markdown, preview, publish, unpublish; every save
//! is a revision. County-level content: county officers, supervisors and admins edit it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

use crate::db::changes::Change;
use crate::db::content::{self, Kind};
use crate::db::{audit, now_epoch};
use crate::domain::access::Perm;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::ctx::Page;
use crate::web::ctx::PageCtx;
use crate::web::format::{local_time, textarea_text};
use crate::web::forms::{Empty, SavedQuery};
use crate::web::markdown::{self, SafeHtml};
use crate::web::session::StaffPage;
use crate::web::session::{StaffCtx, StaffForm};
use crate::web::shell::Csrf;
use crate::web::state::AppState;
use crate::web::table::{heads, DataTable};

fn kind_label(lang: Lang, k: Kind) -> &'static str {
    lang.t(crate::web::labels::kind_title(k).0)
}

/// `pages`: each with its county's name (empty for the deployment's own).
#[component]
fn PagesList(lang: Lang, nav: AnyView, pages: Vec<(content::Page, String)>) -> impl IntoView {
    let rows = pages
        .into_iter()
        .map(|(p, county)| {
            let county =
                (!county.is_empty()).then(|| view! { " " <span class="tag">{county}</span> });
            let state = if p.published {
                lang.t(Msg::Published)
            } else {
                lang.t(Msg::Draft)
            };
            view! {
                <tr>
                    <td><a href=format!("/staff/pages/{}", p.id)>{p.title}</a></td>
                    <td>{kind_label(lang, p.kind)}{county}</td>
                    <td>{state}</td>
                    <td>{local_time(p.updated_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {nav}
        <h1>{lang.t(Msg::Content)}</h1>
        <p><a class="button" href="/staff/pages/new">{lang.t(Msg::NewPage)}</a></p>
        <DataTable label=lang.t(Msg::Content) heads=heads(lang, &[Msg::TitleLabel, Msg::KindLabel, Msg::StatusLabel, Msg::When])>
            {rows}
        </DataTable>
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// "preview" renders without saving.
    #[serde(default)]
    intent: String,
}

#[component]
fn Editor(
    lang: Lang,
    nav: AnyView,
    csrf: String,
    page: Option<content::Page>,
    form: PageForm,
    errors: Vec<Msg>,
    preview: Option<SafeHtml>,
    revisions: Vec<content::Revision>,
    notice: bool,
) -> impl IntoView {
    let action = page
        .as_ref()
        .map(|p| format!("/staff/pages/{}", p.id))
        .unwrap_or_else(|| "/staff/pages".into());
    let is_new = page.is_none();
    let publish = page.as_ref().map(|p| {
        let (path, label) = if p.published { ("unpublish", Msg::Unpublish) } else { ("publish", Msg::Publish) };
        let public = p.published.then(|| format!("{}/{}", p.kind.path(), p.slug));
        view! {
            <form method="post" action=format!("/staff/pages/{}/{path}", p.id) class="form">
                <Csrf token=csrf.clone() />
                <button type="submit" class="secondary">{lang.t(label)}</button>
            </form>
            {public.map(|href| { let text = href.clone(); view! { <p><a href=href>{text}</a></p> } })}
        }
    });
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            let selected = form.kind == k.as_str();
            view! { <option value=k.as_str() selected=selected>{kind_label(lang, *k)}</option> }
        })
        .collect_view();
    let revs = revisions
        .into_iter()
        .map(|r| view! { <li>{local_time(r.created_at)} " " {r.staff_name.unwrap_or_default()} " · " {r.title} " (#" {r.id} ")"</li> })
        .collect_view();
    view! {
        {nav}
        <h1>{if is_new { lang.t(Msg::NewPage).to_owned() } else { form.title.clone() }}</h1>
        {notice.then(|| view! { <p class="notice" role="status">{lang.t(Msg::Saved)}</p> })}
        {(!errors.is_empty()).then(|| view! {
            <div class="error" role="alert"><ul>{errors.into_iter().map(|m| view! { <li>{lang.t(m)}</li> }).collect_view()}</ul></div>
        })}
        <form method="post" action=action class="form">
            <Csrf token=csrf.clone() />
            {is_new.then(|| view! {
                <label for="kind">{lang.t(Msg::KindLabel)}</label>
                <select id="kind" name="kind">{kinds}</select>
                <label for="slug">{lang.t(Msg::SlugLabel)}</label>
                <input id="slug" name="slug" type="text" required maxlength="60" pattern="[a-z0-9\\-]+" value=form.slug.clone() />
            })}
            <label for="title">{lang.t(Msg::TitleLabel)}</label>
            <input id="title" name="title" type="text" required maxlength="100" value=form.title.clone() />
            <label for="body">{lang.t(Msg::BodyMd)}</label>
            <textarea id="body" name="body" rows="16" maxlength="20000" required>{textarea_text(&form.body)}</textarea>
            <div class="buttons">
                <button type="submit" name="intent" value="preview" class="secondary">{lang.t(Msg::PreviewLabel)}</button>
                " "
                <button type="submit" name="intent" value="save">{lang.t(Msg::SaveDraft)}</button>
            </div>
        </form>
        {preview.map(|html| view! {
            <h2>{lang.t(Msg::PreviewLabel)}</h2>
            <article class="prose preview" inner_html=html.as_str().to_owned()></article>
        })}
        {publish}
        {(!is_new).then(|| view! { <h2>{lang.t(Msg::Revisions)}</h2> <ol class="revisions">{revs}</ol> })}
    }
}

fn check(form: &PageForm, new: bool) -> Vec<Msg> {
    let mut errors = Vec::new();
    if new && (Kind::parse(&form.kind).is_none() || !content::valid_slug(form.slug.trim())) {
        errors.push(Msg::SlugInvalid);
    }
    let t = form.title.trim().chars().count();
    if !(1..=100).contains(&t) || form.title.chars().any(char::is_control) {
        errors.push(Msg::TitleRule);
    }
    let b = form.body.trim().chars().count();
    if !(1..=20_000).contains(&b) {
        errors.push(Msg::BodyRule);
    }
    errors
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    state: &AppState,
    ctx: &PageCtx,
    staff: &StaffCtx,
    page: Option<content::Page>,
    form: PageForm,
    errors: Vec<Msg>,
    preview: Option<SafeHtml>,
    notice: bool,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let revisions = match &page {
        Some(p) => content::revisions(&state.db, p.id).await?,
        None => vec![],
    };
    let failed = !errors.is_empty();
    let view =
        |nav, csrf| view! { <Editor lang nav csrf page form errors preview revisions notice /> };
    Ok(ctx.staff_page(staff, lang.t(Msg::Content), failed, view))
}

/// Public pages are written by the deployment's staff (its own pages, and any county's) and by
/// a county's (that county's): the county a member's new pages belong to, if they may write any.
fn require(staff: &StaffCtx) -> AppResult<Option<i64>> {
    let county = staff.scope().owner().1;
    require_page(staff, county)?;
    Ok(county)
}

/// A page (of `county`, `None` the deployment's) the member may edit: in their scope, with
/// the right to edit public content.
fn require_page(staff: &StaffCtx, county: Option<i64>) -> AppResult<()> {
    if staff.can_edit_content(county) {
        Ok(())
    } else {
        tracing::warn!(staff_id = staff.staff.id, ?county, "page out of scope");
        Err(AppError::Forbidden)
    }
}

/// A page by id that the member may edit.
async fn editable(state: &AppState, staff: &StaffCtx, id: i64) -> AppResult<content::Page> {
    require(staff)?;
    let page = content::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_page(staff, page.county_id)?;
    Ok(page)
}

/// Whose pages a member's list shows: the deployment's members every page, a county's its own.
fn owner_of(county: Option<i64>) -> content::Owner {
    county.map_or(content::Owner::Everyone, content::Owner::County)
}

pub async fn list(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    let county = require(&staff)?;
    let lang = ctx.lang;
    let pages = content::list(&state.db, owner_of(county), None, true).await?;
    let pages = crate::web::county::with_county_names(&state, lang, pages).await?;
    let page = |nav, _| view! { <PagesList lang nav pages /> };
    Ok(ctx.staff_page(&staff, lang.t(Msg::Content), false, page))
}

pub async fn new_page(StaffPage { state, ctx, staff }: StaffPage) -> AppResult<Response> {
    require(&staff)?;
    let form = PageForm {
        kind: "answer".into(),
        ..Default::default()
    };
    editor(&state, &ctx, &staff, None, form, vec![], None, false).await
}

pub async fn create(
    Page { state, ctx }: Page,
    StaffForm(staff, form): StaffForm<PageForm>,
) -> AppResult<Response> {
    let county = require(&staff)?;
    let errors = check(&form, true);
    if form.intent == "preview" || !errors.is_empty() {
        let preview = errors.is_empty().then(|| markdown::render(&form.body));
        return editor(&state, &ctx, &staff, None, form, errors, preview, false).await;
    }
    let kind = Kind::parse(&form.kind).ok_or(AppError::NotFound)?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let id = match content::insert(
        &mut tx,
        county,
        kind,
        form.slug.trim(),
        form.title.trim(),
        form.body.trim(),
        Some(staff.staff.id),
        now,
    )
    .await
    {
        Ok(id) => id,
        Err(AppError::Conflict(_)) => {
            return editor(
                &state,
                &ctx,
                &staff,
                None,
                form,
                vec![Msg::SlugTaken],
                None,
                false,
            )
            .await
        }
        Err(e) => return Err(e),
    };
    tx.changed(Change::Page { id });
    audit::record(
        &mut tx,
        &staff.audit(
            "page.create",
            "page",
            Some(id.to_string()),
            None,
            form.slug.trim().to_owned(),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/pages/{id}?saved=1")).into_response())
}

pub async fn edit(
    StaffPage { state, ctx, staff }: StaffPage,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    let page = editable(&state, &staff, id).await?;
    let form = PageForm {
        kind: page.kind.as_str().into(),
        slug: page.slug.clone(),
        title: page.title.clone(),
        body: page.body_md.clone(),
        intent: String::new(),
    };
    let preview = Some(markdown::render(&page.body_md));
    editor(
        &state,
        &ctx,
        &staff,
        Some(page),
        form,
        vec![],
        preview,
        q.saved(),
    )
    .await
}

pub async fn update(
    Page { state, ctx }: Page,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<PageForm>,
) -> AppResult<Response> {
    let page = editable(&state, &staff, id).await?;
    let errors = check(&form, false);
    if form.intent == "preview" || !errors.is_empty() {
        let preview = errors.is_empty().then(|| markdown::render(&form.body));
        return editor(
            &state,
            &ctx,
            &staff,
            Some(page),
            form,
            errors,
            preview,
            false,
        )
        .await;
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::Page { id });
    content::update(
        &mut tx,
        id,
        form.title.trim(),
        form.body.trim(),
        Some(staff.staff.id),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        &staff.audit(
            "page.update",
            "page",
            Some(id.to_string()),
            None,
            String::new(),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/pages/{id}?saved=1")).into_response())
}

async fn set_published(
    state: &AppState,
    staff: &StaffCtx,
    id: i64,
    published: bool,
) -> AppResult<Response> {
    editable(state, staff, id).await?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::Page { id });
    content::set_published(&mut tx, id, published, now).await?;
    let action = if published {
        "page.publish"
    } else {
        "page.unpublish"
    };
    audit::record(
        &mut tx,
        &staff.audit(action, "page", Some(id.to_string()), None, String::new()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/pages/{id}?saved=1")).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    set_published(&state, &staff, id, true).await
}

pub async fn unpublish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<Empty>,
) -> AppResult<Response> {
    set_published(&state, &staff, id, false).await
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    complaint: String,
}

/// Links an answer to a complaint it answers (publicly only the count shows).
pub async fn link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, form): StaffForm<LinkForm>,
) -> AppResult<Response> {
    let page = editable(&state, &staff, id).await?;
    let complaint: i64 = form
        .complaint
        .trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let case = crate::db::complaints::summary(&state.db, complaint)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ReadRecords, case.township_id)?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    tx.changed(Change::Page { id: page.id });
    content::link_complaint(&mut tx, page.id, complaint).await?;
    audit::record(
        &mut tx,
        &staff.audit(
            "page.link_complaint",
            "page",
            Some(id.to_string()),
            None,
            format!("complaint={complaint}"),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/pages/{id}?saved=1")).into_response())
}
