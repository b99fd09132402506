//! A measure's chart: its data through the SPC engine, with the PDSA cycles to annotate.

use chrono::NaiveDate;
use gemba_spc::{analyse, ChartOptions, ChartResult, Data, Rules, SpcError};

use crate::model::{DataPoint, Measure, PdsaCycle};

/// A dated note to draw on a chart (a PDSA cycle starting).
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The date.
    pub date: NaiveDate,
    /// What to write.
    pub label: String,
}

/// A measure's chart, ready to render or serialise.
#[derive(Debug, Clone)]
pub struct MeasureChart {
    /// The dates of the points.
    pub dates: Vec<NaiveDate>,
    /// The engine's result.
    pub result: ChartResult,
    /// PDSA cycles that started within the charted period.
    pub annotations: Vec<Annotation>,
}

/// Computes a measure's chart from its data (sorted by date) and its settings; PDSA cycles
/// become annotations on their start dates. The result is in display units: values, lines
/// and the target multiplied by the measure's multiplier (a percentage, a rate per 1,000).
pub fn measure_chart(
    measure: &Measure,
    data: &[DataPoint],
    pdsas: &[PdsaCycle],
) -> Result<MeasureChart, SpcError> {
    let s = &measure.chart;
    let mut options = ChartOptions::new(s.chart);
    options.improvement = s.improvement;
    options.target = s.target.map(|t| s.from_display(t));
    options.rules = Rules::profile(&s.rules).unwrap_or_default();
    options.fix_after = s.fix_after;
    options.phase_starts = s
        .rebase
        .iter()
        .filter_map(|d| data.iter().position(|p| p.date >= *d))
        .collect();
    let values: Vec<Option<f64>> = data.iter().map(|p| p.value).collect();
    let result = if s.chart.needs_denominator() || data.iter().any(|p| p.denominator.is_some()) {
        let dens: Vec<Option<f64>> = data.iter().map(|p| p.denominator).collect();
        analyse(
            Data::Ratios {
                numerators: &values,
                denominators: &dens,
            },
            &options,
        )?
    } else {
        analyse(Data::Values(&values), &options)?
    };
    let result = result.scaled(s.multiplier.factor());
    let first = data.first().map(|p| p.date);
    let last = data.last().map(|p| p.date);
    let annotations = pdsas
        .iter()
        .filter_map(|c| {
            let d = c.fields.start_date?;
            let within = first.is_some_and(|f| d >= f) && last.is_some_and(|l| d <= l);
            within.then(|| Annotation {
                date: d,
                label: format!("PDSA: {}", c.fields.title),
            })
        })
        .collect();
    Ok(MeasureChart {
        dates: data.iter().map(|p| p.date).collect(),
        result,
        annotations,
    })
}
