//! The portfolio (every project of an organisation, filtered, grouped by priority, counted by
//! stage, as a page and a CSV) and the strategic priorities that group it.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    create_priority, delete_priority, link_priorities, portfolio, priority, update_priority,
    Action, BoardError, Grant, MethodQuality, OrgId, Portfolio, PortfolioFilter, PortfolioProject,
    PriorityDraft, PriorityId, PriorityScope, Project, ProjectId, ProjectStatus, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::{board_error, org_of};

use super::conflict;
use super::dashboard::{icon_badges, status_label};
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/portfolio" => portfolio_home, Own;
    get "/orgs/{org}/portfolio" => portfolio_page, Do(Action::Read);
    get "/orgs/{org}/portfolio.csv" => portfolio_csv, Do(Action::Read);
    get "/orgs/{org}/system" => system_page, System;
    get "/orgs/{org}/priorities" => priorities_page, Do(Action::Read);
    post "/orgs/{org}/priorities" => create, Do(Action::ManagePriorities);
    post "/priorities/{id}" => update, Do(Action::ManagePriorities);
    post "/priorities/{id}/delete" => delete, Do(Action::ManagePriorities);
    post "/projects/{id}/priorities" => link, Do(Action::EditProject);
}

/// `/portfolio`: the portfolio of the user's organisation (a list when they have several).
async fn portfolio_home(user: CurrentUser) -> Result<Response, PageError> {
    match user.memberships.as_slice() {
        [only] => Ok(see_other(&format!("/orgs/{}/portfolio", only.org.id))),
        many => {
            let body = html! {
                h1 { "Portfolio" }
                ul class="card-list" {
                    @for m in many {
                        li class="card" { a href={ "/orgs/" (m.org.id) "/portfolio" } { (m.org.name) } }
                    }
                }
            };
            Ok(layout::page("Portfolio", Some(&user), body).into_response())
        }
    }
}

/// The query's pairs and the filter they make (400 naming the first bad value).
fn filter_of(query: Option<&str>) -> Result<(Vec<(String, String)>, PortfolioFilter), PageError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| PageError::BadRequest("The filters could not be read.".into()))?;
    let filter = PortfolioFilter::parse(&pairs)
        .map_err(|p| PageError::BadRequest(form::problem_sentence(p[0].field, &p[0].problem)))?;
    Ok((pairs, filter))
}

/// The portfolio of the path's organisation, filtered by the query, with the user's grant there
/// (none when they see it through a role across its system).
async fn load(
    state: &AppState,
    user: &CurrentUser,
    org: &str,
    query: Option<&str>,
) -> Result<(Portfolio, Vec<(String, String)>, Option<Grant>), PageError> {
    let org = org
        .parse::<i64>()
        .map(OrgId)
        .map_err(|_| PageError::NotFound)?;
    let (pairs, filter) = filter_of(query)?;
    let access = user.access(state);
    let p = portfolio(&access, org, &filter, super::today(), &state.portfolios)
        .await
        .map_err(board_error)?;
    let grant = access.org(org, Action::Read).ok().map(|a| a.grant());
    Ok((p, pairs, grant))
}

/// The stage filter's options: any stage, then each in lifecycle order.
fn stage_options() -> Vec<(&'static str, &'static str)> {
    std::iter::once(("", "Any stage"))
        .chain(
            ProjectStatus::ALL
                .iter()
                .map(|s| (s.name(), status_label(*s))),
        )
        .collect()
}

fn value_of<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

async fn portfolio_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Markup, PageError> {
    let (p, pairs, grant) = load(&state, &user, &org, query.as_deref()).await?;
    let store = state.store.as_ref();
    let owner = store.org(p.org).await?;
    let name = owner.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    // Someone with a role across the organisation's system may see the system's portfolio.
    let system = match owner.and_then(|o| o.system) {
        Some(s) => gemba_domain::system_role(&user.access(&state), &s)
            .await?
            .map(|_| s),
        None => None,
    };
    let teams = store.teams(p.org).await?;
    let people = store.org_members(p.org).await?;
    let mut methods: Vec<String> = p
        .projects
        .iter()
        .map(|x| x.project.method.trim().to_owned())
        .filter(|m| !m.is_empty())
        .collect();
    methods.sort();
    methods.dedup();
    let org = p.org;
    let statuses = stage_options();
    let priority_options: Vec<(String, String)> = [
        ("".to_owned(), "Any priority".to_owned()),
        ("none".to_owned(), "No priority".to_owned()),
    ]
    .into_iter()
    .chain(
        p.groups
            .iter()
            .map(|g| (g.priority.id.to_string(), g.priority.title.clone())),
    )
    .collect();
    let team_options: Vec<(String, String)> =
        std::iter::once(("".to_owned(), "Any team".to_owned()))
            .chain(teams.iter().map(|t| (t.id.to_string(), t.name.clone())))
            .collect();
    let lead_options: Vec<(String, String)> = std::iter::once(("".to_owned(), "Anyone".to_owned()))
        .chain(
            people
                .iter()
                .map(|(u, _)| (u.id.to_string(), u.name.clone())),
        )
        .collect();
    let method_options: Vec<(String, String)> =
        std::iter::once(("".to_owned(), "Any method".to_owned()))
            .chain(methods.iter().map(|m| (m.clone(), m.clone())))
            .collect();
    let as_refs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
    let select = |name: &str, label: &str, options: &[(String, String)]| {
        let opts: Vec<(&str, &str)> = options
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        form::select(
            name,
            label,
            &opts,
            value_of(&pairs, name),
            &FieldErrors::new(),
        )
    };
    let csv_link = format!(
        "/orgs/{org}/portfolio.csv{}",
        query.as_deref().map_or(String::new(), |q| format!("?{q}"))
    );
    let body = html! {
        span class="caption" { (name) }
        h1 { "Portfolio" }
        p {
            "Every improvement project of the organisation, grouped by the strategic priority it serves. "
            a href={ "/orgs/" (org) "/priorities" } { "Strategic priorities" }
            @if grant.is_some_and(|g| g.may(Action::ManagePriorities)) { " (set them there)" }
            ". "
            a href={ "/orgs/" (org) "/value" } { "Value: potential and realised savings" }
            "."
        }
        @if let Some(s) = &system {
            p { a href={ "/orgs/" (org) "/system" } { "The portfolio of " (s) ", the whole system" } }
        }
        @if grant.is_none() {
            p class="notice" role="note" { "You see this organisation's portfolio through your role across its system: its private projects are not shown." }
        }
        form method="get" action={ "/orgs/" (org) "/portfolio" } class="inline-form portfolio-filters" {
            (form::select("status", "Stage", &statuses, value_of(&pairs, "status"), &FieldErrors::new()))
            (select("priority", "Priority", &as_refs(&priority_options)))
            (select("team", "Team", &team_options))
            (select("method", "Method", &method_options))
            (select("lead", "Lead", &lead_options))
            (form::select("patient_partner", "Patient partners", &[("", "Either"), ("yes", "With patient partners"), ("no", "Without")], value_of(&pairs, "patient_partner"), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Filter" }
        }
        p {
            (p.projects.len()) " of " (p.total) " projects. "
            a href=(csv_link) { "Download these as CSV" }
        }
        h2 id="stages" { "By stage" }
        div class="table-scroll" role="region" aria-label="Projects by stage" tabindex="0" {
            table class="table" {
                caption class="visually-hidden" { "Projects by stage" }
                thead { tr { @for (s, _) in &p.by_stage { th scope="col" { (status_label(*s)) } } } }
                tbody { tr { @for (_, n) in &p.by_stage { td class="num" { (n) } } } }
            }
        }
        (method_section(&p))
        (duplicates_section(&p))
        @let idle: Vec<_> = p.without_active_work().collect();
        @if !idle.is_empty() {
            div class="notice notice--warning" {
                h2 { "Priorities with no active work" }
                ul { @for q in &idle { li { (q.title) @if matches!(q.scope, PriorityScope::System(_)) { " (system priority)" } } } }
            }
        }
        @for g in &p.groups {
            h2 { (g.priority.title) @if matches!(g.priority.scope, PriorityScope::System(_)) { span class="tag" { "System" } } }
            @if !g.priority.description.is_empty() { p class="hint" { (g.priority.description) } }
            (project_table(&p, &g.projects, &g.priority.title))
        }
        h2 { "Not linked to a priority" }
        (project_table(&p, &p.unprioritised, "Not linked to a priority"))
    };
    Ok(layout::page("Portfolio", Some(&user), body))
}

/// The quality of the PDSA method over every cycle of the projects shown.
fn method_section(p: &Portfolio) -> Markup {
    let total = p.method();
    html! {
        h2 id="method" { "PDSA method quality" }
        p class="hint" {
            "Of all " (total.cycles) " PDSA cycles of the projects shown, how many show each "
            "feature of a well-run cycle (Taylor et al. 2014). A project with more cycles counts for more."
        }
        div class="table-scroll" role="region" aria-label="PDSA method quality" tabindex="0" {
            table class="table" {
                caption class="visually-hidden" { "PDSA method quality across the projects shown" }
                thead { tr { th scope="col" { "Feature" } th scope="col" class="num" { "Cycles" } th scope="col" class="num" { "Share" } } }
                tbody {
                    @for (_, label, n, percent) in total.rows() {
                        tr { th scope="row" { (label) } td class="num" { (n) } td class="num" { (percent) "%" } }
                    }
                }
            }
        }
    }
}

/// Pairs of active projects shown that look alike, with the words they share.
fn duplicates_section(p: &Portfolio) -> Markup {
    html! {
        h2 id="duplicates" { "Likely duplicates" }
        p class="hint" {
            "Active projects shown that share most of the distinctive words of their titles, aims "
            "and problems: worth asking the two teams whether they are doing the same work."
        }
        @if p.duplicates.is_empty() {
            p { "No likely duplicates among the active projects shown." }
        } @else {
            ul class="duplicates" {
                @for d in &p.duplicates {
                    li {
                        a href={ "/projects/" (d.a.0) } { (d.a.1) } " and "
                        a href={ "/projects/" (d.b.0) } { (d.b.1) }
                        br;
                        span class="hint" {
                            "Both about: " (d.shared.join(", "))
                            " (" (format!("{:.0}", d.share * 100.0)) "% of what sets the smaller one apart)"
                        }
                    }
                }
            }
        }
    }
}

/// A project's PDSA method in a few words.
fn method_cell(q: &MethodQuality) -> Markup {
    html! {
        @if q.cycles == 0 {
            span class="hint" { "No cycles" }
        } @else {
            (q.cycles) @if q.cycles == 1 { " cycle" } @else { " cycles" }
            br;
            @let rows = q.rows();
            span class="hint" {
                "Predicted " (rows[0].3) "%, linked " (rows[1].3) "%, scale " (rows[2].3)
                "%, monthly data " (rows[3].3) "%"
            }
        }
    }
}

fn project_table(p: &Portfolio, rows: &[usize], caption: &str) -> Markup {
    html! {
        @if rows.is_empty() {
            p class="hint" { "No projects here." }
        } @else {
            div class="table-scroll" role="region" aria-label={ "Projects: " (caption) } tabindex="0" {
                table class="table portfolio" {
                    caption class="visually-hidden" { "Projects: " (caption) }
                    thead { tr {
                        th scope="col" { "Project" } th scope="col" { "Stage" } th scope="col" { "Team" }
                        th scope="col" { "Lead" } th scope="col" { "Progress" } th scope="col" { "Measures" } th scope="col" { "PDSA method" } th scope="col" { "Last activity" }
                    } }
                    tbody {
                        @for i in rows {
                            @if let Some(x) = p.projects.get(*i) { (project_row(x)) }
                        }
                    }
                }
            }
        }
    }
}

fn project_row(x: &PortfolioProject) -> Markup {
    html! {
        tr {
            td {
                a href={ "/projects/" (x.project.id) } { (x.project.title) }
                @if x.patient_partner { br; span class="hint" { "With patient partners" } }
            }
            td { (status_label(x.project.status)) }
            td { (x.team.as_deref().unwrap_or("–")) }
            td { (x.lead.as_deref().unwrap_or("–")) }
            td class="num" {
                (format!("{:.1}", x.progress))
                @if let Some(a) = x.assessed { br; span class="hint" { "Lead's score " (format!("{a:.1}")) } }
            }
            td {
                @if x.measures.is_empty() { span class="hint" { "No measures" } }
                @for m in &x.measures {
                    div class="portfolio__measure" {
                        (m.name) " "
                        @if m.variation.is_none() && m.assurance.is_none() { span class="hint" { "no data yet" } }
                        span class="icons" { (icon_badges(m.variation, m.assurance)) }
                    }
                }
            }
            td { (method_cell(&x.method)) }
            td {
                (x.last_activity.format("%-d %b %Y"))
                @if x.stalled { br; strong class="tag tag--warning" { "Stalled" } }
            }
        }
    }
}

async fn portfolio_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let (p, _, _) = load(&state, &user, &org, query.as_deref()).await?;
    let bytes = portfolio_csv_bytes(&p).map_err(|e| PageError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"portfolio-{}.csv\"", p.org),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The portfolio as CSV: one row per project, priorities by title separated by `; `, each
/// measure as `name: variation / assurance`; its PDSA cycles and how many show each feature of
/// the method (summing a column pools them over the projects, as the page's totals do), and the
/// ids of the projects it likely duplicates.
pub(crate) fn portfolio_csv_bytes(p: &Portfolio) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "project_id",
        "title",
        "stage",
        "team",
        "lead",
        "method",
        "priorities",
        "patient_partner",
        "measures",
        "last_activity",
        "progress",
        "lead_score",
        "stalled",
        "pdsa_cycles",
        "predicted",
        "iterative",
        "scaled",
        "monthly_data",
        "likely_duplicates",
    ])?;
    for x in &p.projects {
        let priorities: Vec<&str> = p
            .groups
            .iter()
            .filter(|g| x.priorities.contains(&g.priority.id))
            .map(|g| g.priority.title.as_str())
            .collect();
        let measures: Vec<String> = x
            .measures
            .iter()
            .map(|m| {
                format!(
                    "{}: {} / {}",
                    m.name,
                    m.variation.map_or("none", |v| v.name()),
                    m.assurance.map_or("none", |a| a.name())
                )
            })
            .collect();
        let id = x.project.id;
        let twins: Vec<String> = p
            .duplicates
            .iter()
            .filter_map(|d| {
                if d.a.0 == id {
                    Some(d.b.0)
                } else if d.b.0 == id {
                    Some(d.a.0)
                } else {
                    None
                }
            })
            .map(|t| t.to_string())
            .collect();
        // Text typed by users is written so that a spreadsheet never runs it as a formula.
        let text = |s: &str| gemba_data::csv_text(s).into_owned();
        w.write_record([
            x.project.id.to_string(),
            text(&x.project.title),
            x.project.status.name().to_owned(),
            text(x.team.as_deref().unwrap_or_default()),
            text(x.lead.as_deref().unwrap_or_default()),
            text(&x.project.method),
            text(&priorities.join("; ")),
            if x.patient_partner { "yes" } else { "no" }.to_owned(),
            text(&measures.join("; ")),
            x.last_activity.format("%Y-%m-%d").to_string(),
            format!("{:.1}", x.progress),
            x.assessed.map(|a| format!("{a:.1}")).unwrap_or_default(),
            if x.stalled { "yes" } else { "no" }.to_owned(),
            x.method.cycles.to_string(),
            x.method.predicted.to_string(),
            x.method.iterative.to_string(),
            x.method.scaled.to_string(),
            x.method.monthly_data.to_string(),
            twins.join("; "),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

// ---- priorities -------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct PriorityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    scope: String,
}

async fn priorities_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    render_priorities(
        &state,
        &user,
        org,
        grant,
        &PriorityForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_priorities(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    grant: Grant,
    typed: &PriorityForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let o = store.org(org).await?.ok_or(PageError::NotFound)?;
    let p = portfolio(
        &user.access(state),
        org,
        &PortfolioFilter::default(),
        super::today(),
        &state.portfolios,
    )
    .await
    .map_err(board_error)?;
    let manage = grant.may(Action::ManagePriorities);
    // A system improvement lead manages the system's priorities whatever their role here.
    let system_lead = match &o.system {
        Some(s) => {
            gemba_domain::system_role(&user.access(state), s).await?
                == Some(gemba_domain::SystemRole::Lead)
        }
        None => false,
    };
    let body = html! {
        span class="caption" { (o.name) }
        h1 { "Strategic priorities" }
        p {
            "The priorities the organisation's projects serve"
            @if let Some(s) = &o.system { ", its own and those of " (s) " (shared by every organisation of the system)" }
            ". " a href={ "/orgs/" (org) "/portfolio" } { "See the portfolio by priority" } "."
        }
        @if p.groups.is_empty() { p class="hint" { "No priorities yet." } }
        @for g in &p.groups {
            section class="card" aria-labelledby={ "priority-" (g.priority.id) } {
                h2 id={ "priority-" (g.priority.id) } {
                    (g.priority.title)
                    @if let PriorityScope::System(s) = &g.priority.scope { " " span class="tag" { "System: " (s) } }
                }
                @if !g.priority.description.is_empty() { p { (g.priority.description) } }
                p {
                    (g.projects.len()) " projects, " (g.active) " active."
                    @if g.active == 0 { " " strong { "No active work serves this priority." } }
                }
                @if manage || (system_lead && matches!(g.priority.scope, PriorityScope::System(_))) {
                    details {
                        summary { "Change or delete " span class="visually-hidden" { (g.priority.title) } }
                        form method="post" action={ "/priorities/" (g.priority.id) } novalidate {
                            (csrf_field(user))
                            input type="hidden" name="org" value=(org);
                            (conflict::version_field(g.priority.version))
                            (form::text_input(&format!("title-{}", g.priority.id), "Title", &g.priority.title, None, &FieldErrors::new()))
                            (form::textarea(&format!("description-{}", g.priority.id), "Description", &g.priority.description, None, &FieldErrors::new()))
                            button type="submit" class="button" { "Save the priority" }
                        }
                        form method="post" action={ "/priorities/" (g.priority.id) "/delete" } {
                            (csrf_field(user))
                            input type="hidden" name="org" value=(org);
                            button type="submit" class="button button--warning" { "Delete the priority" }
                        }
                    }
                }
            }
        }
        @if manage || system_lead {
            h2 id="new" { "Add a priority" }
            (form::error_summary_ordered(errors, &["title", "description", "scope"]))
            form method="post" action={ "/orgs/" (org) "/priorities" } novalidate {
                (csrf_field(user))
                (form::text_input("title", "Title", &typed.title, Some("Like “Reduce avoidable harm from falls”."), errors))
                (form::textarea("description", "Description", &typed.description, None, errors))
                @if let Some(s) = &o.system {
                    @if manage {
                        (form::select("scope", "Whose priority", &[("organisation", "This organisation's"), ("system", &format!("The system's ({s})"))], if typed.scope.is_empty() { "organisation" } else { &typed.scope }, errors))
                    } @else {
                        input type="hidden" name="scope" value="system";
                        p class="hint" { "As a system improvement lead you add priorities of " (s) ", shared by every organisation of the system." }
                    }
                }
                button type="submit" class="button" { "Add the priority" }
            }
        }
    };
    let title = if errors.is_empty() {
        "Strategic priorities"
    } else {
        "Error: Strategic priorities"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<PriorityForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    // The domain decides: the organisation's leads, or for the system's a system improvement lead.
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    let draft = PriorityDraft {
        title: Some(f.title.clone()),
        description: Some(f.description.clone()),
    };
    match create_priority(&user.access(&state), org, f.scope == "system", &draft).await {
        Ok(_) => Ok(see_other(&format!("/orgs/{org}/priorities"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_priorities(&state, &user, org, grant, &f, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

/// The fields of one priority's form are named after it (`title-7`), so that many forms can be
/// on one page with unique ids.
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    user.check_csrf(&get("csrf").unwrap_or_default())?;
    let id = PriorityId(id);
    let access = user.access(&state);
    let current = priority(&access, id, Action::ManagePriorities)
        .await
        .map_err(board_error)?;
    let draft = PriorityDraft {
        title: get(&format!("title-{id}")).or_else(|| get("title")),
        description: get(&format!("description-{id}")).or_else(|| get("description")),
    };
    let expected = conflict::parse(&get("version").unwrap_or_default()).unwrap_or(Version(0));
    update_priority(&access, id, &draft, expected)
        .await
        .map_err(board_error)?;
    let org = back_to(&current.scope, get("org").as_deref(), &user);
    Ok(see_other(&format!("/orgs/{org}/priorities#priority-{id}")))
}

#[derive(Debug, Default, Deserialize)]
struct OrgForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
}

/// The organisation whose priorities page to go back to: the priority's own, or for a system's
/// the one the form came from if the user is in it, else their first.
fn back_to(scope: &PriorityScope, from: Option<&str>, user: &CurrentUser) -> OrgId {
    match scope {
        PriorityScope::Organisation(org) => *org,
        PriorityScope::System(_) => from
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(OrgId)
            .filter(|o| user.memberships.iter().any(|m| m.org.id == *o))
            .or_else(|| user.memberships.first().map(|m| m.org.id))
            .unwrap_or(OrgId(0)),
    }
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let id = PriorityId(id);
    let current = priority(&access, id, Action::ManagePriorities)
        .await
        .map_err(board_error)?;
    delete_priority(&access, id).await.map_err(board_error)?;
    let org = back_to(&current.scope, Some(&f.org), &user);
    Ok(see_other(&format!("/orgs/{org}/priorities")))
}

/// Links a project to the priorities ticked (`priority` fields, repeated).
async fn link(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    user.check_csrf(&csrf)?;
    let mut chosen = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "priority") {
        let id = v
            .trim()
            .parse::<i64>()
            .map_err(|_| PageError::BadRequest("Choose priorities from the list.".into()))?;
        chosen.push(PriorityId(id));
    }
    let project = ProjectId(id);
    link_priorities(&user.access(&state), project, &chosen)
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/projects/{project}#priorities")))
}

/// The "Strategic priorities" part of a project's page: the priorities it serves, and for those
/// who may change the project, ticks to choose them.
pub(crate) async fn project_section(
    state: &AppState,
    user: &CurrentUser,
    project: &Project,
    grant: Grant,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let open = store.priorities_of(project.org).await?;
    let linked = store.project_priorities(project.id).await?;
    let edit = grant.may(Action::EditProject);
    if open.is_empty() && !edit {
        return Ok(html! {});
    }
    Ok(html! {
        h2 id="priorities" { "Strategic priorities" }
        @if open.is_empty() {
            p class="hint" {
                "The organisation has no strategic priorities yet. "
                a href={ "/orgs/" (project.org) "/priorities" } { "Strategic priorities" }
            }
        } @else if edit {
            form method="post" action={ "/projects/" (project.id) "/priorities" } {
                (csrf_field(user))
                fieldset class="fieldset" {
                    legend class="fieldset__legend" { "The priorities this project serves" }
                    div class="checkboxes" {
                        @for q in &open {
                            div class="checkbox" {
                                input class="checkbox__input" type="checkbox" id={ "priority-" (q.id) } name="priority" value=(q.id) checked[linked.contains(&q.id)];
                                label class="label checkbox__label" for={ "priority-" (q.id) } {
                                    (q.title) @if matches!(q.scope, PriorityScope::System(_)) { " (system)" }
                                }
                            }
                        }
                    }
                }
                button type="submit" class="button button--secondary" { "Save the priorities" }
            }
        } @else {
            @let served: Vec<_> = open.iter().filter(|q| linked.contains(&q.id)).collect();
            @if served.is_empty() { p class="hint" { "Not linked to a priority." } }
            ul { @for q in &served { li { (q.title) } } }
        }
    })
}

/// `/orgs/{org}/system`: the portfolio of the system the organisation belongs to, for someone
/// with a role across it: the system's priorities with the active work serving each, each
/// organisation's projects by stage, and every project the user may see, organisation by
/// organisation.
async fn system_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Markup, PageError> {
    let org = org
        .parse::<i64>()
        .map(OrgId)
        .map_err(|_| PageError::NotFound)?;
    let (pairs, filter) = filter_of(query.as_deref())?;
    let s = gemba_domain::system_portfolio(
        &user.access(&state),
        org,
        &filter,
        super::today(),
        &state.portfolios,
    )
    .await
    .map_err(board_error)?;
    let statuses = stage_options();
    let shown: usize = s.orgs.iter().map(|(_, p)| p.projects.len()).sum();
    let total: usize = s.orgs.iter().map(|(_, p)| p.total).sum();
    let body = html! {
        span class="caption" { (s.role.label()) }
        h1 { (s.name) ": the system's portfolio" }
        p { "Every project of the system's organisations that you may see: their private projects are theirs alone." }
        form method="get" action={ "/orgs/" (org) "/system" } class="inline-form portfolio-filters" {
            (form::select("status", "Stage", &statuses, value_of(&pairs, "status"), &FieldErrors::new()))
            (form::select("patient_partner", "Patient partners", &[("", "Either"), ("yes", "With patient partners"), ("no", "Without")], value_of(&pairs, "patient_partner"), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Filter" }
        }
        p { (shown) " of " (total) " projects in " (s.orgs.len()) " organisations." }
        h2 id="system-priorities" { "The system's strategic priorities" }
        @if s.priorities.is_empty() {
            p { "The system has no strategic priorities yet." }
        } @else {
            div class="table-scroll" role="region" aria-label="The system's strategic priorities" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { "The system's strategic priorities and the active work serving each" }
                    thead { tr { th scope="col" { "Priority" } th scope="col" { "Active projects" } th scope="col" { "Organisations with active work" } } }
                    tbody {
                        @for q in &s.priorities {
                            tr {
                                td { (q.priority.title) }
                                td class="num" {
                                    (q.active)
                                    @if q.active == 0 { " " strong class="tag tag--warning" { "No active work" } }
                                }
                                td { @if q.orgs.is_empty() { "None" } @else { (q.orgs.join(", ")) } }
                            }
                        }
                    }
                }
            }
        }
        h2 id="by-organisation" { "By organisation and stage" }
        div class="table-scroll" role="region" aria-label="Projects by organisation and stage" tabindex="0" {
            table class="table" {
                caption class="visually-hidden" { "Projects by organisation and stage" }
                thead { tr {
                    th scope="col" { "Organisation" }
                    @for st in ProjectStatus::ALL { th scope="col" { (status_label(st)) } }
                    th scope="col" { "Stalled" }
                } }
                tbody {
                    @for (o, p) in &s.orgs {
                        tr {
                            th scope="row" { a href={ "/orgs/" (o.id) "/portfolio" } { (o.name) } }
                            @for (_, n) in &p.by_stage { td class="num" { (n) } }
                            td class="num" { (p.projects.iter().filter(|x| x.stalled).count()) }
                        }
                    }
                }
            }
        }
        @for (o, p) in &s.orgs {
            h2 { (o.name) }
            @let all: Vec<usize> = (0..p.projects.len()).collect();
            (project_table(p, &all, &o.name))
        }
    };
    Ok(layout::page(
        &format!("{}: the system's portfolio", s.name),
        Some(&user),
        body,
    ))
}
