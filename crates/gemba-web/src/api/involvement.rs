//! Patient and carer involvement: a project's record (`GET`/`PUT
//! /projects/{id}/involvement`).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use gemba_api::involvement::{InvolvementInput, InvolvementJson, MyChangeJson, MyProjectJson};
use gemba_domain::{
    my_projects, project_involvement, set_involvement, Access, Action, BoardError, ProjectId,
    ProjectInvolvement, StoreError,
};

use super::{access, tagged, version_conflict, ApiError, ApiUser, Id, IfMatch, JsonBody};
use crate::AppState;

fn json(p: &ProjectInvolvement) -> InvolvementJson {
    InvolvementJson::new(
        &p.involvement,
        p.patient_partners.iter().map(|u| u.name.clone()).collect(),
    )
}

async fn current(access: &Access<'_>, id: i64) -> Result<ProjectInvolvement, ApiError> {
    Ok(project_involvement(access, ProjectId(id)).await?)
}

/// `GET /projects/{id}/involvement`: how patients and carers are involved in the project (its
/// `ETag` is the record's version, 0 before it is first recorded).
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    let p = current(&access, id).await?;
    Ok(tagged(p.involvement.version, json(&p)))
}

/// `PUT /projects/{id}/involvement`: records it (fields absent keep their value); with
/// `If-Match`, only over the version named (412 with the record as stored otherwise); a save
/// that raced another is 409.
pub async fn set(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<InvolvementInput>,
) -> Result<Response, ApiError> {
    let access = access(&state, &user).await?;
    // Access first: someone of another organisation learns nothing from the body's problems.
    access.project(ProjectId(id), Action::EditProject).await?;
    let before = current(&access, id).await?;
    let stored = before.involvement.version;
    if if_match.is_some_and(|v| v != stored) {
        return Err(version_conflict(stored, json(&before)));
    }
    let today = crate::pages::today();
    match set_involvement(&access, ProjectId(id), &input.draft(), stored, today).await {
        Err(BoardError::Access(gemba_domain::AccessError::Store(StoreError::Stale(what)))) => {
            Err(ApiError::Stale(what))
        }
        Err(e) => Err(e.into()),
        Ok(_) => {
            let p = current(&access, id).await?;
            Ok(tagged(p.involvement.version, json(&p)))
        }
    }
}

/// `GET /me/projects`: the projects the caller is on the team of (a patient partner's own
/// view), each with its PDSA cycles, its measures' latest signal in plain words and its latest
/// changes.
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<MyProjectJson>>, ApiError> {
    let access = access(&state, &user).await?;
    let projects = my_projects(&access).await?;
    Ok(Json(
        projects
            .iter()
            .map(|p| {
                let recent = crate::history::lines(&p.recent)
                    .into_iter()
                    .map(|l| MyChangeJson {
                        at: gemba_api::involvement::at(l.at),
                        who: l.who,
                        what: l.what,
                    })
                    .collect();
                MyProjectJson::new(p, recent)
            })
            .collect(),
    ))
}

/// `GET /organisations/{id}/involvement`: the share of the organisation's projects with
/// patient partners, now by team and overall, and by month with its run chart.
pub async fn share(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<gemba_api::involvement::PartnerShareJson>, ApiError> {
    let access = access(&state, &user).await?;
    let s = gemba_domain::partner_share(&access, gemba_domain::OrgId(id), crate::pages::today())
        .await?;
    Ok(Json(gemba_api::involvement::PartnerShareJson::new(&s)))
}

/// `GET /organisations/{id}/engagement`: the share of the organisation's staff taking part in
/// improvement by month, for the organisation and each team, with their run charts.
pub async fn engagement(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<gemba_api::involvement::EngagementJson>, ApiError> {
    let access = access(&state, &user).await?;
    let e =
        gemba_domain::engagement(&access, gemba_domain::OrgId(id), crate::pages::today()).await?;
    Ok(Json(gemba_api::involvement::EngagementJson::new(&e)))
}
