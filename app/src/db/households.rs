//! Households: staff-only data. Nothing in this module is public; public pages read
//! aggregates (`VillageTotals`) or, later, `PublicEntry` values built by the publicity module.

use sqlx::Row;

use crate::db::exec;
use crate::db::Binds;
use crate::error::AppResult;

/// A household as staff enter it. Not `Serialize`: full names and ID numbers must never reach
/// a browser by accident.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub village_id: i64,
    pub group_id: Option<i64>,
    pub head_name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub persons: i64,
    pub category: String,
    pub aid_class: Option<i64>,
    pub monthly_fen: i64,
    pub near_relative: bool,
    pub staff_notes: Option<String>,
}

/// Counts and money for one village's current recipients: safe to publish.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub households: i64,
    pub persons: i64,
    pub monthly_fen: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut sqlx::AnyConnection, h: &NewHousehold, now: i64) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO households (village_id, group_id, head_name, id_number, phone, address,
            persons, category, aid_class, monthly_fen, status, near_relative, staff_notes,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $12, $13, $13)
         RETURNING id",
    )
    .binds((
        h.village_id,
        h.group_id,
        &h.head_name,
        &h.id_number,
        &h.phone,
        &h.address,
        h.persons,
        &h.category,
        h.aid_class,
        h.monthly_fen,
        i64::from(h.near_relative),
        &h.staff_notes,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// The household of a village registered under this ID number, if any (on the caller's
/// connection, so inside its transaction).
#[tracing::instrument(skip_all)]
pub async fn find_by_id_number(
    conn: &mut sqlx::AnyConnection,
    village_id: i64,
    id_number: &str,
) -> AppResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT id FROM households WHERE village_id = $1 AND id_number = $2 ORDER BY id LIMIT 1",
    )
    .binds((village_id, id_number))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => Some(r.try_get(0)?),
        None => None,
    })
}

/// Sets a household's covered persons, category, class and amount (at enrolment).
#[tracing::instrument(skip_all)]
pub async fn set_allowance(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    persons: i64,
    category: &str,
    aid_class: Option<i64>,
    monthly_fen: i64,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE households SET persons = $1, category = $2, aid_class = $3, monthly_fen = $4,
         status = 'active', updated_at = $5, recheck_seq = recheck_seq + 1 WHERE id = $6",
        (persons, category, aid_class, monthly_fen, now, id),
    )
    .await?;
    Ok(())
}
