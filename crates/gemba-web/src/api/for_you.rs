//! What is waiting for the caller, through the API: the same use case as the dashboard's list.

use axum::extract::State;
use axum::Json;
use gemba_api::for_you::ForYouJson;
use gemba_domain::{for_you, Access};

use super::{ApiError, ApiUser};
use crate::AppState;

/// `GET /for-you`: data due, report-outs due, ideas awaiting a response (for those who triage)
/// and cycles awaiting their study on the caller's projects, and unread notifications.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<ForYouJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let waiting = for_you(&access, crate::pages::session::now()).await?;
    Ok(Json(ForYouJson::from(&waiting)))
}
