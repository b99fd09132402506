//! Gemba's web workspace: server-rendered pages for people (`pages`) and a JSON API for
//! scripts (`api`, under `/api/v1`), on any [`Store`].
//!
//! Handlers extract, convert to domain types, make one use-case or store call, and render.
//! Every handler reaches rows only through [`gemba_domain::Access`], asking for the action its
//! route declares in its route table ([`Guard`]); another organisation's ids answer 404, exactly
//! like ids that do not exist, and a role the permission policy ([`gemba_domain::POLICY`]) does
//! not allow answers 403.

pub mod api;
pub mod auth;
pub mod board_report;
pub mod history;
pub mod mail;
pub mod pages;
pub mod sheets;

use std::sync::Arc;

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::Response;
use axum::Router;
use gemba_domain::Store;

/// What a route needs before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Nothing: anyone may read it.
    Public,
    /// A signed-in user (a session or an API token); it reads or changes only the caller's own
    /// things (their account, their tokens, the lists and dashboards of their organisations).
    Own,
    /// A signed-in user who may, by the permission policy, take the action on the organisation,
    /// project, measure, PDSA cycle, driver node or team the path names, or in the organisation
    /// the form or body names (404 for anyone with no role there, 403 for a role that may not).
    Do(gemba_domain::Action),
    /// A signed-in user with a role across the system (a system improvement lead or a system
    /// viewer) of the organisation the path names: 404 for anyone with no role there, 403 for
    /// its people without a role across its system.
    System,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Sign-in attempts, for rate limiting.
    pub login_limiter: Arc<auth::LoginLimiter>,
    /// Password checks, a few at a time off the async workers.
    pub passwords: Arc<auth::PasswordChecker>,
    /// Reverse proxies whose forwarding headers name the client (none by default).
    pub trusted_proxies: Arc<auth::TrustedProxies>,
    /// Whether cookies are marked `Secure` (on unless serving plain HTTP for development).
    pub secure_cookies: bool,
    /// Measures' latest icons per project, while the project is unchanged.
    pub(crate) summaries: Arc<pages::SummaryCache>,
    /// Projects' icons, progress and method quality in the portfolio, while each is unchanged.
    pub(crate) portfolios: Arc<gemba_domain::PortfolioCache>,
    /// Uploaded data files: spreadsheets are read by a sandboxed child process, a few at a
    /// time. By default the running executable's `read-sheet` subcommand, which the `gemba`
    /// binary has; a program embedding the app (or a test) sets its own reader.
    pub sheets: Arc<sheets::SheetImport>,
}

impl AppState {
    /// State over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            store,
            login_limiter: Arc::new(auth::LoginLimiter::default()),
            passwords: Arc::new(auth::PasswordChecker::default()),
            trusted_proxies: Arc::default(),
            secure_cookies: true,
            summaries: Arc::default(),
            portfolios: Arc::default(),
            sheets: Arc::default(),
        }
    }
}

/// The whole application: pages and API, every response with the security headers of `security_headers`.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so that sign-in
/// failures are counted per client address; without it all clients share one count.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        // Unknown paths and methods outside the API: the styled "Page not found".
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::error_pages_with_header,
        ))
        .with_state(state)
        .layer(axum::middleware::map_response(security_headers))
}

/// An error and its causes in one line, for the log: "database error: cannot open x.db:
/// unable to open database file".
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// What pages may load: our own style sheet and forms only. Charts are inline SVG (no
/// request); no page has scripts.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'";

/// Adds the security headers to every response: no MIME sniffing, no framing, the content
/// security policy, no referrer sent to other sites; and `Cache-Control: no-store` unless the
/// handler chose its own caching (the style sheet does), so that signed-in pages and API
/// answers are not kept by browsers or proxies.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
