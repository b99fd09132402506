//! Subgroup charts: Xbar with S (qicharts2 0.8.1 `qic.xbar`), S (`qic.s`), and the textbook
//! Xbar with R and R charts (qicharts2 has none; D. C. Montgomery,
//! *Introduction to Statistical Quality Control*, control charts for x̄ and R).
//!
//! Each point is one subgroup: `n` its size, `mean`, `sd` (n − 1 denominator) and `range`.
//! The limits vary with the subgroup size `n_i`; a point whose size gives no constant (n < 2, or
//! n > 25 for the range charts) gets the centre line only.

use super::{centre_only, symmetric, Phase};
use crate::result::Lines;
use crate::stats;
use std::f64::consts::FRAC_2_SQRT_PI;

/// The Xbar chart with limits from the subgroup standard deviations (qicharts2 `qic.xbar`):
///
/// ```text
/// CL = x̿ = Σ n_i x̄_i / Σ n_i                                   (baseline subgroups)
/// s = s̄ = mean(s_i)                              if every subgroup of the phase has the same n
/// s = s_p = √(Σ(n_i − 1)s_i² / Σ(n_i − 1))       otherwise (pooled)
/// lines CL ± (k/3)·A3(n_i)·s,  A3(n) = 3 / (c4(n)·√n),  k = 1, 2, 3
/// ```
/// Montgomery, *Introduction to Statistical Quality Control*, eqs 6.29–6.31 as qicharts2
/// cites them; c4 exact from ln Γ as qicharts2 computes it (NEWS 0.5.1). Like qicharts2,
/// "same n" is judged over every subgroup of the phase, including those after a fixed
/// baseline.
pub(crate) fn xbar_s(phase: &Phase<'_>, out: &mut [Lines]) {
    let Some(cl) = grand_mean(phase) else {
        out.fill(centre_only(None));
        return;
    };
    let s = sd_estimate(phase);
    for (point, line) in phase.points.iter().zip(out.iter_mut()) {
        *line = match (s, point.n.and_then(|n| a_factor(n, 3.0))) {
            (Some(s), Some(a3)) => symmetric(cl, a3 * s / 3.0),
            _ => centre_only(Some(cl)),
        };
    }
}

/// The Xbar chart with limits from the subgroup ranges:
///
/// ```text
/// CL = x̿ = Σ n_i x̄_i / Σ n_i                                   (baseline subgroups)
/// σ̂ = mean(R_i / d2(n_i))                                     (baseline subgroups, n_i ≤ 25)
/// lines CL ± k·σ̂/√n_i,  k = 1, 2, 3
/// ```
/// With a constant subgroup size σ̂ = R̄/d2(n) and the 3σ limits are the textbook
/// `CL ± A2(n)·R̄`, `A2 = 3/(d2·√n)` (Montgomery; ASTM MNL 7A). For unequal sizes
/// averaging the per-subgroup unbiased estimates R_i/d2(n_i) is our generalisation.
/// d2 from [`D2_D3`].
pub(crate) fn xbar_r(phase: &Phase<'_>, out: &mut [Lines]) {
    let Some(cl) = grand_mean(phase) else {
        out.fill(centre_only(None));
        return;
    };
    let sigma = sigma_from_ranges(phase);
    for (point, line) in phase.points.iter().zip(out.iter_mut()) {
        let n = point.n.filter(|&n| d2_d3(n).is_some());
        *line = match (sigma, n) {
            (Some(sigma), Some(n)) => symmetric(cl, sigma / n.sqrt()),
            _ => centre_only(Some(cl)),
        };
    }
}

/// The S chart (qicharts2 `qic.s`):
///
/// ```text
/// CL = s̄ (constant n) or s_p (varying n), as in [`xbar_s`]
/// UCL = B4(n_i)·CL,  LCL = B3(n_i)·CL
/// B4(n) = 1 + 3·c5/c4,  B3(n) = max(0, 1 − 3·c5/c4),  c5 = √(1 − c4²)
/// k-σ lines: CL·(1 ± k·c5/c4), lower lines clipped at 0
/// ```
/// Montgomery, s chart with s̄ (s_p for varying n: eq. 6.31 as qicharts2 cites it). As in
/// qicharts2 the centre line is the same for every subgroup size (strictly `E[s] = c4(n)·σ`
/// varies with n).
pub(crate) fn s(phase: &Phase<'_>, out: &mut [Lines]) {
    let Some(cl) = sd_estimate(phase) else {
        out.fill(centre_only(None));
        return;
    };
    for (point, line) in phase.points.iter().zip(out.iter_mut()) {
        *line = match point.n.and_then(|n| Some((n, c4(n)?))) {
            Some((n, _)) => {
                let lower = |k: f64| b_lower(n, k).map(|b| b * cl);
                let upper = |k: f64| b_upper(n, k).map(|b| b * cl);
                Lines {
                    centre: Some(cl),
                    lcl: lower(3.0),
                    ucl: upper(3.0),
                    lower_1sigma: lower(1.0),
                    upper_1sigma: upper(1.0),
                    lower_2sigma: lower(2.0),
                    upper_2sigma: upper(2.0),
                }
            }
            None => centre_only(Some(cl)),
        };
    }
}

/// The R chart:
///
/// ```text
/// σ̂ = mean(R_i / d2(n_i)) over the baseline subgroups   (= R̄/d2 for constant n)
/// CL_i = d2(n_i)·σ̂                                         (= R̄ for constant n)
/// UCL = D4(n_i)·CL_i,  LCL = D3(n_i)·CL_i
/// D4 = 1 + 3·d3/d2,  D3 = max(0, 1 − 3·d3/d2)
/// k-σ lines: CL_i ± k·d3(n_i)·σ̂, lower lines clipped at 0
/// ```
/// Montgomery, R chart (σ_R = d3·σ); d2, d3 from [`D2_D3`]. For unequal
/// subgroup sizes the per-size centre line d2(n_i)·σ̂ is our generalisation (with one size it is
/// exactly R̄). Subgroups larger than 25 have no constants: their points get the centre line R̄
/// (plain mean of the baseline ranges) and no limits; use the S chart for large subgroups.
pub(crate) fn r(phase: &Phase<'_>, out: &mut [Lines]) {
    let r_bar = stats::mean(phase.base_values(|p| p.range));
    let sigma = sigma_from_ranges(phase);
    for (point, line) in phase.points.iter().zip(out.iter_mut()) {
        *line = match (sigma, point.n.and_then(d2_d3)) {
            (Some(sigma), Some((d2, d3))) => {
                let cl = d2 * sigma;
                let l = symmetric(cl, d3 * sigma);
                Lines {
                    lcl: l.lcl.map(|v| v.max(0.0)),
                    lower_1sigma: l.lower_1sigma.map(|v| v.max(0.0)),
                    lower_2sigma: l.lower_2sigma.map(|v| v.max(0.0)),
                    ..l
                }
            }
            _ => centre_only(r_bar),
        };
    }
}

/// Σ n_i x̄_i / Σ n_i over the baseline subgroups.
fn grand_mean(phase: &Phase<'_>) -> Option<f64> {
    let (sum, count) = phase
        .base()
        .filter_map(|k| {
            let p = &phase.points[k];
            Some((p.n? * p.mean?, p.n?))
        })
        .fold((0.0, 0.0), |(s, c), (x, n)| (s + x, c + n));
    (count > 0.0).then(|| sum / count)
}

/// s̄ = mean of the baseline subgroup SDs when every subgroup of the phase has the same size,
/// otherwise the pooled s_p = √(Σ(n_i − 1)s_i² / Σ(n_i − 1)) (qicharts2 `qic.xbar`, `qic.s`).
fn sd_estimate(phase: &Phase<'_>) -> Option<f64> {
    let mut sizes = phase.points.iter().filter_map(|p| p.n);
    let varying = match sizes.next() {
        Some(first) => sizes.any(|n| n != first),
        None => false,
    };
    if !varying {
        return stats::mean(phase.base_values(|p| p.sd));
    }
    let (ss, df) = phase
        .base()
        .filter_map(|k| {
            let p = &phase.points[k];
            Some(((p.n? - 1.0) * p.sd? * p.sd?, p.n? - 1.0))
        })
        .fold((0.0, 0.0), |(a, b), (ss, df)| (a + ss, b + df));
    (df > 0.0).then(|| (ss / df).sqrt())
}

/// σ̂ = mean(R_i / d2(n_i)) over the baseline subgroups whose size has a d2.
fn sigma_from_ranges(phase: &Phase<'_>) -> Option<f64> {
    stats::mean(phase.base_values(|p| Some(p.range? / d2_d3(p.n?)?.0)))
}

/// `k / (c4(n)·√n)`: A3(n) for k = 3 (qicharts2 `a3`, with `use.95` k = 2).
fn a_factor(n: f64, k: f64) -> Option<f64> {
    Some(k / (c4(n)? * n.sqrt()))
}

/// `1 + k·c5(n)/c4(n)`: B4(n) for k = 3 (qicharts2 `b4`).
fn b_upper(n: f64, k: f64) -> Option<f64> {
    let c4 = c4(n)?;
    Some(1.0 + k * c5(c4) / c4)
}

/// `max(0, 1 − k·c5(n)/c4(n))`: B3(n) for k = 3 (qicharts2 `b3`).
fn b_lower(n: f64, k: f64) -> Option<f64> {
    let c4 = c4(n)?;
    Some((1.0 - k * c5(c4) / c4).max(0.0))
}

/// Bias-correction constant of the sample SD, `E[s] = c4(n)·σ` for normal data:
///
/// ```text
/// c4(n) = √(2/(n − 1)) · Γ(n/2) / Γ((n − 1)/2)     (n ≥ 2; c4(2) = 0.797885, c4(4) = 0.921318)
/// ```
/// Montgomery, Appendix VI (factors for variables control charts); computed through ln Γ so
/// that it does not overflow.
/// `None` for n < 2 (or a non-finite n).
fn c4(n: f64) -> Option<f64> {
    if !(n >= 2.0 && n.is_finite()) {
        return None;
    }
    let c = (2.0 / (n - 1.0)).sqrt()
        * (stats::ln_gamma(n / 2.0) - stats::ln_gamma((n - 1.0) / 2.0)).exp();
    c.is_finite().then_some(c)
}

/// c5 = √(1 − c4²), the SD of s in units of σ.
fn c5(c4: f64) -> f64 {
    (1.0 - c4 * c4).max(0.0).sqrt()
}

/// d2(n) = `E[W]` and d3(n) = `SD[W]` of the range W of n independent standard normal values, for
/// n = 2..=25, to six significant figures.
///
/// Source: the defining integrals (Tippett 1925, *Biometrika* 17:364–387;
/// `d2 = ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx`, d3 from `E[W²]`) evaluated numerically for Gemba (mpmath
/// quadrature, 12 digits). They round to the 3-decimal table of Montgomery, Appendix VI,
/// and ASTM MNL 7A (d2: 1.128, 1.693, 2.059, … 3.931; d3: 0.853, 0.888, 0.880, … 0.708), and
/// match the closed forms d2(2) = 2/√π, d3(2) = √(2 − 4/π), d2(3) = 3/√π. Six figures rather
/// than the printed three so that D3, D4 and A2 reproduce the published tables (from the
/// 3-decimal d2, d3 one would get D4(2) = 3.269 instead of 3.267).
const D2_D3: [(f64, f64); 24] = [
    (FRAC_2_SQRT_PI, 0.852_502),       // 2: 2/√π
    (1.5 * FRAC_2_SQRT_PI, 0.888_368), // 3: 3/√π
    (2.058_75, 0.879_808),             // 4
    (2.325_93, 0.864_082),             // 5
    (2.534_41, 0.848_040),             // 6
    (2.704_36, 0.833_205),             // 7
    (2.847_20, 0.819_831),             // 8
    (2.970_03, 0.807_834),             // 9
    (3.077_51, 0.797_051),             // 10
    (3.172_87, 0.787_315),             // 11
    (3.258_46, 0.778_478),             // 12
    (3.335_98, 0.770_416),             // 13
    (3.406_76, 0.763_023),             // 14
    (3.471_83, 0.756_211),             // 15
    (3.531_98, 0.749_908),             // 16
    (3.587_88, 0.744_052),             // 17
    (3.640_06, 0.738_591),             // 18
    (3.688_96, 0.733_481),             // 19
    (3.734_95, 0.728_686),             // 20
    (3.778_34, 0.724_173),             // 21
    (3.819_38, 0.719_915),             // 22
    (3.858_32, 0.715_887),             // 23
    (3.895_35, 0.712_068),             // 24
    (3.930_63, 0.708_441),             // 25
];

/// (d2, d3) for a whole subgroup size 2..=25.
fn d2_d3(n: f64) -> Option<(f64, f64)> {
    if !(2.0..=25.0).contains(&n) || n.fract() != 0.0 {
        return None;
    }
    D2_D3.get(n as usize - 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{ChartType, Rules};
    use crate::prepare::{prepare, Data, Prepared};

    /// Relative tolerance for every expected value …
    const REL: f64 = 1e-6;
    /// … but never tighter than half a unit in the sixth decimal place, the precision to which
    /// REFERENCE.md §7 and the hand arithmetic below print their values.
    const PRINTED_6DP: f64 = 5e-7;

    fn check_tol(what: &str, got: Option<f64>, expected: f64, tol: f64) {
        assert!(got.is_some(), "{what}: got no value, expected {expected}");
        let got = got.unwrap_or(f64::NAN);
        assert!(
            (got - expected).abs() <= tol,
            "{what}: got {got}, expected {expected} (tolerance {tol})"
        );
    }

    fn check(what: &str, got: Option<f64>, expected: f64) {
        check_tol(what, got, expected, (REL * expected.abs()).max(PRINTED_6DP));
    }

    /// Checks against a table printed to `dp` decimals: half a unit in the last place.
    fn check_dp(what: &str, got: Option<f64>, expected: f64, dp: i32) {
        check_tol(what, got, expected, 0.5 * 10f64.powi(-dp) + 1e-12);
    }

    type Chart = fn(&Phase<'_>, &mut [Lines]);

    fn groups(chart: ChartType, gs: &[&[f64]]) -> Vec<Prepared> {
        let owned: Vec<Vec<f64>> = gs.iter().map(|g| g.to_vec()).collect();
        let prepared = prepare(chart, Data::Subgroups(&owned), false);
        assert!(prepared.is_ok(), "test data rejected: {prepared:?}");
        prepared.unwrap_or_default()
    }

    fn lines_with(chart: Chart, points: &[Prepared], excluded: &[bool], base: usize) -> Vec<Lines> {
        let phase = Phase {
            points,
            excluded,
            baseline_len: base,
            rules: &Rules::MDC,
        };
        let mut out = vec![Lines::default(); points.len()];
        chart(&phase, &mut out);
        out
    }

    fn lines(chart: Chart, points: &[Prepared]) -> Vec<Lines> {
        lines_with(chart, points, &vec![false; points.len()], points.len())
    }

    /// REFERENCE.md §7.4 xbar / S: three subgroups of 4.
    const REF_GROUPS: [&[f64]; 3] = [
        &[10.0, 12.0, 11.0, 13.0],
        &[12.0, 16.0, 13.0, 11.0],
        &[9.0, 11.0, 10.0, 12.0],
    ];

    #[test]
    fn ln_gamma_known_values() {
        // ln Γ(½) = ln √π; ln Γ(3/2) = ln(√π/2); ln Γ(10) = ln 9! = ln 362880;
        // ln Γ(100) = ln 99!; ln Γ(0.1) = ln 9.5135077… (Abramowitz & Stegun table 6.1).
        let cases = [
            (0.5, 0.572_364_942_924_700_1),
            (1.0, 0.0),
            (1.5, -0.120_782_237_635_245_2),
            (2.0, 0.0),
            (10.0, 12.801_827_480_081_469),
            (100.0, 359.134_205_369_575_4),
            (0.1, 2.252_712_651_734_206),
        ];
        for (x, want) in cases {
            check_tol(
                &format!("lnΓ({x})"),
                Some(crate::stats::ln_gamma(x)),
                want,
                1e-13 * want.abs().max(1.0),
            );
        }
    }

    #[test]
    fn c4_and_its_factors() {
        // REFERENCE.md §4.1 (qicharts2 0.8.1, 6 decimals).
        check("c4(2)", c4(2.0), 0.797885);
        check("c4(4)", c4(4.0), 0.921318);
        check("c4(5)", c4(5.0), 0.939986);
        check("A3(4)", a_factor(4.0, 3.0), 1.628103);
        check("B4(4)", b_upper(4.0, 3.0), 2.266047);
        check("B3(4)", b_lower(4.0, 3.0), 0.0);
        // Montgomery, Introduction to SQC, Appendix VI, printed to 4 (c4) or 3 decimals.
        let table = [
            (6.0, 0.9515, 1.287, 0.030, 1.970),
            (10.0, 0.9727, 0.975, 0.284, 1.716),
            (25.0, 0.9896, 0.606, 0.565, 1.435),
        ];
        for (n, c, a3, b3, b4) in table {
            check_dp(&format!("c4({n})"), c4(n), c, 4);
            check_dp(&format!("A3({n})"), a_factor(n, 3.0), a3, 3);
            check_dp(&format!("B3({n})"), b_lower(n, 3.0), b3, 3);
            check_dp(&format!("B4({n})"), b_upper(n, 3.0), b4, 3);
        }
        assert_eq!(c4(1.0), None);
        assert_eq!(c4(0.0), None);
        assert_eq!(c4(f64::INFINITY), None);
        assert!(c4(1e6).is_some_and(|c| c < 1.0 && c > 0.999_999));
    }

    #[test]
    fn d2_d3_table() {
        // Closed forms for n = 2 and 3 (range of two / three standard normals).
        let pi = std::f64::consts::PI;
        check("d2(2)", d2_d3(2.0).map(|d| d.0), 2.0 / pi.sqrt());
        check("d3(2)", d2_d3(2.0).map(|d| d.1), (2.0 - 4.0 / pi).sqrt());
        check("d2(3)", d2_d3(3.0).map(|d| d.0), 3.0 / pi.sqrt());
        // Montgomery, Appendix VI, 3 decimals: A2 = 3/(d2√n), D3 = max(0, 1 − 3d3/d2),
        // D4 = 1 + 3d3/d2.
        let table = [
            (2.0, 1.880, 0.0, 3.267),
            (5.0, 0.577, 0.0, 2.114),
            (7.0, 0.419, 0.076, 1.924),
            (10.0, 0.308, 0.223, 1.777),
            (25.0, 0.153, 0.459, 1.541),
        ];
        for (n, a2, d3_const, d4_const) in table {
            let (d2, d3) = d2_d3(n).unwrap_or((f64::NAN, f64::NAN));
            check_dp(&format!("A2({n})"), Some(3.0 / (d2 * n.sqrt())), a2, 3);
            check_dp(
                &format!("D3({n})"),
                Some((1.0 - 3.0 * d3 / d2).max(0.0)),
                d3_const,
                3,
            );
            check_dp(&format!("D4({n})"), Some(1.0 + 3.0 * d3 / d2), d4_const, 3);
        }
        for n in [0.0, 1.0, 2.5, 26.0, f64::NAN] {
            assert_eq!(d2_d3(n), None, "n = {n}");
        }
        // d2 increases and d3 decreases with n (from 3 on).
        assert!(D2_D3.windows(2).all(|w| w[1].0 > w[0].0));
        assert!(D2_D3[1..].windows(2).all(|w| w[1].1 < w[0].1));
    }

    #[test]
    fn xbar_s_reference_7_4() {
        let out = lines(xbar_s, &groups(ChartType::XbarS, &REF_GROUPS));
        for l in &out {
            check("x̿", l.centre, 11.666667);
            check("UCL", l.ucl, 14.240282);
            check("LCL", l.lcl, 9.093051);
            // Hand: 2σ = (2/3)·A3·s̄ = (2/3)·2.573615 = 1.715744 → 13.382411;
            // 1σ = 0.857872 → 10.808795.
            check("upper 2σ", l.upper_2sigma, 13.382411);
            check("lower 1σ", l.lower_1sigma, 10.808795);
        }
    }

    #[test]
    fn s_reference_7_4() {
        let out = lines(s, &groups(ChartType::S, &REF_GROUPS));
        for l in &out {
            check("s̄", l.centre, 1.580745);
            check("UCL", l.ucl, 3.582043);
            check("LCL", l.lcl, 0.0);
            // Hand: c5/c4 at n = 4 = (B4 − 1)/3 = 1.266047/3 = 0.422016;
            // upper 2σ = 1.580745·(1 + 0.844031) = 2.914944; lower 1σ = 1.580745·0.577984
            // = 0.913646; lower 2σ = 1.580745·0.155969 = 0.246547.
            check("upper 2σ", l.upper_2sigma, 2.914944);
            check("lower 1σ", l.lower_1sigma, 0.913646);
            check("lower 2σ", l.lower_2sigma, 0.246547);
        }
    }

    #[test]
    fn xbar_s_and_s_with_varying_n_pool_the_sds() {
        // Subgroups [10,12,11,13], [12,16,13,11], [9,11,10] (n = 4, 4, 3):
        // means 11.5, 13, 10 → x̿ = (4·11.5 + 4·13 + 3·10)/11 = 128/11 = 11.636364.
        // s² = 5/3, 14/3, 1 → Σ(n−1)s² = 5 + 14 + 2 = 21, Σ(n−1) = 8 → s_p = √2.625 = 1.620185.
        // n = 4: A3 = 1.628103 → 3σ = 2.637828 → [8.998536, 14.274192].
        // n = 3: c4(3) = √π/2 = 0.886227, A3 = 3/(0.886227·√3) = 1.954410 → 3σ = 3.166506
        //        → [8.469857, 14.802870].
        let gs: [&[f64]; 3] = [
            &[10.0, 12.0, 11.0, 13.0],
            &[12.0, 16.0, 13.0, 11.0],
            &[9.0, 11.0, 10.0],
        ];
        let out = lines(xbar_s, &groups(ChartType::XbarS, &gs));
        check("x̿", out[0].centre, 11.636364);
        check("UCL n=4", out[1].ucl, 14.274192);
        check("LCL n=4", out[1].lcl, 8.998536);
        check("UCL n=3", out[2].ucl, 14.802870);
        check("LCL n=3", out[2].lcl, 8.469857);
        // S chart: CL = s_p; UCL n=4 = 2.266047·1.620185 = 3.671416;
        // B4(3) = 1 + 3·√(1 − 0.785398)/0.886227 = 2.568170 → UCL n=3 = 4.160910.
        let out = lines(s, &groups(ChartType::S, &gs));
        check("s_p", out[2].centre, 1.620185);
        check("S UCL n=4", out[0].ucl, 3.671416);
        check("S UCL n=3", out[2].ucl, 4.160910);
        check("S LCL n=3", out[2].lcl, 0.0);
    }

    #[test]
    fn a_subgroup_of_one_gets_only_the_centre_line() {
        // [10,12,11,13], [12], [9,11,10,12]: x̿ = (46 + 12 + 42)/9 = 100/9 = 11.111111.
        // The sizes vary (4, 1, 4) → pooled: Σ(n−1)s² = 3·5/3 + 0 + 3·5/3 = 10, Σ(n−1) = 6
        // → s_p = √(10/6) = 1.290994; UCL n=4 = 11.111111 + 1.628103·1.290994
        // = 11.111111 + 2.101872 = 13.212983.
        let gs: [&[f64]; 3] = [&[10.0, 12.0, 11.0, 13.0], &[12.0], &[9.0, 11.0, 10.0, 12.0]];
        let out = lines(xbar_s, &groups(ChartType::XbarS, &gs));
        check("x̿", out[1].centre, 11.111111);
        assert_eq!(out[1], centre_only(out[1].centre));
        check("UCL n=4", out[2].ucl, 13.212983);
        // The S chart has no value for the single: it is not in the baseline and gets only
        // the centre line.
        let out = lines(s, &groups(ChartType::S, &gs));
        check("s_p", out[0].centre, 1.290994);
        assert_eq!(out[1], centre_only(out[1].centre));
    }

    #[test]
    fn xbar_r_and_r_hand_example() {
        // Subgroups of §7.4 (n = 4): ranges 13−10 = 3, 16−11 = 5, 12−9 = 3 → R̄ = 11/3 = 3.666667;
        // x̿ = 35/3 = 11.666667. d2(4) = 2.05875, d3(4) = 0.879808.
        // A2(4) = 3/(2.05875·2) = 0.728597; A2·R̄ = 11/4.1175 = 2.671524
        //   → UCL = 14.338191, LCL = 8.995143 (textbook A2 = 0.729: 2.673);
        //   upper 2σ = 11.666667 + (2/3)·2.671524 = 13.447683; lower 1σ = 10.776159.
        let out = lines(xbar_r, &groups(ChartType::XbarR, &REF_GROUPS));
        for l in &out {
            check("x̿", l.centre, 11.666667);
            check("UCL", l.ucl, 14.338191);
            check("LCL", l.lcl, 8.995143);
            check("upper 2σ", l.upper_2sigma, 13.447683);
            check("lower 1σ", l.lower_1sigma, 10.776159);
        }
        // R chart: d3/d2 = 0.879808/2.05875 = 0.427351; D4 = 1 + 3·0.427351 = 2.282052
        // → UCL = 3.666667·2.282052 = 8.367523; D3 = max(0, −1.282052) = 0;
        // upper 2σ = 3.666667·(1 + 0.854701) = 6.800571; lower 1σ = 3.666667·0.572655 = 2.099715;
        // lower 2σ = 3.666667·0.145299 = 0.532762.
        let out = lines(r, &groups(ChartType::R, &REF_GROUPS));
        for l in &out {
            check("R̄", l.centre, 3.666667);
            check("R UCL", l.ucl, 8.367523);
            check("R LCL", l.lcl, 0.0);
            check("R upper 2σ", l.upper_2sigma, 6.800571);
            check("R lower 1σ", l.lower_1sigma, 2.099715);
            check("R lower 2σ", l.lower_2sigma, 0.532762);
        }
    }

    #[test]
    fn r_chart_with_a_positive_lower_limit() {
        // n = 7: [10..16] has R = 6, [10,12,12,13,13,14,18] has R = 8 → R̄ = 7.
        // d3/d2 = 0.833205/2.70436 = 0.3080969 → D3 = 1 − 0.9242908 = 0.0757092 (table 0.076),
        // D4 = 1.9242908 (table 1.924): LCL = 7·0.0757092 = 0.529965, UCL = 13.470035;
        // lower 2σ = 7·(1 − 0.6161939) = 2.686643.
        let gs: [&[f64]; 2] = [
            &[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
            &[10.0, 12.0, 12.0, 13.0, 13.0, 14.0, 18.0],
        ];
        let out = lines(r, &groups(ChartType::R, &gs));
        check("R̄", out[0].centre, 7.0);
        check("R LCL", out[0].lcl, 0.529965);
        check("R UCL", out[0].ucl, 13.470035);
        check("R lower 2σ", out[0].lower_2sigma, 2.686643);
    }

    #[test]
    fn missing_subgroup_and_one_subgroup() {
        // [10,12,11,13], (empty), [9,11,10,12]: x̿ = (46 + 42)/8 = 11; s̄ = √(5/3) = 1.290994
        // (both SDs equal); UCL = 11 + 1.628103·1.290994 = 11 + 2.101872 = 13.101872.
        let gs: [&[f64]; 3] = [&[10.0, 12.0, 11.0, 13.0], &[], &[9.0, 11.0, 10.0, 12.0]];
        let out = lines(xbar_s, &groups(ChartType::XbarS, &gs));
        check("x̿", out[0].centre, 11.0);
        check("UCL", out[2].ucl, 13.101872);
        assert_eq!(out[1], centre_only(Some(11.0)));
        // R: ranges 3, –, 3 → R̄ = 3 and the empty subgroup gets only R̄.
        let out = lines(r, &groups(ChartType::R, &gs));
        check("R̄ at the gap", out[1].centre, 3.0);
        assert_eq!(out[1].ucl, None);

        // One subgroup [10,12,11,13]: x̿ = 11.5, s̄ = 1.290994 → UCL = 13.601872.
        let one: [&[f64]; 1] = [&[10.0, 12.0, 11.0, 13.0]];
        let out = lines(xbar_s, &groups(ChartType::XbarS, &one));
        check("UCL of one", out[0].ucl, 13.601872);
        // R chart of one: R̄ = 3, UCL = 3·2.282052 = 6.846155.
        let out = lines(r, &groups(ChartType::R, &one));
        check("R UCL of one", out[0].ucl, 6.846155);
    }

    #[test]
    fn constant_subgroups_give_limits_on_the_centre() {
        let gs: [&[f64]; 3] = [&[5.0, 5.0, 5.0], &[5.0, 5.0, 5.0], &[5.0, 5.0, 5.0]];
        for (chart, ty, centre) in [
            (xbar_s as Chart, ChartType::XbarS, 5.0),
            (xbar_r, ChartType::XbarR, 5.0),
            (s, ChartType::S, 0.0),
            (r, ChartType::R, 0.0),
        ] {
            let out = lines(chart, &groups(ty, &gs));
            assert_eq!(out[0], symmetric(centre, 0.0), "{ty:?}");
        }
    }

    #[test]
    fn no_baseline_means_no_lines() {
        for (chart, ty) in [
            (xbar_s as Chart, ChartType::XbarS),
            (xbar_r, ChartType::XbarR),
            (s, ChartType::S),
            (r, ChartType::R),
        ] {
            let pts = groups(ty, &REF_GROUPS);
            let out = lines_with(chart, &pts, &[true; 3], 3);
            assert!(out.iter().all(|l| *l == centre_only(None)), "{ty:?}");
        }
    }

    #[test]
    fn fixed_baseline_and_exclusion() {
        // Baseline of the first two §7.4 subgroups: x̿ = (46 + 52)/8 = 12.25,
        // s̄ = (1.290994 + 2.160247)/2 = 1.725620; UCL = 12.25 + 1.628103·1.725620
        // = 12.25 + 2.809488 = 15.059488; applied to the third subgroup too.
        let pts = groups(ChartType::XbarS, &REF_GROUPS);
        let out = lines_with(xbar_s, &pts, &[false; 3], 2);
        check("x̿", out[2].centre, 12.25);
        check("UCL", out[2].ucl, 15.059488);
        // Excluding the second subgroup instead: x̿ = (46 + 42)/8 = 11, s̄ = 1.290994,
        // UCL = 13.101872 (as in `missing_subgroup_and_one_subgroup`).
        let out = lines_with(xbar_s, &pts, &[false, true, false], 3);
        check("UCL", out[1].ucl, 13.101872);
    }
}
