//! Spread (issue 12 §4): adopting a project's change package into another team or
//! organisation, and the spread view of a change package — the original and its adopters side
//! by side on one time axis, and a funnel plot of a shared measure across them. The use cases
//! once for pages and API.
//!
//! An adoption makes a linked project in the adopter's organisation, led by the adopter, with
//! the source's driver diagram (every live node, with its structure) and its measure
//! definitions copied; never its data. A measure's rebases and baseline are left out: they
//! stand for the source's dates and points, not the adopter's. The store keeps which measure of
//! the adopter stands for which of the source's, so that the spread view can put one measure of
//! every project side by side.

use chrono::{NaiveDate, NaiveDateTime};
use gemba_spc::funnel::{funnel, FunnelOptions, FunnelResult, FunnelType, Overdispersion};
use gemba_spc::ChartType;

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::chart::{measure_chart, MeasureChart};
use crate::closing::{change_package, AdoptedChange};
use crate::draft::{check_team, Field, FieldProblem, Problem, ProjectDraft};
use crate::model::{
    DataPoint, DriverNode, Measure, MeasureFields, MeasureId, MeasureType, OrgId, Organisation,
    Project, ProjectFields, ProjectId, ProjectStatus, Team, TeamId, UserId,
};
use crate::period::Period;
use crate::store::StoreError;

/// A project made by adopting another project's change package.
#[derive(Debug, Clone, PartialEq)]
pub struct Adoption {
    /// The adopting project.
    pub project: ProjectId,
    /// Its organisation.
    pub org: OrgId,
    /// Its team, if any.
    pub team: Option<TeamId>,
    /// The project whose change package it adopted.
    pub source: ProjectId,
    /// Who adopted it, if still a user.
    pub by: Option<UserId>,
    /// When.
    pub at: NaiveDateTime,
    /// Which of its measures stands for which of the source's: (source's, its own).
    pub measures: Vec<(MeasureId, MeasureId)>,
}

/// What the store writes for an adoption, in one transaction: the new project, copies of the
/// source's driver diagram nodes and measure definitions, and the links.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAdoption {
    /// The source project.
    pub source: ProjectId,
    /// The adopter's organisation.
    pub org: OrgId,
    /// The new project's fields.
    pub fields: ProjectFields,
    /// The source's live driver diagram nodes, parents before children (the store gives the
    /// copies new ids and keeps the structure).
    pub nodes: Vec<DriverNode>,
    /// The source's live measures with the definitions to copy ([`adopted_measure`]).
    pub measures: Vec<(MeasureId, MeasureFields)>,
}

/// An adoption as sent: the target organisation's id, the team's id (empty or absent for
/// none) and the new project's title (absent or blank: the source's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdoptDraft {
    /// The organisation to adopt into, as sent.
    pub org: Option<String>,
    /// The team, as sent.
    pub team: Option<String>,
    /// The title, as sent.
    pub title: Option<String>,
}

/// A measure's definition as an adopter takes it: everything but the rebases and the fixed
/// baseline, which stand for the source's dates and points.
pub fn adopted_measure(source: &Measure) -> MeasureFields {
    let mut fields = source.fields();
    fields.chart.rebase.clear();
    fields.chart.fix_after = None;
    fields
}

/// The fields of an adopted project: the source's title (or `title`), problem, aim, method and
/// tags, status "testing", the adopter's team, no sponsor (the source's is of its own
/// organisation) and not private (whether to keep it from the system is the adopters' choice).
pub fn adopted_project(source: &Project, team: Option<TeamId>) -> ProjectFields {
    let mut fields = source.fields();
    fields.team = team;
    fields.status = ProjectStatus::Testing;
    fields.sponsor = String::new();
    fields.private = false;
    fields
}

fn invalid(field: Field, problem: Problem) -> BoardError {
    BoardError::Invalid(vec![FieldProblem {
        field,
        index: None,
        problem,
    }])
}

/// Where a user may adopt a project's change package: each organisation where they may start a
/// project, with its live teams.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptChoices {
    /// The source project.
    pub source: Project,
    /// Its organisation.
    pub source_org: Option<Organisation>,
    /// The organisations, by id, each with its live teams.
    pub orgs: Vec<(Organisation, Vec<Team>)>,
}

/// The choices of the adopt form: the source ([`Action::Read`]) and the organisations where the
/// user may start a project; [`AccessError::Denied`] for [`Action::CreateProject`] when there is
/// none.
pub async fn adopt_choices(
    access: &Access<'_>,
    source: ProjectId,
) -> Result<AdoptChoices, AccessError> {
    let source = access.project(source, Action::Read).await?.into_parts().0;
    let store = access.store();
    let mut orgs = Vec::new();
    let mut ids = access.orgs_where(Action::CreateProject);
    ids.sort();
    for id in ids {
        if let Some(org) = store.org(id).await? {
            let teams = store.teams(id).await?;
            orgs.push((org, teams.into_iter().filter(|t| !t.archived).collect()));
        }
    }
    if orgs.is_empty() {
        return Err(AccessError::Denied(Action::CreateProject));
    }
    Ok(AdoptChoices {
        source_org: store.org(source.org).await?,
        source,
        orgs,
    })
}

/// Adopts `source`'s change package into an organisation (and team) of the user's: the user
/// must be allowed to read the source and to start a project there ([`Action::CreateProject`]).
/// Creates the linked project, led by the user, with the source's driver diagram and measure
/// definitions, in one store transaction; returns its id. Problems name the field:
/// `organisation_id` (missing, not a number, not one of the user's), `team_id` (not a live team
/// of that organisation), `title`.
pub async fn adopt(
    access: &Access<'_>,
    source: ProjectId,
    draft: &AdoptDraft,
) -> Result<ProjectId, BoardError> {
    let source = access.project(source, Action::Read).await?.into_parts().0;
    let org = match draft.org.as_deref().map(str::trim) {
        None | Some("") => return Err(invalid(Field::Organisation, Problem::Missing)),
        Some(s) => OrgId(s.parse::<i64>().map_err(|_| {
            invalid(
                Field::Organisation,
                Problem::NotANumber {
                    given: s.to_owned(),
                },
            )
        })?),
    };
    if access.role_in(org).is_none() {
        return Err(invalid(
            Field::Organisation,
            Problem::Rule("is not an organisation you belong to".into()),
        ));
    }
    access.org(org, Action::CreateProject)?;
    let store = access.store();
    let base = adopted_project(&source, None);
    let fields = ProjectDraft {
        title: draft
            .title
            .as_ref()
            .filter(|t| !t.trim().is_empty())
            .cloned(),
        team: Some(draft.team.clone().unwrap_or_default()),
        ..ProjectDraft::default()
    }
    .apply(Some(&base))
    .map_err(BoardError::Invalid)?;
    if fields.team.is_some() {
        let teams = store.teams(org).await?;
        check_team(fields.team, &teams, None).map_err(|p| BoardError::Invalid(vec![p]))?;
    }
    let nodes = store.driver_nodes(source.id).await?;
    let measures = store
        .measures(source.id)
        .await?
        .iter()
        .map(|m| (m.id, adopted_measure(m)))
        .collect();
    let new = NewAdoption {
        source: source.id,
        org,
        fields,
        nodes,
        measures,
    };
    match store.adopt(&new, access.user()).await {
        Err(StoreError::Missing(_)) => Err(AccessError::NotFound.into()),
        other => Ok(other?),
    }
}

/// Whether an adoption spreads the source to another team or organisation (an adoption into the
/// source's own team is not spread).
pub fn spreads(source: &Project, adoption: &Adoption) -> bool {
    adoption.org != source.org || adoption.team != source.team
}

/// What a project page says of adoption: the source the project was adopted from, if the user
/// may read it (with its organisation's name), and how many adopted this project's change
/// package.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdoptionLinks {
    /// The source, when the project was adopted and the user may read the source.
    pub source: Option<(Project, String)>,
    /// Whether the project was adopted from another (readable or not).
    pub adopted: bool,
    /// How many live projects adopted this one's change package.
    pub adopters: usize,
}

/// The adoption links of a project the user may read ([`Action::Read`]).
pub async fn adoption_links(
    access: &Access<'_>,
    project: ProjectId,
) -> Result<AdoptionLinks, AccessError> {
    access.project(project, Action::Read).await?;
    let store = access.store();
    let adoption = store.adoption(project).await?;
    let mut links = AdoptionLinks {
        adopted: adoption.is_some(),
        adopters: store.adoptions_of(project).await?.len(),
        source: None,
    };
    if let Some(a) = adoption {
        if let Ok(source) = access.project(a.source, Action::Read).await {
            let source = source.into_parts().0;
            let org = store.org(source.org).await?.map(|o| o.name);
            links.source = Some((source, org.unwrap_or_default()));
        }
    }
    Ok(links)
}

/// The default funnel window: the last twelve periods of the shared axis.
pub const DEFAULT_WINDOW: usize = 12;
/// The longest funnel window, in periods.
pub const MAX_WINDOW: usize = 520;
/// The most periods the shared time axis shows (the latest ones).
pub const MAX_AXIS: usize = 520;

/// What the spread view is asked for: the shared measure (one of the source's; `None`: its
/// first outcome measure, else its first) and the funnel window in periods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpreadDraft {
    /// The measure's id, as sent.
    pub measure: Option<String>,
    /// The window, as sent.
    pub periods: Option<String>,
}

/// One project of the spread view with its measure standing for the shared one.
#[derive(Debug, Clone)]
pub struct SpreadMember {
    /// The project.
    pub project: Project,
    /// Its organisation's name.
    pub org_name: String,
    /// Its team's name, if any.
    pub team_name: Option<String>,
    /// Whether it is the original (the source).
    pub original: bool,
    /// Its measure for the shared one, if it has one (live).
    pub measure: Option<Measure>,
    /// Its data on the shared axis: one point per axis date (`None` values where it has none).
    pub aligned: Vec<DataPoint>,
    /// Its chart on the shared axis, when it can be drawn.
    pub chart: Option<MeasureChart>,
    /// Why there is no chart, for people.
    pub note: Option<String>,
}

/// The funnel plot of the shared measure, or why there is none.
#[derive(Debug, Clone)]
pub enum SpreadFunnel {
    /// The plot: each group is a member (by index into [`SpreadView::members`]).
    Plot {
        /// Proportion (p charts) or ratio of counts (u charts).
        kind: FunnelType,
        /// The members in the plot, in the result's order.
        members: Vec<usize>,
        /// The engine's result, in the measure's display units.
        result: FunnelResult,
        /// Members left out (no data in the window), by index.
        left_out: Vec<usize>,
    },
    /// No funnel plot, and why, for people.
    None(String),
}

/// The spread view of a change package.
#[derive(Debug, Clone)]
pub struct SpreadView {
    /// The source project.
    pub source: Project,
    /// Its change package.
    pub package: Vec<AdoptedChange>,
    /// Its measures, to choose the shared one from.
    pub measures: Vec<Measure>,
    /// The shared measure (the source's), if it has any.
    pub shared: Option<Measure>,
    /// The original first, then every adopter the user may read, oldest adoption first.
    pub members: Vec<SpreadMember>,
    /// How many adopters the user may not read (counted, not named).
    pub hidden: usize,
    /// The shared time axis: period starts of the shared measure's period.
    pub axis: Vec<NaiveDate>,
    /// The funnel window in periods.
    pub periods: usize,
    /// The funnel window's first and last period starts, when the axis has any.
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// The funnel plot, or why there is none.
    pub funnel: SpreadFunnel,
}

/// The spread view of `source`'s change package ([`Action::Read`] on the source, and on each
/// adopter to name it). Problems name `measure_id` (not one of the source's measures) and
/// `periods` (a whole number from 1 to [`MAX_WINDOW`]).
pub async fn spread(
    access: &Access<'_>,
    source: ProjectId,
    draft: &SpreadDraft,
) -> Result<SpreadView, BoardError> {
    let source = access.project(source, Action::Read).await?.into_parts().0;
    let store = access.store();
    let measures = store.measures(source.id).await?;
    let shared = match draft.measure.as_deref().map(str::trim) {
        None | Some("") => measures
            .iter()
            .find(|m| m.kind == MeasureType::Outcome)
            .or(measures.first())
            .cloned(),
        Some(s) => {
            let id = s.parse::<i64>().ok().map(MeasureId);
            let found = measures.iter().find(|m| Some(m.id) == id).cloned();
            Some(found.ok_or_else(|| {
                invalid(
                    Field::Measure,
                    Problem::Rule("is not a measure of this project".into()),
                )
            })?)
        }
    };
    let periods = match draft.periods.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_WINDOW,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_WINDOW).contains(n))
            .ok_or_else(|| {
                invalid(
                    Field::Periods,
                    Problem::NotAWholeNumber {
                        min: 1,
                        max: MAX_WINDOW as u64,
                    },
                )
            })?,
    };
    let package = change_package(
        &store.driver_nodes(source.id).await?,
        &store.pdsas(source.id).await?,
    );
    let mut raw: Vec<(Project, bool, Option<Measure>)> = Vec::new();
    raw.push((source.clone(), true, shared.clone()));
    let mut hidden = 0;
    for a in store.adoptions_of(source.id).await? {
        let Ok(p) = access.project(a.project, Action::Read).await else {
            hidden += 1;
            continue;
        };
        let mut own = None;
        if let Some(s) = &shared {
            if let Some((_, mine)) = a.measures.iter().find(|(src, _)| *src == s.id) {
                own = store.measure(*mine).await?;
            }
        }
        raw.push((p.into_parts().0, false, own));
    }
    let mut members = Vec::new();
    let mut series = Vec::new();
    for (project, original, measure) in raw {
        let org_name = store
            .org(project.org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let team_name = match project.team {
            Some(t) => store.team(t).await?.map(|t| t.name),
            None => None,
        };
        let data = match &measure {
            Some(m) => store.data(m.id).await?,
            None => Vec::new(),
        };
        series.push(data);
        members.push(SpreadMember {
            project,
            org_name,
            team_name,
            original,
            measure,
            aligned: Vec::new(),
            chart: None,
            note: None,
        });
    }
    let (axis, window, funnel) = match &shared {
        None => (
            Vec::new(),
            None,
            SpreadFunnel::None("The project has no measures to compare.".into()),
        ),
        Some(shared) => {
            let period = shared.chart.period;
            let axis = shared_axis(period, &series);
            for (member, data) in members.iter_mut().zip(&series) {
                chart_member(member, shared, &axis, data);
            }
            let window = window_of(&axis, periods);
            let given: Vec<Option<&[DataPoint]>> = members
                .iter()
                .zip(&series)
                .map(|(m, d)| m.measure.as_ref().map(|_| d.as_slice()))
                .collect();
            let funnel = spread_funnel(shared, &given, window);
            (axis, window, funnel)
        }
    };
    Ok(SpreadView {
        source,
        package,
        measures,
        shared,
        members,
        hidden,
        axis,
        periods,
        window,
        funnel,
    })
}

/// The shared time axis: every period start of `period` from the earliest dated value of any
/// series to the latest, the latest [`MAX_AXIS`] of them.
pub fn shared_axis(period: Period, series: &[Vec<DataPoint>]) -> Vec<NaiveDate> {
    let dates = series.iter().flatten().map(|p| period.start(p.date));
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return Vec::new();
    };
    let mut axis = vec![first];
    let mut at = first;
    while at < last {
        let next = period.next(at);
        if next <= at {
            break;
        }
        at = next;
        axis.push(at);
    }
    let skip = axis.len().saturating_sub(MAX_AXIS);
    axis.split_off(skip)
}

/// A series on the axis: one point per axis date, its value where it has one in that period.
pub fn align(period: Period, axis: &[NaiveDate], data: &[DataPoint]) -> Vec<DataPoint> {
    axis.iter()
        .map(|d| {
            data.iter()
                .rev()
                .find(|p| period.start(p.date) == *d)
                .map_or(
                    DataPoint {
                        date: *d,
                        value: None,
                        denominator: None,
                    },
                    |p| DataPoint { date: *d, ..*p },
                )
        })
        .collect()
}

fn chart_member(
    member: &mut SpreadMember,
    shared: &Measure,
    axis: &[NaiveDate],
    data: &[DataPoint],
) {
    let Some(measure) = &member.measure else {
        member.note = Some("It has no measure standing for this one.".into());
        return;
    };
    if measure.chart.period != shared.chart.period {
        member.note = Some(format!(
            "Its measure is kept by {} rather than by {}, so it is not on the shared time axis.",
            measure.chart.period.label().to_lowercase(),
            shared.chart.period.label().to_lowercase()
        ));
        return;
    }
    if !data.iter().any(|p| p.value.is_some()) {
        member.note = Some("No data yet.".into());
        return;
    }
    member.aligned = align(shared.chart.period, axis, data);
    match measure_chart(measure, &member.aligned, &[]) {
        Ok(chart) => member.chart = Some(chart),
        Err(e) => member.note = Some(format!("Cannot be charted: {e}")),
    }
}

/// The funnel window: the last `periods` dates of the axis (all of them when it is shorter).
pub fn window_of(axis: &[NaiveDate], periods: usize) -> Option<(NaiveDate, NaiveDate)> {
    let last = *axis.last()?;
    let first = axis[axis.len().saturating_sub(periods)];
    Some((first, last))
}

/// The funnel type for a chart type: proportions for p charts, ratios of counts (a rate per
/// exposure) for u charts; `None` for charts of values without denominators.
pub fn funnel_type(chart: ChartType) -> Option<FunnelType> {
    match chart {
        ChartType::P | ChartType::PPrime => Some(FunnelType::Proportion),
        ChartType::U | ChartType::UPrime => Some(FunnelType::RatioOfCounts),
        _ => None,
    }
}

/// The funnel plot of the shared measure across the members: each member's numerators and
/// denominators summed over the window (points with both), limits from the engine without the
/// overdispersion adjustment (a handful of organisations cannot estimate it), in the measure's
/// display units. `series` holds each member's data (`None`: it has no measure for the shared
/// one); members with no denominators in the window are left out.
pub fn spread_funnel(
    shared: &Measure,
    series: &[Option<&[DataPoint]>],
    window: Option<(NaiveDate, NaiveDate)>,
) -> SpreadFunnel {
    let Some(kind) = funnel_type(shared.chart.chart) else {
        return SpreadFunnel::None(format!(
            "A funnel plot compares proportions or rates, each with its denominator; “{}” is \
             charted as a {} chart without denominators, so compare the organisations in the \
             small multiples instead.",
            shared.name,
            shared.chart.chart.name()
        ));
    };
    let Some((from, to)) = window else {
        return SpreadFunnel::None("No data yet.".into());
    };
    let period = shared.chart.period;
    let end = period.next(to);
    let (mut included, mut left_out) = (Vec::new(), Vec::new());
    let (mut nums, mut dens) = (Vec::new(), Vec::new());
    for (i, data) in series.iter().enumerate() {
        let Some(data) = data else {
            left_out.push(i);
            continue;
        };
        let (mut n, mut d) = (0.0, 0.0);
        for p in data.iter().filter(|p| p.date >= from && p.date < end) {
            if let (Some(v), Some(den)) = (p.value, p.denominator) {
                n += v;
                d += den;
            }
        }
        if d > 0.0 {
            included.push(i);
            nums.push(n);
            dens.push(d);
        } else {
            left_out.push(i);
        }
    }
    if included.len() < 2 {
        return SpreadFunnel::None(
            "A funnel plot needs at least two organisations with numerators and denominators \
             in the window."
                .into(),
        );
    }
    let options = FunnelOptions {
        kind,
        overdispersion: Overdispersion::Off,
        multiplier: shared.chart.multiplier.factor(),
        ..FunnelOptions::default()
    };
    match funnel(&nums, &dens, &options) {
        Ok(result) => SpreadFunnel::Plot {
            kind,
            members: included,
            result,
            left_out,
        },
        Err(e) => SpreadFunnel::None(format!("The funnel plot cannot be drawn: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChartSettings, Version};
    use crate::units::Multiplier;
    use gemba_spc::funnel::OutlierFlag;
    use gemba_spc::Improvement;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    fn measure(chart: ChartType, multiplier: u32) -> Measure {
        Measure {
            id: MeasureId(1),
            project: ProjectId(1),
            name: "Falls".into(),
            kind: MeasureType::Outcome,
            definition: String::new(),
            unit: String::new(),
            data_source: String::new(),
            denominator_label: String::new(),
            chart: ChartSettings {
                chart,
                improvement: Improvement::Decrease,
                target: None,
                rules: "mdc".into(),
                rebase: Vec::new(),
                fix_after: None,
                period: Period::Month,
                multiplier: Multiplier::new(multiplier).unwrap(),
            },
            version: Version(1),
        }
    }

    fn point(date: NaiveDate, value: f64, denominator: f64) -> DataPoint {
        DataPoint {
            date,
            value: Some(value),
            denominator: Some(denominator),
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-4, "{a} is not {b}");
    }

    #[test]
    fn a_rate_funnel_sums_the_window_and_takes_the_limits_by_hand() {
        // Falls per 1,000 bed days. The original: 10 + 20 falls in 3,000 + 3,000 bed days in the
        // window (January is before it); the adopter 20 in 2,000. θ = 50 / 8,000 = 6.25 per
        // 1,000; limits M·exp(ln θ ∓ z / (2√x)) (REFERENCE.md §5.2, RC): at 6,000 bed days
        // 6.25·exp(∓1.959964 / 154.9193) = 6.17143 and 6.32957 (95 %), 6.12656 and 6.37592
        // (99.8 %, z = 3.090232); at 2,000, 6.11453 and 6.38847, 6.03775 and 6.46971.
        let m = measure(ChartType::U, 1000);
        let original = [
            point(d(2024, 1), 99.0, 1000.0),
            point(d(2024, 2), 10.0, 3000.0),
            point(d(2024, 3), 20.0, 3000.0),
        ];
        let adopter = [point(d(2024, 3), 20.0, 2000.0)];
        let axis = shared_axis(Period::Month, &[original.to_vec(), adopter.to_vec()]);
        assert_eq!(axis, [d(2024, 1), d(2024, 2), d(2024, 3)]);
        let window = window_of(&axis, 2);
        assert_eq!(window, Some((d(2024, 2), d(2024, 3))));
        let SpreadFunnel::Plot {
            kind,
            members,
            result,
            left_out,
        } = spread_funnel(&m, &[Some(&original), Some(&adopter), None], window)
        else {
            panic!("a funnel plot")
        };
        assert_eq!(kind, FunnelType::RatioOfCounts);
        assert_eq!((members, left_out), (vec![0, 1], vec![2]));
        close(result.target, 6.25);
        let (a, b) = (&result.groups[0], &result.groups[1]);
        close(a.value, 5.0);
        close(b.value, 10.0);
        close(a.lower_95, 6.171426);
        close(a.upper_95, 6.329574);
        close(a.lower_998, 6.126564);
        close(a.upper_998, 6.375923);
        close(b.lower_95, 6.114533);
        close(b.upper_998, 6.469710);
        assert_eq!(
            (a.flag_998, b.flag_998),
            (OutlierFlag::Low, OutlierFlag::High)
        );
    }

    #[test]
    fn a_proportion_funnel_across_three_organisations() {
        // 45/300, 30/250 and 60/300: θ = 135/850 = 15.882 %; limits
        // 100·sin²(asin(√θ) ∓ z / (2√n)): at n = 300, 11.97330 and 20.22781 (95 %), 9.93721 and
        // 22.91064 (99.8 %); at n = 250, 11.62489 and 20.66339.
        let m = measure(ChartType::P, 100);
        let at = d(2025, 6);
        let series = [
            vec![point(at, 45.0, 300.0)],
            vec![point(at, 30.0, 250.0)],
            vec![point(at, 60.0, 300.0)],
        ];
        let given: Vec<Option<&[DataPoint]>> = series.iter().map(|s| Some(&s[..])).collect();
        let SpreadFunnel::Plot { result, .. } = spread_funnel(&m, &given, Some((at, at))) else {
            panic!("a funnel plot")
        };
        close(result.target, 15.882353);
        close(result.groups[0].lower_95, 11.973302);
        close(result.groups[0].upper_95, 20.227810);
        close(result.groups[0].lower_998, 9.937210);
        close(result.groups[2].upper_998, 22.910643);
        close(result.groups[1].lower_95, 11.624891);
        close(result.groups[1].upper_95, 20.663390);
        // 20 % is inside the 95 % limits at 300 (20.228): no outlier.
        assert_eq!(result.groups[2].flag_95, OutlierFlag::None);
    }

    #[test]
    fn no_funnel_for_values_without_denominators_or_a_single_organisation() {
        let xmr = measure(ChartType::Xmr, 1);
        let data = [point(d(2024, 1), 3.0, 1.0)];
        let SpreadFunnel::None(why) = spread_funnel(&xmr, &[Some(&data), Some(&data)], None) else {
            panic!("no funnel for an XmR chart")
        };
        assert!(why.contains("without denominators"), "{why}");
        let u = measure(ChartType::U, 1000);
        let window = Some((d(2024, 1), d(2024, 1)));
        let SpreadFunnel::None(why) = spread_funnel(&u, &[Some(&data), None], window) else {
            panic!("no funnel for one organisation")
        };
        assert!(why.contains("at least two"), "{why}");
    }

    #[test]
    fn series_are_aligned_on_the_shared_axis() {
        let axis = [d(2024, 1), d(2024, 2), d(2024, 3)];
        let data = [point(
            NaiveDate::from_ymd_opt(2024, 2, 15).unwrap(),
            4.0,
            10.0,
        )];
        let aligned = align(Period::Month, &axis, &data);
        assert_eq!(aligned.len(), 3);
        assert_eq!(aligned[0].value, None);
        assert_eq!((aligned[1].date, aligned[1].value), (d(2024, 2), Some(4.0)));
        assert_eq!(aligned[2].denominator, None);
    }
}
