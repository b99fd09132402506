//! Closing summaries, change packages and the learning library.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{ClosingInput, ClosingJson, LibraryEntryJson};
use gemba_domain::{
    change_package, library, write_closing_summary, Access, Action, ClosingDraft, ClosingSummary,
    ProjectId, Resource,
};

use super::{created_tagged, merge_patch, tagged, ApiError, ApiUser, Id, IfMatch, JsonBody};
use crate::AppState;

async fn closing_of(state: &AppState, project: ProjectId) -> Result<ClosingJson, ApiError> {
    let store = state.store.as_ref();
    let summary = store.closing_summary(project).await?;
    let package = change_package(
        &store.driver_nodes(project).await?,
        &store.pdsas(project).await?,
    );
    Ok(ClosingJson::new(project, summary.as_ref(), &package))
}

/// `GET /projects/{id}/closing`: the closing summary (null parts until written) and the change
/// package.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<ClosingJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    // A live project, read also by its system's other organisations unless private.
    access.project(ProjectId(id), Action::Read).await?;
    Ok(Json(closing_of(&state, ProjectId(id)).await?))
}

/// `PUT /projects/{id}/closing`: writes the closing summary of a closed, sustaining or spreading
/// project (201 when new; `If-Match`: only from that version).
pub async fn write(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ClosingInput>,
) -> Result<Response, ApiError> {
    let project = ProjectId(id);
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let draft = ClosingDraft {
        what_worked: input.what_worked.clone(),
        what_did_not: input.what_did_not.clone(),
        results: input.results.clone(),
    };
    access
        .resource(Resource::Project(project), Action::Read)
        .await?;
    let store = state.store.as_ref();
    let Some(current) = store.closing_summary(project).await? else {
        let version = write_closing_summary(&access, project, &draft, if_match).await?;
        return Ok(created_tagged(
            format!("/api/v1/projects/{project}/closing"),
            version,
            closing_of(&state, project).await?,
        ));
    };
    let (access, draft) = (&access, &draft);
    let s = merge_patch(
        if_match,
        current,
        |s: &ClosingSummary| s.version,
        |s: &ClosingSummary| ClosingJson::new(project, Some(s), &[]),
        || async {
            store
                .closing_summary(project)
                .await?
                .ok_or(ApiError::NotFound)
        },
        |current: ClosingSummary| async move {
            write_closing_summary(access, project, draft, Some(current.version)).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(s.version, closing_of(&state, project).await?))
}

/// `GET /library?tag=&q=`: the closed, sustaining and spreading projects the user may read (their
/// organisations', and those not private of their system's), tagged `tag` and with every word of
/// `q` if given, with their closing summaries and change packages, newest change first.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<LibraryEntryJson>>, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
            .map_err(|_| ApiError::field("tag", "the query could not be read"))?;
    let tag = super::last_value(&pairs, "tag").unwrap_or_default();
    let words = super::last_value(&pairs, "q").unwrap_or_default();
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let entries = library(
        &access,
        (!tag.is_empty()).then_some(tag),
        (!words.is_empty()).then_some(words),
    )
    .await?;
    Ok(Json(
        entries
            .iter()
            .map(|e| LibraryEntryJson {
                project_id: e.project.id.0,
                title: e.project.title.clone(),
                org_id: e.project.org.0,
                org_name: e.org_name.clone(),
                status: e.project.status.name(),
                tags: e.project.tags.clone(),
                closing: ClosingJson::new(e.project.id, e.summary.as_ref(), &e.package),
            })
            .collect(),
    ))
}
