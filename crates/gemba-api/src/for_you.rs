//! The JSON of what is waiting for the user ("for you").

use gemba_domain::ForYou;
use serde::{Deserialize, Serialize};

/// A measure whose next figure is due.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DataDueJson {
    /// The project.
    pub project_id: i64,
    /// Its title.
    pub project_title: String,
    /// The measure.
    pub measure_id: i64,
    /// Its name.
    pub measure_name: String,
    /// The date of its latest point.
    pub latest_date: String,
    /// The period of its latest point, in words.
    pub latest: String,
    /// The first period without a figure, in words.
    pub missing: String,
}

/// A report-out due.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportOutDueJson {
    /// The project.
    pub project_id: i64,
    /// Its title.
    pub project_title: String,
    /// 30, 60 or 90.
    pub day: u32,
    /// When it fell due.
    pub due: String,
}

/// An idea waiting for its first response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IdeaWaitingJson {
    /// The idea.
    pub idea_id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its words.
    pub idea: String,
    /// Days waited so far, to a tenth.
    pub days: f64,
}

/// A PDSA cycle awaiting its study.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CycleAwaitingStudyJson {
    /// The cycle.
    pub pdsa_cycle_id: i64,
    /// Its title.
    pub title: String,
    /// Its project.
    pub project_id: i64,
    /// The project's title.
    pub project_title: String,
    /// When it started.
    pub start_date: String,
}

/// `GET /for-you`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ForYouJson {
    /// Data due on the caller's projects, most overdue first.
    pub data_due: Vec<DataDueJson>,
    /// Report-outs due on the caller's projects, earliest first.
    pub report_outs_due: Vec<ReportOutDueJson>,
    /// Ideas awaiting a first response where the caller triages, longest waiting first.
    pub ideas_waiting: Vec<IdeaWaitingJson>,
    /// Cycles of the caller's projects awaiting their study, oldest first.
    pub cycles_awaiting_study: Vec<CycleAwaitingStudyJson>,
    /// Unread notifications.
    pub unread_notifications: usize,
}

impl From<&ForYou> for ForYouJson {
    fn from(f: &ForYou) -> Self {
        ForYouJson {
            data_due: f
                .data_due
                .iter()
                .map(|d| DataDueJson {
                    project_id: d.project.0,
                    project_title: d.project_title.clone(),
                    measure_id: d.measure.0,
                    measure_name: d.measure_name.clone(),
                    latest_date: d.latest_date.to_string(),
                    latest: d.latest.clone(),
                    missing: d.missing.clone(),
                })
                .collect(),
            report_outs_due: f
                .report_outs_due
                .iter()
                .map(|r| ReportOutDueJson {
                    project_id: r.project.0,
                    project_title: r.project_title.clone(),
                    day: r.day,
                    due: r.due.to_string(),
                })
                .collect(),
            ideas_waiting: f
                .ideas_waiting
                .iter()
                .map(|i| IdeaWaitingJson {
                    idea_id: i.idea.0,
                    org_id: i.org.0,
                    idea: i.text.clone(),
                    days: i.days,
                })
                .collect(),
            cycles_awaiting_study: f
                .cycles_awaiting_study
                .iter()
                .map(|c| CycleAwaitingStudyJson {
                    pdsa_cycle_id: c.cycle.0,
                    title: c.title.clone(),
                    project_id: c.project.0,
                    project_title: c.project_title.clone(),
                    start_date: c.started.to_string(),
                })
                .collect(),
            unread_notifications: f.unread,
        }
    }
}
