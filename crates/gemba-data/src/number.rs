//! Reading numbers from text cells.
//!
//! Accepted: plain decimal numbers (`12`, `-3.5`, `1e3`, `.5`), surrounded by any whitespace;
//! thousands separators in the usual UK form (`1,234`, `12,345,678.9`; the commas must be
//! every three digits, so `1,5` is an error, not one and a half); a trailing percent sign,
//! which is dropped without scaling (`95%` is 95, as the person who typed it reads it).
//! Missing, [`None`]: an empty cell and, in any case, `NA`, `N/A`, `#N/A`, `null`, `NaN`, `-`
//! and `.`. Anything else, including infinities, is not a number.

/// A number read from a cell: `Ok(None)` is a missing value, `Err(())` text that is not a number.
pub(crate) fn parse_number(text: &[u8]) -> Result<Option<f64>, ()> {
    let b = text.trim_ascii();
    if b.is_empty() {
        return Ok(None);
    }
    // Fast path: a plain unsigned integer, exactly representable.
    if b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u64, |n, &c| n * 10 + u64::from(c - b'0'));
        return Ok(Some(n as f64));
    }
    let s = std::str::from_utf8(b).map_err(|_| ())?;
    if let Ok(x) = s.parse::<f64>() {
        return if x.is_finite() {
            Ok(Some(x))
        } else if x.is_nan() {
            Ok(None)
        } else {
            Err(())
        };
    }
    if is_missing_marker(s) {
        return Ok(None);
    }
    let s = s.strip_suffix('%').map_or(s, str::trim_end);
    if let Some(x) = with_thousands_separators(s) {
        return Ok(Some(x));
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(()),
    }
}

/// Text that spreadsheets and statistics packages write for a missing value.
fn is_missing_marker(s: &str) -> bool {
    ["NA", "N/A", "#N/A", "null", "NaN", "-", "."]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(s))
}

/// `1,234` or `-12,345,678.90`: commas every three digits of the integer part.
fn with_thousands_separators(s: &str) -> Option<f64> {
    if !s.contains(',') {
        return None;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let mut groups = int.split(',');
    let first = groups.next()?;
    // `0,125` is a decimal comma, not a thousands group: a group never starts with 0.
    let first_ok = (1..=3).contains(&first.len())
        && first.bytes().all(|c| c.is_ascii_digit())
        && !first.starts_with('0');
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|c| c.is_ascii_digit()));
    let frac_ok = frac.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit()));
    if !(first_ok && rest_ok && frac_ok) {
        return None;
    }
    s.replace(',', "").parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_missing_values_and_rejects_the_rest() {
        let cases: &[(&str, Result<Option<f64>, ()>)] = &[
            ("12", Ok(Some(12.0))),
            ("0,125", Err(())),
            ("0,125,000", Err(())),
            (" 12 ", Ok(Some(12.0))),
            ("-3.5", Ok(Some(-3.5))),
            ("+3.5", Ok(Some(3.5))),
            (".5", Ok(Some(0.5))),
            ("1e3", Ok(Some(1000.0))),
            ("1,234", Ok(Some(1234.0))),
            ("-12,345,678.5", Ok(Some(-12_345_678.5))),
            ("95%", Ok(Some(95.0))),
            ("95.5 %", Ok(Some(95.5))),
            ("1,234%", Ok(Some(1234.0))),
            ("", Ok(None)),
            ("   ", Ok(None)),
            ("NA", Ok(None)),
            ("na", Ok(None)),
            ("N/A", Ok(None)),
            ("#N/A", Ok(None)),
            ("NULL", Ok(None)),
            ("NaN", Ok(None)),
            ("-", Ok(None)),
            (".", Ok(None)),
            ("abc", Err(())),
            ("1,5", Err(())),
            ("1,23,456", Err(())),
            (",123", Err(())),
            ("12 34", Err(())),
            ("inf", Err(())),
            ("-infinity", Err(())),
            ("%", Err(())),
            ("95%%", Err(())),
            ("1e999", Err(())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_number(text.as_bytes()), *expected, "{text:?}");
        }
    }

    #[test]
    fn long_integers_take_the_general_path_exactly() {
        assert_eq!(
            parse_number(b"12345678901234567890"),
            Ok(Some(12_345_678_901_234_567_890.0))
        );
        assert_eq!(parse_number(b"\xff"), Err(()));
    }
}
