//! The portfolio: every improvement project of an organisation in one view, filtered, grouped by
//! the strategic priorities they serve (and the priorities no active work serves), counted by
//! stage, each with its measures' latest icons and its last activity. One use case for the
//! page, the CSV and the API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use gemba_spc::{AssuranceIcon, VariationIcon};

use crate::access::Access;
use crate::board::BoardError;
use crate::chart::measure_chart;
use crate::draft::{Field, FieldProblem, Problem, Problems};
use crate::duplicates::{likely_duplicates, LikelyDuplicate};
use crate::model::{
    OrgId, PriorityId, Project, ProjectId, ProjectKind, ProjectStatus, Role, Team, TeamId, User,
    UserId, Version,
};
use crate::priority::Priority;
use crate::progress::{MeasureSignal, MethodQuality};
use crate::store::{Store, StoreError};

/// What the portfolio is filtered by; `None` is any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortfolioFilter {
    /// One status (stage).
    pub status: Option<ProjectStatus>,
    /// Projects serving one priority, or (`Some(None)`) serving none.
    pub priority: Option<Option<PriorityId>>,
    /// One team.
    pub team: Option<TeamId>,
    /// One method, as written (compared without case).
    pub method: Option<String>,
    /// One lead.
    pub lead: Option<UserId>,
    /// With (`true`) or without (`false`) a patient partner in the team.
    pub patient_partner: Option<bool>,
}

impl PortfolioFilter {
    /// The filter from a query's `(key, value)` pairs: `status` (a status name), `priority` (an
    /// id, or `none`), `team`, `lead` (ids), `method` (text), `patient_partner` (`yes`, `no`);
    /// empty values and unknown keys are ignored. Every bad value is a problem of its field.
    pub fn parse(pairs: &[(String, String)]) -> Result<PortfolioFilter, Problems> {
        let mut f = PortfolioFilter::default();
        let mut problems = Vec::new();
        let mut bad = |field: Field, allowed: Option<Vec<&'static str>>| {
            problems.push(FieldProblem {
                field,
                index: None,
                problem: match allowed {
                    Some(allowed) => Problem::NotOneOf { allowed },
                    None => Problem::Rule("must be a whole number".into()),
                },
            })
        };
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "status" => match ProjectStatus::parse(v) {
                    Some(s) => f.status = Some(s),
                    None => bad(
                        Field::Status,
                        Some(ProjectStatus::ALL.iter().map(|s| s.name()).collect()),
                    ),
                },
                "priority" if v == "none" => f.priority = Some(None),
                "priority" => match v.parse::<i64>() {
                    Ok(id) => f.priority = Some(Some(PriorityId(id))),
                    Err(_) => bad(Field::Priorities, None),
                },
                "team" => match v.parse::<i64>() {
                    Ok(id) => f.team = Some(TeamId(id)),
                    Err(_) => bad(Field::Team, None),
                },
                "lead" => match v.parse::<i64>() {
                    Ok(id) => f.lead = Some(UserId(id)),
                    Err(_) => bad(Field::Lead, None),
                },
                "method" => f.method = Some(v.to_owned()),
                "patient_partner" => match v {
                    "yes" => f.patient_partner = Some(true),
                    "no" => f.patient_partner = Some(false),
                    _ => bad(Field::PatientPartner, Some(vec!["yes", "no"])),
                },
                _ => {}
            }
        }
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(problems)
        }
    }

    /// Whether a project passes.
    pub fn passes(&self, p: &PortfolioProject) -> bool {
        self.status.is_none_or(|s| p.project.status == s)
            && self.priority.is_none_or(|want| match want {
                Some(id) => p.priorities.contains(&id),
                None => p.priorities.is_empty(),
            })
            && self.team.is_none_or(|t| p.project.team == Some(t))
            && self
                .method
                .as_deref()
                .is_none_or(|m| p.project.method.trim().eq_ignore_ascii_case(m))
            && self.lead.is_none_or(|l| p.project.lead == Some(l))
            && self.patient_partner.is_none_or(|w| p.patient_partner == w)
    }
}

/// One measure's latest icons, as the portfolio shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureIcons {
    /// The measure's name.
    pub name: String,
    /// Its variation icon, if it has data.
    pub variation: Option<VariationIcon>,
    /// Its assurance icon, if it has a target.
    pub assurance: Option<AssuranceIcon>,
}

/// One project as the portfolio shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioProject {
    /// The project.
    pub project: Project,
    /// Its team's name.
    pub team: Option<String>,
    /// Its lead's name.
    pub lead: Option<String>,
    /// The priorities it serves.
    pub priorities: Vec<PriorityId>,
    /// Whether a patient partner is in its team.
    pub patient_partner: bool,
    /// Its measures' latest icons.
    pub measures: Vec<MeasureIcons>,
    /// Its latest activity: the latest date of its data and the start of its PDSA cycles
    /// (the day it was created while it has neither; see [`crate::ProjectProgress`]).
    pub last_activity: NaiveDate,
    /// Its progress derived from the record (0.5 to 5.0).
    pub progress: f32,
    /// The score its lead set over the derived one, if any.
    pub assessed: Option<f32>,
    /// Whether it has stalled (no data or PDSA activity for the organisation's weeks).
    pub stalled: bool,
    /// The quality of its PDSA method.
    pub method: MethodQuality,
}

/// Whether a project is active work: started and not finished (scoping to spreading).
pub fn is_active_work(status: ProjectStatus) -> bool {
    !matches!(
        status,
        ProjectStatus::Idea | ProjectStatus::Closed | ProjectStatus::Abandoned
    )
}

/// A priority with the portfolio's projects that serve it.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityGroup {
    /// The priority.
    pub priority: Priority,
    /// Its projects (indexes into [`Portfolio::projects`]), in the portfolio's order.
    pub projects: Vec<usize>,
    /// How many of all its projects (filtered or not) are active work.
    pub active: usize,
}

/// The portfolio of one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// The organisation.
    pub org: OrgId,
    /// The projects that pass the filter, by title.
    pub projects: Vec<PortfolioProject>,
    /// Each priority (the system's first) with its projects that pass the filter.
    pub groups: Vec<PriorityGroup>,
    /// Projects that pass the filter and serve no priority.
    pub unprioritised: Vec<usize>,
    /// How many projects that pass the filter are at each stage, in lifecycle order.
    pub by_stage: Vec<(ProjectStatus, usize)>,
    /// How many projects the organisation has before filtering.
    pub total: usize,
    /// Pairs of active projects that pass the filter and look alike, likeliest first.
    pub duplicates: Vec<LikelyDuplicate>,
}

impl Portfolio {
    /// The quality of the PDSA method across the projects that pass the filter: every cycle of
    /// theirs pooled ([`MethodQuality::total`]), so a project with many cycles weighs more.
    pub fn method(&self) -> MethodQuality {
        MethodQuality::total(self.projects.iter().map(|p| &p.method))
    }

    /// The priorities no active project serves (before filtering).
    pub fn without_active_work(&self) -> impl Iterator<Item = &Priority> {
        self.groups
            .iter()
            .filter(|g| g.active == 0)
            .map(|g| &g.priority)
    }
}

/// Groups and counts `all` projects (already gathered) under `priorities`, keeping those that
/// pass `filter`. Pure.
pub fn arrange(
    org: OrgId,
    mut all: Vec<PortfolioProject>,
    priorities: Vec<Priority>,
    filter: &PortfolioFilter,
) -> Portfolio {
    all.sort_by_cached_key(|p| (p.project.title.to_lowercase(), p.project.id));
    let total = all.len();
    let active_of = |id: PriorityId| {
        all.iter()
            .filter(|p| p.priorities.contains(&id) && is_active_work(p.project.status))
            .count()
    };
    let actives: Vec<usize> = priorities.iter().map(|p| active_of(p.id)).collect();
    let projects: Vec<PortfolioProject> = all.into_iter().filter(|p| filter.passes(p)).collect();
    let groups = priorities
        .into_iter()
        .zip(actives)
        .map(|(priority, active)| PriorityGroup {
            projects: projects
                .iter()
                .enumerate()
                .filter(|(_, p)| p.priorities.contains(&priority.id))
                .map(|(i, _)| i)
                .collect(),
            priority,
            active,
        })
        .collect();
    let unprioritised = projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.priorities.is_empty())
        .map(|(i, _)| i)
        .collect();
    let by_stage = ProjectStatus::ALL
        .iter()
        .map(|s| {
            (
                *s,
                projects.iter().filter(|p| p.project.status == *s).count(),
            )
        })
        .collect();
    let duplicates = likely_duplicates(
        projects
            .iter()
            .filter(|p| is_active_work(p.project.status))
            .map(|p| &p.project),
    );
    Portfolio {
        org,
        projects,
        groups,
        unprioritised,
        by_stage,
        total,
        duplicates,
    }
}

/// What the portfolio reads and computes for one project from its measures, their data, its
/// cycles, its history and its override: the costly part of its row.
#[derive(Debug, Clone, PartialEq)]
struct Computed {
    measures: Vec<MeasureIcons>,
    last_activity: NaiveDate,
    progress: f32,
    assessed: Option<f32>,
    method: MethodQuality,
}

/// When a [`Computed`] was made: the project's version and `updated_at`, and the day.
type Stamp = (Version, NaiveDateTime, NaiveDate);

/// Each project's costly part of the portfolio (its measures' icons, derived progress, method
/// quality, last activity), kept while the project is unchanged, for the day.
///
/// An entry is used only while its project's `version` and `updated_at` are those it was
/// computed at and `today` is the same day. Every change to a project, its team, its measures,
/// their data or its PDSA cycles moves the project's `updated_at` in the same transaction (the
/// store writes its history record then), and a progress override moves its `version`, so an
/// entry never outlives what it summarises; what can change without touching the project (team
/// and lead names, patient partners' roles, priorities, the stall setting) is read on every
/// request. One entry per project shown, replaced when stale.
#[derive(Default)]
pub struct PortfolioCache(Mutex<HashMap<ProjectId, (Stamp, Arc<Computed>)>>);

impl std::fmt::Debug for PortfolioCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |m| m.len());
        write!(f, "PortfolioCache({n} projects)")
    }
}

impl PortfolioCache {
    fn get(&self, project: &Project, today: NaiveDate) -> Option<Arc<Computed>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&project.id)
            .filter(|(stamp, _)| *stamp == (project.version, project.updated_at, today))
            .map(|(_, c)| Arc::clone(c))
    }

    fn put(&self, project: &Project, today: NaiveDate, computed: Arc<Computed>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(
            project.id,
            ((project.version, project.updated_at, today), computed),
        );
    }
}

/// Reads and computes one project's costly part: each measure's chart drawn once, for its
/// icons and for its progress signal.
async fn compute(
    store: &dyn Store,
    project: &Project,
    team: bool,
    today: NaiveDate,
    stall_weeks: u32,
) -> Result<Computed, StoreError> {
    let pdsas = store.pdsas(project.id).await?;
    let mut loaded = Vec::new();
    for m in store.measures(project.id).await? {
        let data = store.data(m.id).await?;
        loaded.push((m, data));
    }
    let mut measures = Vec::with_capacity(loaded.len());
    let mut read = Vec::with_capacity(loaded.len());
    for (m, data) in &loaded {
        // PDSA annotations do not change the chart's icons.
        let chart = measure_chart(m, data, &[]).ok();
        read.push(MeasureSignal::read(data, chart.as_ref()));
        let chart = chart.filter(|_| !data.is_empty());
        measures.push(MeasureIcons {
            name: m.name.clone(),
            variation: chart.as_ref().and_then(|c| c.result.variation_icon),
            assurance: chart.as_ref().and_then(|c| c.result.assurance_icon),
        });
    }
    let progress = crate::progress::progress_given(
        store,
        project,
        team,
        &loaded,
        &read,
        &pdsas,
        today,
        stall_weeks,
    )
    .await?;
    Ok(Computed {
        measures,
        last_activity: progress
            .last_activity
            .unwrap_or_else(|| project.created_at.date()),
        progress: progress.derived.score,
        assessed: progress.assessed.as_ref().map(|o| o.score.value()),
        method: progress.method,
    })
}

/// What the portfolio reads of one organisation on every request (the projects' costly part
/// aside, which [`PortfolioCache`] keeps).
#[derive(Default)]
struct OrgRows {
    people: Vec<(User, Role)>,
    teams: Vec<Team>,
    links: Vec<(ProjectId, PriorityId)>,
    priorities: Vec<Priority>,
    stall_weeks: Option<u32>,
    members: Vec<(ProjectId, UserId)>,
    projects: Vec<Project>,
}

/// The portfolio of `org` ([`Action::Read`](crate::Action::Read), or a role across its
/// system: then without its private projects) as of `today`, filtered; each project's icons,
/// progress and method quality are taken from `cache` while the project is unchanged.
pub async fn portfolio(
    access: &Access<'_>,
    org: OrgId,
    filter: &PortfolioFilter,
    today: NaiveDate,
    cache: &PortfolioCache,
) -> Result<Portfolio, BoardError> {
    let sees_private = crate::system::sees_private_in(access, org).await?;
    let store = access.store();
    let rows = OrgRows {
        people: store.org_members(org).await?,
        teams: store.teams(org).await?,
        links: store.priority_links(org).await?,
        priorities: store.priorities_of(org).await?,
        stall_weeks: Some(store.stall_weeks(org).await?),
        members: store.org_project_members(org).await?,
        projects: store.projects(org).await?,
    };
    Ok(gather(store, org, sees_private, rows, filter, today, cache).await?)
}

/// The portfolio of each of `orgs`, in that order, exactly as [`portfolio`] gives each (the
/// same access rule for every one: one that the user may not see fails the whole call), but
/// read in one query per kind of row for all of them instead of one per organisation.
pub async fn portfolios(
    access: &Access<'_>,
    orgs: &[OrgId],
    filter: &PortfolioFilter,
    today: NaiveDate,
    cache: &PortfolioCache,
) -> Result<Vec<Portfolio>, BoardError> {
    let mut sees_private = Vec::with_capacity(orgs.len());
    for &org in orgs {
        sees_private.push(crate::system::sees_private_in(access, org).await?);
    }
    let store = access.store();
    let mut rows: HashMap<OrgId, OrgRows> = orgs.iter().map(|o| (*o, OrgRows::default())).collect();
    let mut org_of: HashMap<ProjectId, OrgId> = HashMap::new();
    for project in store.projects_of_orgs(orgs).await? {
        if let Some(r) = rows.get_mut(&project.org) {
            org_of.insert(project.id, project.org);
            r.projects.push(project);
        }
    }
    for (org, user, role) in store.org_members_of(orgs).await? {
        if let Some(r) = rows.get_mut(&org) {
            r.people.push((user, role));
        }
    }
    for team in store.teams_of_orgs(orgs).await? {
        if let Some(r) = rows.get_mut(&team.org) {
            r.teams.push(team);
        }
    }
    for (org, priority) in store.priorities_of_orgs(orgs).await? {
        if let Some(r) = rows.get_mut(&org) {
            r.priorities.push(priority);
        }
    }
    for (org, weeks) in store.stall_weeks_of(orgs).await? {
        if let Some(r) = rows.get_mut(&org) {
            r.stall_weeks = Some(weeks);
        }
    }
    // Links and team members of projects not shown (deleted ones) are not needed.
    for (project, priority) in store.priority_links_of(orgs).await? {
        if let Some(r) = org_of.get(&project).and_then(|o| rows.get_mut(o)) {
            r.links.push((project, priority));
        }
    }
    for (project, user) in store.org_project_members_of(orgs).await? {
        if let Some(r) = org_of.get(&project).and_then(|o| rows.get_mut(o)) {
            r.members.push((project, user));
        }
    }
    let mut out: Vec<Portfolio> = Vec::with_capacity(orgs.len());
    for (&org, sees_private) in orgs.iter().zip(sees_private) {
        let p = match rows.remove(&org) {
            Some(r) => gather(store, org, sees_private, r, filter, today, cache).await?,
            // Named again: the same portfolio.
            None => match out.iter().find(|p| p.org == org) {
                Some(p) => p.clone(),
                None => continue,
            },
        };
        out.push(p);
    }
    Ok(out)
}

/// Arranges one organisation's portfolio from what was read of it, computing the costly part
/// of each project missing from `cache`.
async fn gather(
    store: &dyn Store,
    org: OrgId,
    sees_private: bool,
    rows: OrgRows,
    filter: &PortfolioFilter,
    today: NaiveDate,
    cache: &PortfolioCache,
) -> Result<Portfolio, StoreError> {
    let OrgRows {
        people,
        teams,
        links,
        priorities,
        stall_weeks,
        members: pairs,
        projects,
    } = rows;
    let stall_weeks =
        stall_weeks.ok_or_else(|| StoreError::Missing(format!("the organisation {org}")))?;
    let mut members: HashMap<ProjectId, Vec<UserId>> = HashMap::new();
    for (p, u) in pairs {
        members.entry(p).or_default().push(u);
    }
    let mut priorities_of: HashMap<ProjectId, Vec<PriorityId>> = HashMap::new();
    for (p, q) in links {
        priorities_of.entry(p).or_default().push(q);
    }
    let partners: Vec<UserId> = people
        .iter()
        .filter(|(_, r)| *r == Role::PatientPartner)
        .map(|(u, _)| u.id)
        .collect();
    let mut all = Vec::new();
    for project in projects {
        if project.kind != ProjectKind::Improvement || (project.private && !sees_private) {
            continue;
        }
        let team_of = members.get(&project.id).map_or(&[][..], Vec::as_slice);
        let patient_partner = team_of.iter().any(|m| partners.contains(m));
        let computed = match cache.get(&project, today) {
            Some(c) => c,
            None => {
                let team = project.lead.is_some() || !team_of.is_empty();
                let c = Arc::new(compute(store, &project, team, today, stall_weeks).await?);
                cache.put(&project, today, Arc::clone(&c));
                c
            }
        };
        all.push(PortfolioProject {
            team: project
                .team
                .and_then(|t| teams.iter().find(|x| x.id == t))
                .map(|t| t.name.clone()),
            lead: project
                .lead
                .and_then(|l| people.iter().find(|(u, _)| u.id == l))
                .map(|(u, _)| u.name.clone()),
            priorities: priorities_of.remove(&project.id).unwrap_or_default(),
            patient_partner,
            measures: computed.measures.clone(),
            last_activity: computed.last_activity,
            progress: computed.progress,
            assessed: computed.assessed,
            stalled: crate::progress::stalled(Some(computed.last_activity), today, stall_weeks),
            method: computed.method,
            project,
        });
    }
    Ok(arrange(org, all, priorities, filter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProjectId, Version};
    use crate::priority::PriorityScope;

    fn project(
        id: i64,
        title: &str,
        status: ProjectStatus,
        priorities: &[i64],
    ) -> PortfolioProject {
        let at = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        PortfolioProject {
            project: Project {
                id: ProjectId(id),
                org: OrgId(1),
                team: Some(TeamId(id % 2)),
                title: title.into(),
                problem: String::new(),
                aim: String::new(),
                method: "Model for Improvement".into(),
                status,
                sponsor: String::new(),
                tags: vec![],
                lead: Some(UserId(7)),
                kind: ProjectKind::Improvement,
                created_at: at,
                updated_at: at,
                version: Version(1),
                private: false,
                idea: None,
            },
            team: None,
            lead: None,
            priorities: priorities.iter().map(|p| PriorityId(*p)).collect(),
            patient_partner: id == 2,
            measures: vec![],
            last_activity: at.date(),
            progress: 1.0,
            assessed: None,
            stalled: false,
            method: MethodQuality::default(),
        }
    }

    fn priority(id: i64, title: &str) -> Priority {
        Priority {
            id: PriorityId(id),
            scope: PriorityScope::Organisation(OrgId(1)),
            title: title.into(),
            description: String::new(),
            version: Version(1),
        }
    }

    #[test]
    fn projects_group_by_priority_and_priorities_without_active_work_show() {
        let all = vec![
            project(1, "Falls on Ward 7", ProjectStatus::Testing, &[10]),
            project(2, "ED flow", ProjectStatus::Idea, &[11]),
            project(3, "discharge letters", ProjectStatus::Closed, &[]),
            project(4, "Bed rails", ProjectStatus::Sustaining, &[10, 11]),
        ];
        let priorities = vec![
            priority(10, "Harm"),
            priority(11, "Flow"),
            priority(12, "Workforce"),
        ];
        let p = arrange(OrgId(1), all, priorities, &PortfolioFilter::default());
        let titles: Vec<&str> = p
            .projects
            .iter()
            .map(|x| x.project.title.as_str())
            .collect();
        // By title, without case.
        assert_eq!(
            titles,
            [
                "Bed rails",
                "discharge letters",
                "ED flow",
                "Falls on Ward 7"
            ]
        );
        assert_eq!(p.groups[0].projects, [0, 3], "Harm: Bed rails, Falls");
        assert_eq!(
            (p.groups[0].active, p.groups[1].active, p.groups[2].active),
            (2, 1, 0)
        );
        // Flow has one active project (bed rails; the ED idea is not active); Workforce none.
        let idle: Vec<&str> = p.without_active_work().map(|x| x.title.as_str()).collect();
        assert_eq!(idle, ["Workforce"]);
        assert_eq!(p.unprioritised, [1]);
        let testing = p
            .by_stage
            .iter()
            .find(|(s, _)| *s == ProjectStatus::Testing)
            .unwrap();
        assert_eq!(testing.1, 1);
        assert_eq!(p.by_stage.iter().map(|(_, n)| n).sum::<usize>(), 4);
    }

    #[test]
    fn method_quality_pools_the_cycles_of_the_projects_that_pass_the_filter() {
        let q = |cycles, predicted, iterative, scaled, monthly_data| MethodQuality {
            cycles,
            predicted,
            iterative,
            scaled,
            monthly_data,
        };
        let mut a = project(1, "Falls", ProjectStatus::Testing, &[]);
        a.method = q(4, 3, 2, 1, 4);
        let mut b = project(2, "Rails", ProjectStatus::Testing, &[]);
        b.method = q(1, 0, 0, 1, 0);
        let mut c = project(3, "Sepsis", ProjectStatus::Closed, &[]);
        c.method = q(10, 10, 10, 10, 10);
        let f = PortfolioFilter {
            status: Some(ProjectStatus::Testing),
            ..PortfolioFilter::default()
        };
        let p = arrange(OrgId(1), vec![a, b, c], vec![], &f);
        // Falls and Rails pass: 4 + 1 = 5 cycles, 3 + 0 predicted (60%, not the mean of 75% and
        // 0%), 2 + 0 iterative (40%), 1 + 1 scaled (40%), 4 + 0 with monthly data (80%).
        let total = p.method();
        assert_eq!(total, q(5, 3, 2, 2, 4));
        let shares: Vec<usize> = total.rows().iter().map(|r| r.3).collect();
        assert_eq!(shares, [60, 40, 40, 80]);
        let none = arrange(OrgId(1), vec![], vec![], &PortfolioFilter::default());
        assert_eq!(none.method().rows().map(|r| r.3), [0, 0, 0, 0]);
    }

    #[test]
    fn closed_projects_are_not_listed_as_duplicates() {
        let mut a = project(1, "Falls sensors on Ward 9", ProjectStatus::Testing, &[]);
        a.project.aim = "Fewer falls at night".into();
        let mut b = project(2, "Ward 9 falls sensors", ProjectStatus::Scoping, &[]);
        b.project.aim = "Fewer falls at night".into();
        let mut c = b.clone();
        c.project.id = ProjectId(3);
        c.project.status = ProjectStatus::Closed;
        let p = arrange(OrgId(1), vec![a, b, c], vec![], &PortfolioFilter::default());
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(
            (p.duplicates[0].a.0, p.duplicates[0].b.0),
            (ProjectId(1), ProjectId(2))
        );
    }

    #[test]
    fn filters_combine_and_bad_values_are_named() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
        };
        let f = PortfolioFilter::parse(&pairs(&[
            ("status", "testing"),
            ("priority", "10"),
            ("team", ""),
        ]))
        .unwrap();
        assert_eq!(f.status, Some(ProjectStatus::Testing));
        assert_eq!(f.priority, Some(Some(PriorityId(10))));
        assert_eq!(f.team, None);
        let all = vec![
            project(1, "Falls", ProjectStatus::Testing, &[10]),
            project(4, "Rails", ProjectStatus::Sustaining, &[10]),
            project(5, "Other", ProjectStatus::Testing, &[]),
        ];
        let p = arrange(OrgId(1), all.clone(), vec![priority(10, "Harm")], &f);
        assert_eq!(p.projects.len(), 1);
        assert_eq!(p.total, 3);
        // The groups' active counts do not depend on the filter.
        assert_eq!(p.groups[0].active, 2);
        let none = PortfolioFilter::parse(&pairs(&[("priority", "none")])).unwrap();
        let p = arrange(OrgId(1), all, vec![], &none);
        assert_eq!(p.projects[0].project.title, "Other");
        let bad = PortfolioFilter::parse(&pairs(&[
            ("status", "done"),
            ("team", "x"),
            ("patient_partner", "maybe"),
        ]))
        .unwrap_err();
        let fields: Vec<Field> = bad.iter().map(|b| b.field).collect();
        assert_eq!(fields, [Field::Status, Field::Team, Field::PatientPartner]);
    }
}
