//! The board's integrated quality report: a summary of many measures with the *Making Data
//! Count* variation and assurance icons, the 3 × 3 variation × assurance matrix, then one panel
//! per measure with its chart and the owner's narrative.
//!
//! Pure: a [`Report`] in, bytes out ([`html`], [`pdf`]) or a [`Summary`] for the JSON of the
//! API. No I/O, no clock, no randomness: the same report gives byte-identical output.
//!
//! ```
//! use gemba_spc::{analyse, ChartOptions, ChartType, Data};
//! use gemba_report::{html, Measure, Report, Section};
//!
//! let y = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.].map(Some);
//! let result = analyse(Data::Values(&y), &ChartOptions::new(ChartType::Xmr))?;
//! let measure = Measure::new("falls", "Falls per 1,000 bed days", result,
//!     (1..=12).map(|m| format!("2024-{m:02}")).collect());
//! let report = Report {
//!     title: "Integrated quality report".into(),
//!     period: "December 2024".into(),
//!     sections: vec![Section { name: "Safe".into(), measures: vec![measure] }],
//!     ..Report::default()
//! };
//! assert!(html(&report).contains("Falls per 1,000 bed days"));
//! # Ok::<(), gemba_spc::SpcError>(())
//! ```

mod changes;
mod fmt;
mod html;
mod pdf;
mod summary;

pub use changes::{changes, standings, Change, ChangeKind, Changes, Standing};
pub use gemba_chart::Place;
pub use summary::{
    summarise, Assurance, Matrix, MeasureSummary, SectionSummary, Summary, Unplaced, Variation,
};

use gemba_spc::ChartResult;

/// A board report: its title, the period it reports and its sections in order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The report's title ("Integrated quality report").
    pub title: String,
    /// The period reported, for people ("November 2026", "2026 Q3").
    pub period: String,
    /// The sections in order (the CQC domains by default), each with its measures in order.
    pub sections: Vec<Section>,
    /// Order each section's summary concern and failing-target measures first (see
    /// [`summarise`]); the panels keep the given order.
    pub concern_first: bool,
    /// A line under the title saying what this copy is ("Published on 3 December 2026 by Ada
    /// Admin", "Draft: not yet published"), if any.
    pub status: Option<String>,
    /// What changed since the previous published report, if there is one.
    pub changes: Option<Changes>,
    /// The titles of measures that are on the report but have no data up to its period, so
    /// cannot be charted: named in the summary rather than silently left out.
    pub without_data: Vec<String>,
}

/// One section of a report (a CQC domain such as "Safe").
#[derive(Debug, Clone)]
pub struct Section {
    /// The section's name.
    pub name: String,
    /// Its measures in order.
    pub measures: Vec<Measure>,
}

/// One measure as a board sees it.
#[derive(Debug, Clone)]
pub struct Measure {
    /// A short identifier, unique in the report, used for anchors ("ae-4h").
    pub id: String,
    /// The measure's title ("Four-hour performance").
    pub title: String,
    /// The executive owner, if named.
    pub owner: Option<String>,
    /// What the values are ("Proportion seen within 4 hours").
    pub unit: String,
    /// What the result's values were multiplied by to be shown (100 for a percentage).
    pub multiplier: f64,
    /// Written after every value shown (`"%"`), or empty.
    pub value_suffix: String,
    /// The engine's result, already in the units shown (see [`ChartResult::scaled`]); its
    /// target and improvement direction are the measure's.
    pub result: ChartResult,
    /// One label per point ("2024-01-01").
    pub x_labels: Vec<String>,
    /// Notes on the time axis (PDSA cycles, rebases), as [`gemba_chart`] draws them.
    pub annotations: Vec<(Place, String)>,
    /// The owner's narrative for the period, if written.
    pub narrative: Option<Narrative>,
}

impl Measure {
    /// A measure with no owner, unit, multiplier, suffix, annotations or narrative.
    pub fn new(id: &str, title: &str, result: ChartResult, x_labels: Vec<String>) -> Measure {
        Measure {
            id: id.to_string(),
            title: title.to_string(),
            owner: None,
            unit: String::new(),
            multiplier: 1.0,
            value_suffix: String::new(),
            result,
            x_labels,
            annotations: Vec::new(),
            narrative: None,
        }
    }
}

/// The owner's narrative for one measure and period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    /// What the chart shows.
    pub shows: String,
    /// Why.
    pub why: String,
    /// Actions, and by when.
    pub actions: String,
}

/// Why a report could not be drawn as PDF.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A page could not be laid out (a bug in the drawing, not in the data).
    #[error("cannot draw page {page} of the PDF: {reason}")]
    Page {
        /// The 1-based page.
        page: usize,
        /// What went wrong.
        reason: String,
    },
    /// The PDF writer refused the document.
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

/// The report as one self-contained, accessible HTML page: the summary per section, the
/// variation × assurance matrix, then one panel per measure. No scripts, no external assets.
pub fn html(report: &Report) -> String {
    html::page(report)
}

/// The report as PDF: the summary first, then the matrix, then one page per measure with its
/// chart in vector form; selectable text in an embedded font (DejaVu Sans), numbered pages and
/// a bookmark per part, section and measure. Byte-identical for the same report.
pub fn pdf(report: &Report) -> Result<Vec<u8>, ReportError> {
    pdf::document(report)
}
