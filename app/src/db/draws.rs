//! Review-panel pools and public draws. Pool members' full names are staff-only; a draw row holds
//! the published JSON (masked names only) of its announcement and, once drawn, of its result.

use crate::db::{all, one};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::db::{Binds, Columns};
use crate::domain::draw::Stratum;
use crate::domain::Scope;
use crate::error::{AppError, AppResult};

/// A member of a village's review pool (评议库).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolMember {
    pub id: i64,
    pub village_id: i64,
    pub name: String,
    pub stratum: Stratum,
    pub group_name: Option<String>,
    pub active: bool,
}

fn stratum(s: &str) -> AppResult<Stratum> {
    Stratum::ALL
        .iter()
        .copied()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| AppError::internal("stratum", s))
}

#[tracing::instrument(skip_all)]
pub async fn insert_member(
    conn: &mut AnyConnection,
    village_id: i64,
    name: &str,
    stratum: Stratum,
    group_name: Option<&str>,
    staff_id: i64,
    now: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO pool_members (village_id, name, stratum, group_name, active, created_by,
            created_at) VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
    )
    .binds((
        village_id,
        name,
        stratum.as_str(),
        group_name,
        staff_id,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Whether the village's pool holds this person already (an active member of the same name,
/// role and group), after taking the village's row: a second "add" of the same person (a
/// double submit) waits for the first to commit, then finds it (PostgreSQL's row lock; SQLite's
/// transactions take the write lock at their start).
#[tracing::instrument(skip_all)]
pub async fn holds_member(
    conn: &mut AnyConnection,
    village_id: i64,
    name: &str,
    stratum: Stratum,
    group_name: Option<&str>,
) -> AppResult<bool> {
    exec(
        &mut *conn,
        "UPDATE regions SET sort_order = sort_order WHERE id = $1",
        (village_id,),
    )
    .await?;
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM pool_members WHERE village_id = $1 AND active = 1 AND name = $2
           AND stratum = $3 AND COALESCE(group_name, '') = COALESCE($4, '')",
    )
    .binds((village_id, name, stratum.as_str(), group_name))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}

/// Takes a member out of (or back into) the pool; false when the village has no such member.
#[tracing::instrument(skip_all)]
pub async fn set_member_active(
    conn: &mut AnyConnection,
    village_id: i64,
    id: i64,
    active: bool,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE pool_members SET active = $1 WHERE id = $2 AND village_id = $3",
        (i64::from(active), id, village_id),
    )
    .await?;
    Ok(res == 1)
}

/// A village's review pool, active members first. (A public draw page reads its group names
/// through `reader()`; like `get` and `list`, that is the primary outside a public render.)
#[tracing::instrument(skip_all)]
pub async fn pool(db: &Db, village_id: i64) -> AppResult<Vec<PoolMember>> {
    all(
        db.reader(),
        "SELECT id, village_id, name, stratum, group_name, active FROM pool_members
         WHERE village_id = $1 ORDER BY active DESC, stratum, group_name, id",
        village_id,
        |r| {
            let s: String = r.try_get("stratum")?;
            Ok(PoolMember {
                id: r.try_get("id")?,
                village_id: r.try_get("village_id")?,
                name: r.try_get("name")?,
                stratum: stratum(&s)?,
                group_name: r.try_get("group_name")?,
                active: r.flag("active")?,
            })
        },
    )
    .await
}

/// The village group names of a village's pool (names of groups, never of people): what a public
/// draw page shows beside the group tokens.
#[tracing::instrument(skip_all)]
pub async fn pool_groups(db: &Db, village_id: i64) -> AppResult<Vec<String>> {
    all(
        db.reader(),
        "SELECT DISTINCT group_name FROM pool_members
         WHERE village_id = $1 AND group_name IS NOT NULL ORDER BY group_name",
        village_id,
        |r| Ok(r.try_get("group_name")?),
    )
    .await
}

/// A draw as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRow {
    pub id: i64,
    pub draw_key: String,
    /// `panel` or `spot_check`.
    pub kind: String,
    pub township_id: i64,
    pub village_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub purpose: String,
    pub announcement: String,
    pub pool_hash: String,
    pub announced_at: i64,
    pub draw_not_before: i64,
    pub result: Option<String>,
    pub drawn_at: Option<i64>,
    /// The panel this one replaces (announced again), and why (published beside both).
    pub replaces: Option<(i64, String)>,
    /// The panel announced in this one's place, if any: this one is not drawn any more.
    pub replaced_by: Option<i64>,
    /// Whether that replacement is drawn: from then on this one serves no review.
    pub replacement_drawn: bool,
}

const DRAW_COLS: &str = "id, draw_key, kind, township_id, village_id, batch_id, purpose, \
    announcement, pool_hash, announced_at, draw_not_before, result, drawn_at, replaces_id, \
    replace_reason, (SELECT n.id FROM draws n WHERE n.replaces_id = draws.id) AS replaced_by, \
    (SELECT CASE WHEN n.result IS NULL THEN 0 ELSE 1 END FROM draws n \
     WHERE n.replaces_id = draws.id) AS replacement_drawn";

fn draw_from_row(r: &AnyRow) -> AppResult<DrawRow> {
    Ok(DrawRow {
        id: r.try_get("id")?,
        draw_key: r.try_get("draw_key")?,
        kind: r.try_get("kind")?,
        township_id: r.try_get("township_id")?,
        village_id: r.try_get("village_id")?,
        batch_id: r.try_get("batch_id")?,
        purpose: r.try_get("purpose")?,
        announcement: r.try_get("announcement")?,
        pool_hash: r.try_get("pool_hash")?,
        announced_at: r.try_get("announced_at")?,
        draw_not_before: r.try_get("draw_not_before")?,
        result: r.try_get("result")?,
        drawn_at: r.try_get("drawn_at")?,
        replaces: match (
            r.try_get::<Option<i64>, _>("replaces_id")?,
            r.try_get::<Option<String>, _>("replace_reason")?,
        ) {
            (Some(id), reason) => Some((id, reason.unwrap_or_default())),
            (None, _) => None,
        },
        replaced_by: r.try_get("replaced_by")?,
        replacement_drawn: r.try_get::<Option<i64>, _>("replacement_drawn")? == Some(1),
    })
}

/// A draw to announce.
pub struct NewDraw<'a> {
    pub draw_key: &'a str,
    pub kind: &'a str,
    pub township_id: i64,
    pub village_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub purpose: &'a str,
    pub announcement: &'a str,
    pub pool_hash: &'a str,
    pub announced_by: i64,
    pub draw_not_before: i64,
    /// The panel this one replaces, and why.
    pub replaces: Option<(i64, &'a str)>,
}

/// Records an announcement. `Ok(None)`: a draw with this key exists already, or the draw it
/// replaces was replaced already (by a replacement sent at the same time).
#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut AnyConnection, d: &NewDraw<'_>, now: i64) -> AppResult<Option<i64>> {
    let res = sqlx::query(
        "INSERT INTO draws (draw_key, kind, township_id, village_id, batch_id, purpose,
            announcement, pool_hash, announced_by, announced_at, draw_not_before, replaces_id,
            replace_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .binds((
        d.draw_key,
        d.kind,
        d.township_id,
        d.village_id,
        d.batch_id,
        d.purpose,
        d.announcement,
        d.pool_hash,
        d.announced_by,
        now,
        d.draw_not_before,
        d.replaces.map(|(id, _)| id),
        d.replaces.map(|(_, why)| why),
    ))
    .fetch_one(&mut *conn)
    .await;
    super::id_unless_duplicate(res)
}

/// Stores a draw's result, once: false when it was drawn already.
#[tracing::instrument(skip_all)]
pub async fn set_result(
    conn: &mut AnyConnection,
    id: i64,
    result: &str,
    staff_id: i64,
    now: i64,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE draws SET result = $1, drawn_by = $2, drawn_at = $3 WHERE id = $4 AND result
         IS NULL",
        (result, staff_id, now, id),
    )
    .await?;
    Ok(res == 1)
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> AppResult<Option<DrawRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {DRAW_COLS} FROM draws WHERE id = $1"));
    one(db.reader(), sql, id, draw_from_row).await
}

/// Every draw in a staff member's scope, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope, limit: i64) -> AppResult<Vec<DrawRow>> {
    list_from(db, scope, limit, 0).await
}

/// Like [`list`], skipping the newest `offset` (a page of the public list).
#[tracing::instrument(skip_all)]
pub async fn list_from(db: &Db, scope: &Scope, limit: i64, offset: i64) -> AppResult<Vec<DrawRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {DRAW_COLS} FROM draws WHERE {}
         ORDER BY announced_at DESC, id DESC LIMIT $1 OFFSET $2",
        super::regions::scope_condition(scope, "township_id")
    ));
    sqlx::query(sql)
        .binds((limit, offset))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(draw_from_row)
        .collect()
}

/// The drawn panels of a village that still serve reviews: drawn since `since` (epoch seconds:
/// a panel serves 31 days from its draw) and not replaced by a newer draw that is drawn (until
/// then a village is not left without a panel), newest first.
#[tracing::instrument(skip_all)]
pub async fn drawn_panels(db: &Db, village_id: i64, since: i64) -> AppResult<Vec<DrawRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {DRAW_COLS} FROM draws WHERE kind = 'panel' AND village_id = $1
           AND result IS NOT NULL AND drawn_at > $2
           AND NOT EXISTS (SELECT 1 FROM draws n WHERE n.replaces_id = draws.id
                             AND n.result IS NOT NULL)
         ORDER BY drawn_at DESC, id DESC"
    ));
    sqlx::query(sql)
        .binds((village_id, since))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(draw_from_row)
        .collect()
}

/// The newest panel of a village that stands — not replaced, and either not drawn yet (of any
/// age: it could still be drawn) or drawn since `since` (epoch seconds: it still serves
/// reviews) — the one a new announcement would replace.
#[tracing::instrument(skip_all)]
pub async fn standing_panel(
    conn: &mut AnyConnection,
    village_id: i64,
    since: i64,
) -> AppResult<Option<DrawRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {DRAW_COLS} FROM draws WHERE kind = 'panel' AND village_id = $1
           AND (result IS NULL OR drawn_at > $2)
           AND NOT EXISTS (SELECT 1 FROM draws n WHERE n.replaces_id = draws.id)
         ORDER BY announced_at DESC, id DESC LIMIT 1"
    ));
    sqlx::query(sql)
        .binds((village_id, since))
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(draw_from_row)
        .transpose()
}

/// Takes a draw's row for the rest of the transaction (a write that changes nothing), then says
/// whether it is drawn and which newer draw replaced it, if any: a draw and a replacement of
/// the same draw sent at once wait on each other, and the second sees what the first did.
#[tracing::instrument(skip_all)]
pub async fn lock_state(conn: &mut AnyConnection, id: i64) -> AppResult<(bool, Option<i64>)> {
    exec(
        &mut *conn,
        "UPDATE draws SET draw_key = draw_key WHERE id = $1",
        (id,),
    )
    .await?;
    let row = sqlx::query(
        "SELECT CASE WHEN result IS NULL THEN 0 ELSE 1 END AS drawn,
            (SELECT n.id FROM draws n WHERE n.replaces_id = draws.id) AS replaced_by
         FROM draws WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.flag("drawn")?, row.try_get("replaced_by")?))
}

/// The spot-check draw of a 审核 list, if one was announced.
#[tracing::instrument(skip_all)]
pub async fn spot_check_of(db: &Db, batch_id: i64) -> AppResult<Option<DrawRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {DRAW_COLS} FROM draws WHERE kind = 'spot_check' AND batch_id = $1
         ORDER BY id DESC LIMIT 1"
    ));
    one(&db.pool, sql, batch_id, draw_from_row).await
}

/// An entry of a 审核 list as its spot-check draws from it, and the case it was made from.
#[derive(Debug, Clone)]
pub struct SpotCheckEntry {
    /// Its public reference, and whether the case declared a near relative (always checked).
    pub entry: crate::domain::draw::Entry,
    pub case_id: i64,
}

/// The entries of a 审核 list made from case files, in list order, for its spot-check.
#[tracing::instrument(skip_all)]
pub async fn spot_check_entries(
    conn: &mut AnyConnection,
    batch_id: i64,
) -> AppResult<Vec<SpotCheckEntry>> {
    all(
        &mut *conn,
        "SELECT e.public_ref, c.near_relative, c.id
         FROM batch_entries e JOIN cases c ON c.id = e.case_id
         WHERE e.batch_id = $1 ORDER BY e.seq, e.id",
        batch_id,
        |r| {
            let entry = crate::domain::draw::Entry {
                entry_ref: r.try_get(0)?,
                near_relative: r.flag(1)?,
            };
            Ok(SpotCheckEntry {
                entry,
                case_id: r.try_get(2)?,
            })
        },
    )
    .await
}

/// Moves a draw's earliest draw time (the demo's past draws, and tests that cannot wait a day).
#[tracing::instrument(skip_all)]
pub async fn set_not_before(conn: &mut AnyConnection, id: i64, at: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE draws SET draw_not_before = $1 WHERE id = $2",
        (at, id),
    )
    .await?;
    Ok(())
}

/// A township's public draws and county checks, for `/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrawCounts {
    /// Draws held (drawn).
    pub draws: i64,
    /// Households the county's spot-checks drew.
    pub sampled: i64,
    /// County in-person checks recorded.
    pub county_checks: i64,
}

/// [`DrawCounts`] per township in `scope` (by township id). Two queries for the whole scope,
/// whatever its number of townships.
#[tracing::instrument(skip_all)]
pub async fn township_stats(
    db: &Db,
    scope: &Scope,
) -> AppResult<std::collections::HashMap<i64, DrawCounts>> {
    let mut by = std::collections::HashMap::<i64, DrawCounts>::new();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, kind, result FROM draws WHERE result IS NOT NULL AND {}",
        super::regions::scope_condition(scope, "township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    for r in &rows {
        let township: i64 = r.try_get(0)?;
        let kind: String = r.try_get(1)?;
        let slot = by.entry(township).or_default();
        slot.draws += 1;
        if kind == "spot_check" {
            let text: String = r.try_get(2)?;
            let file: crate::domain::draw::DrawFile =
                serde_json::from_str(&text).map_err(|e| AppError::internal("stored draw", e))?;
            slot.sampled += file.selected.map_or(0, |s| s.len()) as i64;
        }
    }
    let checks = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.township_id, COUNT(*) FROM case_steps s JOIN cases c ON c.id = s.case_id
         WHERE s.action = 'county_check' AND {} GROUP BY c.township_id",
        super::regions::scope_condition(scope, "c.township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    for r in &checks {
        by.entry(r.try_get(0)?).or_default().county_checks = r.try_get(1)?;
    }
    Ok(by)
}
