//! Reads long-format measure data from CSV files and spreadsheets into series for SPC charts
//! and groups for funnel plots, with errors that name the file, line, column and value.
//!
//! Long format: one row per measurement, with a date column, a value column, optionally a
//! denominator and a series (or group) column, e.g.
//!
//! ```text
//! period,org_code,attendances,breaches
//! 2024-01-01,RX1,2176,120
//! 2024-02-01,RX1,2644,98
//! ```
//!
//! - [`read_chart_series`] gives one [`SeriesData`] per series key, points sorted by date.
//! - [`read_funnel_groups`] gives [`FunnelData`], numerators and denominators summed per group.
//! - [`parse_date`] is the date reader both use for text.
//! - [`parse_pasted`] and [`read_measure_file`] read one measure's data pasted from a
//!   spreadsheet or uploaded as a file, listing every bad row.
//!
//! Numbers: plain decimals; `1,234` with UK thousands separators; `95%` is read as 95 (the sign
//! is dropped, not scaled). Missing: an empty cell, `NA`, `N/A`, `#N/A`, `null`, `NaN`, `-`,
//! `.` (any case) and, in spreadsheets, the `#N/A` error. Infinities are not numbers.
//!
//! Dates: see [`parse_date`]; spreadsheet date cells are read as dates (the time of day is
//! dropped), and plain numbers in a spreadsheet's date column as spreadsheet serial dates.
//!
//! The CSV reader streams: memory grows with the points kept (about 32 bytes a row while
//! reading), not with the file. Spreadsheets are loaded one sheet at a time, and never in this
//! process: a [`SheetReader`] runs the parser in a child process with memory and CPU limits,
//! after checking the file's archive (see the limits re-exported here, and [`Refusal`]).

mod archive;
mod chart;
mod date;
mod error;
mod export;
mod filter;
mod funnel;
mod import;
mod number;
mod sandbox;
mod source;

pub use archive::{
    MAX_ARCHIVE_ENTRIES, MAX_COMPRESSION_RATIO, MAX_SHEET_CELLS, MAX_UNPACKED_BYTES,
    MIN_SHARED_STRING_BYTES, RATIO_CHECKED_FROM,
};
pub use chart::{read_chart_series, ChartColumns, Grouping, SeriesData};
pub use date::parse_date;
pub use error::{DataError, Location};
pub use export::csv_text;
pub use filter::{RowFilter, RowFilterError};
pub use funnel::{read_funnel_groups, FunnelColumns, FunnelData};
pub use import::{parse_pasted, read_measure_file, MeasureRow, RowProblem, MAX_IMPORT_ROWS};
pub use sandbox::{
    child_main, Refusal, SheetReader, MAX_ANSWER_BYTES, MAX_READER_CPU_SECONDS, MAX_READER_MEMORY,
    MAX_SPREADSHEET_BYTES, READ_TIMEOUT,
};
pub use source::Source;
