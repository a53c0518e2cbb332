//! `sunshine staff …`: account administration from the command line, for the first
//! administrator and for operators. Passwords come from stdin or a prompt, never from argv.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use anyhow::{bail, Context};
use app::admin::service::{self, AccountInput, Actor, ServiceError};
use app::config::SiteSettings;
use app::db::regions::{self, Level};
use app::web::state::{AppState, Site};

use crate::config::{database_url, load_or_create_secret, CommonArgs};
use crate::startup::connect_and_migrate;

#[derive(clap::Subcommand, Debug)]
pub enum StaffCommand {
    /// Create an account. The password is read from stdin (one line) or prompted for.
    Add {
        #[arg(long)]
        username: String,
        /// Display name, e.g. "王芳".
        #[arg(long)]
        name: String,
        /// township_officer, county_officer, supervisor, auditor, admin or village_assistant.
        #[arg(long)]
        role: String,
        /// Township code (e.g. 530621103000) or name (e.g. 龙头山镇) for township-scoped roles.
        #[arg(long)]
        township: Option<String>,
        /// Village code (e.g. 530621103201) for a village assistant (inside --township).
        #[arg(long)]
        village: Option<String>,
        /// County code (e.g. 530621000000) or name, for an account without a township in a
        /// deployment of several counties; without it such an account reaches every county.
        #[arg(long)]
        county: Option<String>,
        /// Prefecture code (e.g. 530600000000), for an auditor who reads only the counties of
        /// that prefecture.
        #[arg(long)]
        prefecture: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
}

async fn state(common: &CommonArgs) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&common.data_dir)?;
    let url = database_url(&common.data_dir, common.database_url.clone());
    let db = connect_and_migrate(url.expose()).await?;
    let secret = match &common.secret {
        Some(s) if !s.is_empty() => app::config::Secret::new(s.clone()),
        _ => load_or_create_secret(&common.data_dir)?,
    };
    Ok(AppState {
        db,
        secret: Arc::new(secret),
        site: Arc::new(Site {
            settings: SiteSettings::default(),
            county: Default::default(),
            county_seen: Default::default(),
            css_href: String::new(),
            bundle: None,
        }),
        mail_wake: Arc::new(tokio::sync::Notify::new()),
        comparison_slots: app::web::state::comparison_slots(),
    })
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let a = rpassword::prompt_password("Password: ")?;
        let b = rpassword::prompt_password("Repeat password: ")?;
        if a != b {
            bail!("the two passwords differ");
        }
        Ok(a)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn township_id(state: &AppState, given: &str) -> anyhow::Result<i64> {
    region_id(state, Level::Township, given).await
}

/// A region of `level` by its 12-digit code or its name.
async fn region_id(state: &AppState, level: Level, given: &str) -> anyhow::Result<i64> {
    let regions = regions::by_level(&state.db, level).await?;
    regions
        .iter()
        .find(|t| t.code == given || t.name_zh == given || t.name_en.as_deref() == Some(given))
        .map(|t| t.id)
        .with_context(|| {
            format!(
                "no {} {given:?}; use a 12-digit code or the name",
                level.as_str()
            )
        })
}

pub async fn run(common: CommonArgs, cmd: StaffCommand) -> anyhow::Result<()> {
    let state = state(&common).await?;
    let actor = Actor {
        staff_id: None,
        name: "cli",
        client_addr: None,
        scope: app::domain::Scope::All,
    };
    match cmd {
        StaffCommand::Add {
            username,
            name,
            role,
            township,
            village,
            county,
            prefecture,
            email,
        } => {
            let township_id = match township {
                Some(t) => Some(township_id(&state, &t).await?),
                None => None,
            };
            let county_id = match county {
                Some(c) => Some(region_id(&state, Level::County, &c).await?),
                None => None,
            };
            let password = read_password()?;
            let input = AccountInput {
                username,
                display_name: name,
                role,
                township_id,
                village_code: village.unwrap_or_default(),
                county_id,
                prefecture_code: prefecture.unwrap_or_default(),
                email: email.unwrap_or_default(),
                active: true,
            };
            match service::create(&state, &input, &password, &actor).await {
                Ok(id) => println!("created staff account {} (id {id})", input.username),
                Err(ServiceError::Fields(errors)) => {
                    for (field, msg) in errors {
                        eprintln!("{field}: {}", msg.text(app::i18n::Lang::En));
                    }
                    bail!("account not created");
                }
                Err(ServiceError::App(e)) => bail!("account not created: {e}"),
            }
        }
        StaffCommand::List => {
            for s in app::db::staff::list(&state.db, &app::domain::Scope::All).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.username,
                    s.display_name,
                    s.role.as_str(),
                    match (s.township_id, s.county_id, &s.prefecture_code) {
                        (Some(t), _, _) => format!("township {t}"),
                        (None, Some(c), _) => format!("county {c}"),
                        (None, None, Some(p)) => format!("prefecture {p}"),
                        (None, None, None) => "all".to_owned(),
                    },
                    if s.active { "active" } else { "disabled" }
                );
            }
        }
        StaffCommand::Disable { username } => {
            match service::disable(&state, &username, &actor).await {
                Ok(()) => println!("disabled {username}"),
                Err(ServiceError::App(app::error::AppError::NotFound)) => {
                    bail!("no account {username:?}")
                }
                Err(ServiceError::App(e)) => bail!("{e}"),
                Err(ServiceError::Fields(_)) => bail!("not disabled"),
            }
        }
    }
    Ok(())
}
