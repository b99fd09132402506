//! The JSON API under `/api/v1`, for scripts and other systems.
//!
//! Every route but `GET /openapi.json` needs `Authorization: Bearer TOKEN` (an API token made
//! on the account page, with `POST /tokens` or with `gemba token create`; an expired or
//! revoked token, or a leaver's, is 401). A project, and everything in it, is visible only to members of
//! the organisation that owns it: to anyone else its id answers 404, exactly like an id that
//! does not exist. Changes need a role that may edit (403 otherwise); deleting a project, a
//! measure or a PDSA cycle needs an admin or an improvement lead. Bodies are JSON
//! (`gemba_api::workspace` holds their types; data uploads may also be CSV or a spreadsheet), at most 5 MB;
//! every error is `{"error": {"code", "message", "field"}}` (see [`ApiError`]). The OpenAPI
//! 3.1 document, `openapi.json` beside this file, describes every route; a test keeps the two
//! in step, every API test checks the bodies it sends and receives against the document's
//! schemas, and `scripts/schemathesis` fuzzes the running server against it.

mod accounts;
mod drivers;
mod error;
mod extract;
mod measures;
mod members;
mod pdsa;
mod projects;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::Json;
use axum::Router;
use gemba_domain::{
    DriverNode, DriverNodeId, Measure, MeasureId, PdsaCycle, PdsaId, Project, ProjectId, Role,
    User, Version,
};

pub use error::{ApiError, MAX_BODY_BYTES};
pub use extract::{ApiUser, Id, IdAnd, IfMatch, JsonBody};

use crate::AppState;

/// The OpenAPI 3.1 document of this API.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Declares the routes once: [`ROUTES`] lists them (for the OpenAPI test) and `routes()` builds
/// the router from the same lines, so the two cannot drift apart.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every route of the API as (method, path under `/api/v1`).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn routes() -> Router<AppState> {
            Router::new()$(.route($path, $method($handler)))*
        }
    };
}

api_routes! {
    get "/openapi.json" => openapi;
    get "/me" => projects::me;
    get "/projects" => projects::list;
    post "/projects" => projects::create;
    get "/projects/{id}" => projects::show;
    patch "/projects/{id}" => projects::update;
    delete "/projects/{id}" => projects::remove;
    get "/projects/{id}/members" => members::list;
    post "/projects/{id}/members" => members::add;
    delete "/projects/{id}/members/{user_id}" => members::remove;
    get "/projects/{id}/history" => projects::history;
    get "/projects/{id}/driver-nodes" => drivers::list;
    post "/projects/{id}/driver-nodes" => drivers::create;
    get "/driver-nodes/{id}" => drivers::show;
    patch "/driver-nodes/{id}" => drivers::update;
    delete "/driver-nodes/{id}" => drivers::remove;
    get "/projects/{id}/measures" => measures::list;
    post "/projects/{id}/measures" => measures::create;
    get "/measures/{id}" => measures::show;
    patch "/measures/{id}" => measures::update;
    delete "/measures/{id}" => measures::remove;
    get "/measures/{id}/data" => measures::data;
    post "/measures/{id}/data" => measures::upload;
    delete "/measures/{id}/data/{date}" => measures::remove_point;
    get "/measures/{id}/data/revisions" => measures::revisions;
    post "/measures/{id}/data/revisions/{revision_id}/restore" => measures::restore_revision;
    get "/measures/{id}/chart" => measures::chart;
    get "/projects/{id}/pdsa-cycles" => pdsa::list;
    post "/projects/{id}/pdsa-cycles" => pdsa::create;
    get "/pdsa-cycles/{id}" => pdsa::show;
    patch "/pdsa-cycles/{id}" => pdsa::update;
    delete "/pdsa-cycles/{id}" => pdsa::remove;
    get "/tokens" => accounts::tokens;
    post "/tokens" => accounts::create_token;
    delete "/tokens/{id}" => accounts::revoke_token;
    patch "/organisations/{id}" => accounts::rename_org;
    get "/organisations/{id}/system" => accounts::system;
    post "/organisations/{id}/system" => accounts::add_org;
    get "/organisations/{id}/people" => accounts::people;
    post "/organisations/{id}/people" => accounts::add_person;
    patch "/organisations/{id}/people/{user_id}" => accounts::update_person;
    post "/organisations/{id}/people/{user_id}/reset-link" => accounts::reset_link;
    get "/organisations/{id}/teams" => accounts::teams;
    post "/organisations/{id}/teams" => accounts::create_team;
    patch "/teams/{id}" => accounts::update_team;
}

/// The API's routes (mounted under `/api/v1`).
pub fn router() -> Router<AppState> {
    routes()
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

async fn openapi() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON,
    )
}

/// An object's `ETag`: its version as a strong entity tag, `"3"`.
pub fn etag(version: Version) -> String {
    format!("\"{version}\"")
}

/// 201 Created with the new object and its `Location`.
fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// 201 Created with the new object, its `Location` and its `ETag`.
fn created_tagged<T: serde::Serialize>(location: String, version: Version, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location), (header::ETAG, etag(version))],
        Json(body),
    )
        .into_response()
}

/// 200 OK with an object and its `ETag`.
fn tagged<T: serde::Serialize>(version: Version, body: T) -> Response {
    (StatusCode::OK, [(header::ETAG, etag(version))], Json(body)).into_response()
}

/// How many times a PATCH without `If-Match` reads and merges again after someone else saved
/// the same object in between, before it answers 409.
const MERGE_ATTEMPTS: usize = 8;

/// A PATCH as a read–merge–write: `write` merges the request's fields into `current` and
/// saves them against its version; when someone else saved in between (a stale write), the
/// object is read again with `reread` and merged again, up to [`MERGE_ATTEMPTS`] rounds (then
/// 409). With `If-Match`, a stored version other than the one named is a 412 carrying the
/// object as `json` writes it. Returns the object as stored afterwards.
async fn merge_patch<T, J, R, RF, W, WF>(
    if_match: Option<Version>,
    mut current: T,
    version: impl Fn(&T) -> Version,
    json: impl Fn(&T) -> J,
    mut reread: R,
    mut write: W,
) -> Result<T, ApiError>
where
    T: Clone,
    J: serde::Serialize,
    R: FnMut() -> RF,
    RF: std::future::Future<Output = Result<T, ApiError>>,
    W: FnMut(T) -> WF,
    WF: std::future::Future<Output = Result<(), ApiError>>,
{
    for round in 1..=MERGE_ATTEMPTS {
        check_if_match(if_match, version(&current), || json(&current))?;
        match write(current.clone()).await {
            Err(ApiError::Stale(_)) if round < MERGE_ATTEMPTS => current = reread().await?,
            done => {
                done?;
                break;
            }
        }
    }
    reread().await
}

/// The 412 answer for an object whose stored version is not the one in `If-Match`.
fn version_conflict<T: serde::Serialize>(version: Version, current: T) -> ApiError {
    match serde_json::to_value(current) {
        Ok(current) => ApiError::VersionConflict {
            version,
            current: Box::new(current),
        },
        Err(e) => ApiError::Internal(format!("cannot write the current object: {e}")),
    }
}

/// With `If-Match`, a stored version other than the one named is a 412 carrying the current
/// object (the first step of each round of [`merge_patch`]).
fn check_if_match<J: serde::Serialize>(
    if_match: Option<Version>,
    stored: Version,
    current: impl FnOnce() -> J,
) -> Result<(), ApiError> {
    match if_match {
        Some(expected) if expected != stored => Err(version_conflict(stored, current())),
        _ => Ok(()),
    }
}

/// The answer to a DELETE with `If-Match` that the store refused as stale: 412 with the
/// current object, or 404 when it is gone.
fn delete_refused<T, J: serde::Serialize>(
    current: Option<T>,
    version: impl Fn(&T) -> Version,
    json: impl Fn(&T) -> J,
) -> ApiError {
    match current {
        Some(c) => version_conflict(version(&c), json(&c)),
        None => ApiError::NotFound,
    }
}

// --- access: every handler goes through one of these -----------------------------------------

/// A project the user may see, and their role in its organisation; 404 otherwise.
async fn project_access(
    state: &AppState,
    user: &User,
    id: ProjectId,
) -> Result<(Project, Role), ApiError> {
    let project = state.store.project(id).await?.ok_or(ApiError::NotFound)?;
    let role = crate::auth::role_in(state.store.as_ref(), user.id, project.org)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((project, role))
}

/// A measure the user may see, its project and their role; 404 otherwise.
async fn measure_access(
    state: &AppState,
    user: &User,
    id: MeasureId,
) -> Result<(Measure, Project, Role), ApiError> {
    let measure = state.store.measure(id).await?.ok_or(ApiError::NotFound)?;
    let (project, role) = project_access(state, user, measure.project).await?;
    Ok((measure, project, role))
}

/// A PDSA cycle the user may see, its project and their role; 404 otherwise.
async fn pdsa_access(
    state: &AppState,
    user: &User,
    id: PdsaId,
) -> Result<(PdsaCycle, Project, Role), ApiError> {
    let cycle = state.store.pdsa(id).await?.ok_or(ApiError::NotFound)?;
    let (project, role) = project_access(state, user, cycle.project).await?;
    Ok((cycle, project, role))
}

/// A driver diagram node the user may see, its project and their role; 404 otherwise.
async fn driver_node_access(
    state: &AppState,
    user: &User,
    id: DriverNodeId,
) -> Result<(DriverNode, Project, Role), ApiError> {
    let node = state
        .store
        .driver_node(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (project, role) = project_access(state, user, node.project).await?;
    Ok((node, project, role))
}

/// 403 unless the role may delete (an admin or an improvement lead); `why` says what.
fn require_lead(role: Role, why: &'static str) -> Result<(), ApiError> {
    if matches!(role, Role::Admin | Role::ImprovementLead) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(why))
    }
}

/// 403 unless the role may change projects, measures, data and PDSA cycles.
fn require_edit(role: Role) -> Result<(), ApiError> {
    if role.can_edit() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "your role in this organisation can read but not change its work",
        ))
    }
}
