//! What a write changed, for the public page cache — and the one place that says which public
//! pages each kind of write touches ([`affected`]).
//!
//! A service records what it changed on its transaction (`tx.changed(Change::…)`, one line next
//! to the write). Once the transaction has committed, [`Tx`](super::tx::Tx) resolves the changes
//! into [`Topic`]s (the groups public pages are cached under), hands them to this process's
//! [`ChangeSink`] (the page cache) before the handler answers — so a publish shows at once — and
//! queues them for the other instances: on PostgreSQL a notifier task sends whatever is queued as
//! one `NOTIFY`, and every instance's listener applies it
//! ([`start`]). Features never see the cache: they say what they changed, not which pages to drop.
//!
//! Why after `COMMIT` and not inside the write's transaction (where PostgreSQL would deliver it
//! only on commit): a transaction that notifies holds the notification queue's lock through its
//! commit, WAL flush included, so every report would have committed one after another (measured
//! with 64 reporters: ~980 → ~600 durable reports/s). The price: if the process dies between its
//! `COMMIT` and the `NOTIFY`, the other instances serve pages from before that change until they
//! expire (`SUNSHINE_PAGE_TTL_SECS`, 10 s).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::{AnyConnection, Row};
use tokio::sync::mpsc;

use super::content::Kind;
use super::{Backend, Db};
use crate::db::Binds;

/// What a committed write changed. Every write transaction of a feature records one (or more);
/// writes that no public page shows (sign-in, sessions, accounts, holidays, the audit trail,
/// mail, import staging) record nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A complaint was received (web form or logged by staff): the complaint statistics move.
    ComplaintReceived,
    /// A complaint moved on (status, deadline, finding): the complaint statistics move.
    ComplaintProgressed,
    /// Something was added to a complaint's file that no public page counts (the reporter's
    /// further information, a named officer, an identity revealed).
    ComplaintNoted,
    /// A draft list was created (drafts are not public).
    DraftCreated,
    /// A list's entries changed, or it was published, withdrawn or closed (also the standing list
    /// a newly published one replaced).
    List {
        batch: i64,
        village: i64,
        township: i64,
    },
    /// A content page (policy, answer, notice) was written, published, unpublished or linked to
    /// a complaint.
    Page { id: i64 },
    /// A case file moved on (registered, a step, a decision): the village's and township's
    /// counts of applications in progress, and the process statistics.
    Case { village: i64, township: i64 },
    /// A draw announced or drawn, or a review pool changed (the group names a draw's page
    /// shows): the public draw pages, and the statistics that count draws.
    Draws,
    /// Something only the statistics count: a notice issued or delivered, a re-check recorded.
    Statistics,
    /// The region tree or its names: every public page.
    Regions,
}

impl Change {
    /// A change to `batch` (its entries, or its state).
    pub fn list(batch: &super::publicity::Batch) -> Change {
        Change::List {
            batch: batch.id,
            village: batch.village_id,
            township: batch.township_id,
        }
    }
}

/// A group of public pages that change together; the page cache keys every page under one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// `/` (the region tree) and `/poster`: change only with the regions.
    Home,
    /// `/v/{code}` and `/api/v1/villages/{code}/summary`.
    Village(String),
    /// `/p/{id}`.
    Batch(i64),
    /// `/api/v1/townships/{code}/summary`.
    Township(String),
    /// `/stats` and `/api/v1/stats`: the county summary and statistics per township (a
    /// deployment of several counties will add `County(code)` beside it).
    Statistics,
    /// `/policy`, `/answers`, `/notices`.
    PageList(Kind),
    /// `/policy/{slug}` and the like.
    Page(Kind, String),
    /// `/draws`, `/draws/{id}` and `/draws/{id}.json`.
    Draws,
    /// Every public page.
    Everything,
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Home => f.write_str("home"),
            Topic::Village(code) => write!(f, "v:{code}"),
            Topic::Batch(id) => write!(f, "b:{id}"),
            Topic::Township(code) => write!(f, "t:{code}"),
            Topic::Statistics => f.write_str("stats"),
            Topic::Draws => f.write_str("draws"),
            Topic::PageList(kind) => write!(f, "list:{}", kind.as_str()),
            Topic::Page(kind, slug) => write!(f, "page:{}:{slug}", kind.as_str()),
            Topic::Everything => f.write_str("*"),
        }
    }
}

impl Topic {
    /// Reads the form [`Display`](fmt::Display) writes (the notification payload).
    pub fn parse(s: &str) -> Option<Topic> {
        Some(match s {
            "home" => Topic::Home,
            "stats" => Topic::Statistics,
            "draws" => Topic::Draws,
            "*" => Topic::Everything,
            _ => match s.split_once(':')? {
                ("v", code) => Topic::Village(code.to_owned()),
                ("b", id) => Topic::Batch(id.parse().ok()?),
                ("t", code) => Topic::Township(code.to_owned()),
                ("list", kind) => Topic::PageList(Kind::parse(kind)?),
                ("page", rest) => {
                    let (kind, slug) = rest.split_once(':')?;
                    Topic::Page(Kind::parse(kind)?, slug.to_owned())
                }
                _ => return None,
            },
        })
    }
}

async fn region_code(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT code FROM regions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()
}

/// A write to a village's lists or cases: that village's page, its township's, and the
/// statistics (everything, when a region is gone).
async fn place_topics(
    conn: &mut AnyConnection,
    village: i64,
    township: i64,
) -> Result<[Topic; 3], sqlx::Error> {
    let village = region_code(conn, village)
        .await?
        .map_or(Topic::Everything, Topic::Village);
    let township = region_code(conn, township)
        .await?
        .map_or(Topic::Everything, Topic::Township);
    Ok([village, township, Topic::Statistics])
}

/// The invalidation map: which public pages each kind of write touches. Region and page ids are
/// resolved on the write's own connection, right after it committed.
#[tracing::instrument(skip_all)]
pub async fn affected(
    conn: &mut AnyConnection,
    changes: &[Change],
) -> Result<Vec<Topic>, sqlx::Error> {
    let mut topics = Vec::new();
    for change in changes {
        match change {
            // Complaints are private; only their counts are public, on the statistics.
            Change::ComplaintReceived | Change::ComplaintProgressed => {
                topics.push(Topic::Statistics)
            }
            Change::ComplaintNoted | Change::DraftCreated => {}
            // The list's own page, its village's page and summary, its township's summary and
            // the county statistics (standing totals, new and stopped households).
            Change::List {
                batch,
                village,
                township,
            } => {
                topics.push(Topic::Batch(*batch));
                topics.extend(place_topics(conn, *village, *township).await?);
            }
            // The page itself and the list of its kind (titles, what is published).
            // A county's page is listed on its county's page too (a home topic).
            Change::Page { id } => {
                let row = sqlx::query("SELECT kind, slug, county_id FROM pages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
                let page = match &row {
                    Some(r) => {
                        let slug: String = r.try_get(1)?;
                        let county: Option<i64> = r.try_get(2)?;
                        Kind::parse(&r.try_get::<String, _>(0)?)
                            .map(|kind| (kind, slug, county.is_some()))
                    }
                    None => None,
                };
                match page {
                    Some((kind, slug, of_county)) => {
                        topics.push(Topic::PageList(kind));
                        topics.push(Topic::Page(kind, slug));
                        if of_county {
                            topics.push(Topic::Home);
                        }
                    }
                    None => topics.push(Topic::Everything),
                }
            }
            Change::Case { village, township } => {
                topics.extend(place_topics(conn, *village, *township).await?);
            }
            Change::Draws => topics.extend([Topic::Draws, Topic::Statistics]),
            Change::Statistics => topics.push(Topic::Statistics),
            Change::Regions => topics.push(Topic::Everything),
        }
    }
    if topics.contains(&Topic::Everything) {
        return Ok(vec![Topic::Everything]);
    }
    let mut seen = std::collections::HashSet::new();
    topics.retain(|t| seen.insert(t.clone()));
    Ok(topics)
}

/// Receives the topics of committed changes (this process's own right after `COMMIT`, other
/// instances' when their notification arrives). Must not block: it runs before the writing
/// handler answers.
pub trait ChangeSink: Send + Sync {
    fn changed(&self, topics: &[Topic]);
}

/// The PostgreSQL channel instances announce changes on.
pub const CHANNEL: &str = "sunshine_changes";
/// PostgreSQL refuses payloads of 8,000 bytes or more; a longer list becomes "everything".
const MAX_PAYLOAD: usize = 7_000;

/// Where committed changes go in this process, and how it tells itself from other instances.
pub struct ChangeHub {
    /// Random per process: an instance skips its own notifications (it applied them already).
    origin: String,
    /// Counts every change heard of (own and others'), so a reader can tell whether a replica
    /// has been checked since the latest one.
    seq: AtomicU64,
    /// Counts the changes of everything (the region tree), so the site can tell its county
    /// names may have changed.
    everything: AtomicU64,
    sink: OnceLock<Arc<dyn ChangeSink>>,
    /// This process's committed changes, for the notifier (PostgreSQL, once started).
    outgoing: OnceLock<mpsc::UnboundedSender<Vec<Topic>>>,
}

impl fmt::Debug for ChangeHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeHub")
            .field("origin", &self.origin)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl Default for ChangeHub {
    fn default() -> Self {
        ChangeHub {
            origin: hex::encode(rand::random::<[u8; 8]>()),
            seq: AtomicU64::new(0),
            everything: AtomicU64::new(0),
            sink: OnceLock::new(),
            outgoing: OnceLock::new(),
        }
    }
}

impl ChangeHub {
    /// Sets where changes go (once; the server's page cache).
    pub fn set_sink(&self, sink: Arc<dyn ChangeSink>) {
        if self.sink.set(sink).is_err() {
            tracing::warn!("a change sink was already set; keeping the first");
        }
    }

    /// How many changes this process has heard of.
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }

    /// How many changes of everything (the region tree) this process has heard of.
    pub fn everything_seq(&self) -> u64 {
        self.everything.load(Ordering::SeqCst)
    }

    /// This process committed changes: applies them here, and queues them for the others.
    pub fn committed(&self, topics: &[Topic]) {
        self.apply(topics);
        if let (false, Some(out)) = (topics.is_empty(), self.outgoing.get()) {
            // Fails only once the notifier has stopped, i.e. the runtime is shutting down.
            let _ = out.send(topics.to_vec());
        }
    }

    /// Applies changes (this process's or another instance's) to this process.
    pub fn apply(&self, topics: &[Topic]) {
        if topics.is_empty() {
            return;
        }
        self.seq.fetch_add(1, Ordering::SeqCst);
        // Before the pages are dropped: a page rendered after that sees the new count.
        if topics.contains(&Topic::Everything) {
            self.everything.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(sink) = self.sink.get() {
            sink.changed(topics);
        }
    }

    /// `origin topic topic …`, or `origin *` when that would be too long.
    fn payload(&self, topics: &[Topic]) -> String {
        let mut p = self.origin.clone();
        for t in topics {
            p.push(' ');
            p.push_str(&t.to_string());
        }
        if p.len() > MAX_PAYLOAD {
            format!("{} *", self.origin)
        } else {
            p
        }
    }

    /// Topics of another instance's notification; `None` for our own (already applied).
    fn parse_payload(&self, payload: &str) -> Option<Vec<Topic>> {
        let mut parts = payload.split(' ');
        if parts.next()? == self.origin {
            return None;
        }
        let mut topics = Vec::new();
        for p in parts {
            match Topic::parse(p) {
                Some(t) => topics.push(t),
                // From a newer version, perhaps: drop everything rather than guess.
                None => return Some(vec![Topic::Everything]),
            }
        }
        Some(topics)
    }
}

/// Sends the queued changes of this process to the other instances, one `NOTIFY` per batch
/// (whatever queued up while the previous one was sent): a lost notification costs staleness
/// bounded by the page TTL, never data.
async fn notifier(db: Db, hub: Arc<ChangeHub>, mut queue: mpsc::UnboundedReceiver<Vec<Topic>>) {
    while let Some(mut topics) = queue.recv().await {
        while let Ok(more) = queue.try_recv() {
            topics.extend(more);
        }
        let mut seen = std::collections::HashSet::new();
        topics.retain(|t| seen.insert(t.clone()));
        if let Err(e) = notify(&db, &hub.payload(&topics)).await {
            tracing::warn!(error = %e, topics = topics.len(), "could not tell other instances of a change; their copies expire with the page TTL");
        }
    }
}

/// A transaction that only notifies writes no WAL, so it waits for no disk flush.
async fn notify(db: &Db, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .binds((CHANNEL, payload))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Tells the running instances, now, that every public page changed: for a command-line write,
/// whose process ends before a notifier could send it. PostgreSQL only (a SQLite site is one
/// instance in another process: its pages expire with the page TTL).
pub async fn announce_everything(db: &Db) -> Result<(), sqlx::Error> {
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    notify(db, &db.changes.payload(&[Topic::Everything])).await
}

/// Connects this process to the other instances (PostgreSQL only; `url` is `db`'s): starts the
/// notifier that tells them of this process's changes, and listens for theirs — connected
/// before this returns, so nothing announced after start-up is missed — applying each to
/// `db.changes` until the process ends. A lost connection is re-established; whatever was
/// announced meanwhile is unknown, so everything is dropped then.
pub async fn start(db: &Db, url: String) -> Result<(), sqlx::Error> {
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    let hub = db.changes.clone();
    let first = connect_listener(&url).await?;
    let (out, queue) = mpsc::unbounded_channel();
    if hub.outgoing.set(out).is_ok() {
        tokio::spawn(notifier(db.clone(), hub.clone(), queue));
    }
    tokio::spawn(async move {
        let mut listener = Some(first);
        loop {
            if listener.is_none() {
                match connect_listener(&url).await {
                    Ok(l) => {
                        hub.apply(&[Topic::Everything]);
                        listener = Some(l);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for other instances' changes; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
            }
            let Some(l) = listener.as_mut() else {
                continue;
            };
            match l.try_recv().await {
                Ok(Some(n)) => {
                    if let Some(topics) = hub.parse_payload(n.payload()) {
                        tracing::debug!(topics = topics.len(), "change from another instance");
                        hub.apply(&topics);
                    }
                }
                // The connection was lost; the next call reconnects. Notifications in between
                // are lost.
                Ok(None) => {
                    tracing::warn!("change listener lost its connection; reconnecting");
                    hub.apply(&[Topic::Everything]);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "change listener failed; reconnecting");
                    listener = None;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

async fn connect_listener(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut l = sqlx::postgres::PgListener::connect(url).await?;
    l.listen(CHANNEL).await?;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_through_the_payload() {
        let topics = vec![
            Topic::Home,
            Topic::Village("530621103201".into()),
            Topic::Batch(42),
            Topic::Township("530621103000".into()),
            Topic::Statistics,
            Topic::PageList(Kind::Answer),
            Topic::Page(Kind::Policy, "dibao-rules".into()),
            Topic::Everything,
        ];
        for t in &topics {
            assert_eq!(Topic::parse(&t.to_string()).as_ref(), Some(t), "{t}");
        }
        let a = ChangeHub::default();
        let b = ChangeHub::default();
        let p = a.payload(&topics);
        assert_eq!(a.parse_payload(&p), None, "own notifications are skipped");
        assert_eq!(b.parse_payload(&p), Some(topics));
        assert_eq!(
            b.parse_payload(&format!("{} v2:thing", a.origin)),
            Some(vec![Topic::Everything]),
            "unknown topics drop everything"
        );
    }

    #[test]
    fn long_payloads_become_everything() {
        let hub = ChangeHub::default();
        let many: Vec<Topic> = (0..2_000).map(Topic::Batch).collect();
        let p = hub.payload(&many);
        assert!(p.len() < 8_000);
        assert_eq!(
            ChangeHub::default().parse_payload(&p),
            Some(vec![Topic::Everything])
        );
    }
}
