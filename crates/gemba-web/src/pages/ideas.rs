//! Staff ideas (issue 13): put one forward from a phone, support and comment on others', and
//! (improvement leads and admins) triage them with a response the submitter sees; and each
//! user's notifications.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    comment_on_idea, convert_idea, idea, idea_comments, ideas_of, mark_notifications_read,
    notifications, response_times, set_response_target, submit_idea, support_idea, triage_idea,
    Action, BoardError, ConvertDraft, DriverKind, Idea, IdeaDraft, IdeaId, IdeaStatus, OrgId,
    TriageDraft,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::{board_error, org_of};
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/ideas" => ideas_home, Own;
    get "/orgs/{org}/ideas" => ideas_page, Do(Action::Read);
    post "/orgs/{org}/ideas" => submit, Do(Action::ShareIdeas);
    get "/ideas/{id}" => idea_page, Do(Action::Read);
    post "/ideas/{id}/support" => support, Do(Action::ShareIdeas);
    post "/ideas/{id}/comments" => comment, Do(Action::ShareIdeas);
    post "/ideas/{id}/triage" => triage, Do(Action::TriageIdeas);
    post "/ideas/{id}/convert" => convert, Do(Action::TriageIdeas);
    get "/orgs/{org}/ideas/responses" => responses_page, Do(Action::Read);
    post "/orgs/{org}/ideas/target" => set_target, Do(Action::ManageOrganisation);
    get "/orgs/{org}/email" => email_outbox, Do(Action::ManageOrganisation);
    get "/notifications" => notifications_page, Own;
    post "/notifications/read" => mark_read, Own;
}

/// `/ideas`: the ideas of the user's organisation (a list when they have several).
async fn ideas_home(user: CurrentUser) -> Result<Response, PageError> {
    match user.memberships.as_slice() {
        [only] => Ok(see_other(&format!("/orgs/{}/ideas", only.org.id))),
        many => {
            let body = html! {
                h1 { "Ideas" }
                ul class="card-list" {
                    @for m in many {
                        li class="card" { a href={ "/orgs/" (m.org.id) "/ideas" } { (m.org.name) } }
                    }
                }
            };
            Ok(layout::page("Ideas", Some(&user), body).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct IdeaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    idea: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    team: String,
}

#[derive(Debug, Default, Deserialize)]
struct StatusQuery {
    #[serde(default)]
    status: String,
}

/// An idea's status as a tag: a new one stands out, as it awaits its response.
fn status_tag(s: IdeaStatus) -> Markup {
    let class = if s == IdeaStatus::New {
        "tag"
    } else {
        "tag tag--plain"
    };
    html! { strong class=(class) { (s.label()) } }
}

async fn ideas_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Query(q): Query<StatusQuery>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    render_ideas(
        &state,
        &user,
        org,
        &q.status,
        &IdeaForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_ideas(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    status: &str,
    typed: &IdeaForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let grant = access.org(org, Action::Read)?.grant();
    let status = match status.trim() {
        "" => None,
        s => Some(
            IdeaStatus::parse(s)
                .ok_or_else(|| PageError::BadRequest("Choose a status from the list.".into()))?,
        ),
    };
    let list = ideas_of(&access, org, status).await?;
    let store = state.store.as_ref();
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let teams = store.teams(org).await?;
    let team_ids: Vec<String> = teams.iter().map(|t| t.id.to_string()).collect();
    let team_options: Vec<(&str, &str)> = std::iter::once(("", "Not sure"))
        .chain(
            teams
                .iter()
                .zip(&team_ids)
                .map(|(t, id)| (id.as_str(), t.name.as_str())),
        )
        .collect();
    let status_options: Vec<(&str, &str)> = std::iter::once(("", "Any status"))
        .chain(IdeaStatus::ALL.iter().map(|s| (s.name(), s.label())))
        .collect();
    let team_name = |i: &Idea| {
        i.team
            .and_then(|t| teams.iter().find(|x| x.id == t))
            .map(|t| t.name.clone())
    };
    let body = html! {
        span class="caption" { (name) }
        h1 { "Ideas" }
        p { "Anyone here can put forward an idea to make care or work better. Every idea gets a response, and whoever put it forward is told of each one." }
        p { a href={ "/orgs/" (org) "/ideas/responses" } { "How quickly ideas get a response" } }
        @if grant.may(Action::ShareIdeas) {
            h2 id="new" { "Put forward an idea" }
            (form::error_summary_ordered(errors, &["problem", "idea", "area", "team"]))
            form method="post" action={ "/orgs/" (org) "/ideas" } novalidate {
                (csrf_field(user))
                (form::textarea("problem", "What is the problem?", &typed.problem, Some("What gets in the way, for whom."), errors))
                (form::textarea("idea", "Your idea", &typed.idea, Some("What would you change?"), errors))
                (form::text_input("area", "Where", &typed.area, Some("A ward, a service or a process, if it is about one. Optional."), errors))
                (form::select("team", "Which team should look at it?", &team_options, &typed.team, errors))
                button type="submit" class="button" { "Put forward the idea" }
            }
        }
        h2 id="all" { "Ideas put forward" }
        form method="get" action={ "/orgs/" (org) "/ideas" } class="inline-form" {
            (form::select("status", "Status", &status_options, status.map_or("", |s| s.name()), &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Filter" }
        }
        @if list.is_empty() { p { "No ideas here yet." } }
        ul class="card-list" {
            @for i in &list {
                li class="card" {
                    h3 class="card__title" { a href={ "/ideas/" (i.id) } { (i.text.idea) } }
                    p { (status_tag(i.status)) " " (i.supporters.len()) @if i.supporters.len() == 1 { " supporter" } @else { " supporters" } }
                    p class="hint" {
                        "Problem: " (i.text.problem)
                        @if !i.text.area.is_empty() { " · Where: " (i.text.area) }
                        @if let Some(t) = team_name(i) { " · Team: " (t) }
                    }
                    p class="hint" {
                        "Put forward " (i.created_at.format("%-d %b %Y"))
                        @if let Some(s) = &i.submitter { " by " (s.name) }
                    }
                }
            }
        }
    };
    let title = if errors.is_empty() {
        "Ideas"
    } else {
        "Error: Ideas"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<IdeaForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::ShareIdeas)?;
    let draft = IdeaDraft {
        problem: Some(f.problem.clone()),
        idea: Some(f.idea.clone()),
        area: Some(f.area.clone()),
        team: Some(f.team.clone()),
    };
    match submit_idea(&user.access(&state), org, &draft).await {
        Ok(id) => Ok(see_other(&format!("/ideas/{id}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_ideas(&state, &user, org, "", &f, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

fn idea_id(id: i64) -> IdeaId {
    IdeaId(id)
}

async fn idea_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    render_idea(&state, &user, idea_id(id), &FieldErrors::new(), None).await
}

/// What was typed into an idea's forms, shown again beside their problems.
#[derive(Default)]
struct Typed<'a> {
    status: Option<&'a str>,
    response: Option<&'a str>,
    comment: &'a str,
    convert: Option<&'a ConvertForm>,
}

async fn render_idea(
    state: &AppState,
    user: &CurrentUser,
    id: IdeaId,
    errors: &FieldErrors,
    typed: Option<Typed<'_>>,
) -> Result<Markup, PageError> {
    let typed = typed.unwrap_or_default();
    let access = user.access(state);
    let i = idea(&access, id, Action::Read).await?;
    let grant = access.org(i.org, Action::Read)?.grant();
    let comments = idea_comments(&access, id).await?;
    let store = state.store.as_ref();
    let team = match i.team {
        Some(t) => store.team(t).await?.map(|t| t.name),
        None => None,
    };
    let supports = i.supporters.contains(&user.user.id);
    let body = html! {
        span class="caption" { "Idea" }
        h1 { (i.text.idea) }
        p { (status_tag(i.status)) }
        dl class="summary-list" {
            div { dt { "The problem" } dd { (i.text.problem) } }
            @if !i.text.area.is_empty() { div { dt { "Where" } dd { (i.text.area) } } }
            div { dt { "Team" } dd { (team.as_deref().unwrap_or("Not chosen")) } }
            div { dt { "Put forward" } dd { (i.created_at.format("%-d %b %Y")) @if let Some(s) = &i.submitter { " by " (s.name) } } }
            div { dt { "First response" } dd {
                @match i.first_response_at {
                    Some(at) => { (at.format("%-d %b %Y")) " (" ((at - i.created_at).num_days()) " days after it was put forward)" }
                    None => "Waiting for a response",
                }
            } }
            div { dt { "Supporters" } dd { (i.supporters.len()) } }
        }
        @if !i.response.is_empty() {
            h2 { "Response" }
            p class="prose" { (i.response) }
        }
        @if !i.became.is_empty() {
            h2 id="became" { "What it became" }
            ul class="list" {
                @for b in &i.became {
                    li {
                        @match &b.change_idea {
                            Some((_, text)) => {
                                "The change idea \u{201c}" (text) "\u{201d} on the driver diagram of "
                                a href={ "/projects/" (b.project) "/drivers" } { (b.project_title) }
                            }
                            None => { "The project " a href={ "/projects/" (b.project) } { (b.project_title) } }
                        }
                    }
                }
            }
        }
        @if grant.may(Action::ShareIdeas) {
            form method="post" action={ "/ideas/" (i.id) "/support" } {
                (csrf_field(user))
                input type="hidden" name="support" value=(if supports { "no" } else { "yes" });
                button type="submit" class="button button--secondary" {
                    @if supports { "Withdraw my support" } @else { "Support this idea" }
                }
            }
        }
        @if grant.may(Action::TriageIdeas) {
            h2 id="triage" { "Respond" }
            (form::error_summary_ordered(errors, &["status", "response"]))
            form method="post" action={ "/ideas/" (i.id) "/triage" } novalidate {
                (csrf_field(user))
                (conflict::version_field(i.version))
                @let options: Vec<(&str, &str)> = IdeaStatus::ALL.iter().map(|s| (s.name(), s.label())).collect();
                (form::select("status", "Status", &options, typed.status.unwrap_or(i.status.name()), errors))
                (form::textarea("response", "Response", typed.response.unwrap_or(&i.response), Some("What the person who put it forward will read. Give the reason for \u{201c}not now\u{201d}."), errors))
                button type="submit" class="button" { "Save the response" }
            }
            (convert_form(state, user, &i, errors, typed.convert).await?)
        }
        h2 id="comments" { "Comments" }
        @if comments.is_empty() { p { "No comments yet." } }
        @for c in &comments {
            div class="card" {
                p class="hint" { @if let Some(a) = &c.author { (a.name) } @else { "A removed user" } " · " (c.at.format("%-d %b %Y %H:%M")) }
                p class="prose" { (c.text) }
            }
        }
        @if grant.may(Action::ShareIdeas) {
            form method="post" action={ "/ideas/" (i.id) "/comments" } novalidate {
                (csrf_field(user))
                (form::textarea("text", "Add a comment", typed.comment, None, errors))
                button type="submit" class="button button--secondary" { "Comment" }
            }
        }
        p { a href={ "/orgs/" (i.org) "/ideas" } { "All ideas" } }
    };
    let title = if errors.is_empty() {
        "Idea"
    } else {
        "Error: Idea"
    };
    Ok(layout::page(title, Some(user), body))
}

#[derive(Debug, Default, Deserialize)]
struct SupportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    support: String,
}

async fn support(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<SupportForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    support_idea(&user.access(&state), idea_id(id), f.support != "no").await?;
    Ok(see_other(&format!("/ideas/{id}")))
}

#[derive(Debug, Default, Deserialize)]
struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

async fn comment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let done = comment_on_idea(&user.access(&state), idea_id(id), &f.text).await;
    let typed = Typed {
        comment: &f.text,
        ..Typed::default()
    };
    answer_on_idea(
        &state,
        &user,
        id,
        done,
        |_| format!("/ideas/{id}#comments"),
        typed,
    )
    .await
}

/// The answer to a form on an idea's page: on success, a redirect to `to`'s address; when
/// something sent is invalid, the page again with its problems beside what was `typed` (400);
/// otherwise the error's own page.
async fn answer_on_idea<T>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Result<T, BoardError>,
    to: impl FnOnce(T) -> String,
    typed: Typed<'_>,
) -> Result<Response, PageError> {
    match done {
        Ok(v) => Ok(see_other(&to(v))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_idea(state, user, idea_id(id), &problems.into(), Some(typed)).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct TriageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    version: String,
}

async fn triage(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<TriageForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let draft = TriageDraft {
        status: Some(f.status.clone()),
        response: Some(f.response.clone()),
    };
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    let done = triage_idea(&user.access(&state), idea_id(id), &draft, expected).await;
    let typed = Typed {
        status: Some(&f.status),
        response: Some(&f.response),
        ..Typed::default()
    };
    answer_on_idea(&state, &user, id, done, |_| format!("/ideas/{id}"), typed).await
}

async fn notifications_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Markup, PageError> {
    let list = notifications(&user.access(&state)).await?;
    let unread = list.iter().filter(|n| !n.read).count();
    let body = html! {
        h1 { "Notifications" }
        @if list.is_empty() {
            p { "Nothing yet. When someone responds to an idea you put forward, or comments on it, you will see it here." }
        } @else {
            p { (unread) " new." }
            ul class="card-list" {
                @for n in &list {
                    li class="card" {
                        p {
                            @if !n.read { strong class="tag" { "New" } " " }
                            a href=(n.link) { (n.text) }
                        }
                        p class="hint" { (n.at.format("%-d %b %Y %H:%M")) }
                    }
                }
            }
            @if unread > 0 {
                form method="post" action="/notifications/read" {
                    (csrf_field(&user))
                    button type="submit" class="button button--secondary" { "Mark all as seen" }
                }
            }
        }
    };
    Ok(layout::page("Notifications", Some(&user), body))
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    mark_notifications_read(&user.access(&state)).await?;
    Ok(see_other("/notifications"))
}

#[derive(Debug, Default, Deserialize)]
struct ConvertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    into: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    driver: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    version: String,
}

/// The most projects whose drivers the "take it forward" form lists.
const DRIVER_PROJECTS: usize = 50;

/// "Take it forward": start a project from the idea, or add it as a change idea under a driver
/// of one of the organisation's active projects (those of the idea's team first).
async fn convert_form(
    state: &AppState,
    user: &CurrentUser,
    i: &Idea,
    errors: &FieldErrors,
    typed: Option<&ConvertForm>,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let mut projects: Vec<gemba_domain::Project> = store
        .projects(i.org)
        .await?
        .into_iter()
        .filter(|p| {
            p.kind == gemba_domain::ProjectKind::Improvement
                && gemba_domain::is_active_work(p.status)
        })
        .collect();
    projects.sort_by_key(|p| (p.team != i.team || i.team.is_none(), p.title.to_lowercase()));
    projects.truncate(DRIVER_PROJECTS);
    let mut drivers: Vec<(String, String)> = Vec::new();
    for p in &projects {
        for n in store.driver_nodes(p.id).await? {
            if n.kind != DriverKind::ChangeIdea {
                let level = if n.kind == DriverKind::Primary {
                    "primary"
                } else {
                    "secondary"
                };
                drivers.push((
                    n.id.to_string(),
                    format!("{}: {} ({level} driver)", p.title, n.text),
                ));
            }
        }
    }
    let mut options: Vec<(&str, &str)> = vec![("", "Choose a driver")];
    options.extend(drivers.iter().map(|(v, l)| (v.as_str(), l.as_str())));
    let blank = ConvertForm::default();
    let typed = typed.unwrap_or(&blank);
    let into = if typed.into.is_empty() {
        "project"
    } else {
        typed.into.as_str()
    };
    Ok(html! {
        h2 id="take-forward" { "Take it forward" }
        p { "Start a project from the idea, or test it as a change idea on a project\u{2019}s driver diagram. The idea moves to \u{201c}being tested\u{201d}, the project or change idea names the idea it came from, and whoever put it forward is told." }
        (form::error_summary_ordered(errors, &["into", "title", "driver", "text"]))
        form method="post" action={ "/ideas/" (i.id) "/convert" } novalidate {
            (csrf_field(user))
            (conflict::version_field(i.version))
            fieldset class="fieldset" {
                legend class="label" { "It becomes" }
                div class="radios" {
                    div class="radio" {
                        input type="radio" id="into" name="into" value="project" checked[into == "project"];
                        label for="into" { "A new project" }
                    }
                    div class="radio" {
                        input type="radio" id="into-change" name="into" value="change_idea" checked[into == "change_idea"];
                        label for="into-change" { "A change idea on a driver diagram" }
                    }
                }
            }
            (form::text_input("title", "Project title", &typed.title, Some("For a new project. Optional: the idea\u{2019}s own words when left blank."), errors))
            @if drivers.is_empty() {
                p class="hint" { "No active project of the organisation has a primary or secondary driver yet, so the idea can only become a project." }
            } @else {
                (form::select_with_hint("driver", "Driver it tests", &options, &typed.driver, Some("For a change idea: the driver it hangs from."), errors))
                (form::text_input("text", "Change idea wording", &typed.text, Some("For a change idea. Optional: the idea\u{2019}s own words when left blank."), errors))
            }
            button type="submit" class="button" { "Take it forward" }
        }
    })
}

async fn convert(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ConvertForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let draft = ConvertDraft {
        into: Some(f.into.clone()),
        title: Some(f.title.clone()),
        driver: Some(f.driver.clone()),
        text: Some(f.text.clone()),
    };
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    let done = convert_idea(&user.access(&state), idea_id(id), &draft, expected).await;
    let typed = Typed {
        convert: Some(&f),
        ..Typed::default()
    };
    let to = |b: gemba_domain::Became| match b.change_idea {
        Some(_) => format!("/projects/{}/drivers", b.project),
        None => format!("/projects/{}", b.project),
    };
    answer_on_idea(&state, &user, id, done, to, typed).await
}

/// `/orgs/{org}/ideas/responses`: days to each idea's first response, charted per team against
/// the organisation's target, and the ideas still waiting.
async fn responses_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    render_responses(&state, &user, org, &FieldErrors::new(), None).await
}

async fn render_responses(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    errors: &FieldErrors,
    typed: Option<&str>,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let grant = access.org(org, Action::Read)?.grant();
    let now = super::session::now();
    let times = response_times(&access, org, now).await?;
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let target = times.target.map(|t| t.days);
    let body = html! {
        span class="caption" { (name) }
        h1 { "How quickly ideas get a response" }
        p {
            "Each chart shows the days from an idea being put forward to its first response, one point per answered idea in the order they were put forward (an XmR chart; lower is better)."
            @match target {
                Some(d) => { " The organisation\u{2019}s target is " strong { (d) @if d == 1 { " day" } @else { " days" } } "." }
                None => { " The organisation has not set a target yet." }
            }
        }
        @if grant.may(Action::ManageOrganisation) {
            (form::error_summary(errors))
            form method="post" action={ "/orgs/" (org) "/ideas/target" } class="inline-form" novalidate {
                (csrf_field(user))
                (conflict::version_field(times.target.map_or(gemba_domain::Version(0), |t| t.version)))
                @let current = typed.map(str::to_owned).or(target.map(|d| d.to_string())).unwrap_or_default();
                (form::input_of_type("number", "target", "Target: days to a first response", &current, Some("A whole number of days from 1 to 365."), errors))
                button type="submit" class="button button--secondary" { "Set the target" }
            }
        }
        @for g in &times.groups {
            @let label = match (&g.team, g.whole) {
                (_, true) => "The whole organisation".to_owned(),
                (Some(t), _) => t.name.clone(),
                (None, _) => "Ideas for no team".to_owned(),
            };
            section class="card" {
                h2 { (label) }
                p {
                    (g.answered.len()) " answered, " (g.waiting.len()) " waiting"
                    @if let Some(t) = target {
                        "; " (g.late) " answered after more than " (t) " days, " (g.overdue(Some(t))) " waiting longer than that"
                    }
                    "."
                }
                @if let Some(chart) = &g.chart {
                    @let id = format!("responses-{}", g.team.as_ref().map_or(if g.whole { "all".to_owned() } else { "none".to_owned() }, |t| t.id.to_string()));
                    @let labels: Vec<String> = g.answered.iter().map(|a| a.1.format("%-d %b %Y").to_string()).collect();
                    div class="chart" role="region" aria-label={ "Days to first response, " (label) " (scrolls sideways on small screens)" } tabindex="0" {
                        (maud::PreEscaped(gemba_chart::chart_svg(&gemba_chart::SeriesView {
                            id: &id,
                            title: &format!("Days to first response \u{2013} {label}"),
                            x_labels: &labels,
                            y_label: "Days to first response",
                            result: chart,
                            multiplier: 1.0,
                            value_suffix: "",
                            annotations: &[],
                        })))
                    }
                }
                @if !g.waiting.is_empty() {
                    h3 { "Waiting for a response" }
                    ul class="list" {
                        @for (id, days) in &g.waiting {
                            li {
                                a href={ "/ideas/" (id) } { "Idea " (id) }
                                " \u{2013} waiting " (days) " days"
                                @if target.is_some_and(|t| *days > f64::from(t)) { " " strong class="tag tag--red" { "over the target" } }
                            }
                        }
                    }
                }
            }
        }
        p { a href={ "/orgs/" (org) "/ideas" } { "All ideas" } }
    };
    let title = if errors.is_empty() {
        "How quickly ideas get a response"
    } else {
        "Error: How quickly ideas get a response"
    };
    Ok(layout::page(title, Some(user), body))
}

#[derive(Debug, Default, Deserialize)]
struct TargetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    version: String,
}

async fn set_target(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<TargetForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::ManageOrganisation)?;
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    match set_response_target(&user.access(&state), org, &f.target, expected).await {
        Ok(_) => Ok(see_other(&format!("/orgs/{org}/ideas/responses"))),
        Err(BoardError::Invalid(problems)) => {
            let page =
                render_responses(&state, &user, org, &problems.into(), Some(&f.target)).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

/// `/orgs/{org}/email`: whether notifications go by e-mail, and the outbox of the organisation's
/// people (admins).
async fn email_outbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::ManageOrganisation)?;
    let access = user.access(&state);
    let outbox = gemba_domain::outbox(&access, org).await?;
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let body = html! {
        span class="caption" { (name) }
        h1 { "E-mail outbox" }
        @if outbox.enabled {
            p { "E-mail is " strong { "on" } ": every notification also goes to its person by e-mail. A failed e-mail is tried again later, up to " (gemba_domain::MAX_ATTEMPTS) " times." }
        } @else {
            p { "E-mail is " strong { "off" } ": notifications are shown in Gemba only. It is switched on by starting the server with an SMTP server (" code { "--smtp-url" } " and " code { "--mail-from" } ", see the README)." }
        }
        @if outbox.emails.is_empty() {
            p { "No e-mails yet." }
        } @else {
            div class="table-scroll" {
                table class="table" {
                    caption class="visually-hidden" { "The newest e-mails to " (name) "'s people" }
                    thead { tr { th scope="col" { "To" } th scope="col" { "Subject" } th scope="col" { "Put in the outbox" } th scope="col" { "State" } } }
                    tbody {
                        @for e in &outbox.emails {
                            tr {
                                td { (e.to.name) br; span class="hint" { (e.to.email.as_str()) } }
                                td { (e.subject) }
                                td { (e.created_at.format("%-d %b %Y %H:%M")) }
                                td {
                                    @if let Some(at) = e.sent_at { "Sent " (at.format("%-d %b %Y %H:%M")) }
                                    @else if e.failed() { strong class="tag tag--red" { "Failed" } " after " (e.attempts) " tries" }
                                    @else if e.attempts > 0 { "Waiting to try again (" (e.attempts) @if e.attempts == 1 { " try" } @else { " tries" } " failed)" }
                                    @else { "Waiting to be sent" }
                                    @if let Some(err) = &e.last_error { br; span class="hint" { "Last error: " (err) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/admin" { "Administration" } }
    };
    Ok(layout::page("E-mail outbox", Some(&user), body))
}
