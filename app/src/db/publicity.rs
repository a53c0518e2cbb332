//! Publicity batches and their entries.
//!
//! Privacy by construction: the only functions public pages call return [`Batch`] (no names)
//! or [`PublicEntry`] (masked names, built here, where the full name is read). Full rows
//! ([`StaffEntry`]) are for staff handlers only and are not `Serialize`.

use crate::db::{all, one};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::domain::{
    AidCategory, AidClass, BatchKind, BatchState, ChangeKind, Fen, MaskPolicy, MaskedName,
    PersonCount, PublicEntry, Scope,
};
use crate::error::AppResult;

/// A batch. Holds no personal data, so it may be shown publicly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: i64,
    pub village_id: i64,
    pub township_id: i64,
    pub kind: BatchKind,
    pub state: BatchState,
    pub opens_on: NaiveDate,
    pub closes_on: Option<NaiveDate>,
    pub previous_id: Option<i64>,
    pub created_at: i64,
    pub published_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub end_reason: Option<String>,
}

const BATCH_COLS: &str = "id, village_id, township_id, kind, state, opens_on, closes_on, \
    previous_id, created_at, published_at, ended_at, end_reason";

use crate::db::{Binds, Columns};

fn batch_from_row(row: &AnyRow) -> AppResult<Batch> {
    Ok(Batch {
        id: row.try_get("id")?,
        village_id: row.try_get("village_id")?,
        township_id: row.try_get("township_id")?,
        kind: row.code("kind")?,
        state: row.code("state")?,
        opens_on: row.date("opens_on")?,
        closes_on: row.date_opt("closes_on")?,
        previous_id: row.try_get("previous_id")?,
        created_at: row.try_get("created_at")?,
        published_at: row.try_get("published_at")?,
        ended_at: row.try_get("ended_at")?,
        end_reason: row.try_get("end_reason")?,
    })
}

pub struct NewBatch {
    pub village_id: i64,
    pub township_id: i64,
    pub kind: BatchKind,
    pub opens_on: NaiveDate,
    pub closes_on: Option<NaiveDate>,
    pub window_days: Option<i64>,
    pub created_by: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_batch(conn: &mut AnyConnection, b: &NewBatch, now: i64) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO batches (village_id, township_id, kind, state, opens_on, closes_on,
            window_days, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .binds((
        b.village_id,
        b.township_id,
        b.kind.as_str(),
        b.opens_on.format("%Y-%m-%d").to_string(),
        b.closes_on.map(|d| d.format("%Y-%m-%d").to_string()),
        b.window_days,
        b.created_by,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Marks a draft as made by the form with this one-time token (hashed). `false`: a draft has it
/// already (the same form, sent twice at once; the unique index made this one wait for it).
#[tracing::instrument(skip_all)]
pub async fn claim_form_token(
    conn: &mut AnyConnection,
    id: i64,
    token_hash: &str,
) -> AppResult<bool> {
    let res = sqlx::query("UPDATE batches SET form_token_hash = $1 WHERE id = $2 RETURNING id")
        .binds((token_hash, id))
        .fetch_one(&mut *conn)
        .await;
    Ok(super::id_unless_duplicate(res)?.is_some())
}

/// The draft a form made, by its one-time token's hash (read from the primary).
#[tracing::instrument(skip_all)]
pub async fn by_form_token(db: &Db, token_hash: &str) -> AppResult<Option<Batch>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLS} FROM batches WHERE form_token_hash = $1"
    ));
    one(&db.pool, sql, token_hash, batch_from_row).await
}

#[tracing::instrument(skip_all)]
pub async fn batch(db: &Db, id: i64) -> AppResult<Option<Batch>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {BATCH_COLS} FROM batches WHERE id = $1"));
    one(db.reader(), sql, id, batch_from_row).await
}

/// Every non-draft batch of a village, newest first (what the public may see).
#[tracing::instrument(skip_all)]
pub async fn public_batches_of_village(db: &Db, village_id: i64) -> AppResult<Vec<Batch>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLS} FROM batches WHERE village_id = $1 AND state <> 'draft'
         ORDER BY opens_on DESC, id DESC"
    ));
    all(db.reader(), sql, village_id, batch_from_row).await
}

/// The village's current standing list (长期公示): its one published standing batch.
#[tracing::instrument(skip_all)]
pub async fn current_standing(db: &Db, village_id: i64) -> AppResult<Option<Batch>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLS} FROM batches
         WHERE village_id = $1 AND kind = 'standing' AND state = 'published'
         ORDER BY published_at DESC, id DESC LIMIT 1"
    ));
    one(db.reader(), sql, village_id, batch_from_row).await
}

/// Batches in a staff scope, newest first.
#[tracing::instrument(skip_all)]
pub async fn batches_in_scope(db: &Db, scope: &Scope, limit: i64) -> AppResult<Vec<Batch>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLS} FROM batches WHERE {} ORDER BY id DESC LIMIT $1",
        super::regions::scope_condition(scope, "township_id")
    ));
    all(&db.pool, sql, limit, batch_from_row).await
}

/// Moves a batch to a new state; `expected` guards against double submits and races.
/// Returns false (changing nothing) when the batch was not in `expected`. The summaries'
/// roll-ups move with it, in the same transaction ([`super::stats::move_batch`]).
#[tracing::instrument(skip_all)]
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    expected: BatchState,
    new: BatchState,
    reason: Option<&str>,
    now: i64,
) -> AppResult<bool> {
    let res = match new {
        BatchState::Published => {
            exec(
                &mut *conn,
                "UPDATE batches SET state = $1, published_at = $2, updated_at = $2
                 WHERE id = $3 AND state = $4",
                (new.as_str(), now, id, expected.as_str()),
            )
            .await?
        }
        _ => {
            exec(
                &mut *conn,
                "UPDATE batches SET state = $1, ended_at = $2, end_reason = $3, updated_at = $2
                 WHERE id = $4 AND state = $5",
                (new.as_str(), now, reason, id, expected.as_str()),
            )
            .await?
        }
    };
    if res != 1 {
        return Ok(false);
    }
    super::stats::move_batch(conn, id, expected, new).await?;
    Ok(true)
}

/// Moves a review/approval window (publishing opens it today when planned for an earlier day).
#[tracing::instrument(skip_all)]
pub async fn set_window(
    conn: &mut AnyConnection,
    id: i64,
    opens: NaiveDate,
    closes: NaiveDate,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE batches SET opens_on = $1, closes_on = $2 WHERE id = $3",
        (
            opens.format("%Y-%m-%d").to_string(),
            closes.format("%Y-%m-%d").to_string(),
            id,
        ),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_previous(
    conn: &mut AnyConnection,
    id: i64,
    previous: Option<i64>,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE batches SET previous_id = $1 WHERE id = $2",
        (previous, id),
    )
    .await?;
    Ok(())
}

/// A full entry, with the real name: staff pages, the printed notice and exports only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEntry {
    pub id: i64,
    pub household_id: i64,
    pub seq: i64,
    pub public_ref: String,
    pub head_name: String,
    pub persons: i64,
    pub monthly_fen: i64,
    pub category: AidCategory,
    pub aid_class: Option<i64>,
    pub change: ChangeKind,
    /// The case the entry was made from (`None`: an existing recipient entered by hand).
    pub case_id: Option<i64>,
}

pub struct NewEntry<'a> {
    pub household_id: i64,
    pub head_name: &'a str,
    pub persons: i64,
    pub monthly_fen: i64,
    pub category: AidCategory,
    pub aid_class: Option<i64>,
    pub change: ChangeKind,
}

impl NewEntry<'_> {
    /// What an entry says, in the column order its insert and its correction bind: head's
    /// name, persons, monthly amount, category, class, change.
    pub(crate) fn values(&self) -> (&str, i64, i64, &'static str, Option<i64>, &'static str) {
        (
            self.head_name,
            self.persons,
            self.monthly_fen,
            self.category.as_str(),
            self.aid_class,
            self.change.as_str(),
        )
    }
}

/// A new opaque public reference: "E" and 10 random base-32 characters.
pub fn new_public_ref() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 10];
    rand::fill(&mut bytes);
    let mut s = String::with_capacity(11);
    s.push('E');
    for b in bytes {
        s.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
    }
    s
}

/// Whether a string has the shape of a public reference (checked before any query).
pub fn is_public_ref(s: &str) -> bool {
    s.len() == 11
        && s.starts_with('E')
        && s[1..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[tracing::instrument(skip_all)]
pub async fn insert_entry(
    conn: &mut AnyConnection,
    batch_id: i64,
    e: &NewEntry<'_>,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO batch_entries (batch_id, household_id, seq, public_ref, head_name, persons,
            monthly_fen, category, aid_class, change_kind)
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM batch_entries WHERE batch_id = $1),
            $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
    )
    .binds((batch_id, e.household_id, new_public_ref()))
    .binds(e.values())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Corrects an entry of a batch (its household link is kept). False when there is no such entry.
#[tracing::instrument(skip_all)]
pub async fn update_entry(
    conn: &mut AnyConnection,
    batch_id: i64,
    entry_id: i64,
    e: &NewEntry<'_>,
) -> AppResult<bool> {
    let res = sqlx::query(
        "UPDATE batch_entries SET head_name = $1, persons = $2, monthly_fen = $3, category = $4,
            aid_class = $5, change_kind = $6 WHERE id = $7 AND batch_id = $8",
    )
    .binds(e.values())
    .binds((entry_id, batch_id))
    .execute(&mut *conn)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// The highest position used in a batch (0 when empty).
#[tracing::instrument(skip_all)]
pub async fn max_seq(conn: &mut AnyConnection, batch_id: i64) -> AppResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM batch_entries WHERE batch_id = $1")
            .bind(batch_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get::<i64, _>(0)?,
    )
}

/// The village's households by lookup key (`id:<ID number>` and `name:<head name>`), for
/// matching a whole import in memory instead of one query per row.
#[tracing::instrument(skip_all)]
pub async fn household_keys(
    conn: &mut AnyConnection,
    village_id: i64,
) -> AppResult<std::collections::HashMap<String, i64>> {
    let rows = sqlx::query(
        "SELECT id, head_name, id_number FROM households WHERE village_id = $1 ORDER BY id DESC",
    )
    .bind(village_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut map = std::collections::HashMap::with_capacity(rows.len() * 2);
    // Newest first, so that the oldest matching household wins (the first one registered).
    for r in rows {
        let id: i64 = r.try_get(0)?;
        let name: String = r.try_get(1)?;
        let idn: Option<String> = r.try_get(2)?;
        map.insert(format!("name:{name}"), id);
        if let Some(idn) = idn {
            map.insert(format!("id:{idn}"), id);
        }
    }
    Ok(map)
}

#[tracing::instrument(skip_all)]
pub async fn delete_entry(
    conn: &mut AnyConnection,
    batch_id: i64,
    entry_id: i64,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "DELETE FROM batch_entries WHERE id = $1 AND batch_id = $2",
        (entry_id, batch_id),
    )
    .await?;
    Ok(res == 1)
}

fn staff_entry_from_row(r: &AnyRow) -> AppResult<StaffEntry> {
    Ok(StaffEntry {
        id: r.try_get("id")?,
        household_id: r.try_get("household_id")?,
        seq: r.try_get("seq")?,
        public_ref: r.try_get("public_ref")?,
        head_name: r.try_get("head_name")?,
        persons: r.try_get("persons")?,
        monthly_fen: r.try_get("monthly_fen")?,
        category: r.code("category")?,
        aid_class: r.try_get("aid_class")?,
        change: r.code("change_kind")?,
        case_id: r.try_get("case_id")?,
    })
}

#[tracing::instrument(skip_all)]
pub async fn staff_entries(db: &Db, batch_id: i64) -> AppResult<Vec<StaffEntry>> {
    all(
        db.reader(),
        "SELECT id, household_id, seq, public_ref, head_name, persons, monthly_fen, category,
            aid_class, change_kind, case_id FROM batch_entries WHERE batch_id = $1 ORDER BY seq, id",
        batch_id,
        staff_entry_from_row,
    )
    .await
}

/// The public rows of a batch: names masked here, as they are read.
#[tracing::instrument(skip_all)]
pub async fn public_entries(
    db: &Db,
    batch_id: i64,
    policy: MaskPolicy,
) -> AppResult<Vec<(i64, PublicEntry)>> {
    Ok(staff_entries(db, batch_id)
        .await?
        .into_iter()
        .filter_map(|e| to_public(&e, policy).map(|p| (e.household_id, p)))
        .collect())
}

/// The public rows of a batch and their totals, from one read of its entries.
#[tracing::instrument(skip_all)]
pub async fn public_entries_and_totals(
    db: &Db,
    batch_id: i64,
    policy: MaskPolicy,
) -> AppResult<(Vec<(i64, PublicEntry)>, super::households::Totals)> {
    let rows = staff_entries(db, batch_id).await?;
    let totals = totals_of(&rows);
    let public = rows
        .iter()
        .filter_map(|e| to_public(e, policy).map(|p| (e.household_id, p)))
        .collect();
    Ok((public, totals))
}

/// What [`totals`] counts, from entries already read: every row but those that stop a
/// household's allowance.
pub fn totals_of(rows: &[StaffEntry]) -> super::households::Totals {
    rows.iter().filter(|e| e.change != ChangeKind::Stop).fold(
        super::households::Totals::default(),
        |t, e| super::households::Totals {
            households: t.households + 1,
            persons: t.persons + e.persons,
            monthly_fen: t.monthly_fen + e.monthly_fen,
        },
    )
}

/// The village's current standing list among its batches: what [`current_standing`] reads (the
/// published standing batch published last).
pub fn current_standing_of(batches: &[Batch]) -> Option<&Batch> {
    batches
        .iter()
        .filter(|b| b.kind == BatchKind::Standing && b.state == BatchState::Published)
        .max_by_key(|b| (b.published_at, b.id))
}

/// Builds the public shape of an entry; the only way from a full row to anything public.
/// `None` only for a row that breaks the table's CHECK constraints (logged, never shown).
pub fn to_public(e: &StaffEntry, policy: MaskPolicy) -> Option<PublicEntry> {
    let Ok(persons) = PersonCount::new(e.persons) else {
        tracing::error!(entry_id = e.id, "stored entry has an invalid person count");
        return None;
    };
    Some(PublicEntry {
        masked_name: MaskedName::new(&e.head_name, policy),
        persons,
        amount: Fen::from_fen(e.monthly_fen),
        category: e.category,
        class: e
            .aid_class
            .and_then(|c| u8::try_from(c).ok())
            .and_then(|c| AidClass::new(c).ok()),
        change: e.change,
        entry_ref: e.public_ref.clone(),
    })
}

/// The batch and row id of the entry with this public reference, if any.
async fn ids_by_ref(db: &Db, public_ref: &str) -> AppResult<Option<(i64, i64)>> {
    if !is_public_ref(public_ref) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT batch_id, id FROM batch_entries WHERE public_ref = $1")
        .bind(public_ref)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
        None => None,
    })
}

/// The row id of the entry with this public reference, if any.
#[tracing::instrument(skip_all)]
pub async fn entry_id_by_ref(db: &Db, public_ref: &str) -> AppResult<Option<i64>> {
    Ok(ids_by_ref(db, public_ref).await?.map(|(_, id)| id))
}

/// An entry's batch and its public form, looked up by public reference (complaint form).
#[tracing::instrument(skip_all)]
pub async fn entry_by_ref(
    db: &Db,
    public_ref: &str,
    policy: MaskPolicy,
) -> AppResult<Option<(Batch, PublicEntry)>> {
    let Some((batch_id, entry_id)) = ids_by_ref(db, public_ref).await? else {
        return Ok(None);
    };
    let Some(b) = batch(db, batch_id)
        .await?
        .filter(|b| b.state != BatchState::Draft)
    else {
        return Ok(None);
    };
    let entry = staff_entries(db, batch_id)
        .await?
        .into_iter()
        .find(|e| e.id == entry_id)
        .and_then(|e| to_public(&e, policy));
    Ok(entry.map(|e| (b, e)))
}

/// Totals of a batch's entries (households, persons, fen).
#[tracing::instrument(skip_all)]
pub async fn totals(db: &Db, batch_id: i64) -> AppResult<super::households::Totals> {
    let row = sqlx::query(
        "SELECT COUNT(*), CAST(COALESCE(SUM(persons), 0) AS BIGINT),
                CAST(COALESCE(SUM(monthly_fen), 0) AS BIGINT)
         FROM batch_entries WHERE batch_id = $1 AND change_kind <> 'stop'",
    )
    .bind(batch_id)
    .fetch_one(db.reader())
    .await?;
    Ok(super::households::Totals {
        households: row.try_get::<i64, _>(0)?,
        persons: row.try_get::<i64, _>(1)?,
        monthly_fen: row.try_get::<i64, _>(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_refs_have_a_fixed_shape() {
        for _ in 0..100 {
            let r = new_public_ref();
            assert!(is_public_ref(&r), "{r}");
        }
        assert!(!is_public_ref("E123"));
        assert!(!is_public_ref("E12345678901"));
        assert!(!is_public_ref("' OR 1=1 --"));
        assert!(!is_public_ref("eABCDEFGHJK"));
    }

    fn entry(persons: i64, fen: i64, change: ChangeKind) -> StaffEntry {
        StaffEntry {
            id: 1,
            household_id: 1,
            seq: 1,
            public_ref: String::new(),
            head_name: "张三".to_owned(),
            persons,
            monthly_fen: fen,
            category: AidCategory::General,
            aid_class: None,
            change,
            case_id: None,
        }
    }

    #[test]
    fn totals_leave_out_the_rows_that_stop_an_allowance() {
        let rows = [
            entry(3, 90_000, ChangeKind::New),
            entry(2, 60_000, ChangeKind::Stop),
            entry(1, 45_050, ChangeKind::Increase),
        ];
        let t = totals_of(&rows);
        assert_eq!((t.households, t.persons, t.monthly_fen), (2, 4, 135_050));
        assert_eq!(totals_of(&[]), super::super::households::Totals::default());
    }

    fn batch(id: i64, kind: BatchKind, state: BatchState, published_at: Option<i64>) -> Batch {
        Batch {
            id,
            village_id: 1,
            township_id: 1,
            kind,
            state,
            opens_on: NaiveDate::default(),
            closes_on: None,
            previous_id: None,
            created_at: 0,
            published_at,
            ended_at: None,
            end_reason: None,
        }
    }

    #[test]
    fn the_current_standing_list_is_the_published_one_published_last() {
        let batches = [
            batch(1, BatchKind::Standing, BatchState::Published, Some(100)),
            batch(2, BatchKind::Standing, BatchState::Published, Some(300)),
            batch(3, BatchKind::Standing, BatchState::Closed, Some(400)),
            batch(4, BatchKind::Review, BatchState::Published, Some(500)),
            batch(5, BatchKind::Standing, BatchState::Published, Some(300)),
        ];
        assert_eq!(current_standing_of(&batches).map(|b| b.id), Some(5));
        assert_eq!(current_standing_of(&batches[..2]).map(|b| b.id), Some(2));
        assert!(current_standing_of(&batches[2..4]).is_none());
    }
}
