//! The board report's summary as JSON: `gemba report --format json` prints it, and the
//! workspace's `GET /api/v1/reports/{id}` is to serve the same shape. Schema:
//! `docs/schema/report-summary.schema.json`; described in `docs/json-contract.md`.

use gemba_report::{
    Assurance, ChangeKind, Changes, MeasureSummary, Report, Standing, Summary, Variation,
};
use gemba_spc::{AssuranceIcon, VariationIcon};
use serde::Serialize;

use crate::CONTRACT_VERSION;

/// The summary of one board report.
#[derive(Debug, Serialize)]
pub struct ReportSummaryJson<'a> {
    /// Contract version.
    pub version: &'static str,
    /// The report's title.
    pub title: &'a str,
    /// The period reported, for people.
    pub period: &'a str,
    /// Each section with its summary rows, in the report's order.
    pub sections: Vec<SectionJson<'a>>,
    /// The variation × assurance matrix.
    pub matrix: MatrixJson<'a>,
    /// What this copy is ("Published on 3 December 2026 by Ada Admin"), or null.
    pub status: Option<&'a str>,
    /// What changed since the previous published report, or null.
    pub changes: Option<ChangesJson<'a>>,
    /// Measures on the report without data up to the end of its period (not charted).
    pub without_data: &'a [String],
}

/// What changed since the previous published report.
#[derive(Debug, Serialize)]
pub struct ChangesJson<'a> {
    /// The previous report's period, for people.
    pub since: &'a str,
    /// One entry per change, in report order, then measures that left.
    pub items: Vec<ChangeJson<'a>>,
}

/// One change of one measure.
#[derive(Debug, Serialize)]
pub struct ChangeJson<'a> {
    /// The measure's identifier.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// `joined`, `left`, `variation`, `assurance` or `new_signal`.
    pub change: &'static str,
    /// For `variation` and `assurance`: the icon before (null: none), else null.
    pub from: Option<&'static str>,
    /// For `variation` and `assurance`: the icon now (null: none), else null.
    pub to: Option<&'static str>,
    /// For `new_signal`: the rules newly fired; else empty.
    pub rules: &'a [String],
    /// The change in words.
    pub description: String,
}

fn changes_json(c: &Changes) -> ChangesJson<'_> {
    ChangesJson {
        since: &c.since,
        items: c
            .items
            .iter()
            .map(|i| {
                let (from, to) = match &i.what {
                    ChangeKind::Variation { from, to } => {
                        (from.map(VariationIcon::name), to.map(VariationIcon::name))
                    }
                    ChangeKind::Assurance { from, to } => {
                        (from.map(AssuranceIcon::name), to.map(AssuranceIcon::name))
                    }
                    _ => (None, None),
                };
                ChangeJson {
                    id: &i.id,
                    title: &i.title,
                    change: i.what.name(),
                    from,
                    to,
                    rules: match &i.what {
                        ChangeKind::NewSignal { rules } => rules,
                        _ => &[],
                    },
                    description: i.what.describe(),
                }
            })
            .collect(),
    }
}

/// The standing of every measure in a summary's JSON as [`ReportSummaryJson`] wrote it (a
/// published report's), for [`gemba_report::changes`]; what cannot be read is left out.
pub fn standings_from_json(json: &str) -> Vec<Standing> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let text =
        |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_str()).map(str::to_owned);
    value
        .get("sections")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("measures").and_then(|m| m.as_array()))
        .flatten()
        .filter_map(|m| {
            Some(Standing {
                id: text(m, "id")?,
                title: text(m, "title").unwrap_or_default(),
                variation_icon: text(m, "variation_icon").and_then(|n| VariationIcon::parse(&n)),
                assurance_icon: text(m, "assurance_icon").and_then(|n| AssuranceIcon::parse(&n)),
                rules_fired: m
                    .get("rules_fired")
                    .and_then(|r| r.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect(),
            })
        })
        .collect()
}

/// One section's rows.
#[derive(Debug, Serialize)]
pub struct SectionJson<'a> {
    /// The section's name.
    pub name: &'a str,
    /// Its measures (concern and failing first when the report asks for it).
    pub measures: Vec<MeasureSummaryJson<'a>>,
}

/// One measure's summary row.
#[derive(Debug, Serialize)]
pub struct MeasureSummaryJson<'a> {
    /// The measure's identifier.
    pub id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its owner, or null.
    pub owner: Option<&'a str>,
    /// What the values are.
    pub unit: &'a str,
    /// Written after every value for people (`%`), or empty.
    pub value_suffix: &'a str,
    /// `increase`, `decrease` or `neutral`.
    pub improvement: &'static str,
    /// The label of the latest point with a value, or null.
    pub latest_period: Option<&'a str>,
    /// The latest value, or null.
    pub latest_value: Option<f64>,
    /// The target, or null.
    pub target: Option<f64>,
    /// The centre line at the latest point (the mean; a run chart's median).
    pub mean: Option<f64>,
    /// The lower process limit at the latest point, or null.
    pub lcl: Option<f64>,
    /// The upper process limit at the latest point, or null.
    pub ucl: Option<f64>,
    /// The variation icon as in the chart contract, or null without values.
    pub variation_icon: Option<&'static str>,
    /// `pass`, `fail`, `hit_and_miss`, or null without a target.
    pub assurance_icon: Option<&'static str>,
    /// The matrix row: `improvement`, `common_cause`, `concern`, or null.
    pub variation: Option<&'static str>,
    /// The matrix column: `pass`, `hit_and_miss`, `fail`, or null.
    pub assurance: Option<&'static str>,
    /// The rules that fired in the latest phase.
    pub rules_fired: &'a [&'static str],
    /// Every point's value (null where missing), for a sparkline.
    pub values: &'a [Option<f64>],
}

/// The matrix: three rows of three cells.
#[derive(Debug, Serialize)]
pub struct MatrixJson<'a> {
    /// Rows in the order improvement, common cause, concern.
    pub rows: Vec<MatrixRowJson<'a>>,
    /// Measures with no place in the matrix, and why.
    pub unplaced: Vec<UnplacedJson<'a>>,
}

/// One row of the matrix.
#[derive(Debug, Serialize)]
pub struct MatrixRowJson<'a> {
    /// `improvement`, `common_cause` or `concern`.
    pub variation: &'static str,
    /// Cells in the order pass, hit and miss, fail.
    pub cells: Vec<MatrixCellJson<'a>>,
}

/// One cell of the matrix.
#[derive(Debug, Serialize)]
pub struct MatrixCellJson<'a> {
    /// `pass`, `hit_and_miss` or `fail`.
    pub assurance: &'static str,
    /// The ids of its measures, in report order.
    pub measures: &'a [String],
}

/// A measure left out of the matrix.
#[derive(Debug, Serialize)]
pub struct UnplacedJson<'a> {
    /// The measure's id.
    pub id: &'a str,
    /// Why, for people.
    pub reason: &'static str,
}

impl<'a> ReportSummaryJson<'a> {
    /// The JSON of a report's summary (from [`gemba_report::summarise`]).
    pub fn new(report: &'a Report, summary: &'a Summary) -> Self {
        ReportSummaryJson {
            version: CONTRACT_VERSION,
            title: &report.title,
            period: &report.period,
            sections: summary
                .sections
                .iter()
                .map(|s| SectionJson {
                    name: &s.name,
                    measures: s.measures.iter().map(measure).collect(),
                })
                .collect(),
            matrix: MatrixJson {
                rows: Variation::ALL
                    .iter()
                    .map(|v| MatrixRowJson {
                        variation: v.name(),
                        cells: Assurance::ALL
                            .iter()
                            .map(|a| MatrixCellJson {
                                assurance: a.name(),
                                measures: summary.matrix.cell(*v, *a),
                            })
                            .collect(),
                    })
                    .collect(),
                unplaced: summary
                    .matrix
                    .unplaced
                    .iter()
                    .map(|u| UnplacedJson {
                        id: &u.id,
                        reason: u.reason,
                    })
                    .collect(),
            },
            status: report.status.as_deref(),
            changes: report.changes.as_ref().map(changes_json),
            without_data: &report.without_data,
        }
    }
}

fn measure(m: &MeasureSummary) -> MeasureSummaryJson<'_> {
    MeasureSummaryJson {
        id: &m.id,
        title: &m.title,
        owner: m.owner.as_deref(),
        unit: &m.unit,
        value_suffix: &m.value_suffix,
        improvement: m.improvement.name(),
        latest_period: m.latest_period.as_deref(),
        latest_value: m.latest_value,
        target: m.target,
        mean: m.mean,
        lcl: m.lcl,
        ucl: m.ucl,
        variation_icon: m.variation_icon.map(|i| i.name()),
        assurance_icon: m.assurance_icon.map(|i| i.name()),
        variation: m.variation().map(Variation::name),
        assurance: m.assurance().map(Assurance::name),
        rules_fired: &m.rules_fired,
        values: &m.values,
    }
}
