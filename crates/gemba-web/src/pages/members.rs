//! A project's team and its lead: the people working on it (patient partners included), added
//! from the members of the project's organisation. Shown on the project page; every change is
//! in the project's history. Anyone who contributes may join or leave a team; putting others on
//! it, taking them off and choosing the lead are for the project's lead, improvement leads and
//! admins ([`gemba_domain::POLICY`]).

use crate::pages::Path;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use gemba_domain::{team_change, Action, Grant, ProjectId, Role, StoreError, User, UserId};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::layout::csrf_field;
use super::load_project;
use super::session::{see_other, CurrentUser};
use crate::AppState;

page_routes! {
    post "/projects/{id}/members" => add, Do(Action::JoinTeam);
    post "/projects/{id}/members/{user}/remove" => remove, Do(Action::JoinTeam);
    post "/projects/{id}/lead" => choose_lead, Do(Action::ChooseLead);
}

/// The form of the add, remove and lead buttons.
#[derive(Deserialize)]
struct MemberForm {
    csrf: String,
    #[serde(default)]
    user: String,
}

impl MemberForm {
    /// The person the form names.
    fn person(&self, what: &str) -> Result<UserId, PageError> {
        self.user
            .trim()
            .parse::<i64>()
            .map(UserId)
            .map_err(|_| PageError::BadRequest(format!("Choose a person {what}.")))
    }
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf)?;
    let member = form.person("to add to the team")?;
    let (project, _) = load_project(
        &state,
        &user,
        ProjectId(id),
        team_change(user.user.id, member),
    )
    .await?;
    match state
        .store
        .add_project_member(project.id, member, user.user.id)
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
    user.check_csrf(&form.csrf)?;
    let member = UserId(member);
    let (project, _) = load_project(
        &state,
        &user,
        ProjectId(id),
        team_change(user.user.id, member),
    )
    .await?;
    state
        .store
        .remove_project_member(project.id, member, user.user.id)
        .await?;
    Ok(see_other(&format!("/projects/{}#team", project.id)))
}

async fn choose_lead(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf)?;
    let (project, _) = load_project(&state, &user, ProjectId(id), Action::ChooseLead).await?;
    let lead = form.person("to lead the project")?;
    match state
        .store
        .set_project_lead(project.id, Some(lead), None, user.user.id)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/projects/{}#team", project.id))),
        Err(StoreError::Missing(_)) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The "Project team" section of the project page: the lead and the members; buttons to join
/// or leave for contributors, and for the project's lead, improvement leads and admins buttons to
/// take each member off, make one the lead, and a form to add anyone else of the organisation.
pub(crate) fn team_section(
    user: &CurrentUser,
    project: ProjectId,
    lead: Option<UserId>,
    members: &[User],
    organisation: &[(User, Role)],
    grant: Grant,
) -> Markup {
    let me = user.user.id;
    let manage = grant.may(Action::ManageTeam);
    let choose_lead = grant.may(Action::ChooseLead);
    let joined = members.iter().any(|m| m.id == me);
    let candidates: Vec<&(User, Role)> = organisation
        .iter()
        .filter(|(u, _)| !members.iter().any(|m| m.id == u.id))
        .collect();
    let role_of = |id: UserId| {
        organisation
            .iter()
            .find(|(u, _)| u.id == id)
            .map(|(_, r)| *r)
    };
    let lead_name = lead.and_then(|l| {
        organisation
            .iter()
            .map(|(u, _)| u)
            .chain(members)
            .find(|u| u.id == l)
            .map(|u| u.name.clone())
    });
    html! {
        h2 id="team" { "Project team" }
        p { "Project lead: " strong { (lead_name.as_deref().unwrap_or("no one")) } }
        @if members.is_empty() {
            p class="hint" { "No one has joined the team yet." }
        } @else {
            ul class="team-list" {
                @for m in members {
                    li {
                        (m.name)
                        @if let Some(r) = role_of(m.id) { " (" (r.label()) ")" }
                        @if lead == Some(m.id) { " – project lead" }
                        @if choose_lead && lead != Some(m.id)
                            && role_of(m.id).is_some_and(|r| !r.only_reads_work()) {
                            " "
                            form class="team-list__remove" method="post"
                                action={ "/projects/" (project) "/lead" } {
                                (csrf_field(user))
                                input type="hidden" name="user" value=(m.id);
                                button class="button button--link" type="submit" {
                                    "Make lead" span class="visually-hidden" { " " (m.name) }
                                }
                            }
                        }
                        @if manage || (m.id == me && grant.may(Action::JoinTeam)) {
                            " "
                            form class="team-list__remove" method="post"
                                action={ "/projects/" (project) "/members/" (m.id) "/remove" } {
                                (csrf_field(user))
                                button class="button button--link" type="submit" {
                                    @if m.id == me { "Leave the team" } @else {
                                        "Remove" span class="visually-hidden" { " " (m.name) " from the team" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage && !candidates.is_empty() {
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
        } @else if !joined && grant.may(Action::JoinTeam) {
            form method="post" action={ "/projects/" (project) "/members" } {
                (csrf_field(user))
                input type="hidden" name="user" value=(me);
                button class="button button--secondary" type="submit" { "Join the team" }
            }
        }
    }
}
