//! Soft deletes of the things under a project (measures, PDSA cycles): a row gets `deleted_at`
//! and `deleted_by`, reads skip it, and an admin can restore it. Each change is one
//! transaction with its history record, and the project must be live.

use gemba_domain::history::{Action, HistoryObject, ObjectKind};
use gemba_domain::{HistoryRecord, ProjectId, StoreError, UserId, Version};
use sqlx::{AssertSqlSafe, Row, SqliteConnection, SqlitePool};

use crate::error::{db, missing};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::version::{check, swapped};

/// A table whose rows are deleted softly. The SQL below is built from these constants only,
/// never from input.
pub(crate) struct Deletable {
    /// The table.
    pub table: &'static str,
    /// The column that names a row in messages and history records.
    pub label: &'static str,
    /// What a row is called in messages: "measure", "PDSA cycle".
    pub noun: &'static str,
    /// What a row is in history records.
    pub kind: ObjectKind,
}

/// Measures.
pub(crate) const MEASURES: Deletable = Deletable {
    table: "measures",
    label: "name",
    noun: "measure",
    kind: ObjectKind::Measure,
};

/// PDSA cycles.
pub(crate) const PDSA_CYCLES: Deletable = Deletable {
    table: "pdsa_cycles",
    label: "title",
    noun: "PDSA cycle",
    kind: ObjectKind::PdsaCycle,
};

/// The project and label of row `id` when it is deleted (`deleted`) or live (not), else
/// `Missing`; then checks that its project is live.
pub(crate) async fn project_and_label(
    conn: &mut SqliteConnection,
    what: &Deletable,
    id: i64,
    deleted: bool,
) -> Result<(ProjectId, String), StoreError> {
    let (project, label, _) = row_state(conn, what, id, deleted).await?;
    Ok((project, label))
}

/// Like [`project_and_label`], with the row's version.
pub(crate) async fn row_state(
    conn: &mut SqliteConnection,
    what: &Deletable,
    id: i64,
    deleted: bool,
) -> Result<(ProjectId, String, Version), StoreError> {
    let sql = format!(
        "SELECT project_id, {} AS label, version FROM {} \
         WHERE id = ? AND (deleted_at IS NOT NULL) = ?",
        what.label, what.table
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(deleted)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .ok_or_else(|| {
            let state = if deleted { "deleted " } else { "" };
            StoreError::Missing(format!("the {state}{} {id}", what.noun))
        })?;
    let project = ProjectId(row.try_get("project_id").map_err(db)?);
    let label: String = row.try_get("label").map_err(db)?;
    let version = Version(row.try_get("version").map_err(db)?);
    live_project(conn, project).await?;
    Ok((project, label, version))
}

/// Deletes row `id` softly, if it is still at version `expected` (when given): "deleted
/// measure “Falls”".
pub(crate) async fn delete(
    pool: &SqlitePool,
    what: &Deletable,
    id: i64,
    expected: Option<Version>,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, label, version) = row_state(&mut tx, what, id, false).await?;
    let name = || format!("the {} “{label}”", what.noun);
    check(name, version, expected)?;
    let sql = format!(
        "UPDATE {} SET deleted_at = ?, deleted_by = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
        what.table
    );
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(at)
        .bind(by.0)
        .bind(id)
        .bind(version.0)
        .execute(&mut *tx)
        .await
        .map_err(missing(format!("the user {by}")))?;
    swapped(name, done.rows_affected())?;
    let object = HistoryObject::new(what.kind, id, label);
    let deleted = HistoryRecord::new(object, Action::Deleted);
    record(&mut tx, project, by, at, &[deleted]).await?;
    tx.commit().await.map_err(db)
}

/// Brings back a softly deleted row: "restored measure “Falls”".
pub(crate) async fn restore(
    pool: &SqlitePool,
    what: &Deletable,
    id: i64,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, label) = project_and_label(&mut tx, what, id, true).await?;
    let sql = format!(
        "UPDATE {} SET deleted_at = NULL, deleted_by = NULL, version = version + 1 WHERE id = ?",
        what.table
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let object = HistoryObject::new(what.kind, id, label);
    let restored = HistoryRecord::new(object, Action::Restored);
    record(&mut tx, project, by, at, &[restored]).await?;
    tx.commit().await.map_err(db)
}
