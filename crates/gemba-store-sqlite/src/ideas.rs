//! Staff ideas, their supporters and comments, and users' notifications (migration 0025).

use std::collections::HashMap;

use gemba_domain::{
    Became, DriverKind, DriverNodeId, Email, Idea, IdeaComment, IdeaCommentId, IdeaId, IdeaInto,
    IdeaStatus, IdeaText, NewNotification, Notification, NotificationId, OrgId, ProjectId,
    ResponseTarget, StoreError, TeamId, Triage, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::now;
use crate::version::{check, next, swapped};

/// The user of a row's `uid`, `email` and `user_name` columns, if there is one.
fn user_of(r: &SqliteRow) -> Result<Option<User>, StoreError> {
    match r.try_get::<Option<i64>, _>("uid").map_err(db)? {
        Some(id) => {
            let email: String = r.try_get("email").map_err(db)?;
            Ok(Some(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name: r.try_get("user_name").map_err(db)?,
            }))
        }
        None => Ok(None),
    }
}

macro_rules! idea_columns {
    () => {
        "SELECT i.id, i.org_id, i.team_id, i.problem, i.idea, i.area, i.status, i.response, \
         i.created_at, i.first_response_at, i.version, u.id AS uid, u.email, u.name AS user_name \
         FROM ideas i LEFT JOIN users u ON u.id = i.submitter_id "
    };
}

fn idea_from(
    r: &SqliteRow,
    supporters: Vec<UserId>,
    became: Vec<Became>,
) -> Result<Idea, StoreError> {
    let status: String = r.try_get("status").map_err(db)?;
    Ok(Idea {
        id: IdeaId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        team: r
            .try_get::<Option<i64>, _>("team_id")
            .map_err(db)?
            .map(TeamId),
        submitter: user_of(r)?,
        text: IdeaText {
            problem: r.try_get("problem").map_err(db)?,
            idea: r.try_get("idea").map_err(db)?,
            area: r.try_get("area").map_err(db)?,
        },
        status: IdeaStatus::parse(&status).ok_or_else(|| corrupt("ideas.status", &status))?,
        response: r.try_get("response").map_err(db)?,
        supporters,
        created_at: r.try_get("created_at").map_err(db)?,
        first_response_at: r.try_get("first_response_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
        became,
    })
}

/// What ideas became (live projects naming them, then live change ideas of live projects), by
/// idea, each in the order made; `which` is the condition on `idea_id` with one parameter (a constant of the
/// callers below, never input).
async fn lineage(
    pool: &SqlitePool,
    which: &'static str,
    param: i64,
) -> Result<HashMap<i64, Vec<Became>>, StoreError> {
    let sql = format!(
        "SELECT p.idea_id, 0 AS k, p.id AS pid, p.title, NULL AS nid, NULL AS ntext FROM projects p \
         WHERE p.idea_id {which} AND p.deleted_at IS NULL \
         UNION ALL \
         SELECT n.idea_id, 1 AS k, p.id AS pid, p.title, n.id AS nid, n.text AS ntext \
         FROM driver_nodes n JOIN projects p ON p.id = n.project_id \
         WHERE n.idea_id {which} AND n.deleted_at IS NULL AND p.deleted_at IS NULL \
         ORDER BY 1, 2, 3, 5"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(param)
        .bind(param)
        .fetch_all(pool)
        .await
        .map_err(db)?;
    let mut out: HashMap<i64, Vec<Became>> = HashMap::new();
    for r in rows {
        let idea: i64 = r.try_get("idea_id").map_err(db)?;
        let node: Option<i64> = r.try_get("nid").map_err(db)?;
        let text: Option<String> = r.try_get("ntext").map_err(db)?;
        out.entry(idea).or_default().push(Became {
            project: ProjectId(r.try_get("pid").map_err(db)?),
            project_title: r.try_get("title").map_err(db)?,
            change_idea: node.map(|n| (DriverNodeId(n), text.unwrap_or_default())),
        });
    }
    Ok(out)
}

pub(crate) async fn create_idea(
    pool: &SqlitePool,
    org: OrgId,
    team: Option<TeamId>,
    text: &IdeaText,
    by: UserId,
) -> Result<IdeaId, StoreError> {
    let at = now();
    let done = sqlx::query(
        "INSERT INTO ideas (org_id, team_id, submitter_id, problem, idea, area, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org.0)
    .bind(team.map(|t| t.0))
    .bind(by.0)
    .bind(&text.problem)
    .bind(&text.idea)
    .bind(&text.area)
    .bind(at)
    .bind(at)
    .execute(pool)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    Ok(IdeaId(done.last_insert_rowid()))
}

pub(crate) async fn ideas(pool: &SqlitePool, org: OrgId) -> Result<Vec<Idea>, StoreError> {
    let rows = sqlx::query(concat!(
        idea_columns!(),
        "WHERE i.org_id = ? ORDER BY i.created_at DESC, i.id DESC"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let support_rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.idea_id, s.user_id FROM idea_supports s JOIN ideas i ON i.id = s.idea_id \
         WHERE i.org_id = ? ORDER BY s.idea_id, s.user_id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut supports: HashMap<i64, Vec<UserId>> = HashMap::new();
    for (idea, user) in support_rows {
        supports.entry(idea).or_default().push(UserId(user));
    }
    let mut became = lineage(pool, "IN (SELECT id FROM ideas WHERE org_id = ?)", org.0).await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id").map_err(db)?;
            idea_from(
                r,
                supports.remove(&id).unwrap_or_default(),
                became.remove(&id).unwrap_or_default(),
            )
        })
        .collect()
}

pub(crate) async fn idea(pool: &SqlitePool, id: IdeaId) -> Result<Option<Idea>, StoreError> {
    let row = sqlx::query(concat!(idea_columns!(), "WHERE i.id = ?"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    let supporters: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM idea_supports WHERE idea_id = ? ORDER BY user_id")
            .bind(id.0)
            .fetch_all(pool)
            .await
            .map_err(db)?;
    let became = lineage(pool, "= ?", id.0).await?.remove(&id.0);
    Ok(Some(idea_from(
        &r,
        supporters.into_iter().map(UserId).collect(),
        became.unwrap_or_default(),
    )?))
}

pub(crate) async fn set_idea_support(
    pool: &SqlitePool,
    id: IdeaId,
    user: UserId,
    supports: bool,
) -> Result<(), StoreError> {
    if supports {
        sqlx::query(
            "INSERT OR IGNORE INTO idea_supports (idea_id, user_id, supported_at) VALUES (?, ?, ?)",
        )
        .bind(id.0)
        .bind(user.0)
        .bind(now())
        .execute(pool)
        .await
        .map_err(missing(format!("the idea {id}")))?;
    } else {
        sqlx::query("DELETE FROM idea_supports WHERE idea_id = ? AND user_id = ?")
            .bind(id.0)
            .bind(user.0)
            .execute(pool)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Writes a notification on `conn` (inside the caller's transaction).
/// Writes a notification, and its e-mail into the outbox while e-mail is on, in the caller's
/// transaction.
pub(crate) async fn notify(
    conn: &mut SqliteConnection,
    n: &NewNotification,
) -> Result<(), StoreError> {
    let at = now();
    let done = sqlx::query(
        "INSERT INTO notifications (user_id, text, link, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(n.user.0)
    .bind(&n.text)
    .bind(&n.link)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    crate::email::enqueue(&mut *conn, done.last_insert_rowid(), n, at).await
}

pub(crate) async fn add_idea_comment(
    pool: &SqlitePool,
    id: IdeaId,
    by: UserId,
    text: &str,
    notification: Option<&NewNotification>,
) -> Result<IdeaCommentId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let done = sqlx::query(
        "INSERT INTO idea_comments (idea_id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(by.0)
    .bind(text)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the idea {id}")))?;
    if let Some(n) = notification {
        notify(&mut tx, n).await?;
    }
    tx.commit().await.map_err(db)?;
    Ok(IdeaCommentId(done.last_insert_rowid()))
}

pub(crate) async fn idea_comments(
    pool: &SqlitePool,
    id: IdeaId,
) -> Result<Vec<IdeaComment>, StoreError> {
    sqlx::query(
        "SELECT c.id, c.text, c.created_at, u.id AS uid, u.email, u.name AS user_name \
         FROM idea_comments c LEFT JOIN users u ON u.id = c.author_id \
         WHERE c.idea_id = ? ORDER BY c.id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(|r| {
        Ok(IdeaComment {
            id: IdeaCommentId(r.try_get("id").map_err(db)?),
            author: user_of(r)?,
            text: r.try_get("text").map_err(db)?,
            at: r.try_get("created_at").map_err(db)?,
        })
    })
    .collect()
}

pub(crate) async fn triage_idea(
    pool: &SqlitePool,
    id: IdeaId,
    triage: &Triage,
    expected: Version,
    notification: Option<&NewNotification>,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let version = triage_in(&mut tx, id, triage, expected, notification).await?;
    tx.commit().await.map_err(db)?;
    Ok(version)
}

/// Triages idea `id` still at `expected` and writes the notification, in the caller's
/// transaction; the new version.
async fn triage_in(
    tx: &mut SqliteConnection,
    id: IdeaId,
    triage: &Triage,
    expected: Version,
    notification: Option<&NewNotification>,
) -> Result<Version, StoreError> {
    let stored: Option<i64> = sqlx::query_scalar("SELECT version FROM ideas WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    let Some(stored) = stored else {
        return Err(StoreError::Missing(format!("the idea {id}")));
    };
    let what = || format!("the idea {id}");
    check(what, Version(stored), Some(expected))?;
    let at = now();
    let done = sqlx::query(
        "UPDATE ideas SET status = ?, response = ?, updated_at = ?, \
         first_response_at = COALESCE(first_response_at, ?), version = version + 1 \
         WHERE id = ? AND version = ?",
    )
    .bind(triage.status.name())
    .bind(&triage.response)
    .bind(at)
    .bind(at)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())?;
    if let Some(n) = notification {
        notify(&mut *tx, n).await?;
    }
    Ok(next(expected))
}

pub(crate) async fn convert_idea(
    pool: &SqlitePool,
    id: IdeaId,
    expected: Version,
    into: &IdeaInto,
    triage: &Triage,
    notification: Option<&NewNotification>,
    by: UserId,
) -> Result<Became, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let org: Option<i64> = sqlx::query_scalar("SELECT org_id FROM ideas WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    let org = OrgId(org.ok_or_else(|| StoreError::Missing(format!("the idea {id}")))?);
    let became = match into {
        IdeaInto::Project(fields) => {
            let project = crate::projects::insert(&mut tx, org, fields, by).await?;
            sqlx::query("UPDATE projects SET idea_id = ? WHERE id = ?")
                .bind(id.0)
                .bind(project.0)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            Became {
                project,
                project_title: fields.title.as_str().to_owned(),
                change_idea: None,
            }
        }
        IdeaInto::ChangeIdea {
            project,
            driver,
            text,
        } => {
            let project_org = crate::projects::live_project(&mut tx, *project).await?;
            if project_org != org {
                return Err(StoreError::Missing(format!("the project {project}")));
            }
            crate::drivers::check_in_project(&mut tx, *driver, *project).await?;
            let node = crate::drivers::insert(
                &mut tx,
                *project,
                Some(*driver),
                DriverKind::ChangeIdea,
                text,
                by,
            )
            .await?;
            sqlx::query("UPDATE driver_nodes SET idea_id = ? WHERE id = ?")
                .bind(id.0)
                .bind(node.0)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let title: String = sqlx::query_scalar("SELECT title FROM projects WHERE id = ?")
                .bind(project.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
            Became {
                project: *project,
                project_title: title,
                change_idea: Some((node, text.clone())),
            }
        }
    };
    triage_in(&mut tx, id, triage, expected, notification).await?;
    tx.commit().await.map_err(db)?;
    Ok(became)
}

pub(crate) async fn response_target(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Option<ResponseTarget>, StoreError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT days, version FROM idea_response_targets WHERE org_id = ?")
            .bind(org.0)
            .fetch_optional(pool)
            .await
            .map_err(db)?;
    row.map(|(days, version)| {
        Ok(ResponseTarget {
            days: u32::try_from(days)
                .map_err(|_| corrupt("idea_response_targets.days", &days.to_string()))?,
            version: Version(version),
        })
    })
    .transpose()
}

pub(crate) async fn set_response_target(
    pool: &SqlitePool,
    org: OrgId,
    days: u32,
    expected: Version,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT version FROM idea_response_targets WHERE org_id = ?")
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let what = || format!("the response target of organisation {org}");
    check(what, Version(stored.unwrap_or(0)), Some(expected))?;
    sqlx::query(
        "INSERT INTO idea_response_targets (org_id, days, version) VALUES (?, ?, 1) \
         ON CONFLICT (org_id) DO UPDATE SET days = excluded.days, version = version + 1",
    )
    .bind(org.0)
    .bind(i64::from(days))
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn notifications(
    pool: &SqlitePool,
    user: UserId,
    limit: usize,
) -> Result<Vec<Notification>, StoreError> {
    sqlx::query(
        "SELECT id, text, link, created_at, read_at IS NOT NULL AS read FROM notifications \
         WHERE user_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user.0)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(|r| {
        Ok(Notification {
            id: NotificationId(r.try_get("id").map_err(db)?),
            text: r.try_get("text").map_err(db)?,
            link: r.try_get("link").map_err(db)?,
            at: r.try_get("created_at").map_err(db)?,
            read: r.try_get("read").map_err(db)?,
        })
    })
    .collect()
}

pub(crate) async fn mark_notifications_read(
    pool: &SqlitePool,
    user: UserId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
        .bind(now())
        .bind(user.0)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}
