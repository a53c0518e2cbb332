//! Workday calendar: weekends, public holidays and make-up workdays (调休).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeMap;

code_enum! {
    /// What a listed date is.
    pub enum DayKind("day kind") {
        /// A day off, even if it falls Monday–Friday.
        Holiday => "holiday",
        /// A working Saturday/Sunday (调休上班).
        MakeupWorkday => "makeup_workday",
    }
}

code_enum! {
    /// Whether a time limit counts calendar days or working days.
    pub enum DayCount("day count") {
        Calendar => "calendar",
        Working => "working",
    }
}

/// One entry of the holiday table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: DayKind,
}

/// Weekends plus an editable table of holidays and make-up workdays.
/// `Default` is a calendar with no listed days (Mon–Fri work).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// Builds a calendar; a date listed twice keeps its last kind.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> WorkCalendar {
        WorkCalendar {
            days: days.into_iter().collect(),
        }
    }

    /// The listed kind of `date`, if any.
    pub fn kind(&self, date: NaiveDate) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    /// The listed days in date order.
    pub fn entries(&self) -> impl Iterator<Item = Holiday> + '_ {
        self.days
            .iter()
            .map(|(&date, &kind)| Holiday { date, kind })
    }

    /// Mon–Fri unless listed as a holiday; Sat/Sun only if listed as a
    /// make-up workday.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        match self.kind(date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::MakeupWorkday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// `start + n` calendar days, or the n-th workday after `start`
    /// (`start` itself never counts; `n == 0` returns `start`). Saturates at
    /// `NaiveDate::MAX`.
    pub fn add_days(&self, start: NaiveDate, n: u32, count: DayCount) -> NaiveDate {
        match count {
            DayCount::Calendar => start
                .checked_add_days(Days::new(u64::from(n)))
                .unwrap_or(NaiveDate::MAX),
            DayCount::Working => {
                let mut date = start;
                let mut remaining = n;
                while remaining > 0 {
                    match date.succ_opt() {
                        Some(next) => date = next,
                        None => return NaiveDate::MAX,
                    }
                    if self.is_workday(date) {
                        remaining -= 1;
                    }
                }
                date
            }
        }
    }
}

/// Calendar days from `today` until `deadline`: 0 on the day itself,
/// negative when overdue.
pub fn days_left(today: NaiveDate, deadline: NaiveDate) -> i64 {
    deadline.signed_duration_since(today).num_days()
}

/// Inclusive date range helper for the holiday table.
fn span(from: NaiveDate, to: NaiveDate, kind: DayKind, out: &mut Vec<(NaiveDate, DayKind)>) {
    out.extend(from.iter_days().take_while(|d| *d <= to).map(|d| (d, kind)));
}

/// The 2026 public-holiday schedule.
///
/// Source: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General
/// Office notice on the 2026 holiday arrangements). This is only the seed
/// table; administrators can edit the holiday table in the app, and later
/// years must be added there when the State Council publishes them.
pub fn china_holidays_2026() -> Vec<(NaiveDate, DayKind)> {
    use DayKind::{Holiday as H, MakeupWorkday as W};
    // Every literal below is a valid calendar date, so this cannot fail.
    let d =
        |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).expect("valid 2026 date literal"); // ok: literal dates
    let mut out = Vec::new();
    // 元旦: 1月1日–3日放假，1月4日（周日）上班。
    span(d(1, 1), d(1, 3), H, &mut out);
    out.push((d(1, 4), W));
    // 春节: 2月15日–23日放假，2月14日（周六）、2月28日（周六）上班。
    out.push((d(2, 14), W));
    span(d(2, 15), d(2, 23), H, &mut out);
    out.push((d(2, 28), W));
    // 清明节: 4月4日–6日放假。
    span(d(4, 4), d(4, 6), H, &mut out);
    // 劳动节: 5月1日–5日放假，5月9日（周六）上班。
    span(d(5, 1), d(5, 5), H, &mut out);
    out.push((d(5, 9), W));
    // 端午节: 6月19日–21日放假。
    span(d(6, 19), d(6, 21), H, &mut out);
    // 中秋节: 9月25日–27日放假。
    span(d(9, 25), d(9, 27), H, &mut out);
    // 国庆节: 10月1日–7日放假，9月20日（周日）、10月10日（周六）上班。
    out.push((d(9, 20), W));
    span(d(10, 1), d(10, 7), H, &mut out);
    out.push((d(10, 10), W));
    out
}

/// The years whose deadlines are counted now but whose public holidays are not in the table
/// (`listed`: every listed day): this year, and from November on the next one too (a time limit
/// set in December runs into January). Until a year's holidays are entered, its working days
/// are Monday to Friday, so a deadline falls on a holiday it should step over.
pub fn years_without_holidays(
    listed: impl IntoIterator<Item = (NaiveDate, DayKind)>,
    today: NaiveDate,
) -> Vec<i32> {
    let covered: std::collections::BTreeSet<i32> = listed
        .into_iter()
        .filter(|(_, kind)| *kind == DayKind::Holiday)
        .map(|(d, _)| d.year())
        .collect();
    let mut counted = vec![today.year()];
    if today.month() >= 11 {
        counted.push(today.year() + 1);
    }
    counted.retain(|y| !covered.contains(y));
    counted
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn cal2026() -> WorkCalendar {
        WorkCalendar::new(china_holidays_2026())
    }

    #[test]
    fn a_year_without_its_holidays_is_named_while_its_deadlines_are_counted() {
        let listed = china_holidays_2026();
        assert_eq!(
            years_without_holidays(listed.clone(), d(2026, 6, 1)),
            Vec::<i32>::new()
        );
        assert_eq!(
            years_without_holidays(listed.clone(), d(2026, 10, 31)),
            Vec::<i32>::new()
        );
        assert_eq!(
            years_without_holidays(listed.clone(), d(2026, 11, 1)),
            vec![2027]
        );
        assert_eq!(
            years_without_holidays(listed.clone(), d(2027, 1, 4)),
            vec![2027]
        );
        assert_eq!(
            years_without_holidays(Vec::new(), d(2026, 12, 2)),
            vec![2026, 2027]
        );
        // Make-up workdays alone do not cover a year; one holiday does.
        let makeup = vec![(d(2027, 2, 20), DayKind::MakeupWorkday)];
        assert_eq!(years_without_holidays(makeup, d(2027, 1, 4)), vec![2027]);
        let mut with_2027 = listed;
        with_2027.push((d(2027, 1, 1), DayKind::Holiday));
        assert_eq!(
            years_without_holidays(with_2027, d(2026, 12, 2)),
            Vec::<i32>::new()
        );
    }

    #[test]
    fn schedule_2026_shape() {
        let days = china_holidays_2026();
        let holidays = days.iter().filter(|(_, k)| *k == DayKind::Holiday).count();
        let makeups: Vec<NaiveDate> = days
            .iter()
            .filter(|(_, k)| *k == DayKind::MakeupWorkday)
            .map(|(d, _)| *d)
            .collect();
        // 3 + 9 + 3 + 5 + 3 + 3 + 7
        assert_eq!(holidays, 33);
        assert_eq!(
            makeups,
            vec![
                d(2026, 1, 4),
                d(2026, 2, 14),
                d(2026, 2, 28),
                d(2026, 5, 9),
                d(2026, 9, 20),
                d(2026, 10, 10)
            ]
        );
        // Make-up days all fall on weekends, as the notice says.
        let expected_weekday = [
            Weekday::Sun,
            Weekday::Sat,
            Weekday::Sat,
            Weekday::Sat,
            Weekday::Sun,
            Weekday::Sat,
        ];
        for (date, wd) in makeups.iter().zip(expected_weekday) {
            assert_eq!(date.weekday(), wd, "{date}");
        }
        // No date listed twice.
        let unique: std::collections::HashSet<_> = days.iter().map(|(d, _)| *d).collect();
        assert_eq!(unique.len(), days.len());
        assert!(days.iter().all(|(date, _)| date.year() == 2026));
    }

    #[test]
    fn is_workday_table() {
        let cal = cal2026();
        let cases = [
            (d(2026, 1, 1), false),  // 元旦, Thu
            (d(2026, 1, 2), false),  // Fri, holiday
            (d(2026, 1, 4), true),   // Sun, make-up
            (d(2026, 1, 5), true),   // Mon
            (d(2026, 1, 10), false), // Sat
            (d(2026, 1, 11), false), // Sun
            (d(2026, 2, 13), true),  // Fri
            (d(2026, 2, 14), true),  // Sat, make-up
            (d(2026, 2, 16), false), // Spring Festival Mon
            (d(2026, 2, 23), false), // Mon, last day off
            (d(2026, 2, 24), true),
            (d(2026, 2, 28), true),  // Sat, make-up
            (d(2026, 4, 6), false),  // Qingming Mon
            (d(2026, 5, 5), false),  // Tue
            (d(2026, 5, 9), true),   // Sat, make-up
            (d(2026, 6, 19), false), // Dragon Boat Fri
            (d(2026, 9, 20), true),  // Sun, make-up
            (d(2026, 9, 25), false), // Mid-Autumn Fri
            (d(2026, 10, 7), false), // Wed
            (d(2026, 10, 8), true),  // Thu
            (d(2026, 10, 10), true), // Sat, make-up
        ];
        for (date, want) in cases {
            assert_eq!(cal.is_workday(date), want, "{date}");
        }
        let plain = WorkCalendar::default();
        assert!(!plain.is_workday(d(2026, 1, 4)));
        assert!(plain.is_workday(d(2026, 1, 1)));
    }

    #[test]
    fn add_days_table() {
        let cal = cal2026();
        let cases = [
            // (start, n, count, expected)
            (d(2026, 3, 2), 0, DayCount::Working, d(2026, 3, 2)),
            (d(2026, 3, 2), 1, DayCount::Working, d(2026, 3, 3)),
            (d(2026, 3, 6), 1, DayCount::Working, d(2026, 3, 9)), // Fri -> Mon
            (d(2026, 3, 7), 1, DayCount::Working, d(2026, 3, 9)), // Sat -> Mon
            (d(2026, 3, 2), 5, DayCount::Working, d(2026, 3, 9)),
            (d(2026, 3, 2), 15, DayCount::Working, d(2026, 3, 23)),
            // Across Spring Festival: Fri 13 Feb -> Sat 14 (make-up) -> Tue 24.
            (d(2026, 2, 13), 1, DayCount::Working, d(2026, 2, 14)),
            (d(2026, 2, 13), 2, DayCount::Working, d(2026, 2, 24)),
            // Across National Day.
            (d(2026, 9, 30), 1, DayCount::Working, d(2026, 10, 8)),
            (d(2026, 9, 30), 3, DayCount::Working, d(2026, 10, 10)),
            (d(2026, 2, 13), 15, DayCount::Calendar, d(2026, 2, 28)),
            (d(2026, 12, 25), 10, DayCount::Calendar, d(2027, 1, 4)),
            (d(2026, 3, 2), 0, DayCount::Calendar, d(2026, 3, 2)),
        ];
        for (start, n, count, want) in cases {
            assert_eq!(
                cal.add_days(start, n, count),
                want,
                "{start} + {n} {count:?}"
            );
        }
        assert_eq!(
            cal.add_days(NaiveDate::MAX, 1, DayCount::Calendar),
            NaiveDate::MAX
        );
        assert_eq!(
            cal.add_days(NaiveDate::MAX, 1, DayCount::Working),
            NaiveDate::MAX
        );
    }

    #[test]
    fn days_left_table() {
        let cases = [
            (d(2026, 3, 1), d(2026, 3, 1), 0),
            (d(2026, 3, 1), d(2026, 3, 16), 15),
            (d(2026, 3, 16), d(2026, 3, 1), -15),
            (d(2026, 12, 31), d(2027, 1, 1), 1),
        ];
        for (today, deadline, want) in cases {
            assert_eq!(days_left(today, deadline), want);
        }
    }

    #[test]
    fn entries_and_kind() {
        let cal = WorkCalendar::new([
            (d(2026, 1, 4), DayKind::Holiday),
            (d(2026, 1, 4), DayKind::MakeupWorkday),
        ]);
        assert_eq!(cal.kind(d(2026, 1, 4)), Some(DayKind::MakeupWorkday));
        assert_eq!(cal.entries().count(), 1);
        assert_eq!(cal.kind(d(2026, 1, 5)), None);
    }

    proptest! {
        /// The n-th workday after start is a workday, strictly after start
        /// (for n > 0), exactly n workdays later, and monotone in n.
        #[test]
        fn working_days_law(offset in 0u32..700, n in 0u32..60) {
            let cal = cal2026();
            let start = d(2025, 12, 1) + Days::new(u64::from(offset));
            let end = cal.add_days(start, n, DayCount::Working);
            if n == 0 {
                prop_assert_eq!(end, start);
            } else {
                prop_assert!(end > start);
                prop_assert!(cal.is_workday(end));
                let counted = start.iter_days().skip(1).take_while(|x| *x <= end).filter(|x| cal.is_workday(*x)).count();
                prop_assert_eq!(counted, n as usize);
                prop_assert!(cal.add_days(start, n - 1, DayCount::Working) < end);
            }
            prop_assert!(cal.add_days(start, n, DayCount::Calendar) <= end);
        }

        /// days_left inverts calendar add_days.
        #[test]
        fn days_left_inverts_add(offset in 0u32..700, n in 0u32..400) {
            let cal = WorkCalendar::default();
            let start = d(2025, 1, 1) + Days::new(u64::from(offset));
            prop_assert_eq!(days_left(start, cal.add_days(start, n, DayCount::Calendar)), i64::from(n));
        }
    }
}
