//! Spread: adopting a change package (`POST /projects/{id}/adopt`) and the spread view of a
//! change package (`GET /change-packages/{id}/spread`).

use gemba_domain::{AdoptDraft, SpreadFunnel, SpreadView};
use gemba_spc::funnel::SrMethod;
use serde::{Deserialize, Serialize};

use crate::workspace::ProjectJson;
use crate::{FunnelDocument, SeriesJson};

/// `POST /projects/{id}/adopt`: where to adopt the change package.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdoptInput {
    /// The organisation to adopt into (required).
    pub organisation_id: Option<i64>,
    /// The team there, or null for none.
    pub team_id: Option<i64>,
    /// The new project's title (absent: the source's).
    pub title: Option<String>,
}

impl AdoptInput {
    /// The domain's draft.
    pub fn draft(&self) -> AdoptDraft {
        AdoptDraft {
            org: self.organisation_id.map(|o| o.to_string()),
            team: self.team_id.map(|t| t.to_string()),
            title: self.title.clone(),
        }
    }
}

/// One of the source's measures, to choose the shared one from.
#[derive(Debug, Serialize)]
pub struct SpreadMeasureJson {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `outcome`, `process` or `balancing`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// The funnel window.
#[derive(Debug, Serialize)]
pub struct WindowJson {
    /// The first period's start.
    pub from: String,
    /// The last period's start.
    pub to: String,
}

/// One project of the spread view.
#[derive(Debug, Serialize)]
pub struct SpreadProjectJson<'a> {
    /// The project.
    pub project: ProjectJson,
    /// Its organisation's name.
    pub organisation: String,
    /// Its team's name, or null.
    pub team: Option<String>,
    /// Whether it is the original.
    pub original: bool,
    /// Its measure standing for the shared one, or null.
    pub measure_id: Option<i64>,
    /// Its chart on the shared axis (one point per axis date), or null.
    pub series: Option<SeriesJson<'a>>,
    /// Why there is no chart, or null.
    pub note: Option<String>,
    /// Whether it is in the funnel plot.
    pub in_funnel: bool,
}

/// `GET /change-packages/{id}/spread`.
#[derive(Debug, Serialize)]
pub struct SpreadJson<'a> {
    /// The change package's id: its source project's.
    pub change_package_id: i64,
    /// The change ideas of the package.
    pub change_ideas: Vec<String>,
    /// The source's measures.
    pub measures: Vec<SpreadMeasureJson>,
    /// The shared measure, or null when the source has none.
    pub measure_id: Option<i64>,
    /// The shared time axis: period starts.
    pub axis: &'a [String],
    /// The funnel window in periods.
    pub periods: usize,
    /// The funnel window's first and last periods, or null without data.
    pub window: Option<WindowJson>,
    /// The original first, then every adopter the user may read.
    pub projects: Vec<SpreadProjectJson<'a>>,
    /// How many adopters the user may not read.
    pub hidden_adopters: usize,
    /// The funnel plot, or null.
    pub funnel: Option<FunnelDocument<'a>>,
    /// Why there is no funnel plot, or null.
    pub funnel_note: Option<String>,
}

impl<'a> SpreadJson<'a> {
    /// The JSON view; `axis` holds the axis dates as text, `ids` each project's series id and
    /// `groups` the funnel's group names in the result's order.
    pub fn new(
        view: &'a SpreadView,
        axis: &'a [String],
        ids: &'a [String],
        groups: &'a [String],
    ) -> Self {
        let in_funnel: &[usize] = match &view.funnel {
            SpreadFunnel::Plot { members, .. } => members,
            SpreadFunnel::None(_) => &[],
        };
        let (funnel, funnel_note) = match &view.funnel {
            SpreadFunnel::Plot { kind, result, .. } => (
                Some(FunnelDocument::new(*kind, SrMethod::Shmi, groups, result)),
                None,
            ),
            SpreadFunnel::None(why) => (None, Some(why.clone())),
        };
        SpreadJson {
            change_package_id: view.source.id.0,
            change_ideas: view.package.iter().map(|c| c.idea.text.clone()).collect(),
            measures: view
                .measures
                .iter()
                .map(|m| SpreadMeasureJson {
                    id: m.id.0,
                    name: m.name.clone(),
                    kind: m.kind.name(),
                })
                .collect(),
            measure_id: view.shared.as_ref().map(|m| m.id.0),
            axis,
            periods: view.periods,
            window: view.window.map(|(from, to)| WindowJson {
                from: from.format("%F").to_string(),
                to: to.format("%F").to_string(),
            }),
            projects: view
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| SpreadProjectJson {
                    project: ProjectJson::from(&m.project),
                    organisation: m.org_name.clone(),
                    team: m.team_name.clone(),
                    original: m.original,
                    measure_id: m.measure.as_ref().map(|x| x.id.0),
                    series: m.chart.as_ref().map(|c| {
                        SeriesJson::new(ids.get(i).map_or("", String::as_str), axis, &c.result)
                    }),
                    note: m.note.clone(),
                    in_funnel: in_funnel.contains(&i),
                })
                .collect(),
            hidden_adopters: view.hidden,
            funnel,
            funnel_note,
        }
    }
}
