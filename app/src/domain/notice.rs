//! Written notices (告之书, the plan's 二(一)四): every refusal, stop, adjustment and 渐退 is told to
//! the household in writing, with reasons, the rule it rests on and how to challenge it, numbered
//! per year, and delivered within 3 working days of the decision.

use chrono::{Datelike, NaiveDate};

use super::calendar::{DayCount, WorkCalendar};
use super::case::CaseAction;
use super::recheck::Outcome;

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

/// What the rule of every notice rests on (the national rules and the county's plan).
pub const BASIS: &str =
    "《社会救助暂行办法》《鲁甸县农村低保“阳光工程”实施方案》（鲁政办发〔2019〕47号）";

/// What a refusal at each stage decides, in the notice's words.
pub fn refusal_decision(action: CaseAction) -> &'static str {
    match action {
        CaseAction::Reject => "对你户的最低生活保障申请不予受理。",
        CaseAction::SurveyIneligible => {
            "经入户调查核实，你户不符合最低生活保障条件，对你户的申请不予批准。"
        }
        CaseAction::TownshipRefuse => {
            "经乡镇审核，你户不符合最低生活保障条件，对你户的申请不予批准。"
        }
        _ => "经县民政局审批，你户不符合最低生活保障条件，对你户的申请不予批准。",
    }
}

/// What a re-check's outcome decides, in the notice's words.
pub fn recheck_decision(
    outcome: Outcome,
    new_fen: Option<i64>,
    taper_until: Option<NaiveDate>,
) -> String {
    match outcome {
        Outcome::Stop => "经复核，你户已不符合最低生活保障条件，自本通知之日起停发最低生活保障金。".to_owned(),
        Outcome::Adjust => format!(
            "经复核，你户的最低生活保障金调整为每月{}元。",
            super::Fen::from_fen(new_fen.unwrap_or(0))
        ),
        Outcome::Taper => format!(
            "经复核，你户家庭成员通过就业增加了收入。按照渐退办法，你户的最低生活保障金继续发放至{}，之后停发。",
            taper_until.map(|d| format!("{}年{}月{}日", chrono::Datelike::year(&d), chrono::Datelike::month(&d), chrono::Datelike::day(&d))).unwrap_or_default()
        ),
        Outcome::Continue => String::new(),
    }
}

/// The notice kind of a re-check outcome (`None`: nothing changes, nothing to notify).
pub fn recheck_kind(outcome: Outcome) -> Option<NoticeKind> {
    match outcome {
        Outcome::Continue => None,
        Outcome::Adjust => Some(NoticeKind::Adjust),
        Outcome::Stop => Some(NoticeKind::Stop),
        Outcome::Taper => Some(NoticeKind::Taper),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_read_plainly() {
        assert!(refusal_decision(CaseAction::Reject).contains("不予受理"));
        assert!(refusal_decision(CaseAction::CountyRefuse).contains("县民政局"));
        let d = recheck_decision(Outcome::Adjust, Some(45_000), None);
        assert!(d.contains("450"), "{d}");
        let until = NaiveDate::from_ymd_opt(2027, 5, 31);
        assert!(recheck_decision(Outcome::Taper, None, until).contains("2027年5月31日"));
        assert_eq!(recheck_kind(Outcome::Continue), None);
        assert_eq!(recheck_kind(Outcome::Stop), Some(NoticeKind::Stop));
    }
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
