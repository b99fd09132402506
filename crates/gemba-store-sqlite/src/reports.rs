//! Saved board reports, the owners' narratives per measure and period, and published reports
//! (kept as rendered, never changed).

use gemba_domain::{
    Cadence, Email, MeasureId, Narrative, NarrativeText, OrgId, Publication, PublishedCopy,
    ReportId, ReportSettings, SavedReport, StoreError, User, UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::error::{conflict, corrupt, db, missing};
use crate::history::now;
use crate::version::{check, next, swapped};

/// The columns of a saved report and its table (macros, so that queries stay static strings).
macro_rules! report_columns {
    () => {
        "SELECT id, org_id, title, cadence, sections, concern_first, version FROM saved_reports"
    };
}

fn report_from(r: &SqliteRow) -> Result<SavedReport, StoreError> {
    let cadence: String = r.try_get("cadence").map_err(db)?;
    let sections: String = r.try_get("sections").map_err(db)?;
    Ok(SavedReport {
        id: ReportId(r.try_get("id").map_err(db)?),
        org: OrgId(r.try_get("org_id").map_err(db)?),
        settings: ReportSettings {
            title: r.try_get("title").map_err(db)?,
            cadence: Cadence::parse(&cadence)
                .ok_or_else(|| corrupt("saved_reports.cadence", &cadence))?,
            sections: serde_json::from_str(&sections)
                .map_err(|_| corrupt("saved_reports.sections", &sections))?,
            concern_first: r.try_get("concern_first").map_err(db)?,
        },
        version: Version(r.try_get("version").map_err(db)?),
    })
}

fn sections_json(settings: &ReportSettings) -> Result<String, StoreError> {
    serde_json::to_string(&settings.sections)
        .map_err(|e| StoreError::Refused(format!("the sections cannot be stored: {e}")))
}

pub(crate) async fn saved_reports(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<SavedReport>, StoreError> {
    let rows = sqlx::query(concat!(
        report_columns!(),
        " WHERE org_id = ? ORDER BY title COLLATE NOCASE, id"
    ))
    .bind(org.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(report_from).collect()
}

pub(crate) async fn saved_report(
    pool: &SqlitePool,
    id: ReportId,
) -> Result<Option<SavedReport>, StoreError> {
    let row = sqlx::query(concat!(report_columns!(), " WHERE id = ?"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.as_ref().map(report_from).transpose()
}

pub(crate) async fn create_saved_report(
    pool: &SqlitePool,
    org: OrgId,
    settings: &ReportSettings,
    by: UserId,
) -> Result<ReportId, StoreError> {
    let at = now();
    let done = sqlx::query(
        "INSERT INTO saved_reports (org_id, title, cadence, sections, concern_first, created_by, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org.0)
    .bind(&settings.title)
    .bind(settings.cadence.name())
    .bind(sections_json(settings)?)
    .bind(settings.concern_first)
    .bind(by.0)
    .bind(at)
    .bind(at)
    .execute(pool)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    Ok(ReportId(done.last_insert_rowid()))
}

pub(crate) async fn update_saved_report(
    pool: &SqlitePool,
    id: ReportId,
    settings: &ReportSettings,
    expected: Version,
) -> Result<Version, StoreError> {
    let what = || format!("the report {id}");
    let Some(current) = saved_report(pool, id).await? else {
        return Err(StoreError::Missing(what()));
    };
    check(what, current.version, Some(expected))?;
    if current.settings == *settings {
        return Ok(expected);
    }
    let done = sqlx::query(
        "UPDATE saved_reports SET title = ?, cadence = ?, sections = ?, concern_first = ?, \
         version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
    )
    .bind(&settings.title)
    .bind(settings.cadence.name())
    .bind(sections_json(settings)?)
    .bind(settings.concern_first)
    .bind(now())
    .bind(id.0)
    .bind(expected.0)
    .execute(pool)
    .await
    .map_err(db)?;
    swapped(what, done.rows_affected())?;
    Ok(next(expected))
}

pub(crate) async fn delete_saved_report(
    pool: &SqlitePool,
    id: ReportId,
    expected: Option<Version>,
) -> Result<(), StoreError> {
    let what = || format!("the report {id}");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let version: Option<i64> = sqlx::query_scalar("SELECT version FROM saved_reports WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    let Some(version) = version else {
        return Err(StoreError::Missing(what()));
    };
    check(what, Version(version), expected)?;
    let published: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM report_publications WHERE report_id = ?")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
    if published > 0 {
        return Err(StoreError::Refused(
            "this report has been published, and its published copies are the board's record: \
             it is kept"
                .into(),
        ));
    }
    sqlx::query("DELETE FROM saved_reports WHERE id = ?")
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)
}

fn user_from(r: &SqliteRow, id_column: &str) -> Result<Option<User>, StoreError> {
    let Some(id) = r.try_get::<Option<i64>, _>(id_column).map_err(db)? else {
        return Ok(None);
    };
    let email: String = r.try_get("email").map_err(db)?;
    Ok(Some(User {
        id: UserId(id),
        email: Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
        name: r.try_get("user_name").map_err(db)?,
    }))
}

macro_rules! narrative_columns {
    () => {
        "SELECT n.measure_id, n.period, n.shows, n.why, n.actions, n.updated_at, n.version, \
         u.id AS author, u.email, u.name AS user_name \
         FROM narratives n LEFT JOIN users u ON u.id = n.author_id "
    };
}

fn narrative_from(r: &SqliteRow) -> Result<Narrative, StoreError> {
    Ok(Narrative {
        measure: MeasureId(r.try_get("measure_id").map_err(db)?),
        period: r.try_get("period").map_err(db)?,
        text: NarrativeText {
            shows: r.try_get("shows").map_err(db)?,
            why: r.try_get("why").map_err(db)?,
            actions: r.try_get("actions").map_err(db)?,
        },
        author: user_from(r, "author")?,
        updated_at: r.try_get("updated_at").map_err(db)?,
        version: Version(r.try_get("version").map_err(db)?),
    })
}

pub(crate) async fn narrative(
    pool: &SqlitePool,
    measure: MeasureId,
    period: &str,
) -> Result<Option<Narrative>, StoreError> {
    let row = sqlx::query(concat!(
        narrative_columns!(),
        "WHERE n.measure_id = ? AND n.period = ?"
    ))
    .bind(measure.0)
    .bind(period)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(narrative_from).transpose()
}

pub(crate) async fn narratives(
    pool: &SqlitePool,
    org: OrgId,
    period: &str,
) -> Result<Vec<Narrative>, StoreError> {
    let rows = sqlx::query(concat!(
        narrative_columns!(),
        "JOIN measures m ON m.id = n.measure_id JOIN projects p ON p.id = m.project_id \
         WHERE p.org_id = ? AND n.period = ? ORDER BY n.measure_id"
    ))
    .bind(org.0)
    .bind(period)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(narrative_from).collect()
}

pub(crate) async fn set_narrative(
    pool: &SqlitePool,
    measure: MeasureId,
    period: &str,
    text: &NarrativeText,
    expected: Option<Version>,
    by: UserId,
) -> Result<Version, StoreError> {
    let what = || format!("the narrative for {period}");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let current: Option<i64> =
        sqlx::query_scalar("SELECT version FROM narratives WHERE measure_id = ? AND period = ?")
            .bind(measure.0)
            .bind(period)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    let at = now();
    let version = match current {
        None => {
            // Someone who saw a narrative (and so sent its version) finds it gone: stale.
            if expected.is_some() {
                return Err(StoreError::Stale(what()));
            }
            sqlx::query(
                "INSERT INTO narratives (measure_id, period, shows, why, actions, author_id, \
                 updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(measure.0)
            .bind(period)
            .bind(&text.shows)
            .bind(&text.why)
            .bind(&text.actions)
            .bind(by.0)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(missing(format!("the measure {measure}")))?;
            Version(1)
        }
        Some(v) => {
            let v = Version(v);
            check(what, v, expected)?;
            sqlx::query(
                "UPDATE narratives SET shows = ?, why = ?, actions = ?, author_id = ?, \
                 updated_at = ?, version = version + 1 WHERE measure_id = ? AND period = ?",
            )
            .bind(&text.shows)
            .bind(&text.why)
            .bind(&text.actions)
            .bind(by.0)
            .bind(at)
            .bind(measure.0)
            .bind(period)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            next(v)
        }
    };
    tx.commit().await.map_err(db)?;
    Ok(version)
}

macro_rules! publication_columns {
    () => {
        "SELECT r.report_id, r.period, r.label, r.published_at, u.id AS publisher, u.email, \
         u.name AS user_name"
    };
}

fn publication_from(r: &SqliteRow) -> Result<Publication, StoreError> {
    Ok(Publication {
        report: ReportId(r.try_get("report_id").map_err(db)?),
        period: r.try_get("period").map_err(db)?,
        label: r.try_get("label").map_err(db)?,
        published_at: r.try_get("published_at").map_err(db)?,
        published_by: user_from(r, "publisher")?,
    })
}

pub(crate) async fn publications(
    pool: &SqlitePool,
    report: ReportId,
) -> Result<Vec<Publication>, StoreError> {
    // Period codes sort as their periods do (`2026-03` < `2026-11`, `2025-Q4` < `2026-Q1`).
    let rows = sqlx::query(concat!(
        publication_columns!(),
        " FROM report_publications r LEFT JOIN users u ON u.id = r.published_by \
         WHERE r.report_id = ? ORDER BY r.period DESC"
    ))
    .bind(report.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(publication_from).collect()
}

pub(crate) async fn publish_report(
    pool: &SqlitePool,
    report: ReportId,
    period: &str,
    label: &str,
    copy: &PublishedCopy,
    by: UserId,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO report_publications (report_id, period, label, published_at, published_by, \
         summary, html, pdf) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(report.0)
    .bind(period)
    .bind(label)
    .bind(now())
    .bind(by.0)
    .bind(&copy.summary_json)
    .bind(&copy.html)
    .bind(&copy.pdf)
    .execute(pool)
    .await
    .map_err(conflict(format!("the published report for {label}")))?;
    Ok(())
}

pub(crate) async fn published_report(
    pool: &SqlitePool,
    report: ReportId,
    period: &str,
) -> Result<Option<(Publication, PublishedCopy)>, StoreError> {
    let row = sqlx::query(concat!(
        publication_columns!(),
        ", r.summary, r.html, r.pdf FROM report_publications r \
         LEFT JOIN users u ON u.id = r.published_by WHERE r.report_id = ? AND r.period = ?"
    ))
    .bind(report.0)
    .bind(period)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        publication_from(&r)?,
        PublishedCopy {
            summary_json: r.try_get("summary").map_err(db)?,
            html: r.try_get("html").map_err(db)?,
            pdf: r.try_get("pdf").map_err(db)?,
        },
    )))
}
