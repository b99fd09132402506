//! PDSA cycles, linked to a change idea and to the cycle they follow in a ramp; deleted softly
//! and restored.

use gemba_domain::history::{pdsa_changes, Action, HistoryObject, LinkLabels, ObjectKind};
use gemba_domain::{
    ActDecision, DriverNodeId, HistoryRecord, PdsaCycle, PdsaFields, PdsaId, ProjectId, StoreError,
    UserId, Version,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::drivers::{check_in_project, text_of};
use crate::error::{corrupt, db};
use crate::history::{now, record};
use crate::projects::live_project;
use crate::version::{check, next, swapped};

fn cycle_from(r: &SqliteRow) -> Result<PdsaCycle, StoreError> {
    let act: Option<String> = r.try_get("act").map_err(db)?;
    Ok(PdsaCycle {
        id: PdsaId(r.try_get("id").map_err(db)?),
        project: ProjectId(r.try_get("project_id").map_err(db)?),
        fields: PdsaFields {
            title: r.try_get("title").map_err(db)?,
            start_date: r.try_get("start_date").map_err(db)?,
            change_idea: r
                .try_get::<Option<i64>, _>("change_idea_id")
                .map_err(db)?
                .map(DriverNodeId),
            follows: r
                .try_get::<Option<i64>, _>("follows_id")
                .map_err(db)?
                .map(PdsaId),
            objective: r.try_get("objective").map_err(db)?,
            prediction: r.try_get("prediction").map_err(db)?,
            plan: r.try_get("plan").map_err(db)?,
            data_plan: r.try_get("data_plan").map_err(db)?,
            do_notes: r.try_get("do_notes").map_err(db)?,
            study: r.try_get("study").map_err(db)?,
            act: act
                .map(|a| ActDecision::parse(&a).ok_or_else(|| corrupt("pdsa_cycles.act", &a)))
                .transpose()?,
            act_notes: r.try_get("act_notes").map_err(db)?,
            scale: r.try_get("scale").map_err(db)?,
        },
        version: Version(r.try_get("version").map_err(db)?),
    })
}

/// The columns [`cycle_from`] reads (a macro, so that queries stay static strings).
macro_rules! columns {
    () => {
        "id, project_id, change_idea_id, follows_id, title, start_date, objective, prediction, \
         plan, data_plan, do_notes, study, act, act_notes, scale, version"
    };
}

/// A cycle that is not deleted.
async fn load(conn: &mut SqliteConnection, id: PdsaId) -> Result<Option<PdsaCycle>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM pdsa_cycles WHERE id = ? AND deleted_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?
    .as_ref()
    .map(cycle_from)
    .transpose()
}

/// Fails unless the change idea (a live one, unless it is the one the cycle `this` already
/// tests, which may since have been deleted) and the earlier cycle belong to the project, and
/// unless the cycle `this` (when it exists already) would not come before itself in its ramp.
async fn check_links(
    conn: &mut SqliteConnection,
    project: ProjectId,
    this: Option<(PdsaId, &PdsaFields)>,
    f: &PdsaFields,
) -> Result<(), StoreError> {
    let kept = this.is_some_and(|(_, old)| old.change_idea == f.change_idea);
    if let (Some(idea), false) = (f.change_idea, kept) {
        check_in_project(conn, idea, project).await?;
    }
    let this = this.map(|(id, _)| id);
    let Some(follows) = f.follows else {
        return Ok(());
    };
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM pdsa_cycles WHERE id = ? AND project_id = ?")
            .bind(follows.0)
            .bind(project.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
    if found.is_none() {
        return Err(StoreError::Missing(format!(
            "the PDSA cycle {follows} in the project {project}"
        )));
    }
    if let Some(this) = this {
        // Walk back from the earlier cycle; meeting this one would make the ramp a loop.
        let looped: Option<i64> = sqlx::query_scalar(
            "WITH RECURSIVE earlier (id) AS ( \
                 SELECT ? \
                 UNION \
                 SELECT c.follows_id FROM pdsa_cycles c JOIN earlier e ON c.id = e.id \
                 WHERE c.follows_id IS NOT NULL) \
             SELECT id FROM earlier WHERE id = ?",
        )
        .bind(follows.0)
        .bind(this.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if looped.is_some() {
            return Err(StoreError::Conflict(format!(
                "a ramp in which this cycle comes before the PDSA cycle {follows}"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn create(
    pool: &SqlitePool,
    project: ProjectId,
    f: &PdsaFields,
    by: UserId,
) -> Result<PdsaId, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    live_project(&mut tx, project).await?;
    check_links(&mut tx, project, None, f).await?;
    let done = sqlx::query(
        "INSERT INTO pdsa_cycles (project_id, change_idea_id, follows_id, title, start_date, \
         objective, prediction, plan, data_plan, do_notes, study, act, act_notes, scale, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(project.0)
    .bind(f.change_idea.map(|c| c.0))
    .bind(f.follows.map(|c| c.0))
    .bind(&f.title)
    .bind(f.start_date)
    .bind(&f.objective)
    .bind(&f.prediction)
    .bind(&f.plan)
    .bind(&f.data_plan)
    .bind(&f.do_notes)
    .bind(&f.study)
    .bind(f.act.map(ActDecision::name))
    .bind(&f.act_notes)
    .bind(&f.scale)
    .bind(at)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let id = PdsaId(done.last_insert_rowid());
    let object = HistoryObject::new(ObjectKind::PdsaCycle, id.0, &f.title);
    record(
        &mut tx,
        project,
        by,
        at,
        &[HistoryRecord::new(object, Action::Created)],
    )
    .await?;
    tx.commit().await.map_err(db)?;
    Ok(id)
}

pub(crate) async fn pdsa(pool: &SqlitePool, id: PdsaId) -> Result<Option<PdsaCycle>, StoreError> {
    let mut conn = pool.acquire().await.map_err(db)?;
    load(&mut conn, id).await
}

pub(crate) async fn pdsas(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<PdsaCycle>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM pdsa_cycles WHERE project_id = ? AND deleted_at IS NULL \
         ORDER BY start_date IS NULL, start_date, id"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(cycle_from).collect()
}

pub(crate) async fn deleted(
    pool: &SqlitePool,
    project: ProjectId,
) -> Result<Vec<PdsaCycle>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM pdsa_cycles WHERE project_id = ? AND deleted_at IS NOT NULL \
         ORDER BY deleted_at DESC, id DESC"
    ))
    .bind(project.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter().map(cycle_from).collect()
}

/// The title of a cycle, deleted or not, for a history record of a link to it (`None` for no
/// link).
async fn title_of(
    conn: &mut SqliteConnection,
    id: Option<PdsaId>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let title: Option<String> = sqlx::query_scalar("SELECT title FROM pdsa_cycles WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    Ok(Some(title.unwrap_or_else(|| format!("cycle {id}"))))
}

pub(crate) async fn update(
    pool: &SqlitePool,
    id: PdsaId,
    f: &PdsaFields,
    expected: Version,
    by: UserId,
) -> Result<Version, StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let at = now();
    let old = load(&mut tx, id)
        .await?
        .ok_or_else(|| StoreError::Missing(format!("the PDSA cycle {id}")))?;
    let project = old.project;
    live_project(&mut tx, project).await?;
    let name = || format!("the PDSA cycle “{}”", old.fields.title);
    check(name, old.version, Some(expected))?;
    let ideas = if old.fields.change_idea == f.change_idea {
        LinkLabels::default()
    } else {
        LinkLabels {
            old: text_of(&mut tx, old.fields.change_idea).await?,
            new: text_of(&mut tx, f.change_idea).await?,
        }
    };
    let earlier = if old.fields.follows == f.follows {
        LinkLabels::default()
    } else {
        LinkLabels {
            old: title_of(&mut tx, old.fields.follows).await?,
            new: title_of(&mut tx, f.follows).await?,
        }
    };
    let changed = pdsa_changes(id, &old.fields, f, ideas, earlier);
    if changed.is_empty() {
        return Ok(expected);
    }
    check_links(&mut tx, project, Some((id, &old.fields)), f).await?;
    let done = sqlx::query(
        "UPDATE pdsa_cycles SET change_idea_id = ?, follows_id = ?, title = ?, start_date = ?, \
         objective = ?, prediction = ?, plan = ?, data_plan = ?, do_notes = ?, study = ?, \
         act = ?, act_notes = ?, scale = ?, updated_at = ?, version = version + 1 \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(f.change_idea.map(|c| c.0))
    .bind(f.follows.map(|c| c.0))
    .bind(&f.title)
    .bind(f.start_date)
    .bind(&f.objective)
    .bind(&f.prediction)
    .bind(&f.plan)
    .bind(&f.data_plan)
    .bind(&f.do_notes)
    .bind(&f.study)
    .bind(f.act.map(ActDecision::name))
    .bind(&f.act_notes)
    .bind(&f.scale)
    .bind(at)
    .bind(id.0)
    .bind(expected.0)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    swapped(name, done.rows_affected())?;
    record(&mut tx, project, by, at, &changed).await?;
    tx.commit().await.map_err(db)?;
    Ok(next(expected))
}
