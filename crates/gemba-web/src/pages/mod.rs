//! Server-rendered HTML pages.
//!
//! `session`, `layout`, `error`, `form` and `projects` are the core (sign-in, page frame,
//! projects, driver diagrams, dashboards); `measures` and `pdsa` hold measures, data entry,
//! charts and PDSA cycles.

mod account;
mod admin;
mod conflict;
mod dashboard;
mod drivers;
pub(crate) mod error;
pub(crate) mod form;
pub(crate) mod layout;
mod measures;
mod members;
mod pdsa;
pub(crate) mod projects;
pub(crate) mod session;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

pub(crate) use dashboard::SummaryCache;
pub(crate) use projects::load_project;

use crate::AppState;

/// Today's date (UTC), for the check of dates in the future.
pub(crate) fn today() -> chrono::NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_days(chrono::Days::new(days)))
        .unwrap_or(chrono::NaiveDate::MAX)
}

/// The pages' one style sheet, compiled in.
const CSS: &str = include_str!("../../static/gemba.css");

/// The pages' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/gemba.css", get(css))
        .merge(session::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(dashboard::router())
        .merge(projects::router())
        .merge(drivers::router())
        .merge(members::router())
        .merge(measures::router())
        .merge(pdsa::router())
}

async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}
