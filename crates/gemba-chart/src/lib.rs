//! Draws SPC results from `gemba-spc` as accessible SVG charts, self-contained HTML reports
//! and plain-text summaries, in the style of NHS England *Making Data Count*.
//!
//! Every function is pure: a result in, a `String` out; no I/O, no clock, no panics on any
//! data (empty series, missing values, constant series, huge or tiny numbers). Markup is built
//! with [`maud`], which escapes every piece of text, so a series named `<script>` is shown,
//! never run.
//!
//! ```
//! use gemba_spc::{analyse, ChartOptions, ChartType, Data};
//! use gemba_chart::{chart_svg, Place, SeriesView};
//!
//! let y = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.].map(Some);
//! let result = analyse(Data::Values(&y), &ChartOptions::new(ChartType::Xmr))?;
//! let labels: Vec<String> = (1..=12).map(|m| format!("2024-{m:02}-01")).collect();
//! let view = SeriesView {
//!     id: "ae-4h",
//!     title: "A&E 4-hour performance",
//!     x_labels: &labels,
//!     y_label: "Patients seen",
//!     result: &result,
//!     multiplier: 1.0,
//!     value_suffix: "",
//!     annotations: &[(Place::At(3.0), "PDSA: phone reminders".to_string())],
//! };
//! let svg = chart_svg(&view);
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("A&amp;E 4-hour performance"));
//! # Ok::<(), gemba_spc::SpcError>(())
//! ```

mod axis;
mod chart;
mod describe;
mod funnel;
mod icons;
mod layout;
mod page;
mod palette;
mod text;

pub use icons::{assurance_icon_svg, variation_icon_svg};

use gemba_spc::funnel::FunnelResult;
use gemba_spc::ChartResult;

/// One series to draw: the engine's result and what the engine does not know (names, dates).
#[derive(Debug, Clone, Copy)]
pub struct SeriesView<'a> {
    /// A short identifier, shown in the summary table and used for anchors ("ae-4h").
    pub id: &'a str,
    /// The chart's title, for people ("A&E 4-hour performance").
    pub title: &'a str,
    /// One label per point, such as "2024-01-01"; a point without one is labelled by its
    /// 1-based position.
    pub x_labels: &'a [String],
    /// What the values are ("Proportion seen within 4 hours").
    pub y_label: &'a str,
    /// The engine's result, in the units to show (see [`gemba_spc::ChartResult::scaled`]).
    pub result: &'a ChartResult,
    /// What the result's values were multiplied by to be shown (100 for percentages, 1,000
    /// for a rate per 1,000; 1 for none), so that the axis of a proportion ends at 100 %.
    pub multiplier: f64,
    /// Written after every value, line and target shown (`"%"`), or empty.
    pub value_suffix: &'a str,
    /// Notes to mark on the chart: where each sits on the time axis and its text ("PDSA:
    /// phone reminders"). Each is drawn as a dashed vertical marker numbered 1, 2… with the
    /// numbered texts listed below the plot and in the description. Places outside the
    /// points are ignored, except [`Place::AfterLast`].
    pub annotations: &'a [(Place, String)],
}

/// Where an annotation sits on the time axis of a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// A position counted in points from 0: `3.0` is the fourth point, `2.5` halfway between
    /// the third and the fourth (something dated in a period without a point).
    At(f64),
    /// After the latest point (something that starts after the latest data): drawn at the
    /// right edge of the plot.
    AfterLast,
}

/// A funnel plot to draw.
#[derive(Debug, Clone, Copy)]
pub struct FunnelView<'a> {
    /// The plot's title.
    pub title: &'a str,
    /// One name per group (provider), in the result's order; a group without one is named
    /// "Group N".
    pub groups: &'a [String],
    /// What the denominators are ("Expected deaths").
    pub x_label: &'a str,
    /// What the values are ("SHMI").
    pub y_label: &'a str,
    /// The engine's result.
    pub result: &'a FunnelResult,
}

/// One standalone SVG chart: points joined by a line (gaps at missing values), the centre
/// line, 3σ process limits per phase (steps where they vary), the target, phase dividers,
/// points marked by reading (colour and shape), the MDC variation and assurance icons, a
/// legend, axes, numbered annotation markers with their list below the plot, and a `<title>`
/// and `<desc>` summarising the chart (annotations included) for screen readers.
pub fn chart_svg(view: &SeriesView) -> String {
    let prefix = format!("spc-{}", chart::slug(view.id));
    chart::svg(view, &prefix, true).into_string()
}

/// One self-contained HTML page: a summary table (one row per series with its latest value,
/// icons and the rules that fired, linking to its chart), then each chart as inline SVG
/// followed by its data in a collapsible table. No scripts and no external assets.
pub fn report_html(title: &str, series: &[SeriesView]) -> String {
    page::report(title, series).into_string()
}

/// A plain-text table for a terminal, one line per series under a header: series, points,
/// latest value, centre line, variation, assurance and the rules that fired.
pub fn summary_table(series: &[SeriesView]) -> String {
    text::summary_table(series)
}

/// One standalone SVG funnel plot: groups by denominator and value, the target line, the
/// 95% and 99.8% limit curves, and outliers marked by colour and shape, each point titled
/// with its group's name.
pub fn funnel_svg(view: &FunnelView) -> String {
    funnel::svg(view, "funnel", true).into_string()
}

/// One self-contained HTML page with the funnel plot and a table of the groups, their limits
/// and their outlier flags.
pub fn funnel_html(view: &FunnelView) -> String {
    funnel::page(view).into_string()
}
