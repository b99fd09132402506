//! Projects' value entries: potential and realised savings, and finance's confirmations
//! (migration 0026).

use gemba_domain::{
    Email, OrgId, ProjectId, Recurrence, StoreError, User, UserId, ValueEntry, ValueFields,
    ValueId, ValueKind, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::now;
use crate::version::{check, next, swapped};

/// The user of a row's `{prefix}id`, `{prefix}email` and `{prefix}name` columns, if any.
fn user_of(r: &SqliteRow, prefix: &str) -> Result<Option<User>, StoreError> {
    match r
        .try_get::<Option<i64>, _>(format!("{prefix}id").as_str())
        .map_err(db)?
    {
        Some(id) => {
            let email: String = r.try_get(format!("{prefix}email").as_str()).map_err(db)?;
            Ok(Some(User {
                id: UserId(id),
                email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
                name: r.try_get(format!("{prefix}name").as_str()).map_err(db)?,
            }))
        }
        None => Ok(None),
    }
}

macro_rules! value_columns {
    () => {
        "SELECT v.id, v.project_id, v.kind, v.amount_pence, v.hours, v.cash_releasing, \
         v.recurrence, v.date, v.method, v.recorded_at, v.confirmed_at, v.version, \
         r.id AS r_id, r.email AS r_email, r.name AS r_name, \
         c.id AS c_id, c.email AS c_email, c.name AS c_name \
         FROM value_entries v LEFT JOIN users r ON r.id = v.recorded_by \
         LEFT JOIN users c ON c.id = v.confirmed_by "
    };
}

fn entry_from(r: &SqliteRow) -> Result<ValueEntry, StoreError> {
    let kind: String = r.try_get("kind").map_err(db)?;
    let recurrence: String = r.try_get("recurrence").map_err(db)?;
    let cash: i64 = r.try_get("cash_releasing").map_err(db)?;
    Ok(ValueEntry {
        id: ValueId(r.try_get("id").map_err(db)?),
        project: ProjectId(r.try_get("project_id").map_err(db)?),
        fields: ValueFields {
            kind: ValueKind::parse(&kind).ok_or_else(|| corrupt("value_entries.kind", &kind))?,
            pence: r.try_get("amount_pence").map_err(db)?,
            hours: r.try_get("hours").map_err(db)?,
            cash_releasing: cash != 0,
            recurrence: Recurrence::parse(&recurrence)
                .ok_or_else(|| corrupt("value_entries.recurrence", &recurrence))?,
            date: r.try_get("date").map_err(db)?,
            method: r.try_get("method").map_err(db)?,
        },
        recorded_by: user_of(r, "r_")?,
        recorded_at: r.try_get("recorded_at").map_err(db)?,
        confirmed_by: user_of(r, "c_")?,
        confirmed_at: r.try_get("confirmed_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn create_value(
    pool: &SqlitePool,
    project: ProjectId,
    f: &ValueFields,
    by: UserId,
) -> Result<ValueId, StoreError> {
    let at = now();
    let done = sqlx::query(
        "INSERT INTO value_entries (project_id, kind, amount_pence, hours, cash_releasing, \
         recurrence, date, method, recorded_by, recorded_at, updated_at) \
         SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM projects WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(f.kind.name())
    .bind(f.pence)
    .bind(f.hours)
    .bind(i64::from(f.cash_releasing))
    .bind(f.recurrence.name())
    .bind(f.date)
    .bind(&f.method)
    .bind(by.0)
    .bind(at)
    .bind(at)
    .bind(project.0)
    .execute(pool)
    .await
    .map_err(missing(format!("the user {by}")))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the project {project}")));
    }
    Ok(ValueId(done.last_insert_rowid()))
}

pub(crate) async fn value_entries(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<ValueEntry>, StoreError> {
    sqlx::query(concat!(
        value_columns!(),
        "WHERE v.project_id = ? ORDER BY v.date, v.id"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(entry_from)
    .collect()
}

pub(crate) async fn value_entry(
    pool: &SqlitePool,
    id: ValueId,
) -> Result<Option<ValueEntry>, StoreError> {
    sqlx::query(concat!(value_columns!(), "WHERE v.id = ?"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(entry_from)
        .transpose()
}

pub(crate) async fn org_value_entries(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<ValueEntry>, StoreError> {
    sqlx::query(concat!(
        value_columns!(),
        "JOIN projects p ON p.id = v.project_id \
         WHERE p.org_id = ? AND p.deleted_at IS NULL AND p.kind = 'improvement' \
         ORDER BY v.project_id, v.date, v.id"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(entry_from)
    .collect()
}

/// The stored version of entry `id`; `Missing` when there is none.
async fn stored_version(
    tx: &mut sqlx::SqliteConnection,
    id: ValueId,
) -> Result<Version, StoreError> {
    let stored: Option<i64> = sqlx::query_scalar("SELECT version FROM value_entries WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    stored
        .map(Version)
        .ok_or_else(|| StoreError::Missing(format!("the value entry {id}")))
}

pub(crate) async fn update_value(
    pool: &SqlitePool,
    id: ValueId,
    f: &ValueFields,
    expected: Version,
    keep_confirmation: bool,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let what = || format!("the value entry {id}");
    check(what, stored_version(&mut tx, id).await?, Some(expected))?;
    let done = sqlx::query(
        "UPDATE value_entries SET kind = ?, amount_pence = ?, hours = ?, cash_releasing = ?, \
         recurrence = ?, date = ?, method = ?, updated_at = ?, \
         confirmed_by = CASE WHEN ? THEN confirmed_by END, \
         confirmed_at = CASE WHEN ? THEN confirmed_at END, \
         version = version + 1 WHERE id = ? AND version = ?",
    )
    .bind(f.kind.name())
    .bind(f.pence)
    .bind(f.hours)
    .bind(i64::from(f.cash_releasing))
    .bind(f.recurrence.name())
    .bind(f.date)
    .bind(&f.method)
    .bind(now())
    .bind(keep_confirmation)
    .bind(keep_confirmation)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn confirm_value(
    pool: &SqlitePool,
    id: ValueId,
    expected: Option<Version>,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let what = || format!("the value entry {id}");
    let stored = stored_version(&mut tx, id).await?;
    check(what, stored, expected)?;
    let at = now();
    let done = sqlx::query(
        "UPDATE value_entries SET confirmed_by = ?, confirmed_at = ?, updated_at = ?, \
         version = version + 1 WHERE id = ? AND version = ?",
    )
    .bind(by.0)
    .bind(at)
    .bind(at)
    .bind(id.0)
    .bind(stored.0)
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the user {by}")))?;
    swapped(what, done.rows_affected())?;
    tx.commit().await.map_err(db)?;
    Ok(next(stored))
}

pub(crate) async fn delete_value(
    pool: &SqlitePool,
    id: ValueId,
    expected: Option<Version>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let what = || format!("the value entry {id}");
    let stored = stored_version(&mut tx, id).await?;
    check(what, stored, expected)?;
    let done = sqlx::query("DELETE FROM value_entries WHERE id = ? AND version = ?")
        .bind(id.0)
        .bind(stored.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    swapped(what, done.rows_affected())?;
    tx.commit().await.map_err(db)?;
    Ok(())
}
