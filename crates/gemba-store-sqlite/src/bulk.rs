//! Reads for many organisations at once (the portfolio across a system): one query per kind of
//! row for up to [`CHUNK`] organisations, instead of one per organisation. Each returns what
//! its one-organisation counterpart returns for every organisation named, nothing of any other.

use std::collections::HashMap;

use gemba_domain::{
    OrgId, Priority, PriorityId, Project, ProjectId, Role, StoreError, Team, User, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::people::{team_from, user_from};
use crate::priorities::priority_from;
use crate::projects::project_from;

/// The most organisations bound in one `IN (…)` list, far below SQLite's 32,766 variables.
const CHUNK: usize = 500;

/// The rows of `sql` (its `{in}` replaced by one placeholder per organisation) for `orgs`,
/// each bound once, sorted and without repeats, in chunks of at most [`CHUNK`].
async fn rows_in(
    pool: &SqlitePool,
    orgs: &[OrgId],
    sql: &str,
) -> Result<Vec<SqliteRow>, StoreError> {
    let mut orgs = orgs.to_vec();
    orgs.sort();
    orgs.dedup();
    let mut out = Vec::new();
    for chunk in orgs.chunks(CHUNK) {
        let list = vec!["?"; chunk.len()].join(", ");
        let mut query = sqlx::query(AssertSqlSafe(sql.replace("{in}", &list)));
        for o in chunk {
            query = query.bind(o.0);
        }
        out.extend(query.fetch_all(pool).await.map_err(db)?);
    }
    Ok(out)
}

pub(crate) async fn projects_of_orgs(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<Project>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT id, org_id, team_id, title, problem, aim, method, status, sponsor, \
         lead_id, kind, created_at, updated_at, version, private, idea_id FROM projects \
         WHERE org_id IN ({in}) AND deleted_at IS NULL AND kind = 'improvement' \
         ORDER BY org_id, updated_at DESC, id DESC",
    )
    .await?;
    let tag_rows = rows_in(
        pool,
        orgs,
        "SELECT t.project_id, t.tag FROM project_tags t JOIN projects p ON p.id = t.project_id \
         WHERE p.org_id IN ({in}) AND p.deleted_at IS NULL ORDER BY t.project_id, t.position",
    )
    .await?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for r in &tag_rows {
        let project: i64 = r.try_get("project_id").map_err(db)?;
        tags.entry(project)
            .or_default()
            .push(r.try_get("tag").map_err(db)?);
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id").map_err(db)?;
            project_from(r, tags.remove(&id).unwrap_or_default())
        })
        .collect()
}

pub(crate) async fn org_members_of(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<(OrgId, User, Role)>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT m.org_id, u.id AS user_id, u.email, u.name, m.role FROM memberships m \
         JOIN users u ON u.id = m.user_id \
         WHERE m.org_id IN ({in}) AND m.deactivated_at IS NULL \
         ORDER BY m.org_id, u.name, u.id",
    )
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(db)?;
            let role = Role::parse(&role).ok_or_else(|| corrupt("memberships.role", &role))?;
            Ok((OrgId(r.try_get("org_id").map_err(db)?), user_from(r)?, role))
        })
        .collect()
}

pub(crate) async fn teams_of_orgs(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<Team>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT id, org_id, name, archived_at FROM teams \
         WHERE org_id IN ({in}) AND archived_at IS NULL ORDER BY org_id, name, id",
    )
    .await?;
    rows.iter().map(team_from).collect()
}

pub(crate) async fn org_project_members_of(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT pm.project_id, pm.user_id FROM project_members pm \
         JOIN projects p ON p.id = pm.project_id \
         WHERE p.org_id IN ({in}) AND p.deleted_at IS NULL \
         ORDER BY pm.project_id, pm.user_id",
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                ProjectId(r.try_get("project_id").map_err(db)?),
                UserId(r.try_get("user_id").map_err(db)?),
            ))
        })
        .collect()
}

pub(crate) async fn priority_links_of(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<(ProjectId, PriorityId)>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT l.project_id, l.priority_id FROM project_priorities l \
         JOIN projects p ON p.id = l.project_id WHERE p.org_id IN ({in}) \
         ORDER BY l.project_id, l.priority_id",
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                ProjectId(r.try_get("project_id").map_err(db)?),
                PriorityId(r.try_get("priority_id").map_err(db)?),
            ))
        })
        .collect()
}

pub(crate) async fn priorities_of_orgs(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<(OrgId, Priority)>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT o.id AS for_org, p.id, p.org_id, p.system, p.title, p.description, p.version \
         FROM orgs o JOIN priorities p ON p.org_id = o.id OR p.system = o.system \
         WHERE o.id IN ({in}) \
         ORDER BY o.id, p.system IS NULL, p.title COLLATE NOCASE, p.id",
    )
    .await?;
    rows.iter()
        .map(|r| Ok((OrgId(r.try_get("for_org").map_err(db)?), priority_from(r)?)))
        .collect()
}

pub(crate) async fn stall_weeks_of(
    pool: &SqlitePool,
    orgs: &[OrgId],
) -> Result<Vec<(OrgId, u32)>, StoreError> {
    let rows = rows_in(
        pool,
        orgs,
        "SELECT id, stall_weeks FROM orgs WHERE id IN ({in}) ORDER BY id",
    )
    .await?;
    rows.iter()
        .map(|r| {
            let weeks: i64 = r.try_get("stall_weeks").map_err(db)?;
            let weeks =
                u32::try_from(weeks).map_err(|_| corrupt("stall_weeks", &weeks.to_string()))?;
            Ok((OrgId(r.try_get("id").map_err(db)?), weeks))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use gemba_domain::{OrgId, Store};

    use crate::SqliteStore;

    /// More organisations than one `IN (…)` list holds are read in several, all of them.
    #[tokio::test]
    async fn many_organisations_are_read_in_chunks() {
        let store = SqliteStore::in_memory().await.unwrap();
        let mut orgs = Vec::new();
        for i in 0..(2 * super::CHUNK + 1) {
            orgs.push(store.create_org(&format!("Org {i}"), None).await.unwrap());
        }
        orgs.reverse();
        let weeks = store.stall_weeks_of(&orgs).await.unwrap();
        let mut ids: Vec<OrgId> = weeks.iter().map(|(o, _)| *o).collect();
        assert_eq!(ids.len(), orgs.len());
        ids.reverse();
        assert_eq!(ids, orgs, "by organisation, each once");
        assert!(store.projects_of_orgs(&orgs).await.unwrap().is_empty());
    }
}
