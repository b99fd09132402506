//! Rapid improvement events and their report-outs.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{EventInput, EventJson, ReportOutInput, ReportOutJson};
use gemba_domain::{
    parse_date, set_event, write_report_out, Access, Action, ProjectId, ReportOut, ReportOutDraft,
    Resource,
};

use super::{created_tagged, merge_patch, tagged, ApiError, ApiUser, Id, IdAnd, IfMatch, JsonBody};
use crate::AppState;

async fn event_of(state: &AppState, project: ProjectId) -> Result<EventJson, ApiError> {
    let store = state.store.as_ref();
    let date = store.event_date(project).await?;
    let written = store.report_outs(project).await?;
    Ok(EventJson::new(date, &written, crate::pages::today()))
}

/// `GET /projects/{id}/report-outs`: the event's date and its report-outs, each with the day it
/// falls due and whether it is written, due or upcoming.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<EventJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    // A live project, read also by its system's other organisations unless private.
    access.project(ProjectId(id), Action::Read).await?;
    Ok(Json(event_of(&state, ProjectId(id)).await?))
}

/// `PUT /projects/{id}/event`: makes the project a rapid improvement event held on a date, or
/// (null) not one.
pub async fn set(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<Json<EventJson>, ApiError> {
    let date = match input.event_date {
        None => {
            return Err(ApiError::field(
                "event_date",
                "is required (null: not an event)",
            ))
        }
        Some(None) => None,
        Some(Some(s)) => Some(
            parse_date(&s)
                .ok_or_else(|| ApiError::field("event_date", "must be a date like 2026-09-14"))?,
        ),
    };
    let access = Access::load(state.store.as_ref(), user.id).await?;
    set_event(&access, ProjectId(id), date).await?;
    Ok(Json(event_of(&state, ProjectId(id)).await?))
}

fn day_of(day: &str) -> Result<u32, ApiError> {
    match day {
        "30" => Ok(30),
        "60" => Ok(60),
        "90" => Ok(90),
        _ => Err(ApiError::NotFound),
    }
}

/// One report-out as the API answers it.
async fn one(state: &AppState, project: ProjectId, day: u32) -> Result<ReportOutJson, ApiError> {
    event_of(state, project)
        .await?
        .report_outs
        .into_iter()
        .find(|r| r.day == day)
        .ok_or(ApiError::NotFound)
}

/// `PUT /projects/{id}/report-outs/{day}`: writes the 30-, 60- or 90-day report-out (201 when
/// new; with `If-Match`, only from that version: 412 with the current one otherwise).
pub async fn write(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, day): IdAnd,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ReportOutInput>,
) -> Result<Response, ApiError> {
    let project = ProjectId(id);
    let access = Access::load(state.store.as_ref(), user.id).await?;
    access
        .resource(Resource::Project(project), Action::Read)
        .await?;
    let day = day_of(&day)?;
    let draft = ReportOutDraft {
        what_changed: input.what_changed.clone(),
        results: input.results.clone(),
        next_steps: input.next_steps.clone(),
    };
    let store = state.store.as_ref();
    let Some(current) = store.report_out(project, day).await? else {
        let version = write_report_out(&access, project, day, &draft, if_match).await?;
        return Ok(created_tagged(
            format!("/api/v1/projects/{project}/report-outs/{day}"),
            version,
            one(&state, project, day).await?,
        ));
    };
    let (access, draft, state_ref) = (&access, &draft, &state);
    let json_of = |r: &ReportOut| ReportOutJson {
        day: r.day,
        due: String::new(),
        state: "written",
        what_changed: r.text.what_changed.clone(),
        results: r.text.results.clone(),
        next_steps: r.text.next_steps.clone(),
        author_id: r.author.as_ref().map(|u| u.id.0),
        updated_at: None,
        version: Some(r.version.0),
    };
    let r = merge_patch(
        if_match,
        current,
        |r: &ReportOut| r.version,
        json_of,
        || async {
            state_ref
                .store
                .report_out(project, day)
                .await?
                .ok_or(ApiError::NotFound)
        },
        |current: ReportOut| async move {
            write_report_out(access, project, day, draft, Some(current.version)).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(r.version, one(&state, project, day).await?))
}
