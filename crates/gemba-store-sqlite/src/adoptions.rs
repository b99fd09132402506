//! Adoptions of change packages: the linked project with its copied driver diagram and measure
//! definitions, written in one transaction, and the links read back.

use std::collections::HashMap;

use gemba_domain::{
    Adoption, DriverNodeId, MeasureId, NewAdoption, OrgId, ProjectId, StoreError, TeamId, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::db;
use crate::history::now;
use crate::projects::live_project;
use crate::{drivers, measures, projects};

pub(crate) async fn adopt(
    pool: &SqlitePool,
    a: &NewAdoption,
    by: UserId,
) -> Result<ProjectId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    live_project(&mut tx, a.source).await?;
    let project = projects::insert(&mut tx, a.org, &a.fields, by).await?;
    let mut ids: HashMap<DriverNodeId, DriverNodeId> = HashMap::new();
    for node in &a.nodes {
        let parent = match node.parent {
            None => None,
            Some(p) => Some(*ids.get(&p).ok_or_else(|| {
                StoreError::Missing(format!("the parent of the driver diagram node {}", node.id))
            })?),
        };
        let id = drivers::insert(&mut tx, project, parent, node.kind, &node.text, by).await?;
        ids.insert(node.id, id);
    }
    sqlx::query(
        "INSERT INTO adoptions (project_id, source_id, adopted_by, adopted_at) VALUES (?, ?, ?, ?)",
    )
    .bind(project.0)
    .bind(a.source.0)
    .bind(by.0)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    for (source, fields) in &a.measures {
        let id = measures::insert(&mut tx, project, fields, by).await?;
        let done = sqlx::query(
            "INSERT INTO adopted_measures (measure_id, source_measure_id) \
             SELECT ?, id FROM measures WHERE id = ? AND project_id = ?",
        )
        .bind(id.0)
        .bind(source.0)
        .bind(a.source.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Missing(format!(
                "the measure {source} of the project {}",
                a.source
            )));
        }
    }
    tx.commit().await.map_err(db)?;
    Ok(project)
}

/// The query of an adoption with its project's organisation and team (a macro, so that
/// queries stay static strings).
macro_rules! adoptions {
    () => {
        "SELECT a.project_id, a.source_id, a.adopted_by, a.adopted_at, p.org_id, p.team_id \
         FROM adoptions a JOIN projects p ON p.id = a.project_id"
    };
}

async fn adoption_from(pool: &SqlitePool, r: &SqliteRow) -> Result<Adoption, StoreError> {
    let project = ProjectId(r.try_get("project_id").map_err(db)?);
    let links = sqlx::query(
        "SELECT am.source_measure_id, am.measure_id FROM adopted_measures am \
         JOIN measures m ON m.id = am.measure_id WHERE m.project_id = ? ORDER BY am.measure_id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(Adoption {
        project,
        org: OrgId(r.try_get("org_id").map_err(db)?),
        team: r
            .try_get::<Option<i64>, _>("team_id")
            .map_err(db)?
            .map(TeamId),
        source: ProjectId(r.try_get("source_id").map_err(db)?),
        by: r
            .try_get::<Option<i64>, _>("adopted_by")
            .map_err(db)?
            .map(UserId),
        at: r.try_get("adopted_at").map_err(db)?,
        measures: links
            .iter()
            .map(|l| {
                Ok((
                    MeasureId(l.try_get("source_measure_id").map_err(db)?),
                    MeasureId(l.try_get("measure_id").map_err(db)?),
                ))
            })
            .collect::<Result<_, StoreError>>()?,
    })
}

pub(crate) async fn adoption(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Option<Adoption>, StoreError> {
    let row = sqlx::query(concat!(adoptions!(), " WHERE a.project_id = ?"))
        .bind(project.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    match row {
        Some(r) => Ok(Some(adoption_from(pool, &r).await?)),
        None => Ok(None),
    }
}

pub(crate) async fn adoptions_of(
    pool: &SqlitePool,
    source: ProjectId,
) -> Result<Vec<Adoption>, StoreError> {
    let rows = sqlx::query(concat!(
        adoptions!(),
        " WHERE a.source_id = ? AND p.deleted_at IS NULL ORDER BY a.adopted_at, a.project_id"
    ))
    .bind(source.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut out = Vec::new();
    for r in &rows {
        out.push(adoption_from(pool, r).await?);
    }
    Ok(out)
}
