//! Closing a project (its closing summary, asked for when it is closed) and the learning library
//! of closed and sustained projects with their change packages.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    change_package, library, may_sum_up, write_closing_summary, Action, AdoptedChange, BoardError,
    ClosingDraft, Grant, Project, ProjectId, SearchError, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::board_error;
use super::conflict;
use super::dashboard::{measure_list, measure_summaries, status_label, today};
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::{load_project, Path};
use crate::AppState;

page_routes! {
    get "/library" => library_page, Own;
    get "/projects/{id}/closing" => closing_page, Do(Action::Read);
    post "/projects/{id}/closing" => save_closing, Do(Action::EditProject);
}

#[derive(Debug, Default, Deserialize)]
struct LibraryQuery {
    #[serde(default)]
    tag: String,
    /// Words to find.
    #[serde(default)]
    q: String,
}

/// The adopted change ideas of a project with their cycles, as a list.
pub(crate) fn package_list(package: &[AdoptedChange]) -> Markup {
    html! {
        @if package.is_empty() {
            p class="hint" { "No change idea was adopted in a PDSA cycle." }
        } @else {
            ul class="change-package" {
                @for a in package {
                    li {
                        strong { (a.idea.text) }
                        " – tested in "
                        @for (i, c) in a.cycles.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href={ "/pdsa/" (c.id) } { (c.fields.title) }
                            @if let Some(act) = c.fields.act { " (" (act.name()) ")" }
                        }
                    }
                }
            }
        }
    }
}

async fn library_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LibraryQuery>,
) -> Result<Markup, PageError> {
    let tag = q.tag.trim();
    let words = q.q.trim();
    let entries = library(
        &user.access(&state),
        (!tag.is_empty()).then_some(tag),
        (!words.is_empty()).then_some(words),
    )
    .await
    .map_err(|e| match e {
        SearchError::Access(e) => e.into(),
        SearchError::Invalid(_) => PageError::BadRequest(format!(
            "The words to find must be {} characters or fewer.",
            gemba_domain::MAX_QUERY_CHARS
        )),
    })?;
    let may_adopt = !user
        .access(&state)
        .orgs_where(Action::CreateProject)
        .is_empty();
    let body = html! {
        h1 { "Learning library" }
        p {
            "What closed and sustained projects learned: their closing summaries and change packages "
            "(the change ideas they adopted, with the PDSA cycles that tested them)."
        }
        form method="get" action="/library" class="inline-form" {
            (form::text_input("q", "Words", words, Some("Found in the title, problem, aim, change ideas and measures."), &FieldErrors::new()))
            (form::text_input("tag", "Tag", tag, Some("Like falls or flow."), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Filter" }
        }
        @if entries.is_empty() {
            p { "No closed or sustained projects" @if !words.is_empty() { " with the words “" (words) "”" } @if !tag.is_empty() { " tagged “" (tag) "”" } " yet." }
        }
        @for e in &entries {
            article class="card library-entry" aria-labelledby={ "lib-" (e.project.id) } {
                h2 id={ "lib-" (e.project.id) } { a href={ "/projects/" (e.project.id) } { (e.project.title) } }
                p class="hint" {
                    (e.org_name) " · " (status_label(e.project.status))
                    @if !e.project.tags.is_empty() { " · tags: " (e.project.tags.join(", ")) }
                }
                @match &e.summary {
                    Some(s) => {
                        h3 { "What worked" } p { (s.text.what_worked) }
                        @if !s.text.what_did_not.is_empty() { h3 { "What did not" } p { (s.text.what_did_not) } }
                        @if !s.text.results.is_empty() { h3 { "Results" } p { (s.text.results) } }
                    }
                    None => p class="hint" { "No closing summary yet." }
                }
                h3 { "Change package" }
                (package_list(&e.package))
                p class="actions" {
                    a href={ "/projects/" (e.project.id) "/spread" } { "See its spread" span class="visually-hidden" { ": " (e.project.title) } }
                    @if may_adopt {
                    " · "
                    a href={ "/projects/" (e.project.id) "/adopt" } { "Adopt this change package" span class="visually-hidden" { ": " (e.project.title) } }
                    }
                }
            }
        }
    };
    Ok(layout::page("Learning library", Some(&user), body))
}

/// The "Closing summary" part of a project's page, once it is closed, sustaining or spreading.
pub(crate) async fn project_section(
    state: &AppState,
    project: &Project,
    grant: Grant,
) -> Result<Markup, PageError> {
    if !may_sum_up(project.status) {
        return Ok(html! {});
    }
    let store = state.store.as_ref();
    let summary = store.closing_summary(project.id).await?;
    let package = change_package(
        &store.driver_nodes(project.id).await?,
        &store.pdsas(project.id).await?,
    );
    Ok(html! {
        h2 id="closing" { "Closing summary" }
        @match &summary {
            Some(s) => p { (s.text.what_worked) }
            None => p class="hint" { "Not written yet." }
        }
        p {
            a href={ "/projects/" (project.id) "/closing" } {
                @if summary.is_none() && grant.may(Action::EditProject) { "Write the closing summary" } @else { "Read the closing summary" }
            }
        }
        h3 { "Change package" }
        (package_list(&package))
    })
}

#[derive(Debug, Default, Deserialize)]
struct ClosingQuery {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    ask: String,
}

#[derive(Debug, Default, Deserialize)]
struct ClosingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    what_worked: String,
    #[serde(default)]
    what_did_not: String,
    #[serde(default)]
    results: String,
    #[serde(default)]
    version: String,
}

async fn closing_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ClosingQuery>,
) -> Result<Markup, PageError> {
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::Read).await?;
    let current = state.store.closing_summary(p.id).await?;
    let typed = ClosingForm {
        what_worked: current
            .as_ref()
            .map(|c| c.text.what_worked.clone())
            .unwrap_or_default(),
        what_did_not: current
            .as_ref()
            .map(|c| c.text.what_did_not.clone())
            .unwrap_or_default(),
        results: current
            .as_ref()
            .map(|c| c.text.results.clone())
            .unwrap_or_default(),
        ..ClosingForm::default()
    };
    let notice = if q.saved == "1" {
        Some(
            html! { div class="notice" role="status" { p { "The closing summary is saved. It is in the learning library." } } },
        )
    } else if q.ask == "1" {
        Some(
            html! { div class="notice" role="status" { p { "The project is closed. Sum up what it learned for the teams that come after." } } },
        )
    } else {
        None
    };
    render_closing(
        &state,
        &user,
        &p,
        grant,
        current.map(|c| c.version),
        &typed,
        &FieldErrors::new(),
        notice,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // one page, drawn from its parts
async fn render_closing(
    state: &AppState,
    user: &CurrentUser,
    p: &Project,
    grant: Grant,
    version: Option<Version>,
    typed: &ClosingForm,
    errors: &FieldErrors,
    notice: Option<Markup>,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let measures = measure_summaries(state, p).await?;
    let package = change_package(&store.driver_nodes(p.id).await?, &store.pdsas(p.id).await?);
    let edit = grant.may(Action::EditProject) && may_sum_up(p.status);
    let body = html! {
        span class="caption" { a href={ "/projects/" (p.id) } { (p.title) } }
        h1 { "Closing summary" }
        @if let Some(n) = notice { (n) }
        h2 { "Results on the charts" }
        @if measures.is_empty() { p class="hint" { "The project has no measures." } } @else { (measure_list(&measures, today())) }
        h2 { "Change package" }
        (package_list(&package))
        @if edit {
            (form::error_summary_ordered(errors, &["what_worked", "what_did_not", "results"]))
            form method="post" action={ "/projects/" (p.id) "/closing" } novalidate {
                (csrf_field(user))
                @if let Some(v) = version { (conflict::version_field(v)) }
                (form::textarea("what_worked", "What worked", &typed.what_worked, Some("The changes that made the difference, and why they worked here."), errors))
                (form::textarea("what_did_not", "What did not work", &typed.what_did_not, Some("What was tried and dropped, so that others need not."), errors))
                (form::textarea("results", "Results", &typed.results, Some("What the measures above show, in a sentence or two."), errors))
                button type="submit" class="button" { "Save the closing summary" }
            }
        } @else if version.is_some() {
            h2 { "What worked" } p { (typed.what_worked) }
            h2 { "What did not work" } p { (typed.what_did_not) }
            h2 { "Results" } p { (typed.results) }
        } @else {
            p { "Not written yet." @if !may_sum_up(p.status) { " A project is summed up once it is closed, sustaining or spreading." } }
        }
    };
    let title = if errors.is_empty() {
        "Closing summary"
    } else {
        "Error: Closing summary"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn save_closing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ClosingForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::EditProject).await?;
    let expected = match f.version.trim() {
        "" => None,
        v => Some(conflict::parse(v).unwrap_or(Version(0))),
    };
    let draft = ClosingDraft {
        what_worked: Some(f.what_worked.clone()),
        what_did_not: Some(f.what_did_not.clone()),
        results: Some(f.results.clone()),
    };
    match write_closing_summary(&user.access(&state), p.id, &draft, expected).await {
        Ok(_) => Ok(see_other(&format!("/projects/{}/closing?saved=1", p.id))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_closing(
                &state,
                &user,
                &p,
                grant,
                expected,
                &f,
                &problems.into(),
                None,
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            let current = state.store.closing_summary(p.id).await?;
            let text = current.as_ref().map(|c| c.text.clone()).unwrap_or_default();
            let theirs: Vec<conflict::Shown> = vec![
                ("What worked", text.what_worked),
                ("What did not work", text.what_did_not),
                ("Results", text.results),
            ];
            let yours: Vec<conflict::Shown> = vec![
                ("What worked", f.what_worked.clone()),
                ("What did not work", f.what_did_not.clone()),
                ("Results", f.results.clone()),
            ];
            let notice = conflict::notice("closing summary", &theirs, &yours);
            let page = render_closing(
                &state,
                &user,
                &p,
                grant,
                current.map(|c| c.version),
                &f,
                &FieldErrors::new(),
                Some(notice),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
