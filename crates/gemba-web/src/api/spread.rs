//! Spread: adopting a change package and the spread view of one.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::spread::{AdoptInput, SpreadJson};
use gemba_api::workspace::ProjectJson;
use gemba_domain::{adopt as adopt_package, spread as spread_view, Access, ProjectId, SpreadDraft};

use super::{created_tagged, ApiError, ApiUser, Id, JsonBody};
use crate::AppState;

/// `POST /projects/{id}/adopt`: adopts the project's change package into an organisation (and
/// team) of the user's; 201 with the new linked project.
pub async fn adopt(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<AdoptInput>,
) -> Result<Response, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let project = adopt_package(&access, ProjectId(id), &input.draft()).await?;
    let created = state
        .store
        .project(project)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/projects/{project}"),
        created.version,
        ProjectJson::from(&created),
    ))
}

/// `?measure_id=` and `?periods=` (the last of each) from the query string.
pub(crate) fn spread_query(query: Option<&str>) -> Result<SpreadDraft, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| ApiError::field("measure_id", "is not a readable query string"))?;
    let last = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    Ok(SpreadDraft {
        measure: last("measure_id"),
        periods: last("periods"),
    })
}

/// `GET /change-packages/{id}/spread?measure_id=&periods=`: the original project (id) and every
/// adopter the user may read, each with its chart of the shared measure on one time axis, and
/// the funnel plot of that measure over the last `periods` periods.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let draft = spread_query(query.as_deref())?;
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let view = spread_view(&access, ProjectId(id), &draft).await?;
    let axis: Vec<String> = view
        .axis
        .iter()
        .map(|d| d.format("%F").to_string())
        .collect();
    let ids: Vec<String> = view
        .members
        .iter()
        .map(|m| format!("project-{}", m.project.id))
        .collect();
    let groups = funnel_groups(&view);
    Ok(Json(SpreadJson::new(&view, &axis, &ids, &groups)).into_response())
}

/// The funnel's group names, in the result's order: each member's organisation, with its team.
pub(crate) fn funnel_groups(view: &gemba_domain::SpreadView) -> Vec<String> {
    match &view.funnel {
        gemba_domain::SpreadFunnel::Plot { members, .. } => members
            .iter()
            .filter_map(|i| view.members.get(*i))
            .map(|m| match &m.team_name {
                Some(t) => format!("{} ({t})", m.org_name),
                None => m.org_name.clone(),
            })
            .collect(),
        gemba_domain::SpreadFunnel::None(_) => Vec::new(),
    }
}
