//! Privacy masking of personal names for the public publicity lists.
//!
//! The only way to obtain a [`MaskedName`] is [`MaskedName::new`], so a value
//! of that type can never hold an unmasked full name.

use serde::Serialize;
use std::fmt;

code_enum! {
    /// How much of a name a public list reveals.
    ///
    /// * `Middle` (default): 张三 → 张*, 张三明 → 张*明, 欧阳修 → 欧阳*, 欧阳小明 → 欧阳*明.
    /// * `SurnameOnly`: 张三明 → 张**, one `*` per hidden char.
    /// * `Full`: every name char hidden (张三明 → ***); separators are kept.
    #[derive(Default)]
    pub enum MaskPolicy("mask policy") {
        #[default]
        Middle => "middle",
        SurnameOnly => "surname",
        Full => "full",
    }
}

/// The character that replaces every hidden character.
pub const MASK_CHAR: char = '*';

/// Two-character (复姓) surnames. A name starting with one of these is only
/// treated as having a compound surname when it is longer than two chars.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "闻人", "澹台",
    "申屠", "太史", "公冶", "濮阳", "淳于", "单于", "赫连", "万俟", "拓跋", "第五", "左丘", "东郭",
    "司空",
];

/// Name-part separators used in transliterated ethnic-minority names
/// (阿依古丽·买买提, 扎西•多吉). They are never masked.
const SEPARATORS: &[char] = &['·', '•', '・', '‧'];

fn is_separator(c: char) -> bool {
    SEPARATORS.contains(&c)
}

/// A name after privacy masking. Serialises as a plain string.
///
/// There is intentionally no `Deserialize`, `From<String>` or other
/// constructor: the only way in is [`MaskedName::new`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MaskedName(String);

impl MaskedName {
    /// Masks `full_name` according to `policy`.
    ///
    /// Rules: the name is trimmed; an empty name becomes `"*"`; a single
    /// character becomes `"*"`; names containing `·`/`•` keep only their
    /// first character and the separators; Latin-letter names keep the first
    /// letter of each word (Middle) or of the first word (SurnameOnly);
    /// Chinese names follow the policy, recognising compound surnames.
    /// Whitespace inside a non-Latin name is dropped (张 三 is 张三).
    pub fn new(full_name: &str, policy: MaskPolicy) -> MaskedName {
        let chars = normalise(full_name);
        MaskedName(mask_chars(&chars, policy))
    }

    /// The masked text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MaskedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for MaskedName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A char that may appear in a Latin-script name.
fn is_latin_char(c: char) -> bool {
    c.is_ascii() || (c.is_alphabetic() && (c as u32) < 0x0250)
}

/// A Latin-letter name such as "John Smith" or "Li Ming".
fn is_latin(name: &str) -> bool {
    name.chars().any(char::is_alphabetic)
        && name.chars().all(|c| c.is_whitespace() || is_latin_char(c))
}

/// Trims, and removes inner whitespace from non-Latin names.
fn normalise(name: &str) -> Vec<char> {
    let trimmed = name.trim();
    if is_latin(trimmed) {
        trimmed.chars().collect()
    } else {
        trimmed.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

/// Length (in chars) of the surname of a Chinese name.
fn surname_len(chars: &[char]) -> usize {
    if chars.len() > 2 {
        let prefix: String = chars[..2].iter().collect();
        if COMPOUND_SURNAMES.contains(&prefix.as_str()) {
            return 2;
        }
    }
    1
}

/// Decides, for every position, whether the original char is revealed.
fn reveal_plan(chars: &[char], policy: MaskPolicy) -> Vec<bool> {
    let n = chars.len();
    if chars.iter().copied().any(is_separator) {
        // Ethnic-minority name: first name char + separators.
        let first = chars.iter().position(|&c| !is_separator(c));
        return (0..n)
            .map(|i| is_separator(chars[i]) || (policy != MaskPolicy::Full && Some(i) == first))
            .collect();
    }
    if chars.iter().copied().all(is_latin_char) && chars.iter().any(|c| c.is_alphabetic()) {
        // Latin name: whitespace + first letter of each (or the first) word.
        let mut plan = Vec::with_capacity(n);
        let mut word_start = true;
        let mut word_index = 0usize;
        for &c in chars {
            if c.is_whitespace() {
                plan.push(true);
                if !word_start {
                    word_index += 1;
                }
                word_start = true;
                continue;
            }
            let reveal = word_start
                && match policy {
                    MaskPolicy::Middle => true,
                    MaskPolicy::SurnameOnly => word_index == 0,
                    MaskPolicy::Full => false,
                };
            plan.push(reveal);
            word_start = false;
        }
        return plan;
    }
    // Chinese (or anything else) name.
    if n <= 1 {
        return vec![false; n];
    }
    let s = surname_len(chars);
    (0..n)
        .map(|i| match policy {
            MaskPolicy::Middle => i < s || (n - s >= 2 && i == n - 1),
            MaskPolicy::SurnameOnly => i < s,
            MaskPolicy::Full => false,
        })
        .collect()
}

fn mask_chars(chars: &[char], policy: MaskPolicy) -> String {
    if chars.is_empty() {
        return MASK_CHAR.to_string();
    }
    let mut plan = reveal_plan(chars, policy);
    // Safety net: something must always be hidden (e.g. "A B", "阿·").
    if plan.iter().all(|&r| r) {
        for (reveal, &c) in plan.iter_mut().zip(chars) {
            *reveal = is_separator(c) || c.is_whitespace();
        }
        if plan.iter().all(|&r| r) {
            plan.iter_mut().for_each(|r| *r = false);
        }
    }
    chars
        .iter()
        .zip(plan)
        .map(|(&c, reveal)| if reveal { c } else { MASK_CHAR })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(name: &str, policy: MaskPolicy) -> String {
        MaskedName::new(name, policy).as_str().to_string()
    }

    #[test]
    fn middle_policy_table() {
        let cases = [
            ("张三明", "张*明"),
            ("张三", "张*"),
            ("张三丰", "张*丰"),
            ("张小三丰", "张**丰"),
            ("欧阳修", "欧阳*"),
            ("欧阳小明", "欧阳*明"),
            ("欧阳", "欧*"),
            ("司马相如", "司马*如"),
            ("诸葛亮", "诸葛*"),
            ("司空图", "司空*"),
            ("张", "*"),
            ("", "*"),
            ("   ", "*"),
            ("  张三明 ", "张*明"),
            ("张 三", "张*"),
            ("张\u{3000}三明", "张*明"),
            ("阿依古丽·买买提", "阿***·***"),
            ("扎西·多吉", "扎*·**"),
            ("扎西•多吉", "扎*•**"),
            ("阿依古丽 · 买买提", "阿***·***"),
            ("John Smith", "J*** S****"),
            ("Li Ming", "L* M***"),
            ("  Li   Ming ", "L*   M***"),
            ("José García", "J*** G*****"),
            ("A B", "* *"),
            ("阿·", "*·"),
            ("·", "*"),
            ("X", "*"),
        ];
        for (input, want) in cases {
            assert_eq!(m(input, MaskPolicy::Middle), want, "input {input:?}");
        }
    }

    #[test]
    fn surname_only_policy_table() {
        let cases = [
            ("张三明", "张**"),
            ("张三", "张*"),
            ("欧阳修", "欧阳*"),
            ("欧阳小明", "欧阳**"),
            ("欧阳", "欧*"),
            ("张", "*"),
            ("", "*"),
            ("阿依古丽·买买提", "阿***·***"),
            ("John Smith", "J*** *****"),
            ("Li Ming", "L* ****"),
        ];
        for (input, want) in cases {
            assert_eq!(m(input, MaskPolicy::SurnameOnly), want, "input {input:?}");
        }
    }

    #[test]
    fn full_policy_table() {
        let cases = [
            ("张三明", "***"),
            ("欧阳小明", "****"),
            ("张", "*"),
            ("", "*"),
            ("阿依古丽·买买提", "****·***"),
            ("Li Ming", "** ****"),
        ];
        for (input, want) in cases {
            assert_eq!(m(input, MaskPolicy::Full), want, "input {input:?}");
        }
    }

    #[test]
    fn policy_codes() {
        assert_eq!(MaskPolicy::default(), MaskPolicy::Middle);
        assert_eq!(MaskPolicy::parse("surname"), Ok(MaskPolicy::SurnameOnly));
        assert_eq!(MaskPolicy::Full.as_str(), "full");
        assert!(MaskPolicy::parse("none").is_err());
    }

    #[test]
    fn display_and_as_ref_match_as_str() {
        let name = MaskedName::new("王小二", MaskPolicy::Middle);
        assert_eq!(name.to_string(), "王*二");
        assert_eq!(name.as_ref(), "王*二");
    }

    /// Han-only names, sometimes with a compound surname in front.
    fn han_name() -> impl Strategy<Value = String> {
        let compound = proptest::sample::select(COMPOUND_SURNAMES.to_vec());
        prop_oneof![
            "[\u{4e00}-\u{9fa5}]{1,6}".prop_map(|s| s),
            (compound, "[\u{4e00}-\u{9fa5}]{0,4}").prop_map(|(c, rest)| format!("{c}{rest}")),
        ]
    }

    fn any_policy() -> impl Strategy<Value = MaskPolicy> {
        proptest::sample::select(MaskPolicy::ALL.to_vec())
    }

    proptest! {
        /// Laws that hold for every input and policy.
        #[test]
        fn masking_laws_any_input(input in ".{0,12}", policy in any_policy()) {
            // A name made of '*' cannot be told apart from its mask.
            prop_assume!(!input.contains(MASK_CHAR));
            let norm: String = normalise(&input).into_iter().collect();
            let out = m(&input, policy);
            let out_chars: Vec<char> = out.chars().collect();
            let norm_chars: Vec<char> = norm.chars().collect();
            if norm_chars.is_empty() {
                prop_assert_eq!(out, "*");
            } else {
                // Same number of chars, masking is positional.
                prop_assert_eq!(out_chars.len(), norm_chars.len());
                for (o, i) in out_chars.iter().zip(&norm_chars) {
                    prop_assert!(*o == MASK_CHAR || o == i);
                }
                // Never the name itself.
                if norm_chars.len() >= 2 {
                    prop_assert_ne!(&out, &norm);
                    prop_assert!(!out.contains(input.trim()));
                } else {
                    prop_assert_eq!(out, "*");
                }
            }
        }

        /// Chinese names reveal at most the surname (+ the last char under Middle).
        #[test]
        fn masking_laws_han_names(name in han_name(), policy in any_policy()) {
            let chars: Vec<char> = name.chars().collect();
            let s = surname_len(&chars);
            prop_assert!(s <= 2);
            let out = m(&name, policy);
            prop_assert_eq!(out.chars().count(), chars.len());
            let revealed = out.chars().filter(|&c| c != MASK_CHAR).count();
            let max = match policy {
                MaskPolicy::Middle => s + 1,
                MaskPolicy::SurnameOnly => s,
                MaskPolicy::Full => 0,
            };
            prop_assert!(revealed <= max, "{} -> {} revealed {}", name, out, revealed);
            prop_assert!(revealed < chars.len(), "nothing hidden in {}", out);
            prop_assert!(!out.contains(&name));
            if policy != MaskPolicy::Full && chars.len() >= 2 {
                // The surname is always shown.
                prop_assert!(out.starts_with(chars[0]));
            }
        }
    }
}
