//! A project's team and its lead: the people working on it, chosen from its organisation's
//! members.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{MemberInput, MemberJson, ProjectJson};
use gemba_domain::{team_change, Action, ProjectId, StoreError, UserId};

use super::{
    created, delete_refused, project_access, tagged, ApiError, ApiUser, Id, IdAnd, IfMatch,
    JsonBody,
};
use crate::AppState;

/// `GET /projects/{id}/members`: the team, by name.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<MemberJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    let members = state.store.project_members(project.id).await?;
    Ok(Json(members.iter().map(MemberJson::from).collect()))
}

/// `POST /projects/{id}/members`: puts a member of the project's organisation on its team
/// (adding someone already on it changes nothing); anyone else is 422 `user_id`.
pub async fn add(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<MemberInput>,
) -> Result<Response, ApiError> {
    let member = input.to_user()?;
    let (project, _) =
        project_access(&state, &user, ProjectId(id), team_change(user.id, member)).await?;
    let outside = || {
        ApiError::field(
            "user_id",
            format!("there is no user {member} in this project's organisation"),
        )
    };
    let person = state
        .store
        .org_members(project.org)
        .await?
        .into_iter()
        .map(|(u, _)| u)
        .find(|u| u.id == member)
        .ok_or_else(outside)?;
    match state
        .store
        .add_project_member(project.id, member, user.id)
        .await
    {
        Ok(()) => {}
        // They left the organisation in the meantime.
        Err(StoreError::Missing(_)) => return Err(outside()),
        Err(e) => return Err(e.into()),
    }
    Ok(created(
        format!("/api/v1/projects/{}/members", project.id),
        MemberJson::from(&person),
    ))
}

/// `DELETE /projects/{id}/members/{user_id}`: takes someone off the team; 404 when they are
/// not on it.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, member): IdAnd,
) -> Result<StatusCode, ApiError> {
    let member = member
        .parse::<i64>()
        .map(UserId)
        .map_err(|_| ApiError::NotFound)?;
    let (project, _) =
        project_access(&state, &user, ProjectId(id), team_change(user.id, member)).await?;
    let members = state.store.project_members(project.id).await?;
    if !members.iter().any(|m| m.id == member) {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .remove_project_member(project.id, member, user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /projects/{id}/lead`: makes `user_id` (an active member of the project's
/// organisation who is not a board viewer) the project's lead and puts them on its team;
/// answers the project. With `If-Match`, only if the project is still at that version.
pub async fn choose_lead(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<MemberInput>,
) -> Result<Response, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::ChooseLead).await?;
    let lead = input.to_user()?;
    match state
        .store
        .set_project_lead(project.id, Some(lead), if_match, user.id)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Missing(_)) => {
            return Err(ApiError::field(
                "user_id",
                format!("there is no active user {lead} in this project's organisation"),
            ))
        }
        Err(StoreError::Refused(why)) => return Err(ApiError::field("user_id", why)),
        Err(StoreError::Stale(_)) => {
            return Err(delete_refused(
                state.store.project(project.id).await?,
                |p| p.version,
                |p| ProjectJson::from(p),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let project = state
        .store
        .project(project.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(tagged(project.version, ProjectJson::from(&project)))
}
