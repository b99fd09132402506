//! The board's measures: an organisation's own measures and the measures on its board report.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::report::ReportSummaryJson;
use gemba_api::workspace::{
    BoardInput, BoardJson, BoardMeasureJson, BoardPlaceJson, MeasureInput, MeasureJson,
};
use gemba_domain::{
    move_on_board, place_on_board, set_report_sections, take_off_board, Access, Action, Cadence,
    MeasureId, OrgId, ReportPeriod,
};

use super::{created_tagged, org_access, ApiError, ApiUser, Id, JsonBody};
use crate::board_report::{board_report, ReportSpec};
use crate::AppState;

async fn board_of(state: &AppState, org: OrgId) -> Result<BoardJson, ApiError> {
    let sections = state.store.report_sections(org).await?;
    let measures = state.store.board_measures(org).await?;
    Ok(BoardJson {
        sections,
        measures: measures.iter().map(BoardMeasureJson::from).collect(),
    })
}

/// `GET /organisations/{id}/board`: the report's sections and the measures on it.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<BoardJson>, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    Ok(Json(board_of(&state, org).await?))
}

/// `PATCH /organisations/{id}/board`: the report's sections, in order (409 when a section that
/// still has measures is left out).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<BoardInput>,
) -> Result<Json<BoardJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let org = *access.org(OrgId(id), Action::ManageBoard)?.item();
    let given = input
        .sections
        .ok_or_else(|| ApiError::field("sections", "is required"))?;
    set_report_sections(&access, org, &given).await?;
    Ok(Json(board_of(&state, org).await?))
}

/// `POST /organisations/{id}/measures`: one of the organisation's own measures (not on the
/// board report until it is put there).
pub async fn create_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<MeasureInput>,
) -> Result<Response, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::DefineMeasure).await?;
    let fields = input.to_fields(None)?;
    let home = state.store.organisation_measures(org, user.id).await?;
    let id = state.store.create_measure(home, &fields, user.id).await?;
    let measure = state.store.measure(id).await?.ok_or(ApiError::NotFound)?;
    Ok(created_tagged(
        format!("/api/v1/measures/{id}"),
        measure.version,
        MeasureJson::from(&measure),
    ))
}

/// `PUT /measures/{id}/board`: puts a measure on its organisation's board report, or moves it
/// to another section or owner.
pub async fn place(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<BoardPlaceJson>,
) -> Result<Json<BoardPlaceJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let place = place_on_board(&access, MeasureId(id), &input.draft()).await?;
    Ok(Json(BoardPlaceJson::from(&place)))
}

/// `DELETE /measures/{id}/board`: takes a measure off the board report (it keeps its data); 404
/// when it is not on it.
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    if take_off_board(&access, MeasureId(id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// `{"direction": "up"}` or `"down"`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MoveInput {
    /// `up` (earlier in its section) or `down`.
    pub direction: Option<String>,
}

/// `POST /measures/{id}/board/move`: one place up or down within its section of the board
/// report (204, also when it is already first or last); 404 when it is not on the report.
pub async fn move_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<StatusCode, ApiError> {
    let earlier = match input.direction.as_deref() {
        Some("up") => true,
        Some("down") => false,
        _ => return Err(ApiError::field("direction", "must be up or down")),
    };
    let access = Access::load(state.store.as_ref(), user.id).await?;
    move_on_board(&access, MeasureId(id), earlier).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The report's period from `?period=` (`YYYY-MM` or `YYYY-Qn`), if given, and whether
/// `?order=concern` asks for concern and failing measures first (the last value given wins);
/// 422 for a period that is not one.
pub(super) fn report_query(query: Option<&str>) -> Result<(Option<ReportPeriod>, bool), ApiError> {
    const MESSAGE: &str = "must be a month like 2025-03 or a quarter like 2025-Q1";
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| ApiError::field("period", MESSAGE))?;
    let last = |key: &str| super::last_value(&pairs, key);
    let period = match last("period") {
        None | Some("") => None,
        Some(v) => Some(ReportPeriod::parse(v).ok_or_else(|| ApiError::field("period", MESSAGE))?),
    };
    Ok((period, last("order") == Some("concern")))
}

/// `GET /organisations/{id}/board/report`: the whole board's report summary as of the end of a
/// period (the same JSON as `gemba report --format json`).
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    let (period, concern_first) = report_query(query.as_deref())?;
    let spec = ReportSpec {
        period,
        cadence: period.map_or(Cadence::Month, ReportPeriod::cadence),
        concern_first,
        ..ReportSpec::default()
    };
    let (report, _) = board_report(state.store.as_ref(), org, &spec, crate::pages::today()).await?;
    summary_response(&report)
}

/// The summary of a report as the API's JSON.
pub(super) fn summary_value(report: &gemba_report::Report) -> Result<serde_json::Value, ApiError> {
    let summary = gemba_report::summarise(report);
    serde_json::to_value(ReportSummaryJson::new(report, &summary))
        .map_err(|e| ApiError::Internal(format!("cannot write the report summary: {e}")))
}

fn summary_response(report: &gemba_report::Report) -> Result<Response, ApiError> {
    Ok(Json(summary_value(report)?).into_response())
}
