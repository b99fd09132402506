//! A project's progress override (the score its lead set over the derived one, with why, who
//! and when) and the organisation's setting for stalled work.

use gemba_domain::{
    override_record, OrgId, ProgressOverride, ProjectId, Score, StoreError, UserId, Version,
};
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::version::{check, next, swapped};

pub(crate) async fn progress_override(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Option<ProgressOverride>, StoreError> {
    let row = sqlx::query(
        "SELECT p.progress_tenths, p.progress_reason, p.progress_by, p.progress_at, \
         COALESCE(u.name, 'a removed user') AS who \
         FROM projects p LEFT JOIN users u ON u.id = p.progress_by \
         WHERE p.id = ? AND p.progress_tenths IS NOT NULL",
    )
    .bind(project.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let tenths: i64 = row.try_get("progress_tenths").map_err(db)?;
    let score = Score::from_tenths(tenths)
        .ok_or_else(|| corrupt("progress_tenths", &tenths.to_string()))?;
    Ok(Some(ProgressOverride {
        score,
        reason: row
            .try_get::<Option<String>, _>("progress_reason")
            .map_err(db)?
            .unwrap_or_default(),
        by: row
            .try_get::<Option<i64>, _>("progress_by")
            .map_err(db)?
            .map(UserId),
        who: row.try_get("who").map_err(db)?,
        at: row
            .try_get::<Option<chrono::NaiveDateTime>, _>("progress_at")
            .map_err(db)?
            .unwrap_or_default(),
    }))
}

pub(crate) async fn set_progress_override(
    pool: &SqlitePool,
    project: ProjectId,
    score: Option<(Score, &str)>,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    live_project(&mut tx, project).await?;
    let row = sqlx::query(
        "SELECT title, version, progress_tenths, progress_reason FROM projects WHERE id = ?",
    )
    .bind(project.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    let title: String = row.try_get("title").map_err(db)?;
    let stored = Version(row.try_get("version").map_err(db)?);
    let what = || format!("the project “{title}”");
    check(what, stored, Some(expected))?;
    let old = row
        .try_get::<Option<i64>, _>("progress_tenths")
        .map_err(db)?
        .and_then(Score::from_tenths);
    let old_reason: Option<String> = row.try_get("progress_reason").map_err(db)?;
    let same = match (old, score) {
        (None, None) => true,
        (Some(o), Some((s, why))) => o == s && old_reason.as_deref() == Some(why),
        _ => false,
    };
    if same {
        return Ok(stored);
    }
    let at = now();
    let done = sqlx::query(
        "UPDATE projects SET progress_tenths = ?, progress_reason = ?, progress_by = ?, \
         progress_at = ?, version = version + 1 WHERE id = ? AND version = ?",
    )
    .bind(score.map(|(s, _)| s.tenths()))
    .bind(score.map(|(_, why)| why))
    .bind(score.map(|_| by.0))
    .bind(score.map(|_| at))
    .bind(project.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())?;
    record(
        &mut tx,
        project,
        by,
        at,
        &[override_record(project, &title, old, score)],
    )
    .await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn stall_weeks(pool: &SqlitePool, org: OrgId) -> Result<u32, StoreError> {
    let weeks: Option<i64> = sqlx::query_scalar("SELECT stall_weeks FROM orgs WHERE id = ?")
        .bind(org.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    let weeks = weeks.ok_or_else(|| StoreError::Missing(format!("the organisation {org}")))?;
    u32::try_from(weeks).map_err(|_| corrupt("stall_weeks", &weeks.to_string()))
}

pub(crate) async fn set_stall_weeks(
    pool: &SqlitePool,
    org: OrgId,
    weeks: u32,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE orgs SET stall_weeks = ? WHERE id = ?")
        .bind(i64::from(weeks))
        .bind(org.0)
        .execute(pool)
        .await
        .map_err(|_| StoreError::Refused(format!("{weeks} weeks is not from 1 to 52")))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the organisation {org}")));
    }
    Ok(())
}
