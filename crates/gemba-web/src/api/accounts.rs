//! Accounts through the API: a user's own API tokens, and for an organisation's admins its
//! people, teams, name and the organisations of its system. Non-admins get 403; ids of an
//! organisation the user is not in answer 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use gemba_api::accounts::{
    AddedPersonJson, NewTokenJson, OrganisationInput, OrganisationJson, PersonInput, PersonJson,
    PersonPatch, ResetLinkJson, SystemRoleInput, SystemRolesJson, TeamInput, TeamJson, TokenInput,
    TokenJson,
};
use gemba_domain::{
    Access, Action, Added, ApiTokenId, OrgId, Organisation, Person, SystemRole, TeamId, User,
    UserId,
};

use super::{created, ApiError, ApiUser, Id, IdAnd, JsonBody};
use crate::auth;
use crate::pages::session::now;
use crate::AppState;

/// The organisation `id` when `user` is its admin: 404 when they are not in it, 403 when they
/// are but not as an admin.
async fn org_admin(state: &AppState, user: &User, id: OrgId) -> Result<Organisation, ApiError> {
    super::org_access(state, user, id, Action::ManageOrganisation).await?;
    state.store.org(id).await?.ok_or(ApiError::NotFound)
}

/// A person of `org` (active or not) by the `{user_id}` of the path; 404 otherwise.
async fn person_in(state: &AppState, org: OrgId, user_id: &str) -> Result<Person, ApiError> {
    let id = user_id
        .parse::<i64>()
        .map(UserId)
        .map_err(|_| ApiError::NotFound)?;
    state
        .store
        .org_people(org)
        .await?
        .into_iter()
        .find(|p| p.user.id == id)
        .ok_or(ApiError::NotFound)
}

// --- tokens ----------------------------------------------------------------------------------

/// `GET /tokens`: the caller's API tokens, newest first (never their secrets).
pub async fn tokens(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<TokenJson>>, ApiError> {
    let now = now();
    let tokens = state.store.api_tokens(user.id).await?;
    Ok(Json(
        tokens.iter().map(|t| TokenJson::new(t, now)).collect(),
    ))
}

/// `POST /tokens`: a new token for the caller, named, working for `expires_in_days`; its
/// secret is in this answer only.
pub async fn create_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    JsonBody(input): JsonBody<TokenInput>,
) -> Result<Response, ApiError> {
    let (name, days) = input.to_parts()?;
    let now = now();
    let secret = auth::new_secret();
    let id = state
        .store
        .issue_api_token(
            &auth::secret_hash(&secret),
            user.id,
            name.as_str(),
            Some(now + chrono::Duration::days(days)),
        )
        .await?;
    let token = state
        .store
        .api_tokens(user.id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(created(
        "/api/v1/tokens".to_owned(),
        NewTokenJson {
            token: TokenJson::new(&token, now),
            secret,
        },
    ))
}

/// `DELETE /tokens/{id}`: revokes one of the caller's tokens at once; 404 for anyone else's.
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    if state
        .store
        .revoke_api_token(user.id, ApiTokenId(id))
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

// --- organisations ---------------------------------------------------------------------------

/// `PATCH /organisations/{id}`: renames the organisation.
pub async fn rename_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<OrganisationInput>,
) -> Result<Json<OrganisationJson>, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let name = input.to_name()?;
    state.store.rename_org(org.id, name.as_str()).await?;
    let org = state.store.org(org.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(OrganisationJson::from(&org)))
}

/// The organisations of `org`'s system, or `org` alone when it is in none.
pub(crate) async fn system_of(
    state: &AppState,
    org: &Organisation,
) -> Result<Vec<Organisation>, ApiError> {
    Ok(match &org.system {
        Some(system) => state.store.orgs_in_system(system).await?,
        None => vec![org.clone()],
    })
}

/// `GET /organisations/{id}/system`: the organisations of its system, by name.
pub async fn system(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<OrganisationJson>>, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let orgs = system_of(&state, &org).await?;
    Ok(Json(orgs.iter().map(OrganisationJson::from).collect()))
}

/// `POST /organisations/{id}/system`: a new organisation in the same system, with the caller
/// as its first admin.
pub async fn add_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<OrganisationInput>,
) -> Result<Response, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let name = input.to_name()?;
    let new = state
        .store
        .create_org_with_admin(name.as_str(), org.system.as_deref(), user.id)
        .await?;
    let new = state.store.org(new).await?.ok_or(ApiError::NotFound)?;
    Ok(created(
        format!("/api/v1/organisations/{}/system", new.id),
        OrganisationJson::from(&new),
    ))
}

/// `GET /organisations/{id}/system-roles`: the organisation's system, its organisations and
/// who holds a role across it (422 when the organisation is in no system).
pub async fn system_roles(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<SystemRolesJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let view = gemba_domain::system_of(&access, OrgId(id)).await?;
    Ok(Json(SystemRolesJson::from(&view)))
}

/// `PUT /organisations/{id}/system-roles`: gives one of the organisation's people a role across
/// its system, or (`role` null) takes it away; answers as the `GET` does.
pub async fn set_system_role(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<SystemRoleInput>,
) -> Result<Json<SystemRolesJson>, ApiError> {
    let access = Access::load(state.store.as_ref(), user.id).await?;
    let Some(email) = input.email.as_deref() else {
        return Err(ApiError::field("email", "is required"));
    };
    let role = match input.role.as_deref() {
        None => None,
        Some(r) => Some(SystemRole::parse(r).ok_or_else(|| {
            ApiError::field(
                "role",
                "must be one of: system_lead, system_viewer, or null",
            )
        })?),
    };
    gemba_domain::set_system_role(&access, OrgId(id), email, role).await?;
    let view = gemba_domain::system_of(&access, OrgId(id)).await?;
    Ok(Json(SystemRolesJson::from(&view)))
}

// --- people ----------------------------------------------------------------------------------

/// `GET /organisations/{id}/people`: everyone with their role and status, by name.
pub async fn people(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<PersonJson>>, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let people = state.store.org_people(org.id).await?;
    Ok(Json(people.iter().map(PersonJson::from).collect()))
}

/// `POST /organisations/{id}/people`: adds a person; a new account comes with its one-time
/// "set your password" link (shown once), an existing one joins as it is.
pub async fn add_person(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<Response, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let (email, name, role) = input.to_parts()?;
    let (secret, reset) = auth::new_reset(now());
    let added = state
        .store
        .add_person(org.id, &email, name.as_str(), role, &reset)
        .await?;
    let person = person_in(&state, org.id, &added.user().to_string()).await?;
    let reset_link = match added {
        Added::NewAccount(_) => Some(ResetLinkJson::new(&secret, reset.expires_at)),
        Added::ExistingAccount(_) => None,
    };
    Ok(created(
        format!("/api/v1/organisations/{}/people", org.id),
        AddedPersonJson {
            person: PersonJson::from(&person),
            reset_link,
        },
    ))
}

/// `PATCH /organisations/{id}/people/{user_id}`: changes a person's role and/or deactivates
/// (`"active": false`) or reactivates them. 409 when the organisation would be left without
/// an active admin.
pub async fn update_person(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, user_id): IdAnd,
    JsonBody(input): JsonBody<PersonPatch>,
) -> Result<Json<PersonJson>, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let person = person_in(&state, org.id, &user_id).await?;
    let role = input.to_role()?;
    if let Some(role) = role {
        state.store.set_role(org.id, person.user.id, role).await?;
    }
    if let Some(active) = input.active {
        state
            .store
            .set_active(org.id, person.user.id, active)
            .await?;
    }
    let person = person_in(&state, org.id, &user_id).await?;
    Ok(Json(PersonJson::from(&person)))
}

/// `POST /organisations/{id}/people/{user_id}/reset-link`: a new one-time link with which the
/// person sets a new password (shown once). 409 for someone deactivated; 403 for someone who
/// is also in an organisation the caller does not administer.
pub async fn reset_link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    IdAnd(id, user_id): IdAnd,
) -> Result<Response, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let person = person_in(&state, org.id, &user_id).await?;
    if !person.active {
        return Err(ApiError::Conflict(
            "this person is deactivated; reactivate them first".to_owned(),
        ));
    }
    if !auth::may_reset_password(state.store.as_ref(), user.id, person.user.id).await? {
        return Err(ApiError::Forbidden(
            "this person also belongs to an organisation you do not administer; \
             an admin of each of their organisations can make them a link",
        ));
    }
    let (secret, reset) = auth::new_reset(now());
    state
        .store
        .create_password_reset(person.user.id, &reset)
        .await?;
    Ok(created(
        format!("/api/v1/organisations/{}/people", org.id),
        ResetLinkJson::new(&secret, reset.expires_at),
    ))
}

// --- teams -----------------------------------------------------------------------------------

/// `GET /organisations/{id}/teams`: every team, archived ones included, by name.
pub async fn teams(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> Result<Json<Vec<TeamJson>>, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let teams = state.store.all_teams(org.id).await?;
    Ok(Json(teams.iter().map(TeamJson::from).collect()))
}

/// `POST /organisations/{id}/teams`: a new team.
pub async fn create_team(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<TeamInput>,
) -> Result<Response, ApiError> {
    let org = org_admin(&state, &user, OrgId(id)).await?;
    let name = input.to_required_name()?;
    let team = state.store.create_team(org.id, name.as_str()).await?;
    let team = state.store.team(team).await?.ok_or(ApiError::NotFound)?;
    Ok(created(
        format!("/api/v1/teams/{}", team.id),
        TeamJson::from(&team),
    ))
}

/// `PATCH /teams/{id}`: renames a team and/or archives (`"archived": true`) or restores it.
pub async fn update_team(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    JsonBody(input): JsonBody<TeamInput>,
) -> Result<Json<TeamJson>, ApiError> {
    let team = state
        .store
        .team(TeamId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    org_admin(&state, &user, team.org).await?;
    let name = input.to_name()?;
    if let Some(name) = name {
        state.store.rename_team(team.id, name.as_str()).await?;
    }
    if let Some(archived) = input.archived {
        state.store.set_team_archived(team.id, archived).await?;
    }
    let team = state.store.team(team.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(TeamJson::from(&team)))
}
