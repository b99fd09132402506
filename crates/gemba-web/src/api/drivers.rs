//! Driver diagrams: primary drivers, secondary drivers and change ideas under a project's aim.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{DriverNodeInput, DriverNodeJson};
use gemba_domain::{Action, DriverKind, DriverNode, DriverNodeId, ProjectId, StoreError};

use super::{
    created_tagged, delete_refused, driver_node_access, merge_patch, project_access, tagged,
    ApiError, ApiUser, Id, IfMatch, JsonBody,
};
use crate::AppState;

/// `GET /projects/{id}/driver-nodes`: every node, in the order they were added.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<DriverNodeJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    let nodes = state.store.driver_nodes(project.id).await?;
    Ok(Json(nodes.iter().map(DriverNodeJson::from).collect()))
}

/// `POST /projects/{id}/driver-nodes`: the kind follows from the parent (none: a primary
/// driver; a primary driver: a secondary driver; a secondary driver: a change idea). A parent
/// that is a change idea, or not a node of this project, is 422 `parent_id`.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<DriverNodeInput>,
) -> Result<Response, ApiError> {
    let (project, _) =
        project_access(&state, &user, ProjectId(id), Action::EditDriverDiagram).await?;
    let kind = match input.parent() {
        None => DriverKind::Primary,
        Some(parent) => {
            let nodes = state.store.driver_nodes(project.id).await?;
            let parent = nodes.iter().find(|n| n.id == parent).ok_or_else(|| {
                ApiError::field(
                    "parent_id",
                    format!("{parent} is not a node of this project's driver diagram"),
                )
            })?;
            parent.kind.child().ok_or_else(|| {
                ApiError::field("parent_id", "nothing can be added under a change idea")
            })?
        }
    };
    let text = input.to_text()?;
    let node = state
        .store
        .add_driver_node(project.id, input.parent(), kind, text.as_str(), user.id)
        .await?;
    let created_node = state
        .store
        .driver_node(node)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/driver-nodes/{node}"),
        created_node.version,
        DriverNodeJson::from(&created_node),
    ))
}

/// `GET /driver-nodes/{id}`, with its `ETag`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (node, _, _) = driver_node_access(&state, &user, DriverNodeId(id), Action::Read).await?;
    Ok(tagged(node.version, DriverNodeJson::from(&node)))
}

/// `PATCH /driver-nodes/{id}`: changes the text; a node cannot move to another parent. With
/// `If-Match`, only if the node is still at that version (412 with the current node otherwise).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<DriverNodeInput>,
) -> Result<Response, ApiError> {
    let (node, _, _) =
        driver_node_access(&state, &user, DriverNodeId(id), Action::EditDriverDiagram).await?;
    if input
        .parent_id
        .is_some_and(|p| p.map(DriverNodeId) != node.parent)
    {
        return Err(ApiError::field(
            "parent_id",
            "a node cannot move to another parent",
        ));
    }
    let text = input.to_text()?;
    let id = node.id;
    // The merge closures share these; each round's future borrows them.
    let (state, text, user) = (&state, &text, &user);
    let node = merge_patch(
        if_match,
        node,
        |n: &DriverNode| n.version,
        |n: &DriverNode| DriverNodeJson::from(n),
        || async { state.store.driver_node(id).await?.ok_or(ApiError::NotFound) },
        |current: DriverNode| async move {
            state
                .store
                .update_driver_node(id, text.as_str(), current.version, user.id)
                .await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(node.version, DriverNodeJson::from(&node)))
}

/// `DELETE /driver-nodes/{id}`: the node and everything under it. With `If-Match`, only if the
/// node is still at that version.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (node, _, _) = driver_node_access(&state, &user, DriverNodeId(id), Action::Delete).await?;
    match state
        .store
        .delete_driver_node(node.id, if_match, user.id)
        .await
    {
        Err(StoreError::Stale(_)) => Err(delete_refused(
            state.store.driver_node(node.id).await?,
            |n| n.version,
            |n| DriverNodeJson::from(n),
        )),
        done => Ok(done.map(|()| StatusCode::NO_CONTENT)?),
    }
}
