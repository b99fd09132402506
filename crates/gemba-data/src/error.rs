//! What can go wrong reading a data file, worded for the person who must fix the file.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::date::DATE_FORMATS_HINT;
use crate::sandbox::Refusal;
use crate::source::is_spreadsheet_path;

/// A place in a data file: the file, the sheet (spreadsheets) and the 1-based line or row.
///
/// For CSV, `line` is the physical line on which the record starts, with the header on line 1.
/// For spreadsheets it is the row number the spreadsheet program shows. Displays as
/// `data.csv line 14` or `data.xlsx sheet "Data" row 14`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// The sheet, for spreadsheets; `None` for CSV (or a spreadsheet's first sheet, unnamed).
    pub sheet: Option<String>,
    /// 1-based line (CSV) or row (spreadsheet).
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if is_spreadsheet_path(&self.file) {
            "row"
        } else {
            "line"
        };
        write!(f, "{} {unit} {}", Table(&self.file, &self.sheet), self.line)
    }
}

/// `data.csv` or `data.xlsx sheet "Data"`.
struct Table<'a>(&'a Path, &'a Option<String>);

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(sheet) => write!(f, "{} sheet \"{}\"", path(self.0), shown(sheet)),
            None => write!(f, "{}", path(self.0)),
        }
    }
}

/// An error reading measure data. Every variant names the file and, where there is one, the
/// line or row, the column and the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened: it does not exist, or cannot be read.
    #[error("cannot open {}: {}", path(file), io_message(error))]
    Open {
        /// The file.
        file: PathBuf,
        /// Why not.
        error: std::io::Error,
    },
    /// The file opened but reading it failed part way (an I/O error or malformed CSV).
    #[error("cannot read {}{}: {message}", path(file), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Read {
        /// The file.
        file: PathBuf,
        /// The line reached, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// A CSV file in an encoding we do not read (UTF-16, as Excel's "Unicode text" saves it),
    /// or with its UTF-8 byte-order mark doubled (which would hide the first column's name).
    #[error(
        "{}: {problem}; save it as \"CSV UTF-8 (comma delimited)\" and try again",
        path(file)
    )]
    Encoding {
        /// The file.
        file: PathBuf,
        /// What is wrong with it, in words.
        problem: &'static str,
    },
    /// The file name's extension is not one we read.
    #[error(
        "{}: unsupported file type; use a CSV file (.csv, .tsv or .txt; comma, semicolon or tab \
         separated) or a spreadsheet (.xlsx, .xlsm, .xlsb, .xls or .ods)",
        path(file)
    )]
    UnsupportedFileType {
        /// The file.
        file: PathBuf,
    },
    /// The spreadsheet could not be read (corrupt, encrypted, or not really a spreadsheet).
    #[error("cannot read {} as a spreadsheet: {}", path(file), shown(message))]
    Spreadsheet {
        /// The file.
        file: PathBuf,
        /// The spreadsheet library's explanation.
        message: String,
    },
    /// The requested sheet is not in the workbook.
    #[error(
        "{}: no sheet \"{}\" (sheets: {})",
        path(file),
        shown(sheet),
        quoted_list(sheets)
    )]
    SheetNotFound {
        /// The file.
        file: PathBuf,
        /// The sheet asked for.
        sheet: String,
        /// The sheets the workbook has.
        sheets: Vec<String>,
    },
    /// The workbook has no sheets.
    #[error("{} has no sheets", path(file))]
    NoSheets {
        /// The file.
        file: PathBuf,
    },
    /// A sheet was named for a CSV file, which has none.
    #[error(
        "{} is a CSV file, which has no sheets; leave out the sheet name \"{}\"",
        path(file),
        shown(sheet)
    )]
    SheetInCsv {
        /// The file.
        file: PathBuf,
        /// The sheet asked for.
        sheet: String,
    },
    /// No header row: the file or sheet is empty.
    #[error(
        "{} is empty; its first line must name the columns",
        Table(file, sheet)
    )]
    Empty {
        /// The file.
        file: PathBuf,
        /// The sheet, for spreadsheets.
        sheet: Option<String>,
    },
    /// No row matches the row filters.
    #[error("{}: no rows match {filters}", path(file))]
    NoRowsMatch {
        /// The file.
        file: PathBuf,
        /// The filters, as given.
        filters: String,
    },
    /// A header row but no data rows (rows blank in every column used are not counted).
    #[error("{} has a header row but no data rows", Table(file, sheet))]
    NoDataRows {
        /// The file.
        file: PathBuf,
        /// The sheet, for spreadsheets.
        sheet: Option<String>,
    },
    /// A column asked for is not in the header row.
    #[error(
        "{}: no column \"{}\"{} (columns: {})",
        Table(file, sheet),
        shown(column),
        suggestion.as_ref().map(|s| format!("; did you mean \"{}\"?", shown(s))).unwrap_or_default(),
        column_list(columns)
    )]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// The sheet, for spreadsheets.
        sheet: Option<String>,
        /// The column asked for.
        column: String,
        /// The closest column name, if one is close.
        suggestion: Option<String>,
        /// The columns the file has.
        columns: Vec<String>,
    },
    /// More than one column matches the name asked for.
    #[error(
        "{}: more than one column is called \"{}\" (columns {}); rename one",
        Table(file, sheet),
        shown(column),
        positions.iter().map(usize::to_string).collect::<Vec<_>>().join(" and ")
    )]
    AmbiguousColumn {
        /// The file.
        file: PathBuf,
        /// The sheet, for spreadsheets.
        sheet: Option<String>,
        /// The column asked for.
        column: String,
        /// 1-based positions of the matching columns.
        positions: Vec<usize>,
    },
    /// A CSV row with a different number of fields from the header.
    #[error("{at} has {found} fields but the header has {expected}; check for a missing or extra separator or an unclosed quote")]
    RaggedRow {
        /// Where.
        at: Location,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A cell that must hold a number holds something else.
    #[error(
        "{at}, column \"{}\": \"{}\" is not a number",
        shown(column),
        shown(value)
    )]
    NotANumber {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// The cell's text (long text is shortened).
        value: String,
    },
    /// A cell in the date column is not a date in a supported format.
    #[error(
        "{at}, column \"{}\": \"{}\" is not a date; {DATE_FORMATS_HINT}",
        shown(column),
        shown(value)
    )]
    NotADate {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// The cell's text (long text is shortened).
        value: String,
    },
    /// A cell that every row needs (date, series, group) is empty.
    #[error(
        "{at}, column \"{}\" is empty; every row needs a value there",
        shown(column)
    )]
    EmptyCell {
        /// Where.
        at: Location,
        /// The column.
        column: String,
    },
    /// A funnel plot numerator or denominator is missing (empty, `NA`, ...).
    #[error(
        "{at}, column \"{}\" {}; a funnel plot needs a number on every row",
        shown(column),
        if value.is_empty() { "is empty".to_owned() } else { format!("is missing (\"{}\")", shown(value)) }
    )]
    MissingNumber {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// The cell's text: empty, or the missing-value marker used.
        value: String,
    },
    /// A spreadsheet cell holds an error such as `#DIV/0!` (`#N/A` in a value column is read
    /// as missing).
    #[error("{at}, column \"{}\": the cell holds the spreadsheet error {error}; fix the formula or clear the cell", shown(column))]
    CellError {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// The spreadsheet error, e.g. `#DIV/0!`.
        error: String,
    },
    /// Two rows of one series share a date, with [`Grouping::OnePerDate`](crate::Grouping).
    #[error(
        "{} {} {} and {second_line}: {} two rows dated {date}; keep one row per date{}",
        Table(&first.file, &first.sheet),
        if is_spreadsheet_path(&first.file) { "rows" } else { "lines" },
        first.line,
        if series.is_empty() { "there are".to_owned() } else { format!("series \"{}\" has", shown(series)) },
        if series.is_empty() { ", name a series column, or chart rows sharing a date as subgroups" } else { ", or chart rows sharing a date as subgroups" }
    )]
    DuplicateDate {
        /// The first row with the date.
        first: Location,
        /// The line or row of the second.
        second_line: usize,
        /// The series key (`""` without a series column).
        series: String,
        /// The repeated date.
        date: NaiveDate,
    },
    /// A denominator column was given with [`Grouping::Subgroups`](crate::Grouping), which
    /// averages the rows of a date and has no use for one.
    #[error("a denominator column cannot be used with subgroups (rows sharing a date are averaged as one subgroup); leave out the denominator or chart one row per date")]
    DenominatorWithSubgroups,
    /// A spreadsheet refused before or while it was read, because reading it would cost more
    /// than the limits allow or the reader failed on it (see [`crate::SheetReader`]).
    #[error("{}: this spreadsheet could not be read safely: {reason}", path(file))]
    Unsafe {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: Refusal,
    },
}

impl DataError {
    /// Sets the file of an error made where the file name was not known (in the reader).
    pub(crate) fn set_file(&mut self, name: &Path) {
        if let DataError::Spreadsheet { file, .. }
        | DataError::NoSheets { file }
        | DataError::SheetNotFound { file, .. }
        | DataError::Unsafe { file, .. } = self
        {
            *file = name.to_owned();
        }
    }
}

/// Text from a user's file made safe to print in a message: control characters (terminal
/// escapes, carriage returns, bidirectional overrides) are shown escaped, e.g. ESC as `\x1b`,
/// so that a message can never drive the terminal or hide part of itself.
///
/// ```text
/// "\u{1b}[31mred" → "\x1b[31mred"
/// ```
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            let n = u32::from(c);
            if n < 0x80 {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path for a message, with control characters escaped (see [`shown`]).
fn path(p: &Path) -> String {
    shown(&p.display().to_string()).into_owned()
}

/// An I/O error's message without the trailing ` (os error 2)`.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_owned(),
        _ => s,
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", shown(s)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column names for a message, at most 20 of them.
fn column_list(columns: &[String]) -> String {
    const MAX: usize = 20;
    let mut s = columns
        .iter()
        .take(MAX)
        .map(|c| {
            if c.is_empty() {
                Cow::Borrowed("(blank)")
            } else {
                shown(c)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if columns.len() > MAX {
        s.push_str(&format!(" and {} more", columns.len() - MAX));
    }
    s
}
