//! Money in fen (分, 1/100 yuan) and household person counts.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use thiserror::Error;

use super::text::ascii_digit;

/// Largest amount accepted by [`Fen::parse_yuan`]: 1,000,000 yuan.
pub const MAX_YUAN: i64 = 1_000_000;
const MAX_FEN: i64 = MAX_YUAN * 100;

/// An amount of money in fen. Serialises as an integer number of fen.
///
/// Arithmetic (`+`, `-`, `Sum`) saturates instead of overflowing; amounts in
/// this domain are far below the `i64` range. A `Fen` may be negative (e.g. a
/// difference); only [`Fen::parse_yuan`] insists on non-negative input.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(i64);

/// Why a yuan amount was rejected. `code()` gives a stable code for i18n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    Empty,
    #[error("amount is negative")]
    Negative,
    #[error("amount is not a number")]
    Invalid,
    #[error("amount has more than two decimals")]
    TooManyDecimals,
    #[error("amount exceeds 1,000,000 yuan")]
    TooLarge,
}

impl MoneyError {
    pub const fn code(self) -> &'static str {
        match self {
            MoneyError::Empty => "empty",
            MoneyError::Negative => "negative",
            MoneyError::Invalid => "invalid",
            MoneyError::TooManyDecimals => "too_many_decimals",
            MoneyError::TooLarge => "too_large",
        }
    }
}

/// Maps full-width digits and punctuation to their ASCII forms.
fn normalise_money_char(c: char) -> char {
    match c {
        '．' => '.',
        '，' => ',',
        '－' | '−' => '-',
        _ => ascii_digit(c),
    }
}

/// Parses a run of ASCII digits, `TooLarge` on overflow.
fn parse_digits(s: &str) -> Result<i64, MoneyError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MoneyError::Invalid);
    }
    s.bytes().try_fold(0i64, |acc, b| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(MoneyError::TooLarge)
    })
}

/// Integer yuan part, optionally with thousands separators ("1,234,567").
fn parse_integer_part(s: &str) -> Result<i64, MoneyError> {
    if !s.contains(',') {
        return parse_digits(s);
    }
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or_default();
    if first.is_empty() || first.len() > 3 {
        return Err(MoneyError::Invalid);
    }
    let mut digits = String::from(first);
    for group in groups {
        if group.len() != 3 {
            return Err(MoneyError::Invalid);
        }
        digits.push_str(group);
    }
    parse_digits(&digits)
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn from_fen(fen: i64) -> Fen {
        Fen(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses a yuan amount typed by a person or found in a spreadsheet:
    /// `"375"`, `"375.5"`, `"375.50"`, `"1,234.00"`, `"￥375"`, `"375元"`,
    /// full-width digits. Rejects negative amounts, more than two decimals,
    /// empty input and more than 1,000,000 yuan.
    pub fn parse_yuan(input: &str) -> Result<Fen, MoneyError> {
        let normalised: String = input.trim().chars().map(normalise_money_char).collect();
        let mut s = normalised.trim();
        if let Some(rest) = s.strip_prefix('-') {
            return if rest.trim().is_empty() {
                Err(MoneyError::Invalid)
            } else {
                Err(MoneyError::Negative)
            };
        }
        for symbol in ['￥', '¥'] {
            if let Some(rest) = s.strip_prefix(symbol) {
                s = rest.trim_start();
                break;
            }
        }
        if let Some(rest) = s.strip_suffix('元') {
            s = rest.trim_end();
        }
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let yuan = parse_integer_part(int_part)?;
        let frac_fen = match frac_part {
            None => 0,
            Some(f) => {
                if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(MoneyError::Invalid);
                }
                if f.len() > 2 {
                    return Err(MoneyError::TooManyDecimals);
                }
                let v = parse_digits(f)?;
                if f.len() == 1 {
                    v * 10
                } else {
                    v
                }
            }
        };
        let fen = yuan
            .checked_mul(100)
            .and_then(|v| v.checked_add(frac_fen))
            .ok_or(MoneyError::TooLarge)?;
        if fen > MAX_FEN {
            return Err(MoneyError::TooLarge);
        }
        Ok(Fen(fen))
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }
}

/// Yuan with two decimals and no symbol: `375.00`, `-0.05`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_sub(rhs.0))
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        *self = *self + rhs;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        *self = *self - rhs;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

/// Number of persons in an aided household, 1..=20. Serialises as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct PersonCount(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PersonCountError {
    #[error("person count is not a number")]
    Invalid,
    #[error("person count must be between 1 and 20")]
    OutOfRange,
}

impl PersonCountError {
    pub const fn code(self) -> &'static str {
        match self {
            PersonCountError::Invalid => "invalid",
            PersonCountError::OutOfRange => "out_of_range",
        }
    }
}

impl PersonCount {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 20;

    /// From an integer (e.g. a database column).
    pub fn new(n: i64) -> Result<PersonCount, PersonCountError> {
        match u8::try_from(n) {
            Ok(v) if (Self::MIN..=Self::MAX).contains(&v) => Ok(PersonCount(v)),
            _ => Err(PersonCountError::OutOfRange),
        }
    }

    /// From text: `"3"`, `" ３ "`, `"3人"`.
    pub fn parse(input: &str) -> Result<PersonCount, PersonCountError> {
        let normalised: String = input.trim().chars().map(normalise_money_char).collect();
        let s = normalised.trim();
        let s = s.strip_suffix('人').map_or(s, str::trim_end);
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PersonCountError::Invalid);
        }
        if negative {
            return Err(PersonCountError::OutOfRange);
        }
        match digits.parse::<i64>() {
            Ok(n) => Self::new(n),
            // Only overflow remains possible: all chars are digits.
            Err(_) => Err(PersonCountError::OutOfRange),
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for PersonCount {
    type Error = PersonCountError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        PersonCount::new(i64::from(n))
    }
}

impl TryFrom<i64> for PersonCount {
    type Error = PersonCountError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        PersonCount::new(n)
    }
}

impl From<PersonCount> for u8 {
    fn from(p: PersonCount) -> u8 {
        p.0
    }
}

impl fmt::Display for PersonCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_yuan_accepts() {
        let cases: &[(&str, i64)] = &[
            ("375", 37_500),
            ("375.5", 37_550),
            ("375.50", 37_550),
            ("375.05", 37_505),
            ("1,234.00", 123_400),
            ("123,456", 12_345_600),
            ("￥375", 37_500),
            ("¥ 375.5", 37_550),
            ("375元", 37_500),
            ("￥375.00元", 37_500),
            ("  375  ", 37_500),
            ("３７５．５", 37_550),
            ("１，２３４", 123_400),
            ("0", 0),
            ("0.01", 1),
            ("0375", 37_500),
            ("1000000", 100_000_000),
            ("1,000,000.00", 100_000_000),
        ];
        for &(input, fen) in cases {
            assert_eq!(
                Fen::parse_yuan(input),
                Ok(Fen::from_fen(fen)),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn parse_yuan_rejects() {
        use MoneyError::*;
        let cases: &[(&str, MoneyError)] = &[
            ("", Empty),
            ("   ", Empty),
            ("￥", Empty),
            ("元", Empty),
            ("-375", Negative),
            ("－375", Negative),
            ("￥-375", Negative),
            ("-", Invalid),
            ("375.505", TooManyDecimals),
            ("375.500", TooManyDecimals),
            ("1000000.01", TooLarge),
            ("1000001", TooLarge),
            ("1,234,567", TooLarge),
            ("99999999999999999999999", TooLarge),
            ("abc", Invalid),
            ("375.", Invalid),
            (".5", Invalid),
            ("3 75", Invalid),
            ("375,5", Invalid),
            ("1,23", Invalid),
            (",123", Invalid),
            ("1234,567", Invalid),
            ("375.5.5", Invalid),
            ("+375", Invalid),
            ("375.5a", Invalid),
            ("1e3", Invalid),
            ("$375", Invalid),
        ];
        for &(input, err) in cases {
            assert_eq!(Fen::parse_yuan(input), Err(err), "input {input:?}");
        }
    }

    #[test]
    fn display_table() {
        let cases: &[(i64, &str)] = &[
            (0, "0.00"),
            (1, "0.01"),
            (37_500, "375.00"),
            (37_550, "375.50"),
            (123_456_789, "1234567.89"),
            (-5, "-0.05"),
            (-37_550, "-375.50"),
            (i64::MIN, "-92233720368547758.08"),
        ];
        for &(fen, want) in cases {
            assert_eq!(Fen::from_fen(fen).to_string(), want);
        }
    }

    #[test]
    fn sum_and_arithmetic() {
        let v = [Fen::from_fen(100), Fen::from_fen(250), Fen::from_fen(-50)];
        assert_eq!(v.iter().sum::<Fen>(), Fen::from_fen(300));
        assert_eq!(v.into_iter().sum::<Fen>(), Fen::from_fen(300));
        assert_eq!(std::iter::empty::<Fen>().sum::<Fen>(), Fen::ZERO);
        assert_eq!(
            Fen::from_fen(i64::MAX) + Fen::from_fen(1),
            Fen::from_fen(i64::MAX)
        );
        assert_eq!(Fen::from_fen(5) - Fen::from_fen(7), Fen::from_fen(-2));
        let mut x = Fen::ZERO;
        x += Fen::from_fen(3);
        x -= Fen::from_fen(1);
        assert_eq!(x.fen(), 2);
        assert_eq!(Fen::from_fen(i64::MAX).checked_add(Fen::from_fen(1)), None);
        assert!(Fen::from_fen(1) < Fen::from_fen(2));
    }

    #[test]
    fn person_count_table() {
        use PersonCountError::*;
        let cases: &[(&str, Result<u8, PersonCountError>)] = &[
            ("1", Ok(1)),
            ("20", Ok(20)),
            (" 3 ", Ok(3)),
            ("３", Ok(3)),
            ("3人", Ok(3)),
            ("03", Ok(3)),
            ("0", Err(OutOfRange)),
            ("21", Err(OutOfRange)),
            ("-1", Err(OutOfRange)),
            ("256", Err(OutOfRange)),
            ("99999999999999999999999", Err(OutOfRange)),
            ("", Err(Invalid)),
            ("三", Err(Invalid)),
            ("3.5", Err(Invalid)),
            ("-", Err(Invalid)),
        ];
        for (input, want) in cases {
            assert_eq!(
                PersonCount::parse(input).map(PersonCount::get),
                *want,
                "input {input:?}"
            );
        }
        let ints: &[(i64, bool)] = &[
            (0, false),
            (1, true),
            (20, true),
            (21, false),
            (-1, false),
            (300, false),
        ];
        for &(n, ok) in ints {
            assert_eq!(PersonCount::new(n).is_ok(), ok, "{n}");
            assert_eq!(PersonCount::try_from(n).is_ok(), ok, "{n}");
        }
        assert_eq!(PersonCount::try_from(5u8).map(u8::from), Ok(5));
        assert_eq!(PersonCount::try_from(0u8), Err(OutOfRange));
    }

    proptest! {
        /// Display then parse is the identity on every valid amount.
        #[test]
        fn display_parse_round_trip(fen in 0i64..=MAX_FEN) {
            let f = Fen::from_fen(fen);
            prop_assert_eq!(Fen::parse_yuan(&f.to_string()), Ok(f));
            prop_assert_eq!(Fen::parse_yuan(&format!("￥{f}元")), Ok(f));
        }

        /// Out-of-range amounts are always rejected.
        #[test]
        fn too_large_rejected(fen in (MAX_FEN + 1)..i64::MAX / 2) {
            prop_assert_eq!(Fen::parse_yuan(&Fen::from_fen(fen).to_string()), Err(MoneyError::TooLarge));
        }

        /// Sum is order-independent and agrees with i64 addition in range.
        #[test]
        fn sum_matches_integer_sum(v in proptest::collection::vec(-MAX_FEN..MAX_FEN, 0..50)) {
            let total: Fen = v.iter().map(|&x| Fen::from_fen(x)).sum();
            prop_assert_eq!(total.fen(), v.iter().sum::<i64>());
            let rev: Fen = v.iter().rev().map(|&x| Fen::from_fen(x)).sum();
            prop_assert_eq!(total, rev);
        }

        /// Person counts parse iff in 1..=20.
        #[test]
        fn person_count_range(n in -100i64..100) {
            prop_assert_eq!(PersonCount::parse(&n.to_string()).is_ok(), (1..=20).contains(&n));
        }
    }
}
