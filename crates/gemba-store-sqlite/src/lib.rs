//! Gemba's [`Store`] on SQLite, through sqlx.
//!
//! - **One file, embedded migrations.** [`SqliteStore::open`] creates the database file if it
//!   is missing and applies `migrations/*.sql` (compiled into the binary), so a fresh
//!   `gemba serve` needs nothing but a path. Migrations once committed are never edited.
//! - **Safe against crashes.** WAL journal, `synchronous = FULL` (a write is on disk before it
//!   is acknowledged, so it survives a power cut as well as a crash), foreign keys on, a 5-second
//!   busy timeout; every write is one transaction begun with `BEGIN IMMEDIATE`, so concurrent
//!   writers wait for each other instead of failing half-way.
//! - **History with every change.** Each change to a project (its fields, driver diagram,
//!   measures, data, PDSA cycles, deletion and restoration) writes the history records that
//!   `gemba_domain::history` produces for it (no prose) in the same transaction, and marks the
//!   project changed. A change that changes nothing writes nothing.
//! - **Nothing leaks across projects.** A driver node's parent, a PDSA cycle's change idea and
//!   the cycle it follows must belong to the same project, and a project's team to the same
//!   organisation; otherwise the write fails with [`StoreError::Missing`]. A deleted project
//!   cannot be changed (restore it first), but its measures, data and cycles stay readable by
//!   id so that an admin can inspect what a restore brings back: callers that check access
//!   through [`Store::project`] see none of them.
//!
//! Queries are plain `sqlx::query` strings (there is no database at build time); the
//! conformance tests in `tests/conformance/` run every one of them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gemba_domain::StoreError> {
//! use gemba_domain::Store;
//! let store = gemba_store_sqlite::SqliteStore::open("./gemba.db").await?;
//! let org = store.create_org("Northshire Hospitals NHS Foundation Trust", Some("Northshire ICS")).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use gemba_domain::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

mod accounts;
mod adoptions;
mod assessments;
mod board;
mod bulk;
mod closing;
mod drivers;
mod email;
mod error;
mod events;
mod history;
mod ideas;
mod involvement;
mod measures;
mod members;
mod owner;
mod pdsa;
mod people;
mod priorities;
mod progress;
mod projects;
mod reports;
mod search;
mod soft_delete;
mod systems;
mod training;
mod value;
mod version;

use error::db;

/// How long a connection waits for another's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Rows a query may run ahead of its reader (sqlx's default is 50): a large read (the
/// portfolio's 10,000 projects) then hands rows over in fewer, larger batches.
const ROW_BUFFER: usize = 1024;

/// Most connections a file database keeps open (readers run in parallel under WAL; writers
/// take turns).
const MAX_CONNECTIONS: u32 = 8;

/// Gemba's storage in one SQLite database. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("connections", &self.pool.size())
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `path_or_url` — a file path such as
    /// `./gemba.db` or a URL such as `sqlite://data/gemba.db` or `sqlite:gemba.db?mode=rwc` —
    /// and brings its schema up to date. `:memory:` and `sqlite::memory:` give
    /// [`SqliteStore::in_memory`].
    ///
    /// The connections use WAL journal mode, `synchronous = FULL`, foreign keys and a
    /// 5-second busy timeout.
    pub async fn open(path_or_url: &str) -> Result<SqliteStore, StoreError> {
        let target = path_or_url.trim();
        if matches!(target, ":memory:" | "sqlite::memory:" | "sqlite://:memory:") {
            return Self::in_memory().await;
        }
        let options = if target.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(target).map_err(|e| {
                StoreError::unavailable(format!("cannot read the database URL {target}"), e)
            })?
        } else {
            SqliteConnectOptions::new().filename(target)
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .row_buffer_size(ROW_BUFFER);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::unavailable(format!("cannot open {target}"), e))?;
        Self::migrated(pool).await
    }

    /// A fresh database in memory, gone when the store (and its clones) are dropped: for tests
    /// and demos. It lives on a single connection that is never closed.
    pub async fn in_memory() -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db)?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .row_buffer_size(ROW_BUFFER);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(db)?;
        Self::migrated(pool).await
    }

    /// Marks this database as one seeded by `gemba demo` (see [`existing_database`]).
    pub async fn mark_as_demo(&self) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO demo_marker (seeded_at) VALUES (datetime('now'))")
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn migrated(pool: SqlitePool) -> Result<SqliteStore, StoreError> {
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::unavailable("cannot migrate the database", e))?;
        Ok(SqliteStore { pool })
    }

    /// Waits for running queries, then closes every connection (checkpointing the WAL into
    /// the database file). Use it on shutdown; the store cannot be used afterwards.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_org(&self, name: &str, system: Option<&str>) -> Result<OrgId, StoreError> {
        people::create_org(&self.pool, name, system).await
    }

    async fn org_by_name(&self, name: &str) -> Result<Option<Organisation>, StoreError> {
        people::org_by_name(&self.pool, name).await
    }

    async fn org(&self, id: OrgId) -> Result<Option<Organisation>, StoreError> {
        people::org(&self.pool, id).await
    }

    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId, StoreError> {
        people::create_team(&self.pool, org, name).await
    }

    async fn teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError> {
        people::teams(&self.pool, org, false).await
    }

    async fn all_teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError> {
        people::teams(&self.pool, org, true).await
    }

    async fn team(&self, id: TeamId) -> Result<Option<Team>, StoreError> {
        accounts::team(&self.pool, id).await
    }

    async fn rename_team(&self, id: TeamId, name: &str) -> Result<(), StoreError> {
        accounts::rename_team(&self.pool, id, name).await
    }

    async fn set_team_archived(&self, id: TeamId, archived: bool) -> Result<(), StoreError> {
        accounts::set_team_archived(&self.pool, id, archived).await
    }

    async fn orgs_in_system(&self, system: &str) -> Result<Vec<Organisation>, StoreError> {
        accounts::orgs_in_system(&self.pool, system).await
    }

    async fn create_idea(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        text: &IdeaText,
        by: UserId,
    ) -> Result<IdeaId, StoreError> {
        ideas::create_idea(&self.pool, org, team, text, by).await
    }

    async fn ideas(&self, org: OrgId) -> Result<Vec<Idea>, StoreError> {
        ideas::ideas(&self.pool, org).await
    }

    async fn idea(&self, id: IdeaId) -> Result<Option<Idea>, StoreError> {
        ideas::idea(&self.pool, id).await
    }

    async fn set_idea_support(
        &self,
        id: IdeaId,
        user: UserId,
        supports: bool,
    ) -> Result<(), StoreError> {
        ideas::set_idea_support(&self.pool, id, user, supports).await
    }

    async fn add_idea_comment(
        &self,
        id: IdeaId,
        by: UserId,
        text: &str,
        notify: Option<&NewNotification>,
    ) -> Result<IdeaCommentId, StoreError> {
        ideas::add_idea_comment(&self.pool, id, by, text, notify).await
    }

    async fn idea_comments(&self, id: IdeaId) -> Result<Vec<IdeaComment>, StoreError> {
        ideas::idea_comments(&self.pool, id).await
    }

    async fn triage_idea(
        &self,
        id: IdeaId,
        triage: &Triage,
        expected: Version,
        notify: Option<&NewNotification>,
    ) -> Result<Version, StoreError> {
        ideas::triage_idea(&self.pool, id, triage, expected, notify).await
    }

    async fn notifications(
        &self,
        user: UserId,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        ideas::notifications(&self.pool, user, limit).await
    }

    async fn mark_notifications_read(&self, user: UserId) -> Result<(), StoreError> {
        ideas::mark_notifications_read(&self.pool, user).await
    }

    async fn convert_idea(
        &self,
        id: IdeaId,
        expected: Version,
        into: &IdeaInto,
        triage: &Triage,
        notify: Option<&NewNotification>,
        by: UserId,
    ) -> Result<Became, StoreError> {
        ideas::convert_idea(&self.pool, id, expected, into, triage, notify, by).await
    }

    async fn set_email_enabled(&self, enabled: bool) -> Result<(), StoreError> {
        email::set_enabled(&self.pool, enabled).await
    }

    async fn email_enabled(&self) -> Result<bool, StoreError> {
        email::enabled(&self.pool).await
    }

    async fn emails_due(
        &self,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<OutboxEmail>, StoreError> {
        email::due(&self.pool, now, limit).await
    }

    async fn email_sent(&self, id: EmailId, at: NaiveDateTime) -> Result<(), StoreError> {
        email::sent(&self.pool, id, at).await
    }

    async fn email_failed(
        &self,
        id: EmailId,
        error: &str,
        next_attempt: NaiveDateTime,
    ) -> Result<(), StoreError> {
        email::failed(&self.pool, id, error, next_attempt).await
    }

    async fn email_outbox(&self, org: OrgId, limit: usize) -> Result<Vec<OutboxEmail>, StoreError> {
        email::of_org(&self.pool, org, limit).await
    }

    async fn idea_response_target(&self, org: OrgId) -> Result<Option<ResponseTarget>, StoreError> {
        ideas::response_target(&self.pool, org).await
    }

    async fn set_idea_response_target(
        &self,
        org: OrgId,
        days: u32,
        expected: Version,
    ) -> Result<Version, StoreError> {
        ideas::set_response_target(&self.pool, org, days, expected).await
    }

    async fn create_course(&self, org: OrgId, text: &CourseText) -> Result<CourseId, StoreError> {
        training::create_course(&self.pool, org, text).await
    }

    async fn courses(&self, org: OrgId) -> Result<Vec<Course>, StoreError> {
        training::courses(&self.pool, org).await
    }

    async fn course(&self, id: CourseId) -> Result<Option<Course>, StoreError> {
        training::course(&self.pool, id).await
    }

    async fn update_course(
        &self,
        id: CourseId,
        text: &CourseText,
        expected: Version,
    ) -> Result<Version, StoreError> {
        training::update_course(&self.pool, id, text, expected).await
    }

    async fn create_training_session(
        &self,
        course: CourseId,
        fields: &TrainingSessionFields,
    ) -> Result<TrainingSessionId, StoreError> {
        training::create_training_session(&self.pool, course, fields).await
    }

    async fn training_sessions(&self, org: OrgId) -> Result<Vec<TrainingSession>, StoreError> {
        training::training_sessions(&self.pool, org).await
    }

    async fn training_session(
        &self,
        id: TrainingSessionId,
    ) -> Result<Option<TrainingSession>, StoreError> {
        training::training_session(&self.pool, id).await
    }

    async fn update_training_session(
        &self,
        id: TrainingSessionId,
        fields: &TrainingSessionFields,
        expected: Version,
        promote: &[UserId],
        notify: &[NewNotification],
    ) -> Result<Version, StoreError> {
        training::update_training_session(&self.pool, id, fields, expected, promote, notify).await
    }

    async fn places(&self, session: TrainingSessionId) -> Result<Vec<Place>, StoreError> {
        training::places(&self.pool, session).await
    }

    async fn training_places(&self, org: OrgId) -> Result<Vec<Place>, StoreError> {
        training::training_places(&self.pool, org).await
    }

    async fn add_place(
        &self,
        session: TrainingSessionId,
        user: UserId,
        state: PlaceState,
        expected: Version,
    ) -> Result<Version, StoreError> {
        training::add_place(&self.pool, session, user, state, expected).await
    }

    async fn remove_place(
        &self,
        session: TrainingSessionId,
        user: UserId,
        expected: Version,
        promote: &[UserId],
        notify: &[NewNotification],
    ) -> Result<Version, StoreError> {
        training::remove_place(&self.pool, session, user, expected, promote, notify).await
    }

    async fn project_coaches(&self, project: ProjectId) -> Result<Vec<User>, StoreError> {
        training::project_coaches(&self.pool, project).await
    }

    async fn org_project_coaches(
        &self,
        org: OrgId,
    ) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
        training::org_project_coaches(&self.pool, org).await
    }

    async fn set_project_coach(
        &self,
        project: ProjectId,
        coach: UserId,
        coaches: bool,
    ) -> Result<(), StoreError> {
        training::set_project_coach(&self.pool, project, coach, coaches).await
    }

    async fn time_entries(&self, org: OrgId) -> Result<Vec<TimeEntry>, StoreError> {
        training::time_entries(&self.pool, org).await
    }

    async fn put_time(
        &self,
        org: OrgId,
        user: UserId,
        project: ProjectId,
        month: NaiveDate,
        planned: f64,
        used: f64,
        expected: Version,
    ) -> Result<Version, StoreError> {
        training::put_time(
            &self.pool, org, user, project, month, planned, used, expected,
        )
        .await
    }

    async fn capability_plan(&self, org: OrgId) -> Result<Option<CapabilityPlan>, StoreError> {
        training::capability_plan(&self.pool, org).await
    }

    async fn set_capability_plan(
        &self,
        org: OrgId,
        targets: [u32; 3],
        expected: Version,
    ) -> Result<Version, StoreError> {
        training::set_capability_plan(&self.pool, org, targets, expected).await
    }

    async fn record_attendance(
        &self,
        session: TrainingSessionId,
        user: UserId,
        attendance: Option<Attendance>,
        completed: bool,
        expected: Version,
    ) -> Result<Version, StoreError> {
        training::record_attendance(&self.pool, session, user, attendance, completed, expected)
            .await
    }

    async fn system_roles_of(&self, user: UserId) -> Result<Vec<(String, SystemRole)>, StoreError> {
        systems::system_roles_of(&self.pool, user).await
    }

    async fn system_people(&self, system: &str) -> Result<Vec<SystemPerson>, StoreError> {
        systems::system_people(&self.pool, system).await
    }

    async fn set_system_role(
        &self,
        system: &str,
        user: UserId,
        role: Option<SystemRole>,
        by: UserId,
    ) -> Result<(), StoreError> {
        systems::set_system_role(&self.pool, system, user, role, by).await
    }

    async fn create_org_with_admin(
        &self,
        name: &str,
        system: Option<&str>,
        admin: UserId,
    ) -> Result<OrgId, StoreError> {
        accounts::create_org_with_admin(&self.pool, name, system, admin).await
    }

    async fn rename_org(&self, id: OrgId, name: &str) -> Result<(), StoreError> {
        accounts::rename_org(&self.pool, id, name).await
    }

    async fn create_user(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
    ) -> Result<UserId, StoreError> {
        people::create_user(&self.pool, email, name, password_hash).await
    }

    async fn login(&self, email: &Email) -> Result<Option<(User, String)>, StoreError> {
        people::login(&self.pool, email).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        people::user_by_email(&self.pool, email).await
    }

    async fn set_membership(&self, user: UserId, org: OrgId, role: Role) -> Result<(), StoreError> {
        people::set_membership(&self.pool, user, org, role).await
    }

    async fn memberships(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        people::memberships(&self.pool, user).await
    }

    async fn org_people(&self, org: OrgId) -> Result<Vec<Person>, StoreError> {
        accounts::org_people(&self.pool, org).await
    }

    async fn add_person(
        &self,
        org: OrgId,
        email: &Email,
        name: &str,
        role: Role,
        reset: &ResetSecret,
    ) -> Result<Added, StoreError> {
        accounts::add_person(&self.pool, org, email, name, role, reset).await
    }

    async fn set_role(&self, org: OrgId, user: UserId, role: Role) -> Result<(), StoreError> {
        accounts::set_role(&self.pool, org, user, role).await
    }

    async fn set_active(&self, org: OrgId, user: UserId, active: bool) -> Result<(), StoreError> {
        accounts::set_active(&self.pool, org, user, active).await
    }

    async fn create_session(
        &self,
        secret_hash: &str,
        user: UserId,
        csrf: &str,
        expires_at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        people::create_session(&self.pool, secret_hash, user, csrf, expires_at).await
    }

    async fn session(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<Session>, StoreError> {
        people::session(&self.pool, secret_hash, now).await
    }

    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        people::delete_session(&self.pool, secret_hash).await
    }

    async fn create_api_token(
        &self,
        secret_hash: &str,
        user: UserId,
        label: &str,
    ) -> Result<(), StoreError> {
        accounts::issue_api_token(&self.pool, secret_hash, user, label, None)
            .await
            .map(|_| ())
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> Result<(), StoreError> {
        accounts::delete_sessions_of(&self.pool, user, keep).await
    }

    async fn issue_api_token(
        &self,
        secret_hash: &str,
        user: UserId,
        name: &str,
        expires_at: Option<NaiveDateTime>,
    ) -> Result<ApiTokenId, StoreError> {
        accounts::issue_api_token(&self.pool, secret_hash, user, name, expires_at).await
    }

    async fn api_token_user(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<User>, StoreError> {
        accounts::api_token_user(&self.pool, secret_hash, now).await
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        accounts::api_tokens(&self.pool, user).await
    }

    async fn revoke_api_token(&self, user: UserId, id: ApiTokenId) -> Result<bool, StoreError> {
        accounts::revoke_api_token(&self.pool, user, id).await
    }

    async fn create_password_reset(
        &self,
        user: UserId,
        reset: &ResetSecret,
    ) -> Result<(), StoreError> {
        accounts::create_password_reset(&self.pool, user, reset).await
    }

    async fn password_reset_user(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<User>, StoreError> {
        accounts::password_reset_user(&self.pool, secret_hash, now).await
    }

    async fn use_password_reset(
        &self,
        secret_hash: &str,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        accounts::use_password_reset(&self.pool, secret_hash, password_hash, now).await
    }

    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        accounts::set_password(&self.pool, user, password_hash, keep_session).await
    }

    async fn create_project(
        &self,
        org: OrgId,
        fields: &ProjectFields,
        by: UserId,
    ) -> Result<ProjectId, StoreError> {
        projects::create_project(&self.pool, org, fields, by).await
    }

    async fn search_projects(
        &self,
        readable: &Readable,
        terms: &SearchTerms,
        exclude: Option<ProjectId>,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        search::search(&self.pool, readable, terms, exclude, limit).await
    }

    async fn project(&self, id: ProjectId) -> Result<Option<Project>, StoreError> {
        projects::project(&self.pool, id).await
    }

    async fn projects(&self, org: OrgId) -> Result<Vec<Project>, StoreError> {
        projects::list(&self.pool, org, false).await
    }

    async fn update_project(
        &self,
        id: ProjectId,
        fields: &ProjectFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        projects::update_project(&self.pool, id, fields, expected, by).await
    }

    async fn delete_project(
        &self,
        id: ProjectId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError> {
        projects::delete_project(&self.pool, id, expected, by).await
    }

    async fn deleted_projects(&self, org: OrgId) -> Result<Vec<Project>, StoreError> {
        projects::list(&self.pool, org, true).await
    }

    async fn restore_project(&self, id: ProjectId, by: UserId) -> Result<(), StoreError> {
        projects::restore_project(&self.pool, id, by).await
    }

    async fn org_members(&self, org: OrgId) -> Result<Vec<(User, Role)>, StoreError> {
        members::org_members(&self.pool, org).await
    }

    async fn project_members(&self, project: ProjectId) -> Result<Vec<User>, StoreError> {
        members::project_members(&self.pool, project).await
    }

    async fn org_project_members(
        &self,
        org: OrgId,
    ) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
        members::org_project_members(&self.pool, org).await
    }

    async fn projects_of_orgs(&self, orgs: &[OrgId]) -> Result<Vec<Project>, StoreError> {
        bulk::projects_of_orgs(&self.pool, orgs).await
    }

    async fn org_members_of(&self, orgs: &[OrgId]) -> Result<Vec<(OrgId, User, Role)>, StoreError> {
        bulk::org_members_of(&self.pool, orgs).await
    }

    async fn teams_of_orgs(&self, orgs: &[OrgId]) -> Result<Vec<Team>, StoreError> {
        bulk::teams_of_orgs(&self.pool, orgs).await
    }

    async fn org_project_members_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(ProjectId, UserId)>, StoreError> {
        bulk::org_project_members_of(&self.pool, orgs).await
    }

    async fn priority_links_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(ProjectId, PriorityId)>, StoreError> {
        bulk::priority_links_of(&self.pool, orgs).await
    }

    async fn priorities_of_orgs(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(OrgId, Priority)>, StoreError> {
        bulk::priorities_of_orgs(&self.pool, orgs).await
    }

    async fn stall_weeks_of(&self, orgs: &[OrgId]) -> Result<Vec<(OrgId, u32)>, StoreError> {
        bulk::stall_weeks_of(&self.pool, orgs).await
    }

    async fn add_project_member(
        &self,
        project: ProjectId,
        user: UserId,
        by: UserId,
    ) -> Result<(), StoreError> {
        members::add_project_member(&self.pool, project, user, by).await
    }

    async fn remove_project_member(
        &self,
        project: ProjectId,
        user: UserId,
        by: UserId,
    ) -> Result<(), StoreError> {
        members::remove_project_member(&self.pool, project, user, by).await
    }

    async fn set_project_lead(
        &self,
        project: ProjectId,
        lead: Option<UserId>,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError> {
        members::set_project_lead(&self.pool, project, lead, expected, by).await
    }

    async fn organisation_measures(&self, org: OrgId, by: UserId) -> Result<ProjectId, StoreError> {
        board::organisation_measures(&self.pool, org, by).await
    }

    async fn progress_override(
        &self,
        project: ProjectId,
    ) -> Result<Option<ProgressOverride>, StoreError> {
        progress::progress_override(&self.pool, project).await
    }

    async fn set_progress_override(
        &self,
        project: ProjectId,
        score: Option<(Score, &str)>,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        progress::set_progress_override(&self.pool, project, score, expected, by).await
    }

    async fn stall_weeks(&self, org: OrgId) -> Result<u32, StoreError> {
        progress::stall_weeks(&self.pool, org).await
    }

    async fn set_stall_weeks(&self, org: OrgId, weeks: u32) -> Result<(), StoreError> {
        progress::set_stall_weeks(&self.pool, org, weeks).await
    }

    async fn report_sections(&self, org: OrgId) -> Result<Vec<String>, StoreError> {
        board::report_sections(&self.pool, org).await
    }

    async fn set_report_sections(&self, org: OrgId, sections: &[String]) -> Result<(), StoreError> {
        board::set_report_sections(&self.pool, org, sections).await
    }

    async fn board_measures(&self, org: OrgId) -> Result<Vec<BoardMeasure>, StoreError> {
        board::board_measures(&self.pool, org).await
    }

    async fn board_place(&self, measure: MeasureId) -> Result<Option<BoardPlace>, StoreError> {
        board::board_place(&self.pool, measure).await
    }

    async fn set_board_place(
        &self,
        measure: MeasureId,
        place: Option<&BoardPlace>,
        by: UserId,
    ) -> Result<(), StoreError> {
        board::set_board_place(&self.pool, measure, place, by).await
    }

    async fn move_on_board(&self, measure: MeasureId, earlier: bool) -> Result<bool, StoreError> {
        board::move_on_board(&self.pool, measure, earlier).await
    }

    async fn saved_reports(&self, org: OrgId) -> Result<Vec<SavedReport>, StoreError> {
        reports::saved_reports(&self.pool, org).await
    }

    async fn saved_report(&self, id: ReportId) -> Result<Option<SavedReport>, StoreError> {
        reports::saved_report(&self.pool, id).await
    }

    async fn create_saved_report(
        &self,
        org: OrgId,
        settings: &ReportSettings,
        by: UserId,
    ) -> Result<ReportId, StoreError> {
        reports::create_saved_report(&self.pool, org, settings, by).await
    }

    async fn update_saved_report(
        &self,
        id: ReportId,
        settings: &ReportSettings,
        expected: Version,
        _by: UserId,
    ) -> Result<Version, StoreError> {
        reports::update_saved_report(&self.pool, id, settings, expected).await
    }

    async fn delete_saved_report(
        &self,
        id: ReportId,
        expected: Option<Version>,
    ) -> Result<(), StoreError> {
        reports::delete_saved_report(&self.pool, id, expected).await
    }

    async fn narrative(
        &self,
        measure: MeasureId,
        period: &str,
    ) -> Result<Option<Narrative>, StoreError> {
        reports::narrative(&self.pool, measure, period).await
    }

    async fn narratives(&self, org: OrgId, period: &str) -> Result<Vec<Narrative>, StoreError> {
        reports::narratives(&self.pool, org, period).await
    }

    async fn set_narrative(
        &self,
        measure: MeasureId,
        period: &str,
        text: &NarrativeText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError> {
        reports::set_narrative(&self.pool, measure, period, text, expected, by).await
    }

    async fn publications(&self, report: ReportId) -> Result<Vec<Publication>, StoreError> {
        reports::publications(&self.pool, report).await
    }

    async fn publish_report(
        &self,
        report: ReportId,
        period: &str,
        label: &str,
        copy: &PublishedCopy,
        by: UserId,
    ) -> Result<(), StoreError> {
        reports::publish_report(&self.pool, report, period, label, copy, by).await
    }

    async fn published_report(
        &self,
        report: ReportId,
        period: &str,
    ) -> Result<Option<(Publication, PublishedCopy)>, StoreError> {
        reports::published_report(&self.pool, report, period).await
    }

    async fn priorities_of(&self, org: OrgId) -> Result<Vec<Priority>, StoreError> {
        priorities::priorities_of(&self.pool, org).await
    }

    async fn priority(&self, id: PriorityId) -> Result<Option<Priority>, StoreError> {
        priorities::priority(&self.pool, id).await
    }

    async fn create_priority(
        &self,
        scope: &PriorityScope,
        text: &PriorityText,
        by: UserId,
    ) -> Result<PriorityId, StoreError> {
        priorities::create_priority(&self.pool, scope, text, by).await
    }

    async fn update_priority(
        &self,
        id: PriorityId,
        text: &PriorityText,
        expected: Version,
    ) -> Result<Version, StoreError> {
        priorities::update_priority(&self.pool, id, text, expected).await
    }

    async fn delete_priority(&self, id: PriorityId) -> Result<(), StoreError> {
        priorities::delete_priority(&self.pool, id).await
    }

    async fn project_priorities(&self, project: ProjectId) -> Result<Vec<PriorityId>, StoreError> {
        priorities::project_priorities(&self.pool, project).await
    }

    async fn priority_links(&self, org: OrgId) -> Result<Vec<(ProjectId, PriorityId)>, StoreError> {
        priorities::priority_links(&self.pool, org).await
    }

    async fn set_project_priorities(
        &self,
        project: ProjectId,
        priorities: &[PriorityId],
    ) -> Result<(), StoreError> {
        priorities::set_project_priorities(&self.pool, project, priorities).await
    }

    async fn event_date(&self, project: ProjectId) -> Result<Option<NaiveDate>, StoreError> {
        events::event_date(&self.pool, project).await
    }

    async fn set_event_date(
        &self,
        project: ProjectId,
        date: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        events::set_event_date(&self.pool, project, date).await
    }

    async fn events(&self, org: OrgId) -> Result<Vec<(ProjectId, NaiveDate)>, StoreError> {
        events::events(&self.pool, org).await
    }

    async fn report_outs(&self, project: ProjectId) -> Result<Vec<ReportOut>, StoreError> {
        events::report_outs(&self.pool, project).await
    }

    async fn report_out(
        &self,
        project: ProjectId,
        day: u32,
    ) -> Result<Option<ReportOut>, StoreError> {
        events::report_out(&self.pool, project, day).await
    }

    async fn set_report_out(
        &self,
        project: ProjectId,
        day: u32,
        text: &ReportOutText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError> {
        events::set_report_out(&self.pool, project, day, text, expected, by).await
    }

    async fn closing_summary(
        &self,
        project: ProjectId,
    ) -> Result<Option<ClosingSummary>, StoreError> {
        closing::closing_summary(&self.pool, project).await
    }

    async fn set_closing_summary(
        &self,
        project: ProjectId,
        text: &ClosingText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError> {
        closing::set_closing_summary(&self.pool, project, text, expected, by).await
    }

    async fn adopt(&self, adoption: &NewAdoption, by: UserId) -> Result<ProjectId, StoreError> {
        adoptions::adopt(&self.pool, adoption, by).await
    }

    async fn adoption(&self, project: ProjectId) -> Result<Option<Adoption>, StoreError> {
        adoptions::adoption(&self.pool, project).await
    }

    async fn adoptions_of(&self, source: ProjectId) -> Result<Vec<Adoption>, StoreError> {
        adoptions::adoptions_of(&self.pool, source).await
    }

    async fn owner(&self, resource: Resource) -> Result<Option<Owner>, StoreError> {
        owner::owner(&self.pool, resource).await
    }

    async fn history(&self, project: ProjectId) -> Result<Vec<HistoryEntry>, StoreError> {
        history::history(&self.pool, project).await
    }

    async fn add_driver_node(
        &self,
        project: ProjectId,
        parent: Option<DriverNodeId>,
        kind: DriverKind,
        text: &str,
        by: UserId,
    ) -> Result<DriverNodeId, StoreError> {
        drivers::add(&self.pool, project, parent, kind, text, by).await
    }

    async fn driver_nodes(&self, project: ProjectId) -> Result<Vec<DriverNode>, StoreError> {
        drivers::nodes(&self.pool, project).await
    }

    async fn driver_node(&self, id: DriverNodeId) -> Result<Option<DriverNode>, StoreError> {
        drivers::node_by_id(&self.pool, id).await
    }

    async fn update_driver_node(
        &self,
        id: DriverNodeId,
        text: &str,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        drivers::update(&self.pool, id, text, expected, by).await
    }

    async fn delete_driver_node(
        &self,
        id: DriverNodeId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError> {
        drivers::delete(&self.pool, id, expected, by).await
    }

    async fn deleted_driver_nodes(
        &self,
        project: ProjectId,
    ) -> Result<Vec<DriverNode>, StoreError> {
        drivers::deleted(&self.pool, project).await
    }

    async fn restore_driver_node(&self, id: DriverNodeId, by: UserId) -> Result<(), StoreError> {
        drivers::restore(&self.pool, id, by).await
    }

    async fn create_measure(
        &self,
        project: ProjectId,
        fields: &MeasureFields,
        by: UserId,
    ) -> Result<MeasureId, StoreError> {
        measures::create(&self.pool, project, fields, by).await
    }

    async fn measure(&self, id: MeasureId) -> Result<Option<Measure>, StoreError> {
        measures::measure(&self.pool, id).await
    }

    async fn measures(&self, project: ProjectId) -> Result<Vec<Measure>, StoreError> {
        measures::measures(&self.pool, project).await
    }

    async fn update_measure(
        &self,
        id: MeasureId,
        fields: &MeasureFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        measures::update(&self.pool, id, fields, expected, by).await
    }

    async fn put_data(
        &self,
        measure: MeasureId,
        points: &[DataPoint],
        by: UserId,
    ) -> Result<usize, StoreError> {
        measures::put_data(&self.pool, measure, points, by).await
    }

    async fn data(&self, measure: MeasureId) -> Result<Vec<DataPoint>, StoreError> {
        measures::data(&self.pool, measure).await
    }

    async fn delete_data_point(
        &self,
        measure: MeasureId,
        date: chrono::NaiveDate,
        by: UserId,
    ) -> Result<(), StoreError> {
        measures::delete_point(&self.pool, measure, date, by).await
    }

    async fn delete_measure(
        &self,
        id: MeasureId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError> {
        soft_delete::delete(&self.pool, &soft_delete::MEASURES, id.0, expected, by).await
    }

    async fn deleted_measures(&self, project: ProjectId) -> Result<Vec<Measure>, StoreError> {
        measures::deleted(&self.pool, project).await
    }

    async fn restore_measure(&self, id: MeasureId, by: UserId) -> Result<(), StoreError> {
        soft_delete::restore(&self.pool, &soft_delete::MEASURES, id.0, by).await
    }

    async fn data_revisions(
        &self,
        measure: MeasureId,
    ) -> Result<Vec<DataPointRevision>, StoreError> {
        measures::revisions(&self.pool, measure).await
    }

    async fn restore_data_revision(
        &self,
        measure: MeasureId,
        revision: RevisionId,
        by: UserId,
    ) -> Result<DataPoint, StoreError> {
        measures::restore_revision(&self.pool, measure, revision, by).await
    }

    async fn create_pdsa(
        &self,
        project: ProjectId,
        fields: &PdsaFields,
        by: UserId,
    ) -> Result<PdsaId, StoreError> {
        pdsa::create(&self.pool, project, fields, by).await
    }

    async fn pdsa(&self, id: PdsaId) -> Result<Option<PdsaCycle>, StoreError> {
        pdsa::pdsa(&self.pool, id).await
    }

    async fn pdsas(&self, project: ProjectId) -> Result<Vec<PdsaCycle>, StoreError> {
        pdsa::pdsas(&self.pool, project).await
    }

    async fn update_pdsa(
        &self,
        id: PdsaId,
        fields: &PdsaFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        pdsa::update(&self.pool, id, fields, expected, by).await
    }

    async fn delete_pdsa(
        &self,
        id: PdsaId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError> {
        soft_delete::delete(&self.pool, &soft_delete::PDSA_CYCLES, id.0, expected, by).await
    }

    async fn deleted_pdsas(&self, project: ProjectId) -> Result<Vec<PdsaCycle>, StoreError> {
        pdsa::deleted(&self.pool, project).await
    }

    async fn restore_pdsa(&self, id: PdsaId, by: UserId) -> Result<(), StoreError> {
        soft_delete::restore(&self.pool, &soft_delete::PDSA_CYCLES, id.0, by).await
    }

    async fn create_assessment(
        &self,
        org: OrgId,
        fields: &AssessmentFields,
        by: UserId,
    ) -> Result<AssessmentId, StoreError> {
        assessments::create(&self.pool, org, fields, by).await
    }

    async fn assessment(&self, id: AssessmentId) -> Result<Option<Assessment>, StoreError> {
        assessments::one(&self.pool, id).await
    }

    async fn assessments(&self, org: OrgId) -> Result<Vec<Assessment>, StoreError> {
        assessments::of_org(&self.pool, org).await
    }

    async fn submissions(&self, assessment: AssessmentId) -> Result<Vec<Submission>, StoreError> {
        assessments::submissions(&self.pool, assessment).await
    }

    async fn set_ratings(
        &self,
        assessment: AssessmentId,
        user: UserId,
        ratings: &[Rating],
        expected: Option<Version>,
    ) -> Result<Version, StoreError> {
        assessments::set_ratings(&self.pool, assessment, user, ratings, expected).await
    }

    async fn create_value(
        &self,
        project: ProjectId,
        fields: &ValueFields,
        by: UserId,
    ) -> Result<ValueId, StoreError> {
        value::create_value(&self.pool, project, fields, by).await
    }

    async fn value_entries(&self, project: ProjectId) -> Result<Vec<ValueEntry>, StoreError> {
        value::value_entries(&self.pool, project).await
    }

    async fn value_entry(&self, id: ValueId) -> Result<Option<ValueEntry>, StoreError> {
        value::value_entry(&self.pool, id).await
    }

    async fn org_value_entries(&self, org: OrgId) -> Result<Vec<ValueEntry>, StoreError> {
        value::org_value_entries(&self.pool, org).await
    }

    async fn update_value(
        &self,
        id: ValueId,
        fields: &ValueFields,
        expected: Version,
        keep_confirmation: bool,
    ) -> Result<Version, StoreError> {
        value::update_value(&self.pool, id, fields, expected, keep_confirmation).await
    }

    async fn confirm_value(
        &self,
        id: ValueId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError> {
        value::confirm_value(&self.pool, id, expected, by).await
    }

    async fn delete_value(&self, id: ValueId, expected: Option<Version>) -> Result<(), StoreError> {
        value::delete_value(&self.pool, id, expected).await
    }

    async fn involvement(&self, project: ProjectId) -> Result<Option<Involvement>, StoreError> {
        involvement::involvement(&self.pool, project).await
    }

    async fn set_involvement(
        &self,
        project: ProjectId,
        fields: &InvolvementFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError> {
        involvement::set_involvement(&self.pool, project, fields, expected, by).await
    }

    async fn org_involvement(&self, org: OrgId) -> Result<Vec<Involvement>, StoreError> {
        involvement::org_involvement(&self.pool, org).await
    }

    async fn org_project_members_since(
        &self,
        org: OrgId,
    ) -> Result<Vec<(ProjectId, UserId, NaiveDateTime)>, StoreError> {
        involvement::org_project_members_since(&self.pool, org).await
    }

    async fn org_idea_supports(
        &self,
        org: OrgId,
    ) -> Result<Vec<(UserId, NaiveDateTime)>, StoreError> {
        involvement::org_idea_supports(&self.pool, org).await
    }
}

/// What a file that `gemba demo` would replace holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExistingDatabase {
    /// Nothing (no file, or an empty one): safe to create.
    Nothing,
    /// A database that `gemba demo` seeded: safe to replace.
    Demo,
    /// Anything else (a real Gemba database, another program's file…): never to be replaced;
    /// says what it is.
    Other(String),
}

/// Looks at `path` without changing it (read-only, no migration), to tell whether `gemba demo`
/// may delete it.
pub async fn existing_database(path: &std::path::Path) -> ExistingDatabase {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ExistingDatabase::Nothing,
        Err(e) => return ExistingDatabase::Other(format!("it cannot be read ({e})")),
        Ok(m) if m.is_dir() => return ExistingDatabase::Other("it is a folder".into()),
        Ok(m) if m.len() == 0 => return ExistingDatabase::Nothing,
        Ok(_) => {}
    }
    let mut header = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0");
    if !is_sqlite {
        return ExistingDatabase::Other("it is not a SQLite database".into());
    }
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = match SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
    {
        Ok(pool) => pool,
        Err(_) => return ExistingDatabase::Other("it is not a SQLite database".into()),
    };
    let marked: Result<i64, _> = sqlx::query_scalar("SELECT count(*) FROM demo_marker")
        .fetch_one(&pool)
        .await;
    let projects: Result<i64, _> = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await;
    pool.close().await;
    match (marked, projects) {
        (Ok(n), _) if n > 0 => ExistingDatabase::Demo,
        (_, Ok(_)) => ExistingDatabase::Other("it is a Gemba database that holds real work".into()),
        _ => ExistingDatabase::Other("it is not a Gemba demo database".into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests may fail loudly

    use super::*;

    /// SECURITY.md promises that an acknowledged write is on disk, not only handed to the
    /// operating system: every connection of a file database runs with `synchronous = FULL`
    /// (2), which a kill -9 test alone could not tell from `NORMAL`.
    #[tokio::test]
    async fn every_connection_writes_through_to_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("x.db").to_str().unwrap())
            .await
            .unwrap();
        for _ in 0..3 {
            let mut conn = store.pool.acquire().await.unwrap();
            let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(level, 2, "synchronous = FULL");
        }
        store.close().await;
    }
}
