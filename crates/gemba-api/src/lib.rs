//! Gemba's JSON contract, version 1: the shape of chart and funnel results that the CLI
//! prints, the web API serves and tests read. The schema is `docs/schema/*.schema.json`.
//!
//! Only this crate derives `Serialize`; the engine's types stay free of serde. The DTOs borrow
//! from the engine's results, so writing a large file allocates little.

pub mod accounts;
pub mod assessment;
pub mod for_you;
pub mod ideas;
pub mod involvement;
pub mod progress;
pub mod report;
pub mod spread;
pub mod training;
pub mod value;
pub mod workspace;

use gemba_spc::funnel::{FunnelGroup, FunnelLimits, FunnelResult, FunnelType, SrMethod};
use gemba_spc::{
    ChartResult, MissingValues, OnCentre, PointResult, Rules, RunChartRules, RunsAnalysis,
    SpecialCauses, TrendDirection, TrendTies, TwoInThree, Warning, XmrConstant,
};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

/// The version of this contract, written into every document.
pub const CONTRACT_VERSION: &str = "1";

/// `{"series": [...]}`: the result of `gemba chart`.
#[derive(Debug, Serialize)]
pub struct ChartDocument<'a> {
    /// Contract version.
    pub version: &'static str,
    /// One entry per series, in input order.
    pub series: Vec<SeriesJson<'a>>,
}

/// One chart.
#[derive(Debug, Serialize)]
pub struct SeriesJson<'a> {
    /// The series key ("" when the input had no series column).
    pub id: &'a str,
    /// Chart type (`xmr`, `p`, …).
    pub chart: &'static str,
    /// `increase`, `decrease` or `neutral`.
    pub improvement: &'static str,
    /// The target, or null.
    pub target: Option<f64>,
    /// The rule settings used.
    pub rules: RulesJson,
    /// One entry per point.
    pub points: Vec<PointJson<'a>>,
    /// Variation icon from the last point, or null when there are no values.
    pub variation_icon: Option<&'static str>,
    /// `pass`, `fail`, `hit_and_miss` or null.
    pub assurance_icon: Option<&'static str>,
    /// Anhøj runs analysis of the last phase, or null (MR chart).
    pub runs: Option<RunsJson>,
    /// Things the user should know.
    pub warnings: Vec<WarningJson>,
}

/// The rule settings, so a reader can tell which profile produced the result.
#[derive(Debug, Serialize)]
pub struct RulesJson {
    /// `mdc`, `powerbi`, `qic` or `custom`.
    pub profile: &'static str,
    /// Multiplier of MR̄ for XmR limits (2.66 or 3/1.128).
    pub xmr_constant: f64,
    /// Moving-range screening on or off.
    pub screen_moving_ranges: bool,
    /// Points that make a shift.
    pub shift_length: usize,
    /// Points that make a trend.
    pub trend_length: usize,
    /// `break` or `skip`.
    pub points_on_centre: &'static str,
    /// `break` or `skip`.
    pub trend_ties: &'static str,
    /// `off`, `between_2_and_3_sigma` or `beyond_2_sigma`.
    pub two_in_three: &'static str,
    /// Whether all three points must be on one side.
    pub two_in_three_same_side: bool,
    /// Whether a point beyond 2σ on the other side cancels one in the window (Power BI).
    pub two_in_three_opposite_cancels: bool,
    /// `step_to_next` (NHSRplotthedots) or `window` (Power BI): how a point that ends one
    /// trend and starts another reads.
    pub trend_direction: &'static str,
    /// `gap` (a missing value breaks the moving ranges) or `dropped` (the moving range is
    /// taken across it).
    pub missing_values: &'static str,
    /// `anhoej` or `ihi`.
    pub run_chart_rules: &'static str,
}

impl From<&Rules> for RulesJson {
    fn from(r: &Rules) -> Self {
        let break_or_skip = |b: bool| if b { "break" } else { "skip" };
        RulesJson {
            profile: r.profile,
            xmr_constant: match r.xmr_constant {
                XmrConstant::Rounded => 2.66,
                XmrConstant::Exact => 3.0 / 1.128,
            },
            screen_moving_ranges: r.screen_moving_ranges,
            shift_length: r.shift_length,
            trend_length: r.trend_length,
            points_on_centre: break_or_skip(r.on_centre == OnCentre::Break),
            trend_ties: break_or_skip(r.trend_ties == TrendTies::Break),
            two_in_three: match r.two_in_three {
                TwoInThree::Off => "off",
                TwoInThree::Between2And3Sigma => "between_2_and_3_sigma",
                TwoInThree::Beyond2Sigma => "beyond_2_sigma",
            },
            two_in_three_same_side: r.two_in_three_same_side,
            two_in_three_opposite_cancels: r.two_in_three_opposite_cancels,
            trend_direction: match r.trend_direction {
                TrendDirection::StepToNext => "step_to_next",
                TrendDirection::Window => "window",
            },
            missing_values: match r.missing_values {
                MissingValues::Gap => "gap",
                MissingValues::Dropped => "dropped",
            },
            run_chart_rules: match r.run_chart_rules {
                RunChartRules::Anhoej => "anhoej",
                RunChartRules::Ihi => "ihi",
            },
        }
    }
}

/// One point.
#[derive(Debug, Serialize)]
pub struct PointJson<'a> {
    /// The x label (date, ISO 8601).
    pub x: &'a str,
    /// Plotted value, or null when missing.
    pub y: Option<f64>,
    /// Denominator or subgroup size, or null.
    pub n: Option<f64>,
    /// Centre line.
    pub centre: Option<f64>,
    /// Lower control limit (3σ).
    pub lcl: Option<f64>,
    /// Upper control limit (3σ).
    pub ucl: Option<f64>,
    /// Centre − 1σ.
    pub lower_1sigma: Option<f64>,
    /// Centre + 1σ.
    pub upper_1sigma: Option<f64>,
    /// Centre − 2σ.
    pub lower_2sigma: Option<f64>,
    /// Centre + 2σ.
    pub upper_2sigma: Option<f64>,
    /// Phase number from 1.
    pub phase: usize,
    /// Left out of the limits by the user.
    pub excluded: bool,
    /// Rules the point is part of.
    pub special_cause: SpecialCauseList,
    /// The point's reading.
    pub variation: &'static str,
}

/// Serialises [`SpecialCauses`] as a list of rule names without allocating.
#[derive(Debug, Clone, Copy)]
pub struct SpecialCauseList(pub SpecialCauses);

impl Serialize for SpecialCauseList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for name in self.0.names() {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

/// Anhøj runs analysis.
#[derive(Debug, Serialize)]
pub struct RunsJson {
    /// Points not on the centre line.
    pub useful_points: usize,
    /// Longest run on one side.
    pub longest_run: usize,
    /// A longer run is a signal.
    pub longest_run_limit: usize,
    /// Crossings of the centre line.
    pub crossings: usize,
    /// Fewer crossings are a signal.
    pub crossings_limit: usize,
    /// Non-random variation.
    pub signal: bool,
}

impl From<&RunsAnalysis> for RunsJson {
    fn from(r: &RunsAnalysis) -> Self {
        RunsJson {
            useful_points: r.useful_points,
            longest_run: r.longest_run,
            longest_run_limit: r.longest_run_limit,
            crossings: r.crossings,
            crossings_limit: r.crossings_limit,
            signal: r.signal,
        }
    }
}

/// A warning: a stable code and a sentence.
#[derive(Debug, Serialize)]
pub struct WarningJson {
    /// Machine-readable code.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl From<&Warning> for WarningJson {
    fn from(w: &Warning) -> Self {
        WarningJson {
            code: w.code(),
            message: w.to_string(),
        }
    }
}

fn point_json<'a>(x: &'a str, p: &PointResult) -> PointJson<'a> {
    let l = p.lines;
    PointJson {
        x,
        y: p.y,
        n: p.n,
        centre: l.centre,
        lcl: l.lcl,
        ucl: l.ucl,
        lower_1sigma: l.lower_1sigma,
        upper_1sigma: l.upper_1sigma,
        lower_2sigma: l.lower_2sigma,
        upper_2sigma: l.upper_2sigma,
        phase: p.phase,
        excluded: p.excluded,
        special_cause: SpecialCauseList(p.special_cause),
        variation: p.variation.name(),
    }
}

impl<'a> SeriesJson<'a> {
    /// The JSON view of one chart; `x` holds one label per point (same order as the points).
    pub fn new(id: &'a str, x: &'a [String], result: &'a ChartResult) -> Self {
        SeriesJson {
            id,
            chart: result.chart.name(),
            improvement: result.improvement.name(),
            target: result.target,
            rules: RulesJson::from(&result.rules),
            points: result
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| point_json(x.get(i).map_or("", String::as_str), p))
                .collect(),
            variation_icon: result.variation_icon.map(|v| v.name()),
            assurance_icon: result.assurance_icon.map(|a| a.name()),
            runs: result.runs.as_ref().map(RunsJson::from),
            warnings: result.warnings.iter().map(WarningJson::from).collect(),
        }
    }
}

/// The result of `gemba funnel`.
#[derive(Debug, Serialize)]
pub struct FunnelDocument<'a> {
    /// Contract version.
    pub version: &'static str,
    /// `pr`, `sr` or `rc`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `shmi` or `cqc` for standardised ratios, else null.
    pub sr_method: Option<&'static str>,
    /// Centre line.
    pub target: f64,
    /// Dispersion ratio φ.
    pub phi: f64,
    /// Between-group variance τ².
    pub tau2: f64,
    /// Whether the limits were widened for overdispersion.
    pub overdispersion_used: bool,
    /// One entry per group.
    pub groups: Vec<FunnelGroupJson<'a>>,
    /// Limits along the denominator axis, for drawing.
    pub limits: Vec<FunnelLimitsJson>,
}

/// One group of a funnel plot.
#[derive(Debug, Serialize)]
pub struct FunnelGroupJson<'a> {
    /// Group name.
    pub group: &'a str,
    /// Observed events.
    pub numerator: f64,
    /// Cases or expected events.
    pub denominator: f64,
    /// numerator / denominator × multiplier.
    pub value: f64,
    /// z-score.
    pub z: f64,
    /// `high`, `low` or `none` against the 95% limits.
    pub flag_95: &'static str,
    /// `high`, `low` or `none` against the 99.8% limits.
    pub flag_998: &'static str,
    /// 95% lower limit.
    pub lower_95: f64,
    /// 95% upper limit.
    pub upper_95: f64,
    /// 99.8% lower limit.
    pub lower_998: f64,
    /// 99.8% upper limit.
    pub upper_998: f64,
}

/// Limits at one denominator.
#[derive(Debug, Serialize)]
pub struct FunnelLimitsJson {
    /// The denominator.
    pub denominator: f64,
    /// 95% lower limit.
    pub lower_95: f64,
    /// 95% upper limit.
    pub upper_95: f64,
    /// 99.8% lower limit.
    pub lower_998: f64,
    /// 99.8% upper limit.
    pub upper_998: f64,
}

fn group_json<'a>(name: &'a str, g: &FunnelGroup) -> FunnelGroupJson<'a> {
    FunnelGroupJson {
        group: name,
        numerator: g.numerator,
        denominator: g.denominator,
        value: g.value,
        z: g.z,
        flag_95: g.flag_95.name(),
        flag_998: g.flag_998.name(),
        lower_95: g.lower_95,
        upper_95: g.upper_95,
        lower_998: g.lower_998,
        upper_998: g.upper_998,
    }
}

fn limits_json(l: &FunnelLimits) -> FunnelLimitsJson {
    FunnelLimitsJson {
        denominator: l.denominator,
        lower_95: l.lower_95,
        upper_95: l.upper_95,
        lower_998: l.lower_998,
        upper_998: l.upper_998,
    }
}

impl<'a> FunnelDocument<'a> {
    /// The JSON view of a funnel plot; `groups` names the groups in result order.
    pub fn new(
        kind: FunnelType,
        sr_method: SrMethod,
        groups: &'a [String],
        result: &'a FunnelResult,
    ) -> Self {
        FunnelDocument {
            version: CONTRACT_VERSION,
            kind: match kind {
                FunnelType::Proportion => "pr",
                FunnelType::StandardisedRatio => "sr",
                FunnelType::RatioOfCounts => "rc",
            },
            sr_method: (kind == FunnelType::StandardisedRatio).then_some(match sr_method {
                SrMethod::Shmi => "shmi",
                SrMethod::Cqc => "cqc",
            }),
            target: result.target,
            phi: result.phi,
            tau2: result.tau2,
            overdispersion_used: result.overdispersion_used,
            groups: result
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| group_json(groups.get(i).map_or("", String::as_str), g))
                .collect(),
            limits: result.limits.iter().map(limits_json).collect(),
        }
    }
}
