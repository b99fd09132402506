//! Improvement training through the API: the same use cases as the pages.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::training::{
    AttendanceInput, CapabilityJson, CourseInput, CourseJson, PlaceJson, PlanInput, PlanJson,
    SessionInput, SessionJson, TrainingRecordJson,
};
use gemba_api::training::{
    CoachInput, CoachJson, CoachLoadJson, TimeEntryJson, TimeInput, TimeRollUpJson,
};
use gemba_domain::{
    add_course, add_training_session, cancel_place, course, courses_of, edit_course,
    edit_training_session, record_attendance, request_place, session_places, training_record,
    training_session, training_sessions_of, waiting_position, Access, Action, AttendanceDraft,
    Course, CourseDraft, CourseId, OrgId, TrainingSession, TrainingSessionDraft, TrainingSessionId,
    UserId,
};
use gemba_domain::{
    assign_coach, capability_plan, coaches_of, coaching_loads, set_capability_plan, PlanDraft,
    ProjectId, TeamId, Version,
};

use super::{
    access, check_if_match, created_tagged, merge_patch, tagged, ApiError, ApiUser, Id, IdAnd,
    IfMatch, JsonBody,
};
use crate::AppState;

fn course_draft(input: &CourseInput) -> CourseDraft {
    CourseDraft {
        title: input.title.clone(),
        level: input.level.clone(),
        description: input.description.clone(),
    }
}

fn session_draft(input: &SessionInput) -> TrainingSessionDraft {
    TrainingSessionDraft {
        date: input.date.clone(),
        places: input.places.map(|p| p.to_string()),
        venue: input.venue.clone(),
    }
}

/// The session as `access`'s user sees it: with their own place and its position.
async fn session_json(access: &Access<'_>, s: &TrainingSession) -> Result<SessionJson, ApiError> {
    let places = session_places(access, s.id).await?;
    let me = access.user();
    let mine = places.iter().find(|p| p.user.id == me);
    Ok(SessionJson::new(
        s,
        mine.map(|p| (p, waiting_position(&places, me))),
    ))
}

/// `GET /organisations/{id}/courses`: by title.
pub async fn courses(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<CourseJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = courses_of(&access, OrgId(id)).await?;
    Ok(Json(all.iter().map(CourseJson::from).collect()))
}

/// `POST /organisations/{id}/courses` (201 with its `ETag`).
pub async fn create_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<CourseInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = add_course(&access, OrgId(id), &course_draft(&input)).await?;
    let c = course(&access, id, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/courses/{id}"),
        c.version,
        CourseJson::from(&c),
    ))
}

/// `GET /courses/{id}`.
pub async fn show_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let c = course(&access, CourseId(id), Action::Read).await?;
    Ok(tagged(c.version, CourseJson::from(&c)))
}

/// `PATCH /courses/{id}`: the fields named (If-Match: only that version).
pub async fn update_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<CourseInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = CourseId(id);
    let current = course(&access, id, Action::RunTraining).await?;
    let (access, draft) = (&access, &course_draft(&input));
    let c = merge_patch(
        if_match,
        current,
        |c: &Course| c.version,
        |c: &Course| CourseJson::from(c),
        || async { Ok(course(access, id, Action::RunTraining).await?) },
        |current: Course| async move {
            edit_course(access, id, draft, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(c.version, CourseJson::from(&c)))
}

/// `GET /courses/{id}/sessions`: by date.
pub async fn sessions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<SessionJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let c = course(&access, CourseId(id), Action::Read).await?;
    let mut out = Vec::new();
    for s in training_sessions_of(&access, c.org)
        .await?
        .iter()
        .filter(|s| s.course == c.id)
    {
        out.push(session_json(&access, s).await?);
    }
    Ok(Json(out))
}

/// `POST /courses/{id}/sessions` (201 with its `ETag`).
pub async fn create_session(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<SessionInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = add_training_session(&access, CourseId(id), &session_draft(&input)).await?;
    let s = training_session(&access, id, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/sessions/{id}"),
        s.version,
        session_json(&access, &s).await?,
    ))
}

/// `GET /sessions/{id}`: with the caller's place.
pub async fn show_session(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let s = training_session(&access, TrainingSessionId(id), Action::Read).await?;
    Ok(tagged(s.version, session_json(&access, &s).await?))
}

/// `PATCH /sessions/{id}`: the fields named (If-Match: only that version); places added go to
/// the waiting list in order.
pub async fn update_session(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<SessionInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = TrainingSessionId(id);
    let current = training_session(&access, id, Action::RunTraining).await?;
    let (access, draft) = (&access, &session_draft(&input));
    let s = merge_patch(
        if_match,
        current,
        |s: &TrainingSession| s.version,
        |s: &TrainingSession| SessionJson::new(s, None),
        || async { Ok(training_session(access, id, Action::RunTraining).await?) },
        |current: TrainingSession| async move {
            edit_training_session(access, id, draft, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(s.version, session_json(access, &s).await?))
}

/// `GET /sessions/{id}/places`: everyone booked and waiting, in the order they asked.
pub async fn places(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<PlaceJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let id = TrainingSessionId(id);
    training_session(&access, id, Action::RunTraining).await?;
    let all = session_places(&access, id).await?;
    Ok(Json(
        all.iter()
            .map(|p| PlaceJson::new(p, waiting_position(&all, p.user.id)))
            .collect(),
    ))
}

/// `POST /sessions/{id}/places`: the caller asks for a place (201 with it): booked while places
/// are free, else on the waiting list.
pub async fn request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<(StatusCode, Json<PlaceJson>), ApiError> {
    let access = access(&state, &user).await?;
    let id = TrainingSessionId(id);
    let place = request_place(&access, id).await?;
    let all = session_places(&access, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PlaceJson::new(&place, waiting_position(&all, user.id))),
    ))
}

/// `DELETE /sessions/{id}/places`: the caller gives up their place; the first on the waiting
/// list gets it and is told.
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    cancel_place(&access, TrainingSessionId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /sessions/{id}/places/{user_id}`: attendance and completion (If-Match: only that
/// version of the place).
pub async fn attendance(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, person): IdAnd,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<AttendanceInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = TrainingSessionId(id);
    training_session(&access, id, Action::RunTraining).await?;
    let person = UserId(person.parse::<i64>().map_err(|_| ApiError::NotFound)?);
    let all = session_places(&access, id).await?;
    let place = all
        .iter()
        .find(|p| p.user.id == person)
        .ok_or(ApiError::NotFound)?;
    check_if_match(if_match, place.version, || {
        PlaceJson::new(place, waiting_position(&all, person))
    })?;
    let draft = AttendanceDraft {
        attendance: input.attendance.clone(),
        completed: Some(input.completed.unwrap_or(false).to_string()),
    };
    let version = record_attendance(&access, id, person, &draft, Some(place.version)).await?;
    let all = session_places(&access, id).await?;
    let place = all
        .iter()
        .find(|p| p.user.id == person)
        .ok_or(ApiError::NotFound)?;
    Ok(tagged(version, PlaceJson::new(place, None)))
}

/// `GET /people/{id}/training`: a person's record in each organisation where the caller may
/// see it (their own; anyone's where they run training).
pub async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<TrainingRecordJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = training_record(&access, UserId(id)).await?;
    Ok(Json(all.iter().map(TrainingRecordJson::from).collect()))
}

/// `GET /organisations/{id}/capability?team_id=`: the share of staff trained at each level by
/// month, against the plan.
pub async fn capability(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
) -> Result<Json<CapabilityJson>, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
            .map_err(|_| ApiError::field("team_id", "the query could not be read"))?;
    let team = match super::last_value(&pairs, "team_id").filter(|v| !v.is_empty()) {
        Some(v) => {
            Some(TeamId(v.parse::<i64>().map_err(|_| {
                ApiError::field("team_id", "must be a team id")
            })?))
        }
        None => None,
    };
    let access = access(&state, &user).await?;
    let today = crate::pages::today();
    let c = gemba_domain::capability(&access, OrgId(id), team, today).await?;
    Ok(Json(CapabilityJson::new(OrgId(id), team, &c)))
}

/// `GET /organisations/{id}/capability-plan`.
pub async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let p = capability_plan(&access, OrgId(id)).await?;
    Ok(Json(PlanJson::new(OrgId(id), p.as_ref())).into_response())
}

/// `PUT /organisations/{id}/capability-plan`: the targets named (admins; If-Match: only that
/// version).
pub async fn set_plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let org = OrgId(id);
    access.org(org, Action::ManageOrganisation)?;
    let current = capability_plan(&access, org).await?;
    let stored = current.map_or(Version(0), |p| p.version);
    if current.is_none() && if_match.is_some() {
        // No plan yet, so no version to match (and no ETag to send back).
        return Err(ApiError::Conflict(
            "The capability plan is not set yet: send it without If-Match.".into(),
        ));
    }
    check_if_match(if_match, stored, || PlanJson::new(org, current.as_ref()))?;
    let draft = PlanDraft {
        targets: [input.foundation, input.practitioner, input.expert]
            .map(|t| t.map(|n| n.to_string())),
    };
    set_capability_plan(&access, org, &draft, stored).await?;
    let p = capability_plan(&access, org).await?;
    let json = PlanJson::new(org, p.as_ref());
    Ok(tagged(Version(json.version), json))
}

/// `GET /projects/{id}/coaches`: by name.
pub async fn coaches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<CoachJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = coaches_of(&access, ProjectId(id)).await?;
    Ok(Json(all.iter().map(CoachJson::from).collect()))
}

/// `POST /projects/{id}/coaches`: makes an improvement lead a coach of the project (201 with
/// its coaches).
pub async fn add_coach(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<CoachInput>,
) -> Result<(StatusCode, Json<Vec<CoachJson>>), ApiError> {
    let access = access(&state, &user).await?;
    let project = ProjectId(id);
    access.project(project, Action::AssignCoaches).await?;
    let coach = input
        .user_id
        .ok_or_else(|| ApiError::field("user_id", "is required"))?;
    assign_coach(&access, project, UserId(coach))
        .await
        .map_err(|e| match e {
            gemba_domain::BoardError::Invalid(_) => ApiError::field(
                "user_id",
                "must be one of the organisation's improvement leads (at most 10 coaches)",
            ),
            other => other.into(),
        })?;
    let all = coaches_of(&access, project).await?;
    Ok((
        StatusCode::CREATED,
        Json(all.iter().map(CoachJson::from).collect()),
    ))
}

/// `DELETE /projects/{id}/coaches/{user_id}`: no longer a coach of it (not being one is no
/// error).
pub async fn remove_coach(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, coach): IdAnd,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    let project = ProjectId(id);
    access.project(project, Action::AssignCoaches).await?;
    let coach = coach.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    gemba_domain::remove_coach(&access, project, UserId(coach)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /organisations/{id}/coaching`: every improvement lead's load, the busiest first.
pub async fn coaching(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<CoachLoadJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = coaching_loads(&access, OrgId(id)).await?;
    Ok(Json(all.iter().map(CoachLoadJson::from).collect()))
}

/// `GET /projects/{id}/time`: every entry, by month then person.
pub async fn time(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<TimeEntryJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let all = gemba_domain::project_time(&access, ProjectId(id)).await?;
    Ok(Json(all.iter().map(TimeEntryJson::from).collect()))
}

/// `POST /projects/{id}/time`: records hours planned and used for a month (one's own; anyone's
/// for improvement leads and admins); If-Match: only over that version of the entry.
pub async fn record_time(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<TimeInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let project = ProjectId(id);
    access.project(project, Action::RecordTime).await?;
    let draft = gemba_domain::TimeDraft {
        month: input.month.clone(),
        planned: input.planned_hours.map(|h| h.to_string()),
        used: input.used_hours.map(|h| h.to_string()),
    };
    let person = input.user_id.map(UserId).unwrap_or(user.id);
    let month_only = gemba_domain::TimeDraft {
        month: input.month.clone(),
        ..gemba_domain::TimeDraft::default()
    };
    let (month, _, _) = month_only.apply(None).map_err(ApiError::from)?;
    if let Some(current) = gemba_domain::project_time(&access, project)
        .await?
        .iter()
        .find(|e| e.user.id == person && e.month == month)
    {
        check_if_match(if_match, current.version, || TimeEntryJson::from(current))?;
    }
    let version =
        gemba_domain::record_time(&access, project, Some(person), &draft, if_match).await?;
    let entry = gemba_domain::project_time(&access, project)
        .await?
        .into_iter()
        .find(|e| e.user.id == person && e.month == month)
        .ok_or(ApiError::NotFound)?;
    Ok(tagged(version, TimeEntryJson::from(&entry)))
}

/// `GET /organisations/{id}/time`: hours planned and used rolled up by person, project, team
/// and organisation by month.
pub async fn org_time(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<TimeRollUpJson>, ApiError> {
    let access = access(&state, &user).await?;
    let t = gemba_domain::org_time(&access, OrgId(id)).await?;
    Ok(Json(TimeRollUpJson::from(&t)))
}
