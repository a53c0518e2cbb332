//! Seed, generator, selection.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::*;

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

pub(super) fn select_panel(p: &Panel, gen: &mut Generator) -> Vec<Selected> {
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
pub(super) fn spot_check_count(rate_percent: u32, rest: usize) -> usize {
    (rate_percent as usize * rest).div_ceil(100)
}

pub(super) fn select_spot_check(s: &SpotCheck, gen: &mut Generator) -> Vec<Selected> {
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
    pub(super) announcement: Announcement,
    pub(super) randomness: Randomness,
    pub(super) seed: Hash,
    pub(super) selected: Vec<Selected>,
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
