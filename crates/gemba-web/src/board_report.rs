//! The organisation's board report from the workspace: its board measures, by report section,
//! charted as of the end of a month, handed to `gemba_report` to render (HTML, PDF, the
//! summary's JSON). The same renderer makes `gemba report` from files.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use gemba_chart::Place;
use gemba_domain::{measure_chart, OrgId, PdsaCycle, Position, ProjectId, Store, StoreError};

/// A month of the board report, `YYYY-MM`: the report shows the data up to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportMonth {
    /// Its first day.
    pub start: NaiveDate,
}

impl ReportMonth {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<ReportMonth> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
        Some(ReportMonth { start })
    }

    /// The month containing `date`.
    fn of(date: NaiveDate) -> ReportMonth {
        ReportMonth {
            start: date.with_day(1).unwrap_or(date),
        }
    }

    /// Its last day.
    fn end(self) -> NaiveDate {
        self.start
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.start)
    }

    /// "March 2025".
    pub fn label(self) -> String {
        self.start.format("%B %Y").to_string()
    }

    /// `2025-03`.
    pub fn code(self) -> String {
        self.start.format("%Y-%m").to_string()
    }
}

/// The board report of `org` as of the end of `month` (by default the month of the latest
/// point of any board measure, or `today`'s when there are none), with the organisation's name
/// in its title. Measures with no data up to then cannot be charted and are left out, named in
/// the second value.
pub async fn board_report(
    store: &dyn Store,
    org: OrgId,
    month: Option<ReportMonth>,
    today: NaiveDate,
) -> Result<(gemba_report::Report, Vec<String>), StoreError> {
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let sections = store.report_sections(org).await?;
    let board = store.board_measures(org).await?;
    let mut data = Vec::with_capacity(board.len());
    for b in &board {
        data.push(store.data(b.measure.id).await?);
    }
    let month = month.unwrap_or_else(|| {
        let latest = data
            .iter()
            .filter_map(|d| d.last().map(|p| p.date))
            .max()
            .unwrap_or(today);
        ReportMonth::of(latest)
    });
    let end = month.end();
    let mut out: Vec<gemba_report::Section> = sections
        .iter()
        .map(|s| gemba_report::Section {
            name: s.clone(),
            measures: Vec::new(),
        })
        .collect();
    let mut left_out = Vec::new();
    // The PDSA cycles of each project once, however many of its measures are on the board.
    let mut pdsas_of: HashMap<ProjectId, Vec<PdsaCycle>> = HashMap::new();
    for (b, points) in board.iter().zip(&data) {
        let points: Vec<_> = points.iter().filter(|p| p.date <= end).cloned().collect();
        let pdsas = match pdsas_of.entry(b.measure.project) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(store.pdsas(b.measure.project).await?),
        };
        let m = &b.measure;
        let chart = match measure_chart(m, &points, pdsas) {
            Ok(c) if !points.is_empty() => c,
            _ => {
                left_out.push(m.name.clone());
                continue;
            }
        };
        let annotations = chart
            .annotations
            .iter()
            .filter_map(|a| {
                let place = match a.position {
                    Position::Before => return None,
                    Position::At(i) => Place::At(i as f64),
                    Position::Between(i, f) => Place::At(i as f64 + f),
                    Position::After => Place::AfterLast,
                };
                Some((place, a.label.clone()))
            })
            .collect();
        let measure = gemba_report::Measure {
            id: format!("measure-{}", m.id),
            title: m.name.clone(),
            owner: b.owner.as_ref().map(|o| o.name.clone()),
            unit: m.unit.clone(),
            multiplier: m.chart.multiplier.factor(),
            value_suffix: if m.chart.shows_percent() {
                "%".to_owned()
            } else {
                String::new()
            },
            x_labels: chart
                .dates
                .iter()
                .map(|d| m.chart.period.describe(*d))
                .collect(),
            result: chart.result,
            annotations,
            narrative: None,
        };
        if let Some(section) = out.iter_mut().find(|s| s.name == b.section) {
            section.measures.push(measure);
        }
    }
    let report = gemba_report::Report {
        title: format!("{name}: board report"),
        period: month.label(),
        sections: out,
        concern_first: false,
    };
    Ok((report, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_months_are_yyyy_mm() {
        let m = ReportMonth::parse("2025-03").unwrap();
        assert_eq!(m.label(), "March 2025");
        assert_eq!(m.code(), "2025-03");
        assert_eq!(m.end(), NaiveDate::from_ymd_opt(2025, 3, 31).unwrap());
        assert_eq!(
            ReportMonth::parse("2024-02").unwrap().end(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        for bad in ["2025-3", "25-03", "2025-13", "March", ""] {
            assert_eq!(ReportMonth::parse(bad), None, "{bad}");
        }
    }
}
