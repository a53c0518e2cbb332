//! Written notices (告之书): staff-only documents; the public sees counts per township.
//! Numbers are taken from a counter row per document prefix and year (机关代字〔年份〕序号) inside
//! the notice's own transaction: a rolled back notice gives its number back, two notices never
//! share one, and each prefix's sequence has no gaps — a county with its own prefix numbers its
//! own notices from 1.

use crate::db::one;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::regions::scope_condition;
use super::Db;
use crate::db::exec;
use crate::domain::notice::{number, Delivery, NoticeKind};
use crate::domain::Scope;
use crate::error::AppResult;

/// The household a notice goes to, and what it says.
pub struct Issue<'a> {
    pub kind: NoticeKind,
    pub household_id: i64,
    pub case_id: Option<i64>,
    pub recheck_id: Option<i64>,
    pub township_id: i64,
    pub village_id: i64,
    pub addressee: &'a str,
    pub decision: &'a str,
    pub reasons: &'a str,
}

/// A notice to issue: to whom and what, then on what basis, by whom and by when.
pub struct NewNotice<'a> {
    pub issue: &'a Issue<'a>,
    pub basis: &'a str,
    pub issuer: &'a str,
    pub decided_on: NaiveDate,
    pub deliver_by: NaiveDate,
    pub created_by: i64,
}

/// A notice as stored.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: i64,
    pub number: String,
    pub kind: NoticeKind,
    pub household_id: i64,
    pub case_id: Option<i64>,
    pub recheck_id: Option<i64>,
    pub township_id: i64,
    pub village_id: i64,
    pub addressee: String,
    pub decision: String,
    pub reasons: String,
    pub basis: String,
    pub issuer: String,
    pub decided_on: NaiveDate,
    pub deliver_by: NaiveDate,
    pub delivered_on: Option<NaiveDate>,
    pub delivery_method: Option<Delivery>,
    pub delivered_by: Option<String>,
    /// Display name of who recorded the delivery.
    pub delivery_recorded_by: Option<String>,
}

const COLS: &str = "n.id, n.number, n.kind, n.household_id, n.case_id, n.recheck_id, n.township_id,
    n.village_id, n.addressee, n.decision, n.reasons, n.basis, n.issuer, n.decided_on, n.deliver_by,
    n.delivered_on, n.delivery_method, n.delivered_by, s.display_name";

use crate::db::{Binds, Columns};

fn from_row(r: &AnyRow) -> AppResult<Notice> {
    Ok(Notice {
        id: r.try_get(0)?,
        number: r.try_get(1)?,
        kind: r.code(2)?,
        household_id: r.try_get(3)?,
        case_id: r.try_get(4)?,
        recheck_id: r.try_get(5)?,
        township_id: r.try_get(6)?,
        village_id: r.try_get(7)?,
        addressee: r.try_get(8)?,
        decision: r.try_get(9)?,
        reasons: r.try_get(10)?,
        basis: r.try_get(11)?,
        issuer: r.try_get(12)?,
        decided_on: r.date(13)?,
        deliver_by: r.date(14)?,
        delivered_on: r.date_opt(15)?,
        delivery_method: r.code_opt(16)?,
        delivered_by: r.try_get(17)?,
        delivery_recorded_by: r.try_get(18)?,
    })
}

/// The next number of `prefix` in `year`, taken inside the caller's transaction (the counter
/// row stays locked until it commits or rolls back).
#[tracing::instrument(skip_all)]
pub async fn next_seq(conn: &mut AnyConnection, prefix: &str, year: i32) -> AppResult<i64> {
    exec(
        &mut *conn,
        "INSERT INTO notice_counters (prefix, year, last) VALUES ($1, $2, 0)
         ON CONFLICT (prefix, year) DO NOTHING",
        (prefix, i64::from(year)),
    )
    .await?;
    let row = sqlx::query(
        "UPDATE notice_counters SET last = last + 1 WHERE prefix = $1 AND year = $2 RETURNING last",
    )
    .binds((prefix, i64::from(year)))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// A notice just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: i64,
    /// Its number, as printed (鲁民低告〔2026〕3号).
    pub number: String,
}

/// Issues a notice with the next number of `prefix` in its decision's year.
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut AnyConnection,
    n: &NewNotice<'_>,
    prefix: &str,
    now: i64,
) -> AppResult<Issued> {
    let i = n.issue;
    let year = crate::domain::notice::number_year(n.decided_on);
    let seq = next_seq(conn, prefix, year).await?;
    let no = number(prefix, year, seq);
    let row = sqlx::query(
        "INSERT INTO notices (year, seq, prefix, number, kind, household_id, case_id, recheck_id,
            township_id, village_id, addressee, decision, reasons, basis, issuer, decided_on,
            deliver_by, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19)
         RETURNING id",
    )
    .binds((
        i64::from(year),
        seq,
        prefix,
        &no,
        i.kind.as_str(),
        i.household_id,
        i.case_id,
        i.recheck_id,
        i.township_id,
        i.village_id,
        i.addressee,
        i.decision,
        i.reasons,
        n.basis,
        n.issuer,
        n.decided_on.to_string(),
        n.deliver_by.to_string(),
        n.created_by,
        now,
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Issued {
        id: row.try_get(0)?,
        number: no,
    })
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> AppResult<Option<Notice>> {
    let sql = sqlx::AssertSqlSafe(format!(
    "SELECT {COLS} FROM notices n LEFT JOIN staff s ON s.id = n.delivery_recorded_by WHERE n.id = $1"
    ));
    one(&db.pool, sql, id, from_row).await
}

/// Which notices a list shows.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    pub scope: Scope,
    pub case_id: Option<i64>,
    pub household_id: Option<i64>,
    /// Only undelivered notices whose last day is before this date.
    pub overdue_on: Option<NaiveDate>,
    /// Only undelivered notices.
    pub undelivered: bool,
}

/// Notices, oldest undelivered first, then newest.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &NoticeFilter, limit: i64) -> AppResult<Vec<Notice>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM notices n LEFT JOIN staff s ON s.id = n.delivery_recorded_by
         WHERE {} AND ($1 IS NULL OR n.case_id = $1)
           AND ($2 IS NULL OR n.household_id = $2)
           AND ($3 IS NULL OR (n.delivered_on IS NULL AND n.deliver_by < $3))
           AND ($4 = 0 OR n.delivered_on IS NULL)
         ORDER BY CASE WHEN n.delivered_on IS NULL THEN 0 ELSE 1 END, n.deliver_by, n.id DESC
         LIMIT $5",
        scope_condition(&f.scope, "n.township_id")
    )))
    .binds((
        f.case_id,
        f.household_id,
        f.overdue_on.map(|d| d.to_string()),
        i64::from(f.undelivered),
        limit,
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Undelivered notices past their last day, in a scope.
#[tracing::instrument(skip_all)]
pub async fn overdue_count(db: &Db, scope: &Scope, today: NaiveDate) -> AppResult<i64> {
    Ok(sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM notices
         WHERE {} AND delivered_on IS NULL AND deliver_by < $1",
        scope_condition(scope, "township_id")
    )))
    .bind(today.to_string())
    .fetch_one(&db.pool)
    .await?
    .try_get(0)?)
}

/// A delivery record.
pub struct DeliveryRecord<'a> {
    pub delivered_on: NaiveDate,
    pub method: Delivery,
    pub delivered_by: &'a str,
    pub recorded_by: i64,
}

/// Records a notice's delivery, once: false when it was recorded already.
#[tracing::instrument(skip_all)]
pub async fn set_delivered(
    conn: &mut AnyConnection,
    id: i64,
    d: &DeliveryRecord<'_>,
    now: i64,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "UPDATE notices SET delivered_on = $1, delivery_method = $2, delivered_by = $3,
            delivery_recorded_by = $4, delivery_recorded_at = $5
         WHERE id = $6 AND delivered_on IS NULL",
        (
            d.delivered_on.to_string(),
            d.method.as_str(),
            d.delivered_by,
            d.recorded_by,
            now,
            id,
        ),
    )
    .await?;
    Ok(res == 1)
}

/// A township's written notices, for `/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeCounts {
    pub issued: i64,
    /// Delivered within their 3 working days.
    pub on_time: i64,
}

/// Notices issued and delivered on time, per township in `scope` (by township id).
#[tracing::instrument(skip_all)]
pub async fn township_counts(
    db: &Db,
    scope: &Scope,
) -> AppResult<std::collections::HashMap<i64, NoticeCounts>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT township_id, COUNT(*),
            SUM(CASE WHEN delivered_on IS NOT NULL AND delivered_on <= deliver_by THEN 1 ELSE 0 END)
         FROM notices WHERE {} GROUP BY township_id",
        scope_condition(scope, "township_id")
    )))
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let counts = NoticeCounts {
                issued: r.try_get(1)?,
                on_time: r.try_get::<Option<i64>, _>(2)?.unwrap_or(0),
            };
            Ok((r.try_get(0)?, counts))
        })
        .collect()
}
