//! Driver diagrams: primary drivers, secondary drivers and change ideas as a tree of nodes,
//! deleted softly with their descendants and restored together with them.

use gemba_domain::history::{node_changes, Action, HistoryObject};
use gemba_domain::{
    DriverKind, DriverNode, DriverNodeId, HistoryRecord, ProjectId, StoreError, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::version::{check, next, swapped};

/// How messages name a node's level.
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

/// A live node's project, kind, text and version.
async fn node(
    conn: &mut SqliteConnection,
    id: DriverNodeId,
) -> Result<(ProjectId, DriverKind, String, Version), StoreError> {
    let row = sqlx::query(
        "SELECT project_id, kind, text, version FROM driver_nodes \
         WHERE id = ? AND deleted_at IS NULL",
    )
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
        Version(row.try_get("version").map_err(db)?),
    ))
}

/// Fails with `Missing` unless the node belongs to the project and is not deleted.
pub(crate) async fn check_in_project(
    conn: &mut SqliteConnection,
    id: DriverNodeId,
    project: ProjectId,
) -> Result<(), StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM driver_nodes WHERE id = ? AND project_id = ? AND deleted_at IS NULL",
    )
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
    live_project(&mut tx, project).await?;
    if let Some(parent) = parent {
        check_in_project(&mut tx, parent, project).await?;
    }
    let id = insert(&mut tx, project, parent, kind, text, by).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

/// Inserts a node (its parent already checked) with its history record, in the caller's
/// transaction.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    project: ProjectId,
    parent: Option<DriverNodeId>,
    kind: DriverKind,
    text: &str,
    by: UserId,
) -> Result<DriverNodeId, StoreError> {
    let at = now();
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
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let id = DriverNodeId(done.last_insert_rowid());
    let object = HistoryObject::new(kind.into(), id.0, text);
    record(
        &mut *conn,
        project,
        by,
        at,
        &[HistoryRecord::new(object, Action::Created)],
    )
    .await?;
    Ok(id)
}

fn node_from(r: &SqliteRow) -> Result<DriverNode, StoreError> {
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
        version: Version(r.try_get("version").map_err(db)?),
        idea: r
            .try_get::<Option<i64>, _>("idea_id")
            .map_err(db)?
            .map(gemba_domain::IdeaId),
    })
}

pub(crate) async fn nodes(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<DriverNode>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, project_id, parent_id, kind, text, version, idea_id FROM driver_nodes \
         WHERE project_id = ? AND deleted_at IS NULL ORDER BY position, id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(node_from).collect()
}

pub(crate) async fn node_by_id(
    pool: &SqlitePool,
    id: DriverNodeId,
) -> Result<Option<DriverNode>, StoreError> {
    sqlx::query(
        "SELECT id, project_id, parent_id, kind, text, version, idea_id FROM driver_nodes \
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?
    .as_ref()
    .map(node_from)
    .transpose()
}

pub(crate) async fn deleted(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<DriverNode>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, project_id, parent_id, kind, text, version, idea_id FROM driver_nodes \
         WHERE project_id = ? AND deleted_at IS NOT NULL \
         ORDER BY deleted_at DESC, deleted_with DESC, position, id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(node_from).collect()
}

/// The text of a node, deleted or not, for a history record of a link to it (`None` for no
/// link).
pub(crate) async fn text_of(
    conn: &mut SqliteConnection,
    id: Option<DriverNodeId>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let text: Option<String> = sqlx::query_scalar("SELECT text FROM driver_nodes WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    Ok(Some(text.unwrap_or_else(|| format!("node {id}"))))
}

/// A node as messages name it: the primary driver “Staff”.
fn named(kind: DriverKind, text: &str) -> String {
    format!("the {} “{text}”", label(kind))
}

pub(crate) async fn update(
    pool: &SqlitePool,
    id: DriverNodeId,
    text: &str,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, kind, old, version) = node(&mut tx, id).await?;
    live_project(&mut tx, project).await?;
    let name = || named(kind, &old);
    check(name, version, Some(expected))?;
    let changed = node_changes(id, kind, &old, text);
    if changed.is_empty() {
        return Ok(expected);
    }
    let done = sqlx::query(
        "UPDATE driver_nodes SET text = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(text)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(name, done.rows_affected())?;
    record(&mut tx, project, by, at, &changed).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn delete(
    pool: &SqlitePool,
    id: DriverNodeId,
    expected: Option<Version>,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, kind, text, version) = node(&mut tx, id).await?;
    live_project(&mut tx, project).await?;
    check(|| named(kind, &text), version, expected)?;
    // The node and its live descendants go together, marked with the node's id so that they
    // come back together; descendants deleted earlier keep their own deletion. PDSA cycles that
    // test a deleted change idea keep their link. Each node's version moves on.
    let done = sqlx::query(
        "WITH RECURSIVE below (id) AS ( \
             SELECT ? \
             UNION ALL \
             SELECT d.id FROM driver_nodes d JOIN below b ON d.parent_id = b.id \
             WHERE d.deleted_at IS NULL) \
         UPDATE driver_nodes SET deleted_at = ?, deleted_by = ?, deleted_with = ?, \
         version = version + 1 WHERE id IN (SELECT id FROM below)",
    )
    .bind(id.0)
    .bind(at)
    .bind(by.0)
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the user {by}")))?;
    let deleted = HistoryRecord::new(HistoryObject::new(kind.into(), id.0, text), Action::Deleted)
        .with_count(done.rows_affected().saturating_sub(1));
    record(&mut tx, project, by, at, &[deleted]).await?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn restore(
    pool: &SqlitePool,
    id: DriverNodeId,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let row = sqlx::query(
        "SELECT project_id, parent_id, kind, text, deleted_with FROM driver_nodes \
         WHERE id = ? AND deleted_at IS NOT NULL",
    )
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::Missing(format!("the deleted driver diagram node {id}")))?;
    let project = ProjectId(row.try_get("project_id").map_err(db)?);
    let parent: Option<i64> = row.try_get("parent_id").map_err(db)?;
    let k: String = row.try_get("kind").map_err(db)?;
    let text: String = row.try_get("text").map_err(db)?;
    let batch: Option<i64> = row.try_get("deleted_with").map_err(db)?;
    live_project(&mut tx, project).await?;
    if let Some(parent) = parent {
        let live: Option<i64> =
            sqlx::query_scalar("SELECT id FROM driver_nodes WHERE id = ? AND deleted_at IS NULL")
                .bind(parent)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if live.is_none() {
            return Err(StoreError::Missing(format!(
                "the parent (node {parent}, deleted) of the driver diagram node {id}"
            )));
        }
    }
    // The node and the descendants deleted with it; those deleted on their own stay deleted.
    let done = sqlx::query(
        "WITH RECURSIVE below (id) AS ( \
             SELECT ? \
             UNION ALL \
             SELECT d.id FROM driver_nodes d JOIN below b ON d.parent_id = b.id \
             WHERE d.deleted_at IS NOT NULL AND d.deleted_with = ?) \
         UPDATE driver_nodes SET deleted_at = NULL, deleted_by = NULL, deleted_with = NULL, \
         version = version + 1 WHERE id IN (SELECT id FROM below)",
    )
    .bind(id.0)
    .bind(batch)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let object = HistoryObject::new(kind(&k)?.into(), id.0, text);
    let restored = HistoryRecord::new(object, Action::Restored)
        .with_count(done.rows_affected().saturating_sub(1));
    record(&mut tx, project, by, at, &[restored]).await?;
    tx.commit().await.map_err(db)
}
