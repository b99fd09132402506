//! The JSON API under `/api/v1`, for scripts and other systems.
//!
//! Every route but `GET /openapi.json` needs `Authorization: Bearer TOKEN` (an API token made
//! on the account page, with `POST /tokens` or with `gemba token create`; an expired or
//! revoked token, or a leaver's, is 401). A project, and everything in it, is visible only to members of
//! the organisation that owns it: to anyone else its id answers 404, exactly like an id that
//! does not exist. Each route takes the action of the permission policy that its line in the
//! route table names (`gemba_domain::POLICY`, the README's "Who may do what"): a role that may
//! not answers 403, saying who may. Bodies are JSON
//! (`gemba_api::workspace` holds their types; data uploads may also be CSV or a spreadsheet), at most 5 MB;
//! every error is `{"error": {"code", "message", "field"}}` (see [`ApiError`]). The OpenAPI
//! 3.1 document, `openapi.json` beside this file, describes every route; a test keeps the two
//! in step, every API test checks the bodies it sends and receives against the document's
//! schemas, and `scripts/schemathesis` fuzzes the running server against it.

mod accounts;
mod assessments;
mod board;
mod drivers;
mod error;
mod events;
mod extract;
mod for_you;
mod ideas;
mod involvement;
mod library;
mod measures;
mod members;
mod pdsa;
mod portfolio;
mod progress;
mod projects;
mod reports;
mod search;
mod spread;
mod training;
mod value;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::Json;
use axum::Router;
use gemba_domain::{
    Access, Action, DriverNode, DriverNodeId, Grant, Measure, MeasureId, OrgId, PdsaCycle, PdsaId,
    Project, ProjectId, User, Version,
};

pub use error::{ApiError, MAX_BODY_BYTES};
pub use extract::{ApiUser, Id, IdAnd, IfMatch, JsonBody};

use crate::AppState;

/// The OpenAPI 3.1 document of this API.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Declares the routes once: [`ROUTES`] lists them (for the OpenAPI test), [`ROUTE_GUARDS`] says
/// what each needs (for the permission tests), and `routes()` builds the router from the same
/// lines, so the three cannot drift apart.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path, $guard:expr;)*) => {
        /// Every route of the API as (method, path under `/api/v1`).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// Every route of the API with what it needs: (method, path, guard).
        pub const ROUTE_GUARDS: &[(&str, &str, Guard)] =
            &[$((stringify!($method), $path, $guard)),*];

        fn routes() -> Router<AppState> {
            Router::new()$(.route($path, $method($handler)))*
        }
    };
}

api_routes! {
    get "/openapi.json" => openapi, Public;
    get "/me" => projects::me, Own;
    get "/projects" => projects::list, Own;
    post "/projects" => projects::create, Do(Action::CreateProject);
    get "/projects/{id}" => projects::show, Do(Action::Read);
    patch "/projects/{id}" => projects::update, Do(Action::EditProject);
    delete "/projects/{id}" => projects::remove, Do(Action::Delete);
    get "/projects/{id}/members" => members::list, Do(Action::Read);
    post "/projects/{id}/members" => members::add, Do(Action::JoinTeam);
    delete "/projects/{id}/members/{user_id}" => members::remove, Do(Action::JoinTeam);
    post "/projects/{id}/lead" => members::choose_lead, Do(Action::ChooseLead);
    get "/projects/{id}/history" => projects::history, Do(Action::Read);
    get "/projects/{id}/driver-nodes" => drivers::list, Do(Action::Read);
    post "/projects/{id}/driver-nodes" => drivers::create, Do(Action::EditDriverDiagram);
    get "/driver-nodes/{id}" => drivers::show, Do(Action::Read);
    patch "/driver-nodes/{id}" => drivers::update, Do(Action::EditDriverDiagram);
    delete "/driver-nodes/{id}" => drivers::remove, Do(Action::Delete);
    get "/projects/{id}/measures" => measures::list, Do(Action::Read);
    post "/projects/{id}/measures" => measures::create, Do(Action::DefineMeasure);
    get "/measures/{id}" => measures::show, Do(Action::Read);
    patch "/measures/{id}" => measures::update, Do(Action::DefineMeasure);
    delete "/measures/{id}" => measures::remove, Do(Action::Delete);
    get "/measures/{id}/data" => measures::data, Do(Action::Read);
    post "/measures/{id}/data" => measures::upload, Do(Action::EnterData);
    delete "/measures/{id}/data/{date}" => measures::remove_point, Do(Action::DeleteData);
    get "/measures/{id}/data/revisions" => measures::revisions, Do(Action::Read);
    post "/measures/{id}/data/revisions/{revision_id}/restore" => measures::restore_revision, Do(Action::EnterData);
    get "/measures/{id}/chart" => measures::chart, Do(Action::Read);
    get "/projects/{id}/pdsa-cycles" => pdsa::list, Do(Action::Read);
    post "/projects/{id}/pdsa-cycles" => pdsa::create, Do(Action::LogPdsa);
    get "/pdsa-cycles/{id}" => pdsa::show, Do(Action::Read);
    patch "/pdsa-cycles/{id}" => pdsa::update, Do(Action::LogPdsa);
    delete "/pdsa-cycles/{id}" => pdsa::remove, Do(Action::Delete);
    get "/tokens" => accounts::tokens, Own;
    post "/tokens" => accounts::create_token, Own;
    delete "/tokens/{id}" => accounts::revoke_token, Own;
    patch "/organisations/{id}" => accounts::rename_org, Do(Action::ManageOrganisation);
    get "/organisations/{id}/system" => accounts::system, Do(Action::ManageOrganisation);
    post "/organisations/{id}/system" => accounts::add_org, Do(Action::ManageOrganisation);
    get "/organisations/{id}/system-roles" => accounts::system_roles, Do(Action::ManageOrganisation);
    put "/organisations/{id}/system-roles" => accounts::set_system_role, Do(Action::ManageOrganisation);
    get "/organisations/{id}/people" => accounts::people, Do(Action::ManageOrganisation);
    post "/organisations/{id}/people" => accounts::add_person, Do(Action::ManageOrganisation);
    patch "/organisations/{id}/people/{user_id}" => accounts::update_person, Do(Action::ManageOrganisation);
    post "/organisations/{id}/people/{user_id}/reset-link" => accounts::reset_link, Do(Action::ManageOrganisation);
    get "/organisations/{id}/teams" => accounts::teams, Do(Action::ManageOrganisation);
    post "/organisations/{id}/teams" => accounts::create_team, Do(Action::ManageOrganisation);
    patch "/teams/{id}" => accounts::update_team, Do(Action::ManageOrganisation);
    get "/organisations/{id}/board" => board::show, Do(Action::Read);
    patch "/organisations/{id}/board" => board::update, Do(Action::ManageBoard);
    get "/organisations/{id}/board/report" => board::report, Do(Action::Read);
    post "/organisations/{id}/measures" => board::create_measure, Do(Action::DefineMeasure);
    put "/measures/{id}/board" => board::place, Do(Action::ManageBoard);
    delete "/measures/{id}/board" => board::remove, Do(Action::ManageBoard);
    post "/measures/{id}/board/move" => board::move_measure, Do(Action::ManageBoard);
    get "/organisations/{id}/reports" => reports::list, Do(Action::Read);
    post "/organisations/{id}/reports" => reports::create, Do(Action::ManageBoard);
    get "/reports/{id}" => reports::show, Do(Action::Read);
    patch "/reports/{id}" => reports::update, Do(Action::ManageBoard);
    delete "/reports/{id}" => reports::delete, Do(Action::ManageBoard);
    post "/reports/{id}/publications" => reports::publish, Do(Action::ManageBoard);
    get "/reports/{id}/publications/{period}" => reports::publication, Do(Action::Read);
    get "/reports/{id}/publications/{period}/pdf" => reports::publication_pdf, Do(Action::Read);
    get "/measures/{id}/narratives/{period}" => reports::narrative, Do(Action::Read);
    put "/measures/{id}/narratives/{period}" => reports::write, Do(Action::WriteNarrative);
    get "/portfolio" => portfolio::show, Own;
    get "/organisations/{id}/priorities" => portfolio::list, Do(Action::Read);
    post "/organisations/{id}/priorities" => portfolio::create, Do(Action::ManagePriorities);
    patch "/priorities/{id}" => portfolio::update, Do(Action::ManagePriorities);
    delete "/priorities/{id}" => portfolio::delete, Do(Action::ManagePriorities);
    put "/projects/{id}/priorities" => portfolio::link, Do(Action::EditProject);
    get "/projects/{id}/report-outs" => events::show, Do(Action::Read);
    put "/projects/{id}/event" => events::set, Do(Action::EditProject);
    put "/projects/{id}/report-outs/{day}" => events::write, Do(Action::EditProject);
    get "/projects/{id}/closing" => library::show, Do(Action::Read);
    put "/projects/{id}/closing" => library::write, Do(Action::EditProject);
    get "/library" => library::list, Own;
    get "/organisations/{id}/assessments" => assessments::list, Do(Action::Read);
    post "/organisations/{id}/assessments" => assessments::create, Do(Action::AssessBoard);
    get "/organisations/{id}/assessments/comparison" => assessments::comparison, Do(Action::Read);
    get "/assessments/{id}" => assessments::show, Do(Action::Read);
    put "/assessments/{id}/ratings" => assessments::rate, Do(Action::AssessBoard);
    get "/projects/{id}/progress" => progress::show, Do(Action::Read);
    put "/projects/{id}/progress" => progress::assess, Do(Action::AssessProgress);
    get "/organisations/{id}/progress-settings" => progress::settings, Do(Action::Read);
    put "/organisations/{id}/progress-settings" => progress::set_settings, Do(Action::ManageOrganisation);
    get "/search" => search::search, Own;
    get "/projects/{id}/similar" => search::similar, Do(Action::Read);
    get "/ideas" => ideas::list, Own;
    post "/ideas" => ideas::create, Do(Action::ShareIdeas);
    get "/ideas/{id}" => ideas::show, Do(Action::Read);
    patch "/ideas/{id}" => ideas::update, Do(Action::TriageIdeas);
    post "/ideas/{id}/support" => ideas::support, Do(Action::ShareIdeas);
    delete "/ideas/{id}/support" => ideas::withdraw, Do(Action::ShareIdeas);
    get "/ideas/{id}/comments" => ideas::comments, Do(Action::Read);
    post "/ideas/{id}/comments" => ideas::comment, Do(Action::ShareIdeas);
    get "/notifications" => ideas::list_notifications, Own;
    get "/for-you" => for_you::show, Own;
    post "/notifications/read" => ideas::read_notifications, Own;
    post "/ideas/{id}/convert" => ideas::convert, Do(Action::TriageIdeas);
    get "/organisations/{id}/idea-responses" => ideas::responses, Do(Action::Read);
    put "/organisations/{id}/idea-response-target" => ideas::set_target, Do(Action::ManageOrganisation);
    get "/organisations/{id}/email-outbox" => ideas::email_outbox, Do(Action::ManageOrganisation);
    post "/projects/{id}/adopt" => spread::adopt, Do(Action::CreateProject);
    get "/change-packages/{id}/spread" => spread::show, Do(Action::Read);
    get "/projects/{id}/value" => value::list, Do(Action::Read);
    post "/projects/{id}/value" => value::create, Do(Action::RecordValue);
    get "/value/{id}" => value::show, Do(Action::Read);
    patch "/value/{id}" => value::update, Do(Action::RecordValue);
    delete "/value/{id}" => value::remove, Do(Action::RecordValue);
    post "/value/{id}/confirm" => value::confirm, Do(Action::ConfirmValue);
    get "/organisations/{id}/value" => value::roll_up, Do(Action::Read);
    get "/projects/{id}/involvement" => involvement::show, Do(Action::Read);
    put "/projects/{id}/involvement" => involvement::set, Do(Action::EditProject);
    get "/me/projects" => involvement::mine, Own;
    get "/organisations/{id}/involvement" => involvement::share, Do(Action::Read);
    get "/organisations/{id}/engagement" => involvement::engagement, Do(Action::Read);
    get "/organisations/{id}/courses" => training::courses, Do(Action::Read);
    post "/organisations/{id}/courses" => training::create_course, Do(Action::RunTraining);
    get "/courses/{id}" => training::show_course, Do(Action::Read);
    patch "/courses/{id}" => training::update_course, Do(Action::RunTraining);
    get "/courses/{id}/sessions" => training::sessions, Do(Action::Read);
    post "/courses/{id}/sessions" => training::create_session, Do(Action::RunTraining);
    get "/sessions/{id}" => training::show_session, Do(Action::Read);
    patch "/sessions/{id}" => training::update_session, Do(Action::RunTraining);
    get "/sessions/{id}/places" => training::places, Do(Action::RunTraining);
    post "/sessions/{id}/places" => training::request, Do(Action::BookTraining);
    delete "/sessions/{id}/places" => training::cancel, Do(Action::BookTraining);
    put "/sessions/{id}/places/{user_id}" => training::attendance, Do(Action::RunTraining);
    get "/people/{id}/training" => training::record, Own;
    get "/organisations/{id}/capability" => training::capability, Do(Action::Read);
    get "/organisations/{id}/capability-plan" => training::plan, Do(Action::Read);
    put "/organisations/{id}/capability-plan" => training::set_plan, Do(Action::ManageOrganisation);
    get "/projects/{id}/coaches" => training::coaches, Do(Action::Read);
    post "/projects/{id}/coaches" => training::add_coach, Do(Action::AssignCoaches);
    delete "/projects/{id}/coaches/{user_id}" => training::remove_coach, Do(Action::AssignCoaches);
    get "/organisations/{id}/coaching" => training::coaching, Do(Action::Read);
    get "/projects/{id}/time" => training::time, Do(Action::Read);
    post "/projects/{id}/time" => training::record_time, Do(Action::RecordTime);
    get "/organisations/{id}/time" => training::org_time, Do(Action::Read);
}

use crate::Guard::{self, Do, Own, Public};

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

/// The last value a query gives for `key`, trimmed (a later `key=` overrides an earlier one);
/// `None` when it gives none.
fn last_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
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
//
// Each asks the domain's `Access` for the row and the action the route takes
// (`gemba_domain::POLICY`): 404 when the user has no role where it lives, 403 when their role may
// not take the action.

/// The user's access to the workspace, for one request.
async fn access<'a>(state: &'a AppState, user: &User) -> Result<Access<'a>, ApiError> {
    Ok(Access::load(state.store.as_ref(), user.id).await?)
}

/// An organisation of the path, for `action` (404 without a role there, 403 without the right).
async fn org_access(
    state: &AppState,
    user: &User,
    org: OrgId,
    action: Action,
) -> Result<OrgId, ApiError> {
    Ok(*access(state, user).await?.org(org, action)?.item())
}

/// A project, for `action`, and what the user may do there.
async fn project_access(
    state: &AppState,
    user: &User,
    id: ProjectId,
    action: Action,
) -> Result<(Project, Grant), ApiError> {
    let found = access(state, user).await?.project(id, action).await?;
    Ok(found.into_parts())
}

/// A measure, for `action`, its project and what the user may do there.
async fn measure_access(
    state: &AppState,
    user: &User,
    id: MeasureId,
    action: Action,
) -> Result<(Measure, Project, Grant), ApiError> {
    let ((measure, project), grant) = access(state, user)
        .await?
        .measure(id, action)
        .await?
        .into_parts();
    Ok((measure, project, grant))
}

/// A PDSA cycle, for `action`, its project and what the user may do there.
async fn pdsa_access(
    state: &AppState,
    user: &User,
    id: PdsaId,
    action: Action,
) -> Result<(PdsaCycle, Project, Grant), ApiError> {
    let ((cycle, project), grant) = access(state, user)
        .await?
        .pdsa(id, action)
        .await?
        .into_parts();
    Ok((cycle, project, grant))
}

/// A driver diagram node, for `action`, its project and what the user may do there.
async fn driver_node_access(
    state: &AppState,
    user: &User,
    id: DriverNodeId,
    action: Action,
) -> Result<(DriverNode, Project, Grant), ApiError> {
    let ((node, project), grant) = access(state, user)
        .await?
        .driver_node(id, action)
        .await?
        .into_parts();
    Ok((node, project, grant))
}
