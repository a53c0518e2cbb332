//! Adding many list entries at once (a form's one row, or a 100,000-row import), finding or
//! registering each household of the village on the way.

use std::collections::HashSet;

use sqlx::AnyConnection;

use super::bulk::{insert_many, Value, CHUNK_ROWS};
use super::publicity::{household_keys, max_seq, new_public_ref};
use crate::domain::{AidCategory, ChangeKind, Fen};
use crate::error::{AppError, AppResult};

/// One checked row of a list.
#[derive(Debug, Clone, Copy)]
pub struct ListRow<'a> {
    pub head_name: &'a str,
    pub id_number: Option<&'a str>,
    pub persons: i64,
    pub monthly_fen: Fen,
    pub category: AidCategory,
    pub aid_class: Option<i64>,
    pub change: ChangeKind,
}

impl ListRow<'_> {
    /// How a row finds its household: by ID number when it has one, else by the head's name.
    fn key(&self) -> String {
        match self.id_number {
            Some(idn) => format!("id:{idn}"),
            None => format!("name:{}", self.head_name),
        }
    }
}

const HOUSEHOLDS: &str = "village_id, head_name, id_number, persons, category, aid_class, \
    monthly_fen, created_at, updated_at";
const ENTRIES: &str = "batch_id, household_id, seq, public_ref, head_name, persons, monthly_fen, \
    category, aid_class, change_kind";

fn optional_i64(v: Option<i64>) -> Value {
    v.map(Value::I).unwrap_or(Value::Null)
}

/// Appends `rows` to batch `batch_id` of village `village_id`, registering households the
/// village does not know yet. One query for the village's households, multi-row inserts for the
/// new ones, one more query for their ids, then multi-row inserts of the entries: a 100,000-row
/// list is a few hundred statements in the caller's transaction, not several per row. Rows
/// become bound values one chunk at a time, so a large import never holds a second full copy
/// of itself in memory.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn add_rows(
    conn: &mut AnyConnection,
    batch_id: i64,
    village_id: i64,
    rows: &[ListRow<'_>],
    now: i64,
) -> AppResult<()> {
    let keys: Vec<String> = rows.iter().map(ListRow::key).collect();
    let mut known = household_keys(conn, village_id).await?;
    let mut new_keys = HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    let mut added = false;
    for (r, key) in rows.iter().zip(&keys) {
        if known.contains_key(key) || !new_keys.insert(key.as_str()) {
            continue;
        }
        chunk.push(vec![
            Value::I(village_id),
            Value::S(r.head_name.to_owned()),
            r.id_number
                .map(|s| Value::S(s.to_owned()))
                .unwrap_or(Value::Null),
            Value::I(r.persons),
            Value::S(r.category.as_str().to_owned()),
            optional_i64(r.aid_class),
            Value::I(r.monthly_fen.fen()),
            Value::I(now),
            Value::I(now),
        ]);
        if chunk.len() == CHUNK_ROWS {
            insert_many(conn, "households", HOUSEHOLDS, &chunk).await?;
            chunk.clear();
            added = true;
        }
    }
    if !chunk.is_empty() {
        insert_many(conn, "households", HOUSEHOLDS, &chunk).await?;
        chunk.clear();
        added = true;
    }
    drop(new_keys);
    if added {
        // Let go of the old map before building the new one (peak memory of large imports).
        drop(std::mem::take(&mut known));
        known = household_keys(conn, village_id).await?;
    }
    let mut seq = max_seq(conn, batch_id).await?;
    for (r, key) in rows.iter().zip(&keys) {
        let household = *known
            .get(key)
            .ok_or_else(|| AppError::internal("import", "household not found after insert"))?;
        seq += 1;
        chunk.push(vec![
            Value::I(batch_id),
            Value::I(household),
            Value::I(seq),
            Value::S(new_public_ref()),
            Value::S(r.head_name.to_owned()),
            Value::I(r.persons),
            Value::I(r.monthly_fen.fen()),
            Value::S(r.category.as_str().to_owned()),
            optional_i64(r.aid_class),
            Value::S(r.change.as_str().to_owned()),
        ]);
        if chunk.len() == CHUNK_ROWS {
            insert_many(conn, "batch_entries", ENTRIES, &chunk).await?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        insert_many(conn, "batch_entries", ENTRIES, &chunk).await?;
    }
    Ok(())
}
