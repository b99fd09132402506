//! Row filters: keep only the rows where a column holds a given value (`type=1`).

use std::fmt;
use std::str::FromStr;

use crate::error::DataError;
use crate::source::Table;

/// Keep only rows whose `column` holds `value` (both trimmed; compared exactly, so `1` does
/// not match `01`). Several filters must all match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFilter {
    /// The column's header name.
    pub column: String,
    /// The value rows must hold.
    pub value: String,
}

/// A filter written without `=`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a filter; write COLUMN=VALUE, for example type=1")]
pub struct RowFilterError(pub String);

impl FromStr for RowFilter {
    type Err = RowFilterError;

    /// `COLUMN=VALUE`; the value may be empty, the column may not.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((c, v)) if !c.trim().is_empty() => Ok(RowFilter {
                column: c.trim().to_owned(),
                value: v.trim().to_owned(),
            }),
            _ => Err(RowFilterError(s.to_owned())),
        }
    }
}

impl fmt::Display for RowFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.column, self.value)
    }
}

/// Filters resolved to column positions of one table.
pub(crate) struct FilterColumns {
    filters: Vec<(usize, Vec<u8>)>,
    shown: String,
}

impl FilterColumns {
    /// Looks up each filter's column (with the same "did you mean" errors as other columns).
    pub(crate) fn resolve<T: Table>(t: &T, filters: &[RowFilter]) -> Result<Self, DataError> {
        let resolved = filters
            .iter()
            .map(|f| Ok((t.column(&f.column)?, f.value.as_bytes().to_vec())))
            .collect::<Result<_, DataError>>()?;
        let shown = filters
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Ok(FilterColumns {
            filters: resolved,
            shown,
        })
    }

    /// Whether the current row matches every filter.
    pub(crate) fn keep<T: Table>(&self, t: &T) -> bool {
        self.filters
            .iter()
            .all(|(c, want)| t.cell(*c).key().is_ok_and(|k| *k == **want))
    }

    /// The error for a table with no data rows, naming the filters when some were given.
    pub(crate) fn no_rows<T: Table>(&self, t: &T) -> DataError {
        if self.filters.is_empty() {
            DataError::NoDataRows {
                file: t.file().to_owned(),
                sheet: t.sheet().map(str::to_owned),
            }
        } else {
            DataError::NoRowsMatch {
                file: t.file().to_owned(),
                filters: self.shown.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_column_equals_value() {
        let f: RowFilter = " type = 1 ".parse().unwrap();
        assert_eq!(f.column, "type");
        assert_eq!(f.value, "1");
        assert_eq!(f.to_string(), "type=1");
        assert!("type".parse::<RowFilter>().is_err());
        assert!("=1".parse::<RowFilter>().is_err());
    }
}
