//! The JSON API under `/api/v1`, for scripts and other systems.
//!
//! Every route but `GET /openapi.json` needs `Authorization: Bearer TOKEN` (an API token made
//! with `gemba token create`). A project, and everything in it, is visible only to members of
//! the organisation that owns it: to anyone else its id answers 404, exactly like an id that
//! does not exist. Changes need a role that may edit (403 otherwise); deleting a project, a
//! measure or a PDSA cycle needs an admin or an improvement lead. Bodies are JSON
//! (`gemba_api::workspace` holds their types; data uploads may also be CSV or a spreadsheet), at most 5 MB;
//! every error is `{"error": {"code", "message", "field"}}` (see [`ApiError`]). The OpenAPI
//! 3.1 document, `openapi.json` beside this file, describes every route; a test keeps the two
//! in step.

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
    DriverNode, DriverNodeId, Measure, MeasureId, PdsaCycle, PdsaId, Project, ProjectId, Role, User,
};

pub use error::{ApiError, MAX_BODY_BYTES};
pub use extract::{ApiUser, Id, IdAnd, JsonBody};

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
    get "/measures/{id}/chart" => measures::chart;
    get "/projects/{id}/pdsa-cycles" => pdsa::list;
    post "/projects/{id}/pdsa-cycles" => pdsa::create;
    get "/pdsa-cycles/{id}" => pdsa::show;
    patch "/pdsa-cycles/{id}" => pdsa::update;
    delete "/pdsa-cycles/{id}" => pdsa::remove;
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

/// 201 Created with the new object and its `Location`.
fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
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
///
/// The store looks nodes up by project only, so this looks through the diagrams of the
/// projects of the user's organisations: a node of any other organisation is never reached.
async fn driver_node_access(
    state: &AppState,
    user: &User,
    id: DriverNodeId,
) -> Result<(DriverNode, Project, Role), ApiError> {
    for m in state.store.memberships(user.id).await? {
        for project in state.store.projects(m.org.id).await? {
            let nodes = state.store.driver_nodes(project.id).await?;
            if let Some(node) = nodes.into_iter().find(|n| n.id == id) {
                return Ok((node, project, m.role));
            }
        }
    }
    Err(ApiError::NotFound)
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
