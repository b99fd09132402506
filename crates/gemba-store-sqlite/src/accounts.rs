//! Running the accounts of an organisation: its people (added, given a role, deactivated and
//! reactivated), its teams (renamed, archived), its system's organisations, API tokens with a
//! name and an expiry, and passwords (changed, or set with a one-time reset secret).

use chrono::{Duration, NaiveDateTime};
use gemba_domain::{
    Added, ApiToken, ApiTokenId, Email, OrgId, Organisation, Person, ResetSecret, Role, StoreError,
    Team, TeamId, User, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use crate::error::{conflict, conflict_or_missing, corrupt, db, missing};
use crate::history::now;
use crate::people::{team_from, user_active, user_from};

/// How often the last use of a token is written at most: a write per request would make every
/// API read a write.
const LAST_USED_EVERY: Duration = Duration::minutes(1);

/// The password hash of an account made by an admin before its owner chose a password: not a
/// PHC string, so no password matches it.
const NO_PASSWORD: &str = "!";

// --- organisations ---------------------------------------------------------------------------

pub(crate) async fn orgs_in_system(
    pool: &SqlitePool,
    system: &str,
) -> Result<Vec<Organisation>, StoreError> {
    let rows = sqlx::query("SELECT id, name, system FROM orgs WHERE system = ? ORDER BY name, id")
        .bind(system)
        .fetch_all(pool)
        .await
        .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(Organisation {
                id: OrgId(r.try_get("id").map_err(db)?),
                name: r.try_get("name").map_err(db)?,
                system: r.try_get("system").map_err(db)?,
            })
        })
        .collect()
}

pub(crate) async fn create_org_with_admin(
    pool: &SqlitePool,
    name: &str,
    system: Option<&str>,
    admin: UserId,
) -> Result<OrgId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let done = sqlx::query("INSERT INTO orgs (name, system) VALUES (?, ?)")
        .bind(name)
        .bind(system)
        .execute(&mut *tx)
        .await
        .map_err(conflict(format!("the organisation “{name}”")))?;
    let org = OrgId(done.last_insert_rowid());
    sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES (?, ?, ?)")
        .bind(admin.0)
        .bind(org.0)
        .bind(Role::Admin.name())
        .execute(&mut *tx)
        .await
        .map_err(missing(format!("the user {admin}")))?;
    tx.commit().await.map_err(db)?;
    Ok(org)
}

pub(crate) async fn rename_org(pool: &SqlitePool, id: OrgId, name: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE orgs SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id.0)
        .execute(pool)
        .await
        .map_err(conflict(format!("the organisation “{name}”")))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the organisation {id}")));
    }
    Ok(())
}

// --- teams -----------------------------------------------------------------------------------

pub(crate) async fn team(pool: &SqlitePool, id: TeamId) -> Result<Option<Team>, StoreError> {
    sqlx::query("SELECT id, org_id, name, archived_at FROM teams WHERE id = ?")
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(team_from)
        .transpose()
}

pub(crate) async fn rename_team(
    pool: &SqlitePool,
    id: TeamId,
    name: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE teams SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id.0)
        .execute(pool)
        .await
        .map_err(conflict(format!("the team “{name}”")))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the team {id}")));
    }
    Ok(())
}

pub(crate) async fn set_team_archived(
    pool: &SqlitePool,
    id: TeamId,
    archived: bool,
) -> Result<(), StoreError> {
    // An archived team keeps the time it was first archived.
    let done = sqlx::query(
        "UPDATE teams SET archived_at = CASE WHEN ? THEN coalesce(archived_at, ?) END \
         WHERE id = ?",
    )
    .bind(archived)
    .bind(now())
    .bind(id.0)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the team {id}")));
    }
    Ok(())
}

// --- people ----------------------------------------------------------------------------------

fn person_from(r: &SqliteRow) -> Result<Person, StoreError> {
    let role: String = r.try_get("role").map_err(db)?;
    let deactivated: Option<String> = r.try_get("deactivated_at").map_err(db)?;
    Ok(Person {
        user: user_from(r)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("memberships.role", &role))?,
        active: deactivated.is_none(),
    })
}

pub(crate) async fn org_people(pool: &SqlitePool, org: OrgId) -> Result<Vec<Person>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id AS user_id, u.email, u.name, m.role, m.deactivated_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY u.name, u.id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(person_from).collect()
}

pub(crate) async fn add_person(
    pool: &SqlitePool,
    org: OrgId,
    email: &Email,
    name: &str,
    role: Role,
    reset: &ResetSecret,
) -> Result<Added, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    let added = match existing {
        Some(id) => Added::ExistingAccount(UserId(id)),
        None => {
            let done =
                sqlx::query("INSERT INTO users (email, name, password_hash) VALUES (?, ?, ?)")
                    .bind(email.as_str())
                    .bind(name)
                    .bind(NO_PASSWORD)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict(format!("the email {email}")))?;
            let user = UserId(done.last_insert_rowid());
            insert_reset(&mut tx, user, reset).await?;
            Added::NewAccount(user)
        }
    };
    sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES (?, ?, ?)")
        .bind(added.user().0)
        .bind(org.0)
        .bind(role.name())
        .execute(&mut *tx)
        .await
        .map_err(conflict_or_missing(
            format!("a person with the email {email} in this organisation"),
            format!("the organisation {org}"),
        ))?;
    tx.commit().await.map_err(db)?;
    Ok(added)
}

/// The role and status of `user` in `org` within `tx`; `Missing` when they are not in it.
async fn membership_in(
    tx: &mut Transaction<'_, Sqlite>,
    org: OrgId,
    user: UserId,
) -> Result<(Role, bool), StoreError> {
    let row = sqlx::query(
        "SELECT role, deactivated_at FROM memberships WHERE org_id = ? AND user_id = ?",
    )
    .bind(org.0)
    .bind(user.0)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::Missing(format!("the person {user} in the organisation {org}")))?;
    let role: String = row.try_get("role").map_err(db)?;
    let deactivated: Option<String> = row.try_get("deactivated_at").map_err(db)?;
    let role = Role::parse(&role).ok_or_else(|| corrupt("memberships.role", &role))?;
    Ok((role, deactivated.is_none()))
}

/// `Refused` unless `org` has an active admin other than `user`.
async fn keep_an_admin(
    tx: &mut Transaction<'_, Sqlite>,
    org: OrgId,
    user: UserId,
) -> Result<(), StoreError> {
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships WHERE org_id = ? AND user_id <> ? AND role = ? \
         AND deactivated_at IS NULL",
    )
    .bind(org.0)
    .bind(user.0)
    .bind(Role::Admin.name())
    .fetch_one(&mut **tx)
    .await
    .map_err(db)?;
    if others == 0 {
        return Err(StoreError::Refused(
            "this is the organisation's last active admin; make someone else an admin first"
                .to_owned(),
        ));
    }
    Ok(())
}

pub(crate) async fn set_role(
    pool: &SqlitePool,
    org: OrgId,
    user: UserId,
    role: Role,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let (current, active) = membership_in(&mut tx, org, user).await?;
    if current == Role::Admin && active && role != Role::Admin {
        keep_an_admin(&mut tx, org, user).await?;
    }
    sqlx::query("UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?")
        .bind(role.name())
        .bind(org.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn set_active(
    pool: &SqlitePool,
    org: OrgId,
    user: UserId,
    active: bool,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let (role, was_active) = membership_in(&mut tx, org, user).await?;
    if was_active == active {
        return Ok(());
    }
    if !active && role == Role::Admin {
        keep_an_admin(&mut tx, org, user).await?;
    }
    let at = (!active).then(now);
    sqlx::query("UPDATE memberships SET deactivated_at = ? WHERE org_id = ? AND user_id = ?")
        .bind(at)
        .bind(org.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if !active {
        let still: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM memberships WHERE user_id = ? AND deactivated_at IS NULL",
        )
        .bind(user.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if still == 0 {
            // A leaver: nothing of theirs may keep working.
            for sql in [
                "DELETE FROM sessions WHERE user_id = ?",
                "DELETE FROM api_tokens WHERE user_id = ?",
                "DELETE FROM password_resets WHERE user_id = ?",
            ] {
                sqlx::query(sql)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
        }
    }
    tx.commit().await.map_err(db)
}

// --- sessions and tokens ---------------------------------------------------------------------

pub(crate) async fn delete_sessions_of(
    pool: &SqlitePool,
    user: UserId,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND secret_hash IS NOT ?")
        .bind(user.0)
        .bind(keep)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn issue_api_token(
    pool: &SqlitePool,
    secret_hash: &str,
    user: UserId,
    name: &str,
    expires_at: Option<NaiveDateTime>,
) -> Result<ApiTokenId, StoreError> {
    let done = sqlx::query(
        "INSERT INTO api_tokens (secret_hash, user_id, label, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(secret_hash)
    .bind(user.0)
    .bind(name)
    .bind(now())
    .bind(expires_at)
    .execute(pool)
    .await
    .map_err(conflict_or_missing(
        "the API token",
        format!("the user {user}"),
    ))?;
    Ok(ApiTokenId(done.last_insert_rowid()))
}

pub(crate) async fn api_token_user(
    pool: &SqlitePool,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT t.id, t.expires_at, t.last_used_at, u.id AS user_id, u.email, u.name \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.secret_hash = ? AND ",
        user_active!()
    ))
    .bind(secret_hash)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    let expires_at: Option<NaiveDateTime> = r.try_get("expires_at").map_err(db)?;
    if expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let last_used: Option<NaiveDateTime> = r.try_get("last_used_at").map_err(db)?;
    if last_used.is_none_or(|t| now - t >= LAST_USED_EVERY) {
        let id: i64 = r.try_get("id").map_err(db)?;
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map_err(db)?;
    }
    Ok(Some(user_from(&r)?))
}

pub(crate) async fn api_tokens(
    pool: &SqlitePool,
    user: UserId,
) -> Result<Vec<ApiToken>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, label, created_at, expires_at, last_used_at FROM api_tokens \
         WHERE user_id = ? ORDER BY id DESC",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: ApiTokenId(r.try_get("id").map_err(db)?),
                name: r.try_get("label").map_err(db)?,
                created_at: r.try_get("created_at").map_err(db)?,
                expires_at: r.try_get("expires_at").map_err(db)?,
                last_used_at: r.try_get("last_used_at").map_err(db)?,
            })
        })
        .collect()
}

pub(crate) async fn revoke_api_token(
    pool: &SqlitePool,
    user: UserId,
    id: ApiTokenId,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND user_id = ?")
        .bind(id.0)
        .bind(user.0)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(done.rows_affected() > 0)
}

// --- passwords -------------------------------------------------------------------------------

async fn insert_reset(
    tx: &mut Transaction<'_, Sqlite>,
    user: UserId,
    reset: &ResetSecret,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_resets (secret_hash, user_id, created_at, expires_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(&reset.secret_hash)
    .bind(user.0)
    .bind(now())
    .bind(reset.expires_at)
    .execute(&mut **tx)
    .await
    .map_err(conflict_or_missing(
        "the reset link",
        format!("the user {user}"),
    ))?;
    Ok(())
}

pub(crate) async fn create_password_reset(
    pool: &SqlitePool,
    user: UserId,
    reset: &ResetSecret,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    insert_reset(&mut tx, user, reset).await?;
    tx.commit().await.map_err(db)
}

/// The user of a usable reset secret at `now`, read within `conn`.
async fn reset_user<'c, E>(
    conn: E,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<User>, StoreError>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    let row = sqlx::query(concat!(
        "SELECT r.expires_at, u.id AS user_id, u.email, u.name \
         FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.secret_hash = ? AND r.used_at IS NULL AND ",
        user_active!()
    ))
    .bind(secret_hash)
    .fetch_optional(conn)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    let expires_at: NaiveDateTime = r.try_get("expires_at").map_err(db)?;
    if expires_at <= now {
        return Ok(None);
    }
    Ok(Some(user_from(&r)?))
}

pub(crate) async fn password_reset_user(
    pool: &SqlitePool,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<User>, StoreError> {
    reset_user(pool, secret_hash, now).await
}

pub(crate) async fn use_password_reset(
    pool: &SqlitePool,
    secret_hash: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<UserId>, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let Some(user) = reset_user(&mut *tx, secret_hash, now).await? else {
        return Ok(None);
    };
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(user.id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    // This link is spent; any other open link of theirs is spent with it.
    sqlx::query("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
        .bind(now)
        .bind(user.id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user.id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(Some(user.id))
}

pub(crate) async fn set_password(
    pool: &SqlitePool,
    user: UserId,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Missing(format!("the user {user}")));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND secret_hash IS NOT ?")
        .bind(user.0)
        .bind(keep_session)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)
}
