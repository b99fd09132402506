//! Strategic priorities of organisations and systems, and the projects that serve them.

use gemba_domain::{
    OrgId, Priority, PriorityId, PriorityScope, PriorityText, ProjectId, StoreError, UserId,
    Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{db, missing};
use crate::history::now;
use crate::version::{check, next, swapped};

pub(crate) fn priority_from(r: &SqliteRow) -> Result<Priority, StoreError> {
    let org: Option<i64> = r.try_get("org_id").map_err(db)?;
    let system: Option<String> = r.try_get("system").map_err(db)?;
    let scope = match (org, system) {
        (Some(org), _) => PriorityScope::Organisation(OrgId(org)),
        (None, Some(system)) => PriorityScope::System(system),
        (None, None) => return Err(crate::error::corrupt("priorities.org_id", "NULL")),
    };
    Ok(Priority {
        id: PriorityId(r.try_get("id").map_err(db)?),
        scope,
        title: r.try_get("title").map_err(db)?,
        description: r.try_get("description").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn priorities_of(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<Priority>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.org_id, p.system, p.title, p.description, p.version FROM priorities p \
         WHERE p.org_id = ? OR p.system = (SELECT system FROM orgs WHERE id = ?) \
         ORDER BY p.system IS NULL, p.title COLLATE NOCASE, p.id",
    )
    .bind(org.0)
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(priority_from).collect()
}

pub(crate) async fn priority(
    pool: &SqlitePool,
    id: PriorityId,
) -> Result<Option<Priority>, StoreError> {
    let row = sqlx::query(
        "SELECT id, org_id, system, title, description, version FROM priorities WHERE id = ?",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(priority_from).transpose()
}

pub(crate) async fn create_priority(
    pool: &SqlitePool,
    scope: &PriorityScope,
    text: &PriorityText,
    by: UserId,
) -> Result<PriorityId, StoreError> {
    let (org, system) = match scope {
        PriorityScope::Organisation(org) => (Some(org.0), None),
        PriorityScope::System(name) => (None, Some(name.as_str())),
    };
    let done = sqlx::query(
        "INSERT INTO priorities (org_id, system, title, description, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(org)
    .bind(system)
    .bind(&text.title)
    .bind(&text.description)
    .bind(by.0)
    .bind(now())
    .execute(pool)
    .await
    .map_err(missing("the organisation"))?;
    Ok(PriorityId(done.last_insert_rowid()))
}

pub(crate) async fn update_priority(
    pool: &SqlitePool,
    id: PriorityId,
    text: &PriorityText,
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the priority {id}");
    let Some(current) = priority(pool, id).await? else {
        return Err(StoreError::Missing(what()));
    };
    check(what, current.version, Some(expected))?;
    if current.title == text.title && current.description == text.description {
        return Ok(expected);
    }
    let done = sqlx::query(
        "UPDATE priorities SET title = ?, description = ?, version = version + 1 \
         WHERE id = ? AND version = ?",
    )
    .bind(&text.title)
    .bind(&text.description)
    .bind(id.0)
    .bind(expected.0)
    .execute(pool)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())?;
    Ok(next(expected))
}

pub(crate) async fn delete_priority(pool: &SqlitePool, id: PriorityId) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM priorities WHERE id = ?")
        .bind(id.0)
        .execute(pool)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the priority {id}")));
    }
    Ok(())
}

pub(crate) async fn project_priorities(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<PriorityId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT priority_id FROM project_priorities WHERE project_id = ? ORDER BY priority_id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(ids.into_iter().map(PriorityId).collect())
}

pub(crate) async fn priority_links(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(ProjectId, PriorityId)>, StoreError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT l.project_id, l.priority_id FROM project_priorities l \
         JOIN projects p ON p.id = l.project_id WHERE p.org_id = ? \
         ORDER BY l.project_id, l.priority_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(p, q)| (ProjectId(p), PriorityId(q)))
        .collect())
}

pub(crate) async fn set_project_priorities(
    pool: &SqlitePool,
    project: ProjectId,
    priorities: &[PriorityId],
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM projects WHERE id = ? AND deleted_at IS NULL")
            .bind(project.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    if exists.is_none() {
        return Err(StoreError::Missing(format!("the project {project}")));
    }
    sqlx::query("DELETE FROM project_priorities WHERE project_id = ?")
        .bind(project.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for p in priorities {
        sqlx::query("INSERT INTO project_priorities (project_id, priority_id) VALUES (?, ?)")
            .bind(project.0)
            .bind(p.0)
            .execute(&mut *tx)
            .await
            .map_err(missing(format!("the priority {p}")))?;
    }
    tx.commit().await.map_err(db)
}
