//! Long-format data to one numerator and denominator per group, for funnel plots.

use std::collections::HashMap;

use crate::error::DataError;
use crate::filter::{FilterColumns, RowFilter};
use crate::sandbox::SheetReader;
use crate::source::{open, Cell, Opened, Source, Table};

/// The columns holding a funnel plot's data, by header name (matched as for
/// [`ChartColumns`](crate::ChartColumns)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelColumns {
    /// The numerator (e.g. breaches).
    pub numerator: String,
    /// The denominator (e.g. attendances).
    pub denominator: String,
    /// The group compared (e.g. an organisation code).
    pub group: String,
    /// Keep only the rows that match every filter (for example `period=2019-03-01`).
    pub filters: Vec<RowFilter>,
}

/// Numerators and denominators summed per group, groups in order of first appearance.
///
/// All vectors have one entry per group.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelData {
    /// The group keys as written in the file (trimmed).
    pub groups: Vec<String>,
    /// The sum of each group's numerators.
    pub numerators: Vec<f64>,
    /// The sum of each group's denominators.
    pub denominators: Vec<f64>,
    /// The 1-based lines (CSV, header = line 1) or spreadsheet rows that make up each group, in
    /// file order.
    pub lines: Vec<Vec<usize>>,
}

/// Reads a funnel plot's data: the rows of each group are summed, as FunnelPlotR aggregates
/// by group.
///
/// Rows blank in all three columns are skipped. On every other row the group, numerator and
/// denominator must be present and numeric: a missing number is an error
/// ([`DataError::MissingNumber`]), since summing over it would understate the group.
/// Checks that depend on the plot (negative counts, numerator above denominator, zero
/// denominators) are the caller's.
///
/// ```
/// use gemba_data::{read_funnel_groups, FunnelColumns, SheetReader, Source};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ae.csv");
/// std::fs::write(&path, "org;breaches;attendances\nRX1;5;100\nRY2;1;50\nRX1;7;120\n")?;
/// let cols = FunnelColumns {
///     filters: Vec::new(),
///     numerator: "breaches".into(),
///     denominator: "attendances".into(),
///     group: "org".into(),
/// };
/// let sheets = SheetReader::new("gemba", ["read-sheet"]); // runs only for spreadsheets
/// let funnel = read_funnel_groups(&Source::new(&path), &cols, &sheets)?;
/// assert_eq!(funnel.groups, ["RX1", "RY2"]);
/// assert_eq!(funnel.numerators, [12.0, 1.0]);
/// assert_eq!(funnel.denominators, [220.0, 50.0]);
/// assert_eq!(funnel.lines, [vec![2, 4], vec![3]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_funnel_groups(
    src: &Source,
    cols: &FunnelColumns,
    sheets: &SheetReader,
) -> Result<FunnelData, DataError> {
    match open(src, sheets)? {
        Opened::Csv(mut t) => read_funnel(&mut t, cols),
        Opened::Sheet(mut t) => read_funnel(&mut t, cols),
    }
}

fn read_funnel<T: Table>(t: &mut T, cols: &FunnelColumns) -> Result<FunnelData, DataError> {
    let group_col = t.column(&cols.group)?;
    let numerator_col = t.column(&cols.numerator)?;
    let denominator_col = t.column(&cols.denominator)?;
    let filters = FilterColumns::resolve(t, &cols.filters)?;

    let mut data = FunnelData {
        groups: Vec::new(),
        numerators: Vec::new(),
        denominators: Vec::new(),
        lines: Vec::new(),
    };
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();

    while let Some(line) = t.advance()? {
        if !filters.keep(t) {
            continue;
        }
        let group = t.cell(group_col);
        let numerator = t.cell(numerator_col);
        let denominator = t.cell(denominator_col);
        if group.is_empty() && numerator.is_empty() && denominator.is_empty() {
            continue;
        }
        let key = group.key().map_err(|p| t.cell_error(line, group_col, p))?;
        let n = required_number(t, line, numerator_col, &numerator)?;
        let d = required_number(t, line, denominator_col, &denominator)?;
        let i = match index.get(&*key) {
            Some(&i) => i,
            None => {
                let i = data.groups.len();
                data.groups.push(String::from_utf8_lossy(&key).into_owned());
                data.numerators.push(0.0);
                data.denominators.push(0.0);
                data.lines.push(Vec::new());
                index.insert(key.into_owned(), i);
                i
            }
        };
        data.numerators[i] += n;
        data.denominators[i] += d;
        data.lines[i].push(line);
    }

    if data.groups.is_empty() {
        return Err(filters.no_rows(t));
    }
    Ok(data)
}

fn required_number<T: Table>(
    t: &T,
    line: usize,
    column: usize,
    cell: &Cell<'_>,
) -> Result<f64, DataError> {
    match cell.number() {
        Ok(Some(x)) => Ok(x),
        Ok(None) => Err(DataError::MissingNumber {
            at: t.location(line),
            column: t.headers()[column].clone(),
            value: cell.shown(),
        }),
        Err(p) => Err(t.cell_error(line, column, p)),
    }
}
