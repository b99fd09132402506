//! Server-rendered HTML pages (being written).

use axum::Router;

use crate::AppState;

/// The pages' routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
