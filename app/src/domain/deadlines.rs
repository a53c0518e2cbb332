//! Time limits for complaints and publicity windows.

use chrono::{Days, NaiveDate};

use super::calendar::{DayCount, WorkCalendar};

/// Time limits for handling a complaint. All values are day counts; `count`
/// says whether they are calendar or working days (the review-request window
/// is always calendar days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineRules {
    /// Decide to accept/decline after submission (受理).
    pub accept_days: u32,
    /// Answer after acceptance (办结).
    pub answer_days: u32,
    /// Extra time granted once by an extension (延期).
    pub extension_days: u32,
    /// Window for the reporter to request review after the answer.
    pub review_request_days: u32,
    /// Answer a review request.
    pub review_answer_days: u32,
    pub count: DayCount,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            accept_days: 15,
            answer_days: 60,
            extension_days: 30,
            review_request_days: 30,
            review_answer_days: 30,
            count: DayCount::Calendar,
        }
    }
}

impl DeadlineRules {
    /// Last day to accept or decline a complaint submitted on `submitted`.
    pub fn accept_by(&self, submitted: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
        cal.add_days(submitted, self.accept_days, self.count)
    }

    /// Last day to answer a complaint accepted on `accepted`, including the
    /// extension when `extended`.
    pub fn answer_by(&self, accepted: NaiveDate, extended: bool, cal: &WorkCalendar) -> NaiveDate {
        let extra = if extended { self.extension_days } else { 0 };
        cal.add_days(accepted, self.answer_days.saturating_add(extra), self.count)
    }

    /// Last day the reporter may request a review of an answer given on
    /// `answered` (always calendar days).
    pub fn review_request_until(&self, answered: NaiveDate) -> NaiveDate {
        answered
            .checked_add_days(Days::new(u64::from(self.review_request_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Last day to answer a review requested on `requested`.
    pub fn review_answer_by(&self, requested: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
        cal.add_days(requested, self.review_answer_days, self.count)
    }
}

/// The days a publicity list is shown: `opens` and `closes` both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicityWindow {
    pub opens: NaiveDate,
    pub closes: NaiveDate,
}

/// Where `today` falls relative to a [`PublicityWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WindowStatus {
    Upcoming,
    /// `days_left` counts today: 1 on the closing day.
    Open {
        days_left: u32,
    },
    Closed,
}

impl WindowStatus {
    /// Stable code: "upcoming", "open", "closed".
    pub const fn as_str(self) -> &'static str {
        match self {
            WindowStatus::Upcoming => "upcoming",
            WindowStatus::Open { .. } => "open",
            WindowStatus::Closed => "closed",
        }
    }
}

impl PublicityWindow {
    /// A window of `days` calendar days starting on `opens`: a 7-day window
    /// opening on the 1st closes at the end of the 7th. `days == 0` is
    /// treated as 1 (a window always contains its opening day).
    pub fn starting(opens: NaiveDate, days: u32) -> PublicityWindow {
        let len = days.max(1) - 1;
        let closes = opens
            .checked_add_days(Days::new(u64::from(len)))
            .unwrap_or(NaiveDate::MAX);
        PublicityWindow { opens, closes }
    }

    /// Number of days in the window (0 if `closes < opens`).
    pub fn len_days(&self) -> u32 {
        let n = self.closes.signed_duration_since(self.opens).num_days() + 1;
        u32::try_from(n.max(0)).unwrap_or(u32::MAX)
    }

    /// The instant the window ends, in Unix seconds: midnight (China Standard Time, UTC+8) at the
    /// end of the closing day.
    pub fn ends_at_unix(&self) -> i64 {
        let next = self
            .closes
            .checked_add_days(Days::new(1))
            .unwrap_or(NaiveDate::MAX);
        next.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp() - 8 * 3600)
            .unwrap_or(i64::MAX)
    }

    pub fn status(&self, today: NaiveDate) -> WindowStatus {
        if today < self.opens {
            WindowStatus::Upcoming
        } else if today > self.closes {
            WindowStatus::Closed
        } else {
            let left = self.closes.signed_duration_since(today).num_days() + 1;
            WindowStatus::Open {
                days_left: u32::try_from(left).unwrap_or(u32::MAX),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::calendar::china_holidays_2026;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn window_ends_at_midnight_beijing_time_after_closing_day() {
        let w = PublicityWindow::starting(NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"), 7);
        // 2026-11-27 00:00 +08:00 = 2026-11-26 16:00 UTC.
        let expected = NaiveDate::from_ymd_opt(2026, 11, 26)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .expect("time")
            .and_utc()
            .timestamp();
        assert_eq!(w.ends_at_unix(), expected);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn defaults() {
        let r = DeadlineRules::default();
        assert_eq!(
            (
                r.accept_days,
                r.answer_days,
                r.extension_days,
                r.review_request_days,
                r.review_answer_days,
                r.count
            ),
            (15, 60, 30, 30, 30, DayCount::Calendar)
        );
    }

    #[test]
    fn deadline_table() {
        let cal = WorkCalendar::new(china_holidays_2026());
        let cal_rules = DeadlineRules::default();
        let work_rules = DeadlineRules {
            count: DayCount::Working,
            ..DeadlineRules::default()
        };
        // Calendar days.
        assert_eq!(cal_rules.accept_by(d(2026, 3, 2), &cal), d(2026, 3, 17));
        assert_eq!(
            cal_rules.answer_by(d(2026, 3, 2), false, &cal),
            d(2026, 5, 1)
        );
        assert_eq!(
            cal_rules.answer_by(d(2026, 3, 2), true, &cal),
            d(2026, 5, 31)
        );
        assert_eq!(
            cal_rules.review_answer_by(d(2026, 3, 2), &cal),
            d(2026, 4, 1)
        );
        // Working days: 15 workdays after Fri 13 Feb 2026 skip Spring Festival.
        // Sat 14 (make-up), then 24,25,26,27, Sat 28 (make-up), Mar 2–6, Mar 9–12.
        assert_eq!(work_rules.accept_by(d(2026, 2, 13), &cal), d(2026, 3, 12));
        assert_eq!(work_rules.accept_by(d(2026, 3, 2), &cal), d(2026, 3, 23));
        assert_eq!(
            work_rules.answer_by(d(2026, 3, 2), true, &cal),
            cal.add_days(d(2026, 3, 2), 90, DayCount::Working)
        );
        // Review request window is calendar days even under working-day rules.
        assert_eq!(
            work_rules.review_request_until(d(2026, 9, 30)),
            d(2026, 10, 30)
        );
        assert_eq!(
            cal_rules.review_request_until(d(2026, 12, 15)),
            d(2027, 1, 14)
        );
    }

    #[test]
    fn window_table() {
        let w = PublicityWindow::starting(d(2026, 3, 1), 7);
        assert_eq!(w.closes, d(2026, 3, 7));
        assert_eq!(w.len_days(), 7);
        let cases = [
            (d(2026, 2, 28), WindowStatus::Upcoming),
            (d(2026, 3, 1), WindowStatus::Open { days_left: 7 }),
            (d(2026, 3, 4), WindowStatus::Open { days_left: 4 }),
            (d(2026, 3, 7), WindowStatus::Open { days_left: 1 }),
            (d(2026, 3, 8), WindowStatus::Closed),
        ];
        for (today, want) in cases {
            assert_eq!(w.status(today), want, "{today}");
        }
        let one = PublicityWindow::starting(d(2026, 3, 1), 0);
        assert_eq!(one.closes, d(2026, 3, 1));
        assert_eq!(
            one.status(d(2026, 3, 1)),
            WindowStatus::Open { days_left: 1 }
        );
        assert_eq!(PublicityWindow::starting(d(2026, 3, 1), 1), one);
        assert_eq!(WindowStatus::Open { days_left: 3 }.as_str(), "open");
        assert_eq!(WindowStatus::Upcoming.as_str(), "upcoming");
        assert_eq!(WindowStatus::Closed.as_str(), "closed");
        let inverted = PublicityWindow {
            opens: d(2026, 3, 2),
            closes: d(2026, 3, 1),
        };
        assert_eq!(inverted.len_days(), 0);
    }

    proptest! {
        /// A window of n days is open on exactly n days, and days_left counts
        /// down from n to 1.
        #[test]
        fn window_open_exactly_n_days(offset in 0u32..1000, n in 1u32..40) {
            let opens = d(2025, 1, 1) + Days::new(u64::from(offset));
            let w = PublicityWindow::starting(opens, n);
            prop_assert_eq!(w.len_days(), n);
            let probe_start = opens - Days::new(5);
            let mut lefts = Vec::new();
            for day in probe_start.iter_days().take(n as usize + 10) {
                if let WindowStatus::Open { days_left } = w.status(day) {
                    lefts.push(days_left);
                }
            }
            let expected: Vec<u32> = (1..=n).rev().collect();
            prop_assert_eq!(lefts, expected);
        }

        /// Extension never shortens the answer deadline.
        #[test]
        fn extension_never_earlier(offset in 0u32..365, working in any::<bool>()) {
            let cal = WorkCalendar::new(china_holidays_2026());
            let rules = DeadlineRules {
                count: if working { DayCount::Working } else { DayCount::Calendar },
                ..DeadlineRules::default()
            };
            let accepted = d(2026, 1, 1) + Days::new(u64::from(offset));
            prop_assert!(rules.answer_by(accepted, true, &cal) > rules.answer_by(accepted, false, &cal));
            prop_assert!(rules.accept_by(accepted, &cal) > accepted);
        }
    }
}
