//! Centre lines and limits of every chart type, computed one phase at a time.
//!
//! Each chart turns the phase's baseline points into a [`Lines`] per point. The rules module
//! then judges every point of the phase against those lines.

mod attribute;
mod subgroup;

use crate::options::{ChartType, MissingValues, Rules};
use crate::prepare::Prepared;
use crate::result::Lines;
use crate::stats;

/// D4 for moving ranges of span 2: screening cut-off and MR-chart UCL multiplier.
pub(crate) const D4: f64 = 3.267;
/// d2 for moving ranges of span 2.
pub(crate) const D2: f64 = 1.128;

/// One phase's points and which of them set the limits.
pub(crate) struct Phase<'a> {
    /// The points of the phase, in time order.
    pub points: &'a [Prepared],
    /// Points left out of the centre line and limits by the user (bridged by moving ranges).
    pub excluded: &'a [bool],
    /// Only the first `baseline_len` points of the phase may set the limits (fixed baseline).
    pub baseline_len: usize,
    /// Rule choices (constants, screening).
    pub rules: &'a Rules,
}

impl Phase<'_> {
    /// Whether point `k` enters the centre line and limits.
    pub fn in_base(&self, k: usize) -> bool {
        k < self.baseline_len && !self.excluded[k] && self.points[k].y.is_some()
    }

    /// Indices of the baseline points.
    pub fn base(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.points.len()).filter(|&k| self.in_base(k))
    }

    /// Values `f(point)` of the baseline points.
    pub fn base_values<'s>(
        &'s self,
        f: impl Fn(&Prepared) -> Option<f64> + 's,
    ) -> impl Iterator<Item = f64> + 's {
        self.base().filter_map(move |k| f(&self.points[k]))
    }

    /// Moving ranges |v_k − v_j| between consecutive baseline points: excluded points are
    /// bridged (qicharts2), missing values are not (NHSRplotthedots) unless the rules drop them
    /// ([`MissingValues::Dropped`], Power BI), and the range between the last baseline point
    /// and the next point is never taken.
    pub fn moving_ranges(&self, value: impl Fn(&Prepared) -> Option<f64>) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.baseline_len.min(self.points.len()));
        let mut prev: Option<f64> = None;
        for k in 0..self.baseline_len.min(self.points.len()) {
            if self.excluded[k] {
                continue;
            }
            match value(&self.points[k]) {
                None if self.rules.missing_values == MissingValues::Gap => prev = None,
                None => {}
                Some(v) => {
                    if let Some(p) = prev {
                        out.push((v - p).abs());
                    }
                    prev = Some(v);
                }
            }
        }
        out
    }
}

/// Mean of the moving ranges, optionally screened: ranges ≥ 3.267 × MR̄ are removed once and
/// the mean recomputed (Nelson 1982; NHSRplotthedots, qicharts2 `qic.screenedmr`).
pub(crate) fn mean_moving_range(mrs: &[f64], screen: bool) -> Option<f64> {
    let mr0 = stats::mean(mrs.iter().copied())?;
    if !screen {
        return Some(mr0);
    }
    let cut = D4 * mr0;
    // If every range were screened out (impossible for finite data: the largest range is at
    // most m × MR̄₀ only when the others are 0) keep the unscreened mean.
    Some(stats::mean(mrs.iter().copied().filter(|&m| m < cut)).unwrap_or(mr0))
}

/// Lines centre ± 1, 2, 3 × σ.
pub(crate) fn symmetric(centre: f64, sigma: f64) -> Lines {
    Lines {
        centre: Some(centre),
        lcl: Some(centre - 3.0 * sigma),
        ucl: Some(centre + 3.0 * sigma),
        lower_1sigma: Some(centre - sigma),
        upper_1sigma: Some(centre + sigma),
        lower_2sigma: Some(centre - 2.0 * sigma),
        upper_2sigma: Some(centre + 2.0 * sigma),
    }
}

/// A centre line with no limits.
pub(crate) fn centre_only(centre: Option<f64>) -> Lines {
    Lines {
        centre,
        ..Lines::default()
    }
}

/// Computes the lines of every point of the phase into `out` (same length as the phase).
pub(crate) fn compute(chart: ChartType, phase: &Phase<'_>, out: &mut [Lines]) {
    match chart {
        ChartType::Run => run(phase, out),
        ChartType::Xmr => xmr(phase, out),
        ChartType::Mr => attribute::mr(phase, out),
        ChartType::P => attribute::p(phase, out, false),
        ChartType::PPrime => attribute::p(phase, out, true),
        ChartType::U => attribute::u(phase, out, false),
        ChartType::UPrime => attribute::u(phase, out, true),
        ChartType::C => attribute::c(phase, out),
        ChartType::G => attribute::g(phase, out),
        ChartType::T => attribute::t(phase, out),
        ChartType::XbarS => subgroup::xbar_s(phase, out),
        ChartType::XbarR => subgroup::xbar_r(phase, out),
        ChartType::S => subgroup::s(phase, out),
        ChartType::R => subgroup::r(phase, out),
    }
}

/// Run chart: centre = median of the baseline values; no limits.
fn run(phase: &Phase<'_>, out: &mut [Lines]) {
    let mut ys: Vec<f64> = phase.base_values(|p| p.y).collect();
    let lines = centre_only(stats::median(&mut ys));
    out.fill(lines);
}

/// XmR (individuals) chart, NHS *Making Data Count*:
///
/// ```text
/// X̄ = mean(y),  MR_i = |y_i − y_{i−1}|,  MR̄ = mean(MR) (screened: MR < 3.267·MR̄₀)
/// UCL/LCL = X̄ ± E2·MR̄   with E2 = 2.66 (MDC, NHSRplotthedots) or 3/1.128 (qicharts2, Power BI)
/// σ̂ = E2·MR̄ / 3;  2σ lines X̄ ± 2σ̂;  1σ lines X̄ ± σ̂
/// ```
/// Wheeler & Chambers (1992) *Understanding Statistical Process Control*; NHS England (2019)
/// *Making Data Count*.
fn xmr(phase: &Phase<'_>, out: &mut [Lines]) {
    let centre = stats::mean(phase.base_values(|p| p.y));
    let mrs = phase.moving_ranges(|p| p.y);
    let mr_bar = mean_moving_range(&mrs, phase.rules.screen_moving_ranges);
    let lines = match (centre, mr_bar) {
        (Some(c), Some(mr)) => xmr_lines(c, mr, phase.rules.xmr_constant.value()),
        (c, _) => centre_only(c),
    };
    out.fill(lines);
}

/// XmR lines with the multipliers written as NHSRplotthedots writes them, so that values
/// exactly on a line compare the same way: 3σ = E2·MR̄, 2σ = (2·E2/3)·MR̄, 1σ = (E2/3)·MR̄.
pub(crate) fn xmr_lines(centre: f64, mr_bar: f64, e2: f64) -> Lines {
    let three = e2 * mr_bar;
    let two = (2.0 * e2 / 3.0) * mr_bar;
    let one = (e2 / 3.0) * mr_bar;
    Lines {
        centre: Some(centre),
        lcl: Some(centre - three),
        ucl: Some(centre + three),
        lower_1sigma: Some(centre - one),
        upper_1sigma: Some(centre + one),
        lower_2sigma: Some(centre - two),
        upper_2sigma: Some(centre + two),
    }
}
