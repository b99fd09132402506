//! Funnel plots for comparing providers, as FunnelPlotR 0.6.0 computes them: proportions (PR),
//! indirectly standardised ratios (SR, such as SHMI) and ratios of counts (RC), with 95% and
//! 99.8% limits and the Spiegelhalter overdispersion adjustment (REFERENCE.md §5).
//!
//! Sources: Spiegelhalter (2005) *Funnel plots for comparing institutional performance*,
//! Stat Med 24:1185; Spiegelhalter et al. (2012) JRSS A 175:1; DerSimonian & Laird (1986);
//! NHS Digital SHMI methodology; FunnelPlotR 0.6.0 (commit `9020d49`), whose behaviour this
//! module follows except where [`funnel`] says otherwise.

use crate::error::SpcError;

mod dispersion;
mod distributions;

use dispersion::Trim;
use std::f64::consts::FRAC_PI_2;

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
    /// Number of points in the drawn limit curves (at most [`MAX_CURVE_POINTS`]).
    pub curve_points: usize,
    /// SR + CQC overdispersed limits as FunnelPlotR 0.6.0 returns them, `M·(1 ∓ z·√(1/(4x) + τ²))`,
    /// left on the square-root scale (REFERENCE.md §5.2 note). Default `false`: the corrected
    /// limits `M·(max(0, 1 − z·√(…)))²` and `M·(1 + z·√(…))²`, squared back to the ratio scale.
    pub cqc_unsquared: bool,
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
            cqc_unsquared: false,
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
    /// Cases, expected events or comparison count: the value the limits are computed at (for
    /// SR + SHMI, the expected count rounded to 2 decimals as NHS Digital and FunnelPlotR do).
    pub denominator: f64,
    /// numerator / denominator × multiplier, with the denominator as given (before the SHMI
    /// rounding, as FunnelPlotR's `rr`).
    pub value: f64,
    /// Unadjusted z-score on the transformed scale (see [`funnel`]). An SHMI group with no
    /// observed events has z = −∞ in FunnelPlotR; it is reported as `-f64::MAX`.
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
    /// Dispersion ratio φ of the trimmed z-scores (0 when overdispersion is [`Overdispersion::Off`],
    /// as FunnelPlotR reports with `draw_adjusted = FALSE`; as computed otherwise, also when
    /// [`Overdispersion::Auto`] falls back to unadjusted limits).
    pub phi: f64,
    /// Between-group variance τ² used in the limits (0 when the limits are unadjusted).
    pub tau2: f64,
    /// Whether the limits were widened for overdispersion.
    pub overdispersion_used: bool,
    /// One result per input group, in input order.
    pub groups: Vec<FunnelGroup>,
    /// Limits along the denominator axis for drawing, ascending.
    pub limits: Vec<FunnelLimits>,
}

/// Largest accepted [`FunnelOptions::curve_points`].
pub const MAX_CURVE_POINTS: usize = 100_000;

/// FunnelPlotR's hard-coded two-sided 95% normal quantile.
const Z95: f64 = 1.959964;
/// FunnelPlotR's hard-coded two-sided 99.8% normal quantile.
const Z998: f64 = 3.090232;
/// Tail probabilities of the exact Poisson limits: 95% and 99.8% two-sided.
const ALPHA95: f64 = 0.025;
const ALPHA998: f64 = 0.001;
/// Ceiling on a limit's standard error √(s² + τ²): wide enough that every limit is already at
/// 0, 1 or ±∞ on its scale, small enough that z·SE stays finite (so no ∞ − ∞).
const MAX_SE: f64 = 1e300;

/// Computes a funnel plot of groups with the given numerators O and denominators E (one entry
/// per group, already aggregated; results keep the input order).
///
/// The pipeline (REFERENCE.md §5.2), with M the multiplier:
///
/// 1. SR + SHMI: E ← E rounded to 2 decimals (see below).
/// 2. Target θ = 1 for SR, ΣO / ΣE for PR and RC. `target` = M·θ.
/// 3. z-scores, standard errors s and weights w = 1/s²:
///
/// ```text
/// SR SHMI   z = √E · ln(O/E)                        s = 1/√E
/// SR CQC    z = 2(√O − √E)                          s = 1/(2√E)
/// PR        z = (asin √(O/n) − asin √θ) · 2√n       s = 1/(2√n)
/// RC        z = (ln((O+½)/(E+½)) − ln θ) / s        s = √(O/(O+½)² + E/(E+½)²)
/// ```
///
/// 4. Trimming: SR + SHMI truncation (drop the groups whose average rank falls in the outer
///    bands ⌊rank·k/(G+1)⌋ ∉ (0, k−1), k = 1/trim); otherwise Winsorisation to the R type-7
///    quantiles at trim and 1 − trim.
/// 5. φ = mean of the trimmed z²; τ² (DerSimonian–Laird) = max(0, (n*φ − (n*−1)) / (Σw −
///    Σw²/Σw)), 0 when n*φ < n* − 1.
/// 6. Limits at a denominator x, z ∈ {1.959964, 3.090232}, S = √(1/(4x) + τ²) (√(1/x + τ²) for
///    SHMI); τ² = 0 when unadjusted:
///
/// ```text
/// SR unadjusted   M·χ²_α(2x)/(2x),  M·χ²_(1−α)(2x+2)/(2x)   α = 0.025, 0.001 (exact Poisson)
/// SR SHMI adj.    M·exp(∓z·S)
/// SR CQC adj.     M·max(0, 1 − z·S)²,  M·(1 + z·S)²   (cqc_unsquared: M·(1 ∓ z·S), as FPR)
/// PR              M·sin²(clamp(asin √θ ∓ z·S, 0, π/2))
/// RC              M·exp(ln θ ∓ z·S)
/// ```
///
/// 7. Flags: `High` when value > upper, `Low` when value < lower (a value on a limit is inside),
///    at each group's own denominator, for both levels.
///
/// Overdispersion: [`Overdispersion::Auto`] (FunnelPlotR's default) uses the adjusted limits
/// when φ > 1 and otherwise falls back to the unadjusted ones, reporting φ as computed and
/// τ² = 0. [`Overdispersion::On`] always adjusts (FunnelPlotR with both `draw_adjusted` and
/// `draw_unadjusted`). [`Overdispersion::Off`] uses the unadjusted limits and reports φ = τ² = 0
/// as FunnelPlotR does with `draw_adjusted = FALSE`; unlike FunnelPlotR (which then flags
/// nothing unless `draw_unadjusted`), groups are flagged against the unadjusted limits.
///
/// Where this differs from FunnelPlotR 0.6.0, on purpose:
///
/// * SHMI rounding is exact round-half-to-even of the binary value of E·100 (decided with a
///   fused multiply-add). R ≥ 4's `round(x, 2)` agrees except in rare cases such as 0.005 (R: 0,
///   here 0.01). An E that would round to 0 is kept unrounded.
/// * An SHMI group with O = 0 (z = −∞) is ranked lowest in the truncation but never used for φ
///   or τ² (FunnelPlotR would get φ = ∞ if it were kept); it is flagged against the limits like
///   any other group. More generally any ±∞ z-score (only possible with absurd magnitudes, or
///   RC with θ = 0 — reported as z = 0 since every ratio then equals the target) is left out
///   of φ and τ².
/// * τ² is 0 when it cannot be estimated (fewer than two groups kept); φ is 0 when no group is
///   kept (FunnelPlotR: NaN and an error).
/// * SR + CQC adjusted limits are squared back to the ratio scale unless `cqc_unsquared`.
/// * PR: the transformed limit is clamped to [0, π/2] before sin², which gives 0 and M where
///   FunnelPlotR's grid-based monotonicity fix does (it can differ from FPR only at the one grid
///   point where the limit folds over, and at the largest denominator).
/// * The drawing grid `limits` is `curve_points` denominators spaced evenly on a log scale from
///   min(1.1 for SR or 3 for PR/RC, smallest E) to the largest E (one point when those are
///   equal); FunnelPlotR uses 1000 evenly spaced points from 1.1 or 3 to ⌈max E⌉ plus the groups'
///   own denominators, which are here in `groups` instead.
/// * Output never holds NaN or ±∞: a value beyond the range of f64 (an upper limit at a
///   vanishing denominator, a ratio that overflows) is clamped to ±`f64::MAX`.
///
/// # Errors
///
/// [`SpcError::LengthMismatch`] when the slices differ in length, [`SpcError::NoGroups`] when
/// they are empty; per group (first failing check of the lowest index): [`SpcError::NotFinite`]
/// (field "numerator" / "denominator"), [`SpcError::Negative`], [`SpcError::ZeroDenominator`],
/// and for proportions [`SpcError::NumeratorAboveDenominator`]; [`SpcError::InvalidOption`] for a
/// multiplier that is not finite and positive, a trim outside [0, 0.5) or more than
/// [`MAX_CURVE_POINTS`] curve points.
///
/// # Example
///
/// REFERENCE.md §7.5.1 (FunnelPlotR 0.6.0): θ = 349/1990, φ = 1.212458; unit 7 (62/220) is
/// above the 99.8% overdispersed limit 0.27752.
///
/// ```
/// use gemba_spc::funnel::{funnel, FunnelOptions, FunnelType, OutlierFlag};
///
/// let o = [30., 45., 12., 60., 25., 18., 62., 40., 22., 35.];
/// let n = [200., 250., 100., 300., 150., 160., 220., 260., 110., 240.];
/// let options = FunnelOptions { kind: FunnelType::Proportion, ..FunnelOptions::default() };
/// let f = funnel(&o, &n, &options)?;
/// assert!((f.target - 0.175377).abs() < 1e-6);
/// assert!((f.phi - 1.212458).abs() < 1e-6);
/// assert!((f.groups[6].upper_998 - 0.27752).abs() < 1e-5);
/// assert_eq!(f.groups[6].flag_998, OutlierFlag::High);
/// # Ok::<(), gemba_spc::SpcError>(())
/// ```
pub fn funnel(
    numerators: &[f64],
    denominators: &[f64],
    options: &FunnelOptions,
) -> Result<FunnelResult, SpcError> {
    validate_options(options)?;
    validate(numerators, denominators, options.kind)?;
    let kind = options.kind;
    let shmi = kind == FunnelType::StandardisedRatio && options.sr_method == SrMethod::Shmi;
    let m = options.multiplier;

    let den: Vec<f64> = if shmi {
        denominators.iter().map(|&e| round_shmi(e)).collect()
    } else {
        denominators.to_vec()
    };
    let theta = match kind {
        FunnelType::StandardisedRatio => 1.0,
        FunnelType::Proportion | FunnelType::RatioOfCounts => pooled_ratio(numerators, &den),
    };

    let (z, w): (Vec<f64>, Vec<f64>) = numerators
        .iter()
        .zip(&den)
        .map(|(&o, &e)| z_and_weight(kind, options.sr_method, theta, o, e))
        .unzip();
    let trim = if shmi {
        Trim::Truncate
    } else {
        Trim::Winsorise
    };
    let d = dispersion::estimate(&z, &w, trim, options.trim);
    let tau2_estimate = clamp_finite(d.tau2);
    let phi = clamp_finite(d.phi);
    let (adjusted, phi, tau2) = match options.overdispersion {
        Overdispersion::Off => (false, 0.0, 0.0),
        Overdispersion::On => (true, phi, tau2_estimate),
        Overdispersion::Auto if phi > 1.0 => (true, phi, tau2_estimate),
        Overdispersion::Auto => (false, phi, 0.0),
    };
    let curve = Curve {
        kind,
        sr_method: options.sr_method,
        theta,
        tau2: if adjusted { tau2 } else { 0.0 },
        adjusted,
        multiplier: m,
        cqc_unsquared: options.cqc_unsquared,
    };

    let groups = numerators
        .iter()
        .zip(denominators)
        .zip(&den)
        .zip(&z)
        .map(|(((&o, &e_given), &e), &zi)| {
            let l = curve.at(e);
            let value = clamp_finite(o / e_given * m);
            FunnelGroup {
                numerator: o,
                denominator: e,
                value,
                z: clamp_finite(zi),
                flag_95: flag(value, l.lower_95, l.upper_95),
                flag_998: flag(value, l.lower_998, l.upper_998),
                lower_95: l.lower_95,
                upper_95: l.upper_95,
                lower_998: l.lower_998,
                upper_998: l.upper_998,
            }
        })
        .collect();

    let start: f64 = match kind {
        FunnelType::StandardisedRatio => 1.1,
        FunnelType::Proportion | FunnelType::RatioOfCounts => 3.0,
    };
    let min_den = den.iter().copied().fold(f64::INFINITY, f64::min);
    let max_den = den.iter().copied().fold(0.0, f64::max);
    let limits = grid(start.min(min_den), max_den, options.curve_points)
        .map(|x| curve.at(x))
        .collect();

    Ok(FunnelResult {
        target: clamp_finite(theta * m),
        phi: clamp_finite(phi),
        tau2: clamp_finite(tau2),
        overdispersion_used: adjusted,
        groups,
        limits,
    })
}

fn validate_options(options: &FunnelOptions) -> Result<(), SpcError> {
    if !(options.multiplier.is_finite() && options.multiplier > 0.0) {
        return Err(SpcError::InvalidOption {
            option: "multiplier",
            reason: format!(
                "must be a finite number above zero (got {})",
                options.multiplier
            ),
        });
    }
    if !(options.trim >= 0.0 && options.trim < 0.5) {
        return Err(SpcError::InvalidOption {
            option: "trim",
            reason: format!("must be at least 0 and below 0.5 (got {})", options.trim),
        });
    }
    if options.curve_points > MAX_CURVE_POINTS {
        return Err(SpcError::InvalidOption {
            option: "curve points",
            reason: format!("at most {MAX_CURVE_POINTS} (got {})", options.curve_points),
        });
    }
    Ok(())
}

fn validate(numerators: &[f64], denominators: &[f64], kind: FunnelType) -> Result<(), SpcError> {
    if numerators.len() != denominators.len() {
        return Err(SpcError::LengthMismatch {
            what: "denominators (one per numerator)",
            expected: numerators.len(),
            actual: denominators.len(),
        });
    }
    if numerators.is_empty() {
        return Err(SpcError::NoGroups);
    }
    for (index, (&o, &e)) in numerators.iter().zip(denominators).enumerate() {
        if !o.is_finite() {
            return Err(SpcError::NotFinite {
                field: "numerator",
                index,
            });
        }
        if !e.is_finite() {
            return Err(SpcError::NotFinite {
                field: "denominator",
                index,
            });
        }
        if o < 0.0 {
            return Err(SpcError::Negative {
                field: "numerator",
                index,
                value: o,
            });
        }
        if e == 0.0 {
            return Err(SpcError::ZeroDenominator { index });
        }
        if e < 0.0 {
            return Err(SpcError::Negative {
                field: "denominator",
                index,
                value: e,
            });
        }
        if kind == FunnelType::Proportion && o > e {
            return Err(SpcError::NumeratorAboveDenominator {
                index,
                numerator: o,
                denominator: e,
            });
        }
    }
    Ok(())
}

/// E rounded to 2 decimals, ties to even, decided on the exact binary value of E (SHMI rounding;
/// R's `round(E, 2)`). An E that would round to 0, or is too large to have decimals, is kept.
fn round_shmi(e: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let y = e * 100.0;
    if y.is_nan() || y >= TWO_52 {
        return e;
    }
    let floor = y.floor();
    let fraction = y - floor;
    let up = if fraction != 0.5 {
        fraction > 0.5
    } else {
        // y is a tie after rounding the product: the exact residual e·100 − y decides, and a
        // true tie goes to the even neighbour.
        let residual = e.mul_add(100.0, -y);
        if residual != 0.0 {
            residual > 0.0
        } else {
            floor % 2.0 != 0.0
        }
    };
    let rounded = if up { floor + 1.0 } else { floor } / 100.0;
    if rounded > 0.0 {
        rounded
    } else {
        e
    }
}

/// ΣO / ΣE, each sum scaled by its largest term so that neither overflows.
fn pooled_ratio(o: &[f64], e: &[f64]) -> f64 {
    let scaled_sum = |xs: &[f64]| {
        let max = xs.iter().copied().fold(0.0, f64::max);
        if max > 0.0 {
            (xs.iter().map(|x| x / max).sum::<f64>(), max)
        } else {
            (0.0, 1.0)
        }
    };
    let (so, mo) = scaled_sum(o);
    let (se, me) = scaled_sum(e);
    so / se * (mo / me)
}

/// The unadjusted z-score and the weight 1/s² of one group (table in [`funnel`]).
fn z_and_weight(kind: FunnelType, method: SrMethod, theta: f64, o: f64, e: f64) -> (f64, f64) {
    match kind {
        FunnelType::StandardisedRatio => match method {
            SrMethod::Shmi => (e.sqrt() * (o / e).ln(), e),
            SrMethod::Cqc => (2.0 * (o.sqrt() - e.sqrt()), 4.0 * e),
        },
        FunnelType::Proportion => {
            let y = (o / e).sqrt().min(1.0).asin();
            let t = theta.sqrt().min(1.0).asin();
            ((y - t) * 2.0 * e.sqrt(), 4.0 * e)
        }
        FunnelType::RatioOfCounts => {
            let variance = o / (o + 0.5) / (o + 0.5) + e / (e + 0.5) / (e + 0.5);
            let weight = (1.0 / variance).min(f64::MAX);
            if theta == 0.0 {
                // Every numerator is 0, so every ratio equals the target.
                return (0.0, weight);
            }
            let y = ((o + 0.5) / (e + 0.5)).ln();
            ((y - theta.ln()) / variance.sqrt(), weight)
        }
    }
}

/// Everything the limits at a denominator depend on.
struct Curve {
    kind: FunnelType,
    sr_method: SrMethod,
    theta: f64,
    tau2: f64,
    adjusted: bool,
    multiplier: f64,
    cqc_unsquared: bool,
}

impl Curve {
    /// The four limits at denominator `x` (formulas in [`funnel`]), finite.
    fn at(&self, x: f64) -> FunnelLimits {
        let (lower_95, upper_95) = self.pair(x, Z95, ALPHA95);
        let (lower_998, upper_998) = self.pair(x, Z998, ALPHA998);
        FunnelLimits {
            denominator: x,
            lower_95: clamp_finite(lower_95),
            upper_95: clamp_finite(upper_95),
            lower_998: clamp_finite(lower_998),
            upper_998: clamp_finite(upper_998),
        }
    }

    fn pair(&self, x: f64, z: f64, alpha: f64) -> (f64, f64) {
        let m = self.multiplier;
        let se = |s2: f64| (s2 + self.tau2).sqrt().min(MAX_SE);
        match self.kind {
            FunnelType::StandardisedRatio if !self.adjusted => {
                // Exact Poisson: χ²_p(ν)/2 is the gamma(ν/2) quantile.
                let lower = distributions::gamma_quantile(x, alpha) / x;
                let upper = distributions::gamma_quantile(x + 1.0, 1.0 - alpha) / x;
                (m * self.theta * lower, m * self.theta * upper)
            }
            FunnelType::StandardisedRatio => match self.sr_method {
                SrMethod::Shmi => {
                    let s = se(1.0 / x);
                    (m * (-z * s).exp(), m * (z * s).exp())
                }
                SrMethod::Cqc => {
                    let s = se(0.25 / x);
                    if self.cqc_unsquared {
                        (m * (1.0 - z * s), m * (1.0 + z * s))
                    } else {
                        let lower = (1.0 - z * s).max(0.0);
                        let upper = 1.0 + z * s;
                        (m * lower * lower, m * upper * upper)
                    }
                }
            },
            FunnelType::Proportion => {
                let t = self.theta.sqrt().min(1.0).asin();
                let s = se(0.25 / x);
                let sin2 = |a: f64| {
                    let v = a.clamp(0.0, FRAC_PI_2).sin();
                    (v * v).clamp(0.0, 1.0)
                };
                (m * sin2(t - z * s), m * sin2(t + z * s))
            }
            FunnelType::RatioOfCounts => {
                let ln_theta = self.theta.ln();
                let s = se(0.25 / x);
                (m * (ln_theta - z * s).exp(), m * (ln_theta + z * s).exp())
            }
        }
    }
}

/// Outside the inclusive limits?
fn flag(value: f64, lower: f64, upper: f64) -> OutlierFlag {
    if value > upper {
        OutlierFlag::High
    } else if value < lower {
        OutlierFlag::Low
    } else {
        OutlierFlag::None
    }
}

/// `points` denominators from `from` to `to`, evenly spaced on a log scale, ascending, with both
/// ends exact; one point when the ends coincide, none when `points` is 0.
fn grid(from: f64, to: f64, points: usize) -> impl Iterator<Item = f64> {
    let points = if from < to { points } else { points.min(1) };
    let (ln_from, ln_to) = (from.ln(), to.ln());
    (0..points).map(move |i| {
        if i == 0 && points > 1 {
            from
        } else if i + 1 == points {
            to
        } else {
            let f = i as f64 / (points - 1) as f64;
            (ln_from + f * (ln_to - ln_from)).exp().clamp(from, to)
        }
    })
}

/// ±∞ → ±`f64::MAX`; NaN (never expected) → 0.
fn clamp_finite(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(-f64::MAX, f64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// REFERENCE.md §7.5 values are given to 5 or 6 decimals (FunnelPlotR 0.6.0, commit
    /// `9020d49`, checked by hand); compare them to half a unit in the last place shown.
    const DP5: f64 = 5e-6;
    const DP6: f64 = 5e-7;
    /// Our own hand arithmetic (shown in comments) to ~12 significant digits.
    const HAND: f64 = 1e-9;

    /// REFERENCE.md §7.5.1.
    const PR_O: [f64; 10] = [30., 45., 12., 60., 25., 18., 62., 40., 22., 35.];
    const PR_N: [f64; 10] = [200., 250., 100., 300., 150., 160., 220., 260., 110., 240.];
    /// REFERENCE.md §7.5.2.
    const SR_O: [f64; 10] = [45., 60., 38., 80., 52., 30., 95., 41., 70., 58.];
    const SR_E: [f64; 10] = [50., 55., 40., 62., 50., 38., 80., 40., 72., 50.];

    fn check(what: &str, got: f64, expected: f64, tolerance: f64) {
        assert!(
            (got - expected).abs() <= tolerance,
            "{what}: got {got}, expected {expected} ± {tolerance}"
        );
    }

    fn options(kind: FunnelType) -> FunnelOptions {
        FunnelOptions {
            kind,
            ..FunnelOptions::default()
        }
    }

    fn flags(f: &FunnelResult, level_998: bool) -> Vec<(usize, OutlierFlag)> {
        f.groups
            .iter()
            .enumerate()
            .map(|(i, g)| (i + 1, if level_998 { g.flag_998 } else { g.flag_95 }))
            .filter(|(_, flag)| *flag != OutlierFlag::None)
            .collect()
    }

    #[test]
    fn proportions_reference_example() -> Result<(), SpcError> {
        let f = funnel(&PR_O, &PR_N, &options(FunnelType::Proportion))?;
        check("θ", f.target, 0.175377, DP6);
        let z = [
            -0.97304, 0.19123, -1.56720, 1.09278, -0.28334, -2.27838, 3.78285, -0.93666, 0.66171,
            -1.24774,
        ];
        for (g, z) in f.groups.iter().zip(z) {
            check("z", g.z, z, DP5);
        }
        let mut sorted: Vec<f64> = f.groups.iter().map(|g| g.z).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let bound = |p| dispersion::quantile_type7(&sorted, p).unwrap_or(f64::NAN);
        check("Winsor L", bound(0.1), -1.638320, DP6);
        check("Winsor U", bound(0.9), 1.361790, DP6);
        check("φ", f.phi, 1.212458, DP6);
        check("τ²", f.tau2, 0.000441137, 5e-10);
        assert!(f.overdispersion_used);

        // 99.8% OD limits at n = 220 (unit 7), 100 (unit 3), 300 (unit 4); 95% at 220.
        let limits = |i: usize| f.groups[i];
        check("LCL99.8(220)", limits(6).lower_998, 0.09269, DP5);
        check("UCL99.8(220)", limits(6).upper_998, 0.27752, DP5);
        check("LCL99.8(100)", limits(2).lower_998, 0.06835, DP5);
        check("UCL99.8(100)", limits(2).upper_998, 0.31853, DP5);
        check("LCL99.8(300)", limits(3).lower_998, 0.10002, DP5);
        check("UCL99.8(300)", limits(3).upper_998, 0.26647, DP5);
        check("LCL95(220)", limits(6).lower_95, 0.12033, DP5);
        check("UCL95(220)", limits(6).upper_95, 0.23827, DP5);
        // Unit 6's 95% lower limit at n = 160 is 0.11398 (its value is 0.1125).
        check("LCL95(160)", limits(5).lower_95, 0.11398, DP5);

        assert_eq!(flags(&f, true), vec![(7, OutlierFlag::High)]);
        assert_eq!(
            flags(&f, false),
            vec![(6, OutlierFlag::Low), (7, OutlierFlag::High)]
        );
        check("value 7", f.groups[6].value, 62.0 / 220.0, 1e-15);
        Ok(())
    }

    #[test]
    fn standardised_ratio_shmi_reference_example() -> Result<(), SpcError> {
        let f = funnel(&SR_O, &SR_E, &FunnelOptions::default())?;
        let z = [
            -0.74501, 0.64529, -0.32441, 2.00702, 0.27733, -1.45720, 1.53708, 0.15617, -0.23904,
            1.04949,
        ];
        for (g, z) in f.groups.iter().zip(z) {
            check("z", g.z, z, DP5);
        }
        let z: Vec<f64> = f.groups.iter().map(|g| g.z).collect();
        let keep = dispersion::truncation_mask(&z, 0.1);
        let dropped: Vec<usize> = (0..10).filter(|&i| !keep[i]).map(|i| i + 1).collect();
        assert_eq!(dropped, vec![4, 6]);
        check("φ", f.phi, 0.587394, DP6);
        // φ ≤ 1: fall back to the exact Poisson limits, τ² = 0.
        assert!(!f.overdispersion_used);
        assert_eq!(f.tau2, 0.0);
        assert_eq!(f.target, 1.0);

        for i in [0, 4, 9] {
            // E = 50: [qchisq(0.025,100), qchisq(0.975,102)]/100 and the 99.8% pair.
            let g = f.groups[i];
            check("LCL95(50)", g.lower_95, 0.742219, DP6);
            check("UCL95(50)", g.upper_95, 1.318375, DP6);
            check("LCL99.8(50)", g.lower_998, 0.619179, DP6);
            check("UCL99.8(50)", g.upper_998, 1.518838, DP6);
        }
        check("LCL95(62)", f.groups[3].lower_95, 0.76669, DP5);
        check("UCL95(62)", f.groups[3].upper_95, 1.28195, DP5);
        // Unit 4 (80/62 = 1.290323) is above the 95% limit only.
        assert_eq!(flags(&f, false), vec![(4, OutlierFlag::High)]);
        assert_eq!(flags(&f, true), vec![]);
        Ok(())
    }

    #[test]
    fn overdispersion_on_forces_adjusted_limits() -> Result<(), SpcError> {
        // REFERENCE.md §7.5.2: forced OD with τ² = 0 (8·φ = 4.7 < 7) at E = 50 gives the log-scale
        // normal limits exp(∓1.959964/√50) = [0.75792, 1.31940], not the exact ones.
        let on = FunnelOptions {
            overdispersion: Overdispersion::On,
            ..FunnelOptions::default()
        };
        let f = funnel(&SR_O, &SR_E, &on)?;
        assert!(f.overdispersion_used);
        check("φ", f.phi, 0.587394, DP6);
        assert_eq!(f.tau2, 0.0);
        check("LCL95(50)", f.groups[0].lower_95, 0.75792, DP5);
        check("UCL95(50)", f.groups[0].upper_95, 1.31940, DP5);
        Ok(())
    }

    #[test]
    fn overdispersion_off_gives_unadjusted_limits() -> Result<(), SpcError> {
        let off = FunnelOptions {
            kind: FunnelType::Proportion,
            overdispersion: Overdispersion::Off,
            ..FunnelOptions::default()
        };
        let f = funnel(&PR_O, &PR_N, &off)?;
        assert!(!f.overdispersion_used);
        assert_eq!((f.phi, f.tau2), (0.0, 0.0));
        // Hand: t = asin(√(349/1990)) = 0.4321016784, s = 1/(2√220) = 0.0337099931;
        // sin²(t ∓ 1.959964 s) = 0.1281013372, 0.2283124901;
        // sin²(t ∓ 3.090232 s) = 0.1037381082, 0.2610556705.
        let g = f.groups[6];
        check("LCL95(220)", g.lower_95, 0.1281013372, HAND);
        check("UCL95(220)", g.upper_95, 0.2283124901, HAND);
        check("LCL99.8(220)", g.lower_998, 0.1037381082, HAND);
        check("UCL99.8(220)", g.upper_998, 0.2610556705, HAND);
        assert_eq!(f.groups[6].flag_998, OutlierFlag::High);

        // SR: unadjusted means the exact limits; φ is reported as 0.
        let off = FunnelOptions {
            overdispersion: Overdispersion::Off,
            ..FunnelOptions::default()
        };
        let f = funnel(&SR_O, &SR_E, &off)?;
        assert_eq!((f.phi, f.tau2, f.overdispersion_used), (0.0, 0.0, false));
        check("LCL95(50)", f.groups[0].lower_95, 0.742219, DP6);
        Ok(())
    }

    #[test]
    fn cqc_limits_squared_by_default_and_unsquared_as_fpr() -> Result<(), SpcError> {
        // SR example, CQC, forced OD: φ = 0.836 so τ² = 0; S = √(1/200) = 0.0707106781 at E = 50.
        // FPR: 1 ∓ 1.959964 S = 0.8614096165, 1.1385903835; squared: 0.7420265274, 1.2963880615.
        let mut o = FunnelOptions {
            sr_method: SrMethod::Cqc,
            overdispersion: Overdispersion::On,
            ..FunnelOptions::default()
        };
        let f = funnel(&SR_O, &SR_E, &o)?;
        assert_eq!(f.tau2, 0.0);
        check(
            "z 1 = 2(√45 − √50)",
            f.groups[0].z,
            2.0 * (45f64.sqrt() - 50f64.sqrt()),
            1e-15,
        );
        check("squared LCL95", f.groups[0].lower_95, 0.7420265274, HAND);
        check("squared UCL95", f.groups[0].upper_95, 1.2963880615, HAND);
        o.cqc_unsquared = true;
        let f = funnel(&SR_O, &SR_E, &o)?;
        check("unsquared LCL95", f.groups[0].lower_95, 0.8614096165, HAND);
        check("unsquared UCL95", f.groups[0].upper_95, 1.1385903835, HAND);
        // CQC is Winsorised, not truncated, and its E is not rounded.
        let f = funnel(&[1.0, 2.0], &[1.234, 2.345], &o)?;
        assert_eq!(f.groups[0].denominator, 1.234);
        Ok(())
    }

    #[test]
    fn ratio_of_counts_z_by_hand() -> Result<(), SpcError> {
        // θ = 40/40 = 1. Unit 1: Y = ln(10.5/20.5) = −0.6690496290,
        // s² = 10/10.5² + 20/20.5² = 0.1382936677, z = Y/s = −1.7991078019.
        let off = FunnelOptions {
            kind: FunnelType::RatioOfCounts,
            overdispersion: Overdispersion::Off,
            ..FunnelOptions::default()
        };
        let f = funnel(&[10.0, 30.0], &[20.0, 20.0], &off)?;
        check("θ", f.target, 1.0, 1e-15);
        check("z 1", f.groups[0].z, -1.7991078019, HAND);
        check("z 2", f.groups[1].z, 1.4060797465, HAND);
        // Unadjusted RC limits use s = 1/(2√x): exp(∓1.959964/(2√20)).
        check(
            "LCL95",
            f.groups[0].lower_95,
            (-1.959964 / (2.0 * 20f64.sqrt())).exp(),
            1e-15,
        );
        Ok(())
    }

    #[test]
    fn ratio_of_counts_with_no_events() -> Result<(), SpcError> {
        let f = funnel(
            &[0.0, 0.0],
            &[20.0, 30.0],
            &options(FunnelType::RatioOfCounts),
        )?;
        assert_eq!(f.target, 0.0);
        for g in &f.groups {
            assert_eq!(
                (g.z, g.value, g.lower_95, g.upper_998),
                (0.0, 0.0, 0.0, 0.0)
            );
            assert_eq!(
                (g.flag_95, g.flag_998),
                (OutlierFlag::None, OutlierFlag::None)
            );
        }
        Ok(())
    }

    #[test]
    fn shmi_group_without_deaths_is_left_out_of_phi() -> Result<(), SpcError> {
        // Three zero groups share average rank 2, band ⌊2·10/14⌋ = 1: FunnelPlotR would keep
        // z = −∞ and get φ = ∞. Here they are left out and flagged against the exact limits.
        let mut o = SR_O.to_vec();
        let mut e = SR_E.to_vec();
        o.extend([0.0; 3]);
        e.extend([20.0; 3]);
        let f = funnel(&o, &e, &FunnelOptions::default())?;
        assert!(f.phi.is_finite() && f.phi > 0.0);
        let g = f.groups[10];
        assert_eq!(g.z, -f64::MAX);
        assert_eq!(g.value, 0.0);
        assert!(g.lower_998 > 0.0);
        assert_eq!(
            (g.flag_95, g.flag_998),
            (OutlierFlag::Low, OutlierFlag::Low)
        );
        Ok(())
    }

    #[test]
    fn shmi_rounding_of_expected_counts() -> Result<(), SpcError> {
        // R 4.2.2 round(x, 2): 0.12, 0.14, 2.67, 0.28, 1, 12.35, 50.01, 62.12, 0.38, 1234.57.
        for (x, r) in [
            (0.125, 0.12),
            (0.135, 0.14),
            (2.675, 2.67),
            (0.285, 0.28),
            (1.005, 1.0),
            (12.345, 12.35),
            (50.005, 50.01),
            (62.125, 62.12),
            (0.375, 0.38),
            (1234.565, 1234.57),
        ] {
            assert_eq!(round_shmi(x), r, "round({x}, 2)");
        }
        // Kept: would round to 0; too large to have decimals.
        assert_eq!(round_shmi(0.001), 0.001);
        assert_eq!(round_shmi(1e300), 1e300);

        // Limits and z at the rounded E; the value from the E given (FunnelPlotR's rr).
        let f = funnel(&[45.0, 50.0], &[49.996, 50.0], &FunnelOptions::default())?;
        assert_eq!(f.groups[0].denominator, 50.0);
        assert_eq!(f.groups[0].value, 45.0 / 49.996);
        assert_eq!(f.groups[0].lower_95, f.groups[1].lower_95);
        check(
            "z",
            f.groups[0].z,
            50f64.sqrt() * (45.0f64 / 50.0).ln(),
            1e-15,
        );
        Ok(())
    }

    #[test]
    fn bad_input_is_an_error_naming_the_group() {
        let pr = options(FunnelType::Proportion);
        let sr = FunnelOptions::default();
        let cases: Vec<(&[f64], &[f64], &FunnelOptions, SpcError)> = vec![
            (
                &[1.0, 2.0],
                &[3.0],
                &sr,
                SpcError::LengthMismatch {
                    what: "denominators (one per numerator)",
                    expected: 2,
                    actual: 1,
                },
            ),
            (&[], &[], &sr, SpcError::NoGroups),
            (
                &[1.0, f64::NAN],
                &[2.0, 2.0],
                &sr,
                SpcError::NotFinite {
                    field: "numerator",
                    index: 1,
                },
            ),
            (
                &[1.0, 1.0],
                &[2.0, f64::INFINITY],
                &sr,
                SpcError::NotFinite {
                    field: "denominator",
                    index: 1,
                },
            ),
            (
                &[-1.0],
                &[2.0],
                &sr,
                SpcError::Negative {
                    field: "numerator",
                    index: 0,
                    value: -1.0,
                },
            ),
            (
                &[1.0, 1.0],
                &[2.0, 0.0],
                &sr,
                SpcError::ZeroDenominator { index: 1 },
            ),
            (
                &[1.0],
                &[-2.0],
                &sr,
                SpcError::Negative {
                    field: "denominator",
                    index: 0,
                    value: -2.0,
                },
            ),
            (
                &[1.0, 3.0],
                &[2.0, 2.0],
                &pr,
                SpcError::NumeratorAboveDenominator {
                    index: 1,
                    numerator: 3.0,
                    denominator: 2.0,
                },
            ),
        ];
        for (o, e, opts, expected) in cases {
            assert_eq!(funnel(o, e, opts), Err(expected));
        }
        // A numerator above its denominator is fine for ratios.
        assert!(funnel(&[3.0], &[2.0], &sr).is_ok());

        for (bad, option) in [
            (
                FunnelOptions {
                    multiplier: 0.0,
                    ..sr
                },
                "multiplier",
            ),
            (
                FunnelOptions {
                    multiplier: f64::NAN,
                    ..sr
                },
                "multiplier",
            ),
            (FunnelOptions { trim: 0.5, ..sr }, "trim"),
            (FunnelOptions { trim: -0.1, ..sr }, "trim"),
            (
                FunnelOptions {
                    curve_points: MAX_CURVE_POINTS + 1,
                    ..sr
                },
                "curve points",
            ),
        ] {
            let result = funnel(&[1.0], &[1.0], &bad);
            assert!(
                matches!(result, Err(SpcError::InvalidOption { option: o, .. }) if o == option),
                "{option}: {result:?}"
            );
        }
    }

    #[test]
    fn single_group() -> Result<(), SpcError> {
        // PR 10/100: θ = 0.1, z = 0, φ = 0 → unadjusted. Hand: t = asin(√0.1) = 0.3217505544,
        // s = 0.05; sin²(t ∓ 1.959964 s) = 0.0492351682, 0.1660815409;
        // sin²(t ∓ 3.090232 s) = 0.0277090858, 0.2101860368.
        let f = funnel(&[10.0], &[100.0], &options(FunnelType::Proportion))?;
        assert_eq!((f.phi, f.tau2, f.overdispersion_used), (0.0, 0.0, false));
        let g = f.groups[0];
        assert_eq!(
            (g.z, g.flag_95, g.flag_998),
            (0.0, OutlierFlag::None, OutlierFlag::None)
        );
        check("target", f.target, 0.1, 1e-15);
        check("LCL95", g.lower_95, 0.0492351682, HAND);
        check("UCL95", g.upper_95, 0.1660815409, HAND);
        check("LCL99.8", g.lower_998, 0.0277090858, HAND);
        check("UCL99.8", g.upper_998, 0.2101860368, HAND);

        // SR: one group is kept by the truncation (band ⌊1·10/2⌋ = 5).
        let f = funnel(&[45.0], &[50.0], &FunnelOptions::default())?;
        check("φ = z²", f.phi, f.groups[0].z * f.groups[0].z, 1e-15);
        check("LCL95(50)", f.groups[0].lower_95, 0.742219, DP6);
        Ok(())
    }

    #[test]
    fn all_groups_identical() -> Result<(), SpcError> {
        // PR: every group on the pooled target 0.2, z = 0, φ = 0. RC: the same, except that the
        // continuity correction leaves z = (ln(20.5/100.5) − ln 0.2)/s = 0.0822 ≠ 0 (φ < 1).
        for kind in [FunnelType::Proportion, FunnelType::RatioOfCounts] {
            let f = funnel(&[20.0; 5], &[100.0; 5], &options(kind))?;
            check("θ", f.target, 0.2, 1e-15);
            assert!(f.phi < 1.0, "{kind:?}");
            assert_eq!((f.tau2, f.overdispersion_used), (0.0, false), "{kind:?}");
            if kind == FunnelType::Proportion {
                assert_eq!(f.phi, 0.0);
            }
            for g in &f.groups {
                assert_eq!(*g, f.groups[0]);
                assert_eq!(g.flag_998, OutlierFlag::None);
            }
        }
        // SR with O = E: z = 0 and every ratio is on the target.
        let f = funnel(&[50.0; 4], &[50.0; 4], &FunnelOptions::default())?;
        assert!(f.groups.iter().all(|g| g.z == 0.0 && g.value == 1.0));
        Ok(())
    }

    #[test]
    fn multiplier_scales_values_target_and_limits() -> Result<(), SpcError> {
        let per_cent = FunnelOptions {
            kind: FunnelType::Proportion,
            multiplier: 100.0,
            ..FunnelOptions::default()
        };
        let f = funnel(&PR_O, &PR_N, &per_cent)?;
        check("θ", f.target, 17.5377, 100.0 * DP6);
        check("φ", f.phi, 1.212458, DP6);
        let g = f.groups[6];
        check("value", g.value, 28.1818, 100.0 * DP6);
        check("LCL99.8(220)", g.lower_998, 9.269, 100.0 * DP5);
        check("UCL99.8(220)", g.upper_998, 27.752, 100.0 * DP5);
        assert_eq!(flags(&f, true), vec![(7, OutlierFlag::High)]);
        for l in &f.limits {
            assert!(l.upper_998 <= 100.0 && l.lower_998 >= 0.0);
        }
        Ok(())
    }

    #[test]
    fn drawing_grid() -> Result<(), SpcError> {
        let f = funnel(&SR_O, &SR_E, &FunnelOptions::default())?;
        assert_eq!(f.limits.len(), 200);
        assert_eq!(f.limits[0].denominator, 1.1);
        assert_eq!(f.limits[199].denominator, 80.0);
        assert!(f
            .limits
            .windows(2)
            .all(|w| w[0].denominator < w[1].denominator));
        // The grid point at E = 80 carries the same limits as unit 7 (E = 80).
        assert_eq!(f.limits[199].upper_95, f.groups[6].upper_95);

        let f = funnel(&PR_O, &PR_N, &options(FunnelType::Proportion))?;
        assert_eq!(f.limits[0].denominator, 3.0);
        assert_eq!(f.limits[199].denominator, 300.0);
        // PR limits never fold: the lower limit rises and the upper falls with n.
        assert!(f
            .limits
            .windows(2)
            .all(|w| w[0].lower_998 <= w[1].lower_998 && w[0].upper_998 >= w[1].upper_998));

        let none = FunnelOptions {
            curve_points: 0,
            ..FunnelOptions::default()
        };
        assert!(funnel(&[1.0], &[2.0], &none)?.limits.is_empty());
        // All denominators below the usual start: one point at that denominator.
        let f = funnel(&[1.0, 0.0], &[0.5, 0.5], &FunnelOptions::default())?;
        assert_eq!(f.limits.len(), 1);
        assert_eq!(f.limits[0].denominator, 0.5);
        Ok(())
    }

    #[test]
    fn no_output_is_nan_or_infinite_for_awkward_input() -> Result<(), SpcError> {
        let inputs: [(&[f64], &[f64]); 6] = [
            (&[0.0, 0.0, 0.0], &[1.0, 2.0, 3.0]),
            (&[0.0, 1e300, 5.0], &[1e300, 1e300, 1e-300]),
            (&[5e-324, 0.0, 1.0], &[5e-324, 5e-324, 1.0]),
            (&[1.7e308, 1.0, 0.0], &[1.7e308, 1.7e308, 1.7e308]),
            (&[0.0, 3.0, 1e12, 7.0], &[0.001, 0.004, 1e12, 1e-9]),
            (&[1.0, 2.0, 0.0, 0.0, 4.0], &[1.0, 2.0, 1e-6, 1e6, 1e15]),
        ];
        for (o, e) in inputs {
            for kind in [
                FunnelType::Proportion,
                FunnelType::StandardisedRatio,
                FunnelType::RatioOfCounts,
            ] {
                for sr_method in [SrMethod::Shmi, SrMethod::Cqc] {
                    for overdispersion in [
                        Overdispersion::Auto,
                        Overdispersion::On,
                        Overdispersion::Off,
                    ] {
                        for cqc_unsquared in [false, true] {
                            let options = FunnelOptions {
                                kind,
                                sr_method,
                                overdispersion,
                                cqc_unsquared,
                                multiplier: 1e6,
                                ..FunnelOptions::default()
                            };
                            // Proportions need O ≤ n.
                            let o: Vec<f64> = if kind == FunnelType::Proportion {
                                o.iter().zip(e).map(|(&o, &e)| o.min(e)).collect()
                            } else {
                                o.to_vec()
                            };
                            let f = funnel(&o, e, &options)?;
                            let case = format!("{o:?} {e:?} {options:?}");
                            let mut all = vec![f.target, f.phi, f.tau2];
                            for g in &f.groups {
                                all.extend([
                                    g.numerator,
                                    g.denominator,
                                    g.value,
                                    g.z,
                                    g.lower_95,
                                    g.upper_95,
                                    g.lower_998,
                                    g.upper_998,
                                ]);
                            }
                            for l in &f.limits {
                                all.extend([
                                    l.denominator,
                                    l.lower_95,
                                    l.upper_95,
                                    l.lower_998,
                                    l.upper_998,
                                ]);
                            }
                            assert!(all.iter().all(|v| v.is_finite()), "{case}: {f:?}");
                            assert!(
                                f.limits
                                    .windows(2)
                                    .all(|w| w[0].denominator < w[1].denominator),
                                "{case}"
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
