//! Opening a CSV file or a spreadsheet sheet as a table of rows, and reading cells.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use calamine::Data;
use chrono::NaiveDate;

use crate::date::parse_date;
use crate::error::{DataError, Location};
use crate::number::parse_number;
use crate::sandbox::{Refusal, SheetKind, SheetReader, MAX_SPREADSHEET_BYTES};

/// A data file to read: CSV or a spreadsheet, told apart by the file name's extension.
///
/// `.csv`, `.tsv` and `.txt` are CSV; the separator (`,`, `;` or tab) is whichever occurs
/// most in the header line. `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` are spreadsheets; the
/// header is the first non-blank row of the sheet. Extensions are matched in any case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// The sheet to read, for spreadsheets; the first sheet when `None`. Must be `None` for CSV.
    pub sheet: Option<String>,
}

impl Source {
    /// A source reading `path`, and its first sheet if it is a spreadsheet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Source {
            path: path.into(),
            sheet: None,
        }
    }

    /// A source reading the named sheet of the spreadsheet at `path`.
    pub fn with_sheet(path: impl Into<PathBuf>, sheet: impl Into<String>) -> Self {
        Source {
            path: path.into(),
            sheet: Some(sheet.into()),
        }
    }

    /// The place of a 1-based line (CSV) or row (spreadsheet) of this source, for the caller's
    /// own messages about a point, e.g. with a line from [`SeriesData::lines`](crate::SeriesData).
    pub fn location(&self, line: usize) -> Location {
        Location {
            file: self.path.clone(),
            sheet: self.sheet.clone(),
            line,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

fn kind(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" | "txt" => Kind::Csv,
        "xlsx" | "xlsm" => Kind::Xlsx,
        "xlsb" => Kind::Xlsb,
        "xls" => Kind::Xls,
        "ods" => Kind::Ods,
        _ => return None,
    })
}

/// Whether the file name says spreadsheet (rows) rather than CSV (lines).
pub(crate) fn is_spreadsheet_path(path: &Path) -> bool {
    matches!(kind(path), Some(k) if k != Kind::Csv)
}

/// One cell of the current row, borrowed from the table.
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a [u8]),
    Number(f64),
    DateTime(calamine::ExcelDateTime),
    Bool(bool),
    Error(&'a calamine::CellErrorType),
}

/// Why a cell could not be read as what was wanted.
pub(crate) enum CellProblem {
    Empty,
    NotANumber,
    NotADate,
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Cell<'_> {
    /// The cell's content as the user would see it, shortened, for messages.
    pub(crate) fn shown(&self) -> String {
        let s = match self {
            Cell::Empty => String::new(),
            Cell::Text(b) => String::from_utf8_lossy(b.trim_ascii()).into_owned(),
            Cell::Number(x) => x.to_string(),
            Cell::DateTime(d) => match excel_date(d) {
                Some(d) => d.to_string(),
                None => d.as_f64().to_string(),
            },
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.to_string(),
        };
        const MAX: usize = 60;
        let s = match s.char_indices().nth(MAX) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s,
        };
        crate::error::shown(&s).into_owned()
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(b) => b.trim_ascii().is_empty(),
            _ => false,
        }
    }

    /// A number, or `None` for a missing value (see [`crate::number`]).
    pub(crate) fn number(&self) -> Result<Option<f64>, CellProblem> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(b) => parse_number(b).map_err(|()| CellProblem::NotANumber),
            Cell::Number(x) if x.is_finite() => Ok(Some(*x)),
            Cell::Error(calamine::CellErrorType::NA) => Ok(None),
            Cell::Error(e) => Err(CellProblem::Error(e.to_string())),
            Cell::Number(_) | Cell::DateTime(_) | Cell::Bool(_) => Err(CellProblem::NotANumber),
        }
    }

    /// A date: text in a format [`parse_date`] reads, a spreadsheet date, or a number taken as
    /// a spreadsheet serial date (1900 date system).
    pub(crate) fn date(&self) -> Result<NaiveDate, CellProblem> {
        match self {
            Cell::Empty => Err(CellProblem::Empty),
            Cell::Text(b) => {
                let b = b.trim_ascii();
                if b.is_empty() {
                    return Err(CellProblem::Empty);
                }
                std::str::from_utf8(b)
                    .ok()
                    .and_then(parse_date)
                    .ok_or(CellProblem::NotADate)
            }
            Cell::Number(x) if (1.0..2_958_466.0).contains(x) => excel_date(
                &calamine::ExcelDateTime::new(*x, calamine::ExcelDateTimeType::DateTime, false),
            )
            .ok_or(CellProblem::NotADate),
            Cell::DateTime(d) if d.is_datetime() => excel_date(d).ok_or(CellProblem::NotADate),
            Cell::Error(e) => Err(CellProblem::Error(e.to_string())),
            Cell::Number(_) | Cell::DateTime(_) | Cell::Bool(_) => Err(CellProblem::NotADate),
        }
    }

    /// A series or group key: the text, trimmed, or a number or date written out.
    pub(crate) fn key(&self) -> Result<Cow<'_, [u8]>, CellProblem> {
        match self {
            Cell::Text(b) if !b.trim_ascii().is_empty() => Ok(Cow::Borrowed(b.trim_ascii())),
            Cell::Empty | Cell::Text(_) => Err(CellProblem::Empty),
            Cell::Error(e) => Err(CellProblem::Error(e.to_string())),
            _ => Ok(Cow::Owned(self.shown().into_bytes())),
        }
    }
}

/// The calendar date of a spreadsheet date-time (the time of day is dropped).
fn excel_date(d: &calamine::ExcelDateTime) -> Option<NaiveDate> {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
}

/// A table read row by row: the header, then one data row at a time.
pub(crate) trait Table {
    /// Column names, trimmed.
    fn headers(&self) -> &[String];
    /// Moves to the next data row and returns its 1-based line or row; `None` at the end.
    fn advance(&mut self) -> Result<Option<usize>, DataError>;
    /// A cell of the current row.
    fn cell(&self, column: usize) -> Cell<'_>;
    /// A cell of the header row as it is in the file, for files that may have no header.
    fn header_cell(&self, column: usize) -> Cell<'_>;
    /// The 1-based line or row of the header.
    fn header_line(&self) -> usize;
    /// The file.
    fn file(&self) -> &Path;
    /// The sheet, for spreadsheets.
    fn sheet(&self) -> Option<&str>;
    /// Whether rows were left unread because the sheet is longer than the reader's limit.
    fn truncated(&self) -> bool {
        false
    }

    /// The place of a line or row.
    fn location(&self, line: usize) -> Location {
        Location {
            file: self.file().to_owned(),
            sheet: self.sheet().map(str::to_owned),
            line,
        }
    }

    /// The index of the column named `wanted`: an exact match, else the only match ignoring
    /// case and surrounding whitespace.
    fn column(&self, wanted: &str) -> Result<usize, DataError> {
        let headers = self.headers();
        let wanted_trimmed = wanted.trim();
        let exact: Vec<usize> = (0..headers.len())
            .filter(|&i| headers[i] == wanted_trimmed)
            .collect();
        let matches = if exact.is_empty() {
            (0..headers.len())
                .filter(|&i| headers[i].eq_ignore_ascii_case(wanted_trimmed))
                .collect()
        } else {
            exact
        };
        match matches.as_slice() {
            [i] => Ok(*i),
            [] => Err(DataError::MissingColumn {
                file: self.file().to_owned(),
                sheet: self.sheet().map(str::to_owned),
                column: wanted.to_owned(),
                suggestion: closest(headers, wanted_trimmed),
                columns: headers.to_vec(),
            }),
            several => Err(DataError::AmbiguousColumn {
                file: self.file().to_owned(),
                sheet: self.sheet().map(str::to_owned),
                column: wanted.to_owned(),
                positions: several.iter().map(|i| i + 1).collect(),
            }),
        }
    }

    /// The error for a cell that could not be read.
    fn cell_error(&self, line: usize, column: usize, problem: CellProblem) -> DataError {
        let at = self.location(line);
        let column_name = self.headers()[column].clone();
        match problem {
            CellProblem::Empty => DataError::EmptyCell {
                at,
                column: column_name,
            },
            CellProblem::NotANumber => DataError::NotANumber {
                at,
                column: column_name,
                value: self.cell(column).shown(),
            },
            CellProblem::NotADate => DataError::NotADate {
                at,
                column: column_name,
                value: self.cell(column).shown(),
            },
            CellProblem::Error(error) => DataError::CellError {
                at,
                column: column_name,
                error,
            },
        }
    }
}

/// The header most like `wanted` (case-insensitive), if it is close enough to be a likely typo.
fn closest(headers: &[String], wanted: &str) -> Option<String> {
    let wanted = wanted.to_lowercase();
    headers
        .iter()
        .map(|h| {
            (
                strsim::normalized_damerau_levenshtein(&h.to_lowercase(), &wanted),
                h,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, h)| h.clone())
}

/// An opened source: a CSV file (or bytes, `R = &[u8]`) or a loaded sheet.
pub(crate) enum Opened<R = File> {
    Csv(CsvTable<R>),
    Sheet(SheetTable),
}

/// Opens `src`: reads the CSV header, or loads the sheet with `reader`.
pub(crate) fn open(src: &Source, reader: &SheetReader) -> Result<Opened, DataError> {
    let file_name = &src.path;
    let Some(kind) = kind(file_name) else {
        return Err(DataError::UnsupportedFileType {
            file: file_name.clone(),
        });
    };
    let file = File::open(file_name).map_err(|error| DataError::Open {
        file: file_name.clone(),
        error,
    })?;
    match kind {
        Kind::Csv => {
            if let Some(sheet) = &src.sheet {
                return Err(DataError::SheetInCsv {
                    file: file_name.clone(),
                    sheet: sheet.clone(),
                });
            }
            CsvTable::new(file_name.clone(), file).map(Opened::Csv)
        }
        _ => {
            let bytes = read_limited(file_name, file)?;
            SheetTable::new(src, kind, &bytes, None, reader).map(Opened::Sheet)
        }
    }
}

/// The bytes of a spreadsheet file, refused unread past [`MAX_SPREADSHEET_BYTES`].
fn read_limited(file_name: &Path, file: File) -> Result<Vec<u8>, DataError> {
    let read_error = |e: std::io::Error| DataError::Read {
        file: file_name.to_owned(),
        line: None,
        message: e.to_string(),
    };
    let mut bytes = Vec::new();
    file.take(MAX_SPREADSHEET_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_SPREADSHEET_BYTES {
        let size = std::fs::metadata(file_name).map_or(bytes.len() as u64, |m| m.len());
        return Err(DataError::Unsafe {
            file: file_name.to_owned(),
            reason: Refusal::FileTooLarge {
                bytes: size,
                limit: MAX_SPREADSHEET_BYTES,
            },
        });
    }
    Ok(bytes)
}

/// Opens the content of an uploaded file, told apart by `file_name`'s extension like
/// [`open`]; spreadsheets are read from their first sheet, and of an `.xlsx`, `.xlsm` or
/// `.xlsb` sheet at most `max_rows` rows after the first and its first [`MAX_SHEET_COLUMNS`]
/// columns are read ([`Table::truncated`] tells when rows were left), so that a small file
/// of millions of cells cannot take the server's memory. Spreadsheets are read by `reader`.
pub(crate) fn open_bytes<'b>(
    file_name: &Path,
    bytes: &'b [u8],
    max_rows: usize,
    reader: &SheetReader,
) -> Result<Opened<&'b [u8]>, DataError> {
    let Some(kind) = kind(file_name) else {
        return Err(DataError::UnsupportedFileType {
            file: file_name.to_owned(),
        });
    };
    match kind {
        Kind::Csv => CsvTable::new(file_name.to_owned(), bytes).map(Opened::Csv),
        _ => SheetTable::new(&Source::new(file_name), kind, bytes, Some(max_rows), reader)
            .map(Opened::Sheet),
    }
}

/// A CSV file (or bytes), read one record at a time into a reused buffer.
pub(crate) struct CsvTable<R = File> {
    file: PathBuf,
    reader: csv::Reader<BufReader<R>>,
    record: csv::ByteRecord,
    headers: Vec<String>,
}

const BUFFER: usize = 256 * 1024;

impl<R: std::io::Read> CsvTable<R> {
    fn new(path: PathBuf, file: R) -> Result<Self, DataError> {
        let mut input = BufReader::with_capacity(BUFFER, file);
        let start = input.fill_buf().map_err(|e| DataError::Read {
            file: path.clone(),
            line: Some(1),
            message: e.to_string(),
        })?;
        if let Some(problem) = encoding_problem(start) {
            return Err(DataError::Encoding {
                file: path,
                problem,
            });
        }
        let delimiter = sniff_delimiter(start);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(BUFFER)
            .from_reader(input);
        let headers: Vec<String> = match reader.byte_headers() {
            Ok(h) => h
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                .collect(),
            Err(e) => return Err(csv_error(&path, e)),
        };
        if headers.is_empty() || headers.iter().all(String::is_empty) {
            return Err(DataError::Empty {
                file: path,
                sheet: None,
            });
        }
        Ok(CsvTable {
            file: path,
            reader,
            record: csv::ByteRecord::new(),
            headers,
        })
    }
}

/// Why the start of a CSV file shows it cannot be read as UTF-8 text, if it does: a UTF-16
/// byte-order mark, UTF-16 without one (every other byte of the first line zero), or a UTF-8
/// byte-order mark twice (the CSV reader drops one; the second would stick to the first
/// column's name).
fn encoding_problem(start: &[u8]) -> Option<&'static str> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
        return Some("the file is saved as UTF-16 (\"Unicode text\"), not UTF-8");
    }
    let sample = &start[..start.len().min(64)];
    let zeros = sample.iter().filter(|b| **b == 0).count();
    if sample.len() >= 8 && zeros * 3 >= sample.len() {
        return Some("the file looks like UTF-16 (\"Unicode text\"): every other byte is zero");
    }
    if start.starts_with(BOM) && start[BOM.len()..].starts_with(BOM) {
        return Some("the file starts with two UTF-8 byte-order marks");
    }
    None
}

/// `,`, `;` or tab: whichever occurs most (outside quotes) in the first line; `,` if none.
fn sniff_delimiter(start: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &c in start {
        match c {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = [b',', b'\t', b';']
        .into_iter()
        .zip([counts[0], counts[2], counts[1]])
        .fold(
            (b',', 0),
            |best, (d, n)| if n > best.1 { (d, n) } else { best },
        );
    best.0
}

fn csv_error(path: &Path, e: csv::Error) -> DataError {
    let line = e.position().map(|p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    DataError::Read {
        file: path.to_owned(),
        line,
        message,
    }
}

impl<R: Read> Table for CsvTable<R> {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn advance(&mut self) -> Result<Option<usize>, DataError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line() as usize);
                let expected = self.headers.len();
                let found = self.record.len();
                // Extra fields are tolerated when empty (trailing separators from spreadsheets).
                let extra_text = || {
                    self.record
                        .iter()
                        .skip(expected)
                        .any(|f| !f.trim_ascii().is_empty())
                };
                let ragged = found < expected || (found > expected && extra_text());
                if ragged {
                    return Err(DataError::RaggedRow {
                        at: self.location(line),
                        expected,
                        found,
                    });
                }
                Ok(Some(line))
            }
            Err(e) => Err(csv_error(&self.file, e)),
        }
    }

    #[inline]
    fn cell(&self, column: usize) -> Cell<'_> {
        match self.record.get(column) {
            Some(b) => Cell::Text(b),
            None => Cell::Empty,
        }
    }

    fn header_cell(&self, column: usize) -> Cell<'_> {
        match self.headers.get(column) {
            Some(h) => Cell::Text(h.as_bytes()),
            None => Cell::Empty,
        }
    }

    fn header_line(&self) -> usize {
        1
    }

    fn file(&self) -> &Path {
        &self.file
    }

    fn sheet(&self) -> Option<&str> {
        None
    }
}

/// One sheet of a workbook, as the sandboxed reader answered it: its non-empty cells, sparse.
pub(crate) struct SheetTable {
    file: PathBuf,
    sheet: String,
    /// Rows holding cells: the absolute 0-based row, and its cells (absolute column, value),
    /// both sorted.
    rows: Vec<(u32, Vec<(u32, Data)>)>,
    /// Rows from the first row with a cell to the last, blank ones included.
    height: usize,
    /// The first column with a cell: column 0 of the table.
    first_column: u32,
    headers: Vec<String>,
    /// The current row, as an index from the first row with a cell (0 is the header).
    row: usize,
    /// The spreadsheet row number (0-based) of the first row with a cell.
    first_row: usize,
    /// Rows were left unread (see [`open_bytes`]).
    truncated: bool,
}

/// The columns of an uploaded sheet that are read; cells further right are ignored.
pub(crate) const MAX_SHEET_COLUMNS: u32 = 256;

impl SheetTable {
    /// Reads the sheet of `src` (its bytes `input`) in the sandboxed reader.
    fn new(
        src: &Source,
        kind: Kind,
        input: &[u8],
        max_rows: Option<usize>,
        reader: &SheetReader,
    ) -> Result<Self, DataError> {
        let path = &src.path;
        let kind = match kind {
            Kind::Xlsx => SheetKind::Xlsx,
            Kind::Xlsb => SheetKind::Xlsb,
            Kind::Xls => SheetKind::Xls,
            Kind::Ods | Kind::Csv => SheetKind::Ods,
        };
        let answer = reader.read(path, kind, input, src.sheet.as_deref(), max_rows)?;
        let (Some(first), Some(last)) = (answer.rows.first(), answer.rows.last()) else {
            return Err(DataError::Empty {
                file: path.clone(),
                sheet: Some(answer.sheet),
            });
        };
        let (first_row, last_row) = (first.0, last.0);
        let columns = || answer.rows.iter().flat_map(|r| r.1.iter().map(|c| c.0));
        let first_column = columns().min().unwrap_or(0);
        let last_column = columns().max().unwrap_or(0);
        let rows = answer.rows;
        let mut table = SheetTable {
            file: path.clone(),
            sheet: answer.sheet,
            rows,
            height: (last_row - first_row) as usize + 1,
            first_column,
            headers: Vec::new(),
            row: 0,
            first_row: first_row as usize,
            truncated: answer.truncated,
        };
        let width = (last_column - first_column) as usize + 1;
        table.headers = (0..width)
            .map(|c| match table.value_at(0, c) {
                Some(Data::String(s)) => s.trim().to_owned(),
                Some(Data::Empty) | None => String::new(),
                Some(other) => other.to_string(),
            })
            .collect();
        Ok(table)
    }

    /// The value at a row index (0 is the header) and column index of the table, if any.
    fn value_at(&self, row: usize, column: usize) -> Option<&Data> {
        let row = u32::try_from(self.first_row + row).ok()?;
        let col = self.first_column.checked_add(u32::try_from(column).ok()?)?;
        let cells = &self.rows[self.rows.binary_search_by_key(&row, |r| r.0).ok()?].1;
        let i = cells.binary_search_by_key(&col, |c| c.0).ok()?;
        Some(&cells[i].1)
    }
}

impl Table for SheetTable {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn advance(&mut self) -> Result<Option<usize>, DataError> {
        if self.row + 1 >= self.height {
            return Ok(None);
        }
        self.row += 1;
        Ok(Some(self.first_row + self.row + 1))
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        self.cell_at(self.row, column)
    }

    fn header_cell(&self, column: usize) -> Cell<'_> {
        self.cell_at(0, column)
    }

    fn header_line(&self) -> usize {
        self.first_row + 1
    }

    fn file(&self) -> &Path {
        &self.file
    }

    fn sheet(&self) -> Option<&str> {
        Some(&self.sheet)
    }

    fn truncated(&self) -> bool {
        self.truncated
    }
}

impl SheetTable {
    /// A cell of the row at index `row` of the range (0 is the header).
    fn cell_at(&self, row: usize, column: usize) -> Cell<'_> {
        match self.value_at(row, column) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s)) => {
                Cell::Text(s.as_bytes())
            }
            Some(Data::Int(i)) => Cell::Number(*i as f64),
            Some(Data::Float(x)) => Cell::Number(*x),
            Some(Data::Bool(b)) => Cell::Bool(*b),
            Some(Data::DateTime(d)) => Cell::DateTime(*d),
            Some(Data::Error(e)) => Cell::Error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_a_doubled_byte_order_mark_are_named() {
        let utf16: Vec<u8> = "date,value\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let with_bom = [&b"\xFF\xFE"[..], &utf16].concat();
        assert!(encoding_problem(&with_bom).unwrap().contains("UTF-16"));
        assert!(encoding_problem(&utf16).unwrap().contains("UTF-16"));
        let doubled = b"\xEF\xBB\xBF\xEF\xBB\xBFdate,value\n";
        assert!(encoding_problem(doubled)
            .unwrap()
            .contains("two UTF-8 byte-order marks"));
        assert_eq!(encoding_problem(b"\xEF\xBB\xBFdate,value\n"), None);
        assert_eq!(encoding_problem("date,cas évités\n".as_bytes()), None);
        assert_eq!(encoding_problem(b""), None);
    }

    #[test]
    fn sniffs_the_separator_from_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"\"x,y\";z\n"), b';');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
        assert_eq!(sniff_delimiter(b""), b',');
    }
}
