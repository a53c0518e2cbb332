//! `sunshine backup FILE`, `sunshine restore FILE` and `sunshine fingerprint`.
//!
//! SQLite: `VACUUM INTO` copies the live database (one consistent snapshot; the site keeps
//! running) into a new file; restoring copies such a file into place where no database is yet.
//! PostgreSQL: `pg_dump --format=custom` of one exported snapshot, whose fingerprint is taken
//! inside that same snapshot; restoring runs `pg_restore` into an empty database in one
//! transaction. (`pg_dump`/`pg_restore` of the server's major version must be on `PATH`.) Point-
//! in-time recovery with a base backup and WAL archive is PostgreSQL's own; see `deploy/`.
//!
//! Each prints the fingerprint (rows per table, one content hash) of what it wrote, so a
//! restored copy can be compared with the backup: `sunshine fingerprint` on both.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use app::config::Secret;
use app::db::backup::Fingerprint;
use app::db::{Backend, Db};

/// Writes a backup of the database at `url` to `out` (which must not exist).
pub async fn backup(url: &Secret, out: &Path) -> anyhow::Result<Fingerprint> {
    if out.exists() {
        bail!(
            "{} exists already; a backup never overwrites",
            out.display()
        );
    }
    let db = Db::connect(url.expose())
        .await
        .context("cannot open the database")?;
    match db.backend {
        Backend::Sqlite => {
            let path = out
                .to_str()
                .context("the backup path must be valid UTF-8")?;
            db.vacuum_into(path).await.context("VACUUM INTO failed")?;
            Ok(app::db::backup::sqlite_file_fingerprint(path)
                .await
                .context("cannot read the backup")?)
        }
        Backend::Postgres => {
            let mut snapshot = db
                .export_snapshot()
                .await
                .context("cannot export a snapshot")?;
            let mut cmd = Command::new("pg_dump");
            cmd.arg("--format=custom")
                .arg(format!("--snapshot={}", snapshot.id))
                .arg("--file")
                .arg(out);
            let dumped = run_pg(cmd, url, "pg_dump").await;
            let fingerprint = snapshot.fingerprint().await;
            snapshot.end().await?;
            dumped?;
            Ok(fingerprint?)
        }
    }
}

/// Restores `from` (made by [`backup`]) into the empty database at `url`.
pub async fn restore(url: &Secret, from: &Path) -> anyhow::Result<Fingerprint> {
    if !from.is_file() {
        bail!("{} is not a file", from.display());
    }
    match Backend::from_url(url.expose()).map_err(anyhow::Error::msg)? {
        Backend::Sqlite => {
            let target = sqlite_path(url.expose())?;
            let wal = PathBuf::from(format!("{}-wal", target.display()));
            if target.exists() || wal.exists() {
                bail!(
                    "{} exists; restore only where there is no database (stop the site and move it away first)",
                    target.display()
                );
            }
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            // Copy beside the target, flush, then rename: a crash leaves no half a database.
            let partial = PathBuf::from(format!("{}.restoring", target.display()));
            std::fs::copy(from, &partial).context("cannot copy the backup")?;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &target)?;
            let db = Db::connect(url.expose()).await?;
            Ok(db.fingerprint().await?)
        }
        Backend::Postgres => {
            let db = Db::connect(url.expose())
                .await
                .context("cannot open the target database (create it empty first)")?;
            if !db.is_empty().await? {
                bail!("the target database is not empty; restore only into a new, empty database");
            }
            let mut cmd = Command::new("pg_restore");
            cmd.args([
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
            ])
            .arg(from);
            run_pg(cmd, url, "pg_restore").await?;
            Ok(db.fingerprint().await?)
        }
    }
}

/// The fingerprint of the database at `url`.
pub async fn fingerprint(url: &Secret) -> anyhow::Result<Fingerprint> {
    let db = Db::connect(url.expose())
        .await
        .context("cannot open the database")?;
    Ok(db.fingerprint().await?)
}

/// `sqlite://path?…` → `path`.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite: URL")?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!("the SQLite URL names no file");
    }
    Ok(PathBuf::from(path))
}

/// Runs a PostgreSQL client program against `url`. The password goes in `PGPASSWORD`, never on
/// the command line (where `ps` shows it).
async fn run_pg(mut cmd: Command, url: &Secret, program: &str) -> anyhow::Result<()> {
    let mut parsed = url::Url::parse(url.expose()).context("DATABASE_URL is not a URL")?;
    if let Some(password) = parsed.password() {
        let password = percent_encoding::percent_decode_str(password)
            .decode_utf8()
            .context("the password in DATABASE_URL is not UTF-8")?
            .into_owned();
        cmd.env("PGPASSWORD", password);
        let _ = parsed.set_password(None);
    }
    cmd.arg("--dbname").arg(parsed.as_str());
    let status = tokio::task::spawn_blocking(move || cmd.status())
        .await?
        .with_context(|| format!("cannot run {program} (is it on PATH?)"))?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/sunshine.db?mode=rwc").expect("path"),
            PathBuf::from("data/sunshine.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///srv/s.db").expect("path"),
            PathBuf::from("/srv/s.db")
        );
        assert!(sqlite_path("sqlite://:memory:").is_err());
        assert!(sqlite_path("postgres://x/y").is_err());
    }
}
