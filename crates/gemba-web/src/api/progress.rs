//! A project's progress: the score derived from its record with the evidence, the lead's
//! override, stalled work and the quality of its PDSA method; and the organisation's setting
//! for stalled work.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use gemba_api::progress::{ProgressInput, ProgressJson, ProgressSettingsJson};
use gemba_domain::{
    project_progress, set_progress_override, set_stall_weeks, Action, OrgId, ProgressError,
    ProjectId, ProjectProgress, StoreError,
};

use super::{
    access, org_access, tagged, version_conflict, ApiError, ApiUser, Id, IfMatch, JsonBody,
};
use crate::AppState;

impl From<ProgressError> for ApiError {
    fn from(e: ProgressError) -> Self {
        match e {
            ProgressError::Access(e) => ApiError::from(e),
            ProgressError::Invalid(problems) => ApiError::from(problems),
        }
    }
}

async fn current(access: &gemba_domain::Access<'_>, id: i64) -> Result<ProjectProgress, ApiError> {
    Ok(project_progress(access, ProjectId(id), crate::pages::today()).await?)
}

/// `GET /projects/{id}/progress`: the progress of the project (its `ETag` is the project's
/// version, which an override is written against).
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let p = current(&access, id).await?;
    Ok(tagged(p.version, ProgressJson::from(&p)))
}

/// `PUT /projects/{id}/progress`: `{"override": {"score", "reason"}}` sets the lead's score over
/// the derived one, `{"override": null}` clears it; with `If-Match`, only over the project's
/// version named (412 with the progress as stored otherwise).
pub async fn assess(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    // Access first: someone of another organisation learns nothing from the body's problems.
    access
        .project(ProjectId(id), Action::AssessProgress)
        .await?;
    if body.get("override").is_none() {
        return Err(ApiError::field(
            "override",
            "is required: {\"score\", \"reason\"} to set, null to clear",
        ));
    }
    let input: ProgressInput = super::extract::from_value(body)?;
    let draft = input.assessed.as_ref().map(|o| o.draft());
    let before = current(&access, id).await?;
    if if_match.is_some_and(|v| v != before.version) {
        return Err(version_conflict(
            before.version,
            ProgressJson::from(&before),
        ));
    }
    match set_progress_override(&access, ProjectId(id), draft.as_ref(), before.version).await {
        Err(ProgressError::Access(gemba_domain::AccessError::Store(StoreError::Stale(_)))) => {
            let now = current(&access, id).await?;
            Err(version_conflict(now.version, ProgressJson::from(&now)))
        }
        Err(e) => Err(e.into()),
        Ok(_) => {
            let p = current(&access, id).await?;
            Ok(tagged(p.version, ProgressJson::from(&p)))
        }
    }
}

/// `GET /organisations/{id}/progress-settings`: weeks without activity before a project is
/// flagged as stalled.
pub async fn settings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<ProgressSettingsJson>, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    Ok(Json(ProgressSettingsJson {
        stall_weeks: state.store.stall_weeks(org).await?,
    }))
}

/// `PUT /organisations/{id}/progress-settings`: sets them (admins; 1 to 52 weeks).
pub async fn set_settings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<ProgressSettingsJson>,
) -> Result<Json<ProgressSettingsJson>, ApiError> {
    let access = access(&state, &user).await?;
    let weeks = set_stall_weeks(&access, OrgId(id), &input.stall_weeks.to_string()).await?;
    Ok(Json(ProgressSettingsJson { stall_weeks: weeks }))
}
