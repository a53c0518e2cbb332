//! What each county of a deployment says for itself (`county_settings`) and the days it keeps
//! besides the national calendar (`county_holidays`).

use chrono::NaiveDate;
use sqlx::{AnyConnection, Row};

use super::regions::Region;
use super::Db;
use crate::db::exec;
use crate::domain::county::CountySettings;
use crate::domain::{DayKind, WorkCalendar};
use crate::error::AppResult;

/// The county's stored settings (all empty when it wrote none).
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, county_id: i64) -> AppResult<CountySettings> {
    let row = sqlx::query(
        "SELECT hotline, channels, issuer, notice_prefix FROM county_settings WHERE county_id = $1",
    )
    .bind(county_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref()
        .map_or(Ok(CountySettings::default()), settings_from_row)
}

fn settings_from_row(r: &sqlx::any::AnyRow) -> AppResult<CountySettings> {
    Ok(CountySettings {
        hotline: r.try_get("hotline")?,
        channels: r.try_get("channels")?,
        issuer: r.try_get("issuer")?,
        notice_prefix: r.try_get("notice_prefix")?,
    })
}

/// The county a township belongs to, with its stored settings: one query (pages that name
/// their county's hotline read this on every render).
#[tracing::instrument(skip_all)]
pub async fn of_township(db: &Db, township_id: i64) -> AppResult<Option<(Region, CountySettings)>> {
    let row = sqlx::query(
        "SELECT c.id, c.parent_id, c.code, c.name_zh, c.name_en,
                COALESCE(s.hotline, '') AS hotline, COALESCE(s.channels, '') AS channels,
                COALESCE(s.issuer, '') AS issuer, COALESCE(s.notice_prefix, '') AS notice_prefix
         FROM regions t JOIN regions c ON c.id = t.parent_id
         LEFT JOIN county_settings s ON s.county_id = c.id
         WHERE t.id = $1 AND c.level = 'county'",
    )
    .bind(township_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref()
        .map(|r| {
            let county = Region {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                code: r.try_get("code")?,
                name_zh: r.try_get("name_zh")?,
                name_en: r.try_get("name_en")?,
            };
            Ok((county, settings_from_row(r)?))
        })
        .transpose()
}

/// A village, its township and its township's county (with the county's stored settings).
#[derive(Debug, Clone)]
pub struct VillagePlace {
    pub village: Region,
    pub township: Option<Region>,
    pub county: Option<(Region, CountySettings)>,
}

/// The village of `code` with its township, county and county settings: one query (the village
/// page, the site's most read, asked for them in three).
#[tracing::instrument(skip_all)]
pub async fn village_place(db: &Db, code: &str) -> AppResult<Option<VillagePlace>> {
    let row = sqlx::query(
        "SELECT v.id, v.parent_id, v.code, v.name_zh, v.name_en,
                t.id AS t_id, t.parent_id AS t_parent_id, t.code AS t_code,
                t.name_zh AS t_name_zh, t.name_en AS t_name_en,
                c.id AS c_id, c.parent_id AS c_parent_id, c.code AS c_code,
                c.name_zh AS c_name_zh, c.name_en AS c_name_en,
                COALESCE(s.hotline, '') AS hotline, COALESCE(s.channels, '') AS channels,
                COALESCE(s.issuer, '') AS issuer, COALESCE(s.notice_prefix, '') AS notice_prefix
         FROM regions v
         LEFT JOIN regions t ON t.id = v.parent_id
         LEFT JOIN regions c ON c.id = t.parent_id AND c.level = 'county'
         LEFT JOIN county_settings s ON s.county_id = c.id
         WHERE v.level = 'village' AND v.code = $1",
    )
    .bind(code)
    .fetch_optional(db.reader())
    .await?;
    let Some(r) = row else { return Ok(None) };
    // A joined region, when its id came back.
    let region = |p: &str| -> AppResult<Option<Region>> {
        let Some(id) = r.try_get::<Option<i64>, _>(format!("{p}id").as_str())? else {
            return Ok(None);
        };
        Ok(Some(Region {
            id,
            parent_id: r.try_get(format!("{p}parent_id").as_str())?,
            code: r
                .try_get::<Option<String>, _>(format!("{p}code").as_str())?
                .unwrap_or_default(),
            name_zh: r
                .try_get::<Option<String>, _>(format!("{p}name_zh").as_str())?
                .unwrap_or_default(),
            name_en: r.try_get(format!("{p}name_en").as_str())?,
        }))
    };
    let Some(village) = region("")? else {
        return Ok(None);
    };
    let township = region("t_")?;
    let county = match region("c_")? {
        Some(c) => Some((c, settings_from_row(&r)?)),
        None => None,
    };
    Ok(Some(VillagePlace {
        village,
        township,
        county,
    }))
}

/// Stores a county's settings (replacing what it had).
#[tracing::instrument(skip_all)]
pub async fn save(
    conn: &mut AnyConnection,
    county_id: i64,
    s: &CountySettings,
    staff_id: i64,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "INSERT INTO county_settings (county_id, hotline, channels, issuer, notice_prefix,
            updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (county_id) DO UPDATE SET hotline = excluded.hotline,
            channels = excluded.channels, issuer = excluded.issuer,
            notice_prefix = excluded.notice_prefix, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by",
        (
            county_id,
            &s.hotline,
            &s.channels,
            &s.issuer,
            &s.notice_prefix,
            now,
            staff_id,
        ),
    )
    .await?;
    Ok(())
}

/// The days a county keeps besides the national calendar.
#[tracing::instrument(skip_all)]
pub async fn holidays(db: &Db, county_id: i64) -> AppResult<Vec<(NaiveDate, DayKind)>> {
    let rows =
        sqlx::query("SELECT day, kind FROM county_holidays WHERE county_id = $1 ORDER BY day")
            .bind(county_id)
            .fetch_all(&db.pool)
            .await?;
    rows.iter().map(super::holidays::day_of).collect()
}

/// The calendar a township's deadlines count on: the national one, with its county's own days
/// over it (a county's day replaces the national entry for that day).
pub async fn calendar_of_township(db: &Db, township_id: Option<i64>) -> AppResult<WorkCalendar> {
    let mut days = super::holidays::all(db).await?;
    let county = match township_id {
        Some(t) => super::regions::county_of_township(db, t).await?,
        None => None,
    };
    if let Some(c) = county {
        // Listed after the national days: a date listed twice keeps the county's kind.
        days.extend(holidays(db, c.id).await?);
    }
    Ok(WorkCalendar::new(days))
}

#[tracing::instrument(skip_all)]
pub async fn set_holiday(
    conn: &mut AnyConnection,
    county_id: i64,
    day: NaiveDate,
    kind: DayKind,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "DELETE FROM county_holidays WHERE county_id = $1 AND day = $2",
        (county_id, day.to_string()),
    )
    .await?;
    exec(
        &mut *conn,
        "INSERT INTO county_holidays (county_id, day, kind) VALUES ($1, $2, $3)",
        (county_id, day.to_string(), super::holidays::kind_code(kind)),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn remove_holiday(
    conn: &mut AnyConnection,
    county_id: i64,
    day: NaiveDate,
) -> AppResult<bool> {
    let res = exec(
        &mut *conn,
        "DELETE FROM county_holidays WHERE county_id = $1 AND day = $2",
        (county_id, day.to_string()),
    )
    .await?;
    Ok(res > 0)
}
