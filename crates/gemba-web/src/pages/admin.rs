//! Administration of an organisation, for its admins: its people (add with a one-time "set
//! your password" link, change role, deactivate a leaver after a confirmation, reactivate,
//! issue a reset link), its teams (create, rename, archive, restore) and the organisations of
//! its system (add one, rename this one). Anyone else: 404 for an organisation they are not
//! in, 403 for one where they are not an admin.

use crate::pages::Path;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDateTime;
use gemba_domain::{
    limits, permits, Action, Added, BoardError, NameDraft, NonEmpty, OrgId, Organisation, Person,
    PersonDraft, PersonFields, Role, StoreError, SystemRole, TeamId, UserId,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{csrf_field, page};
use super::session::{now, see_other, CurrentUser};
use crate::auth;
use crate::AppState;

page_routes! {
    get "/admin" => index, Do(Action::ManageOrganisation);
    get "/admin/orgs/{org}/people" => people, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/people" => add_person, Do(Action::ManageOrganisation);
    get "/admin/orgs/{org}/people/{user}" => person, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/people/{user}/role" => set_role, Do(Action::ManageOrganisation);
    get "/admin/orgs/{org}/people/{user}/deactivate" => confirm_deactivate, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/people/{user}/deactivate" => deactivate, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/people/{user}/reactivate" => reactivate, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/people/{user}/reset-link" => reset_link, Do(Action::ManageOrganisation);
    get "/admin/orgs/{org}/teams" => teams, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/teams" => create_team, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/teams/{team}/rename" => rename_team, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/teams/{team}/archive" => archive_team, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/teams/{team}/restore" => restore_team, Do(Action::ManageOrganisation);
    get "/admin/orgs/{org}/organisations" => organisations, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/organisations" => add_org, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/rename" => rename_org, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/stall-weeks" => set_stall_weeks, Do(Action::ManageOrganisation);
    post "/admin/orgs/{org}/system-roles" => set_system_role, Do(Action::ManageOrganisation);
}

/// The organisation of the path when the user is its admin: 404 when they are not in it (or
/// the id is not a number), 403 when they are but not as an admin.
fn admin_of(user: &CurrentUser, org: &str) -> Result<Organisation, PageError> {
    let id = org
        .parse::<i64>()
        .map(OrgId)
        .map_err(|_| PageError::NotFound)?;
    let m = user
        .memberships
        .iter()
        .find(|m| m.org.id == id)
        .ok_or(PageError::NotFound)?;
    if !permits(m.role, false, Action::ManageOrganisation) {
        return Err(PageError::Denied(Action::ManageOrganisation));
    }
    Ok(m.org.clone())
}

/// A person of `org` (active or not) by the id of the path; 404 otherwise.
async fn person_of(state: &AppState, org: OrgId, user: &str) -> Result<Person, PageError> {
    let id = user
        .parse::<i64>()
        .map(UserId)
        .map_err(|_| PageError::NotFound)?;
    state
        .store
        .org_people(org)
        .await?
        .into_iter()
        .find(|p| p.user.id == id)
        .ok_or(PageError::NotFound)
}

/// The full address of a reset link, from the `Host` the admin's browser used (the path alone
/// when there is none).
fn link_for(state: &AppState, headers: &HeaderMap, secret: &str) -> String {
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    match headers.get(HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("{scheme}://{host}/reset/{secret}"),
        None => format!("/reset/{secret}"),
    }
}

fn when(t: NaiveDateTime) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

/// Which admin page is shown, for the sub-navigation.
#[derive(Clone, Copy, PartialEq)]
enum Section {
    People,
    Teams,
    Organisations,
}

/// The admin pages' frame: the organisation's name, the sub-navigation and `body`.
fn admin_page(
    user: &CurrentUser,
    org: &Organisation,
    section: Section,
    title: &str,
    body: Markup,
) -> Markup {
    let link = |s: Section, href: String, text: &str| {
        html! {
            li { a href=(href) aria-current=[(s == section).then_some("page")] { (text) } }
        }
    };
    let inner = html! {
        span class="caption" { (org.name) }
        nav class="subnav" aria-label="Administration" {
            ul {
                (link(Section::People, format!("/admin/orgs/{}/people", org.id), "People"))
                (link(Section::Teams, format!("/admin/orgs/{}/teams", org.id), "Teams"))
                (link(Section::Organisations, format!("/admin/orgs/{}/organisations", org.id), "Organisations"))
                li { a href="/admin/deleted" { "Deleted items" } }
            }
        }
        (body)
    };
    page(
        &format!("{title} – {}", org.name),
        Some(user),
        html! { h1 { (title) } (inner) },
    )
}

/// A problem that is not about one field of a form, for the top of a page.
fn problem(message: &str) -> Markup {
    html! {
        div class="error-summary" role="alert" tabindex="-1" {
            h2 class="error-summary__title" { "There is a problem" }
            p { (message) }
        }
    }
}

/// A short confirmation for the top of a page.
fn done(message: &str) -> Markup {
    html! { div class="card" role="status" { p { (message) } } }
}

// --- index -----------------------------------------------------------------------------------

async fn index(user: CurrentUser) -> Result<Markup, PageError> {
    let orgs: Vec<&Organisation> = user
        .memberships
        .iter()
        .filter(|m| permits(m.role, false, Action::ManageOrganisation))
        .map(|m| &m.org)
        .collect();
    if orgs.is_empty() {
        return Err(PageError::Denied(Action::ManageOrganisation));
    }
    let body = html! {
        h1 { "Administration" }
        p { "The organisations you administer. " a href="/admin/deleted" { "Deleted items" } " of all of them can be restored." }
        ul class="card-list" {
            @for o in &orgs {
                li class="card" {
                    h2 class="card__title" { (o.name) }
                    @if let Some(s) = &o.system { p class="hint" { (s) } }
                    ul {
                        li { a href={ "/admin/orgs/" (o.id) "/people" } { "People" span class="visually-hidden" { " of " (o.name) } } }
                        li { a href={ "/admin/orgs/" (o.id) "/teams" } { "Teams" span class="visually-hidden" { " of " (o.name) } } }
                        li { a href={ "/admin/orgs/" (o.id) "/organisations" } { "Organisations" span class="visually-hidden" { " of " (o.name) "'s system" } } }
                    }
                }
            }
        }
    };
    Ok(page("Administration", Some(&user), body))
}

// --- people ----------------------------------------------------------------------------------

fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.name(), r.label())).collect()
}

#[derive(Default, Deserialize)]
struct PersonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

async fn people_page(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    notice: Markup,
    f: &PersonForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let people = state.store.org_people(org.id).await?;
    let role = if f.role.is_empty() {
        "member"
    } else {
        f.role.as_str()
    };
    let body = html! {
        (notice)
        (form::error_summary_ordered(errors, &["email", "name", "role"]))
        div class="table-wrap" {
            table class="table" {
                caption class="visually-hidden" { "People of " (org.name) }
                thead { tr { th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Role" } th scope="col" { "Status" } } }
                tbody {
                    @for p in &people {
                        tr {
                            td { a href={ "/admin/orgs/" (org.id) "/people/" (p.user.id) } { (p.user.name) } }
                            td { (p.user.email) }
                            td { (p.role.label()) }
                            td { @if p.active { "Active" } @else { strong { "Deactivated" } } }
                        }
                    }
                }
            }
        }
        h2 id="add" { "Add a person" }
        p { "A new person gets a link to set their password, shown once for you to pass on. Someone who already has a Gemba account joins with it." }
        form method="post" action={ "/admin/orgs/" (org.id) "/people" } class="add-form" novalidate {
            (csrf_field(user))
            (form::input_of_type("email", "email", "Email address", &f.email, None, errors))
            (form::text_input("name", "Full name", &f.name, None, errors))
            (form::select("role", "Role", &role_options(), role, errors))
            button type="submit" class="button" { "Add person" }
        }
    };
    Ok(admin_page(user, org, Section::People, "People", body))
}

async fn people(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let org = admin_of(&user, &org)?;
    people_page(
        &state,
        &user,
        &org,
        html! {},
        &PersonForm::default(),
        &FieldErrors::new(),
    )
    .await
}

/// The "pass this link on" box of a new reset link.
fn link_notice(who: &str, link: &str, expires: NaiveDateTime) -> Markup {
    html! {
        div class="card" role="status" {
            h2 { "Pass this link on to " (who) }
            p { "With it they set their password. It works once, until " (when(expires)) ", and it will not be shown again." }
            p { label class="label" for="reset-link" { "Link to set a password" }
                input class="input" id="reset-link" readonly value=(link); }
        }
    }
}

async fn add_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    headers: HeaderMap,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let draft = PersonDraft {
        email: Some(f.email.clone()),
        name: Some(f.name.clone()),
        role: Some(f.role.clone()),
    };
    let PersonFields { email, name, role } = match draft.apply() {
        Ok(person) => person,
        Err(problems) => {
            let errors = FieldErrors::from(problems);
            let body = people_page(&state, &user, &org, html! {}, &f, &errors).await?;
            return Ok((StatusCode::BAD_REQUEST, body).into_response());
        }
    };
    let mut errors = FieldErrors::new();
    let (secret, reset) = auth::new_reset(now());
    let added = match state
        .store
        .add_person(org.id, &email, name.as_str(), role, &reset)
        .await
    {
        Ok(a) => a,
        Err(StoreError::Conflict(_)) => {
            errors.insert("email", format!("{email} is already in {}", org.name));
            let body = people_page(&state, &user, &org, html! {}, &f, &errors).await?;
            return Ok((StatusCode::BAD_REQUEST, body).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let notice = match added {
        Added::NewAccount(_) => link_notice(name.as_str(), &link_for(&state, &headers, &secret), reset.expires_at),
        Added::ExistingAccount(_) => done(&format!(
            "{email} already has a Gemba account and is now {} of {}. They sign in with their own password.",
            role.label().to_lowercase(),
            org.name
        )),
    };
    let body = people_page(
        &state,
        &user,
        &org,
        notice,
        &PersonForm::default(),
        &FieldErrors::new(),
    )
    .await?;
    Ok((StatusCode::CREATED, body).into_response())
}

async fn person_page(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    p: &Person,
    notice: Markup,
) -> Result<Markup, PageError> {
    let may_reset = auth::may_reset_password(state.store.as_ref(), user.user.id, p.user.id).await?;
    let base = format!("/admin/orgs/{}/people/{}", org.id, p.user.id);
    let body = html! {
        p { a class="back-link" href={ "/admin/orgs/" (org.id) "/people" } { "Back to people" } }
        (notice)
        dl class="summary-list" {
            div { dt { "Email" } dd { (p.user.email) } }
            div { dt { "Role" } dd { (p.role.label()) } }
            div { dt { "Status" } dd { @if p.active { "Active" } @else { "Deactivated: holds no role in " (org.name) } } }
        }
        h2 { "Role" }
        form method="post" action={ (base) "/role" } class="inline-form" {
            (csrf_field(user))
            (form::select("role", "Role", &role_options(), p.role.name(), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Change role" }
        }
        @if p.active {
            h2 { "Password" }
            @if may_reset {
                p { "If they forgot their password, give them a new link to set one. Using it signs them out everywhere." }
                form method="post" action={ (base) "/reset-link" } {
                    (csrf_field(user))
                    button type="submit" class="button button--secondary" { "Make a password link" }
                }
            } @else {
                p { "They also belong to an organisation you do not administer, so only an admin of each of their organisations can make them a password link." }
            }
            h2 { "Leaving" }
            p { "Deactivate someone who has left: they lose their role here at once. If they are in no other organisation, they can no longer sign in and their sessions and API tokens stop working." }
            p { a class="button button--warning" href={ (base) "/deactivate" } { "Deactivate " (p.user.name) } }
        } @else {
            h2 { "Coming back" }
            form method="post" action={ (base) "/reactivate" } {
                (csrf_field(user))
                button type="submit" class="button" { "Reactivate " (p.user.name) }
            }
        }
    };
    Ok(admin_page(user, org, Section::People, &p.user.name, body))
}

async fn person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let org = admin_of(&user, &org)?;
    let p = person_of(&state, org.id, &person).await?;
    person_page(&state, &user, &org, &p, html! {}).await
}

#[derive(Default, Deserialize)]
struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
}

/// The person page after a change, with a confirmation; a refused change (the last admin)
/// shows why, with 400.
async fn after_change(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    person: &str,
    outcome: Result<(), StoreError>,
    message: &str,
) -> Result<Response, PageError> {
    let (status, notice) = match outcome {
        Ok(()) => (StatusCode::OK, done(message)),
        Err(StoreError::Refused(why)) => (
            StatusCode::BAD_REQUEST,
            problem(&format!("Nothing was changed: {why}.")),
        ),
        Err(e) => return Err(e.into()),
    };
    let p = person_of(state, org.id, person).await?;
    Ok((status, person_page(state, user, org, &p, notice).await?).into_response())
}

async fn set_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
    Form(f): Form<RoleForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let p = person_of(&state, org.id, &person).await?;
    let role = Role::parse(&f.role)
        .ok_or_else(|| PageError::BadRequest("Choose a role from the list.".into()))?;
    let outcome = state.store.set_role(org.id, p.user.id, role).await;
    let message = format!("{} is now {}.", p.user.name, role.label().to_lowercase());
    after_change(&state, &user, &org, &person, outcome, &message).await
}

async fn confirm_deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let org = admin_of(&user, &org)?;
    let p = person_of(&state, org.id, &person).await?;
    let body = html! {
        p { a class="back-link" href={ "/admin/orgs/" (org.id) "/people/" (p.user.id) } { "Back" } }
        p { (p.user.name) " (" (p.user.email) ") will lose their role in " (org.name) " at once. "
            "If they belong to no other organisation, they can no longer sign in, and their sessions, API tokens and password links stop working now." }
        p { "Their work stays. You can reactivate them later." }
        form method="post" action={ "/admin/orgs/" (org.id) "/people/" (p.user.id) "/deactivate" } {
            (csrf_field(&user))
            button type="submit" class="button button--warning" { "Yes, deactivate " (p.user.name) }
        }
    };
    Ok(admin_page(
        &user,
        &org,
        Section::People,
        &format!("Deactivate {}?", p.user.name),
        body,
    ))
}

#[derive(Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let p = person_of(&state, org.id, &person).await?;
    let outcome = state.store.set_active(org.id, p.user.id, false).await;
    if outcome.is_ok() && p.user.id == user.user.id {
        // They took their own admin role away: this page is no longer theirs.
        return Ok(see_other("/"));
    }
    let message = format!("{} has been deactivated.", p.user.name);
    after_change(&state, &user, &org, &person, outcome, &message).await
}

async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let p = person_of(&state, org.id, &person).await?;
    let outcome = state.store.set_active(org.id, p.user.id, true).await;
    let message = format!("{} is active again.", p.user.name);
    after_change(&state, &user, &org, &person, outcome, &message).await
}

async fn reset_link(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let p = person_of(&state, org.id, &person).await?;
    if !p.active {
        return Err(PageError::BadRequest(format!(
            "{} is deactivated; reactivate them first.",
            p.user.name
        )));
    }
    if !auth::may_reset_password(state.store.as_ref(), user.user.id, p.user.id).await? {
        return Err(PageError::Forbidden);
    }
    let (secret, reset) = auth::new_reset(now());
    state.store.create_password_reset(p.user.id, &reset).await?;
    let notice = link_notice(
        &p.user.name,
        &link_for(&state, &headers, &secret),
        reset.expires_at,
    );
    Ok((
        StatusCode::CREATED,
        person_page(&state, &user, &org, &p, notice).await?,
    )
        .into_response())
}

// --- teams -----------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
struct TeamForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn teams_page(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    notice: Markup,
    name: &str,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let teams = state.store.all_teams(org.id).await?;
    let body = html! {
        (notice)
        (form::error_summary(errors))
        p { "Projects belong to a team. An archived team is left out of the pickers and dashboards; its projects keep it, and you can restore it." }
        @if teams.is_empty() {
            p { "There are no teams yet." }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption class="visually-hidden" { "Teams of " (org.name) }
                    thead { tr { th scope="col" { "Team" } th scope="col" { "Status" } th scope="col" { "Rename" } th scope="col" { span class="visually-hidden" { "Archive or restore" } } } }
                    tbody {
                        @for t in &teams {
                            tr {
                                td { (t.name) }
                                td { @if t.archived { "Archived" } @else { "In use" } }
                                td {
                                    form class="inline-form" method="post" action={ "/admin/orgs/" (org.id) "/teams/" (t.id) "/rename" } {
                                        (csrf_field(user))
                                        div class="form-group" {
                                            label class="label visually-hidden" for={ "team-" (t.id) } { "New name for " (t.name) }
                                            input class="input" type="text" id={ "team-" (t.id) } name="name" value=(t.name);
                                        }
                                        button type="submit" class="button button--secondary" { "Rename" span class="visually-hidden" { " " (t.name) } }
                                    }
                                }
                                td {
                                    form class="table__form" method="post" action={ "/admin/orgs/" (org.id) "/teams/" (t.id) (if t.archived { "/restore" } else { "/archive" }) } {
                                        (csrf_field(user))
                                        button type="submit" class="button button--link" {
                                            (if t.archived { "Restore" } else { "Archive" })
                                            span class="visually-hidden" { " " (t.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="add" { "Create a team" }
        form method="post" action={ "/admin/orgs/" (org.id) "/teams" } class="add-form" novalidate {
            (csrf_field(user))
            (form::text_input("name", "Team name", name, Some("For example “Ward 10” or “Emergency department”"), errors))
            button type="submit" class="button" { "Create team" }
        }
    };
    Ok(admin_page(user, org, Section::Teams, "Teams", body))
}

async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let org = admin_of(&user, &org)?;
    teams_page(&state, &user, &org, html! {}, "", &FieldErrors::new()).await
}

/// The teams page after a change: a name error (blank, too long, taken) is shown on the page
/// with 400.
async fn team_outcome(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    outcome: Result<(), StoreError>,
    entered: &str,
    message: &str,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(
            teams_page(state, user, org, done(message), "", &FieldErrors::new())
                .await?
                .into_response(),
        ),
        Err(StoreError::Conflict(_)) => {
            let mut errors = FieldErrors::new();
            errors.insert(
                "name",
                format!(
                    "{} already has a team called “{}”",
                    org.name,
                    entered.trim()
                ),
            );
            Ok((
                StatusCode::BAD_REQUEST,
                teams_page(state, user, org, html! {}, entered, &errors).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn team_name(f: &TeamForm) -> Result<NonEmpty, FieldErrors> {
    Ok(name_draft(&f.name).apply(None)?)
}

/// A name as typed in a form.
fn name_draft(name: &str) -> NameDraft {
    NameDraft {
        name: Some(name.to_owned()),
    }
}

async fn create_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<TeamForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let name = match team_name(&f) {
        Ok(n) => n,
        Err(errors) => {
            let body = teams_page(&state, &user, &org, html! {}, &f.name, &errors).await?;
            return Ok((StatusCode::BAD_REQUEST, body).into_response());
        }
    };
    let outcome = state
        .store
        .create_team(org.id, name.as_str())
        .await
        .map(|_| ());
    team_outcome(
        &state,
        &user,
        &org,
        outcome,
        &f.name,
        &format!("The team “{name}” has been created."),
    )
    .await
}

/// A team of `org` by the id of the path; 404 otherwise.
async fn team_of(
    state: &AppState,
    org: OrgId,
    team: &str,
) -> Result<gemba_domain::Team, PageError> {
    let id = team
        .parse::<i64>()
        .map(TeamId)
        .map_err(|_| PageError::NotFound)?;
    match state.store.team(id).await? {
        Some(t) if t.org == org => Ok(t),
        _ => Err(PageError::NotFound),
    }
}

async fn rename_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, team)): Path<(String, String)>,
    Form(f): Form<TeamForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let team = team_of(&state, org.id, &team).await?;
    // A problem is shown above the table: the field in error is a row's, not the create form's.
    let refused = |why: String| {
        let state = state.clone();
        let (user, org) = (user.clone(), org.clone());
        let old = team.name.clone();
        async move {
            let box_ = problem(&format!("“{old}” was not renamed: {why}."));
            let body = teams_page(&state, &user, &org, box_, "", &FieldErrors::new()).await?;
            Ok::<Response, PageError>((StatusCode::BAD_REQUEST, body).into_response())
        }
    };
    let name = match name_draft(&f.name).apply(None) {
        Ok(n) => n,
        Err(_) => {
            return refused(format!(
                "the new name must not be blank and at most {} characters",
                limits::NAME
            ))
            .await
        }
    };
    match state.store.rename_team(team.id, name.as_str()).await {
        Ok(()) => {
            let message = format!("“{}” is now called “{name}”.", team.name);
            Ok(
                teams_page(&state, &user, &org, done(&message), "", &FieldErrors::new())
                    .await?
                    .into_response(),
            )
        }
        Err(StoreError::Conflict(_)) => {
            refused(format!("{} already has a team called “{name}”", org.name)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn archive_or_restore(
    state: AppState,
    user: CurrentUser,
    org: String,
    team: String,
    csrf: String,
    archived: bool,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&csrf)?;
    let team = team_of(&state, org.id, &team).await?;
    let outcome = state.store.set_team_archived(team.id, archived).await;
    let message = if archived {
        format!("“{}” has been archived.", team.name)
    } else {
        format!("“{}” has been restored.", team.name)
    };
    team_outcome(&state, &user, &org, outcome, "", &message).await
}

async fn archive_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, team)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    archive_or_restore(state, user, org, team, f.csrf, true).await
}

async fn restore_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, team)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    archive_or_restore(state, user, org, team, f.csrf, false).await
}

// --- organisations ---------------------------------------------------------------------------

#[derive(Default, Deserialize)]
struct OrgForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    new_name: String,
    #[serde(default)]
    stall_weeks: String,
    /// The email of the person given a system role.
    #[serde(default)]
    email: String,
    /// `system_lead`, `system_viewer` or `none`.
    #[serde(default)]
    system_role: String,
}

async fn organisations_page(
    state: &AppState,
    user: &CurrentUser,
    org: &Organisation,
    notice: Markup,
    f: &OrgForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let orgs = match &org.system {
        Some(system) => state.store.orgs_in_system(system).await?,
        None => vec![org.clone()],
    };
    let rename_value = if f.new_name.is_empty() && !errors.0.contains_key("new_name") {
        org.name.as_str()
    } else {
        f.new_name.as_str()
    };
    let stall_value = if errors.0.contains_key("stall_weeks") {
        f.stall_weeks.clone()
    } else {
        state.store.stall_weeks(org.id).await?.to_string()
    };
    let system_people = match &org.system {
        Some(system) => state.store.system_people(system).await?,
        None => Vec::new(),
    };
    let body = html! {
        (notice)
        (form::error_summary_ordered(errors, &["new_name", "stall_weeks", "email", "system_role", "name"]))
        @match &org.system {
            Some(s) => p { (org.name) " is part of " strong { (s) } ". Its organisations:" },
            None => p { (org.name) " is not part of a system. An organisation you add here is not part of one either." },
        }
        ul {
            @for o in &orgs {
                li {
                    (o.name)
                    @if let Some(r) = user.role_in(o.id) { " (you: " (r.label().to_lowercase()) ")" }
                }
            }
        }
        h2 id="rename" { "Rename " (org.name) }
        form method="post" action={ "/admin/orgs/" (org.id) "/rename" } class="add-form" novalidate {
            (csrf_field(user))
            (form::text_input("new_name", "New name", rename_value, None, errors))
            button type="submit" class="button button--secondary" { "Rename" }
        }
        h2 id="stalled" { "Stalled work" }
        p { "A project is flagged as stalled when it has no new data and no PDSA cycle started for more than this many weeks." }
        form method="post" action={ "/admin/orgs/" (org.id) "/stall-weeks" } class="add-form" novalidate {
            (csrf_field(user))
            (form::input_of_type("number", "stall_weeks", "Weeks without activity", &stall_value, Some("A whole number from 1 to 52. The default is 6."), errors))
            button type="submit" class="button button--secondary" { "Save" }
        }
        h2 id="email-notifications" { "E-mail" }
        p { "Notifications can also go by e-mail, through the SMTP server the server is started with. " a href={ "/orgs/" (org.id) "/email" } { "The e-mail outbox of " (org.name) "'s people" } }
        @if let Some(system) = &org.system {
            h2 id="system-roles" { "Roles across " (system) }
            p { "Every organisation of " (system) " reads the others' projects that are not private. A system improvement lead or a system viewer also sees the whole system's portfolio in one view; a system improvement lead sets the system's strategic priorities too." }
            @if system_people.is_empty() {
                p { "Nobody holds a role across " (system) " yet." }
            } @else {
                div class="table-scroll" {
                    table class="table" {
                        caption class="visually-hidden" { "People with a role across " (system) }
                        thead { tr { th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Role across the system" } } }
                        tbody {
                            @for p in &system_people {
                                tr { td { (p.user.name) } td { (p.user.email.as_str()) } td { (p.role.label()) } }
                            }
                        }
                    }
                }
            }
            form method="post" action={ "/admin/orgs/" (org.id) "/system-roles" } class="add-form" novalidate {
                (csrf_field(user))
                (form::input_of_type("email", "email", &format!("Email of one of {}'s people", org.name), &f.email, None, errors))
                (form::select("system_role", "Role across the system", &[
                    ("system_viewer", SystemRole::Viewer.label()),
                    ("system_lead", SystemRole::Lead.label()),
                    ("none", "No role across the system"),
                ], if f.system_role.is_empty() { "system_viewer" } else { &f.system_role }, errors))
                button type="submit" class="button button--secondary" { "Save the role" }
            }
        }
        h2 id="add" { "Add an organisation" }
        p { "A trust, practice or other organisation of the same system. You become its first admin, and add its people." }
        form method="post" action={ "/admin/orgs/" (org.id) "/organisations" } class="add-form" novalidate {
            (csrf_field(user))
            (form::text_input("name", "Name of the organisation", &f.name, None, errors))
            button type="submit" class="button" { "Add organisation" }
        }
    };
    Ok(admin_page(
        user,
        org,
        Section::Organisations,
        "Organisations",
        body,
    ))
}

/// Gives one of the organisation's people a role across its system, or takes it away.
async fn set_system_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let role = match f.system_role.as_str() {
        "none" => Ok(None),
        r => SystemRole::parse(r).map(Some).ok_or(()),
    };
    let mut errors = FieldErrors::new();
    let done = match role {
        Ok(role) => {
            gemba_domain::set_system_role(&user.access(&state), org.id, &f.email, role).await
        }
        Err(()) => {
            errors.insert("system_role", "Choose a role across the system".to_owned());
            Ok(())
        }
    };
    match done {
        Ok(()) if errors.0.is_empty() => Ok(see_other(&format!(
            "/admin/orgs/{}/organisations#system-roles",
            org.id
        ))),
        Ok(()) | Err(BoardError::Invalid(_)) => {
            if let Err(BoardError::Invalid(problems)) = done {
                errors.add_problems(problems);
            }
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(super::board::board_error(e)),
    }
}

async fn organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let org = admin_of(&user, &org)?;
    organisations_page(
        &state,
        &user,
        &org,
        html! {},
        &OrgForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn add_org(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let mut errors = FieldErrors::new();
    let name = match name_draft(&f.name).apply(None) {
        Ok(n) => n,
        Err(problems) => {
            errors.add_problems(problems);
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            return Ok((StatusCode::BAD_REQUEST, body).into_response());
        }
    };
    match state
        .store
        .create_org_with_admin(name.as_str(), org.system.as_deref(), user.user.id)
        .await
    {
        Ok(new) => Ok(see_other(&format!("/admin/orgs/{new}/people"))),
        Err(StoreError::Conflict(_)) => {
            errors.insert(
                "name",
                format!("There is already an organisation called “{name}”"),
            );
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn rename_org(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let mut errors = FieldErrors::new();
    let name = match name_draft(&f.new_name).apply(None) {
        Ok(n) => n,
        Err(problems) => {
            // The rename form's field is `new_name`.
            for p in problems {
                errors.insert("new_name", form::problem_sentence(p.field, &p.problem));
            }
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            return Ok((StatusCode::BAD_REQUEST, body).into_response());
        }
    };
    match state.store.rename_org(org.id, name.as_str()).await {
        Ok(()) => Ok(see_other(&format!("/admin/orgs/{}/organisations", org.id))),
        Err(StoreError::Conflict(_)) => {
            errors.insert(
                "new_name",
                format!("There is already an organisation called “{name}”"),
            );
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_stall_weeks(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    let org = admin_of(&user, &org)?;
    user.check_csrf(&f.csrf)?;
    let access = gemba_domain::Access::load(state.store.as_ref(), user.user.id).await?;
    match gemba_domain::set_stall_weeks(&access, org.id, &f.stall_weeks).await {
        Ok(_) => Ok(see_other(&format!(
            "/admin/orgs/{}/organisations#stalled",
            org.id
        ))),
        Err(gemba_domain::ProgressError::Invalid(problems)) => {
            let errors = FieldErrors::from(problems);
            let body = organisations_page(&state, &user, &org, html! {}, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(gemba_domain::ProgressError::Access(e)) => Err(e.into()),
    }
}
