//! How patients and carers are involved in each project, and when each of a project's team
//! joined it.

use chrono::{NaiveDate, NaiveDateTime};
use gemba_domain::{
    involvement_records, Email, Involvement, InvolvementFields, InvolvementLevel, OrgId,
    PatientRole, ProjectId, StoreError, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::version::{check, next};

/// The involvement query with `$rest` (its joins, conditions and order) after it.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT i.project_id, i.level, i.roles, i.note, i.since, i.updated_at, i.version, ",
            "u.id AS by_user, u.email, u.name AS by_name FROM project_involvement i ",
            "LEFT JOIN users u ON u.id = i.by_id ",
            $rest
        )
    };
}

fn fields(r: &SqliteRow) -> Result<InvolvementFields, StoreError> {
    let level: String = r.try_get("level").map_err(db)?;
    let roles: String = r.try_get("roles").map_err(db)?;
    Ok(InvolvementFields {
        level: InvolvementLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?,
        roles: roles
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| PatientRole::parse(s).ok_or_else(|| corrupt("roles", &roles)))
            .collect::<Result<_, _>>()?,
        note: r.try_get("note").map_err(db)?,
        since: r.try_get::<Option<NaiveDate>, _>("since").map_err(db)?,
    })
}

fn from_row(r: &SqliteRow) -> Result<Involvement, StoreError> {
    let by = match r.try_get::<Option<i64>, _>("by_user").map_err(db)? {
        Some(id) => {
            let email: String = r.try_get("email").map_err(db)?;
            Some(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name: r.try_get("by_name").map_err(db)?,
            })
        }
        None => None,
    };
    Ok(Involvement {
        project: ProjectId(r.try_get("project_id").map_err(db)?),
        fields: fields(r)?,
        by,
        at: Some(r.try_get("updated_at").map_err(db)?),
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn involvement(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Option<Involvement>, StoreError> {
    let row = sqlx::query(select!(
        "JOIN projects p ON p.id = i.project_id WHERE i.project_id = ? AND p.deleted_at IS NULL"
    ))
    .bind(project.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn org_involvement(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<Involvement>, StoreError> {
    let rows = sqlx::query(select!(
        "JOIN projects p ON p.id = i.project_id WHERE p.org_id = ? AND p.deleted_at IS NULL \
         ORDER BY i.project_id"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn set_involvement(
    pool: &SqlitePool,
    project: ProjectId,
    new: &InvolvementFields,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    live_project(&mut tx, project).await?;
    let title: String = sqlx::query_scalar("SELECT title FROM projects WHERE id = ?")
        .bind(project.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    let what = || format!("how patients and carers are involved in “{title}”");
    let row = sqlx::query(
        "SELECT level, roles, note, since, version FROM project_involvement WHERE project_id = ?",
    )
    .bind(project.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let (old, stored) = match &row {
        Some(r) => (fields(r)?, Version(r.try_get("version").map_err(db)?)),
        None => (InvolvementFields::default(), Version(0)),
    };
    check(what, stored, Some(expected))?;
    let records = involvement_records(project, &title, &old, new);
    if records.is_empty() {
        return Ok(stored);
    }
    let at: NaiveDateTime = now();
    let roles = gemba_domain::roles_text(&new.roles);
    sqlx::query(
        "INSERT INTO project_involvement (project_id, level, roles, note, since, by_id, \
         updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (project_id) DO UPDATE SET level = excluded.level, roles = excluded.roles, \
         note = excluded.note, since = excluded.since, by_id = excluded.by_id, \
         updated_at = excluded.updated_at, version = excluded.version",
    )
    .bind(project.0)
    .bind(new.level.name())
    .bind(&roles)
    .bind(&new.note)
    .bind(new.since)
    .bind(by.0)
    .bind(at)
    .bind(next(stored).0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    record(&mut tx, project, by, at, &records).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(stored))
}

pub(crate) async fn org_project_members_since(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(ProjectId, UserId, NaiveDateTime)>, StoreError> {
    let rows = sqlx::query(
        "SELECT pm.project_id, pm.user_id, pm.added_at FROM project_members pm \
         JOIN projects p ON p.id = pm.project_id \
         WHERE p.org_id = ? AND p.deleted_at IS NULL ORDER BY pm.project_id, pm.user_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok((
                ProjectId(r.try_get("project_id").map_err(db)?),
                UserId(r.try_get("user_id").map_err(db)?),
                r.try_get("added_at").map_err(db)?,
            ))
        })
        .collect()
}

pub(crate) async fn org_idea_supports(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(UserId, NaiveDateTime)>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.user_id, s.supported_at FROM idea_supports s JOIN ideas i ON i.id = s.idea_id \
         WHERE i.org_id = ? AND s.supported_at IS NOT NULL ORDER BY s.supported_at, s.user_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok((
                UserId(r.try_get("user_id").map_err(db)?),
                r.try_get("supported_at").map_err(db)?,
            ))
        })
        .collect()
}
