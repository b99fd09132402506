//! Gemba's web workspace: server-rendered pages for people (`pages`) and a JSON API for
//! scripts (`api`, under `/api/v1`), on any [`Store`].
//!
//! Handlers extract, convert to domain types, make one use-case or store call, and render.
//! Every handler checks the user's role in the organisation that owns what it touches; another
//! organisation's ids answer 404, exactly like ids that do not exist.

pub mod api;
pub mod auth;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use gemba_domain::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Sign-in attempts, for rate limiting.
    pub login_limiter: Arc<auth::LoginLimiter>,
    /// Whether cookies are marked `Secure` (on unless serving plain HTTP for development).
    pub secure_cookies: bool,
    /// Measures' latest icons per project, while the project is unchanged.
    pub(crate) summaries: Arc<pages::SummaryCache>,
}

impl AppState {
    /// State over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            store,
            login_limiter: Arc::new(auth::LoginLimiter::default()),
            secure_cookies: true,
            summaries: Arc::default(),
        }
    }
}

/// The whole application: pages and API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .with_state(state)
}
