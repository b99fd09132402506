//! A project's history: one sentence per change, written in the transaction of the change.

use chrono::NaiveDateTime;
use gemba_domain::{HistoryEntry, ProjectId, StoreError, UserId};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{db, missing};

/// The time stored for a change: now, in UTC.
pub(crate) fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Records `what` in the project's history and marks the project changed at `at`. Call it
/// inside the transaction that makes the change.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    project: ProjectId,
    by: UserId,
    at: NaiveDateTime,
    what: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(project.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query("INSERT INTO history (project_id, user_id, at, what) VALUES (?, ?, ?, ?)")
        .bind(project.0)
        .bind(by.0)
        .bind(at)
        .bind(what)
        .execute(&mut *conn)
        .await
        .map_err(missing(format!("the user {by}")))?;
    Ok(())
}

/// A project's history, newest first (deleted projects keep theirs).
pub(crate) async fn history(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT h.at, COALESCE(u.name, 'a removed user') AS who, h.what \
         FROM history h LEFT JOIN users u ON u.id = h.user_id \
         WHERE h.project_id = ? ORDER BY h.id DESC",
    )
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(HistoryEntry {
                at: r.try_get("at").map_err(db)?,
                who: r.try_get("who").map_err(db)?,
                what: r.try_get("what").map_err(db)?,
            })
        })
        .collect()
}

/// The longest value, in characters, that a history sentence quotes in full.
const QUOTED_CHARS: usize = 80;

/// A text value as a history sentence quotes it: “in quotes”, cut to about 80 characters with
/// an ellipsis; an empty value is `none`.
pub(crate) fn quoted(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "none".to_owned();
    }
    if s.chars().count() <= QUOTED_CHARS {
        return format!("“{s}”");
    }
    let cut: String = s.chars().take(QUOTED_CHARS - 1).collect();
    format!("“{}…”", cut.trim_end())
}

/// A phrase naming a change with its old and new values: "the aim from “a” to “b”".
pub(crate) fn from_to(what: &str, old: &str, new: &str) -> String {
    format!("{what} from {old} to {new}")
}

/// Joins phrases as people write them: "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{and_list, quoted};

    #[test]
    fn values_are_quoted_and_cut() {
        assert_eq!(quoted(""), "none");
        assert_eq!(quoted("  "), "none");
        assert_eq!(quoted("Reduce falls"), "“Reduce falls”");
        let long = "a".repeat(200);
        let q = quoted(&long);
        assert_eq!(
            q.chars().count(),
            82,
            "quotes, 79 characters and the ellipsis"
        );
        assert!(q.ends_with("…”"));
        assert_eq!(quoted(&"é".repeat(80)), format!("“{}”", "é".repeat(80)));
    }

    #[test]
    fn lists_read_like_sentences() {
        let s = |v: &[&str]| and_list(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["the aim"]), "the aim");
        assert_eq!(s(&["the title", "the aim"]), "the title and the aim");
        assert_eq!(
            s(&["the title", "the aim", "the tags"]),
            "the title, the aim and the tags"
        );
    }
}
