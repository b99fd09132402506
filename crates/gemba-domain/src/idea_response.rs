//! How quickly ideas are answered (issue 13): the days from an idea being put forward to its
//! first response, per team and for the whole organisation, charted by the SPC engine against
//! the organisation's target, so that slow responses show. Each answered idea is one point of an
//! XmR chart in the order the ideas were put forward (an individuals chart of times, as for
//! door-to-needle times); lower is better, and the target gives the Making Data Count assurance
//! icon. Ideas still waiting are listed with the days they have waited so far.

use chrono::{NaiveDate, NaiveDateTime};
use gemba_spc::{analyse, ChartOptions, ChartResult, ChartType, Data, Improvement, Rules};

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{Field, FieldProblem, Problem};
use crate::idea::Idea;
use crate::model::{IdeaId, OrgId, Team};
use crate::Version;

/// The fewest days a target may be.
pub const MIN_TARGET_DAYS: u32 = 1;
/// The most days a target may be.
pub const MAX_TARGET_DAYS: u32 = 365;

/// The organisation's target for the days to an idea's first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTarget {
    /// The days.
    pub days: u32,
    /// Its version (`Version(0)` when none is set yet).
    pub version: Version,
}

/// The ideas of one team (or of none, or all) and how quickly they were answered.
#[derive(Debug, Clone)]
pub struct TeamResponses {
    /// The team; `None` with `whole` false is the ideas put forward for no team.
    pub team: Option<Team>,
    /// Whether this is the whole organisation's ideas.
    pub whole: bool,
    /// Each answered idea in the order put forward: its id, the day it was put forward and the
    /// days to its first response (to a tenth of a day).
    pub answered: Vec<(IdeaId, NaiveDate, f64)>,
    /// The engine's XmR chart of `answered`'s days (none without answered ideas).
    pub chart: Option<ChartResult>,
    /// Ideas still waiting for a first response, longest waiting first, with their days so far.
    pub waiting: Vec<(IdeaId, f64)>,
    /// How many answered ideas took longer than the target.
    pub late: usize,
}

impl TeamResponses {
    /// How many ideas are still waiting longer than the target (none without a target).
    pub fn overdue(&self, target: Option<u32>) -> usize {
        target.map_or(0, |t| {
            self.waiting
                .iter()
                .filter(|(_, d)| *d > f64::from(t))
                .count()
        })
    }
}

/// How quickly an organisation's ideas are answered.
#[derive(Debug, Clone)]
pub struct ResponseTimes {
    /// The organisation's target, if it has set one.
    pub target: Option<ResponseTarget>,
    /// The whole organisation first, then each team with ideas (by name), then ideas for no
    /// team (if any).
    pub groups: Vec<TeamResponses>,
}

/// Days between two moments, to a tenth of a day.
pub fn days_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    let seconds = (to - from).num_seconds().max(0) as f64;
    (seconds / 86_400.0 * 10.0).round() / 10.0
}

/// The responses of `ideas` (any order): answered ones in the order put forward with their days
/// and chart, waiting ones longest first with their days until `now`.
pub fn responses(
    ideas: &[&Idea],
    team: Option<Team>,
    whole: bool,
    target: Option<u32>,
    now: NaiveDateTime,
) -> TeamResponses {
    let mut sorted: Vec<&Idea> = ideas.to_vec();
    sorted.sort_by_key(|i| (i.created_at, i.id));
    let answered: Vec<(IdeaId, NaiveDate, f64)> = sorted
        .iter()
        .filter_map(|i| {
            let first = i.first_response_at?;
            Some((i.id, i.created_at.date(), days_between(i.created_at, first)))
        })
        .collect();
    let mut waiting: Vec<(IdeaId, f64)> = sorted
        .iter()
        .filter(|i| i.first_response_at.is_none())
        .map(|i| (i.id, days_between(i.created_at, now)))
        .collect();
    waiting.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let late = target.map_or(0, |t| {
        answered
            .iter()
            .filter(|(_, _, d)| *d > f64::from(t))
            .count()
    });
    let chart = (!answered.is_empty())
        .then(|| {
            let mut options = ChartOptions::new(ChartType::Xmr);
            options.improvement = Improvement::Decrease;
            options.target = target.map(f64::from);
            options.rules = Rules::default();
            let values: Vec<Option<f64>> = answered.iter().map(|a| Some(a.2)).collect();
            analyse(Data::Values(&values), &options).ok()
        })
        .flatten();
    TeamResponses {
        team,
        whole,
        answered,
        chart,
        waiting,
        late,
    }
}

/// The organisation's target for the days to a first response, if set ([`Action::Read`]).
pub async fn response_target(
    access: &Access<'_>,
    org: OrgId,
) -> Result<Option<ResponseTarget>, AccessError> {
    access.org(org, Action::Read)?;
    Ok(access.store().idea_response_target(org).await?)
}

/// Sets the organisation's target (`days`, a whole number from [`MIN_TARGET_DAYS`] to
/// [`MAX_TARGET_DAYS`]) if it is still at `expected` (`Version(0)`: none set yet)
/// ([`Action::ManageOrganisation`]). Returns the new version.
pub async fn set_response_target(
    access: &Access<'_>,
    org: OrgId,
    days: &str,
    expected: Version,
) -> Result<Version, BoardError> {
    access.org(org, Action::ManageOrganisation)?;
    let days = days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (MIN_TARGET_DAYS..=MAX_TARGET_DAYS).contains(d))
        .ok_or_else(|| {
            BoardError::Invalid(vec![FieldProblem {
                field: Field::Target,
                index: None,
                problem: Problem::NotAWholeNumber {
                    min: u64::from(MIN_TARGET_DAYS),
                    max: u64::from(MAX_TARGET_DAYS),
                },
            }])
        })?;
    Ok(access
        .store()
        .set_idea_response_target(org, days, expected)
        .await?)
}

/// How quickly `org`'s ideas are answered, for the whole organisation and per team, at `now`
/// ([`Action::Read`]).
pub async fn response_times(
    access: &Access<'_>,
    org: OrgId,
    now: NaiveDateTime,
) -> Result<ResponseTimes, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let target = store.idea_response_target(org).await?;
    let days = target.map(|t| t.days);
    let ideas = store.ideas(org).await?;
    let mut teams = store.teams(org).await?;
    teams.sort_by_key(|t| t.name.to_lowercase());
    let all: Vec<&Idea> = ideas.iter().collect();
    let mut groups = vec![responses(&all, None, true, days, now)];
    for team in teams {
        let of_team: Vec<&Idea> = ideas.iter().filter(|i| i.team == Some(team.id)).collect();
        if !of_team.is_empty() {
            groups.push(responses(&of_team, Some(team), false, days, now));
        }
    }
    let no_team: Vec<&Idea> = ideas.iter().filter(|i| i.team.is_none()).collect();
    if !no_team.is_empty() {
        groups.push(responses(&no_team, None, false, days, now));
    }
    Ok(ResponseTimes { target, groups })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idea::{IdeaStatus, IdeaText};
    use crate::model::{OrgId, TeamId};
    use gemba_spc::{AssuranceIcon, VariationIcon};

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap_or_default()
    }

    fn idea(id: i64, put: NaiveDateTime, answered: Option<NaiveDateTime>) -> Idea {
        Idea {
            id: IdeaId(id),
            org: OrgId(1),
            team: Some(TeamId(1)),
            submitter: None,
            text: IdeaText::default(),
            status: IdeaStatus::New,
            response: String::new(),
            supporters: Vec::new(),
            created_at: put,
            first_response_at: answered,
            version: Version(1),
            became: Vec::new(),
        }
    }

    #[test]
    fn days_to_first_response_by_hand() {
        // Put forward 1 March 09:00, answered 3 March 21:00: 2.5 days.
        assert_eq!(days_between(at(1, 9), at(3, 21)), 2.5);
        // 7 hours: 0.29 days, to a tenth 0.3.
        assert_eq!(days_between(at(1, 9), at(1, 16)), 0.3);
    }

    #[test]
    fn answered_ideas_are_charted_in_the_order_put_forward_waiting_ones_listed() {
        let ideas = [
            idea(3, at(5, 9), Some(at(6, 9))),  // 1 day
            idea(1, at(1, 9), Some(at(3, 21))), // 2.5 days
            idea(2, at(2, 9), None),            // waiting since 2 March
            idea(4, at(8, 9), Some(at(20, 9))), // 12 days
            idea(5, at(9, 9), None),            // waiting since 9 March
        ];
        let refs: Vec<&Idea> = ideas.iter().collect();
        let r = responses(&refs, None, true, Some(7), at(16, 9));
        let order: Vec<(i64, f64)> = r.answered.iter().map(|a| (a.0 .0, a.2)).collect();
        assert_eq!(order, [(1, 2.5), (3, 1.0), (4, 12.0)]);
        // Waiting: idea 2 for 14 days, idea 5 for 7 days; only idea 2 beyond the 7-day target.
        assert_eq!(r.waiting, [(IdeaId(2), 14.0), (IdeaId(5), 7.0)]);
        assert_eq!(r.overdue(Some(7)), 1);
        assert_eq!(r.late, 1);
        // The XmR chart by hand: mean (2.5 + 1 + 12) / 3 = 5.1667; moving ranges 1.5 and 11,
        // mean 6.25; limits 5.1667 ± 2.66 × 6.25 = −11.458 and 21.792.
        let c = r.chart.expect("a chart");
        let l = &c.points[0].lines;
        assert!((l.centre.unwrap_or_default() - 5.166_666).abs() < 1e-4);
        assert!((l.ucl.unwrap_or_default() - 21.791_666).abs() < 1e-4);
        assert!((l.lcl.unwrap_or_default() + 11.458_333).abs() < 1e-4);
        // Three points show no special cause; the 7-day target lies inside the limits, so the
        // target is hit and missed at random.
        assert_eq!(c.variation_icon, Some(VariationIcon::CommonCause));
        assert_eq!(c.assurance_icon, Some(AssuranceIcon::HitAndMiss));
    }

    #[test]
    fn no_answered_idea_no_chart() {
        let ideas = [idea(1, at(1, 9), None)];
        let refs: Vec<&Idea> = ideas.iter().collect();
        let r = responses(&refs, None, true, None, at(2, 9));
        assert!(r.chart.is_none());
        assert_eq!(r.overdue(None), 0);
    }
}
