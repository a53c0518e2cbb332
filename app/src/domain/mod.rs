//! Pure domain core of Sunshine (阳光低保).
//!
//! Nothing in here performs I/O: no database, no files, no clock reads.
//! Functions that depend on "today" take it as a parameter. Display labels
//! (Chinese/English text) live in the i18n module; this module only knows
//! stable string codes (`as_str` / `parse`).
//!
//! Only [`draw`] is also compiled for the browser (`hydrate`): a WASM island re-runs published
//! draws in the page. Everything else here is server-only and gated on `ssr`.

/// Public draws anyone can re-run (review panels, spot-checks): docs/draws.md.
pub mod draw;

#[cfg(feature = "ssr")]
use thiserror::Error;

/// Error returned by `parse` on every code enum (`Status::parse`, …).
///
/// It deliberately does not echo the rejected input back, so that it is safe
/// to log.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("unknown {kind} code")]
pub struct ParseCodeError {
    /// Which enum rejected the input, e.g. `"status"`.
    pub kind: &'static str,
}

/// Defines a fieldless enum with a stable snake_case code per variant:
/// `ALL`, `as_str`, `parse` (trimmed, ASCII-case-insensitive), `FromStr`,
/// and serde (de)serialisation as the code string.
#[cfg(feature = "ssr")]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($kind:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable code stored in the database and used in URLs/forms.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $code ),+
                }
            }

            /// Parses a code (surrounding whitespace and ASCII case ignored).
            pub fn parse(s: &str) -> Result<Self, super::ParseCodeError> {
                let s = s.trim();
                $(
                    if s.eq_ignore_ascii_case($code) {
                        return Ok($name::$variant);
                    }
                )+
                Err(super::ParseCodeError { kind: $kind })
            }
        }

        impl std::str::FromStr for $name {
            type Err = super::ParseCodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&s).map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod calendar;
#[cfg(feature = "ssr")]
pub mod case;
#[cfg(feature = "ssr")]
pub mod complaint;
#[cfg(feature = "ssr")]
pub mod county;
#[cfg(feature = "ssr")]
pub mod deadlines;
#[cfg(feature = "ssr")]
pub mod id_number;
#[cfg(feature = "ssr")]
pub mod masking;
#[cfg(feature = "ssr")]
pub mod money;
#[cfg(feature = "ssr")]
pub mod notice;
#[cfg(feature = "ssr")]
pub mod publicity;
#[cfg(feature = "ssr")]
pub mod receipt;
#[cfg(feature = "ssr")]
pub mod recheck;
#[cfg(feature = "ssr")]
pub mod region_code;
#[cfg(feature = "ssr")]
pub mod stats;

#[cfg(feature = "ssr")]
pub use access::{Perm, Role, Scope};
#[cfg(feature = "ssr")]
pub use calendar::{china_holidays_2026, days_left, DayCount, DayKind, Holiday, WorkCalendar};
#[cfg(feature = "ssr")]
pub use complaint::{
    can_extend, check_extend, transition, Action, Category, Channel, EventKind, ExtendError,
    Finding, IllegalTransition, Status,
};
#[cfg(feature = "ssr")]
pub use deadlines::{DeadlineRules, PublicityWindow, WindowStatus};
#[cfg(feature = "ssr")]
pub use masking::{MaskPolicy, MaskedName};
#[cfg(feature = "ssr")]
pub use money::{Fen, MoneyError, PersonCount, PersonCountError};
#[cfg(feature = "ssr")]
pub use publicity::{
    diff_rosters, in_summaries, summary_delta, AidCategory, AidClass, AidClassError, BatchKind,
    BatchState, ChangeKind, PublicEntry, RosterDiff,
};
#[cfg(feature = "ssr")]
pub use receipt::{keyed_hash, ReceiptCode, ReceiptError};

/// Region codes are 12 decimal digits; anything else cannot be a village or township.
#[cfg(feature = "ssr")]
pub fn is_region_code(code: &str) -> bool {
    code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Shared helpers for normalising user input (full-width forms etc.).
#[cfg(feature = "ssr")]
pub mod text {
    /// Maps full-width digits `０`–`９` to ASCII; other chars unchanged.
    pub(crate) fn ascii_digit(c: char) -> char {
        match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        }
    }

    /// A person's name as staff type it: 1–30 characters of text, no digits or markup.
    pub fn valid_person_name(s: &str) -> bool {
        let n = s.chars().count();
        (1..=30).contains(&n)
            && !s
                .chars()
                .any(|c| c.is_control() || c.is_ascii_digit() || "<>&\"'/\\;=".contains(c))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn full_width_digits_map_to_ascii() {
            let cases = [
                ('０', '0'),
                ('５', '5'),
                ('９', '9'),
                ('9', '9'),
                ('a', 'a'),
                ('张', '张'),
            ];
            for (input, want) in cases {
                assert_eq!(ascii_digit(input), want, "{input}");
            }
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn parse_code_error_does_not_echo_input() {
        let err = Status::parse("张三丰 13800000000").expect_err("not a status");
        let msg = err.to_string();
        assert_eq!(msg, "unknown status code");
        assert!(!msg.contains("张三丰"));
    }

    #[test]
    fn every_code_enum_round_trips() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            as_str: fn(T) -> &'static str,
            parse: fn(&str) -> Result<T, ParseCodeError>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &v in all {
                let code = as_str(v);
                assert!(seen.insert(code), "duplicate code {code}");
                assert!(
                    code.chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                    "code {code} not snake_case"
                );
                assert_eq!(parse(code), Ok(v));
                assert_eq!(parse(&format!("  {}  ", code.to_ascii_uppercase())), Ok(v));
            }
            assert!(parse("").is_err());
            assert!(parse("no_such_code").is_err());
        }
        check(Status::ALL, Status::as_str, Status::parse);
        check(Action::ALL, Action::as_str, Action::parse);
        check(Category::ALL, Category::as_str, Category::parse);
        check(Channel::ALL, Channel::as_str, Channel::parse);
        check(Finding::ALL, Finding::as_str, Finding::parse);
        check(BatchKind::ALL, BatchKind::as_str, BatchKind::parse);
        check(BatchState::ALL, BatchState::as_str, BatchState::parse);
        check(ChangeKind::ALL, ChangeKind::as_str, ChangeKind::parse);
        check(AidCategory::ALL, AidCategory::as_str, AidCategory::parse);
        check(MaskPolicy::ALL, MaskPolicy::as_str, MaskPolicy::parse);
        check(DayKind::ALL, DayKind::as_str, DayKind::parse);
        check(DayCount::ALL, DayCount::as_str, DayCount::parse);
    }
}
