//! Attribute and other single-value charts as qicharts2 0.8.1 computes them (REFERENCE.md §4.2):
//! MR, p, p′, u, u′, c, g and t.
//!
//! Every function fills one [`Lines`] per point of the phase. The centre line and σ come from
//! the phase's baseline points only ([`Phase::in_base`]); missing values never enter a sum.
//! Where the limits depend on the point's denominator `n_i` (p, p′, u, u′) a point without a
//! denominator gets the centre line only. A phase without baseline points gets no lines at all.

use super::{centre_only, mean_moving_range, symmetric, Phase, D2, D4};
use crate::prepare::Prepared;
use crate::result::Lines;
use crate::stats;

/// The MR (moving-range) chart. The plotted value of point `k` is its moving range
/// `|y_k − y_{k−1}|` (absent for the first point); this function only draws the lines:
///
/// ```text
/// CL = MR̄ = mean of the baseline moving ranges (never screened)
/// UCL = D4 · MR̄ = 3.267 · MR̄,   LCL = 0
/// upper k-σ line = (k/3) · UCL:  2σ = 2.178 · MR̄,  1σ = 1.089 · MR̄
/// lower 1σ and 2σ lines = 0
/// ```
/// qicharts2 `qic.mr` (CL, UCL, LCL and the 2σ lines `ucl.95 = (3.267/3)·2·CL`,
/// `lcl.95 = 0`) and Power BI SPC (`mr.ts`: 1σ/2σ at (3.267/3)·MR̄ and (2·3.267/3)·MR̄);
/// D. C. Montgomery, *Introduction to Statistical Quality Control*, moving-range chart.
/// The golden fixture `qic_7_1_1_mr` pins the 2σ line.
///
/// Note: these k-σ lines are fractions of the distance from 0, not from the centre line; the
/// distribution-based lines would be CL ± k·(D4 − 1)/3·MR̄ (2σ upper 2.511·MR̄). The references
/// agree on the former, so the engine follows them.
pub(crate) fn mr(phase: &Phase<'_>, out: &mut [Lines]) {
    let lines = match stats::mean(phase.base_values(|p| p.y)) {
        Some(cl) => Lines {
            centre: Some(cl),
            lcl: Some(0.0),
            ucl: Some(D4 * cl),
            lower_1sigma: Some(0.0),
            upper_1sigma: Some(D4 / 3.0 * cl),
            lower_2sigma: Some(0.0),
            upper_2sigma: Some(2.0 * D4 / 3.0 * cl),
        },
        None => centre_only(None),
    };
    out.fill(lines);
}

/// The p chart (`laney = false`) and Laney's p′ chart (`laney = true`), qicharts2 `qic.p` and
/// `qic.pp`:
///
/// ```text
/// CL = p̄ = Σd_i / Σn_i                    (baseline points; d_i = y_i · n_i)
/// σ_i = √(p̄(1 − p̄) / n_i)                   p chart (binomial)
/// σ_i' = σ_i · σ_z                          p′ chart, σ_z from [`laney_sigma_z`]
/// lines CL ± k·σ_i (k = 1, 2, 3), every line clipped to [0, 1]
/// ```
/// Montgomery, *Introduction to Statistical Quality Control* (fraction nonconforming chart);
/// Laney D.B. (2002) "Improved control charts for attributes",
/// *Quality Engineering* 14(4):531–537. qicharts2 clips only the 3σ and 2σ lines; the 1σ
/// lines, which it does not draw, are clipped the same way here.
pub(crate) fn p(phase: &Phase<'_>, out: &mut [Lines], laney: bool) {
    rate_chart(phase, out, laney, |cl| cl * (1.0 - cl), 1.0);
}

/// The u chart (`laney = false`) and Laney's u′ chart (`laney = true`), qicharts2 `qic.u` and
/// `qic.up`:
///
/// ```text
/// CL = ū = Σd_i / Σn_i                     (baseline points; d_i = y_i · n_i)
/// σ_i = √(ū / n_i)                          u chart (Poisson)
/// σ_i' = σ_i · σ_z                          u′ chart, σ_z from [`laney_sigma_z`]
/// lines CL ± k·σ_i (k = 1, 2, 3), lower lines clipped at 0
/// ```
/// Montgomery eq. 7.19 (as qicharts2 cites it); Laney (2002).
pub(crate) fn u(phase: &Phase<'_>, out: &mut [Lines], laney: bool) {
    rate_chart(phase, out, laney, |cl| cl, f64::INFINITY);
}

/// The c chart, qicharts2 `qic.c`:
///
/// ```text
/// CL = c̄ = mean of the baseline counts,  σ = √c̄,  lines CL ± k·σ, lower lines clipped at 0
/// ```
/// Montgomery eq. 7.17 (as qicharts2 cites it; Poisson counts).
pub(crate) fn c(phase: &Phase<'_>, out: &mut [Lines]) {
    let lines = match stats::mean(phase.base_values(|p| p.y)) {
        Some(cl) => clip(symmetric(cl, cl.max(0.0).sqrt()), 0.0, f64::INFINITY),
        None => centre_only(None),
    };
    out.fill(lines);
}

/// The g chart (opportunities between rare events), qicharts2 `qic.g`:
///
/// ```text
/// ḡ = mean of the baseline values,  σ = √(ḡ(ḡ + 1))            (geometric distribution)
/// limits ḡ ± k·σ, lower lines clipped at 0 (ḡ − σ < 0 always, so every lower line is 0)
/// displayed CL = median of the baseline values
/// ```
/// Benneyan J.C. (2001) "Number-between g-type statistical quality control charts for
/// monitoring adverse events", *Health Care Management Science* 4:305–318; Provost & Murray
/// (2011) *The Health Care Data Guide*, p. 228. The limits are about the mean but the centre
/// line drawn (and used by the runs analysis) is the median, because the geometric distribution
/// is skewed.
pub(crate) fn g(phase: &Phase<'_>, out: &mut [Lines]) {
    let mut ys: Vec<f64> = phase.base_values(|p| p.y).collect();
    let lines = match stats::mean(ys.iter().copied()) {
        Some(g_bar) => {
            let sigma = (g_bar * (g_bar + 1.0)).max(0.0).sqrt();
            Lines {
                centre: stats::median(&mut ys),
                ..clip(symmetric(g_bar, sigma), 0.0, f64::INFINITY)
            }
        }
        None => centre_only(None),
    };
    out.fill(lines);
}

/// Exponent of Nelson's transformation of exponential waiting times to near-normality.
const T_POWER: f64 = 3.6;

/// The t chart (time between rare events), qicharts2 `qic.t`: an I chart of
/// `x_i = y_i^(1/3.6)`, back-transformed.
///
/// ```text
/// x̄ = mean of the baseline x_i,  MR_i = |x_i − x_{i−1}| over consecutive baseline points
/// MR̄ screened if rules.screen_moving_ranges (drop MR ≥ 3.267·MR̄₀, once)
/// σ_x = MR̄ / 1.128   (always 3/1.128, as qicharts2: not rules.xmr_constant)
/// line = (x̄ ± k·σ_x)^3.6, and a lower line whose transformed value is negative is 0
/// ```
/// Nelson L.S. (1994) "A control chart for parts-per-million nonconforming items", *Journal of
/// Quality Technology* 26(3):239–240. **Deviation:** qicharts2 sets a
/// negative transformed 3σ LCL to 0 but leaves a negative 2σ lower line as NaN (absent); here
/// every lower line is clipped to 0, as Power BI SPC does.
pub(crate) fn t(phase: &Phase<'_>, out: &mut [Lines]) {
    // `prepare` keeps y^(1/3.6) in `mean` and y as entered. A line whose transformed value is
    // exactly a baseline point's takes that point's value, so that a constant series lies
    // exactly on its lines (32^(1/3.6) raised to 3.6 is 32.000000000000014).
    let transform = |p: &Prepared| p.mean;
    let base: Vec<(f64, f64)> = phase
        .base()
        .filter_map(|k| Some((phase.points[k].mean?, phase.points[k].y?)))
        .collect();
    let centre = stats::mean(phase.base_values(transform));
    let mr_bar = mean_moving_range(
        &phase.moving_ranges(transform),
        phase.rules.screen_moving_ranges,
    );
    let back = |x: f64| {
        base.iter()
            .find(|(t, _)| *t == x)
            .map_or_else(|| x.max(0.0).powf(T_POWER), |&(_, y)| y)
    };
    let lines = match (centre, mr_bar) {
        (Some(x_bar), Some(mr)) => {
            let s = symmetric(x_bar, mr / D2);
            Lines {
                centre: s.centre.map(back),
                lcl: s.lcl.map(back),
                ucl: s.ucl.map(back),
                lower_1sigma: s.lower_1sigma.map(back),
                upper_1sigma: s.upper_1sigma.map(back),
                lower_2sigma: s.lower_2sigma.map(back),
                upper_2sigma: s.upper_2sigma.map(back),
            }
        }
        (x_bar, _) => centre_only(x_bar.map(back)),
    };
    out.fill(lines);
}

/// p, p′, u and u′: pooled rate, per-point binomial or Poisson σ, optional Laney adjustment.
/// `variance(cl)` is the variance of one unit (p̄(1 − p̄) or ū); every line is clipped to
/// `[0, upper]`.
fn rate_chart(
    phase: &Phase<'_>,
    out: &mut [Lines],
    laney: bool,
    variance: impl Fn(f64) -> f64,
    upper: f64,
) {
    let Some(cl) = pooled_rate(phase) else {
        out.fill(centre_only(None));
        return;
    };
    // Rounding can push p̄(1 − p̄) a hair below 0 when p̄ is 1.
    let var = variance(cl).max(0.0);
    let sigma = |n: f64| (var / n).sqrt();
    // With zero unit variance (p̄ = 0 or 1, ū = 0) every σ_i is 0 and so is every σ_i', whatever
    // σ_z is (the z-scores themselves are undefined).
    let factor = if !laney || var == 0.0 {
        Some(1.0)
    } else {
        laney_sigma_z(phase, |p| match (p.y, p.n) {
            (Some(y), Some(n)) if n > 0.0 => Some((y - cl) / sigma(n)),
            _ => None,
        })
    };
    for (point, line) in phase.points.iter().zip(out.iter_mut()) {
        *line = match (point.n, factor) {
            (Some(n), Some(f)) if n > 0.0 => clip(symmetric(cl, sigma(n) * f), 0.0, upper),
            _ => centre_only(Some(cl)),
        };
    }
}

/// Σd_i / Σn_i over the baseline points; `None` without a baseline denominator.
fn pooled_rate(phase: &Phase<'_>) -> Option<f64> {
    let (d, n) = phase
        .base()
        .filter_map(|k| {
            let p = &phase.points[k];
            Some((p.numerator?, p.n?))
        })
        .fold((0.0, 0.0), |(sd, sn), (d, n)| (sd + d, sn + n));
    (n > 0.0).then(|| d / n)
}

/// Laney's σ_z for time-ordered data (qicharts2 `qic.pp`/`qic.up` with a numeric or date x):
///
/// ```text
/// z_i = (y_i − CL) / σ_i            (unadjusted σ_i, baseline points)
/// MR_z = |z_i − z_{i−1}| over consecutive baseline points (excluded points bridged, missing not)
/// MR̄_z screened if rules.screen_moving_ranges (drop MR_z ≥ 3.267·MR̄_z, once)
/// σ_z = MR̄_z / 1.128
/// ```
/// Laney (2002). `None` when fewer than two consecutive baseline points have a z-score. σ_z is
/// not floored at 1 (neither Laney nor qicharts2 nor Power BI floor it). The categorical variant
/// (σ_z = sample SD of z, qicharts2 with a factor x) is not offered: Gemba's x is always time.
fn laney_sigma_z(phase: &Phase<'_>, z: impl Fn(&Prepared) -> Option<f64>) -> Option<f64> {
    let mrs = phase.moving_ranges(z);
    mean_moving_range(&mrs, phase.rules.screen_moving_ranges).map(|mr| mr / D2)
}

/// Clips every limit line (not the centre) to `[lo, hi]`.
fn clip(lines: Lines, lo: f64, hi: f64) -> Lines {
    let f = |v: Option<f64>| v.map(|x| x.max(lo).min(hi));
    Lines {
        centre: lines.centre,
        lcl: f(lines.lcl),
        ucl: f(lines.ucl),
        lower_1sigma: f(lines.lower_1sigma),
        upper_1sigma: f(lines.upper_1sigma),
        lower_2sigma: f(lines.lower_2sigma),
        upper_2sigma: f(lines.upper_2sigma),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{ChartType, Rules};
    use crate::prepare::{prepare, Data};

    /// Relative tolerance for every expected value …
    const REL: f64 = 1e-6;
    /// … but never tighter than half a unit in the sixth decimal place, the precision to which
    /// REFERENCE.md §7 prints its worked examples.
    const PRINTED_6DP: f64 = 5e-7;

    fn check(what: &str, got: Option<f64>, expected: f64) {
        assert!(got.is_some(), "{what}: got no line, expected {expected}");
        let got = got.unwrap_or(f64::NAN);
        let tol = (REL * expected.abs()).max(PRINTED_6DP);
        assert!(
            (got - expected).abs() <= tol,
            "{what}: got {got}, expected {expected} (tolerance {tol})"
        );
    }

    type Chart = fn(&Phase<'_>, &mut [Lines]);

    /// Lines of a phase in which every point is in the baseline, with the given rules.
    fn lines_with(
        chart: impl Fn(&Phase<'_>, &mut [Lines]),
        points: &[Prepared],
        excluded: &[bool],
        baseline_len: usize,
        rules: &Rules,
    ) -> Vec<Lines> {
        let phase = Phase {
            points,
            excluded,
            baseline_len,
            rules,
        };
        let mut out = vec![Lines::default(); points.len()];
        chart(&phase, &mut out);
        out
    }

    /// Lines with every point in the baseline and the `mdc` rules (screening on).
    fn lines(chart: impl Fn(&Phase<'_>, &mut [Lines]), points: &[Prepared]) -> Vec<Lines> {
        let excluded = vec![false; points.len()];
        lines_with(chart, points, &excluded, points.len(), &Rules::MDC)
    }

    fn values(ys: &[Option<f64>]) -> Vec<Prepared> {
        ys.iter()
            .map(|&y| Prepared {
                y,
                // What `prepare` gives the t chart; the other charts here ignore it.
                mean: y.map(|v| v.powf(1.0 / T_POWER)),
                ..Prepared::default()
            })
            .collect()
    }

    fn ratios(chart: ChartType, d: &[Option<f64>], n: &[Option<f64>]) -> Vec<Prepared> {
        let data = Data::Ratios {
            numerators: d,
            denominators: n,
        };
        let prepared = prepare(chart, data, false);
        assert!(prepared.is_ok(), "test data rejected: {prepared:?}");
        prepared.unwrap_or_default()
    }

    fn some(xs: &[f64]) -> Vec<Option<f64>> {
        xs.iter().copied().map(Some).collect()
    }

    fn p_chart(ph: &Phase<'_>, out: &mut [Lines]) {
        p(ph, out, false)
    }
    fn p_prime(ph: &Phase<'_>, out: &mut [Lines]) {
        p(ph, out, true)
    }
    fn u_chart(ph: &Phase<'_>, out: &mut [Lines]) {
        u(ph, out, false)
    }
    fn u_prime(ph: &Phase<'_>, out: &mut [Lines]) {
        u(ph, out, true)
    }

    // REFERENCE.md §7.3 (qicharts2 0.8.1, regenerated in R per §0).
    const P_D: [f64; 5] = [12.0, 15.0, 9.0, 20.0, 14.0];
    const P_N: [f64; 5] = [100.0, 120.0, 90.0, 150.0, 110.0];

    #[test]
    fn p_chart_reference_7_3() {
        let pts = ratios(ChartType::P, &some(&P_D), &some(&P_N));
        let out = lines(p_chart as Chart, &pts);
        // (i, LCL, UCL) from the §7.3 table; p̄ = 70/570.
        let table = [
            (0, 0.024342, 0.221272),
            (1, 0.032921, 0.212693),
            (2, 0.019016, 0.226598),
            (3, 0.042411, 0.203203),
            (4, 0.028925, 0.216689),
        ];
        for (i, lcl, ucl) in table {
            check(&format!("p centre {i}"), out[i].centre, 70.0 / 570.0);
            check(&format!("p LCL {i}"), out[i].lcl, lcl);
            check(&format!("p UCL {i}"), out[i].ucl, ucl);
        }
        // 2σ and 1σ lines of point 1 by hand: p̄(1 − p̄) = 0.12280702·0.87719298 = 0.10772545,
        // σ_1 = √(0.10772545/100) = 0.03282156 → upper 2σ = 0.12280702 + 0.06564311 = 0.18845013,
        // lower 1σ = 0.12280702 − 0.03282156 = 0.08998546.
        check("p upper 2σ 1", out[0].upper_2sigma, 0.18845013);
        check("p lower 1σ 1", out[0].lower_1sigma, 0.08998546);
    }

    #[test]
    fn p_prime_reference_7_3() {
        let pts = ratios(ChartType::PPrime, &some(&P_D), &some(&P_N));
        let out = lines(p_prime as Chart, &pts);
        // σ_z = 0.486089; (i, LCL, UCL) of p′ from §7.3.
        let table = [
            (0, 0.074944, 0.170670),
            (1, 0.079115, 0.166499),
            (2, 0.072355, 0.173259),
            (3, 0.083727, 0.161887),
            (4, 0.077172, 0.168442),
        ];
        for (i, lcl, ucl) in table {
            check(&format!("p′ centre {i}"), out[i].centre, 0.122807);
            check(&format!("p′ LCL {i}"), out[i].lcl, lcl);
            check(&format!("p′ UCL {i}"), out[i].ucl, ucl);
        }
    }

    #[test]
    fn p_lines_are_clipped_to_zero_and_one() {
        // d = [1, 9], n = [10, 10]: p̄ = 10/20 = 0.5, σ = √(0.25/10) = 0.158114;
        // 3σ = 0.474342 → [0.025658, 0.974342] (inside); with n = 2: σ = √(0.25/2) = 0.353553,
        // 3σ = 1.060660 → LCL −0.560660 → 0, UCL 1.560660 → 1; 2σ = 0.707107 → 0.5 ± 0.707107
        // → 0 and 1; 1σ → [0.146447, 0.853553].
        let pts = ratios(
            ChartType::P,
            &some(&[1.0, 9.0, 1.0]),
            &some(&[10.0, 10.0, 2.0]),
        );
        let out = lines(p_chart as Chart, &pts);
        // p̄ = 11/22 = 0.5 with the third point too.
        check("centre", out[2].centre, 0.5);
        check("LCL n=2", out[2].lcl, 0.0);
        check("UCL n=2", out[2].ucl, 1.0);
        check("lower 2σ n=2", out[2].lower_2sigma, 0.0);
        check("upper 2σ n=2", out[2].upper_2sigma, 1.0);
        check("lower 1σ n=2", out[2].lower_1sigma, 0.146447);
        check("upper 1σ n=2", out[2].upper_1sigma, 0.853553);
        check("LCL n=10", out[0].lcl, 0.025658);
        check("UCL n=10", out[0].ucl, 0.974342);
    }

    #[test]
    fn p_all_zero_and_all_one_give_limits_on_the_centre() {
        // p̄ = 0: σ_i = 0, so every line is 0 (p′ too: σ_z is undefined but irrelevant).
        for chart in [p_chart as Chart, p_prime] {
            let pts = ratios(
                ChartType::P,
                &some(&[0.0, 0.0, 0.0]),
                &some(&[5.0, 8.0, 9.0]),
            );
            let out = lines(chart, &pts);
            assert_eq!(out[1], symmetric(0.0, 0.0));
            let pts = ratios(
                ChartType::P,
                &some(&[5.0, 8.0, 9.0]),
                &some(&[5.0, 8.0, 9.0]),
            );
            let out = lines(chart, &pts);
            assert_eq!(out[1], symmetric(1.0, 0.0));
        }
    }

    #[test]
    fn u_chart_reference_7_4() {
        let d = some(&[4.0, 7.0, 3.0, 9.0, 5.0]);
        let n = some(&[2.0, 2.5, 1.5, 3.0, 2.0]);
        let pts = ratios(ChartType::U, &d, &n);
        let out = lines(u_chart as Chart, &pts);
        let ucl = [5.929911, 5.572604, 6.453488, 5.308852, 5.929911];
        // Hand: lower 2σ = ū − 2σ_i = 2.545455 − 2·[1.128152, 1.009050, 1.302678, 0.921132,
        // 1.128152] = [0.289150, 0.527355, −0.059901 → 0, 0.703190, 0.289150].
        let lower_2sigma = [0.289150, 0.527355, 0.0, 0.703190, 0.289150];
        for (i, (&ucl, &l2)) in ucl.iter().zip(&lower_2sigma).enumerate() {
            check(&format!("u centre {i}"), out[i].centre, 28.0 / 11.0);
            check(&format!("u UCL {i}"), out[i].ucl, ucl);
            check(&format!("u LCL {i}"), out[i].lcl, 0.0);
            check(&format!("u lower 2σ {i}"), out[i].lower_2sigma, l2);
        }
        // Hand: point 1, σ_1 = 1.128152 → lower 1σ = 2.545455 − 1.128152 = 1.417303,
        // upper 2σ = 2.545455 + 2.256304 = 4.801759.
        check("u lower 1σ 1", out[0].lower_1sigma, 1.417303);
        check("u upper 2σ 1", out[0].upper_2sigma, 4.801759);
    }

    #[test]
    fn u_prime_on_the_u_example() {
        // Hand arithmetic (same data as §7.4 u): ū = 28/11 = 2.5454545, y = d/n =
        // [2, 2.8, 2, 3, 2.5]; z_i = (y_i − ū)/σ_i with σ_i from §7.4:
        // z = [−0.4834938, 0.2522625, −0.4187179, 0.4934638, −0.0402911];
        // MR_z = [0.7357563, 0.6709804, 0.9121817, 0.5337549], MR̄_z = 2.8526732/4 = 0.7131683
        // (cut 3.267·0.7131683 = 2.3299209 removes none); σ_z = 0.7131683/1.128 = 0.6322414.
        // Point 3: σ' = 1.3026780·0.6322414 = 0.8236063 → 3σ' = 2.4708190,
        // UCL = 2.5454545 + 2.4708190 = 5.0162735 (5.016275 with unrounded steps),
        // LCL = 2.5454545 − 2.4708190 = 0.0746355 (0.074634; positive, not clipped).
        let d = some(&[4.0, 7.0, 3.0, 9.0, 5.0]);
        let n = some(&[2.0, 2.5, 1.5, 3.0, 2.0]);
        let pts = ratios(ChartType::UPrime, &d, &n);
        let out = lines(u_prime as Chart, &pts);
        check("u′ UCL 3", out[2].ucl, 5.016275);
        check("u′ LCL 3", out[2].lcl, 0.074634);
        // Point 4: σ' = 0.9211324·0.6322414 = 0.5823781 → UCL = 2.5454545 + 1.7471343 = 4.2925888.
        check("u′ UCL 4", out[3].ucl, 4.292589);
    }

    #[test]
    fn c_chart_reference_7_4() {
        let pts = values(&some(&[3.0, 5.0, 2.0, 6.0, 4.0, 7.0, 3.0, 2.0]));
        let out = lines(c as Chart, &pts);
        for l in &out {
            check("c centre", l.centre, 4.0);
            check("c UCL", l.ucl, 10.0);
            check("c upper 2σ", l.upper_2sigma, 8.0);
            check("c LCL", l.lcl, 0.0);
            // Hand: 4 − 2·2 = 0; 4 − 2 = 2; 4 + 2 = 6.
            check("c lower 2σ", l.lower_2sigma, 0.0);
            check("c lower 1σ", l.lower_1sigma, 2.0);
            check("c upper 1σ", l.upper_1sigma, 6.0);
        }
    }

    #[test]
    fn g_chart_reference_7_4() {
        let pts = values(&some(&[12.0, 30.0, 5.0, 48.0, 20.0, 9.0, 60.0, 15.0]));
        let out = lines(g as Chart, &pts);
        for l in &out {
            check("g centre (median)", l.centre, 17.5);
            check("g UCL", l.ucl, 100.985220);
            check("g upper 2σ", l.upper_2sigma, 75.615147);
            // Hand: ḡ + σ = 24.875 + 25.370073 = 50.245073.
            check("g upper 1σ", l.upper_1sigma, 50.245073);
            check("g LCL", l.lcl, 0.0);
            check("g lower 2σ", l.lower_2sigma, 0.0);
            check("g lower 1σ", l.lower_1sigma, 0.0);
        }
    }

    #[test]
    fn t_chart_reference_7_4() {
        let pts = values(&some(&[10.0, 25.0, 7.0, 40.0, 18.0, 12.0, 33.0, 22.0]));
        let out = lines(t as Chart, &pts);
        for l in &out {
            check("t centre", l.centre, 18.795302);
            check("t UCL", l.ucl, 122.743033);
            check("t LCL", l.lcl, 0.296691);
            check("t upper 2σ", l.upper_2sigma, 72.697541);
        }
    }

    #[test]
    fn t_chart_lower_lines_clip_at_zero() {
        // y = [1, 100, 1, 100] → x = y^(1/3.6) = [1, 3.593814, 1, 3.593814]; x̄ = 2.296907;
        // MR = 2.593814 (three times) → σ_x = 2.593814/1.128 = 2.299480.
        // x̄ − σ_x = −0.002573 < 0, so all three lower lines are 0;
        // upper 1σ = 4.596387^3.6 = 242.4933; UCL = 9.195348^3.6 = 2943.373.
        let pts = values(&some(&[1.0, 100.0, 1.0, 100.0]));
        let out = lines(t as Chart, &pts);
        check("t LCL", out[0].lcl, 0.0);
        check("t lower 2σ", out[0].lower_2sigma, 0.0);
        check("t lower 1σ", out[0].lower_1sigma, 0.0);
        check("t upper 1σ", out[0].upper_1sigma, 242.4933);
        assert!((out[0].ucl.unwrap_or(0.0) - 2943.373).abs() < 1e-3);
    }

    #[test]
    fn mr_chart_reference_7_4() {
        // §7.1.1 y = [10, 12, 11, 13, 12, 14, 13, 11, 12, 10, 11, 12]; the engine plots the
        // moving ranges, so y of point k is MR_k (none for point 1).
        let mut ys = vec![None];
        ys.extend(some(&[
            2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0,
        ]));
        let out = lines(mr as Chart, &values(&ys));
        for l in &out {
            check("MR centre", l.centre, 1.454545);
            check("MR UCL", l.ucl, 4.752000);
            check("MR LCL", l.lcl, 0.0);
            // Hand: upper 2σ = (2/3)·4.752 = 3.168 (= 2.178·16/11, REFERENCE §4.2 and the
            // qicharts2 golden fixture qic_7_1_1_mr); upper 1σ = 4.752/3 = 1.584; lower lines 0.
            check("MR upper 2σ", l.upper_2sigma, 3.168);
            check("MR upper 1σ", l.upper_1sigma, 1.584);
            check("MR lower 1σ", l.lower_1sigma, 0.0);
            check("MR lower 2σ", l.lower_2sigma, 0.0);
        }
    }

    #[test]
    fn missing_values_do_not_enter_the_sums() {
        // c: [3, –, 5, 4] → c̄ = 12/3 = 4, σ = 2, UCL = 10; the missing point still gets lines.
        let out = lines(
            c as Chart,
            &values(&[Some(3.0), None, Some(5.0), Some(4.0)]),
        );
        check("c centre at the gap", out[1].centre, 4.0);
        check("c UCL", out[1].ucl, 10.0);

        // p with a missing numerator at point 2: p̄ = (12 + 9)/(100 + 90) = 21/190 = 0.1105263;
        // point 2 keeps its own n = 120: σ = √(0.1105263·0.8894737/120) = 0.0286226,
        // UCL = 0.1105263 + 0.0858677 = 0.1963940.
        let d = [Some(12.0), None, Some(9.0)];
        let n = some(&[100.0, 120.0, 90.0]);
        let out = lines(p_chart as Chart, &ratios(ChartType::P, &d, &n));
        check("p centre", out[1].centre, 0.110526);
        check("p UCL at the gap", out[1].ucl, 0.196394);

        // p′: the gap breaks the moving ranges of z (missing values are not bridged), so the
        // baseline [12/100, –, 9/90] has no moving range: centre only.
        let out = lines(p_prime as Chart, &ratios(ChartType::PPrime, &d, &n));
        check("p′ centre", out[0].centre, 0.110526);
        assert_eq!(out[0].ucl, None);

        // t: [10, –, 25] has no moving range either.
        let out = lines(t as Chart, &values(&[Some(10.0), None, Some(25.0)]));
        assert_eq!(out[2].ucl, None);
        // centre = ((10^(1/3.6) + 25^(1/3.6))/2)^3.6 = ((1.8957357 + 2.4452128)/2)^3.6
        //        = 2.1704742^3.6 = exp(3.6 · ln 2.1704742) = exp(3.6 · 0.7749457) = 16.27784
        check("t centre", out[2].centre, 16.27784);
    }

    #[test]
    fn one_point_phase() {
        // c with one point 9: c̄ = 9, σ = 3, UCL = 18, LCL = 0.
        let out = lines(c as Chart, &values(&[Some(9.0)]));
        check("c UCL", out[0].ucl, 18.0);
        check("c LCL", out[0].lcl, 0.0);
        // g with one point 3: median 3, σ = √(3·4) = 3.464102, UCL = 3 + 10.392305 = 13.392305.
        let out = lines(g as Chart, &values(&[Some(3.0)]));
        check("g centre", out[0].centre, 3.0);
        check("g UCL", out[0].ucl, 13.392305);
        // t, MR-based: a single point has no moving range → centre only (8 = 8^(1/3.6)^3.6).
        let out = lines(t as Chart, &values(&[Some(8.0)]));
        check("t centre", out[0].centre, 8.0);
        assert_eq!(out[0].ucl, None);
        // p′ likewise; p has binomial limits from the one point:
        // p̄ = 0.2, σ = √(0.16/100) = 0.04 → [0.08, 0.32].
        let pts = ratios(ChartType::P, &some(&[20.0]), &some(&[100.0]));
        let out = lines(p_prime as Chart, &pts);
        assert_eq!(out[0], centre_only(Some(0.2)));
        let out = lines(p_chart as Chart, &pts);
        check("p LCL", out[0].lcl, 0.08);
        check("p UCL", out[0].ucl, 0.32);
        // MR with only the first point: no moving range, no lines at all.
        let out = lines(mr as Chart, &values(&[None]));
        assert_eq!(out[0], centre_only(None));
    }

    #[test]
    fn constant_phase() {
        // t of a constant series: MR̄ = 0 → every line on the centre 5.
        let out = lines(t as Chart, &values(&some(&[5.0; 4])));
        for v in [out[0].centre, out[0].lcl, out[0].ucl, out[0].lower_2sigma] {
            check("t constant", v, 5.0);
        }
        // p′ with identical proportions and sizes: z = 0 everywhere → σ_z = 0 → lines on p̄.
        let pts = ratios(ChartType::PPrime, &some(&[3.0; 4]), &some(&[10.0; 4]));
        let out = lines(p_prime as Chart, &pts);
        assert_eq!(out[3], symmetric(0.3, 0.0));
        // MR of a constant series: MR̄ = 0 → all lines 0.
        let out = lines(mr as Chart, &values(&[None, Some(0.0), Some(0.0)]));
        assert_eq!(out[1], symmetric(0.0, 0.0));
    }

    #[test]
    fn no_baseline_points_means_no_lines() {
        let charts: [Chart; 8] = [mr, p_chart, p_prime, u_chart, u_prime, c, g, t];
        for chart in charts {
            let pts = ratios(ChartType::P, &some(&[1.0, 2.0]), &some(&[10.0, 10.0]));
            let out = lines_with(chart, &pts, &[true, true], 2, &Rules::MDC);
            assert!(out.iter().all(|l| *l == centre_only(None)));
            let out = lines_with(chart, &values(&[None, None]), &[false; 2], 2, &Rules::MDC);
            assert!(out.iter().all(|l| *l == centre_only(None)));
        }
    }

    #[test]
    fn excluded_points_are_bridged_and_screening_follows_the_rules() {
        // c: excluded point 2 (1000) leaves c̄ = (3 + 5 + 4)/3 = 4.
        let pts = values(&some(&[3.0, 1000.0, 5.0, 4.0]));
        let out = lines_with(
            c as Chart,
            &pts,
            &[false, true, false, false],
            4,
            &Rules::MDC,
        );
        check("c centre without the excluded point", out[1].centre, 4.0);

        // t of §7.4 with an excluded 1000 inserted after the first point: the excluded point is
        // bridged (MR between 10 and 25 is taken), so the lines are exactly those of §7.4.
        let pts = values(&some(&[
            10.0, 1000.0, 25.0, 7.0, 40.0, 18.0, 12.0, 33.0, 22.0,
        ]));
        let mut excluded = [false; 9];
        excluded[1] = true;
        let out = lines_with(t as Chart, &pts, &excluded, 9, &Rules::MDC);
        check("t centre, bridged", out[1].centre, 18.795302);
        check("t UCL, bridged", out[1].ucl, 122.743033);
        check("t LCL, bridged", out[1].lcl, 0.296691);

        // Laney screening: z-scores chosen so that one moving range is huge.
        // u with n = 1 everywhere: ū = mean(y), σ_i = √ū, z_i = (y_i − ū)/√ū.
        // y = [1, 3, 1, 3, 1, 3, 1, 3, 1, 23]: Σ = 40, ū = 4, √ū = 2,
        // z = [−1.5, −0.5, …, −1.5, 9.5]; MR_z = eight 1s and one 11 → MR̄₀ = 19/9 = 2.111111,
        // cut 3.267·2.111111 = 6.897 drops the 11 → MR̄ = 1, σ_z = 1/1.128 = 0.886525;
        // UCL = 4 + 3·2·0.886525 = 9.319149. Without screening σ_z = 2.111111/1.128 = 1.871552,
        // UCL = 4 + 6·1.871552 = 15.229314.
        let y = some(&[1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, 23.0]);
        let pts = ratios(ChartType::UPrime, &y, &some(&[1.0; 10]));
        let out = lines(u_prime as Chart, &pts);
        check("u′ UCL screened", out[0].ucl, 9.319149);
        let off = Rules {
            screen_moving_ranges: false,
            ..Rules::MDC
        };
        let out = lines_with(u_prime as Chart, &pts, &[false; 10], 10, &off);
        check("u′ UCL unscreened", out[0].ucl, 15.229314);
    }

    #[test]
    fn fixed_baseline_uses_only_the_first_points() {
        // c = [2, 6, 100]: baseline of 2 → c̄ = 4, UCL = 10, applied to all three points.
        let pts = values(&some(&[2.0, 6.0, 100.0]));
        let out = lines_with(c as Chart, &pts, &[false; 3], 2, &Rules::MDC);
        check("c centre", out[2].centre, 4.0);
        check("c UCL", out[2].ucl, 10.0);
    }
}
