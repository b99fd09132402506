//! Rapid improvement events (a project's event date) and their 30-, 60- and 90-day report-outs.

use chrono::NaiveDate;
use gemba_domain::{
    Email, OrgId, ProjectId, ReportOut, ReportOutText, StoreError, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::now;
use crate::version::{check, next};

pub(crate) async fn event_date(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Option<NaiveDate>, StoreError> {
    sqlx::query_scalar("SELECT event_date FROM improvement_events WHERE project_id = ?")
        .bind(project.0)
        .fetch_optional(pool)
        .await
        .map_err(db)
}

pub(crate) async fn set_event_date(
    pool: &SqlitePool,
    project: ProjectId,
    date: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let live: Option<i64> =
        sqlx::query_scalar("SELECT id FROM projects WHERE id = ? AND deleted_at IS NULL")
            .bind(project.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    if live.is_none() {
        return Err(StoreError::Missing(format!("the project {project}")));
    }
    match date {
        Some(d) => sqlx::query(
            "INSERT INTO improvement_events (project_id, event_date) VALUES (?, ?) \
             ON CONFLICT (project_id) DO UPDATE SET event_date = excluded.event_date",
        )
        .bind(project.0)
        .bind(d),
        None => sqlx::query("DELETE FROM improvement_events WHERE project_id = ?").bind(project.0),
    }
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(now())
        .bind(project.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn events(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(ProjectId, NaiveDate)>, StoreError> {
    let rows: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT e.project_id, e.event_date FROM improvement_events e \
         JOIN projects p ON p.id = e.project_id \
         WHERE p.org_id = ? AND p.deleted_at IS NULL ORDER BY e.event_date, e.project_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows.into_iter().map(|(p, d)| (ProjectId(p), d)).collect())
}

macro_rules! report_out_columns {
    () => {
        "SELECT r.project_id, r.day, r.what_changed, r.results, r.next_steps, r.updated_at, \
         r.version, u.id AS author, u.email, u.name AS user_name \
         FROM report_outs r LEFT JOIN users u ON u.id = r.author_id "
    };
}

fn report_out_from(r: &SqliteRow) -> Result<ReportOut, StoreError> {
    let author = match r.try_get::<Option<i64>, _>("author").map_err(db)? {
        Some(id) => {
            let email: String = r.try_get("email").map_err(db)?;
            Some(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name: r.try_get("user_name").map_err(db)?,
            })
        }
        None => None,
    };
    let day: i64 = r.try_get("day").map_err(db)?;
    Ok(ReportOut {
        project: ProjectId(r.try_get("project_id").map_err(db)?),
        day: u32::try_from(day).map_err(|_| corrupt("report_outs.day", &day.to_string()))?,
        text: ReportOutText {
            what_changed: r.try_get("what_changed").map_err(db)?,
            results: r.try_get("results").map_err(db)?,
            next_steps: r.try_get("next_steps").map_err(db)?,
        },
        author,
        updated_at: r.try_get("updated_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn report_outs(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<ReportOut>, StoreError> {
    let rows = sqlx::query(concat!(
        report_out_columns!(),
        "WHERE r.project_id = ? ORDER BY r.day"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(report_out_from).collect()
}

pub(crate) async fn report_out(
    pool: &SqlitePool,
    project: ProjectId,
    day: u32,
) -> Result<Option<ReportOut>, StoreError> {
    let row = sqlx::query(concat!(
        report_out_columns!(),
        "WHERE r.project_id = ? AND r.day = ?"
    ))
    .bind(project.0)
    .bind(i64::from(day))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(report_out_from).transpose()
}

pub(crate) async fn set_report_out(
    pool: &SqlitePool,
    project: ProjectId,
    day: u32,
    text: &ReportOutText,
    expected: Option<Version>,
    by: UserId,
) -> Result<Version, StoreError> {
    let what = || format!("the {day}-day report-out");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let current: Option<i64> =
        sqlx::query_scalar("SELECT version FROM report_outs WHERE project_id = ? AND day = ?")
            .bind(project.0)
            .bind(i64::from(day))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let at = now();
    let version = match current {
        None => {
            if expected.is_some() {
                return Err(StoreError::Stale(what()));
            }
            sqlx::query(
                "INSERT INTO report_outs (project_id, day, what_changed, results, next_steps, \
                 author_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(project.0)
            .bind(i64::from(day))
            .bind(&text.what_changed)
            .bind(&text.results)
            .bind(&text.next_steps)
            .bind(by.0)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(crate::error::missing(format!("the project {project}")))?;
            Version(1)
        }
        Some(v) => {
            let v = Version(v);
            check(what, v, expected)?;
            sqlx::query(
                "UPDATE report_outs SET what_changed = ?, results = ?, next_steps = ?, \
                 author_id = ?, updated_at = ?, version = version + 1 \
                 WHERE project_id = ? AND day = ?",
            )
            .bind(&text.what_changed)
            .bind(&text.results)
            .bind(&text.next_steps)
            .bind(by.0)
            .bind(at)
            .bind(project.0)
            .bind(i64::from(day))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            next(v)
        }
    };
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(project.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(version)
}
