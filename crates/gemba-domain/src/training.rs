//! Improvement training (issue 13 §2): an organisation's courses (a title, a level — foundation,
//! practitioner, expert / coach — and a description) and their sessions (a date, a number of
//! places and where). A person asks for a place: booked while places are free, otherwise on the
//! waiting list in the order people asked. Cancelling a booked place gives it to the first on the
//! waiting list, who is told in their notifications. Those who run training record attendance
//! and completion; completing a course gives the person its level. Each person's record lists
//! their places, attendance, completions and level.
//!
//! Who is booked and who waits is decided here ([`state_for_new`], [`promotions`]); the store
//! writes the decision only if the session is still at the version it was read at, so two people
//! asking for the last place at once cannot both get it.

use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{parse_date, prose_part, required_line, Field, FieldProblem, Problem, Problems};
use crate::idea::NewNotification;
use crate::limits;
use crate::model::{CourseId, OrgId, TrainingSessionId, User, UserId, Version};
use crate::store::StoreError;

/// The most courses an organisation may have.
pub const MAX_COURSES: usize = 200;
/// The most sessions a course may have.
pub const MAX_SESSIONS: usize = 200;
/// The most places a session may have.
pub const MAX_PLACES: u32 = 500;
/// How many times a request for a place is tried again when someone else changed the session's
/// places at the same moment.
const ATTEMPTS: usize = 5;

/// The level of improvement capability a course gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// The basics: the model for improvement, PDSA cycles, run charts.
    Foundation,
    /// Leading a project: measurement for improvement, SPC, driver diagrams.
    Practitioner,
    /// Expert or coach: coaching teams and teaching others.
    Expert,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::Foundation, Level::Practitioner, Level::Expert];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            Level::Foundation => "foundation",
            Level::Practitioner => "practitioner",
            Level::Expert => "expert",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Level::Foundation => "Foundation",
            Level::Practitioner => "Practitioner",
            Level::Expert => "Expert / coach",
        }
    }

    /// Parses [`Level::name`].
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.name() == s.trim())
    }
}

/// What a course is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseText {
    /// Its title (not blank, at most [`limits::NAME`] characters).
    pub title: String,
    /// The level it gives.
    pub level: Level,
    /// What it covers (at most [`limits::LONG_TEXT`] characters).
    pub description: String,
}

/// A training course as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    /// Its id.
    pub id: CourseId,
    /// Its organisation.
    pub org: OrgId,
    /// What it is.
    pub text: CourseText,
    /// Its version: one more after each change.
    pub version: Version,
}

/// A course as sent: absent keeps the current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CourseDraft {
    /// The title. Required.
    pub title: Option<String>,
    /// The level's name. Required.
    pub level: Option<String>,
    /// What it covers.
    pub description: Option<String>,
}

fn problem(field: Field, problem: Problem) -> FieldProblem {
    FieldProblem {
        field,
        index: None,
        problem,
    }
}

fn rule(field: Field, why: &str) -> BoardError {
    BoardError::Invalid(vec![problem(field, Problem::Rule(why.to_owned()))])
}

impl CourseDraft {
    /// The checked course over `current`: a title, one of the levels, a description.
    pub fn apply(&self, current: Option<&CourseText>) -> Result<CourseText, Problems> {
        let mut problems = Vec::new();
        let title = required_line(
            &mut problems,
            Field::Title,
            self.title.as_deref(),
            current.map(|c| c.title.as_str()),
            limits::NAME,
        );
        let level = match self.level.as_deref().map(str::trim) {
            None | Some("") => match current {
                Some(c) if self.level.is_none() => Some(c.level),
                _ => {
                    problems.push(problem(Field::Level, Problem::Missing));
                    None
                }
            },
            Some(l) => {
                let found = Level::parse(l);
                if found.is_none() {
                    problems.push(problem(
                        Field::Level,
                        Problem::NotOneOf {
                            allowed: Level::ALL.iter().map(|l| l.name()).collect(),
                        },
                    ));
                }
                found
            }
        };
        let description = prose_part(
            &mut problems,
            Field::Description,
            self.description.as_deref(),
            current.map(|c| c.description.as_str()),
            limits::LONG_TEXT,
        );
        match level {
            Some(level) if problems.is_empty() => Ok(CourseText {
                title,
                level,
                description,
            }),
            _ => Err(problems),
        }
    }
}

/// When and where a session is, and how many it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingSessionFields {
    /// The day it is held.
    pub date: NaiveDate,
    /// How many places it has (1 to [`MAX_PLACES`]).
    pub places: u32,
    /// Where it is held (at most [`limits::SHORT_TEXT`] characters; may be empty).
    pub venue: String,
}

/// A session of a course as stored, with how many are booked and waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSession {
    /// Its id.
    pub id: TrainingSessionId,
    /// Its course.
    pub course: CourseId,
    /// The course's organisation.
    pub org: OrgId,
    /// When, where, how many places.
    pub fields: TrainingSessionFields,
    /// How many places are booked.
    pub booked: u32,
    /// How many people are on the waiting list.
    pub waiting: u32,
    /// Its version: one more after each change to it or to its places.
    pub version: Version,
}

impl TrainingSession {
    /// The places still free.
    pub fn free(&self) -> u32 {
        self.fields.places.saturating_sub(self.booked)
    }
}

/// A session as sent: absent keeps the current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingSessionDraft {
    /// The date (`2026-03-04`). Required.
    pub date: Option<String>,
    /// The number of places. Required.
    pub places: Option<String>,
    /// Where.
    pub venue: Option<String>,
}

impl TrainingSessionDraft {
    /// The checked session over `current`: a date, 1 to [`MAX_PLACES`] places, where.
    pub fn apply(
        &self,
        current: Option<&TrainingSessionFields>,
    ) -> Result<TrainingSessionFields, Problems> {
        let mut problems = Vec::new();
        let date = match self.date.as_deref().map(str::trim) {
            None if current.is_some() => current.map(|c| c.date),
            None | Some("") => {
                problems.push(problem(Field::Date, Problem::Missing));
                None
            }
            Some(d) => {
                let found = parse_date(d);
                if found.is_none() {
                    problems.push(problem(
                        Field::Date,
                        Problem::NotADate {
                            given: d.to_owned(),
                        },
                    ));
                }
                found
            }
        };
        let whole = Problem::NotAWholeNumber {
            min: 1,
            max: u64::from(MAX_PLACES),
        };
        let places = match self.places.as_deref().map(str::trim) {
            None if current.is_some() => current.map(|c| c.places),
            None | Some("") => {
                problems.push(problem(Field::Places, Problem::Missing));
                None
            }
            Some(p) => match p.parse::<u32>() {
                Ok(n) if (1..=MAX_PLACES).contains(&n) => Some(n),
                _ => {
                    problems.push(problem(Field::Places, whole));
                    None
                }
            },
        };
        let venue = prose_part(
            &mut problems,
            Field::Venue,
            self.venue.as_deref(),
            current.map(|c| c.venue.as_str()),
            limits::SHORT_TEXT,
        );
        if venue.contains('\n') {
            problems.push(problem(
                Field::Venue,
                Problem::Rule("where it is held is one line".into()),
            ));
        }
        match (date, places) {
            (Some(date), Some(places)) if problems.is_empty() => Ok(TrainingSessionFields {
                date,
                places,
                venue,
            }),
            _ => Err(problems),
        }
    }
}

/// Whether a person has a place or is waiting for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceState {
    /// They have a place.
    Booked,
    /// They are on the waiting list.
    Waiting,
}

impl PlaceState {
    /// Stable name for storage and the API.
    pub fn name(self) -> &'static str {
        match self {
            PlaceState::Booked => "booked",
            PlaceState::Waiting => "waiting",
        }
    }

    /// Parses [`PlaceState::name`].
    pub fn parse(s: &str) -> Option<PlaceState> {
        [PlaceState::Booked, PlaceState::Waiting]
            .into_iter()
            .find(|x| x.name() == s)
    }
}

/// Whether someone with a booked place came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attendance {
    /// They came.
    Attended,
    /// They did not come.
    DidNotAttend,
}

impl Attendance {
    /// Both, in the order forms show them.
    pub const ALL: [Attendance; 2] = [Attendance::Attended, Attendance::DidNotAttend];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::DidNotAttend => "did_not_attend",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Attendance::Attended => "Attended",
            Attendance::DidNotAttend => "Did not attend",
        }
    }

    /// Parses [`Attendance::name`].
    pub fn parse(s: &str) -> Option<Attendance> {
        Attendance::ALL.into_iter().find(|a| a.name() == s.trim())
    }
}

/// A person's place (or place on the waiting list) on a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The session.
    pub session: TrainingSessionId,
    /// The person.
    pub user: User,
    /// Booked or waiting.
    pub state: PlaceState,
    /// The order of their request among all requests: earlier asks come first.
    pub request_no: i64,
    /// When they asked.
    pub requested_at: NaiveDateTime,
    /// Whether they came, once recorded.
    pub attendance: Option<Attendance>,
    /// Whether they completed the course.
    pub completed: bool,
    /// Its version: one more after each change of attendance or completion, or its booking.
    pub version: Version,
}

/// What a new request for a place on a session with `capacity` places gets, given its current
/// `places`: booked while fewer than `capacity` are booked, otherwise the waiting list.
pub fn state_for_new(places: &[Place], capacity: u32) -> PlaceState {
    let booked = places
        .iter()
        .filter(|p| p.state == PlaceState::Booked)
        .count();
    if booked < capacity as usize {
        PlaceState::Booked
    } else {
        PlaceState::Waiting
    }
}

/// Who on the waiting list gets a place now, given a session's `places` and `capacity`: as many
/// as there are free places, in the order they asked.
pub fn promotions(places: &[Place], capacity: u32) -> Vec<UserId> {
    let booked = places
        .iter()
        .filter(|p| p.state == PlaceState::Booked)
        .count();
    let free = (capacity as usize).saturating_sub(booked);
    waiting_list(places)
        .into_iter()
        .take(free)
        .map(|p| p.user.id)
        .collect()
}

/// The waiting list, first in line first.
pub fn waiting_list(places: &[Place]) -> Vec<&Place> {
    let mut waiting: Vec<&Place> = places
        .iter()
        .filter(|p| p.state == PlaceState::Waiting)
        .collect();
    waiting.sort_by_key(|p| p.request_no);
    waiting
}

/// `user`'s position on the waiting list (1 for the first in line), if they are on it.
pub fn waiting_position(places: &[Place], user: UserId) -> Option<usize> {
    waiting_list(places)
        .iter()
        .position(|p| p.user.id == user)
        .map(|i| i + 1)
}

/// The level `user` holds: the highest level of the courses they completed.
pub fn level_of(
    user: UserId,
    places: &[Place],
    sessions: &[TrainingSession],
    courses: &[Course],
) -> Option<Level> {
    places
        .iter()
        .filter(|p| p.user.id == user && p.completed)
        .filter_map(|p| sessions.iter().find(|s| s.id == p.session))
        .filter_map(|s| courses.iter().find(|c| c.id == s.course))
        .map(|c| c.text.level)
        .max()
}

/// Adds a course to `org` ([`Action::RunTraining`]); at most [`MAX_COURSES`].
pub async fn add_course(
    access: &Access<'_>,
    org: OrgId,
    draft: &CourseDraft,
) -> Result<CourseId, BoardError> {
    access.org(org, Action::RunTraining)?;
    let text = draft.apply(None).map_err(BoardError::Invalid)?;
    let store = access.store();
    if store.courses(org).await?.len() >= MAX_COURSES {
        return Err(BoardError::Refused(format!(
            "an organisation has at most {MAX_COURSES} courses"
        )));
    }
    Ok(store.create_course(org, &text).await?)
}

/// The courses of `org` ([`Action::Read`]), by title.
pub async fn courses_of(access: &Access<'_>, org: OrgId) -> Result<Vec<Course>, AccessError> {
    access.org(org, Action::Read)?;
    Ok(access.store().courses(org).await?)
}

/// The course `id` if the user may take `action` in its organisation.
pub async fn course(
    access: &Access<'_>,
    id: CourseId,
    action: Action,
) -> Result<Course, AccessError> {
    let found = access
        .store()
        .course(id)
        .await?
        .ok_or(AccessError::NotFound)?;
    access.org(found.org, action)?;
    Ok(found)
}

/// Changes course `id` still at `expected` ([`Action::RunTraining`]); the new version.
pub async fn edit_course(
    access: &Access<'_>,
    id: CourseId,
    draft: &CourseDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let found = course(access, id, Action::RunTraining).await?;
    let text = draft
        .apply(Some(&found.text))
        .map_err(BoardError::Invalid)?;
    Ok(access.store().update_course(id, &text, expected).await?)
}

/// Adds a session to course `id` ([`Action::RunTraining`]); at most [`MAX_SESSIONS`].
pub async fn add_training_session(
    access: &Access<'_>,
    id: CourseId,
    draft: &TrainingSessionDraft,
) -> Result<TrainingSessionId, BoardError> {
    let found = course(access, id, Action::RunTraining).await?;
    let fields = draft.apply(None).map_err(BoardError::Invalid)?;
    let store = access.store();
    let count = store
        .training_sessions(found.org)
        .await?
        .iter()
        .filter(|s| s.course == id)
        .count();
    if count >= MAX_SESSIONS {
        return Err(BoardError::Refused(format!(
            "a course has at most {MAX_SESSIONS} sessions"
        )));
    }
    Ok(store.create_training_session(id, &fields).await?)
}

/// The sessions of `org`'s courses ([`Action::Read`]), by date.
pub async fn training_sessions_of(
    access: &Access<'_>,
    org: OrgId,
) -> Result<Vec<TrainingSession>, AccessError> {
    access.org(org, Action::Read)?;
    Ok(access.store().training_sessions(org).await?)
}

/// The session `id` if the user may take `action` in its organisation.
pub async fn training_session(
    access: &Access<'_>,
    id: TrainingSessionId,
    action: Action,
) -> Result<TrainingSession, AccessError> {
    let found = access
        .store()
        .training_session(id)
        .await?
        .ok_or(AccessError::NotFound)?;
    access.org(found.org, action)?;
    Ok(found)
}

/// The places of session `id`, booked and waiting, in the order people asked: all of them for
/// those who run training ([`Action::RunTraining`]), only the user's own for anyone else who
/// may read.
pub async fn session_places(
    access: &Access<'_>,
    id: TrainingSessionId,
) -> Result<Vec<Place>, AccessError> {
    let found = training_session(access, id, Action::Read).await?;
    let mut all = access.store().places(id).await?;
    if access.org(found.org, Action::RunTraining).is_err() {
        all.retain(|p| p.user.id == access.user());
    }
    Ok(all)
}

/// The notification telling someone they now have a place.
fn promoted(user: UserId, course: &Course, session: &TrainingSession) -> NewNotification {
    NewNotification {
        user,
        text: format!(
            "A place is yours on \u{201c}{}\u{201d} on {}: you were first on the waiting list",
            course.text.title,
            session.fields.date.format("%-d %B %Y")
        ),
        link: format!("/sessions/{}", session.id),
    }
}

/// Changes session `id` still at `expected` ([`Action::RunTraining`]): never to fewer places
/// than are booked; places it adds go to the waiting list in order, and those people are told.
/// The new version.
pub async fn edit_training_session(
    access: &Access<'_>,
    id: TrainingSessionId,
    draft: &TrainingSessionDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let found = training_session(access, id, Action::RunTraining).await?;
    let fields = draft
        .apply(Some(&found.fields))
        .map_err(BoardError::Invalid)?;
    let store = access.store();
    let places = store.places(id).await?;
    let booked = places
        .iter()
        .filter(|p| p.state == PlaceState::Booked)
        .count();
    if (fields.places as usize) < booked {
        return Err(rule(
            Field::Places,
            &format!("{booked} places are booked: cancel some before offering fewer"),
        ));
    }
    let course = course(access, found.course, Action::Read).await?;
    let promote = promotions(&places, fields.places);
    let notify: Vec<NewNotification> = promote
        .iter()
        .map(|u| promoted(*u, &course, &found))
        .collect();
    Ok(store
        .update_training_session(id, &fields, expected, &promote, &notify)
        .await?)
}

/// The user asks for a place on session `id` ([`Action::BookTraining`]): booked while places are
/// free, otherwise on the waiting list. Asking again changes nothing. Their place.
pub async fn request_place(
    access: &Access<'_>,
    id: TrainingSessionId,
) -> Result<Place, BoardError> {
    training_session(access, id, Action::BookTraining).await?;
    let store = access.store();
    let me = access.user();
    for _ in 0..ATTEMPTS {
        let found = training_session(access, id, Action::BookTraining).await?;
        let places = store.places(id).await?;
        if let Some(mine) = places.iter().find(|p| p.user.id == me) {
            return Ok(mine.clone());
        }
        let state = state_for_new(&places, found.fields.places);
        match store.add_place(id, me, state, found.version).await {
            Ok(_) => {
                let places = store.places(id).await?;
                return places
                    .into_iter()
                    .find(|p| p.user.id == me)
                    .ok_or(BoardError::Access(AccessError::NotFound));
            }
            Err(StoreError::Stale(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(BoardError::Access(AccessError::Store(StoreError::Stale(
        format!("the places of the session {id}"),
    ))))
}

/// The user gives up their place (or their place on the waiting list) on session `id`
/// ([`Action::BookTraining`]). A booked place goes to the first on the waiting list, who is
/// told. Having no place is no error.
pub async fn cancel_place(access: &Access<'_>, id: TrainingSessionId) -> Result<(), BoardError> {
    training_session(access, id, Action::BookTraining).await?;
    let store = access.store();
    let me = access.user();
    for _ in 0..ATTEMPTS {
        let found = training_session(access, id, Action::BookTraining).await?;
        let places = store.places(id).await?;
        let Some(mine) = places.iter().find(|p| p.user.id == me) else {
            return Ok(());
        };
        if mine.attendance.is_some() || mine.completed {
            return Err(BoardError::Refused(
                "your attendance is recorded: the place can no longer be cancelled".into(),
            ));
        }
        let rest: Vec<Place> = places.iter().filter(|p| p.user.id != me).cloned().collect();
        let promote = promotions(&rest, found.fields.places);
        let course = course(access, found.course, Action::Read).await?;
        let notify: Vec<NewNotification> = promote
            .iter()
            .map(|u| promoted(*u, &course, &found))
            .collect();
        match store
            .remove_place(id, me, found.version, &promote, &notify)
            .await
        {
            Ok(_) => return Ok(()),
            Err(StoreError::Stale(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(BoardError::Access(AccessError::Store(StoreError::Stale(
        format!("the places of the session {id}"),
    ))))
}

/// Attendance and completion as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttendanceDraft {
    /// `attended`, `did_not_attend`, or empty for not yet recorded.
    pub attendance: Option<String>,
    /// Whether they completed the course (`true`/`yes`/`on` or `false`/`no`/empty).
    pub completed: Option<String>,
}

impl AttendanceDraft {
    /// The checked attendance and completion: completing needs attending.
    pub fn apply(&self) -> Result<(Option<Attendance>, bool), Problems> {
        let mut problems = Vec::new();
        let attendance = match self.attendance.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => {
                let found = Attendance::parse(a);
                if found.is_none() {
                    problems.push(problem(
                        Field::Attendance,
                        Problem::NotOneOf {
                            allowed: Attendance::ALL.iter().map(|a| a.name()).collect(),
                        },
                    ));
                }
                found
            }
        };
        let completed = match self.completed.as_deref().map(str::trim) {
            None | Some("" | "false" | "no" | "off") => false,
            Some("true" | "yes" | "on") => true,
            Some(_) => {
                problems.push(problem(
                    Field::Completed,
                    Problem::NotOneOf {
                        allowed: vec!["true", "false"],
                    },
                ));
                false
            }
        };
        if completed && attendance != Some(Attendance::Attended) && problems.is_empty() {
            problems.push(problem(
                Field::Completed,
                Problem::Rule("only someone who attended can complete the course".into()),
            ));
        }
        if problems.is_empty() {
            Ok((attendance, completed))
        } else {
            Err(problems)
        }
    }
}

/// Records whether `user` attended session `id` and completed its course
/// ([`Action::RunTraining`]), over their place at `expected` (any version when `None`). Only a
/// booked place is attended. The new version of the place.
pub async fn record_attendance(
    access: &Access<'_>,
    id: TrainingSessionId,
    user: UserId,
    draft: &AttendanceDraft,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    training_session(access, id, Action::RunTraining).await?;
    let (attendance, completed) = draft.apply().map_err(BoardError::Invalid)?;
    let store = access.store();
    let places = store.places(id).await?;
    let place = places
        .iter()
        .find(|p| p.user.id == user)
        .ok_or(BoardError::Access(AccessError::NotFound))?;
    if place.state != PlaceState::Booked {
        return Err(rule(
            Field::Attendance,
            "they are on the waiting list: only a booked place is attended",
        ));
    }
    Ok(store
        .record_attendance(
            id,
            user,
            attendance,
            completed,
            expected.unwrap_or(place.version),
        )
        .await?)
}

/// One of a person's places in their record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordEntry {
    /// The course.
    pub course: Course,
    /// The session.
    pub session: TrainingSession,
    /// Their place.
    pub place: Place,
    /// Their position on the waiting list, if they are on it.
    pub position: Option<usize>,
}

/// A person's training in one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRecord {
    /// The organisation.
    pub org: OrgId,
    /// The person.
    pub user: User,
    /// Their places, the latest session first.
    pub entries: Vec<RecordEntry>,
    /// The level they hold there (the highest of the courses they completed).
    pub level: Option<Level>,
}

/// `person`'s training record in each organisation where the user may see it: their own
/// everywhere they belong, anyone's in an organisation where the user runs training
/// ([`Action::RunTraining`]). Not found when the two share no organisation; refused when they
/// share one but the user may not see others' records.
pub async fn training_record(
    access: &Access<'_>,
    person: UserId,
) -> Result<Vec<TrainingRecord>, AccessError> {
    let store = access.store();
    let mut out = Vec::new();
    let mut shared = false;
    for org in access.orgs() {
        let members = store.org_members(org).await?;
        let Some((user, _)) = members.into_iter().find(|(u, _)| u.id == person) else {
            continue;
        };
        shared = true;
        if person != access.user() && access.org(org, Action::RunTraining).is_err() {
            continue;
        }
        out.push(record_in(access, org, user).await?);
    }
    match (out.is_empty(), shared) {
        (true, false) => Err(AccessError::NotFound),
        (true, true) => Err(AccessError::Denied(Action::RunTraining)),
        _ => Ok(out),
    }
}

async fn record_in(
    access: &Access<'_>,
    org: OrgId,
    user: User,
) -> Result<TrainingRecord, AccessError> {
    let store = access.store();
    let courses = store.courses(org).await?;
    let sessions = store.training_sessions(org).await?;
    let places = store.training_places(org).await?;
    let level = level_of(user.id, &places, &sessions, &courses);
    let mut entries = Vec::new();
    for p in places.iter().filter(|p| p.user.id == user.id) {
        let Some(s) = sessions.iter().find(|s| s.id == p.session) else {
            continue;
        };
        let Some(c) = courses.iter().find(|c| c.id == s.course) else {
            continue;
        };
        let in_session: Vec<Place> = places
            .iter()
            .filter(|x| x.session == s.id)
            .cloned()
            .collect();
        entries.push(RecordEntry {
            course: c.clone(),
            session: s.clone(),
            place: p.clone(),
            position: waiting_position(&in_session, user.id),
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.session.fields.date));
    Ok(TrainingRecord {
        org,
        user,
        entries,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Email;

    fn place(user: i64, state: PlaceState, request_no: i64) -> Place {
        Place {
            session: TrainingSessionId(1),
            user: User {
                id: UserId(user),
                email: Email::parse(&format!("p{user}@a.nhs.uk")).unwrap(),
                name: format!("Person {user}"),
            },
            state,
            request_no,
            requested_at: NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            attendance: None,
            completed: false,
            version: Version(1),
        }
    }

    #[test]
    fn places_are_booked_until_full_then_people_wait_in_order() {
        use PlaceState::*;
        // Two places: the first two to ask are booked, the third waits.
        let mut places = Vec::new();
        for (user, expected) in [(1, Booked), (2, Booked), (3, Waiting), (4, Waiting)] {
            let state = state_for_new(&places, 2);
            assert_eq!(state, expected, "person {user}");
            places.push(place(user, state, user * 10));
        }
        // Waiting list: 3 (asked 30th) before 4 (asked 40th), whatever the order of the rows.
        places.reverse();
        assert_eq!(waiting_position(&places, UserId(3)), Some(1));
        assert_eq!(waiting_position(&places, UserId(4)), Some(2));
        assert_eq!(waiting_position(&places, UserId(1)), None);
        // Person 1 cancels: one place is free, and it goes to person 3, first in line.
        let rest: Vec<Place> = places
            .iter()
            .filter(|p| p.user.id != UserId(1))
            .cloned()
            .collect();
        assert_eq!(promotions(&rest, 2), [UserId(3)]);
        // The session grows to 5 places with 2 booked: 3 free, but only 2 wait.
        assert_eq!(promotions(&places, 5), [UserId(3), UserId(4)]);
        // Still full: nobody moves.
        assert!(promotions(&places, 2).is_empty());
    }

    #[test]
    fn the_level_is_the_highest_completed() {
        let course = |id: i64, level: Level| Course {
            id: CourseId(id),
            org: OrgId(1),
            text: CourseText {
                title: format!("Course {id}"),
                level,
                description: String::new(),
            },
            version: Version(1),
        };
        let a_session = |id: i64, course: i64| TrainingSession {
            id: TrainingSessionId(id),
            course: CourseId(course),
            org: OrgId(1),
            fields: TrainingSessionFields {
                date: NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
                places: 10,
                venue: String::new(),
            },
            booked: 0,
            waiting: 0,
            version: Version(1),
        };
        let courses = [course(1, Level::Foundation), course(2, Level::Practitioner)];
        let sessions = [a_session(10, 1), a_session(20, 2)];
        let mut done = place(7, PlaceState::Booked, 1);
        done.session = TrainingSessionId(10);
        done.completed = true;
        let mut attended_only = place(7, PlaceState::Booked, 2);
        attended_only.session = TrainingSessionId(20);
        attended_only.attendance = Some(Attendance::Attended);
        let places = [done, attended_only];
        assert_eq!(
            level_of(UserId(7), &places, &sessions, &courses),
            Some(Level::Foundation)
        );
        assert_eq!(level_of(UserId(8), &places, &sessions, &courses), None);
    }

    #[test]
    fn drafts_check_every_field() {
        let e = CourseDraft::default().apply(None).unwrap_err();
        let fields: Vec<Field> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Title, Field::Level]);
        let ok = CourseDraft {
            title: Some(" Foundations of QI ".into()),
            level: Some("foundation".into()),
            description: None,
        }
        .apply(None)
        .unwrap();
        assert_eq!(ok.title, "Foundations of QI");
        // A change of the title alone keeps the level.
        let changed = CourseDraft {
            title: Some("QI basics".into()),
            ..CourseDraft::default()
        }
        .apply(Some(&ok))
        .unwrap();
        assert_eq!(changed.level, Level::Foundation);
        let e = CourseDraft {
            title: Some("x".into()),
            level: Some("guru".into()),
            description: Some("y".repeat(limits::LONG_TEXT + 1)),
        }
        .apply(None)
        .unwrap_err();
        let fields: Vec<Field> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Level, Field::Description]);

        let e = TrainingSessionDraft {
            date: Some("31/02/2026".into()),
            places: Some("0".into()),
            venue: Some("z".repeat(limits::SHORT_TEXT + 1)),
        }
        .apply(None)
        .unwrap_err();
        let fields: Vec<Field> = e.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Date, Field::Places, Field::Venue]);
        let s = TrainingSessionDraft {
            date: Some("2026-03-04".into()),
            places: Some("12".into()),
            venue: Some("Education centre".into()),
        }
        .apply(None)
        .unwrap();
        assert_eq!(s.places, 12);
        assert!(TrainingSessionDraft {
            places: Some("501".into()),
            ..TrainingSessionDraft::default()
        }
        .apply(Some(&s))
        .is_err());

        let a = |attendance: &str, completed: &str| AttendanceDraft {
            attendance: Some(attendance.into()),
            completed: Some(completed.into()),
        };
        assert_eq!(
            a("attended", "true").apply().unwrap(),
            (Some(Attendance::Attended), true)
        );
        assert_eq!(
            a("did_not_attend", "true").apply().unwrap_err()[0].field,
            Field::Completed
        );
        assert_eq!(a("", "").apply().unwrap(), (None, false));
        assert_eq!(
            a("late", "").apply().unwrap_err()[0].field,
            Field::Attendance
        );
    }
}
