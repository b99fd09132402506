//! A measure's chart: its data through the SPC engine, with the PDSA cycles to annotate.

use chrono::NaiveDate;
use gemba_spc::{analyse, ChartOptions, ChartResult, Data, Rules, SpcError};

use crate::model::{DataPoint, Measure, PdsaCycle};
use crate::period::{locate, Position};

/// A dated note to draw on a chart (a PDSA cycle starting).
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The date.
    pub date: NaiveDate,
    /// Where the date falls among the points ([`locate`]): on the point whose period
    /// contains it, between two points, or after the latest ([`Position::After`]); never
    /// [`Position::Before`].
    pub position: Position,
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
    /// PDSA cycles that started within the charted periods or after them, in the order given,
    /// then the rebases with their reasons.
    pub annotations: Vec<Annotation>,
}

/// Computes a measure's chart from its data (sorted by date) and its settings; PDSA cycles
/// become annotations on their start dates, and rebases on theirs, with their reasons. A rebase or a cycle dated inside a point's period
/// (2 Oct 2017 on a monthly measure) falls on that point (October 2017's), see [`locate`];
/// cycles that start after the latest point are kept, those before the first are left out.
/// The result is in display units: values, lines and the target multiplied by the measure's
/// multiplier (a percentage, a rate per 1,000).
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
    let dates: Vec<NaiveDate> = data.iter().map(|p| p.date).collect();
    options.phase_starts = s
        .rebase
        .iter()
        .filter_map(|r| locate(&dates, s.period, r.date).point_from())
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
    let cycles = pdsas.iter().filter_map(|c| {
        let date = c.fields.start_date?;
        Some((date, format!("PDSA: {}", c.fields.title)))
    });
    let rebases = s
        .rebase
        .iter()
        .map(|r| (r.date, format!("Rebased: {}", r.reason)));
    let annotations = cycles
        .chain(rebases)
        .filter_map(|(date, label)| {
            let position = locate(&dates, s.period, date);
            (position != Position::Before).then_some(Annotation {
                date,
                position,
                label,
            })
        })
        .collect();
    Ok(MeasureChart {
        dates,
        result,
        annotations,
    })
}

/// The run chart of a share by month: `counts` holds, for each month in order, how many of how
/// many (`(with, of)`); a month of none (`of` = 0) is a gap. The share is a proportion shown
/// as a percentage, judged by the engine's Anhøj runs analysis around its median; a higher
/// share is better.
pub fn share_run_chart(counts: &[(usize, usize)]) -> Result<ChartResult, SpcError> {
    let mut options = ChartOptions::new(gemba_spc::ChartType::Run);
    options.improvement = gemba_spc::Improvement::Increase;
    let numerators: Vec<Option<f64>> = counts
        .iter()
        .map(|&(with, of)| (of > 0).then_some(with as f64))
        .collect();
    let denominators: Vec<Option<f64>> = counts
        .iter()
        .map(|&(_, of)| (of > 0).then_some(of as f64))
        .collect();
    Ok(analyse(
        Data::Ratios {
            numerators: &numerators,
            denominators: &denominators,
        },
        &options,
    )?
    .scaled(100.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChartSettings, MeasureId, MeasureType, PdsaFields, PdsaId, ProjectId};
    use crate::period::Period;
    use crate::Version;
    use gemba_spc::{ChartType, Improvement};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn monthly(rebase: Vec<NaiveDate>) -> Measure {
        let rebase = rebase
            .into_iter()
            .map(|date| crate::Rebase {
                date,
                reason: "New falls policy".into(),
            })
            .collect();
        Measure {
            id: MeasureId(1),
            project: ProjectId(1),
            name: "Falls".into(),
            kind: MeasureType::Outcome,
            definition: String::new(),
            unit: String::new(),
            data_source: String::new(),
            denominator_label: String::new(),
            chart: ChartSettings {
                chart: ChartType::Xmr,
                improvement: Improvement::Decrease,
                target: None,
                rules: "mdc".into(),
                rebase,
                fix_after: None,
                period: Period::Month,
                multiplier: crate::Multiplier::ONE,
            },
            version: Version(1),
        }
    }

    fn cycle(id: i64, title: &str, start: NaiveDate) -> PdsaCycle {
        PdsaCycle {
            id: PdsaId(id),
            project: ProjectId(1),
            fields: PdsaFields {
                title: title.into(),
                start_date: Some(start),
                ..PdsaFields::default()
            },
            version: Version(1),
        }
    }

    /// Monthly points on the 1st, July 2017 to December 2017.
    fn data() -> Vec<DataPoint> {
        (7..=12)
            .map(|m| DataPoint {
                date: d(2017, m, 1),
                value: Some(f64::from(m)),
                denominator: None,
            })
            .collect()
    }

    #[test]
    fn a_cycle_started_on_2_october_falls_on_october_not_november() {
        let cycles = [
            cycle(1, "Early", d(2017, 10, 2)),
            cycle(2, "Later", d(2018, 2, 14)),
            cycle(3, "Before", d(2017, 6, 30)),
        ];
        let chart = measure_chart(&monthly(vec![]), &data(), &cycles).unwrap();
        let placed: Vec<(&str, Position)> = chart
            .annotations
            .iter()
            .map(|a| (a.label.as_str(), a.position))
            .collect();
        // October is the fourth point (July, August, September, October).
        assert_eq!(
            placed,
            [
                ("PDSA: Early", Position::At(3)),
                ("PDSA: Later", Position::After)
            ]
        );
    }

    #[test]
    fn a_rebase_inside_a_month_starts_the_phase_at_that_month() {
        let chart = measure_chart(&monthly(vec![d(2017, 10, 2)]), &data(), &[]).unwrap();
        let phases: Vec<usize> = chart.result.points.iter().map(|p| p.phase).collect();
        assert_eq!(phases, [1, 1, 1, 2, 2, 2]);
        // The rebase is annotated with its reason, on October's point.
        let notes: Vec<(&str, Position)> = chart
            .annotations
            .iter()
            .map(|a| (a.label.as_str(), a.position))
            .collect();
        assert_eq!(notes, [("Rebased: New falls policy", Position::At(3))]);
    }
}
