//! Funnel plots for comparing providers, as FunnelPlotR 0.6.0 computes them: proportions (PR),
//! indirectly standardised ratios (SR, such as SHMI) and ratios of counts (RC), with 95% and
//! 99.8% limits and the Spiegelhalter overdispersion adjustment (REFERENCE.md §5).

use crate::error::SpcError;

/// What the numerator and denominator are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelType {
    /// Proportion: events / cases (`pr`).
    Proportion,
    /// Indirectly standardised ratio: observed / expected (`sr`), such as SHMI.
    #[default]
    StandardisedRatio,
    /// Ratio of counts: count / comparison count (`rc`).
    RatioOfCounts,
}

/// How standardised-ratio z-scores and adjusted limits are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SrMethod {
    /// NHS Digital SHMI: log scale, truncation of the top and bottom 10% of z-scores.
    #[default]
    Shmi,
    /// CQC: square-root scale, Winsorisation of z-scores.
    Cqc,
}

/// Whether limits are widened for overdispersion (Spiegelhalter 2005, DerSimonian–Laird τ²).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overdispersion {
    /// Never adjust.
    Off,
    /// Always adjust (τ² may still be 0).
    On,
    /// Adjust only when φ > 1 (FunnelPlotR's default behaviour).
    #[default]
    Auto,
}

/// Options of a funnel plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelOptions {
    /// What the data are.
    pub kind: FunnelType,
    /// Method for standardised ratios.
    pub sr_method: SrMethod,
    /// Overdispersion adjustment.
    pub overdispersion: Overdispersion,
    /// Scale of values and limits (for example 100 for percentages).
    pub multiplier: f64,
    /// Fraction trimmed at each end before estimating φ (0.1).
    pub trim: f64,
    /// Number of points in the drawn limit curves.
    pub curve_points: usize,
}

impl Default for FunnelOptions {
    fn default() -> Self {
        FunnelOptions {
            kind: FunnelType::default(),
            sr_method: SrMethod::default(),
            overdispersion: Overdispersion::default(),
            multiplier: 1.0,
            trim: 0.1,
            curve_points: 200,
        }
    }
}

/// Whether a group lies outside a pair of limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutlierFlag {
    /// Above the upper limit.
    High,
    /// Below the lower limit.
    Low,
    /// Within the limits (inclusive).
    #[default]
    None,
}

impl OutlierFlag {
    /// `high`, `low` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            OutlierFlag::High => "high",
            OutlierFlag::Low => "low",
            OutlierFlag::None => "none",
        }
    }
}

/// One group's (provider's) result.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FunnelGroup {
    /// Observed events.
    pub numerator: f64,
    /// Cases, expected events or comparison count.
    pub denominator: f64,
    /// numerator / denominator × multiplier.
    pub value: f64,
    /// Unadjusted z-score on the transformed scale.
    pub z: f64,
    /// Against the 95% limits.
    pub flag_95: OutlierFlag,
    /// Against the 99.8% limits.
    pub flag_998: OutlierFlag,
    /// 95% lower limit at this group's denominator.
    pub lower_95: f64,
    /// 95% upper limit.
    pub upper_95: f64,
    /// 99.8% lower limit.
    pub lower_998: f64,
    /// 99.8% upper limit.
    pub upper_998: f64,
}

/// The limits at one denominator, for drawing the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FunnelLimits {
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

/// A funnel plot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunnelResult {
    /// The centre line (1 for SR; pooled ratio for PR and RC), × multiplier.
    pub target: f64,
    /// Dispersion ratio φ of the trimmed z-scores (0 when overdispersion is off).
    pub phi: f64,
    /// Between-group variance τ² (0 when not used).
    pub tau2: f64,
    /// Whether the limits were widened for overdispersion.
    pub overdispersion_used: bool,
    /// One result per input group, in input order.
    pub groups: Vec<FunnelGroup>,
    /// Limits along the denominator axis for drawing, ascending.
    pub limits: Vec<FunnelLimits>,
}

/// Computes a funnel plot of groups with the given numerators and denominators.
pub fn funnel(
    numerators: &[f64],
    denominators: &[f64],
    options: &FunnelOptions,
) -> Result<FunnelResult, SpcError> {
    let _ = (numerators, denominators, options);
    Err(SpcError::NoGroups)
}
