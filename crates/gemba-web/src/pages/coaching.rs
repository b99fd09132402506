//! Coaching (issue 13 §2): each improvement lead's load (the active projects they coach) and,
//! for improvement leads and admins, assigning coaches to projects and taking them off.

use axum::extract::State;
use axum::response::Response;
use axum::Form;
use gemba_domain::{
    assign_coach, coaches_of, coaching_loads, is_active_work, remove_coach, Action, ProjectId,
    UserId,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::{board_error, org_of};
use super::error::PageError;
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/orgs/{org}/coaching" => coaching_page, Do(Action::Read);
    post "/projects/{id}/coaches" => add, Do(Action::AssignCoaches);
    post "/projects/{id}/coaches/{user}/remove" => remove, Do(Action::AssignCoaches);
}

async fn coaching_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    let access = user.access(&state);
    let loads = coaching_loads(&access, org).await?;
    let store = state.store.as_ref();
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let assigns = grant.may(Action::AssignCoaches);
    let mut projects = Vec::new();
    if assigns {
        for p in store
            .projects(org)
            .await?
            .into_iter()
            .filter(|p| is_active_work(p.status))
        {
            let coaches = coaches_of(&access, p.id).await?;
            projects.push((p, coaches));
        }
    }
    let lead_ids: Vec<String> = loads.iter().map(|l| l.coach.id.to_string()).collect();
    let options: Vec<(&str, &str)> = std::iter::once(("", "Choose a coach"))
        .chain(
            loads
                .iter()
                .zip(&lead_ids)
                .map(|(l, id)| (id.as_str(), l.coach.name.as_str())),
        )
        .collect();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Coaching" }
        p { "Improvement leads coach project teams. A coach's load is the number of active projects (scoping to spreading) they coach." }
        p { a href={ "/orgs/" (org) "/training" } { "Improvement training" } }
        @if loads.is_empty() {
            p { "This organisation has no improvement leads." }
        } @else {
            div class="table-scroll" role="region" aria-label="Coaching load" tabindex="0" {
                table class="table" {
                    caption { "Each improvement lead's coaching load, the busiest first" }
                    thead { tr {
                        th scope="col" { "Coach" }
                        th scope="col" { "Active projects" }
                        th scope="col" { "Projects" }
                    } }
                    tbody {
                        @for l in &loads {
                            tr {
                                th scope="row" { (l.coach.name) }
                                td { (l.active.len()) }
                                td {
                                    @if l.active.is_empty() { "None" }
                                    @for (i, p) in l.active.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a href={ "/projects/" (p.id) } { (p.title) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if assigns {
            h2 id="assign" { "Coaches of active projects" }
            @if projects.is_empty() { p { "No active projects." } }
            @for (p, coaches) in &projects {
                section class="card" aria-labelledby={ "project-" (p.id) } {
                    h3 class="card__title" id={ "project-" (p.id) } { a href={ "/projects/" (p.id) } { (p.title) } }
                    @if coaches.is_empty() { p class="hint" { "No coach yet." } }
                    ul {
                        @for c in coaches {
                            li {
                                (c.name) " "
                                form method="post" action={ "/projects/" (p.id) "/coaches/" (c.id) "/remove" } class="table__form" {
                                    (csrf_field(&user))
                                    button type="submit" class="link-button" { "Take off" span class="visually-hidden" { " " (c.name) " as coach of " (p.title) } }
                                }
                            }
                        }
                    }
                    form method="post" action={ "/projects/" (p.id) "/coaches" } class="inline-form" {
                        (csrf_field(&user))
                        @let field = format!("coach-{}", p.id);
                        div class="form-group" {
                            label class="label" for=(field) { "Add a coach" span class="visually-hidden" { " to " (p.title) } }
                            select class="select" id=(field) name="coach" {
                                @for (value, label) in &options { option value=(value) { (label) } }
                            }
                        }
                        button type="submit" class="button button--secondary" { "Add" }
                    }
                }
            }
        }
    };
    Ok(layout::page("Coaching", Some(&user), body))
}

#[derive(Debug, Default, Deserialize)]
struct CoachForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    coach: String,
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CoachForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let project = access.project(ProjectId(id), Action::AssignCoaches).await?;
    let org = project.item().org;
    let coach = f
        .coach
        .trim()
        .parse::<i64>()
        .map_err(|_| PageError::BadRequest("Choose a coach from the list.".into()))?;
    assign_coach(&access, ProjectId(id), UserId(coach))
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/orgs/{org}/coaching#project-{id}")))
}

async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, coach)): Path<(i64, String)>,
    Form(f): Form<CoachForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let project = access.project(ProjectId(id), Action::AssignCoaches).await?;
    let org = project.item().org;
    let coach = coach.parse::<i64>().map_err(|_| PageError::NotFound)?;
    remove_coach(&access, ProjectId(id), UserId(coach)).await?;
    Ok(see_other(&format!("/orgs/{org}/coaching#project-{id}")))
}
