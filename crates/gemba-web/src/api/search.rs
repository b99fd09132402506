//! Finding projects: full-text search and a project's similar work, in the organisations the
//! user is a member of.

use axum::extract::{RawQuery, State};
use axum::Json;
use gemba_api::workspace::{SearchHitJson, SearchJson};
use gemba_domain::{
    search as find, similar as like, Access, ProjectId, QueryProblem, SearchError, SearchHit,
};

use super::{ApiError, ApiUser, Id};
use crate::AppState;

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Access(e) => e.into(),
            SearchError::Invalid(QueryProblem::Empty) => ApiError::field("q", "is required"),
            SearchError::Invalid(QueryProblem::TooLong { max }) => {
                ApiError::field("q", format!("must be {max} characters or fewer"))
            }
            SearchError::Invalid(QueryProblem::Limit { max }) => {
                ApiError::field("limit", format!("must be a whole number from 1 to {max}"))
            }
        }
    }
}

fn answer(hits: &[SearchHit]) -> Json<SearchJson> {
    Json(SearchJson {
        results: hits.iter().map(SearchHitJson::from).collect(),
    })
}

/// `?q=` (the last one given) and `?limit=` from the query string.
fn search_query(query: Option<&str>) -> Result<(String, Option<usize>), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| ApiError::field("q", "is not a readable query string"))?;
    let last = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
    let limit = match last("limit").map(|v| v.trim()) {
        None | Some("") => None,
        Some(v) => Some(v.parse::<usize>().map_err(|_| {
            ApiError::field(
                "limit",
                format!(
                    "must be a whole number from 1 to {}",
                    gemba_domain::MAX_RESULTS
                ),
            )
        })?),
    };
    Ok((last("q").cloned().unwrap_or_default(), limit))
}

/// `GET /search?q=&limit=`: projects of the user's organisations matching every word of `q`,
/// best first (422 for a blank or too long `q`, or a `limit` not from 1 to 50).
pub async fn search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchJson>, ApiError> {
    let (q, limit) = search_query(query.as_deref())?;
    let access = Access::load(state.store.as_ref(), user.id).await?;
    Ok(answer(&find(&access, &q, limit).await?))
}

/// `GET /projects/{id}/similar`: the projects most like this one in the user's organisations,
/// best first (at most 5).
pub async fn similar(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<SearchJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    Ok(answer(&like(&access, ProjectId(id)).await?))
}
