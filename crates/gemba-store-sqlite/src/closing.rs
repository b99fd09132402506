//! Projects' closing summaries.

use gemba_domain::{
    ClosingSummary, ClosingText, Email, ProjectId, StoreError, User, UserId, Version,
};
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::now;
use crate::version::{check, next};

pub(crate) async fn closing_summary(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Option<ClosingSummary>, StoreError> {
    let row = sqlx::query(
        "SELECT c.what_worked, c.what_did_not, c.results, c.updated_at, c.version, \
         u.id AS author, u.email, u.name AS user_name \
         FROM closing_summaries c LEFT JOIN users u ON u.id = c.author_id WHERE c.project_id = ?",
    )
    .bind(project.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    let author = match r.try_get::<Option<i64>, _>("author").map_err(db)? {
        Some(id) => {
            let email: String = r.try_get("email").map_err(db)?;
            Some(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name: r.try_get("user_name").map_err(db)?,
            })
        }
        None => None,
    };
    Ok(Some(ClosingSummary {
        project,
        text: ClosingText {
            what_worked: r.try_get("what_worked").map_err(db)?,
            what_did_not: r.try_get("what_did_not").map_err(db)?,
            results: r.try_get("results").map_err(db)?,
        },
        author,
        updated_at: r.try_get("updated_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    }))
}

pub(crate) async fn set_closing_summary(
    pool: &SqlitePool,
    project: ProjectId,
    text: &ClosingText,
    expected: Option<Version>,
    by: UserId,
) -> Result<Version, StoreError> {
    let what = || "the closing summary".to_owned();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let live: Option<i64> =
        sqlx::query_scalar("SELECT id FROM projects WHERE id = ? AND deleted_at IS NULL")
            .bind(project.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    if live.is_none() {
        return Err(StoreError::Missing(format!("the project {project}")));
    }
    let current: Option<i64> =
        sqlx::query_scalar("SELECT version FROM closing_summaries WHERE project_id = ?")
            .bind(project.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let at = now();
    let version = match current {
        None => {
            if expected.is_some() {
                return Err(StoreError::Stale(what()));
            }
            sqlx::query(
                "INSERT INTO closing_summaries (project_id, what_worked, what_did_not, results, \
                 author_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(project.0)
            .bind(&text.what_worked)
            .bind(&text.what_did_not)
            .bind(&text.results)
            .bind(by.0)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            Version(1)
        }
        Some(v) => {
            let v = Version(v);
            check(what, v, expected)?;
            sqlx::query(
                "UPDATE closing_summaries SET what_worked = ?, what_did_not = ?, results = ?, \
                 author_id = ?, updated_at = ?, version = version + 1 WHERE project_id = ?",
            )
            .bind(&text.what_worked)
            .bind(&text.what_did_not)
            .bind(&text.results)
            .bind(by.0)
            .bind(at)
            .bind(project.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            next(v)
        }
    };
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(project.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(version)
}
