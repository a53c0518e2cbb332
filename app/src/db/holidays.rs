//! The holiday table behind working-day deadlines.

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::db::Columns;
use crate::domain::{DayKind, WorkCalendar};
use crate::error::AppResult;

#[tracing::instrument(skip_all)]
pub async fn all(db: &Db) -> AppResult<Vec<(NaiveDate, DayKind)>> {
    let rows = sqlx::query("SELECT day, kind FROM holidays ORDER BY day")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(day_of).collect()
}

/// A `(day, kind)` row of the national or a county's holiday table.
pub(super) fn day_of(r: &sqlx::any::AnyRow) -> AppResult<(NaiveDate, DayKind)> {
    let day = r.date(0)?;
    let kind: String = r.try_get(1)?;
    let kind = if kind == "workday" {
        DayKind::MakeupWorkday
    } else {
        DayKind::Holiday
    };
    Ok((day, kind))
}

/// The stored code of a kind of day.
pub(super) fn kind_code(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::MakeupWorkday => "workday",
    }
}

/// The calendar deadlines are counted on.
pub async fn calendar(db: &Db) -> AppResult<WorkCalendar> {
    Ok(WorkCalendar::new(all(db).await?))
}

#[tracing::instrument(skip_all)]
pub async fn set(conn: &mut AnyConnection, day: NaiveDate, kind: DayKind) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM holidays WHERE day = $1",
        (day.to_string(),),
    )
    .await?;
    exec(
        &mut *conn,
        "INSERT INTO holidays (day, kind) VALUES ($1, $2)",
        (day.to_string(), kind_code(kind)),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn remove(conn: &mut AnyConnection, day: NaiveDate) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "DELETE FROM holidays WHERE day = $1",
        (day.to_string(),),
    )
    .await?;
    Ok(res > 0)
}

/// Seeds the table with the given days when it has none for their year(s).
pub async fn seed_if_empty(db: &Db, days: &[(NaiveDate, DayKind)]) -> AppResult<()> {
    let Some((first, _)) = days.first() else {
        return Ok(());
    };
    let year = first.format("%Y").to_string();
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM holidays WHERE day LIKE $1")
        .bind(format!("{year}-%"))
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?;
    if n > 0 {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (day, kind) in days {
        set(&mut tx, *day, *kind).await?;
    }
    tx.commit().await?;
    Ok(())
}
