//! The SQLite store's tests, one binary: the shared conformance suite (the `gemba-store-tests`
//! crate, written against `&dyn Store` so that every backend runs it) on an in-memory database
//! and on a database file, then what only SQLite has: the file, its journal, its migrations,
//! its locks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::Path;

use chrono::NaiveDate;
use gemba_domain::*;
use gemba_store_sqlite::SqliteStore;
use sqlx::{Connection, SqliteConnection};

/// A store on a new database file in `dir`.
async fn file_store(dir: &Path) -> SqliteStore {
    SqliteStore::open(dir.join("gemba.db").to_str().unwrap())
        .await
        .unwrap()
}

// Every conformance case on a fresh in-memory store…
gemba_store_tests::conformance!(
    in_memory,
    fixture = gemba_store_sqlite::SqliteStore::in_memory().await.unwrap(),
    store = &fixture,
    after = (),
);

// …and on a fresh database file, closed cleanly after the case.
gemba_store_tests::conformance!(
    file,
    fixture = {
        let dir = tempfile::tempdir().unwrap();
        (crate::file_store(dir.path()).await, dir)
    },
    store = &fixture.0,
    after = fixture.0.close().await,
);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A rebase on `d`, with a reason.
fn rebased(d: NaiveDate) -> gemba_domain::Rebase {
    gemba_domain::Rebase {
        date: d,
        reason: format!("Process changed {d}"),
    }
}

fn project_fields(title: &str) -> ProjectFields {
    ProjectFields {
        title: NonEmpty::parse("title", title).unwrap(),
        problem: String::new(),
        aim: "Reduce falls by 30% by March 2026".into(),
        method: "Model for Improvement".into(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: vec!["falls".into()],
        private: false,
    }
}

fn measure_fields(name: &str) -> MeasureFields {
    MeasureFields {
        name: NonEmpty::parse("name", name).unwrap(),
        kind: MeasureType::Outcome,
        definition: String::new(),
        unit: String::new(),
        data_source: String::new(),
        denominator_label: String::new(),
        chart: ChartSettings {
            chart: gemba_spc::ChartType::PPrime,
            improvement: gemba_spc::Improvement::Decrease,
            target: Some(0.05),
            rules: "mdc".into(),
            rebase: vec![rebased(date(2024, 6, 1))],
            fix_after: Some(12),
            period: Period::Month,
            multiplier: gemba_domain::Multiplier::ONE,
        },
    }
}

fn monthly(n: u32, value: f64) -> Vec<DataPoint> {
    (0..n)
        .map(|i| DataPoint {
            date: date(2022 + (i / 12) as i32, i % 12 + 1, 1),
            value: Some(value + f64::from(i)),
            denominator: Some(1000.0),
        })
        .collect()
}

async fn pragma(db: &Path, name: &str) -> String {
    let url = format!("sqlite://{}", db.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let sql = match name {
        "journal_mode" => "PRAGMA journal_mode",
        "migrations" => "SELECT COUNT(*) || '' FROM _sqlx_migrations",
        other => panic!("no query for {other}"),
    };
    let value: String = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    value
}

/// What was written survives closing and reopening; reopening migrates nothing twice; the
/// file is in WAL mode.
#[tokio::test]
async fn file_database_persists_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested-name.db");
    assert!(!path.exists());
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists(), "created when missing");
    let org = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let user = store
        .create_user(&Email::parse("asha@nhs.net").unwrap(), "Asha Patel", "hash")
        .await
        .unwrap();
    store.set_membership(user, org, Role::Admin).await.unwrap();
    let project = store
        .create_project(org, &project_fields("Falls on Ward 7"), user)
        .await
        .unwrap();
    let measure = store
        .create_measure(project, &measure_fields("Falls"), user)
        .await
        .unwrap();
    store
        .put_data(measure, &monthly(24, 5.0), user)
        .await
        .unwrap();
    let before = (
        store.project(project).await.unwrap().unwrap(),
        store.measure(measure).await.unwrap().unwrap(),
        store.data(measure).await.unwrap(),
        store.history(project).await.unwrap(),
    );
    store.close().await;

    assert_eq!(pragma(&path, "journal_mode").await, "wal");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count()
        .to_string();
    assert_eq!(pragma(&path, "migrations").await, migrations);

    // Twice, through a URL the second time: the migrations run once.
    for target in [
        path.to_str().unwrap().to_owned(),
        format!("sqlite://{}", path.display()),
    ] {
        let store = SqliteStore::open(&target).await.unwrap();
        let after = (
            store.project(project).await.unwrap().unwrap(),
            store.measure(measure).await.unwrap().unwrap(),
            store.data(measure).await.unwrap(),
            store.history(project).await.unwrap(),
        );
        assert_eq!(after, before);
        assert_eq!(store.memberships(user).await.unwrap()[0].role, Role::Admin);
        store.close().await;
    }
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count()
        .to_string();
    assert_eq!(pragma(&path, "migrations").await, migrations);
    assert_eq!(pragma(&path, "journal_mode").await, "wal");
}

/// A `sqlite:` URL with a relative path, and the in-memory spellings.
#[tokio::test]
async fn open_accepts_urls_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("by-url.db");
    let store = SqliteStore::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    store.close().await;
    assert!(path.exists());

    for memory in [":memory:", "sqlite::memory:"] {
        let store = SqliteStore::open(memory).await.unwrap();
        let org = store
            .create_org("Northshire Hospitals", None)
            .await
            .unwrap();
        assert_eq!(
            store.org(org).await.unwrap().unwrap().name,
            "Northshire Hospitals"
        );
        // A second in-memory store is a different database.
        let other = SqliteStore::in_memory().await.unwrap();
        assert_eq!(
            other.org_by_name("Northshire Hospitals").await.unwrap(),
            None
        );
    }

    let bad = SqliteStore::open(dir.path().join("no-such-dir/x.db").to_str().unwrap()).await;
    match bad {
        Err(StoreError::Unavailable { what, cause }) => {
            assert!(what.contains("cannot open"), "{what}");
            // The driver's error is kept as the cause, for the log.
            assert!(!cause.to_string().is_empty());
        }
        other => panic!("{other:?}"),
    }
}

/// An import that fails on its last row leaves the earlier rows unwritten, the replaced
/// values as they were and no history. (The failure is forced with a trigger, which only a
/// SQLite test can add.)
#[tokio::test]
async fn import_failing_half_way_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gemba.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let user = store
        .create_user(&Email::parse("asha@nhs.net").unwrap(), "Asha Patel", "hash")
        .await
        .unwrap();
    let project = store
        .create_project(org, &project_fields("Falls on Ward 7"), user)
        .await
        .unwrap();
    let measure = store
        .create_measure(project, &measure_fields("Falls"), user)
        .await
        .unwrap();
    let first = monthly(12, 5.0);
    store.put_data(measure, &first, user).await.unwrap();
    let history = store.history(project).await.unwrap();

    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_666 BEFORE INSERT ON data_points WHEN NEW.value = 666 \
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    // Replaces two existing months, adds two, then fails.
    let mut batch = monthly(14, 100.0)[10..].to_vec();
    batch.push(DataPoint {
        date: date(2030, 1, 1),
        value: Some(666.0),
        denominator: None,
    });
    let result = store.put_data(measure, &batch, user).await;
    assert!(
        matches!(result, Err(StoreError::Unavailable { .. })),
        "{result:?}"
    );
    assert_eq!(store.data(measure).await.unwrap(), first);
    assert_eq!(store.history(project).await.unwrap(), history);
    // The store still works afterwards.
    assert_eq!(store.put_data(measure, &batch[..4], user).await.unwrap(), 4);
    assert_eq!(store.data(measure).await.unwrap().len(), 14);
    store.close().await;
}

/// Many writers at once on one file: each waits its turn, none fails, nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path()).await;
    let org = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let user = store
        .create_user(&Email::parse("asha@nhs.net").unwrap(), "Asha Patel", "hash")
        .await
        .unwrap();
    let project = store
        .create_project(org, &project_fields("Falls on Ward 7"), user)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let m = store
                .create_measure(project, &measure_fields(&format!("Measure {i}")), user)
                .await?;
            store.put_data(m, &monthly(60, f64::from(i)), user).await?;
            let mut f = project_fields("Falls on Ward 7");
            f.aim = format!("Aim {i}");
            // Read, merge, write; when another task saved in between, read again.
            loop {
                let read = store.project(project).await?.map(|p| p.version);
                match store
                    .update_project(project, &f, read.unwrap_or(Version(1)), user)
                    .await
                {
                    Err(StoreError::Stale(_)) => continue,
                    done => {
                        done?;
                        break;
                    }
                };
            }
            store.data(m).await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().len(), 60);
    }
    assert_eq!(store.measures(project).await.unwrap().len(), 16);
    // Created, then 16 × (measure added, data imported, aim changed): every aim differs.
    assert_eq!(store.history(project).await.unwrap().len(), 1 + 16 * 3);
    store.close().await;
}

/// The store is usable as a trait object, as the web app holds it.
#[tokio::test]
async fn usable_as_a_shared_trait_object() {
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(SqliteStore::in_memory().await.unwrap());
    let org = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let handle = {
        let store = store.clone();
        tokio::spawn(async move { store.org(org).await })
    };
    assert!(handle.await.unwrap().unwrap().is_some());
}

/// A value changed behind Gemba's back is a database error naming the column, not a panic.
#[tokio::test]
async fn unreadable_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gemba.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let org = store
        .create_org("Northshire Hospitals", None)
        .await
        .unwrap();
    let user = store
        .create_user(&Email::parse("asha@nhs.net").unwrap(), "Asha Patel", "hash")
        .await
        .unwrap();
    let project = store
        .create_project(org, &project_fields("Falls on Ward 7"), user)
        .await
        .unwrap();
    let measure = store
        .create_measure(project, &measure_fields("Falls"), user)
        .await
        .unwrap();
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in [
        "UPDATE projects SET status = 'paused'",
        "UPDATE measures SET chart = 'pie', rebase = '2024-13-01'",
        // The column's CHECK refuses this, so a corrupt file is the only way in.
        "PRAGMA ignore_check_constraints = ON",
        "UPDATE measures SET chart = 'xmr', rebase = '', period = 'fortnight'",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    let e = store.project(project).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Corrupt { column, value } if column == "projects.status" && value == "paused"),
        "{e}"
    );
    assert!(matches!(
        store.projects(org).await,
        Err(StoreError::Corrupt { .. })
    ));
    let e = store.measure(measure).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Corrupt { column, value } if column == "measures.period" && value == "fortnight"),
        "{e}"
    );
    store.close().await;
}

/// Regression: expired sessions were never deleted, so the table grew with every sign-in.
/// Creating a session now sweeps those that have expired by the clock, and only those.
#[tokio::test]
async fn creating_a_session_deletes_expired_ones() {
    let store = SqliteStore::in_memory().await.unwrap();
    let user = store
        .create_user(&Email::parse("ben@nhs.net").unwrap(), "Ben Okafor", "hash")
        .await
        .unwrap();
    let long_ago = date(2020, 1, 1).and_hms_opt(9, 0, 0).unwrap();
    let now = chrono::Utc::now().naive_utc();
    let later = now + chrono::Duration::hours(12);
    store
        .create_session("expired-hash", user, "csrf-old", long_ago)
        .await
        .unwrap();
    store
        .create_session("live-hash", user, "csrf-live", later)
        .await
        .unwrap();
    // Looked up at a time before it expired, a kept row would still be found.
    let before = long_ago - chrono::Duration::hours(1);
    assert_eq!(store.session("expired-hash", before).await.unwrap(), None);
    assert!(store.session("live-hash", now).await.unwrap().is_some());
    // The new session itself is kept, even when its expiry is already past.
    store
        .create_session("new-hash", user, "csrf-new", long_ago)
        .await
        .unwrap();
    assert!(store.session("new-hash", before).await.unwrap().is_some());
    assert!(store.session("live-hash", now).await.unwrap().is_some());
}

/// A database file migrated up to, not including, migration `version`: the state of a
/// deployment before an upgrade. Returns its folder, its URL and a connection to it.
async fn database_before(version: i64) -> (tempfile::TempDir, String, SqliteConnection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let mut before = sqlx::migrate::Migrator::new(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations"
    )))
    .await
    .unwrap();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&mut conn).await.unwrap();
    (dir, url, conn)
}

/// A database made before migration 0011 keeps its history: the sentences written then come
/// back as legacy entries, in order, with who wrote them, and new changes add records after
/// them.
#[tokio::test]
async fn upgrade_to_history_records_keeps_old_sentences() {
    let (dir, _, mut conn) = database_before(11).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', 'Fewer falls', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO history (project_id, user_id, at, what) \
         VALUES (1, 1, '2025-01-02 03:04:05', 'created the project')",
        "INSERT INTO history (project_id, user_id, at, what) VALUES (1, NULL, \
         '2025-01-02 03:04:06', 'changed the aim from “Less harm” to “Fewer falls”')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let at = |s| date(2025, 1, 2).and_hms_opt(3, 4, s).unwrap();
    let old = vec![
        HistoryEntry {
            at: at(6),
            by: None,
            who: "a removed user".into(),
            what: HistoryWhat::Legacy("changed the aim from “Less harm” to “Fewer falls”".into()),
        },
        HistoryEntry {
            at: at(5),
            by: Some(UserId(1)),
            who: "Asha".into(),
            what: HistoryWhat::Legacy("created the project".into()),
        },
    ];
    assert_eq!(store.history(ProjectId(1)).await.unwrap(), old);
    let mut f = project_fields("Falls");
    f.aim = "Fewer falls".into();
    f.method = "Lean".into();
    f.tags = vec![];
    f.status = ProjectStatus::Testing;
    let v = store.project(ProjectId(1)).await.unwrap().unwrap().version;
    store
        .update_project(ProjectId(1), &f, v, UserId(1))
        .await
        .unwrap();
    let h = store.history(ProjectId(1)).await.unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[1..], old[..]);
    let r = h[0].record().unwrap();
    assert_eq!(r.field, Some(gemba_domain::history::Field::Method));
    assert_eq!((r.old.as_deref(), r.new.as_deref()), (None, Some("Lean")));
    store.close().await;
}

/// A database made before migration 0006 keeps its API tokens (now with an id and no expiry),
/// its teams (not archived) and its people (active) after the upgrade.
/// A database made before migration 0013 gives every project a lead: the author of its first
/// history row (its creator); a project with no history has none.
#[tokio::test]
async fn upgrade_to_project_leads_makes_each_creator_the_lead() {
    let (dir, _, mut conn) = database_before(13).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (2, 'ben@nhs.net', 'Ben', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (2, 1, 'member')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (2, 1, 'Sepsis', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO history (project_id, user_id, at, what) \
         VALUES (1, 2, '2025-01-02 03:04:05', 'created the project')",
        "INSERT INTO history (project_id, user_id, at, what) \
         VALUES (1, 1, '2025-01-02 03:04:06', 'changed the aim')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let lead = |id| {
        let store = &store;
        async move { store.project(ProjectId(id)).await.unwrap().unwrap().lead }
    };
    assert_eq!(lead(1).await, Some(UserId(2)), "Ben created it");
    assert_eq!(lead(2).await, None);
    store.close().await;
}

/// A database made before migration 0014: its projects stay improvement projects, listed as
/// before, and its organisation gets the row of its own measures on first use.
#[tokio::test]
async fn upgrade_to_board_measures_keeps_projects_as_they_were() {
    let (dir, _, mut conn) = database_before(14).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let listed = store.projects(OrgId(1)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind, ProjectKind::Improvement);
    let home = store
        .organisation_measures(OrgId(1), UserId(1))
        .await
        .unwrap();
    assert_ne!(home, ProjectId(1));
    assert_eq!(store.projects(OrgId(1)).await.unwrap().len(), 1);
    assert_eq!(
        store.report_sections(OrgId(1)).await.unwrap(),
        DEFAULT_REPORT_SECTIONS.map(str::to_owned)
    );
    store.close().await;
}

/// A database made before migration 0015: no saved reports yet; its board measures get
/// narratives and its organisation a saved report.
#[tokio::test]
async fn upgrade_to_saved_reports_starts_with_none() {
    let (dir, _, mut conn) = database_before(15).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO measures (id, project_id, name, kind, definition, unit, data_source, chart, \
         improvement, rules, created_at, updated_at) VALUES (1, 1, 'Falls', 'outcome', '', '', \
         '', 'xmr', 'decrease', 'mdc', '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
        "INSERT INTO board_measures (measure_id, org_id, section, owner_id, position) \
         VALUES (1, 1, 'Safe', 1, 0)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.saved_reports(OrgId(1)).await.unwrap().is_empty());
    let settings = ReportSettings {
        title: "Integrated quality report".into(),
        ..ReportSettings::default()
    };
    store
        .create_saved_report(OrgId(1), &settings, UserId(1))
        .await
        .unwrap();
    let text = NarrativeText {
        shows: "Falls fell.".into(),
        ..NarrativeText::default()
    };
    store
        .set_narrative(MeasureId(1), "2025-01", &text, None, UserId(1))
        .await
        .unwrap();
    assert_eq!(
        store.narratives(OrgId(1), "2025-01").await.unwrap().len(),
        1
    );
    store.close().await;
}

/// A database made before migration 0016 has no assessments, and its organisations can start
/// one after the upgrade.
#[tokio::test]
async fn upgrade_to_self_assessments_starts_with_none() {
    let (dir, _, mut conn) = database_before(16).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'board_viewer')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.assessments(OrgId(1)).await.unwrap().is_empty());
    let fields = AssessmentFields {
        title: NonEmpty::parse("title", "Board development").unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
    };
    let id = store
        .create_assessment(OrgId(1), &fields, UserId(1))
        .await
        .unwrap();
    assert_eq!(store.assessments(OrgId(1)).await.unwrap()[0].id, id);
    store.close().await;
}

/// A database made before migration 0019 has no priorities; its projects take them after.
#[tokio::test]
async fn upgrade_to_priorities_starts_with_none() {
    let (dir, _, mut conn) = database_before(19).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name, system) VALUES (1, 'Northshire Hospitals', 'Northshire ICS')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.priorities_of(OrgId(1)).await.unwrap().is_empty());
    let text = PriorityText {
        title: "Same-day emergency care".into(),
        description: String::new(),
    };
    let id = store
        .create_priority(
            &PriorityScope::System("Northshire ICS".into()),
            &text,
            UserId(1),
        )
        .await
        .unwrap();
    store
        .set_project_priorities(ProjectId(1), &[id])
        .await
        .unwrap();
    assert_eq!(store.project_priorities(ProjectId(1)).await.unwrap(), [id]);
    store.close().await;
}

/// A database made before migration 0020 has no events; its projects can become one after.
#[tokio::test]
async fn upgrade_to_improvement_events_starts_with_none() {
    let (dir, _, mut conn) = database_before(20).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Discharge week', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.events(OrgId(1)).await.unwrap().is_empty());
    let held = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    store
        .set_event_date(ProjectId(1), Some(held))
        .await
        .unwrap();
    assert_eq!(store.event_date(ProjectId(1)).await.unwrap(), Some(held));
    store.close().await;
}

/// A database made before migration 0021 has no closing summaries; its projects take them after.
#[tokio::test]
async fn upgrade_to_closing_summaries_starts_with_none() {
    let (dir, _, mut conn) = database_before(21).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'closed', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.closing_summary(ProjectId(1)).await.unwrap().is_none());
    let text = ClosingText {
        what_worked: "Hourly checks".into(),
        ..ClosingText::default()
    };
    store
        .set_closing_summary(ProjectId(1), &text, None, UserId(1))
        .await
        .unwrap();
    assert!(store.closing_summary(ProjectId(1)).await.unwrap().is_some());
    store.close().await;
}

/// A database made before migration 0023: its projects are not private, and nobody holds a
/// system role; both can be set after.
#[tokio::test]
async fn upgrade_to_system_roles_keeps_projects_open() {
    let (dir, _, mut conn) = database_before(23).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name, system) VALUES (1, 'Northshire Hospitals', 'Northshire ICS')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let p = store.project(ProjectId(1)).await.unwrap().unwrap();
    assert!(!p.private);
    assert!(store.system_roles_of(UserId(1)).await.unwrap().is_empty());
    store
        .update_project(
            ProjectId(1),
            &ProjectFields {
                private: true,
                ..p.fields()
            },
            p.version,
            UserId(1),
        )
        .await
        .unwrap();
    assert!(store.project(ProjectId(1)).await.unwrap().unwrap().private);
    store
        .set_system_role(
            "Northshire ICS",
            UserId(1),
            Some(SystemRole::Viewer),
            UserId(1),
        )
        .await
        .unwrap();
    assert_eq!(
        store.system_people("Northshire ICS").await.unwrap().len(),
        1
    );
    store.close().await;
}

/// A database made before migration 0025 has no ideas and no notifications; both work after.
#[tokio::test]
async fn upgrade_to_ideas_starts_with_none() {
    let (dir, _, mut conn) = database_before(25).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.ideas(OrgId(1)).await.unwrap().is_empty());
    assert!(store.notifications(UserId(1), 10).await.unwrap().is_empty());
    let text = IdeaText {
        problem: "Call bells out of reach".into(),
        idea: "Clip them to the bed rail".into(),
        area: String::new(),
    };
    store
        .create_idea(OrgId(1), None, &text, UserId(1))
        .await
        .unwrap();
    assert_eq!(store.ideas(OrgId(1)).await.unwrap().len(), 1);
    store.close().await;
}

/// A database made before migration 0026 has no value entries; they can be recorded after, and
/// a membership may then be finance's.
#[tokio::test]
async fn upgrade_to_value_starts_with_none() {
    let (dir, _, mut conn) = database_before(26).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.org_value_entries(OrgId(1)).await.unwrap().is_empty());
    let fields = ProjectFields {
        title: NonEmpty::parse("title", "Falls").unwrap(),
        problem: String::new(),
        aim: String::new(),
        method: String::new(),
        status: ProjectStatus::Testing,
        team: None,
        sponsor: String::new(),
        tags: vec![],
        private: false,
    };
    let project = store
        .create_project(OrgId(1), &fields, UserId(1))
        .await
        .unwrap();
    let value = ValueFields {
        kind: ValueKind::Realised,
        pence: 250_000,
        hours: 0.0,
        cash_releasing: true,
        recurrence: Recurrence::OneOff,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        method: "Ledger 4471".into(),
    };
    store
        .create_value(project, &value, UserId(1))
        .await
        .unwrap();
    assert_eq!(store.value_entries(project).await.unwrap().len(), 1);
    store
        .set_membership(UserId(1), OrgId(1), Role::Finance)
        .await
        .unwrap();
    assert_eq!(
        store.memberships(UserId(1)).await.unwrap()[0].role,
        Role::Finance
    );
    store.close().await;
}

/// A database made before migration 0029: its projects and change ideas came from no idea, no
/// organisation has a response target, and e-mail is off.
#[tokio::test]
async fn upgrade_to_idea_lineage_starts_with_none_and_email_off() {
    let (dir, _, mut conn) = database_before(29).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(
        store.project(ProjectId(1)).await.unwrap().unwrap().idea,
        None
    );
    assert_eq!(store.idea_response_target(OrgId(1)).await.unwrap(), None);
    assert!(!store.email_enabled().await.unwrap());
    store.close().await;
}

/// A database made before migration 0028: its projects have no involvement recorded ("none
/// yet"); it can be recorded after.
#[tokio::test]
async fn upgrade_to_involvement_starts_with_none() {
    let (dir, _, mut conn) = database_before(28).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.involvement(ProjectId(1)).await.unwrap(), None);
    assert!(store.org_involvement(OrgId(1)).await.unwrap().is_empty());
    let fields = InvolvementFields {
        level: InvolvementLevel::Involve,
        ..InvolvementFields::default()
    };
    store
        .set_involvement(ProjectId(1), &fields, Version(0), UserId(1))
        .await
        .unwrap();
    assert_eq!(
        store
            .involvement(ProjectId(1))
            .await
            .unwrap()
            .unwrap()
            .fields,
        fields
    );
    store.close().await;
}

/// A database made before migration 0027 has no training; courses, sessions and places work
/// after.
#[tokio::test]
async fn upgrade_to_capability_starts_with_no_training() {
    let (dir, _, mut conn) = database_before(27).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.courses(OrgId(1)).await.unwrap().is_empty());
    assert!(store.training_places(OrgId(1)).await.unwrap().is_empty());
    let text = gemba_domain::CourseText {
        title: "Foundations of QI".into(),
        level: gemba_domain::Level::Foundation,
        description: String::new(),
    };
    let course = store.create_course(OrgId(1), &text).await.unwrap();
    let fields = gemba_domain::TrainingSessionFields {
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
        places: 10,
        venue: String::new(),
    };
    let session = store
        .create_training_session(course, &fields)
        .await
        .unwrap();
    store
        .add_place(
            session,
            UserId(1),
            gemba_domain::PlaceState::Booked,
            Version(1),
        )
        .await
        .unwrap();
    assert_eq!(store.training_places(OrgId(1)).await.unwrap().len(), 1);
    assert_eq!(store.capability_plan(OrgId(1)).await.unwrap(), None);
    store
        .set_capability_plan(OrgId(1), [60, 15, 2], Version(0))
        .await
        .unwrap();
    store.close().await;
}

/// A database made before migration 0017: its projects have no progress override, its
/// organisations flag stalled work after the default 6 weeks and its cycles have no scale; an
/// override can then be set.
#[tokio::test]
async fn upgrade_to_progress_starts_without_overrides_at_six_weeks() {
    let (dir, _, mut conn) = database_before(17).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'member')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO pdsa_cycles (id, project_id, title, start_date, objective, prediction, \
         plan, data_plan, do_notes, study, act_notes, created_at, updated_at) \
         VALUES (1, 1, 'Huddle', '2025-01-06', '', 'Fewer falls', '', '', '', '', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.progress_override(ProjectId(1)).await.unwrap(), None);
    // Cycles logged before have no scale recorded.
    let cycle = store.pdsa(PdsaId(1)).await.unwrap().unwrap();
    assert_eq!(
        (
            cycle.fields.prediction.as_str(),
            cycle.fields.scale.as_str()
        ),
        ("Fewer falls", "")
    );
    assert_eq!(store.stall_weeks(OrgId(1)).await.unwrap(), 6);
    let v = store.project(ProjectId(1)).await.unwrap().unwrap().version;
    let score = gemba_domain::Score::new(2.5).unwrap();
    store
        .set_progress_override(
            ProjectId(1),
            Some((score, "Cycles under way")),
            v,
            UserId(1),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .progress_override(ProjectId(1))
            .await
            .unwrap()
            .unwrap()
            .score,
        score
    );
    store.close().await;
}

/// A database made before migration 0022 has no adoptions; its projects are adopted after.
#[tokio::test]
async fn upgrade_to_adoptions_starts_with_none() {
    let (dir, _, mut conn) = database_before(22).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO orgs (id, name) VALUES (2, 'Southshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 2, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', 'Fewer falls', '', 'sustaining', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    assert!(store.adoption(ProjectId(1)).await.unwrap().is_none());
    assert!(store.adoptions_of(ProjectId(1)).await.unwrap().is_empty());
    let source = store.project(ProjectId(1)).await.unwrap().unwrap();
    let new = gemba_domain::NewAdoption {
        source: source.id,
        org: OrgId(2),
        fields: gemba_domain::adopted_project(&source, None),
        nodes: Vec::new(),
        measures: Vec::new(),
    };
    let p = store.adopt(&new, UserId(1)).await.unwrap();
    assert_eq!(
        store.adoption(p).await.unwrap().unwrap().source,
        ProjectId(1)
    );
    store.close().await;
}

#[tokio::test]
async fn upgrade_to_accounts_keeps_tokens_teams_and_people() {
    let (dir, _, mut conn) = database_before(6).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO teams (id, org_id, name) VALUES (1, 1, 'Ward 7')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO api_tokens (secret_hash, user_id, label, created_at) \
         VALUES ('old-token', 1, 'nightly', '2025-01-02 03:04:05')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let now = chrono::Utc::now().naive_utc();
    let user = store
        .api_token_user("old-token", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email.as_str(), "asha@nhs.net");
    let tokens = store.api_tokens(user.id).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].name, "nightly");
    assert_eq!(tokens[0].expires_at, None);
    assert_eq!(
        tokens[0].created_at,
        date(2025, 1, 2).and_hms_opt(3, 4, 5).unwrap()
    );
    assert!(store.revoke_api_token(user.id, tokens[0].id).await.unwrap());
    assert!(!store.teams(OrgId(1)).await.unwrap()[0].archived);
    let people = store.org_people(OrgId(1)).await.unwrap();
    assert!(people[0].active && people[0].role == Role::Admin);
    store.close().await;
}

/// Measures made before migration 0008 had no period; they were monthly in practice and read
/// back as monthly, and the new column refuses a period Gemba does not know.
#[tokio::test]
async fn upgrade_to_measure_periods_makes_old_measures_monthly() {
    let (dir, url, mut conn) = database_before(8).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
        "INSERT INTO measures (id, project_id, name, kind, definition, unit, data_source, chart, \
         improvement, rules, created_at, updated_at) VALUES (1, 1, 'Falls', 'outcome', '', '', \
         '', 'xmr', 'decrease', 'mdc', '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let m = store.measure(MeasureId(1)).await.unwrap().unwrap();
    assert_eq!(m.chart.period, Period::Month);
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let refused = sqlx::query("UPDATE measures SET period = 'fortnight'")
        .execute(&mut conn)
        .await;
    assert!(refused.is_err(), "the CHECK constraint refuses it");
    conn.close().await.unwrap();
}

/// Issue 10: proportions show as percentages. A database from before migration 0010 has a p
/// chart with target 0.95 and a p′ chart without one, shown as entered; after the upgrade
/// both show percentages and the target reads 95, while a u chart is unchanged and no stored
/// value moves.
#[tokio::test]
async fn upgrade_shows_old_proportions_as_percentages() {
    let (dir, _, mut conn) = database_before(10).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Sepsis', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
        "INSERT INTO measures (id, project_id, name, kind, definition, unit, data_source, chart, \
         improvement, target, rules, created_at, updated_at) VALUES \
         (1, 1, 'Antibiotics within 1 hour', 'process', '', '', '', 'p', 'increase', 0.95, 'mdc', \
          '2025-01-02 03:04:05', '2025-01-02 03:04:05'), \
         (2, 1, 'Screened', 'process', '', '', '', 'pp', 'increase', NULL, 'mdc', \
          '2025-01-02 03:04:05', '2025-01-02 03:04:05'), \
         (3, 1, 'Falls', 'outcome', '', '', '', 'u', 'decrease', 4.5, 'mdc', \
          '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
        "INSERT INTO data_points (measure_id, date, value, denominator) VALUES \
         (1, '2025-01-01', 81, 100)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let p = store.measure(MeasureId(1)).await.unwrap().unwrap();
    assert_eq!(
        (p.chart.multiplier.get(), p.chart.target),
        (100, Some(95.0))
    );
    let pp = store.measure(MeasureId(2)).await.unwrap().unwrap();
    assert_eq!((pp.chart.multiplier.get(), pp.chart.target), (100, None));
    let u = store.measure(MeasureId(3)).await.unwrap().unwrap();
    assert_eq!((u.chart.multiplier.get(), u.chart.target), (1, Some(4.5)));
    let data = store.data(MeasureId(1)).await.unwrap();
    assert_eq!(
        (data[0].value, data[0].denominator),
        (Some(81.0), Some(100.0))
    );
    store.close().await;
}

/// Rebases made before migration 0012 had no reason: after the upgrade each reads back with
/// a reason saying it was not recorded, in date order, and a rebase saved afterwards keeps
/// its own reason.
#[tokio::test]
async fn upgrade_gives_old_rebases_a_not_recorded_reason() {
    let (dir, url, mut conn) = database_before(12).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls', '', '', '', 'testing', '', \
         '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
        "INSERT INTO measures (id, project_id, name, kind, definition, unit, data_source, chart, \
         improvement, rules, rebase, created_at, updated_at) VALUES \
         (1, 1, 'Falls', 'outcome', '', '', '', 'xmr', 'decrease', 'mdc', \
          '2024-01-01,2024-03-01', '2025-01-02 03:04:05', '2025-01-02 03:04:05'), \
         (2, 1, 'Harm', 'outcome', '', '', '', 'xmr', 'decrease', 'mdc', '', \
          '2025-01-02 03:04:05', '2025-01-02 03:04:05')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let m = store.measure(MeasureId(1)).await.unwrap().unwrap();
    let not_recorded = "Not recorded (rebased before reasons were required)";
    assert_eq!(
        m.chart.rebase,
        [
            gemba_domain::Rebase {
                date: date(2024, 1, 1),
                reason: not_recorded.into()
            },
            gemba_domain::Rebase {
                date: date(2024, 3, 1),
                reason: not_recorded.into()
            }
        ]
    );
    assert_eq!(gemba_domain::REBASE_REASON_NOT_RECORDED, not_recorded);
    let harm = store.measure(MeasureId(2)).await.unwrap().unwrap();
    assert!(harm.chart.rebase.is_empty());
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let refused = sqlx::query("UPDATE measures SET rebases = '{\"date\": 1}'")
        .execute(&mut conn)
        .await;
    assert!(refused.is_err(), "the CHECK constraint wants an array");
    conn.close().await.unwrap();
}

/// A database made before migration 0018: its live projects, their change ideas and measure
/// names are found by search after the upgrade; a deleted project, a deleted change idea, a
/// driver that is not a change idea and the organisation's own row are not.
#[tokio::test]
async fn upgrade_to_search_indexes_existing_projects() {
    let (dir, _, mut conn) = database_before(18).await;
    let path = dir.path().join("old.db");
    for sql in [
        "INSERT INTO orgs (id, name) VALUES (1, 'Northshire Hospitals')",
        "INSERT INTO users (id, email, name, password_hash) VALUES (1, 'asha@nhs.net', 'Asha', 'h')",
        "INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'admin')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at) VALUES (1, 1, 'Falls on Ward 9', 'Night falls', '', '', \
         'testing', '', '2025-01-02 03:04:05', '2025-01-02 03:04:06')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at, deleted_at) VALUES (2, 1, 'Falls gone', '', '', '', \
         'testing', '', '2025-01-02 03:04:05', '2025-01-02 03:04:06', '2025-02-01 00:00:00')",
        "INSERT INTO projects (id, org_id, title, problem, aim, method, status, sponsor, \
         created_at, updated_at, kind) VALUES (3, 1, 'Board falls', '', '', '', \
         'testing', '', '2025-01-02 03:04:05', '2025-01-02 03:04:06', 'organisation')",
        "INSERT INTO driver_nodes (id, project_id, parent_id, kind, text, position) \
         VALUES (1, 1, NULL, 'primary', 'Safe environment', 0)",
        "INSERT INTO driver_nodes (id, project_id, parent_id, kind, text, position) \
         VALUES (2, 1, 1, 'change_idea', 'Bed rails audit', 1)",
        "INSERT INTO driver_nodes (id, project_id, parent_id, kind, text, position, deleted_at) \
         VALUES (3, 1, 1, 'change_idea', 'Yellow socks', 2, '2025-02-01 00:00:00')",
        "INSERT INTO measures (id, project_id, name, kind, definition, unit, data_source, chart, \
         improvement, rules, created_at, updated_at) VALUES (1, 1, 'Falls per 1,000 bed days', \
         'outcome', '', '', '', 'u', 'decrease', 'mdc', '2025-01-02 03:04:05', \
         '2025-01-02 03:04:05')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let found = |q: &'static str| {
        let store = store.clone();
        async move {
            store
                .search_projects(
                    &Readable {
                        own: vec![OrgId(1)],
                        shared: Vec::new(),
                    },
                    &SearchTerms::all_of(q),
                    None,
                    10,
                )
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.project)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("falls").await, [ProjectId(1)]);
    assert_eq!(found("rails").await, [ProjectId(1)]);
    assert_eq!(found("bed days").await, [ProjectId(1)]);
    assert!(found("socks").await.is_empty());
    assert!(found("environment").await.is_empty());
    assert!(found("gone").await.is_empty());
    assert!(found("board").await.is_empty());
    store.close().await;
}
