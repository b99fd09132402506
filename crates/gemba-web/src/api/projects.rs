//! `/me`, `/projects` and a project's history.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{HistoryJson, MeJson, ProjectInput, ProjectJson};
use gemba_domain::{OrgId, ProjectFields, ProjectId, TeamId};

use super::{created, project_access, require_edit, require_lead, ApiError, ApiUser, Id, JsonBody};
use crate::AppState;

/// `GET /me`: the token's user and their organisations.
pub async fn me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<MeJson>, ApiError> {
    let memberships = state.store.memberships(user.id).await?;
    Ok(Json(MeJson::new(&user, &memberships)))
}

/// `GET /projects`: the projects of every organisation the user belongs to.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ProjectJson>>, ApiError> {
    let mut out = Vec::new();
    for m in state.store.memberships(user.id).await? {
        out.extend(
            state
                .store
                .projects(m.org.id)
                .await?
                .iter()
                .map(ProjectJson::from),
        );
    }
    Ok(Json(out))
}

/// 422 unless the project's team (if any) is a team of `org` that is not archived, or the
/// team it already has (`current`), which it keeps when that team is archived.
async fn check_team(
    state: &AppState,
    org: OrgId,
    fields: &ProjectFields,
    current: Option<TeamId>,
) -> Result<(), ApiError> {
    if let Some(team) = fields.team.filter(|t| Some(*t) != current) {
        if !state.store.teams(org).await?.iter().any(|t| t.id == team) {
            return Err(ApiError::field(
                "team_id",
                format!("there is no team {team} in this project's organisation"),
            ));
        }
    }
    Ok(())
}

/// `POST /projects`: in the user's organisation, or `org_id` when they belong to several.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<Response, ApiError> {
    let memberships = state.store.memberships(user.id).await?;
    let membership = match input.org_id {
        Some(id) => memberships
            .iter()
            .find(|m| m.org.id.0 == id)
            .ok_or_else(|| {
                ApiError::field(
                    "org_id",
                    format!("you are not a member of organisation {id}"),
                )
            })?,
        None => match memberships.as_slice() {
            [] => {
                return Err(ApiError::Forbidden(
                    "you are not a member of any organisation",
                ))
            }
            [only] => only,
            several => {
                let ids: Vec<String> = several.iter().map(|m| m.org.id.to_string()).collect();
                return Err(ApiError::field(
                    "org_id",
                    format!(
                        "is required: you belong to several organisations ({})",
                        ids.join(", ")
                    ),
                ));
            }
        },
    };
    require_edit(membership.role)?;
    let org = membership.org.id;
    let fields = input.to_fields(None)?;
    check_team(&state, org, &fields, None).await?;
    let id = state.store.create_project(org, &fields, user.id).await?;
    let project = state
        .store
        .project(id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("project {id} vanished after creation")))?;
    Ok(created(
        format!("/api/v1/projects/{id}"),
        ProjectJson::from(&project),
    ))
}

/// `GET /projects/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<ProjectJson>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id)).await?;
    Ok(Json(ProjectJson::from(&project)))
}

/// `PATCH /projects/{id}`: any subset of the fields.
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<Json<ProjectJson>, ApiError> {
    let (project, role) = project_access(&state, &user, ProjectId(id)).await?;
    require_edit(role)?;
    if input.org_id.is_some_and(|o| o != project.org.0) {
        return Err(ApiError::field(
            "org_id",
            "a project cannot move to another organisation",
        ));
    }
    let fields = input.to_fields(Some(&project))?;
    check_team(&state, project.org, &fields, project.team).await?;
    state
        .store
        .update_project(project.id, &fields, user.id)
        .await?;
    let project = state
        .store
        .project(project.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ProjectJson::from(&project)))
}

/// `DELETE /projects/{id}`: admins and improvement leads; an admin can restore it.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let (project, role) = project_access(&state, &user, ProjectId(id)).await?;
    require_lead(
        role,
        "only an admin or an improvement lead can delete a project",
    )?;
    state.store.delete_project(project.id, user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /projects/{id}/history`: who changed what, newest first.
pub async fn history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<HistoryJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id)).await?;
    let entries = state.store.history(project.id).await?;
    Ok(Json(entries.iter().map(HistoryJson::from).collect()))
}
