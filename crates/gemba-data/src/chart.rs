//! Long-format data to one series per key, for SPC charts.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::DataError;
use crate::filter::{FilterColumns, RowFilter};
use crate::sandbox::SheetReader;
use crate::source::{open, Cell, Opened, Source, Table};

/// The columns holding a chart's data, by header name.
///
/// A name matches its column exactly or, failing that, ignoring case and surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartColumns {
    /// The measured value (or, with a denominator, the numerator).
    pub value: String,
    /// The date of each row.
    pub date: String,
    /// The denominator, for rates and proportions (p, u charts).
    pub denominator: Option<String>,
    /// The series key (e.g. an organisation code): one series per distinct key.
    /// `None` reads the whole file as one series.
    pub series: Option<String>,
    /// Keep only the rows that match every filter (for example `type=1`).
    pub filters: Vec<RowFilter>,
}

/// How rows that share a date within a series are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One row per date: a repeated date within a series is an error
    /// ([`DataError::DuplicateDate`]). For XmR, p, u, c charts and the like.
    OnePerDate,
    /// Rows sharing a date within a series form that date's subgroup, for Xbar/S and Xbar/R
    /// charts. Cannot be combined with a denominator column.
    Subgroups,
}

/// One series: points sorted by date, with the source line of each.
///
/// All vectors (and `denominators`, `subgroups` when present) have one entry per point.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    /// The series key as written in the file (trimmed), or `""` without a series column.
    pub id: String,
    /// The date of each point, ascending. Rows with equal dates keep their order in the file.
    pub dates: Vec<NaiveDate>,
    /// The value of each point; `None` when missing (an empty cell, `NA`, ...). With a
    /// denominator, a point is `None` when its value or its denominator is missing. With
    /// [`Grouping::Subgroups`], the mean of the subgroup's values (`None` if it has none).
    pub values: Vec<Option<f64>>,
    /// Each point's denominator, when a denominator column was given; `None` exactly where the
    /// value is `None`.
    pub denominators: Option<Vec<Option<f64>>>,
    /// With [`Grouping::Subgroups`]: each date's non-missing values, in file order (a subgroup
    /// may be empty when all its values are missing). `None` with [`Grouping::OnePerDate`].
    pub subgroups: Option<Vec<Vec<f64>>>,
    /// The 1-based line (CSV, header = line 1) or spreadsheet row of each point; for a
    /// subgroup, its first row. See [`Source::location`] for messages.
    pub lines: Vec<usize>,
}

/// Reads one series per distinct key of `cols.series`, in order of first appearance, each
/// sorted by date.
///
/// Rows that are blank in every column used are skipped. Every other row needs a date and,
/// with a series column, a key; values may be missing. Checks that depend on the chart
/// (negative counts, numerator above denominator, zero denominators) are the caller's: use
/// [`SeriesData::lines`] to name the row.
///
/// ```
/// use gemba_data::{read_chart_series, ChartColumns, Grouping, SheetReader, Source};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ae.csv");
/// std::fs::write(&path, "period,org,breaches\n2024-02-01,RX1,7\n2024-01-01,RX1,5\n01/01/2024,RY2,NA\n")?;
/// let cols = ChartColumns {
///     filters: Vec::new(),
///     value: "breaches".into(),
///     date: "period".into(),
///     denominator: None,
///     series: Some("org".into()),
/// };
/// let sheets = SheetReader::new("gemba", ["read-sheet"]); // runs only for spreadsheets
/// let series = read_chart_series(&Source::new(&path), &cols, Grouping::OnePerDate, &sheets)?;
/// assert_eq!(series[0].id, "RX1");
/// assert_eq!(series[0].values, [Some(5.0), Some(7.0)]); // sorted by date
/// assert_eq!(series[0].lines, [3, 2]);
/// assert_eq!(series[1].values, [None]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_chart_series(
    src: &Source,
    cols: &ChartColumns,
    grouping: Grouping,
    sheets: &SheetReader,
) -> Result<Vec<SeriesData>, DataError> {
    if grouping == Grouping::Subgroups && cols.denominator.is_some() {
        return Err(DataError::DenominatorWithSubgroups);
    }
    match open(src, sheets)? {
        Opened::Csv(mut t) => read_chart(&mut t, cols, grouping),
        Opened::Sheet(mut t) => read_chart(&mut t, cols, grouping),
    }
}

/// A row while reading: its series index and point. `NaN` marks a missing number (input NaN is
/// read as missing, so no value is lost). Rows are kept in one flat vector in file order and
/// grouped by series at the end: appending to one vector is much faster than to thousands of
/// scattered ones when the file interleaves its series (e.g. sorted by date).
#[derive(Clone, Copy)]
struct Row {
    series: u32,
    date: NaiveDate,
    value: f64,
    denominator: f64,
    line: usize,
}

fn read_chart<T: Table>(
    t: &mut T,
    cols: &ChartColumns,
    grouping: Grouping,
) -> Result<Vec<SeriesData>, DataError> {
    let date_col = t.column(&cols.date)?;
    let value_col = t.column(&cols.value)?;
    let denominator_col = cols
        .denominator
        .as_deref()
        .map(|c| t.column(c))
        .transpose()?;
    let series_col = cols.series.as_deref().map(|c| t.column(c)).transpose()?;
    let filters = FilterColumns::resolve(t, &cols.filters)?;

    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<Vec<u8>, u32> = HashMap::new();
    // Long data often comes grouped by series: compare with the last key before hashing.
    let mut last_key: Vec<u8> = Vec::new();
    let mut last_series: Option<u32> = None;
    let mut rows: Vec<Row> = Vec::new();

    while let Some(line) = t.advance()? {
        if !filters.keep(t) {
            continue;
        }
        let date_cell = t.cell(date_col);
        let value_cell = t.cell(value_col);
        let denominator_cell = denominator_col.map(|c| t.cell(c));
        let series_cell = series_col.map(|c| t.cell(c));
        if date_cell.is_empty()
            && value_cell.is_empty()
            && denominator_cell.as_ref().is_none_or(Cell::is_empty)
            && series_cell.as_ref().is_none_or(Cell::is_empty)
        {
            continue;
        }

        let series = match (series_col, &series_cell) {
            (Some(col), Some(cell)) => {
                let key = cell.key().map_err(|p| t.cell_error(line, col, p))?;
                match last_series {
                    Some(s) if *last_key == *key => s,
                    _ => {
                        let s = match index.get(&*key) {
                            Some(&s) => s,
                            None => {
                                let s = u32::try_from(ids.len()).map_err(|_| DataError::Read {
                                    file: t.file().to_owned(),
                                    line: Some(line),
                                    message: "too many series".to_owned(),
                                })?;
                                ids.push(String::from_utf8_lossy(&key).into_owned());
                                index.insert(key.to_vec(), s);
                                s
                            }
                        };
                        last_key.clear();
                        last_key.extend_from_slice(&key);
                        last_series = Some(s);
                        s
                    }
                }
            }
            _ => {
                if ids.is_empty() {
                    ids.push(String::new());
                }
                0
            }
        };

        let date = date_cell
            .date()
            .map_err(|p| t.cell_error(line, date_col, p))?;
        let mut value = value_cell
            .number()
            .map_err(|p| t.cell_error(line, value_col, p))?;
        let mut denominator = None;
        if let (Some(col), Some(cell)) = (denominator_col, &denominator_cell) {
            denominator = cell.number().map_err(|p| t.cell_error(line, col, p))?;
            if value.is_none() || denominator.is_none() {
                value = None;
                denominator = None;
            }
        }
        rows.push(Row {
            series,
            date,
            value: value.unwrap_or(f64::NAN),
            denominator: denominator.unwrap_or(f64::NAN),
            line,
        });
    }

    if rows.is_empty() {
        return Err(filters.no_rows(t));
    }
    let (mut rows, bounds) = group_by_series(rows, ids.len());
    let mut out = Vec::with_capacity(ids.len());
    for (id, range) in ids.into_iter().zip(bounds.windows(2)) {
        let series_rows = &mut rows[range[0]..range[1]];
        out.push(finish(
            t,
            id,
            series_rows,
            grouping,
            denominator_col.is_some(),
        )?);
    }
    Ok(out)
}

/// The rows ordered by series index, keeping file order within a series (a counting sort),
/// and where each series starts: series `i` is `rows[bounds[i]..bounds[i + 1]]`.
fn group_by_series(rows: Vec<Row>, series: usize) -> (Vec<Row>, Vec<usize>) {
    let mut bounds = vec![0usize; series + 1];
    for r in &rows {
        bounds[r.series as usize + 1] += 1;
    }
    for i in 1..bounds.len() {
        bounds[i] += bounds[i - 1];
    }
    if rows.is_sorted_by_key(|r| r.series) {
        return (rows, bounds);
    }
    let mut next = bounds.clone();
    let mut grouped = rows.clone();
    for r in rows {
        let slot = &mut next[r.series as usize];
        grouped[*slot] = r;
        *slot += 1;
    }
    (grouped, bounds)
}

fn present(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

/// One series from its rows (in file order).
fn finish<T: Table>(
    t: &T,
    id: String,
    points: &mut [Row],
    grouping: Grouping,
    has_denominator: bool,
) -> Result<SeriesData, DataError> {
    if !points.is_sorted_by_key(|p| p.date) {
        points.sort_by_key(|p| p.date); // stable: equal dates keep file order
    }
    match grouping {
        Grouping::OnePerDate => {
            if let Some(w) = points.windows(2).find(|w| w[0].date == w[1].date) {
                return Err(DataError::DuplicateDate {
                    first: t.location(w[0].line),
                    second_line: w[1].line,
                    series: id,
                    date: w[0].date,
                });
            }
            Ok(SeriesData {
                id,
                dates: points.iter().map(|p| p.date).collect(),
                values: points.iter().map(|p| present(p.value)).collect(),
                denominators: has_denominator
                    .then(|| points.iter().map(|p| present(p.denominator)).collect()),
                subgroups: None,
                lines: points.iter().map(|p| p.line).collect(),
            })
        }
        Grouping::Subgroups => {
            let mut data = SeriesData {
                id,
                dates: Vec::new(),
                values: Vec::new(),
                denominators: None,
                subgroups: None,
                lines: Vec::new(),
            };
            let mut groups = Vec::new();
            for chunk in points.chunk_by(|a, b| a.date == b.date) {
                let values: Vec<f64> = chunk.iter().filter_map(|p| present(p.value)).collect();
                let mean =
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                data.dates.push(chunk[0].date);
                data.values.push(mean);
                data.lines.push(chunk[0].line);
                groups.push(values);
            }
            data.subgroups = Some(groups);
            Ok(data)
        }
    }
}
