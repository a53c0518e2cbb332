//! Publicity (公示) lists: batch kinds and states, entry codes, the public
//! entry shape and roster diffs for versioned standing lists.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use thiserror::Error;

use super::masking::MaskedName;
use super::money::{Fen, PersonCount};
use super::text::ascii_digit;
use super::ParseCodeError;

code_enum! {
    /// Which publicity a batch is.
    pub enum BatchKind("batch kind") {
        /// 审核公示 (township review stage).
        Review => "review",
        /// 审批公示 (county approval stage).
        Approval => "approval",
        /// 长期公示 (standing roster).
        Standing => "standing",
    }
}

code_enum! {
    /// Lifecycle of a publicity batch.
    pub enum BatchState("batch state") {
        Draft => "draft",
        Published => "published",
        Closed => "closed",
        Withdrawn => "withdrawn",
    }
}

code_enum! {
    /// What changed for a household in this batch.
    pub enum ChangeKind("change kind") {
        /// 新增.
        New => "new",
        /// 增发.
        Increase => "increase",
        /// 减发.
        Decrease => "decrease",
        /// 停发.
        Stop => "stop",
        /// 续保.
        Renew => "renew",
    }
}

impl ChangeKind {
    /// Accepts the code or the Chinese word used in county spreadsheets.
    pub fn parse_zh(s: &str) -> Result<ChangeKind, ParseCodeError> {
        match s.trim() {
            "新增" | "新纳入" => Ok(ChangeKind::New),
            "增发" => Ok(ChangeKind::Increase),
            "减发" => Ok(ChangeKind::Decrease),
            "停发" | "停保" => Ok(ChangeKind::Stop),
            "续保" => Ok(ChangeKind::Renew),
            other => ChangeKind::parse(other),
        }
    }
}

code_enum! {
    /// Aid category (保障类别).
    pub enum AidCategory("aid category") {
        /// 兜底保障.
        Basic => "doudi",
        /// 一般保障.
        General => "yiban",
    }
}

impl AidCategory {
    /// Accepts the code or 兜底保障/兜底, 一般保障/一般.
    pub fn parse_zh(s: &str) -> Result<AidCategory, ParseCodeError> {
        match s.trim() {
            "兜底保障" | "兜底" => Ok(AidCategory::Basic),
            "一般保障" | "一般" => Ok(AidCategory::General),
            other => AidCategory::parse(other),
        }
    }
}

/// Aid class (类别/档次) 1..=3. Serialises as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct AidClass(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("aid class must be 1, 2 or 3")]
pub struct AidClassError;

impl AidClass {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 3;

    pub fn new(n: u8) -> Result<AidClass, AidClassError> {
        if (Self::MIN..=Self::MAX).contains(&n) {
            Ok(AidClass(n))
        } else {
            Err(AidClassError)
        }
    }

    /// Accepts "1", "１", "一", "一类", "1类", "第一类" (and likewise 2, 3).
    pub fn parse_zh(s: &str) -> Result<AidClass, AidClassError> {
        let s = s.trim();
        let s = s.strip_prefix('第').unwrap_or(s);
        let s = s.strip_suffix('类').unwrap_or(s).trim();
        let mut chars = s.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(AidClassError);
        };
        match ascii_digit(c) {
            '1' | '一' => Ok(AidClass(1)),
            '2' | '二' => Ok(AidClass(2)),
            '3' | '三' => Ok(AidClass(3)),
            _ => Err(AidClassError),
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for AidClass {
    type Error = AidClassError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        AidClass::new(n)
    }
}

impl From<AidClass> for u8 {
    fn from(c: AidClass) -> u8 {
        c.0
    }
}

impl fmt::Display for AidClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One row of a public list. The name field is a [`MaskedName`], so this
/// type cannot carry an unmasked full name; nor does it carry ID numbers,
/// addresses or database ids (`entry_ref` is an opaque short reference such
/// as "E123" for complaints to point at).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicEntry {
    pub masked_name: MaskedName,
    pub persons: PersonCount,
    pub amount: Fen,
    pub category: AidCategory,
    pub class: Option<AidClass>,
    pub change: ChangeKind,
    pub entry_ref: String,
}

/// Differences between two versions of a standing roster, each sorted by
/// household id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RosterDiff {
    /// In `next` only.
    pub added: Vec<i64>,
    /// In `prev` only.
    pub removed: Vec<i64>,
    /// In both, with a different amount: (household id, old, new).
    pub changed: Vec<(i64, Fen, Fen)>,
}

impl RosterDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two rosters of (household id, monthly amount). If an id appears
/// more than once in one roster, its last amount counts.
pub fn diff_rosters(prev: &[(i64, Fen)], next: &[(i64, Fen)]) -> RosterDiff {
    let prev: BTreeMap<i64, Fen> = prev.iter().copied().collect();
    let next: BTreeMap<i64, Fen> = next.iter().copied().collect();
    let mut diff = RosterDiff::default();
    for (&id, &new_amount) in &next {
        match prev.get(&id) {
            None => diff.added.push(id),
            Some(&old) if old != new_amount => diff.changed.push((id, old, new_amount)),
            Some(_) => {}
        }
    }
    diff.removed = prev
        .keys()
        .copied()
        .filter(|id| !next.contains_key(id))
        .collect();
    diff
}

/// Whether a list in `state` counts in the public summaries: a standing list while it stands
/// (published), an approval list once published, also after its window closed (its households
/// were approved), never when withdrawn; review lists never (nothing is decided yet).
pub fn in_summaries(kind: BatchKind, state: BatchState) -> bool {
    match kind {
        BatchKind::Standing => state == BatchState::Published,
        BatchKind::Approval => matches!(state, BatchState::Published | BatchState::Closed),
        BatchKind::Review => false,
    }
}

/// How a list moving from `from` to `to` moves the summaries it counts in: +1 (its entries are
/// added), −1 (taken out) or 0.
pub fn summary_delta(kind: BatchKind, from: BatchState, to: BatchState) -> i64 {
    i64::from(in_summaries(kind, to)) - i64::from(in_summaries(kind, from))
}

#[cfg(test)]
mod tests {
    use super::super::masking::MaskPolicy;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn summaries_move_when_a_list_starts_or_stops_counting() {
        use BatchKind::*;
        use BatchState::*;
        assert_eq!(summary_delta(Standing, Draft, Published), 1);
        assert_eq!(summary_delta(Standing, Published, Closed), -1);
        assert_eq!(summary_delta(Standing, Published, Withdrawn), -1);
        assert_eq!(summary_delta(Approval, Draft, Published), 1);
        // An approval list whose window closed still approved its households.
        assert_eq!(summary_delta(Approval, Published, Closed), 0);
        assert_eq!(summary_delta(Approval, Published, Withdrawn), -1);
        assert_eq!(summary_delta(Approval, Closed, Withdrawn), -1);
        assert_eq!(summary_delta(Review, Draft, Published), 0);
        assert_eq!(summary_delta(Review, Published, Closed), 0);
    }

    #[test]
    fn change_kind_parse_zh() {
        let cases = [
            ("新增", Some(ChangeKind::New)),
            (" 新纳入 ", Some(ChangeKind::New)),
            ("增发", Some(ChangeKind::Increase)),
            ("减发", Some(ChangeKind::Decrease)),
            ("停发", Some(ChangeKind::Stop)),
            ("停保", Some(ChangeKind::Stop)),
            ("续保", Some(ChangeKind::Renew)),
            ("renew", Some(ChangeKind::Renew)),
            ("NEW", Some(ChangeKind::New)),
            ("新", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(ChangeKind::parse_zh(input).ok(), want, "{input:?}");
        }
        assert!(ChangeKind::parse("新增").is_err(), "parse takes codes only");
    }

    #[test]
    fn aid_category_parse_zh() {
        let cases = [
            ("兜底保障", Some(AidCategory::Basic)),
            ("兜底", Some(AidCategory::Basic)),
            ("doudi", Some(AidCategory::Basic)),
            ("一般保障", Some(AidCategory::General)),
            ("一般", Some(AidCategory::General)),
            (" yiban ", Some(AidCategory::General)),
            ("保障", None),
        ];
        for (input, want) in cases {
            assert_eq!(AidCategory::parse_zh(input).ok(), want, "{input:?}");
        }
    }

    #[test]
    fn aid_class_parse_zh() {
        let cases = [
            ("1", Some(1)),
            ("一", Some(1)),
            ("一类", Some(1)),
            ("1类", Some(1)),
            ("第一类", Some(1)),
            ("１", Some(1)),
            (" 二类 ", Some(2)),
            ("2", Some(2)),
            ("三", Some(3)),
            ("第3类", Some(3)),
            ("4", None),
            ("四类", None),
            ("0", None),
            ("12", None),
            ("", None),
            ("类", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                AidClass::parse_zh(input).ok().map(AidClass::get),
                want,
                "{input:?}"
            );
        }
        for n in 0..=255u8 {
            assert_eq!(AidClass::new(n).is_ok(), (1..=3).contains(&n));
        }
    }

    #[test]
    fn batch_codes() {
        let kinds: Vec<&str> = BatchKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(kinds, ["review", "approval", "standing"]);
        let states: Vec<&str> = BatchState::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(states, ["draft", "published", "closed", "withdrawn"]);
    }

    #[test]
    fn public_entry_holds_only_masked_name() {
        let entry = PublicEntry {
            masked_name: MaskedName::new("张三明", MaskPolicy::Middle),
            persons: PersonCount::new(3).expect("valid"),
            amount: Fen::from_fen(37_500),
            category: AidCategory::Basic,
            class: AidClass::new(1).ok(),
            change: ChangeKind::New,
            entry_ref: "E123".to_string(),
        };
        assert_eq!(entry.masked_name.as_str(), "张*明");
        assert!(!format!("{entry:?}").contains("张三明"));
    }

    #[test]
    fn diff_table() {
        let f = Fen::from_fen;
        type Case = (Vec<(i64, Fen)>, Vec<(i64, Fen)>, RosterDiff);
        let cases: Vec<Case> = vec![
            (vec![], vec![], RosterDiff::default()),
            (
                vec![],
                vec![(2, f(1)), (1, f(1))],
                RosterDiff {
                    added: vec![1, 2],
                    ..Default::default()
                },
            ),
            (
                vec![(1, f(1))],
                vec![],
                RosterDiff {
                    removed: vec![1],
                    ..Default::default()
                },
            ),
            (
                vec![(1, f(100)), (2, f(200)), (3, f(300))],
                vec![(3, f(300)), (2, f(250)), (4, f(400))],
                RosterDiff {
                    added: vec![4],
                    removed: vec![1],
                    changed: vec![(2, f(200), f(250))],
                },
            ),
            // Duplicate id: last amount wins.
            (
                vec![(1, f(100)), (1, f(150))],
                vec![(1, f(150))],
                RosterDiff::default(),
            ),
        ];
        for (prev, next, want) in cases {
            let got = diff_rosters(&prev, &next);
            assert_eq!(got, want, "{prev:?} -> {next:?}");
            assert_eq!(got.is_empty(), want == RosterDiff::default());
        }
    }

    fn roster() -> impl Strategy<Value = Vec<(i64, Fen)>> {
        proptest::collection::vec(
            (0i64..30, (0i64..5).prop_map(|x| Fen::from_fen(x * 100))),
            0..25,
        )
    }

    proptest! {
        /// Applying the diff to prev yields next; diffing a roster with
        /// itself is empty; swapping the arguments swaps added/removed.
        #[test]
        fn diff_laws(prev in roster(), next in roster()) {
            let diff = diff_rosters(&prev, &next);
            let mut applied: BTreeMap<i64, Fen> = prev.iter().copied().collect();
            for id in &diff.removed {
                prop_assert!(applied.remove(id).is_some());
            }
            for &(id, old, new) in &diff.changed {
                prop_assert_ne!(old, new);
                prop_assert_eq!(applied.insert(id, new), Some(old));
            }
            let next_map: BTreeMap<i64, Fen> = next.iter().copied().collect();
            for id in &diff.added {
                prop_assert!(applied.insert(*id, next_map[id]).is_none());
            }
            prop_assert_eq!(&applied, &next_map);
            prop_assert!(diff_rosters(&prev, &prev).is_empty());
            let back = diff_rosters(&next, &prev);
            prop_assert_eq!(&back.added, &diff.removed);
            prop_assert_eq!(&back.removed, &diff.added);
            for w in diff.added.windows(2).chain(diff.removed.windows(2)) {
                prop_assert!(w[0] < w[1]);
            }
        }
    }
}
