//! Validated values: constructed once at the edge (form, API body, CLI flag), trusted after.

use std::fmt;

/// Why a value was refused: which field, and a sentence for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's name as the form and the API spell it.
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Text that is not blank once trimmed, at most `200` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonEmpty(String);

impl NonEmpty {
    /// Longest accepted text.
    pub const MAX: usize = crate::limits::NAME;

    /// Trims `s` and checks it is not blank and not too long.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new(field, "enter a value"));
        }
        if t.chars().count() > Self::MAX {
            return Err(FieldError::new(
                field,
                format!("must be {} characters or fewer", Self::MAX),
            ));
        }
        Ok(NonEmpty(t.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Text already checked (a draft's, or a stored value).
    pub(crate) fn trusted(s: String) -> Self {
        NonEmpty(s)
    }
}

impl fmt::Display for NonEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, lower-cased: something@something.something, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks the shape of an address (not that it exists).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let e = s.trim().to_lowercase();
        let ok = match e.split_once('@') {
            Some((user, host)) => {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
                    && !e.contains(char::is_whitespace)
                    && !host.contains('@')
            }
            None => false,
        };
        if ok && e.len() <= 254 {
            Ok(Email(e))
        } else {
            Err(FieldError::new(
                "email",
                "enter an email address like name@nhs.net",
            ))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An optional number: blank is `None`; otherwise it must be a finite number.
pub fn optional_number(field: &'static str, s: &str) -> Result<Option<f64>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(FieldError::new(field, format!("'{t}' is not a number"))),
    }
}

/// The largest magnitude accepted for a data value, a denominator or a target: beyond it the
/// engine's sums lose whole units, so such a number is a typing slip, not a measurement.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// A finite number of magnitude at most [`MAX_MAGNITUDE`].
///
/// ```
/// use gemba_domain::bounded_number;
/// assert_eq!(bounded_number("value", -12.5), Ok(-12.5));
/// assert!(bounded_number("value", 2e15).is_err());
/// assert!(bounded_number("value", f64::NAN).is_err());
/// ```
pub fn bounded_number(field: &'static str, x: f64) -> Result<f64, FieldError> {
    if !x.is_finite() {
        return Err(FieldError::new(field, "must be a finite number"));
    }
    if x.abs() > MAX_MAGNITUDE {
        return Err(FieldError::new(
            field,
            "must be between -1,000,000,000,000,000 and 1,000,000,000,000,000",
        ));
    }
    Ok(x)
}

/// The fewest and most points a chart's baseline may be fixed after: a baseline needs two
/// points for a moving range, and no measure keeps more than this many points.
pub const FIX_AFTER_RANGE: std::ops::RangeInclusive<usize> = 2..=100_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" A.Nurse@NHS.net ").unwrap().as_str(),
            "a.nurse@nhs.net"
        );
        for bad in [
            "",
            "nurse",
            "nurse@",
            "@nhs.net",
            "a b@nhs.net",
            "a@nhs",
            "a@.net",
            "a@b@c.net",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn non_empty_and_numbers() {
        assert!(NonEmpty::parse("title", "   ").is_err());
        assert_eq!(
            NonEmpty::parse("title", " Falls ").unwrap().as_str(),
            "Falls"
        );
        assert_eq!(optional_number("target", " ").unwrap(), None);
        assert_eq!(optional_number("target", "0.95").unwrap(), Some(0.95));
        let e = optional_number("target", "lots").unwrap_err();
        assert_eq!(e.to_string(), "target: 'lots' is not a number");
    }
}
