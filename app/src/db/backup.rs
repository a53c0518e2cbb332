//! Backups: SQLite's online copy (`VACUUM INTO`), a consistent PostgreSQL snapshot that
//! `pg_dump --snapshot` can share, and a fingerprint of a database's content (rows per table and
//! one hash) to show that a restored copy holds exactly what was backed up.

use std::fmt;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Connection, Row};

use super::{Backend, Db};

/// Rows per table and a hash over every table's content (independent of row order and of how
/// the database stores it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub tables: Vec<(String, i64)>,
    pub sha256: String,
}

impl Fingerprint {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (table, n) in &self.tables {
            writeln!(f, "{table:<28} {n:>10}")?;
        }
        write!(
            f,
            "{} tables, {} rows, content sha256 {}",
            self.tables.len(),
            self.rows(),
            self.sha256
        )
    }
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>, sqlx::Error> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
             ORDER BY table_name"
        }
    };
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect()
}

async fn columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    sqlx::query(sql)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect()
}

/// The fingerprint of what `conn` sees (inside a snapshot, of that snapshot). Each row is
/// hashed on its own (every value as text, NULL told apart; comparable between copies on the
/// same backend) and the row hashes are added up, so
/// the order rows come back in does not matter and memory stays flat on large tables.
pub async fn fingerprint(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Fingerprint, sqlx::Error> {
    let mut all = Sha256::new();
    let mut counts = Vec::new();
    for table in tables(conn, backend).await? {
        if !is_plain_name(&table) {
            return Err(sqlx::Error::Protocol(format!(
                "unexpected table name {table:?}"
            )));
        }
        let cols = columns(conn, backend, &table).await?;
        if cols.is_empty() || !cols.iter().all(|c| is_plain_name(c)) {
            return Err(sqlx::Error::Protocol(format!(
                "unexpected columns in {table}"
            )));
        }
        // Every value as text: SQLite's quote() also spells out blobs (X'…'), which a cast
        // would hand back as raw bytes.
        let select = cols
            .iter()
            .map(|c| match backend {
                Backend::Sqlite => format!("quote(\"{c}\")"),
                Backend::Postgres => format!("CAST(\"{c}\" AS TEXT)"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {select} FROM \"{table}\"");
        let mut sum = [0u64; 4];
        let mut n = 0i64;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let mut h = Sha256::new();
            for i in 0..cols.len() {
                match row.try_get::<Option<String>, _>(i)? {
                    Some(v) => {
                        h.update([1u8]);
                        h.update((v.len() as u64).to_le_bytes());
                        h.update(v.as_bytes());
                    }
                    None => h.update([0u8]),
                }
            }
            let d = h.finalize();
            for (lane, chunk) in sum.iter_mut().zip(d.chunks_exact(8)) {
                let mut b = [0u8; 8];
                b.copy_from_slice(chunk);
                *lane = lane.wrapping_add(u64::from_le_bytes(b));
            }
            n += 1;
        }
        all.update(table.as_bytes());
        all.update([0u8]);
        all.update(cols.join(",").as_bytes());
        all.update([0u8]);
        all.update(n.to_le_bytes());
        for lane in sum {
            all.update(lane.to_le_bytes());
        }
        counts.push((table, n));
    }
    Ok(Fingerprint {
        tables: counts,
        sha256: hex::encode(all.finalize()),
    })
}

/// The fingerprint of a SQLite file opened read-only, without the server's connection settings
/// (a backup stays exactly as written: no switch to WAL, no files beside it).
pub async fn sqlite_file_fingerprint(path: &str) -> Result<Fingerprint, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&format!("sqlite://{path}?mode=ro")).await?;
    let fp = fingerprint(&mut conn, Backend::Sqlite).await;
    conn.close().await?;
    fp
}

impl Db {
    /// The fingerprint of the database as it is now.
    pub async fn fingerprint(&self) -> Result<Fingerprint, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        fingerprint(&mut conn, self.backend).await
    }

    /// SQLite: a consistent copy of the live database into a new file at `path` (the server may
    /// keep running; `VACUUM INTO` reads one snapshot). The file must not exist yet.
    pub async fn vacuum_into(&self, path: &str) -> Result<(), sqlx::Error> {
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// PostgreSQL: a read-only snapshot held open on one connection; `pg_dump --snapshot=ID`
    /// dumps exactly what it sees, and its fingerprint is taken inside it.
    pub async fn export_snapshot(&self) -> Result<Snapshot, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *conn)
            .await?;
        let id: String = sqlx::query("SELECT pg_export_snapshot()")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        Ok(Snapshot { conn, id })
    }

    /// Whether the database has no tables yet (a restore target must be empty).
    pub async fn is_empty(&self) -> Result<bool, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        Ok(tables(&mut conn, self.backend).await?.is_empty())
    }
}

/// An open exported snapshot (see [`Db::export_snapshot`]).
pub struct Snapshot {
    conn: PoolConnection<Any>,
    pub id: String,
}

impl Snapshot {
    pub async fn fingerprint(&mut self) -> Result<Fingerprint, sqlx::Error> {
        fingerprint(&mut self.conn, Backend::Postgres).await
    }

    /// Ends the snapshot (it must stay open until `pg_dump` has started reading).
    pub async fn end(mut self) -> Result<(), sqlx::Error> {
        sqlx::query("COMMIT").execute(&mut *self.conn).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_quoted_into_sql() {
        assert!(is_plain_name("batch_entries"));
        assert!(!is_plain_name("x\"; DROP TABLE y; --"));
        assert!(!is_plain_name(""));
    }
}
