//! The organisation's board reports from the workspace: its board measures, by report section,
//! charted as of the end of a period with the owners' narratives, handed to `gemba_report` to
//! render (HTML, PDF, the summary's JSON); and publishing, which keeps a period's report as
//! rendered. Pages, API and the demo all come here; the same renderer makes `gemba report` from
//! files.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::NaiveDate;
use gemba_api::report::{standings_from_json, ReportSummaryJson};
use gemba_chart::Place;
use gemba_domain::{
    already_published, check_period, measure_chart, publish_report, saved_report, Access, Action,
    BoardError, Cadence, OrgId, PdsaCycle, Position, ProjectId, PublishedCopy, ReportId,
    ReportPeriod, SavedReport, Store, StoreError,
};

/// What to draw: the title, which sections (none: all), the period (none: the latest with
/// data) and its cadence, and the order of the summary.
#[derive(Debug, Clone, Default)]
pub struct ReportSpec {
    /// The title; empty for "{organisation}: board report".
    pub title: String,
    /// The sections, in order; `None` for all of the organisation's.
    pub sections: Option<Vec<String>>,
    /// The period; `None` for the period of `cadence` holding the latest point of any of the
    /// report's measures (or today's when there are none).
    pub period: Option<ReportPeriod>,
    /// Months or quarters.
    pub cadence: Cadence,
    /// Concern and failing measures first in each section's summary.
    pub concern_first: bool,
}

impl ReportSpec {
    /// The spec of a saved report for `period`.
    pub fn of(report: &SavedReport, org_sections: &[String], period: Option<ReportPeriod>) -> Self {
        ReportSpec {
            title: report.settings.title.clone(),
            sections: Some(report.settings.sections_of(org_sections)),
            period,
            cadence: report.settings.cadence,
            concern_first: report.settings.concern_first,
        }
    }
}

/// The board report of `org` drawn as `spec` says, and the period it reports. Each measure
/// carries its owner's narrative for the period; measures with no data up to the period's end
/// cannot be charted and are named in [`gemba_report::Report::without_data`].
pub async fn board_report(
    store: &dyn Store,
    org: OrgId,
    spec: &ReportSpec,
    today: NaiveDate,
) -> Result<(gemba_report::Report, ReportPeriod), StoreError> {
    let org_sections = store.report_sections(org).await?;
    let sections = spec.sections.clone().unwrap_or(org_sections);
    let board: Vec<_> = store
        .board_measures(org)
        .await?
        .into_iter()
        .filter(|b| sections.contains(&b.section))
        .collect();
    let mut data = Vec::with_capacity(board.len());
    for b in &board {
        data.push(store.data(b.measure.id).await?);
    }
    let period = spec.period.unwrap_or_else(|| {
        let latest = data
            .iter()
            .filter_map(|d| d.last().map(|p| p.date))
            .max()
            .unwrap_or(today);
        ReportPeriod::containing(latest, spec.cadence)
    });
    let end = period.end();
    let narratives: HashMap<_, _> = store
        .narratives(org, &period.code())
        .await?
        .into_iter()
        .map(|n| (n.measure, n.text))
        .collect();
    let mut out: Vec<gemba_report::Section> = sections
        .iter()
        .map(|s| gemba_report::Section {
            name: s.clone(),
            measures: Vec::new(),
        })
        .collect();
    let mut without_data = Vec::new();
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
                without_data.push(m.name.clone());
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
        let narrative = narratives.get(&m.id).map(|t| gemba_report::Narrative {
            shows: t.shows.clone(),
            why: t.why.clone(),
            actions: t.actions.clone(),
        });
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
            narrative,
        };
        if let Some(section) = out.iter_mut().find(|s| s.name == b.section) {
            section.measures.push(measure);
        }
    }
    let title = if spec.title.is_empty() {
        let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
        format!("{name}: board report")
    } else {
        spec.title.clone()
    };
    let report = gemba_report::Report {
        title,
        period: period.label(),
        sections: out,
        concern_first: spec.concern_first,
        status: None,
        changes: None,
        without_data,
    };
    Ok((report, period))
}

/// The period a saved report shows by default: the one of its cadence holding the latest point
/// of any of its measures (today's when there are none).
pub async fn latest_period(
    store: &dyn Store,
    report: &SavedReport,
    today: NaiveDate,
) -> Result<ReportPeriod, StoreError> {
    let org_sections = store.report_sections(report.org).await?;
    let sections = report.settings.sections_of(&org_sections);
    let mut latest: Option<NaiveDate> = None;
    for b in store.board_measures(report.org).await? {
        if sections.contains(&b.section) {
            let last = store.data(b.measure.id).await?.last().map(|p| p.date);
            latest = latest.max(last);
        }
    }
    Ok(ReportPeriod::containing(
        latest.unwrap_or(today),
        report.settings.cadence,
    ))
}

/// The summary's JSON of a report, as the API answers and a publication keeps it.
pub fn summary_json(report: &gemba_report::Report) -> Result<String, serde_json::Error> {
    let summary = gemba_report::summarise(report);
    serde_json::to_string(&ReportSummaryJson::new(report, &summary))
}

/// Why a report could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// Access, validation or a rule of publishing (see [`BoardError`]).
    #[error(transparent)]
    Board(#[from] BoardError),
    /// The report could not be rendered (a fault, not the user's).
    #[error("the report could not be rendered: {0}")]
    Render(String),
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> Self {
        PublishError::Board(e.into())
    }
}

/// Publishes the saved report `id` for `period` on `today` by `publisher` (their name): draws it as the data stand now,
/// with the owners' narratives, "Published on … by …" and what changed since the latest
/// earlier published period; renders HTML, PDF and the summary's JSON once (off the async
/// threads) and keeps them ([`publish_report`]: the board managers may, once per period).
pub async fn publish(
    store: &dyn Store,
    access: &Access<'_>,
    id: ReportId,
    period: ReportPeriod,
    today: NaiveDate,
    publisher: &str,
) -> Result<(), PublishError> {
    let saved = saved_report(access, id, Action::ManageBoard).await?;
    check_period(&saved, period)?;
    // Refused before the (costly) rendering; the store refuses a race all the same.
    let code = period.code();
    let published = store.publications(id).await?;
    if published.iter().any(|p| p.period == code) {
        return Err(already_published(period).into());
    }
    let org_sections = store.report_sections(saved.org).await?;
    let (mut report, _) = board_report(
        store,
        saved.org,
        &ReportSpec::of(&saved, &org_sections, Some(period)),
        today,
    )
    .await?;
    report.status = Some(format!(
        "Published on {} by {publisher}",
        today.format("%-d %B %Y")
    ));
    let earlier = published.into_iter().find(|p| p.period < code);
    if let Some(p) = earlier {
        if let Some((_, copy)) = store.published_report(id, &p.period).await? {
            let before = standings_from_json(&copy.summary_json);
            let now = gemba_report::standings(&gemba_report::summarise(&report));
            report.changes = Some(gemba_report::changes(&before, &now, &p.label));
        }
    }
    let copy = tokio::task::spawn_blocking(move || -> Result<PublishedCopy, String> {
        Ok(PublishedCopy {
            summary_json: summary_json(&report).map_err(|e| e.to_string())?,
            html: gemba_report::html(&report),
            pdf: gemba_report::pdf(&report).map_err(|e| e.to_string())?,
        })
    })
    .await
    .map_err(|e| PublishError::Render(e.to_string()))?
    .map_err(PublishError::Render)?;
    publish_report(access, id, period, &copy).await?;
    Ok(())
}
