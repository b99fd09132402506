//! Shares by month (issue 13 §3 and §5): the share of an organisation's projects with patient
//! partners, and the months they are counted in, pure; and the use case that gathers it for an
//! organisation, by team and overall, with its trend as a run chart from the engine.

use chrono::{Datelike, Months, NaiveDate};
use gemba_spc::ChartResult;

use crate::access::{Access, AccessError, Action};
use crate::involvement::partnered;
use crate::model::{OrgId, ProjectId, ProjectKind, ProjectStatus, Role, Team, TeamId};
use crate::portfolio::is_active_work;

/// The most months a trend shows (the latest ones).
pub const SHARE_MONTHS: usize = 36;

/// The first day of the month of `d`.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of the month starting `m`.
pub fn month_end(m: NaiveDate) -> NaiveDate {
    m.checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(m)
}

/// The months from the month of `first` to the month of `last`, first days, the latest
/// [`SHARE_MONTHS`] at most; none when `first` is after `last`.
pub fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let (mut m, last) = (month_of(first), month_of(last));
    let mut out = Vec::new();
    while m <= last {
        out.push(m);
        match m.checked_add_months(Months::new(1)) {
            Some(n) => m = n,
            None => break,
        }
    }
    let skip = out.len().saturating_sub(SHARE_MONTHS);
    out.split_off(skip)
}

/// A share: how many of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share {
    /// How many count.
    pub with: usize,
    /// Of how many.
    pub of: usize,
}

impl Share {
    /// The share as a whole percentage, rounded half up; `None` of none.
    pub fn percent(self) -> Option<u32> {
        (self.of > 0).then(|| ((self.with * 200 + self.of) / (2 * self.of)) as u32)
    }
}

/// What the share of projects with patient partners needs of one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectDates {
    /// The project.
    pub project: ProjectId,
    /// Its team, if any.
    pub team: Option<TeamId>,
    /// When its work began: the earliest of its creation, its first PDSA cycle's start and the
    /// start of its recorded involvement.
    pub start: NaiveDate,
    /// When it ended, for a closed or abandoned project: its last change.
    pub end: Option<NaiveDate>,
    /// Whether it is active work now ([`is_active_work`]).
    pub active: bool,
    /// Since when it has had patient partners, if it has them now ([`partnered`]): the
    /// earliest of when a patient partner joined its team and when its current involvement at
    /// "involve" or "co-produce" began (its "since" date, else when it was recorded).
    pub partnered_since: Option<NaiveDate>,
}

impl ProjectDates {
    /// Whether it counts in the month starting `m`: begun by the month's end and not ended
    /// before it began.
    pub fn open_in(&self, m: NaiveDate) -> bool {
        self.start <= month_end(m) && self.end.is_none_or(|e| e >= m)
    }

    /// Whether it has patient partners by the end of the month starting `m`.
    pub fn partnered_in(&self, m: NaiveDate) -> bool {
        self.partnered_since.is_some_and(|d| d <= month_end(m))
    }
}

/// The share of projects with patient partners in each month: of the projects open in the
/// month ([`ProjectDates::open_in`]), those with patient partners by its end. The trend reads
/// the current record: a project that had partners and has none now counts in no month.
pub fn monthly_partner_share(projects: &[ProjectDates], months: &[NaiveDate]) -> Vec<Share> {
    months
        .iter()
        .map(|&m| {
            let open: Vec<&ProjectDates> = projects.iter().filter(|p| p.open_in(m)).collect();
            Share {
                with: open.iter().filter(|p| p.partnered_in(m)).count(),
                of: open.len(),
            }
        })
        .collect()
}

/// The share of active projects with patient partners now, overall and by team (teams in
/// `teams`' order, then "no team" when some project has none; a team without active projects
/// is left out).
pub fn current_partner_share(
    projects: &[ProjectDates],
    teams: &[Team],
) -> (Share, Vec<(Option<TeamId>, Share)>) {
    let active: Vec<&ProjectDates> = projects.iter().filter(|p| p.active).collect();
    let share = |of_team: &dyn Fn(&ProjectDates) -> bool| {
        let these: Vec<&&ProjectDates> = active.iter().filter(|p| of_team(p)).collect();
        Share {
            with: these.iter().filter(|p| p.partnered_since.is_some()).count(),
            of: these.len(),
        }
    };
    let overall = share(&|_| true);
    let mut by_team: Vec<(Option<TeamId>, Share)> = teams
        .iter()
        .map(|t| (Some(t.id), share(&|p| p.team == Some(t.id))))
        .collect();
    by_team.push((None, share(&|p| p.team.is_none())));
    by_team.retain(|(_, s)| s.of > 0);
    (overall, by_team)
}

/// The share of an organisation's projects with patient partners, now and by month.
#[derive(Debug, Clone)]
pub struct PartnerShare {
    /// The organisation.
    pub org: OrgId,
    /// Active projects now, overall.
    pub overall: Share,
    /// Active projects now, by team (`None`: no team), with the team.
    pub by_team: Vec<(Option<Team>, Share)>,
    /// The months of the trend, first days, oldest first.
    pub months: Vec<NaiveDate>,
    /// Each month's share.
    pub monthly: Vec<Share>,
    /// The trend's run chart (percentages), from the engine; `None` without months.
    pub chart: Option<ChartResult>,
}

/// The facts of the share of `org`'s improvement projects with patient partners (live ones),
/// read from the store.
pub async fn partner_dates(
    store: &dyn crate::store::Store,
    org: OrgId,
) -> Result<Vec<ProjectDates>, crate::store::StoreError> {
    let partners: Vec<crate::model::UserId> = store
        .org_members(org)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == Role::PatientPartner)
        .map(|(u, _)| u.id)
        .collect();
    let members = store.org_project_members_since(org).await?;
    let involvement = store.org_involvement(org).await?;
    let mut out = Vec::new();
    for p in store.projects(org).await? {
        if p.kind != ProjectKind::Improvement {
            continue;
        }
        let inv = involvement.iter().find(|i| i.project == p.id);
        let first_cycle = store
            .pdsas(p.id)
            .await?
            .iter()
            .filter_map(|c| c.fields.start_date)
            .min();
        let inv_since = inv.and_then(|i| i.fields.since);
        let start = [Some(p.created_at.date()), first_cycle, inv_since]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(p.created_at.date());
        let joined = members
            .iter()
            .filter(|(project, user, _)| *project == p.id && partners.contains(user))
            .map(|(_, _, at)| at.date())
            .min();
        let level = inv.map(|i| i.fields.level).unwrap_or_default();
        let involved = inv
            .filter(|_| level.is_partnership())
            .and_then(|i| i.fields.since.or(i.at.map(|t| t.date())));
        let partnered_since = partnered(level, joined.is_some())
            .then(|| [joined, involved].into_iter().flatten().min())
            .flatten();
        let ended = matches!(p.status, ProjectStatus::Closed | ProjectStatus::Abandoned);
        out.push(ProjectDates {
            project: p.id,
            team: p.team,
            start,
            end: ended.then(|| p.updated_at.date()),
            active: is_active_work(p.status),
            partnered_since,
        });
    }
    Ok(out)
}

/// The share of `org`'s projects with patient partners ([`Action::Read`]): now, by team and
/// overall, and by month up to `today`'s (from the month the earliest project began, at most
/// [`SHARE_MONTHS`]), with the trend's run chart.
pub async fn partner_share(
    access: &Access<'_>,
    org: OrgId,
    today: NaiveDate,
) -> Result<PartnerShare, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let dates = partner_dates(store, org).await?;
    let teams = store.all_teams(org).await?;
    let (overall, by_team) = current_partner_share(&dates, &teams);
    let months = dates
        .iter()
        .map(|p| p.start)
        .min()
        .map(|first| months_between(first, today))
        .unwrap_or_default();
    let monthly = monthly_partner_share(&dates, &months);
    let counts: Vec<(usize, usize)> = monthly.iter().map(|s| (s.with, s.of)).collect();
    let chart = if counts.is_empty() {
        None
    } else {
        crate::chart::share_run_chart(&counts).ok()
    };
    Ok(PartnerShare {
        org,
        overall,
        by_team: by_team
            .into_iter()
            .map(|(t, s)| (t.and_then(|t| teams.iter().find(|x| x.id == t).cloned()), s))
            .collect(),
        months,
        monthly,
        chart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn project(id: i64, team: Option<i64>, start: NaiveDate) -> ProjectDates {
        ProjectDates {
            project: ProjectId(id),
            team: team.map(TeamId),
            start,
            end: None,
            active: true,
            partnered_since: None,
        }
    }

    #[test]
    fn months_run_from_the_first_to_the_last_and_keep_the_latest() {
        assert_eq!(
            months_between(d(2025, 11, 20), d(2026, 2, 3)),
            [d(2025, 11, 1), d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1)]
        );
        assert!(months_between(d(2026, 3, 1), d(2026, 2, 1)).is_empty());
        let long = months_between(d(2010, 1, 1), d(2026, 6, 30));
        assert_eq!(long.len(), SHARE_MONTHS);
        assert_eq!(long.first(), Some(&d(2023, 7, 1)));
        assert_eq!(month_end(d(2024, 2, 1)), d(2024, 2, 29));
    }

    /// Worked by hand, month by month (January to April 2026):
    /// - A starts 10 Jan, partnered from 15 Feb: counts Jan–Apr, partnered Feb–Apr.
    /// - B starts 31 Jan, never partnered: counts Jan–Apr.
    /// - C starts 1 Mar, partnered from 1 Mar: counts Mar–Apr, partnered Mar–Apr.
    /// - D starts 5 Jan, closed 20 Feb, partnered from 6 Jan: counts Jan–Feb, partnered both.
    ///
    /// Jan: A, B, D open; D partnered: 1 of 3. Feb: A, B, D; A, D: 2 of 3.
    /// Mar: A, B, C; A, C: 2 of 3. Apr: A, B, C; A, C: 2 of 3.
    #[test]
    fn the_monthly_share_counts_open_projects_and_those_partnered_by_the_month_s_end() {
        let projects = [
            ProjectDates {
                partnered_since: Some(d(2026, 2, 15)),
                ..project(1, Some(1), d(2026, 1, 10))
            },
            project(2, Some(1), d(2026, 1, 31)),
            ProjectDates {
                partnered_since: Some(d(2026, 3, 1)),
                ..project(3, Some(2), d(2026, 3, 1))
            },
            ProjectDates {
                end: Some(d(2026, 2, 20)),
                active: false,
                partnered_since: Some(d(2026, 1, 6)),
                ..project(4, None, d(2026, 1, 5))
            },
        ];
        let months = months_between(d(2026, 1, 1), d(2026, 4, 1));
        let got: Vec<(usize, usize)> = monthly_partner_share(&projects, &months)
            .iter()
            .map(|s| (s.with, s.of))
            .collect();
        assert_eq!(got, [(1, 3), (2, 3), (2, 3), (2, 3)]);

        // Now: the active ones, A, B, C: 2 of 3; team 1 (A, B) 1 of 2, team 2 (C) 1 of 1; D,
        // the only one without a team, is closed, so "no team" is left out.
        let teams = [
            Team {
                id: TeamId(1),
                org: OrgId(1),
                name: "Ward 7".into(),
                archived: false,
            },
            Team {
                id: TeamId(2),
                org: OrgId(1),
                name: "Maternity".into(),
                archived: false,
            },
        ];
        let (overall, by_team) = current_partner_share(&projects, &teams);
        assert_eq!(overall, Share { with: 2, of: 3 });
        assert_eq!(overall.percent(), Some(67));
        assert_eq!(
            by_team,
            [
                (Some(TeamId(1)), Share { with: 1, of: 2 }),
                (Some(TeamId(2)), Share { with: 1, of: 1 })
            ]
        );
        assert_eq!(Share::default().percent(), None);
        assert_eq!(
            Share { with: 1, of: 8 }.percent(),
            Some(13),
            "12.5 rounds up"
        );
    }

    #[test]
    fn the_trend_is_a_run_chart_of_percentages() {
        let counts = [(1, 3), (2, 3), (0, 0), (2, 4)];
        let chart = crate::chart::share_run_chart(&counts).unwrap();
        assert_eq!(chart.chart, gemba_spc::ChartType::Run);
        let ys: Vec<Option<f64>> = chart.points.iter().map(|p| p.y).collect();
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        assert!(close(ys[0], 100.0 / 3.0));
        assert!(close(ys[1], 200.0 / 3.0));
        assert_eq!(ys[2], None, "a month of none is a gap");
        assert!(close(ys[3], 50.0));
    }
}
