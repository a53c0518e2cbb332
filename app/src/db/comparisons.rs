//! Data comparison files (信息比对): the staged import, its matched rows and row problems, the
//! recipients and ID numbers a file is matched against, and the confirmation that turns the
//! matches into re-check leads. Staff-only; ID numbers are read here, never stored again.

use crate::db::{all, one};
use std::collections::HashSet;

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::bulk::{insert_many, Value};
use super::regions::{owned_condition, scope_condition};
use super::Db;
use crate::db::exec;
use crate::db::Binds;
use crate::domain::Scope;
use crate::error::AppResult;

/// A staged (or confirmed) comparison file.
#[derive(Clone)]
pub struct Import {
    pub id: i64,
    /// The uploader confirms with this; only their preview page shows it.
    pub token: String,
    pub file_name: String,
    pub sha256: String,
    pub rows_total: i64,
    /// Rows that matched a recipient.
    pub matched: i64,
    pub unmatched: i64,
    pub malformed: i64,
    /// Distinct households the matched rows name: the leads confirming makes.
    pub households: i64,
    /// Leads made when it was confirmed.
    pub leads: Option<i64>,
    pub confirmed: bool,
    /// The uploader's township (`None`: county-wide).
    pub township_id: Option<i64>,
    /// The uploader's county, when a county's own officer uploaded it.
    pub county_id: Option<i64>,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
}

const IMPORT_COLS: &str = "c.id, c.token, c.file_name, c.sha256, c.rows_total, c.matched,
    c.unmatched, c.malformed, c.households, c.leads, c.state, c.township_id, c.created_by,
    s.display_name, c.created_at, c.confirmed_at, c.county_id";

fn import_from_row(r: &AnyRow) -> AppResult<Import> {
    let state: String = r.try_get(10)?;
    Ok(Import {
        id: r.try_get(0)?,
        token: r.try_get(1)?,
        file_name: r.try_get(2)?,
        sha256: r.try_get(3)?,
        rows_total: r.try_get(4)?,
        matched: r.try_get(5)?,
        unmatched: r.try_get(6)?,
        malformed: r.try_get(7)?,
        households: r.try_get(8)?,
        leads: r.try_get(9)?,
        confirmed: state == "confirmed",
        township_id: r.try_get(11)?,
        created_by: r.try_get(12)?,
        created_by_name: r.try_get(13)?,
        created_at: r.try_get(14)?,
        confirmed_at: r.try_get(15)?,
        county_id: r.try_get(16)?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> AppResult<Option<Import>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {IMPORT_COLS} FROM comparison_imports c JOIN staff s ON s.id = c.created_by
         WHERE c.id = $1"
    ));
    one(&db.pool, sql, id, import_from_row).await
}

/// The newest files of a township (`Some`), or of the whole county (`None`: every file).
#[tracing::instrument(skip_all)]
pub async fn recent(db: &Db, scope: &Scope, limit: i64) -> AppResult<Vec<Import>> {
    let cond = owned_condition(scope, "c.township_id", "c.county_id");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {IMPORT_COLS} FROM comparison_imports c JOIN staff s ON s.id = c.created_by
         WHERE {cond} ORDER BY c.id DESC LIMIT $1"
    ));
    all(&db.pool, sql, limit, import_from_row).await
}

/// The latest earlier confirmed file with the same content (SHA-256) in the same scope: its id.
#[tracing::instrument(skip_all)]
pub async fn confirmed_before(
    db: &Db,
    sha256: &str,
    (township_id, county_id): (Option<i64>, Option<i64>),
    except: i64,
) -> AppResult<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM comparison_imports
         WHERE sha256 = $1 AND state = 'confirmed' AND id <> $2
           AND (($3 IS NULL AND township_id IS NULL) OR township_id = $3)
           AND (($4 IS NULL AND county_id IS NULL) OR county_id = $4)
         ORDER BY id DESC LIMIT 1",
    )
    .bind(sha256)
    .bind(except)
    .bind(township_id)
    .bind(county_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(id)
}

/// Households on their village's current standing list (the latest published one; not as
/// 停发), of one township or of all: the recipients a comparison can name (with
/// [`each_household`]'s status). Read as a stream: a province's million ids take ~16 MB as a
/// set, and no row objects are kept.
#[tracing::instrument(skip_all)]
pub async fn on_standing(db: &Db, scope: &Scope) -> AppResult<HashSet<i64>> {
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT e.household_id FROM batches b JOIN batch_entries e ON e.batch_id = b.id
         WHERE b.kind = 'standing' AND b.state = 'published' AND {}
           AND e.change_kind <> 'stop'
           AND b.id = (SELECT b2.id FROM batches b2 WHERE b2.village_id = b.village_id
               AND b2.kind = 'standing' AND b2.state = 'published'
               ORDER BY b2.published_at DESC, b2.id DESC LIMIT 1)",
        scope_condition(scope, "b.township_id")
    )))
    .fetch(&db.pool);
    let mut set = HashSet::new();
    while let Some(r) = rows.try_next().await? {
        set.insert(r.try_get::<i64, _>(0)?);
    }
    Ok(set)
}

/// Every household of a township (or all), streamed to `visit(id, head's ID number, active)`.
/// One pass over the table: looking a million numbers up through the index instead, 500 to a
/// query, took 9–20 µs a number on SQLite (bench/comparison.sh), most of a minute.
#[tracing::instrument(skip_all)]
pub async fn each_household(
    db: &Db,
    scope: &Scope,
    mut visit: impl FnMut(i64, Option<&str>, bool) + Send,
) -> AppResult<()> {
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT h.id, h.id_number, h.status FROM households h
         WHERE h.village_id IN (SELECT v.id FROM regions v
             WHERE v.level = 'village' AND {})",
        scope_condition(scope, "v.parent_id")
    )))
    .fetch(&db.pool);
    while let Some(r) = rows.try_next().await? {
        visit(
            r.try_get(0)?,
            r.try_get::<Option<&str>, _>(1)?,
            r.try_get::<&str, _>(2)? == "active",
        );
    }
    Ok(())
}

/// The members of every case of a township (or all) who have an ID number, streamed to
/// `visit(household id, ID number)`.
#[tracing::instrument(skip_all)]
pub async fn each_member(
    db: &Db,
    scope: &Scope,
    mut visit: impl FnMut(i64, &str) + Send,
) -> AppResult<()> {
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.household_id, m.id_number FROM case_members m JOIN cases c ON c.id = m.case_id
         WHERE m.id_number IS NOT NULL AND {}",
        scope_condition(scope, "c.township_id")
    )))
    .fetch(&db.pool);
    while let Some(r) = rows.try_next().await? {
        visit(r.try_get(0)?, r.try_get::<&str, _>(1)?);
    }
    Ok(())
}

/// A file being staged.
pub struct NewImport<'a> {
    pub token: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub rows_total: i64,
    pub matched: i64,
    pub unmatched: i64,
    pub malformed: i64,
    pub households: i64,
    pub township_id: Option<i64>,
    pub county_id: Option<i64>,
    pub created_by: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_import(
    conn: &mut AnyConnection,
    i: &NewImport<'_>,
    now: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO comparison_imports (token, file_name, sha256, rows_total, matched, unmatched,
            malformed, households, state, township_id, created_by, created_at, county_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'preview', $9, $10, $11, $12) RETURNING id",
    )
    .binds((
        i.token,
        i.file_name,
        i.sha256,
        i.rows_total,
        i.matched,
        i.unmatched,
        i.malformed,
        i.households,
        i.township_id,
        i.created_by,
        now,
        i.county_id,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Rows the preview lists as not matched: (row number, problem code).
#[tracing::instrument(skip_all)]
pub async fn insert_problems(
    conn: &mut AnyConnection,
    import_id: i64,
    problems: &[(i64, &'static str)],
) -> AppResult<()> {
    let rows: Vec<Vec<Value>> = problems
        .iter()
        .map(|(row_no, code)| {
            vec![
                Value::I(import_id),
                Value::I(*row_no),
                Value::S((*code).to_owned()),
            ]
        })
        .collect();
    insert_many(
        conn,
        "comparison_problems",
        "import_id, row_no, problem",
        &rows,
    )
    .await
}

/// A row of the file that matched a household.
pub struct NewMatch {
    pub row_no: i64,
    pub household_id: i64,
    pub source: String,
    pub finding: String,
}

#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn insert_matches(
    conn: &mut AnyConnection,
    import_id: i64,
    rows: Vec<NewMatch>,
) -> AppResult<()> {
    let rows: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|m| {
            vec![
                Value::I(import_id),
                Value::I(m.row_no),
                Value::I(m.household_id),
                Value::S(m.source),
                Value::S(m.finding),
            ]
        })
        .collect();
    insert_many(
        conn,
        "comparison_matches",
        "import_id, row_no, household_id, source, finding",
        &rows,
    )
    .await
}

/// A matched row as the preview shows it (staff see full names, as on every staff page).
#[derive(Debug, Clone)]
pub struct MatchRow {
    pub row_no: i64,
    pub household_id: i64,
    pub head_name: String,
    pub village_name: String,
    pub source: String,
    pub finding: String,
}

/// The first `limit` matched rows, in file order.
#[tracing::instrument(skip_all)]
pub async fn matches(db: &Db, import_id: i64, limit: i64) -> AppResult<Vec<MatchRow>> {
    let rows = sqlx::query(
        "SELECT m.row_no, m.household_id, h.head_name, v.name_zh, m.source, m.finding
         FROM comparison_matches m JOIN households h ON h.id = m.household_id
             JOIN regions v ON v.id = h.village_id
         WHERE m.import_id = $1 ORDER BY m.row_no LIMIT $2",
    )
    .binds((import_id, limit))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MatchRow {
                row_no: r.try_get(0)?,
                household_id: r.try_get(1)?,
                head_name: r.try_get(2)?,
                village_name: r.try_get(3)?,
                source: r.try_get(4)?,
                finding: r.try_get(5)?,
            })
        })
        .collect()
}

/// A row of a staged file that could not be used, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProblem {
    pub row_no: i64,
    /// The problem's code (`rechecks::compare::sheet::RowProblem::code`).
    pub code: String,
}

/// The stored row problems, in file order.
#[tracing::instrument(skip_all)]
pub async fn problems(db: &Db, import_id: i64) -> AppResult<Vec<StoredProblem>> {
    all(
        &db.pool,
        "SELECT row_no, problem FROM comparison_problems WHERE import_id = $1 ORDER BY row_no",
        import_id,
        |r| {
            Ok(StoredProblem {
                row_no: r.try_get(0)?,
                code: r.try_get(1)?,
            })
        },
    )
    .await
}

/// Marks a staged file confirmed; `false` if it was not (or no longer) waiting. Run first in the
/// confirming transaction: a second confirmation waits for the first and then finds nothing.
#[tracing::instrument(skip_all)]
pub async fn mark_confirmed(conn: &mut AnyConnection, import_id: i64, now: i64) -> AppResult<bool> {
    let done = exec(
        &mut *conn,
        "UPDATE comparison_imports SET state = 'confirmed', confirmed_at = $1
         WHERE id = $2 AND state = 'preview'",
        (now, import_id),
    )
    .await?;
    Ok(done == 1)
}

/// One open re-check lead per household the file matched (still active), its text every matched
/// row's "来源：发现" in file order (at most 2,000 characters). Returns how many were made.
#[tracing::instrument(skip_all)]
pub async fn create_leads(conn: &mut AnyConnection, import_id: i64, now: i64) -> AppResult<i64> {
    let done = exec(
        &mut *conn,
        "INSERT INTO rechecks (household_id, township_id, village_id, source, lead, comparison_id,
            status, created_at)
         SELECT g.household_id, v.parent_id, h.village_id, 'comparison', g.lead, $1, 'open', $2
         FROM (SELECT household_id,
                   substr(string_agg(source || '：' || finding, '；' ORDER BY row_no), 1, 2000)
                   AS lead
               FROM comparison_matches WHERE import_id = $1 GROUP BY household_id) g
             JOIN households h ON h.id = g.household_id JOIN regions v ON v.id = h.village_id
         WHERE h.status = 'active'
         ORDER BY g.household_id",
        (import_id, now),
    )
    .await?;
    let made = i64::try_from(done).unwrap_or(i64::MAX);
    exec(
        &mut *conn,
        "UPDATE comparison_imports SET leads = $1 WHERE id = $2",
        (made, import_id),
    )
    .await?;
    Ok(made)
}
