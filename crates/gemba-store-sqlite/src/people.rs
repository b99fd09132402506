//! Organisations, teams, users, memberships, sessions and API tokens.

use chrono::NaiveDateTime;
use gemba_domain::{
    Email, Membership, OrgId, Organisation, Role, Session, StoreError, Team, TeamId, User, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{conflict, conflict_or_missing, corrupt, db, missing};
use crate::history::now;

/// SQL condition (a literal, for `concat!`): the user `u` may sign in, because they are active
/// in some organisation or belong to none yet. Someone whose every membership is deactivated
/// (a leaver) may not.
macro_rules! user_active {
    () => {
        "(EXISTS (SELECT 1 FROM memberships am \
         WHERE am.user_id = u.id AND am.deactivated_at IS NULL) \
         OR NOT EXISTS (SELECT 1 FROM memberships am WHERE am.user_id = u.id))"
    };
}
pub(crate) use user_active;

/// A team from a row with `id`, `org_id`, `name` and `archived_at`.
pub(crate) fn team_from(r: &SqliteRow) -> Result<Team, StoreError> {
    let archived: Option<String> = r.try_get("archived_at").map_err(db)?;
    Ok(Team {
        id: TeamId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        name: r.try_get("name").map_err(db)?,
        archived: archived.is_some(),
    })
}

fn org_from(r: &SqliteRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrgId(r.try_get("id").map_err(db)?),
        name: r.try_get("name").map_err(db)?,
        system: r.try_get("system").map_err(db)?,
    })
}

/// A user from a row with `user_id`, `email` and `name`.
pub(crate) fn user_from(r: &SqliteRow) -> Result<User, StoreError> {
    let email: String = r.try_get("email").map_err(db)?;
    Ok(User {
        id: UserId(r.try_get("user_id").map_err(db)?),
        email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
        name: r.try_get("name").map_err(db)?,
    })
}

pub(crate) async fn create_org(
    pool: &SqlitePool,
    name: &str,
    system: Option<&str>,
) -> Result<OrgId, StoreError> {
    let done = sqlx::query("INSERT INTO orgs (name, system) VALUES (?, ?)")
        .bind(name)
        .bind(system)
        .execute(pool)
        .await
        .map_err(conflict(format!("the organisation “{name}”")))?;
    Ok(OrgId(done.last_insert_rowid()))
}

pub(crate) async fn org_by_name(
    pool: &SqlitePool,
    name: &str,
) -> Result<Option<Organisation>, StoreError> {
    sqlx::query("SELECT id, name, system FROM orgs WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(org_from)
        .transpose()
}

pub(crate) async fn org(pool: &SqlitePool, id: OrgId) -> Result<Option<Organisation>, StoreError> {
    sqlx::query("SELECT id, name, system FROM orgs WHERE id = ?")
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(org_from)
        .transpose()
}

pub(crate) async fn create_team(
    pool: &SqlitePool,
    org: OrgId,
    name: &str,
) -> Result<TeamId, StoreError> {
    let done = sqlx::query("INSERT INTO teams (org_id, name) VALUES (?, ?)")
        .bind(org.0)
        .bind(name)
        .execute(pool)
        .await
        .map_err(conflict_or_missing(
            format!("the team “{name}”"),
            format!("the organisation {org}"),
        ))?;
    Ok(TeamId(done.last_insert_rowid()))
}

/// The teams of `org`, by name: with `archived` the archived ones too.
pub(crate) async fn teams(
    pool: &SqlitePool,
    org: OrgId,
    archived: bool,
) -> Result<Vec<Team>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, org_id, name, archived_at FROM teams \
         WHERE org_id = ? AND (? OR archived_at IS NULL) ORDER BY name, id",
    )
    .bind(org.0)
    .bind(archived)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(team_from).collect()
}

pub(crate) async fn create_user(
    pool: &SqlitePool,
    email: &Email,
    name: &str,
    password_hash: &str,
) -> Result<UserId, StoreError> {
    let done = sqlx::query("INSERT INTO users (email, name, password_hash) VALUES (?, ?, ?)")
        .bind(email.as_str())
        .bind(name)
        .bind(password_hash)
        .execute(pool)
        .await
        .map_err(conflict(format!("the email {email}")))?;
    Ok(UserId(done.last_insert_rowid()))
}

pub(crate) async fn login(
    pool: &SqlitePool,
    email: &Email,
) -> Result<Option<(User, String)>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT u.id AS user_id, u.email, u.name, u.password_hash FROM users u \
             WHERE u.email = ? AND ",
        user_active!()
    ))
    .bind(email.as_str())
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some((
            user_from(&r)?,
            r.try_get("password_hash").map_err(db)?,
        ))),
    }
}

pub(crate) async fn user_by_email(
    pool: &SqlitePool,
    email: &Email,
) -> Result<Option<User>, StoreError> {
    sqlx::query("SELECT id AS user_id, email, name FROM users WHERE email = ?")
        .bind(email.as_str())
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(user_from)
        .transpose()
}

pub(crate) async fn set_membership(
    pool: &SqlitePool,
    user: UserId,
    org: OrgId,
    role: Role,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO memberships (user_id, org_id, role) VALUES (?, ?, ?) \
         ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role",
    )
    .bind(user.0)
    .bind(org.0)
    .bind(role.name())
    .execute(pool)
    .await
    .map_err(missing(format!(
        "the user {user} or the organisation {org}"
    )))?;
    Ok(())
}

pub(crate) async fn memberships(
    pool: &SqlitePool,
    user: UserId,
) -> Result<Vec<Membership>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.system, m.role FROM memberships m \
         JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? AND m.deactivated_at IS NULL \
         ORDER BY o.name, o.id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(db)?;
            Ok(Membership {
                org: org_from(r)?,
                role: Role::parse(&role).ok_or_else(|| corrupt("memberships.role", &role))?,
            })
        })
        .collect()
}

pub(crate) async fn create_session(
    pool: &SqlitePool,
    secret_hash: &str,
    user: UserId,
    csrf: &str,
    expires_at: NaiveDateTime,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    sqlx::query(
        "INSERT INTO sessions (secret_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(secret_hash)
    .bind(user.0)
    .bind(csrf)
    .bind(expires_at)
    .execute(&mut *tx)
    .await
    .map_err(conflict_or_missing(
        "the session",
        format!("the user {user}"),
    ))?;
    // Sweep the sessions that have expired by the clock, so that they do not pile up; the new
    // one is kept whatever its time. `julianday` reads either stored text format, and a value it
    // cannot read is NULL, so such a row is never swept by mistake.
    sqlx::query(
        "DELETE FROM sessions \
         WHERE julianday(expires_at) <= julianday(?) AND secret_hash <> ?",
    )
    .bind(now())
    .bind(secret_hash)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(())
}

pub(crate) async fn session(
    pool: &SqlitePool,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT s.csrf, s.expires_at, u.id AS user_id, u.email, u.name \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ? AND ",
        user_active!()
    ))
    .bind(secret_hash)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    // Compared here rather than in SQL so that the stored text format cannot matter.
    let expires_at: NaiveDateTime = r.try_get("expires_at").map_err(db)?;
    if expires_at <= now {
        return Ok(None);
    }
    Ok(Some(Session {
        user: user_from(&r)?,
        csrf: r.try_get("csrf").map_err(db)?,
        expires_at,
    }))
}

pub(crate) async fn delete_session(pool: &SqlitePool, secret_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE secret_hash = ?")
        .bind(secret_hash)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}
