//! A project's progress on its page: the score on IHI's 0.5–5.0 scale derived from the record
//! with a tick for each step the record shows, the lead's override (with why, who and when) and
//! the form to set or clear it, a notice when the work has stalled or data are overdue, and the
//! quality of its PDSA method (Taylor et al. 2014). The use cases are the domain's
//! ([`gemba_domain::project_progress`], [`gemba_domain::set_progress_override`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    project_progress, set_progress_override, Action, Grant, OverrideDraft, ProgressError,
    ProjectId, ProjectProgress, Score, StoreError,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use super::{conflict, load_project, today, Path};
use crate::AppState;

page_routes! {
    post "/projects/{id}/progress" => assess, Do(Action::AssessProgress);
}

/// The override form as sent: set (score and reason) or clear.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OverrideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    reason: String,
    /// Present when the "Clear" button was pressed.
    #[serde(default)]
    clear: Option<String>,
}

/// "2.5".
fn score(s: f32) -> String {
    format!("{s:.1}")
}

/// The "Progress" section of the project page. `form` and `errors` refill the override form
/// after a refused save; `clash` is the notice of a save over someone else's.
pub(crate) fn section(
    user: &CurrentUser,
    p: &ProjectProgress,
    grant: Grant,
    form: Option<&OverrideForm>,
    errors: &FieldErrors,
    clash: Option<Markup>,
) -> Markup {
    let shown = p
        .assessed
        .as_ref()
        .map_or(p.derived.score, |o| o.score.value());
    let id = p.project;
    let options: Vec<(String, String)> = std::iter::once((String::new(), "Choose a score".into()))
        .chain(Score::all().map(|s| (s.to_string(), s.to_string())))
        .collect();
    let options: Vec<(&str, &str)> = options
        .iter()
        .map(|(v, t)| (v.as_str(), t.as_str()))
        .collect();
    let chosen = form.map_or_else(
        || {
            p.assessed
                .as_ref()
                .map(|o| o.score.to_string())
                .unwrap_or_default()
        },
        |f| f.score.trim().to_owned(),
    );
    let reason = form.map_or_else(
        || {
            p.assessed
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default()
        },
        |f| f.reason.clone(),
    );
    html! {
        section class="progress" aria-labelledby="progress-title" {
            h2 id="progress-title" { "Progress" }
            p class="progress__score" {
                "Progress score: " strong { (score(shown)) " out of 5.0" }
                @if p.assessed.is_some() {
                    " (set by the project's lead; " (score(p.derived.score)) " derived from the record)"
                } @else {
                    " (derived from the record)"
                }
            }
            @if let Some(o) = &p.assessed {
                p class="hint" {
                    "Set by " (o.who) " on " (o.at.format("%-d %b %Y")) ": “" (o.reason) "”"
                }
            }
            @if p.stalled {
                div class="notice notice--warning" role="status" {
                    p {
                        strong { "Stalled: " }
                        "no new data and no PDSA cycle started for more than " (p.stall_weeks) " weeks"
                        @if let Some(d) = p.last_activity { " (last activity " (d.format("%-d %b %Y")) ")" }
                        "."
                    }
                }
            }
            @if !p.overdue.is_empty() {
                p {
                    strong class="tag tag--overdue" { "Data overdue" }
                    " " (p.overdue.join(", "))
                }
            }
            h3 { "What the record shows" }
            p class="hint" {
                "IHI's progress scale, from 0.5 (intent) to 5.0. The derived score is the highest step "
                "reached without a gap from the bottom."
            }
            ol class="ladder" {
                @for (step, met) in &p.derived.steps {
                    li class={ "ladder__step" @if *met { " ladder__step--met" } } {
                        span class="ladder__score" { (score(step.score())) }
                        " " (step.label()) " "
                        @if *met {
                            strong class="tag tag--implementing" { "Shown" }
                        } @else {
                            span class="tag tag--plain" { "Not yet" }
                        }
                    }
                }
            }
            h3 { "PDSA method quality" }
            @if p.method.cycles == 0 {
                p { "No PDSA cycles yet." }
            } @else {
                div class="table-wrap" {
                    table class="table" {
                        caption class="visually-hidden" { "PDSA method quality" }
                        thead { tr { th scope="col" { "Feature (Taylor et al. 2014)" } th scope="col" { "Cycles" } th scope="col" { "Share" } } }
                        tbody {
                            @for (_, label, n, pct) in p.method.rows() {
                                tr { th scope="row" { (label) } td { (n) " of " (p.method.cycles) } td { (pct) "%" } }
                            }
                        }
                    }
                }
            }
            @if grant.may(Action::AssessProgress) {
                h3 id="assess" { "Set the progress score" }
                @if let Some(clash) = clash { (clash) }
                (form::error_summary_ordered(errors, &["score", "reason"]))
                p class="hint" { "Use this when the record does not tell the whole story. Both scores are kept and shown." }
                form method="post" action={ "/projects/" (id) "/progress" } novalidate {
                    (csrf_field(user))
                    (conflict::version_field(p.version))
                    (form::select("score", "Progress score", &options, &chosen, errors))
                    (form::textarea("reason", "Reason", &reason, Some("Why the derived score is not the right one."), errors))
                    div class="button-group" {
                        button type="submit" class="button" { "Save score" }
                        @if p.assessed.is_some() {
                            button type="submit" class="button button--secondary" name="clear" value="1" { "Clear the override" }
                        }
                    }
                }
            }
        }
    }
}

async fn assess(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<OverrideForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (project, grant) =
        load_project(&state, &user, ProjectId(id), Action::AssessProgress).await?;
    let access = user.access(&state);
    let draft = OverrideDraft {
        score: f.score.clone(),
        reason: f.reason.clone(),
    };
    let draft = f.clear.is_none().then_some(&draft);
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    match set_progress_override(&access, project.id, draft, expected).await {
        Ok(_) => Ok(see_other(&format!(
            "/projects/{}#progress-title",
            project.id
        ))),
        Err(ProgressError::Invalid(problems)) => {
            let p = project_progress(&access, project.id, today()).await?;
            let errors = FieldErrors::from(problems);
            let body = section(&user, &p, grant, Some(&f), &errors, None);
            Ok((
                StatusCode::BAD_REQUEST,
                page(&user, &project.title, id, body, true),
            )
                .into_response())
        }
        Err(ProgressError::Access(gemba_domain::AccessError::Store(StoreError::Stale(_)))) => {
            let p = project_progress(&access, project.id, today()).await?;
            let clash = html! {
                div class="error-summary conflict" role="alert" tabindex="-1" {
                    h2 class="error-summary__title" { "Someone else changed this project while you were on its page" }
                    p {
                        "Your score has not been saved yet. The section below shows the progress as it is now, "
                        "with what you chose still in the form: save again to replace it."
                    }
                }
            };
            let body = section(&user, &p, grant, Some(&f), &FieldErrors::new(), Some(clash));
            Ok((
                StatusCode::CONFLICT,
                page(&user, &project.title, id, body, false),
            )
                .into_response())
        }
        Err(ProgressError::Access(e)) => Err(e.into()),
    }
}

/// The progress section on a page of its own, after a refused save.
fn page(user: &CurrentUser, title: &str, id: i64, body: Markup, error: bool) -> Markup {
    let heading = format!("Progress of {title}");
    let page_title = if error {
        format!("Error: {heading}")
    } else {
        format!("Changed by someone else: {heading}")
    };
    layout::page(
        &page_title,
        Some(user),
        html! {
            a class="back-link" href={ "/projects/" (id) } { "Back to the project" }
            h1 { (heading) }
            (body)
        },
    )
}
