//! Projects' value through the API: the same use cases as the pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::value::{OrgValueJson, ValueInput, ValueJson};
use gemba_domain::{
    confirm_value, delete_value, org_value, record_value, update_value, value_entry, value_of,
    Action, OrgId, ProjectId, StoreError, ValueDraft, ValueEntry, ValueId, Version,
};

use super::{
    access, created_tagged, delete_refused, merge_patch, tagged, ApiError, ApiUser, Id, IfMatch,
    JsonBody,
};
use crate::AppState;

/// A value entry's draft from a request body: numbers as people would type them.
fn draft(input: &ValueInput) -> ValueDraft {
    ValueDraft {
        kind: input.kind.clone(),
        amount: input.amount.map(|a| a.to_string()),
        hours: input.hours.map(|h| h.to_string()),
        cash_releasing: input
            .cash_releasing
            .map(|c| if c { "yes" } else { "no" }.to_owned()),
        recurrence: input.recurrence.clone(),
        date: input.date.clone(),
        method: input.method.clone(),
    }
}

/// `GET /projects/{id}/value`: the project's entries, by date.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<ValueJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let (_, entries, _) = value_of(&access, ProjectId(id)).await?;
    Ok(Json(entries.iter().map(ValueJson::from).collect()))
}

/// `POST /projects/{id}/value`: records an entry, unconfirmed (201 with its `ETag`).
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<ValueInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let vid = record_value(&access, ProjectId(id), &draft(&input)).await?;
    let (e, _, _) = value_entry(&access, vid, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/value/{vid}"),
        e.version,
        ValueJson::from(&e),
    ))
}

/// `GET /value/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let (e, _, _) = value_entry(&access, ValueId(id), Action::Read).await?;
    Ok(tagged(e.version, ValueJson::from(&e)))
}

/// `PATCH /value/{id}`: changes the fields sent. With `version` in the body, only that version
/// (409 otherwise); with `If-Match`, only that version (412 otherwise). A change of a confirmed
/// entry's figures takes its confirmation away.
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ValueInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = ValueId(id);
    let (current, _, _) = value_entry(&access, id, Action::RecordValue).await?;
    let d = draft(&input);
    if let Some(v) = input.version {
        update_value(&access, id, &d, Version(v)).await?;
        let (e, _, _) = value_entry(&access, id, Action::Read).await?;
        return Ok(tagged(e.version, ValueJson::from(&e)));
    }
    let (access, d) = (&access, &d);
    let e = merge_patch(
        if_match,
        current,
        |e: &ValueEntry| e.version,
        |e: &ValueEntry| ValueJson::from(e),
        || async { Ok(value_entry(access, id, Action::RecordValue).await?.0) },
        |current: ValueEntry| async move {
            update_value(access, id, d, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(e.version, ValueJson::from(&e)))
}

/// `DELETE /value/{id}`: gone for good (with `If-Match`, only that version: 412 otherwise).
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    let id = ValueId(id);
    match delete_value(&access, id, if_match).await {
        Err(gemba_domain::BoardError::Access(gemba_domain::AccessError::Store(
            StoreError::Stale(_),
        ))) => Err(delete_refused(
            state.store.value_entry(id).await?,
            |e| e.version,
            |e: &ValueEntry| ValueJson::from(e),
        )),
        done => Ok(done.map(|()| StatusCode::NO_CONTENT)?),
    }
}

/// `POST /value/{id}/confirm`: finance confirms a realised entry (with `If-Match`, only that
/// version: 409 otherwise).
pub async fn confirm(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = ValueId(id);
    confirm_value(&access, id, if_match).await?;
    let (e, _, _) = value_entry(&access, id, Action::Read).await?;
    Ok(tagged(e.version, ValueJson::from(&e)))
}

/// `GET /organisations/{id}/value`: the roll-up by team, priority, project and month (and the
/// system's, for a system role).
pub async fn roll_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<OrgValueJson>, ApiError> {
    let access = access(&state, &user).await?;
    let v = org_value(&access, OrgId(id)).await?;
    Ok(Json(OrgValueJson::from(&v)))
}
