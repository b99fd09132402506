//! Improvement training (issue 13 §2): an organisation's courses and sessions, asking for a
//! place (or a place on the waiting list) and giving it up, and — for improvement leads and
//! admins — adding courses and sessions, recording attendance and completion, and seeing anyone's
//! training record. Everyone sees their own record on `/account/training`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    add_course, add_training_session, cancel_place, course, courses_of, edit_course,
    edit_training_session, record_attendance, request_place, session_places, training_record,
    training_session, training_sessions_of, waiting_position, Action, Attendance, AttendanceDraft,
    BoardError, CourseDraft, CourseId, Level, OrgId, Place, PlaceState, TrainingRecord,
    TrainingSession, TrainingSessionDraft, TrainingSessionId, UserId, Version,
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
    get "/training" => training_home, Own;
    get "/orgs/{org}/training" => training_page, Do(Action::Read);
    post "/orgs/{org}/training/courses" => create_course, Do(Action::RunTraining);
    get "/courses/{id}" => course_page, Do(Action::Read);
    post "/courses/{id}" => update_course, Do(Action::RunTraining);
    post "/courses/{id}/sessions" => create_session, Do(Action::RunTraining);
    get "/sessions/{id}" => session_page, Do(Action::Read);
    post "/sessions/{id}" => update_session, Do(Action::RunTraining);
    post "/sessions/{id}/request" => request, Do(Action::BookTraining);
    post "/sessions/{id}/cancel" => cancel, Do(Action::BookTraining);
    post "/sessions/{id}/places/{user}" => attendance, Do(Action::RunTraining);
    get "/account/training" => my_record, Own;
    get "/orgs/{org}/people/{user}/training" => person_record, Do(Action::RunTraining);
}

/// `/training`: the training of the user's organisation (a list when they have several).
async fn training_home(user: CurrentUser) -> Result<Response, PageError> {
    match user.memberships.as_slice() {
        [only] => Ok(see_other(&format!("/orgs/{}/training", only.org.id))),
        many => {
            let body = html! {
                h1 { "Improvement training" }
                ul class="card-list" {
                    @for m in many {
                        li class="card" { a href={ "/orgs/" (m.org.id) "/training" } { (m.org.name) } }
                    }
                }
                p { a href="/account/training" { "Your training record" } }
            };
            Ok(layout::page("Improvement training", Some(&user), body).into_response())
        }
    }
}

/// What was typed into a course or session form, shown again beside its problems.
#[derive(Debug, Default, Deserialize)]
struct TrainingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    places: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    version: String,
}

impl TrainingForm {
    fn course_draft(&self) -> CourseDraft {
        CourseDraft {
            title: Some(self.title.clone()),
            level: Some(self.level.clone()),
            description: Some(self.description.clone()),
        }
    }

    fn session_draft(&self) -> TrainingSessionDraft {
        TrainingSessionDraft {
            date: Some(self.date.clone()),
            places: Some(self.places.clone()),
            venue: Some(self.venue.clone()),
        }
    }
}

fn level_options() -> Vec<(&'static str, &'static str)> {
    std::iter::once(("", "Choose a level"))
        .chain(Level::ALL.iter().map(|l| (l.name(), l.label())))
        .collect()
}

fn level_tag(l: Level) -> Markup {
    html! { strong class="tag tag--plain" { (l.label()) } }
}

/// "3 of 12 places booked · 2 waiting".
fn places_line(s: &TrainingSession) -> String {
    let mut line = format!("{} of {} places booked", s.booked, s.fields.places);
    if s.waiting > 0 {
        line.push_str(&format!(" \u{b7} {} on the waiting list", s.waiting));
    } else if s.free() > 0 {
        line.push_str(&format!(" \u{b7} {} free", s.free()));
    }
    line
}

/// The user's place on a session, in words.
fn my_place_words(mine: Option<&Place>, position: Option<usize>) -> String {
    match (mine, position) {
        (Some(p), _) if p.state == PlaceState::Booked => match (p.attendance, p.completed) {
            (_, true) => "You completed this course.".into(),
            (Some(a), false) => format!("You have a place. {}.", a.label()),
            (None, false) => "You have a place.".into(),
        },
        (Some(_), Some(n)) => format!("You are number {n} on the waiting list."),
        (Some(_), None) => "You are on the waiting list.".into(),
        (None, _) => String::new(),
    }
}

/// The form to ask for a place on `s`, or to give it up.
fn place_button(user: &CurrentUser, s: &TrainingSession, mine: Option<&Place>) -> Markup {
    html! {
        @if let Some(p) = mine {
            @if p.attendance.is_none() && !p.completed {
                form method="post" action={ "/sessions/" (s.id) "/cancel" } class="table__form" {
                    (csrf_field(user))
                    button type="submit" class="button button--secondary" {
                        @if p.state == PlaceState::Booked { "Give up my place" } @else { "Leave the waiting list" }
                    }
                }
            }
        } @else {
            form method="post" action={ "/sessions/" (s.id) "/request" } class="table__form" {
                (csrf_field(user))
                button type="submit" class="button" {
                    @if s.free() > 0 { "Ask for a place" } @else { "Join the waiting list" }
                }
            }
        }
    }
}

async fn training_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    render_training(
        &state,
        &user,
        org,
        &TrainingForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_training(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    typed: &TrainingForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let grant = access.org(org, Action::Read)?.grant();
    let courses = courses_of(&access, org).await?;
    let sessions = training_sessions_of(&access, org).await?;
    let mut mine = Vec::new();
    for s in &sessions {
        let places = session_places(&access, s.id).await?;
        let me = places.iter().find(|p| p.user.id == user.user.id).cloned();
        mine.push((s.id, me, waiting_position(&places, user.user.id)));
    }
    let mine_of = |id: TrainingSessionId| {
        mine.iter()
            .find(|(s, _, _)| *s == id)
            .map(|(_, p, n)| (p.as_ref(), *n))
            .unwrap_or((None, None))
    };
    let name = state
        .store
        .org(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let body = html! {
        span class="caption" { (name) }
        h1 { "Improvement training" }
        p { "Courses in quality improvement, from the foundations to coaching others. Ask for a place on a session: you are booked while places are free, otherwise you join the waiting list and are told when a place is yours." }
        p {
            a href="/account/training" { "Your training record" }
            " \u{b7} "
            a href={ "/orgs/" (org) "/capability" } { "Capability against the plan" }
            " \u{b7} "
            a href={ "/orgs/" (org) "/coaching" } { "Coaching" }
            " \u{b7} "
            a href={ "/orgs/" (org) "/time" } { "Protected time" }
        }
        h2 id="courses" { "Courses" }
        @if courses.is_empty() { p { "No courses yet." } }
        @for c in &courses {
            section class="card" aria-labelledby={ "course-" (c.id) } {
                h3 class="card__title" id={ "course-" (c.id) } { a href={ "/courses/" (c.id) } { (c.text.title) } }
                p { (level_tag(c.text.level)) }
                @if !c.text.description.is_empty() { p class="prose" { (c.text.description) } }
                @let upcoming: Vec<&TrainingSession> = sessions.iter().filter(|s| s.course == c.id).collect();
                @if upcoming.is_empty() {
                    p class="hint" { "No sessions yet." }
                } @else {
                    ul class="card-list" {
                        @for s in upcoming {
                            @let (me, position) = mine_of(s.id);
                            li {
                                p {
                                    a href={ "/sessions/" (s.id) } { (s.fields.date.format("%-d %B %Y")) }
                                    @if !s.fields.venue.is_empty() { ", " (s.fields.venue) }
                                }
                                p class="hint" { (places_line(s)) }
                                @let words = my_place_words(me, position);
                                @if !words.is_empty() { p { strong { (words) } } }
                                @if grant.may(Action::BookTraining) { (place_button(user, s, me)) }
                            }
                        }
                    }
                }
            }
        }
        @if grant.may(Action::RunTraining) {
            h2 id="new-course" { "Add a course" }
            (form::error_summary_ordered(errors, &["title", "level", "description"]))
            form method="post" action={ "/orgs/" (org) "/training/courses" } novalidate {
                (csrf_field(user))
                (form::text_input("title", "Title", &typed.title, None, errors))
                (form::select("level", "Level", &level_options(), &typed.level, errors))
                (form::textarea("description", "What it covers", &typed.description, Some("Optional."), errors))
                button type="submit" class="button" { "Add the course" }
            }
        }
    };
    let title = if errors.is_empty() {
        "Improvement training"
    } else {
        "Error: Improvement training"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn create_course(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<TrainingForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::RunTraining)?;
    match add_course(&user.access(&state), org, &f.course_draft()).await {
        Ok(id) => Ok(see_other(&format!("/courses/{id}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_training(&state, &user, org, &f, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

async fn course_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    render_course(&state, &user, CourseId(id), None, &FieldErrors::new()).await
}

async fn render_course(
    state: &AppState,
    user: &CurrentUser,
    id: CourseId,
    typed: Option<&TrainingForm>,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let c = course(&access, id, Action::Read).await?;
    let grant = access.org(c.org, Action::Read)?.grant();
    let sessions: Vec<TrainingSession> = training_sessions_of(&access, c.org)
        .await?
        .into_iter()
        .filter(|s| s.course == id)
        .collect();
    let blank = TrainingForm::default();
    let typed = typed.unwrap_or(&blank);
    let pick = |t: &str, current: &str| -> String {
        if errors.is_empty() {
            current.to_owned()
        } else {
            t.to_owned()
        }
    };
    let body = html! {
        span class="caption" { "Training course" }
        h1 { (c.text.title) }
        p { (level_tag(c.text.level)) }
        @if !c.text.description.is_empty() { p class="prose" { (c.text.description) } }
        h2 id="sessions" { "Sessions" }
        @if sessions.is_empty() {
            p { "No sessions yet." }
        } @else {
            div class="table-scroll" role="region" aria-label="Sessions" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { "Sessions of " (c.text.title) }
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Where" } th scope="col" { "Places" } } }
                    tbody {
                        @for s in &sessions {
                            tr {
                                td { a href={ "/sessions/" (s.id) } { (s.fields.date.format("%-d %B %Y")) } }
                                td { (s.fields.venue) }
                                td { (places_line(s)) }
                            }
                        }
                    }
                }
            }
        }
        @if grant.may(Action::RunTraining) {
            h2 id="new-session" { "Add a session" }
            (form::error_summary_ordered(errors, &["date", "places", "venue"]))
            form method="post" action={ "/courses/" (c.id) "/sessions" } novalidate {
                (csrf_field(user))
                (form::input_of_type("date", "date", "Date", &typed.date, None, errors))
                (form::input_of_type("number", "places", "Places", &typed.places, Some("1 to 500."), errors))
                (form::text_input("venue", "Where", &typed.venue, Some("Optional."), errors))
                button type="submit" class="button" { "Add the session" }
            }
            h2 id="edit" { "Change the course" }
            form method="post" action={ "/courses/" (c.id) } novalidate {
                (csrf_field(user))
                (conflict::version_field(c.version))
                (form::text_input("title", "Title", &pick(&typed.title, &c.text.title), None, errors))
                (form::select("level", "Level", &level_options(), &pick(&typed.level, c.text.level.name()), errors))
                (form::textarea("description", "What it covers", &pick(&typed.description, &c.text.description), None, errors))
                button type="submit" class="button button--secondary" { "Save the course" }
            }
        }
        p { a href={ "/orgs/" (c.org) "/training" } { "All courses" } }
    };
    let title = if errors.is_empty() {
        "Training course"
    } else {
        "Error: Training course"
    };
    Ok(layout::page(title, Some(user), body))
}

fn version_of(f: &str) -> Version {
    conflict::parse(f).unwrap_or(Version(0))
}

async fn update_course(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<TrainingForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = CourseId(id);
    match edit_course(
        &user.access(&state),
        id,
        &f.course_draft(),
        version_of(&f.version),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/courses/{id}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_course(&state, &user, id, Some(&f), &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

async fn create_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<TrainingForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = CourseId(id);
    match add_training_session(&user.access(&state), id, &f.session_draft()).await {
        Ok(s) => Ok(see_other(&format!("/sessions/{s}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_course(&state, &user, id, Some(&f), &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

async fn session_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    render_session(
        &state,
        &user,
        TrainingSessionId(id),
        None,
        &FieldErrors::new(),
    )
    .await
}

async fn render_session(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingSessionId,
    typed: Option<&TrainingForm>,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let s = training_session(&access, id, Action::Read).await?;
    let c = course(&access, s.course, Action::Read).await?;
    let grant = access.org(s.org, Action::Read)?.grant();
    let places = session_places(&access, id).await?;
    let me = places.iter().find(|p| p.user.id == user.user.id);
    let position = waiting_position(&places, user.user.id);
    let booked: Vec<&Place> = places
        .iter()
        .filter(|p| p.state == PlaceState::Booked)
        .collect();
    let waiting = gemba_domain::waiting_list(&places);
    let runs = grant.may(Action::RunTraining);
    let blank = TrainingForm::default();
    let typed = typed.unwrap_or(&blank);
    let date = s.fields.date.to_string();
    let places_now = s.fields.places.to_string();
    let pick = |t: &'_ str, current: &str| -> String {
        if errors.is_empty() {
            current.to_owned()
        } else {
            t.to_owned()
        }
    };
    let body = html! {
        span class="caption" { "Training session" }
        h1 { (c.text.title) ": " (s.fields.date.format("%-d %B %Y")) }
        dl class="summary-list" {
            div { dt { "Course" } dd { a href={ "/courses/" (c.id) } { (c.text.title) } " " (level_tag(c.text.level)) } }
            div { dt { "Date" } dd { (s.fields.date.format("%A %-d %B %Y")) } }
            @if !s.fields.venue.is_empty() { div { dt { "Where" } dd { (s.fields.venue) } } }
            div { dt { "Places" } dd { (places_line(&s)) } }
        }
        @let words = my_place_words(me, position);
        @if !words.is_empty() { p { strong { (words) } } }
        @if grant.may(Action::BookTraining) { div class="place-action" { (place_button(user, &s, me)) } }
        @if runs {
            h2 id="booked" { "Booked" }
            @if booked.is_empty() { p { "Nobody yet." } } @else {
                div class="table-scroll" role="region" aria-label="Booked places" tabindex="0" {
                    table class="table" {
                        caption class="visually-hidden" { "Booked places, with attendance and completion" }
                        thead { tr { th scope="col" { "Person" } th scope="col" { "Attendance and completion" } } }
                        tbody {
                            @for p in &booked {
                                tr {
                                    td { a href={ "/orgs/" (s.org) "/people/" (p.user.id) "/training" } { (p.user.name) } }
                                    td {
                                        form method="post" action={ "/sessions/" (s.id) "/places/" (p.user.id) } class="attendance-form" {
                                            (csrf_field(user))
                                            (conflict::version_field(p.version))
                                            @let field = format!("attendance-{}", p.user.id);
                                            label class="label" for=(field) { "Attendance" span class="visually-hidden" { " of " (p.user.name) } }
                                            select class="select" id=(field) name="attendance" {
                                                option value="" selected[p.attendance.is_none()] { "Not recorded" }
                                                @for a in Attendance::ALL {
                                                    option value=(a.name()) selected[p.attendance == Some(a)] { (a.label()) }
                                                }
                                            }
                                            div class="checkbox" {
                                                @let done = format!("completed-{}", p.user.id);
                                                input class="checkbox__input" type="checkbox" id=(done) name="completed" value="yes" checked[p.completed];
                                                label class="checkbox__label" for=(done) { "Completed the course" span class="visually-hidden" { " (" (p.user.name) ")" } }
                                            }
                                            button type="submit" class="button button--secondary" { "Save" span class="visually-hidden" { " for " (p.user.name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 id="waiting" { "Waiting list" }
            @if waiting.is_empty() { p { "Nobody is waiting." } } @else {
                ol {
                    @for p in &waiting {
                        li { (p.user.name) " (asked " (p.requested_at.format("%-d %b %Y %H:%M")) ")" }
                    }
                }
            }
            h2 id="edit" { "Change the session" }
            (form::error_summary_ordered(errors, &["date", "places", "venue", "attendance", "completed"]))
            form method="post" action={ "/sessions/" (s.id) } novalidate {
                (csrf_field(user))
                (conflict::version_field(s.version))
                (form::input_of_type("date", "date", "Date", &pick(&typed.date, &date), None, errors))
                (form::input_of_type("number", "places", "Places", &pick(&typed.places, &places_now), Some("Never fewer than are booked. Places added go to the waiting list in order."), errors))
                (form::text_input("venue", "Where", &pick(&typed.venue, &s.fields.venue), None, errors))
                button type="submit" class="button button--secondary" { "Save the session" }
            }
        }
        p { a href={ "/orgs/" (s.org) "/training" } { "All courses" } }
    };
    let title = if errors.is_empty() {
        "Training session"
    } else {
        "Error: Training session"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn update_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<TrainingForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = TrainingSessionId(id);
    match edit_training_session(
        &user.access(&state),
        id,
        &f.session_draft(),
        version_of(&f.version),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_session(&state, &user, id, Some(&f), &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    request_place(&user.access(&state), TrainingSessionId(id))
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/sessions/{id}")))
}

async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    cancel_place(&user.access(&state), TrainingSessionId(id))
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/sessions/{id}")))
}

#[derive(Debug, Default, Deserialize)]
struct AttendanceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    attendance: String,
    #[serde(default)]
    completed: String,
    #[serde(default)]
    version: String,
}

async fn attendance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, person)): Path<(i64, String)>,
    Form(f): Form<AttendanceForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = TrainingSessionId(id);
    let access = user.access(&state);
    training_session(&access, id, Action::RunTraining).await?;
    let person = UserId(person.parse::<i64>().map_err(|_| PageError::NotFound)?);
    let draft = AttendanceDraft {
        attendance: Some(f.attendance.clone()),
        completed: Some(f.completed.clone()),
    };
    match record_attendance(&access, id, person, &draft, conflict::parse(&f.version)).await {
        Ok(_) => Ok(see_other(&format!("/sessions/{id}#booked"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_session(&state, &user, id, None, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

/// A person's records, one section per organisation.
fn records(list: &[TrainingRecord], own: bool) -> Markup {
    html! {
        @for r in list {
            section aria-labelledby={ "record-" (r.org) } {
                h2 id={ "record-" (r.org) } { a href={ "/orgs/" (r.org) "/training" } { "Training at this organisation" } }
                p {
                    "Level: "
                    @match r.level {
                        Some(l) => { strong { (l.label()) } }
                        None => { "none yet" }
                    }
                }
                @if r.entries.is_empty() {
                    p { @if own { "You have not asked for a place yet." } @else { "No places asked for yet." } }
                } @else {
                    div class="table-scroll" role="region" aria-label="Training record" tabindex="0" {
                        table class="table" {
                            caption class="visually-hidden" { "Places asked for, attendance and completion" }
                            thead { tr {
                                th scope="col" { "Course" }
                                th scope="col" { "Session" }
                                th scope="col" { "Place" }
                                th scope="col" { "Attendance" }
                                th scope="col" { "Completed" }
                            } }
                            tbody {
                                @for e in &r.entries {
                                    tr {
                                        td { (e.course.text.title) " (" (e.course.text.level.label()) ")" }
                                        td { a href={ "/sessions/" (e.session.id) } { (e.session.fields.date.format("%-d %b %Y")) } }
                                        td {
                                            @match (e.place.state, e.position) {
                                                (PlaceState::Booked, _) => "Booked",
                                                (PlaceState::Waiting, Some(n)) => { "Waiting (number " (n) ")" }
                                                (PlaceState::Waiting, None) => "Waiting",
                                            }
                                        }
                                        td { (e.place.attendance.map_or("Not recorded", |a| a.label())) }
                                        td { @if e.place.completed { "Yes" } @else { "No" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn my_record(State(state): State<AppState>, user: CurrentUser) -> Result<Markup, PageError> {
    let list = match training_record(&user.access(&state), user.user.id).await {
        Ok(list) => list,
        Err(gemba_domain::AccessError::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let body = html! {
        span class="caption" { (user.user.name) }
        h1 { "Your training record" }
        p { "The places you asked for, whether you attended, the courses you completed and the level they give you." }
        @if list.is_empty() { p { "You are not a member of an organisation." } }
        (records(&list, true))
        p { a href="/training" { "Improvement training" } }
    };
    Ok(layout::page("Your training record", Some(&user), body))
}

async fn person_record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, person)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::RunTraining)?;
    let person = UserId(person.parse::<i64>().map_err(|_| PageError::NotFound)?);
    let list: Vec<TrainingRecord> = training_record(&user.access(&state), person)
        .await?
        .into_iter()
        .filter(|r| r.org == org)
        .collect();
    let Some(first) = list.first() else {
        return Err(PageError::NotFound);
    };
    let body = html! {
        span class="caption" { "Training record" }
        h1 { (first.user.name) }
        (records(&list, false))
        p { a href={ "/orgs/" (org) "/training" } { "Improvement training" } }
    };
    Ok(layout::page("Training record", Some(&user), body))
}
