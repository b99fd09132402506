//! What is waiting for the user (issue 13, "for you"): data due for a measure's period on their
//! projects, report-outs due, ideas awaiting a first response (for those who triage them), PDSA
//! cycles awaiting their study, and unread notifications. The dashboard lists them first; the
//! API gives the same list.

use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{permits, Access, Action};
use crate::event::report_outs_due;
use crate::idea_response::days_between;
use crate::model::{IdeaId, MeasureId, OrgId, PdsaId, ProjectId, ProjectKind, ProjectStatus};
use crate::store::StoreError;
use crate::MAX_NOTIFICATIONS;

/// Days after its start when a PDSA cycle without a study is awaiting one.
pub const STUDY_AFTER_DAYS: i64 = 7;

/// The most entries of each kind listed.
pub const FOR_YOU_LIMIT: usize = 20;

/// A measure whose next figure is due: the period after its latest point has ended.
#[derive(Debug, Clone, PartialEq)]
pub struct DataDue {
    /// The project.
    pub project: ProjectId,
    /// Its title.
    pub project_title: String,
    /// The measure.
    pub measure: MeasureId,
    /// Its name.
    pub measure_name: String,
    /// The date of its latest point.
    pub latest_date: NaiveDate,
    /// The period of its latest point, in words ("Mar 2026").
    pub latest: String,
    /// The first period without a figure, in words.
    pub missing: String,
}

/// A report-out due after an improvement event.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOutDue {
    /// The project.
    pub project: ProjectId,
    /// Its title.
    pub project_title: String,
    /// 30, 60 or 90.
    pub day: u32,
    /// When it fell due.
    pub due: NaiveDate,
}

/// An idea waiting for its first response.
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaWaiting {
    /// The idea.
    pub idea: IdeaId,
    /// Its organisation.
    pub org: OrgId,
    /// Its words.
    pub text: String,
    /// Days waited so far, to a tenth.
    pub days: f64,
}

/// A PDSA cycle started a while ago with no study yet.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleAwaitingStudy {
    /// The cycle.
    pub cycle: PdsaId,
    /// Its title.
    pub title: String,
    /// Its project.
    pub project: ProjectId,
    /// The project's title.
    pub project_title: String,
    /// When it started.
    pub started: NaiveDate,
}

/// Everything waiting for the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForYou {
    /// Data due on the user's projects, most overdue first.
    pub data_due: Vec<DataDue>,
    /// Report-outs due on the user's projects, earliest first.
    pub report_outs_due: Vec<ReportOutDue>,
    /// Ideas awaiting a first response where the user triages, longest waiting first.
    pub ideas_waiting: Vec<IdeaWaiting>,
    /// Cycles of the user's projects awaiting their study, oldest first.
    pub cycles_awaiting_study: Vec<CycleAwaitingStudy>,
    /// Unread notifications.
    pub unread: usize,
}

impl ForYou {
    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.data_due.is_empty()
            && self.report_outs_due.is_empty()
            && self.ideas_waiting.is_empty()
            && self.cycles_awaiting_study.is_empty()
            && self.unread == 0
    }
}

/// Whether a cycle started on `started` with `study` written is awaiting its study on `today`.
pub fn awaits_study(started: Option<NaiveDate>, study: &str, today: NaiveDate) -> bool {
    started.is_some_and(|s| (today - s).num_days() >= STUDY_AFTER_DAYS) && study.trim().is_empty()
}

/// What is waiting for the user at `now`, over their organisations. "Their projects" are the
/// improvement projects, not closed or abandoned, they lead or are on the team of.
pub async fn for_you(access: &Access<'_>, now: NaiveDateTime) -> Result<ForYou, StoreError> {
    let store = access.store();
    let me = access.user();
    let today = now.date();
    let mut out = ForYou::default();
    for org in access.orgs() {
        let Some(role) = access.role_in(org) else {
            continue;
        };
        let members = store.org_project_members(org).await?;
        let mine: Vec<_> = store
            .projects(org)
            .await?
            .into_iter()
            .filter(|p| {
                p.kind == ProjectKind::Improvement
                    && !matches!(p.status, ProjectStatus::Closed | ProjectStatus::Abandoned)
                    && (p.lead == Some(me) || members.contains(&(p.id, me)))
            })
            .collect();
        for p in &mine {
            for m in store.measures(p.id).await? {
                let period = m.chart.period;
                let latest = store.data(m.id).await?.iter().map(|d| d.date).max();
                if let Some(latest) = latest.filter(|l| period.overdue(*l, today)) {
                    out.data_due.push(DataDue {
                        project: p.id,
                        project_title: p.title.clone(),
                        measure: m.id,
                        measure_name: m.name.clone(),
                        latest_date: latest,
                        latest: period.describe(latest),
                        missing: period.describe(period.next(latest)),
                    });
                }
            }
            for c in store.pdsas(p.id).await? {
                if awaits_study(c.fields.start_date, &c.fields.study, today) {
                    out.cycles_awaiting_study.push(CycleAwaitingStudy {
                        cycle: c.id,
                        title: c.fields.title.clone(),
                        project: p.id,
                        project_title: p.title.clone(),
                        started: c.fields.start_date.unwrap_or(today),
                    });
                }
            }
        }
        for (project, day, due) in report_outs_due(store, org, today).await? {
            if let Some(p) = mine.iter().find(|p| p.id == project) {
                out.report_outs_due.push(ReportOutDue {
                    project,
                    project_title: p.title.clone(),
                    day,
                    due,
                });
            }
        }
        if permits(role, false, Action::TriageIdeas) {
            for i in store.ideas(org).await? {
                if i.first_response_at.is_none() {
                    out.ideas_waiting.push(IdeaWaiting {
                        idea: i.id,
                        org,
                        text: i.text.idea.clone(),
                        days: days_between(i.created_at, now),
                    });
                }
            }
        }
    }
    out.data_due
        .sort_by_key(|d| (d.latest_date, d.project, d.measure));
    out.data_due.truncate(FOR_YOU_LIMIT);
    out.report_outs_due.sort_by_key(|r| (r.due, r.project));
    out.report_outs_due.truncate(FOR_YOU_LIMIT);
    out.ideas_waiting
        .sort_by(|a, b| b.days.total_cmp(&a.days).then(a.idea.cmp(&b.idea)));
    out.ideas_waiting.truncate(FOR_YOU_LIMIT);
    out.cycles_awaiting_study
        .sort_by_key(|c| (c.started, c.cycle));
    out.cycles_awaiting_study.truncate(FOR_YOU_LIMIT);
    out.unread = store
        .notifications(me, MAX_NOTIFICATIONS)
        .await?
        .iter()
        .filter(|n| !n.read)
        .count();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_awaits_its_study_a_week_after_it_started() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap_or_default();
        // Started 1 March: on 7 March six days have passed, on 8 March seven.
        assert!(!awaits_study(Some(d(1)), "", d(7)));
        assert!(awaits_study(Some(d(1)), "  ", d(8)));
        assert!(!awaits_study(Some(d(1)), "Falls halved on bay 2", d(8)));
        assert!(!awaits_study(None, "", d(8)));
    }
}
