//! Patient and carer involvement (issue 13 §3): how patients and carers take part in a project
//! (the ladder of engagement and their roles), shown on the project's page and recorded on its
//! own page by whoever may edit the project.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    my_projects, project_involvement, set_involvement, Action, BoardError, InvolvementDraft,
    InvolvementFields, InvolvementLevel, PatientRole, ProjectId, ProjectInvolvement, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::{board_error, org_of};
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/projects/{id}/involvement" => involvement_page, Do(Action::Read);
    post "/projects/{id}/involvement" => save, Do(Action::EditProject);
    get "/my-projects" => my_projects_page, Own;
    get "/orgs/{org}/involvement" => share_page, Do(Action::Read);
    get "/orgs/{org}/engagement" => engagement_page, Do(Action::Read);
}

/// The roles as people read them, joined ("None recorded" for none).
fn roles_words(roles: &[PatientRole]) -> String {
    if roles.is_empty() {
        "None recorded".to_owned()
    } else {
        roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What was recorded, as a summary list.
fn summary(p: &ProjectInvolvement) -> Markup {
    let f = &p.involvement.fields;
    html! {
        dl class="summary-list" {
            div { dt { "Level" } dd { strong { (f.level.label()) } " – " (f.level.meaning()) } }
            div { dt { "Roles" } dd { (roles_words(&f.roles)) } }
            div { dt { "Patient partners on the team" } dd {
                @if p.patient_partners.is_empty() { "None" } @else {
                    (p.patient_partners.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", "))
                }
            } }
            @if let Some(d) = f.since {
                div { dt { "At this level since" } dd { (d.format("%-d %B %Y")) } }
            }
            @if !f.note.is_empty() { div { dt { "Note" } dd { (f.note) } } }
        }
        p class="hint" {
            @if p.partnered() { "This project counts as one with patient partners." }
            @else { "This project does not count as one with patient partners yet: it needs a patient partner on its team, or involvement at \u{201c}Involve\u{201d} or \u{201c}Co-produce\u{201d}." }
        }
    }
}

/// The "Patients and carers" part of a project's page.
pub(crate) async fn project_section(
    state: &AppState,
    user: &CurrentUser,
    id: ProjectId,
) -> Result<Markup, PageError> {
    let p = project_involvement(&user.access(state), id).await?;
    Ok(html! {
        h2 id="involvement" { "Patients and carers" }
        (summary(&p))
        p {
            a href={ "/projects/" (id) "/involvement" } {
                @if p.grant.may(Action::EditProject) { "Record how patients and carers are involved" }
                @else { "How patients and carers are involved" }
            }
            " · "
            a href={ "/orgs/" (p.project.org) "/involvement" } { "Projects with patient partners across the organisation" }
        }
    })
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: String,
}

/// The form as typed: its level, roles (repeated), note, date and version.
#[derive(Debug, Default, Clone)]
struct Typed {
    level: String,
    roles: Vec<String>,
    note: String,
    since: String,
    version: String,
    csrf: String,
}

impl Typed {
    fn of(fields: &InvolvementFields) -> Typed {
        Typed {
            level: fields.level.name().to_owned(),
            roles: fields.roles.iter().map(|r| r.name().to_owned()).collect(),
            note: fields.note.clone(),
            since: fields.since.map(|d| d.to_string()).unwrap_or_default(),
            ..Typed::default()
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut t = Typed::default();
        for (k, v) in pairs {
            match k.as_str() {
                "level" => t.level = v,
                "patient_roles" => t.roles.push(v),
                "note" => t.note = v,
                "involved_since" => t.since = v,
                "version" => t.version = v,
                "csrf" => t.csrf = v,
                _ => {}
            }
        }
        t
    }

    fn shown(&self) -> Vec<conflict::Shown> {
        let level = InvolvementLevel::parse(&self.level)
            .map_or_else(|| self.level.clone(), |l| l.label().to_owned());
        let roles: Vec<PatientRole> = self
            .roles
            .iter()
            .filter_map(|r| PatientRole::parse(r))
            .collect();
        vec![
            ("Level", level),
            ("Roles", roles_words(&roles)),
            ("At this level since", self.since.clone()),
            ("Note", self.note.clone()),
        ]
    }
}

async fn involvement_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let p = project_involvement(&user.access(&state), ProjectId(id)).await?;
    let typed = Typed::of(&p.involvement.fields);
    let notice = (q.saved == "1").then(|| {
        html! { div class="notice" role="status" { p { "Saved. The change is in the project's history." } } }
    });
    Ok(render(
        &user,
        &p,
        p.involvement.version,
        &typed,
        &FieldErrors::new(),
        notice,
    ))
}

fn render(
    user: &CurrentUser,
    p: &ProjectInvolvement,
    version: Version,
    typed: &Typed,
    errors: &FieldErrors,
    notice: Option<Markup>,
) -> Markup {
    let id = p.project.id;
    let edit = p.grant.may(Action::EditProject);
    let levels: Vec<(&str, &str)> = InvolvementLevel::ALL
        .iter()
        .map(|l| (l.name(), l.label()))
        .collect();
    let body = html! {
        span class="caption" { a href={ "/projects/" (id) } { (p.project.title) } }
        h1 { "Patients and carers" }
        @if let Some(n) = notice { (n) }
        @if edit {
            (form::error_summary_ordered(errors, &["level", "patient_roles", "involved_since", "note"]))
            form method="post" action={ "/projects/" (id) "/involvement" } novalidate {
                (csrf_field(user))
                (conflict::version_field(version))
                (form::select_with_hint("level", "Level of involvement", &levels, &typed.level,
                    Some("The ladder of engagement: inform, consult, involve, co-produce."), errors))
                details class="details" {
                    summary { "What the levels mean" }
                    dl {
                        @for l in InvolvementLevel::ALL { dt { (l.label()) } dd { (l.meaning()) } }
                    }
                }
                fieldset class="fieldset" aria-describedby="patient_roles-hint" {
                    legend class="fieldset__legend" { "Roles patients and carers play" }
                    div class="hint" id="patient_roles-hint" { "Choose every role that applies." }
                    @if let Some(e) = errors.get("patient_roles") {
                        p class="error-message" id="patient_roles-error" { span class="visually-hidden" { "Error: " } (e) }
                    }
                    div class="checkboxes" {
                        @for r in PatientRole::ALL {
                            div class="checkbox" {
                                input class="checkbox__input" type="checkbox" id={ "role-" (r.name()) } name="patient_roles" value=(r.name()) checked[typed.roles.iter().any(|x| x == r.name())];
                                label class="label checkbox__label" for={ "role-" (r.name()) } { (r.label()) }
                            }
                        }
                    }
                }
                (form::input_of_type("date", "involved_since", "At this level since (optional)", &typed.since, Some("For example, 2026-03-01."), errors))
                (form::textarea("note", "Note (optional)", &typed.note, Some("Who takes part, how, and what has come of it."), errors))
                button type="submit" class="button" { "Save" }
            }
            p class="hint" {
                "Patient partners on the team are the project's members with the patient partner role: "
                a href={ "/projects/" (id) "#team" } { "the project's team" } "."
            }
        } @else {
            (summary(p))
        }
    };
    let title = if errors.is_empty() {
        "Patients and carers"
    } else {
        "Error: Patients and carers"
    };
    layout::page(title, Some(user), body)
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed = Typed::from_pairs(pairs);
    user.check_csrf(&typed.csrf)?;
    let access = user.access(&state);
    access.project(ProjectId(id), Action::EditProject).await?;
    // A missing or unreadable version is treated as stale: the save is refused with the notice.
    let expected = typed
        .version
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .map_or(Version(-1), Version);
    let draft = InvolvementDraft {
        level: Some(typed.level.clone()),
        roles: Some(typed.roles.clone()),
        note: Some(typed.note.clone()),
        since: Some(typed.since.clone()),
    };
    match set_involvement(&access, ProjectId(id), &draft, expected, super::today()).await {
        Ok(_) => Ok(see_other(&format!("/projects/{id}/involvement?saved=1"))),
        Err(BoardError::Invalid(problems)) => {
            let p = project_involvement(&access, ProjectId(id)).await?;
            let page = render(&user, &p, expected, &typed, &problems.into(), None);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            let p = project_involvement(&access, ProjectId(id)).await?;
            let theirs = Typed::of(&p.involvement.fields);
            let notice = conflict::notice(
                "record of patient and carer involvement",
                &theirs.shown(),
                &typed.shown(),
            );
            let page = render(
                &user,
                &p,
                p.involvement.version,
                &typed,
                &FieldErrors::new(),
                Some(notice),
            );
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

/// `/my-projects`: the projects the user is on the team of (a patient partner's own view, and
/// anyone's), each with its PDSA cycles, what its charts say now and its latest changes, in
/// plain words; one column, for a phone.
async fn my_projects_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Markup, PageError> {
    let projects = my_projects(&user.access(&state)).await?;
    let body = html! {
        h1 { "Your projects" }
        p class="lead" { "The projects you are on the team of: what is being tested, and what has changed." }
        @if projects.is_empty() {
            p { "You are not on a project's team yet. The project's lead can add you to its team." }
        }
        @for p in &projects {
            section class="card my-project" aria-labelledby={ "project-" (p.project.id) } {
                h2 id={ "project-" (p.project.id) } {
                    a href={ "/projects/" (p.project.id) } { (p.project.title) }
                }
                p class="hint" {
                    (p.org_name) " · " (super::dashboard::status_label(p.project.status))
                    " · Patients and carers: " (p.level.label())
                }
                h3 { "What the charts say" }
                @if p.measures.is_empty() { p { "No measures yet." } } @else {
                    ul {
                        @for (m, signal) in &p.measures {
                            li { a href={ "/measures/" (m.id) } { (m.name) } ": " (signal.words()) }
                        }
                    }
                }
                h3 { "PDSA cycles" }
                @if p.cycles.is_empty() { p { "No PDSA cycles yet." } } @else {
                    ul {
                        @for c in &p.cycles {
                            li {
                                a href={ "/pdsa/" (c.id) } { (c.fields.title) }
                                @if let Some(d) = c.fields.start_date { " – started " (d.format("%-d %B %Y")) }
                                @match c.fields.act {
                                    Some(a) => { " – decided: " (a.name()) }
                                    None => { " – still being tested" }
                                }
                            }
                        }
                    }
                }
                h3 { "Latest changes" }
                @let lines = crate::history::lines(&p.recent);
                @if lines.is_empty() { p { "Nothing yet." } } @else {
                    ul {
                        @for l in &lines {
                            li { (l.at.format("%-d %B %Y")) ": " (l.who) " " (l.what) }
                        }
                    }
                }
                p { a href={ "/projects/" (p.project.id) "/history" } { "All changes" span class="visually-hidden" { " to " (p.project.title) } } }
            }
        }
    };
    Ok(layout::page("Your projects", Some(&user), body))
}

/// A share as people read it: "2 of 3 (67%)", or "none" of none.
pub(crate) fn share_words(s: gemba_domain::Share) -> String {
    match s.percent() {
        Some(p) => format!("{} of {} ({p}%)", s.with, s.of),
        None => "none".to_owned(),
    }
}

/// A monthly share's trend: its run chart from the engine (with what the runs analysis says)
/// and the same figures as a table, for those who do not read charts.
pub(crate) fn trend(
    id: &str,
    title: &str,
    what: &str,
    months: &[chrono::NaiveDate],
    monthly: &[gemba_domain::Share],
    chart: Option<&gemba_spc::ChartResult>,
) -> Markup {
    let labels: Vec<String> = months
        .iter()
        .map(|m| m.format("%b %Y").to_string())
        .collect();
    html! {
        @if let Some(r) = chart {
            div class="chart" role="region" aria-label={ (title) " (scrolls sideways on small screens)" } tabindex="0" {
                // The SVG is maud markup from gemba-chart, escaped there.
                (maud::PreEscaped(gemba_chart::chart_svg(&gemba_chart::SeriesView {
                    id,
                    title,
                    x_labels: &labels,
                    y_label: "%",
                    result: r,
                    multiplier: 100.0,
                    value_suffix: "%",
                    annotations: &[],
                })))
            }
            h3 { "What the chart shows" }
            ul class="chart-reading" {
                @if let Some(m) = r.points.iter().find_map(|p| p.lines.centre) {
                    li { "Median: " strong { (format!("{m:.0}%")) } }
                }
                @match &r.runs {
                    Some(runs) => li {
                        @if runs.signal { strong { "A signal of non-random change" } " (Anhøj runs analysis)" }
                        @else { strong { "No signal" } ": the ups and downs are random (Anhøj runs analysis)" }
                        " – longest run " (runs.longest_run) ", limit " (runs.longest_run_limit)
                        "; crossings " (runs.crossings) ", limit " (runs.crossings_limit) "."
                    },
                    None => li { "Too few months for the runs analysis yet." },
                }
            }
        }
        details class="details" {
            summary { "The figures by month" }
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { (title) ", by month" }
                    thead { tr { th scope="col" { "Month" } th scope="col" { (what) } } }
                    tbody {
                        @for (label, s) in labels.iter().zip(monthly) {
                            tr { td { (label) } td { (share_words(*s)) } }
                        }
                    }
                }
            }
        }
    }
}

/// `/orgs/{org}/involvement`: the share of the organisation's projects with patient partners,
/// now by team and overall, and its trend by month as a run chart.
async fn share_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let s = gemba_domain::partner_share(&user.access(&state), org, super::today()).await?;
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Projects with patient partners" }
        p class="lead" { "Active projects with patient partners now: " strong { (share_words(s.overall)) } "." }
        p class="hint" {
            "A project counts when a patient partner is on its team, or patients and carers are involved at "
            "\u{201c}Involve\u{201d} or \u{201c}Co-produce\u{201d} on the ladder of engagement."
        }
        h2 { "By team" }
        @if s.by_team.is_empty() { p { "No active projects." } } @else {
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Active projects with patient partners, by team" }
                    thead { tr { th scope="col" { "Team" } th scope="col" { "With patient partners" } } }
                    tbody {
                        @for (t, share) in &s.by_team {
                            tr {
                                td { @match t { Some(t) => (t.name), None => "No team" } }
                                td { (share_words(*share)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "By month" }
        p class="hint" {
            "Each month counts the projects under way that month (from their first recorded work "
            "to their closing), and those with patient partners by the month's end."
        }
        @if s.months.is_empty() { p { "No projects yet." } } @else {
            (trend("partner-share", "Share of projects with patient partners", "With patient partners", &s.months, &s.monthly, s.chart.as_ref()))
        }
        p { a href={ "/orgs/" (org) "/engagement" } { "Staff taking part in improvement" } }
    };
    Ok(layout::page(
        "Projects with patient partners",
        Some(&user),
        body,
    ))
}

/// `/orgs/{org}/engagement`: the share of the organisation's staff taking part in improvement
/// by month, for the organisation and each team, as run charts with their Anhøj signals.
async fn engagement_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let e = gemba_domain::engagement(&user.access(&state), org, super::today()).await?;
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let latest = e.monthly.last().copied().unwrap_or_default();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Staff taking part in improvement" }
        p class="lead" { "This month: " strong { (share_words(latest)) } " of the organisation's staff." }
        p class="hint" { (gemba_api::involvement::ENGAGEMENT_RULE) }
        h2 { "The organisation" }
        @if e.months.is_empty() { p { "Nobody has taken part yet." } } @else {
            (trend("engagement", "Share of staff taking part", "Staff taking part", &e.months, &e.monthly, e.chart.as_ref()))
        }
        h2 { "By team" }
        @if e.teams.is_empty() { p { "No team has staff on its projects yet." } }
        @for t in &e.teams {
            h3 { (t.team.name) }
            p { "This month: " (share_words(t.monthly.last().copied().unwrap_or_default())) "." }
            (trend(&format!("engagement-team-{}", t.team.id), &format!("Share of {}'s staff taking part", t.team.name), "Staff taking part", &e.months, &t.monthly, t.chart.as_ref()))
        }
        p { a href={ "/orgs/" (org) "/involvement" } { "Projects with patient partners" } }
    };
    Ok(layout::page(
        "Staff taking part in improvement",
        Some(&user),
        body,
    ))
}
