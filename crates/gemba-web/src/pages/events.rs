//! Rapid improvement events: a project's event date, its 30-, 60- and 90-day report-outs (the
//! template: what changed, results with the project's measures, next steps), and the report-outs
//! due on the dashboards.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use gemba_domain::{
    parse_date, report_outs_due, schedule, set_event, write_report_out, Action, BoardError, Grant,
    OrgId, Project, ProjectId, ReportOutDraft, ReportOutState, TeamId, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::board_error;
use super::conflict;
use super::dashboard::{measure_list, measure_summaries, today};
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::{load_project, Path};
use crate::AppState;

page_routes! {
    post "/projects/{id}/event" => set_date, Do(Action::EditProject);
    get "/projects/{id}/report-outs/{day}" => report_out_page, Do(Action::Read);
    post "/projects/{id}/report-outs/{day}" => save_report_out, Do(Action::EditProject);
}

#[derive(Debug, Default, Deserialize)]
struct EventForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    event_date: String,
}

/// Sets (or with an empty date clears) the date of the event a project is.
async fn set_date(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let date = match f.event_date.trim() {
        "" => None,
        s => Some(parse_date(s).ok_or_else(|| {
            PageError::BadRequest("Enter the date of the event, like 2026-09-14.".into())
        })?),
    };
    let project = ProjectId(id);
    set_event(&user.access(&state), project, date)
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/projects/{project}#event")))
}

/// The "Rapid improvement event" part of a project's page: its date and report-outs.
pub(crate) async fn project_section(
    state: &AppState,
    user: &CurrentUser,
    project: &Project,
    grant: Grant,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let date = store.event_date(project.id).await?;
    let edit = grant.may(Action::EditProject);
    if date.is_none() && !edit {
        return Ok(html! {});
    }
    let written: Vec<u32> = store
        .report_outs(project.id)
        .await?
        .iter()
        .map(|r| r.day)
        .collect();
    Ok(html! {
        h2 id="event" { "Rapid improvement event" }
        @if let Some(d) = date {
            p { "Held on " (d.format("%-d %B %Y")) ". The team reports out 30, 60 and 90 days after it." }
            ul class="report-outs" {
                @for (day, due, state) in schedule(d, &written, today()) {
                    li {
                        a href={ "/projects/" (project.id) "/report-outs/" (day) } { (day) "-day report-out" }
                        " – " (due.format("%-d %b %Y")) ": "
                        @match state {
                            ReportOutState::Written => "written",
                            ReportOutState::Due => strong { "due" },
                            ReportOutState::Upcoming => "not due yet",
                        }
                    }
                }
            }
        } @else {
            p class="hint" { "Not an event. A rapid improvement event has a date and report-outs 30, 60 and 90 days after it." }
        }
        @if edit {
            form method="post" action={ "/projects/" (project.id) "/event" } class="inline-form" {
                (csrf_field(user))
                (form::input_of_type("date", "event_date", "Date of the event", &date.map(|d| d.to_string()).unwrap_or_default(),
                    Some("Leave empty if the project is not an event."), &FieldErrors::new()))
                button type="submit" class="button button--secondary" { "Save the event date" }
            }
        }
    })
}

/// The report-outs due in an organisation (of one team's projects, with `team`), for a
/// dashboard; empty when none is due.
pub(crate) async fn due_list(
    state: &AppState,
    org: OrgId,
    team: Option<TeamId>,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let mut rows = Vec::new();
    for (project, day, when) in report_outs_due(store, org, today()).await? {
        let Some(p) = store.project(project).await? else {
            continue;
        };
        if team.is_some() && p.team != team {
            continue;
        }
        rows.push((p, day, when));
    }
    Ok(html! {
        @if !rows.is_empty() {
            div class="notice notice--warning" {
                h3 { "Report-outs due" }
                ul {
                    @for (p, day, when) in &rows {
                        li {
                            a href={ "/projects/" (p.id) "/report-outs/" (day) } { (p.title) ": " (day) "-day report-out" }
                            " (due " (when.format("%-d %b %Y")) ")"
                        }
                    }
                }
            }
        }
    })
}

/// The day of the path: 30, 60 or 90 (else not found).
fn day_of(day: &str) -> Result<u32, PageError> {
    match day {
        "30" => Ok(30),
        "60" => Ok(60),
        "90" => Ok(90),
        _ => Err(PageError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: String,
}

async fn report_out_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, day)): Path<(i64, String)>,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let day = day_of(&day)?;
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::Read).await?;
    let date = state
        .store
        .event_date(p.id)
        .await?
        .ok_or(PageError::NotFound)?;
    let current = state.store.report_out(p.id, day).await?;
    let typed = ReportOutForm {
        what_changed: current
            .as_ref()
            .map(|r| r.text.what_changed.clone())
            .unwrap_or_default(),
        results: current
            .as_ref()
            .map(|r| r.text.results.clone())
            .unwrap_or_default(),
        next_steps: current
            .as_ref()
            .map(|r| r.text.next_steps.clone())
            .unwrap_or_default(),
        ..ReportOutForm::default()
    };
    let notice = (q.saved == "1").then(|| {
        html! { div class="notice" role="status" { p { "The report-out is saved." } } }
    });
    render(
        &state,
        &user,
        &p,
        grant,
        day,
        date,
        current.map(|r| r.version),
        &typed,
        &FieldErrors::new(),
        notice,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct ReportOutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    what_changed: String,
    #[serde(default)]
    results: String,
    #[serde(default)]
    next_steps: String,
    #[serde(default)]
    version: String,
}

#[allow(clippy::too_many_arguments)] // one page, drawn from its parts
async fn render(
    state: &AppState,
    user: &CurrentUser,
    p: &Project,
    grant: Grant,
    day: u32,
    event: NaiveDate,
    version: Option<Version>,
    typed: &ReportOutForm,
    errors: &FieldErrors,
    notice: Option<Markup>,
) -> Result<Markup, PageError> {
    let measures = measure_summaries(state, p).await?;
    let due = schedule(event, &[], today())
        .into_iter()
        .find(|(d, _, _)| *d == day)
        .map(|(_, due, _)| due);
    let edit = grant.may(Action::EditProject);
    let body = html! {
        span class="caption" { a href={ "/projects/" (p.id) } { (p.title) } }
        h1 { (day) "-day report-out" }
        p {
            "The event was held on " (event.format("%-d %B %Y"))
            @if let Some(d) = due { "; this report-out is due on " (d.format("%-d %B %Y")) }
            "."
        }
        @if let Some(n) = notice { (n) }
        h2 { "Results on the charts" }
        @if measures.is_empty() { p class="hint" { "The project has no measures yet." } } @else { (measure_list(&measures, today())) }
        @if edit {
            (form::error_summary_ordered(errors, &["what_changed", "results", "next_steps"]))
            form method="post" action={ "/projects/" (p.id) "/report-outs/" (day) } novalidate {
                (csrf_field(user))
                @if let Some(v) = version { (conflict::version_field(v)) }
                (form::textarea("what_changed", "What changed", &typed.what_changed, Some("What the team does differently since the event, and what held."), errors))
                (form::textarea("results", "Results", &typed.results, Some("What the measures above show since the event."), errors))
                (form::textarea("next_steps", "Next steps", &typed.next_steps, Some("What happens next, who does it and by when."), errors))
                button type="submit" class="button" { "Save the report-out" }
            }
        } @else if version.is_some() {
            h2 { "What changed" } p { (typed.what_changed) }
            h2 { "Results" } p { (typed.results) }
            h2 { "Next steps" } p { (typed.next_steps) }
        } @else {
            p { "Not written yet." }
        }
    };
    let title = if errors.is_empty() {
        format!("{day}-day report-out")
    } else {
        format!("Error: {day}-day report-out")
    };
    Ok(layout::page(&title, Some(user), body))
}

async fn save_report_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, day)): Path<(i64, String)>,
    Form(f): Form<ReportOutForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let day = day_of(&day)?;
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::EditProject).await?;
    let date = state
        .store
        .event_date(p.id)
        .await?
        .ok_or(PageError::NotFound)?;
    let expected = match f.version.trim() {
        "" => None,
        v => Some(conflict::parse(v).unwrap_or(Version(0))),
    };
    let draft = ReportOutDraft {
        what_changed: Some(f.what_changed.clone()),
        results: Some(f.results.clone()),
        next_steps: Some(f.next_steps.clone()),
    };
    match write_report_out(&user.access(&state), p.id, day, &draft, expected).await {
        Ok(_) => Ok(see_other(&format!(
            "/projects/{}/report-outs/{day}?saved=1",
            p.id
        ))),
        Err(BoardError::Invalid(problems)) => {
            let page = render(
                &state,
                &user,
                &p,
                grant,
                day,
                date,
                expected,
                &f,
                &problems.into(),
                None,
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(
            gemba_domain::StoreError::Stale(_),
        ))) => {
            let current = state.store.report_out(p.id, day).await?;
            let text = current.as_ref().map(|r| r.text.clone()).unwrap_or_default();
            let theirs: Vec<conflict::Shown> = vec![
                ("What changed", text.what_changed),
                ("Results", text.results),
                ("Next steps", text.next_steps),
            ];
            let yours: Vec<conflict::Shown> = vec![
                ("What changed", f.what_changed.clone()),
                ("Results", f.results.clone()),
                ("Next steps", f.next_steps.clone()),
            ];
            let notice = conflict::notice("report-out", &theirs, &yours);
            let page = render(
                &state,
                &user,
                &p,
                grant,
                day,
                date,
                current.map(|r| r.version),
                &f,
                &FieldErrors::new(),
                Some(notice),
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
