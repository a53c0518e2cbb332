//! `sunshine`: a thin shim over the server library.

use clap::{Parser, Subcommand};

use server::config::{database_url, CommonArgs, ServeArgs, Settings};
use server::startup::{connect_and_migrate, Application};

#[derive(Parser)]
#[command(
    name = "sunshine",
    version,
    about = "阳光低保 — minimum living allowance publicity and complaints"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// `sunshine` with no subcommand serves with settings from the environment.
#[derive(Parser)]
struct DefaultServe {
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(CommonArgs),
    /// Copy the database to FILE while the site runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump
    /// of one snapshot) and print its fingerprint (rows per table, content hash).
    Backup {
        #[command(flatten)]
        common: CommonArgs,
        /// Where to write the backup (must not exist).
        file: std::path::PathBuf,
    },
    /// Restore FILE, made by `backup`, where there is no database yet (SQLite) or into an empty
    /// database (PostgreSQL), and print its fingerprint.
    Restore {
        #[command(flatten)]
        common: CommonArgs,
        file: std::path::PathBuf,
    },
    /// Print the rows per table and a content hash of the database (compare a restored copy).
    Fingerprint(CommonArgs),
    /// Generate data for the benchmarks in bench/ (never needed to run the service).
    #[command(hide = true)]
    Bench {
        #[command(flatten)]
        common: CommonArgs,
        #[command(subcommand)]
        command: server::bench::BenchCommand,
    },
    /// Public draws (review panels, spot-checks): `draw verify FILE.json` re-runs a published one.
    Draw {
        #[command(subcommand)]
        command: server::draws::DrawCommand,
    },
    /// Manage staff accounts.
    Staff {
        #[command(flatten)]
        common: CommonArgs,
        #[command(subcommand)]
        command: server::cli::StaffCommand,
    },
    /// Load the region tree (counties, townships, villages) from division codes and names.
    Regions {
        #[command(flatten)]
        common: CommonArgs,
        #[command(subcommand)]
        command: server::regions::RegionsCommand,
    },
}

/// mimalloc instead of glibc's malloc: a page render is many small allocations, and glibc spent
/// a fifth of an instance's CPU on them (perf, uncached village pages; README "Benchmarks").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let cli = Cli::parse();
    let command = match cli.command {
        Some(c) => c,
        None => Command::Serve(DefaultServe::parse_from(["sunshine"]).serve),
    };
    match command {
        Command::Serve(args) => {
            let settings = Settings::from_serve(args);
            let ip = settings.listen.ip();
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "listening");
            // One plain line with the bound address (`--listen 127.0.0.1:0` picks a free port),
            // for scripts and the fault tests that start the binary.
            println!(
                "sunshine listening on http://{}",
                std::net::SocketAddr::new(ip, app.port())
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate(common) => {
            std::fs::create_dir_all(&common.data_dir)?;
            let url = database_url(&common.data_dir, common.database_url);
            connect_and_migrate(url.expose()).await?;
            println!("migrations applied");
        }
        Command::Backup { common, file } => {
            let url = database_url(&common.data_dir, common.database_url);
            let fp = server::backup::backup(&url, &file).await?;
            println!("backup written to {}\n{fp}", file.display());
        }
        Command::Restore { common, file } => {
            let url = database_url(&common.data_dir, common.database_url);
            let fp = server::backup::restore(&url, &file).await?;
            println!("restored from {}\n{fp}", file.display());
        }
        Command::Fingerprint(common) => {
            let url = database_url(&common.data_dir, common.database_url);
            println!("{}", server::backup::fingerprint(&url).await?);
        }
        Command::Staff { common, command } => server::cli::run(common, command).await?,
        Command::Regions { common, command } => server::regions::run(common, command).await?,
        Command::Draw { command } => match server::draws::run(command) {
            0 => {}
            code => std::process::exit(code),
        },
        Command::Bench { common, command } => match command {
            server::bench::BenchCommand::Seed {
                households,
                per_village,
                villages_per_township,
                counties,
            } => {
                std::fs::create_dir_all(&common.data_dir)?;
                let url = database_url(&common.data_dir, common.database_url);
                let db = connect_and_migrate(url.expose()).await?;
                let shape = server::bench::Shape {
                    households,
                    per_village,
                    villages_per_township,
                    counties,
                };
                server::bench::seed(&db, &shape).await?;
            }
            server::bench::BenchCommand::Xlsx { rows, out } => server::bench::xlsx(rows, &out)?,
            server::bench::BenchCommand::ComparisonCsv {
                rows,
                households,
                matched,
                out,
            } => server::bench::comparison_csv(rows, households, matched, &out)?,
            server::bench::BenchCommand::DrawFairness { draws } => server::draws::fairness(draws),
        },
    }
    Ok(())
}
