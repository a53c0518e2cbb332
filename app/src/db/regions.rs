//! Regions: county → township → village → group, keyed by statistical division codes.

use sqlx::Row;

use super::Db;
use crate::db::exec;
use crate::db::Binds;
use crate::domain::Scope;
use crate::error::AppResult;
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    County,
    Township,
    Village,
    Group,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
            Level::Group => "group",
        }
    }
}

/// A region as pages show it. Region names are public.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
}

impl Region {
    /// The name in `lang` (Chinese where there is no English one).
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, self.name_en.as_deref())
    }
}

fn region_from_row(row: &sqlx::any::AnyRow) -> Result<Region, sqlx::Error> {
    Ok(Region {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        code: row.try_get("code")?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    parent_id: Option<i64>,
    level: Level,
    code: &str,
    name_zh: &str,
    name_en: Option<&str>,
    sort_order: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO regions (parent_id, level, code, name_zh, name_en, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .binds((
        parent_id,
        level.as_str(),
        code,
        name_zh,
        name_en,
        sort_order,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// What loading a planned region tree did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    pub added: [usize; 3],
    /// Province and prefecture names stored (new or changed).
    pub upper: usize,
    pub renamed: usize,
    pub unchanged: usize,
}

/// A region already in the tree, as loading a plan compares it.
struct Known {
    id: i64,
    level: String,
    name_zh: String,
    name_en: Option<String>,
}

/// Every region of the tree by code (loading a plan reads them once).
async fn known_regions(
    conn: &mut sqlx::AnyConnection,
) -> AppResult<std::collections::HashMap<String, Known>> {
    let rows = sqlx::query("SELECT id, code, level, name_zh, name_en FROM regions")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let known = Known {
                id: r.try_get(0)?,
                level: r.try_get(2)?,
                name_zh: r.try_get(3)?,
                name_en: r.try_get(4)?,
            };
            Ok((r.try_get(1)?, known))
        })
        .collect()
}

/// Loads a planned tree (parents first) in the caller's transaction: a code not yet in the tree
/// is added under its parent, a known one takes the file's names. `Ok(Err(problem))`, with
/// nothing to keep, when a parent is neither in the tree nor in the file, or a code stands at
/// another level (a group's code).
#[tracing::instrument(skip_all)]
pub async fn load_plan(
    conn: &mut sqlx::AnyConnection,
    plan: &crate::domain::region_code::Plan,
) -> AppResult<Result<Loaded, String>> {
    use crate::domain::region_code::CodeLevel;
    let mut known = known_regions(conn).await?;
    let mut loaded = Loaded::default();
    for p in &plan.above {
        exec(
            &mut *conn,
            "INSERT INTO upper_regions (code, level, name_zh, name_en) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en =
             excluded.name_en",
            (
                &p.code,
                crate::domain::region_code::upper_level(&p.code),
                &p.name_zh,
                &p.name_en,
            ),
        )
        .await?;
        loaded.upper += 1;
    }
    for p in &plan.regions {
        let (level, slot) = match p.level {
            CodeLevel::County => (Level::County, 0),
            CodeLevel::Township => (Level::Township, 1),
            CodeLevel::Village => (Level::Village, 2),
            CodeLevel::AboveCounty => continue,
        };
        match known.get(&p.code) {
            Some(k) => match rename_known(conn, k, level, p).await? {
                Ok(true) => loaded.renamed += 1,
                Ok(false) => loaded.unchanged += 1,
                Err(problem) => return Ok(Err(problem)),
            },
            None => {
                let parent = match &p.parent {
                    None => None,
                    Some(code) => match known.get(code) {
                        Some(k) => Some(k.id),
                        None => return Ok(Err(missing_parent(p, code))),
                    },
                };
                let sort = i64::try_from(p.row).unwrap_or(i64::MAX);
                let name_en = p.name_en.as_deref();
                let id = insert(conn, parent, level, &p.code, &p.name_zh, name_en, sort).await?;
                let k = Known {
                    id,
                    level: level.as_str().to_owned(),
                    name_zh: p.name_zh.clone(),
                    name_en: p.name_en.clone(),
                };
                known.insert(p.code.clone(), k);
                loaded.added[slot] += 1;
            }
        }
    }
    Ok(Ok(loaded))
}

/// A planned region already in the tree takes the file's names: `Ok(true)` when they changed,
/// `Ok(false)` when they were the same; `Err(problem)` when its code stands at another level.
async fn rename_known(
    conn: &mut sqlx::AnyConnection,
    k: &Known,
    level: Level,
    p: &crate::domain::region_code::PlannedRegion,
) -> AppResult<Result<bool, String>> {
    if k.level != level.as_str() {
        return Ok(Err(format!(
            "第 {} 行：代码 {} 已是一个{}的代码 (row {}: code {} is already a {})",
            p.row, p.code, k.level, p.row, p.code, k.level
        )));
    }
    if k.name_zh == p.name_zh && k.name_en == p.name_en {
        return Ok(Ok(false));
    }
    exec(
        &mut *conn,
        "UPDATE regions SET name_zh = $1, name_en = $2 WHERE id = $3",
        (&p.name_zh, &p.name_en, k.id),
    )
    .await?;
    Ok(Ok(true))
}

/// The problem of a planned region whose parent is neither in the file nor in the tree.
fn missing_parent(p: &crate::domain::region_code::PlannedRegion, parent: &str) -> String {
    format!(
        "第 {} 行：{} 的上级 {} 既不在文件中也不在系统中 (row {}: its parent {} is neither in the file nor in the tree)",
        p.row, p.code, parent, p.row, parent
    )
}

/// A prefecture (市、州) and the deployment's counties in it.
#[derive(Debug, Clone)]
pub struct Prefecture {
    pub code: String,
    /// As the division-code file named it; its code when no file did.
    pub name_zh: String,
    pub name_en: Option<String>,
    pub counties: Vec<Region>,
}

impl Prefecture {
    /// The name in `lang` (Chinese where there is no English one).
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, self.name_en.as_deref())
    }
}

/// `counties` grouped by prefecture (the first four digits of their codes), in code order,
/// each named from `upper_regions`.
#[tracing::instrument(skip_all)]
pub async fn by_prefecture(db: &Db, counties: &[Region]) -> AppResult<Vec<Prefecture>> {
    let mut groups: std::collections::BTreeMap<String, Vec<Region>> = Default::default();
    for c in counties {
        groups
            .entry(crate::domain::region_code::prefecture_of(&c.code))
            .or_default()
            .push(c.clone());
    }
    let rows =
        sqlx::query("SELECT code, name_zh, name_en FROM upper_regions WHERE level = 'prefecture'")
            .fetch_all(db.reader())
            .await?;
    let mut names = std::collections::HashMap::new();
    for r in &rows {
        names.insert(
            r.try_get::<String, _>(0)?,
            (
                r.try_get::<String, _>(1)?,
                r.try_get::<Option<String>, _>(2)?,
            ),
        );
    }
    Ok(groups
        .into_iter()
        .map(|(code, counties)| {
            let (name_zh, name_en) = names.remove(&code).unwrap_or_else(|| (code.clone(), None));
            Prefecture {
                code,
                name_zh,
                name_en,
                counties,
            }
        })
        .collect())
}

/// The county (the root region), if the database has been set up.
#[tracing::instrument(skip_all)]
pub async fn county(db: &Db) -> AppResult<Option<Region>> {
    let row = sqlx::query(
        "SELECT id, parent_id, code, name_zh, name_en FROM regions WHERE level = 'county' ORDER BY id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(region_from_row).transpose()?)
}

#[tracing::instrument(skip_all)]
pub async fn by_level(db: &Db, level: Level) -> AppResult<Vec<Region>> {
    let rows = sqlx::query(
        "SELECT id, parent_id, code, name_zh, name_en FROM regions WHERE level = $1 ORDER BY sort_order, code",
    )
    .bind(level.as_str())
    .fetch_all(db.reader())
    .await?;
    Ok(rows.iter().map(region_from_row).collect::<Result<_, _>>()?)
}

/// A region of the given level by its code; `None` when there is none.
#[tracing::instrument(skip_all)]
pub async fn by_code(db: &Db, level: Level, code: &str) -> AppResult<Option<Region>> {
    let row = sqlx::query(
        "SELECT id, parent_id, code, name_zh, name_en FROM regions WHERE level = $1 AND code = $2",
    )
    .binds((level.as_str(), code))
    .fetch_optional(db.reader())
    .await?;
    Ok(row.as_ref().map(region_from_row).transpose()?)
}

#[tracing::instrument(skip_all)]
pub async fn by_id(db: &Db, id: i64) -> AppResult<Option<Region>> {
    let row =
        sqlx::query("SELECT id, parent_id, code, name_zh, name_en FROM regions WHERE id = $1")
            .bind(id)
            .fetch_optional(db.reader())
            .await?;
    Ok(row.as_ref().map(region_from_row).transpose()?)
}

/// A region's name in the reader's language (empty for none, or for an id that is not there).
pub async fn name_of(db: &Db, lang: Lang, id: Option<i64>) -> AppResult<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    Ok(by_id(db, id)
        .await?
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_default())
}

#[tracing::instrument(skip_all)]
pub async fn count(db: &Db) -> AppResult<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM regions")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// A region of the given level by id (form input could name any id).
#[tracing::instrument(skip_all)]
pub async fn by_level_id(db: &Db, level: Level, id: i64) -> AppResult<Option<Region>> {
    let mut conn = db.pool.acquire().await?;
    by_level_id_conn(&mut conn, level, id).await
}

/// [`by_level_id`] inside a transaction.
#[tracing::instrument(skip_all)]
pub async fn by_level_id_conn(
    conn: &mut sqlx::AnyConnection,
    level: Level,
    id: i64,
) -> AppResult<Option<Region>> {
    let row = sqlx::query(
        "SELECT id, parent_id, code, name_zh, name_en FROM regions WHERE level = $1 AND id = $2",
    )
    .binds((level.as_str(), id))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.as_ref().map(region_from_row).transpose()?)
}

/// Villages in a staff member's scope (`None` = the whole county), by township then village.
#[tracing::instrument(skip_all)]
pub async fn villages_in_scope(db: &Db, scope: &Scope) -> AppResult<Vec<Region>> {
    let cond = scope_condition(scope, "v.parent_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT v.id, v.parent_id, v.code, v.name_zh, v.name_en FROM regions v
         JOIN regions t ON t.id = v.parent_id
         WHERE v.level = 'village' AND {cond} ORDER BY t.sort_order, v.sort_order, v.code"
    )))
    .fetch_all(db.reader())
    .await?;
    Ok(rows.iter().map(region_from_row).collect::<Result<_, _>>()?)
}

/// The villages of a scope (as [`villages_in_scope`]), each with "township · village" in the
/// reader's language: the choices of a staff form.
pub async fn villages_labelled(
    db: &Db,
    scope: &Scope,
    lang: Lang,
) -> AppResult<Vec<(Region, String)>> {
    let townships = by_level(db, Level::Township).await?;
    Ok(villages_in_scope(db, scope)
        .await?
        .into_iter()
        .map(|v| {
            let township = townships
                .iter()
                .find(|t| Some(t.id) == v.parent_id)
                .map(|t| t.name(lang))
                .unwrap_or_default();
            let label = format!("{township} · {}", v.name(lang));
            (v, label)
        })
        .collect())
}

/// The SQL condition that keeps rows whose township column `col` lies in `scope`.
///
/// Only integers (region ids) and the caller's fixed column name enter the text, so it is safe
/// to splice into a query; every user value stays a bound parameter.
pub fn scope_condition(scope: &Scope, col: &str) -> String {
    match scope {
        Scope::All => "1 = 1".to_owned(),
        Scope::Township(t) => format!("{col} = {t}"),
        Scope::County { id, .. } => {
            format!(
                "{col} IN (SELECT id FROM regions WHERE parent_id = {id} AND level = 'township')"
            )
        }
        Scope::Prefecture { counties, .. } if counties.is_empty() => "1 = 0".to_owned(),
        Scope::Prefecture { counties, .. } => format!(
            "{col} IN (SELECT id FROM regions WHERE parent_id IN ({}) AND level = 'township')",
            id_list(counties)
        ),
    }
}

/// Ids as an SQL list (`1, 2, 3`): integers only.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`scope_condition`] for objects owned by a township (`township_col`) or, without one, by a
/// county (`county_col`): a county's members also see their county's own (accounts, files).
pub fn owned_condition(scope: &Scope, township_col: &str, county_col: &str) -> String {
    let townships = scope_condition(scope, township_col);
    match scope {
        Scope::County { id, .. } => format!("({county_col} = {id} OR {townships})"),
        Scope::Prefecture { counties, .. } if !counties.is_empty() => {
            format!("({county_col} IN ({}) OR {townships})", id_list(counties))
        }
        _ => townships,
    }
}

/// The id of the county a township belongs to, if the township exists.
#[tracing::instrument(skip_all)]
pub async fn county_of(db: &Db, township: Option<i64>) -> AppResult<Option<i64>> {
    Ok(match township {
        Some(t) => county_of_township(db, t).await?.map(|c| c.id),
        None => None,
    })
}

/// A county as a staff member's [`Scope`]: its id and its townships.
pub async fn county_scope(db: &Db, county_id: i64) -> AppResult<Scope> {
    Ok(Scope::County {
        id: county_id,
        townships: township_ids(db, &[county_id]).await?,
    })
}

/// The deployment's counties in a prefecture (those whose codes share its first four digits)
/// as an oversight account's [`Scope`]; none when the deployment has no county there.
pub async fn prefecture_scope(db: &Db, code: &str) -> AppResult<Scope> {
    let counties_in: Vec<i64> = counties(db)
        .await?
        .into_iter()
        .filter(|c| crate::domain::region_code::prefecture_of(&c.code) == code)
        .map(|c| c.id)
        .collect();
    Ok(Scope::Prefecture {
        code: code.to_owned(),
        townships: township_ids(db, &counties_in).await?,
        counties: counties_in,
    })
}

/// The county a township belongs to, as pages name it (a deployment may hold several).
#[tracing::instrument(skip_all)]
pub async fn county_of_township(db: &Db, township_id: i64) -> AppResult<Option<Region>> {
    let row = sqlx::query(
        "SELECT c.id, c.parent_id, c.code, c.name_zh, c.name_en FROM regions t
         JOIN regions c ON c.id = t.parent_id WHERE t.id = $1 AND c.level = 'county'",
    )
    .bind(township_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(region_from_row).transpose()?)
}

/// The townships of some counties, in one query. Through `reader()`: the replica only inside a
/// public page's render (`/c/{code}/stats`); a staff member's scope (`web::session`), read
/// outside one, always comes from the primary.
#[tracing::instrument(skip_all)]
async fn township_ids(db: &Db, counties: &[i64]) -> AppResult<Vec<i64>> {
    if counties.is_empty() {
        return Ok(vec![]);
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM regions WHERE level = 'township' AND parent_id IN ({}) ORDER BY id",
        id_list(counties)
    )))
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?)
}

/// A county by its code: `None` for any other code, a malformed one included.
#[tracing::instrument(skip_all)]
pub async fn county_by_code(db: &Db, code: &str) -> AppResult<Option<Region>> {
    if !crate::domain::is_region_code(code) {
        return Ok(None);
    }
    by_code(db, Level::County, code).await
}

/// Every county of the deployment, in order (one, or a province's).
#[tracing::instrument(skip_all)]
pub async fn counties(db: &Db) -> AppResult<Vec<Region>> {
    by_level(db, Level::County).await
}

/// A region's Chinese name, read inside a transaction (empty when there is none).
#[tracing::instrument(skip_all)]
pub async fn name_zh_in(conn: &mut sqlx::AnyConnection, id: i64) -> AppResult<String> {
    let row = sqlx::query("SELECT name_zh FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => sqlx::Row::try_get(&r, 0)?,
        None => String::new(),
    })
}
