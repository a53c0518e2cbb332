//! Written notices (告之书, the plan's 二(一)四): every refusal, stop, adjustment and 渐退 is told to
//! the household in writing, with reasons, the rule it rests on and how to challenge it, numbered
//! per year, and delivered within 3 working days of the decision.

use chrono::{Datelike, NaiveDate};

use super::calendar::{DayCount, WorkCalendar};

code_enum! {
    /// What a notice tells the household.
    pub enum NoticeKind("notice kind") {
        /// 不予受理 / 不予批准: an application refused at any stage.
        Refusal => "refusal",
        /// 停发: the allowance ends.
        Stop => "stop",
        /// 增发 / 减发: the amount changes.
        Adjust => "adjust",
        /// 渐退: the allowance continues for a grace period, then ends.
        Taper => "taper",
    }
}

code_enum! {
    /// How a notice reached the household.
    pub enum Delivery("delivery method") {
        /// 直接送达: handed over by staff.
        InPerson => "in_person",
        /// 村（居）委会转交.
        Village => "village",
        /// 邮寄送达.
        Post => "post",
    }
}

/// Working days between a decision and the notice's delivery (the plan: 3).
pub const DELIVERY_WORKING_DAYS: u32 = 3;

/// Days to apply for administrative review (行政复议法: 60 days).
pub const REVIEW_DAYS: u32 = 60;

/// Months to bring an administrative lawsuit (行政诉讼法: 6 months).
pub const LAWSUIT_MONTHS: u32 = 6;

/// The last day a notice of a decision made on `decided_on` may be delivered.
pub fn deliver_by(cal: &WorkCalendar, decided_on: NaiveDate) -> NaiveDate {
    cal.add_days(decided_on, DELIVERY_WORKING_DAYS, DayCount::Working)
}

/// Whether a notice is overdue on `today`: not delivered and past its last day.
pub fn is_overdue(
    deliver_by: NaiveDate,
    delivered_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    delivered_on.is_none() && today > deliver_by
}

/// Whether a delivered notice reached the household on time.
pub fn on_time(deliver_by: NaiveDate, delivered_on: NaiveDate) -> bool {
    delivered_on <= deliver_by
}

/// A notice's number: `鲁民低告〔2026〕12号` for prefix `鲁民低告`, year 2026, sequence 12.
pub fn number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

/// The year a notice is numbered in: the year of its decision.
pub fn number_year(decided_on: NaiveDate) -> i32 {
    decided_on.year()
}

/// Why a delivery record is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryError {
    /// Delivered before the decision was made.
    BeforeDecision,
    /// Delivered in the future.
    Future,
    /// No name (2–40 characters) of who handed it over.
    NoDeliverer,
}

/// Checks a delivery record.
pub fn check_delivery(
    decided_on: NaiveDate,
    delivered_on: NaiveDate,
    today: NaiveDate,
    delivered_by: &str,
) -> Result<(), DeliveryError> {
    if delivered_on < decided_on {
        return Err(DeliveryError::BeforeDecision);
    }
    if delivered_on > today {
        return Err(DeliveryError::Future);
    }
    let who = delivered_by.trim();
    if !(2..=40).contains(&who.chars().count()) || who.chars().any(char::is_control) {
        return Err(DeliveryError::NoDeliverer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DayKind;

    #[test]
    fn a_deliverer_is_named_in_2_to_40_characters() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 16).expect("date");
        let check = |who: &str| check_delivery(day, day, day, who);
        assert_eq!(check("王"), Err(DeliveryError::NoDeliverer));
        assert_eq!(check("王芳"), Ok(()));
        assert_eq!(check(&"王".repeat(41)), Err(DeliveryError::NoDeliverer));
        assert_eq!(check("王\u{7}芳"), Err(DeliveryError::NoDeliverer));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn three_working_days_skip_weekends_and_holidays() {
        let plain = WorkCalendar::default();
        // Wednesday → the next Monday.
        assert_eq!(deliver_by(&plain, d(2026, 12, 2)), d(2026, 12, 7));
        // Friday → Wednesday.
        assert_eq!(deliver_by(&plain, d(2026, 12, 4)), d(2026, 12, 9));
        // With a holiday on Monday and a make-up Saturday.
        let cal = WorkCalendar::new([
            (d(2026, 12, 7), DayKind::Holiday),
            (d(2026, 12, 5), DayKind::MakeupWorkday),
        ]);
        assert_eq!(deliver_by(&cal, d(2026, 12, 4)), d(2026, 12, 9));
    }

    #[test]
    fn overdue_only_when_undelivered_past_the_last_day() {
        let last = d(2026, 12, 7);
        assert!(!is_overdue(last, None, last));
        assert!(is_overdue(last, None, d(2026, 12, 8)));
        assert!(!is_overdue(last, Some(d(2026, 12, 9)), d(2026, 12, 10)));
        assert!(on_time(last, last));
        assert!(!on_time(last, d(2026, 12, 8)));
    }

    #[test]
    fn numbers_read_as_official_documents() {
        assert_eq!(number("鲁民低告", 2026, 12), "鲁民低告〔2026〕12号");
        assert_eq!(number_year(d(2026, 12, 31)), 2026);
        assert_eq!(number_year(d(2027, 1, 1)), 2027);
    }

    #[test]
    fn deliveries_are_checked() {
        let (decided, today) = (d(2026, 12, 2), d(2026, 12, 4));
        assert_eq!(
            check_delivery(decided, d(2026, 12, 3), today, "王芳"),
            Ok(())
        );
        assert_eq!(
            check_delivery(decided, d(2026, 12, 1), today, "王芳"),
            Err(DeliveryError::BeforeDecision)
        );
        assert_eq!(
            check_delivery(decided, d(2026, 12, 5), today, "王芳"),
            Err(DeliveryError::Future)
        );
        assert_eq!(
            check_delivery(decided, d(2026, 12, 3), today, " 王 "),
            Err(DeliveryError::NoDeliverer)
        );
    }
}
