//! The period a measure's points stand for (a day, a week, a month, a quarter) and where a
//! date falls among its points.
//!
//! A point dated 1 Oct 2017 on a monthly measure stands for all of October 2017, so something
//! that happened on 2 Oct 2017 belongs to that point, not to November's.

use chrono::{Datelike, Days, Months, NaiveDate};

/// How long the period of one data point is.
///
/// Weeks run Monday to Sunday (ISO 8601), quarters are calendar quarters (January–March is
/// Q1). A point may be dated on any day of its period: its first day, its last or between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Period {
    /// One calendar day.
    Day,
    /// One week, Monday to Sunday.
    Week,
    /// One calendar month.
    #[default]
    Month,
    /// One calendar quarter.
    Quarter,
}

impl Period {
    /// Every period, shortest first.
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::Quarter];

    /// Stable name, as stored and in the API: `day`, `week`, `month`, `quarter`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// Parses [`Period::name`] (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Period> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The period for people: "Monthly".
    pub fn label(self) -> &'static str {
        match self {
            Period::Day => "Daily",
            Period::Week => "Weekly",
            Period::Month => "Monthly",
            Period::Quarter => "Quarterly",
        }
    }

    /// The first day of the period that contains `date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gemba_domain::Period;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(Period::Month.start(d(2017, 10, 2)), d(2017, 10, 1));
    /// assert_eq!(Period::Quarter.start(d(2019, 3, 31)), d(2019, 1, 1));
    /// assert_eq!(Period::Week.start(d(2019, 3, 6)), d(2019, 3, 4)); // a Wednesday → Monday
    /// ```
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => date,
            Period::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).unwrap_or(date),
            Period::Quarter => {
                let month = (date.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
            }
        }
    }

    /// The first day of the period after the one that contains `date` (the day after its
    /// last). At the end of chrono's calendar (year 262142) it stays at `date`'s period start.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use gemba_domain::Period;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(Period::Month.next(d(2019, 12, 15)), d(2020, 1, 1));
    /// assert_eq!(Period::Quarter.next(d(2019, 11, 1)), d(2020, 1, 1));
    /// ```
    pub fn next(self, date: NaiveDate) -> NaiveDate {
        let start = self.start(date);
        let next = match self {
            Period::Day => start.checked_add_days(Days::new(1)),
            Period::Week => start.checked_add_days(Days::new(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Quarter => start.checked_add_months(Months::new(3)),
        };
        next.unwrap_or(start)
    }

    /// Whether `date` lies in the period that contains `point`.
    pub fn contains(self, point: NaiveDate, date: NaiveDate) -> bool {
        self.start(point) == self.start(date)
    }

    /// The period that contains `date`, for people: "4 Mar 2019" (a day), "week of 4 Mar
    /// 2019" (its Monday), "Mar 2019", "Q1 2019".
    pub fn describe(self, date: NaiveDate) -> String {
        let start = self.start(date);
        match self {
            Period::Day => start.format("%-d %b %Y").to_string(),
            Period::Week => format!("week of {}", start.format("%-d %b %Y")),
            Period::Month => start.format("%b %Y").to_string(),
            Period::Quarter => format!("Q{} {}", start.month0() / 3 + 1, start.year()),
        }
    }

    /// Whether data are overdue on `today` when the latest point is dated `latest`: the
    /// period after the latest one has ended without a point. A monthly measure whose latest
    /// point is in March is overdue once May has begun (April's figure is then missing).
    pub fn overdue(self, latest: NaiveDate, today: NaiveDate) -> bool {
        today >= self.next(self.next(latest))
    }
}

/// Where a date falls among the points of a series (dated in ascending order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    /// Before the period of the first point (or there are no points).
    Before,
    /// In the period of the point with this index.
    At(usize),
    /// In a period without a point, between the point with this index and the next one;
    /// the fraction (strictly between 0 and 1) says how far along in time.
    Between(usize, f64),
    /// After the period of the latest point.
    After,
}

impl Position {
    /// The first point from the date on: the point whose period contains it, else the next
    /// one (where a rebase dated then starts its new phase). `None` after the latest point.
    pub fn point_from(self) -> Option<usize> {
        match self {
            Position::Before => Some(0),
            Position::At(i) => Some(i),
            Position::Between(i, _) => Some(i + 1),
            Position::After => None,
        }
    }
}

/// Where `date` falls among the points dated `dates` (ascending) of a measure with the
/// periods `period`: the point whose period contains the date, or between two points when no
/// point stands for that period. The one rule for PDSA cycles and rebases alike.
///
/// ```
/// use chrono::NaiveDate;
/// use gemba_domain::{locate, Period, Position};
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let months = [d(2017, 9, 1), d(2017, 10, 1), d(2017, 11, 1)];
/// assert_eq!(locate(&months, Period::Month, d(2017, 10, 2)), Position::At(1));
/// assert_eq!(locate(&months, Period::Month, d(2017, 12, 1)), Position::After);
/// ```
pub fn locate(dates: &[NaiveDate], period: Period, date: NaiveDate) -> Position {
    let start = period.start(date);
    // The first point whose period starts on or after the date's.
    let i = dates.partition_point(|d| period.start(*d) < start);
    match (i.checked_sub(1), dates.get(i)) {
        (_, Some(d)) if period.start(*d) == start => Position::At(i),
        (None, _) => Position::Before,
        (Some(_), None) => Position::After,
        (Some(prev), Some(next)) => {
            let a = period.start(dates[prev]);
            let b = period.start(*next);
            let span = (b - a).num_days() as f64;
            let along = (start - a).num_days() as f64;
            let f = if span > 0.0 { along / span } else { 0.5 };
            Position::Between(prev, f.clamp(0.01, 0.99))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_month_contains_its_days_and_ends_with_the_year() {
        let p = Period::Month;
        assert_eq!(p.start(d(2017, 10, 2)), d(2017, 10, 1));
        assert_eq!(p.start(d(2017, 10, 31)), d(2017, 10, 1));
        assert!(p.contains(d(2017, 10, 1), d(2017, 10, 2)));
        assert!(!p.contains(d(2017, 10, 1), d(2017, 11, 1)));
        assert_eq!(p.next(d(2017, 10, 2)), d(2017, 11, 1));
        assert_eq!(p.next(d(2017, 12, 31)), d(2018, 1, 1));
        assert_eq!(p.describe(d(2019, 3, 1)), "Mar 2019");
    }

    #[test]
    fn february_of_a_leap_year_has_29_days() {
        let p = Period::Month;
        assert_eq!(p.next(d(2024, 2, 29)), d(2024, 3, 1));
        assert!(p.contains(d(2024, 2, 1), d(2024, 2, 29)));
        assert_eq!(Period::Day.next(d(2024, 2, 28)), d(2024, 2, 29));
        assert_eq!(Period::Day.next(d(2023, 2, 28)), d(2023, 3, 1));
        // The week of Monday 26 Feb 2024 runs through the leap day to Sunday 3 March.
        assert_eq!(Period::Week.start(d(2024, 3, 3)), d(2024, 2, 26));
        assert!(Period::Week.contains(d(2024, 2, 26), d(2024, 2, 29)));
        assert_eq!(Period::Week.next(d(2024, 2, 29)), d(2024, 3, 4));
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        let p = Period::Quarter;
        assert_eq!(p.start(d(2019, 1, 1)), d(2019, 1, 1));
        assert_eq!(p.start(d(2019, 3, 31)), d(2019, 1, 1));
        assert_eq!(p.start(d(2019, 4, 1)), d(2019, 4, 1));
        assert_eq!(p.start(d(2019, 12, 31)), d(2019, 10, 1));
        assert_eq!(p.next(d(2019, 12, 31)), d(2020, 1, 1));
        assert!(p.contains(d(2019, 1, 1), d(2019, 2, 14)));
        assert!(!p.contains(d(2019, 1, 1), d(2019, 4, 1)));
        assert_eq!(p.describe(d(2019, 2, 14)), "Q1 2019");
        assert_eq!(p.describe(d(2019, 11, 1)), "Q4 2019");
    }

    #[test]
    fn weeks_run_monday_to_sunday_across_the_year_end() {
        let p = Period::Week;
        // Wednesday 1 Jan 2020 is in the week of Monday 30 Dec 2019.
        assert_eq!(p.start(d(2020, 1, 1)), d(2019, 12, 30));
        assert_eq!(p.start(d(2020, 1, 5)), d(2019, 12, 30)); // Sunday
        assert_eq!(p.start(d(2020, 1, 6)), d(2020, 1, 6)); // Monday
        assert_eq!(p.next(d(2019, 12, 31)), d(2020, 1, 6));
        assert_eq!(p.describe(d(2019, 3, 6)), "week of 4 Mar 2019");
    }

    #[test]
    fn a_day_is_itself() {
        let p = Period::Day;
        assert_eq!(p.start(d(2019, 12, 31)), d(2019, 12, 31));
        assert_eq!(p.next(d(2019, 12, 31)), d(2020, 1, 1));
        assert!(!p.contains(d(2019, 3, 4), d(2019, 3, 5)));
        assert_eq!(p.describe(d(2019, 3, 4)), "4 Mar 2019");
    }

    #[test]
    fn names_round_trip() {
        for p in Period::ALL {
            assert_eq!(Period::parse(p.name()), Some(p));
        }
        assert_eq!(Period::parse(" Quarter "), Some(Period::Quarter));
        assert_eq!(Period::parse("fortnight"), None);
        assert_eq!(Period::default(), Period::Month);
    }

    #[test]
    fn data_are_overdue_once_the_next_period_has_ended() {
        let march = d(2019, 3, 1);
        assert!(!Period::Month.overdue(march, d(2019, 4, 30)));
        assert!(Period::Month.overdue(march, d(2019, 5, 1)));
        // Q4 2019's next quarter is Q1 2020, over on 1 April 2020.
        assert!(!Period::Quarter.overdue(d(2019, 10, 1), d(2020, 3, 31)));
        assert!(Period::Quarter.overdue(d(2019, 10, 1), d(2020, 4, 1)));
        // The week of Monday 4 March: the next week ends on Sunday 17 March.
        assert!(!Period::Week.overdue(d(2019, 3, 6), d(2019, 3, 17)));
        assert!(Period::Week.overdue(d(2019, 3, 6), d(2019, 3, 18)));
        assert!(!Period::Day.overdue(d(2019, 3, 4), d(2019, 3, 5)));
        assert!(Period::Day.overdue(d(2019, 3, 4), d(2019, 3, 6)));
    }

    #[test]
    fn a_date_falls_in_the_point_whose_period_contains_it() {
        let months = [d(2017, 9, 1), d(2017, 10, 1), d(2017, 11, 1)];
        let at = |date| locate(&months, Period::Month, date);
        // The bug this pins: 2 Oct 2017 was drawn at November's point.
        assert_eq!(at(d(2017, 10, 2)), Position::At(1));
        assert_eq!(at(d(2017, 10, 1)), Position::At(1));
        assert_eq!(at(d(2017, 9, 30)), Position::At(0));
        assert_eq!(at(d(2017, 11, 30)), Position::At(2));
        assert_eq!(at(d(2017, 12, 1)), Position::After);
        assert_eq!(at(d(2017, 8, 31)), Position::Before);
        assert_eq!(locate(&[], Period::Month, d(2017, 8, 31)), Position::Before);
        // Points dated at the end of their month map the same way.
        let ends = [d(2017, 9, 30), d(2017, 10, 31)];
        assert_eq!(
            locate(&ends, Period::Month, d(2017, 10, 2)),
            Position::At(1)
        );
    }

    #[test]
    fn a_date_in_a_gap_sits_between_its_neighbours() {
        // January and April: February is a third of the way, March two thirds (by days).
        let dates = [d(2019, 1, 1), d(2019, 4, 1)];
        match locate(&dates, Period::Month, d(2019, 2, 10)) {
            Position::Between(0, f) => assert!((f - 31.0 / 90.0).abs() < 1e-9, "{f}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            locate(&dates, Period::Month, d(2019, 3, 5)).point_from(),
            Some(1)
        );
        assert_eq!(Position::At(1).point_from(), Some(1));
        assert_eq!(Position::After.point_from(), None);
    }
}
