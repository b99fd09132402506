//! A project's team: the people working on it (patient partners included), added from the
//! members of the project's organisation. Shown on the project page; every change is in the
//! project's history.

use crate::pages::Path;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use gemba_domain::{ProjectId, Role, StoreError, User, UserId};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::layout::csrf_field;
use super::load_project;
use super::session::{see_other, CurrentUser};
use crate::AppState;

/// Routes of the project team.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/members", post(add))
        .route("/projects/{id}/members/{user}/remove", post(remove))
}

/// The form of the add and remove buttons.
#[derive(Deserialize)]
struct MemberForm {
    csrf: String,
    #[serde(default)]
    user: String,
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let (project, role) = load_project(&state, &user, ProjectId(id)).await?;
    user.check_edit(&form.csrf, role)?;
    let Ok(member) = form.user.trim().parse::<i64>() else {
        return Err(PageError::BadRequest(
            "Choose a person to add to the team.".into(),
        ));
    };
    match state
        .store
        .add_project_member(project.id, UserId(member), user.user.id)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/projects/{}#team", project.id))),
        // Not a member of the project's organisation: the same answer as an unknown id.
        Err(StoreError::Missing(_)) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(i64, i64)>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let (project, role) = load_project(&state, &user, ProjectId(id)).await?;
    user.check_edit(&form.csrf, role)?;
    state
        .store
        .remove_project_member(project.id, UserId(member), user.user.id)
        .await?;
    Ok(see_other(&format!("/projects/{}#team", project.id)))
}

/// The "Project team" section of the project page: the members, and for editors a button to
/// take each off and a form to add anyone else of the organisation.
pub(crate) fn team_section(
    user: &CurrentUser,
    project: ProjectId,
    members: &[User],
    organisation: &[(User, Role)],
    edit: bool,
) -> Markup {
    let candidates: Vec<&(User, Role)> = organisation
        .iter()
        .filter(|(u, _)| !members.iter().any(|m| m.id == u.id))
        .collect();
    let role_of = |id: UserId| {
        organisation
            .iter()
            .find(|(u, _)| u.id == id)
            .map(|(_, r)| r.label())
    };
    html! {
        h2 id="team" { "Project team" }
        @if members.is_empty() {
            p class="hint" { "No one has joined the team yet." }
        } @else {
            ul class="team-list" {
                @for m in members {
                    li {
                        (m.name)
                        @if let Some(r) = role_of(m.id) { " (" (r) ")" }
                        @if edit {
                            " "
                            form class="team-list__remove" method="post"
                                action={ "/projects/" (project) "/members/" (m.id) "/remove" } {
                                (csrf_field(user))
                                button class="button button--link" type="submit" {
                                    "Remove" span class="visually-hidden" { " " (m.name) " from the team" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if edit && !candidates.is_empty() {
            form method="post" action={ "/projects/" (project) "/members" } {
                (csrf_field(user))
                div class="form-group" {
                    label class="label" for="team-user" { "Add someone to the team" }
                    select class="select" id="team-user" name="user" {
                        @for (u, r) in &candidates {
                            option value=(u.id) { (u.name) " (" (r.label()) ")" }
                        }
                    }
                }
                button class="button button--secondary" type="submit" { "Add to the team" }
            }
        }
    }
}
