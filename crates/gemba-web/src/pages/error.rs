//! The pages' one error type and its one status match: validation failures are 4xx and are not
//! logged; internal failures are logged and shown as a generic message, never their detail.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gemba_domain::{AccessError, Action, StoreError};
use maud::html;

use super::layout;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Nothing here, or nothing this user may see (other organisations' ids look missing).
    NotFound,
    /// The user may see this but not change it, or the form's CSRF token was wrong.
    Forbidden,
    /// The permission policy does not let the user's role take this action here.
    Denied(Action),
    /// Only someone with a role across the system sees this.
    SystemOnly,
    /// The request cannot be understood; the message is shown to the user.
    BadRequest(String),
    /// Someone else changed or deleted the thing between this page's read and its write (a
    /// form without a conflict page of its own); the message names it.
    Stale(String),
    /// Something failed inside; the message goes to the log only.
    Internal(String),
}

impl From<AccessError> for PageError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::NotFound => PageError::NotFound,
            AccessError::Denied(action) => PageError::Denied(action),
            AccessError::SystemOnly => PageError::SystemOnly,
            AccessError::Store(e) => PageError::from(e),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => PageError::BadRequest(format!("{what} already exists")),
            StoreError::Refused(why) => PageError::BadRequest(sentence(&why)),
            // Deleted (or never there) between the page's access check and its write: as for
            // any id that does not exist.
            StoreError::Missing(_) => PageError::NotFound,
            StoreError::Stale(what) => PageError::Stale(what),
            other => PageError::Internal(crate::with_causes(&other)),
        }
    }
}

/// A message as a sentence: capital first letter, full stop.
pub(crate) fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let mut out: String = match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you followed a link, \
                 the page may have been deleted or you may not have access to it."
                    .to_owned(),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot do that",
                "Your role does not allow this change, or the form had expired. Go back, \
                 reload the page and try again, or ask your organisation's admin."
                    .to_owned(),
            ),
            PageError::Denied(action) => (
                StatusCode::FORBIDDEN,
                "You cannot do that",
                format!(
                    "{} Ask them, or your organisation's admin if your role should change.",
                    action.refusal()
                ),
            ),
            PageError::SystemOnly => (
                StatusCode::FORBIDDEN,
                "You cannot see this",
                format!(
                    "{} Ask an admin of your organisation if you should have a role across the \
                     system.",
                    AccessError::SystemOnly
                ),
            ),
            PageError::Stale(what) => (
                StatusCode::CONFLICT,
                "Someone else changed this first",
                format!(
                    "{what} was changed by someone else while you were working on it, so your \
                     change was not saved. Go back, reload the page to see their change, and \
                     make yours again."
                ),
            ),
            PageError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "There is a problem", message)
            }
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you entered has been half-saved.".to_owned(),
                )
            }
        };
        let page = ErrorPage { title, message };
        let mut res = (status, page.render(None)).into_response();
        res.extensions_mut().insert(page);
        res
    }
}

/// What an error page says, kept on its response so that it can be drawn again with the
/// signed-in header (`pages::error_pages_with_header`).
#[derive(Debug, Clone)]
pub(crate) struct ErrorPage {
    title: &'static str,
    message: String,
}

impl ErrorPage {
    /// The page, with the header of `user` when known.
    pub(crate) fn render(&self, user: Option<&super::session::CurrentUser>) -> maud::Markup {
        let body = html! {
            h1 { (self.title) }
            p { (self.message) }
            p { a href="/" { "Go to the dashboard" } }
        };
        layout::page(self.title, user, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a write that lost a race with a deletion (the store's `Missing`) showed
    /// the 500 page; it is a 404 like any id that is not there, and a stale write a 409.
    #[test]
    fn regression_missing_is_404_and_stale_is_409_never_500() {
        let missing = PageError::from(StoreError::Missing("the measure 3".into()));
        assert_eq!(missing.into_response().status(), StatusCode::NOT_FOUND);
        let stale = PageError::from(StoreError::Stale("the measure “Falls”".into()));
        assert_eq!(stale.into_response().status(), StatusCode::CONFLICT);
    }

    /// A store failure's cause reaches the log with it (issue 9: typed store errors keep their
    /// cause), and never the page.
    #[test]
    fn a_database_failure_logs_its_cause_and_shows_none() {
        let e = StoreError::unavailable(
            "cannot open gemba.db",
            std::io::Error::other("disk I/O error"),
        );
        let logged = crate::with_causes(&e);
        assert_eq!(
            logged,
            "database error: cannot open gemba.db: disk I/O error"
        );
        let page = PageError::from(e);
        assert!(matches!(&page, PageError::Internal(m) if m == &logged));
        assert_eq!(
            page.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
