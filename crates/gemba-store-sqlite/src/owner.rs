//! Who owns a row: one lookup per kind of resource, deleted rows included, never a scan.

use gemba_domain::{OrgId, Owner, ProjectId, Resource, StoreError, UserId};
use sqlx::{Row, SqlitePool};

use crate::error::db;

/// The owner of `resource`, or `None` when there is no such row.
pub(crate) async fn owner(
    pool: &SqlitePool,
    resource: Resource,
) -> Result<Option<Owner>, StoreError> {
    // Each query names the organisation, and the project and its lead for things in a project.
    let (sql, id) = match resource {
        Resource::Org(id) => (
            "SELECT id AS org_id, NULL AS project_id, NULL AS lead_id FROM orgs WHERE id = ?",
            id.0,
        ),
        Resource::Team(id) => (
            "SELECT org_id, NULL AS project_id, NULL AS lead_id FROM teams WHERE id = ?",
            id.0,
        ),
        Resource::Project(id) => (
            "SELECT org_id, id AS project_id, lead_id FROM projects WHERE id = ?",
            id.0,
        ),
        Resource::Measure(id) => (
            "SELECT p.org_id, p.id AS project_id, p.lead_id FROM projects p \
             JOIN measures x ON x.project_id = p.id WHERE x.id = ?",
            id.0,
        ),
        Resource::Pdsa(id) => (
            "SELECT p.org_id, p.id AS project_id, p.lead_id FROM projects p \
             JOIN pdsa_cycles x ON x.project_id = p.id WHERE x.id = ?",
            id.0,
        ),
        Resource::DriverNode(id) => (
            "SELECT p.org_id, p.id AS project_id, p.lead_id FROM projects p \
             JOIN driver_nodes x ON x.project_id = p.id WHERE x.id = ?",
            id.0,
        ),
        Resource::Report(id) => (
            "SELECT org_id, NULL AS project_id, NULL AS lead_id FROM saved_reports WHERE id = ?",
            id.0,
        ),
        Resource::Assessment(id) => (
            "SELECT org_id, NULL AS project_id, NULL AS lead_id FROM assessments WHERE id = ?",
            id.0,
        ),
    };
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Owner {
        org: OrgId(r.try_get("org_id").map_err(db)?),
        project: r
            .try_get::<Option<i64>, _>("project_id")
            .map_err(db)?
            .map(ProjectId),
        lead: r
            .try_get::<Option<i64>, _>("lead_id")
            .map_err(db)?
            .map(UserId),
    }))
}
