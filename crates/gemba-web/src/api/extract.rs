//! The API's extractors: the bearer-token user, a numeric id (and a second segment) from the
//! path, and a JSON body whose every rejection is an [`ApiError`] naming the field.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use gemba_domain::{User, Version};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::auth::secret_hash;
use crate::AppState;

/// The user of the request's `Authorization: Bearer TOKEN`; 401 without a valid one.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(ApiError::Unauthorized)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(ApiError::Unauthorized);
        }
        state
            .store
            .api_token_user(&secret_hash(token), crate::pages::session::now())
            .await?
            .map(ApiUser)
            .ok_or(ApiError::Unauthorized)
    }
}

/// The version a write is based on, from the request's `If-Match: "3"` (an `ETag` this API
/// sent); `None` without the header or with `If-Match: *` (any version). Anything else is a
/// 400 naming the header.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<Version>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let bad = || ApiError::BadRequest {
            message: "If-Match must be one ETag this API sent, like \"3\" (or *)".to_owned(),
            field: Some("If-Match".to_owned()),
        };
        let value = value.to_str().map_err(|_| bad())?.trim();
        if value == "*" {
            return Ok(IfMatch(None));
        }
        value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v > 0)
            .map(|v| IfMatch(Some(Version(v))))
            .ok_or_else(bad)
    }
}

/// The `{id}` of the path; anything that is not a whole number is an id that does not exist.
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        raw.parse::<i64>().map(Id).map_err(|_| ApiError::NotFound)
    }
}

/// The `{id}` of a path with a second segment (`{user_id}`, `{date}`), which is given as
/// written for the handler to read; an `{id}` that is not a whole number does not exist.
#[derive(Debug, Clone)]
pub struct IdAnd(pub i64, pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdAnd {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((raw, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let id = raw.parse::<i64>().map_err(|_| ApiError::NotFound)?;
        Ok(IdAnd(id, second))
    }
}

/// Whether the request says its body is JSON (`application/json` or `application/*+json`).
pub fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|m| {
        m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
    })
}

/// The media type of the body, lower case, without parameters.
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// A body that could not be read: too large (413) or broken off (400).
pub fn body_error(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest {
            message: "the request body could not be read".to_owned(),
            field: None,
        }
    }
}

/// Reads a JSON object into `T`: a syntax error, or a body that is not an object, is 400; a
/// value of the wrong type is 422 naming the field (as a path, `rebase[2]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest {
            message: format!("the body is not valid JSON: {e}"),
            field: None,
        })?;
    if !value.is_object() {
        return Err(ApiError::BadRequest {
            message: "the body must be a JSON object".to_owned(),
            field: None,
        });
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ApiError::field(&field, e.into_inner().to_string())
    })
}

/// A JSON value already read (an object), as `T`: a field that does not fit is a 422 naming it.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ApiError::field(&field, e.into_inner().to_string())
    })
}

/// A JSON request body: like `axum::Json`, but every rejection is an [`ApiError`].
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType("application/json"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        parse_json(&bytes).map(JsonBody)
    }
}
