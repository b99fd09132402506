//! Improvement training: courses, their sessions and people's places on them (migration 0027).

use gemba_domain::TimeEntry;
use gemba_domain::{
    Attendance, CapabilityPlan, Course, CourseId, CourseText, Email, Level, NewNotification, OrgId,
    Place, PlaceState, ProjectId, StoreError, TrainingSession, TrainingSessionFields,
    TrainingSessionId, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::now;
use crate::ideas::notify;
use crate::version::{check, next, swapped};

fn course_from(r: &SqliteRow) -> Result<Course, StoreError> {
    let level: String = r.try_get("level").map_err(db)?;
    Ok(Course {
        id: CourseId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        text: CourseText {
            title: r.try_get("title").map_err(db)?,
            level: Level::parse(&level).ok_or_else(|| corrupt("courses.level", &level))?,
            description: r.try_get("description").map_err(db)?,
        },
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn create_course(
    pool: &SqlitePool,
    org: OrgId,
    text: &CourseText,
) -> Result<CourseId, StoreError> {
    let done =
        sqlx::query("INSERT INTO courses (org_id, title, level, description) VALUES (?, ?, ?, ?)")
            .bind(org.0)
            .bind(&text.title)
            .bind(text.level.name())
            .bind(&text.description)
            .execute(pool)
            .await
            .map_err(missing(format!("the organisation {org}")))?;
    Ok(CourseId(done.last_insert_rowid()))
}

pub(crate) async fn courses(pool: &SqlitePool, org: OrgId) -> Result<Vec<Course>, StoreError> {
    sqlx::query(
        "SELECT id, org_id, title, level, description, version FROM courses WHERE org_id = ? \
         ORDER BY title COLLATE NOCASE, id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(course_from)
    .collect()
}

pub(crate) async fn course(pool: &SqlitePool, id: CourseId) -> Result<Option<Course>, StoreError> {
    sqlx::query("SELECT id, org_id, title, level, description, version FROM courses WHERE id = ?")
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(course_from)
        .transpose()
}

pub(crate) async fn update_course(
    pool: &SqlitePool,
    id: CourseId,
    text: &CourseText,
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the course {id}");
    let done = sqlx::query(
        "UPDATE courses SET title = ?, level = ?, description = ?, version = version + 1 \
         WHERE id = ? AND version = ?",
    )
    .bind(&text.title)
    .bind(text.level.name())
    .bind(&text.description)
    .bind(id.0)
    .bind(expected.0)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM courses WHERE id = ?")
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(db)?;
        return Err(match exists {
            Some(_) => StoreError::Stale(what()),
            None => StoreError::Missing(what()),
        });
    }
    Ok(next(expected))
}

macro_rules! session_columns {
    () => {
        "SELECT s.id, s.course_id, c.org_id, s.date, s.places, s.venue, s.version, \
         (SELECT COUNT(*) FROM training_places p WHERE p.session_id = s.id \
          AND p.state = 'booked') AS booked, \
         (SELECT COUNT(*) FROM training_places p WHERE p.session_id = s.id \
          AND p.state = 'waiting') AS waiting \
         FROM training_sessions s JOIN courses c ON c.id = s.course_id "
    };
}

fn session_from(r: &SqliteRow) -> Result<TrainingSession, StoreError> {
    let places: i64 = r.try_get("places").map_err(db)?;
    let count = |col: &str| -> Result<u32, StoreError> {
        let n: i64 = r.try_get(col).map_err(db)?;
        u32::try_from(n).map_err(|_| corrupt(col, &n.to_string()))
    };
    Ok(TrainingSession {
        id: TrainingSessionId(r.try_get("id").map_err(db)?),
        course: CourseId(r.try_get("course_id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        fields: TrainingSessionFields {
            date: r.try_get("date").map_err(db)?,
            places: u32::try_from(places)
                .map_err(|_| corrupt("training_sessions.places", &places.to_string()))?,
            venue: r.try_get("venue").map_err(db)?,
        },
        booked: count("booked")?,
        waiting: count("waiting")?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn create_training_session(
    pool: &SqlitePool,
    course: CourseId,
    fields: &TrainingSessionFields,
) -> Result<TrainingSessionId, StoreError> {
    let done = sqlx::query(
        "INSERT INTO training_sessions (course_id, date, places, venue) VALUES (?, ?, ?, ?)",
    )
    .bind(course.0)
    .bind(fields.date)
    .bind(i64::from(fields.places))
    .bind(&fields.venue)
    .execute(pool)
    .await
    .map_err(missing(format!("the course {course}")))?;
    Ok(TrainingSessionId(done.last_insert_rowid()))
}

pub(crate) async fn training_sessions(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<TrainingSession>, StoreError> {
    sqlx::query(concat!(
        session_columns!(),
        "WHERE c.org_id = ? ORDER BY s.date, s.id"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(session_from)
    .collect()
}

pub(crate) async fn training_session(
    pool: &SqlitePool,
    id: TrainingSessionId,
) -> Result<Option<TrainingSession>, StoreError> {
    sqlx::query(concat!(session_columns!(), "WHERE s.id = ?"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(session_from)
        .transpose()
}

/// Moves the session to its next version if it is still at `expected` (inside the caller's
/// transaction): the compare-and-swap every change of a session or its places goes through.
async fn bump_session(
    conn: &mut SqliteConnection,
    id: TrainingSessionId,
    expected: Version,
) -> Result<(), StoreError> {
    let what = || format!("the session {id}");
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT version FROM training_sessions WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    let Some(stored) = stored else {
        return Err(StoreError::Missing(what()));
    };
    check(what, Version(stored), Some(expected))?;
    let done = sqlx::query(
        "UPDATE training_sessions SET version = version + 1 WHERE id = ? AND version = ?",
    )
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())
}

/// Books the waiting places of `promote` and writes `notify` (inside the caller's transaction).
async fn promote_and_notify(
    conn: &mut SqliteConnection,
    id: TrainingSessionId,
    promote: &[UserId],
    notifications: &[NewNotification],
) -> Result<(), StoreError> {
    for u in promote {
        sqlx::query(
            "UPDATE training_places SET state = 'booked', version = version + 1 \
             WHERE session_id = ? AND user_id = ? AND state = 'waiting'",
        )
        .bind(id.0)
        .bind(u.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    for n in notifications {
        notify(conn, n).await?;
    }
    Ok(())
}

pub(crate) async fn update_training_session(
    pool: &SqlitePool,
    id: TrainingSessionId,
    fields: &TrainingSessionFields,
    expected: Version,
    promote: &[UserId],
    notifications: &[NewNotification],
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    bump_session(&mut tx, id, expected).await?;
    sqlx::query("UPDATE training_sessions SET date = ?, places = ?, venue = ? WHERE id = ?")
        .bind(fields.date)
        .bind(i64::from(fields.places))
        .bind(&fields.venue)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    promote_and_notify(&mut tx, id, promote, notifications).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

fn place_from(r: &SqliteRow) -> Result<Place, StoreError> {
    let state: String = r.try_get("state").map_err(db)?;
    let attendance: Option<String> = r.try_get("attendance").map_err(db)?;
    let email: String = r.try_get("email").map_err(db)?;
    Ok(Place {
        session: TrainingSessionId(r.try_get("session_id").map_err(db)?),
        user: User {
            id: UserId(r.try_get("user_id").map_err(db)?),
            email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
            name: r.try_get("user_name").map_err(db)?,
        },
        state: PlaceState::parse(&state).ok_or_else(|| corrupt("training_places.state", &state))?,
        request_no: r.try_get("id").map_err(db)?,
        requested_at: r.try_get("requested_at").map_err(db)?,
        attendance: match attendance {
            Some(a) => Some(
                Attendance::parse(&a).ok_or_else(|| corrupt("training_places.attendance", &a))?,
            ),
            None => None,
        },
        completed: r.try_get("completed").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

macro_rules! place_columns {
    () => {
        "SELECT p.id, p.session_id, p.user_id, p.state, p.requested_at, p.attendance, \
         p.completed, p.version, u.email, u.name AS user_name \
         FROM training_places p JOIN users u ON u.id = p.user_id "
    };
}

pub(crate) async fn places(
    pool: &SqlitePool,
    session: TrainingSessionId,
) -> Result<Vec<Place>, StoreError> {
    sqlx::query(concat!(
        place_columns!(),
        "WHERE p.session_id = ? ORDER BY p.id"
    ))
    .bind(session.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(place_from)
    .collect()
}

pub(crate) async fn training_places(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<Place>, StoreError> {
    sqlx::query(concat!(
        place_columns!(),
        "JOIN training_sessions s ON s.id = p.session_id JOIN courses c ON c.id = s.course_id \
         WHERE c.org_id = ? ORDER BY p.id"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(place_from)
    .collect()
}

pub(crate) async fn add_place(
    pool: &SqlitePool,
    session: TrainingSessionId,
    user: UserId,
    state: PlaceState,
    expected: Version,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    bump_session(&mut tx, session, expected).await?;
    sqlx::query(
        "INSERT INTO training_places (session_id, user_id, state, requested_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(session.0)
    .bind(user.0)
    .bind(state.name())
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(|e| match crate::error::kind(&e) {
        Some(sqlx::error::ErrorKind::UniqueViolation) => {
            StoreError::Stale(format!("the places of the session {session}"))
        }
        _ => missing(format!("the user {user}"))(e),
    })?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn remove_place(
    pool: &SqlitePool,
    session: TrainingSessionId,
    user: UserId,
    expected: Version,
    promote: &[UserId],
    notifications: &[NewNotification],
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    bump_session(&mut tx, session, expected).await?;
    sqlx::query("DELETE FROM training_places WHERE session_id = ? AND user_id = ?")
        .bind(session.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    promote_and_notify(&mut tx, session, promote, notifications).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn record_attendance(
    pool: &SqlitePool,
    session: TrainingSessionId,
    user: UserId,
    attendance: Option<Attendance>,
    completed: bool,
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the place of user {user} on the session {session}");
    let done = sqlx::query(
        "UPDATE training_places SET attendance = ?, completed = ?, version = version + 1 \
         WHERE session_id = ? AND user_id = ? AND version = ?",
    )
    .bind(attendance.map(Attendance::name))
    .bind(completed)
    .bind(session.0)
    .bind(user.0)
    .bind(expected.0)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM training_places WHERE session_id = ? AND user_id = ?",
        )
        .bind(session.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
        return Err(match exists {
            Some(_) => StoreError::Stale(what()),
            None => StoreError::Missing(what()),
        });
    }
    Ok(next(expected))
}

pub(crate) async fn capability_plan(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Option<CapabilityPlan>, StoreError> {
    let row: Option<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT foundation, practitioner, expert, version FROM capability_plans WHERE org_id = ?",
    )
    .bind(org.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some((f, p, e, v)) = row else {
        return Ok(None);
    };
    let pct = |n: i64| u32::try_from(n).map_err(|_| corrupt("capability_plans", &n.to_string()));
    Ok(Some(CapabilityPlan {
        targets: [pct(f)?, pct(p)?, pct(e)?],
        version: Version(v),
    }))
}

pub(crate) async fn set_capability_plan(
    pool: &SqlitePool,
    org: OrgId,
    targets: [u32; 3],
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the capability plan of organisation {org}");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT version FROM capability_plans WHERE org_id = ?")
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    check(what, Version(stored.unwrap_or(0)), Some(expected))?;
    let [f, p, e] = targets.map(i64::from);
    if stored.is_some() {
        sqlx::query(
            "UPDATE capability_plans SET foundation = ?, practitioner = ?, expert = ?, \
             version = version + 1 WHERE org_id = ?",
        )
        .bind(f)
        .bind(p)
        .bind(e)
        .bind(org.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    } else {
        sqlx::query(
            "INSERT INTO capability_plans (org_id, foundation, practitioner, expert) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(org.0)
        .bind(f)
        .bind(p)
        .bind(e)
        .execute(&mut *tx)
        .await
        .map_err(missing(format!("the organisation {org}")))?;
    }
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn project_coaches(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<User>, StoreError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.name FROM project_coaches c JOIN users u ON u.id = c.user_id \
         WHERE c.project_id = ? ORDER BY u.name, u.id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(id, email, name)| {
            Ok(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name,
            })
        })
        .collect()
}

pub(crate) async fn org_project_coaches(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.project_id, c.user_id FROM project_coaches c \
         JOIN projects p ON p.id = c.project_id \
         WHERE p.org_id = ? AND p.deleted_at IS NULL ORDER BY c.project_id, c.user_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(p, u)| (ProjectId(p), UserId(u)))
        .collect())
}

pub(crate) async fn set_project_coach(
    pool: &SqlitePool,
    project: ProjectId,
    coach: UserId,
    coaches: bool,
) -> Result<(), StoreError> {
    let sql = if coaches {
        "INSERT OR IGNORE INTO project_coaches (project_id, user_id) VALUES (?, ?)"
    } else {
        "DELETE FROM project_coaches WHERE project_id = ? AND user_id = ?"
    };
    sqlx::query(sql)
        .bind(project.0)
        .bind(coach.0)
        .execute(pool)
        .await
        .map_err(missing(format!("the project {project}")))?;
    Ok(())
}

pub(crate) async fn time_entries(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<TimeEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.org_id, t.user_id, t.project_id, t.month, t.planned, t.used, t.version, \
         u.email, u.name AS user_name FROM time_entries t JOIN users u ON u.id = t.user_id \
         JOIN projects p ON p.id = t.project_id \
         WHERE t.org_id = ? AND p.deleted_at IS NULL ORDER BY t.month, u.name, t.id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            let email: String = r.try_get("email").map_err(db)?;
            Ok(TimeEntry {
                org: OrgId(r.try_get("org_id").map_err(db)?),
                user: User {
                    id: UserId(r.try_get("user_id").map_err(db)?),
                    email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                    name: r.try_get("user_name").map_err(db)?,
                },
                project: ProjectId(r.try_get("project_id").map_err(db)?),
                month: r.try_get("month").map_err(db)?,
                planned: r.try_get("planned").map_err(db)?,
                used: r.try_get("used").map_err(db)?,
                version: Version(r.try_get("version").map_err(db)?),
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // one entry's every part, as the table holds it
pub(crate) async fn put_time(
    pool: &SqlitePool,
    org: OrgId,
    user: UserId,
    project: ProjectId,
    month: chrono::NaiveDate,
    planned: f64,
    used: f64,
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the hours of user {user} on project {project} for {month}");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let stored: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM time_entries WHERE user_id = ? AND project_id = ? AND month = ?",
    )
    .bind(user.0)
    .bind(project.0)
    .bind(month)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    check(what, Version(stored.unwrap_or(0)), Some(expected))?;
    if stored.is_some() {
        sqlx::query(
            "UPDATE time_entries SET planned = ?, used = ?, version = version + 1 \
             WHERE user_id = ? AND project_id = ? AND month = ?",
        )
        .bind(planned)
        .bind(used)
        .bind(user.0)
        .bind(project.0)
        .bind(month)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    } else {
        sqlx::query(
            "INSERT INTO time_entries (org_id, user_id, project_id, month, planned, used) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(org.0)
        .bind(user.0)
        .bind(project.0)
        .bind(month)
        .bind(planned)
        .bind(used)
        .execute(&mut *tx)
        .await
        .map_err(missing(what()))?;
    }
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}
