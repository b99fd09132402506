//! The board's self-assessments of QI governance: start one, rate it, read it with the
//! evidence beside the ratings, and compare assessments over time.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::assessment::{
    AssessmentDetailJson, AssessmentInput, AssessmentJson, ComparisonJson, DimensionJson,
    EvidenceJson, RatingsInput, SubmissionJson,
};
use gemba_domain::{
    assessment_view, compare_assessments, rate_board, start_assessment, Action, AssessmentError,
    AssessmentId, OrgId,
};

use super::{
    access, created, etag, org_access, version_conflict, ApiError, ApiUser, Id, IfMatch, JsonBody,
};
use crate::AppState;

/// `GET /organisations/{id}/assessments`: the organisation's assessments, oldest first.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<AssessmentJson>>, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    let found = state.store.assessments(org).await?;
    Ok(Json(found.iter().map(AssessmentJson::from).collect()))
}

/// `POST /organisations/{id}/assessments`: starts an assessment.
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<AssessmentInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let made = start_assessment(&access, OrgId(id), &input.draft()).await?;
    Ok(created(
        format!("/api/v1/assessments/{}", made.id),
        AssessmentJson::from(&made),
    ))
}

/// `GET /assessments/{id}`: everyone's ratings by dimension with the median, range, evidence
/// and disagreement, and the caller's own ratings.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<AssessmentDetailJson>, ApiError> {
    let access = access(&state, &user).await?;
    let view = assessment_view(&access, AssessmentId(id), crate::pages::today()).await?;
    Ok(Json(AssessmentDetailJson {
        assessment: AssessmentJson::from(&view.assessment),
        evidence: EvidenceJson::from(&view.evidence),
        dimensions: view.results.iter().map(DimensionJson::from).collect(),
        mine: view.own(user.id).map(SubmissionJson::from),
    }))
}

/// `PUT /assessments/{id}/ratings`: the caller's ratings, replacing their earlier ones; with
/// `If-Match`, only over the version named (412 with the ratings as stored otherwise).
pub async fn rate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<RatingsInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    // Access first: someone of another organisation learns nothing from the body's problems.
    access
        .assessment(AssessmentId(id), Action::AssessBoard)
        .await?;
    if input.ratings.is_none() {
        return Err(ApiError::field("ratings", "is required"));
    }
    match rate_board(&access, AssessmentId(id), &input.drafts(), if_match).await {
        Ok(saved) => Ok((
            [(header::ETAG, etag(saved.version))],
            Json(SubmissionJson::from(&saved)),
        )
            .into_response()),
        Err(AssessmentError::Stale(Some(now))) => {
            Err(version_conflict(now.version, SubmissionJson::from(&*now)))
        }
        Err(AssessmentError::Stale(None)) => Err(ApiError::Stale(
            "your ratings (you have none in this assessment yet: send them without If-Match)"
                .to_owned(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /organisations/{id}/assessments/comparison`: each dimension's median in each
/// assessment, oldest first.
pub async fn comparison(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<ComparisonJson>, ApiError> {
    let access = access(&state, &user).await?;
    let found = compare_assessments(&access, OrgId(id)).await?;
    Ok(Json(ComparisonJson::from(&found)))
}
