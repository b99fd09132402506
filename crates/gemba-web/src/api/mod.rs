//! The JSON API under `/api/v1` (being written).

use axum::Router;

use crate::AppState;

/// The API's routes (mounted under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
}
