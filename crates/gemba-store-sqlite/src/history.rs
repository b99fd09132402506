//! A project's history: the records the domain produces for a change, written in the
//! transaction of the change, one row each (with the data point values a record keeps in
//! `history_points`). The store writes no prose; rows from before migration 0011 keep their
//! sentence and come back as legacy entries.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use gemba_domain::history::{Action, Field, HistoryObject, ObjectKind};
use gemba_domain::{
    DataPoint, HistoryEntry, HistoryRecord, HistoryWhat, ProjectId, StoreError, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};

/// The time stored for a change: now, in UTC.
pub(crate) fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A count as SQLite stores it.
fn int(n: Option<u64>) -> Result<Option<i64>, StoreError> {
    n.map(|n| i64::try_from(n).map_err(|_| StoreError::Conflict(format!("a history count of {n}"))))
        .transpose()
}

/// Records `records` in the project's history and marks the project changed at `at`. Call it
/// inside the transaction that makes the change.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    project: ProjectId,
    by: UserId,
    at: NaiveDateTime,
    records: &[HistoryRecord],
) -> Result<(), StoreError> {
    sqlx::query("UPDATE projects SET updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(project.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for r in records {
        let done = sqlx::query(
            "INSERT INTO history (project_id, user_id, at, what, object_kind, object_id, \
             object_label, action, field, old_value, new_value, reason, count, replaced) \
             VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(project.0)
        .bind(by.0)
        .bind(at)
        .bind(r.object.kind.name())
        .bind(r.object.id)
        .bind(&r.object.label)
        .bind(r.action.name())
        .bind(r.field.map(Field::name))
        .bind(&r.old)
        .bind(&r.new)
        .bind(&r.reason)
        .bind(int(r.count)?)
        .bind(int(r.replaced)?)
        .execute(&mut *conn)
        .await
        .map_err(missing(format!("the user {by}")))?;
        let id = done.last_insert_rowid();
        for (position, p) in (0_i64..).zip(&r.points) {
            sqlx::query(
                "INSERT INTO history_points (history_id, position, date, value, denominator) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(position)
            .bind(p.date)
            .bind(p.value)
            .bind(p.denominator)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        }
    }
    Ok(())
}

/// A stored name read back with `parse`, or `Corrupt` naming the column.
fn parsed<T>(
    r: &SqliteRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let s: String = r.try_get(column).map_err(db)?;
    parse(&s).ok_or_else(|| corrupt(&format!("history.{column}"), &s))
}

/// A stored count read back.
fn count(r: &SqliteRow, column: &str) -> Result<Option<u64>, StoreError> {
    let n: Option<i64> = r.try_get(column).map_err(db)?;
    n.map(|n| u64::try_from(n).map_err(|_| corrupt(&format!("history.{column}"), &n.to_string())))
        .transpose()
}

/// The entry of one history row, with the points kept for it.
fn entry_from(
    r: &SqliteRow,
    points: &mut HashMap<i64, Vec<DataPoint>>,
) -> Result<HistoryEntry, StoreError> {
    let action: Option<String> = r.try_get("action").map_err(db)?;
    let what = match action {
        None => HistoryWhat::Legacy(r.try_get("what").map_err(db)?),
        Some(a) => {
            let id: i64 = r.try_get("id").map_err(db)?;
            let field: Option<String> = r.try_get("field").map_err(db)?;
            HistoryWhat::Record(HistoryRecord {
                object: HistoryObject {
                    kind: parsed(r, "object_kind", ObjectKind::parse)?,
                    id: r.try_get("object_id").map_err(db)?,
                    label: r.try_get("object_label").map_err(db)?,
                },
                action: Action::parse(&a).ok_or_else(|| corrupt("history.action", &a))?,
                field: field
                    .map(|f| Field::parse(&f).ok_or_else(|| corrupt("history.field", &f)))
                    .transpose()?,
                old: r.try_get("old_value").map_err(db)?,
                new: r.try_get("new_value").map_err(db)?,
                reason: r.try_get("reason").map_err(db)?,
                count: count(r, "count")?,
                replaced: count(r, "replaced")?,
                points: points.remove(&id).unwrap_or_default(),
            })
        }
    };
    Ok(HistoryEntry {
        at: r.try_get("at").map_err(db)?,
        by: r
            .try_get::<Option<i64>, _>("user_id")
            .map_err(db)?
            .map(UserId),
        who: r.try_get("who").map_err(db)?,
        what,
    })
}

/// A project's history, newest first (deleted projects keep theirs); the records of one change
/// in the order the domain produced them.
pub(crate) async fn history(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let mut conn = pool.begin().await.map_err(db)?;
    let point_rows = sqlx::query(
        "SELECT p.history_id, p.date, p.value, p.denominator FROM history_points p \
         JOIN history h ON h.id = p.history_id WHERE h.project_id = ? \
         ORDER BY p.history_id, p.position",
    )
    .bind(project.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut points: HashMap<i64, Vec<DataPoint>> = HashMap::new();
    for r in &point_rows {
        points
            .entry(r.try_get("history_id").map_err(db)?)
            .or_default()
            .push(DataPoint {
                date: r.try_get("date").map_err(db)?,
                value: r.try_get("value").map_err(db)?,
                denominator: r.try_get("denominator").map_err(db)?,
            });
    }
    let rows = sqlx::query(
        "SELECT h.id, h.at, h.user_id, COALESCE(u.name, 'a removed user') AS who, h.what, \
         h.object_kind, h.object_id, h.object_label, h.action, h.field, h.old_value, \
         h.new_value, h.reason, h.count, h.replaced \
         FROM history h LEFT JOIN users u ON u.id = h.user_id \
         WHERE h.project_id = ? ORDER BY h.id DESC",
    )
    .bind(project.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut out = rows
        .iter()
        .map(|r| entry_from(r, &mut points))
        .collect::<Result<Vec<_>, _>>()?;
    // Newest change first, but the records of one change (one transaction: same time, same
    // user, consecutive rows) in the order they were written.
    let mut start = 0;
    while start < out.len() {
        let same = |e: &HistoryEntry| e.at == out[start].at && e.by == out[start].by;
        let end = start + out[start..].iter().take_while(|e| same(e)).count();
        out[start..end].reverse();
        start = end;
    }
    Ok(out)
}
