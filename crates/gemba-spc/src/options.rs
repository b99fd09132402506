//! What to compute: the chart type, the improvement direction, the rule profile and phases.

use std::fmt;
use std::str::FromStr;

use crate::error::SpcError;

/// The kind of chart, named as qicharts2 and NHS *Making Data Count* name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ChartType {
    /// Run chart: values around their median, judged with the Anhøj (or IHI) run rules.
    Run,
    /// XmR (I-MR) individuals chart: mean ± 2.66 × mean moving range (MDC default).
    #[default]
    Xmr,
    /// Moving-range chart: |y_i − y_{i−1}| with UCL = 3.267 × MR̄.
    Mr,
    /// p chart: proportions d/n with binomial limits p̄ ± 3 √(p̄(1−p̄)/n).
    P,
    /// p′ chart (Laney): p chart limits widened or narrowed by σ_z.
    PPrime,
    /// u chart: rates d/n with Poisson limits ū ± 3 √(ū/n).
    U,
    /// u′ chart (Laney): u chart limits scaled by σ_z.
    UPrime,
    /// c chart: counts with limits c̄ ± 3 √c̄.
    C,
    /// g chart: opportunities (cases, days) between rare events; geometric limits.
    G,
    /// t chart: time between rare events; I chart on y^(1/3.6), back-transformed.
    T,
    /// Xbar chart with limits from the mean (or pooled) subgroup standard deviation.
    XbarS,
    /// Xbar chart with limits from the mean subgroup range (A2 × R̄).
    XbarR,
    /// S chart: subgroup standard deviations.
    S,
    /// R chart: subgroup ranges.
    R,
}

impl ChartType {
    /// Every chart type, in the order the CLI lists them.
    pub const ALL: [ChartType; 14] = [
        ChartType::Run,
        ChartType::Xmr,
        ChartType::Mr,
        ChartType::P,
        ChartType::PPrime,
        ChartType::U,
        ChartType::UPrime,
        ChartType::C,
        ChartType::G,
        ChartType::T,
        ChartType::XbarS,
        ChartType::XbarR,
        ChartType::S,
        ChartType::R,
    ];

    /// The short name used in files, the CLI and the JSON contract (`xmr`, `pp`, `xbar_s`…).
    pub fn name(self) -> &'static str {
        match self {
            ChartType::Run => "run",
            ChartType::Xmr => "xmr",
            ChartType::Mr => "mr",
            ChartType::P => "p",
            ChartType::PPrime => "pp",
            ChartType::U => "u",
            ChartType::UPrime => "up",
            ChartType::C => "c",
            ChartType::G => "g",
            ChartType::T => "t",
            ChartType::XbarS => "xbar_s",
            ChartType::XbarR => "xbar_r",
            ChartType::S => "s",
            ChartType::R => "r",
        }
    }

    /// A title for people: "XmR chart", "p′ chart (Laney)"…
    pub fn title(self) -> &'static str {
        match self {
            ChartType::Run => "Run chart",
            ChartType::Xmr => "XmR chart",
            ChartType::Mr => "Moving range chart",
            ChartType::P => "p chart",
            ChartType::PPrime => "p′ chart (Laney)",
            ChartType::U => "u chart",
            ChartType::UPrime => "u′ chart (Laney)",
            ChartType::C => "c chart",
            ChartType::G => "g chart",
            ChartType::T => "t chart",
            ChartType::XbarS => "Xbar chart (S)",
            ChartType::XbarR => "Xbar chart (R)",
            ChartType::S => "S chart",
            ChartType::R => "R chart",
        }
    }

    /// Whether the chart needs a denominator for every point (p, p′, u, u′).
    pub fn needs_denominator(self) -> bool {
        matches!(
            self,
            ChartType::P | ChartType::PPrime | ChartType::U | ChartType::UPrime
        )
    }

    /// Whether the chart is drawn from subgroups of raw measurements (Xbar, S, R).
    pub fn uses_subgroups(self) -> bool {
        matches!(
            self,
            ChartType::XbarS | ChartType::XbarR | ChartType::S | ChartType::R
        )
    }

    /// Whether the chart has control limits (every chart except the run chart).
    pub fn has_limits(self) -> bool {
        self != ChartType::Run
    }
}

impl fmt::Display for ChartType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ChartType {
    type Err = SpcError;

    /// Accepts the short names and common spellings: `i`, `imr`, `xmr`, `p'`, `pprime`, `xbar`…
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        let chart = match key.as_str() {
            "run" => ChartType::Run,
            "xmr" | "i" | "imr" | "individuals" => ChartType::Xmr,
            "mr" => ChartType::Mr,
            "p" => ChartType::P,
            "pp" | "p'" | "p′" | "pprime" | "laneyp" => ChartType::PPrime,
            "u" => ChartType::U,
            "up" | "u'" | "u′" | "uprime" | "laneyu" => ChartType::UPrime,
            "c" => ChartType::C,
            "g" => ChartType::G,
            "t" => ChartType::T,
            "xbar" | "xbars" => ChartType::XbarS,
            "xbarr" => ChartType::XbarR,
            "s" => ChartType::S,
            "r" => ChartType::R,
            _ => {
                return Err(SpcError::UnknownName {
                    what: "chart type",
                    given: s.to_string(),
                    expected: "run, xmr, mr, p, pp, u, up, c, g, t, xbar_s, xbar_r, s, r",
                })
            }
        };
        Ok(chart)
    }
}

/// Which way is better for the measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Improvement {
    /// Higher is better (for example 4-hour performance).
    #[default]
    Increase,
    /// Lower is better (for example falls per 1,000 bed days).
    Decrease,
    /// Neither direction is better: special causes are "neither".
    Neutral,
}

impl Improvement {
    /// `increase`, `decrease` or `neutral`.
    pub fn name(self) -> &'static str {
        match self {
            Improvement::Increase => "increase",
            Improvement::Decrease => "decrease",
            Improvement::Neutral => "neutral",
        }
    }

    /// The opposite direction (neutral stays neutral).
    pub fn reversed(self) -> Self {
        match self {
            Improvement::Increase => Improvement::Decrease,
            Improvement::Decrease => Improvement::Increase,
            Improvement::Neutral => Improvement::Neutral,
        }
    }
}

impl FromStr for Improvement {
    type Err = SpcError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "increase" | "up" | "higher" | "higher_is_better" => Ok(Improvement::Increase),
            "decrease" | "down" | "lower" | "lower_is_better" => Ok(Improvement::Decrease),
            "neutral" | "none" => Ok(Improvement::Neutral),
            _ => Err(SpcError::UnknownName {
                what: "improvement direction",
                given: s.to_string(),
                expected: "increase, decrease, neutral",
            }),
        }
    }
}

/// How points lying exactly on the centre line affect a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCentre {
    /// A point on the centre line ends the run (NHSRplotthedots, Power BI).
    Break,
    /// A point on the centre line is skipped: it neither counts nor breaks (IHI convention).
    Skip,
}

/// How two equal consecutive values affect a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendTies {
    /// An unchanged value ends the trend (NHSRplotthedots, Power BI).
    Break,
    /// An unchanged value is skipped: it neither counts nor breaks (IHI convention).
    Skip,
}

/// Which direction a point of a trend reads when it belongs to two trends, or ends one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendDirection {
    /// A point whose next point is also in a trend takes the direction of the step to that
    /// point, else of the step from the one before; an unchanged step reads as decreasing
    /// (NHSRplotthedots 0.2.2).
    StepToNext,
    /// Every window of `trend_length` points that trends labels all its points with its own
    /// direction, later windows over earlier ones (the Power BI SPC visual): a point that ends
    /// one trend keeps that trend's direction unless a later trend window contains it.
    Window,
}

/// How a missing value affects the moving ranges (XmR, MR, p′, u′ and t charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingValues {
    /// A missing value breaks the moving ranges: no range is taken across it
    /// (NHSRplotthedots, qicharts2).
    Gap,
    /// A missing value's row is dropped, so the moving range is taken across it, between the
    /// points either side (the Power BI SPC visual, which drops blank rows).
    Dropped,
}

/// Which points count towards "two out of three beyond 2σ".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoInThree {
    /// The rule is off.
    Off,
    /// Points strictly beyond a 2σ line but not beyond the 3σ limit (NHSRplotthedots 0.2.2).
    Between2And3Sigma,
    /// Every point strictly beyond a 2σ line, including those beyond 3σ (MDC since Nov 2023,
    /// Power BI).
    Beyond2Sigma,
}

/// The multiplier of the mean moving range for XmR limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmrConstant {
    /// 2.66 exactly, as NHSRplotthedots and the MDC tools use it.
    Rounded,
    /// 3 / 1.128 = 2.659574…, as qicharts2 and Power BI use it.
    Exact,
}

impl XmrConstant {
    /// The multiplier E2 of MR̄ for the 3σ limits.
    pub fn value(self) -> f64 {
        match self {
            XmrConstant::Rounded => 2.66,
            XmrConstant::Exact => 3.0 / 1.128,
        }
    }
}

/// Rules applied to run charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunChartRules {
    /// Anhøj rules: longest run > round(log2 n) + 3 or crossings < qbinom(0.05, n − 1, 0.5)
    /// (qicharts2). Points are not flagged; the whole series signals.
    Anhoej,
    /// IHI rules (Perla, Provost & Murray 2011): shift of 6 and trend of 5, skipping points on
    /// the median and ties; flagged points are marked `shift` / `trend`.
    Ihi,
}

/// Every rule choice on which the reference tools differ, with named profiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Short name of the profile these rules came from (`mdc`, `powerbi` or `custom`).
    pub profile: &'static str,
    /// Multiplier of MR̄ for XmR limits.
    pub xmr_constant: XmrConstant,
    /// Remove moving ranges ≥ 3.267 × MR̄ before computing the limits (once, not iterated).
    pub screen_moving_ranges: bool,
    /// Points in a row on one side of the centre line that make a shift (0 = rule off).
    pub shift_length: usize,
    /// How a point on the centre line affects a shift.
    pub on_centre: OnCentre,
    /// Points in a row all increasing or all decreasing that make a trend (0 = rule off).
    pub trend_length: usize,
    /// How equal consecutive values affect a trend.
    pub trend_ties: TrendTies,
    /// Which points count for "two of three beyond 2σ".
    pub two_in_three: TwoInThree,
    /// Whether all three points of a two-in-three window must be on the same side of the
    /// centre line (NHSRplotthedots: yes; Power BI: no).
    pub two_in_three_same_side: bool,
    /// Whether a point beyond 2σ on the other side of the centre line cancels one in the
    /// window (Power BI: the window signals when the sum of its signs, +1 beyond the upper 2σ
    /// line and −1 beyond the lower, is at least 2 in size).
    pub two_in_three_opposite_cancels: bool,
    /// Which direction a point at the junction of two trends reads.
    pub trend_direction: TrendDirection,
    /// Whether moving ranges bridge missing values.
    pub missing_values: MissingValues,
    /// Rules for run charts.
    pub run_chart_rules: RunChartRules,
    /// A phase with fewer points than this gets a "too short to trust" warning.
    pub min_points_for_limits: usize,
    /// Fewer points than this in the series gets a warning that the icons are not yet reliable.
    pub min_points_for_icons: usize,
}

impl Rules {
    /// NHS *Making Data Count* as NHSRplotthedots 0.2.2 computes it (the default).
    pub const MDC: Rules = Rules {
        profile: "mdc",
        xmr_constant: XmrConstant::Rounded,
        screen_moving_ranges: true,
        shift_length: 7,
        on_centre: OnCentre::Break,
        trend_length: 7,
        trend_ties: TrendTies::Break,
        two_in_three: TwoInThree::Between2And3Sigma,
        two_in_three_same_side: true,
        two_in_three_opposite_cancels: false,
        trend_direction: TrendDirection::StepToNext,
        missing_values: MissingValues::Gap,
        run_chart_rules: RunChartRules::Anhoej,
        min_points_for_limits: 12,
        min_points_for_icons: 15,
    };

    /// The Power BI SPC visual (AUS-DOH-Safety-and-Quality/PowerBI-SPC, version 1.7.4.28) with
    /// its outlier rules switched on as the NHS uses them (the visual has every rule off by
    /// default): limits at 3/1.128 × MR̄ with moving ranges screened, astronomical points
    /// beyond 3σ, a shift of 7, a trend of 5 (each window labels its own points), two in three
    /// beyond 2σ counting points beyond 3σ, with no same-side requirement and opposite-side
    /// points cancelling; blank rows dropped, so moving ranges bridge missing values.
    pub const POWERBI: Rules = Rules {
        profile: "powerbi",
        xmr_constant: XmrConstant::Exact,
        screen_moving_ranges: true,
        shift_length: 7,
        on_centre: OnCentre::Break,
        trend_length: 5,
        trend_ties: TrendTies::Break,
        two_in_three: TwoInThree::Beyond2Sigma,
        two_in_three_same_side: false,
        two_in_three_opposite_cancels: true,
        trend_direction: TrendDirection::Window,
        missing_values: MissingValues::Dropped,
        run_chart_rules: RunChartRules::Anhoej,
        min_points_for_limits: 12,
        min_points_for_icons: 15,
    };

    /// qicharts2 0.8.1 (Anhøj) with `qic.screenedmr = TRUE`, as `library(qicharts2)` sets it:
    /// I-chart limits at 3/1.128 × MR̄ with moving ranges screened; a point signals only
    /// beyond the 3σ limits (qicharts2's `sigma.signal`); no shift, trend or two-in-three
    /// rules, since qicharts2 judges runs around the centre line with the Anhøj rules instead
    /// (reported for every chart but the MR chart); missing values break the moving ranges.
    pub const QIC: Rules = Rules {
        profile: "qic",
        xmr_constant: XmrConstant::Exact,
        screen_moving_ranges: true,
        shift_length: 0,
        on_centre: OnCentre::Break,
        trend_length: 0,
        trend_ties: TrendTies::Break,
        two_in_three: TwoInThree::Off,
        two_in_three_same_side: true,
        two_in_three_opposite_cancels: false,
        trend_direction: TrendDirection::StepToNext,
        missing_values: MissingValues::Gap,
        run_chart_rules: RunChartRules::Anhoej,
        min_points_for_limits: 12,
        min_points_for_icons: 15,
    };

    /// The names of the profiles, as [`Rules::profile`] takes them.
    pub const PROFILE_NAMES: [&'static str; 3] = ["mdc", "powerbi", "qic"];

    /// The named profile: `mdc`, `powerbi` or `qic`.
    pub fn profile(name: &str) -> Result<Rules, SpcError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "mdc" | "nhsrplotthedots" | "ptd" => Ok(Rules::MDC),
            "powerbi" | "power-bi" | "pbi" => Ok(Rules::POWERBI),
            "qic" | "qicharts2" => Ok(Rules::QIC),
            _ => Err(SpcError::UnknownName {
                what: "rule profile",
                given: name.to_string(),
                expected: "mdc, powerbi, qic",
            }),
        }
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::MDC
    }
}

/// Everything the engine needs besides the data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartOptions {
    /// The chart to draw.
    pub chart: ChartType,
    /// Which direction is better.
    pub improvement: Improvement,
    /// Target for the assurance icon.
    pub target: Option<f64>,
    /// Rule profile and choices.
    pub rules: Rules,
    /// Indices (0-based) of the points that start a new phase (rebase): limits are recomputed
    /// from each of them. Index 0 and out-of-range indices have no effect.
    pub phase_starts: Vec<usize>,
    /// Compute the limits of each phase from its first N points only (baseline), then extend
    /// them to the rest of the phase.
    pub fix_after: Option<usize>,
    /// Indices (0-based) of points left out of the centre line and limits (still plotted and
    /// judged against the limits; left out of the runs analysis).
    pub excluded: Vec<usize>,
}

impl ChartOptions {
    /// Options for `chart` with every other choice at its default (MDC rules, increase).
    pub fn new(chart: ChartType) -> Self {
        ChartOptions {
            chart,
            ..ChartOptions::default()
        }
    }
}
