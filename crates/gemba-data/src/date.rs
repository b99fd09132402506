//! Reading dates written the way UK teams write them: ISO, day-first numeric, and with month
//! names. Month-first (US) numeric dates are never read.

use chrono::NaiveDate;

/// The date formats [`parse_date`] reads, for error messages.
pub(crate) const DATE_FORMATS_HINT: &str = "write dates as 2024-01-31, 31/01/2024, 31-01-2024, \
     31.01.2024, 31/01/24, 31 Jan 2024, 31 January 2024, or a month as Jan 2024, January 2024 \
     or 2024-01 (numeric dates are read day first, never month first)";

/// Reads a date from text, or `None` if the text is not a date in a supported format.
///
/// Leading and trailing whitespace is ignored. Supported, with examples for 31 January 2024:
///
/// | Format | Examples |
/// |---|---|
/// | ISO, year first | `2024-01-31`, `2024/01/31`, `2024.1.31`, `20240131` |
/// | ISO date-time (the date is taken, the time and zone ignored) | `2024-01-31T10:00:00Z`, `2024-01-31 10:00` |
/// | UK, day first, 4- or 2-digit year | `31/01/2024`, `31-01-2024`, `31.01.2024`, `31/1/24` |
/// | day-first with a time (time ignored) | `31/01/2024 10:00` |
/// | month name, 4- or 2-digit year | `31 Jan 2024`, `31 January 2024`, `31-Jan-24`, `31 Sept 2024` |
/// | a month: the first of that month | `Jan 2024`, `January 2024`, `Jan-24`, `2024-01`, `01/2024` |
///
/// Numeric dates with the year last are always day first: `02/03/2024` is 2 March 2024, and
/// `01/31/2024` is not a date. Two-digit years `00`–`68` are 2000–2068 and `69`–`99` are
/// 1969–1999 (the POSIX `%y` rule). Month names are English, any case, full or abbreviated.
///
/// ```
/// use chrono::NaiveDate;
/// use gemba_data::parse_date;
///
/// let d = NaiveDate::from_ymd_opt(2024, 1, 31);
/// assert_eq!(parse_date("2024-01-31"), d);
/// assert_eq!(parse_date("31/01/2024"), d);
/// assert_eq!(parse_date("31 Jan 2024"), d);
/// assert_eq!(parse_date("Jan 2024"), NaiveDate::from_ymd_opt(2024, 1, 1));
/// assert_eq!(parse_date("02/03/2024"), NaiveDate::from_ymd_opt(2024, 3, 2)); // day first
/// assert_eq!(parse_date("01/31/2024"), None); // never month first
/// ```
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    // Fast path: `YYYY-MM-DD`, by far the most common form in exported data.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
        {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    if let Some(d) = numeric_date(s) {
        return Some(d);
    }
    if let Some(d) = numeric_date_time(s) {
        return Some(d);
    }
    named_month_date(s)
}

/// The value of an all-ASCII-digit slice of at most 9 digits.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// A year written with 4 digits, or 2 digits using the POSIX pivot.
fn year(b: &[u8]) -> Option<i32> {
    let n = digits(b)? as i32;
    match b.len() {
        4 => Some(n),
        2 if n <= 68 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

/// Day or month: one or two digits.
fn small(b: &[u8]) -> Option<u32> {
    if b.len() > 2 {
        return None;
    }
    digits(b)
}

/// Dates made only of digits and one kind of separator (`-`, `/` or `.`).
fn numeric_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let sep = b.iter().copied().find(|c| !c.is_ascii_digit());
    let Some(sep) = sep else {
        // `20240131`: ISO basic format.
        if b.len() == 8 {
            return NaiveDate::from_ymd_opt(
                digits(&b[0..4])? as i32,
                digits(&b[4..6])?,
                digits(&b[6..8])?,
            );
        }
        return None;
    };
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let mut parts = b.split(|&c| c == sep);
    let p1 = parts.next()?;
    let p2 = parts.next()?;
    let p3 = parts.next();
    if parts.next().is_some() {
        return None;
    }
    match p3 {
        Some(p3) if p1.len() == 4 => NaiveDate::from_ymd_opt(year(p1)?, small(p2)?, small(p3)?),
        Some(p3) if p1.len() <= 2 => NaiveDate::from_ymd_opt(year(p3)?, small(p2)?, small(p1)?),
        Some(_) => None,
        // `2024-01`: a month.
        None if p1.len() == 4 => NaiveDate::from_ymd_opt(year(p1)?, small(p2)?, 1),
        // `01/2024`: a month, year last.
        None if p2.len() == 4 => NaiveDate::from_ymd_opt(year(p2)?, small(p1)?, 1),
        None => None,
    }
}

/// A numeric date followed by `T` or a space and a time: the time is ignored.
fn numeric_date_time(s: &str) -> Option<NaiveDate> {
    let cut = s.find(['T', ' '])?;
    let (date, rest) = s.split_at(cut);
    let time = rest[1..].trim_start();
    let looks_like_time = time.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && time.contains(':')
        && time
            .bytes()
            .all(|c| c.is_ascii_digit() || b":.,+-Z APMapm".contains(&c));
    if !looks_like_time {
        return None;
    }
    numeric_date(date)
}

/// The month numbered 1–12 for an English month name or abbreviation, any case.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if name.len() < 3 || !name.is_ascii() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| (lower.len() == 3 && m.starts_with(&lower)) || *m == lower)
        .map(|i| i as u32 + 1)
}

/// `31 Jan 2024`, `31-January-24`, `Jan 2024`, `January-24`, optionally followed by a time.
fn named_month_date(s: &str) -> Option<NaiveDate> {
    let mut tokens: Vec<&str> = s
        .split([' ', '-', '/', ',', '.'])
        .filter(|t| !t.is_empty())
        .collect();
    // A trailing time such as `10:00` or `10:00:00 AM` is ignored.
    while let Some(last) = tokens.last() {
        let t = last.to_ascii_lowercase();
        if last.contains(':') || t == "am" || t == "pm" {
            tokens.pop();
        } else {
            break;
        }
    }
    match tokens.as_slice() {
        [day, month, y] => NaiveDate::from_ymd_opt(
            year(y.as_bytes())?,
            month_number(month)?,
            small(day.as_bytes())?,
        ),
        [month, y] => NaiveDate::from_ymd_opt(year(y.as_bytes())?, month_number(month)?, 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_every_supported_format() {
        let jan31 = ymd(2024, 1, 31);
        let jan1 = ymd(2024, 1, 1);
        let cases: &[(&str, Option<NaiveDate>)] = &[
            ("2024-01-31", jan31),
            ("  2024-01-31 ", jan31),
            ("2024/01/31", jan31),
            ("2024.01.31", jan31),
            ("2024-1-31", jan31),
            ("20240131", jan31),
            ("2024-01-31T00:00:00", jan31),
            ("2024-01-31T23:59:59.999Z", jan31),
            ("2024-01-31T10:00:00+01:00", jan31),
            ("2024-01-31 10:00", jan31),
            ("31/01/2024", jan31),
            ("31-01-2024", jan31),
            ("31.01.2024", jan31),
            ("31/1/2024", jan31),
            ("31/01/24", jan31),
            ("31.01.24", jan31),
            ("31/01/2024 10:00", jan31),
            ("31/01/2024 10:00:00 AM", jan31),
            ("31 Jan 2024", jan31),
            ("31 jan 2024", jan31),
            ("31 JANUARY 2024", jan31),
            ("31 January 2024", jan31),
            ("31-Jan-2024", jan31),
            ("31-Jan-24", jan31),
            ("31 Jan 2024 10:00", jan31),
            ("Jan 2024", jan1),
            ("January 2024", jan1),
            ("Jan-24", jan1),
            ("2024-01", jan1),
            ("01/2024", jan1),
            ("30 Sept 2024", ymd(2024, 9, 30)),
            ("1 May 2024", ymd(2024, 5, 1)),
            ("02/03/2024", ymd(2024, 3, 2)),
            ("29/02/2024", ymd(2024, 2, 29)),
            ("01/01/69", ymd(1969, 1, 1)),
            ("01/01/68", ymd(2068, 1, 1)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_date(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn rejects_non_dates_and_month_first() {
        for text in [
            "",
            "abc",
            "01/31/2024",
            "12/13/2024",
            "2024-13-01",
            "2024-02-30",
            "29/02/2023",
            "31/01",
            "31/01/2024/1",
            "31-01/2024",
            "2024",
            "45322",
            "Janu 2024",
            "Jan 31 2024",
            "31 Foo 2024",
            "2024-01-31Tfoo",
            "1/2/2024x",
            "31/01/202",
        ] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        // 1970-01-01 ..= 2068-12-31: both 4- and 2-digit years round-trip in this range.
        (0i64..36_159).prop_filter_map("in range", |days| {
            NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_days(chrono::Days::new(days as u64))
        })
    }

    proptest! {
        #[test]
        fn iso_and_uk_formats_round_trip(d in date()) {
            for format in [
                "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y",
                "%d/%m/%y", "%-d/%-m/%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%y",
            ] {
                let text = d.and_hms_opt(12, 30, 0).map(|t| t.format(format).to_string());
                prop_assert_eq!(text.as_deref().and_then(parse_date), Some(d), "{:?}", text);
            }
        }

        #[test]
        fn month_formats_give_the_first_of_the_month(d in date()) {
            let first = d.with_day(1);
            for format in ["%b %Y", "%B %Y", "%Y-%m", "%m/%Y", "%b-%y"] {
                let text = d.format(format).to_string();
                prop_assert_eq!(parse_date(&text), first, "{}", text);
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_date(&s);
        }
    }
}
