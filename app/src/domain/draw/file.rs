//! The published file and its verification.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::*;

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

pub(super) fn show(s: &Option<Selected>) -> String {
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
