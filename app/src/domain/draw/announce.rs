//! The announcement: a checked proposal frozen with its pool hash.

use sha2::{Digest, Sha256};

use super::*;

/// A draw that passed every check of docs/draws.md §4, frozen: its inputs in canonical order and
/// its pool hash. Only [`announce`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub(super) draw_id: String,
    pub(super) purpose: String,
    pub(super) randomness_source: String,
    pub(super) randomness_format: RandomnessFormat,
    /// Validated, with groups, members and entries sorted by id.
    pub(super) subject: Subject,
    pub(super) pool_hash: Hash,
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

pub(super) fn check_panel(mut panel: Panel) -> Result<Panel, AnnounceError> {
    if panel.pool.len() > MAX_POOL {
        return Err(AnnounceError::PoolTooLarge {
            members: panel.pool.len(),
        });
    }
    // Sorted first, so that which member a refusal names does not depend on the input order.
    panel.pool.sort_by(|a, b| a.id.cmp(&b.id));
    check_members(&panel.pool)?;
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
    check_groups(&panel.groups)?;
    check_drawable(&panel)?;
    Ok(panel)
}

/// Every member of the pool (sorted by id) well formed — the first that is not is named — and
/// no id twice.
fn check_members(pool: &[PoolMember]) -> Result<(), AnnounceError> {
    if let Some((m, problem)) = pool
        .iter()
        .find_map(|m| member_problem(m).map(|problem| (m, problem)))
    {
        return Err(AnnounceError::BadMember {
            id: m.id.clone(),
            problem,
        });
    }
    if let Some(w) = pool.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(AnnounceError::DuplicateMember {
            id: w[0].id.clone(),
        });
    }
    Ok(())
}

/// What is wrong with one member, if anything: its id, its name, its group, or a group where
/// its stratum allows none (a cadre) or needs one (a group leader, a resident).
fn member_problem(m: &PoolMember) -> Option<MemberProblem> {
    if !is_token(&m.id) {
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
    }
}

/// The panel's groups (sorted): at least one, each a well-formed id, none twice.
fn check_groups(groups: &[String]) -> Result<(), AnnounceError> {
    if groups.is_empty() {
        return Err(AnnounceError::BadGroups(GroupsProblem::Empty));
    }
    if let Some(g) = groups.iter().find(|g| !is_token(g)) {
        return Err(AnnounceError::BadGroups(GroupsProblem::BadId(g.clone())));
    }
    if let Some(w) = groups.windows(2).find(|w| w[0] == w[1]) {
        return Err(AnnounceError::BadGroups(GroupsProblem::Duplicate(
            w[0].clone(),
        )));
    }
    Ok(())
}

/// Whether a panel of well-formed inputs can be drawn at all: one leader a group, enough
/// cadres and a member for every group among those who may sit (no near relative), room in the
/// panel for the cadres and a seat a group, and enough who may sit to fill it.
fn check_drawable(panel: &Panel) -> Result<(), AnnounceError> {
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
    Ok(())
}

pub(super) fn check_spot_check(mut spot: SpotCheck) -> Result<SpotCheck, AnnounceError> {
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

pub(super) fn flag(b: bool) -> &'static str {
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
