//! Saved board reports, their summaries, publishing and the published copies, and the owners'
//! narratives.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gemba_api::workspace::{
    NarrativeInput, NarrativeJson, PublicationJson, PublishInput, SavedReportInput, SavedReportJson,
};
use gemba_domain::{
    check_period, create_report, delete_report, saved_report, update_report, write_narrative,
    Access, AccessError, Action, MeasureId, Narrative, OrgId, ReportId, ReportPeriod, Resource,
    SavedReport,
};
use serde_json::{json, Value};

use super::board::{report_query, summary_value};
use super::{
    created_tagged, delete_refused, merge_patch, org_access, tagged, ApiError, ApiUser, Id, IdAnd,
    IfMatch, JsonBody,
};
use crate::board_report::{
    board_report, latest_period, publish as publish_copy, PublishError, ReportSpec,
};
use crate::AppState;

async fn access<'a>(
    state: &'a AppState,
    user: &gemba_domain::User,
) -> Result<Access<'a>, ApiError> {
    Ok(Access::load(state.store.as_ref(), user.id).await?)
}

/// A saved report for `action`.
async fn report_for(access: &Access<'_>, id: i64, action: Action) -> Result<SavedReport, ApiError> {
    Ok(saved_report(access, ReportId(id), action).await?)
}

async fn report_json(state: &AppState, r: &SavedReport) -> Result<SavedReportJson, ApiError> {
    let published = state.store.publications(r.id).await?;
    Ok(SavedReportJson::new(r, &published))
}

/// `GET /organisations/{id}/reports`: the organisation's saved reports.
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<SavedReportJson>>, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    let mut out = Vec::new();
    for r in state.store.saved_reports(org).await? {
        out.push(report_json(&state, &r).await?);
    }
    Ok(Json(out))
}

/// `POST /organisations/{id}/reports`: saves a new report (201 with its `ETag`).
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<SavedReportInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let id = create_report(&access, OrgId(id), &input.draft()).await?;
    let report = report_for(&access, id.0, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/reports/{id}"),
        report.version,
        report_json(&state, &report).await?,
    ))
}

/// `GET /reports/{id}?period=`: the saved report, its published periods and the summary of its
/// live report for the period (by default the latest with data).
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let report = report_for(&access, id, Action::Read).await?;
    let (period, _) = report_query(query.as_deref())?;
    let store = state.store.as_ref();
    let period = match period {
        Some(p) => {
            check_period(&report, p).map_err(|_| {
                ApiError::field(
                    "period",
                    format!(
                        "must be a {} like {}",
                        report.settings.cadence.name(),
                        ReportPeriod::containing(p.start(), report.settings.cadence).code()
                    ),
                )
            })?;
            p
        }
        None => latest_period(store, &report, crate::pages::today()).await?,
    };
    let org_sections = store.report_sections(report.org).await?;
    let spec = ReportSpec::of(&report, &org_sections, Some(period));
    let (live, _) = board_report(store, report.org, &spec, crate::pages::today()).await?;
    let mut body = serde_json::to_value(report_json(&state, &report).await?)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    body["period"] = json!(period.code());
    body["summary"] = summary_value(&live)?;
    Ok(tagged(report.version, body))
}

/// `PATCH /reports/{id}`: changes the settings (with `If-Match`, only from that version: 412
/// with the current report otherwise).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<SavedReportInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let report = report_for(&access, id, Action::ManageBoard).await?;
    let published = state.store.publications(report.id).await?;
    let draft = input.draft();
    let (access, draft, published) = (&access, &draft, &published);
    let report = merge_patch(
        if_match,
        report,
        |r: &SavedReport| r.version,
        |r: &SavedReport| SavedReportJson::new(r, published),
        || async { report_for(access, id, Action::ManageBoard).await },
        |current: SavedReport| async move {
            update_report(access, current.id, draft, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(report.version, report_json(&state, &report).await?))
}

/// `DELETE /reports/{id}`: a report never published (409 for a published one, kept as the
/// board's record).
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    let report = report_for(&access, id, Action::ManageBoard).await?;
    match delete_report(&access, report.id, if_match).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(gemba_domain::BoardError::Access(AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            let current = state.store.saved_report(report.id).await?;
            Err(delete_refused(
                current,
                |r| r.version,
                |r| SavedReportJson::new(r, &[]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A published period as the API answers it: when, by whom, and the summary kept.
fn publication_body(
    p: &gemba_domain::Publication,
    copy: &gemba_domain::PublishedCopy,
) -> Result<Value, ApiError> {
    let summary: Value = serde_json::from_str(&copy.summary_json)
        .map_err(|e| ApiError::Internal(format!("a kept summary cannot be read: {e}")))?;
    let mut body = serde_json::to_value(PublicationJson::from(p))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    body["summary"] = summary;
    Ok(body)
}

/// `POST /reports/{id}/publications`: publishes a period (201 with the summary kept; 409 when
/// that period is already published or is not of the report's cadence).
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<PublishInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let report = report_for(&access, id, Action::ManageBoard).await?;
    let period = input
        .period
        .as_deref()
        .ok_or_else(|| ApiError::field("period", "is required"))
        .and_then(|p| {
            ReportPeriod::parse(p).ok_or_else(|| {
                ApiError::field(
                    "period",
                    "must be a month like 2025-03 or a quarter like 2025-Q1",
                )
            })
        })?;
    match publish_copy(
        state.store.as_ref(),
        &access,
        report.id,
        period,
        crate::pages::today(),
        &user.name,
    )
    .await
    {
        Ok(()) => {}
        Err(PublishError::Board(e)) => return Err(e.into()),
        Err(PublishError::Render(e)) => return Err(ApiError::Internal(e)),
    }
    let (p, copy) = state
        .store
        .published_report(report.id, &period.code())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/reports/{}/publications/{}", report.id, p.period),
        )],
        Json(publication_body(&p, &copy)?),
    )
        .into_response())
}

/// The published copy of a report's period (404 when that period was not published).
async fn copy_of(
    state: &AppState,
    user: &gemba_domain::User,
    id: i64,
    period: &str,
) -> Result<(gemba_domain::Publication, gemba_domain::PublishedCopy), ApiError> {
    let access = access(state, user).await?;
    let report = report_for(&access, id, Action::Read).await?;
    let period = ReportPeriod::parse(period).ok_or(ApiError::NotFound)?;
    state
        .store
        .published_report(report.id, &period.code())
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /reports/{id}/publications/{period}`: a published report's summary as the board saw it,
/// with what changed since the previous published period.
pub async fn publication(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, period): IdAnd,
) -> Result<Json<Value>, ApiError> {
    let (p, copy) = copy_of(&state, &user, id, &period).await?;
    Ok(Json(publication_body(&p, &copy)?))
}

/// `GET /reports/{id}/publications/{period}/pdf`: the published report's PDF, byte for byte as
/// it was published.
pub async fn publication_pdf(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, period): IdAnd,
) -> Result<Response, ApiError> {
    let (_, copy) = copy_of(&state, &user, id, &period).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], copy.pdf).into_response())
}

/// The measure and period of a narrative's path: 404 for a period that is not one.
async fn narrative_target(
    access: &Access<'_>,
    id: i64,
    period: &str,
) -> Result<(MeasureId, ReportPeriod), ApiError> {
    access
        .resource(Resource::Measure(MeasureId(id)), Action::Read)
        .await?;
    let period = ReportPeriod::parse(period).ok_or(ApiError::NotFound)?;
    Ok((MeasureId(id), period))
}

/// `GET /measures/{id}/narratives/{period}`: the narrative (404 when none is written).
pub async fn narrative(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, period): IdAnd,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let (measure, period) = narrative_target(&access, id, &period).await?;
    let n = state
        .store
        .narrative(measure, &period.code())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(tagged(n.version, NarrativeJson::from(&n)))
}

/// `PUT /measures/{id}/narratives/{period}`: writes the narrative (its executive owner, an
/// improvement lead or an admin); with `If-Match`, only from that version (412 with the current
/// narrative otherwise). 201 when it is new.
pub async fn write(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, period): IdAnd,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<NarrativeInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let (measure, period) = narrative_target(&access, id, &period).await?;
    let code = period.code();
    let draft = input.draft();
    let store = state.store.as_ref();
    let Some(current) = store.narrative(measure, &code).await? else {
        write_narrative(&access, measure, period, &draft, if_match).await?;
        let n = store
            .narrative(measure, &code)
            .await?
            .ok_or(ApiError::NotFound)?;
        return Ok(created_tagged(
            format!("/api/v1/measures/{measure}/narratives/{code}"),
            n.version,
            NarrativeJson::from(&n),
        ));
    };
    let (access, draft, code) = (&access, &draft, &code);
    let n = merge_patch(
        if_match,
        current,
        |n: &Narrative| n.version,
        |n: &Narrative| NarrativeJson::from(n),
        || async {
            store
                .narrative(measure, code)
                .await?
                .ok_or(ApiError::NotFound)
        },
        |current: Narrative| async move {
            write_narrative(access, measure, period, draft, Some(current.version)).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(n.version, NarrativeJson::from(&n)))
}
