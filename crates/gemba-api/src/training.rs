//! The JSON of improvement training: courses, sessions, places and people's records.

use chrono::NaiveDateTime;
use gemba_domain::{Course, Place, TrainingRecord, TrainingSession};
use serde::{Deserialize, Serialize};

fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A training course.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CourseJson {
    /// Id.
    pub id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its title.
    pub title: String,
    /// `foundation`, `practitioner` or `expert` (expert / coach).
    pub level: String,
    /// What it covers.
    pub description: String,
    /// The version (also the `ETag`).
    pub version: i64,
}

impl From<&Course> for CourseJson {
    fn from(c: &Course) -> Self {
        CourseJson {
            id: c.id.0,
            org_id: c.org.0,
            title: c.text.title.clone(),
            level: c.text.level.name().to_owned(),
            description: c.text.description.clone(),
            version: c.version.0,
        }
    }
}

/// The body of `POST /organisations/{id}/courses` and `PATCH /courses/{id}` (absent: unchanged).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CourseInput {
    /// The title (required to add one).
    pub title: Option<String>,
    /// The level (required to add one).
    pub level: Option<String>,
    /// What it covers.
    pub description: Option<String>,
}

/// A person's place on a session (booked or waiting).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlaceJson {
    /// The session.
    pub session_id: i64,
    /// The person (a user id).
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// `booked` or `waiting`.
    pub state: String,
    /// Their position on the waiting list (1 is next), or null when booked.
    pub position: Option<usize>,
    /// When they asked (UTC, ISO 8601).
    pub requested_at: String,
    /// `attended`, `did_not_attend`, or null while not recorded.
    pub attendance: Option<String>,
    /// Whether they completed the course.
    pub completed: bool,
    /// The place's version (also the `ETag` of its attendance).
    pub version: i64,
}

impl PlaceJson {
    /// `p`, with its position on the waiting list.
    pub fn new(p: &Place, position: Option<usize>) -> PlaceJson {
        PlaceJson {
            session_id: p.session.0,
            user_id: p.user.id.0,
            user_name: p.user.name.clone(),
            state: p.state.name().to_owned(),
            position,
            requested_at: iso(p.requested_at),
            attendance: p.attendance.map(|a| a.name().to_owned()),
            completed: p.completed,
            version: p.version.0,
        }
    }
}

/// A session of a course, with the caller's own place on it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionJson {
    /// Id.
    pub id: i64,
    /// Its course.
    pub course_id: i64,
    /// The course's organisation.
    pub org_id: i64,
    /// The day it is held (`2026-03-04`).
    pub date: String,
    /// How many places it has.
    pub places: u32,
    /// Where it is held.
    pub venue: String,
    /// How many places are booked.
    pub booked: u32,
    /// How many are on the waiting list.
    pub waiting: u32,
    /// How many places are free.
    pub free: u32,
    /// The caller's place (booked or waiting), or null.
    pub my_place: Option<PlaceJson>,
    /// The version (also the `ETag`); one more after each change to it or its places.
    pub version: i64,
}

impl SessionJson {
    /// `s`, with the caller's place `mine` and its position on the waiting list.
    pub fn new(s: &TrainingSession, mine: Option<(&Place, Option<usize>)>) -> SessionJson {
        SessionJson {
            id: s.id.0,
            course_id: s.course.0,
            org_id: s.org.0,
            date: s.fields.date.to_string(),
            places: s.fields.places,
            venue: s.fields.venue.clone(),
            booked: s.booked,
            waiting: s.waiting,
            free: s.free(),
            my_place: mine.map(|(p, position)| PlaceJson::new(p, position)),
            version: s.version.0,
        }
    }
}

/// The body of `POST /courses/{id}/sessions` and `PATCH /sessions/{id}` (absent: unchanged).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionInput {
    /// The day (`2026-03-04`; required to add one).
    pub date: Option<String>,
    /// How many places, 1 to 500 (required to add one).
    pub places: Option<i64>,
    /// Where it is held.
    pub venue: Option<String>,
}

/// The body of `PUT /sessions/{id}/places/{user_id}`: attendance and completion.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttendanceInput {
    /// `attended`, `did_not_attend`, or null for not recorded.
    pub attendance: Option<String>,
    /// Whether they completed the course (needs `attended`); false when absent.
    pub completed: Option<bool>,
}

/// One place in a person's record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordEntryJson {
    /// The course.
    pub course_id: i64,
    /// Its title.
    pub course_title: String,
    /// Its level.
    pub level: String,
    /// The session.
    pub session_id: i64,
    /// Its day.
    pub date: String,
    /// Where.
    pub venue: String,
    /// `booked` or `waiting`.
    pub state: String,
    /// Their position on the waiting list, or null.
    pub position: Option<usize>,
    /// `attended`, `did_not_attend` or null.
    pub attendance: Option<String>,
    /// Whether they completed the course.
    pub completed: bool,
}

/// A person's training in one organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainingRecordJson {
    /// The organisation.
    pub org_id: i64,
    /// The person.
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// The level they hold there (the highest of the courses they completed), or null.
    pub level: Option<String>,
    /// Their places, the latest session first.
    pub entries: Vec<RecordEntryJson>,
}

impl From<&TrainingRecord> for TrainingRecordJson {
    fn from(r: &TrainingRecord) -> Self {
        TrainingRecordJson {
            org_id: r.org.0,
            user_id: r.user.id.0,
            user_name: r.user.name.clone(),
            level: r.level.map(|l| l.name().to_owned()),
            entries: r
                .entries
                .iter()
                .map(|e| RecordEntryJson {
                    course_id: e.course.id.0,
                    course_title: e.course.text.title.clone(),
                    level: e.course.text.level.name().to_owned(),
                    session_id: e.session.id.0,
                    date: e.session.fields.date.to_string(),
                    venue: e.session.fields.venue.clone(),
                    state: e.place.state.name().to_owned(),
                    position: e.position,
                    attendance: e.place.attendance.map(|a| a.name().to_owned()),
                    completed: e.place.completed,
                })
                .collect(),
        }
    }
}

/// An organisation's capability plan: the percentage of staff to train at each level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanJson {
    /// The organisation.
    pub org_id: i64,
    /// Target percentage trained at foundation level (or above).
    pub foundation: u32,
    /// Target percentage trained at practitioner level (or above).
    pub practitioner: u32,
    /// Target percentage trained at expert / coach level.
    pub expert: u32,
    /// The version (also the `ETag`); 0 while the organisation has set no plan.
    pub version: i64,
}

impl PlanJson {
    /// The plan of `org`, or a plan of nought at version 0 when it has none.
    pub fn new(org: gemba_domain::OrgId, plan: Option<&gemba_domain::CapabilityPlan>) -> PlanJson {
        let [foundation, practitioner, expert] = plan.map_or([0; 3], |p| p.targets);
        PlanJson {
            org_id: org.0,
            foundation,
            practitioner,
            expert,
            version: plan.map_or(0, |p| p.version.0),
        }
    }
}

/// The body of `PUT /organisations/{id}/capability-plan` (absent: unchanged).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    /// Whole percentage, 0 to 100.
    pub foundation: Option<i64>,
    /// Whole percentage, 0 to 100, not above foundation's.
    pub practitioner: Option<i64>,
    /// Whole percentage, 0 to 100, not above practitioner's.
    pub expert: Option<i64>,
}

/// One level in one month of capability.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LevelShareJson {
    /// `foundation`, `practitioner` or `expert`.
    pub level: String,
    /// How many staff were trained at this level or above by the month's end.
    pub trained: usize,
    /// Their share of staff (0 to 1), or null without staff.
    pub share: Option<f64>,
    /// The plan's target share (0 to 1), or null without a plan.
    pub target: Option<f64>,
}

/// One month of capability.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CapabilityMonthJson {
    /// The month, `2026-03`.
    pub month: String,
    /// Each level, lowest first.
    pub levels: Vec<LevelShareJson>,
}

/// Capability of an organisation or one of its teams, by month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CapabilityJson {
    /// The organisation.
    pub org_id: i64,
    /// The team, or null for the whole organisation.
    pub team_id: Option<i64>,
    /// How many staff (the organisation's active members, or the team's people).
    pub staff: usize,
    /// The organisation's plan.
    pub plan: PlanJson,
    /// The months from the first completion to this month (at most 36), oldest first.
    pub months: Vec<CapabilityMonthJson>,
}

impl CapabilityJson {
    /// `c` of `org` (and `team`).
    pub fn new(
        org: gemba_domain::OrgId,
        team: Option<gemba_domain::TeamId>,
        c: &gemba_domain::Capability,
    ) -> CapabilityJson {
        CapabilityJson {
            org_id: org.0,
            team_id: team.map(|t| t.0),
            staff: c.staff,
            plan: PlanJson::new(org, c.plan.as_ref()),
            months: c
                .months
                .iter()
                .map(|m| CapabilityMonthJson {
                    month: m.month.format("%Y-%m").to_string(),
                    levels: gemba_domain::Level::ALL
                        .iter()
                        .map(|l| LevelShareJson {
                            level: l.name().to_owned(),
                            trained: m.trained[*l as usize],
                            share: c.share(m, *l),
                            target: c.plan.map(|p| f64::from(p.target(*l)) / 100.0),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A project's coach.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoachJson {
    /// The coach (a user id).
    pub id: i64,
    /// Their name.
    pub name: String,
}

impl From<&gemba_domain::User> for CoachJson {
    fn from(u: &gemba_domain::User) -> Self {
        CoachJson {
            id: u.id.0,
            name: u.name.clone(),
        }
    }
}

/// The body of `POST /projects/{id}/coaches`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CoachInput {
    /// One of the organisation's improvement leads. Required.
    pub user_id: Option<i64>,
}

/// A project a coach coaches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoachedProjectJson {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: String,
}

/// An improvement lead's coaching load.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoachLoadJson {
    /// The coach (a user id).
    pub coach_id: i64,
    /// Their name.
    pub coach_name: String,
    /// How many active projects (scoping to spreading) they coach: their load.
    pub active: usize,
    /// How many live projects they coach, finished and not yet started ones included.
    pub all: usize,
    /// The active projects, by title.
    pub projects: Vec<CoachedProjectJson>,
}

impl From<&gemba_domain::CoachLoad> for CoachLoadJson {
    fn from(l: &gemba_domain::CoachLoad) -> Self {
        CoachLoadJson {
            coach_id: l.coach.id.0,
            coach_name: l.coach.name.clone(),
            active: l.active.len(),
            all: l.all,
            projects: l
                .active
                .iter()
                .map(|p| CoachedProjectJson {
                    id: p.id.0,
                    title: p.title.clone(),
                    status: p.status.name().to_owned(),
                })
                .collect(),
        }
    }
}

/// Hours planned and used by one person on one project in one month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimeEntryJson {
    /// The person (a user id).
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// The project.
    pub project_id: i64,
    /// The month, `2026-03`.
    pub month: String,
    /// Hours planned for improvement.
    pub planned_hours: f64,
    /// Hours used.
    pub used_hours: f64,
    /// The version (also the `ETag`).
    pub version: i64,
}

impl From<&gemba_domain::TimeEntry> for TimeEntryJson {
    fn from(e: &gemba_domain::TimeEntry) -> Self {
        TimeEntryJson {
            user_id: e.user.id.0,
            user_name: e.user.name.clone(),
            project_id: e.project.0,
            month: e.month.format("%Y-%m").to_string(),
            planned_hours: e.planned,
            used_hours: e.used,
            version: e.version.0,
        }
    }
}

/// The body of `POST /projects/{id}/time`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TimeInput {
    /// Whose hours (a user id); the caller's own when absent.
    pub user_id: Option<i64>,
    /// The month, `2026-03`. Required.
    pub month: Option<String>,
    /// Hours planned, 0 to 744 (absent: unchanged, or 0).
    pub planned_hours: Option<f64>,
    /// Hours used, 0 to 744 (absent: unchanged, or 0).
    pub used_hours: Option<f64>,
}

/// One group's hours in one month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimeRowJson {
    /// The group's id (user, project, team or organisation), or null for projects without a
    /// team.
    pub id: Option<i64>,
    /// Its name.
    pub name: String,
    /// The month, `2026-03`.
    pub month: String,
    /// Hours planned.
    pub planned_hours: f64,
    /// Hours used.
    pub used_hours: f64,
    /// Used as a share of planned, or null when nothing was planned.
    pub used_share: Option<f64>,
}

impl From<&gemba_domain::TimeRow> for TimeRowJson {
    fn from(r: &gemba_domain::TimeRow) -> Self {
        TimeRowJson {
            id: r.id,
            name: r.name.clone(),
            month: r.month.format("%Y-%m").to_string(),
            planned_hours: r.planned,
            used_hours: r.used,
            used_share: r.share(),
        }
    }
}

/// An organisation's protected time rolled up by month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimeRollUpJson {
    /// By person.
    pub by_person: Vec<TimeRowJson>,
    /// By project.
    pub by_project: Vec<TimeRowJson>,
    /// By the team of each project.
    pub by_team: Vec<TimeRowJson>,
    /// The whole organisation.
    pub organisation: Vec<TimeRowJson>,
}

impl From<&gemba_domain::TimeRollUp> for TimeRollUpJson {
    fn from(t: &gemba_domain::TimeRollUp) -> Self {
        let rows = |v: &[gemba_domain::TimeRow]| v.iter().map(TimeRowJson::from).collect();
        TimeRollUpJson {
            by_person: rows(&t.by_person),
            by_project: rows(&t.by_project),
            by_team: rows(&t.by_team),
            organisation: rows(&t.organisation),
        }
    }
}
