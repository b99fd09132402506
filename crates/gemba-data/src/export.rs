//! Writing data out for spreadsheets.

/// A text cell for CSV output that a spreadsheet will not run as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote, as OWASP
/// recommends for CSV export ("CSV injection"). Only for text such as series and group names
/// and labels; numeric columns are written as numbers, so `-1.5` stays a number.
///
/// ```text
/// "=HYPERLINK(\"http://x\")" → "'=HYPERLINK(\"http://x\")"     "RX1" → "RX1"
/// ```
pub fn csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::csv_text;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_kept() {
        for (cell, expected) in [
            ("=1+2", "'=1+2"),
            ("+44 7700 900000", "'+44 7700 900000"),
            ("-5", "'-5"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("RX1", "RX1"),
            ("a=b", "a=b"),
            ("", ""),
            ("2024-01-01", "2024-01-01"),
        ] {
            assert_eq!(csv_text(cell), expected, "{cell:?}");
        }
    }
}
