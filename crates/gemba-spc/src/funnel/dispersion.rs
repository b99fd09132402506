//! Overdispersion: trimming the z-scores, the dispersion ratio φ and the between-group variance
//! τ² (Spiegelhalter 2005, *Stat Med* 24:1185; DerSimonian & Laird 1986; REFERENCE.md §5.2
//! steps 5–7).

/// How extreme z-scores are kept out of φ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trim {
    /// NHS Digital SHMI: drop the groups in the outer bands of the ranked z-scores.
    Truncate,
    /// Clamp z-scores to the `fraction` and `1 − fraction` quantiles.
    Winsorise,
}

/// φ and τ² from the trimmed z-scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dispersion {
    /// φ = (1/n*) Σ z*² over the n* groups kept; 0 when none is kept.
    pub(super) phi: f64,
    /// τ² (DerSimonian–Laird); 0 when it cannot be estimated.
    pub(super) tau2: f64,
}

/// Estimates φ and τ² from z-scores `z` and inverse-variance weights `w = 1/s²`.
///
/// Groups whose z is ±∞ (an SHMI group with no deaths, or overflow) are never kept: they take
/// part in the ranking of the truncation (as the lowest/highest) but not in the quantiles of the
/// Winsorisation, nor in φ or τ².
///
/// ```text
/// φ  = (1/n*) Σ z*²
/// τ² = 0                                        if n*·φ < n* − 1
///    = max(0, (n*·φ − (n* − 1)) / (Σw − Σw²/Σw))  otherwise
/// ```
pub(super) fn estimate(z: &[f64], w: &[f64], trim: Trim, fraction: f64) -> Dispersion {
    let kept: Vec<(f64, f64)> = match trim {
        Trim::Truncate => {
            let keep = truncation_mask(z, fraction);
            z.iter()
                .zip(w)
                .zip(keep)
                .filter(|&((zi, _), k)| k && zi.is_finite())
                .map(|((&zi, &wi), _)| (zi, wi))
                .collect()
        }
        Trim::Winsorise => {
            let mut finite: Vec<f64> = z.iter().copied().filter(|v| v.is_finite()).collect();
            finite.sort_unstable_by(f64::total_cmp);
            let (lower, upper) = match (
                quantile_type7(&finite, fraction),
                quantile_type7(&finite, 1.0 - fraction),
            ) {
                (Some(l), Some(u)) => (l, u),
                _ => {
                    return Dispersion {
                        phi: 0.0,
                        tau2: 0.0,
                    }
                }
            };
            z.iter()
                .zip(w)
                .filter(|(zi, _)| zi.is_finite())
                .map(|(&zi, &wi)| (zi.clamp(lower, upper), wi))
                .collect()
        }
    };
    let n = kept.len();
    if n == 0 {
        return Dispersion {
            phi: 0.0,
            tau2: 0.0,
        };
    }
    let nf = n as f64;
    let phi = kept.iter().map(|(zi, _)| zi * zi).sum::<f64>() / nf;
    Dispersion {
        phi,
        tau2: tau2(nf, phi, kept.iter().map(|&(_, wi)| wi)),
    }
}

/// DerSimonian–Laird τ²; the weights are scaled by their maximum so that Σw² cannot overflow.
/// 0 when fewer than two groups carry weight (the denominator Σw − Σw²/Σw is then 0).
fn tau2(n: f64, phi: f64, w: impl Iterator<Item = f64> + Clone) -> f64 {
    if n * phi < n - 1.0 {
        return 0.0;
    }
    let w_max = w.clone().fold(0.0_f64, f64::max);
    if !(w_max > 0.0 && w_max.is_finite()) {
        return 0.0;
    }
    let (s1, s2) = w
        .map(|wi| wi / w_max)
        .fold((0.0, 0.0), |(s1, s2), u| (s1 + u, s2 + u * u));
    let denominator = w_max * (s1 - s2 / s1);
    if denominator.is_nan() || denominator <= 0.0 {
        return 0.0;
    }
    let t = (n * phi - (n - 1.0)) / denominator;
    if t.is_nan() {
        0.0
    } else {
        t.max(0.0)
    }
}

/// Which groups the SHMI truncation keeps (NHS Digital): with k = 1/fraction and G groups,
/// band_g = ⌊rank_g · k / (G + 1)⌋ on average ranks, kept when 0 < band_g < k − 1. A fraction
/// of 0 keeps every group.
pub(super) fn truncation_mask(z: &[f64], fraction: f64) -> Vec<bool> {
    if fraction <= 0.0 {
        return vec![true; z.len()];
    }
    let k = 1.0 / fraction;
    let g1 = (z.len() + 1) as f64;
    average_ranks(z)
        .into_iter()
        .map(|rank| {
            let band = (rank * k / g1).floor();
            band > 0.0 && band < k - 1.0
        })
        .collect()
}

/// 1-based ranks with ties given their average rank (R `rank(ties.method = "average")`).
/// O(n log n). Values are compared with `total_cmp`, so −∞ ranks first.
pub(super) fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && x[order[end]] == x[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) hold equal values: ranks start+1 ..= end.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// R's default (type 7) quantile of an ascending slice: h = (m − 1)p, j = ⌊h⌋,
/// Q = (1 − (h − j))·x₍ⱼ₎ + (h − j)·x₍ⱼ₊₁₎ (0-based). `None` for an empty slice.
pub(super) fn quantile_type7(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let j = (h.floor() as usize).min(last);
    let frac = h - j as f64;
    let lo = sorted[j];
    let hi = sorted[(j + 1).min(last)];
    Some(if frac > 0.0 && hi != lo {
        (1.0 - frac) * lo + frac * hi
    } else {
        lo
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tolerance for values REFERENCE.md quotes to 6 decimals.
    const REF_6DP: f64 = 5e-6;

    /// REFERENCE.md §7.5.1 z-scores (5 decimals) — used here only as inputs.
    const PR_Z: [f64; 10] = [
        -0.97304, 0.19123, -1.56720, 1.09278, -0.28334, -2.27838, 3.78285, -0.93666, 0.66171,
        -1.24774,
    ];

    #[test]
    fn type7_quantiles_by_hand() {
        // h = 3·0.5 = 1.5: halfway between 2 and 3.
        assert_eq!(quantile_type7(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        // h = 3·0.1 = 0.3: 1 + 0.3·(2 − 1).
        assert!((quantile_type7(&[1.0, 2.0, 3.0, 4.0], 0.1).unwrap_or(0.0) - 1.3).abs() < 1e-12);
        assert_eq!(quantile_type7(&[7.0], 0.9), Some(7.0));
        assert_eq!(quantile_type7(&[], 0.5), None);
    }

    #[test]
    fn winsor_bounds_of_reference_pr_example() {
        // REFERENCE.md §7.5.1: L = z(1) + 0.9(z(2) − z(1)) = −1.638320, U = 1.361790.
        let mut z = PR_Z.to_vec();
        z.sort_unstable_by(f64::total_cmp);
        let l = quantile_type7(&z, 0.1).unwrap_or(f64::NAN);
        let u = quantile_type7(&z, 0.9).unwrap_or(f64::NAN);
        assert!((l - -1.638320).abs() < REF_6DP, "{l}");
        assert!((u - 1.361790).abs() < REF_6DP, "{u}");
    }

    #[test]
    fn average_ranks_by_hand() {
        assert_eq!(
            average_ranks(&[3.0, 1.0, 3.0, 2.0, f64::NEG_INFINITY]),
            vec![4.5, 2.0, 4.5, 3.0, 1.0]
        );
    }

    #[test]
    fn truncation_of_reference_sr_example() {
        // REFERENCE.md §7.5.2: unit 6 (rank 1, band ⌊10/11⌋ = 0) and unit 4 (rank 10,
        // band ⌊100/11⌋ = 9) are dropped; the other 8 are kept.
        let z = [
            -0.74501, 0.64529, -0.32441, 2.00702, 0.27733, -1.45720, 1.53708, 0.15617, -0.23904,
            1.04949,
        ];
        let keep = truncation_mask(&z, 0.1);
        let dropped: Vec<usize> = (0..10).filter(|&i| !keep[i]).map(|i| i + 1).collect();
        assert_eq!(dropped, vec![4, 6]);
        assert!(truncation_mask(&z, 0.0).iter().all(|&k| k));
    }

    #[test]
    fn phi_and_tau2_of_reference_pr_example() {
        // REFERENCE.md §7.5.1: φ = 1.212458, τ² = 0.000441137 with w = 4n.
        let n = [200., 250., 100., 300., 150., 160., 220., 260., 110., 240.];
        let w: Vec<f64> = n.iter().map(|n| 4.0 * n).collect();
        let d = estimate(&PR_Z, &w, Trim::Winsorise, 0.1);
        assert!((d.phi - 1.212458).abs() < REF_6DP, "{}", d.phi);
        // The z inputs carry 5 decimals: φ is off by up to ~1e-5, τ² = (10φ − 9)/7083 by 2e-8.
        assert!((d.tau2 - 0.000441137).abs() < 2e-8, "{}", d.tau2);
    }

    #[test]
    fn tau2_needs_two_weights() {
        // One group: Σw − Σw²/Σw = 0, so τ² cannot be estimated and is 0.
        let d = estimate(&[3.0], &[10.0], Trim::Winsorise, 0.1);
        assert_eq!(
            d,
            Dispersion {
                phi: 9.0,
                tau2: 0.0
            }
        );
        // Infinite z-scores are left out.
        let d = estimate(
            &[f64::NEG_INFINITY, 1.0, -1.0],
            &[1.0; 3],
            Trim::Truncate,
            0.0,
        );
        assert_eq!(d.phi, 1.0);
    }
}
