//! Engagement (issue 13 §5): the share of an organisation's staff taking part in improvement,
//! by month, for the organisation and for each team, as run charts from the engine.
//!
//! **Staff** are the organisation's people except patient partners (who are not staff).
//! **Taking part** in a month is any of: being on the team of a project under way that month
//! (from the month they joined it), logging a PDSA cycle (counted in the month the cycle
//! started, else the month it was logged) or changing one (the month of the change), putting
//! forward an idea, supporting one or commenting on one (the month it was done; supports given
//! before they were dated are left out). People relate to teams through projects: a **team's
//! staff** are the staff on the team of one of its projects; each month's share of a team
//! counts what they did anywhere in the organisation.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use gemba_spc::ChartResult;

use crate::access::{Access, AccessError, Action};
use crate::history::{Action as Did, HistoryWhat, ObjectKind};
use crate::model::{OrgId, Role, Team, TeamId, UserId};
use crate::share::{month_of, months_between, partner_dates, Share};

/// Someone took part in improvement in the month of `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TookPart {
    /// Who.
    pub user: UserId,
    /// When (any day of the month).
    pub on: NaiveDate,
}

/// The share of `staff` who took part in each of `months` (first days).
pub fn monthly_engagement(
    staff: &[UserId],
    took_part: &[TookPart],
    months: &[NaiveDate],
) -> Vec<Share> {
    let active: BTreeSet<(NaiveDate, UserId)> = took_part
        .iter()
        .filter(|t| staff.contains(&t.user))
        .map(|t| (month_of(t.on), t.user))
        .collect();
    months
        .iter()
        .map(|&m| Share {
            with: staff.iter().filter(|u| active.contains(&(m, **u))).count(),
            of: staff.len(),
        })
        .collect()
}

/// One team's engagement.
#[derive(Debug, Clone)]
pub struct TeamEngagement {
    /// The team.
    pub team: Team,
    /// How many staff it has ([`monthly_engagement`]'s denominator).
    pub staff: usize,
    /// Each month's share.
    pub monthly: Vec<Share>,
    /// Their run chart (percentages), from the engine.
    pub chart: Option<ChartResult>,
}

/// An organisation's engagement by month.
#[derive(Debug, Clone)]
pub struct Engagement {
    /// The organisation.
    pub org: OrgId,
    /// The months, first days, oldest first.
    pub months: Vec<NaiveDate>,
    /// The organisation's staff.
    pub staff: usize,
    /// Each month's share of the organisation's staff taking part.
    pub monthly: Vec<Share>,
    /// Their run chart (percentages), from the engine.
    pub chart: Option<ChartResult>,
    /// Each team with staff.
    pub teams: Vec<TeamEngagement>,
}

fn run_chart(monthly: &[Share]) -> Option<ChartResult> {
    let counts: Vec<(usize, usize)> = monthly.iter().map(|s| (s.with, s.of)).collect();
    if counts.is_empty() {
        return None;
    }
    crate::chart::share_run_chart(&counts).ok()
}

/// `org`'s engagement ([`Action::Read`]) by month up to `today`'s, from the month of the
/// earliest taking part (at most [`crate::SHARE_MONTHS`]), for the organisation and each team.
pub async fn engagement(
    access: &Access<'_>,
    org: OrgId,
    today: NaiveDate,
) -> Result<Engagement, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let staff: Vec<UserId> = store
        .org_members(org)
        .await?
        .into_iter()
        .filter(|(_, r)| *r != Role::PatientPartner)
        .map(|(u, _)| u.id)
        .collect();
    let projects = store.projects(org).await?;
    let dates = partner_dates(store, org).await?;
    let members = store.org_project_members_since(org).await?;
    let mut took: Vec<TookPart> = Vec::new();
    let mut members_of: Vec<(UserId, TeamId)> = Vec::new();
    for p in &projects {
        let cycles = store.pdsas(p.id).await?;
        for e in store.history(p.id).await? {
            let (Some(by), HistoryWhat::Record(r)) = (e.by, &e.what) else {
                continue;
            };
            if r.object.kind != ObjectKind::PdsaCycle {
                continue;
            }
            let on = match r.action {
                Did::Created => cycles
                    .iter()
                    .find(|c| c.id.0 == r.object.id)
                    .and_then(|c| c.fields.start_date)
                    .unwrap_or(e.at.date()),
                _ => e.at.date(),
            };
            took.push(TookPart { user: by, on });
        }
        let Some(span) = dates.iter().find(|d| d.project == p.id) else {
            continue;
        };
        for (_, user, since) in members.iter().filter(|(project, _, _)| *project == p.id) {
            if let Some(t) = p.team {
                members_of.push((*user, t));
            }
            for m in months_between(since.date(), span.end.unwrap_or(today).min(today)) {
                if span.open_in(m) {
                    took.push(TookPart { user: *user, on: m });
                }
            }
        }
    }
    for idea in store.ideas(org).await? {
        if let Some(u) = &idea.submitter {
            took.push(TookPart {
                user: u.id,
                on: idea.created_at.date(),
            });
        }
        for c in store.idea_comments(idea.id).await? {
            if let Some(u) = &c.author {
                took.push(TookPart {
                    user: u.id,
                    on: c.at.date(),
                });
            }
        }
    }
    for (user, at) in store.org_idea_supports(org).await? {
        took.push(TookPart {
            user,
            on: at.date(),
        });
    }
    let months = took
        .iter()
        .filter(|t| staff.contains(&t.user))
        .map(|t| t.on)
        .min()
        .map(|first| months_between(first, today))
        .unwrap_or_default();
    let monthly = monthly_engagement(&staff, &took, &months);
    let mut by_team: HashMap<TeamId, Vec<UserId>> = HashMap::new();
    for (u, t) in members_of {
        if staff.contains(&u) {
            let list = by_team.entry(t).or_default();
            if !list.contains(&u) {
                list.push(u);
            }
        }
    }
    let teams = store
        .all_teams(org)
        .await?
        .into_iter()
        .filter_map(|team| {
            let people = by_team.get(&team.id)?;
            let monthly = monthly_engagement(people, &took, &months);
            Some(TeamEngagement {
                staff: people.len(),
                chart: run_chart(&monthly),
                monthly,
                team,
            })
        })
        .collect();
    Ok(Engagement {
        org,
        staff: staff.len(),
        chart: run_chart(&monthly),
        months,
        monthly,
        teams,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    /// Worked by hand: four staff (1–4); patient partner 9 is not staff.
    /// January: 1 twice (counted once) and 2: 2 of 4. February: 9 only: 0 of 4.
    /// March: 1, 3 and 4: 3 of 4. A team of 1 and 3: January 1 of 2, February 0 of 2, March
    /// 2 of 2.
    #[test]
    fn each_month_counts_each_person_once_and_only_staff() {
        let t = |u: i64, on: NaiveDate| TookPart {
            user: UserId(u),
            on,
        };
        let took = [
            t(1, d(2026, 1, 3)),
            t(1, d(2026, 1, 28)),
            t(2, d(2026, 1, 31)),
            t(9, d(2026, 2, 10)),
            t(1, d(2026, 3, 1)),
            t(3, d(2026, 3, 15)),
            t(4, d(2026, 3, 31)),
        ];
        let months = months_between(d(2026, 1, 1), d(2026, 3, 1));
        let staff = [UserId(1), UserId(2), UserId(3), UserId(4)];
        let got: Vec<(usize, usize)> = monthly_engagement(&staff, &took, &months)
            .iter()
            .map(|s| (s.with, s.of))
            .collect();
        assert_eq!(got, [(2, 4), (0, 4), (3, 4)]);
        let team: Vec<(usize, usize)> = monthly_engagement(&[UserId(1), UserId(3)], &took, &months)
            .iter()
            .map(|s| (s.with, s.of))
            .collect();
        assert_eq!(team, [(1, 2), (0, 2), (2, 2)]);
    }
}
