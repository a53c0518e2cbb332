//! Public draws anyone can re-run (公开抽取), protocol `sunshine-draw/1`: the village review panel
//! (民主评议小组) and the county's in-person spot-check (入户抽查) of a 审核 batch.
//!
//! `docs/draws.md` is the specification; this module implements exactly that and nothing else, and
//! `docs/draws_reference.py` implements it again from the document alone (the tests compare them).
//! Pure: no I/O, no clock, no OS randomness — the only randomness is the public value entered at
//! the draw. Compiled into the server (`ssr`) and into the WASM bundle (`hydrate`), where an island
//! re-runs a published draw in the visitor's browser; keep it free of server-only dependencies.
//!
//! The life of a draw: [`announce`] validates a [`Proposal`] (refusing impossible constraints with an
//! [`AnnounceError`]) and freezes it as an [`Announcement`] with its pool hash; once the announced
//! randomness is known, [`Announcement::draw`] derives the seed and the selection; [`DrawFile`] is
//! the published JSON, and [`verify`] re-runs one and says where it differs ([`Mismatch`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The algorithm version: part of every seed and of every published file.
pub const ALGORITHM: &str = "sunshine-draw/1";
/// A pool has at least this many members (评议库不少于30人).
pub const MIN_POOL: usize = 30;
/// Bound on the pool, so that a file cannot make a verifier (a phone) work without end.
pub const MAX_POOL: usize = 10_000;
/// A panel has at least this many members (评议小组不少于9人).
pub const MIN_PANEL_SIZE: u32 = 9;
/// A panel has at least this many township cadres (乡镇干部不少于2人).
pub const MIN_CADRES: u32 = 2;
/// The county checks at least this share of a batch, in percent (抽查不低于30%).
pub const MIN_RATE_PERCENT: u32 = 30;
/// Bound on a spot-check batch.
pub const MAX_ENTRIES: usize = 100_000;

const MAX_TOKEN: usize = 64;
const MAX_PURPOSE: usize = 200;
const MAX_SOURCE: usize = 200;
const MAX_NAME: usize = 40;
const MAX_RANDOMNESS_LEN: u16 = 256;

// ---------------------------------------------------------------------------------------------
// Inputs (as staff or a published file give them; checked by `announce`)
// ---------------------------------------------------------------------------------------------

/// What a pool member is there as (docs/draws.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stratum {
    /// 乡镇干部: a township cadre, in no village group.
    Cadre,
    /// 村民小组长: the leader of a village group.
    Leader,
    /// 村民代表/群众: a resident of a village group.
    Resident,
}

impl Stratum {
    pub const ALL: &'static [Stratum] = &[Stratum::Cadre, Stratum::Leader, Stratum::Resident];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stratum::Cadre => "cadre",
            Stratum::Leader => "leader",
            Stratum::Resident => "resident",
        }
    }
}

/// One person in the pool snapshot (评议库快照).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolMember {
    /// Stable id, unique in the pool (a Token: `[0-9A-Za-z._-]{1,64}`).
    pub id: String,
    /// Display name, already masked by the site's policy (e.g. `张*明`). It is published and hashed
    /// but plays no part in the selection; never put a full name here.
    pub name: String,
    pub stratum: Stratum,
    /// The member's village group; `None` for a cadre, required otherwise.
    pub group: Option<String>,
    /// Near relative of an applicant reviewed by this panel (回避): never drawn.
    pub near_relative: bool,
}

/// One household of a 审核 batch to spot-check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The publicity entry's public reference (e.g. `E123`).
    #[serde(rename = "ref")]
    pub entry_ref: String,
    /// A 备案近亲属 case: always checked.
    pub near_relative: bool,
}

/// A review panel's constraints and pool (docs/draws.md §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub panel_size: u32,
    pub min_cadres: u32,
    /// The village groups with an applicant this month: each gets its leader or a substitute.
    pub groups: Vec<String>,
    pub pool: Vec<PoolMember>,
}

/// A spot-check's rate and batch (docs/draws.md §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotCheck {
    pub rate_percent: u32,
    pub entries: Vec<Entry>,
}

/// The two kinds of draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Panel(Panel),
    SpotCheck(SpotCheck),
}

/// Everything fixed at announcement, before validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub draw_id: String,
    pub purpose: String,
    /// The named future public randomness, e.g. `2026-07-15 福彩3D + 排列5 开奖号码`.
    pub randomness_source: String,
    /// `digits:N`, `dice:N` or `hex:N`.
    pub randomness_format: String,
    pub subject: Subject,
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

/// What is wrong with one pool member (refusal `bad_member`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberProblem {
    Id,
    Name,
    Group,
    CadreInGroup,
    NoGroup,
}

impl fmt::Display for MemberProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MemberProblem::Id => "the id must be 1–64 letters, digits, '.', '_' or '-'",
            MemberProblem::Name => "the name must be 1–40 characters without control characters",
            MemberProblem::Group => "the group must be 1–64 letters, digits, '.', '_' or '-'",
            MemberProblem::CadreInGroup => "a township cadre belongs to no village group",
            MemberProblem::NoGroup => "a group leader or resident needs a village group",
        })
    }
}

/// Why a draw cannot be announced (docs/draws.md §4). The variants are checked in the order
/// they are declared; [`AnnounceError::code`] is the code every implementation agrees on.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AnnounceError {
    #[error("the draw id must be 1–64 letters, digits, '.', '_' or '-'")]
    BadDrawId,
    #[error("the purpose must be 1–200 characters without control characters")]
    BadPurpose,
    #[error("the randomness source must be 1–200 characters without control characters")]
    BadRandomnessSource,
    #[error("the randomness format must be digits:N, dice:N or hex:N, N from 1 to 256")]
    BadRandomnessFormat,
    #[error("the pool has {members} members; at most {MAX_POOL} are allowed")]
    PoolTooLarge { members: usize },
    #[error("pool member {id:?}: {problem}")]
    BadMember { id: String, problem: MemberProblem },
    #[error("pool member {id:?} is listed twice")]
    DuplicateMember { id: String },
    #[error("the pool has {members} members; at least {MIN_POOL} are required (评议库不少于30人)")]
    PoolTooSmall { members: usize },
    #[error("a panel of {size} is too small; at least {MIN_PANEL_SIZE} are required (评议小组不少于9人)")]
    BadPanelSize { size: u32 },
    #[error("at least {MIN_CADRES} township cadres are required on the panel, not {min} (乡镇干部不少于2人)")]
    BadMinCadres { min: u32 },
    #[error("the village groups with applicants: {0}")]
    BadGroups(GroupsProblem),
    #[error("village group {group:?} has more than one group leader in the pool")]
    TwoLeaders { group: String },
    #[error("the pool has {eligible} township cadres who can serve; the panel needs {required}")]
    TooFewCadres { eligible: usize, required: u32 },
    #[error("village group {group:?} has no leader or resident in the pool who can serve (回避 leaves nobody)")]
    GroupWithoutMember { group: String },
    #[error("a panel of {size} cannot hold its {required} required seats (cadres and one per village group)")]
    PanelTooSmall { size: u32, required: usize },
    #[error("only {eligible} pool members can serve (not near relatives); the panel needs {size}")]
    TooFewEligible { eligible: usize, size: u32 },
    #[error("the batch has {entries} entries; at most {MAX_ENTRIES} are allowed")]
    TooManyEntries { entries: usize },
    #[error("entry {entry_ref:?}: the reference must be 1–64 letters, digits, '.', '_' or '-'")]
    BadEntry { entry_ref: String },
    #[error("entry {entry_ref:?} is listed twice")]
    DuplicateEntry { entry_ref: String },
    #[error("the batch has no entries to check")]
    NoEntries,
    #[error("a check rate of {percent}% is not allowed: from {MIN_RATE_PERCENT}% to 100% (抽查不低于30%)")]
    BadRate { percent: u32 },
}

/// What is wrong with a panel's list of village groups (refusal `bad_groups`).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GroupsProblem {
    #[error("none named; a panel reviews the applicants of at least one village group")]
    Empty,
    #[error("{0:?} is not 1–64 letters, digits, '.', '_' or '-'")]
    BadId(String),
    #[error("{0:?} is named twice")]
    Duplicate(String),
}

impl AnnounceError {
    /// The refusal code of docs/draws.md §4.
    pub const fn code(&self) -> &'static str {
        match self {
            AnnounceError::BadDrawId => "bad_draw_id",
            AnnounceError::BadPurpose => "bad_purpose",
            AnnounceError::BadRandomnessSource => "bad_randomness_source",
            AnnounceError::BadRandomnessFormat => "bad_randomness_format",
            AnnounceError::PoolTooLarge { .. } => "pool_too_large",
            AnnounceError::BadMember { .. } => "bad_member",
            AnnounceError::DuplicateMember { .. } => "duplicate_member",
            AnnounceError::PoolTooSmall { .. } => "pool_too_small",
            AnnounceError::BadPanelSize { .. } => "bad_panel_size",
            AnnounceError::BadMinCadres { .. } => "bad_min_cadres",
            AnnounceError::BadGroups(_) => "bad_groups",
            AnnounceError::TwoLeaders { .. } => "two_leaders",
            AnnounceError::TooFewCadres { .. } => "too_few_cadres",
            AnnounceError::GroupWithoutMember { .. } => "group_without_member",
            AnnounceError::PanelTooSmall { .. } => "panel_too_small",
            AnnounceError::TooFewEligible { .. } => "too_few_eligible",
            AnnounceError::TooManyEntries { .. } => "too_many_entries",
            AnnounceError::BadEntry { .. } => "bad_entry",
            AnnounceError::DuplicateEntry { .. } => "duplicate_entry",
            AnnounceError::NoEntries => "no_entries",
            AnnounceError::BadRate { .. } => "bad_rate",
        }
    }
}

/// The value entered at the draw does not have the announced shape.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("the randomness must be exactly {expected}, as announced")]
pub struct RandomnessError {
    /// What was announced, in words, e.g. "8 digits 0–9".
    pub expected: String,
}

// ---------------------------------------------------------------------------------------------
// Checked values
// ---------------------------------------------------------------------------------------------

/// A Token: 1–64 of `0-9 A-Z a-z . _ -` (docs/draws.md §2).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A Text(max): 1–max code points, no C0/C1 control characters (so no TAB or LF to confuse the
/// canonical snapshot's lines).
fn is_text(s: &str, max: usize) -> bool {
    let mut n = 0;
    for c in s.chars() {
        if matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}') {
            return false;
        }
        n += 1;
    }
    (1..=max).contains(&n)
}

/// The announced shape of the randomness value (docs/draws.md §3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RandomnessFormat {
    /// N decimal digits (lottery results).
    Digits(u16),
    /// N dice rolls, `1`–`6`.
    Dice(u16),
    /// N lowercase hexadecimal digits (a randomness beacon).
    Hex(u16),
}

impl RandomnessFormat {
    pub fn parse(s: &str) -> Option<Self> {
        let (kind, n) = s.split_once(':')?;
        // Decimal without sign or leading zeros, so each format has exactly one spelling.
        if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u16 = n.parse().ok()?;
        if !(1..=MAX_RANDOMNESS_LEN).contains(&n) {
            return None;
        }
        match kind {
            "digits" => Some(RandomnessFormat::Digits(n)),
            "dice" => Some(RandomnessFormat::Dice(n)),
            "hex" => Some(RandomnessFormat::Hex(n)),
            _ => None,
        }
    }

    /// How many characters the value has.
    pub fn length(self) -> usize {
        match self {
            RandomnessFormat::Digits(n) | RandomnessFormat::Dice(n) | RandomnessFormat::Hex(n) => {
                usize::from(n)
            }
        }
    }

    fn allows(self, b: u8) -> bool {
        match self {
            RandomnessFormat::Digits(_) => b.is_ascii_digit(),
            RandomnessFormat::Dice(_) => (b'1'..=b'6').contains(&b),
            RandomnessFormat::Hex(_) => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
        }
    }

    /// The value in words, for messages.
    pub fn describe(self) -> String {
        match self {
            RandomnessFormat::Digits(n) => format!("{n} digits 0–9"),
            RandomnessFormat::Dice(n) => format!("{n} dice rolls 1–6"),
            RandomnessFormat::Hex(n) => format!("{n} lowercase hexadecimal digits 0–9, a–f"),
        }
    }
}

impl fmt::Display for RandomnessFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RandomnessFormat::Digits(n) => write!(f, "digits:{n}"),
            RandomnessFormat::Dice(n) => write!(f, "dice:{n}"),
            RandomnessFormat::Hex(n) => write!(f, "hex:{n}"),
        }
    }
}

/// A randomness value of the announced shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Randomness(String);

impl Randomness {
    /// Exactly the announced shape; nothing is trimmed or normalised (the page strips spaces a
    /// person typed before it asks, so the stored value is the one that is hashed).
    pub fn parse(format: RandomnessFormat, value: &str) -> Result<Self, RandomnessError> {
        if value.len() == format.length() && value.bytes().all(|b| format.allows(b)) {
            Ok(Randomness(value.to_owned()))
        } else {
            Err(RandomnessError {
                expected: format.describe(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SHA-256 value (pool hash or seed).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        s
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

// ---------------------------------------------------------------------------------------------
// Announcement
// ---------------------------------------------------------------------------------------------

/// A draw that passed every check of docs/draws.md §4, frozen: its inputs in canonical order and
/// its pool hash. Only [`announce`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    draw_id: String,
    purpose: String,
    randomness_source: String,
    randomness_format: RandomnessFormat,
    /// Validated, with groups, members and entries sorted by id.
    subject: Subject,
    pool_hash: Hash,
}

/// Checks a proposed draw (docs/draws.md §4, in that order) and freezes it with its pool hash.
pub fn announce(p: Proposal) -> Result<Announcement, AnnounceError> {
    if !is_token(&p.draw_id) {
        return Err(AnnounceError::BadDrawId);
    }
    if !is_text(&p.purpose, MAX_PURPOSE) {
        return Err(AnnounceError::BadPurpose);
    }
    if !is_text(&p.randomness_source, MAX_SOURCE) {
        return Err(AnnounceError::BadRandomnessSource);
    }
    let randomness_format =
        RandomnessFormat::parse(&p.randomness_format).ok_or(AnnounceError::BadRandomnessFormat)?;
    let subject = match p.subject {
        Subject::Panel(panel) => Subject::Panel(check_panel(panel)?),
        Subject::SpotCheck(spot) => Subject::SpotCheck(check_spot_check(spot)?),
    };
    let mut announcement = Announcement {
        draw_id: p.draw_id,
        purpose: p.purpose,
        randomness_source: p.randomness_source,
        randomness_format,
        subject,
        pool_hash: Hash([0; 32]),
    };
    announcement.pool_hash = Hash(Sha256::digest(announcement.canonical_snapshot()).into());
    Ok(announcement)
}

fn check_panel(mut panel: Panel) -> Result<Panel, AnnounceError> {
    if panel.pool.len() > MAX_POOL {
        return Err(AnnounceError::PoolTooLarge {
            members: panel.pool.len(),
        });
    }
    // Sorted first, so that which member a refusal names does not depend on the input order.
    panel.pool.sort_by(|a, b| a.id.cmp(&b.id));
    for m in &panel.pool {
        let problem = if !is_token(&m.id) {
            Some(MemberProblem::Id)
        } else if !is_text(&m.name, MAX_NAME) {
            Some(MemberProblem::Name)
        } else if m.group.as_deref().is_some_and(|g| !is_token(g)) {
            Some(MemberProblem::Group)
        } else {
            match (m.stratum, &m.group) {
                (Stratum::Cadre, Some(_)) => Some(MemberProblem::CadreInGroup),
                (Stratum::Leader | Stratum::Resident, None) => Some(MemberProblem::NoGroup),
                _ => None,
            }
        };
        if let Some(problem) = problem {
            return Err(AnnounceError::BadMember {
                id: m.id.clone(),
                problem,
            });
        }
    }
    if let Some(w) = panel.pool.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(AnnounceError::DuplicateMember {
            id: w[0].id.clone(),
        });
    }
    if panel.pool.len() < MIN_POOL {
        return Err(AnnounceError::PoolTooSmall {
            members: panel.pool.len(),
        });
    }
    if panel.panel_size < MIN_PANEL_SIZE {
        return Err(AnnounceError::BadPanelSize {
            size: panel.panel_size,
        });
    }
    if panel.min_cadres < MIN_CADRES {
        return Err(AnnounceError::BadMinCadres {
            min: panel.min_cadres,
        });
    }
    panel.groups.sort();
    if panel.groups.is_empty() {
        return Err(AnnounceError::BadGroups(GroupsProblem::Empty));
    }
    if let Some(g) = panel.groups.iter().find(|g| !is_token(g)) {
        return Err(AnnounceError::BadGroups(GroupsProblem::BadId(g.clone())));
    }
    if let Some(w) = panel.groups.windows(2).find(|w| w[0] == w[1]) {
        return Err(AnnounceError::BadGroups(GroupsProblem::Duplicate(
            w[0].clone(),
        )));
    }
    let mut leader_groups: Vec<&str> = panel
        .pool
        .iter()
        .filter(|m| m.stratum == Stratum::Leader)
        .filter_map(|m| m.group.as_deref())
        .collect();
    leader_groups.sort_unstable();
    if let Some(w) = leader_groups.windows(2).find(|w| w[0] == w[1]) {
        return Err(AnnounceError::TwoLeaders {
            group: w[0].to_owned(),
        });
    }
    let eligible = || panel.pool.iter().filter(|m| !m.near_relative);
    let cadres = eligible().filter(|m| m.stratum == Stratum::Cadre).count();
    if cadres < panel.min_cadres as usize {
        return Err(AnnounceError::TooFewCadres {
            eligible: cadres,
            required: panel.min_cadres,
        });
    }
    if let Some(g) = panel
        .groups
        .iter()
        .find(|g| !eligible().any(|m| m.group.as_ref() == Some(*g)))
    {
        return Err(AnnounceError::GroupWithoutMember { group: g.clone() });
    }
    let required = panel.min_cadres as usize + panel.groups.len();
    if required > panel.panel_size as usize {
        return Err(AnnounceError::PanelTooSmall {
            size: panel.panel_size,
            required,
        });
    }
    let eligible = eligible().count();
    if eligible < panel.panel_size as usize {
        return Err(AnnounceError::TooFewEligible {
            eligible,
            size: panel.panel_size,
        });
    }
    Ok(panel)
}

fn check_spot_check(mut spot: SpotCheck) -> Result<SpotCheck, AnnounceError> {
    if spot.entries.len() > MAX_ENTRIES {
        return Err(AnnounceError::TooManyEntries {
            entries: spot.entries.len(),
        });
    }
    spot.entries.sort_by(|a, b| a.entry_ref.cmp(&b.entry_ref));
    if let Some(e) = spot.entries.iter().find(|e| !is_token(&e.entry_ref)) {
        return Err(AnnounceError::BadEntry {
            entry_ref: e.entry_ref.clone(),
        });
    }
    if let Some(w) = spot
        .entries
        .windows(2)
        .find(|w| w[0].entry_ref == w[1].entry_ref)
    {
        return Err(AnnounceError::DuplicateEntry {
            entry_ref: w[0].entry_ref.clone(),
        });
    }
    if spot.entries.is_empty() {
        return Err(AnnounceError::NoEntries);
    }
    if !(MIN_RATE_PERCENT..=100).contains(&spot.rate_percent) {
        return Err(AnnounceError::BadRate {
            percent: spot.rate_percent,
        });
    }
    Ok(spot)
}

impl Announcement {
    pub fn draw_id(&self) -> &str {
        &self.draw_id
    }

    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    pub fn randomness_source(&self) -> &str {
        &self.randomness_source
    }

    pub fn randomness_format(&self) -> RandomnessFormat {
        self.randomness_format
    }

    /// The validated inputs, with groups, members and entries sorted by id.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// SHA-256 of [`Announcement::canonical_snapshot`] (docs/draws.md §5).
    pub fn pool_hash(&self) -> Hash {
        self.pool_hash
    }

    /// The exact bytes the pool hash covers (docs/draws.md §5).
    pub fn canonical_snapshot(&self) -> Vec<u8> {
        let mut out = String::new();
        let mut line = |fields: &[&str]| {
            out.push_str(&fields.join("\t"));
            out.push('\n');
        };
        let kind = match self.subject {
            Subject::Panel(_) => "panel",
            Subject::SpotCheck(_) => "spot_check",
        };
        line(&["kind", kind]);
        line(&["purpose", &self.purpose]);
        line(&["randomness_source", &self.randomness_source]);
        line(&["randomness_format", &self.randomness_format.to_string()]);
        match &self.subject {
            Subject::Panel(p) => {
                line(&["panel_size", &p.panel_size.to_string()]);
                line(&["min_cadres", &p.min_cadres.to_string()]);
                for g in &p.groups {
                    line(&["group", g]);
                }
                for m in &p.pool {
                    line(&[
                        "member",
                        &m.id,
                        m.stratum.as_str(),
                        m.group.as_deref().unwrap_or(""),
                        flag(m.near_relative),
                        &m.name,
                    ]);
                }
            }
            Subject::SpotCheck(s) => {
                line(&["rate_percent", &s.rate_percent.to_string()]);
                for e in &s.entries {
                    line(&["entry", &e.entry_ref, flag(e.near_relative)]);
                }
            }
        }
        out.into_bytes()
    }

    /// Draws with the announced randomness: seed (§6.1), generator (§6.2), selection (§7).
    pub fn draw(&self, randomness: &str) -> Result<Draw, RandomnessError> {
        let randomness = Randomness::parse(self.randomness_format, randomness)?;
        let seed = seed(
            &self.pool_hash,
            randomness.as_str(),
            &self.draw_id,
            ALGORITHM,
        );
        let mut gen = Generator::new(&seed);
        let selected = match &self.subject {
            Subject::Panel(p) => select_panel(p, &mut gen),
            Subject::SpotCheck(s) => select_spot_check(s, &mut gen),
        };
        Ok(Draw {
            announcement: self.clone(),
            randomness,
            seed,
            selected,
        })
    }

    /// Each eligible member's (or entry's) exact chance of being selected (docs/draws.md §7.3),
    /// in canonical order; recused members have chance 0.
    pub fn inclusion_chances(&self) -> Vec<Chance> {
        match &self.subject {
            Subject::Panel(p) => {
                let eligible: Vec<&PoolMember> =
                    p.pool.iter().filter(|m| !m.near_relative).collect();
                let min_cadres = p.min_cadres as usize;
                let groups = p.groups.len();
                let rest = eligible.len() - min_cadres - groups;
                let rest_seats = p.panel_size as usize - min_cadres - groups;
                let q = if rest == 0 {
                    0.0
                } else {
                    rest_seats as f64 / rest as f64
                };
                let cadres = eligible
                    .iter()
                    .filter(|m| m.stratum == Stratum::Cadre)
                    .count();
                let involved = |m: &PoolMember| {
                    m.group
                        .as_ref()
                        .is_some_and(|g| p.groups.binary_search(g).is_ok())
                };
                let substituted = |g: &String| {
                    !eligible
                        .iter()
                        .any(|m| m.stratum == Stratum::Leader && m.group.as_ref() == Some(g))
                };
                p.pool
                    .iter()
                    .map(|m| {
                        let (required, probability) = if m.near_relative {
                            (false, 0.0)
                        } else if m.stratum == Stratum::Cadre {
                            let first = min_cadres as f64 / cadres as f64;
                            (false, first + (1.0 - first) * q)
                        } else if m.stratum == Stratum::Leader && involved(m) {
                            (true, 1.0)
                        } else if m.stratum == Stratum::Resident
                            && involved(m)
                            && m.group.as_ref().is_some_and(substituted)
                        {
                            let s = eligible
                                .iter()
                                .filter(|o| o.stratum == Stratum::Resident && o.group == m.group)
                                .count();
                            let first = 1.0 / s as f64;
                            (false, first + (1.0 - first) * q)
                        } else {
                            (false, q)
                        };
                        Chance {
                            id: m.id.clone(),
                            required,
                            probability,
                        }
                    })
                    .collect()
            }
            Subject::SpotCheck(s) => {
                let rest = s.entries.iter().filter(|e| !e.near_relative).count();
                let k = spot_check_count(s.rate_percent, rest);
                s.entries
                    .iter()
                    .map(|e| Chance {
                        id: e.entry_ref.clone(),
                        required: e.near_relative,
                        probability: if e.near_relative {
                            1.0
                        } else {
                            k as f64 / rest as f64
                        },
                    })
                    .collect()
            }
        }
    }
}

fn flag(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// One member's or entry's chance of selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Chance {
    pub id: String,
    /// Selected whatever the randomness (an involved group's eligible leader, a near-relative case).
    pub required: bool,
    pub probability: f64,
}

// ---------------------------------------------------------------------------------------------
// Seed, generator, selection
// ---------------------------------------------------------------------------------------------

/// `SHA-256(pool_hash ‖ u32be(len R) ‖ R ‖ u32be(len D) ‖ D ‖ u32be(len V) ‖ V)` (§6.1).
pub fn seed(pool_hash: &Hash, randomness: &str, draw_id: &str, algorithm: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(pool_hash.0);
    for part in [randomness, draw_id, algorithm] {
        // Parts are bounded far below 4 GiB (256, 64 and 15 bytes).
        h.update((part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    Hash(h.finalize().into())
}

/// SHA-256 in counter mode (§6.2): `block(i) = SHA-256(seed ‖ u64be(i))`, read as big-endian
/// 32-bit words.
#[derive(Clone, Debug)]
pub struct Generator {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Generator {
    pub fn new(seed: &Hash) -> Self {
        Generator {
            seed: seed.0,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    /// The next 4 bytes of the stream as a big-endian integer.
    pub fn next_word(&mut self) -> u32 {
        if self.used == self.block.len() {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_be_bytes());
            self.block = h.finalize().into();
            self.counter += 1;
            self.used = 0;
        }
        let b = &self.block[self.used..self.used + 4];
        self.used += 4;
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// A uniform integer in `[0, n)` by rejection sampling (no modulo bias). `n` must be ≥ 1.
    pub fn uniform(&mut self, n: u32) -> u32 {
        assert!(n > 0, "uniform(0)");
        const SPAN: u64 = 1 << 32;
        let limit = SPAN - SPAN % u64::from(n);
        loop {
            let x = self.next_word();
            if u64::from(x) < limit {
                return x % n;
            }
        }
    }

    /// `k` items of `items` uniformly without replacement, in draw order: the first `k` steps of
    /// a Fisher–Yates shuffle.
    pub fn choose<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        assert!(k <= items.len(), "choose more than there are");
        let mut a = items.to_vec();
        for i in 0..k {
            // Lists are bounded by MAX_POOL / MAX_ENTRIES, far below u32::MAX.
            let j = i + self.uniform((a.len() - i) as u32) as usize;
            a.swap(i, j);
        }
        a.truncate(k);
        a
    }
}

/// Why an item is in the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// One of the `min_cadres` township cadres.
    Cadre,
    /// The leader of a village group with an applicant.
    Leader,
    /// A resident drawn for a group whose leader stands aside (回避) or is vacant.
    Substitute,
    /// Drawn for the remaining seats / the random share of a spot-check.
    Random,
    /// A near-relative case, always checked.
    NearRelative,
}

impl Reason {
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Cadre => "cadre",
            Reason::Leader => "leader",
            Reason::Substitute => "substitute",
            Reason::Random => "random",
            Reason::NearRelative => "near_relative",
        }
    }
}

/// One item of the result: a member id or an entry ref, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selected {
    pub id: String,
    pub reason: Reason,
}

impl fmt::Display for Selected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.reason.as_str())
    }
}

fn select_panel(p: &Panel, gen: &mut Generator) -> Vec<Selected> {
    let eligible: Vec<&PoolMember> = p.pool.iter().filter(|m| !m.near_relative).collect();
    fn pick(ms: Vec<&PoolMember>, reason: Reason) -> impl Iterator<Item = Selected> + '_ {
        ms.into_iter().map(move |m| Selected {
            id: m.id.clone(),
            reason,
        })
    }
    let mut selected: Vec<Selected> = Vec::with_capacity(p.panel_size as usize);
    let cadres: Vec<&PoolMember> = eligible
        .iter()
        .copied()
        .filter(|m| m.stratum == Stratum::Cadre)
        .collect();
    selected.extend(pick(
        gen.choose(&cadres, p.min_cadres as usize),
        Reason::Cadre,
    ));
    for g in &p.groups {
        let in_group = |s: Stratum| {
            eligible
                .iter()
                .copied()
                .filter(move |m| m.stratum == s && m.group.as_ref() == Some(g))
        };
        if let Some(leader) = in_group(Stratum::Leader).next() {
            selected.extend(pick(vec![leader], Reason::Leader));
        } else {
            let residents: Vec<&PoolMember> = in_group(Stratum::Resident).collect();
            selected.extend(pick(gen.choose(&residents, 1), Reason::Substitute));
        }
    }
    let rest: Vec<&PoolMember> = eligible
        .iter()
        .copied()
        .filter(|m| !selected.iter().any(|s| s.id == m.id))
        .collect();
    let k = p.panel_size as usize - selected.len();
    selected.extend(pick(gen.choose(&rest, k), Reason::Random));
    selected
}

/// `⌈rate_percent × rest / 100⌉` in integers (§7.2).
fn spot_check_count(rate_percent: u32, rest: usize) -> usize {
    (rate_percent as usize * rest).div_ceil(100)
}

fn select_spot_check(s: &SpotCheck, gen: &mut Generator) -> Vec<Selected> {
    let mut selected: Vec<Selected> = s
        .entries
        .iter()
        .filter(|e| e.near_relative)
        .map(|e| Selected {
            id: e.entry_ref.clone(),
            reason: Reason::NearRelative,
        })
        .collect();
    let rest: Vec<&Entry> = s.entries.iter().filter(|e| !e.near_relative).collect();
    let k = spot_check_count(s.rate_percent, rest.len());
    selected.extend(gen.choose(&rest, k).into_iter().map(|e| Selected {
        id: e.entry_ref.clone(),
        reason: Reason::Random,
    }));
    selected
}

/// A draw made: its announcement, the randomness, the seed and the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draw {
    announcement: Announcement,
    randomness: Randomness,
    seed: Hash,
    selected: Vec<Selected>,
}

impl Draw {
    pub fn announcement(&self) -> &Announcement {
        &self.announcement
    }

    pub fn randomness(&self) -> &Randomness {
        &self.randomness
    }

    pub fn seed(&self) -> Hash {
        self.seed
    }

    pub fn selected(&self) -> &[Selected] {
        &self.selected
    }
}

// ---------------------------------------------------------------------------------------------
// The published file and its verification
// ---------------------------------------------------------------------------------------------

/// The published JSON of a draw (docs/draws.md §8): an announcement (no `randomness`, `seed`,
/// `selected`) or a drawn draw (all three). Unknown fields are refused when reading, so nothing in
/// a file can look verified without being so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawFile {
    pub algorithm: String,
    pub draw_id: String,
    pub purpose: String,
    pub randomness_source: String,
    pub randomness_format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<Panel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_check: Option<SpotCheck>,
    pub pool_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomness: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<Selected>>,
}

impl From<&Announcement> for DrawFile {
    fn from(a: &Announcement) -> Self {
        let (panel, spot_check) = match &a.subject {
            Subject::Panel(p) => (Some(p.clone()), None),
            Subject::SpotCheck(s) => (None, Some(s.clone())),
        };
        DrawFile {
            algorithm: ALGORITHM.to_owned(),
            draw_id: a.draw_id.clone(),
            purpose: a.purpose.clone(),
            randomness_source: a.randomness_source.clone(),
            randomness_format: a.randomness_format.to_string(),
            panel,
            spot_check,
            pool_hash: a.pool_hash.to_hex(),
            randomness: None,
            seed: None,
            selected: None,
        }
    }
}

impl From<&Draw> for DrawFile {
    fn from(d: &Draw) -> Self {
        DrawFile {
            randomness: Some(d.randomness.0.clone()),
            seed: Some(d.seed.to_hex()),
            selected: Some(d.selected.clone()),
            ..DrawFile::from(&d.announcement)
        }
    }
}

impl DrawFile {
    /// The inputs fixed at announcement.
    pub fn proposal(&self) -> Result<Proposal, Mismatch> {
        let subject = match (&self.panel, &self.spot_check) {
            (Some(p), None) => Subject::Panel(p.clone()),
            (None, Some(s)) => Subject::SpotCheck(s.clone()),
            _ => return Err(Mismatch::Kind),
        };
        Ok(Proposal {
            draw_id: self.draw_id.clone(),
            purpose: self.purpose.clone(),
            randomness_source: self.randomness_source.clone(),
            randomness_format: self.randomness_format.clone(),
            subject,
        })
    }

    /// Pretty JSON, as the site publishes it.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers, booleans and lists always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Where a published file and a re-run of its inputs differ (or why they cannot be compared).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Mismatch {
    #[error("not a draw file: {0}")]
    Json(String),
    #[error("algorithm {found:?} is not {ALGORITHM}")]
    Algorithm { found: String },
    #[error("a draw file has exactly one of \"panel\" and \"spot_check\"")]
    Kind,
    #[error("these inputs would have been refused at announcement: {0} ({code})", code = .0.code())]
    Refused(AnnounceError),
    #[error("pool_hash: the file says {published}, the inputs give {computed}")]
    PoolHash { published: String, computed: String },
    #[error("a drawn file has all of randomness, seed and selected; an announcement none of them")]
    Incomplete,
    #[error("randomness: {0}")]
    Randomness(RandomnessError),
    #[error("seed: the file says {published}, the inputs give {computed}")]
    Seed { published: String, computed: String },
    #[error("selected[{position}]: the file says {}, the inputs give {}", show(.published), show(.computed))]
    Selected {
        position: usize,
        published: Option<Selected>,
        computed: Option<Selected>,
    },
}

fn show(s: &Option<Selected>) -> String {
    s.as_ref()
        .map_or_else(|| "nothing (the list ends)".to_owned(), Selected::to_string)
}

/// A file that re-ran to exactly its published content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verified {
    /// Announced, not drawn yet: the inputs are valid and the pool hash is theirs.
    Announced(Announcement),
    /// Drawn: the published seed and result are the only ones its inputs give.
    Drawn(Draw),
}

/// Re-runs a published draw (docs/draws.md §8, "Verifying a file").
pub fn verify(file: &DrawFile) -> Result<Verified, Mismatch> {
    if file.algorithm != ALGORITHM {
        return Err(Mismatch::Algorithm {
            found: file.algorithm.clone(),
        });
    }
    let announcement = announce(file.proposal()?).map_err(Mismatch::Refused)?;
    let computed = announcement.pool_hash.to_hex();
    if file.pool_hash != computed {
        return Err(Mismatch::PoolHash {
            published: file.pool_hash.clone(),
            computed,
        });
    }
    let (randomness, seed, selected) = match (&file.randomness, &file.seed, &file.selected) {
        (None, None, None) => return Ok(Verified::Announced(announcement)),
        (Some(r), Some(s), Some(sel)) => (r, s, sel),
        _ => return Err(Mismatch::Incomplete),
    };
    let draw = announcement
        .draw(randomness)
        .map_err(Mismatch::Randomness)?;
    let computed = draw.seed.to_hex();
    if *seed != computed {
        return Err(Mismatch::Seed {
            published: seed.clone(),
            computed,
        });
    }
    let len = selected.len().max(draw.selected.len());
    if let Some(position) = (0..len).find(|&i| selected.get(i) != draw.selected.get(i)) {
        return Err(Mismatch::Selected {
            position,
            published: selected.get(position).cloned(),
            computed: draw.selected.get(position).cloned(),
        });
    }
    Ok(Verified::Drawn(draw))
}

/// [`verify`] on the text of a file.
pub fn verify_json(text: &str) -> Result<Verified, Mismatch> {
    let file: DrawFile = serde_json::from_str(text).map_err(|e| Mismatch::Json(e.to_string()))?;
    verify(&file)
}

#[cfg(test)]
mod tests;
