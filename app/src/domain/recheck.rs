//! Re-checks of recipients (动态管理, the plan's 二(二)): every household on the standing list is
//! re-checked on a schedule that depends on its category, and whenever another department's data
//! or the household's own report gives a lead; each re-check ends in a result that flows on into
//! a written notice and the next standing list.

use chrono::{Months, NaiveDate};

use super::publicity::{AidCategory, ChangeKind};

code_enum! {
    /// Where a re-check task came from.
    pub enum Source("recheck source") {
        /// The household's re-check date came.
        Schedule => "schedule",
        /// Another department's data matched a member (系统比对).
        Comparison => "comparison",
        /// The household reported a change or asked to leave.
        Report => "report",
    }
}

code_enum! {
    /// How a re-check was made.
    pub enum Method("recheck method") {
        /// 入户核查.
        Visit => "visit",
        /// 信息比对.
        Comparison => "comparison",
        /// 电话核实.
        Phone => "phone",
    }
}

code_enum! {
    /// What a re-check decided.
    pub enum Outcome("recheck result") {
        /// 继续保障: nothing changes.
        Continue => "continue",
        /// 调整保障金额: a new monthly amount.
        Adjust => "adjust",
        /// 停发.
        Stop => "stop",
        /// 渐退: income from work rose; the allowance continues for the grace period, then stops.
        Taper => "taper",
    }
}

/// How often each category is re-checked, in months, and the 渐退 grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// 特困/兜底 households (default 12).
    pub doudi_months: u32,
    /// Other households (default 6).
    pub yiban_months: u32,
    /// Months an allowance continues after income from work rises (default 6).
    pub taper_months: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            doudi_months: 12,
            yiban_months: 6,
            taper_months: 6,
        }
    }
}

impl Schedule {
    /// Months between re-checks of a household of `category`.
    pub fn interval(&self, category: AidCategory) -> u32 {
        match category {
            AidCategory::Basic => self.doudi_months,
            AidCategory::General => self.yiban_months,
        }
    }

    /// The next re-check after one made on `checked_on` (or an enrolment on that day).
    pub fn next_due(&self, category: AidCategory, checked_on: NaiveDate) -> NaiveDate {
        add_months(checked_on, self.interval(category))
    }

    /// The last day of a 渐退 period that starts on `decided_on`.
    pub fn taper_until(&self, decided_on: NaiveDate) -> NaiveDate {
        add_months(decided_on, self.taper_months)
    }
}

/// `day` plus `months` calendar months (31 January + 1 month = 28/29 February).
pub fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a household's re-check is overdue on `today`.
pub fn is_overdue(due_on: NaiveDate, today: NaiveDate) -> bool {
    today > due_on
}

/// How a household on the standing list shows on the next one, from its entry's amount and what
/// the re-checks since made of it (the list after that leaves a `Stop` entry off):
///
/// * stopped, or its 渐退 period over before `today` → `Stop`;
/// * a new amount → `Increase` / `Decrease`;
/// * otherwise → `Renew`.
pub fn standing_change(
    old_fen: i64,
    new_fen: i64,
    stopped: bool,
    taper_until: Option<NaiveDate>,
    today: NaiveDate,
) -> ChangeKind {
    if stopped || taper_until.is_some_and(|t| t < today) {
        ChangeKind::Stop
    } else if new_fen > old_fen {
        ChangeKind::Increase
    } else if new_fen < old_fen {
        ChangeKind::Decrease
    } else {
        ChangeKind::Renew
    }
}

/// Why a re-check record is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    /// Checked in the future.
    Future,
    /// Checked more than a year ago (a typing error: re-checks are recorded as they are done).
    TooOld,
    /// Findings of fewer than 4 or more than 2,000 characters.
    NoFindings,
    /// An adjustment without a new amount, or with the same amount.
    NoNewAmount,
}

/// Checks a re-check record: the date, the findings, and a new amount for an adjustment.
pub fn check_record(
    outcome: Outcome,
    checked_on: NaiveDate,
    today: NaiveDate,
    findings: &str,
    old_fen: i64,
    new_fen: Option<i64>,
) -> Result<(), RecordError> {
    if checked_on > today {
        return Err(RecordError::Future);
    }
    if checked_on <= today - chrono::Duration::days(366) {
        return Err(RecordError::TooOld);
    }
    if !(4..=2000).contains(&findings.trim().chars().count()) {
        return Err(RecordError::NoFindings);
    }
    if outcome == Outcome::Adjust && new_fen.is_none_or(|f| f <= 0 || f == old_fen) {
        return Err(RecordError::NoNewAmount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_recheck_is_dated_within_the_last_year() {
        let today = d(2026, 12, 1);
        let ok = |on| check_record(Outcome::Continue, on, today, "情况无变化", 50_000, None);
        assert_eq!(ok(today), Ok(()));
        assert_eq!(ok(d(2025, 12, 1)), Ok(()));
        assert_eq!(ok(d(2025, 11, 30)), Err(RecordError::TooOld));
        assert_eq!(ok(d(1, 1, 1)), Err(RecordError::TooOld));
        assert_eq!(ok(d(2026, 12, 2)), Err(RecordError::Future));
    }

    #[test]
    fn findings_are_between_4_and_2000_characters() {
        let day = d(2026, 3, 15);
        let check = |f: &str| check_record(Outcome::Continue, day, day, f, 100, None);
        assert_eq!(check("无变化"), Err(RecordError::NoFindings));
        assert_eq!(check("情况无变化"), Ok(()));
        assert_eq!(check(&"长".repeat(2000)), Ok(()));
        assert_eq!(check(&"长".repeat(2001)), Err(RecordError::NoFindings));
    }

    #[test]
    fn intervals_follow_the_category() {
        let s = Schedule::default();
        assert_eq!(
            s.next_due(AidCategory::Basic, d(2026, 3, 15)),
            d(2027, 3, 15)
        );
        assert_eq!(
            s.next_due(AidCategory::General, d(2026, 3, 15)),
            d(2026, 9, 15)
        );
        // Month ends clamp.
        assert_eq!(
            s.next_due(AidCategory::General, d(2026, 8, 31)),
            d(2027, 2, 28)
        );
        let custom = Schedule {
            doudi_months: 24,
            yiban_months: 3,
            taper_months: 2,
        };
        assert_eq!(
            custom.next_due(AidCategory::Basic, d(2026, 1, 1)),
            d(2028, 1, 1)
        );
        assert_eq!(
            custom.next_due(AidCategory::General, d(2026, 1, 1)),
            d(2026, 4, 1)
        );
    }

    #[test]
    fn taper_keeps_the_allowance_for_the_grace_period() {
        let s = Schedule {
            taper_months: 3,
            ..Schedule::default()
        };
        let until = s.taper_until(d(2026, 11, 30));
        assert_eq!(until, d(2027, 2, 28));
        // On the list as before until the period ends, then stopped.
        assert_eq!(
            standing_change(60_000, 60_000, false, Some(until), d(2027, 2, 28)),
            ChangeKind::Renew
        );
        assert_eq!(
            standing_change(60_000, 60_000, false, Some(until), d(2027, 3, 1)),
            ChangeKind::Stop
        );
    }

    #[test]
    fn the_next_standing_list_shows_what_changed() {
        let today = d(2026, 12, 1);
        assert_eq!(
            standing_change(60_000, 60_000, false, None, today),
            ChangeKind::Renew
        );
        assert_eq!(
            standing_change(60_000, 65_000, false, None, today),
            ChangeKind::Increase
        );
        assert_eq!(
            standing_change(60_000, 45_000, false, None, today),
            ChangeKind::Decrease
        );
        assert_eq!(
            standing_change(60_000, 60_000, true, None, today),
            ChangeKind::Stop
        );
    }

    #[test]
    fn overdue_is_after_the_due_day() {
        assert!(!is_overdue(d(2026, 12, 1), d(2026, 12, 1)));
        assert!(is_overdue(d(2026, 12, 1), d(2026, 12, 2)));
    }

    #[test]
    fn records_are_checked() {
        use Outcome::*;
        use RecordError::*;
        let today = d(2026, 12, 1);
        let tomorrow = d(2026, 12, 2);
        // (outcome, visited on, findings, current amount, new amount) → verdict
        let cases = [
            (Continue, today, "家庭情况无变化", 60_000, None, Ok(())),
            (Continue, tomorrow, "家庭情况无变化", 1, None, Err(Future)),
            (Stop, today, "无", 1, None, Err(NoFindings)),
            (Adjust, today, "收入增加", 60_000, None, Err(NoNewAmount)),
            (
                Adjust,
                today,
                "收入增加",
                60_000,
                Some(60_000),
                Err(NoNewAmount),
            ),
            (Adjust, today, "收入增加", 60_000, Some(45_000), Ok(())),
        ];
        for (outcome, visited, findings, current, new, want) in cases {
            assert_eq!(
                check_record(outcome, visited, today, findings, current, new),
                want,
                "{outcome:?} {visited} {findings} {current} {new:?}"
            );
        }
    }
}
