//! The portfolio and the strategic priorities that group it.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::workspace::{
    PortfolioJson, PortfoliosJson, PriorityInput, PriorityJson, ProjectPrioritiesInput,
    ProjectPrioritiesJson,
};
use gemba_domain::{
    create_priority, delete_priority, link_priorities, portfolio, portfolios, priority,
    update_priority, Access, Action, OrgId, PortfolioFilter, Priority, PriorityDraft, PriorityId,
    ProjectId,
};

use super::{
    created_tagged, merge_patch, org_access, tagged, ApiError, ApiUser, Id, IfMatch, JsonBody,
};
use crate::AppState;

async fn access<'a>(
    state: &'a AppState,
    user: &gemba_domain::User,
) -> Result<Access<'a>, ApiError> {
    Ok(Access::load(state.store.as_ref(), user.id).await?)
}

/// `GET /portfolio?org=&scope=&status=&priority=&team=&method=&lead=&patient_partner=`: the
/// portfolio of each of the user's organisations (with `scope=system`, also of every
/// organisation of the systems where they hold a role, without its private projects; or of
/// `org` only), filtered; 422 naming a bad filter.
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    RawQuery(query): RawQuery,
) -> Result<Json<PortfoliosJson>, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
            .map_err(|_| ApiError::field("org", "the query could not be read"))?;
    let filter = PortfolioFilter::parse(&pairs)?;
    let access = access(&state, &user).await?;
    let last = |key: &str| super::last_value(&pairs, key);
    let system = match last("scope") {
        None | Some("") | Some("own") => false,
        Some("system") => true,
        Some(_) => return Err(ApiError::field("scope", "must be own or system")),
    };
    let orgs: Vec<OrgId> = match last("org") {
        None | Some("") if system => gemba_domain::portfolio_orgs(&access).await?,
        None | Some("") => access.orgs(),
        Some(v) => {
            let id = v
                .parse::<i64>()
                .map_err(|_| ApiError::field("org", "must be an organisation id"))?;
            vec![OrgId(id)]
        }
    };
    // The names of the user's organisations in one read, not one per organisation.
    let names = state.store.memberships(user.id).await?;
    let today = crate::pages::today();
    // Many organisations are read together, in one query per kind of row.
    let all = match orgs[..] {
        [org] => vec![portfolio(&access, org, &filter, today, &state.portfolios).await?],
        _ => portfolios(&access, &orgs, &filter, today, &state.portfolios).await?,
    };
    let mut out = Vec::with_capacity(all.len());
    for p in all {
        let org = p.org;
        let name = match names.iter().find(|m| m.org.id == org) {
            Some(m) => m.org.name.clone(),
            None => state
                .store
                .org(org)
                .await?
                .map(|o| o.name)
                .unwrap_or_default(),
        };
        out.push(PortfolioJson::new(&p, &name));
    }
    Ok(Json(PortfoliosJson { organisations: out }))
}

/// `GET /organisations/{id}/priorities`: the priorities its projects may serve (its own and its
/// system's).
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<PriorityJson>>, ApiError> {
    let org = org_access(&state, &user, OrgId(id), Action::Read).await?;
    let all = state.store.priorities_of(org).await?;
    Ok(Json(all.iter().map(PriorityJson::from).collect()))
}

/// `POST /organisations/{id}/priorities`: a priority of the organisation, or with
/// `"scope": "system"` of its system (201 with its `ETag`).
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<PriorityInput>,
) -> Result<Response, ApiError> {
    let for_system = match input.scope.as_deref() {
        None | Some("organisation") => false,
        Some("system") => true,
        Some(_) => return Err(ApiError::field("scope", "must be organisation or system")),
    };
    let access = access(&state, &user).await?;
    let draft = PriorityDraft {
        title: input.title.clone(),
        description: input.description.clone(),
    };
    let id = create_priority(&access, OrgId(id), for_system, &draft).await?;
    let p = priority(&access, id, Action::Read).await?;
    Ok(created_tagged(
        format!("/api/v1/priorities/{id}"),
        p.version,
        PriorityJson::from(&p),
    ))
}

/// `PATCH /priorities/{id}`: its title or description (If-Match: only that version).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    IfMatch(if_match): IfMatch,
    JsonBody(input): JsonBody<PriorityInput>,
) -> Result<Response, ApiError> {
    if input.scope.is_some() {
        return Err(ApiError::field(
            "scope",
            "cannot change: add a new priority instead",
        ));
    }
    let access = access(&state, &user).await?;
    let id = PriorityId(id);
    let current = priority(&access, id, Action::ManagePriorities).await?;
    let draft = PriorityDraft {
        title: input.title.clone(),
        description: input.description.clone(),
    };
    let (access, draft) = (&access, &draft);
    let p = merge_patch(
        if_match,
        current,
        |p: &Priority| p.version,
        |p: &Priority| PriorityJson::from(p),
        || async { Ok(priority(access, id, Action::ManagePriorities).await?) },
        |current: Priority| async move {
            update_priority(access, id, draft, current.version).await?;
            Ok(())
        },
    )
    .await?;
    Ok(tagged(p.version, PriorityJson::from(&p)))
}

/// `DELETE /priorities/{id}`: its projects stay, no longer linked.
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &user).await?;
    delete_priority(&access, PriorityId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /projects/{id}/priorities`: the priorities the project serves (its organisation's or
/// its system's).
pub async fn link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<ProjectPrioritiesInput>,
) -> Result<Json<ProjectPrioritiesJson>, ApiError> {
    let given: Vec<PriorityId> = input
        .priority_ids
        .ok_or_else(|| ApiError::field("priority_ids", "is required"))?
        .into_iter()
        .map(PriorityId)
        .collect();
    let access = access(&state, &user).await?;
    let chosen = link_priorities(&access, ProjectId(id), &given).await?;
    Ok(Json(ProjectPrioritiesJson {
        priority_ids: chosen.iter().map(|p| p.0).collect(),
    }))
}
