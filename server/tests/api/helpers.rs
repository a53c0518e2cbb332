#![allow(dead_code)] // Helpers serve many test modules; not every one uses each.

//! `spawn_app()`: the real server on port 0 with a fresh SQLite file in a TempDir, or a fresh
//! PostgreSQL database (created here, dropped on `Drop`) when the test asks for PostgreSQL.

use server::config::Settings;
use server::startup::Application;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub db: app::db::Db,
    pub data_dir: tempfile::TempDir,
    /// The database this instance serves (another instance may be started on it).
    pub database_url: String,
    /// The server key (instances of one site share it).
    pub secret: String,
    _pg: Option<TempDatabase>,
}

pub use crate::pg::postgres_url;
use crate::pg::TempDatabase;

pub struct Options {
    pub demo: bool,
    pub smtp_url: Option<String>,
    /// Folder with a WASM bundle to serve (default: none, so pages carry no script).
    pub pkg_dir: Option<std::path::PathBuf>,
    /// The site's public address (default `http://sunshine.test`).
    pub public_url: Option<String>,
    /// Serve this database instead of a fresh one (a second instance of the same site).
    pub database_url: Option<String>,
    /// The server key (default: generated into the data folder).
    pub secret: Option<String>,
    /// `DATABASE_READ_URL`.
    pub database_read_url: Option<String>,
    /// `SUNSHINE_DEADLINE_DAYS` (default: calendar days).
    pub deadline_days: app::domain::DayCount,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: true,
            smtp_url: None,
            pkg_dir: None,
            public_url: None,
            database_url: None,
            secret: None,
            database_read_url: None,
            deadline_days: app::domain::DayCount::Calendar,
        }
    }
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// How many times slower than in production rate limits refill under test (see `spawn_app`).
pub const RATE_REFILL_FACTOR: u32 = 100;

/// The day this test process started (Beijing time), before any server pinned it.
pub fn test_today() -> chrono::NaiveDate {
    static DAY: std::sync::OnceLock<chrono::NaiveDate> = std::sync::OnceLock::new();
    *DAY.get_or_init(app::db::today_cst)
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

/// Starts the server on a fresh database of `backend`.
pub async fn spawn_app_with(backend: Backend, opts: Options) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init();
    } else {
        capture_logs();
    }
    let data_dir = tempfile::tempdir().expect("tempdir");
    let (pg, database_url) = match (backend, opts.database_url) {
        (_, Some(url)) => (None, url),
        (Backend::Sqlite, None) => (
            None,
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.path().join("sunshine.db").display()
            ),
        ),
        (Backend::Postgres, None) => {
            let admin = postgres_url();
            let pg = TempDatabase::create(&admin, "sunshine_test").await;
            let url = pg.url.clone();
            (Some(pg), url)
        }
    };
    let settings = Settings {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data_dir.path().to_owned(),
        database_url: app::config::Secret::new(database_url.clone()),
        secret: opts.secret.map(app::config::Secret::new),
        demo: opts.demo,
        hotline: "0870-1234567".to_owned(),
        trust_proxy: false,
        smtp_url: opts.smtp_url.map(app::config::Secret::new),
        rate_burst_factor: 1,
        // Limits refill 100 times slower than in production: a test that counts its way to a
        // 429 on a loaded machine never sees a token come back half-way (sign-in: 10 at once,
        // then one every 600 s instead of 6 s).
        rate_refill_factor: RATE_REFILL_FACTOR,
        // Every server of this test process works on the day the process started, as the
        // tests' own `app::db::today_cst()` does: dates agree across midnight in Beijing.
        today: Some(test_today()),
        mask_policy: app::domain::MaskPolicy::Middle,
        public_url: opts
            .public_url
            .unwrap_or_else(|| "http://sunshine.test".to_owned()),
        window_days: 7,
        mail_from: "阳光低保 <noreply@sunshine.test>".to_owned(),
        mail_poll_secs: 1,
        deadline_days: opts.deadline_days,
        pkg_dir: opts
            .pkg_dir
            .unwrap_or_else(|| data_dir.path().join("no-bundle")),
        mail_retry_secs: 30,
        worker_id: None,
        database_read_url: opts.database_read_url.map(app::config::Secret::new),
        page_ttl: std::time::Duration::from_secs(600),
        recheck: app::domain::recheck::Schedule::default(),
        notice_prefix: "鲁民低告".to_owned(),
    };
    let given_secret = settings.secret.clone();
    let application = Application::build(settings).await.expect("build app");
    let secret = match given_secret {
        Some(s) => s.expose().to_owned(),
        None => std::fs::read_to_string(data_dir.path().join("secret.key"))
            .expect("generated secret")
            .trim()
            .to_owned(),
    };
    let port = application.port();
    let db = application.db().clone();
    // The listener is bound before `build` returns: no sleeping or polling needed.
    tokio::spawn(application.run_with_shutdown(std::future::pending()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        db,
        data_dir,
        database_url,
        secret,
        _pg: pg,
    }
}

/// A second instance of `app`'s site: the same database and server key, its own data folder,
/// port and client (the first instance owns the database and drops it).
pub async fn spawn_peer(app: &TestApp) -> TestApp {
    let backend = match app.db.backend {
        app::db::Backend::Sqlite => Backend::Sqlite,
        app::db::Backend::Postgres => Backend::Postgres,
    };
    spawn_app_with(
        backend,
        Options {
            demo: false,
            database_url: Some(app.database_url.clone()),
            secret: Some(app.secret.clone()),
            ..Options::default()
        },
    )
    .await
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Like `get_text`, for a visitor who chose English.
    pub async fn get_text_en(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(self.url(path))
            .header("accept", "text/html")
            .header("cookie", "lang=en")
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// A form POST as a browser on this site sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .browser_post(self.url(path))
            .header("origin", &self.address)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// A signed-in staff member's browser, with the CSRF token of its session.
    pub async fn staff_session(&self, username: &str) -> StaffSession {
        let client = self.login_client(username).await;
        let page = client
            .get(self.url("/staff"))
            .send()
            .await
            .expect("staff page")
            .text()
            .await
            .expect("body");
        StaffSession {
            csrf: csrf_of(&page),
            client,
            base: self.address.clone(),
        }
    }
}

pub use crate::browser::BrowserExt;

/// A signed-in staff member: their browser and the CSRF token every staff form carries.
#[derive(Clone)]
pub struct StaffSession {
    pub client: reqwest::Client,
    pub csrf: String,
    base: String,
}

impl StaffSession {
    /// The same signed-in client sending another CSRF token (a forged form).
    pub fn with_csrf(&self, csrf: &str) -> StaffSession {
        StaffSession {
            csrf: csrf.to_owned(),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// A file form POST as a browser sends it: the session's CSRF token first, then the file
    /// (field `file`) with its name as raw UTF-8.
    pub async fn post_file(&self, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .percent_encode_noop()
            .text("csrf", self.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        self.client
            .browser_post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }

    /// A staff form POST: the session's CSRF token plus `fields`.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .browser_post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("request")
    }

    /// Registers an application of one person in a village (today, by the applicant) and refuses
    /// it at once (不予受理); the case's id.
    pub async fn refused_case(&self, village_code: &str, name: &str, id_number: &str) -> i64 {
        let today = app::db::today_cst().to_string();
        let res = self
            .post_form(
                "/staff/cases",
                &[
                    ("village", village_code),
                    ("group", "二组"),
                    ("channel", "self"),
                    ("received_on", &today),
                    ("category", "yiban"),
                    ("m0_name", name),
                    ("m0_id", id_number),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303, "register");
        let id: i64 = res.headers()["location"]
            .to_str()
            .expect("location")
            .trim_start_matches('/')
            .split(['/', '?'])
            .nth(2)
            .expect("id")
            .parse()
            .expect("id");
        let res = self
            .post_form(
                &format!("/staff/cases/{id}/reject"),
                &[("reason", "户籍不在本村，应向户籍所在地申请")],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303, "reject");
        id
    }

    /// A draft list of `kind` (`standing`, …) for a village, opening today, through the staff
    /// form; its id.
    pub async fn create_batch(&self, db: &app::db::Db, village_code: &str, kind: &str) -> i64 {
        let v = app::db::regions::by_code(db, app::db::regions::Level::Village, village_code)
            .await
            .expect("q")
            .expect("village");
        let res = self
            .post_form(
                "/staff/publicity",
                &[
                    ("village", &v.id.to_string()),
                    ("kind", kind),
                    ("opens_on", &app::db::today_cst().to_string()),
                    ("days", "7"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303, "create batch");
        let loc = res.headers()["location"].to_str().expect("l").to_owned();
        loc.rsplit('/').next().expect("id").parse().expect("id")
    }
}

/// The one-time token of the report form at `path`, as `client` gets it.
pub async fn form_token(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let page = client
        .get(app.url(path))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    token_in(&page)
}

/// The one-time token (64 characters) of the first form on a page.
pub fn token_in(page: &str) -> String {
    let token = field_in(page, "token");
    assert_eq!(token.len(), 64, "a one-time token");
    token
}

/// The value of the first field named `name` in a page (a hidden field's, mostly).
pub fn field_in(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("a field named {name}"))
        + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// The value of the first `name="csrf"` hidden field in a page.
pub fn csrf_of(html: &str) -> String {
    field_in(html, "csrf")
}

/// The value of a cookie set by a response.
pub fn set_cookie_value(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

pub const DEMO_PASSWORD: &str = app::demo::DEMO_PASSWORD;

impl TestApp {
    /// A second browser: its own cookies, same server.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client")
    }

    /// Opens the login form and signs in with this app's client.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        let page = self.get_text("/staff/login").await.1;
        let csrf = csrf_of(&page);
        self.post_form(
            "/staff/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/staff"),
            ],
        )
        .await
    }

    /// Signs in and asserts it worked.
    pub async fn login_ok(&self, username: &str) {
        let res = self.login(username, DEMO_PASSWORD).await;
        assert_eq!(res.status().as_u16(), 303, "login of {username} failed");
    }

    /// The CSRF token of the signed-in session (read from the dashboard).
    pub async fn csrf(&self) -> String {
        csrf_of(&self.get_text("/staff").await.1)
    }

    /// Audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<(String, String)> {
        // `audit::list` gives the newest first.
        let mut rows = app::db::audit::list(&self.db, &app::domain::Scope::All, i64::MAX, 0)
            .await
            .expect("audit");
        rows.reverse();
        rows.into_iter().map(|r| (r.actor, r.action)).collect()
    }

    pub async fn staff_id(&self, username: &str) -> i64 {
        app::db::staff::by_username(&self.db, username)
            .await
            .expect("query")
            .expect("staff exists")
            .id
    }

    /// Every list, oldest first (drafts too).
    async fn all_batches(&self) -> Vec<app::db::publicity::Batch> {
        let all = app::domain::Scope::All;
        let mut batches = app::db::publicity::batches_in_scope(&self.db, &all, i64::MAX)
            .await
            .expect("batches");
        batches.sort_by_key(|b| b.id);
        batches
    }

    /// The newest list of a village (by code) of this kind and state (`standing`, `published`…).
    pub async fn batch_of(&self, village: &str, kind: &str, state: &str) -> i64 {
        let v = self.village_id(village).await;
        let found =
            self.all_batches().await.into_iter().rev().find(|b| {
                b.village_id == v && b.kind.as_str() == kind && b.state.as_str() == state
            });
        found.expect("batch").id
    }

    /// The oldest list of this kind and state in a township (by code), outside one village
    /// (none: "").
    pub async fn batch_in_township(
        &self,
        township: &str,
        kind: &str,
        state: &str,
        not_village: &str,
    ) -> i64 {
        use app::db::regions::{self, Level};
        let t = regions::by_code(&self.db, Level::Township, township)
            .await
            .expect("q")
            .expect("township")
            .id;
        let not = match not_village {
            "" => None,
            code => Some(self.village_id(code).await),
        };
        let found = self.all_batches().await.into_iter().find(|b| {
            b.township_id == t
                && Some(b.village_id) != not
                && b.kind.as_str() == kind
                && b.state.as_str() == state
        });
        found.expect("batch in township").id
    }

    /// A village's id, by its code.
    pub async fn village_id(&self, code: &str) -> i64 {
        use app::db::regions::{self, Level};
        regions::by_code(&self.db, Level::Village, code)
            .await
            .expect("q")
            .expect("village")
            .id
    }

    /// The first entry of a village's current standing list.
    pub async fn standing_entry(&self, village: &str) -> app::db::publicity::StaffEntry {
        use app::db::{publicity, regions};
        let v = regions::by_code(&self.db, regions::Level::Village, village)
            .await
            .expect("q")
            .expect("village");
        let standing = publicity::current_standing(&self.db, v.id)
            .await
            .expect("q")
            .expect("a standing list");
        let entries = publicity::staff_entries(&self.db, standing.id).await;
        let first = entries.expect("entries").into_iter().min_by_key(|e| e.seq);
        first.expect("an entry")
    }

    /// A complaint as staff see it (with what the reporter objected to).
    pub async fn staff_complaint(&self, receipt: &str) -> app::db::complaints::StaffCase {
        let id = self.complaint(receipt).await.id;
        app::db::complaints::staff_case(&self.db, id)
            .await
            .expect("q")
            .expect("the complaint")
    }

    /// The complaint a receipt code stands for, found as the site finds it (by its keyed hash).
    pub async fn complaint(&self, receipt: &str) -> app::db::complaints::CaseSummary {
        let code = app::domain::ReceiptCode::parse(receipt).expect("a receipt code");
        let hash = code.keyed_hash(self.secret.as_bytes());
        app::db::complaints::by_receipt_hash(&self.db, &hash)
            .await
            .expect("q")
            .expect("the complaint")
    }

    /// Gives a staff account an e-mail address, as the accounts page would.
    pub async fn set_staff_email(&self, username: &str, email: &str) {
        use app::db::staff;
        let s = staff::by_username(&self.db, username)
            .await
            .expect("q")
            .expect("the account");
        let update = staff::StaffUpdate {
            display_name: &s.display_name,
            rights: s.rights(),
            email: Some(email),
            active: s.active,
        };
        let mut conn = self.db.pool.acquire().await.expect("conn");
        staff::update(&mut conn, s.id, &update, app::db::now_epoch())
            .await
            .expect("update");
    }

    /// What a complaint keeps of its reporter (staff-only columns): name, contact, e-mail, and
    /// whether the report was anonymous.
    pub async fn stored_reporter(
        &self,
        id: i64,
    ) -> (Option<String>, Option<String>, Option<String>, bool) {
        use app::db::complaints as cdb;
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let who = cdb::reporter_identity(&mut conn, id)
            .await
            .expect("identity");
        let email = cdb::reporter_email(&mut conn, id).await.expect("e-mail");
        let case = cdb::staff_case(&self.db, id)
            .await
            .expect("q")
            .expect("case");
        (who.name, who.contact, email, case.anonymous)
    }

    /// Answers a complaint as the staff workflow would, through its `db::` steps: the status
    /// (from `from`), the answer deadline when given, and the public answer on the timeline.
    pub async fn answer_complaint(
        &self,
        id: i64,
        from: app::domain::Status,
        answer_by: Option<chrono::NaiveDate>,
        answer: &str,
    ) {
        use app::db::complaints as cdb;
        let now = app::db::now_epoch();
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let answered = app::domain::Status::Answered;
        let moved = cdb::set_status(&mut conn, id, from, answered, now).await;
        assert!(moved.expect("status"), "the complaint was {from:?}");
        if let Some(day) = answer_by {
            cdb::set_answer_by(&mut conn, id, day)
                .await
                .expect("deadline");
        }
        let (staff, kind) = (
            cdb::Actor::Staff(self.staff_id("demo.longtoushan").await),
            app::domain::EventKind::Answered,
        );
        cdb::add_event(&mut conn, id, staff, kind, answer, now)
            .await
            .expect("answer");
    }

    pub async fn township_id(&self, name: &str) -> i64 {
        app::db::regions::by_level(&self.db, app::db::regions::Level::Township)
            .await
            .expect("query")
            .into_iter()
            .find(|t| t.name_zh == name)
            .expect("township")
            .id
    }
}

impl TestApp {
    /// A fresh client signed in as `username`.
    pub async fn login_client(&self, username: &str) -> reqwest::Client {
        let c = self.new_client();
        let page = c
            .get(self.url("/staff/login"))
            .send()
            .await
            .expect("r")
            .text()
            .await
            .expect("b");
        let res = c
            .browser_post(self.url("/staff/login"))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("username", username),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .expect("r");
        assert_eq!(res.status().as_u16(), 303, "login of {username}");
        c
    }
}

/// Everything the server logs during the tests (debug level), so tests can assert that no
/// secret (a receipt code, a reporter's contact) is ever written to a log.
pub static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = LOGS.lock() {
            logs.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            // The server's own crates at full detail; not the test client's (its cookie jar
            // logs the cookies it is given, which is the client's business).
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "warn,app=trace,server=trace,tower_http=trace,axum=trace,sqlx=debug,lettre=debug,tower_governor=trace",
            ))
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .try_init();
    });
}

pub fn logs_contain(needle: &str) -> bool {
    let logs = LOGS
        .lock()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .unwrap_or_default();
    logs.contains(needle)
}

/// The first logged line holding the digits of `secret` (a receipt code, a phone number),
/// however they were written: each line is percent-decoded and the separators people put
/// inside such numbers (spaces, `-`, `+`, `.`, parentheses) are dropped, so `1234-5678-9012`,
/// `1234 5678…`, `1234%205678…` and `1234+5678…` are all found. Other characters break a run,
/// so unrelated numbers on one line (a timestamp, an elapsed time) are never joined into a
/// false match.
pub fn logged_line_with_digits(secret: &str) -> Option<String> {
    let needle: String = secret.chars().filter(char::is_ascii_digit).collect();
    assert!(
        needle.len() >= 8,
        "too few digits to search for: {secret:?}"
    );
    let logs = LOGS
        .lock()
        .map(|l| String::from_utf8_lossy(&l).into_owned())
        .unwrap_or_default();
    logs.lines()
        .find(|line| {
            let decoded = percent_encoding::percent_decode_str(line).decode_utf8_lossy();
            let squeezed: String = decoded
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '+' | '.' | '(' | ')' | '\u{3000}'))
                .collect();
            squeezed.contains(&needle)
        })
        .map(str::to_owned)
}

/// Proves that the log capture works before a test asserts that something is *not* in it: a
/// request carrying a unique marker in its URL (the server logs every request's URI) must show
/// up. Fails when `TEST_LOG` sends the logs elsewhere or another subscriber was installed first.
pub async fn assert_logs_captured(app: &TestApp) {
    assert!(
        std::env::var_os("TEST_LOG").is_none(),
        "this test reads the captured log: unset TEST_LOG"
    );
    let marker = format!("logprobe{}", rand::random::<u64>());
    let res = app.get(&format!("/healthz?{marker}")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        logs_contain(&marker),
        "log capture is not working: GET /healthz?{marker} was not logged"
    );
}

/// Headers as sent, body decoded when it is base64 (lettre's choice for non-ASCII text).
fn decode_body(message: &str) -> String {
    use base64::Engine;
    let Some((headers, body)) = message.split_once("\n\n") else {
        return message.to_owned();
    };
    if !headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        return message.to_owned();
    }
    let joined: String = body.split_whitespace().collect();
    match base64::engine::general_purpose::STANDARD.decode(joined) {
        Ok(bytes) => format!("{headers}\n\n{}", String::from_utf8_lossy(&bytes)),
        Err(_) => message.to_owned(),
    }
}

/// A real SMTP server for the tests: accepts every message and keeps its text.
pub struct SmtpSink {
    pub port: u16,
    sink: crate::smtp_sink::Sink,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::on(0).await
    }

    /// Starts on a given port (to bring a sink "back" where the app expects it).
    pub async fn start_on(port: u16) -> SmtpSink {
        SmtpSink::on(port).await
    }

    async fn on(port: u16) -> SmtpSink {
        let sink = crate::smtp_sink::Sink::start(port, false).await;
        SmtpSink {
            port: sink.port,
            sink,
        }
    }

    /// The messages received, with base64 bodies decoded so tests can read them.
    pub fn received(&self) -> Vec<String> {
        self.sink.raw().iter().map(|m| decode_body(m)).collect()
    }

    /// Waits (bounded) until `n` messages arrived; the worker is woken by the commit.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        self.wait_for_matching(n, |_| true).await
    }

    /// Waits (bounded: 30 s, far above the worker's 1 s poll on a loaded machine) until `n`
    /// messages matching `pred` arrived.
    pub async fn wait_for_matching(&self, n: usize, pred: impl Fn(&String) -> bool) -> Vec<String> {
        for _ in 0..600 {
            let got = self.received();
            if got.iter().filter(|m| pred(m)).count() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.received()
    }
}

/// The address a page's pager link points to (`rel`: `prev` for newer, `next` for older), as
/// a browser reads it (`&amp;` is `&`).
pub fn pager_link(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!("\" rel=\"{rel}\""))?;
    let start = body[..at].rfind("href=\"")? + "href=\"".len();
    Some(body[start..at].replace("&amp;", "&"))
}

/// Follows a paged list's "older" links from `first` to its last page, checking the pager on
/// the way: the first page links to no newer one, each later page back to the one before it (the
/// second to `first` itself), older pages are `first` with `page=N`, every page but the last holds
/// `per_page` rows (as `rows` counts them), the last at least one; the page after the last is 404.
/// Returns every page's body, in order.
pub async fn follow_pages<F, Fut>(
    get: F,
    first: &str,
    per_page: usize,
    rows: impl Fn(&str) -> usize,
) -> Vec<String>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = (u16, String)>,
{
    let numbered = |n: usize| match (n, first.contains('?')) {
        (1, _) => first.to_owned(),
        (n, false) => format!("{first}?page={n}"),
        (n, true) => format!("{first}&page={n}"),
    };
    let mut bodies = vec![];
    loop {
        let n = bodies.len() + 1;
        let path = numbered(n);
        let (status, body) = get(path.clone()).await;
        assert_eq!(status, 200, "{path}");
        let newer = (n > 1).then(|| numbered(n - 1));
        assert_eq!(pager_link(&body, "prev"), newer, "{path}: newer");
        let older = pager_link(&body, "next");
        let count = rows(&body);
        bodies.push(body);
        match older {
            Some(older) => {
                assert_eq!(older, numbered(n + 1), "{path}: older");
                assert_eq!(count, per_page, "{path}: a full page");
            }
            None => {
                assert!(count >= 1 && count <= per_page, "{path}: {count} rows");
                let past = numbered(n + 1);
                assert_eq!(get(past.clone()).await.0, 404, "{past}");
                return bodies;
            }
        }
    }
}
