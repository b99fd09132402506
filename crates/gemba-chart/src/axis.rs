//! Linear scales, "nice" axis ticks (Heckbert 1990, *Graphics Gems*) and number formatting.

/// Values beyond this are clamped before scaling so that differences stay finite.
const LIMIT: f64 = 1e300;

/// Maps a data interval onto a pixel interval.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// A scale from data `[d0, d1]` to pixels `[r0, r1]` (r1 may be less than r0: SVG y).
    pub(crate) fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        Scale { d0, d1, r0, r1 }
    }

    /// The pixel position of `v`; the middle of the range when the domain is empty.
    pub(crate) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        let v = v.clamp(-LIMIT, LIMIT);
        let t = ((v - self.d0) / span).clamp(-0.5, 1.5);
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// Axis ticks: the rounded domain and the tick values in it.
#[derive(Debug, Clone)]
pub(crate) struct Ticks {
    /// Lower end of the axis (a multiple of the step).
    pub lo: f64,
    /// Upper end of the axis.
    pub hi: f64,
    /// Tick values, ascending.
    pub values: Vec<f64>,
    /// Distance between ticks.
    pub step: f64,
}

/// Heckbert's nice number: 1, 2, 5 or 10 × 10^k near `x` (rounded, or the next one up).
fn nice(x: f64, round: bool) -> f64 {
    let exp = x.log10().floor();
    let base = 10f64.powf(exp);
    let f = x / base;
    let nf = if round {
        if f < 1.5 {
            1.0
        } else if f < 3.0 {
            2.0
        } else if f < 7.0 {
            5.0
        } else {
            10.0
        }
    } else if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nf * base
}

/// About `target` nice ticks covering `[lo, hi]`. Never panics: non-finite or empty input
/// gives a sensible default axis.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT)),
        _ => (0.0, 1.0),
    };
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    if hi - lo <= hi.abs().max(lo.abs()) * 1e-12 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let target = target.max(2) as f64;
    let range = nice(hi - lo, false);
    let step = nice(range / (target - 1.0), true);
    if !step.is_finite() || step <= 0.0 {
        return Ticks {
            lo,
            hi,
            values: vec![lo, hi],
            step: hi - lo,
        };
    }
    let glo = (lo / step).floor() * step;
    let ghi = (hi / step).ceil() * step;
    let count = ((ghi - glo) / step).round();
    if !(1.0..=100.0).contains(&count) {
        return Ticks {
            lo,
            hi,
            values: vec![lo, hi],
            step: hi - lo,
        };
    }
    let values = (0..=count as usize)
        .map(|k| glo + k as f64 * step)
        .collect();
    Ticks {
        lo: glo,
        hi: ghi,
        values,
        step,
    }
}

/// A tick label with as many decimals as the step needs ("0.85", "1,200" is written "1200").
pub(crate) fn tick_label(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() < step.abs() * 1e-9 {
        return "0".into();
    }
    if v.abs() >= 1e7 || step < 1e-6 {
        return fmt_num(v);
    }
    let decimals = if step > 0.0 && step < 1.0 {
        (-step.log10().floor()).clamp(0.0, 12.0) as usize
    } else {
        0
    };
    no_negative_zero(format!("{v:.decimals$}"))
}

/// A number for people: about four significant figures, trailing zeros dropped, scientific
/// notation for very large or very small magnitudes, "–" for a non-finite value.
pub(crate) fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-4..1e7).contains(&a) {
        let s = format!("{v:.3e}");
        // "1.230e7" -> "1.23e7"
        return match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_zeros(m.to_string())),
            None => s,
        };
    }
    let mag = a.log10().floor() as i32;
    let decimals = (3 - mag).clamp(0, 8) as usize;
    no_negative_zero(trim_zeros(format!("{v:.decimals$}")))
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn no_negative_zero(s: String) -> String {
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A pixel coordinate with one decimal, for SVG attributes and path data.
pub(crate) fn px(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    no_negative_zero(trim_zeros(format!("{v:.1}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        let t = nice_ticks(0.83, 0.97, 6);
        assert_eq!(t.values.len(), 5);
        assert!((t.step - 0.05).abs() < 1e-12);
        assert_eq!(tick_label(t.values[1], t.step), "0.85");
        assert_eq!(tick_label(t.values[4], t.step), "1.00");
    }

    #[test]
    fn degenerate_axes_do_not_panic() {
        for (lo, hi) in [
            (5.0, 5.0),
            (0.0, 0.0),
            (f64::NAN, 1.0),
            (-1e308, 1e308),
            (1e-300, 2e-300),
            (3.0, -3.0),
        ] {
            let t = nice_ticks(lo, hi, 6);
            assert!(!t.values.is_empty());
            assert!(t.lo < t.hi, "{lo} {hi} -> {t:?}");
        }
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(fmt_num(0.87), "0.87");
        assert_eq!(fmt_num(123.456), "123.5");
        assert_eq!(fmt_num(-0.00001), "-1e-5");
        assert_eq!(fmt_num(2.5e9), "2.5e9");
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(px(-0.01), "0");
    }
}
