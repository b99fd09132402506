//! Staff ideas and notifications through the API: the same use cases as the pages.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::ideas::{
    CommentInput, ConvertInput, IdeaCommentJson, IdeaInput, IdeaJson, NotificationJson, OutboxJson,
    ResponseTargetInput, ResponseTimesJson, TriageInput,
};
use gemba_domain::{
    comment_on_idea, convert_idea, idea, idea_comments, ideas_of, mark_notifications_read,
    notifications, response_target, response_times, set_response_target, submit_idea, support_idea,
    triage_idea, Access, Action, ConvertDraft, Idea, IdeaDraft, IdeaId, IdeaStatus, OrgId,
    TriageDraft, Version,
};

use super::{created_tagged, merge_patch, tagged, ApiError, ApiUser, Id, IfMatch, JsonBody};
use crate::AppState;

async fn access<'a>(
    state: &'a AppState,
    user: &gemba_domain::User,
) -> Result<Access<'a>, ApiError> {
    Ok(Access::load(state.store.as_ref(), user.id).await?)
}

/// The organisation a request names (`org_id`, one of the caller's), or the caller's only one.
fn org_of(access: &Access<'_>, given: Option<i64>) -> Result<OrgId, ApiError> {
    match (given, access.orgs().as_slice()) {
        (Some(id), orgs) if orgs.contains(&OrgId(id)) => Ok(OrgId(id)),
        (Some(id), _) => Err(ApiError::field(
            "org_id",
            format!("you are not a member of organisation {id}"),
        )),
        (None, [only]) => Ok(*only),
        (None, []) => Err(ApiError::Forbidden(
            "you are not a member of any organisation",
        )),
        (None, several) => {
            let ids: Vec<String> = several.iter().map(|o| o.to_string()).collect();
            Err(ApiError::field(
                "org_id",
                format!(
                    "is required: you belong to several organisations ({})",
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// `GET /ideas?org_id=&status=`: the ideas of the caller's organisation (or of `org_id`),
/// newest first, with `status` only those.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<IdeaJson>>, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
            .map_err(|_| ApiError::field("org_id", "the query could not be read"))?;
    let last = |key: &str| super::last_value(&pairs, key).filter(|v| !v.is_empty());
    let given = match last("org_id") {
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::field("org_id", "must be an organisation id"))?,
        ),
        None => None,
    };
    let status = match last("status") {
        Some(s) => Some(IdeaStatus::parse(s).ok_or_else(|| {
            ApiError::field(
                "status",
                "must be one of: new, under_review, being_tested, adopted, not_now",
            )
        })?),
        None => None,
    };
    let access = access(&state, &user).await?;
    let org = org_of(&access, given)?;
    let all = ideas_of(&access, org, status).await?;
    Ok(Json(
        all.iter().map(|i| IdeaJson::new(i, user.id)).collect(),
    ))
}

/// `POST /ideas`: puts forward an idea (201 with its `ETag`).
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    JsonBody(input): JsonBody<IdeaInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let org = org_of(&access, input.org_id)?;
    let draft = IdeaDraft {
        problem: input.problem.clone(),
        idea: input.idea.clone(),
        area: input.area.clone(),
        team: input.team_id.map(|t| t.to_string()),
    };
    let id = submit_idea(&access, org, &draft).await?;
    let i = idea(&access, id, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/ideas/{id}"),
        i.version,
        IdeaJson::new(&i, user.id),
    ))
}

/// `GET /ideas/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let i = idea(&access, IdeaId(id), Action::Read).await?;
    Ok(tagged(i.version, IdeaJson::new(&i, user.id)))
}

/// `PATCH /ideas/{id}`: its triage, `status` and `response` (If-Match: only that version); the
/// submitter is told.
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<TriageInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = IdeaId(id);
    let current = idea(&access, id, Action::TriageIdeas).await?;
    let (access, input) = (&access, &input);
    let caller = user.id;
    let i = merge_patch(
        if_match,
        current,
        |i: &Idea| i.version,
        |i: &Idea| IdeaJson::new(i, caller),
        || async { Ok(idea(access, id, Action::TriageIdeas).await?) },
        |current: Idea| async move {
            let draft = TriageDraft {
                status: Some(
                    input
                        .status
                        .clone()
                        .unwrap_or_else(|| current.status.name().to_owned()),
                ),
                response: Some(input.response.clone().unwrap_or(current.response)),
            };
            triage_idea(access, id, &draft, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(i.version, IdeaJson::new(&i, user.id)))
}

/// `POST /ideas/{id}/support` and `DELETE …/support`: the caller supports it, or no longer.
async fn set_support(
    state: &AppState,
    user: &gemba_domain::User,
    id: i64,
    supports: bool,
) -> Result<Json<IdeaJson>, ApiError> {
    let access = access(state, user).await?;
    support_idea(&access, IdeaId(id), supports).await?;
    let i = idea(&access, IdeaId(id), Action::Read).await?;
    Ok(Json(IdeaJson::new(&i, user.id)))
}

/// `POST /ideas/{id}/support`.
pub async fn support(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<IdeaJson>, ApiError> {
    set_support(&state, &user, id, true).await
}

/// `DELETE /ideas/{id}/support`.
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<IdeaJson>, ApiError> {
    set_support(&state, &user, id, false).await
}

/// `GET /ideas/{id}/comments`: oldest first.
pub async fn comments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<IdeaCommentJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = idea_comments(&access, IdeaId(id)).await?;
    Ok(Json(all.iter().map(IdeaCommentJson::from).collect()))
}

/// `POST /ideas/{id}/comments`: the submitter (if someone else) is told; answers with every
/// comment (201).
pub async fn comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<CommentInput>,
) -> Result<(StatusCode, Json<Vec<IdeaCommentJson>>), ApiError> {
    let access = access(&state, &user).await?;
    let text = input
        .text
        .as_deref()
        .ok_or_else(|| ApiError::field("text", "is required"))?;
    comment_on_idea(&access, IdeaId(id), text).await?;
    let all = idea_comments(&access, IdeaId(id)).await?;
    Ok((
        StatusCode::CREATED,
        Json(all.iter().map(IdeaCommentJson::from).collect()),
    ))
}

/// `GET /notifications`: the caller's newest notifications.
pub async fn list_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<NotificationJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = notifications(&access).await?;
    Ok(Json(all.iter().map(NotificationJson::from).collect()))
}

/// `POST /notifications/read`: marks them all as seen.
pub async fn read_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    mark_notifications_read(&access).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /ideas/{id}/convert`: the idea becomes a project (`into` `project`) or a change idea
/// under a driver (`into` `change_idea`, `driver_id`), naming the idea; the idea moves to
/// "being tested" and its submitter is told. With `If-Match`, only if the idea is still at that
/// version. 201 with the idea (its `became` lists the new project or change idea) and the new
/// project's (or driver diagram's) address in `Location`.
pub async fn convert(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ConvertInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = IdeaId(id);
    let current = idea(&access, id, Action::TriageIdeas).await?;
    let draft = ConvertDraft {
        into: input.into.clone(),
        title: input.title.clone(),
        driver: input.driver_id.map(|d| d.to_string()),
        text: input.text.clone(),
    };
    let expected = if_match.unwrap_or(current.version);
    let became = convert_idea(&access, id, &draft, expected).await?;
    let i = idea(&access, id, Action::Read).await?;
    let location = match became.change_idea {
        Some(_) => format!("/api/v1/projects/{}/drivers", became.project),
        None => format!("/api/v1/projects/{}", became.project),
    };
    Ok(created_tagged(
        location,
        i.version,
        IdeaJson::new(&i, user.id),
    ))
}

/// `GET /organisations/{id}/idea-responses`: days to each idea's first response, per team and
/// for the organisation, with the engine's XmR chart against the organisation's target.
pub async fn responses(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<ResponseTimesJson>, ApiError> {
    let access = access(&state, &user).await?;
    let now = crate::pages::session::now();
    let times = response_times(&access, OrgId(id), now).await?;
    Ok(Json(ResponseTimesJson::from(&times)))
}

/// `PUT /organisations/{id}/idea-response-target`: sets the days (1 to 365) within which every
/// idea should have its first response (admins). With `If-Match`, only if the target is still
/// at that version.
pub async fn set_target(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<ResponseTargetInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let org = OrgId(id);
    access.org(org, Action::ManageOrganisation)?;
    let current = response_target(&access, org).await?;
    let days = input
        .days
        .ok_or_else(|| ApiError::field("days", "is required"))?;
    let expected = if_match.unwrap_or(current.map_or(Version(0), |t| t.version));
    set_response_target(&access, org, &days.to_string(), expected).await?;
    let times = response_times(&access, org, crate::pages::session::now()).await?;
    let version = times.target.map_or(Version(0), |t| t.version);
    Ok(tagged(version, ResponseTimesJson::from(&times)))
}

/// `GET /organisations/{id}/email-outbox`: whether notifications go by e-mail, and the newest
/// e-mails to the organisation's people (admins).
pub async fn email_outbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<OutboxJson>, ApiError> {
    let access = access(&state, &user).await?;
    let outbox = gemba_domain::outbox(&access, OrgId(id)).await?;
    Ok(Json(OutboxJson::from(&outbox)))
}
