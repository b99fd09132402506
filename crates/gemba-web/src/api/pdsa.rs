//! PDSA cycles.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{PdsaInput, PdsaJson};
use gemba_domain::{
    check_pdsa_links, Action, PdsaCycle, PdsaFields, PdsaId, ProjectId, StoreError,
};

use super::{
    created_tagged, delete_refused, merge_patch, pdsa_access, project_access, tagged, ApiError,
    ApiUser, Id, IfMatch, JsonBody,
};
use crate::AppState;

/// 422 unless the links being set or changed are allowed (the domain's PDSA links rule): a
/// live change idea of the project, another of its cycles that does not come after this one.
/// Links kept as they are stay, even to what was deleted since.
async fn check_links(
    state: &AppState,
    project: ProjectId,
    this: Option<PdsaId>,
    fields: &PdsaFields,
    current: Option<&PdsaFields>,
) -> Result<(), ApiError> {
    let changed = |new: Option<i64>, old: Option<i64>| new.is_some() && new != old;
    let idea_changed = changed(
        fields.change_idea.map(|n| n.0),
        current.and_then(|c| c.change_idea).map(|n| n.0),
    );
    let follows_changed = changed(
        fields.follows.map(|p| p.0),
        current.and_then(|c| c.follows).map(|p| p.0),
    );
    if !idea_changed && !follows_changed {
        return Ok(());
    }
    let nodes = state.store.driver_nodes(project).await?;
    let cycles = state.store.pdsas(project).await?;
    check_pdsa_links(fields, current, this, &nodes, &cycles)?;
    Ok(())
}

/// `GET /projects/{id}/pdsa-cycles`: by start date.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<PdsaJson>>, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::Read).await?;
    let cycles = state.store.pdsas(project.id).await?;
    Ok(Json(cycles.iter().map(PdsaJson::from).collect()))
}

/// `POST /projects/{id}/pdsa-cycles`.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<PdsaInput>,
) -> Result<Response, ApiError> {
    let (project, _) = project_access(&state, &user, ProjectId(id), Action::LogPdsa).await?;
    let fields = input.to_fields(None)?;
    check_links(&state, project.id, None, &fields, None).await?;
    let id = state
        .store
        .create_pdsa(project.id, &fields, user.id)
        .await?;
    let cycle = state.store.pdsa(id).await?.ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/pdsa-cycles/{id}"),
        cycle.version,
        PdsaJson::from(&cycle),
    ))
}

/// `GET /pdsa-cycles/{id}`, with its `ETag`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (cycle, _, _) = pdsa_access(&state, &user, PdsaId(id), Action::Read).await?;
    Ok(tagged(cycle.version, PdsaJson::from(&cycle)))
}

/// `PATCH /pdsa-cycles/{id}`: any subset of the fields; the others keep their stored values
/// even when someone else changes them meanwhile. With `If-Match`, only if the cycle is still
/// at that version (412 with the current cycle otherwise).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<PdsaInput>,
) -> Result<Response, ApiError> {
    let (cycle, project, _) = pdsa_access(&state, &user, PdsaId(id), Action::LogPdsa).await?;
    let id = cycle.id;
    // The merge closures share these; each round's future borrows them.
    let (state, input, user) = (&state, &input, &user);
    let cycle = merge_patch(
        if_match,
        cycle,
        |c: &PdsaCycle| c.version,
        |c: &PdsaCycle| PdsaJson::from(c),
        || async { state.store.pdsa(id).await?.ok_or(ApiError::NotFound) },
        |current: PdsaCycle| async move {
            let fields = input.to_fields(Some(&current.fields))?;
            check_links(state, project.id, Some(id), &fields, Some(&current.fields)).await?;
            state
                .store
                .update_pdsa(id, &fields, current.version, user.id)
                .await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(cycle.version, PdsaJson::from(&cycle)))
}

/// `DELETE /pdsa-cycles/{id}`: the project's lead, improvement leads and admins; an admin can
/// restore it. Cycles that follow it keep their link. With `If-Match`, only if the cycle is
/// still at that version.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (cycle, _, _) = pdsa_access(&state, &user, PdsaId(id), Action::Delete).await?;
    match state.store.delete_pdsa(cycle.id, if_match, user.id).await {
        Err(StoreError::Stale(_)) => Err(delete_refused(
            state.store.pdsa(cycle.id).await?,
            |c| c.version,
            |c| PdsaJson::from(c),
        )),
        done => Ok(done.map(|()| StatusCode::NO_CONTENT)?),
    }
}
