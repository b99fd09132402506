//! Anhøj runs analysis (qicharts2 `runs.analysis`): is the variation around the centre line
//! random?
//!
//! Points on the centre line and missing points are dropped first ("useful observations").
//! A run is a maximal sequence of useful points on the same side; crossings = runs − 1.
//! Signal when the longest run > round(log2 n) + 3, or crossings < qbinom(0.05, n − 1, 0.5)
//! (Anhøj 2014, *PLoS ONE* 9(11): e113825; Anhøj & Olesen 2014).

use crate::result::RunsAnalysis;

/// Upper limit for the longest run among `useful` points: round(log2 n) + 3.
///
/// ```
/// assert_eq!(gemba_spc::runs::longest_run_limit(16), 7);
/// assert_eq!(gemba_spc::runs::longest_run_limit(24), 8);
/// ```
pub fn longest_run_limit(useful: usize) -> usize {
    if useful == 0 {
        return 0;
    }
    // log2 of an integer ≥ 1 is never exactly x.5, so half-to-even and half-away agree.
    (useful as f64).log2().round() as usize + 3
}

/// Lower limit for the number of crossings among `useful` points: the smallest c with
/// P(X ≤ c) ≥ 0.05 for X ~ Binomial(n − 1, 1/2) (R's `qbinom(0.05, n - 1, 0.5)`).
///
/// ```
/// assert_eq!(gemba_spc::runs::crossings_limit(16), 4);
/// assert_eq!(gemba_spc::runs::crossings_limit(24), 8);
/// ```
pub fn crossings_limit(useful: usize) -> usize {
    if useful <= 1 {
        return 0;
    }
    let trials = useful - 1;
    const P: f64 = 0.05;
    if trials <= 1000 {
        // Exact in f64: 0.5^1000 ≈ 9e-302 is still a normal number.
        let mut pmf = 0.5f64.powi(trials as i32);
        let mut cdf = pmf;
        let mut c = 0;
        while cdf < P && c < trials {
            pmf *= (trials - c) as f64 / (c + 1) as f64;
            c += 1;
            cdf += pmf;
        }
        c
    } else {
        // Log space to avoid underflow; accumulate relative to the running maximum.
        let nf = trials as f64;
        let mut log_pmf = -nf * std::f64::consts::LN_2;
        let mut log_cdf = log_pmf;
        let log_p = P.ln();
        let mut c = 0;
        while log_cdf < log_p && c < trials {
            log_pmf += ((trials - c) as f64).ln() - ((c + 1) as f64).ln();
            c += 1;
            let (hi, lo) = if log_cdf > log_pmf {
                (log_cdf, log_pmf)
            } else {
                (log_pmf, log_cdf)
            };
            log_cdf = hi + (lo - hi).exp().ln_1p();
        }
        c
    }
}

/// Runs analysis of the signs of the points relative to the centre line, in time order.
/// Zero signs (on the line) are skipped; they neither extend nor break a run.
pub fn analyse_signs(signs: impl IntoIterator<Item = i8>) -> RunsAnalysis {
    let mut useful = 0usize;
    let mut runs = 0usize;
    let mut longest = 0usize;
    let mut current = 0usize;
    let mut last = 0i8;
    for s in signs {
        if s == 0 {
            continue;
        }
        useful += 1;
        if s == last {
            current += 1;
        } else {
            runs += 1;
            current = 1;
            last = s;
        }
        longest = longest.max(current);
    }
    if useful == 0 {
        return RunsAnalysis::default();
    }
    let crossings = runs - 1;
    let longest_run_limit = longest_run_limit(useful);
    let crossings_limit = crossings_limit(useful);
    RunsAnalysis {
        useful_points: useful,
        longest_run: longest,
        longest_run_limit,
        crossings,
        crossings_limit,
        signal: longest > longest_run_limit || crossings < crossings_limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The critical values table of REFERENCE.md §3.2 (spot checks across the range), which
    /// agrees with the qicharts2 vignette (n = 24 → 8 and 8).
    #[test]
    fn critical_values_match_the_published_table() {
        let table = [
            (10, 6, 2),
            (11, 6, 2),
            (12, 7, 3),
            (14, 7, 4),
            (16, 7, 4),
            (17, 7, 5),
            (19, 7, 6),
            (22, 7, 7),
            (23, 8, 7),
            (24, 8, 8),
            (33, 8, 11),
            (45, 8, 17),
            (46, 9, 17),
            (60, 9, 23),
            (90, 9, 37),
            (91, 10, 37),
            (100, 10, 41),
        ];
        for (n, run, cross) in table {
            assert_eq!(longest_run_limit(n), run, "longest run limit for n = {n}");
            assert_eq!(crossings_limit(n), cross, "crossings limit for n = {n}");
        }
    }

    #[test]
    fn log_space_agrees_with_normal_approximation_for_long_series() {
        // For n − 1 = 2000 trials: mean 1000, sd √500 ≈ 22.36; 5% quantile ≈ 1000 − 1.645·22.36
        // ≈ 963.2, so qbinom gives 963 or 964.
        let c = crossings_limit(2001);
        assert!((963..=964).contains(&c), "got {c}");
    }

    #[test]
    fn worked_example_run_chart() {
        // REFERENCE.md §7.2: runs [7, 6, 1, 2] over 16 useful points.
        let signs = [
            -1i8, -1, 0, -1, -1, -1, -1, -1, 1, 1, 0, 1, 0, 1, 0, 1, 1, -1, 1, 1,
        ];
        let r = analyse_signs(signs);
        assert_eq!(r.useful_points, 16);
        assert_eq!(r.longest_run, 7);
        assert_eq!(r.crossings, 3);
        assert_eq!(r.longest_run_limit, 7);
        assert_eq!(r.crossings_limit, 4);
        assert!(r.signal);
    }

    #[test]
    fn no_useful_points_no_signal() {
        assert_eq!(analyse_signs([0i8, 0, 0]), RunsAnalysis::default());
    }
}
