//! Driver diagrams: primary drivers, secondary drivers and change ideas as a tree of nodes.

use gemba_domain::{DriverKind, DriverNode, DriverNodeId, ProjectId, StoreError, UserId};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::projects::live_project;

/// How the history names a node's level.
fn label(kind: DriverKind) -> &'static str {
    match kind {
        DriverKind::Primary => "primary driver",
        DriverKind::Secondary => "secondary driver",
        DriverKind::ChangeIdea => "change idea",
    }
}

fn kind(s: &str) -> Result<DriverKind, StoreError> {
    DriverKind::parse(s).ok_or_else(|| corrupt("driver_nodes.kind", s))
}

/// A node's project, kind and text.
async fn node(
    conn: &mut SqliteConnection,
    id: DriverNodeId,
) -> Result<(ProjectId, DriverKind, String), StoreError> {
    let row = sqlx::query("SELECT project_id, kind, text FROM driver_nodes WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| StoreError::Missing(format!("the driver diagram node {id}")))?;
    let k: String = row.try_get("kind").map_err(db)?;
    Ok((
        ProjectId(row.try_get("project_id").map_err(db)?),
        kind(&k)?,
        row.try_get("text").map_err(db)?,
    ))
}

/// Fails with `Missing` unless the node belongs to the project.
pub(crate) async fn check_in_project(
    conn: &mut SqliteConnection,
    id: DriverNodeId,
    project: ProjectId,
) -> Result<(), StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM driver_nodes WHERE id = ? AND project_id = ?")
            .bind(id.0)
            .bind(project.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Missing(format!(
            "the driver diagram node {id} in the project {project}"
        ))),
    }
}

pub(crate) async fn add(
    pool: &SqlitePool,
    project: ProjectId,
    parent: Option<DriverNodeId>,
    kind: DriverKind,
    text: &str,
    by: UserId,
) -> Result<DriverNodeId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    live_project(&mut tx, project).await?;
    if let Some(parent) = parent {
        check_in_project(&mut tx, parent, project).await?;
    }
    let done = sqlx::query(
        "INSERT INTO driver_nodes (project_id, parent_id, kind, text, position) \
         VALUES (?, ?, ?, ?, \
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM driver_nodes WHERE project_id = ?))",
    )
    .bind(project.0)
    .bind(parent.map(|p| p.0))
    .bind(kind.name())
    .bind(text)
    .bind(project.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let id = DriverNodeId(done.last_insert_rowid());
    record(
        &mut tx,
        project,
        by,
        at,
        &format!("added {} “{text}”", label(kind)),
    )
    .await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

pub(crate) async fn nodes(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<DriverNode>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, project_id, parent_id, kind, text FROM driver_nodes \
         WHERE project_id = ? ORDER BY position, id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            let k: String = r.try_get("kind").map_err(db)?;
            Ok(DriverNode {
                id: DriverNodeId(r.try_get("id").map_err(db)?),
                project: ProjectId(r.try_get("project_id").map_err(db)?),
                parent: r
                    .try_get::<Option<i64>, _>("parent_id")
                    .map_err(db)?
                    .map(DriverNodeId),
                kind: kind(&k)?,
                text: r.try_get("text").map_err(db)?,
            })
        })
        .collect()
}

pub(crate) async fn update(
    pool: &SqlitePool,
    id: DriverNodeId,
    text: &str,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, kind, old) = node(&mut tx, id).await?;
    live_project(&mut tx, project).await?;
    if old == text {
        return Ok(());
    }
    sqlx::query("UPDATE driver_nodes SET text = ? WHERE id = ?")
        .bind(text)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let what = format!("changed {} “{old}” to “{text}”", label(kind));
    record(&mut tx, project, by, at, &what).await?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn delete(
    pool: &SqlitePool,
    id: DriverNodeId,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, kind, text) = node(&mut tx, id).await?;
    live_project(&mut tx, project).await?;
    let below: i64 = sqlx::query_scalar(
        "WITH RECURSIVE below (id) AS ( \
             SELECT id FROM driver_nodes WHERE parent_id = ? \
             UNION ALL \
             SELECT d.id FROM driver_nodes d JOIN below b ON d.parent_id = b.id) \
         SELECT COUNT(*) FROM below",
    )
    .bind(id.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    // The foreign key's ON DELETE CASCADE removes the descendants; PDSA cycles that tested a
    // removed change idea keep their place with no change idea (ON DELETE SET NULL).
    sqlx::query("DELETE FROM driver_nodes WHERE id = ?")
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let mut what = format!("deleted {} “{text}”", label(kind));
    match below {
        0 => {}
        1 => what.push_str(" and the node under it"),
        n => what.push_str(&format!(" and the {n} nodes under it")),
    }
    record(&mut tx, project, by, at, &what).await?;
    tx.commit().await.map_err(db)
}
