//! Staff ideas, their supporters and comments, and users' notifications (migration 0025).

use std::collections::HashMap;

use gemba_domain::{
    Email, Idea, IdeaComment, IdeaCommentId, IdeaId, IdeaStatus, IdeaText, NewNotification,
    Notification, NotificationId, OrgId, StoreError, TeamId, Triage, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

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

fn idea_from(r: &SqliteRow, supporters: Vec<UserId>) -> Result<Idea, StoreError> {
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
    })
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
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id").map_err(db)?;
            idea_from(r, supports.remove(&id).unwrap_or_default())
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
    Ok(Some(idea_from(
        &r,
        supporters.into_iter().map(UserId).collect(),
    )?))
}

pub(crate) async fn set_idea_support(
    pool: &SqlitePool,
    id: IdeaId,
    user: UserId,
    supports: bool,
) -> Result<(), StoreError> {
    if supports {
        sqlx::query("INSERT OR IGNORE INTO idea_supports (idea_id, user_id) VALUES (?, ?)")
            .bind(id.0)
            .bind(user.0)
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
pub(crate) async fn notify(
    conn: &mut SqliteConnection,
    n: &NewNotification,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO notifications (user_id, text, link, created_at) VALUES (?, ?, ?, ?)")
        .bind(n.user.0)
        .bind(&n.text)
        .bind(&n.link)
        .bind(now())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
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
        notify(&mut tx, n).await?;
    }
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
