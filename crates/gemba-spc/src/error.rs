//! Errors the engine reports about its input. Messages are written for the person who must fix
//! the data; indices are 0-based positions in the series (callers map them to rows).

/// What is wrong with the input of a chart or a funnel plot.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SpcError {
    /// A value is infinite or NaN.
    NotFinite {
        /// Which input ("value", "denominator", "numerator").
        field: &'static str,
        /// 0-based position in the series.
        index: usize,
    },
    /// A count or denominator is negative.
    Negative {
        /// Which input.
        field: &'static str,
        /// 0-based position.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// A denominator is zero where a rate or proportion is needed.
    ZeroDenominator {
        /// 0-based position.
        index: usize,
    },
    /// A denominator is missing where the chart needs one.
    MissingDenominator {
        /// 0-based position.
        index: usize,
    },
    /// A proportion's numerator is larger than its denominator.
    NumeratorAboveDenominator {
        /// 0-based position.
        index: usize,
        /// The numerator.
        numerator: f64,
        /// The denominator.
        denominator: f64,
    },
    /// A value that must be strictly positive (t chart times) is zero or negative.
    NotPositive {
        /// Which input.
        field: &'static str,
        /// 0-based position.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// Two inputs that must be the same length are not.
    LengthMismatch {
        /// What was compared.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        actual: usize,
    },
    /// The data given does not fit the chart (for example no subgroups for an Xbar chart).
    WrongData {
        /// The chart asked for.
        chart: &'static str,
        /// What it needs.
        needs: &'static str,
    },
    /// An option is out of range.
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// A name (chart type, direction, profile) is not one we know.
    UnknownName {
        /// What kind of name.
        what: &'static str,
        /// What was given.
        given: String,
        /// The accepted names.
        expected: &'static str,
    },
    /// A funnel plot needs at least one group.
    NoGroups,
}

impl std::fmt::Display for SpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpcError::NotFinite { field, index } => {
                write!(f, "{field} at point {} is not a finite number", index + 1)
            }
            SpcError::Negative {
                field,
                index,
                value,
            } => write!(
                f,
                "{field} at point {} is negative ({value}); it must be zero or more",
                index + 1
            ),
            SpcError::ZeroDenominator { index } => write!(
                f,
                "denominator at point {} is zero; a rate or proportion needs a denominator above zero",
                index + 1
            ),
            SpcError::MissingDenominator { index } => {
                write!(f, "denominator at point {} is missing", index + 1)
            }
            SpcError::NumeratorAboveDenominator {
                index,
                numerator,
                denominator,
            } => write!(
                f,
                "numerator {numerator} at point {} is larger than its denominator {denominator}; a proportion cannot exceed 1",
                index + 1
            ),
            SpcError::NotPositive {
                field,
                index,
                value,
            } => write!(
                f,
                "{field} at point {} is {value}; it must be greater than zero",
                index + 1
            ),
            SpcError::LengthMismatch {
                what,
                expected,
                actual,
            } => write!(f, "{what}: expected {expected} values, got {actual}"),
            SpcError::WrongData { chart, needs } => write!(f, "a {chart} chart needs {needs}"),
            SpcError::InvalidOption { option, reason } => write!(f, "option {option}: {reason}"),
            SpcError::UnknownName {
                what,
                given,
                expected,
            } => write!(f, "unknown {what} '{given}'; expected one of: {expected}"),
            SpcError::NoGroups => f.write_str("a funnel plot needs at least one group"),
        }
    }
}

impl std::error::Error for SpcError {}
