//! Small numerical helpers shared by the charts and funnel plots.

/// Arithmetic mean; `None` for an empty input.
///
/// Computed about the first value, `x₁ + Σ(xᵢ − x₁)/n`, so that a constant series has exactly
/// its value as mean (a plain `Σx/n` of 0.1, 0.1, 0.1 gives 0.10000000000000002, which would put
/// every point below its own centre line), and large values cannot overflow the sum.
pub(crate) fn mean(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut it = xs.into_iter();
    let first = it.next()?;
    let (sum, n) = it.fold((0.0, 1usize), |(s, n), x| (s + (x - first), n + 1));
    Some(first + sum / n as f64)
}

/// Median (mean of the two middle values for an even count); `None` for an empty input.
/// Sorts `xs` in place.
pub(crate) fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable_by(f64::total_cmp);
    let m = xs.len();
    Some(if m % 2 == 1 {
        xs[m / 2]
    } else {
        (xs[m / 2 - 1] + xs[m / 2]) / 2.0
    })
}

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Lanczos coefficients for g = 7, n = 9 (Godfrey's table, as in Numerical Recipes 3rd ed. and
/// many libraries): about 15 significant digits for ln Γ.
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0: Lanczos approximation, with the reflection Γ(x)Γ(1 − x) = π / sin(πx)
/// below ½.
///
/// ```text
/// Γ(x + 1) ≈ √(2π) (x + g + ½)^(x + ½) e^−(x + g + ½) · (c₀ + Σₖ cₖ / (x + k)),  g = 7
/// ```
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x)
    } else {
        let x = x - 1.0;
        let mut s = LANCZOS[0];
        for (k, c) in LANCZOS.iter().enumerate().skip(1) {
            s += c / (x + k as f64);
        }
        let t = x + 7.5;
        LN_SQRT_2PI + (x + 0.5) * t.ln() - t + s.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median() {
        assert_eq!(mean([1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(mean(std::iter::empty()), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        // A constant series has its own value as mean, exactly.
        assert_eq!(mean([0.1; 3]), Some(0.1));
        assert_eq!(mean([1e308, 1e308]), Some(1e308));
    }
}
