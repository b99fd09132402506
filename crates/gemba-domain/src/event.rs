//! Rapid improvement events: a project that is an event (a few days of focused work on one
//! process) has its date, and its team reports out 30, 60 and 90 days after it — what changed,
//! the results, next steps — so that the gains of the week are followed up. The use cases once
//! for pages and API, each behind its access check.

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::access::{Access, AccessError, Action, Resource};
use crate::board::BoardError;
use crate::draft::{prose_part, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{ProjectId, User, Version};
use crate::store::StoreError;

/// The days after the event on which its team reports out.
pub const REPORT_OUT_DAYS: [u32; 3] = [30, 60, 90];

/// A report-out as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOut {
    /// The project.
    pub project: ProjectId,
    /// 30, 60 or 90.
    pub day: u32,
    /// What it says.
    pub text: ReportOutText,
    /// Who wrote it last, if still a user.
    pub author: Option<User>,
    /// When.
    pub updated_at: NaiveDateTime,
    /// Its version.
    pub version: Version,
}

/// A report-out's three parts (the template).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportOutText {
    /// What changed since the event.
    pub what_changed: String,
    /// The results, as the measures show them.
    pub results: String,
    /// Next steps, and by when.
    pub next_steps: String,
}

/// A report-out as sent: absent keeps the current part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportOutDraft {
    /// What changed.
    pub what_changed: Option<String>,
    /// The results.
    pub results: Option<String>,
    /// Next steps.
    pub next_steps: Option<String>,
}

impl ReportOutDraft {
    /// The checked text over `current`: each part at most [`limits::LONG_TEXT`] characters, and
    /// what changed not empty.
    pub fn apply(&self, current: Option<&ReportOutText>) -> Result<ReportOutText, Problems> {
        let mut problems = Vec::new();
        let mut part = |field: Field, given: &Option<String>, current: Option<&str>| {
            prose_part(
                &mut problems,
                field,
                given.as_deref(),
                current,
                limits::LONG_TEXT,
            )
        };
        let text = ReportOutText {
            what_changed: part(
                Field::WhatChanged,
                &self.what_changed,
                current.map(|c| c.what_changed.as_str()),
            ),
            results: part(
                Field::Results,
                &self.results,
                current.map(|c| c.results.as_str()),
            ),
            next_steps: part(
                Field::NextSteps,
                &self.next_steps,
                current.map(|c| c.next_steps.as_str()),
            ),
        };
        if problems.is_empty() && text.what_changed.is_empty() {
            problems.push(FieldProblem {
                field: Field::WhatChanged,
                index: None,
                problem: Problem::Missing,
            });
        }
        if problems.is_empty() {
            Ok(text)
        } else {
            Err(problems)
        }
    }
}

/// Where one report-out stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutState {
    /// Written.
    Written,
    /// Its day has come and it is not written.
    Due,
    /// Its day has not come yet.
    Upcoming,
}

impl ReportOutState {
    /// `written`, `due`, `upcoming`.
    pub fn name(self) -> &'static str {
        match self {
            ReportOutState::Written => "written",
            ReportOutState::Due => "due",
            ReportOutState::Upcoming => "upcoming",
        }
    }
}

/// The report-outs of an event held on `event`: each day, its date (the event's date plus the
/// days) and where it stands on `today`, given the days already `written`.
pub fn schedule(
    event: NaiveDate,
    written: &[u32],
    today: NaiveDate,
) -> Vec<(u32, NaiveDate, ReportOutState)> {
    REPORT_OUT_DAYS
        .iter()
        .map(|&day| {
            let due = event
                .checked_add_days(Days::new(u64::from(day)))
                .unwrap_or(event);
            let state = if written.contains(&day) {
                ReportOutState::Written
            } else if today >= due {
                ReportOutState::Due
            } else {
                ReportOutState::Upcoming
            };
            (day, due, state)
        })
        .collect()
}

/// Makes `project` a rapid improvement event held on `date`, or (`None`) an ordinary project
/// again ([`Action::EditProject`]); its report-outs stay.
pub async fn set_event(
    access: &Access<'_>,
    project: ProjectId,
    date: Option<NaiveDate>,
) -> Result<(), BoardError> {
    access
        .resource(Resource::Project(project), Action::EditProject)
        .await?;
    match access.store().set_event_date(project, date).await {
        Err(StoreError::Missing(_)) => Err(AccessError::NotFound.into()),
        other => Ok(other?),
    }
}

/// Writes the `day` report-out of an event ([`Action::EditProject`]: its team); with
/// `expected`, only if it is still at that version. `Invalid` for a day that is not 30, 60 or 90
/// or a project that is not an event.
pub async fn write_report_out(
    access: &Access<'_>,
    project: ProjectId,
    day: u32,
    draft: &ReportOutDraft,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    access
        .resource(Resource::Project(project), Action::EditProject)
        .await?;
    let rule = |text: &str| {
        BoardError::Invalid(vec![FieldProblem {
            field: Field::Day,
            index: None,
            problem: Problem::Rule(text.to_owned()),
        }])
    };
    if !REPORT_OUT_DAYS.contains(&day) {
        return Err(rule("must be 30, 60 or 90"));
    }
    let store = access.store();
    if store.event_date(project).await?.is_none() {
        return Err(rule(
            "the project is not a rapid improvement event: set its date first",
        ));
    }
    let current = store.report_out(project, day).await?;
    let text = draft
        .apply(current.as_ref().map(|r| &r.text))
        .map_err(BoardError::Invalid)?;
    Ok(store
        .set_report_out(project, day, &text, expected, access.user())
        .await?)
}

/// The report-outs due on `today` in `org` (the caller has checked the user may read it):
/// (project, day, the day it fell due), earliest first.
pub async fn report_outs_due(
    store: &dyn crate::store::Store,
    org: crate::model::OrgId,
    today: NaiveDate,
) -> Result<Vec<(ProjectId, u32, NaiveDate)>, StoreError> {
    let mut due = Vec::new();
    for (project, date) in store.events(org).await? {
        let written: Vec<u32> = store
            .report_outs(project)
            .await?
            .iter()
            .map(|r| r.day)
            .collect();
        for (day, when, state) in schedule(date, &written, today) {
            if state == ReportOutState::Due {
                due.push((project, day, when));
            }
        }
    }
    due.sort_by_key(|(p, _, when)| (*when, *p));
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn report_outs_fall_due_30_60_and_90_days_after_the_event() {
        // An event on 1 September 2026: 1 October (30 days), 31 October (60), 30 November (90).
        let s = schedule(d(2026, 9, 1), &[30], d(2026, 10, 31));
        assert_eq!(
            s,
            [
                (30, d(2026, 10, 1), ReportOutState::Written),
                (60, d(2026, 10, 31), ReportOutState::Due),
                (90, d(2026, 11, 30), ReportOutState::Upcoming),
            ]
        );
        // The day before the 60-day report-out, it is not due yet.
        assert_eq!(
            schedule(d(2026, 9, 1), &[30], d(2026, 10, 30))[1].2,
            ReportOutState::Upcoming
        );
    }

    #[test]
    fn a_report_out_says_what_changed_and_is_bounded() {
        let none = ReportOutDraft::default().apply(None).unwrap_err();
        assert_eq!(none[0].field, Field::WhatChanged);
        let long = ReportOutDraft {
            what_changed: Some("x".into()),
            next_steps: Some("y".repeat(limits::LONG_TEXT + 1)),
            ..ReportOutDraft::default()
        }
        .apply(None)
        .unwrap_err();
        assert_eq!(long[0].field, Field::NextSteps);
        let ok = ReportOutDraft {
            what_changed: Some(" Discharge by 11am on two wards ".into()),
            ..ReportOutDraft::default()
        }
        .apply(None)
        .unwrap();
        assert_eq!(ok.what_changed, "Discharge by 11am on two wards");
    }
}
