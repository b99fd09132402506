//! A project's progress JSON (`/api/v1/projects/{id}/progress`): the score on IHI's 0.5–5.0
//! scale derived from the record with the evidence of each step, the lead's override with why,
//! who and when, whether the work has stalled, and the quality of its PDSA method; and the
//! organisation's stall setting (`/api/v1/organisations/{id}/progress-settings`).

use gemba_domain::{OverrideDraft, ProgressOverride, ProjectProgress};
use serde::{Deserialize, Serialize};

/// One step of the progress ladder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepJson {
    /// `aim_and_team`, `baseline`, `cycles_started`, `changes_tested`, `process_improvement`,
    /// `outcome_improvement`, `significant`, `sustained`, `spread`.
    pub step: String,
    /// For people.
    pub label: String,
    /// The score the step earns.
    pub score: f32,
    /// Whether the record shows it.
    pub met: bool,
}

/// The score a project's lead set over the derived one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OverrideJson {
    /// 0.5 to 5.0 in halves.
    pub score: f32,
    /// Why.
    pub reason: String,
    /// Who set it (null when they were removed since).
    pub by_id: Option<i64>,
    /// Who set it, by name.
    pub by: String,
    /// When (UTC, ISO 8601).
    pub at: String,
}

impl From<&ProgressOverride> for OverrideJson {
    fn from(o: &ProgressOverride) -> Self {
        OverrideJson {
            score: o.score.value(),
            reason: o.reason.clone(),
            by_id: o.by.map(|u| u.0),
            by: o.who.clone(),
            at: o.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

/// One feature of the PDSA method: how many cycles show it, and their share.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MethodFeatureJson {
    /// `predicted`, `iterative`, `scaled`, `monthly_data`.
    pub feature: String,
    /// For people.
    pub label: String,
    /// Cycles showing it.
    pub count: usize,
    /// Their share of the cycles, a whole percent (0 without cycles).
    pub percent: usize,
}

/// The quality of a project's PDSA method (Taylor et al. 2014).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MethodQualityJson {
    /// The cycles counted.
    pub cycles: usize,
    /// Each feature.
    pub features: Vec<MethodFeatureJson>,
}

impl From<&gemba_domain::MethodQuality> for MethodQualityJson {
    fn from(q: &gemba_domain::MethodQuality) -> Self {
        MethodQualityJson {
            cycles: q.cycles,
            features: q
                .rows()
                .iter()
                .map(|(feature, label, count, percent)| MethodFeatureJson {
                    feature: (*feature).to_owned(),
                    label: (*label).to_owned(),
                    count: *count,
                    percent: *percent,
                })
                .collect(),
        }
    }
}

/// A project's progress.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProgressJson {
    /// The project.
    pub project_id: i64,
    /// The score shown: the override's if there is one, else the derived one.
    pub score: f32,
    /// The score derived from the record.
    pub derived_score: f32,
    /// Every step of the ladder, lowest first, with whether the record shows it.
    pub steps: Vec<StepJson>,
    /// The lead's override, or null.
    #[serde(rename = "override")]
    pub assessed: Option<OverrideJson>,
    /// Whether the work has stalled: no new data or PDSA cycle for more than `stall_weeks`.
    pub stalled: bool,
    /// The organisation's setting.
    pub stall_weeks: u32,
    /// The latest activity (ISO date): data, a cycle's start, or the project's creation.
    pub last_activity: Option<String>,
    /// The names of the measures whose data are overdue for their period.
    pub overdue_measures: Vec<String>,
    /// The quality of its PDSA method.
    pub method_quality: MethodQualityJson,
}

impl From<&ProjectProgress> for ProgressJson {
    fn from(p: &ProjectProgress) -> Self {
        ProgressJson {
            project_id: p.project.0,
            score: p
                .assessed
                .as_ref()
                .map_or(p.derived.score, |o| o.score.value()),
            derived_score: p.derived.score,
            steps: p
                .derived
                .steps
                .iter()
                .map(|(s, met)| StepJson {
                    step: s.name().to_owned(),
                    label: s.label().to_owned(),
                    score: s.score(),
                    met: *met,
                })
                .collect(),
            assessed: p.assessed.as_ref().map(OverrideJson::from),
            stalled: p.stalled,
            stall_weeks: p.stall_weeks,
            last_activity: p.last_activity.map(|d| d.format("%Y-%m-%d").to_string()),
            overdue_measures: p.overdue.clone(),
            method_quality: MethodQualityJson::from(&p.method),
        }
    }
}

/// An override as sent: the score (0.5 to 5.0 in halves) and why.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// 0.5 to 5.0 in halves.
    pub score: Option<f64>,
    /// Why (required).
    pub reason: Option<String>,
}

impl OverrideInput {
    /// The domain's draft.
    pub fn draft(&self) -> OverrideDraft {
        OverrideDraft {
            score: self.score.map(|s| s.to_string()).unwrap_or_default(),
            reason: self.reason.clone().unwrap_or_default(),
        }
    }
}

/// The body of `PUT /projects/{id}/progress`: an override, or null to clear it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    /// The override, or null to clear it.
    #[serde(rename = "override")]
    pub assessed: Option<OverrideInput>,
}

/// An organisation's setting for stalled work.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProgressSettingsJson {
    /// Weeks without new data or PDSA activity before a project is flagged as stalled (1 to
    /// 52; 6 unless chosen).
    pub stall_weeks: u32,
}
