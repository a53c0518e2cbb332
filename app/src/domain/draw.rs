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
//!
//! One file per part of the protocol: `inputs` (what staff or a file give), `refusals` (why a
//! proposal is refused), `values` (checked tokens, randomness, hashes), `announce`, `select` (seed,
//! generator, selection) and `file` (the published JSON and [`verify`]); `tests` beside them.
//! `timing` is the site's rule of §10 around the protocol: the day the randomness source names.

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

mod announce;
mod file;
mod inputs;
mod refusals;
mod select;
/// Server-side only: it needs a calendar (`chrono`), which the WASM bundle does not carry.
#[cfg(feature = "ssr")]
pub mod timing;
mod values;

pub use announce::*;
pub use file::*;
pub use inputs::*;
pub use refusals::*;
pub use select::*;
pub use values::*;

#[cfg(test)]
mod tests;
