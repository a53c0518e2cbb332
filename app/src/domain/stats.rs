//! Public statistics: pure aggregation over rows the database returns, so the numbers are
//! unit-tested on a known dataset. Small counts (1–4) are suppressed so that no household or
//! reporter can be singled out.

use chrono::NaiveDate;
use serde::Serialize;

/// Counts from 1 to 4 are shown as "<5".
pub const SUPPRESS_BELOW: i64 = 5;

pub fn suppressed(n: i64) -> bool {
    (1..SUPPRESS_BELOW).contains(&n)
}

/// The text of a count on a public page.
pub fn show(n: i64) -> String {
    if suppressed(n) {
        "<5".to_owned()
    } else {
        n.to_string()
    }
}

/// A total over parts that are each published with [`show`] (a township's, whose villages
/// show theirs), worked out only from what is shown, so that it gives no hidden part away:
/// exact when no part is hidden; otherwise the range it must lie in (each hidden part is 1 to
/// 4); hidden when even the top of that range is below 5. In JSON: a number, `{"at_least": n,
/// "at_most": m}`, or `null`. Never a rounded number: rounding the true total (and so "≈10"
/// answered of "≈10" received) gives hidden parts away against the parts shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PublicTotal {
    Exact(i64),
    Range { at_least: i64, at_most: i64 },
    Hidden,
}

pub fn public_total(parts: impl IntoIterator<Item = i64>) -> PublicTotal {
    let (mut shown, mut hidden) = (0, 0);
    for n in parts {
        if suppressed(n) {
            hidden += 1;
        } else {
            shown += n;
        }
    }
    let (low, high) = (shown + hidden, shown + hidden * (SUPPRESS_BELOW - 1));
    if high < SUPPRESS_BELOW && hidden > 0 {
        PublicTotal::Hidden
    } else if hidden == 0 {
        PublicTotal::Exact(shown)
    } else {
        PublicTotal::Range {
            at_least: low,
            at_most: high,
        }
    }
}

/// The text of [`public_total`] on a page.
pub fn total_text(parts: &[i64]) -> String {
    match public_total(parts.iter().copied()) {
        PublicTotal::Exact(n) => show(n),
        PublicTotal::Range { at_least, at_most } => format!("{at_least}–{at_most}"),
        PublicTotal::Hidden => "<5".to_owned(),
    }
}

/// A count in public JSON: `null` when suppressed.
pub fn json(n: i64) -> Option<i64> {
    (!suppressed(n)).then_some(n)
}

/// Rounds to the nearest ten (a total that covers suppressed parts).
pub fn round10(n: i64) -> i64 {
    ((n + 5) / 10) * 10
}

impl ComplaintStats {
    /// Whether any count in it is suppressed.
    pub fn any_suppressed(&self) -> bool {
        self.as_array().into_iter().any(suppressed)
    }

    /// The same with every count rounded to tens (rates and medians are kept: they cannot be
    /// inverted into a single township's count).
    pub fn rounded(mut self) -> ComplaintStats {
        for n in self.as_array_mut() {
            *n = round10(*n);
        }
        self
    }

    /// The counts in a fixed order (as the roll-up table's columns).
    pub fn as_array(&self) -> [i64; 8] {
        [
            self.received,
            self.accepted,
            self.declined,
            self.answered,
            self.answered_on_time,
            self.substantiated,
            self.partly,
            self.unsubstantiated,
        ]
    }

    fn as_array_mut(&mut self) -> [&mut i64; 8] {
        [
            &mut self.received,
            &mut self.accepted,
            &mut self.declined,
            &mut self.answered,
            &mut self.answered_on_time,
            &mut self.substantiated,
            &mut self.partly,
            &mut self.unsubstantiated,
        ]
    }

    /// Counts from [`ComplaintStats::as_array`]'s order, with no rate or median.
    pub fn from_array(c: [i64; 8]) -> ComplaintStats {
        let mut s = ComplaintStats::default();
        for (n, v) in s.as_array_mut().into_iter().zip(c) {
            *n = v;
        }
        s
    }
}

/// One complaint, reduced to what statistics need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRow {
    pub township_id: Option<i64>,
    pub status: String,
    pub received_on: NaiveDate,
    pub answer_by: Option<NaiveDate>,
    /// Day of the first approved answer.
    pub answered_on: Option<NaiveDate>,
    pub finding: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ComplaintStats {
    pub received: i64,
    pub accepted: i64,
    pub declined: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    /// Share of answered cases answered by their deadline, in percent (one decimal).
    pub on_time_percent: Option<f64>,
    /// Median days from receipt to answer.
    pub median_days_to_answer: Option<f64>,
    pub substantiated: i64,
    pub partly: i64,
    pub unsubstantiated: i64,
}

impl ComplaintStats {
    /// What may be published: rates and medians over fewer than 5 answers would let someone
    /// work out individual cases, so they are withheld.
    pub fn public(mut self) -> ComplaintStats {
        if suppressed(self.answered) {
            self.on_time_percent = None;
            self.median_days_to_answer = None;
        }
        self
    }
}

pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let mid = n / 2;
    Some(if n % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    })
}

/// What complaints add up to before the small-count rules: counts, and the days each answered
/// one took as a histogram (days → complaints), so that the tallies of townships add up exactly
/// to a county's, a prefecture's or the province's, medians included. Kept as a roll-up in the
/// database (`db::stats::refresh_complaint`), moved in the transaction of each complaint's change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplaintTally {
    /// The counts (no rate or median: [`ComplaintTally::stats`] works them out).
    pub counts: ComplaintStats,
    /// Days from receipt to answer → how many complaints took that long.
    pub answer_days: std::collections::BTreeMap<i64, i64>,
}

impl ComplaintTally {
    /// One complaint's part.
    pub fn of(r: &ComplaintRow) -> ComplaintTally {
        let mut t = ComplaintTally::default();
        let c = &mut t.counts;
        c.received = 1;
        match r.status.as_str() {
            "declined" => c.declined = 1,
            "submitted" => {}
            _ => c.accepted = 1,
        }
        if let Some(answered) = r.answered_on {
            c.answered = 1;
            if r.answer_by.is_none_or(|by| answered <= by) {
                c.answered_on_time = 1;
            }
            t.answer_days
                .insert((answered - r.received_on).num_days(), 1);
        }
        match r.finding.as_deref() {
            Some("substantiated") => c.substantiated = 1,
            Some("partly") => c.partly = 1,
            Some("unsubstantiated") => c.unsubstantiated = 1,
            _ => {}
        }
        t
    }

    /// Adds `other` (`sign` 1) or takes it away (`sign` -1).
    pub fn add(&mut self, other: &ComplaintTally, sign: i64) {
        for (mine, theirs) in self
            .counts
            .as_array_mut()
            .into_iter()
            .zip(other.counts.as_array())
        {
            *mine += sign * theirs;
        }
        for (days, n) in &other.answer_days {
            let e = self.answer_days.entry(*days).or_insert(0);
            *e += sign * n;
            if *e == 0 {
                self.answer_days.remove(days);
            }
        }
    }

    /// The statistics these complaints make (before [`ComplaintStats::public`]).
    pub fn stats(&self) -> ComplaintStats {
        let c = &self.counts;
        ComplaintStats {
            on_time_percent: (c.answered > 0)
                .then(|| (c.answered_on_time as f64 * 1000.0 / c.answered as f64).round() / 10.0),
            median_days_to_answer: histogram_median(&self.answer_days),
            ..c.clone()
        }
    }
}

/// The median of the values a histogram (value → how many) holds: what [`median`] gives for
/// them written out one by one.
pub fn histogram_median(h: &std::collections::BTreeMap<i64, i64>) -> Option<f64> {
    let n: i64 = h.values().filter(|c| **c > 0).sum();
    if n == 0 {
        return None;
    }
    // The value at position `k` (0-based) in sorted order.
    let at = |k: i64| {
        let mut seen = 0;
        for (v, c) in h.iter().filter(|(_, c)| **c > 0) {
            seen += c;
            if k < seen {
                return *v;
            }
        }
        0
    };
    Some(if n % 2 == 1 {
        at(n / 2) as f64
    } else {
        (at(n / 2 - 1) + at(n / 2)) as f64 / 2.0
    })
}

/// Tallies added up (of townships into a county, of counties into a prefecture …).
impl<'a> std::iter::Sum<&'a ComplaintTally> for ComplaintTally {
    fn sum<I: Iterator<Item = &'a ComplaintTally>>(tallies: I) -> ComplaintTally {
        let mut total = ComplaintTally::default();
        for t in tallies {
            total.add(t, 1);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statistics of complaint rows, counted one by one.
    fn aggregate<'a>(rows: impl IntoIterator<Item = &'a ComplaintRow>) -> ComplaintStats {
        let tallies: Vec<ComplaintTally> = rows.into_iter().map(ComplaintTally::of).collect();
        tallies.iter().sum::<ComplaintTally>().stats()
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn row(
        status: &str,
        received: NaiveDate,
        by: Option<NaiveDate>,
        answered: Option<NaiveDate>,
        finding: Option<&str>,
    ) -> ComplaintRow {
        ComplaintRow {
            township_id: Some(1),
            status: status.into(),
            received_on: received,
            answer_by: by,
            answered_on: answered,
            finding: finding.map(str::to_owned),
        }
    }

    /// Six complaints: submitted, declined, verifying, and three answered in 20, 71 and 10 days
    /// (one late), one finding of each kind.
    fn known_rows() -> Vec<ComplaintRow> {
        vec![
            row("submitted", d(11, 1), None, None, None),
            row("declined", d(10, 1), None, None, None),
            row("verifying", d(9, 1), Some(d(11, 1)), None, None),
            row(
                "answered",
                d(8, 1),
                Some(d(10, 1)),
                Some(d(8, 21)),
                Some("substantiated"),
            ),
            row(
                "closed",
                d(7, 1),
                Some(d(9, 1)),
                Some(d(9, 10)),
                Some("unsubstantiated"),
            ),
            row(
                "reopened",
                d(6, 1),
                Some(d(8, 1)),
                Some(d(6, 11)),
                Some("partly"),
            ),
        ]
    }

    #[test]
    fn known_dataset() {
        let rows = known_rows();
        let s = aggregate(&rows);
        assert_eq!(s.received, 6);
        assert_eq!(s.accepted, 4);
        assert_eq!(s.declined, 1);
        assert_eq!(s.answered, 3);
        assert_eq!(s.answered_on_time, 2);
        assert_eq!(s.on_time_percent, Some(66.7));
        // 20, 71 and 10 days → median 20.
        assert_eq!(s.median_days_to_answer, Some(20.0));
        assert_eq!((s.substantiated, s.partly, s.unsubstantiated), (1, 1, 1));
    }

    #[test]
    fn a_histograms_median_is_the_median_of_its_values() {
        // Deterministic pseudo-random lists of day counts, odd and even lengths, repeats.
        let mut x: u64 = 7;
        for len in 1..60usize {
            let mut values: Vec<i64> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((x >> 33) % 40) as i64
                })
                .collect();
            let mut h = std::collections::BTreeMap::new();
            for v in &values {
                *h.entry(*v).or_insert(0) += 1;
            }
            assert_eq!(histogram_median(&h), median(&mut values), "{values:?}");
        }
        assert_eq!(histogram_median(&Default::default()), None);
    }

    #[test]
    fn tallies_of_parts_add_up_to_the_whole_and_come_off_again() {
        let mut rows = known_rows();
        rows.push(row(
            "answered",
            d(8, 2),
            Some(d(10, 1)),
            Some(d(8, 22)),
            Some("partly"),
        ));
        let (mut a, mut b) = (ComplaintTally::default(), ComplaintTally::default());
        for r in &rows[..3] {
            a.add(&ComplaintTally::of(r), 1);
        }
        for r in &rows[3..] {
            b.add(&ComplaintTally::of(r), 1);
        }
        let mut whole = a.clone();
        whole.add(&b, 1);
        assert_eq!(whole.stats(), aggregate(&rows));
        // 20, 71, 10 and 20 days → median 20.
        assert_eq!(whole.stats().median_days_to_answer, Some(20.0));
        whole.add(&b, -1);
        assert_eq!(
            whole, a,
            "taking a part away leaves no empty histogram entries behind"
        );
        assert_eq!(
            ComplaintStats::from_array(whole.counts.as_array()).as_array(),
            a.counts.as_array()
        );
    }

    #[test]
    fn rates_over_few_answers_are_withheld() {
        let rows = vec![row(
            "answered",
            d(8, 1),
            Some(d(10, 1)),
            Some(d(8, 21)),
            None,
        )];
        let s = aggregate(&rows).public();
        assert_eq!(s.answered, 1);
        assert_eq!((s.on_time_percent, s.median_days_to_answer), (None, None));
    }

    #[test]
    fn totals_over_suppressed_parts_are_rounded() {
        assert_eq!(round10(54), 50);
        assert_eq!(round10(55), 60);
        assert_eq!(round10(4), 0);
        let s = ComplaintStats {
            received: 3,
            answered: 12,
            ..Default::default()
        };
        assert!(s.any_suppressed());
        assert_eq!(s.clone().rounded().received, 0);
        assert_eq!(s.rounded().answered, 10);
    }

    #[test]
    fn a_township_total_never_gives_a_hidden_village_away() {
        use PublicTotal::*;
        // 1 hidden beside 13 shown: rounding 14 to 10 would tell it is 1; the range does not.
        assert_eq!(
            public_total([1, 13]),
            Range {
                at_least: 14,
                at_most: 17
            }
        );
        assert_eq!(
            public_total([3, 6]),
            Range {
                at_least: 7,
                at_most: 10
            }
        );
        assert_eq!(public_total([0, 6, 6]), Exact(12));
        assert_eq!(public_total([4]), Hidden);
        assert_eq!(public_total([]), Exact(0));
        let json = |t| serde_json::to_string(&t).expect("json");
        assert_eq!(json(Exact(12)), "12");
        assert_eq!(json(Hidden), "null");
        assert_eq!(
            json(public_total([2, 9])),
            r#"{"at_least":10,"at_most":13}"#
        );
    }

    #[test]
    fn empty_dataset() {
        let s = aggregate(&[]);
        assert_eq!(s, ComplaintStats::default());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 4, 2]), Some(3.0));
    }

    #[test]
    fn totals_over_hidden_parts_are_ranges() {
        let table: [(&[i64], &str); 7] = [
            (&[], "0"),
            (&[0, 0], "0"),
            (&[7, 12], "19"),
            (&[7, 2], "8–11"),
            (&[2], "<5"),
            (&[1, 1, 0], "2–8"),
            (&[0, 3, 20, 4], "22–28"),
        ];
        for (parts, want) in table {
            assert_eq!(total_text(parts), want, "{parts:?}");
        }
        // The range always holds the true total.
        for a in 0..12 {
            for b in 0..12 {
                let t = total_text(&[a, b]);
                if let Some((lo, hi)) = t.split_once('–') {
                    let (lo, hi): (i64, i64) = (lo.parse().unwrap_or(-1), hi.parse().unwrap_or(-1));
                    assert!(lo <= a + b && a + b <= hi, "{a}+{b} → {t}");
                } else if t == "<5" {
                    assert!((1..5).contains(&(a + b)), "{a}+{b} → {t}");
                } else {
                    assert_eq!(t, (a + b).to_string());
                }
            }
        }
    }

    #[test]
    fn small_counts_are_suppressed() {
        let table = [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (120, "120")];
        for (n, want) in table {
            assert_eq!(show(n), want, "{n}");
        }
        assert_eq!(json(3), None);
        assert_eq!(json(0), Some(0));
        assert_eq!(json(7), Some(7));
    }
}
