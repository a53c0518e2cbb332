//! Inputs (as staff or a published file give them; checked by `announce`).

use serde::{Deserialize, Serialize};

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
