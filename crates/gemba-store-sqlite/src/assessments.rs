//! The board's self-assessments: an assessment per session, and each member's ratings in it
//! as one versioned submission.

use gemba_domain::{
    Assessment, AssessmentFields, AssessmentId, Dimension, Maturity, OrgId, Rating, StoreError,
    Submission, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::now;
use crate::people::user_from;
use crate::version::{check, next};

fn assessment_from(r: &SqliteRow) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        id: AssessmentId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        title: r.try_get("title").map_err(db)?,
        date: r.try_get("held_on").map_err(db)?,
    })
}

pub(crate) async fn create(
    pool: &SqlitePool,
    org: OrgId,
    fields: &AssessmentFields,
    by: UserId,
) -> Result<AssessmentId, StoreError> {
    let done = sqlx::query(
        "INSERT INTO assessments (org_id, title, held_on, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(org.0)
    .bind(fields.title.as_str())
    .bind(fields.date)
    .bind(by.0)
    .bind(now())
    .execute(pool)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    Ok(AssessmentId(done.last_insert_rowid()))
}

pub(crate) async fn one(
    pool: &SqlitePool,
    id: AssessmentId,
) -> Result<Option<Assessment>, StoreError> {
    sqlx::query("SELECT id, org_id, title, held_on FROM assessments WHERE id = ?")
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(assessment_from)
        .transpose()
}

pub(crate) async fn of_org(pool: &SqlitePool, org: OrgId) -> Result<Vec<Assessment>, StoreError> {
    sqlx::query(
        "SELECT id, org_id, title, held_on FROM assessments WHERE org_id = ? \
         ORDER BY held_on, id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(assessment_from)
    .collect()
}

pub(crate) async fn submissions(
    pool: &SqlitePool,
    id: AssessmentId,
) -> Result<Vec<Submission>, StoreError> {
    let people = sqlx::query(
        "SELECT s.user_id, s.version, u.email, u.name FROM assessment_submissions s \
         JOIN users u ON u.id = s.user_id WHERE s.assessment_id = ? ORDER BY u.name, u.id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let ratings = sqlx::query(
        "SELECT user_id, dimension, level, note FROM assessment_ratings \
         WHERE assessment_id = ?",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut out = Vec::with_capacity(people.len());
    for p in &people {
        let user = user_from(p)?;
        let mut mine = Vec::new();
        for r in ratings.iter() {
            if r.try_get::<i64, _>("user_id").map_err(db)? != user.id.0 {
                continue;
            }
            let dimension: String = r.try_get("dimension").map_err(db)?;
            let level: i64 = r.try_get("level").map_err(db)?;
            mine.push(Rating {
                dimension: Dimension::parse(&dimension)
                    .ok_or_else(|| corrupt("assessment_ratings.dimension", &dimension))?,
                level: Maturity::from_level(level)
                    .ok_or_else(|| corrupt("assessment_ratings.level", &level.to_string()))?,
                note: r.try_get("note").map_err(db)?,
            });
        }
        mine.sort_by_key(|r| r.dimension);
        out.push(Submission {
            user,
            ratings: mine,
            version: Version(p.try_get("version").map_err(db)?),
        });
    }
    Ok(out)
}

pub(crate) async fn set_ratings(
    pool: &SqlitePool,
    id: AssessmentId,
    user: UserId,
    ratings: &[Rating],
    expected: Option<Version>,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let stored: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM assessment_submissions WHERE assessment_id = ? AND user_id = ?",
    )
    .bind(id.0)
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let stored = Version(stored.unwrap_or(0));
    check(
        || format!("the ratings of user {user} in assessment {id}"),
        stored,
        expected,
    )?;
    let before: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT dimension, level, note FROM assessment_ratings \
         WHERE assessment_id = ? AND user_id = ? ORDER BY dimension",
    )
    .bind(id.0)
    .bind(user.0)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let mut after: Vec<(String, i64, String)> = ratings
        .iter()
        .map(|r| {
            (
                r.dimension.name().to_owned(),
                i64::from(r.level.level()),
                r.note.clone(),
            )
        })
        .collect();
    after.sort();
    if stored.0 > 0 && before == after {
        return Ok(stored);
    }
    let version = next(stored);
    sqlx::query(
        "INSERT INTO assessment_submissions (assessment_id, user_id, version, updated_at) \
         VALUES (?, ?, ?, ?) ON CONFLICT (assessment_id, user_id) \
         DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
    )
    .bind(id.0)
    .bind(user.0)
    .bind(version.0)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the assessment {id} or user {user}")))?;
    sqlx::query("DELETE FROM assessment_ratings WHERE assessment_id = ? AND user_id = ?")
        .bind(id.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for (dimension, level, note) in &after {
        sqlx::query(
            "INSERT INTO assessment_ratings (assessment_id, user_id, dimension, level, note) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id.0)
        .bind(user.0)
        .bind(dimension)
        .bind(level)
        .bind(note)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    Ok(version)
}
