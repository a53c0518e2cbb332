//! Settings from flags and the environment (`SUNSHINE_…`, `DATABASE_URL`, `SMTP_URL`).
//! Every variable is explained in `.env.example`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use app::config::Secret;

/// Settings every subcommand shares.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Folder for the SQLite database, the generated secret and queued mail.
    #[arg(long, env = "SUNSHINE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: a SQLite file in the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Server key (receipt hashes, sessions). Default: generated into the data folder.
    #[arg(long, env = "SUNSHINE_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address to listen on.
    #[arg(long, env = "SUNSHINE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Fill an empty database with a fictional demo county.
    #[arg(long)]
    pub demo: bool,
    /// Complaint hotline shown on every page.
    #[arg(long, env = "SUNSHINE_HOTLINE", default_value = "12345")]
    pub hotline: String,
    /// A streaming replica of the PostgreSQL primary that public pages read from (optional).
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
    /// Seconds a cached public page may be served (changes replace it at once regardless).
    #[arg(long, env = "SUNSHINE_PAGE_TTL_SECS", default_value = "10", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub page_ttl_secs: u64,
    /// Trust `X-Forwarded-For` (only behind your own reverse proxy).
    #[arg(long, env = "SUNSHINE_TRUST_PROXY", default_value = "0", value_parser = parse_flag)]
    pub trust_proxy: bool,
    /// Multiplies every rate-limit burst; leave at 1 except for tests and benchmarks.
    #[arg(long, env = "SUNSHINE_RATE_BURST_FACTOR", default_value = "1", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub rate_burst_factor: u32,
    /// Multiplies every rate-limit refill period (a limit refills that many times slower);
    /// leave at 1 except for tests that must not see a refill during a slow run.
    #[arg(long, env = "SUNSHINE_RATE_REFILL_FACTOR", default_value = "1", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub rate_refill_factor: u32,
    /// Pins the server's "today" (Beijing date, YYYY-MM-DD) for tests and demonstrations:
    /// publicity windows, deadlines, due re-checks and the page cache's day follow it instead of
    /// the clock. Leave unset in production.
    #[arg(long, env = "SUNSHINE_TODAY")]
    pub today: Option<chrono::NaiveDate>,
    /// How names are masked on public pages: middle (张*明) or surname (张**).
    #[arg(long, env = "SUNSHINE_MASK_POLICY", default_value = "middle", value_parser = parse_mask)]
    pub mask_policy: app::domain::MaskPolicy,
    /// Public address of the site (for QR codes on printed notices); default http://LISTEN.
    #[arg(long, env = "SUNSHINE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days a 审核/审批 publicity window lasts.
    #[arg(long, env = "SUNSHINE_WINDOW_DAYS", default_value = "7", value_parser = clap::value_parser!(u32).range(1..=60))]
    pub window_days: u32,
    /// Complaint deadlines in `calendar` days (default) or `working` days (holiday table).
    #[arg(long, env = "SUNSHINE_DEADLINE_DAYS", default_value = "calendar", value_parser = parse_day_count)]
    pub deadline_days: app::domain::DayCount,
    /// Months between re-checks of 兜底 (特困) households.
    #[arg(long, env = "SUNSHINE_RECHECK_DOUDI_MONTHS", default_value = "12", value_parser = clap::value_parser!(u32).range(1..=36))]
    pub recheck_doudi_months: u32,
    /// Months between re-checks of other (一般) households.
    #[arg(long, env = "SUNSHINE_RECHECK_YIBAN_MONTHS", default_value = "6", value_parser = clap::value_parser!(u32).range(1..=36))]
    pub recheck_yiban_months: u32,
    /// Months an allowance continues (渐退) after income from work rises above the line.
    #[arg(long, env = "SUNSHINE_TAPER_MONTHS", default_value = "6", value_parser = clap::value_parser!(u32).range(0..=24))]
    pub taper_months: u32,
    /// Document prefix of written notices (鲁民低告 → 鲁民低告〔2026〕12号).
    #[arg(long, env = "SUNSHINE_NOTICE_PREFIX", default_value = "鲁民低告")]
    pub notice_prefix: String,
    /// Sender address of outgoing mail.
    #[arg(
        long,
        env = "SUNSHINE_MAIL_FROM",
        default_value = "阳光低保 <noreply@localhost>"
    )]
    pub mail_from: String,
    /// SMTP relay, e.g. `smtp://user:pass@host:587`; without it mail is written to `data/mail/`.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Folder of the WASM islands bundle (`scripts/build-wasm`); pages stay script-free without it.
    #[arg(long, env = "SUNSHINE_PKG_DIR", default_value = "site/pkg")]
    pub pkg_dir: PathBuf,
    /// Seconds before a mail that could not be sent is tried again (doubling, at most an hour).
    /// Leave at 30 except in tests.
    #[arg(long, env = "SUNSHINE_MAIL_RETRY_SECS", default_value = "30", value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub mail_retry_secs: u32,
    /// Name under which this instance claims outbox mail; default: host, process id and a
    /// random part.
    #[arg(long, env = "SUNSHINE_WORKER_ID")]
    pub worker_id: Option<String>,
}

fn parse_day_count(s: &str) -> Result<app::domain::DayCount, String> {
    match s.trim() {
        "calendar" => Ok(app::domain::DayCount::Calendar),
        "working" => Ok(app::domain::DayCount::Working),
        _ => Err("expected calendar or working".to_owned()),
    }
}

/// Public pages may hide part of a name or most of it; full names are only for the printed
/// notice on the village board, never online, so `full` is refused here.
fn parse_mask(s: &str) -> Result<app::domain::MaskPolicy, String> {
    match app::domain::MaskPolicy::parse(s) {
        Ok(app::domain::MaskPolicy::Full) => {
            Err("full names are never shown online; use middle or surname".to_owned())
        }
        Ok(p) => Ok(p),
        Err(_) => Err("expected middle or surname".to_owned()),
    }
}

/// Accepts 1/0, true/false, yes/no, on/off.
pub fn parse_flag(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(format!("expected 1 or 0, got {other:?}")),
    }
}

/// Resolved settings for `serve`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Secret,
    /// A read replica for public pages (PostgreSQL only).
    pub database_read_url: Option<Secret>,
    pub secret: Option<Secret>,
    pub demo: bool,
    pub hotline: String,
    pub trust_proxy: bool,
    pub smtp_url: Option<Secret>,
    pub rate_burst_factor: u32,
    pub rate_refill_factor: u32,
    /// A pinned "today" (tests, demonstrations); `None`: the clock.
    pub today: Option<chrono::NaiveDate>,
    pub mask_policy: app::domain::MaskPolicy,
    pub public_url: String,
    pub window_days: u32,
    pub mail_from: String,
    pub deadline_days: app::domain::DayCount,
    pub recheck: app::domain::recheck::Schedule,
    pub notice_prefix: String,
    /// How often the mail worker looks for due mail (it is also woken at once on new mail).
    pub mail_poll_secs: u64,
    /// Where the WASM islands bundle is, if built.
    pub pkg_dir: PathBuf,
    /// First retry of a failed mail after this many seconds (doubling).
    pub mail_retry_secs: u32,
    /// Name under which the mail worker claims outbox rows (`None`: generated).
    pub worker_id: Option<String>,
    /// How long a cached public page may be served; what bounds how old its countdown reads.
    pub page_ttl: std::time::Duration,
}

impl Settings {
    pub fn from_serve(args: ServeArgs) -> Settings {
        let database_url = database_url(&args.common.data_dir, args.common.database_url);
        Settings {
            listen: args.listen,
            data_dir: args.common.data_dir,
            database_url,
            database_read_url: args
                .database_read_url
                .filter(|u| !u.trim().is_empty())
                .map(Secret::new),
            secret: args
                .common
                .secret
                .filter(|s| !s.is_empty())
                .map(Secret::new),
            demo: args.demo,
            hotline: args.hotline,
            trust_proxy: args.trust_proxy,
            smtp_url: args.smtp_url.filter(|s| !s.is_empty()).map(Secret::new),
            rate_burst_factor: args.rate_burst_factor,
            rate_refill_factor: args.rate_refill_factor,
            today: args.today,
            mask_policy: args.mask_policy,
            public_url: args
                .public_url
                .filter(|u| !u.trim().is_empty())
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{}", args.listen)),
            window_days: args.window_days,
            mail_from: args.mail_from,
            deadline_days: args.deadline_days,
            recheck: app::domain::recheck::Schedule {
                doudi_months: args.recheck_doudi_months,
                yiban_months: args.recheck_yiban_months,
                taper_months: args.taper_months,
            },
            notice_prefix: args.notice_prefix.trim().to_owned(),
            // The worker also looks at least as often as the first retry falls due.
            mail_poll_secs: u64::from(args.mail_retry_secs).min(15),
            pkg_dir: args.pkg_dir,
            mail_retry_secs: args.mail_retry_secs,
            worker_id: args
                .worker_id
                .map(|w| w.trim().to_owned())
                .filter(|w| !w.is_empty()),
            page_ttl: std::time::Duration::from_secs(args.page_ttl_secs),
        }
    }

    /// Cookies are `Secure` when the public address is https (the usual deployment: a TLS proxy
    /// in front of 127.0.0.1:3000), and whenever the server listens beyond loopback; only plain
    /// http on loopback (development, tests) goes without.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://") || !self.listen.ip().is_loopback()
    }
}

/// `DATABASE_URL` if given, else `sqlite://<data_dir>/sunshine.db?mode=rwc`.
pub fn database_url(data_dir: &Path, given: Option<String>) -> Secret {
    match given.filter(|u| !u.trim().is_empty()) {
        Some(url) => Secret::new(url),
        None => Secret::new(format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("sunshine.db").display()
        )),
    }
}

/// Reads `secret.key` from the data folder, creating it (mode 0600) on first start.
pub fn load_or_create_secret(data_dir: &Path) -> std::io::Result<Secret> {
    let path = data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(Secret::new(s.trim())),
        Ok(_) => {
            return Err(std::io::Error::other(format!(
                "{} is too short; delete it to generate a new one",
                path.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let key = hex::encode(bytes);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path)?;
    f.write_all(key.as_bytes())?;
    f.sync_all()?;
    Ok(Secret::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        serve: ServeArgs,
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let url = database_url(Path::new("data"), None);
        assert_eq!(url.expose(), "sqlite://data/sunshine.db?mode=rwc");
        let url = database_url(Path::new("data"), Some("postgres://x/y".into()));
        assert_eq!(url.expose(), "postgres://x/y");
        let url = database_url(Path::new("d"), Some("  ".into()));
        assert_eq!(url.expose(), "sqlite://d/sunshine.db?mode=rwc");
    }

    #[test]
    fn flags_parse() {
        for (s, v) in [
            ("1", true),
            ("yes", true),
            ("0", false),
            ("false", false),
            ("", false),
        ] {
            assert_eq!(parse_flag(s), Ok(v), "{s}");
        }
        assert!(parse_flag("maybe").is_err());
    }

    #[test]
    fn serve_args_parse_and_secrets_are_redacted() {
        let t = T::try_parse_from([
            "x",
            "--listen",
            "0.0.0.0:8080",
            "--demo",
            "--data-dir",
            "/srv/d",
            "--database-url",
            "postgres://u:hunter2@h/db",
            "--database-read-url",
            "postgres://u:hunter3@replica/db",
            "--secret",
            "s3cr3t-value-s3cr3t-value-s3cr3t",
            "--hotline",
            "0870-1234567",
        ])
        .expect("parses");
        let s = Settings::from_serve(t.serve);
        assert_eq!(s.listen.port(), 8080);
        assert!(s.demo);
        assert!(s.secure_cookies());
        assert_eq!(s.hotline, "0870-1234567");
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(!dbg.contains("hunter3"), "{dbg}");
        assert!(s.database_read_url.is_some());
        assert_eq!(s.page_ttl, std::time::Duration::from_secs(10));
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
    }

    #[test]
    fn cookies_are_secure_behind_a_tls_proxy() {
        let parse = |args: &[&str]| {
            let mut all = vec!["x", "--listen", "127.0.0.1:3000"];
            all.extend_from_slice(args);
            Settings::from_serve(T::try_parse_from(all).expect("parses").serve)
        };
        assert!(!parse(&[]).secure_cookies(), "plain http on loopback");
        assert!(parse(&["--public-url", "https://dibao.example.gov.cn/"]).secure_cookies());
        assert!(!parse(&["--public-url", "http://dibao.example.gov.cn"]).secure_cookies());
    }

    #[test]
    fn test_clock_and_refill_factor_parse() {
        let t = T::try_parse_from(["x"]).expect("parses");
        let s = Settings::from_serve(t.serve);
        assert_eq!(
            (s.today, s.rate_refill_factor),
            (None, 1),
            "the clock by default"
        );
        let t = T::try_parse_from(["x", "--today", "2026-03-02", "--rate-refill-factor", "100"])
            .expect("parses");
        let s = Settings::from_serve(t.serve);
        assert_eq!(s.today, chrono::NaiveDate::from_ymd_opt(2026, 3, 2));
        assert_eq!(s.rate_refill_factor, 100);
        assert!(T::try_parse_from(["x", "--today", "2026-02-30"]).is_err());
        assert!(T::try_parse_from(["x", "--rate-refill-factor", "0"]).is_err());
    }

    #[test]
    fn full_names_online_are_refused() {
        assert!(T::try_parse_from(["x", "--mask-policy", "full"]).is_err());
        let t = T::try_parse_from(["x", "--mask-policy", "surname"]).expect("parses");
        assert_eq!(t.serve.mask_policy, app::domain::MaskPolicy::SurnameOnly);
    }

    #[test]
    fn mail_retry_and_worker_id() {
        let s = Settings::from_serve(T::try_parse_from(["x"]).expect("parses").serve);
        assert_eq!((s.mail_retry_secs, s.mail_poll_secs), (30, 15));
        assert_eq!(s.worker_id, None);
        let t = T::try_parse_from(["x", "--mail-retry-secs", "1", "--worker-id", " a-1 "])
            .expect("parses");
        let s = Settings::from_serve(t.serve);
        assert_eq!((s.mail_retry_secs, s.mail_poll_secs), (1, 1));
        assert_eq!(s.worker_id.as_deref(), Some("a-1"));
        assert!(T::try_parse_from(["x", "--mail-retry-secs", "0"]).is_err());
    }

    #[test]
    fn bad_listen_address_is_refused() {
        assert!(T::try_parse_from(["x", "--listen", "not-an-address"]).is_err());
    }

    #[test]
    fn secret_is_generated_once_with_mode_0600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = load_or_create_secret(dir.path()).expect("create");
        let b = load_or_create_secret(dir.path()).expect("read");
        assert_eq!(a, b);
        assert_eq!(a.expose().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
