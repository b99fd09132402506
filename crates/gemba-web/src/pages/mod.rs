//! Server-rendered HTML pages.
//!
//! `session`, `layout`, `error`, `form` and `projects` are the core (sign-in, page frame,
//! projects, driver diagrams, dashboards); `measures` and `pdsa` hold measures, data entry,
//! charts and PDSA cycles.

/// Declares a module's pages once: its `ROUTES` (method, path and what each needs, read by the
/// isolation and permission tests) and its `router()`, built from the same lines so that the two
/// cannot drift apart. A route may carry a layer in brackets (a larger body limit).
macro_rules! page_routes {
    ($($method:ident $path:literal => $handler:ident $([$layer:expr])?, $guard:expr;)*) => {
        /// This module's pages: (method, path, what each needs).
        pub(crate) const ROUTES: &[(&str, &str, crate::Guard)] = {
            #[allow(unused_imports)]
            use {crate::Guard::{Do, Own, Public, System}, gemba_domain::Action};
            &[$((stringify!($method), $path, $guard)),*]
        };

        /// This module's pages.
        pub(crate) fn router() -> axum::Router<crate::AppState> {
            #[allow(unused_imports)]
            use {crate::Guard::{Do, Own, Public, System}, gemba_domain::Action};
            axum::Router::new()
                $(.route($path, axum::routing::$method($handler)$(.layer($layer))?))*
        }
    };
}

mod account;
mod admin;
mod assessment;
mod board;
mod capability;
mod coaching;
mod confirm;
mod conflict;
mod dashboard;
mod drivers;
pub(crate) mod error;
mod events;
pub(crate) mod form;
mod ideas;
mod involvement;
pub(crate) mod layout;
mod library;
mod measures;
mod members;
mod pdsa;
mod portfolio;
mod progress;
pub(crate) mod projects;
mod reports;
pub(crate) mod search;
pub(crate) mod session;
mod spread;
mod time;
mod training;
mod value;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;

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

/// Every page route as (method, path, what it needs), from the modules' tables.
pub fn routes() -> Vec<(&'static str, &'static str, crate::Guard)> {
    let tables: [&[(&str, &str, crate::Guard)]; 28] = [
        &[("get", "/static/gemba.css", crate::Guard::Public)],
        session::ROUTES,
        account::ROUTES,
        admin::ROUTES,
        board::ROUTES,
        portfolio::ROUTES,
        events::ROUTES,
        ideas::ROUTES,
        library::ROUTES,
        spread::ROUTES,
        reports::ROUTES,
        assessment::ROUTES,
        dashboard::ROUTES,
        projects::ROUTES,
        drivers::ROUTES,
        members::ROUTES,
        measures::ROUTES,
        measures::data::ROUTES,
        pdsa::ROUTES,
        progress::ROUTES,
        confirm::ROUTES,
        search::ROUTES,
        value::ROUTES,
        involvement::ROUTES,
        training::ROUTES,
        capability::ROUTES,
        coaching::ROUTES,
        time::ROUTES,
    ];
    tables.concat()
}

/// The pages' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/gemba.css", get(css))
        .merge(session::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(board::router())
        .merge(portfolio::router())
        .merge(events::router())
        .merge(ideas::router())
        .merge(library::router())
        .merge(spread::router())
        .merge(reports::router())
        .merge(assessment::router())
        .merge(dashboard::router())
        .merge(projects::router())
        .merge(drivers::router())
        .merge(members::router())
        .merge(measures::router())
        .merge(measures::data::router())
        .merge(pdsa::router())
        .merge(progress::router())
        .merge(confirm::router())
        .merge(search::router())
        .merge(value::router())
        .merge(involvement::router())
        .merge(training::router())
        .merge(capability::router())
        .merge(coaching::router())
        .merge(time::router())
}

/// A path parameter of a page (an id): one that does not parse ("new", "12abc") is a page that
/// does not exist, answered with the styled "Page not found", never axum's plain-text message.
pub(crate) struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = error::PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(t)| Path(t))
            .map_err(|_| error::PageError::NotFound)
    }
}

/// The answer to a path no page or API route has, and to a method a page does not take.
pub(crate) async fn not_found() -> error::PageError {
    error::PageError::NotFound
}

/// Error pages are rendered without knowing who asked (a handler's error has no user); this
/// draws them again with the signed-in header (their name, Account, Admin, Sign out) when the
/// request came from a signed-in user, so that a missing page still looks like Gemba.
pub(crate) async fn error_pages_with_header(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // Only the session cookie is needed to know who asked.
    let mut headers = axum::http::HeaderMap::new();
    for cookie in req.headers().get_all(axum::http::header::COOKIE) {
        headers.append(axum::http::header::COOKIE, cookie.clone());
    }
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<error::ErrorPage>().cloned() else {
        return res;
    };
    match session::current_user(&headers, &state).await {
        Ok(Some(user)) => {
            let mut again = (res.status(), info.render(Some(&user))).into_response();
            again.extensions_mut().insert(info);
            again
        }
        _ => res,
    }
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
