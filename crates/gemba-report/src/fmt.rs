//! Numbers and short texts for people.

use gemba_spc::{AssuranceIcon, VariationIcon};

/// A value with four significant digits and its suffix ("93.41%"), or "–" for none.
pub(crate) fn value(v: Option<f64>, suffix: &str) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{}{suffix}", num(v)),
        _ => "–".to_string(),
    }
}

/// Four significant digits, trailing zeros dropped; scientific notation for the very large
/// and the very small.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-4..1e7).contains(&a) {
        let s = format!("{v:.3e}");
        return match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_zeros(m.to_string())),
            None => s,
        };
    }
    let mag = a.log10().floor() as i32;
    let decimals = (3 - mag).clamp(0, 8) as usize;
    let s = trim_zeros(format!("{v:.decimals$}"));
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// "11.75 (8.88 to 14.62)": the centre line and the limits.
pub(crate) fn mean_and_limits(
    mean: Option<f64>,
    lcl: Option<f64>,
    ucl: Option<f64>,
    suffix: &str,
) -> String {
    match (lcl, ucl) {
        (Some(_), Some(_)) => format!(
            "{} ({} to {})",
            value(mean, suffix),
            value(lcl, suffix),
            value(ucl, suffix)
        ),
        _ => value(mean, suffix),
    }
}

/// The variation icon in words, or why there is none.
pub(crate) fn variation(icon: Option<VariationIcon>) -> &'static str {
    icon.map_or("No variation icon: no values", |i| i.describe())
}

/// The assurance icon in words, or why there is none.
pub(crate) fn assurance(icon: Option<AssuranceIcon>) -> &'static str {
    icon.map_or("No assurance icon: no target", |i| i.describe())
}

/// The rules that fired, for people.
pub(crate) fn rules(names: &[&str]) -> String {
    if names.is_empty() {
        return "None".to_string();
    }
    names
        .iter()
        .map(|n| match *n {
            "outside_limits" => "point beyond a limit",
            "shift" => "shift",
            "trend" => "trend",
            "two_in_three" => "two of three beyond 2σ",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An anchor from an id: letters and digits kept, the rest `-`.
pub(crate) fn slug(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("m-{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(num(11.75), "11.75");
        assert_eq!(num(93.4127), "93.41");
        assert_eq!(num(1234.56), "1235");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.00001), "-1e-5");
        assert_eq!(value(Some(95.0), "%"), "95%");
        assert_eq!(value(None, "%"), "–");
        assert_eq!(
            mean_and_limits(Some(2.0), Some(1.0), Some(3.0), ""),
            "2 (1 to 3)"
        );
    }
}
