//! A synthetic province for the benchmarks (`sunshine bench seed`): villages, households and
//! their published standing lists written in bulk, a township at a time, in the caller's
//! transaction. Never used by the service itself; the counties and townships go through
//! [`regions::insert`](super::regions::insert) like any other.

use sqlx::{AnyConnection, Row};

use super::bulk::{insert_many, Value};
use crate::error::AppResult;

/// A village to add under a township.
pub struct NewVillage {
    pub code: String,
    pub name_zh: String,
    pub sort_order: i64,
}

/// A household to add (a fictional one: valid ID number, no phone, no address).
pub struct NewHousehold {
    pub village_id: i64,
    pub head_name: String,
    pub id_number: String,
    pub persons: i64,
    /// `doudi` or `yiban`.
    pub category: &'static str,
    pub aid_class: i64,
    pub monthly_fen: i64,
}

/// A row of a village's standing list (a renewal of a 一般保障 household).
pub struct NewEntry {
    pub batch_id: i64,
    pub household_id: i64,
    pub seq: i64,
    pub public_ref: String,
    pub head_name: String,
    pub persons: i64,
    pub monthly_fen: i64,
}

/// The id in the first column of a row.
fn id(r: &sqlx::any::AnyRow) -> AppResult<i64> {
    Ok(r.try_get(0)?)
}

/// Adds the villages of a township (which has none yet); their ids, in the order given.
pub async fn add_villages(
    conn: &mut AnyConnection,
    township_id: i64,
    villages: &[NewVillage],
) -> AppResult<Vec<i64>> {
    let rows: Vec<Vec<Value>> = villages
        .iter()
        .map(|v| {
            vec![
                Value::I(township_id),
                Value::S("village".into()),
                Value::S(v.code.clone()),
                Value::S(v.name_zh.clone()),
                Value::I(v.sort_order),
            ]
        })
        .collect();
    insert_many(
        conn,
        "regions",
        "parent_id, level, code, name_zh, sort_order",
        &rows,
    )
    .await?;
    let sql = "SELECT id FROM regions WHERE parent_id = $1 ORDER BY id";
    super::all(&mut *conn, sql, township_id, id).await
}

/// Adds a published standing list, open from `opens_on`, to each of a township's villages
/// (given in id order); the lists' ids, in the villages' order.
pub async fn add_standing_lists(
    conn: &mut AnyConnection,
    township_id: i64,
    village_ids: &[i64],
    opens_on: &str,
    now: i64,
) -> AppResult<Vec<i64>> {
    let rows: Vec<Vec<Value>> = village_ids
        .iter()
        .map(|v| {
            vec![
                Value::I(*v),
                Value::I(township_id),
                Value::S("standing".into()),
                Value::S("published".into()),
                Value::S(opens_on.to_owned()),
                Value::I(now),
                Value::I(now),
                Value::I(now),
            ]
        })
        .collect();
    insert_many(
        conn,
        "batches",
        "village_id, township_id, kind, state, opens_on, created_at, published_at, updated_at",
        &rows,
    )
    .await?;
    let sql = "SELECT id FROM batches WHERE township_id = $1 ORDER BY village_id";
    super::all(&mut *conn, sql, township_id, id).await
}

/// Adds the households of a township (which has none yet); the id of the first: the others
/// follow it in the order given (ids are assigned in insertion order within the transaction).
pub async fn add_households(
    conn: &mut AnyConnection,
    township_id: i64,
    households: &[NewHousehold],
    now: i64,
) -> AppResult<i64> {
    let rows: Vec<Vec<Value>> = households
        .iter()
        .map(|h| {
            vec![
                Value::I(h.village_id),
                Value::S(h.head_name.clone()),
                Value::S(h.id_number.clone()),
                Value::I(h.persons),
                Value::S(h.category.into()),
                Value::I(h.aid_class),
                Value::I(h.monthly_fen),
                Value::I(now),
                Value::I(now),
            ]
        })
        .collect();
    insert_many(
        conn,
        "households",
        "village_id, head_name, id_number, persons, category, aid_class, monthly_fen, created_at, updated_at",
        &rows,
    )
    .await?;
    Ok(sqlx::query(
        "SELECT MIN(h.id) FROM households h JOIN regions v ON v.id = h.village_id
         WHERE v.parent_id = $1",
    )
    .bind(township_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

/// Adds rows to standing lists (the summaries' roll-ups are not moved: recount them after).
pub async fn add_entries(conn: &mut AnyConnection, entries: &[NewEntry]) -> AppResult<()> {
    let rows: Vec<Vec<Value>> = entries
        .iter()
        .map(|e| {
            vec![
                Value::I(e.batch_id),
                Value::I(e.household_id),
                Value::I(e.seq),
                Value::S(e.public_ref.clone()),
                Value::S(e.head_name.clone()),
                Value::I(e.persons),
                Value::I(e.monthly_fen),
                Value::S("yiban".into()),
                Value::Null,
                Value::S("renew".into()),
            ]
        })
        .collect();
    insert_many(
        conn,
        "batch_entries",
        "batch_id, household_id, seq, public_ref, head_name, persons, monthly_fen, category, aid_class, change_kind",
        &rows,
    )
    .await
}
