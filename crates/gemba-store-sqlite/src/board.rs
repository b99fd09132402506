//! The board's view: the organisation's own measures (in its one project row of kind
//! `organisation`), the sections of its board report, and which measures are on the report, in
//! which section, with which executive owner.

use gemba_domain::history::{Field, HistoryObject, ObjectKind};
use gemba_domain::{
    BoardMeasure, BoardPlace, HistoryRecord, MeasureId, OrgId, ProjectId, StoreError, UserId,
    DEFAULT_REPORT_SECTIONS,
};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{corrupt, db, missing};
use crate::history::{now, record};
use crate::measures::measure_from;

/// The title of the row that holds an organisation's own measures.
const HOME_TITLE: &str = "Organisation measures";

pub(crate) async fn organisation_measures(
    pool: &SqlitePool,
    org: OrgId,
    by: UserId,
) -> Result<ProjectId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM projects WHERE org_id = ? AND kind = 'organisation'")
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
    if let Some(id) = found {
        return Ok(ProjectId(id));
    }
    let at = now();
    let done = sqlx::query(
        "INSERT INTO projects (org_id, title, problem, aim, method, status, sponsor, kind, \
         created_at, updated_at) VALUES (?, ?, '', '', '', 'sustaining', '', 'organisation', ?, ?)",
    )
    .bind(org.0)
    .bind(HOME_TITLE)
    .bind(at)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(missing(format!("the organisation {org}")))?;
    let id = ProjectId(done.last_insert_rowid());
    let object = HistoryObject::new(ObjectKind::Project, id.0, HOME_TITLE);
    let created = HistoryRecord::new(object, gemba_domain::history::Action::Created);
    record(&mut tx, id, by, at, &[created]).await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

async fn sections_in(conn: &mut SqliteConnection, org: OrgId) -> Result<Vec<String>, StoreError> {
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT name FROM report_sections WHERE org_id = ? ORDER BY position")
            .bind(org.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    Ok(if stored.is_empty() {
        DEFAULT_REPORT_SECTIONS.map(str::to_owned).to_vec()
    } else {
        stored
    })
}

pub(crate) async fn report_sections(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<String>, StoreError> {
    let mut conn = pool.acquire().await.map_err(db)?;
    sections_in(&mut conn, org).await
}

pub(crate) async fn set_report_sections(
    pool: &SqlitePool,
    org: OrgId,
    sections: &[String],
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let used: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT b.section FROM board_measures b JOIN measures m ON m.id = b.measure_id \
         WHERE b.org_id = ? ORDER BY b.section",
    )
    .bind(org.0)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    if let Some(left) = used.iter().find(|u| !sections.contains(u)) {
        return Err(StoreError::Refused(format!(
            "the section “{left}” still has measures: move them to another section first"
        )));
    }
    sqlx::query("DELETE FROM report_sections WHERE org_id = ?")
        .bind(org.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for (position, name) in (0_i64..).zip(sections) {
        sqlx::query("INSERT INTO report_sections (org_id, position, name) VALUES (?, ?, ?)")
            .bind(org.0)
            .bind(position)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(missing(format!("the organisation {org}")))?;
    }
    tx.commit().await.map_err(db)
}

pub(crate) async fn board_measures(
    pool: &SqlitePool,
    org: OrgId,
) -> Result<Vec<BoardMeasure>, StoreError> {
    let mut conn = pool.acquire().await.map_err(db)?;
    let sections = sections_in(&mut conn, org).await?;
    let rows = sqlx::query(
        "SELECT m.id, m.project_id, m.name, m.kind, m.definition, m.unit, m.data_source, \
         m.chart, m.improvement, m.target, m.rules, m.rebases, m.fix_after, m.period, \
         m.multiplier, m.denominator_label, m.version, b.section, p.kind AS home, \
         u.id AS user_id, u.email, u.name AS user_name \
         FROM board_measures b JOIN measures m ON m.id = b.measure_id \
         JOIN projects p ON p.id = m.project_id \
         LEFT JOIN users u ON u.id = b.owner_id \
         WHERE b.org_id = ? AND m.deleted_at IS NULL AND p.deleted_at IS NULL \
         ORDER BY b.position, m.id",
    )
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let owner = match r.try_get::<Option<i64>, _>("user_id").map_err(db)? {
            Some(_) => Some(owner_from(r)?),
            None => None,
        };
        let home: String = r.try_get("home").map_err(db)?;
        out.push(BoardMeasure {
            measure: measure_from(r)?,
            section: r.try_get("section").map_err(db)?,
            owner,
            organisation_measure: home == "organisation",
        });
    }
    // By the report's order of sections (a section no longer listed goes last), then as put.
    let rank = |s: &str| {
        sections
            .iter()
            .position(|x| x == s)
            .unwrap_or(sections.len())
    };
    out.sort_by_key(|b| rank(&b.section));
    Ok(out)
}

/// The owner of a board measure row (its user columns renamed to avoid the measure's `name`).
fn owner_from(r: &sqlx::sqlite::SqliteRow) -> Result<gemba_domain::User, StoreError> {
    let email: String = r.try_get("email").map_err(db)?;
    Ok(gemba_domain::User {
        id: UserId(r.try_get("user_id").map_err(db)?),
        email: gemba_domain::Email::parse(&email).map_err(|_| corrupt("users.email", &email))?,
        name: r.try_get("user_name").map_err(db)?,
    })
}

pub(crate) async fn board_place(
    pool: &SqlitePool,
    measure: MeasureId,
) -> Result<Option<BoardPlace>, StoreError> {
    let row = sqlx::query("SELECT section, owner_id FROM board_measures WHERE measure_id = ?")
        .bind(measure.0)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.map(|r| {
        Ok(BoardPlace {
            section: r.try_get("section").map_err(db)?,
            owner: r
                .try_get::<Option<i64>, _>("owner_id")
                .map_err(db)?
                .map(UserId),
        })
    })
    .transpose()
}

/// The name of a user, for the history.
async fn name_of(
    conn: &mut SqliteConnection,
    user: Option<UserId>,
) -> Result<Option<String>, StoreError> {
    let Some(user) = user else { return Ok(None) };
    sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)
}

pub(crate) async fn set_board_place(
    pool: &SqlitePool,
    measure: MeasureId,
    place: Option<&BoardPlace>,
    by: UserId,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let row = sqlx::query(
        "SELECT m.name, m.project_id, p.org_id FROM measures m \
         JOIN projects p ON p.id = m.project_id \
         WHERE m.id = ? AND m.deleted_at IS NULL AND p.deleted_at IS NULL",
    )
    .bind(measure.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| StoreError::Missing(format!("the measure {measure}")))?;
    let name: String = row.try_get("name").map_err(db)?;
    let project = ProjectId(row.try_get("project_id").map_err(db)?);
    let org = OrgId(row.try_get("org_id").map_err(db)?);
    let old = {
        let r = sqlx::query("SELECT section, owner_id FROM board_measures WHERE measure_id = ?")
            .bind(measure.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        match r {
            Some(r) => Some(BoardPlace {
                section: r.try_get("section").map_err(db)?,
                owner: r
                    .try_get::<Option<i64>, _>("owner_id")
                    .map_err(db)?
                    .map(UserId),
            }),
            None => None,
        }
    };
    if old.as_ref() == place {
        return Ok(());
    }
    match place {
        None => {
            sqlx::query("DELETE FROM board_measures WHERE measure_id = ?")
                .bind(measure.0)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        Some(p) => {
            let sections = sections_in(&mut tx, org).await?;
            if !sections.contains(&p.section) {
                return Err(StoreError::Refused(format!(
                    "the board report has no section “{}”",
                    p.section
                )));
            }
            if let Some(owner) = p.owner {
                let active: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM memberships \
                     WHERE user_id = ? AND org_id = ? AND deactivated_at IS NULL",
                )
                .bind(owner.0)
                .bind(org.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
                if active.is_none() {
                    return Err(StoreError::Missing(format!(
                        "the user {owner} in the measure's organisation"
                    )));
                }
            }
            let position: i64 = match &old {
                Some(_) => {
                    sqlx::query_scalar("SELECT position FROM board_measures WHERE measure_id = ?")
                        .bind(measure.0)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db)?
                }
                None => sqlx::query_scalar(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM board_measures WHERE org_id = ?",
                )
                .bind(org.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?,
            };
            sqlx::query(
                "INSERT INTO board_measures (measure_id, org_id, section, owner_id, position) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (measure_id) DO UPDATE SET \
                 section = excluded.section, owner_id = excluded.owner_id",
            )
            .bind(measure.0)
            .bind(org.0)
            .bind(&p.section)
            .bind(p.owner.map(|u| u.0))
            .bind(position)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
    }
    let object = HistoryObject::new(ObjectKind::Measure, measure.0, name);
    let mut records = Vec::new();
    let (old_section, new_section) = (
        old.as_ref().map(|p| p.section.clone()),
        place.map(|p| p.section.clone()),
    );
    if old_section != new_section {
        records.push(HistoryRecord::changed(
            object.clone(),
            Field::Section,
            old_section,
            new_section,
        ));
    }
    let (old_owner, new_owner) = (
        old.as_ref().and_then(|p| p.owner),
        place.and_then(|p| p.owner),
    );
    if old_owner != new_owner {
        records.push(HistoryRecord::changed(
            object,
            Field::Owner,
            name_of(&mut tx, old_owner).await?,
            name_of(&mut tx, new_owner).await?,
        ));
    }
    record(&mut tx, project, by, now(), &records).await?;
    tx.commit().await.map_err(db)
}

pub(crate) async fn move_on_board(
    pool: &SqlitePool,
    measure: MeasureId,
    earlier: bool,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let row =
        sqlx::query("SELECT org_id, section, position FROM board_measures WHERE measure_id = ?")
            .bind(measure.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or_else(|| {
                StoreError::Missing(format!("the measure {measure} on the board report"))
            })?;
    let org: i64 = row.try_get("org_id").map_err(db)?;
    let section: String = row.try_get("section").map_err(db)?;
    let position: i64 = row.try_get("position").map_err(db)?;
    // The live measure next to it in its section, before or after it.
    let neighbour = sqlx::query(if earlier {
        "SELECT b.measure_id, b.position FROM board_measures b JOIN measures m ON m.id = b.measure_id \
         JOIN projects p ON p.id = m.project_id WHERE b.org_id = ? AND b.section = ? \
         AND b.position < ? AND m.deleted_at IS NULL AND p.deleted_at IS NULL \
         ORDER BY b.position DESC LIMIT 1"
    } else {
        "SELECT b.measure_id, b.position FROM board_measures b JOIN measures m ON m.id = b.measure_id \
         JOIN projects p ON p.id = m.project_id WHERE b.org_id = ? AND b.section = ? \
         AND b.position > ? AND m.deleted_at IS NULL AND p.deleted_at IS NULL \
         ORDER BY b.position LIMIT 1"
    })
    .bind(org)
    .bind(&section)
    .bind(position)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let Some(n) = neighbour else { return Ok(false) };
    let other: i64 = n.try_get("measure_id").map_err(db)?;
    let other_position: i64 = n.try_get("position").map_err(db)?;
    for (id, to) in [(measure.0, other_position), (other, position)] {
        sqlx::query("UPDATE board_measures SET position = ? WHERE measure_id = ?")
            .bind(to)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    Ok(true)
}
