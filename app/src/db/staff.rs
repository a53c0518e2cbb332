//! Staff accounts.

use crate::db::{all, one};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;
use crate::db::exec;
use crate::db::{Binds, Columns};
use crate::domain::{Role, Scope};
use crate::error::{AppError, AppResult};

/// A staff account as the application uses it. The password hash is a separate query
/// ([`credentials`]) so this type can travel into views without carrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub township_id: Option<i64>,
    /// The one village a village assistant works in (inside `township_id`).
    pub village_id: Option<i64>,
    /// The county an account without a township is limited to; `None` with no township = every
    /// county of the deployment.
    pub county_id: Option<i64>,
    /// The prefecture (its 12-digit code) an oversight account without a township or county is
    /// limited to; `None` with neither = every county.
    pub prefecture_code: Option<String>,
    pub email: Option<String>,
    pub active: bool,
}

impl Staff {
    /// Whether this account's scope reaches a township (whose county is `county`), or the
    /// county-level object of it when `county_level` (an escalated complaint): its own township
    /// (not once escalated), any township of its county, or anything for the deployment's own.
    /// A prefecture's oversight is nobody's assignee or signer: it covers nothing here.
    pub fn covers(&self, township: Option<i64>, county: Option<i64>, county_level: bool) -> bool {
        match (self.township_id, self.county_id) {
            (Some(mine), _) => !county_level && township == Some(mine),
            (None, Some(c)) => township.is_some() && county == Some(c),
            (None, None) => self.prefecture_code.is_none(),
        }
    }
}

/// What login needs. Not `Debug`-printable beyond the id: the hash stays out of logs.
pub struct Credentials {
    pub staff: Staff,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: i64,
}

const COLS: &str = "id, username, display_name, role, township_id, village_id, county_id, \
                    prefecture_code, email, active";

fn staff_from_row(row: &AnyRow) -> AppResult<Staff> {
    Ok(Staff {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: row.code("role")?,
        township_id: row.try_get("township_id")?,
        village_id: row.try_get("village_id")?,
        county_id: row.try_get("county_id")?,
        prefecture_code: row.try_get("prefecture_code")?,
        email: row.try_get("email")?,
        active: row.flag("active")?,
    })
}

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub rights: Rights<'a>,
    pub email: Option<&'a str>,
}

/// What an account may do and where: its role and its scope (a township, with the village of a
/// village assistant; a county; a prefecture; or, with none of them, the whole deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights<'a> {
    pub role: Role,
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub county_id: Option<i64>,
    pub prefecture_code: Option<&'a str>,
}

impl Rights<'_> {
    /// A role in one township (and, for a village assistant, one village of it).
    pub fn township(role: Role, township_id: i64, village_id: Option<i64>) -> Self {
        Rights {
            role,
            township_id: Some(township_id),
            village_id,
            county_id: None,
            prefecture_code: None,
        }
    }
}

impl Staff {
    /// What this account may do and where, as the account form sets it.
    pub fn rights(&self) -> Rights<'_> {
        Rights {
            role: self.role,
            township_id: self.township_id,
            village_id: self.village_id,
            county_id: self.county_id,
            prefecture_code: self.prefecture_code.as_deref(),
        }
    }
}

/// Inserts an account; `Conflict` when the username is taken.
#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut AnyConnection, s: &NewStaff<'_>, now: i64) -> AppResult<i64> {
    let res = sqlx::query(
        "INSERT INTO staff (username, display_name, password_hash, role, township_id, village_id,
            email, active, created_at, updated_at, county_id, prefecture_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9, $10) RETURNING id",
    )
    .binds((
        s.username,
        s.display_name,
        s.password_hash,
        s.rights.role.as_str(),
        s.rights.township_id,
        s.rights.village_id,
        s.email,
        now,
        s.rights.county_id,
        s.rights.prefecture_code,
    ))
    .fetch_one(&mut *conn)
    .await;
    match res {
        Ok(row) => Ok(row.try_get::<i64, _>(0)?),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::Conflict("username".to_owned()))
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip_all)]
pub async fn by_id(db: &Db, id: i64) -> AppResult<Option<Staff>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM staff WHERE id = $1"));
    one(&db.pool, sql, id, staff_from_row).await
}

#[tracing::instrument(skip_all)]
pub async fn by_username(db: &Db, username: &str) -> AppResult<Option<Staff>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM staff WHERE username = $1"));
    one(&db.pool, sql, username, staff_from_row).await
}

/// The id of the account `username` (which must exist), on the caller's connection.
#[tracing::instrument(skip_all)]
pub async fn id_by_username(conn: &mut AnyConnection, username: &str) -> AppResult<i64> {
    Ok(sqlx::query("SELECT id FROM staff WHERE username = $1")
        .bind(username)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

#[tracing::instrument(skip_all)]
pub async fn credentials(db: &Db, username: &str) -> AppResult<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS}, password_hash, failed_logins, locked_until FROM staff WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some(Credentials {
            staff: staff_from_row(&row)?,
            password_hash: row.try_get("password_hash")?,
            failed_logins: row.try_get("failed_logins")?,
            locked_until: row.try_get("locked_until")?,
        })),
    }
}

/// Accounts visible to a viewer scoped to `scope`, ordered by username: a county's members
/// are its townships' accounts and its own county-level ones.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope) -> AppResult<Vec<Staff>> {
    let cond = super::regions::owned_condition(scope, "township_id", "county_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM staff WHERE {cond} ORDER BY username"
    )))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(staff_from_row).collect()
}

/// The editable fields of an account.
pub struct StaffUpdate<'a> {
    pub display_name: &'a str,
    pub rights: Rights<'a>,
    pub email: Option<&'a str>,
    pub active: bool,
}

#[tracing::instrument(skip_all)]
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    u: &StaffUpdate<'_>,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE staff SET display_name = $1, role = $2, township_id = $3, email = $4,
         active = $5, updated_at = $6, village_id = $8, county_id = $9,
         prefecture_code = $10 WHERE id = $7",
        (
            u.display_name,
            u.rights.role.as_str(),
            u.rights.township_id,
            u.email,
            i64::from(u.active),
            now,
            id,
            u.rights.village_id,
            u.rights.county_id,
            u.rights.prefecture_code,
        ),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: &str,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE staff SET password_hash = $1, failed_logins = 0, locked_until = 0,
         updated_at = $2 WHERE id = $3",
        (password_hash, now, id),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_active(
    conn: &mut AnyConnection,
    id: i64,
    active: bool,
    now: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE staff SET active = $1, updated_at = $2 WHERE id = $3",
        (i64::from(active), now, id),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn record_login_failure(
    conn: &mut AnyConnection,
    id: i64,
    failures: i64,
    locked_until: i64,
) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE staff SET failed_logins = $1, locked_until = $2 WHERE id = $3",
        (failures, locked_until, id),
    )
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn record_login_success(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    exec(
        &mut *conn,
        "UPDATE staff SET failed_logins = 0, locked_until = 0 WHERE id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

/// Active supervisors who cover a township (those of its county, and the deployment's, cover
/// all its townships), for notifications.
#[tracing::instrument(skip_all)]
pub async fn supervisors_for(db: &Db, township_id: Option<i64>) -> AppResult<Vec<Staff>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM staff WHERE role = 'supervisor' AND active = 1
         AND ((township_id IS NULL AND (county_id IS NULL
                OR county_id = (SELECT parent_id FROM regions WHERE id = $1)))
              OR township_id = $1) ORDER BY id"
    ));
    all(&db.pool, sql, township_id, staff_from_row).await
}
