//! Who is on a project's team, and who could be: the members of its organisation.

use gemba_domain::history::{Action, Field, HistoryObject, ObjectKind};
use gemba_domain::{HistoryRecord, OrgId, ProjectId, Role, StoreError, User, UserId, Version};
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::people::user_from;
use crate::projects::live_project;
use crate::version::{check, next, swapped};

pub(crate) async fn org_members(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(User, Role)>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id AS user_id, u.email, u.name, m.role FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND m.deactivated_at IS NULL \
         ORDER BY u.name, u.id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(db)?;
            let role = Role::parse(&role).ok_or_else(|| corrupt("memberships.role", &role))?;
            Ok((user_from(r)?, role))
        })
        .collect()
}

pub(crate) async fn project_members(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id AS user_id, u.email, u.name FROM project_members pm \
         JOIN users u ON u.id = pm.user_id WHERE pm.project_id = ? ORDER BY u.name, u.id",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(user_from).collect()
}

pub(crate) async fn org_project_members(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
    let rows = sqlx::query(
        "SELECT pm.project_id, pm.user_id FROM project_members pm \
         JOIN projects p ON p.id = pm.project_id WHERE p.org_id = ? AND p.deleted_at IS NULL \
         ORDER BY pm.project_id, pm.user_id",
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
            ))
        })
        .collect()
}

/// Adds `user` to the project's team; they must be a member of the project's organisation.
pub(crate) async fn add_project_member(
    pool: &SqlitePool,
    project: ProjectId,
    user: UserId,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let org = live_project(&mut tx, project).await?;
    let name: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE u.id = ? AND m.org_id = ?",
    )
    .bind(user.0)
    .bind(org.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let name = name.ok_or_else(|| {
        StoreError::Missing(format!("the user {user} in the project's organisation"))
    })?;
    let at = now();
    let added = sqlx::query(
        "INSERT INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?) \
         ON CONFLICT (project_id, user_id) DO NOTHING",
    )
    .bind(project.0)
    .bind(user.0)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?
    .rows_affected();
    if added > 0 {
        let object = HistoryObject::new(ObjectKind::TeamMember, user.0, name);
        let added = HistoryRecord::new(object, Action::MemberAdded);
        record(&mut tx, project, by, at, &[added]).await?;
    }
    tx.commit().await.map_err(db)
}

/// Takes `user` off the project's team (nothing happens if they were not on it).
pub(crate) async fn remove_project_member(
    pool: &SqlitePool,
    project: ProjectId,
    user: UserId,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    live_project(&mut tx, project).await?;
    let name: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM project_members pm JOIN users u ON u.id = pm.user_id \
         WHERE pm.project_id = ? AND pm.user_id = ?",
    )
    .bind(project.0)
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    if let Some(name) = name {
        sqlx::query("DELETE FROM project_members WHERE project_id = ? AND user_id = ?")
            .bind(project.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let object = HistoryObject::new(ObjectKind::TeamMember, user.0, name);
        let removed = HistoryRecord::new(object, Action::MemberRemoved);
        record(&mut tx, project, by, now(), &[removed]).await?;
    }
    tx.commit().await.map_err(db)
}

/// Makes `lead` the project's lead (or leaves it without one), putting them on its team.
pub(crate) async fn set_project_lead(
    pool: &SqlitePool,
    project: ProjectId,
    lead: Option<UserId>,
    expected: Option<Version>,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let org = live_project(&mut tx, project).await?;
    let row = sqlx::query("SELECT title, version, lead_id FROM projects WHERE id = ?")
        .bind(project.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
    let title: String = row.try_get("title").map_err(db)?;
    let stored = Version(row.try_get("version").map_err(db)?);
    let current: Option<i64> = row.try_get("lead_id").map_err(db)?;
    check(|| format!("the project “{title}”"), stored, expected)?;
    if current == lead.map(|u| u.0) {
        return Ok(stored);
    }
    let name_of = |user: i64| {
        sqlx::query_scalar::<_, String>("SELECT name FROM users WHERE id = ?").bind(user)
    };
    let old = match current {
        Some(u) => name_of(u).fetch_optional(&mut *tx).await.map_err(db)?,
        None => None,
    };
    let new = match lead {
        None => None,
        Some(user) => {
            let found = sqlx::query(
                "SELECT u.name, m.role FROM users u JOIN memberships m ON m.user_id = u.id \
                 WHERE u.id = ? AND m.org_id = ? AND m.deactivated_at IS NULL",
            )
            .bind(user.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| {
                StoreError::Missing(format!("the user {user} in the project's organisation"))
            })?;
            let name: String = found.try_get("name").map_err(db)?;
            let role: String = found.try_get("role").map_err(db)?;
            if let Some(r) = Role::parse(&role).filter(|r| r.only_reads_work()) {
                return Err(StoreError::Refused(format!(
                    "{name} is {}, who reads but does not lead projects",
                    match r {
                        Role::Finance => "in finance",
                        _ => "a board viewer",
                    }
                )));
            }
            sqlx::query(
                "INSERT INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?) \
                 ON CONFLICT (project_id, user_id) DO NOTHING",
            )
            .bind(project.0)
            .bind(user.0)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            Some(name)
        }
    };
    let change = HistoryRecord::changed(
        HistoryObject::new(ObjectKind::Project, project.0, title.clone()),
        Field::Lead,
        old,
        new,
    );
    let done = sqlx::query(
        "UPDATE projects SET lead_id = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(lead.map(|u| u.0))
    .bind(project.0)
    .bind(stored.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(|| format!("the project “{title}”"), done.rows_affected())?;
    record(&mut tx, project, by, now(), &[change]).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(stored))
}
