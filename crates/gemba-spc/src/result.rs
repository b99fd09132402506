//! What the engine returns: one result per point, the icons, the runs analysis and warnings.

use crate::options::{ChartType, Improvement, Rules};

/// The centre line and limits that apply to one point. `None` where a line does not apply
/// (a run chart has no limits) or cannot be computed (one point has no moving range).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Lines {
    /// Centre line (mean, median or pooled proportion).
    pub centre: Option<f64>,
    /// Lower control (process) limit, 3σ.
    pub lcl: Option<f64>,
    /// Upper control (process) limit, 3σ.
    pub ucl: Option<f64>,
    /// Centre − 1σ.
    pub lower_1sigma: Option<f64>,
    /// Centre + 1σ.
    pub upper_1sigma: Option<f64>,
    /// Centre − 2σ.
    pub lower_2sigma: Option<f64>,
    /// Centre + 2σ.
    pub upper_2sigma: Option<f64>,
}

impl Lines {
    /// The lines multiplied by `k` (a display multiplier: 100 for a percentage, 1,000 for a
    /// rate per 1,000).
    pub fn scaled(self, k: f64) -> Lines {
        let m = |x: Option<f64>| x.map(|x| x * k);
        Lines {
            centre: m(self.centre),
            lcl: m(self.lcl),
            ucl: m(self.ucl),
            lower_1sigma: m(self.lower_1sigma),
            upper_1sigma: m(self.upper_1sigma),
            lower_2sigma: m(self.lower_2sigma),
            upper_2sigma: m(self.upper_2sigma),
        }
    }
}

/// Which special-cause rules a point is part of. A point can be part of several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct SpecialCauses {
    /// Beyond a 3σ limit (strictly).
    pub outside_limits: bool,
    /// Part of a run of `shift_length` points on one side of the centre line.
    pub shift: bool,
    /// Part of `trend_length` points all increasing or all decreasing.
    pub trend: bool,
    /// Beyond 2σ in a window where two of three points are beyond 2σ on the same side.
    pub two_in_three: bool,
}

impl SpecialCauses {
    /// Whether any rule fired.
    pub fn any(self) -> bool {
        self.outside_limits || self.shift || self.trend || self.two_in_three
    }

    /// The names of the rules that fired, in the JSON contract's spelling.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        [
            (self.outside_limits, "outside_limits"),
            (self.shift, "shift"),
            (self.trend, "trend"),
            (self.two_in_three, "two_in_three"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
    }
}

/// How a point reads, given the improvement direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum PointVariation {
    /// No rule fired (or the point is missing).
    #[default]
    CommonCause,
    /// A special cause in the better direction.
    SpecialCauseImprovement,
    /// A special cause in the worse direction.
    SpecialCauseConcern,
    /// A special cause where neither direction is better (neutral measures).
    SpecialCauseNeither,
}

impl PointVariation {
    /// `common_cause`, `special_cause_improvement`, `special_cause_concern` or
    /// `special_cause_neither`.
    pub fn name(self) -> &'static str {
        match self {
            PointVariation::CommonCause => "common_cause",
            PointVariation::SpecialCauseImprovement => "special_cause_improvement",
            PointVariation::SpecialCauseConcern => "special_cause_concern",
            PointVariation::SpecialCauseNeither => "special_cause_neither",
        }
    }
}

/// One point of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PointResult {
    /// The plotted value (proportion, rate, subgroup mean…); `None` when missing.
    pub y: Option<f64>,
    /// The denominator or subgroup size, where the chart has one.
    pub n: Option<f64>,
    /// Centre line and limits at this point.
    pub lines: Lines,
    /// Phase number, from 1; a rebase starts a new phase.
    pub phase: usize,
    /// Left out of the centre line and limits by the user.
    pub excluded: bool,
    /// The rules this point is part of.
    pub special_cause: SpecialCauses,
    /// The reading of the point given the improvement direction.
    pub variation: PointVariation,
    /// Direction of the special cause: +1 high/increasing, −1 low/decreasing, 0 none.
    pub direction: i8,
}

/// The MDC variation icon, from the last point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VariationIcon {
    /// Common cause variation.
    CommonCause,
    /// Special cause improvement, high values.
    ImprovementHigh,
    /// Special cause improvement, low values.
    ImprovementLow,
    /// Special cause concern, high values.
    ConcernHigh,
    /// Special cause concern, low values.
    ConcernLow,
    /// Special cause of neither improvement nor concern, high values.
    NeitherHigh,
    /// Special cause of neither improvement nor concern, low values.
    NeitherLow,
}

impl VariationIcon {
    /// Every icon.
    pub const ALL: [VariationIcon; 7] = [
        VariationIcon::CommonCause,
        VariationIcon::ImprovementHigh,
        VariationIcon::ImprovementLow,
        VariationIcon::ConcernHigh,
        VariationIcon::ConcernLow,
        VariationIcon::NeitherHigh,
        VariationIcon::NeitherLow,
    ];

    /// The icon of a [`VariationIcon::name`].
    pub fn parse(name: &str) -> Option<VariationIcon> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }

    /// The JSON contract's spelling.
    pub fn name(self) -> &'static str {
        match self {
            VariationIcon::CommonCause => "common_cause",
            VariationIcon::ImprovementHigh => "improvement_high",
            VariationIcon::ImprovementLow => "improvement_low",
            VariationIcon::ConcernHigh => "concern_high",
            VariationIcon::ConcernLow => "concern_low",
            VariationIcon::NeitherHigh => "neither_high",
            VariationIcon::NeitherLow => "neither_low",
        }
    }

    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            VariationIcon::CommonCause => "Common cause variation",
            VariationIcon::ImprovementHigh => "Special cause improvement (high)",
            VariationIcon::ImprovementLow => "Special cause improvement (low)",
            VariationIcon::ConcernHigh => "Special cause concern (high)",
            VariationIcon::ConcernLow => "Special cause concern (low)",
            VariationIcon::NeitherHigh => "Special cause, neither improvement nor concern (high)",
            VariationIcon::NeitherLow => "Special cause, neither improvement nor concern (low)",
        }
    }
}

/// The MDC assurance icon: can the process be relied on to meet the target?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssuranceIcon {
    /// The target lies outside the limits on the good side: the process will consistently pass.
    Pass,
    /// The target lies outside the limits on the bad side: the process will consistently fail.
    Fail,
    /// The target lies within the limits: the process will sometimes meet it and sometimes not.
    HitAndMiss,
}

impl AssuranceIcon {
    /// Every icon.
    pub const ALL: [AssuranceIcon; 3] = [
        AssuranceIcon::Pass,
        AssuranceIcon::Fail,
        AssuranceIcon::HitAndMiss,
    ];

    /// The icon of an [`AssuranceIcon::name`].
    pub fn parse(name: &str) -> Option<AssuranceIcon> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }

    /// The JSON contract's spelling.
    pub fn name(self) -> &'static str {
        match self {
            AssuranceIcon::Pass => "pass",
            AssuranceIcon::Fail => "fail",
            AssuranceIcon::HitAndMiss => "hit_and_miss",
        }
    }

    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            AssuranceIcon::Pass => "The process will consistently meet the target",
            AssuranceIcon::Fail => "The process will consistently fail to meet the target",
            AssuranceIcon::HitAndMiss => "The process will hit and miss the target",
        }
    }
}

/// Anhøj runs analysis of one phase (qicharts2 `runs.analysis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunsAnalysis {
    /// Points not on the centre line, not missing and not excluded.
    pub useful_points: usize,
    /// Length of the longest run on one side of the centre line.
    pub longest_run: usize,
    /// round(log2 n) + 3: a longer run is a signal.
    pub longest_run_limit: usize,
    /// Number of times consecutive useful points cross the centre line.
    pub crossings: usize,
    /// qbinom(0.05, n − 1, 0.5): fewer crossings are a signal.
    pub crossings_limit: usize,
    /// Whether either rule signals non-random variation.
    pub signal: bool,
}

/// Something the user should know about the result; never an error.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Warning {
    /// A phase has fewer points than the rules need to set trustworthy limits.
    ShortPhase {
        /// Phase number, from 1.
        phase: usize,
        /// Points in the phase.
        points: usize,
        /// The minimum recommended.
        minimum: usize,
    },
    /// The series is too short for the MDC icons to be relied on.
    FewPointsForIcons {
        /// Points in the series.
        points: usize,
        /// The minimum recommended.
        minimum: usize,
    },
    /// Some values are missing; they are shown as gaps and left out of every calculation.
    MissingValues {
        /// How many.
        count: usize,
    },
    /// Every value of a phase is the same, so the limits collapse onto the centre line.
    ConstantPhase {
        /// Phase number, from 1.
        phase: usize,
    },
    /// A phase has no usable values, so it has no centre line or limits.
    EmptyPhase {
        /// Phase number, from 1.
        phase: usize,
    },
    /// The baseline asked for is longer than a phase, so that phase uses all its points.
    BaselineLongerThanPhase {
        /// Phase number, from 1.
        phase: usize,
        /// Baseline length asked for.
        fix_after: usize,
        /// Points in the phase.
        points: usize,
    },
    /// A rebase or exclusion referred to a point that does not exist.
    IgnoredIndex {
        /// Which option.
        option: &'static str,
        /// The 0-based index given.
        index: usize,
    },
}

impl Warning {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::ShortPhase { .. } => "short_phase",
            Warning::FewPointsForIcons { .. } => "few_points_for_icons",
            Warning::MissingValues { .. } => "missing_values",
            Warning::ConstantPhase { .. } => "constant_phase",
            Warning::EmptyPhase { .. } => "empty_phase",
            Warning::BaselineLongerThanPhase { .. } => "baseline_longer_than_phase",
            Warning::IgnoredIndex { .. } => "ignored_index",
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::ShortPhase { phase, points, minimum } => write!(
                f,
                "phase {phase} has {}; limits from fewer than {minimum} points are trial limits, not to be trusted yet",
                plural(*points, "point")
            ),
            Warning::FewPointsForIcons { points, minimum } => write!(
                f,
                "the series has {}; the variation and assurance icons need at least {minimum} to be relied on",
                plural(*points, "point")
            ),
            Warning::MissingValues { count } => write!(
                f,
                "{} shown as gaps and left out of the calculations",
                if *count == 1 {
                    "1 missing value is".to_string()
                } else {
                    format!("{count} missing values are")
                }
            ),
            Warning::ConstantPhase { phase } => write!(
                f,
                "every value in phase {phase} is the same, so there is no variation to judge"
            ),
            Warning::EmptyPhase { phase } => {
                write!(f, "phase {phase} has no usable values, so it has no limits")
            }
            Warning::BaselineLongerThanPhase { phase, fix_after, points } => write!(
                f,
                "the baseline of {fix_after} points is longer than phase {phase} ({points} points), so the whole phase is used"
            ),
            Warning::IgnoredIndex { option, index } => write!(
                f,
                "{option} refers to point {} which is not in the series; it was ignored",
                index + 1
            ),
        }
    }
}

/// `1 point`, `2 points`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The full result of one chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartResult {
    /// The chart type.
    pub chart: ChartType,
    /// The improvement direction used.
    pub improvement: Improvement,
    /// The target, if any.
    pub target: Option<f64>,
    /// The rules used.
    pub rules: Rules,
    /// One result per input point, in input order.
    pub points: Vec<PointResult>,
    /// The variation icon from the last non-missing point; `None` if there is no such point.
    pub variation_icon: Option<VariationIcon>,
    /// The assurance icon; `None` without a target, with a neutral direction, or on a chart
    /// without limits.
    pub assurance_icon: Option<AssuranceIcon>,
    /// Runs analysis of the last phase; `None` for the MR chart.
    pub runs: Option<RunsAnalysis>,
    /// Things the user should know.
    pub warnings: Vec<Warning>,
}

impl ChartResult {
    /// The result in display units: every plotted value, line and the target multiplied by
    /// `k` (100 shows proportions as percentages, 1,000 shows a rate per 1,000). Readings,
    /// icons and warnings do not change with the scale, so they are kept as they are. A `k`
    /// that is not finite and positive leaves the result unchanged.
    ///
    /// ```
    /// use gemba_spc::{analyse, ChartOptions, ChartType, Data};
    /// let d = [Some(3.0), Some(5.0)];
    /// let n = [Some(830.0), Some(1000.0)];
    /// let r = analyse(Data::Ratios { numerators: &d, denominators: &n }, &ChartOptions::new(ChartType::U))?;
    /// let per_1000 = r.scaled(1000.0);
    /// assert!((per_1000.points[1].y.unwrap() - 5.0).abs() < 1e-12);
    /// # Ok::<(), gemba_spc::SpcError>(())
    /// ```
    pub fn scaled(mut self, k: f64) -> ChartResult {
        if !(k.is_finite() && k > 0.0) || k == 1.0 {
            return self;
        }
        for p in &mut self.points {
            p.y = p.y.map(|y| y * k);
            p.lines = p.lines.scaled(k);
        }
        self.target = self.target.map(|t| t * k);
        self
    }
}
