//! The dashboard: each of the user's organisations, its teams and their projects with status,
//! and each project's measures with their latest value and its period, the target, the latest
//! variation and assurance icons, and a flag when the next figure is overdue.
//!
//! Also the small pieces of markup that show a status or an icon, shared with the project
//! pages.

use crate::pages::Path;
use axum::extract::State;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use gemba_domain::{
    measure_chart, Measure, Project, ProjectId, ProjectStatus, Store, StoreError, TeamId,
};
use gemba_spc::{AssuranceIcon, VariationIcon};
use maud::{html, Markup, PreEscaped};

use super::error::PageError;
use super::layout;
use super::measures::num;
use super::session::CurrentUser;
use crate::AppState;

page_routes! {
    get "/" => dashboard, Own;
    get "/teams/{id}" => team_dashboard, Do(Action::Read);
}

/// A status for people: "Testing".
pub(crate) fn status_label(s: ProjectStatus) -> &'static str {
    match s {
        ProjectStatus::Idea => "Idea",
        ProjectStatus::Scoping => "Scoping",
        ProjectStatus::Testing => "Testing",
        ProjectStatus::Implementing => "Implementing",
        ProjectStatus::Sustaining => "Sustaining",
        ProjectStatus::Spreading => "Spreading",
        ProjectStatus::Closed => "Closed",
        ProjectStatus::Abandoned => "Abandoned",
    }
}

/// A project's status as a tag.
pub(crate) fn status_tag(s: ProjectStatus) -> Markup {
    html! {
        strong class={ "tag tag--" (s.name()) } { (status_label(s)) }
    }
}

/// A measure with what its chart says now.
#[derive(Clone)]
pub(crate) struct MeasureSummary {
    /// The measure.
    pub measure: Measure,
    /// How many points it has.
    pub points: usize,
    /// The latest point with a value: its date and value.
    pub latest: Option<(NaiveDate, f64)>,
    /// The latest variation icon, if the chart could be drawn.
    pub variation: Option<VariationIcon>,
    /// The assurance icon, if there is a target and limits.
    pub assurance: Option<AssuranceIcon>,
    /// Why there is no chart yet, if there is not.
    pub problem: Option<&'static str>,
}

/// Measure summaries per project, each valid while its project's `updated_at` is unchanged.
///
/// Every change to a project, its measures, their data or its PDSA cycles moves the project's
/// `updated_at` in the same transaction (the `Store` history invariant), so an entry never
/// outlives what it summarises. Pages that list many measures (project page, dashboard) then
/// skip loading every measure's data and re-running the engine on each view.
#[derive(Default)]
pub(crate) struct SummaryCache(Mutex<HashMap<ProjectId, CachedSummaries>>);

/// A project's measure summaries and the `updated_at` they were computed at.
type CachedSummaries = (NaiveDateTime, Arc<Vec<MeasureSummary>>);

impl SummaryCache {
    fn get(&self, project: &Project) -> Option<Arc<Vec<MeasureSummary>>> {
        let map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.get(&project.id)
            .filter(|(at, _)| *at == project.updated_at)
            .map(|(_, s)| Arc::clone(s))
    }

    fn put(&self, project: &Project, summaries: Arc<Vec<MeasureSummary>>) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.insert(project.id, (project.updated_at, summaries));
    }
}

/// The measures of `project` with their latest icons, computed by the engine (or taken from
/// the cache while the project is unchanged).
pub(crate) async fn measure_summaries(
    state: &AppState,
    project: &Project,
) -> Result<Arc<Vec<MeasureSummary>>, StoreError> {
    if let Some(cached) = state.summaries.get(project) {
        return Ok(cached);
    }
    let computed = Arc::new(compute_summaries(state.store.as_ref(), project).await?);
    state.summaries.put(project, Arc::clone(&computed));
    Ok(computed)
}

async fn compute_summaries(
    store: &dyn Store,
    project: &Project,
) -> Result<Vec<MeasureSummary>, StoreError> {
    let measures = store.measures(project.id).await?;
    if measures.is_empty() {
        return Ok(Vec::new());
    }
    let pdsas = store.pdsas(project.id).await?;
    let mut out = Vec::with_capacity(measures.len());
    for measure in measures {
        let data = store.data(measure.id).await?;
        let mut summary = MeasureSummary {
            measure,
            points: data.len(),
            // As entered (a ratio for a measure with denominators) until the chart says what
            // it plots.
            latest: data.iter().rev().find_map(|p| {
                let v = match (p.value, p.denominator) {
                    (Some(v), Some(d)) if d != 0.0 => Some(v / d),
                    (v, _) => v,
                };
                v.filter(|v| v.is_finite()).map(|v| (p.date, v))
            }),
            variation: None,
            assurance: None,
            problem: None,
        };
        if data.is_empty() {
            summary.problem = Some("No data yet");
        } else {
            match measure_chart(&summary.measure, &data, &pdsas) {
                Ok(chart) => {
                    summary.variation = chart.result.variation_icon;
                    summary.assurance = chart.result.assurance_icon;
                    // The value the chart plots for its latest point.
                    if let Some((date, y)) = chart
                        .dates
                        .iter()
                        .zip(&chart.result.points)
                        .rev()
                        .find_map(|(d, p)| p.y.filter(|y| y.is_finite()).map(|y| (*d, y)))
                    {
                        summary.latest = Some((date, y));
                    }
                }
                Err(_) => summary.problem = Some("Not enough data for a chart"),
            }
        }
        out.push(summary);
    }
    Ok(out)
}

/// The class of a variation badge: improvement, concern, neither or common cause.
fn variation_class(v: VariationIcon) -> &'static str {
    match v {
        VariationIcon::CommonCause => "badge badge--common",
        VariationIcon::ImprovementHigh | VariationIcon::ImprovementLow => {
            "badge badge--improvement"
        }
        VariationIcon::ConcernHigh | VariationIcon::ConcernLow => "badge badge--concern",
        VariationIcon::NeitherHigh | VariationIcon::NeitherLow => "badge badge--neither",
    }
}

fn assurance_class(a: AssuranceIcon) -> &'static str {
    match a {
        AssuranceIcon::Pass => "badge badge--pass",
        AssuranceIcon::Fail => "badge badge--fail",
        AssuranceIcon::HitAndMiss => "badge badge--hit-and-miss",
    }
}

fn assurance_words(a: AssuranceIcon) -> &'static str {
    match a {
        AssuranceIcon::Pass => "Consistently passes target",
        AssuranceIcon::Fail => "Consistently fails target",
        AssuranceIcon::HitAndMiss => "Hits and misses target",
    }
}

/// The icons of a measure as small coloured badges with words (colour is never the only cue).
pub(crate) fn icons(m: &MeasureSummary) -> Markup {
    html! {
        span class="icons" {
            @if let Some(p) = m.problem {
                span class="badge badge--none" { (p) }
            }
            (icon_badges(m.variation, m.assurance))
        }
    }
}

/// The variation and assurance icons as badges with words.
pub(crate) fn icon_badges(
    variation: Option<VariationIcon>,
    assurance: Option<AssuranceIcon>,
) -> Markup {
    html! {
            @if let Some(v) = variation {
                span class=(variation_class(v)) data-icon=(v.name()) {
                    // The Making Data Count icon, as on the chart; the words say it.
                    (PreEscaped(gemba_chart::variation_icon_svg(v, 24)))
                    " " (v.describe())
                }
            }
            @if let Some(a) = assurance {
                span class=(assurance_class(a)) data-icon=(a.name()) title=(a.describe()) {
                    (PreEscaped(gemba_chart::assurance_icon_svg(a, 24)))
                    " " (assurance_words(a))
                }
            }
    }
}

/// Today's date (UTC) by the server's clock: the edge where the real clock is read; the
/// domain is given the date.
pub(crate) fn today() -> NaiveDate {
    super::session::now().date()
}

/// A measure's latest value with its period ("Mar 2019"), its target, and "Overdue" when the
/// period after the latest point has ended by `today` without a figure.
fn latest_line(m: &MeasureSummary, today: NaiveDate) -> Markup {
    let measure = &m.measure;
    let period = measure.chart.period;
    html! {
        span class="measure-list__latest" {
            @if let Some((date, value)) = m.latest {
                "Latest " span class="measure-list__period" { (period.describe(date)) } ": "
                strong class="measure-list__value" { (num(value)) }
                @if !measure.unit.is_empty() { " " (measure.unit) }
            } @else {
                "No values yet"
            }
            " · "
            @if let Some(t) = measure.chart.target {
                "Target " span class="measure-list__target" { (num(t)) }
            } @else {
                "No target"
            }
            @if let Some((date, _)) = m.latest.filter(|(d, _)| period.overdue(*d, today)) {
                " "
                strong class="tag tag--overdue" {
                    "Overdue" span class="visually-hidden" { ": " }
                }
                " "
                span class="measure-list__stale" {
                    "latest point: " (period.describe(date)) "; "
                    (period.describe(period.next(date))) " has ended without data"
                }
            }
        }
    }
}

/// A list of measures with links, icons and their latest value; `today` decides which are
/// overdue.
pub(crate) fn measure_list(summaries: &[MeasureSummary], today: NaiveDate) -> Markup {
    html! {
        ul class="measure-list" {
            @for m in summaries {
                li {
                    a href={ "/measures/" (m.measure.id) } { (m.measure.name) }
                    " "
                    span class="measure-list__kind" {
                        "(" (m.measure.kind.name())
                        @if m.points > 0 { ", " (m.points) " points" }
                        ")"
                    }
                    " "
                    (icons(m))
                    " "
                    (latest_line(m, today))
                }
            }
        }
    }
}

/// Project cards: title, status and each measure's icons; `heading` is the cards' heading
/// level so the outline stays right on every page.
fn project_cards(ps: &[&ProjectRow], heading: &str, today: NaiveDate) -> Markup {
    html! {
        @if ps.is_empty() {
            p class="hint" { "No projects." }
        } @else {
            ul class="card-list" {
                @for (p, summaries) in ps {
                    li class="card" {
                        @let title = html! { a href={ "/projects/" (p.id) } { (p.title) } };
                        @if heading == "h3" {
                            h3 class="card__title" { (title) }
                        } @else {
                            h4 class="card__title" { (title) }
                        }
                        p { "Status: " (status_tag(p.status)) }
                        @if summaries.is_empty() {
                            p class="hint" { "No measures yet." }
                        } @else {
                            (measure_list(summaries, today))
                        }
                    }
                }
            }
        }
    }
}

/// A team's dashboard: its projects with their status, and each project's measures with their
/// latest variation and assurance icons. A team of an organisation the user is not in is 404.
async fn team_dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let id = gemba_domain::TeamId(id);
    let grant = user
        .access(&state)
        .resource(gemba_domain::Resource::Team(id), gemba_domain::Action::Read)
        .await?
        .grant();
    // Archived teams are left out of dashboards.
    let team = store
        .team(id)
        .await?
        .filter(|t| !t.archived)
        .ok_or(PageError::NotFound)?;
    let membership = user
        .memberships
        .iter()
        .find(|m| m.org.id == grant.org())
        .ok_or(PageError::NotFound)?;
    let mut rows: Vec<ProjectRow> = Vec::new();
    for p in store.projects(team.org).await? {
        if p.team == Some(team.id) {
            let summaries = measure_summaries(&state, &p).await?;
            rows.push((p, summaries));
        }
    }
    let active = rows
        .iter()
        .filter(|(p, _)| !matches!(p.status, ProjectStatus::Closed | ProjectStatus::Abandoned))
        .count();
    let measures: usize = rows.iter().map(|(_, s)| s.len()).sum();
    let refs: Vec<&ProjectRow> = rows.iter().collect();
    let due = super::events::due_list(&state, membership.org.id, Some(team.id)).await?;
    let body = html! {
        span class="caption" { (membership.org.name) }
        h1 { (team.name) }
        p { (rows.len()) " projects (" (active) " active), " (measures) " measures." }
        (due)
        @if gemba_domain::permits(membership.role, false, gemba_domain::Action::CreateProject) {
            p { a class="button" href="/projects/new" { "Start a project" } }
        }
        h2 { "Projects" }
        (project_cards(&refs, "h3", today()))
    };
    Ok(layout::page(&team.name, Some(&user), body))
}

/// A project with its measures' summaries.
type ProjectRow = (Project, Arc<Vec<MeasureSummary>>);

async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let today = today();
    let mut sections = Vec::new();
    for m in &user.memberships {
        let teams = store.teams(m.org.id).await?;
        let projects = store.projects(m.org.id).await?;
        let mut rows = Vec::with_capacity(projects.len());
        for p in projects {
            let summaries = measure_summaries(&state, &p).await?;
            rows.push((p, summaries));
        }
        let mut groups: Vec<(String, Option<TeamId>, Vec<&ProjectRow>)> = teams
            .iter()
            .map(|t| {
                let ps = rows.iter().filter(|(p, _)| p.team == Some(t.id)).collect();
                (t.name.clone(), Some(t.id), ps)
            })
            .collect();
        let unassigned: Vec<_> = rows
            .iter()
            .filter(|(p, _)| p.team.is_none_or(|id| !teams.iter().any(|t| t.id == id)))
            .collect();
        if !unassigned.is_empty() {
            groups.push(("Projects without a team".to_owned(), None, unassigned));
        }
        let due = super::events::due_list(&state, m.org.id, None).await?;
        sections.push(html! {
            section class="org" aria-labelledby={ "org-" (m.org.id) } {
                h2 id={ "org-" (m.org.id) } {
                    (m.org.name)
                    " "
                    span class="caption" { "Your role: " (m.role.label()) }
                }
                (due)
                @if rows.is_empty() {
                    p { "No projects yet." }
                }
                @for (team, id, ps) in &groups {
                    h3 {
                        @if let Some(id) = id {
                            a href={ "/teams/" (id) } { (team) }
                        } @else {
                            (team)
                        }
                    }
                    (project_cards(ps, "h4", today))
                }
            }
        });
    }
    let can_create = user
        .memberships
        .iter()
        .any(|m| gemba_domain::permits(m.role, false, gemba_domain::Action::CreateProject));
    let waiting = gemba_domain::for_you(&user.access(&state), super::session::now()).await?;
    let body = html! {
        h1 { "Dashboard" }
        (for_you_section(&waiting))
        @if can_create {
            p { a class="button" href="/projects/new" { "Start a project" } }
        }
        @if user.memberships.iter().any(|m| m.role == gemba_domain::Role::PatientPartner) {
            div class="notice" {
                p { a href="/my-projects" { "Your projects" } ": their PDSA cycles and what has changed, in plain words." }
            }
        }
        @for m in &user.memberships {
            p class="hint" {
                (m.org.name) ": "
                a href={ "/orgs/" (m.org.id) "/engagement" } { "staff taking part in improvement" }
                " · "
                a href={ "/orgs/" (m.org.id) "/involvement" } { "projects with patient partners" }
            }
        }
        @if user.memberships.is_empty() {
            p { "You are not a member of any organisation yet. Ask your organisation's admin to add you." }
        }
        @for s in sections { (s) }
    };
    Ok(layout::page("Dashboard", Some(&user), body))
}

/// "For you": what is waiting for the user, each with a link to where it is done.
fn for_you_section(f: &gemba_domain::ForYou) -> Markup {
    html! {
        section class="card for-you" aria-labelledby="for-you" {
            h2 id="for-you" { "For you" }
            @if f.is_empty() {
                p { "Nothing is waiting for you." }
            } @else {
                ul class="list" {
                    @if f.unread > 0 {
                        li { a href="/notifications" { (f.unread) @if f.unread == 1 { " unread notification" } @else { " unread notifications" } } }
                    }
                    @for d in &f.data_due {
                        li {
                            "Data due: " a href={ "/measures/" (d.measure) "/data" } { (d.measure_name) }
                            " (" (d.project_title) "): nothing for " (d.missing) " yet; the latest is " (d.latest) "."
                        }
                    }
                    @for r in &f.report_outs_due {
                        li {
                            "Report-out due: "
                            a href={ "/projects/" (r.project) "/report-outs/" (r.day) } { "the " (r.day) "-day report-out of " (r.project_title) }
                            ", due " (r.due.format("%-d %b %Y")) "."
                        }
                    }
                    @for c in &f.cycles_awaiting_study {
                        li {
                            "Study the cycle " a href={ "/pdsa/" (c.cycle) } { (c.title) }
                            " (" (c.project_title) "), started " (c.started.format("%-d %b %Y")) "."
                        }
                    }
                    @for i in &f.ideas_waiting {
                        li {
                            "An idea waiting " (i.days) " days for a response: "
                            a href={ "/ideas/" (i.idea) } { (i.text) }
                        }
                    }
                }
            }
        }
    }
}
