//! Refusals: why a proposal cannot be announced.

use std::fmt;

use thiserror::Error;

use super::*;

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
