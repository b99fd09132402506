//! The rules every way of entering a measure's data obeys (the one-row form, a paste, a CSV
//! or spreadsheet upload, the API), written once: [`check_entries`] checks rows against the
//! measure's chart and returns what it refuses and what needs the user's confirmation, each
//! naming its row and field. The edges only word them.

use std::fmt;

use chrono::NaiveDate;
use gemba_spc::{ChartType, SpcError};

use crate::chart::measure_chart;
use crate::model::{DataPoint, Measure};
use crate::validate::MAX_MAGNITUDE;

/// One row as entered, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryRow {
    /// The 1-based line of a paste, row of a file or item of an API body (1 for the form).
    pub line: usize,
    /// The date.
    pub date: NaiveDate,
    /// The value (or numerator); `None` for a missing value.
    pub value: Option<f64>,
    /// The value was written with a `%` sign (`6.5%` arrives as 6.5 with this set).
    pub value_percent: bool,
    /// The denominator, when given.
    pub denominator: Option<f64>,
    /// The denominator was written with a `%` sign.
    pub denominator_percent: bool,
}

/// The field of a row a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryField {
    /// The date.
    Date,
    /// The value (or numerator).
    Value,
    /// The denominator.
    Denominator,
}

impl EntryField {
    /// The field's name as forms, files and the API spell it.
    pub fn name(self) -> &'static str {
        match self {
            EntryField::Date => "date",
            EntryField::Value => "value",
            EntryField::Denominator => "denominator",
        }
    }
}

/// Why a row is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryProblem {
    /// The chart needs a denominator and the row has a value without one.
    #[error("the denominator is missing; a {chart} needs the denominator ({label}) on every row with a value")]
    MissingDenominator {
        /// The chart's title.
        chart: &'static str,
        /// What the denominator counts ("bed days"), or "the denominator".
        label: String,
    },
    /// A count is not a whole number.
    #[error("{value} is not a whole number; {what} is a count, so enter a whole number")]
    NotWhole {
        /// The value given.
        value: f64,
        /// What is counted ("the numerator", "the count").
        what: &'static str,
    },
    /// A count or denominator is negative.
    #[error("{value} is negative; it must be zero or more")]
    Negative {
        /// The value given.
        value: f64,
    },
    /// A denominator is zero or negative.
    #[error("the denominator is {value}; a rate or proportion needs a denominator above zero")]
    DenominatorNotPositive {
        /// The value given.
        value: f64,
    },
    /// A time between events is zero or negative.
    #[error("{value} must be greater than zero")]
    NotPositive {
        /// The value given.
        value: f64,
    },
    /// A proportion's numerator is above its denominator.
    #[error("the value {numerator} is larger than its denominator {denominator}; a proportion cannot exceed 1")]
    AboveDenominator {
        /// The numerator.
        numerator: f64,
        /// The denominator.
        denominator: f64,
    },
    /// A value was written as a percentage where the measure cannot take one.
    #[error("{given}% is a percentage; {instead}")]
    Percent {
        /// The number before the `%`.
        given: f64,
        /// What to enter instead.
        instead: &'static str,
    },
    /// A number too large to be a measurement.
    #[error("must be between -1,000,000,000,000,000 and 1,000,000,000,000,000")]
    OutOfRange,
    /// Something else the chart cannot take.
    #[error("{0}")]
    Chart(String),
}

/// One refused row: which line, which field, why.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRefusal {
    /// The row's line.
    pub line: usize,
    /// The field.
    pub field: EntryField,
    /// Why.
    pub problem: EntryProblem,
}

impl fmt::Display for EntryRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, {}: {}",
            self.line,
            self.field.name(),
            self.problem
        )
    }
}

/// Why a row is saved only once the user confirms it.
#[derive(Debug, Clone, PartialEq)]
pub enum DoubtReason {
    /// The date is after today.
    FutureDate {
        /// Today.
        today: NaiveDate,
    },
    /// Another point (saved, or earlier in the same entry) already stands for the period that
    /// contains the date: a monthly measure has one point a month.
    PeriodTaken {
        /// The period, for people ("May 2024").
        period: String,
        /// The date of the point already there.
        other: NaiveDate,
    },
    /// The measure's points are dated on the first day of their period (1 May for May) and
    /// this date is not: it may be meant for another period.
    OffPeriodStart {
        /// The period, for people ("May 2024").
        period: String,
        /// The first day of that period.
        start: NaiveDate,
    },
    /// The number is 10 times the median of the measure's existing ones, or a tenth of it.
    FarFromUsual {
        /// The number entered.
        given: f64,
        /// The median of the measure's existing ones.
        median: f64,
    },
}

/// One row to confirm: which line, which field, why.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDoubt {
    /// The row's line.
    pub line: usize,
    /// The row's date.
    pub date: NaiveDate,
    /// The field.
    pub field: EntryField,
    /// Why.
    pub reason: DoubtReason,
}

impl fmt::Display for EntryDoubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: ", self.line, self.field.name())?;
        match &self.reason {
            DoubtReason::FutureDate { today } => write!(
                f,
                "{} is in the future (today is {})",
                self.date.format("%-d %b %Y"),
                today.format("%-d %b %Y")
            ),
            DoubtReason::PeriodTaken { period, other } => write!(
                f,
                "{period} already has a point, dated {}; this measure has one point per {}",
                other.format("%-d %b %Y"),
                self_period_word(period)
            ),
            DoubtReason::OffPeriodStart { period, start } => write!(
                f,
                "{} is not the first day of {period} ({}), the day this measure's points are dated",
                self.date.format("%-d %b %Y"),
                start.format("%-d %b %Y")
            ),
            DoubtReason::FarFromUsual { given, median } => {
                let how = if given.abs() > median.abs() {
                    "more than 10 times"
                } else {
                    "less than a tenth of"
                };
                write!(
                    f,
                    "{given} is {how} the usual {} ({median}, the median of the saved points)",
                    self.field.name()
                )
            }
        }
    }
}

/// "month" for "May 2024", "quarter" for "Q2 2024", "week" for "week of 6 May 2024", "day"
/// for "6 May 2024".
fn self_period_word(described: &str) -> &'static str {
    if described.starts_with("week of") {
        "week"
    } else if described.starts_with('Q') {
        "quarter"
    } else if described.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        "day"
    } else {
        "month"
    }
}

/// The outcome of [`check_entries`]: the points to save, and what stops them being saved.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryCheck {
    /// The rows as points, in their order (a `6.5%` already turned into 0.065).
    pub points: Vec<DataPoint>,
    /// Rows refused; when there is any, nothing may be saved.
    pub refusals: Vec<EntryRefusal>,
    /// Rows that need the user's confirmation before anything is saved.
    pub doubts: Vec<EntryDoubt>,
}

/// The fewest saved numbers from which a "usual scale" is judged.
const FEWEST_FOR_SCALE: usize = 3;
/// How far from the median (times, or a fraction) a number is doubted.
const SCALE_FACTOR: f64 = 10.0;

/// Checks rows entered for `measure` against its chart, given the points it has already
/// (`existing`, for the usual scale) and `today`.
///
/// Refused (nothing is saved while any row is): a value without a denominator on a chart that
/// needs one (p, p′, u, u′); a count that is not whole or is negative (c values, p and u
/// numerators, g values, p denominators); a zero or negative denominator; a numerator above
/// its denominator (p, p′); a value written with `%` unless the measure shows plain values as
/// a percentage (then `6.5%` is stored as 0.065), a denominator written with `%`; a number
/// beyond [`MAX_MAGNITUDE`]; anything else the chart's engine refuses (a t chart's time of 0).
///
/// Doubted (saved only when the user confirms): a date after `today`; a date whose period
/// (the measure's day, week, month or quarter) already has a point on another date, saved or
/// earlier in the same entry; a date that is not the first day of its period when every saved
/// point is dated on the first day of its period; a value or denominator
/// more than 10 times the median of the measure's saved ones, or less than a tenth of it
/// (judged when at least three are saved, and never for a zero).
///
/// The measure is passed whole so that checks that depend on more of it (its period) can be
/// added here.
///
/// ```
/// use chrono::NaiveDate;
/// use gemba_domain::{check_entries, EntryRow, EntryField};
/// # let measure = gemba_domain::doc_example_measure(gemba_spc::ChartType::C);
/// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let row = EntryRow { line: 1, date: d, value: Some(3.5), value_percent: false,
///     denominator: None, denominator_percent: false };
/// let check = check_entries(&measure, &[row], &[], d);
/// assert_eq!(check.refusals[0].field, EntryField::Value);
/// ```
pub fn check_entries(
    measure: &Measure,
    rows: &[EntryRow],
    existing: &[DataPoint],
    today: NaiveDate,
) -> EntryCheck {
    let mut out = EntryCheck::default();
    let value_median = median(existing.iter().filter_map(|p| p.value));
    let den_median = median(existing.iter().filter_map(|p| p.denominator));
    let period = measure.chart.period;
    // The convention of the saved points: all on the first day of their period.
    let dated_at_start = !existing.is_empty()
        && period != crate::Period::Day
        && existing.iter().all(|p| period.start(p.date) == p.date);
    // The dates standing for each period so far: the saved points, then the rows checked.
    let mut taken: std::collections::HashMap<NaiveDate, NaiveDate> = existing
        .iter()
        .map(|p| (period.start(p.date), p.date))
        .collect();
    for r in rows {
        let before = out.refusals.len();
        let (point, refusals) = check_row(measure, r);
        out.refusals.extend(refusals);
        out.points.push(point);
        if out.refusals.len() > before {
            continue;
        }
        if r.date > today {
            out.doubts.push(EntryDoubt {
                line: r.line,
                date: r.date,
                field: EntryField::Date,
                reason: DoubtReason::FutureDate { today },
            });
        }
        let start = period.start(r.date);
        match taken.get(&start) {
            // Another date already stands for this period (the same date replaces its value).
            Some(other) if *other != r.date => out.doubts.push(EntryDoubt {
                line: r.line,
                date: r.date,
                field: EntryField::Date,
                reason: DoubtReason::PeriodTaken {
                    period: period.describe(r.date),
                    other: *other,
                },
            }),
            Some(_) => {}
            None if dated_at_start && start != r.date => out.doubts.push(EntryDoubt {
                line: r.line,
                date: r.date,
                field: EntryField::Date,
                reason: DoubtReason::OffPeriodStart {
                    period: period.describe(r.date),
                    start,
                },
            }),
            None => {}
        }
        taken.entry(start).or_insert(r.date);
        for (field, x, med) in [
            (EntryField::Value, point.value, value_median),
            (EntryField::Denominator, point.denominator, den_median),
        ] {
            if let (Some(x), Some(med)) = (x, med) {
                if far_from(x, med) {
                    out.doubts.push(EntryDoubt {
                        line: r.line,
                        date: r.date,
                        field,
                        reason: DoubtReason::FarFromUsual {
                            given: x,
                            median: med,
                        },
                    });
                }
            }
        }
    }
    out
}

/// Whether `x` is more than 10 times `median` or less than a tenth of it (in size).
fn far_from(x: f64, median: f64) -> bool {
    let (a, m) = (x.abs(), median.abs());
    a != 0.0 && m != 0.0 && (a > m * SCALE_FACTOR || a < m / SCALE_FACTOR)
}

/// The median of the numbers, when there are at least [`FEWEST_FOR_SCALE`] non-zero ones.
fn median(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = xs.filter(|x| x.is_finite() && *x != 0.0).collect();
    if v.len() < FEWEST_FOR_SCALE {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// One row as a point, and why it is refused.
fn check_row(m: &Measure, r: &EntryRow) -> (DataPoint, Vec<EntryRefusal>) {
    let chart = m.chart.chart;
    let mut problems: Vec<(EntryField, EntryProblem)> = Vec::new();
    let mut value = r.value;
    if let (Some(v), true) = (r.value, r.value_percent) {
        if m.chart.shows_percent() && !chart.needs_denominator() {
            value = Some(v / 100.0);
        } else {
            let instead = if chart.needs_denominator() {
                "enter the count (the numerator) and its denominator; the chart works out the rate or percentage"
            } else if chart == ChartType::Run || chart == ChartType::Xmr || chart == ChartType::Mr {
                "this measure is not shown as a percentage: enter the number without %, or set the measure to show percentages (multiplier 100)"
            } else {
                "this chart counts events or times: enter the number without %"
            };
            problems.push((
                EntryField::Value,
                EntryProblem::Percent { given: v, instead },
            ));
        }
    }
    if let (Some(d), true) = (r.denominator, r.denominator_percent) {
        problems.push((
            EntryField::Denominator,
            EntryProblem::Percent {
                given: d,
                instead: "a denominator is a number of cases, days or doses: enter it without %",
            },
        ));
    }
    let point = DataPoint {
        date: r.date,
        value,
        denominator: r.denominator,
    };
    for (field, x) in [
        (EntryField::Value, value),
        (EntryField::Denominator, r.denominator),
    ] {
        if x.is_some_and(|x| !x.is_finite() || x.abs() > MAX_MAGNITUDE) {
            problems.push((field, EntryProblem::OutOfRange));
        }
    }
    if problems.is_empty() {
        problems = chart_problems(m, &point);
    }
    let refusals = problems
        .into_iter()
        .map(|(field, problem)| EntryRefusal {
            line: r.line,
            field,
            problem,
        })
        .collect();
    (point, refusals)
}

/// What the chart cannot take in one point whose numbers are finite and in range.
fn chart_problems(m: &Measure, p: &DataPoint) -> Vec<(EntryField, EntryProblem)> {
    use EntryField::{Denominator, Value};
    let chart = m.chart.chart;
    let mut out = Vec::new();
    let counted = match chart {
        ChartType::C => Some("the count"),
        ChartType::P | ChartType::PPrime | ChartType::U | ChartType::UPrime => {
            Some("the numerator")
        }
        ChartType::G => Some("the number of cases between events"),
        _ => None,
    };
    if let (Some(v), Some(what)) = (p.value, counted) {
        if v < 0.0 {
            out.push((Value, EntryProblem::Negative { value: v }));
        } else if v.fract() != 0.0 {
            out.push((Value, EntryProblem::NotWhole { value: v, what }));
        }
    }
    if chart.needs_denominator() {
        match p.denominator {
            None if p.value.is_some() => out.push((
                Denominator,
                EntryProblem::MissingDenominator {
                    chart: chart.title(),
                    label: if m.denominator_label.is_empty() {
                        "the denominator".into()
                    } else {
                        m.denominator_label.clone()
                    },
                },
            )),
            Some(d) if d <= 0.0 => out.push((
                Denominator,
                EntryProblem::DenominatorNotPositive { value: d },
            )),
            Some(d) if matches!(chart, ChartType::P | ChartType::PPrime) && d.fract() != 0.0 => {
                out.push((
                    Denominator,
                    EntryProblem::NotWhole {
                        value: d,
                        what: "the denominator of a proportion",
                    },
                ));
            }
            _ => {}
        }
        if let (Some(v), Some(d), true) = (
            p.value,
            p.denominator,
            matches!(chart, ChartType::P | ChartType::PPrime),
        ) {
            if out.is_empty() && v > d {
                out.push((
                    Value,
                    EntryProblem::AboveDenominator {
                        numerator: v,
                        denominator: d,
                    },
                ));
            }
        }
    }
    if out.is_empty() {
        if let Err(e) = measure_chart(m, std::slice::from_ref(p), &[]) {
            if let Some(problem) = engine_problem(&e) {
                out.push(problem);
            }
        }
    }
    out
}

/// An engine error about one point, as a problem with its field; `None` for errors that are
/// not about a point.
fn engine_problem(e: &SpcError) -> Option<(EntryField, EntryProblem)> {
    let field = |f: &str| {
        if f == "denominator" {
            EntryField::Denominator
        } else {
            EntryField::Value
        }
    };
    Some(match e {
        SpcError::Negative {
            field: f, value, ..
        } => (field(f), EntryProblem::Negative { value: *value }),
        SpcError::NotPositive {
            field: f, value, ..
        } => (field(f), EntryProblem::NotPositive { value: *value }),
        SpcError::ZeroDenominator { .. } => (
            EntryField::Denominator,
            EntryProblem::DenominatorNotPositive { value: 0.0 },
        ),
        SpcError::NumeratorAboveDenominator {
            numerator,
            denominator,
            ..
        } => (
            EntryField::Value,
            EntryProblem::AboveDenominator {
                numerator: *numerator,
                denominator: *denominator,
            },
        ),
        SpcError::NotFinite { field: f, .. } => (field(f), EntryProblem::OutOfRange),
        SpcError::MissingDenominator { .. } => (
            EntryField::Denominator,
            EntryProblem::Chart("the denominator is missing".into()),
        ),
        _ => return None,
    })
}

/// A measure for examples and tests: id 1 in project 1, the given chart, no multiplier.
#[doc(hidden)]
pub fn doc_example_measure(chart: ChartType) -> Measure {
    use crate::model::{ChartSettings, MeasureId, MeasureType, ProjectId, Version};
    use crate::units::Multiplier;
    Measure {
        id: MeasureId(1),
        project: ProjectId(1),
        name: "Example".into(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: String::new(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart,
            improvement: gemba_spc::Improvement::Decrease,
            target: None,
            rules: "mdc".into(),
            rebase: Vec::new(),
            fix_after: None,
            period: crate::Period::Month,
            multiplier: Multiplier::ONE,
        },
        version: Version(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Multiplier;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
    }

    fn row(line: usize, d: u32, value: Option<f64>, den: Option<f64>) -> EntryRow {
        EntryRow {
            line,
            date: day(d),
            value,
            value_percent: false,
            denominator: den,
            denominator_percent: false,
        }
    }

    fn refusals(m: &Measure, rows: &[EntryRow]) -> Vec<(usize, EntryField, EntryProblem)> {
        check_entries(m, rows, &[], day(31))
            .refusals
            .into_iter()
            .map(|r| (r.line, r.field, r.problem))
            .collect()
    }

    #[test]
    fn a_rate_or_proportion_needs_its_denominator() {
        let mut m = doc_example_measure(ChartType::U);
        m.denominator_label = "bed days".into();
        let got = refusals(
            &m,
            &[
                row(1, 1, Some(3.0), Some(830.0)),
                row(2, 2, Some(2.0), None),
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 2);
        assert_eq!(got[0].1, EntryField::Denominator);
        assert_eq!(
            got[0].2.to_string(),
            "the denominator is missing; a u chart needs the denominator (bed days) on every row with a value"
        );
        // A missing value needs no denominator: it is a gap.
        assert!(refusals(&m, &[row(1, 1, None, None)]).is_empty());
        let p = doc_example_measure(ChartType::P);
        assert_eq!(refusals(&p, &[row(4, 1, Some(1.0), None)])[0].0, 4);
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        for chart in [ChartType::C, ChartType::G] {
            let m = doc_example_measure(chart);
            let got = refusals(
                &m,
                &[row(1, 1, Some(3.5), None), row(2, 2, Some(-1.0), None)],
            );
            assert_eq!(
                got.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
                [(1, EntryField::Value), (2, EntryField::Value)],
                "{chart:?}"
            );
            assert!(matches!(got[0].2, EntryProblem::NotWhole { value, .. } if value == 3.5));
            assert!(matches!(got[1].2, EntryProblem::Negative { value } if value == -1.0));
        }
        let p = doc_example_measure(ChartType::P);
        let got = refusals(
            &p,
            &[
                row(1, 1, Some(2.5), Some(10.0)),
                row(2, 2, Some(2.0), Some(10.5)),
            ],
        );
        assert_eq!(got[0].1, EntryField::Value);
        assert_eq!(got[1].1, EntryField::Denominator);
        // An XmR chart takes any number.
        let x = doc_example_measure(ChartType::Xmr);
        assert!(refusals(&x, &[row(1, 1, Some(-3.5), None)]).is_empty());
        // A t chart takes fractions of days, but not zero.
        let t = doc_example_measure(ChartType::T);
        assert!(refusals(&t, &[row(1, 1, Some(2.5), None)]).is_empty());
        assert_eq!(
            refusals(&t, &[row(1, 1, Some(0.0), None)])[0].1,
            EntryField::Value
        );
    }

    #[test]
    fn a_numerator_never_exceeds_its_denominator() {
        for chart in [ChartType::P, ChartType::PPrime] {
            let m = doc_example_measure(chart);
            let got = refusals(&m, &[row(3, 1, Some(11.0), Some(10.0))]);
            assert_eq!(
                got,
                [(
                    3,
                    EntryField::Value,
                    EntryProblem::AboveDenominator {
                        numerator: 11.0,
                        denominator: 10.0
                    }
                )]
            );
        }
        // A rate may: 12 falls in 10 bed days is a rate of 1.2.
        assert!(refusals(
            &doc_example_measure(ChartType::U),
            &[row(1, 1, Some(12.0), Some(10.0))]
        )
        .is_empty());
        let zero = refusals(
            &doc_example_measure(ChartType::U),
            &[row(1, 1, Some(1.0), Some(0.0))],
        );
        assert_eq!(zero[0].1, EntryField::Denominator);
    }

    #[test]
    fn a_percent_sign_is_understood_or_refused() {
        let mut m = doc_example_measure(ChartType::Xmr);
        m.chart.multiplier = Multiplier::new(100).unwrap();
        let mut r = row(1, 1, Some(6.5), None);
        r.value_percent = true;
        let c = check_entries(&m, &[r], &[], day(31));
        assert!(c.refusals.is_empty());
        assert_eq!(c.points[0].value, Some(0.065));
        // Not shown as a percentage: refused, never stored as 6.5.
        m.chart.multiplier = Multiplier::ONE;
        let got = refusals(&m, &[r]);
        assert_eq!(got[0].1, EntryField::Value);
        assert!(
            got[0].2.to_string().starts_with("6.5% is a percentage; "),
            "{}",
            got[0].2
        );
        // A p chart's value is a count.
        let mut p = doc_example_measure(ChartType::P);
        p.chart.multiplier = Multiplier::new(100).unwrap();
        let mut r = row(2, 1, Some(6.5), Some(100.0));
        r.value_percent = true;
        assert_eq!(refusals(&p, &[r])[0].0, 2);
        let mut r = row(2, 1, Some(6.0), Some(100.0));
        r.denominator_percent = true;
        assert_eq!(refusals(&p, &[r])[0].1, EntryField::Denominator);
    }

    #[test]
    fn a_future_date_and_an_unusual_scale_need_confirming() {
        // Daily points (one a day, so no two share a period).
        let mut m = doc_example_measure(ChartType::U);
        m.chart.period = crate::Period::Day;
        let existing: Vec<DataPoint> = [0.811, 0.79, 0.83, 0.80]
            .iter()
            .enumerate()
            .map(|(i, d)| DataPoint {
                date: day(1 + i as u32),
                value: Some(2.0),
                denominator: Some(*d),
            })
            .collect();
        // Median of the denominators: (0.80 + 0.811) / 2 = 0.8055; 830 is over 10 times it.
        let c = check_entries(
            &m,
            &[row(1, 10, Some(3.0), Some(830.0))],
            &existing,
            day(31),
        );
        assert!(c.refusals.is_empty());
        assert_eq!(c.doubts.len(), 1);
        assert_eq!(c.doubts[0].field, EntryField::Denominator);
        match c.doubts[0].reason {
            DoubtReason::FarFromUsual { given, median } => {
                assert_eq!(given, 830.0);
                assert!((median - 0.8055).abs() < 1e-12, "{median}");
            }
            ref other => panic!("{other:?}"),
        }
        // 0.7 is within the usual scale; 0.08 is less than a tenth.
        let c = check_entries(&m, &[row(1, 10, Some(3.0), Some(0.7))], &existing, day(31));
        assert!(c.doubts.is_empty());
        let c = check_entries(&m, &[row(1, 10, Some(2.0), Some(0.08))], &existing, day(31));
        assert_eq!(c.doubts.len(), 1);
        // A future date.
        let c = check_entries(&m, &[row(5, 31, Some(3.0), Some(0.8))], &existing, day(30));
        assert_eq!(c.doubts.len(), 1);
        assert_eq!(c.doubts[0].line, 5);
        assert_eq!(c.doubts[0].field, EntryField::Date);
        // Too few saved points to judge a scale.
        let c = check_entries(
            &m,
            &[row(1, 10, Some(3.0), Some(830.0))],
            &existing[..2],
            day(31),
        );
        assert!(c.doubts.is_empty());
    }

    #[test]
    fn medians() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), Some(2.0));
        assert_eq!(median([4.0, 1.0, 2.0, 3.0].into_iter()), Some(2.5));
        assert_eq!(median([0.0, 1.0, 2.0].into_iter()), None);
        assert!(far_from(11.0, 1.0));
        assert!(!far_from(10.0, 1.0));
        assert!(far_from(0.09, 1.0));
        assert!(!far_from(0.0, 1.0));
    }

    /// Issue 10 §2: a date off the measure's period needs confirmation. A monthly measure
    /// whose points are dated on the 1st: 15 Feb 2024 is not the 1st of February, 10 Jan 2024
    /// falls in January, which has its point already (1 Jan), and two rows for March in one
    /// entry doubt the second. 1 Apr 2024 is fine, as is 1 Jan again (it replaces the value).
    #[test]
    fn a_date_off_the_measures_period_needs_confirmation() {
        let m = doc_example_measure(ChartType::Xmr);
        let d = |mo, da| NaiveDate::from_ymd_opt(2024, mo, da).unwrap();
        let saved: Vec<DataPoint> = [d(1, 1)]
            .iter()
            .map(|date| DataPoint {
                date: *date,
                value: Some(4.0),
                denominator: None,
            })
            .collect();
        let r = |line, date| EntryRow {
            line,
            date,
            value: Some(4.0),
            value_percent: false,
            denominator: None,
            denominator_percent: false,
        };
        let rows = [
            r(1, d(2, 15)),
            r(2, d(1, 10)),
            r(3, d(3, 1)),
            r(4, d(3, 20)),
            r(5, d(4, 1)),
            r(6, d(1, 1)),
        ];
        let check = check_entries(&m, &rows, &saved, d(12, 31));
        assert!(check.refusals.is_empty());
        let got: Vec<(usize, String)> = check
            .doubts
            .iter()
            .map(|x| (x.line, x.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    "line 1, date: 15 Feb 2024 is not the first day of Feb 2024 (1 Feb 2024), \
                     the day this measure's points are dated"
                        .to_owned()
                ),
                (
                    2,
                    "line 2, date: Jan 2024 already has a point, dated 1 Jan 2024; this measure \
                     has one point per month"
                        .to_owned()
                ),
                (
                    4,
                    "line 4, date: Mar 2024 already has a point, dated 1 Mar 2024; this measure \
                     has one point per month"
                        .to_owned()
                ),
            ]
        );
        // With no saved points there is no convention yet: only a second row for a period
        // is doubted.
        let check = check_entries(&m, &rows[..2], &[], d(12, 31));
        assert!(check.doubts.is_empty(), "{:?}", check.doubts);
        // A weekly measure: Wednesday 6 Mar 2024 is in the week of Monday 4 Mar.
        let mut w = doc_example_measure(ChartType::Xmr);
        w.chart.period = crate::Period::Week;
        let monday = vec![DataPoint {
            date: d(3, 4),
            value: Some(1.0),
            denominator: None,
        }];
        let check = check_entries(&w, &[r(1, d(3, 6))], &monday, d(12, 31));
        assert_eq!(
            check.doubts[0].to_string(),
            "line 1, date: week of 4 Mar 2024 already has a point, dated 4 Mar 2024; this \
             measure has one point per week"
        );
    }
}
