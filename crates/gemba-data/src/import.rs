//! One measure's data as people hand it over: two or three columns pasted from a spreadsheet,
//! or an uploaded CSV or XLSX file. Every bad row is reported, not just the first, so that a
//! whole paste can be fixed in one go; nothing is returned unless every row is good.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use crate::date::DATE_FORMATS_HINT;
use crate::sandbox::SheetReader;
use crate::source::{open_bytes, Cell, CellProblem, Opened, Table};

/// One row of a measure's data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureRow {
    /// The date.
    pub date: NaiveDate,
    /// The value (or numerator); `None` for a missing value written `NA`, `-` and the like.
    pub value: Option<f64>,
    /// The value was written with a `%` sign (`6.5%` is read as 6.5 with this set), which
    /// the measure's rules then understand or refuse; never silently a plain 6.5.
    pub value_percent: bool,
    /// The denominator, when given.
    pub denominator: Option<f64>,
    /// The denominator was written with a `%` sign.
    pub denominator_percent: bool,
    /// The 1-based line of the paste, or the line (CSV) or row (spreadsheet) of the file.
    pub line: usize,
}

/// What is wrong with one row (or, with `line` 0, with the whole input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based line or row; 0 when the problem is not about one row.
    pub line: usize,
    /// The column's name (`date`, `value`, `denominator`, or the file's header); empty when
    /// the problem is about the whole row.
    pub column: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The whole file was refused as unsafe to read ([`DataError::Unsafe`](crate::DataError)):
    /// too big when unpacked, too many cells, too slow… rather than wrong in a row.
    pub refused: bool,
}

impl RowProblem {
    fn new(line: usize, column: &str, message: impl Into<String>) -> Self {
        RowProblem {
            line,
            column: column.to_owned(),
            message: message.into(),
            refused: false,
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column.is_empty()) {
            (0, _) => f.write_str(&self.message),
            (l, true) => write!(f, "line {l}: {}", self.message),
            (l, false) => write!(f, "line {l}, {}: {}", self.column, self.message),
        }
    }
}

/// The most data rows one paste or file may hold: more is almost surely the wrong file (a
/// measure has one row per date), and reading stops there rather than spend the server's
/// memory on it.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// The one problem of an input with more than [`MAX_IMPORT_ROWS`] data rows.
fn too_many_rows() -> Vec<RowProblem> {
    vec![RowProblem::new(
        0,
        "",
        "the file has more than 100,000 rows; split it into smaller files",
    )]
}

/// Header names that mark the date column, the value column and the denominator column.
const DATE_NAMES: [&str; 6] = ["date", "period", "month", "week", "day", "quarter"];
const VALUE_NAMES: [&str; 5] = ["value", "count", "numerator", "number", "total"];
const DENOMINATOR_NAMES: [&str; 2] = ["denominator", "denom"];

/// Reads two or three columns pasted from a spreadsheet: date, value and, optionally, a
/// denominator, separated by tabs (what spreadsheets copy), commas or semicolons.
///
/// Blank lines are skipped. A first line whose first cell is not a date and whose second is
/// not a number is a header and is skipped. Dates are read by [`crate::parse_date`] (ISO or
/// UK, day first); numbers as in files (`1,234`, `95%`), and `NA`, `N/A`, `-` mark a missing
/// value, but `NaN` and infinities are not numbers. A date given twice is a problem. Every
/// problem is listed; more than [`MAX_IMPORT_ROWS`] rows is one problem.
///
/// ```
/// use gemba_data::parse_pasted;
///
/// let rows = parse_pasted("Month\tFalls\nJan 2024\t12\n01/02/2024\t9\n")?;
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[1].value, Some(9.0));
/// assert_eq!(rows[1].line, 3);
///
/// let problems = parse_pasted("2024-01-01\tlots\n2024-13-01\t4\n").unwrap_err();
/// assert_eq!(problems.len(), 2);
/// assert_eq!(problems[0].to_string(), "line 1, value: \"lots\" is not a number");
/// # Ok::<(), Vec<gemba_data::RowProblem>>(())
/// ```
pub fn parse_pasted(text: &str) -> Result<Vec<MeasureRow>, Vec<RowProblem>> {
    let delimiter = pasted_delimiter(text);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen_data = false;
    let mut data_rows = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let cells = split_line(raw, delimiter);
        let used: Vec<&str> = {
            let mut c: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
            // Trailing empty cells are dropped, but a value cell that is there stays.
            while c.len() > 2 && c.last().is_some_and(|c| c.is_empty()) {
                c.pop();
            }
            c
        };
        if !seen_data && is_header(&used) {
            seen_data = true;
            continue;
        }
        seen_data = true;
        data_rows += 1;
        if data_rows > MAX_IMPORT_ROWS {
            return Err(too_many_rows());
        }
        if used.len() < 2 {
            problems.push(RowProblem::new(
                line,
                "",
                "needs a date and a value, separated by a tab or a comma",
            ));
            continue;
        }
        if used.len() > 3 {
            problems.push(RowProblem::new(
                line,
                "",
                format!(
                    "has {} columns; paste two or three: date, value and optionally denominator",
                    used.len()
                ),
            ));
            continue;
        }
        let date = Cell::Text(used[0].as_bytes());
        let value = Cell::Text(used[1].as_bytes());
        let denominator = used.get(2).map(|d| Cell::Text(d.as_bytes()));
        if let Some(row) = read_row(
            line,
            [&date, &value],
            denominator.as_ref(),
            ["date", "value", "denominator"],
            &mut problems,
        ) {
            rows.push(row);
        }
    }
    finish(rows, problems, "date")
}

/// Reads a measure's data from an uploaded CSV or spreadsheet (by `file_name`'s extension:
/// `.csv`, `.tsv`, `.txt`, `.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`; a spreadsheet's first
/// sheet).
///
/// The columns are found by their headers — date: `date`, `period`, `month`, `week`, `day` or
/// `quarter`; value: `value`, `count`, `numerator`, `number` or `total`; denominator:
/// `denominator` — in any case; failing that, the first two or three columns are date, value
/// and denominator, and a first row that starts with a date is data, not a header. Blank rows
/// are skipped; a date given twice is a problem; `NaN` is not a number; every problem is listed.
///
/// More than [`MAX_IMPORT_ROWS`] data rows is one problem, found without reading further (an
/// `.xlsx` or `.xlsb` sheet is unpacked only that far).
pub fn read_measure_file(
    bytes: &[u8],
    file_name: &str,
    sheets: &SheetReader,
) -> Result<Vec<MeasureRow>, Vec<RowProblem>> {
    let path = Path::new(file_name);
    let opened = open_bytes(path, bytes, MAX_IMPORT_ROWS, sheets).map_err(|e| {
        let refused = matches!(e, crate::DataError::Unsafe { .. });
        vec![RowProblem {
            refused,
            ..RowProblem::new(0, "", e.to_string())
        }]
    })?;
    match opened {
        Opened::Csv(mut t) => read_table(&mut t),
        Opened::Sheet(mut t) => read_table(&mut t),
    }
}

fn read_table<T: Table>(t: &mut T) -> Result<Vec<MeasureRow>, Vec<RowProblem>> {
    let headers: Vec<String> = t.headers().to_vec();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let by_name = match (find(&DATE_NAMES), find(&VALUE_NAMES)) {
        (Some(d), Some(v)) => Some((d, v, find(&DENOMINATOR_NAMES))),
        _ => None,
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let (date_col, value_col, denominator_col, names) = match by_name {
        Some((d, v, den)) => {
            let name = |c: usize| crate::error::shown(&headers[c]).into_owned();
            (
                d,
                v,
                den,
                [name(d), name(v), den.map(name).unwrap_or_default()],
            )
        }
        None => {
            let width = headers.len();
            if width < 2 {
                return Err(vec![RowProblem::new(
                    0,
                    "",
                    "the file needs a date column and a value column (headers such as \"date\" \
                     and \"value\"), or dates in the first column and values in the second",
                )]);
            }
            let den = (width >= 3).then_some(2);
            let headerless = t.header_cell(0).date().is_ok();
            let name = |c: usize| {
                if headerless || headers[c].is_empty() {
                    format!("column {}", c + 1)
                } else {
                    crate::error::shown(&headers[c]).into_owned()
                }
            };
            let names = [name(0), name(1), den.map(name).unwrap_or_default()];
            if headerless {
                let line = t.header_line();
                let cells = [t.header_cell(0), t.header_cell(1)];
                let den_cell = den.map(|c| t.header_cell(c));
                let names_ref = [names[0].as_str(), names[1].as_str(), names[2].as_str()];
                if let Some(row) = read_row(
                    line,
                    [&cells[0], &cells[1]],
                    den_cell.as_ref(),
                    names_ref,
                    &mut problems,
                ) {
                    rows.push(row);
                }
            }
            (0, 1, den, names)
        }
    };
    let names_ref = [names[0].as_str(), names[1].as_str(), names[2].as_str()];
    let mut data_rows = rows.len();
    loop {
        let line = match t.advance() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(crate::DataError::RaggedRow {
                at,
                expected,
                found,
            }) => {
                problems.push(RowProblem::new(
                    at.line,
                    "",
                    format!(
                        "has {found} fields but the header has {expected}; check for a missing \
                         or extra separator or an unclosed quote"
                    ),
                ));
                continue;
            }
            Err(e) => {
                problems.push(RowProblem::new(0, "", e.to_string()));
                break;
            }
        };
        let date = t.cell(date_col);
        let value = t.cell(value_col);
        let denominator = denominator_col.map(|c| t.cell(c));
        if date.is_empty() && value.is_empty() && denominator.as_ref().is_none_or(Cell::is_empty) {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_IMPORT_ROWS {
            return Err(too_many_rows());
        }
        if let Some(row) = read_row(
            line,
            [&date, &value],
            denominator.as_ref(),
            names_ref,
            &mut problems,
        ) {
            rows.push(row);
        }
    }
    if t.truncated() {
        return Err(too_many_rows());
    }
    finish(rows, problems, names_ref[0])
}

/// The separator of a paste: tab if any line has one, else `;` if the first line has more
/// semicolons than commas, else `,`.
fn pasted_delimiter(text: &str) -> char {
    if text.contains('\t') {
        return '\t';
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() {
        ';'
    } else {
        ','
    }
}

/// Splits a line on `delimiter`, honouring double quotes (`"1,234"`), which are removed.
fn split_line(line: &str, delimiter: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// A pasted first line that names columns rather than holding data.
fn is_header(cells: &[&str]) -> bool {
    let Some(first) = cells.first() else {
        return false;
    };
    if crate::parse_date(first).is_some() {
        return false;
    }
    let named = DATE_NAMES.iter().any(|n| first.eq_ignore_ascii_case(n));
    let second_not_number = cells
        .get(1)
        .is_none_or(|s| crate::number::parse_number(s.as_bytes()).is_err());
    named || second_not_number
}

/// One row from its cells, or `None` with its problems pushed.
fn read_row(
    line: usize,
    [date, value]: [&Cell<'_>; 2],
    denominator: Option<&Cell<'_>>,
    names: [&str; 3],
    problems: &mut Vec<RowProblem>,
) -> Option<MeasureRow> {
    let before = problems.len();
    let (value_cell, denominator_cell) = (value, denominator);
    let date = match date.date() {
        Ok(d) => Some(d),
        Err(p) => {
            problems.push(cell_problem(line, names[0], date, p, true));
            None
        }
    };
    let value = match value {
        c if c.is_empty() => {
            problems.push(RowProblem::new(
                line,
                names[1],
                "is empty; enter a number, or NA for a missing value",
            ));
            None
        }
        c => match measure_number(c) {
            Ok(v) => v,
            Err(p) => {
                problems.push(cell_problem(line, names[1], c, p, false));
                None
            }
        },
    };
    let denominator = match denominator {
        None => None,
        Some(c) => match measure_number(c) {
            Ok(v) => v,
            Err(p) => {
                problems.push(cell_problem(line, names[2], c, p, false));
                None
            }
        },
    };
    if problems.len() > before {
        return None;
    }
    Some(MeasureRow {
        date: date?,
        value,
        value_percent: value.is_some() && is_percent(value_cell),
        denominator,
        denominator_percent: denominator.is_some() && denominator_cell.is_some_and(is_percent),
        line,
    })
}

/// Whether a cell's text is a number written with a `%` sign.
fn is_percent(cell: &Cell<'_>) -> bool {
    matches!(cell, Cell::Text(b) if b.trim_ascii().ends_with(b"%"))
}

/// A cell's number for a measure: as [`Cell::number`], except that the text `NaN` is not a
/// number (as in the one-row form), not a missing value; `NA` marks a missing value.
fn measure_number(cell: &Cell<'_>) -> Result<Option<f64>, CellProblem> {
    match cell {
        Cell::Text(b) if b.trim_ascii().eq_ignore_ascii_case(b"nan") => {
            Err(CellProblem::NotANumber)
        }
        c => c.number(),
    }
}

fn cell_problem(
    line: usize,
    column: &str,
    cell: &Cell<'_>,
    problem: CellProblem,
    is_date: bool,
) -> RowProblem {
    let message = match problem {
        CellProblem::Empty => "is empty; every row needs a date".to_owned(),
        CellProblem::NotADate => format!("\"{}\" is not a date; {DATE_FORMATS_HINT}", cell.shown()),
        CellProblem::NotANumber if is_date => format!("\"{}\" is not a date", cell.shown()),
        CellProblem::NotANumber => format!("\"{}\" is not a number", cell.shown()),
        CellProblem::Error(e) => {
            format!("the cell holds the spreadsheet error {e}; fix the formula or clear the cell")
        }
    };
    RowProblem::new(line, column, message)
}

/// Adds a problem for every repeated date, and an error for input with no data; then the rows
/// or every problem, by line.
fn finish(
    rows: Vec<MeasureRow>,
    mut problems: Vec<RowProblem>,
    date_column: &str,
) -> Result<Vec<MeasureRow>, Vec<RowProblem>> {
    let mut first: HashMap<NaiveDate, usize> = HashMap::new();
    for r in &rows {
        if let Some(&earlier) = first.get(&r.date) {
            problems.push(RowProblem::new(
                r.line,
                date_column,
                format!(
                    "{} is also on line {earlier}; keep one row per date",
                    r.date.format("%d/%m/%Y")
                ),
            ));
        } else {
            first.insert(r.date, r.line);
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(RowProblem::new(
            0,
            "",
            "there are no data rows: give one row per date with a date and a value",
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_cells() {
        assert_eq!(split_line("a,\"1,234\",x", ','), ["a", "1,234", "x"]);
        assert_eq!(
            split_line("a\t\"say \"\"hi\"\"\"", '\t'),
            ["a", "say \"hi\""]
        );
        assert_eq!(pasted_delimiter("a;b\n"), ';');
        assert_eq!(pasted_delimiter("a,b\n"), ',');
        assert_eq!(pasted_delimiter("a,b\n1\t2"), '\t');
    }

    #[test]
    fn headers_are_told_from_data() {
        assert!(is_header(&["Month", "Falls"]));
        assert!(is_header(&["date", "1"]));
        assert!(!is_header(&["2024-01-01", "Falls"]));
        assert!(!is_header(&["soon", "12"]));
    }
}
