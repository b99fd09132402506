//! Protected time (issue 13 §2): hours planned and used for improvement per person and project by
//! month — one's own, or (improvement leads and admins) anyone's — and the roll-ups by
//! organisation, team, project and person, used as a share of planned.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    is_active_work, org_time, record_time, Action, BoardError, OrgId, ProjectId, TimeDraft,
    TimeRow, UserId, Version,
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
    get "/orgs/{org}/time" => time_page, Do(Action::Read);
    post "/orgs/{org}/time" => record, Do(Action::RecordTime);
}

/// The form's fields (also the query that opens an entry to change it).
#[derive(Debug, Default, Deserialize, Clone)]
struct TimeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    planned: String,
    #[serde(default)]
    used: String,
    #[serde(default)]
    version: String,
}

fn hours(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn table(caption: &str, rows: &[TimeRow]) -> Markup {
    html! {
        div class="table-scroll" role="region" aria-label=(caption) tabindex="0" {
            table class="table" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Name" }
                    th scope="col" { "Month" }
                    th scope="col" { "Hours planned" }
                    th scope="col" { "Hours used" }
                    th scope="col" { "Used of planned" }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { (r.name) }
                            td { (r.month.format("%b %Y")) }
                            td { (hours(r.planned)) }
                            td { (hours(r.used)) }
                            td { (r.share().map_or("\u{2013}".to_owned(), |s| format!("{:.0}%", s * 100.0))) }
                        }
                    }
                }
            }
        }
    }
}

async fn time_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Query(q): Query<TimeForm>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    render(&state, &user, org, &q, &FieldErrors::new()).await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    typed: &TimeForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let grant = access.org(org, Action::Read)?.grant();
    let t = org_time(&access, org).await?;
    let store = state.store.as_ref();
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let projects: Vec<_> = store
        .projects(org)
        .await?
        .into_iter()
        .filter(|p| is_active_work(p.status))
        .collect();
    let project_ids: Vec<String> = projects.iter().map(|p| p.id.to_string()).collect();
    let project_options: Vec<(&str, &str)> = std::iter::once(("", "Choose a project"))
        .chain(
            projects
                .iter()
                .zip(&project_ids)
                .map(|(p, id)| (id.as_str(), p.title.as_str())),
        )
        .collect();
    let for_anyone = grant.may(Action::ManageTime);
    let people = if for_anyone {
        store.org_members(org).await?
    } else {
        Vec::new()
    };
    let people_ids: Vec<String> = people.iter().map(|(u, _)| u.id.to_string()).collect();
    let people_options: Vec<(&str, &str)> = people
        .iter()
        .zip(&people_ids)
        .map(|((u, _), id)| (id.as_str(), u.name.as_str()))
        .collect();
    let me = user.user.id.to_string();
    let chosen_user = if typed.user.is_empty() {
        me.clone()
    } else {
        typed.user.clone()
    };
    // An entry opened to change it: its current hours and version.
    let opened = t.entries.iter().find(|e| {
        e.project.0.to_string() == typed.project
            && e.user.id.0.to_string() == chosen_user
            && e.month.format("%Y-%m").to_string() == typed.month
    });
    let planned = if errors.is_empty() {
        opened.map_or(typed.planned.clone(), |e| hours(e.planned))
    } else {
        typed.planned.clone()
    };
    let used = if errors.is_empty() {
        opened.map_or(typed.used.clone(), |e| hours(e.used))
    } else {
        typed.used.clone()
    };
    let version = if errors.is_empty() {
        opened.map_or(String::new(), |e| e.version.to_string())
    } else {
        typed.version.clone()
    };
    let mine: Vec<_> = t
        .entries
        .iter()
        .filter(|e| for_anyone || e.user.id == user.user.id)
        .collect();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Protected time for improvement" }
        p { "Hours planned (promised) and hours used for improvement, per person and project by month, so that leaders see whether the time promised was given." }
        p { a href={ "/orgs/" (org) "/training" } { "Improvement training" } }
        @if grant.may(Action::RecordTime) {
            h2 id="record" { @if opened.is_some() { "Change the hours" } @else { "Record hours" } }
            (form::error_summary_ordered(errors, &["project", "user", "month", "planned", "used", "owner"]))
            form method="post" action={ "/orgs/" (org) "/time" } novalidate {
                (csrf_field(user))
                input type="hidden" name="version" value=(version);
                (form::select("project", "Project", &project_options, &typed.project, errors))
                @if for_anyone {
                    (form::select("user", "Person", &people_options, &chosen_user, errors))
                }
                (form::text_input("month", "Month", &typed.month, Some("Year and month, like 2026-03."), errors))
                (form::input_of_type("number", "planned", "Hours planned", &planned, Some("0 to 744."), errors))
                (form::input_of_type("number", "used", "Hours used", &used, Some("0 to 744."), errors))
                button type="submit" class="button" { "Save the hours" }
            }
        }
        @if t.entries.is_empty() {
            p { "No hours recorded yet." }
        } @else {
            h2 id="organisation" { "The organisation" }
            (table("Hours by month, the whole organisation", &t.organisation))
            h2 id="teams" { "By team" }
            (table("Hours by team and month", &t.by_team))
            h2 id="projects" { "By project" }
            (table("Hours by project and month", &t.by_project))
            h2 id="people" { "By person" }
            (table("Hours by person and month", &t.by_person))
            @if !mine.is_empty() && grant.may(Action::RecordTime) {
                h2 id="entries" { @if for_anyone { "Entries" } @else { "Your entries" } }
                ul {
                    @for e in &mine {
                        @let title = projects.iter().find(|p| p.id == e.project).map_or("", |p| p.title.as_str());
                        li {
                            (e.user.name) ", " (title) ", " (e.month.format("%B %Y")) ": "
                            (hours(e.planned)) " planned, " (hours(e.used)) " used. "
                            a href={ "/orgs/" (org) "/time?project=" (e.project) "&user=" (e.user.id) "&month=" (e.month.format("%Y-%m")) "#record" } {
                                "Change" span class="visually-hidden" { " " (e.user.name) "'s hours on " (title) " for " (e.month.format("%B %Y")) }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = if errors.is_empty() {
        "Protected time"
    } else {
        "Error: Protected time"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<TimeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::RecordTime)?;
    let Ok(project) = f.project.trim().parse::<i64>().map(ProjectId) else {
        let mut errors = FieldErrors::new();
        errors.insert("project", "Choose a project from the list");
        let page = render(&state, &user, org, &f, &errors).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let person = match f.user.trim() {
        "" => None,
        u => Some(UserId(u.parse::<i64>().map_err(|_| {
            PageError::BadRequest("Choose a person from the list.".into())
        })?)),
    };
    let draft = TimeDraft {
        month: Some(f.month.clone()),
        planned: Some(f.planned.clone()),
        used: Some(f.used.clone()),
    };
    // A new entry must not exist yet; a changed one must be as it was opened.
    let expected = conflict::parse(&f.version).unwrap_or(Version(0));
    let access = user.access(&state);
    let found = access.project(project, Action::Read).await?;
    if found.item().org != org {
        return Err(PageError::NotFound);
    }
    match record_time(&access, project, person, &draft, Some(expected)).await {
        Ok(_) => Ok(see_other(&format!("/orgs/{org}/time#organisation"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render(&state, &user, org, &f, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
