//! The e-mail outbox (migration 0029): filled with each notification while e-mail is on, emptied
//! by the server's sender.

use chrono::NaiveDateTime;
use gemba_domain::{
    email_subject, EmailId, NewNotification, OrgId, OutboxEmail, StoreError, User, UserId,
    MAX_ATTEMPTS,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db};

/// Puts notification `id` (to `n.user`) in the outbox at `at` if e-mail is on, in the caller's
/// transaction.
pub(crate) async fn enqueue(
    conn: &mut SqliteConnection,
    id: i64,
    n: &NewNotification,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO email_outbox (notification_id, user_id, subject, body, link, created_at, \
         next_attempt_at) SELECT ?, ?, ?, ?, ?, ?, ? \
         WHERE (SELECT enabled FROM email_settings WHERE id = 1) = 1",
    )
    .bind(id)
    .bind(n.user.0)
    .bind(email_subject(&n.text))
    .bind(&n.text)
    .bind(&n.link)
    .bind(at)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn set_enabled(pool: &SqlitePool, enabled: bool) -> Result<(), StoreError> {
    sqlx::query("UPDATE email_settings SET enabled = ? WHERE id = 1")
        .bind(enabled)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn enabled(pool: &SqlitePool) -> Result<bool, StoreError> {
    let on: Option<bool> = sqlx::query_scalar("SELECT enabled FROM email_settings WHERE id = 1")
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    Ok(on.unwrap_or(false))
}

macro_rules! outbox_columns {
    () => {
        "SELECT e.id, e.subject, e.body, e.link, e.created_at, e.attempts, e.sent_at, \
         e.last_error, u.id AS uid, u.email, u.name AS user_name \
         FROM email_outbox e JOIN users u ON u.id = e.user_id "
    };
}

fn email_from(r: &SqliteRow) -> Result<OutboxEmail, StoreError> {
    let address: String = r.try_get("email").map_err(db)?;
    let attempts: i64 = r.try_get("attempts").map_err(db)?;
    Ok(OutboxEmail {
        id: EmailId(r.try_get("id").map_err(db)?),
        to: User {
            id: UserId(r.try_get("uid").map_err(db)?),
            email: gemba_domain::Email::parse(&address)
                .map_err(|_| corrupt("users.email", &address))?,
            name: r.try_get("user_name").map_err(db)?,
        },
        subject: r.try_get("subject").map_err(db)?,
        body: r.try_get("body").map_err(db)?,
        link: r.try_get("link").map_err(db)?,
        created_at: r.try_get("created_at").map_err(db)?,
        attempts: u32::try_from(attempts)
            .map_err(|_| corrupt("email_outbox.attempts", &attempts.to_string()))?,
        sent_at: r.try_get("sent_at").map_err(db)?,
        last_error: r.try_get("last_error").map_err(db)?,
    })
}

pub(crate) async fn due(
    pool: &SqlitePool,
    now: NaiveDateTime,
    limit: usize,
) -> Result<Vec<OutboxEmail>, StoreError> {
    sqlx::query(concat!(
        outbox_columns!(),
        "WHERE e.sent_at IS NULL AND e.attempts < ? AND e.next_attempt_at <= ? \
         ORDER BY e.next_attempt_at, e.id LIMIT ?"
    ))
    .bind(i64::from(MAX_ATTEMPTS))
    .bind(now)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(email_from)
    .collect()
}

pub(crate) async fn sent(
    pool: &SqlitePool,
    id: EmailId,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE email_outbox SET sent_at = ? WHERE id = ?")
        .bind(at)
        .bind(id.0)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

/// The longest error kept for a failed try, in characters.
const ERROR_CHARS: usize = 500;

pub(crate) async fn failed(
    pool: &SqlitePool,
    id: EmailId,
    error: &str,
    next_attempt: NaiveDateTime,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(ERROR_CHARS).collect();
    sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? \
         WHERE id = ?",
    )
    .bind(error)
    .bind(next_attempt)
    .bind(id.0)
    .execute(pool)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn of_org(
    pool: &SqlitePool,
    org: OrgId,
    limit: usize,
) -> Result<Vec<OutboxEmail>, StoreError> {
    sqlx::query(concat!(
        outbox_columns!(),
        "WHERE e.user_id IN (SELECT user_id FROM memberships WHERE org_id = ?) \
         ORDER BY e.id DESC LIMIT ?"
    ))
    .bind(org.0)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(email_from)
    .collect()
}
