//! What the board sees at a glance: one summary row per measure and the variation ×
//! assurance matrix.

use gemba_spc::{AssuranceIcon, ChartResult, Improvement, VariationIcon};

use crate::Report;

/// The summary of a whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// One entry per section, in the report's order.
    pub sections: Vec<SectionSummary>,
    /// The variation × assurance matrix of every measure.
    pub matrix: Matrix,
}

/// The summary rows of one section.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionSummary {
    /// The section's name.
    pub name: String,
    /// Its measures: in the report's order, or concern and failing first when asked.
    pub measures: Vec<MeasureSummary>,
}

/// One summary row.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSummary {
    /// The measure's identifier.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its owner, if named.
    pub owner: Option<String>,
    /// What the values are.
    pub unit: String,
    /// Written after every value.
    pub value_suffix: String,
    /// `increase`, `decrease` or `neutral`.
    pub improvement: Improvement,
    /// The label of the latest point with a value, or `None` without values.
    pub latest_period: Option<String>,
    /// The latest value.
    pub latest_value: Option<f64>,
    /// The target.
    pub target: Option<f64>,
    /// The centre line (the mean; the median of a run chart) at the latest point.
    pub mean: Option<f64>,
    /// The lower process limit at the latest point.
    pub lcl: Option<f64>,
    /// The upper process limit at the latest point.
    pub ucl: Option<f64>,
    /// The variation icon.
    pub variation_icon: Option<VariationIcon>,
    /// The assurance icon.
    pub assurance_icon: Option<AssuranceIcon>,
    /// The rules that fired in the latest phase, in the JSON contract's spelling and order
    /// (`outside_limits`, `shift`, `trend`, `two_in_three`).
    pub rules_fired: Vec<&'static str>,
    /// Every point's value, for a sparkline.
    pub values: Vec<Option<f64>>,
}

impl MeasureSummary {
    /// The row of the matrix this measure belongs in, if any.
    pub fn variation(&self) -> Option<Variation> {
        Variation::of(self.variation_icon?)
    }

    /// The column of the matrix this measure belongs in, if any.
    pub fn assurance(&self) -> Option<Assurance> {
        self.assurance_icon.map(Assurance::of)
    }

    /// Special cause concern.
    pub fn is_concern(&self) -> bool {
        self.variation() == Some(Variation::Concern)
    }

    /// Consistently failing its target.
    pub fn is_failing(&self) -> bool {
        self.assurance() == Some(Assurance::Fail)
    }
}

/// A row of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variation {
    /// Special cause improvement.
    Improvement,
    /// Common cause variation.
    CommonCause,
    /// Special cause concern.
    Concern,
}

impl Variation {
    /// The rows in order.
    pub const ALL: [Variation; 3] = [
        Variation::Improvement,
        Variation::CommonCause,
        Variation::Concern,
    ];

    /// The row of an icon; `None` for a special cause of neither improvement nor concern.
    pub fn of(icon: VariationIcon) -> Option<Variation> {
        use VariationIcon::*;
        match icon {
            ImprovementHigh | ImprovementLow => Some(Variation::Improvement),
            CommonCause => Some(Variation::CommonCause),
            ConcernHigh | ConcernLow => Some(Variation::Concern),
            NeitherHigh | NeitherLow => None,
        }
    }

    /// The JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Variation::Improvement => "improvement",
            Variation::CommonCause => "common_cause",
            Variation::Concern => "concern",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Variation::Improvement => "Special cause improvement",
            Variation::CommonCause => "Common cause variation",
            Variation::Concern => "Special cause concern",
        }
    }
}

/// A column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assurance {
    /// Consistently meets the target.
    Pass,
    /// Hits and misses the target.
    HitAndMiss,
    /// Consistently fails the target.
    Fail,
}

impl Assurance {
    /// The columns in order.
    pub const ALL: [Assurance; 3] = [Assurance::Pass, Assurance::HitAndMiss, Assurance::Fail];

    /// The column of an icon.
    pub fn of(icon: AssuranceIcon) -> Assurance {
        match icon {
            AssuranceIcon::Pass => Assurance::Pass,
            AssuranceIcon::HitAndMiss => Assurance::HitAndMiss,
            AssuranceIcon::Fail => Assurance::Fail,
        }
    }

    /// The JSON spelling.
    pub fn name(self) -> &'static str {
        match self {
            Assurance::Pass => "pass",
            Assurance::HitAndMiss => "hit_and_miss",
            Assurance::Fail => "fail",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Assurance::Pass => "Consistently passes the target",
            Assurance::HitAndMiss => "Hits and misses the target",
            Assurance::Fail => "Consistently fails the target",
        }
    }
}

/// The 3 × 3 matrix: the ids of the measures in each cell, in report order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// `cells[row][column]`, rows in [`Variation::ALL`] order, columns in [`Assurance::ALL`].
    pub cells: [[Vec<String>; 3]; 3],
    /// Measures that have no place in the matrix, with the reason.
    pub unplaced: Vec<Unplaced>,
}

impl Matrix {
    /// The measures in one cell.
    pub fn cell(&self, v: Variation, a: Assurance) -> &[String] {
        let r = Variation::ALL.iter().position(|x| *x == v).unwrap_or(0);
        let c = Assurance::ALL.iter().position(|x| *x == a).unwrap_or(0);
        &self.cells[r][c]
    }
}

/// A measure left out of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    /// The measure's id.
    pub id: String,
    /// Why, for people ("no target").
    pub reason: &'static str,
}

/// The summary of a report. With [`Report::concern_first`], each section's rows are ordered
/// special cause concern and failing target first, then concern, then failing, then the rest,
/// each group in the report's order.
pub fn summarise(report: &Report) -> Summary {
    let mut matrix = Matrix::default();
    let sections = report
        .sections
        .iter()
        .map(|s| {
            let mut measures: Vec<MeasureSummary> =
                s.measures.iter().map(summarise_measure).collect();
            for m in &measures {
                place(&mut matrix, m);
            }
            if report.concern_first {
                // Stable: each group keeps the report's order.
                measures.sort_by_key(|m| (!m.is_concern(), !m.is_failing()));
            }
            SectionSummary {
                name: s.name.clone(),
                measures,
            }
        })
        .collect();
    Summary { sections, matrix }
}

fn place(matrix: &mut Matrix, m: &MeasureSummary) {
    let reason = match (m.variation_icon, m.variation(), m.assurance()) {
        (None, _, _) => "no values to chart",
        (Some(_), None, _) => "special cause in a measure where neither direction is better",
        (Some(_), Some(_), None) => "no target, or no limits to compare it with",
        (Some(_), Some(v), Some(a)) => {
            let r = Variation::ALL.iter().position(|x| *x == v).unwrap_or(0);
            let c = Assurance::ALL.iter().position(|x| *x == a).unwrap_or(0);
            matrix.cells[r][c].push(m.id.clone());
            return;
        }
    };
    matrix.unplaced.push(Unplaced {
        id: m.id.clone(),
        reason,
    });
}

fn summarise_measure(m: &crate::Measure) -> MeasureSummary {
    let r: &ChartResult = &m.result;
    let latest = r.points.iter().rposition(|p| p.y.is_some());
    let last_phase = r.points.last().map(|p| p.phase);
    let mut fired = gemba_spc::SpecialCauses::default();
    for p in r.points.iter().filter(|p| Some(p.phase) == last_phase) {
        let c = p.special_cause;
        fired.outside_limits |= c.outside_limits;
        fired.shift |= c.shift;
        fired.trend |= c.trend;
        fired.two_in_three |= c.two_in_three;
    }
    let lines = latest
        .and_then(|i| r.points.get(i))
        .map(|p| p.lines)
        .unwrap_or_default();
    MeasureSummary {
        id: m.id.clone(),
        title: m.title.clone(),
        owner: m.owner.clone(),
        unit: m.unit.clone(),
        value_suffix: m.value_suffix.clone(),
        improvement: r.improvement,
        latest_period: latest.and_then(|i| m.x_labels.get(i).cloned()),
        latest_value: latest.and_then(|i| r.points.get(i)).and_then(|p| p.y),
        target: r.target,
        mean: lines.centre,
        lcl: lines.lcl,
        ucl: lines.ucl,
        variation_icon: r.variation_icon,
        assurance_icon: r.assurance_icon,
        rules_fired: fired.names().collect(),
        values: r.points.iter().map(|p| p.y).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Measure, Section};
    use gemba_spc::{analyse, ChartOptions, ChartType, Data};

    fn xmr(id: &str, y: &[f64], improvement: Improvement, target: Option<f64>) -> Measure {
        let y: Vec<Option<f64>> = y.iter().copied().map(Some).collect();
        let mut o = ChartOptions::new(ChartType::Xmr);
        o.improvement = improvement;
        o.target = target;
        let r = analyse(Data::Values(&y), &o).unwrap();
        let labels = (1..=y.len()).map(|i| format!("P{i}")).collect();
        Measure::new(id, &format!("Measure {id}"), r, labels)
    }

    fn report(measures: Vec<Measure>, concern_first: bool) -> Report {
        Report {
            title: "T".into(),
            period: "P".into(),
            sections: vec![Section {
                name: "Safe".into(),
                measures,
            }],
            concern_first,
            ..Report::default()
        }
    }

    /// 10, 12, 11, 13, 12, 14, 13, 11, 12, 10, 11, 12: mean 141/12 = 11.75; moving ranges
    /// 2,1,2,1,2,1,2,1,2,1,1 sum 16, mean 16/11; limits 11.75 ± 2.66 × 16/11.
    #[test]
    fn summary_values_of_a_hand_computed_xmr() {
        let y = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.];
        let m = xmr("a", &y, Improvement::Increase, Some(20.0));
        let s = summarise(&report(vec![m], false));
        let row = &s.sections[0].measures[0];
        let mr = 16.0 / 11.0;
        assert_eq!(row.latest_period.as_deref(), Some("P12"));
        assert_eq!(row.latest_value, Some(12.0));
        assert!((row.mean.unwrap() - 11.75).abs() < 1e-9);
        assert!((row.ucl.unwrap() - (11.75 + 2.66 * mr)).abs() < 1e-9);
        assert!((row.lcl.unwrap() - (11.75 - 2.66 * mr)).abs() < 1e-9);
        // A target of 20, above the upper limit (about 15.6), when higher is better: fails.
        assert_eq!(row.assurance_icon, Some(AssuranceIcon::Fail));
        assert_eq!(row.variation_icon, Some(VariationIcon::CommonCause));
        assert!(row.rules_fired.is_empty());
        assert_eq!(
            s.matrix.cell(Variation::CommonCause, Assurance::Fail),
            ["a"]
        );
    }

    /// Known icons placed by hand: a series whose last six points rise far above the first
    /// twelve has special cause high values (improvement when higher is better, concern when
    /// lower is better); a target far below the limits passes when higher is better and fails
    /// when lower is better.
    #[test]
    fn matrix_places_measures_by_their_icons() {
        let flat = [10., 11., 10., 9., 10., 11., 10., 9., 10., 11., 10., 9.];
        let mut jump = flat.to_vec();
        jump.extend([20., 21., 20., 21., 20., 21.]);
        let measures = vec![
            xmr("imp-pass", &jump, Improvement::Increase, Some(0.0)),
            xmr("con-fail", &jump, Improvement::Decrease, Some(0.0)),
            xmr("cc-hit", &flat, Improvement::Increase, Some(10.0)),
            xmr("no-target", &flat, Improvement::Increase, None),
            xmr("neutral", &jump, Improvement::Neutral, Some(10.0)),
        ];
        let s = summarise(&report(measures, false));
        let m = &s.matrix;
        assert_eq!(
            m.cell(Variation::Improvement, Assurance::Pass),
            ["imp-pass"]
        );
        assert_eq!(m.cell(Variation::Concern, Assurance::Fail), ["con-fail"]);
        assert_eq!(
            m.cell(Variation::CommonCause, Assurance::HitAndMiss),
            ["cc-hit"]
        );
        let filled: usize = m.cells.iter().flatten().map(Vec::len).sum();
        assert_eq!(filled, 3);
        let unplaced: Vec<&str> = m.unplaced.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(unplaced, ["no-target", "neutral"]);
        let rules = &s.sections[0].measures[0].rules_fired;
        assert!(rules.contains(&"shift"), "{rules:?}");
    }

    #[test]
    fn concern_first_orders_concern_and_failing_first_stably() {
        let flat = [10., 11., 10., 9., 10., 11., 10., 9., 10., 11., 10., 9.];
        let mut jump = flat.to_vec();
        jump.extend([20., 21., 20., 21., 20., 21.]);
        let measures = vec![
            xmr("ok1", &flat, Improvement::Increase, Some(10.0)),
            xmr("fail", &flat, Improvement::Increase, Some(100.0)),
            xmr("concern", &jump, Improvement::Decrease, Some(100.0)),
            xmr("ok2", &flat, Improvement::Increase, None),
            xmr("concern-fail", &jump, Improvement::Decrease, Some(0.0)),
        ];
        let ids = |s: &Summary| -> Vec<String> {
            s.sections[0]
                .measures
                .iter()
                .map(|m| m.id.clone())
                .collect()
        };
        let given = summarise(&report(measures.clone(), false));
        assert_eq!(
            ids(&given),
            ["ok1", "fail", "concern", "ok2", "concern-fail"]
        );
        let ordered = summarise(&report(measures, true));
        assert_eq!(
            ids(&ordered),
            ["concern-fail", "concern", "fail", "ok1", "ok2"]
        );
    }
}
