//! `sunshine regions import FILE`: loads a county's (or a province's) region tree from the
//! statistical division codes and names (统计用区划代码, as the statistics bureau publishes them,
//! saved from Excel as .csv: UTF-8 or GBK). Codes already in the tree take the file's names;
//! new ones are added under their parents. All or nothing: one transaction.

use anyhow::{bail, Context};

use app::db::changes::Change;
use app::domain::region_code;

use crate::config::{database_url, CommonArgs};
use crate::startup::connect_and_migrate;

/// A national list of every village is about 40 MB; anything larger is not a region file.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(clap::Subcommand, Debug)]
pub enum RegionsCommand {
    /// Load regions from a .csv of `code,name[,English name]` (12-digit division codes; a
    /// header row is allowed; province and prefecture rows name the levels above the counties,
    /// which the statistics roll up to). Prints what changed.
    Import { file: std::path::PathBuf },
}

pub async fn run(common: CommonArgs, cmd: RegionsCommand) -> anyhow::Result<()> {
    let RegionsCommand::Import { file } = cmd;
    let len = std::fs::metadata(&file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if len > MAX_FILE_BYTES {
        bail!(
            "{} is {len} bytes; a region file is at most {MAX_FILE_BYTES} bytes",
            file.display()
        );
    }
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = app::sheets::decode_owned(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not a text (.csv) file", file.display()))?;
    let mut records = app::sheets::csv_records(&text);
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    while let Some((row, record)) = records
        .next_record()
        .map_err(|_| anyhow::anyhow!("{}: not a readable .csv file", file.display()))?
    {
        rows.push((row, record.iter().map(str::to_owned).collect()));
    }
    let plan = region_code::plan(
        rows.iter()
            .map(|(row, cells)| (*row, cells.iter().map(String::as_str).collect())),
    );
    let plan = match plan {
        Ok(p) => p,
        Err(problems) => {
            for p in problems.iter().take(50) {
                eprintln!("{p}");
            }
            bail!(
                "{} problem(s) in {}; nothing was loaded",
                problems.len(),
                file.display()
            );
        }
    };
    let url = database_url(&common.data_dir, common.database_url.clone());
    let db = connect_and_migrate(url.expose()).await?;
    let mut tx = db.begin().await?;
    let loaded = match app::db::regions::load_plan(&mut tx, &plan).await? {
        Ok(l) => l,
        Err(problem) => {
            eprintln!("{problem}");
            bail!("nothing was loaded");
        }
    };
    // Every public page lists or names regions: all of them are rendered again, on every
    // running instance (PostgreSQL: told at once; SQLite: within the page TTL).
    tx.changed(Change::Regions);
    tx.commit().await?;
    app::db::changes::announce_everything(&db).await?;
    let [counties, townships, villages] = loaded.added;
    println!(
        "regions: added {counties} counties, {townships} townships, {villages} villages; \
         renamed {}; unchanged {}; names above counties: {}",
        loaded.renamed, loaded.unchanged, loaded.upper
    );
    Ok(())
}
