//! The board's self-assessment of its QI governance (Jones et al. 2017): the organisation's
//! assessments, one assessment with everyone's ratings beside the evidence Gemba holds (and
//! where they disagree) and the user's own ratings form, and the assessments compared over
//! time. Everyone in the organisation reads them; admins, improvement leads and board viewers
//! rate.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    assessment_view, compare_assessments, median_label, rate_board, start_assessment, Action,
    AssessmentDraft, AssessmentError, AssessmentId, AssessmentView, Dimension, Field, Grant,
    Maturity, OrgId, RatingDraft, Submission, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::org_of;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use super::{today, Path};
use crate::AppState;

page_routes! {
    get "/orgs/{org}/board/assessments" => list, Do(Action::Read);
    post "/orgs/{org}/board/assessments" => create, Do(Action::AssessBoard);
    get "/orgs/{org}/board/assessments/compare" => compare, Do(Action::Read);
    get "/assessments/{id}" => show, Do(Action::Read);
    post "/assessments/{id}/ratings" => rate, Do(Action::AssessBoard);
}

/// The form field of each dimension's level, in the order of [`Dimension::ALL`].
const RATING_FIELDS: [&str; 8] = [
    "rating_qi_priority",
    "rating_data_for_improvement",
    "rating_familiarity_with_performance",
    "rating_staff_involvement",
    "rating_patient_involvement",
    "rating_systematic_approach",
    "rating_balance",
    "rating_board_dynamics",
];

/// The form field of each dimension's evidence note, in the order of [`Dimension::ALL`].
const NOTE_FIELDS: [&str; 8] = [
    "note_qi_priority",
    "note_data_for_improvement",
    "note_familiarity_with_performance",
    "note_staff_involvement",
    "note_patient_involvement",
    "note_systematic_approach",
    "note_balance",
    "note_board_dynamics",
];

/// A use case's refusal as a page (problems are shown on their forms, not here).
fn refused(e: AssessmentError) -> PageError {
    match e {
        AssessmentError::Access(e) => e.into(),
        AssessmentError::Invalid(problems) => PageError::BadRequest(form::problem_sentence(
            problems[0].field,
            &problems[0].problem,
        )),
        AssessmentError::Stale(_) => PageError::Stale("your ratings".to_owned()),
    }
}

/// "12 March 2026".
fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A median for people: "Established (4)", "between Developing and Established (3.5)".
fn median_text(m: f64) -> String {
    let label = median_label(m);
    let mut label = label.chars();
    let first = label.next().map(|c| c.to_uppercase().to_string());
    format!("{}{} ({m})", first.unwrap_or_default(), label.as_str())
}

#[derive(Debug, Default, Deserialize)]
struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: String,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, grant) = org_of(&state, &user, &org, Action::Read)?;
    render_list(
        &state,
        &user,
        org,
        grant,
        &StartForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    grant: Grant,
    typed: &StartForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .ok_or(PageError::NotFound)?;
    let mut found = state.store.assessments(org).await?;
    found.reverse();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Board self-assessment of QI governance" }
        p {
            "Board members rate how the board governs for quality improvement on the eight "
            "dimensions of Jones and colleagues (BMJ Quality & Safety, 2017), each from "
            "“Not yet started” to “Leading”, with their evidence. Beside each rating stands the "
            "evidence Gemba already holds; where the two disagree, the assessment says so."
        }
        p { a href={ "/orgs/" (org) "/board" } { "Back to the board measures" } }
        h2 { "Assessments" }
        @if found.is_empty() {
            p class="hint" { "No assessments yet." }
        } @else {
            ul class="card-list" {
                @for a in &found {
                    li class="card" {
                        a href={ "/assessments/" (a.id) } { (a.title) }
                        " · " (long_date(a.date))
                    }
                }
            }
            p { a href={ "/orgs/" (org) "/board/assessments/compare" } { "Compare the assessments over time" } }
        }
        @if grant.may(Action::AssessBoard) {
            h2 id="start" { "Start an assessment" }
            (form::error_summary_ordered(errors, &["title", "date"]))
            form method="post" action={ "/orgs/" (org) "/board/assessments" } novalidate {
                (csrf_field(user))
                (form::text_input("title", "Title", &typed.title, Some("For example “Board development session, March 2026”"), errors))
                (form::input_of_type("date", "date", "Date held", &typed.date, Some("For example 12/03/2026"), errors))
                button type="submit" class="button" { "Start the assessment" }
            }
        }
    };
    let title = if errors.is_empty() {
        "Board self-assessment"
    } else {
        "Error: Board self-assessment"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, grant) = org_of(&state, &user, &org, Action::AssessBoard)?;
    let draft = AssessmentDraft {
        title: Some(f.title.clone()),
        date: Some(f.date.clone()),
    };
    match start_assessment(&user.access(&state), org, &draft).await {
        Ok(made) => Ok(see_other(&format!("/assessments/{}", made.id))),
        Err(AssessmentError::Invalid(problems)) => {
            let errors = FieldErrors::from(problems);
            let page = render_list(&state, &user, org, grant, &f, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(refused(e)),
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let view = assessment_view(&user.access(&state), AssessmentId(id), today())
        .await
        .map_err(refused)?;
    let typed = Typed::from(view.own(user.user.id));
    Ok(render(&user, &view, &typed, &FieldErrors::new(), None))
}

/// What the rating form shows: each dimension's level and note (as typed or as saved), and
/// the version the save is based on.
struct Typed {
    levels: [String; 8],
    notes: [String; 8],
    version: Version,
}

impl From<Option<&Submission>> for Typed {
    fn from(s: Option<&Submission>) -> Self {
        let mut t = Typed {
            levels: Default::default(),
            notes: Default::default(),
            version: Version(0),
        };
        if let Some(s) = s {
            for r in &s.ratings {
                t.levels[r.dimension.index()] = r.level.level().to_string();
                t.notes[r.dimension.index()] = r.note.clone();
            }
            t.version = s.version;
        }
        t
    }
}

fn render(
    user: &CurrentUser,
    view: &AssessmentView,
    typed: &Typed,
    errors: &FieldErrors,
    stale: Option<&str>,
) -> Markup {
    let a = &view.assessment;
    let may_rate = view.grant.may(Action::AssessBoard);
    let raters = view
        .submissions
        .iter()
        .filter(|s| !s.ratings.is_empty())
        .count();
    let body = html! {
        span class="caption" { "Board self-assessment · " (long_date(a.date)) }
        h1 { (a.title) }
        p {
            (raters) @if raters == 1 { " board member has" } @else { " board members have" }
            " rated. For each dimension: what good looks like, the evidence Gemba holds, the "
            "median and range of the ratings, and everyone's rating with their evidence note."
        }
        p {
            a href={ "/orgs/" (a.org) "/board/assessments" } { "All assessments" }
            " · "
            a href={ "/orgs/" (a.org) "/board/assessments/compare" } { "Compare over time" }
            @if may_rate { " · " a href="#your-ratings" { "Your ratings" } }
        }
        @for r in &view.results {
            section class="dimension" aria-labelledby={ "dim-" (r.dimension.name()) } {
                h2 id={ "dim-" (r.dimension.name()) } { (r.dimension.label()) }
                p class="hint" { (r.dimension.description()) }
                p { strong { "Evidence in Gemba: " } (r.evidence) }
                @match r.median {
                    None => p { "Not rated yet." },
                    Some(m) => p {
                        strong { "Median: " } (median_text(m))
                        @if let Some((lo, hi)) = r.range {
                            @if lo != hi {
                                ". Range: " (lo.label()) " to " (hi.label())
                            }
                        }
                        "."
                    },
                }
                @if let Some(d) = &r.disagreement {
                    div class="disagreement" {
                        p { strong { "The rating and the evidence disagree. " } (d) "." }
                    }
                }
                @if !r.ratings.is_empty() {
                    div class="table-wrap" {
                        table class="table" {
                            caption class="visually-hidden" { "Ratings of " (r.dimension.label()) }
                            thead { tr {
                                th scope="col" { "Board member" }
                                th scope="col" { "Rating" }
                                th scope="col" { "Evidence note" }
                            } }
                            tbody {
                                @for (who, rating) in &r.ratings {
                                    tr {
                                        td { (who.name) }
                                        td { (rating.level.label()) " (" (rating.level.level()) ")" }
                                        td { @if rating.note.is_empty() { span class="hint" { "No note" } } @else { (rating.note) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if may_rate {
            h2 id="your-ratings" { "Your ratings" }
            @if let Some(message) = stale {
                div class="error-summary" role="alert" tabindex="-1" {
                    h2 class="error-summary__title" { "Your ratings changed meanwhile" }
                    p { (message) }
                }
            }
            (form::error_summary_ordered(errors, &order()))
            p { "Choose a level for each dimension you can judge, and say why. A dimension left at “Not rated” is left out; you can change your ratings later." }
            form method="post" action={ "/assessments/" (a.id) "/ratings" } novalidate {
                (csrf_field(user))
                input type="hidden" name="version" value=(typed.version.0);
                @for d in Dimension::ALL {
                    (rating_fieldset(d, typed, errors))
                }
                button type="submit" class="button" { "Save your ratings" }
            }
        }
    };
    let title = if errors.is_empty() && stale.is_none() {
        a.title.clone()
    } else {
        format!("Error: {}", a.title)
    };
    layout::page(&title, Some(user), body)
}

/// The form's fields in order, for the error summary.
fn order() -> Vec<&'static str> {
    RATING_FIELDS
        .iter()
        .zip(NOTE_FIELDS.iter())
        .flat_map(|(r, n)| [*r, *n])
        .collect()
}

/// One dimension's radio group (Not rated and the five levels) in a fieldset, and its note.
fn rating_fieldset(d: Dimension, typed: &Typed, errors: &FieldErrors) -> Markup {
    let i = d.index();
    let name = RATING_FIELDS[i];
    let error = errors.get(name);
    let chosen = typed.levels[i].as_str();
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    html! {
        div class={ "form-group" @if error.is_some() { " form-group--error" } } {
            fieldset class="fieldset" id=(name) aria-describedby=(described) {
                legend class="fieldset__legend" { (d.label()) }
                div class="hint" id=(hint_id) { (d.description()) }
                @if let Some(e) = error {
                    p class="error-message" id=(error_id) {
                        span class="visually-hidden" { "Error: " } (e)
                    }
                }
                div class="radios" {
                    div class="radio" {
                        input class="radio__input" type="radio" id={ (name) "-0" } name=(name) value="" checked[chosen.is_empty()];
                        label class="label radio__label" for={ (name) "-0" } { "Not rated" }
                    }
                    @for m in Maturity::ALL {
                        div class="radio" {
                            input class="radio__input" type="radio" id={ (name) "-" (m.level()) } name=(name)
                                value=(m.level()) checked[chosen == m.level().to_string()];
                            label class="label radio__label" for={ (name) "-" (m.level()) } {
                                (m.level()) " " (m.label())
                            }
                        }
                    }
                }
            }
            (form::textarea(NOTE_FIELDS[i], &format!("Your evidence for {}", d.label().to_lowercase()), &typed.notes[i], Some("Up to 2,000 characters."), errors))
        }
    }
}

async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let value = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&value("csrf"))?;
    let id = AssessmentId(id);
    let access = user.access(&state);
    // Access first, so that another organisation's id is "not found" whatever was sent.
    access.assessment(id, Action::AssessBoard).await?;
    let version = match value("version").trim() {
        "" => None,
        v => Some(Version(v.parse::<i64>().map_err(|_| {
            PageError::BadRequest("The form's version is not a number.".into())
        })?)),
    };
    let mut typed = Typed {
        levels: Default::default(),
        notes: Default::default(),
        version: version.unwrap_or(Version(0)),
    };
    // A draft per dimension the user rated or wrote about, remembering which.
    let mut drafts = Vec::new();
    let mut of_draft = Vec::new();
    for d in Dimension::ALL {
        let i = d.index();
        typed.levels[i] = value(RATING_FIELDS[i]).trim().to_owned();
        typed.notes[i] = value(NOTE_FIELDS[i]);
        if typed.levels[i].is_empty() && typed.notes[i].trim().is_empty() {
            continue;
        }
        drafts.push(RatingDraft {
            dimension: Some(d.name().to_owned()),
            level: Some(typed.levels[i].clone()),
            note: Some(typed.notes[i].clone()),
        });
        of_draft.push(d);
    }
    let outcome = rate_board(&access, id, &drafts, version).await;
    let (errors, stale, status) = match outcome {
        Ok(_) => return Ok(see_other(&format!("/assessments/{id}#your-ratings"))),
        Err(AssessmentError::Invalid(problems)) => {
            let mut errors = FieldErrors::new();
            for p in problems {
                let Some(d) = p.index.and_then(|i| of_draft.get(i)) else {
                    continue;
                };
                let (name, sentence) = match p.field {
                    Field::Rating => (
                        RATING_FIELDS[d.index()],
                        format!("Choose a level for {}", d.label().to_lowercase()),
                    ),
                    _ => (
                        NOTE_FIELDS[d.index()],
                        format!(
                            "Your evidence for {} {}",
                            d.label().to_lowercase(),
                            p.problem
                        ),
                    ),
                };
                errors.insert(name, sentence);
            }
            (errors, None, StatusCode::BAD_REQUEST)
        }
        Err(AssessmentError::Stale(now)) => {
            typed.version = now.map_or(Version(0), |s| s.version);
            (
                FieldErrors::new(),
                Some(
                    "You saved ratings in this assessment from another window since you opened \
                     this page; they are shown above. Your form is kept below: save it again to \
                     replace them.",
                ),
                StatusCode::CONFLICT,
            )
        }
        Err(e) => return Err(refused(e)),
    };
    let view = assessment_view(&access, id, today())
        .await
        .map_err(refused)?;
    Ok((status, render(&user, &view, &typed, &errors, stale)).into_response())
}

async fn compare(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let found = compare_assessments(&user.access(&state), org)
        .await
        .map_err(refused)?;
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let changes: Vec<String> = found
        .rows
        .iter()
        .filter_map(|(d, medians)| {
            let rated: Vec<(usize, f64)> = medians
                .iter()
                .enumerate()
                .filter_map(|(i, m)| m.map(|m| (i, m)))
                .collect();
            let (first, last) = (rated.first()?, rated.last()?);
            if rated.len() < 2 {
                return None;
            }
            let how = if last.1 > first.1 {
                "rose"
            } else if last.1 < first.1 {
                "fell"
            } else {
                "stayed"
            };
            Some(format!(
                "{}: {how} from {} in “{}” to {} in “{}”.",
                d.label(),
                median_text(first.1),
                found.assessments[first.0].title,
                median_text(last.1),
                found.assessments[last.0].title
            ))
        })
        .collect();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Board self-assessments compared" }
        p { "The median rating of each dimension in each assessment, oldest first. 1 is Not yet started, 2 Emerging, 3 Developing, 4 Established, 5 Leading; a half is halfway between two levels." }
        p { a href={ "/orgs/" (org) "/board/assessments" } { "All assessments" } }
        @if found.assessments.is_empty() {
            p class="hint" { "No assessments yet." }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption { "Median rating by dimension and assessment" }
                    thead { tr {
                        th scope="col" { "Dimension" }
                        @for a in &found.assessments {
                            th scope="col" { a href={ "/assessments/" (a.id) } { (a.title) } br; span class="hint" { (long_date(a.date)) } }
                        }
                    } }
                    tbody {
                        @for (d, medians) in &found.rows {
                            tr {
                                th scope="row" { (d.label()) }
                                @for m in medians {
                                    td { @match m { Some(m) => (median_text(*m)), None => span class="hint" { "Not rated" } } }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "What changed" }
            @if changes.is_empty() {
                p { "No dimension has been rated in two assessments yet." }
            } @else {
                ul { @for c in &changes { li { (c) } } }
            }
        }
    };
    Ok(layout::page(
        "Board self-assessments compared",
        Some(&user),
        body,
    ))
}
