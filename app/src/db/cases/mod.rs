//! The case file: applications, members, near-relative declarations, signed steps, review
//! meetings and evidence files. Everything here is staff-only except the aggregate counts at the
//! end ([`progress`]), which hold no names.

use crate::db::{all, one};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::regions::scope_condition;
use super::Db;
use crate::domain::case::{ApplicationChannel, CaseAction, Relation, RelativeOf, Stage};
use crate::domain::{AidCategory, Scope};
use crate::error::AppResult;

use crate::db::exec;
use crate::db::{Binds, Columns};

mod steps;
pub use steps::*;
mod lists;
pub use lists::*;

/// A new application.
pub struct NewCase<'a> {
    pub household_id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub group_name: &'a str,
    pub channel: ApplicationChannel,
    pub complaint_id: Option<i64>,
    pub received_on: NaiveDate,
    pub category_asked: AidCategory,
    pub near_relative: bool,
    pub created_by: i64,
    /// The registration form's one-time token, hashed (`None`: not registered by that form).
    pub form_token_hash: Option<&'a str>,
}

/// A member of the applying household (staff-only details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub relation: Relation,
    pub id_number: Option<String>,
    pub disability_grade: Option<i64>,
    pub serious_illness: bool,
}

/// A near-relative declaration (近亲属备案).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelativeDeclaration {
    pub id: i64,
    pub member_name: String,
    pub kind: RelativeOf,
    pub related_name: String,
    pub related_post: String,
    pub relation: String,
}

/// A case as staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    pub household_id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub group_name: String,
    pub channel: ApplicationChannel,
    pub complaint_id: Option<i64>,
    pub received_on: NaiveDate,
    pub category_asked: AidCategory,
    pub stage: Stage,
    pub refused_at: Option<Stage>,
    pub refusal_reason: Option<String>,
    pub near_relative: bool,
    pub decided_category: Option<AidCategory>,
    pub decided_class: Option<i64>,
    pub decided_fen: Option<i64>,
    pub review_batch_id: Option<i64>,
    pub approval_batch_id: Option<i64>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    /// When the case entered its current stage (its last step, or its registration).
    pub stage_since: i64,
    /// The applicant (the member recorded as head, else the first).
    pub applicant: String,
    /// Members covered.
    pub persons: i64,
}

const CASE_COLS: &str = "c.id, c.household_id, c.village_id, c.township_id, c.group_name, \
    c.channel, c.complaint_id, c.received_on, c.category_asked, c.stage, c.refused_at, \
    c.refusal_reason, c.near_relative, c.decided_category, c.decided_class, c.decided_fen, \
    c.review_batch_id, c.approval_batch_id, c.decided_at, c.created_at, \
    COALESCE((SELECT MAX(s.recorded_at) FROM case_steps s WHERE s.case_id = c.id \
        AND s.stage_from <> s.stage_to), c.created_at) AS stage_since, \
    COALESCE((SELECT m.name FROM case_members m WHERE m.case_id = c.id \
        ORDER BY CASE WHEN m.relation = 'head' THEN 0 ELSE 1 END, m.seq LIMIT 1), '') AS applicant, \
    (SELECT COUNT(*) FROM case_members m WHERE m.case_id = c.id) AS persons";

fn case_from_row(r: &AnyRow) -> AppResult<Case> {
    Ok(Case {
        id: r.try_get("id")?,
        household_id: r.try_get("household_id")?,
        village_id: r.try_get("village_id")?,
        township_id: r.try_get("township_id")?,
        group_name: r.try_get("group_name")?,
        channel: r.code("channel")?,
        complaint_id: r.try_get("complaint_id")?,
        received_on: r.date("received_on")?,
        category_asked: r.code("category_asked")?,
        stage: r.code("stage")?,
        refused_at: r.code_opt("refused_at")?,
        refusal_reason: r.try_get("refusal_reason")?,
        near_relative: r.flag("near_relative")?,
        decided_category: r.code_opt("decided_category")?,
        decided_class: r.try_get("decided_class")?,
        decided_fen: r.try_get("decided_fen")?,
        review_batch_id: r.try_get("review_batch_id")?,
        approval_batch_id: r.try_get("approval_batch_id")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
        stage_since: r.try_get("stage_since")?,
        applicant: r.try_get("applicant")?,
        persons: r.try_get("persons")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut AnyConnection, c: &NewCase<'_>, now: i64) -> AppResult<Option<i64>> {
    let res = sqlx::query(
        "INSERT INTO cases (household_id, village_id, township_id, group_name, channel,
            complaint_id, received_on, category_asked, stage, near_relative, created_by,
            created_at, updated_at, form_token_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9, $10, $11, $11, $12) RETURNING id",
    )
    .binds((
        c.household_id,
        c.village_id,
        c.township_id,
        c.group_name,
        c.channel.as_str(),
        c.complaint_id,
        c.received_on.to_string(),
        c.category_asked.as_str(),
        i64::from(c.near_relative),
        c.created_by,
        now,
        c.form_token_hash,
    ))
    .fetch_one(&mut *conn)
    .await;
    // Only the form token is unique: `None`, this form made its case already (at the same
    // moment).
    super::id_unless_duplicate(res)
}

/// The case a registration form made, by its token's hash.
#[tracing::instrument(skip_all)]
pub async fn by_form_token(db: &Db, form_token_hash: &str) -> AppResult<Option<i64>> {
    one(
        &db.pool,
        "SELECT id FROM cases WHERE form_token_hash = $1",
        form_token_hash,
        |r| Ok(r.try_get(0)?),
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn insert_member(
    conn: &mut AnyConnection,
    case_id: i64,
    seq: i64,
    m: &Member,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO case_members (case_id, seq, name, relation, id_number, disability_grade,
         serious_illness) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            case_id,
            seq,
            &m.name,
            m.relation.as_str(),
            &m.id_number,
            m.disability_grade,
            i64::from(m.serious_illness),
        ),
    )
    .await?;
    Ok(())
}

/// What a declaration says, in the column order both its insert and its look-up bind:
/// case, member, kind, related name, post, relation.
fn declared(case_id: i64, d: &RelativeDeclaration) -> (i64, &str, &str, &str, &str, &str) {
    (
        case_id,
        &d.member_name,
        d.kind.as_str(),
        &d.related_name,
        &d.related_post,
        &d.relation,
    )
}

/// Records a declaration and marks the case as a near-relative case.
#[tracing::instrument(skip_all)]
pub async fn insert_relative(
    conn: &mut AnyConnection,
    case_id: i64,
    d: &RelativeDeclaration,
    staff_id: i64,
    now: i64,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO case_relatives (case_id, member_name, kind, related_name, related_post,
            relation, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .binds(declared(case_id, d))
    .binds((staff_id, now))
    .fetch_one(&mut *conn)
    .await?;
    sync_near_relative(conn, case_id).await?;
    Ok(row.try_get(0)?)
}

/// Takes the case's row for the rest of the transaction (a write that changes nothing): a second
/// transaction that does the same for this case waits here until the first has committed, and
/// then reads what it wrote (PostgreSQL's row lock; SQLite's transactions take the write lock
/// at their start).
#[tracing::instrument(skip_all)]
pub async fn lock_row(conn: &mut AnyConnection, case_id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE cases SET updated_at = updated_at WHERE id = $1",
        (case_id,),
    )
    .await?;
    Ok(())
}

/// Whether the case holds this very declaration already (member, kind, name, post, relation),
/// after taking its row ([`lock_row`]): a second declaration of the case waits for the first
/// to commit, then finds it (a double submit).
#[tracing::instrument(skip_all)]
pub async fn holds_declaration(
    conn: &mut AnyConnection,
    case_id: i64,
    d: &RelativeDeclaration,
) -> AppResult<bool> {
    lock_row(conn, case_id).await?;
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM case_relatives WHERE case_id = $1 AND member_name = $2
           AND kind = $3 AND related_name = $4 AND related_post = $5 AND relation = $6",
    )
    .binds(declared(case_id, d))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}

/// Removes a declaration of this case: what it said, or `None` when there is none with that id.
#[tracing::instrument(skip_all)]
pub async fn delete_relative(
    conn: &mut AnyConnection,
    case_id: i64,
    id: i64,
) -> AppResult<Option<RelativeDeclaration>> {
    // The case's row first: a second removal sent at once waits, then finds nothing to remove.
    lock_row(conn, case_id).await?;
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RELATIVE_COLS} FROM case_relatives WHERE id = $1 AND case_id = $2"
    ));
    let held = sqlx::query(sql)
        .binds((id, case_id))
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(relative_from_row)
        .transpose()?;
    if held.is_some() {
        exec(
            &mut *conn,
            "DELETE FROM case_relatives WHERE id = $1 AND case_id = $2",
            (id, case_id),
        )
        .await?;
        sync_near_relative(conn, case_id).await?;
    }
    Ok(held)
}

async fn sync_near_relative(conn: &mut AnyConnection, case_id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE cases SET near_relative = CASE WHEN EXISTS
            (SELECT 1 FROM case_relatives r WHERE r.case_id = cases.id) THEN 1 ELSE 0 END
         WHERE id = $1",
        (case_id,),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> AppResult<Option<Case>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {CASE_COLS} FROM cases c WHERE c.id = $1"));
    one(&db.pool, sql, id, case_from_row).await
}

/// Which cases a list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: Scope,
    pub village_id: Option<i64>,
    pub stage: Option<Stage>,
    /// Only cases on this 审核/审批 list.
    pub batch_id: Option<i64>,
}

/// Cases in scope, oldest stage first (what waits longest comes first).
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &CaseFilter, limit: i64) -> AppResult<Vec<Case>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c
         WHERE {} AND ($1 IS NULL OR c.village_id = $1)
           AND ($2 IS NULL OR c.stage = $2)
           AND ($3 IS NULL OR c.review_batch_id = $3 OR c.approval_batch_id = $3)
         ORDER BY stage_since, c.id LIMIT $4",
        scope_condition(&f.scope, "c.township_id")
    )))
    .binds((f.village_id, f.stage.map(|s| s.as_str()), f.batch_id, limit))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(case_from_row).collect()
}

/// Enrolled cases of a village that no standing list carries yet (they join the next one).
#[tracing::instrument(skip_all)]
pub async fn enrolled_not_on_standing(db: &Db, village_id: i64) -> AppResult<Vec<Case>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c
         WHERE c.village_id = $1 AND c.stage = 'enrolled' AND NOT EXISTS (
            SELECT 1 FROM batch_entries e JOIN batches b ON b.id = e.batch_id
            WHERE e.case_id = c.id AND b.kind = 'standing' AND b.state <> 'withdrawn')
         ORDER BY c.id"
    ));
    all(&db.pool, sql, village_id, case_from_row).await
}

#[tracing::instrument(skip_all)]
pub async fn members(db: &Db, case_id: i64) -> AppResult<Vec<Member>> {
    all(
        &db.pool,
        "SELECT name, relation, id_number, disability_grade, serious_illness FROM case_members
         WHERE case_id = $1 ORDER BY seq",
        case_id,
        |r| {
            Ok(Member {
                name: r.try_get("name")?,
                relation: r.code("relation")?,
                id_number: r.try_get("id_number")?,
                disability_grade: r.try_get("disability_grade")?,
                serious_illness: r.flag("serious_illness")?,
            })
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn relatives(db: &Db, case_id: i64) -> AppResult<Vec<RelativeDeclaration>> {
    all(
        &db.pool,
        sqlx::AssertSqlSafe(format!(
            "SELECT {RELATIVE_COLS} FROM case_relatives WHERE case_id = $1 ORDER BY id"
        )),
        case_id,
        relative_from_row,
    )
    .await
}

const RELATIVE_COLS: &str = "id, member_name, kind, related_name, related_post, relation";

fn relative_from_row(r: &AnyRow) -> AppResult<RelativeDeclaration> {
    Ok(RelativeDeclaration {
        id: r.try_get("id")?,
        member_name: r.try_get("member_name")?,
        kind: r.code("kind")?,
        related_name: r.try_get("related_name")?,
        related_post: r.try_get("related_post")?,
        relation: r.try_get("relation")?,
    })
}

/// An evidence file's description (not its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: i64,
    pub content_type: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

#[tracing::instrument(skip_all)]
pub async fn evidence(db: &Db, case_id: i64) -> AppResult<Vec<Evidence>> {
    all(
        &db.pool,
        "SELECT e.id, e.content_type, e.file_name, e.size, e.sha256, st.display_name, e.uploaded_at
         FROM evidence_files e JOIN staff st ON st.id = e.uploaded_by
         WHERE e.case_id = $1 ORDER BY e.id",
        case_id,
        |r| {
            Ok(Evidence {
                id: r.try_get(0)?,
                content_type: r.try_get(1)?,
                file_name: r.try_get(2)?,
                size: r.try_get(3)?,
                sha256: r.try_get(4)?,
                uploaded_by: r.try_get(5)?,
                uploaded_at: r.try_get(6)?,
            })
        },
    )
    .await
}

/// One evidence file of a case.
#[tracing::instrument(skip_all)]
pub async fn evidence_file(
    db: &Db,
    case_id: i64,
    file_id: i64,
) -> AppResult<Option<crate::db::files::StoredFile>> {
    let row = sqlx::query(
        "SELECT content_type, file_name, data FROM evidence_files WHERE id = $1 AND case_id = $2",
    )
    .binds((file_id, case_id))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| crate::db::files::StoredFile::from_row(&r, 0))
        .transpose()
}

/// How many evidence files a case has.
#[tracing::instrument(skip_all)]
pub async fn evidence_count(db: &Db, case_id: i64) -> AppResult<usize> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidence_files WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}
