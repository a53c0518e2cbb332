//! Staff-written public pages and their revisions.

use crate::db::one;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::all;
use crate::db::exec;
use crate::db::{Binds, Columns};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Policy,
    Answer,
    Notice,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Answer => "answer",
            Kind::Notice => "notice",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "policy" => Some(Kind::Policy),
            "answer" => Some(Kind::Answer),
            "notice" => Some(Kind::Notice),
            _ => None,
        }
    }
    /// The public URL prefix.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Policy => "/policy",
            Kind::Answer => "/answers",
            Kind::Notice => "/notices",
        }
    }
    pub const ALL: [Kind; 3] = [Kind::Policy, Kind::Answer, Kind::Notice];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub id: i64,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub body_md: String,
    pub published: bool,
    pub published_at: Option<i64>,
    pub updated_at: i64,
    /// The county whose page this is; `None`: the deployment's.
    pub county_id: Option<i64>,
}

/// Whose pages a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Every page: the deployment's and every county's.
    Everyone,
    /// One county's.
    County(i64),
}

impl Owner {
    /// The SQL condition: only an integer id enters the text.
    fn condition(self) -> String {
        match self {
            Owner::Everyone => "1 = 1".to_owned(),
            Owner::County(id) => format!("county_id = {id}"),
        }
    }
}

const COLS: &str = "id, kind, slug, title, body_md, published, published_at, updated_at, county_id";

fn from_row(r: &AnyRow) -> AppResult<Page> {
    let kind: String = r.try_get("kind")?;
    Ok(Page {
        id: r.try_get("id")?,
        kind: Kind::parse(&kind).ok_or_else(|| AppError::internal("page kind", kind))?,
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        body_md: r.try_get("body_md")?,
        published: r.flag("published")?,
        published_at: r.try_get("published_at")?,
        updated_at: r.try_get("updated_at")?,
        county_id: r.try_get("county_id")?,
    })
}

/// Slugs: 1–60 of a-z, 0-9 and '-'.
pub fn valid_slug(s: &str) -> bool {
    (1..=60).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Inserts a draft page of `county` (`None`: the deployment's).
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut AnyConnection,
    county: Option<i64>,
    kind: Kind,
    slug: &str,
    title: &str,
    body: &str,
    staff_id: Option<i64>,
    now: i64,
) -> AppResult<i64> {
    let res = sqlx::query(
        "INSERT INTO pages (kind, slug, title, body_md, published, created_at, updated_at, county_id)
         VALUES ($1, $2, $3, $4, 0, $5, $5, $6) RETURNING id",
    )
    .binds((kind.as_str(), slug, title, body, now, county))
    .fetch_one(&mut *conn)
    .await;
    let id: i64 = match res {
        Ok(row) => row.try_get(0)?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict("slug".into()))
        }
        Err(e) => return Err(e.into()),
    };
    add_revision(conn, id, title, body, staff_id, now).await?;
    Ok(id)
}

async fn add_revision(
    conn: &mut AnyConnection,
    id: i64,
    title: &str,
    body: &str,
    staff_id: Option<i64>,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO page_revisions (page_id, title, body_md, staff_id, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        (id, title, body, staff_id, now),
    )
    .await?;
    Ok(())
}

/// Saves a new version (and keeps the old one as a revision).
#[tracing::instrument(skip_all)]
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    title: &str,
    body: &str,
    staff_id: Option<i64>,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE pages SET title = $1, body_md = $2, updated_at = $3 WHERE id = $4",
        (title, body, now, id),
    )
    .await?;
    add_revision(conn, id, title, body, staff_id, now).await
}

#[tracing::instrument(skip_all)]
pub async fn set_published(
    conn: &mut AnyConnection,
    id: i64,
    published: bool,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE pages SET published = $1, published_at = CASE WHEN $1 = 1 THEN $2 ELSE
         published_at END,
         updated_at = $2 WHERE id = $3",
        (i64::from(published), now, id),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn by_id(db: &Db, id: i64) -> AppResult<Option<Page>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM pages WHERE id = $1"));
    one(&db.pool, sql, id, from_row).await
}

/// A published page of a kind by slug.
#[tracing::instrument(skip_all)]
pub async fn published(db: &Db, kind: Kind, slug: &str) -> AppResult<Option<Page>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM pages WHERE kind = $1 AND slug = $2 AND published = 1"
    )))
    .binds((kind.as_str(), slug))
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Pages of `owner` of a kind (only published ones unless `all`), policy pages in their order,
/// others newest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, owner: Owner, kind: Option<Kind>, all: bool) -> AppResult<Vec<Page>> {
    let published = if all { "" } else { " AND published = 1" };
    let owned = owner.condition();
    let rows = match kind {
        Some(k) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM pages WHERE kind = $1 AND {owned}{published}
                 ORDER BY sort_order, published_at DESC, id DESC"
            )))
            .bind(k.as_str())
            .fetch_all(db.reader())
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM pages WHERE {owned}{published} ORDER BY kind, sort_order, id DESC"
        )))
            .fetch_all(db.reader())
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// One saved version of a page.
#[derive(Debug, Clone)]
pub struct Revision {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    /// The display name of the staff member who saved it, if one did.
    pub staff_name: Option<String>,
}

/// Revisions of a page, newest first.
#[tracing::instrument(skip_all)]
pub async fn revisions(db: &Db, page_id: i64) -> AppResult<Vec<Revision>> {
    all(
        &db.pool,
        "SELECT r.id, r.title, r.created_at, s.display_name FROM page_revisions r
         LEFT JOIN staff s ON s.id = r.staff_id WHERE r.page_id = $1 ORDER BY r.id DESC",
        page_id,
        |r| {
            Ok(Revision {
                id: r.try_get(0)?,
                title: r.try_get(1)?,
                created_at: r.try_get(2)?,
                staff_name: r.try_get(3)?,
            })
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn link_complaint(
    conn: &mut AnyConnection,
    page_id: i64,
    complaint_id: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM page_complaints WHERE page_id = $1 AND complaint_id = $2",
        (page_id, complaint_id),
    )
    .await?;
    exec(
        &mut *conn,
        "INSERT INTO page_complaints (page_id, complaint_id) VALUES ($1, $2)",
        (page_id, complaint_id),
    )
    .await?;
    Ok(())
}

/// How many reports an answer responds to (all the public learns about them).
#[tracing::instrument(skip_all)]
pub async fn linked_count(db: &Db, page_id: i64) -> AppResult<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM page_complaints WHERE page_id = $1")
            .bind(page_id)
            .fetch_one(db.reader())
            .await?
            .try_get(0)?,
    )
}
