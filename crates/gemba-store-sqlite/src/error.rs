//! sqlx errors to [`StoreError`]: a broken uniqueness rule is a `Conflict` naming the thing, a
//! broken reference is `Missing` where the caller knows what was referenced, a value that does
//! not read back is `Corrupt`, anything else is `Unavailable` keeping sqlx's error as its cause
//! (for the log).

use gemba_domain::StoreError;
use sqlx::error::ErrorKind;

/// What kind of constraint a database error broke, if any.
pub(crate) fn kind(e: &sqlx::Error) -> Option<ErrorKind> {
    match e {
        sqlx::Error::Database(d) => Some(d.kind()),
        _ => None,
    }
}

/// Any sqlx error as a database failure, keeping it as the cause.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    StoreError::unavailable(e.to_string(), e)
}

/// Maps a unique violation to `Conflict(what)`, anything else to [`db`].
pub(crate) fn conflict(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match kind(&e) {
        Some(ErrorKind::UniqueViolation) => StoreError::Conflict(what.into()),
        _ => db(e),
    }
}

/// Maps a foreign-key violation to `Missing(what)`, anything else to [`db`].
pub(crate) fn missing(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match kind(&e) {
        Some(ErrorKind::ForeignKeyViolation) => StoreError::Missing(what.into()),
        _ => db(e),
    }
}

/// Maps a unique violation to `Conflict(taken)`, a foreign-key violation to `Missing(absent)`,
/// anything else to [`db`].
pub(crate) fn conflict_or_missing(
    taken: impl Into<String>,
    absent: impl Into<String>,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match kind(&e) {
        Some(ErrorKind::UniqueViolation) => StoreError::Conflict(taken.into()),
        Some(ErrorKind::ForeignKeyViolation) => StoreError::Missing(absent.into()),
        _ => db(e),
    }
}

/// A stored value that does not parse back (an unknown enum name, a malformed date): the
/// database was changed behind Gemba's back.
pub(crate) fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt {
        column: column.to_owned(),
        value: value.to_owned(),
    }
}
