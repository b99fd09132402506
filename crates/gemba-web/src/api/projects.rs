//! `/me`, `/projects` and a project's history.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{HistoryJson, MeJson, ProjectInput, ProjectJson};
use gemba_domain::{Action, OrgId, Project, ProjectFields, ProjectId, StoreError, TeamId};

use super::{
    access, created_tagged, delete_refused, merge_patch, project_access, tagged, ApiError, ApiUser,
    Id, IfMatch, JsonBody,
};
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

/// 422 unless the project's team (if any) is a live team of `org`, or the team it already
/// has (`current`), which it keeps when that team is archived (the domain's team rule).
async fn check_team(
    state: &AppState,
    org: OrgId,
    fields: &ProjectFields,
    current: Option<TeamId>,
) -> Result<(), ApiError> {
    if fields.team.is_some_and(|t| Some(t) != current) {
        let teams = state.store.teams(org).await?;
        gemba_domain::check_team(fields.team, &teams, current)?;
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
    let org = membership.org.id;
    access(&state, &user)
        .await?
        .org(org, Action::CreateProject)?;
    let fields = input.to_fields(None)?;
    check_team(&state, org, &fields, None).await?;
    let id = state.store.create_project(org, &fields, user.id).await?;
    let project = state.store.project(id).await?.ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/projects/{id}"),
        project.version,
        ProjectJson::from(&project),
    ))
}

/// `GET /projects/{id}`, with its `ETag`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    Ok(tagged(project.version, ProjectJson::from(&project)))
}

/// `PATCH /projects/{id}`: any subset of the fields; the others keep their stored values even
/// when someone else changes them meanwhile. With `If-Match`, only if the project is still at
/// that version (412 with the current project otherwise).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<Response, ApiError> {
    let (project, grant) =
        project_access(&state, &user, ProjectId(id), Action::EditProject).await?;
    if input.org_id.is_some_and(|o| o != project.org.0) {
        return Err(ApiError::field(
            "org_id",
            "a project cannot move to another organisation",
        ));
    }
    let id = project.id;
    // The merge closures share these; each round's future borrows them.
    let (state, input, user) = (&state, &input, &user);
    let project = merge_patch(
        if_match,
        project,
        |p: &Project| p.version,
        |p: &Project| ProjectJson::from(p),
        || async { state.store.project(id).await?.ok_or(ApiError::NotFound) },
        |current: Project| async move {
            let fields = input.to_fields(Some(&current))?;
            grant.require_project_change(&current, &fields)?;
            check_team(state, current.org, &fields, current.team).await?;
            state
                .store
                .update_project(id, &fields, current.version, user.id)
                .await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(project.version, ProjectJson::from(&project)))
}

/// `DELETE /projects/{id}`: the project's lead, improvement leads and admins; an admin can
/// restore it. With `If-Match`, only if the project is still at that version.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Delete).await?;
    match state
        .store
        .delete_project(project.id, if_match, user.id)
        .await
    {
        Err(StoreError::Stale(_)) => Err(delete_refused(
            state.store.project(project.id).await?,
            |p| p.version,
            |p| ProjectJson::from(p),
        )),
        done => Ok(done.map(|()| StatusCode::NO_CONTENT)?),
    }
}

/// `GET /projects/{id}/history`: who changed what, newest first.
pub async fn history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<HistoryJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    let entries = state.store.history(project.id).await?;
    Ok(Json(entries.iter().map(HistoryJson::from).collect()))
}
