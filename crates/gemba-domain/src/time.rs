//! Protected time for improvement (issue 13 §2): hours planned and hours used per person and
//! project by month — a person records their own, improvement leads and admins anyone's in their
//! organisation — rolled up by person, project, team and organisation, so that leaders see
//! whether the time promised was given (used as a share of planned).

use chrono::{Datelike, NaiveDate};

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{Field, FieldProblem, Problem, Problems};
use crate::model::{OrgId, ProjectId, TeamId, User, UserId, Version};

/// The most hours one entry may hold: every hour of a 31-day month.
pub const MAX_HOURS: f64 = 744.0;

/// Hours planned and used by one person on one project in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeEntry {
    /// The organisation.
    pub org: OrgId,
    /// The person.
    pub user: User,
    /// The project.
    pub project: ProjectId,
    /// The month (its first day).
    pub month: NaiveDate,
    /// Hours planned (protected) for improvement.
    pub planned: f64,
    /// Hours used.
    pub used: f64,
    /// Its version: one more after each change.
    pub version: Version,
}

/// An entry as sent: the month (`2026-03` or any day of it) and the hours; absent hours keep the
/// current ones (nought for a new entry).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeDraft {
    /// The month. Required.
    pub month: Option<String>,
    /// Hours planned.
    pub planned: Option<String>,
    /// Hours used.
    pub used: Option<String>,
}

fn hours(problems: &mut Problems, field: Field, given: Option<&str>, current: f64) -> f64 {
    match given.map(str::trim) {
        None => current,
        Some("") => 0.0,
        Some(s) => match s.parse::<f64>() {
            Ok(h) if h.is_finite() && (0.0..=MAX_HOURS).contains(&h) => (h * 100.0).round() / 100.0,
            _ => {
                problems.push(FieldProblem {
                    field,
                    index: None,
                    problem: Problem::OutOfRange { min: 0, max: 744 },
                });
                0.0
            }
        },
    }
}

impl TimeDraft {
    /// The checked month (its first day) and hours (0 to [`MAX_HOURS`], to the hundredth).
    pub fn apply(&self, current: Option<(f64, f64)>) -> Result<(NaiveDate, f64, f64), Problems> {
        let mut problems = Vec::new();
        let month = match self.month.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push(FieldProblem {
                    field: Field::Month,
                    index: None,
                    problem: Problem::Missing,
                });
                None
            }
            Some(m) => {
                // Only the ISO forms: 2026-03 or a day of it, 2026-03-17.
                let iso = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
                let day = iso(m).or_else(|| iso(&format!("{m}-01")));
                if day.is_none() {
                    problems.push(FieldProblem {
                        field: Field::Month,
                        index: None,
                        problem: Problem::NotADate {
                            given: m.to_owned(),
                        },
                    });
                }
                day.and_then(|d| d.with_day(1))
            }
        };
        let (p0, u0) = current.unwrap_or((0.0, 0.0));
        let planned = hours(&mut problems, Field::Planned, self.planned.as_deref(), p0);
        let used = hours(&mut problems, Field::Used, self.used.as_deref(), u0);
        match month {
            Some(m) if problems.is_empty() => Ok((m, planned, used)),
            _ => Err(problems),
        }
    }
}

/// Records `person`'s (the user's own when `None`) hours on project `id` for a month
/// ([`Action::RecordTime`]; someone else's needs [`Action::ManageTime`]): over the entry at
/// `expected` (`Version(0)`: there is none yet), or whatever is stored when `None`. The new
/// version.
pub async fn record_time(
    access: &Access<'_>,
    id: ProjectId,
    person: Option<UserId>,
    draft: &TimeDraft,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    let project = access.project(id, Action::RecordTime).await?;
    let org = project.item().org;
    let person = person.unwrap_or(access.user());
    if person != access.user() {
        access.org(org, Action::ManageTime)?;
    }
    let store = access.store();
    if !store
        .org_members(org)
        .await?
        .iter()
        .any(|(u, _)| u.id == person)
    {
        return Err(BoardError::Invalid(vec![FieldProblem {
            field: Field::Owner,
            index: None,
            problem: Problem::Rule("the person is not one of the organisation's people".into()),
        }]));
    }
    let month_only = TimeDraft {
        planned: None,
        used: None,
        ..draft.clone()
    };
    let (month, _, _) = month_only.apply(None).map_err(BoardError::Invalid)?;
    let existing = store
        .time_entries(org)
        .await?
        .into_iter()
        .find(|e| e.user.id == person && e.project == id && e.month == month);
    let (month, planned, used) = draft
        .apply(existing.as_ref().map(|e| (e.planned, e.used)))
        .map_err(BoardError::Invalid)?;
    let expected = expected.unwrap_or(existing.map_or(Version(0), |e| e.version));
    Ok(store
        .put_time(org, person, id, month, planned, used, expected)
        .await?)
}

/// The hours recorded on project `id` ([`Action::Read`]), by month then person.
pub async fn project_time(
    access: &Access<'_>,
    id: ProjectId,
) -> Result<Vec<TimeEntry>, AccessError> {
    let project = access.project(id, Action::Read).await?;
    let org = project.item().org;
    let mut all: Vec<TimeEntry> = access
        .store()
        .time_entries(org)
        .await?
        .into_iter()
        .filter(|e| e.project == id)
        .collect();
    all.sort_by(|a, b| {
        a.month
            .cmp(&b.month)
            .then_with(|| a.user.name.cmp(&b.user.name))
    });
    Ok(all)
}

/// Planned and used hours of one group (a person, project, team or the organisation) in a month.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRow {
    /// The group's id (a user, project or team id; the organisation's for its own row; none for
    /// projects without a team).
    pub id: Option<i64>,
    /// Its name.
    pub name: String,
    /// The month.
    pub month: NaiveDate,
    /// Hours planned.
    pub planned: f64,
    /// Hours used.
    pub used: f64,
}

impl TimeRow {
    /// Used as a share of planned (0 upwards); `None` when nothing was planned.
    pub fn share(&self) -> Option<f64> {
        (self.planned > 0.0).then(|| self.used / self.planned)
    }
}

/// Sums `entries` by the group `key` gives each and by month, in the order of the groups' names
/// then months.
pub fn roll_up_time(
    entries: &[TimeEntry],
    key: impl Fn(&TimeEntry) -> (Option<i64>, String),
) -> Vec<TimeRow> {
    let mut rows: Vec<TimeRow> = Vec::new();
    for e in entries {
        let (id, name) = key(e);
        match rows
            .iter_mut()
            .find(|r| r.id == id && r.name == name && r.month == e.month)
        {
            Some(r) => {
                r.planned += e.planned;
                r.used += e.used;
            }
            None => rows.push(TimeRow {
                id,
                name,
                month: e.month,
                planned: e.planned,
                used: e.used,
            }),
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.month.cmp(&b.month)));
    rows
}

/// An organisation's protected time rolled up by month.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRollUp {
    /// By person.
    pub by_person: Vec<TimeRow>,
    /// By project.
    pub by_project: Vec<TimeRow>,
    /// By the team of each project ("No team" for projects without one).
    pub by_team: Vec<TimeRow>,
    /// The whole organisation.
    pub organisation: Vec<TimeRow>,
    /// Every entry, by month then person.
    pub entries: Vec<TimeEntry>,
}

/// The protected time of `org` ([`Action::Read`]), rolled up by person, project, team and
/// organisation by month.
pub async fn org_time(access: &Access<'_>, org: OrgId) -> Result<TimeRollUp, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let mut entries = store.time_entries(org).await?;
    entries.sort_by(|a, b| {
        a.month
            .cmp(&b.month)
            .then_with(|| a.user.name.cmp(&b.user.name))
    });
    let projects = store.projects(org).await?;
    let teams = store.all_teams(org).await?;
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let project_of = |id: ProjectId| projects.iter().find(|p| p.id == id);
    let team_of = |id: ProjectId| -> (Option<i64>, String) {
        let team: Option<TeamId> = project_of(id).and_then(|p| p.team);
        match team.and_then(|t| teams.iter().find(|x| x.id == t)) {
            Some(t) => (Some(t.id.0), t.name.clone()),
            None => (None, "No team".to_owned()),
        }
    };
    Ok(TimeRollUp {
        by_person: roll_up_time(&entries, |e| (Some(e.user.id.0), e.user.name.clone())),
        by_project: roll_up_time(&entries, |e| {
            (
                Some(e.project.0),
                project_of(e.project)
                    .map_or_else(|| format!("Project {}", e.project), |p| p.title.clone()),
            )
        }),
        by_team: roll_up_time(&entries, |e| team_of(e.project)),
        organisation: roll_up_time(&entries, |_| (Some(org.0), name.clone())),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Email;

    fn entry(user: i64, project: i64, month: u32, planned: f64, used: f64) -> TimeEntry {
        TimeEntry {
            org: OrgId(1),
            user: User {
                id: UserId(user),
                email: Email::parse(&format!("u{user}@a.nhs.uk")).unwrap(),
                name: format!("Person {user}"),
            },
            project: ProjectId(project),
            month: NaiveDate::from_ymd_opt(2026, month, 1).unwrap(),
            planned,
            used,
            version: Version(1),
        }
    }

    #[test]
    fn roll_ups_sum_by_group_and_month() {
        // Person 1: 8 planned, 6 used on project 10 in March; 4 and 4 on project 11 in March;
        // 8 and 2 on project 10 in April. Person 2: 10 and 10 on project 10 in March.
        let entries = [
            entry(1, 10, 3, 8.0, 6.0),
            entry(1, 11, 3, 4.0, 4.0),
            entry(1, 10, 4, 8.0, 2.0),
            entry(2, 10, 3, 10.0, 10.0),
        ];
        let by_person = roll_up_time(&entries, |e| (Some(e.user.id.0), e.user.name.clone()));
        let got: Vec<(String, u32, f64, f64, Option<f64>)> = by_person
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.month.month(),
                    r.planned,
                    r.used,
                    r.share(),
                )
            })
            .collect();
        // By hand: person 1 in March 12 planned, 10 used (10/12); in April 8 and 2 (25%);
        // person 2 in March 10 and 10 (100%).
        assert_eq!(
            got,
            [
                ("Person 1".to_owned(), 3, 12.0, 10.0, Some(10.0 / 12.0)),
                ("Person 1".to_owned(), 4, 8.0, 2.0, Some(0.25)),
                ("Person 2".to_owned(), 3, 10.0, 10.0, Some(1.0)),
            ]
        );
        let by_project = roll_up_time(&entries, |e| (Some(e.project.0), e.project.to_string()));
        let got: Vec<(String, u32, f64, f64)> = by_project
            .iter()
            .map(|r| (r.name.clone(), r.month.month(), r.planned, r.used))
            .collect();
        // Project 10: March 18 and 16, April 8 and 2; project 11: March 4 and 4.
        assert_eq!(
            got,
            [
                ("10".to_owned(), 3, 18.0, 16.0),
                ("10".to_owned(), 4, 8.0, 2.0),
                ("11".to_owned(), 3, 4.0, 4.0),
            ]
        );
        let org = roll_up_time(&entries, |_| (Some(1), "Trust".into()));
        assert_eq!((org[0].planned, org[0].used), (22.0, 20.0));
        assert_eq!((org[1].planned, org[1].used), (8.0, 2.0));
        let none = TimeRow {
            id: None,
            name: String::new(),
            month: org[0].month,
            planned: 0.0,
            used: 3.0,
        };
        assert_eq!(none.share(), None);
    }

    #[test]
    fn a_draft_takes_a_month_and_bounded_hours() {
        let d = |m: &str, p: &str, u: &str| TimeDraft {
            month: Some(m.into()),
            planned: Some(p.into()),
            used: Some(u.into()),
        };
        let march = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(d("2026-03", "7.5", "6").apply(None), Ok((march, 7.5, 6.0)));
        assert_eq!(d("2026-03-17", "", "").apply(None), Ok((march, 0.0, 0.0)));
        let e = d("March", "745", "-1").apply(None).unwrap_err();
        let fields: Vec<Field> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Month, Field::Planned, Field::Used]);
        let keep = TimeDraft {
            month: Some("2026-03".into()),
            planned: None,
            used: Some("5".into()),
        };
        assert_eq!(keep.apply(Some((8.0, 1.0))), Ok((march, 8.0, 5.0)));
    }
}
