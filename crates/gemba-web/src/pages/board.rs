//! The board's measures: an organisation's own measures and the project measures it reports to
//! its board, by report section, each with its executive owner and what its chart says now.
//! Everyone in the organisation reads them; improvement leads and admins choose them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::pages::Path;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    move_on_board, place_on_board, set_report_sections, take_off_board, Action, BoardError,
    BoardMeasure, BoardPlaceDraft, Cadence, Grant, MeasureId, OrgId, ProjectId, ReportPeriod,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::dashboard::{measure_list, measure_summaries, MeasureSummary};
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use super::today;
use crate::board_report::{board_report, ReportSpec};
use crate::AppState;

page_routes! {
    get "/board" => board_home, Own;
    get "/orgs/{org}/board" => board, Do(Action::Read);
    post "/orgs/{org}/board/sections" => set_sections, Do(Action::ManageBoard);
    get "/orgs/{org}/measures/new" => new_measure, Do(Action::DefineMeasure);
    post "/measures/{id}/board" => place, Do(Action::ManageBoard);
    post "/measures/{id}/board/remove" => remove, Do(Action::ManageBoard);
    post "/measures/{id}/board/move" => move_measure, Do(Action::ManageBoard);
    get "/orgs/{org}/board/report" => report_page, Do(Action::Read);
    get "/orgs/{org}/board/report.pdf" => report_pdf, Do(Action::Read);
}

#[derive(Debug, Default, Deserialize)]
struct ReportQuery {
    #[serde(default)]
    period: String,
    /// `concern`: each section's concern and failing-target measures first.
    #[serde(default)]
    order: String,
}

/// The report's period from the query: none for the latest month, 400 for one that is neither
/// `YYYY-MM` nor `YYYY-Qn`.
pub(crate) fn report_period(period: &str) -> Result<Option<ReportPeriod>, PageError> {
    match period.trim() {
        "" => Ok(None),
        p => ReportPeriod::parse(p).map(Some).ok_or_else(|| {
            PageError::BadRequest(
                "Choose the report's month, like 2025-03, or quarter, like 2025-Q1.".into(),
            )
        }),
    }
}

/// The whole board's report as `q` asks: every section, as of the period chosen.
async fn whole_board(
    state: &AppState,
    org: OrgId,
    q: &ReportQuery,
) -> Result<gemba_report::Report, PageError> {
    let period = report_period(&q.period)?;
    let spec = ReportSpec {
        period,
        cadence: period.map_or(Cadence::Month, ReportPeriod::cadence),
        concern_first: q.order == "concern",
        ..ReportSpec::default()
    };
    let (report, _) = board_report(state.store.as_ref(), org, &spec, crate::pages::today()).await?;
    Ok(report)
}

/// The board report as one page (the same document as the PDF), as of the period chosen.
async fn report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let report = whole_board(&state, org, &q).await?;
    html_response(report).await
}

/// The board report as a PDF (vector charts, selectable text, numbered pages, bookmarks).
async fn report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let report = whole_board(&state, org, &q).await?;
    pdf_response(report).await
}

/// A report rendered as its own page (off the async threads).
pub(crate) async fn html_response(report: gemba_report::Report) -> Result<Response, PageError> {
    let html = tokio::task::spawn_blocking(move || gemba_report::html(&report))
        .await
        .map_err(|e| PageError::Internal(format!("the report task failed: {e}")))?;
    Ok(maud::PreEscaped(html).into_response())
}

/// A report rendered as a PDF download named after its period (off the async threads).
pub(crate) async fn pdf_response(report: gemba_report::Report) -> Result<Response, PageError> {
    let file = format!("board-report-{}.pdf", file_part(&report.period));
    let pdf = tokio::task::spawn_blocking(move || gemba_report::pdf(&report))
        .await
        .map_err(|e| PageError::Internal(format!("the report task failed: {e}")))?
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(pdf_download(&file, pdf))
}

/// PDF bytes as a download called `file`.
pub(crate) fn pdf_download(file: &str, pdf: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// A period for a file name ("march-2025", "january-to-march-2026").
pub(crate) fn file_part(period: &str) -> String {
    period
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// `/board`: the board measures of the user's organisation (a list when they have several).
async fn board_home(user: CurrentUser) -> Result<Response, PageError> {
    match user.memberships.as_slice() {
        [only] => Ok(see_other(&format!("/orgs/{}/board", only.org.id))),
        many => {
            let body = html! {
                h1 { "Board measures" }
                ul class="card-list" {
                    @for m in many {
                        li class="card" { a href={ "/orgs/" (m.org.id) "/board" } { (m.org.name) } }
                    }
                }
            };
            Ok(layout::page("Board measures", Some(&user), body).into_response())
        }
    }
}

/// The organisation of the path for `action`: 404 when the user has no role there (or the id is
/// not a number), 403 when their role may not.
pub(crate) fn org_of(
    state: &AppState,
    user: &CurrentUser,
    org: &str,
    action: Action,
) -> Result<(OrgId, Grant), PageError> {
    let id = org
        .parse::<i64>()
        .map(OrgId)
        .map_err(|_| PageError::NotFound)?;
    Ok(user.access(state).org(id, action)?.into_parts())
}

/// The summaries of the board's measures, by measure, through each project's cached summaries.
async fn summaries_of(
    state: &AppState,
    board: &[BoardMeasure],
) -> Result<HashMap<MeasureId, Arc<Vec<MeasureSummary>>>, PageError> {
    let mut by_project: HashMap<ProjectId, Arc<Vec<MeasureSummary>>> = HashMap::new();
    let mut out = HashMap::new();
    for b in board {
        let project = b.measure.project;
        let summaries = match by_project.entry(project) {
            std::collections::hash_map::Entry::Occupied(e) => Arc::clone(e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                let p = state
                    .store
                    .project(project)
                    .await?
                    .ok_or(PageError::NotFound)?;
                Arc::clone(e.insert(measure_summaries(state, &p).await?))
            }
        };
        out.insert(b.measure.id, summaries);
    }
    Ok(out)
}

async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    render(&state, &user, org, grant, None, &FieldErrors::new()).await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    grant: Grant,
    typed_sections: Option<&str>,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let store = state.store.as_ref();
    let name = store
        .org(org)
        .await?
        .map(|o| o.name)
        .ok_or(PageError::NotFound)?;
    let sections = store.report_sections(org).await?;
    let board = store.board_measures(org).await?;
    let summaries = summaries_of(state, &board).await?;
    let manage = grant.may(Action::ManageBoard);
    let sections_text = typed_sections
        .map(str::to_owned)
        .unwrap_or_else(|| sections.join("\n"));
    let today = today();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Board measures" }
        p {
            "The measures this organisation reports to its board, by section of the report, with "
            "their executive owners and what their charts say now."
        }
        p {
            a href={ "/orgs/" (org) "/board/assessments" } { "Board self-assessment of QI governance" }
            ": how the board rates its own governance for quality improvement, beside the evidence."
        }
        h2 { "The board report" }
        form method="get" action={ "/orgs/" (org) "/board/report" } class="inline-form" {
            (form::text_input("period", "Month or quarter of the report", "", Some("Like 2025-03 or 2025-Q1. Leave empty for the latest month with data."), &FieldErrors::new()))
            div class="checkboxes" {
                div class="checkbox" {
                    input class="checkbox__input" type="checkbox" id="order" name="order" value="concern";
                    label class="label checkbox__label" for="order" { "Concern and failing measures first in each section" }
                }
            }
            button type="submit" class="button button--secondary" { "Open the report" }
            " "
            button type="submit" class="button button--secondary" formaction={ "/orgs/" (org) "/board/report.pdf" } { "Download the PDF" }
        }
        p { a href={ "/orgs/" (org) "/reports" } { "Saved board reports: narratives, publishing and published reports" } }
        @if grant.may(Action::DefineMeasure) {
            p { a class="button button--secondary" href={ "/orgs/" (org) "/measures/new" } { "Add an organisation measure" } }
        }
        @for section in &sections {
            @let here: Vec<&BoardMeasure> = board.iter().filter(|b| &b.section == section).collect();
            h2 { (section) }
            @if here.is_empty() {
                p class="hint" { "No measures in this section yet." }
            } @else {
                @for b in &here {
                    @let summary: Vec<MeasureSummary> = summaries
                        .get(&b.measure.id)
                        .and_then(|all| all.iter().find(|s| s.measure.id == b.measure.id))
                        .map(|s| vec![s.clone()])
                        .unwrap_or_default();
                    div class="board-measure" {
                        (measure_list(&summary, today))
                        p class="hint" {
                            "Executive owner: "
                            (b.owner.as_ref().map_or("not named", |o| o.name.as_str()))
                            @if !b.organisation_measure { " · a project measure" }
                        }
                        @if manage && here.len() > 1 {
                            form method="post" action={ "/measures/" (b.measure.id) "/board/move" } class="inline-form board-move" {
                                (csrf_field(user))
                                button type="submit" name="direction" value="up" class="button button--secondary button--small" {
                                    "Move up" span class="visually-hidden" { ": " (b.measure.name) }
                                }
                                " "
                                button type="submit" name="direction" value="down" class="button button--secondary button--small" {
                                    "Move down" span class="visually-hidden" { ": " (b.measure.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            h2 id="sections" { "Sections of the report" }
            (form::error_summary(errors))
            form method="post" action={ "/orgs/" (org) "/board/sections" } novalidate {
                (csrf_field(user))
                (form::textarea("sections", "Sections, one per line, in order", &sections_text,
                    Some("The CQC's key questions by default. A section that still has measures cannot be left out."), errors))
                button type="submit" class="button" { "Save sections" }
            }
        }
    };
    let title = if errors.is_empty() {
        "Board measures"
    } else {
        "Error: Board measures"
    };
    Ok(layout::page(title, Some(user), body))
}

#[derive(Debug, Default, Deserialize)]
struct SectionsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    sections: String,
}

async fn set_sections(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<SectionsForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, grant) = org_of(&state, &user, &org, Action::ManageBoard)?;
    let lines: Vec<String> = f.sections.lines().map(str::to_owned).collect();
    let message = match set_report_sections(&user.access(&state), org, &lines).await {
        Ok(_) => return Ok(see_other(&format!("/orgs/{org}/board#sections"))),
        Err(BoardError::Refused(why)) => super::error::sentence(&why),
        Err(BoardError::Invalid(problems)) => {
            form::problem_sentence(problems[0].field, &problems[0].problem)
        }
        Err(BoardError::Access(e)) => return Err(e.into()),
    };
    let mut errors = FieldErrors::new();
    errors.insert("sections", message);
    let page = render(&state, &user, org, grant, Some(&f.sections), &errors).await?;
    Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
}

/// Adds an organisation measure: the measure form of the organisation's own measures.
async fn new_measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::DefineMeasure)?;
    let home = state.store.organisation_measures(org, user.user.id).await?;
    Ok(see_other(&format!("/projects/{home}/measures/new")))
}

#[derive(Debug, Default, Deserialize)]
struct PlaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    owner: String,
}

/// Puts a measure on the board report, or moves it to another section or owner.
async fn place(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PlaceForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let draft = BoardPlaceDraft {
        section: Some(f.section.clone()),
        owner: match f.owner.trim() {
            "" => None,
            o => Some(o.parse::<i64>().map_err(|_| {
                PageError::BadRequest("Choose the executive owner from the list.".into())
            })?),
        },
    };
    let id = MeasureId(id);
    match place_on_board(&user.access(&state), id, &draft).await {
        Ok(_) => Ok(see_other(&format!("/measures/{id}#board"))),
        Err(e) => Err(board_error(e)),
    }
}

/// A board use case's refusal as a page: access as always, problems and rules as a sentence.
pub(crate) fn board_error(e: BoardError) -> PageError {
    match e {
        BoardError::Access(e) => e.into(),
        BoardError::Invalid(problems) => PageError::BadRequest(form::problem_sentence(
            problems[0].field,
            &problems[0].problem,
        )),
        BoardError::Refused(why) => PageError::BadRequest(super::error::sentence(&why)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    direction: String,
}

/// Moves a measure one place up or down within its section: the order of the reports.
async fn move_measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let earlier = match f.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(PageError::BadRequest("Choose Move up or Move down.".into())),
    };
    let id = MeasureId(id);
    let org = user
        .access(&state)
        .resource(gemba_domain::Resource::Measure(id), Action::ManageBoard)
        .await?
        .grant()
        .org();
    move_on_board(&user.access(&state), id, earlier)
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/orgs/{org}/board")))
}

/// Takes a measure off the board report (it stays a measure, with its data).
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<super::projects::CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = MeasureId(id);
    take_off_board(&user.access(&state), id)
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/measures/{id}#board")))
}

/// The "Board report" part of a measure's page: where it sits on the board report, and for
/// improvement leads and admins a form to put it there, move it or take it off.
pub(crate) async fn measure_section(
    state: &AppState,
    user: &CurrentUser,
    measure: MeasureId,
    org: OrgId,
    grant: Grant,
) -> Result<Markup, PageError> {
    let place = state.store.board_place(measure).await?;
    let manage = grant.may(Action::ManageBoard);
    if place.is_none() && !manage {
        return Ok(html! {});
    }
    let sections = state.store.report_sections(org).await?;
    let people = state.store.org_members(org).await?;
    let owner_name = place
        .as_ref()
        .and_then(|p| p.owner)
        .and_then(|o| people.iter().find(|(u, _)| u.id == o))
        .map(|(u, _)| u.name.clone());
    let section_options: Vec<(&str, &str)> = std::iter::once(("", "Choose a section"))
        .chain(sections.iter().map(|s| (s.as_str(), s.as_str())))
        .collect();
    let ids: Vec<String> = people.iter().map(|(u, _)| u.id.to_string()).collect();
    let owner_options: Vec<(&str, &str)> = std::iter::once(("", "No one named"))
        .chain(
            people
                .iter()
                .zip(&ids)
                .map(|((u, _), id)| (id.as_str(), u.name.as_str())),
        )
        .collect();
    let chosen_section = place.as_ref().map_or("", |p| p.section.as_str());
    let chosen_owner = place
        .as_ref()
        .and_then(|p| p.owner)
        .map(|o| o.to_string())
        .unwrap_or_default();
    let none = FieldErrors::new();
    Ok(html! {
        h2 id="board" { "Board report" }
        @match &place {
            Some(p) => p {
                "On the " a href={ "/orgs/" (org) "/board" } { "board measures" } ", in the section "
                strong { (p.section) } ", executive owner: " (owner_name.as_deref().unwrap_or("not named")) "."
            },
            None => p { "Not on the board report." },
        }
        @if manage {
            form method="post" action={ "/measures/" (measure) "/board" } novalidate {
                (csrf_field(user))
                (form::select("section", "Report section", &section_options, chosen_section, &none))
                (form::select("owner", "Executive owner", &owner_options, &chosen_owner, &none))
                button type="submit" class="button button--secondary" {
                    @if place.is_some() { "Save place on the board report" } @else { "Put on the board report" }
                }
            }
            @if place.is_some() {
                form method="post" action={ "/measures/" (measure) "/board/remove" } {
                    (csrf_field(user))
                    button type="submit" class="button button--warning" { "Take off the board report" }
                }
            }
        }
    })
}
