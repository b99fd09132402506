//! Improvement capability (issue 13 §2): the share of an organisation's staff — or of a team's
//! people — trained at each level, month by month, against the organisation's plan (a target
//! share per level, set by its admins).
//!
//! Staff are the organisation's active members now (Gemba keeps no history of who was a member
//! when). A team's people are those on the team of one of its live projects, or leading one —
//! people belong to teams through their projects. A person counts as trained at a level from the
//! month of the session where they completed a course of that level or a higher one: an expert is
//! trained at the practitioner and foundation levels too.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{Field, FieldProblem, Problem, Problems};
use crate::model::{OrgId, TeamId, UserId, Version};
use crate::training::Level;

/// The most months a capability table covers (the latest ones).
pub const CAPABILITY_MONTHS: usize = 36;

/// An organisation's plan: the share of its staff it means to have trained at each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapabilityPlan {
    /// The target percentage of staff for each level of [`Level::ALL`], in its order.
    pub targets: [u32; 3],
    /// Its version: one more after each change (0 before the first).
    pub version: Version,
}

impl CapabilityPlan {
    /// The target percentage for `level`.
    pub fn target(&self, level: Level) -> u32 {
        self.targets[level as usize]
    }
}

/// A plan as sent: a whole percentage from 0 to 100 for each level; absent keeps the current one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanDraft {
    /// For each level of [`Level::ALL`], in its order.
    pub targets: [Option<String>; 3],
}

impl PlanDraft {
    /// The checked targets over `current`: whole numbers from 0 to 100, a higher level's never
    /// above a lower one's (everyone trained at a level is trained at those below it). A problem
    /// names the level by its index in [`Level::ALL`].
    pub fn apply(&self, current: Option<[u32; 3]>) -> Result<[u32; 3], Problems> {
        let mut problems = Vec::new();
        let mut out = [0u32; 3];
        for (i, given) in self.targets.iter().enumerate() {
            let value = match given.as_deref().map(str::trim) {
                None => current.map(|c| c[i]).or(Some(0)),
                Some("") => Some(0),
                Some(s) => s.parse::<u32>().ok().filter(|n| *n <= 100),
            };
            match value {
                Some(v) => out[i] = v,
                None => problems.push(FieldProblem {
                    field: Field::Target,
                    index: Some(i),
                    problem: Problem::NotAWholeNumber { min: 0, max: 100 },
                }),
            }
        }
        if problems.is_empty() {
            for i in 1..3 {
                if out[i] > out[i - 1] {
                    problems.push(FieldProblem {
                        field: Field::Target,
                        index: Some(i),
                        problem: Problem::Rule(format!(
                            "the {} target cannot be above the {} target: everyone trained at \
                             a level is trained at the levels below it",
                            Level::ALL[i].label().to_lowercase(),
                            Level::ALL[i - 1].label().to_lowercase()
                        )),
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

/// A completion: who, at which level, on which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// The person.
    pub user: UserId,
    /// The course's level.
    pub level: Level,
    /// The session's day.
    pub date: NaiveDate,
}

/// One month of capability.
#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityMonth {
    /// The month (its first day).
    pub month: NaiveDate,
    /// How many of the staff were trained at each level by the month's end, in the order of
    /// [`Level::ALL`].
    pub trained: [usize; 3],
}

/// Capability of some staff over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    /// How many staff (the denominator of every share).
    pub staff: usize,
    /// The months, oldest first.
    pub months: Vec<CapabilityMonth>,
    /// The organisation's plan, if it has one.
    pub plan: Option<CapabilityPlan>,
}

impl Capability {
    /// The share (0 to 1) of staff trained at `level` in month `m`; `None` without staff.
    pub fn share(&self, m: &CapabilityMonth, level: Level) -> Option<f64> {
        (self.staff > 0).then(|| m.trained[level as usize] as f64 / self.staff as f64)
    }
}

fn first_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// How many of `staff` were trained at each level by the end of each month from the month of
/// the first completion to `today`'s month (at most the latest [`CAPABILITY_MONTHS`]).
pub fn capability_by_month(
    staff: &BTreeSet<UserId>,
    completions: &[Completion],
    today: NaiveDate,
) -> Vec<CapabilityMonth> {
    let mine: Vec<&Completion> = completions
        .iter()
        .filter(|c| staff.contains(&c.user))
        .collect();
    let Some(first) = mine.iter().map(|c| first_of(c.date)).min() else {
        return Vec::new();
    };
    let last = first_of(today).max(first);
    let mut months = Vec::new();
    let mut m = first;
    while m <= last {
        months.push(m);
        match m.checked_add_months(chrono::Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    let skip = months.len().saturating_sub(CAPABILITY_MONTHS);
    months
        .into_iter()
        .skip(skip)
        .map(|month| {
            let end = month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(month);
            let mut best: HashMap<UserId, Level> = HashMap::new();
            for c in mine.iter().filter(|c| c.date < end) {
                let e = best.entry(c.user).or_insert(c.level);
                *e = (*e).max(c.level);
            }
            let mut trained = [0usize; 3];
            for level in best.values() {
                for (i, l) in Level::ALL.iter().enumerate() {
                    if level >= l {
                        trained[i] += 1;
                    }
                }
            }
            CapabilityMonth { month, trained }
        })
        .collect()
}

/// The people of `team` in `org`: on the team of one of its live projects, or leading one, and
/// active members of the organisation.
async fn team_people(
    access: &Access<'_>,
    org: OrgId,
    team: TeamId,
    members: &BTreeSet<UserId>,
) -> Result<BTreeSet<UserId>, AccessError> {
    let store = access.store();
    let projects: Vec<_> = store
        .projects(org)
        .await?
        .into_iter()
        .filter(|p| p.team == Some(team))
        .collect();
    let on_teams = store.org_project_members(org).await?;
    let mut people = BTreeSet::new();
    for p in &projects {
        people.extend(p.lead);
        people.extend(
            on_teams
                .iter()
                .filter(|(project, _)| *project == p.id)
                .map(|(_, u)| *u),
        );
    }
    Ok(people.intersection(members).copied().collect())
}

/// The capability of `org` ([`Action::Read`]) — or of one of its teams — by month up to
/// `today`, with the organisation's plan.
pub async fn capability(
    access: &Access<'_>,
    org: OrgId,
    team: Option<TeamId>,
    today: NaiveDate,
) -> Result<Capability, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let members: BTreeSet<UserId> = store
        .org_members(org)
        .await?
        .into_iter()
        .map(|(u, _)| u.id)
        .collect();
    let staff = match team {
        None => members,
        Some(t) => {
            if !store.all_teams(org).await?.iter().any(|x| x.id == t) {
                return Err(AccessError::NotFound);
            }
            team_people(access, org, t, &members).await?
        }
    };
    let courses = store.courses(org).await?;
    let sessions = store.training_sessions(org).await?;
    let completions: Vec<Completion> = store
        .training_places(org)
        .await?
        .iter()
        .filter(|p| p.completed)
        .filter_map(|p| {
            let s = sessions.iter().find(|s| s.id == p.session)?;
            let c = courses.iter().find(|c| c.id == s.course)?;
            Some(Completion {
                user: p.user.id,
                level: c.text.level,
                date: s.fields.date,
            })
        })
        .collect();
    Ok(Capability {
        staff: staff.len(),
        months: capability_by_month(&staff, &completions, today),
        plan: store.capability_plan(org).await?,
    })
}

/// The plan of `org` ([`Action::Read`]), if it has one.
pub async fn capability_plan(
    access: &Access<'_>,
    org: OrgId,
) -> Result<Option<CapabilityPlan>, AccessError> {
    access.org(org, Action::Read)?;
    Ok(access.store().capability_plan(org).await?)
}

/// Sets the plan of `org` still at `expected` (`Version(0)` for none yet;
/// [`Action::ManageOrganisation`]). The new version.
pub async fn set_capability_plan(
    access: &Access<'_>,
    org: OrgId,
    draft: &PlanDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    access.org(org, Action::ManageOrganisation)?;
    let store = access.store();
    let current = store.capability_plan(org).await?;
    let targets = draft
        .apply(current.map(|p| p.targets))
        .map_err(BoardError::Invalid)?;
    Ok(store.set_capability_plan(org, targets, expected).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn shares_by_month_count_each_person_at_their_level_and_below() {
        // Ten staff (users 1 to 10); user 99 is not staff (a leaver) and never counts.
        let staff: BTreeSet<UserId> = (1..=10).map(UserId).collect();
        let c = |user: i64, level: Level, date: NaiveDate| Completion {
            user: UserId(user),
            level,
            date,
        };
        let completions = [
            c(1, Level::Foundation, day(2026, 1, 20)),
            c(2, Level::Foundation, day(2026, 1, 31)),
            c(3, Level::Foundation, day(2026, 3, 1)),
            // User 1 goes on to practitioner in March; user 4 to expert in March.
            c(1, Level::Practitioner, day(2026, 3, 15)),
            c(4, Level::Expert, day(2026, 3, 2)),
            c(99, Level::Expert, day(2026, 1, 5)),
        ];
        let months = capability_by_month(&staff, &completions, day(2026, 4, 10));
        let got: Vec<(NaiveDate, [usize; 3])> =
            months.iter().map(|m| (m.month, m.trained)).collect();
        // By hand: January 1 and 2 at foundation; February the same; March adds 3 (foundation),
        // 1 up to practitioner, 4 at expert (so practitioner and foundation too); April as March.
        assert_eq!(
            got,
            [
                (day(2026, 1, 1), [2, 0, 0]),
                (day(2026, 2, 1), [2, 0, 0]),
                (day(2026, 3, 1), [4, 2, 1]),
                (day(2026, 4, 1), [4, 2, 1]),
            ]
        );
        let cap = Capability {
            staff: 10,
            months,
            plan: Some(CapabilityPlan {
                targets: [60, 15, 2],
                version: Version(1),
            }),
        };
        // March: 40% foundation against a plan of 60%; 20% practitioner against 15%.
        let march = &cap.months[2];
        assert_eq!(cap.share(march, Level::Foundation), Some(0.4));
        assert_eq!(cap.share(march, Level::Practitioner), Some(0.2));
        assert_eq!(cap.share(march, Level::Expert), Some(0.1));
        assert_eq!(cap.plan.unwrap().target(Level::Foundation), 60);
        // Nobody trained: no months.
        assert!(capability_by_month(&staff, &[], day(2026, 4, 1)).is_empty());
    }

    #[test]
    fn at_most_the_latest_months_are_kept() {
        let staff: BTreeSet<UserId> = [UserId(1)].into();
        let done = [Completion {
            user: UserId(1),
            level: Level::Foundation,
            date: day(2020, 1, 1),
        }];
        let months = capability_by_month(&staff, &done, day(2026, 6, 30));
        assert_eq!(months.len(), CAPABILITY_MONTHS);
        assert_eq!(months.last().unwrap().month, day(2026, 6, 1));
        assert_eq!(months[0].month, day(2023, 7, 1));
    }

    #[test]
    fn a_plan_is_whole_percentages_falling_with_the_level() {
        let d = |a: &str, b: &str, c: &str| PlanDraft {
            targets: [Some(a.into()), Some(b.into()), Some(c.into())],
        };
        assert_eq!(d("60", "15", "2").apply(None), Ok([60, 15, 2]));
        let e = d("101", "x", "2").apply(None).unwrap_err();
        let at: Vec<Option<usize>> = e.iter().map(|p| p.index).collect();
        assert_eq!(at, [Some(0), Some(1)]);
        let e = d("10", "20", "0").apply(None).unwrap_err();
        assert_eq!((e[0].field, e[0].index), (Field::Target, Some(1)));
        // Absent keeps the current target.
        let only = PlanDraft {
            targets: [None, None, Some("5".into())],
        };
        assert_eq!(only.apply(Some([50, 10, 1])), Ok([50, 10, 5]));
    }
}
