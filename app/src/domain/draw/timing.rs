//! When a draw's randomness may be known: the site's rule around the protocol (docs/draws.md
//! §10, "Timing"). An announcement names its public randomness with the day it is produced
//! ("2026-12-05 福彩3D开奖号码", "2026年12月5日…"); the site refuses an announcement that names no
//! day, or a day before the announcement's (a value already known could be chosen to suit), and
//! refuses the value before its day has come. The day is inside the hashed announcement, so
//! anyone can hold it against the announcement time the page shows.

use chrono::NaiveDate;

/// Why the randomness source's timing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimingError {
    /// The source names no day (YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日), or two.
    NoDay,
    /// The source names a day before the announcement's: its value may be known already.
    DayPassed,
    /// The named day has not come: its value cannot be known yet.
    NotYet(NaiveDate),
}

/// The day `source` names, written `2026-12-05`, `2026/12/05`, `2026.12.05` or `2026年12月5日`
/// (or `…5号`); `None` when it names none that exists, or two different days (which one the
/// value comes from would be unclear: "2026-12-09公告，采用2026-12-01开奖号码").
pub fn source_day(source: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = source.chars().collect();
    let mut days = (0..chars.len())
        .filter(|&i| i == 0 || !chars[i - 1].is_ascii_digit())
        .filter_map(|i| day_at(&chars[i..]));
    let first = days.next()?;
    days.all(|d| d == first).then_some(first)
}

/// A date at the start of `c`.
fn day_at(c: &[char]) -> Option<NaiveDate> {
    let (y, c) = number(c, 4, 4)?;
    let (&sep, c) = c.split_first()?;
    let (m, c) = number(c, 1, 2)?;
    let (&sep2, c) = c.split_first()?;
    let (d, rest) = number(c, 1, 2)?;
    let written = match (sep, sep2) {
        ('-', '-') | ('/', '/') | ('.', '.') => true,
        ('年', '月') => matches!(rest.first(), Some('日' | '号')),
        _ => false,
    };
    if !written {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// `min` to `max` ASCII digits at the start of `c` (no more), and what follows.
fn number(c: &[char], min: usize, max: usize) -> Option<(u32, &[char])> {
    let n = c.iter().take_while(|ch| ch.is_ascii_digit()).count();
    if !(min..=max).contains(&n) {
        return None;
    }
    let value = c[..n].iter().collect::<String>().parse().ok()?;
    Some((value, &c[n..]))
}

/// At announcement on `today` (China time): the source names a day, and not one before today.
pub fn check_announced(source: &str, today: NaiveDate) -> Result<NaiveDate, TimingError> {
    let day = source_day(source).ok_or(TimingError::NoDay)?;
    if day < today {
        return Err(TimingError::DayPassed);
    }
    Ok(day)
}

/// When the value is entered on `today`: the named day has come. (An announcement from before
/// this rule that names no day is judged by its 24 hours alone.)
pub fn check_value_due(source: &str, today: NaiveDate) -> Result<(), TimingError> {
    match source_day(source) {
        Some(day) if today < day => Err(TimingError::NotYet(day)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_day_a_source_names_is_read_in_the_ways_people_write_it() {
        for (source, day) in [
            ("2026-12-05 福彩3D + 排列5 开奖号码", Some("2026-12-05")),
            ("福彩3D 2026/12/5 开奖号码", Some("2026-12-05")),
            ("2026.12.05 排列5", Some("2026-12-05")),
            ("2026年12月5日福彩3D和排列5开奖号码", Some("2026-12-05")),
            ("12月5日 2026年12月6号 开奖", Some("2026-12-06")),
            ("2026-12-05 福彩3D，2026年12月5日排列5", Some("2026-12-05")),
            ("2026-12-09公告，采用2026-12-01开奖号码", None),
            ("第2026325期 2026-12-05", Some("2026-12-05")),
            ("福彩3D开奖号码", None),
            ("2026-13-05 开奖", None),
            ("2026-02-30 开奖", None),
            ("2026-12/05 开奖", None),
            ("2026年12月5 开奖", None),
            ("12026-12-05", None),
            ("2026-12-051", None),
            ("", None),
        ] {
            assert_eq!(source_day(source), day.map(d), "{source}");
        }
    }

    #[test]
    fn an_announcement_names_today_or_a_day_to_come() {
        let today = d("2026-12-02");
        assert_eq!(
            check_announced("2026-12-02 开奖号码", today),
            Ok(d("2026-12-02"))
        );
        assert_eq!(
            check_announced("2026年12月9日开奖", today),
            Ok(d("2026-12-09"))
        );
        assert_eq!(
            check_announced("2026-12-01 开奖号码", today),
            Err(TimingError::DayPassed)
        );
        assert_eq!(
            check_announced("福彩3D开奖号码", today),
            Err(TimingError::NoDay)
        );
    }

    #[test]
    fn the_value_is_taken_once_its_day_has_come() {
        let source = "2026-12-05 福彩3D";
        assert_eq!(
            check_value_due(source, d("2026-12-04")),
            Err(TimingError::NotYet(d("2026-12-05")))
        );
        assert_eq!(check_value_due(source, d("2026-12-05")), Ok(()));
        assert_eq!(check_value_due(source, d("2026-12-20")), Ok(()));
        assert_eq!(check_value_due("演示数据", d("2026-12-04")), Ok(()));
    }
}
