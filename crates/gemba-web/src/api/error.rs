//! The API's one error type and its one status match: every failure answers
//! `{"error": {"code", "message", "field"}}` (with `"errors": [...]` when there are several
//! problems). Client errors are not logged as errors; internal details are logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::workspace::{ErrorBody, ErrorItemJson, ErrorJson};
use gemba_domain::{AccessError, Action, FieldError, FieldProblem, StoreError, Version};

/// Largest request body the API reads: 5 MB.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// Why an API request failed.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the body is not JSON (or CSV) that can be read at all.
    BadRequest {
        /// What is wrong.
        message: String,
        /// The field, when known.
        field: Option<String>,
    },
    /// 401: no token, or a token that is not valid.
    Unauthorized,
    /// 403: the user may read this but not change it.
    Forbidden(&'static str),
    /// 403: the permission policy does not let the user's role take this action here; the
    /// message says who may.
    Denied(Action),
    /// 404: no such thing, or it belongs to an organisation the user is not in.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed,
    /// 409: the change clashes with what is stored (a name taken, a link that already exists).
    Conflict(String),
    /// 409: someone else changed the object between this request's read and its write, and
    /// merging the request again kept failing; what changed is named.
    Stale(String),
    /// 412: `If-Match` names a version that is no longer the stored one; the answer carries the
    /// current object (and its `ETag`) so that the client can merge and try again.
    VersionConflict {
        /// The stored version.
        version: Version,
        /// The object as stored now, as its GET answers it.
        current: Box<serde_json::Value>,
    },
    /// 413: the body is larger than [`MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 415: a body in a format the endpoint does not read.
    UnsupportedMediaType(&'static str),
    /// 422: well-formed but invalid; every problem, the first is the headline.
    Invalid(Vec<ErrorItemJson>),
    /// 422: rows that look wrong (a date in the future, a number far from the measure's usual
    /// scale) and are saved only when the request confirms them (`?confirm=true`).
    NeedsConfirmation(Vec<ErrorItemJson>),
    /// 422: an uploaded spreadsheet that could not be read safely (too big when unpacked, too
    /// many cells, too slow…): the message says why; nothing was saved.
    UnsafeFile(String),
    /// 500: something broke on our side; the detail goes to the log only.
    Internal(String),
}

impl ApiError {
    /// A 422 about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![ErrorItemJson {
            line: None,
            index: None,
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Denied(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::Stale(_) => StatusCode::CONFLICT,
            ApiError::VersionConflict { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) | ApiError::UnsafeFile(_) | ApiError::NeedsConfirmation(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::Invalid(errors.into_iter().map(ErrorItemJson::from).collect())
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::from(vec![e])
    }
}

impl From<gemba_domain::BoardError> for ApiError {
    fn from(e: gemba_domain::BoardError) -> Self {
        match e {
            gemba_domain::BoardError::Access(e) => ApiError::from(e),
            gemba_domain::BoardError::Invalid(problems) => ApiError::from(problems),
            gemba_domain::BoardError::Refused(why) => ApiError::Conflict(why),
        }
    }
}

impl From<gemba_domain::AssessmentError> for ApiError {
    fn from(e: gemba_domain::AssessmentError) -> Self {
        match e {
            gemba_domain::AssessmentError::Access(e) => ApiError::from(e),
            gemba_domain::AssessmentError::Invalid(problems) => ApiError::from(problems),
            gemba_domain::AssessmentError::Stale(_) => {
                ApiError::Stale("your ratings in this assessment".to_owned())
            }
        }
    }
}

impl From<AccessError> for ApiError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::NotFound => ApiError::NotFound,
            AccessError::Denied(action) => ApiError::Denied(action),
            AccessError::SystemOnly => ApiError::Forbidden(
                "Only a system improvement lead or a system viewer sees the system's portfolio.",
            ),
            AccessError::Store(e) => ApiError::from(e),
        }
    }
}

impl From<Vec<FieldProblem>> for ApiError {
    /// Every problem of a draft, in the API's words (422).
    fn from(problems: Vec<FieldProblem>) -> Self {
        ApiError::Invalid(problems.into_iter().map(ErrorItemJson::from).collect())
    }
}

impl From<FieldProblem> for ApiError {
    fn from(p: FieldProblem) -> Self {
        ApiError::from(vec![p])
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            // A reference to something that is not there (a team, a driver node): the caller
            // checks these first, so reaching here is a race; answer as for any unknown id.
            StoreError::Missing(_) => ApiError::NotFound,
            // A uniqueness rule the handler did not foresee: the client's to resolve, not ours.
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            // A rule of the accounts (the last admin): its message is for the client.
            StoreError::Refused(why) => ApiError::Conflict(why),
            // A concurrent edit won: the handler merges again or answers with the current
            // object; reaching here means it gave up.
            StoreError::Stale(what) => ApiError::Stale(what),
            other => ApiError::Internal(crate::with_causes(&other)),
        }
    }
}

/// The most problems listed in one answer; the rest are counted in a last item.
pub const MAX_LISTED_PROBLEMS: usize = 50;

/// The first [`MAX_LISTED_PROBLEMS`] problems and, if there were more, an item saying how many.
fn capped(mut errors: Vec<ErrorItemJson>) -> Vec<ErrorItemJson> {
    if errors.len() > MAX_LISTED_PROBLEMS {
        let more = errors.len() - MAX_LISTED_PROBLEMS;
        errors.truncate(MAX_LISTED_PROBLEMS);
        errors.push(ErrorItemJson {
            line: None,
            index: None,
            field: "data".to_owned(),
            message: format!("and {more} more problems"),
        });
    }
    errors
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut current = None;
        let (code, message, field, errors) = match self {
            ApiError::BadRequest { message, field } => ("bad_request", message, field, vec![]),
            ApiError::Unauthorized => (
                "unauthorized",
                "send a valid API token as 'Authorization: Bearer TOKEN'".to_owned(),
                None,
                vec![],
            ),
            ApiError::Forbidden(why) => ("forbidden", why.to_owned(), None, vec![]),
            ApiError::Denied(action) => ("forbidden", action.refusal(), None, vec![]),
            ApiError::NotFound => ("not_found", "not found".to_owned(), None, vec![]),
            ApiError::MethodNotAllowed => (
                "method_not_allowed",
                "this path does not take that method".to_owned(),
                None,
                vec![],
            ),
            ApiError::Conflict(message) => ("conflict", message, None, vec![]),
            ApiError::Stale(what) => (
                "version_conflict",
                format!("{what} was changed by someone else; read it again and redo your change"),
                None,
                vec![],
            ),
            ApiError::VersionConflict {
                version,
                current: now,
            } => {
                current = Some((version, now));
                (
                    "version_conflict",
                    "it was changed by someone else since the version in If-Match; \
                     `current` is what is stored now: merge your change into it and send it \
                     again with its ETag"
                        .to_owned(),
                    Some("If-Match".to_owned()),
                    vec![],
                )
            }
            ApiError::PayloadTooLarge => (
                "payload_too_large",
                format!(
                    "the body is larger than {} MB; send less data at a time",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
                None,
                vec![],
            ),
            ApiError::UnsupportedMediaType(expected) => (
                "unsupported_media_type",
                format!("send the body as {expected}"),
                None,
                vec![],
            ),
            ApiError::Invalid(errors) => {
                let (message, field) = match errors.first() {
                    Some(e) => {
                        let at = match (e.line, e.index) {
                            (Some(l), _) => format!("line {l}: "),
                            (None, Some(i)) => format!("item {i}: "),
                            (None, None) => String::new(),
                        };
                        let more = match errors.len() {
                            1 => String::new(),
                            n => format!(" (and {} more problem(s))", n - 1),
                        };
                        (
                            format!("{at}{} {}{more}", e.field, e.message),
                            Some(e.field.clone()),
                        )
                    }
                    None => ("the request is not valid".to_owned(), None),
                };
                ("invalid", message, field, capped(errors))
            }
            ApiError::NeedsConfirmation(errors) => {
                let first = errors.first().map(|e| {
                    let at = match (e.line, e.index) {
                        (Some(l), _) => format!("line {l}: "),
                        (None, Some(i)) => format!("item {i}: "),
                        (None, None) => String::new(),
                    };
                    (format!("{at}{} {}", e.field, e.message), e.field.clone())
                });
                let (message, field) = match first {
                    Some((m, f)) => (
                        format!(
                            "nothing was saved: {} row(s) need confirming ({m}); check them and \
                             send the request again with ?confirm=true to save them",
                            errors.len()
                        ),
                        Some(f),
                    ),
                    None => (
                        "nothing was saved; confirm with ?confirm=true".to_owned(),
                        None,
                    ),
                };
                ("needs_confirmation", message, field, capped(errors))
            }
            ApiError::UnsafeFile(message) => {
                ("unsafe_file", message, Some("body".to_owned()), vec![])
            }
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "API request failed");
                (
                    "internal",
                    "something went wrong on our side; it has been logged".to_owned(),
                    None,
                    vec![],
                )
            }
        };
        let body = ErrorBody {
            error: ErrorJson {
                code: code.to_owned(),
                message,
                field,
            },
            errors,
        };
        let mut response = match current {
            None => (status, Json(body)).into_response(),
            Some((version, now)) => {
                let mut json = serde_json::to_value(&body).unwrap_or_default();
                if let Some(map) = json.as_object_mut() {
                    map.insert("current".to_owned(), *now);
                }
                let mut response = (status, Json(json)).into_response();
                if let Ok(tag) = HeaderValue::from_str(&super::etag(version)) {
                    response.headers_mut().insert(header::ETAG, tag);
                }
                response
            }
        };
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a store conflict (a "follows" loop, a taken name) answered 500.
    #[test]
    fn regression_store_conflict_is_409_and_missing_is_404_never_500() {
        let conflict = ApiError::from(StoreError::Conflict("that link".into()));
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        let response = conflict.into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let missing = ApiError::from(StoreError::Missing("team 9".into()));
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }
}
