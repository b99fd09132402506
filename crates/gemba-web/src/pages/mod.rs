//! Server-rendered HTML pages.
//!
//! `session`, `layout`, `error`, `form` and `projects` are the core (sign-in, page frame,
//! projects, driver diagrams, dashboards); `measures` and `pdsa` hold measures, data entry,
//! charts and PDSA cycles.

mod measures;
mod pdsa;

use axum::Router;

use crate::AppState;

/// The pages' routes.
pub fn router() -> Router<AppState> {
    Router::new().merge(measures::router()).merge(pdsa::router())
}
