//! Complaint receipt codes (回执码): 16 random decimal digits handed to the
//! reporter, who uses it to follow the complaint anonymously.
//!
//! A code is a bearer secret. [`ReceiptCode`] therefore has no `Display`,
//! no `Serialize`, and its `Debug` prints `ReceiptCode(****)`. Store only
//! [`ReceiptCode::keyed_hash`] in the database.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use std::fmt;
use thiserror::Error;

use super::text::ascii_digit;

/// Number of digits in a receipt code.
pub const RECEIPT_LEN: usize = 16;

/// A validated 16-digit receipt code.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceiptCode(String);

/// Why a receipt code was rejected. Never contains the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReceiptError {
    #[error("receipt code contains an invalid character")]
    InvalidCharacter,
    #[error("receipt code must have 16 digits, found {found}")]
    WrongLength { found: usize },
}

impl ReceiptError {
    pub const fn code(self) -> &'static str {
        match self {
            ReceiptError::InvalidCharacter => "invalid_character",
            ReceiptError::WrongLength { .. } => "wrong_length",
        }
    }
}

impl ReceiptCode {
    /// A fresh code from the thread-local CSPRNG (`rand::rng()`, ChaCha12
    /// seeded and periodically reseeded from the OS). Leading zeros allowed:
    /// 10^16 possible codes (~53 bits).
    pub fn generate() -> ReceiptCode {
        let mut rng = rand::rng();
        let digits = (0..RECEIPT_LEN)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect();
        ReceiptCode(digits)
    }

    /// The code belonging to a report form's one-time token: a keyed PRF of the token (itself
    /// 32 random bytes), so a resubmitted form (double click, retry on a weak connection) gets
    /// the same receipt again without the code ever being stored.
    pub fn derive(secret: &[u8], form_token: &str) -> ReceiptCode {
        let mac = keyed_hash(secret, &format!("receipt:{form_token}"));
        // 16 hex digits = 64 bits; reduced mod 10^16 (bias below 0.06%).
        let n = u64::from_str_radix(mac.get(..16).unwrap_or("0"), 16).unwrap_or(0);
        ReceiptCode(format!("{:016}", n % 10_000_000_000_000_000))
    }

    /// Parses a code as typed by a person: spaces (incl. full-width),
    /// dashes and full-width digits are tolerated; exactly 16 digits remain.
    pub fn parse(input: &str) -> Result<ReceiptCode, ReceiptError> {
        let mut digits = String::with_capacity(RECEIPT_LEN);
        for c in input.chars() {
            if c.is_whitespace() || matches!(c, '-' | '－' | '‐' | '‑' | '–' | '—' | '_') {
                continue;
            }
            let c = ascii_digit(c);
            if !c.is_ascii_digit() {
                return Err(ReceiptError::InvalidCharacter);
            }
            digits.push(c);
        }
        if digits.len() != RECEIPT_LEN {
            return Err(ReceiptError::WrongLength {
                found: digits.len(),
            });
        }
        Ok(ReceiptCode(digits))
    }

    /// The 16 digits, no separators.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `1234-5678-9012-3456`, for showing the code to its owner once.
    pub fn display_grouped(&self) -> String {
        let mut out = String::with_capacity(RECEIPT_LEN + 3);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// Hex HMAC-SHA256 of the 16 digits under `secret`; what the database
    /// stores and looks up.
    pub fn keyed_hash(&self, secret: &[u8]) -> String {
        keyed_hash(secret, &self.0)
    }
}

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode(****)")
    }
}

/// Hex (lowercase) HMAC-SHA256 of `data` under `secret`.
pub fn keyed_hash(secret: &[u8], data: &str) -> String {
    // HMAC accepts keys of any length (long keys are hashed, short ones
    // padded), so `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .expect("HMAC-SHA256 accepts keys of any length"); // ok: HMAC takes any key length
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_codes_are_stable_per_token_and_distinct_across_tokens() {
        let a = ReceiptCode::derive(b"k", "token-a");
        assert_eq!(a, ReceiptCode::derive(b"k", "token-a"));
        assert_ne!(a, ReceiptCode::derive(b"k", "token-b"));
        assert_ne!(a, ReceiptCode::derive(b"other key", "token-a"));
        assert_eq!(a.digits().len(), RECEIPT_LEN);
        assert!(a.digits().bytes().all(|b| b.is_ascii_digit()));
    }
    use proptest::prelude::*;

    #[test]
    fn parse_table() {
        let ok = [
            ("1234567890123456", "1234567890123456"),
            ("1234-5678-9012-3456", "1234567890123456"),
            ("1234 5678 9012 3456", "1234567890123456"),
            ("  1234 5678-9012 3456  ", "1234567890123456"),
            ("１２３４５６７８９０１２３４５６", "1234567890123456"),
            (
                "1234\u{3000}5678\u{3000}9012\u{3000}3456",
                "1234567890123456",
            ),
            ("1234－5678－9012－3456", "1234567890123456"),
            ("0000000000000000", "0000000000000000"),
        ];
        for (input, want) in ok {
            assert_eq!(
                ReceiptCode::parse(input).map(|c| c.digits().to_string()),
                Ok(want.to_string()),
                "{input:?}"
            );
        }
        let bad = [
            ("", ReceiptError::WrongLength { found: 0 }),
            ("123456789012345", ReceiptError::WrongLength { found: 15 }),
            ("12345678901234567", ReceiptError::WrongLength { found: 17 }),
            ("1234-5678-9012-345a", ReceiptError::InvalidCharacter),
            ("1234.5678.9012.3456", ReceiptError::InvalidCharacter),
            (
                "一二三四五六七八九〇一二三四五六",
                ReceiptError::InvalidCharacter,
            ),
            ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", ReceiptError::InvalidCharacter),
        ];
        for (input, want) in bad {
            assert_eq!(ReceiptCode::parse(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn debug_never_reveals_digits() {
        let code = ReceiptCode::parse("1234567890123456").expect("valid");
        assert_eq!(format!("{code:?}"), "ReceiptCode(****)");
        assert_eq!(format!("{:?}", Some(&code)), "Some(ReceiptCode(****))");
    }

    #[test]
    fn grouped_display() {
        let code = ReceiptCode::parse("1234567890123456").expect("valid");
        assert_eq!(code.display_grouped(), "1234-5678-9012-3456");
    }

    #[test]
    fn generate_is_16_digits_and_varies() {
        let codes: Vec<ReceiptCode> = (0..50).map(|_| ReceiptCode::generate()).collect();
        for c in &codes {
            assert_eq!(c.digits().len(), RECEIPT_LEN);
            assert!(c.digits().bytes().all(|b| b.is_ascii_digit()));
        }
        let distinct: std::collections::HashSet<&str> = codes.iter().map(|c| c.digits()).collect();
        assert_eq!(distinct.len(), codes.len());
    }

    #[test]
    fn keyed_hash_known_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            keyed_hash(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let code = ReceiptCode::parse("1234-5678-9012-3456").expect("valid");
        assert_eq!(code.keyed_hash(b"k"), keyed_hash(b"k", "1234567890123456"));
        assert_ne!(code.keyed_hash(b"k1"), code.keyed_hash(b"k2"));
        assert_eq!(keyed_hash(b"", "x").len(), 64);
    }

    proptest! {
        /// parse(display_grouped(c)) == c, and the hash ignores formatting.
        #[test]
        fn grouped_round_trip(digits in "[0-9]{16}") {
            let code = ReceiptCode::parse(&digits).expect("16 digits");
            let again = ReceiptCode::parse(&code.display_grouped()).expect("grouped form parses");
            prop_assert_eq!(again.digits(), code.digits());
            prop_assert_eq!(again.keyed_hash(b"s"), code.keyed_hash(b"s"));
        }

        /// Anything that is not 16 digits after stripping separators is refused.
        #[test]
        fn wrong_length_refused(digits in "[0-9]{0,30}") {
            prop_assume!(digits.len() != RECEIPT_LEN);
            prop_assert_eq!(ReceiptCode::parse(&digits), Err(ReceiptError::WrongLength { found: digits.len() }));
        }
    }
}
