//! How a measure's values are shown: a display multiplier (a proportion as a percentage, a
//! rate per 1,000 bed days) and the range a target may take in those units.

use std::fmt;

use gemba_spc::ChartType;

use crate::model::ChartSettings;
use crate::validate::{bounded_number, FieldError};

/// What a measure's stored values are multiplied by to be shown: 1 (as entered), 100 (a
/// proportion as a percentage, or a rate per 100), 1,000, 10,000 or 100,000 (a rate per
/// 1,000 bed days…). Values and denominators are stored raw (3 falls, 830 bed days); the
/// chart, tables, targets and the API show them multiplied (3.61 per 1,000).
///
/// ```
/// use gemba_domain::Multiplier;
/// assert_eq!(Multiplier::parse("1,000").unwrap().get(), 1000);
/// assert!(Multiplier::new(50).is_err());
/// assert_eq!(Multiplier::default().get(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Multiplier(u32);

impl Default for Multiplier {
    fn default() -> Self {
        Multiplier::ONE
    }
}

impl Multiplier {
    /// No multiplier: values are shown as entered.
    pub const ONE: Multiplier = Multiplier(1);
    /// The multipliers a measure may have.
    pub const ALLOWED: [u32; 5] = [1, 100, 1_000, 10_000, 100_000];

    /// One of [`Multiplier::ALLOWED`].
    pub fn new(n: u32) -> Result<Multiplier, FieldError> {
        if Self::ALLOWED.contains(&n) {
            Ok(Multiplier(n))
        } else {
            Err(FieldError::new(
                "multiplier",
                "must be 1 (values as entered), 100 (a percentage, or per 100), 1,000, 10,000 \
                 or 100,000",
            ))
        }
    }

    /// What a new measure shows when nobody chose: a proportion (p, p′ chart) as a
    /// percentage, anything else as entered.
    ///
    /// ```
    /// use gemba_domain::Multiplier;
    /// use gemba_spc::ChartType;
    /// assert_eq!(Multiplier::default_for(ChartType::P).get(), 100);
    /// assert_eq!(Multiplier::default_for(ChartType::U).get(), 1);
    /// ```
    pub fn default_for(chart: ChartType) -> Multiplier {
        match chart {
            ChartType::P | ChartType::PPrime => Multiplier(100),
            _ => Multiplier::ONE,
        }
    }

    /// A multiplier as typed: `1000`, `1,000`; blank is 1.
    pub fn parse(s: &str) -> Result<Multiplier, FieldError> {
        let t: String = s.trim().chars().filter(|c| *c != ',').collect();
        if t.is_empty() {
            return Ok(Multiplier::ONE);
        }
        t.parse::<u32>()
            .map_err(|_| {
                FieldError::new(
                    "multiplier",
                    format!(
                        "'{}' is not one of 1, 100, 1,000, 10,000 or 100,000",
                        s.trim()
                    ),
                )
            })
            .and_then(Multiplier::new)
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The number as a factor.
    pub fn factor(self) -> f64 {
        f64::from(self.0)
    }
}

impl fmt::Display for Multiplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1"),
            100 => f.write_str("100"),
            1_000 => f.write_str("1,000"),
            10_000 => f.write_str("10,000"),
            _ => f.write_str("100,000"),
        }
    }
}

impl ChartSettings {
    /// Whether values are shown as percentages: a multiplier of 100 on a chart of
    /// proportions (p, p′) or of plain values (run, XmR, MR), rather than a rate per 100.
    pub fn shows_percent(&self) -> bool {
        self.multiplier.get() == 100
            && matches!(
                self.chart,
                ChartType::P | ChartType::PPrime | ChartType::Run | ChartType::Xmr | ChartType::Mr
            )
    }

    /// The unit words that follow a shown value: `%`, ` per 1,000`, or nothing.
    pub fn display_suffix(&self) -> String {
        match self.multiplier.get() {
            1 => String::new(),
            100 if self.shows_percent() => "%".into(),
            _ => format!(" per {}", self.multiplier),
        }
    }

    /// A stored value in display units (`0.81` → `81` for a percentage).
    pub fn to_display(&self, raw: f64) -> f64 {
        raw * self.multiplier.factor()
    }

    /// A display value as stored (`81` → `0.81` for a percentage).
    pub fn from_display(&self, shown: f64) -> f64 {
        shown / self.multiplier.factor()
    }
}

/// Whether a chart type may have a multiplier other than 1: charts of proportions, rates and
/// plain values may; counts (c), cases or time between events (g, t) and subgroup charts are
/// shown as they are.
pub fn chart_takes_multiplier(chart: ChartType) -> bool {
    matches!(
        chart,
        ChartType::P
            | ChartType::PPrime
            | ChartType::U
            | ChartType::UPrime
            | ChartType::Run
            | ChartType::Xmr
            | ChartType::Mr
    )
}

/// Checks a measure's chart settings together: the multiplier suits the chart, and the
/// target (in display units) lies within the chart's range — a proportion from 0 to 100 %
/// (0 to 1 without a multiplier), a rate, count or time of zero or more.
///
/// ```
/// use gemba_domain::{check_chart_settings, ChartSettings, Multiplier, Period};
/// use gemba_spc::{ChartType, Improvement};
/// let mut s = ChartSettings {
///     chart: ChartType::P, improvement: Improvement::Decrease, target: Some(5.0),
///     rules: "mdc".into(), rebase: vec![], fix_after: None, period: Period::Month,
///     multiplier: Multiplier::ONE,
/// };
/// assert_eq!(check_chart_settings(&s).unwrap_err().field, "target");
/// s.multiplier = Multiplier::new(100).unwrap();
/// assert!(check_chart_settings(&s).is_ok());
/// ```
pub fn check_chart_settings(s: &ChartSettings) -> Result<(), FieldError> {
    if s.multiplier != Multiplier::ONE && !chart_takes_multiplier(s.chart) {
        return Err(FieldError::new(
            "multiplier",
            format!(
                "a {} shows its values as they are; choose no multiplier",
                s.chart.title()
            ),
        ));
    }
    let Some(t) = s.target else {
        return Ok(());
    };
    bounded_number("target", t)?;
    match s.chart {
        ChartType::P | ChartType::PPrime => {
            let top = s.multiplier.factor();
            if !(0.0..=top).contains(&t) {
                let range = if s.shows_percent() {
                    "a percentage from 0 to 100".to_owned()
                } else if s.multiplier == Multiplier::ONE {
                    "a proportion from 0 to 1 (or show the measure as a percentage)".to_owned()
                } else {
                    format!("from 0 to {} per {}", s.multiplier, s.multiplier)
                };
                return Err(FieldError::new(
                    "target",
                    format!("the target of a proportion must be {range}"),
                ));
            }
        }
        ChartType::U | ChartType::UPrime | ChartType::C | ChartType::G | ChartType::T
            if t < 0.0 =>
        {
            return Err(FieldError::new(
                "target",
                "the target of a rate, count or time between events must be zero or more",
            ));
        }
        _ => {}
    }
    Ok(())
}
