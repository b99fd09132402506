//! Roles across a system (migration 0023): who leads improvement across an integrated care
//! system, or views it, by the name its organisations give it.

use gemba_domain::{StoreError, SystemPerson, SystemRole, UserId};
use sqlx::{Row, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::now;
use crate::people::user_from;

fn role_of(r: &sqlx::sqlite::SqliteRow) -> Result<SystemRole, StoreError> {
    let role: String = r.try_get("role").map_err(db)?;
    SystemRole::parse(&role).ok_or_else(|| corrupt("system_roles.role", &role))
}

pub(crate) async fn system_roles_of(
    pool: &SqlitePool,
    user: UserId,
) -> Result<Vec<(String, SystemRole)>, StoreError> {
    sqlx::query("SELECT system, role FROM system_roles WHERE user_id = ? ORDER BY system")
        .bind(user.0)
        .fetch_all(pool)
        .await
        .map_err(db)?
        .iter()
        .map(|r| Ok((r.try_get("system").map_err(db)?, role_of(r)?)))
        .collect()
}

pub(crate) async fn system_people(
    pool: &SqlitePool,
    system: &str,
) -> Result<Vec<SystemPerson>, StoreError> {
    sqlx::query(
        "SELECT s.user_id, u.email, u.name, s.role FROM system_roles s \
         JOIN users u ON u.id = s.user_id WHERE s.system = ? ORDER BY u.name, u.id",
    )
    .bind(system)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(|r| {
        Ok(SystemPerson {
            user: user_from(r)?,
            role: role_of(r)?,
        })
    })
    .collect()
}

pub(crate) async fn set_system_role(
    pool: &SqlitePool,
    system: &str,
    user: UserId,
    role: Option<SystemRole>,
    by: UserId,
) -> Result<(), StoreError> {
    match role {
        Some(role) => {
            sqlx::query(
                "INSERT INTO system_roles (system, user_id, role, granted_by, granted_at) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (system, user_id) DO UPDATE SET \
                 role = excluded.role, granted_by = excluded.granted_by, \
                 granted_at = excluded.granted_at",
            )
            .bind(system)
            .bind(user.0)
            .bind(role.name())
            .bind(by.0)
            .bind(now())
            .execute(pool)
            .await
            .map_err(missing(format!("the user {user}")))?;
        }
        None => {
            sqlx::query("DELETE FROM system_roles WHERE system = ? AND user_id = ?")
                .bind(system)
                .bind(user.0)
                .execute(pool)
                .await
                .map_err(db)?;
        }
    }
    Ok(())
}
