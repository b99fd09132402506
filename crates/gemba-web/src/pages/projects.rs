//! Projects: list, create, view, edit, delete and restore, history.

use crate::pages::Path;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    check_team, split_tags, Action, Grant, OrgId, Project, ProjectDraft, ProjectFields, ProjectId,
    ProjectStatus, Resource, SearchError, SearchHit, StoreError, Team,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::confirm;
use super::conflict;
use super::dashboard::{measure_list, measure_summaries, status_label, status_tag, today};
use super::drivers::diagram;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::AppState;

page_routes! {
    get "/projects" => list, Own;
    get "/projects/new" => new_page, Do(Action::CreateProject);
    post "/projects/new" => create, Do(Action::CreateProject);
    get "/projects/{id}" => show, Do(Action::Read);
    get "/projects/{id}/edit" => edit_page, Do(Action::EditProject);
    post "/projects/{id}/edit" => update, Do(Action::EditProject);
    post "/projects/{id}/delete" => delete, Do(Action::Delete);
    post "/projects/{id}/restore" => restore, Do(Action::Restore);
    get "/projects/{id}/history" => history, Do(Action::Read);
    get "/admin/deleted" => deleted, Do(Action::Restore);
}

/// The project `id`, for `action`, with what the user may do there
/// ([`gemba_domain::Access::project`]).
///
/// `NotFound` when it does not exist, is deleted, or belongs to an organisation the user is
/// not a member of: other organisations' ids look exactly like missing ones. `Denied` when the
/// permission policy does not let the user take `action` there.
pub async fn load_project(
    state: &AppState,
    user: &CurrentUser,
    id: ProjectId,
    action: Action,
) -> Result<(Project, Grant), PageError> {
    Ok(user.access(state).project(id, action).await?.into_parts())
}

/// Methods offered in the form (a project's own method is kept even when not listed).
const METHODS: [&str; 4] = ["Model for Improvement", "Lean", "Six Sigma", "Other"];

// --- list -------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    status: String,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let filter = ProjectStatus::parse(&q.status);
    let mut rows = Vec::new();
    for m in &user.memberships {
        // Archived teams too: a project keeps the team it had.
        let teams = state.store.all_teams(m.org.id).await?;
        for p in state.store.projects(m.org.id).await? {
            if filter.is_none_or(|s| s == p.status) {
                let team = p
                    .team
                    .and_then(|t| teams.iter().find(|x| x.id == t))
                    .map(|t| t.name.clone());
                rows.push((m.org.name.clone(), team, p));
            }
        }
    }
    let mut options: Vec<(&str, &str)> = vec![("", "All statuses")];
    options.extend(ProjectStatus::ALL.map(|s| (s.name(), status_label(s))));
    let selected = filter.map(|s| s.name()).unwrap_or("");
    let can_create = !editable_orgs(&user).is_empty();
    let body = html! {
        h1 { "Projects" }
        @if can_create {
            p { a class="button" href="/projects/new" { "Start a project" } }
        }
        form method="get" action="/projects" class="filter" {
            (form::select("status", "Status", &options, selected, &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Filter" }
        }
        @if rows.is_empty() {
            p { "No projects match." }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Projects" }
                    thead { tr {
                        th scope="col" { "Project" }
                        th scope="col" { "Status" }
                        th scope="col" { "Organisation" }
                        th scope="col" { "Team" }
                        th scope="col" { "Last changed" }
                    } }
                    tbody {
                        @for (org, team, p) in &rows {
                            tr {
                                td { a href={ "/projects/" (p.id) } { (p.title) } }
                                td { (status_tag(p.status)) }
                                td { (org) }
                                td { (team.as_deref().unwrap_or("–")) }
                                td { (p.updated_at.format("%-d %b %Y")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Projects", Some(&user), body))
}

// --- the form ---------------------------------------------------------------------------------

/// What the project form posts, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
struct ProjectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    aim: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    sponsor: String,
    #[serde(default)]
    tags: String,
    /// `yes` when the project is private to its organisation (a ticked box; absent when not).
    #[serde(default)]
    private: String,
    /// The version of the project the form was loaded with.
    #[serde(default)]
    version: String,
    /// `1` once the user has seen the similar projects and starts this one anyway.
    #[serde(default)]
    confirmed: String,
}

/// The form's fields in order, for the error summary.
const FIELD_ORDER: [&str; 9] = [
    "org", "title", "problem", "aim", "method", "status", "team", "sponsor", "tags",
];

impl ProjectForm {
    fn from_project(p: &Project) -> Self {
        ProjectForm {
            csrf: String::new(),
            org: p.org.to_string(),
            title: p.title.clone(),
            problem: p.problem.clone(),
            aim: p.aim.clone(),
            method: p.method.clone(),
            status: p.status.name().to_owned(),
            team: p.team.map(|t| t.to_string()).unwrap_or_default(),
            sponsor: p.sponsor.clone(),
            tags: p.tags.join(", "),
            private: if p.private {
                "yes".into()
            } else {
                String::new()
            },
            version: p.version.to_string(),
            confirmed: String::new(),
        }
    }

    /// The fields as people read them, in the form's order, for the conflict notice.
    fn shown(&self, teams: &[Team]) -> Vec<conflict::Shown> {
        let team = teams
            .iter()
            .find(|t| t.id.to_string() == self.team.trim())
            .map_or_else(|| "No team".to_owned(), |t| t.name.clone());
        let status = ProjectStatus::parse(&self.status)
            .map_or_else(|| self.status.clone(), |s| status_label(s).to_owned());
        vec![
            ("Title", self.title.clone()),
            ("The problem", self.problem.clone()),
            ("Aim", self.aim.clone()),
            ("Improvement method", self.method.clone()),
            ("Status", status),
            ("Team", team),
            ("Sponsor", self.sponsor.clone()),
            ("Tags", split_tags(&self.tags).join(", ")),
            (
                "Private to the organisation",
                if self.is_private() { "Yes" } else { "No" }.to_owned(),
            ),
        ]
    }

    /// Whether the box "private to the organisation" is ticked.
    fn is_private(&self) -> bool {
        self.private == "yes"
    }

    /// The draft the form is: every field sent.
    fn draft(&self) -> ProjectDraft {
        ProjectDraft {
            title: Some(self.title.clone()),
            problem: Some(self.problem.clone()),
            aim: Some(self.aim.clone()),
            method: Some(self.method.clone()),
            status: Some(self.status.clone()),
            team: Some(self.team.clone()),
            sponsor: Some(self.sponsor.clone()),
            tags: Some(split_tags(&self.tags)),
            private: Some(self.is_private()),
        }
    }

    /// The validated fields over the project's `current` ones, or every error at once.
    /// `teams` are those the project may be put on.
    fn parse(
        &self,
        teams: &[Team],
        current: Option<&Project>,
    ) -> Result<ProjectFields, FieldErrors> {
        let fields = self.draft().apply(current.map(Project::fields).as_ref())?;
        check_team(fields.team, teams, current.and_then(|p| p.team))?;
        Ok(fields)
    }
}

/// The project form's fields (without the organisation choice and the buttons).
/// With `aim_locked` the aim is shown read-only, with who may change it.
fn project_fields(
    f: &ProjectForm,
    teams: &[Team],
    errors: &FieldErrors,
    aim_locked: bool,
) -> Markup {
    let mut methods: Vec<(&str, &str)> = vec![("", "Choose a method")];
    methods.extend(METHODS.iter().map(|m| (*m, *m)));
    let own = f.method.trim();
    if !own.is_empty() && !METHODS.contains(&own) {
        methods.push((own, own));
    }
    let statuses: Vec<(&str, &str)> = ProjectStatus::ALL
        .iter()
        .map(|s| (s.name(), status_label(*s)))
        .collect();
    let team_ids: Vec<String> = teams.iter().map(|t| t.id.to_string()).collect();
    let mut team_options: Vec<(&str, &str)> = vec![("", "No team")];
    team_options.extend(
        teams
            .iter()
            .zip(&team_ids)
            .map(|(t, id)| (id.as_str(), t.name.as_str())),
    );
    html! {
        (form::text_input("title", "Title", &f.title, None, errors))
        (form::textarea("problem", "The problem", &f.problem,
            Some("What is wrong now, for whom, and how you know"), errors))
        @if aim_locked {
            (form::readonly_textarea("aim", "Aim", &f.aim, &Action::EditAim.refusal()))
        } @else {
            (form::textarea("aim", "Aim", &f.aim, Some("What, how much, by when"), errors))
        }
        (form::select("method", "Improvement method", &methods, own, errors))
        (form::select("status", "Status", &statuses, &f.status, errors))
        (form::select("team", "Team", &team_options, &f.team, errors))
        (form::text_input("sponsor", "Sponsor", &f.sponsor,
            Some("The executive or senior leader who backs the project"), errors))
        (form::text_input("tags", "Tags", &f.tags,
            Some("Separate tags with commas, for example: falls, frailty"), errors))
        div class="checkboxes" {
            div class="checkbox" {
                input class="checkbox__input" type="checkbox" id="private" name="private" value="yes"
                    aria-describedby="private-hint" checked[f.is_private()];
                label class="label checkbox__label" for="private" { "Private to the organisation" }
            }
            p class="hint" id="private-hint" {
                "The other organisations of your system see its aim, measures, charts and PDSA cycles unless it is private. Nobody outside your system sees it."
            }
        }
    }
}

/// The organisations where the user may create projects.
fn editable_orgs(user: &CurrentUser) -> Vec<(OrgId, String)> {
    user.memberships
        .iter()
        .filter(|m| gemba_domain::permits(m.role, false, Action::CreateProject))
        .map(|m| (m.org.id, m.org.name.clone()))
        .collect()
}

/// Every team of the organisations in `orgs`, for the create form; with several
/// organisations each team's name says whose it is.
async fn teams_of(state: &AppState, orgs: &[(OrgId, String)]) -> Result<Vec<Team>, PageError> {
    let mut out = Vec::new();
    for (org, org_name) in orgs {
        for t in state.store.teams(*org).await? {
            let name = if orgs.len() > 1 {
                format!("{} ({org_name})", t.name)
            } else {
                t.name.clone()
            };
            out.push(Team { name, ..t });
        }
    }
    Ok(out)
}

fn new_form(
    user: &CurrentUser,
    orgs: &[(OrgId, String)],
    teams: &[Team],
    f: &ProjectForm,
    errors: &FieldErrors,
    similar: &[SearchHit],
) -> Markup {
    let org_ids: Vec<String> = orgs.iter().map(|(id, _)| id.to_string()).collect();
    let org_options: Vec<(&str, &str)> = orgs
        .iter()
        .zip(&org_ids)
        .map(|((_, name), id)| (id.as_str(), name.as_str()))
        .collect();
    let body = html! {
        h1 { "Start a project" }
        (form::error_summary_ordered(errors, &FIELD_ORDER))
        @if !similar.is_empty() {
            section class="notice" role="status" aria-labelledby="similar-first" {
                h2 id="similar-first" { "Similar work already exists" }
                p {
                    "Before you start, look at "
                    @if similar.len() == 1 { "this project" } @else { "these projects" }
                    " in your organisations: you could join "
                    @if similar.len() == 1 { "it" } @else { "one" }
                    " instead, or learn from "
                    @if similar.len() == 1 { "it" } @else { "them" } "."
                }
                (super::search::hit_list(user, similar, true))
                p { "Nothing has been saved yet. Check your project below and start it anyway if it is different." }
            }
        }
        form method="post" action="/projects/new" novalidate {
            (csrf_field(user))
            @if !similar.is_empty() {
                input type="hidden" name="confirmed" value="1";
            }
            @if org_options.len() > 1 {
                (form::select("org", "Organisation", &org_options, &f.org, errors))
            } @else if let Some((id, _)) = org_options.first() {
                input type="hidden" name="org" value=(id);
            }
            (project_fields(f, teams, errors, false))
            button type="submit" class="button" {
                @if similar.is_empty() { "Create project" } @else { "Start it anyway" }
            }
        }
    };
    let title = if !errors.is_empty() {
        "Error: Start a project"
    } else if !similar.is_empty() {
        "Similar work exists: Start a project"
    } else {
        "Start a project"
    };
    layout::page(title, Some(user), body)
}

async fn new_page(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    let orgs = editable_orgs(&user);
    if orgs.is_empty() {
        return Err(PageError::Forbidden);
    }
    let teams = teams_of(&state, &orgs).await?;
    let f = ProjectForm {
        org: orgs
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        status: ProjectStatus::Idea.name().to_owned(),
        method: METHODS[0].to_owned(),
        ..ProjectForm::default()
    };
    Ok(new_form(&user, &orgs, &teams, &f, &FieldErrors::new(), &[]))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ProjectForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let orgs = editable_orgs(&user);
    if orgs.is_empty() {
        return Err(PageError::Forbidden);
    }
    let org = f
        .org
        .trim()
        .parse::<i64>()
        .ok()
        .map(OrgId)
        .filter(|id| orgs.iter().any(|(o, _)| o == id));
    // Not an organisation where the user may edit: it looks like nothing is there.
    let org = org.ok_or(PageError::NotFound)?;
    let org_teams = state.store.teams(org).await?;
    match f.parse(&org_teams, None) {
        Ok(fields) => {
            if f.confirmed.trim() != "1" {
                // Similar work first: the form comes back listing it, nothing saved.
                let similar = gemba_domain::similar_to_new(
                    &user.access(&state),
                    fields.title.as_str(),
                    &fields.problem,
                    &fields.aim,
                )
                .await
                .map_err(search_error)?;
                if !similar.is_empty() {
                    let teams = teams_of(&state, &orgs).await?;
                    let page = new_form(&user, &orgs, &teams, &f, &FieldErrors::new(), &similar);
                    return Ok(page.into_response());
                }
            }
            let id = state
                .store
                .create_project(org, &fields, user.user.id)
                .await?;
            Ok(see_other(&format!("/projects/{id}")))
        }
        Err(errors) => {
            let teams = teams_of(&state, &orgs).await?;
            let page = new_form(&user, &orgs, &teams, &f, &errors, &[]);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

// --- one project ------------------------------------------------------------------------------

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::Read).await?;
    if p.kind == gemba_domain::ProjectKind::Organisation {
        // The organisation's own measures are shown with the board's.
        return Ok(see_other(&format!("/orgs/{}/board", p.org)).into_response());
    }
    let store = state.store.as_ref();
    // A visitor from another organisation of the system is in none of the user's memberships.
    let owner = store.org(p.org).await?;
    let org = owner.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    let system = owner.and_then(|o| o.system);
    let team = match p.team {
        Some(t) => store
            .all_teams(p.org)
            .await?
            .into_iter()
            .find(|x| x.id == t)
            .map(|x| x.name),
        None => None,
    };
    let nodes = store.driver_nodes(p.id).await?;
    let measures = measure_summaries(&state, &p).await?;
    let pdsas = store.pdsas(p.id).await?;
    let edit = grant.may(Action::EditProject);
    let members = store.project_members(p.id).await?;
    let organisation = store.org_members(p.org).await?;
    let priorities = super::portfolio::project_section(&state, &user, &p, grant).await?;
    let event = super::events::project_section(&state, &user, &p, grant).await?;
    let closing = super::library::project_section(&state, &p, grant).await?;
    let spread = super::spread::project_section(&state, &user, &p).await?;
    let involvement = super::involvement::project_section(&state, &user, p.id).await?;
    let progress = gemba_domain::project_progress(&user.access(&state), p.id, today()).await?;
    let similar = gemba_domain::similar(&user.access(&state), p.id)
        .await
        .map_err(search_error)?;
    let body = html! {
        span class="caption" { (org) }
        h1 { (p.title) }
        p { "Status: " (status_tag(p.status)) }
        @if grant.is_visitor() {
            div class="notice" role="note" {
                p { "This is " (org) "'s project, shared across " (system.as_deref().unwrap_or("your system")) ". You can read it and learn from it; only " (org) "'s people change it." }
            }
        }
        dl class="summary-list" {
            div { dt { "Team" } dd { (team.as_deref().unwrap_or("No team")) } }
            div { dt { "Method" } dd { @if p.method.is_empty() { "Not set" } @else { (p.method) } } }
            div { dt { "Sponsor" } dd { @if p.sponsor.is_empty() { "Not set" } @else { (p.sponsor) } } }
            @if let Some(idea) = p.idea {
                div { dt { "Started from" } dd { a href={ "/ideas/" (idea) } { "A staff idea" } } }
            }
            div { dt { "Tags" } dd {
                @if p.tags.is_empty() { "None" } @else {
                    ul class="tags" { @for t in &p.tags { li class="tag tag--plain" { (t) } } }
                }
            } }
            div { dt { "Seen by" } dd {
                @if p.private { (org) " only (private)" }
                @else if let Some(s) = &system { "Every organisation of " (s) }
                @else { (org) " only" }
            } }
        }
        p class="actions" {
            @if edit {
                a href={ "/projects/" (p.id) "/edit" } {
                    "Edit project" span class="visually-hidden" { " " (p.title) }
                }
                " · "
            }
            a href={ "/projects/" (p.id) "/history" } { "History" }
            " · "
            a href={ "/projects/" (p.id) "/value" } { "Value" span class="visually-hidden" { " of " (p.title) } }
        }
        h2 { "The problem" }
        (paragraphs(&p.problem, "Not described yet."))
        h2 { "Aim" }
        (paragraphs(&p.aim, "No aim yet."))
        (priorities)
        (closing)
        (spread)
        (event)
        (super::members::team_section(&user, p.id, p.lead, &members, &organisation, grant))
        (involvement)
        (super::progress::section(&user, &progress, grant, None, &super::form::FieldErrors::new(), None))
        h2 id="driver-diagram" { "Driver diagram" }
        (diagram(&p, &nodes))
        @if grant.may(Action::EditDriverDiagram) {
            p { a href={ "/projects/" (p.id) "/drivers" } { "Edit the driver diagram" } }
        }
        h2 { "Measures" }
        @if measures.is_empty() { p { "No measures yet." } } @else { (measure_list(&measures, today())) }
        @if grant.may(Action::DefineMeasure) {
            p { a class="button button--secondary" href={ "/projects/" (p.id) "/measures/new" } { "Add a measure" } }
        }
        h2 { "PDSA cycles" }
        @if pdsas.is_empty() { p { "No PDSA cycles yet." } } @else {
            ul class="pdsa-list" {
                @for c in &pdsas {
                    li {
                        a href={ "/pdsa/" (c.id) } { (c.fields.title) }
                        @if let Some(d) = c.fields.start_date {
                            " – started " (d.format("%-d %b %Y"))
                        }
                        @if let Some(a) = c.fields.act {
                            " – " (a.name())
                        }
                    }
                }
            }
        }
        @if grant.may(Action::LogPdsa) {
            p { a class="button button--secondary" href={ "/projects/" (p.id) "/pdsa/new" } { "Log a PDSA cycle" } }
        }
        (super::search::similar_panel(&user, &similar))
    };
    Ok(layout::page(&p.title, Some(&user), body).into_response())
}

/// A failed look-up of similar work (it takes no query, so only access or the store fail).
fn search_error(e: SearchError) -> PageError {
    match e {
        SearchError::Access(e) => e.into(),
        SearchError::Invalid(p) => PageError::Internal(format!("similar work: {p:?}")),
    }
}

/// Free text as paragraphs, one per blank-line-separated block.
fn paragraphs(text: &str, empty: &str) -> Markup {
    html! {
        @if text.trim().is_empty() {
            p class="hint" { (empty) }
        } @else {
            @for para in text.split("\n\n").map(str::trim).filter(|s| !s.is_empty()) {
                p class="prose" { (para) }
            }
        }
    }
}

/// The edit form of project `p` (as stored now), filled with `f`; with a conflict notice when
/// a save was refused because someone else saved first. The form carries `f`'s version: the
/// one it was loaded with, so that fixing an invalid field never skips a conflict.
fn edit_form(
    user: &CurrentUser,
    p: &Project,
    grant: Grant,
    teams: &[Team],
    f: &ProjectForm,
    errors: &FieldErrors,
    clash: Option<Markup>,
) -> Markup {
    let conflicted = clash.is_some();
    let body = html! {
        a class="back-link" href={ "/projects/" (p.id) } { "Back to the project" }
        h1 { "Edit " (p.title) }
        @if let Some(clash) = clash {
            (clash)
        }
        (form::error_summary_ordered(errors, &FIELD_ORDER))
        form method="post" action={ "/projects/" (p.id) "/edit" } novalidate {
            (csrf_field(user))
            @if let Some(v) = conflict::parse(&f.version) {
                (conflict::version_field(v))
            }
            (project_fields(f, teams, errors, !grant.may(Action::EditAim)))
            button type="submit" class="button" { "Save changes" }
        }
        @if grant.may(Action::Delete) {
            h2 { "Delete this project" }
            p { "Deleting hides the project from everyone. An admin can restore it." }
            form method="post" action={ "/projects/" (p.id) "/delete" } {
                (csrf_field(user))
                (conflict::version_field(p.version))
                button type="submit" class="button button--warning" { "Delete project" }
            }
        }
    };
    let title = if conflicted {
        "Changed by someone else: Edit project"
    } else if errors.is_empty() {
        "Edit project"
    } else {
        "Error: Edit project"
    };
    layout::page(title, Some(user), body)
}

/// The teams a project may be put on: those of its organisation that are not archived, and
/// the team it has even when that one is archived (so that saving keeps it).
async fn teams_for_edit(state: &AppState, p: &Project) -> Result<Vec<Team>, PageError> {
    Ok(state
        .store
        .all_teams(p.org)
        .await?
        .into_iter()
        .filter(|t| !t.archived || Some(t.id) == p.team)
        .collect())
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::EditProject).await?;
    let teams = teams_for_edit(&state, &p).await?;
    let f = ProjectForm::from_project(&p);
    Ok(edit_form(
        &user,
        &p,
        grant,
        &teams,
        &f,
        &FieldErrors::new(),
        None,
    ))
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::EditProject).await?;
    let teams = teams_for_edit(&state, &p).await?;
    match f.parse(&teams, Some(&p)) {
        Ok(fields) => {
            grant.require_project_change(&p, &fields)?;
            let saved = match conflict::parse(&f.version) {
                Some(v) => {
                    state
                        .store
                        .update_project(p.id, &fields, v, user.user.id)
                        .await
                }
                None => Err(StoreError::Stale(format!("the project {}", p.id))),
            };
            match saved {
                // Closing a project asks for its closing summary (if it has none yet).
                Ok(_)
                    if fields.status == ProjectStatus::Closed
                        && p.status != ProjectStatus::Closed
                        && state.store.closing_summary(p.id).await?.is_none() =>
                {
                    Ok(see_other(&format!("/projects/{}/closing?ask=1", p.id)))
                }
                Ok(_) => Ok(see_other(&format!("/projects/{}", p.id))),
                Err(StoreError::Stale(_)) => {
                    // Someone else saved first: show theirs beside ours, keep ours in the form.
                    let (now, _) = load_project(&state, &user, p.id, Action::Read).await?;
                    let theirs = ProjectForm::from_project(&now).shown(&teams);
                    let clash = conflict::notice("project", &theirs, &f.shown(&teams));
                    let f = ProjectForm {
                        version: now.version.to_string(),
                        ..f
                    };
                    let page = edit_form(
                        &user,
                        &now,
                        grant,
                        &teams,
                        &f,
                        &FieldErrors::new(),
                        Some(clash),
                    );
                    Ok((StatusCode::CONFLICT, page).into_response())
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(errors) => {
            let page = edit_form(&user, &p, grant, &teams, &f, &errors, None);
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

/// A delete button's form: its CSRF token and the version of what it deletes as the page
/// showed it (a form without one deletes whatever is stored).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) version: String,
    /// `yes` from the confirmation page; anything else asks first.
    #[serde(default)]
    pub(crate) confirm: String,
}

/// A form that carries nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DeleteForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, _) = load_project(&state, &user, ProjectId(id), Action::Delete).await?;
    let expected = conflict::parse(&f.version);
    confirm::Deletion {
        kind: confirm::Kind::Project,
        name: &p.title,
        action: format!("/projects/{}/delete", p.id),
        back: format!("/projects/{}/edit", p.id),
        next: "/projects".to_owned(),
    }
    .run(
        &user,
        &f.confirm,
        expected,
        state.store.delete_project(p.id, expected, user.user.id),
    )
    .await
}

async fn deleted(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    let admin_orgs: Vec<_> = user
        .memberships
        .iter()
        .filter(|m| gemba_domain::permits(m.role, false, Action::Restore))
        .collect();
    if admin_orgs.is_empty() {
        return Err(PageError::Denied(Action::Restore));
    }
    let mut projects = Vec::new();
    let mut measures = Vec::new();
    let mut cycles = Vec::new();
    let mut nodes = Vec::new();
    for m in admin_orgs {
        for p in state.store.deleted_projects(m.org.id).await? {
            projects.push((m.org.name.clone(), p));
        }
        // Measures and cycles of deleted projects come back with their project.
        for p in state.store.projects(m.org.id).await? {
            for x in state.store.deleted_measures(p.id).await? {
                measures.push((p.title.clone(), x));
            }
            for c in state.store.deleted_pdsas(p.id).await? {
                cycles.push((p.title.clone(), c));
            }
            let deleted = state.store.deleted_driver_nodes(p.id).await?;
            for n in super::drivers::restorable(&deleted) {
                nodes.push((p.title.clone(), n.clone()));
            }
        }
    }
    let body = html! {
        h1 { "Deleted items" }
        p { "Projects, measures, PDSA cycles and driver diagram nodes deleted in the organisations you administer. Restoring brings them back as they were." }
        h2 { "Projects" }
        @if projects.is_empty() {
            p { "No deleted projects." }
        } @else {
            p { "Restoring a project brings it back with its measures, data and PDSA cycles." }
            ul class="card-list" {
                @for (org, p) in &projects {
                    li class="card" {
                        h3 class="card__title" { (p.title) }
                        p { (org) " · last changed " (p.updated_at.format("%-d %b %Y %H:%M")) }
                        form method="post" action={ "/projects/" (p.id) "/restore" } {
                            (csrf_field(&user))
                            button type="submit" class="button button--secondary" {
                                "Restore" span class="visually-hidden" { " " (p.title) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Measures" }
        @if measures.is_empty() {
            p { "No deleted measures." }
        } @else {
            p { "Restoring a measure brings it back with its data." }
            ul class="card-list" {
                @for (project, m) in &measures {
                    li class="card" {
                        h3 class="card__title" { (m.name) }
                        p { "Measure of " (project) }
                        form method="post" action={ "/measures/" (m.id) "/restore" } {
                            (csrf_field(&user))
                            button type="submit" class="button button--secondary" {
                                "Restore" span class="visually-hidden" { " measure " (m.name) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "PDSA cycles" }
        @if cycles.is_empty() {
            p { "No deleted PDSA cycles." }
        } @else {
            ul class="card-list" {
                @for (project, c) in &cycles {
                    li class="card" {
                        h3 class="card__title" { (c.fields.title) }
                        p { "PDSA cycle of " (project) }
                        form method="post" action={ "/pdsa/" (c.id) "/restore" } {
                            (csrf_field(&user))
                            button type="submit" class="button button--secondary" {
                                "Restore" span class="visually-hidden" { " PDSA cycle " (c.fields.title) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Driver diagram nodes" }
        @if nodes.is_empty() {
            p { "No deleted driver diagram nodes." }
        } @else {
            p { "Restoring a driver brings it back with the nodes deleted with it." }
            ul class="card-list" {
                @for (project, n) in &nodes {
                    li class="card" {
                        h3 class="card__title" { (n.text) }
                        p { (super::drivers::kind_label(n.kind)) " in the driver diagram of " (project) }
                        form method="post" action={ "/drivers/" (n.id) "/restore" } {
                            (csrf_field(&user))
                            button type="submit" class="button button--secondary" {
                                "Restore" span class="visually-hidden" { " " (super::drivers::kind_words(n.kind)) " " (n.text) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Deleted items", Some(&user), body))
}

async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = ProjectId(id);
    user.access(&state)
        .resource(Resource::Project(id), Action::Restore)
        .await?;
    state.store.restore_project(id, user.user.id).await?;
    Ok(see_other(&format!("/projects/{id}")))
}

async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (p, _) = load_project(&state, &user, ProjectId(id), Action::Read).await?;
    let entries = crate::history::lines(&state.store.history(p.id).await?);
    let body = html! {
        a class="back-link" href={ "/projects/" (p.id) } { "Back to the project" }
        h1 { "History of " (p.title) }
        @if entries.is_empty() {
            p { "No changes recorded yet." }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Changes, newest first" }
                    thead { tr {
                        th scope="col" { "When (UTC)" }
                        th scope="col" { "Who" }
                        th scope="col" { "What" }
                    } }
                    tbody {
                        @for e in &entries {
                            tr {
                                td {
                                    time datetime=(e.at.format("%Y-%m-%dT%H:%M:%SZ")) {
                                        (e.at.format("%-d %b %Y %H:%M"))
                                    }
                                }
                                td { (e.who) }
                                td { (e.what) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("History", Some(&user), body))
}
