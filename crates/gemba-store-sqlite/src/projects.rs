//! Projects: created, read, changed, deleted softly and restored, each change in the history.

use std::collections::HashMap;

use gemba_domain::{
    IdeaId, OrgId, Project, ProjectFields, ProjectId, ProjectKind, ProjectStatus, StoreError,
    TeamId, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};
use gemba_domain::history::{project_changes, Action, HistoryObject, LinkLabels, ObjectKind};
use gemba_domain::HistoryRecord;

use crate::history::{now, record};
use crate::version::{check, next, swapped};

/// Fails with `Missing` unless the project exists and is not deleted; returns its organisation.
/// Every write below a project checks this first, so a deleted project cannot change.
pub(crate) async fn live_project(
    conn: &mut SqliteConnection,
    id: ProjectId,
) -> Result<OrgId, StoreError> {
    let org: Option<i64> =
        sqlx::query_scalar("SELECT org_id FROM projects WHERE id = ? AND deleted_at IS NULL")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    org.map(OrgId)
        .ok_or_else(|| StoreError::Missing(format!("the project {id}")))
}

/// Fails with `Missing` unless the team belongs to the organisation.
async fn check_team(
    conn: &mut SqliteConnection,
    org: OrgId,
    team: Option<TeamId>,
) -> Result<(), StoreError> {
    let Some(team) = team else { return Ok(()) };
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = ? AND org_id = ?")
        .bind(team.0)
        .bind(org.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Missing(format!(
            "the team {team} in the organisation {org}"
        ))),
    }
}

async fn write_tags(
    conn: &mut SqliteConnection,
    project: ProjectId,
    tags: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM project_tags WHERE project_id = ?")
        .bind(project.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for (position, tag) in (0_i64..).zip(tags) {
        sqlx::query("INSERT INTO project_tags (project_id, position, tag) VALUES (?, ?, ?)")
            .bind(project.0)
            .bind(position)
            .bind(tag)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

pub(crate) fn project_from(r: &SqliteRow, tags: Vec<String>) -> Result<Project, StoreError> {
    let status: String = r.try_get("status").map_err(db)?;
    Ok(Project {
        id: ProjectId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        team: r
            .try_get::<Option<i64>, _>("team_id")
            .map_err(db)?
            .map(TeamId),
        title: r.try_get("title").map_err(db)?,
        problem: r.try_get("problem").map_err(db)?,
        aim: r.try_get("aim").map_err(db)?,
        method: r.try_get("method").map_err(db)?,
        status: ProjectStatus::parse(&status).ok_or_else(|| corrupt("projects.status", &status))?,
        sponsor: r.try_get("sponsor").map_err(db)?,
        tags,
        lead: r
            .try_get::<Option<i64>, _>("lead_id")
            .map_err(db)?
            .map(UserId),
        kind: {
            let kind: String = r.try_get("kind").map_err(db)?;
            ProjectKind::parse(&kind).ok_or_else(|| corrupt("projects.kind", &kind))?
        },
        created_at: r.try_get("created_at").map_err(db)?,
        updated_at: r.try_get("updated_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
        private: r.try_get("private").map_err(db)?,
        idea: r
            .try_get::<Option<i64>, _>("idea_id")
            .map_err(db)?
            .map(IdeaId),
    })
}

/// The project row, deleted or not, with a flag saying which.
async fn load(
    conn: &mut SqliteConnection,
    id: ProjectId,
) -> Result<Option<(Project, bool)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, org_id, team_id, title, problem, aim, method, status, sponsor, \
         lead_id, kind, created_at, updated_at, version, private, idea_id, deleted_at IS NOT NULL AS deleted FROM projects \
         WHERE id = ?",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    let tags: Vec<String> =
        sqlx::query_scalar("SELECT tag FROM project_tags WHERE project_id = ? ORDER BY position")
            .bind(id.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let deleted: bool = r.try_get("deleted").map_err(db)?;
    Ok(Some((project_from(&r, tags)?, deleted)))
}

pub(crate) async fn create_project(
    pool: &SqlitePool,
    org: OrgId,
    f: &ProjectFields,
    by: UserId,
) -> Result<ProjectId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let id = insert(&mut tx, org, f, by).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

/// Inserts a project led by `by`, with its tags and its history record, in the caller's
/// transaction.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    org: OrgId,
    f: &ProjectFields,
    by: UserId,
) -> Result<ProjectId, StoreError> {
    let at = now();
    check_team(&mut *conn, org, f.team).await?;
    let done = sqlx::query(
        "INSERT INTO projects (org_id, team_id, title, problem, aim, method, status, sponsor, \
         lead_id, created_at, updated_at, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org.0)
    .bind(f.team.map(|t| t.0))
    .bind(f.title.as_str())
    .bind(&f.problem)
    .bind(&f.aim)
    .bind(&f.method)
    .bind(f.status.name())
    .bind(&f.sponsor)
    .bind(by.0)
    .bind(at)
    .bind(at)
    .bind(f.private)
    .execute(&mut *conn)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    let id = ProjectId(done.last_insert_rowid());
    write_tags(&mut *conn, id, &f.tags).await?;
    let created = project_record(id, f.title.as_str(), Action::Created);
    record(&mut *conn, id, by, at, &[created]).await?;
    Ok(id)
}

pub(crate) async fn project(
    pool: &SqlitePool,
    id: ProjectId,
) -> Result<Option<Project>, StoreError> {
    let mut conn = pool.acquire().await.map_err(db)?;
    Ok(match load(&mut conn, id).await? {
        Some((p, false)) => Some(p),
        _ => None,
    })
}

/// The organisation's projects, deleted or not.
pub(crate) async fn list(
    pool: &SqlitePool,
    org: OrgId,
    deleted: bool,
) -> Result<Vec<Project>, StoreError> {
    let rows = if deleted {
        sqlx::query(
            "SELECT id, org_id, team_id, title, problem, aim, method, status, sponsor, \
             lead_id, kind, created_at, updated_at, version, private, idea_id FROM projects \
             WHERE org_id = ? AND deleted_at IS NOT NULL AND kind = 'improvement' \
             ORDER BY deleted_at DESC, id DESC",
        )
    } else {
        sqlx::query(
            "SELECT id, org_id, team_id, title, problem, aim, method, status, sponsor, \
             lead_id, kind, created_at, updated_at, version, private, idea_id FROM projects \
             WHERE org_id = ? AND deleted_at IS NULL AND kind = 'improvement' \
             ORDER BY updated_at DESC, id DESC",
        )
    }
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let tag_rows = sqlx::query(
        "SELECT t.project_id, t.tag FROM project_tags t JOIN projects p ON p.id = t.project_id \
         WHERE p.org_id = ? AND (p.deleted_at IS NOT NULL) = ? ORDER BY t.project_id, t.position",
    )
    .bind(org.0)
    .bind(deleted)
    .fetch_all(pool)
    .await
    .map_err(db)?;
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

/// A project's record of `action`, the project named `title`.
fn project_record(id: ProjectId, title: &str, action: Action) -> HistoryRecord {
    HistoryRecord::new(HistoryObject::new(ObjectKind::Project, id.0, title), action)
}

/// A team's name, for a history record of a change of team (`None` for no team).
async fn team_name(
    conn: &mut SqliteConnection,
    team: Option<TeamId>,
) -> Result<Option<String>, StoreError> {
    let Some(team) = team else {
        return Ok(None);
    };
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM teams WHERE id = ?")
        .bind(team.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    Ok(Some(name.unwrap_or_else(|| format!("team {team}"))))
}

pub(crate) async fn update_project(
    pool: &SqlitePool,
    id: ProjectId,
    f: &ProjectFields,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let old = match load(&mut tx, id).await? {
        Some((p, false)) => p,
        _ => return Err(StoreError::Missing(format!("the project {id}"))),
    };
    let what = || format!("the project “{}”", old.title);
    check(what, old.version, Some(expected))?;
    if f.team != old.team {
        check_team(&mut tx, old.org, f.team).await?;
    }
    let teams = if old.team == f.team {
        LinkLabels::default()
    } else {
        LinkLabels {
            old: team_name(&mut tx, old.team).await?,
            new: team_name(&mut tx, f.team).await?,
        }
    };
    let changed = project_changes(&old, f, teams);
    if changed.is_empty() {
        return Ok(expected);
    }
    let done = sqlx::query(
        "UPDATE projects SET team_id = ?, title = ?, problem = ?, aim = ?, method = ?, \
         status = ?, sponsor = ?, private = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(f.team.map(|t| t.0))
    .bind(f.title.as_str())
    .bind(&f.problem)
    .bind(&f.aim)
    .bind(&f.method)
    .bind(f.status.name())
    .bind(&f.sponsor)
    .bind(f.private)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the team of the project {id}")))?;
    swapped(what, done.rows_affected())?;
    if old.tags != f.tags {
        write_tags(&mut tx, id, &f.tags).await?;
    }
    record(&mut tx, id, by, at, &changed).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn delete_project(
    pool: &SqlitePool,
    id: ProjectId,
    expected: Option<Version>,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let old = match load(&mut tx, id).await? {
        Some((p, false)) => p,
        _ => return Err(StoreError::Missing(format!("the project {id}"))),
    };
    if old.kind == ProjectKind::Organisation {
        return Err(StoreError::Refused(
            "the organisation's own measures cannot be deleted as a project".to_owned(),
        ));
    }
    let what = || format!("the project “{}”", old.title);
    check(what, old.version, expected)?;
    let done = sqlx::query(
        "UPDATE projects SET deleted_at = ?, deleted_by = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(at)
    .bind(by.0)
    .bind(id.0)
    .bind(old.version.0)
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the user {by}")))?;
    swapped(what, done.rows_affected())?;
    let deleted = project_record(id, &old.title, Action::Deleted);
    record(&mut tx, id, by, at, &[deleted]).await?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn restore_project(
    pool: &SqlitePool,
    id: ProjectId,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let done = sqlx::query(
        "UPDATE projects SET deleted_at = NULL, deleted_by = NULL, version = version + 1 \
         WHERE id = ? AND deleted_at IS NOT NULL RETURNING title",
    )
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let Some(title) = done else {
        return Err(StoreError::Missing(format!("the deleted project {id}")));
    };
    let title: String = title.try_get("title").map_err(db)?;
    let restored = project_record(id, &title, Action::Restored);
    record(&mut tx, id, by, at, &[restored]).await?;
    tx.commit().await.map_err(db)
}
