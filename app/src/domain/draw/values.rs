//! Checked values: tokens, texts, the public randomness, hashes.

use std::fmt;

use super::*;

/// A Token: 1–64 of `0-9 A-Z a-z . _ -` (docs/draws.md §2).
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A Text(max): 1–max code points, no C0/C1 control characters (so no TAB or LF to confuse the
/// canonical snapshot's lines).
pub(super) fn is_text(s: &str, max: usize) -> bool {
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
pub struct Randomness(pub(super) String);

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
