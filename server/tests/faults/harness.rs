//! The real `sunshine` binary as a child process, its databases, and a reporter's HTTP steps.
//!
//! Every wait polls with a deadline; nothing sleeps to wait for readiness. Each scenario runs
//! alone (see [`serial`]): they kill servers, fill disks and time answers, and two at once on a
//! small machine would measure each other.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// One scenario at a time (each test has its own runtime; this lock works across them).
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// Whether the environment says this is CI (a skipped scenario there is a failure).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Skips (one clear line) or, in CI, fails.
pub fn skip(test: &str, why: &str) {
    assert!(!in_ci(), "{test}: {why} (required in CI)");
    println!("SKIPPED {test}: {why}");
}

use crate::browser::BrowserExt;
pub use crate::pg::postgres_url;
use crate::pg::TempDatabase;

/// A fresh database on the test PostgreSQL server and that server's URL.
pub async fn postgres_store(_test: &str) -> Option<(Store, String)> {
    let admin = postgres_url();
    Some((Store::postgres(&admin).await, admin))
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `limit`.
pub async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Where a scenario's data lives: a SQLite folder or a fresh PostgreSQL database.
pub enum Store {
    Sqlite { dir: PathBuf },
    Postgres(TempDatabase),
}

impl Store {
    pub fn sqlite(dir: &Path) -> Store {
        Store::Sqlite {
            dir: dir.to_owned(),
        }
    }

    /// A new database on the test server, dropped with the `Store`.
    pub async fn postgres(admin_url: &str) -> Store {
        Store::Postgres(TempDatabase::create(admin_url, "sunshine_faults").await)
    }

    /// The URL the server uses (`via`: another host:port in front of PostgreSQL).
    pub fn url(&self, via: Option<u16>) -> String {
        match self {
            Store::Sqlite { dir } => {
                format!("sqlite://{}?mode=rwc", dir.join("sunshine.db").display())
            }
            Store::Postgres(db) => match via {
                Some(port) => replace_port(&db.url, port),
                None => db.url.clone(),
            },
        }
    }

    /// A connection of the test's own, to look at what the server stored.
    pub async fn connect(&self) -> app::db::Db {
        app::db::Db::connect(&self.url(None))
            .await
            .expect("connect to the scenario's database")
    }
}

/// `postgres://u@h:5432/db` → `postgres://u@127.0.0.1:PORT/db`.
fn replace_port(url: &str, port: u16) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &url[scheme_end..];
    let host_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..host_end];
    let userinfo = authority
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    format!(
        "{}{userinfo}127.0.0.1:{port}{}",
        &url[..scheme_end],
        &rest[host_end..]
    )
}

/// How to start one server.
#[derive(Clone)]
pub struct ServerOpts {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub smtp_url: Option<String>,
    pub worker_id: String,
    /// Same for every instance of a scenario: receipts are keyed with it.
    pub secret: String,
}

impl ServerOpts {
    pub fn new(data_dir: &Path, database_url: String, worker_id: &str) -> ServerOpts {
        ServerOpts {
            data_dir: data_dir.to_owned(),
            database_url,
            smtp_url: None,
            worker_id: worker_id.to_owned(),
            secret: "f".repeat(64),
        }
    }
}

/// A running `sunshine serve`. Dropped, it is killed (SIGKILL) and reaped.
pub struct Server {
    child: Child,
    pub base: String,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary on a free loopback port with the demo county and waits (bounded) for
    /// the line with its address.
    pub fn start(opts: &ServerOpts) -> Server {
        std::fs::create_dir_all(&opts.data_dir).expect("data dir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sunshine"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--demo"])
            .env_clear()
            .env("SUNSHINE_DATA_DIR", &opts.data_dir)
            .env("DATABASE_URL", &opts.database_url)
            .env("SUNSHINE_SECRET", &opts.secret)
            .env("SUNSHINE_RATE_BURST_FACTOR", "10000")
            .env("SUNSHINE_MAIL_RETRY_SECS", "1")
            .env("SUNSHINE_WORKER_ID", &opts.worker_id)
            .env("SUNSHINE_PKG_DIR", opts.data_dir.join("no-bundle"))
            .env("SUNSHINE_MAIL_FROM", "阳光低保 <noreply@sunshine.test>")
            .env("RUST_LOG", "info,sqlx=warn,tower_http=warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = &opts.smtp_url {
            cmd.env("SMTP_URL", url);
        }
        let mut child = cmd.spawn().expect("start sunshine");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<SocketAddr>();
        // Both pipes are drained for the life of the process, so it never blocks on a log line.
        let stdout = child.stdout.take().expect("stdout");
        let out_logs = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("sunshine listening on http://") {
                    if let Ok(addr) = addr.trim().parse() {
                        let _ = tx.send(addr);
                    }
                }
                if let Ok(mut l) = out_logs.lock() {
                    l.push(line);
                }
            }
        });
        let stderr = child.stderr.take().expect("stderr");
        let err_logs = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = err_logs.lock() {
                    l.push(line);
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(90);
        let addr = loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(addr) => break addr,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = child.try_wait() {
                        panic!(
                            "sunshine exited ({status}) before listening:\n{}",
                            tail(&logs)
                        );
                    }
                    if Instant::now() > deadline {
                        let _ = child.kill();
                        panic!("sunshine did not start in 90 s:\n{}", tail(&logs));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = child.wait();
                    panic!("sunshine closed its output:\n{}", tail(&logs));
                }
            }
        };
        Server {
            child,
            base: format!("http://{addr}"),
            logs,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flushing, as a power cut or the OOM killer would.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Peak resident memory so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmHWM:")
    }

    pub fn rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmRSS:")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn logs_tail(&self) -> String {
        tail(&self.logs)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proc_status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn tail(logs: &Arc<Mutex<Vec<String>>>) -> String {
    let l = logs.lock().map(|l| l.clone()).unwrap_or_default();
    l[l.len().saturating_sub(40)..].join("\n")
}

/// A browser without cookies: every request bounded, no redirects followed.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client")
}

/// A browser with a cookie jar (staff).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

/// What became of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 303 to the receipt page with the receipt cookie: the reporter was told it is stored.
    Acked(String),
    /// 503: not stored; `true` when it is the form again, saying "举报没有保存" (the write
    /// failed), `false` for the error page (the database could not even be read).
    NotSaved(bool),
    /// Any other status.
    Status(u16),
    /// No answer (connection refused or reset, timeout).
    NoAnswer,
}

const REPORT_BODY: &str = "村主任把低保名额给了自己的亲戚，他们家有小车和新房。";

/// Opens the report form and sends it, as a browser without JavaScript does.
pub async fn report(client: &reqwest::Client, base: &str, email: Option<&str>) -> Outcome {
    let Ok(res) = client
        .get(format!("{base}/report"))
        .header("accept", "text/html")
        .send()
        .await
    else {
        return Outcome::NoAnswer;
    };
    if res.status().as_u16() != 200 {
        return match res.status().as_u16() {
            503 => Outcome::NotSaved(false),
            s => Outcome::Status(s),
        };
    }
    let Ok(page) = res.text().await else {
        return Outcome::NoAnswer;
    };
    let marker = r#"name="token" value=""#;
    let Some(token) = page
        .find(marker)
        .map(|i| i + marker.len())
        .and_then(|i| page.get(i..i + 64))
    else {
        return Outcome::Status(200);
    };
    let mut form = vec![
        ("token", token.to_owned()),
        ("category", "favouritism".to_owned()),
        ("place", "v:530621103201".to_owned()),
        ("body", REPORT_BODY.to_owned()),
    ];
    if let Some(email) = email {
        form.push(("contact", email.to_owned()));
    }
    submit(client, base, &form).await
}

/// Posts a filled-in report form.
pub async fn submit(client: &reqwest::Client, base: &str, form: &[(&str, String)]) -> Outcome {
    let Ok(res) = client
        .browser_post(format!("{base}/report"))
        .header("origin", base)
        .form(form)
        .send()
        .await
    else {
        return Outcome::NoAnswer;
    };
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let receipt = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("sunshine_receipt="))
        .map(|rest| rest.split(';').next().unwrap_or("").to_owned());
    match (status, location, receipt) {
        (303, "/report/receipt", Some(r)) if r.len() == 16 => Outcome::Acked(r),
        (503, _, _) => {
            let body = res.text().await.unwrap_or_default();
            Outcome::NotSaved(body.contains("举报没有保存"))
        }
        _ => Outcome::Status(status),
    }
}

/// Whether `/track` finds the case of `receipt` (303 to `/track/case`).
pub async fn found(client: &reqwest::Client, base: &str, receipt: &str) -> bool {
    let res = client
        .browser_post(format!("{base}/track"))
        .header("origin", base)
        .form(&[("receipt", receipt)])
        .send()
        .await
        .expect("track");
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    match res.status().as_u16() {
        303 => location == "/track/case",
        404 => false,
        s => panic!("/track answered {s}"),
    }
}

/// How many of `receipts` `/track` finds.
pub async fn count_found(base: &str, receipts: &[String]) -> usize {
    let c = client();
    let mut n = 0;
    for r in receipts {
        if found(&c, base, r).await {
            n += 1;
        }
    }
    n
}

/// Status and how long a GET took.
pub async fn timed_get(client: &reqwest::Client, url: &str) -> (Option<u16>, Duration) {
    let t = Instant::now();
    let status = client
        .get(url)
        .header("accept", "text/html")
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16());
    (status, t.elapsed())
}

/// A free loopback port (bound and let go; nothing else on this machine races for it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            replace_port("postgres://postgres@127.0.0.1:5432/t1", 6000),
            "postgres://postgres@127.0.0.1:6000/t1"
        );
        assert_eq!(
            replace_port("postgres://u:p@db.example:5432/t1?sslmode=disable", 7),
            "postgres://u:p@127.0.0.1:7/t1?sslmode=disable"
        );
    }
}
