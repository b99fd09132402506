//! Measures, their chart settings and their data; measures are deleted softly and restored,
//! a data point is removed with its old value written in the history.

use chrono::NaiveDate;
use gemba_domain::history::{
    data_added, measure_changes, point_put_back, point_removed, Action, HistoryObject, ObjectKind,
};
use gemba_domain::{
    ChartSettings, DataPoint, DataPointRevision, HistoryRecord, Measure, MeasureFields, MeasureId,
    MeasureType, Multiplier, Period, ProjectId, Rebase, RevisionId, RevisionKind, StoreError,
    UserId, Version,
};
use gemba_spc::{ChartType, Improvement};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::soft_delete::{row_state, MEASURES};
use crate::version::{check, next, swapped};

/// Rebase dates alone as the `rebase` column keeps them for older readers: ISO dates
/// separated by commas, `''` for none.
fn rebase_text(rebases: &[Rebase]) -> String {
    rebases
        .iter()
        .map(|r| r.date.format("%F").to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Rebases as the `rebases` column keeps them: a JSON array of `{"date", "reason"}`.
fn rebases_json(rebases: &[Rebase]) -> String {
    serde_json::Value::Array(
        rebases
            .iter()
            .map(|r| {
                serde_json::json!({
                    "date": r.date.format("%F").to_string(),
                    "reason": r.reason,
                })
            })
            .collect(),
    )
    .to_string()
}

/// The rebases of the `rebases` column.
fn rebases_from(s: &str) -> Result<Vec<Rebase>, StoreError> {
    let bad = || corrupt("measures.rebases", s);
    let value: serde_json::Value = serde_json::from_str(s).map_err(|_| bad())?;
    value
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|r| {
            let date = r["date"].as_str().ok_or_else(bad)?;
            Ok(Rebase {
                date: NaiveDate::parse_from_str(date, "%F").map_err(|_| bad())?,
                reason: r["reason"].as_str().ok_or_else(bad)?.to_owned(),
            })
        })
        .collect()
}

fn fix_after_int(n: Option<usize>) -> Result<Option<i64>, StoreError> {
    n.map(|n| {
        i64::try_from(n)
            .map_err(|e| StoreError::unavailable(format!("a baseline of {n} points"), e))
    })
    .transpose()
}

pub(crate) fn measure_from(r: &SqliteRow) -> Result<Measure, StoreError> {
    let kind: String = r.try_get("kind").map_err(db)?;
    let chart: String = r.try_get("chart").map_err(db)?;
    let improvement: String = r.try_get("improvement").map_err(db)?;
    let rebases: String = r.try_get("rebases").map_err(db)?;
    let fix_after: Option<i64> = r.try_get("fix_after").map_err(db)?;
    let period: String = r.try_get("period").map_err(db)?;
    let multiplier: i64 = r.try_get("multiplier").map_err(db)?;
    Ok(Measure {
        id: MeasureId(r.try_get("id").map_err(db)?),
        project: ProjectId(r.try_get("project_id").map_err(db)?),
        name: r.try_get("name").map_err(db)?,
        kind: MeasureType::parse(&kind).ok_or_else(|| corrupt("measures.kind", &kind))?,
        definition: r.try_get("definition").map_err(db)?,
        unit: r.try_get("unit").map_err(db)?,
        data_source: r.try_get("data_source").map_err(db)?,
        denominator_label: r.try_get("denominator_label").map_err(db)?,
        chart: ChartSettings {
            chart: chart
                .parse::<ChartType>()
                .map_err(|_| corrupt("measures.chart", &chart))?,
            improvement: improvement
                .parse::<Improvement>()
                .map_err(|_| corrupt("measures.improvement", &improvement))?,
            target: r.try_get("target").map_err(db)?,
            rules: r.try_get("rules").map_err(db)?,
            rebase: rebases_from(&rebases)?,
            fix_after: fix_after
                .map(|n| {
                    usize::try_from(n).map_err(|_| corrupt("measures.fix_after", &n.to_string()))
                })
                .transpose()?,
            period: Period::parse(&period).ok_or_else(|| corrupt("measures.period", &period))?,
            multiplier: u32::try_from(multiplier)
                .ok()
                .and_then(|n| Multiplier::new(n).ok())
                .ok_or_else(|| corrupt("measures.multiplier", &multiplier.to_string()))?,
        },
        version: Version(r.try_get("version").map_err(db)?),
    })
}

/// The columns [`measure_from`] reads (a macro, so that queries stay static strings).
macro_rules! columns {
    () => {
        "id, project_id, name, kind, definition, unit, data_source, chart, improvement, \
         target, rules, rebases, fix_after, period, multiplier, denominator_label, version"
    };
}

/// A measure that is not deleted.
async fn load(conn: &mut SqliteConnection, id: MeasureId) -> Result<Option<Measure>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM measures WHERE id = ? AND deleted_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .as_ref()
    .map(measure_from)
    .transpose()
}

pub(crate) async fn create(
    pool: &SqlitePool,
    project: ProjectId,
    f: &MeasureFields,
    by: UserId,
) -> Result<MeasureId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    live_project(&mut tx, project).await?;
    let id = insert(&mut tx, project, f, by).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

/// Inserts a measure of a live project with its history record, in the caller's transaction.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    project: ProjectId,
    f: &MeasureFields,
    by: UserId,
) -> Result<MeasureId, StoreError> {
    let at = now();
    let done = sqlx::query(
        "INSERT INTO measures (project_id, name, kind, definition, unit, data_source, chart, \
         improvement, target, rules, rebase, rebases, fix_after, period, multiplier, \
         denominator_label, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(project.0)
    .bind(f.name.as_str())
    .bind(f.kind.name())
    .bind(&f.definition)
    .bind(&f.unit)
    .bind(&f.data_source)
    .bind(f.chart.chart.name())
    .bind(f.chart.improvement.name())
    .bind(f.chart.target)
    .bind(&f.chart.rules)
    .bind(rebase_text(&f.chart.rebase))
    .bind(rebases_json(&f.chart.rebase))
    .bind(fix_after_int(f.chart.fix_after)?)
    .bind(f.chart.period.name())
    .bind(i64::from(f.chart.multiplier.get()))
    .bind(&f.denominator_label)
    .bind(at)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let id = MeasureId(done.last_insert_rowid());
    let object = HistoryObject::new(ObjectKind::Measure, id.0, f.name.as_str());
    record(
        &mut *conn,
        project,
        by,
        at,
        &[HistoryRecord::new(object, Action::Created)],
    )
    .await?;
    Ok(id)
}

pub(crate) async fn measure(
    pool: &SqlitePool,
    id: MeasureId,
) -> Result<Option<Measure>, StoreError> {
    let mut conn = pool.acquire().await.map_err(db)?;
    load(&mut conn, id).await
}

pub(crate) async fn measures(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<Measure>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM measures WHERE project_id = ? AND deleted_at IS NULL ORDER BY id"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(measure_from).collect()
}

pub(crate) async fn deleted(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<Measure>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM measures WHERE project_id = ? AND deleted_at IS NOT NULL \
         ORDER BY deleted_at DESC, id DESC"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(measure_from).collect()
}

/// Keeps the stored point of `date`, if there is one, as a revision of kind `kind`: when `new`
/// (the value and denominator about to be written) differs from it, or always when `new` is
/// `None` (the point is being removed). Returns the value and denominator it kept, if any.
async fn keep_old(
    conn: &mut SqliteConnection,
    measure: MeasureId,
    date: NaiveDate,
    new: Option<(Option<f64>, Option<f64>)>,
    kind: RevisionKind,
    by: UserId,
    at: chrono::NaiveDateTime,
) -> Result<Option<(Option<f64>, Option<f64>)>, StoreError> {
    let (value, denominator) = new.unwrap_or((None, None));
    let done = sqlx::query(
        "INSERT INTO data_point_revisions \
         (measure_id, date, value, denominator, change, user_id, at) \
         SELECT measure_id, date, value, denominator, ?, ?, ? FROM data_points \
         WHERE measure_id = ? AND date = ? AND (? OR value IS NOT ? OR denominator IS NOT ?) \
         RETURNING value, denominator",
    )
    .bind(kind.name())
    .bind(by.0)
    .bind(at)
    .bind(measure.0)
    .bind(date)
    .bind(new.is_none())
    .bind(value)
    .bind(denominator)
    .fetch_optional(&mut *conn)
    .await
    .map_err(crate::error::missing(format!("the user {by}")))?;
    done.map(|r| {
        Ok((
            r.try_get("value").map_err(db)?,
            r.try_get("denominator").map_err(db)?,
        ))
    })
    .transpose()
}

pub(crate) async fn delete_point(
    pool: &SqlitePool,
    measure: MeasureId,
    date: NaiveDate,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, name, _) = row_state(&mut tx, &MEASURES, measure.0, false).await?;
    keep_old(&mut tx, measure, date, None, RevisionKind::Removed, by, at).await?;
    let row = sqlx::query(
        "DELETE FROM data_points WHERE measure_id = ? AND date = ? RETURNING value, denominator",
    )
    .bind(measure.0)
    .bind(date)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| {
        StoreError::Missing(format!(
            "the data point of {} in the measure {measure}",
            date.format("%F")
        ))
    })?;
    let old = DataPoint {
        date,
        value: row.try_get("value").map_err(db)?,
        denominator: row.try_get("denominator").map_err(db)?,
    };
    let removed = point_removed(measure_object(measure, name), old);
    touch(&mut tx, measure, at).await?;
    record(&mut tx, project, by, at, &[removed]).await?;
    tx.commit().await.map_err(db)
}

/// Marks the measure's data changed at `at`.
async fn touch(
    conn: &mut SqliteConnection,
    measure: MeasureId,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE measures SET updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(measure.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

fn revision_from(r: &SqliteRow) -> Result<DataPointRevision, StoreError> {
    let kind: String = r.try_get("change").map_err(db)?;
    Ok(DataPointRevision {
        id: RevisionId(r.try_get("id").map_err(db)?),
        measure: MeasureId(r.try_get("measure_id").map_err(db)?),
        old: DataPoint {
            date: r.try_get("date").map_err(db)?,
            value: r.try_get("value").map_err(db)?,
            denominator: r.try_get("denominator").map_err(db)?,
        },
        kind: RevisionKind::parse(&kind)
            .ok_or_else(|| corrupt("data_point_revisions.change", &kind))?,
        who: r.try_get("who").map_err(db)?,
        at: r.try_get("at").map_err(db)?,
    })
}

pub(crate) async fn revisions(
    pool: &SqlitePool,
    measure: MeasureId,
) -> Result<Vec<DataPointRevision>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, r.measure_id, r.date, r.value, r.denominator, r.change, r.at, \
         COALESCE(u.name, 'a removed user') AS who \
         FROM data_point_revisions r LEFT JOIN users u ON u.id = r.user_id \
         WHERE r.measure_id = ? AND r.restored_at IS NULL ORDER BY r.id DESC",
    )
    .bind(measure.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(revision_from).collect()
}

pub(crate) async fn restore_revision(
    pool: &SqlitePool,
    measure: MeasureId,
    revision: RevisionId,
    by: UserId,
) -> Result<DataPoint, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, name, _) = row_state(&mut tx, &MEASURES, measure.0, false).await?;
    let row = sqlx::query(
        "SELECT id, measure_id, date, value, denominator, change, at, '' AS who \
         FROM data_point_revisions WHERE id = ? AND measure_id = ? AND restored_at IS NULL",
    )
    .bind(revision.0)
    .bind(measure.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| {
        StoreError::Missing(format!(
            "the old value {revision} (not yet put back) of the measure {measure}"
        ))
    })?;
    let old = revision_from(&row)?.old;
    let replaced = keep_old(
        &mut tx,
        measure,
        old.date,
        Some((old.value, old.denominator)),
        RevisionKind::Replaced,
        by,
        at,
    )
    .await?
    .is_some();
    sqlx::query(
        "INSERT INTO data_points (measure_id, date, value, denominator) VALUES (?, ?, ?, ?) \
         ON CONFLICT (measure_id, date) \
         DO UPDATE SET value = excluded.value, denominator = excluded.denominator",
    )
    .bind(measure.0)
    .bind(old.date)
    .bind(old.value)
    .bind(old.denominator)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query("UPDATE data_point_revisions SET restored_at = ?, restored_by = ? WHERE id = ?")
        .bind(at)
        .bind(by.0)
        .bind(revision.0)
        .execute(&mut *tx)
        .await
        .map_err(crate::error::missing(format!("the user {by}")))?;
    let put_back = point_put_back(measure_object(measure, name), old, replaced);
    touch(&mut tx, measure, at).await?;
    record(&mut tx, project, by, at, &[put_back]).await?;
    tx.commit().await.map_err(db)?;
    Ok(old)
}

/// A measure as history records name it.
fn measure_object(id: MeasureId, name: String) -> HistoryObject {
    HistoryObject::new(ObjectKind::Measure, id.0, name)
}

pub(crate) async fn update(
    pool: &SqlitePool,
    id: MeasureId,
    f: &MeasureFields,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let old = load(&mut tx, id)
        .await?
        .ok_or_else(|| StoreError::Missing(format!("the measure {id}")))?;
    live_project(&mut tx, old.project).await?;
    let name = || format!("the measure “{}”", old.name);
    check(name, old.version, Some(expected))?;
    // The rebase reason joins the record when the store is given one (issue 9, drafts).
    let changed = measure_changes(&old, f);
    if changed.is_empty() {
        return Ok(expected);
    }
    let done = sqlx::query(
        "UPDATE measures SET name = ?, kind = ?, definition = ?, unit = ?, data_source = ?, \
         chart = ?, improvement = ?, target = ?, rules = ?, rebase = ?, rebases = ?, fix_after = ?, \
         period = ?, multiplier = ?, denominator_label = ?, updated_at = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(f.name.as_str())
    .bind(f.kind.name())
    .bind(&f.definition)
    .bind(&f.unit)
    .bind(&f.data_source)
    .bind(f.chart.chart.name())
    .bind(f.chart.improvement.name())
    .bind(f.chart.target)
    .bind(&f.chart.rules)
    .bind(rebase_text(&f.chart.rebase))
    .bind(rebases_json(&f.chart.rebase))
    .bind(fix_after_int(f.chart.fix_after)?)
    .bind(f.chart.period.name())
    .bind(i64::from(f.chart.multiplier.get()))
    .bind(&f.denominator_label)
    .bind(at)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(name, done.rows_affected())?;
    record(&mut tx, old.project, by, at, &changed).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}

pub(crate) async fn put_data(
    pool: &SqlitePool,
    measure: MeasureId,
    points: &[DataPoint],
    by: UserId,
) -> Result<usize, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let (project, name, _) = row_state(&mut tx, &MEASURES, measure.0, false).await?;
    if points.is_empty() {
        return Ok(0);
    }
    // The points whose values this import replaces, with their old values (kept as
    // revisions), for the history record.
    let mut replaced = Vec::new();
    for p in points {
        let new = Some((p.value, p.denominator));
        let kept = keep_old(
            &mut tx,
            measure,
            p.date,
            new,
            RevisionKind::Replaced,
            by,
            at,
        )
        .await?;
        if let Some((value, denominator)) = kept {
            replaced.push(DataPoint {
                date: p.date,
                value,
                denominator,
            });
        }
        sqlx::query(
            "INSERT INTO data_points (measure_id, date, value, denominator) VALUES (?, ?, ?, ?) \
             ON CONFLICT (measure_id, date) \
             DO UPDATE SET value = excluded.value, denominator = excluded.denominator",
        )
        .bind(measure.0)
        .bind(p.date)
        .bind(p.value)
        .bind(p.denominator)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    let written = points.len();
    let added = data_added(measure_object(measure, name), written, &replaced);
    touch(&mut tx, measure, at).await?;
    record(&mut tx, project, by, at, &[added]).await?;
    tx.commit().await.map_err(db)?;
    Ok(written)
}

pub(crate) async fn data(
    pool: &SqlitePool,
    measure: MeasureId,
) -> Result<Vec<DataPoint>, StoreError> {
    let rows = sqlx::query(
        "SELECT date, value, denominator FROM data_points WHERE measure_id = ? ORDER BY date",
    )
    .bind(measure.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|r| {
            Ok(DataPoint {
                date: r.try_get("date").map_err(db)?,
                value: r.try_get("value").map_err(db)?,
                denominator: r.try_get("denominator").map_err(db)?,
            })
        })
        .collect()
}
