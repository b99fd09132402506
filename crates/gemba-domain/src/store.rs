//! The storage port: everything the application keeps, behind one trait so that SQLite today
//! and Postgres later are interchangeable without touching the domain or the web layer.
//!
//! Every method that changes a project — its fields, driver diagram, measures, their data or its
//! PDSA cycles — records the [`HistoryRecord`](crate::HistoryRecord)s that the functions of
//! [`crate::history`] produce for it (one per changed field; nothing when nothing changed) and
//! moves the project's `updated_at`, in the same transaction; callers may rely on `updated_at` as the version of the project and
//! everything in it (the web app caches measure summaries by it), whereas [`Project::version`]
//! counts changes of the project's own fields. Writes of many rows (data imports) are all-or-nothing.
//!
//! Every edit is a compare-and-swap on the object's [`Version`]: `update_*` and `delete_*` name
//! the version their caller read (`None` for a delete means "whatever is stored"), the store
//! writes only if it is still the stored version, and bumps it with the write and its history
//! row; otherwise it fails with [`StoreError::Stale`] and writes nothing.
//!
//! Nothing a user deletes is lost: projects, driver diagram nodes, measures and PDSA cycles are
//! deleted softly and an admin can restore them; the old value of a data point that an import replaced or a user removed is kept as a
//! [`DataPointRevision`] and can be put back. Every
//! write below a deleted project fails with [`StoreError::Missing`].

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{Owner, Readable, Resource};
use crate::assessment::{Assessment, AssessmentFields, Rating, Submission};
use crate::capability::CapabilityPlan;
use crate::closing::{ClosingSummary, ClosingText};
use crate::email::OutboxEmail;
use crate::event::{ReportOut, ReportOutText};
use crate::history::HistoryEntry;
use crate::idea::{Idea, IdeaComment, IdeaText, NewNotification, Notification, Triage};
use crate::idea_lineage::{Became, IdeaInto};
use crate::idea_response::ResponseTarget;
use crate::involvement::{Involvement, InvolvementFields};
use crate::model::*;
use crate::priority::{Priority, PriorityScope, PriorityText};
use crate::progress::{ProgressOverride, Score};
use crate::report::{
    Narrative, NarrativeText, Publication, PublishedCopy, ReportSettings, SavedReport,
};
use crate::search::{SearchHit, SearchTerms};
use crate::spread::{Adoption, NewAdoption};
use crate::time::TimeEntry;
use crate::training::{
    Attendance, Course, CourseText, Place, PlaceState, TrainingSession, TrainingSessionFields,
};
use crate::validate::Email;
use crate::value::{ValueEntry, ValueFields};

/// A storage failure. Not-found is not an error: lookups return `Option`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A uniqueness rule was broken (an email already registered, an organisation name taken).
    #[error("{0} already exists")]
    Conflict(String),
    /// A referenced row does not exist (for example a driver node of another project).
    #[error("{0} was not found")]
    Missing(String),
    /// The change breaks a rule of the accounts (it would leave an organisation without an
    /// admin); the message says which, for the user.
    #[error("{0}")]
    Refused(String),
    /// The object changed since the version the write was based on (someone else saved it, or
    /// deleted or restored it, in between); nothing was written. The caller re-reads the
    /// current object to show it. The text names the object.
    #[error("{0} was changed by someone else")]
    Stale(String),
    /// A value read back from the database is not one Gemba writes (an unknown status, a
    /// malformed date): the database was changed behind Gemba's back. For the log.
    #[error("unreadable value '{value}' in {column}")]
    Corrupt {
        /// Where, as `table.column`.
        column: String,
        /// What was there.
        value: String,
    },
    /// The database could not do what was asked (it cannot be opened, a disk is full, a
    /// statement failed); `what` says what was being done, `cause` keeps the driver's error.
    /// For the log, never for users.
    #[error("database error: {what}")]
    Unavailable {
        /// What was being done ("cannot open gemba.db", "a statement failed").
        what: String,
        /// The underlying error, kept for the log.
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// The database failed while doing `what`, because of `cause`.
    pub fn unavailable(
        what: impl Into<String>,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError::Unavailable {
            what: what.into(),
            cause: cause.into(),
        }
    }
}

/// A sign-in session or API token, looked up by the SHA-256 hash of its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The session's CSRF token (empty for API tokens).
    pub csrf: String,
    /// When it expires.
    pub expires_at: NaiveDateTime,
}

/// Everything Gemba stores.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- organisations, teams, people -------------------------------------------------------

    /// Creates an organisation.
    async fn create_org(&self, name: &str, system: Option<&str>) -> Result<OrgId, StoreError>;
    /// An organisation by exact name.
    async fn org_by_name(&self, name: &str) -> Result<Option<Organisation>, StoreError>;
    /// An organisation by id.
    async fn org(&self, id: OrgId) -> Result<Option<Organisation>, StoreError>;
    /// The organisations of a system (integrated care system or group), by name.
    async fn orgs_in_system(&self, system: &str) -> Result<Vec<Organisation>, StoreError>;
    // --- ideas and notifications -------------------------------------------------------------

    /// Records an idea put forward by `by` in `org` for `team`.
    async fn create_idea(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        text: &IdeaText,
        by: UserId,
    ) -> Result<IdeaId, StoreError>;
    /// The ideas of an organisation, newest first.
    async fn ideas(&self, org: OrgId) -> Result<Vec<Idea>, StoreError>;
    /// An idea.
    async fn idea(&self, id: IdeaId) -> Result<Option<Idea>, StoreError>;
    /// `user` supports the idea, or no longer does.
    async fn set_idea_support(
        &self,
        id: IdeaId,
        user: UserId,
        supports: bool,
    ) -> Result<(), StoreError>;
    /// Adds a comment and writes `notify`, together.
    async fn add_idea_comment(
        &self,
        id: IdeaId,
        by: UserId,
        text: &str,
        notify: Option<&NewNotification>,
    ) -> Result<IdeaCommentId, StoreError>;
    /// An idea's comments, oldest first.
    async fn idea_comments(&self, id: IdeaId) -> Result<Vec<IdeaComment>, StoreError>;
    /// Triages an idea still at `expected` (its first response when it had none) and writes
    /// `notify`, together; the new version.
    async fn triage_idea(
        &self,
        id: IdeaId,
        triage: &Triage,
        expected: Version,
        notify: Option<&NewNotification>,
    ) -> Result<Version, StoreError>;
    /// A user's newest notifications, at most `limit`.
    async fn notifications(
        &self,
        user: UserId,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError>;
    /// Marks all of a user's notifications as seen.
    async fn mark_notifications_read(&self, user: UserId) -> Result<(), StoreError>;
    /// Turns idea `id`, still at `expected`, into a project or a change idea naming it, triages
    /// it and writes the notification, all in one transaction; a change idea's driver must still
    /// be a live node of the live project. Returns what it became.
    async fn convert_idea(
        &self,
        id: IdeaId,
        expected: Version,
        into: &IdeaInto,
        triage: &Triage,
        notify: Option<&NewNotification>,
        by: UserId,
    ) -> Result<Became, StoreError>;
    /// Switches e-mail of notifications on (every notification then also goes into the
    /// outbox) or off.
    async fn set_email_enabled(&self, enabled: bool) -> Result<(), StoreError>;
    /// Whether e-mail of notifications is on.
    async fn email_enabled(&self) -> Result<bool, StoreError>;
    /// E-mails due at `now` (not sent, tried fewer than [`crate::MAX_ATTEMPTS`] times, their
    /// next try due), oldest first, at most `limit`.
    async fn emails_due(
        &self,
        now: NaiveDateTime,
        limit: usize,
    ) -> Result<Vec<OutboxEmail>, StoreError>;
    /// Marks an e-mail sent at `at`.
    async fn email_sent(&self, id: EmailId, at: NaiveDateTime) -> Result<(), StoreError>;
    /// Records a failed try of an e-mail, with its error and when to try again.
    async fn email_failed(
        &self,
        id: EmailId,
        error: &str,
        next_attempt: NaiveDateTime,
    ) -> Result<(), StoreError>;
    /// The newest e-mails to `org`'s members, sent or not, at most `limit`.
    async fn email_outbox(&self, org: OrgId, limit: usize) -> Result<Vec<OutboxEmail>, StoreError>;
    /// The organisation's target for the days to an idea's first response, if set.
    async fn idea_response_target(&self, org: OrgId) -> Result<Option<ResponseTarget>, StoreError>;
    /// Sets the target if it is still at `expected` (`Version(0)`: none set); the new version.
    async fn set_idea_response_target(
        &self,
        org: OrgId,
        days: u32,
        expected: Version,
    ) -> Result<Version, StoreError>;

    // --- improvement training ------------------------------------------------------------------

    /// Adds a training course to `org`.
    async fn create_course(&self, org: OrgId, text: &CourseText) -> Result<CourseId, StoreError>;
    /// The courses of an organisation, by title.
    async fn courses(&self, org: OrgId) -> Result<Vec<Course>, StoreError>;
    /// A course.
    async fn course(&self, id: CourseId) -> Result<Option<Course>, StoreError>;
    /// Changes a course still at `expected`; the new version.
    async fn update_course(
        &self,
        id: CourseId,
        text: &CourseText,
        expected: Version,
    ) -> Result<Version, StoreError>;
    /// Adds a session to a course.
    async fn create_training_session(
        &self,
        course: CourseId,
        fields: &TrainingSessionFields,
    ) -> Result<TrainingSessionId, StoreError>;
    /// The sessions of an organisation's courses, by date (then id).
    async fn training_sessions(&self, org: OrgId) -> Result<Vec<TrainingSession>, StoreError>;
    /// A session.
    async fn training_session(
        &self,
        id: TrainingSessionId,
    ) -> Result<Option<TrainingSession>, StoreError>;
    /// Changes a session still at `expected`, books the places of `promote` (from the waiting
    /// list) and writes `notify`, together; the new version.
    async fn update_training_session(
        &self,
        id: TrainingSessionId,
        fields: &TrainingSessionFields,
        expected: Version,
        promote: &[UserId],
        notify: &[NewNotification],
    ) -> Result<Version, StoreError>;
    /// The places of a session, in the order they were asked for.
    async fn places(&self, session: TrainingSessionId) -> Result<Vec<Place>, StoreError>;
    /// Every place on the sessions of an organisation's courses, in the order asked for.
    async fn training_places(&self, org: OrgId) -> Result<Vec<Place>, StoreError>;
    /// Gives `user` a place (`state`) on a session still at `expected` (its places unchanged
    /// since read); the session's new version.
    async fn add_place(
        &self,
        session: TrainingSessionId,
        user: UserId,
        state: PlaceState,
        expected: Version,
    ) -> Result<Version, StoreError>;
    /// Takes `user`'s place off a session still at `expected`, books the places of `promote` and
    /// writes `notify`, together; the session's new version.
    async fn remove_place(
        &self,
        session: TrainingSessionId,
        user: UserId,
        expected: Version,
        promote: &[UserId],
        notify: &[NewNotification],
    ) -> Result<Version, StoreError>;
    /// The coaches of a project, by name.
    async fn project_coaches(&self, project: ProjectId) -> Result<Vec<User>, StoreError>;
    /// Every `(project, coach)` pair of an organisation's live projects, by project.
    async fn org_project_coaches(&self, org: OrgId)
        -> Result<Vec<(ProjectId, UserId)>, StoreError>;
    /// Makes `coach` a coach of a project, or (`coaches` false) no longer one.
    async fn set_project_coach(
        &self,
        project: ProjectId,
        coach: UserId,
        coaches: bool,
    ) -> Result<(), StoreError>;
    /// Every entry of protected time of an organisation's live projects.
    async fn time_entries(&self, org: OrgId) -> Result<Vec<TimeEntry>, StoreError>;
    /// Sets `user`'s hours on `project` for `month` if their entry is still at `expected`
    /// (`Version(0)`: there is none yet); the new version.
    #[allow(clippy::too_many_arguments)] // one entry's every part, as the table holds it
    async fn put_time(
        &self,
        org: OrgId,
        user: UserId,
        project: ProjectId,
        month: NaiveDate,
        planned: f64,
        used: f64,
        expected: Version,
    ) -> Result<Version, StoreError>;
    /// An organisation's capability plan, if it has one.
    async fn capability_plan(&self, org: OrgId) -> Result<Option<CapabilityPlan>, StoreError>;
    /// Sets an organisation's capability plan (percentages for each level, lowest first) if it
    /// is still at `expected` (`Version(0)`: it has none yet); the new version.
    async fn set_capability_plan(
        &self,
        org: OrgId,
        targets: [u32; 3],
        expected: Version,
    ) -> Result<Version, StoreError>;
    /// Records `user`'s attendance and completion on a session, over their place at `expected`;
    /// the place's new version.
    async fn record_attendance(
        &self,
        session: TrainingSessionId,
        user: UserId,
        attendance: Option<Attendance>,
        completed: bool,
        expected: Version,
    ) -> Result<Version, StoreError>;

    /// The systems where `user` holds a system role, with the role, by name.
    async fn system_roles_of(&self, user: UserId) -> Result<Vec<(String, SystemRole)>, StoreError>;
    /// The people holding a role across `system`, by name.
    async fn system_people(&self, system: &str) -> Result<Vec<SystemPerson>, StoreError>;
    /// Gives `user` `role` across `system`, or (`None`) takes their system role away.
    async fn set_system_role(
        &self,
        system: &str,
        user: UserId,
        role: Option<SystemRole>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Creates an organisation in `system` with `admin` as its first admin, together.
    async fn create_org_with_admin(
        &self,
        name: &str,
        system: Option<&str>,
        admin: UserId,
    ) -> Result<OrgId, StoreError>;
    /// Renames an organisation (`Conflict` when the name is taken, `Missing` when there is no
    /// such organisation).
    async fn rename_org(&self, id: OrgId, name: &str) -> Result<(), StoreError>;
    /// Creates a team.
    async fn create_team(&self, org: OrgId, name: &str) -> Result<TeamId, StoreError>;
    /// The teams of an organisation that are not archived, by name: what pickers and
    /// dashboards offer.
    async fn teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError>;
    /// Every team of an organisation, archived ones included, by name.
    async fn all_teams(&self, org: OrgId) -> Result<Vec<Team>, StoreError>;
    /// A team, archived or not.
    async fn team(&self, id: TeamId) -> Result<Option<Team>, StoreError>;
    /// Renames a team (`Conflict` when its organisation has a team of that name).
    async fn rename_team(&self, id: TeamId, name: &str) -> Result<(), StoreError>;
    /// Archives a team or brings it back; its projects keep their link either way.
    async fn set_team_archived(&self, id: TeamId, archived: bool) -> Result<(), StoreError>;
    /// Creates a user with an argon2 password hash.
    async fn create_user(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
    ) -> Result<UserId, StoreError>;
    /// A user and their password hash, by email, for signing in: `None` for someone who is
    /// active in no organisation (a leaver cannot sign in).
    async fn login(&self, email: &Email) -> Result<Option<(User, String)>, StoreError>;
    /// A user by email.
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// Gives a user a role in an organisation (replacing any role they had there).
    async fn set_membership(&self, user: UserId, org: OrgId, role: Role) -> Result<(), StoreError>;
    /// A user's organisations and roles, where they are active (a deactivated membership
    /// gives no role).
    async fn memberships(&self, user: UserId) -> Result<Vec<Membership>, StoreError>;
    /// Everyone of an organisation with their role and whether they are active, by name.
    async fn org_people(&self, org: OrgId) -> Result<Vec<Person>, StoreError>;
    /// Adds a person to an organisation with `role`, together: a new account (with no
    /// password, and `reset` as its one-time "set your password" secret) when the email is
    /// unknown, else the existing account. `Conflict` when they are already in it.
    async fn add_person(
        &self,
        org: OrgId,
        email: &Email,
        name: &str,
        role: Role,
        reset: &ResetSecret,
    ) -> Result<Added, StoreError>;
    /// Changes a person's role in an organisation (`Missing` when they are not in it;
    /// `Refused` when that would leave it without an active admin).
    async fn set_role(&self, org: OrgId, user: UserId, role: Role) -> Result<(), StoreError>;
    /// Deactivates (a leaver) or reactivates a person in an organisation. Deactivating leaves
    /// them no role there at once; when they are then active nowhere, their sessions, API
    /// tokens and reset links are deleted in the same transaction. `Missing` when they are not
    /// in it; `Refused` when it would leave the organisation without an active admin.
    async fn set_active(&self, org: OrgId, user: UserId, active: bool) -> Result<(), StoreError>;

    // --- sessions and API tokens ---------------------------------------------------------------

    /// Stores a browser session.
    async fn create_session(
        &self,
        secret_hash: &str,
        user: UserId,
        csrf: &str,
        expires_at: NaiveDateTime,
    ) -> Result<(), StoreError>;
    /// The session with this secret hash, if it has not expired at `now` and its user is active
    /// in some organisation.
    async fn session(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<Session>, StoreError>;
    /// Ends a session.
    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of a user but `keep` (the hash of the session to keep, if any).
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> Result<(), StoreError>;
    /// Stores an API token that does not expire, named `label`.
    async fn create_api_token(
        &self,
        secret_hash: &str,
        user: UserId,
        label: &str,
    ) -> Result<(), StoreError>;
    /// Stores an API token named `name`, working until `expires_at` (`None`: no expiry).
    async fn issue_api_token(
        &self,
        secret_hash: &str,
        user: UserId,
        name: &str,
        expires_at: Option<NaiveDateTime>,
    ) -> Result<ApiTokenId, StoreError>;
    /// The user of an API token that has not expired at `now` and whose user is active in
    /// some organisation; notes the time of use (to the minute).
    async fn api_token_user(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<User>, StoreError>;
    /// A user's API tokens, newest first, expired ones included.
    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;
    /// Revokes (deletes) one of the user's API tokens; `false` when the user has no such token.
    async fn revoke_api_token(&self, user: UserId, id: ApiTokenId) -> Result<bool, StoreError>;

    // --- passwords -------------------------------------------------------------------------------

    /// Stores a one-time password reset secret for a user.
    async fn create_password_reset(
        &self,
        user: UserId,
        reset: &ResetSecret,
    ) -> Result<(), StoreError>;
    /// The user a reset secret is for, if it is unused, has not expired at `now` and the user
    /// is active somewhere.
    async fn password_reset_user(
        &self,
        secret_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<User>, StoreError>;
    /// Uses a reset secret: sets the password hash, marks the secret used and ends every
    /// session of the user, together. `None` (and nothing changed) when the secret is unknown,
    /// used, expired at `now` or its user is active nowhere.
    async fn use_password_reset(
        &self,
        secret_hash: &str,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<UserId>, StoreError>;
    /// Sets a user's password hash and ends every session of theirs but `keep_session` (the
    /// hash of the session to keep), together.
    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError>;

    // --- projects --------------------------------------------------------------------------------

    /// Creates a project.
    async fn create_project(
        &self,
        org: OrgId,
        fields: &ProjectFields,
        by: UserId,
    ) -> Result<ProjectId, StoreError>;
    /// The live improvement projects of `orgs` matching `terms` (every word, or any word when
    /// [`SearchTerms::any`]) in their title, problem, aim, change ideas or measure names, best
    /// first (the title counts most), at most `limit`, leaving out `exclude`. No words or no
    /// organisations find nothing.
    async fn search_projects(
        &self,
        readable: &Readable,
        terms: &SearchTerms,
        exclude: Option<ProjectId>,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError>;
    /// A project that is not deleted.
    async fn project(&self, id: ProjectId) -> Result<Option<Project>, StoreError>;
    /// The organisation's projects that are not deleted, most recently changed first.
    async fn projects(&self, org: OrgId) -> Result<Vec<Project>, StoreError>;
    /// Changes a project that is still at version `expected`; returns its new version
    /// (`expected` itself when nothing changed). `Stale` if it has changed since.
    async fn update_project(
        &self,
        id: ProjectId,
        fields: &ProjectFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Deletes a project (recoverable by an admin with [`Store::restore_project`]); with
    /// `expected`, only if it is still at that version (`Stale` otherwise).
    async fn delete_project(
        &self,
        id: ProjectId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Deleted projects of an organisation.
    async fn deleted_projects(&self, org: OrgId) -> Result<Vec<Project>, StoreError>;
    /// Brings back a deleted project.
    async fn restore_project(&self, id: ProjectId, by: UserId) -> Result<(), StoreError>;
    /// The active members of an organisation with their roles, by name (people who can join
    /// its project teams).
    async fn org_members(&self, org: OrgId) -> Result<Vec<(User, Role)>, StoreError>;
    /// The people on a project's team, by name.
    async fn project_members(&self, project: ProjectId) -> Result<Vec<User>, StoreError>;
    /// The team members of every project of an organisation, as `(project, member)` pairs in one
    /// read (the portfolio), by project.
    async fn org_project_members(&self, org: OrgId)
        -> Result<Vec<(ProjectId, UserId)>, StoreError>;
    /// [`Store::projects`] of each of `orgs` in one read, by organisation (then as there).
    async fn projects_of_orgs(&self, orgs: &[OrgId]) -> Result<Vec<Project>, StoreError>;
    /// [`Store::org_members`] of each of `orgs` in one read, as `(org, user, role)`, by
    /// organisation (then by name).
    async fn org_members_of(&self, orgs: &[OrgId]) -> Result<Vec<(OrgId, User, Role)>, StoreError>;
    /// [`Store::teams`] (not archived) of each of `orgs` in one read, by organisation (then by
    /// name).
    async fn teams_of_orgs(&self, orgs: &[OrgId]) -> Result<Vec<Team>, StoreError>;
    /// [`Store::org_project_members`] of each of `orgs` in one read, by project.
    async fn org_project_members_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(ProjectId, UserId)>, StoreError>;
    /// [`Store::priority_links`] of each of `orgs` in one read, by project.
    async fn priority_links_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(ProjectId, PriorityId)>, StoreError>;
    /// [`Store::priorities_of`] each of `orgs` in one read, as `(org, priority)`: a system's
    /// priority once for each of its organisations named; by organisation, then as there.
    async fn priorities_of_orgs(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<(OrgId, Priority)>, StoreError>;
    /// [`Store::stall_weeks`] of each of `orgs` in one read, by organisation; an organisation
    /// that does not exist is left out.
    async fn stall_weeks_of(&self, orgs: &[OrgId]) -> Result<Vec<(OrgId, u32)>, StoreError>;
    /// Puts a member of the project's organisation on its team (`Missing` for anyone else).
    async fn add_project_member(
        &self,
        project: ProjectId,
        user: UserId,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Takes someone off a project's team.
    async fn remove_project_member(
        &self,
        project: ProjectId,
        user: UserId,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Makes `lead` (an active member of the project's organisation who is not a board viewer,
    /// else `Refused`) the lead of a live project, or leaves it without one, and puts them on its
    /// team; with `expected`, only if the project is still at that version. Returns the new
    /// version.
    async fn set_project_lead(
        &self,
        project: ProjectId,
        lead: Option<UserId>,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// The progress score a project's lead set over the derived one, if any (its
    /// [`ProgressOverride::who`] is the setter's display name).
    async fn progress_override(
        &self,
        project: ProjectId,
    ) -> Result<Option<ProgressOverride>, StoreError>;
    /// Sets (or, with `None`, clears) a live project's progress override, by `by`, only while
    /// the project is at version `expected` (else `Stale`); records the change in its history
    /// (field [`Field::Score`](crate::Field) with the reason). Returns the new version.
    async fn set_progress_override(
        &self,
        project: ProjectId,
        score: Option<(Score, &str)>,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Weeks without activity before the organisation's projects are stalled
    /// ([`DEFAULT_STALL_WEEKS`](crate::DEFAULT_STALL_WEEKS) until it chooses).
    async fn stall_weeks(&self, org: OrgId) -> Result<u32, StoreError>;
    /// Sets the organisation's stall weeks (1 to 52, checked by the caller).
    async fn set_stall_weeks(&self, org: OrgId, weeks: u32) -> Result<(), StoreError>;
    /// The project row that holds the organisation's own measures (kind
    /// [`ProjectKind::Organisation`]), made on first use by `by`.
    async fn organisation_measures(&self, org: OrgId, by: UserId) -> Result<ProjectId, StoreError>;
    /// The sections of the organisation's board report, in order ([`DEFAULT_REPORT_SECTIONS`]
    /// until it chooses its own).
    async fn report_sections(&self, org: OrgId) -> Result<Vec<String>, StoreError>;
    /// Sets the sections of the organisation's board report, in order. `Refused` when a section
    /// still holding measures is left out.
    async fn set_report_sections(&self, org: OrgId, sections: &[String]) -> Result<(), StoreError>;
    /// The live measures on the organisation's board report, by section (in the report's order)
    /// and then in the order they were put there.
    async fn board_measures(&self, org: OrgId) -> Result<Vec<BoardMeasure>, StoreError>;
    /// Where a measure sits on its organisation's board report, if it is on it.
    async fn board_place(&self, measure: MeasureId) -> Result<Option<BoardPlace>, StoreError>;
    /// Puts a live measure on its organisation's board report, moves it to another section or
    /// owner (`Some`), or takes it off (`None`), with a history record. `Missing` for an owner who
    /// is not an active member of the organisation; `Refused` for a section it does not have.
    async fn set_board_place(
        &self,
        measure: MeasureId,
        place: Option<&BoardPlace>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Moves a measure one place earlier (or later) among the live measures of its section of
    /// the board report; `false` when it is already first (or last). `Missing` when it is not
    /// on the board report.
    async fn move_on_board(&self, measure: MeasureId, earlier: bool) -> Result<bool, StoreError>;
    /// The organisation's saved board reports, by title.
    async fn saved_reports(&self, org: OrgId) -> Result<Vec<SavedReport>, StoreError>;
    /// A saved board report.
    async fn saved_report(&self, id: ReportId) -> Result<Option<SavedReport>, StoreError>;
    /// Saves a new board report of the organisation (at version 1).
    async fn create_saved_report(
        &self,
        org: OrgId,
        settings: &ReportSettings,
        by: UserId,
    ) -> Result<ReportId, StoreError>;
    /// Changes a saved report that is still at version `expected` (`Stale` otherwise); returns
    /// its new version.
    async fn update_saved_report(
        &self,
        id: ReportId,
        settings: &ReportSettings,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Deletes a saved report that was never published (`Refused` for a published one; with
    /// `expected`, `Stale` unless it is still at that version).
    async fn delete_saved_report(
        &self,
        id: ReportId,
        expected: Option<Version>,
    ) -> Result<(), StoreError>;
    /// The narrative of a measure for a period (its code, `2026-03`), if written.
    async fn narrative(
        &self,
        measure: MeasureId,
        period: &str,
    ) -> Result<Option<Narrative>, StoreError>;
    /// The narratives of the organisation's measures for a period.
    async fn narratives(&self, org: OrgId, period: &str) -> Result<Vec<Narrative>, StoreError>;
    /// Writes the narrative of a measure for a period: a new one at version 1, or a change to
    /// the one there (with `expected`, only while it is still at that version: `Stale`
    /// otherwise, also when one was written since the writer looked and saw none). Returns its
    /// version.
    async fn set_narrative(
        &self,
        measure: MeasureId,
        period: &str,
        text: &NarrativeText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// The published periods of a saved report, latest period first.
    async fn publications(&self, report: ReportId) -> Result<Vec<Publication>, StoreError>;
    /// Keeps the copy of a report as published for a period (`Conflict` if that period is
    /// already published: a published report never changes).
    async fn publish_report(
        &self,
        report: ReportId,
        period: &str,
        label: &str,
        copy: &PublishedCopy,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// A published report: when and by whom, and the copy kept.
    async fn published_report(
        &self,
        report: ReportId,
        period: &str,
    ) -> Result<Option<(Publication, PublishedCopy)>, StoreError>;
    /// The priorities an organisation's projects may serve: its own and its system's, the
    /// system's first, each by title.
    async fn priorities_of(&self, org: OrgId) -> Result<Vec<Priority>, StoreError>;
    /// A priority.
    async fn priority(&self, id: PriorityId) -> Result<Option<Priority>, StoreError>;
    /// Adds a priority (at version 1).
    async fn create_priority(
        &self,
        scope: &PriorityScope,
        text: &PriorityText,
        by: UserId,
    ) -> Result<PriorityId, StoreError>;
    /// Changes a priority still at `expected` (`Stale` otherwise); returns its new version.
    async fn update_priority(
        &self,
        id: PriorityId,
        text: &PriorityText,
        expected: Version,
    ) -> Result<Version, StoreError>;
    /// Deletes a priority; its projects stay.
    async fn delete_priority(&self, id: PriorityId) -> Result<(), StoreError>;
    /// The priorities a project serves.
    async fn project_priorities(&self, project: ProjectId) -> Result<Vec<PriorityId>, StoreError>;
    /// Every project–priority link of the organisation's projects, as (project, priority).
    async fn priority_links(&self, org: OrgId) -> Result<Vec<(ProjectId, PriorityId)>, StoreError>;
    /// Sets the priorities a project serves (`Missing` for a project that is not there).
    async fn set_project_priorities(
        &self,
        project: ProjectId,
        priorities: &[PriorityId],
    ) -> Result<(), StoreError>;
    /// The date of the rapid improvement event a project is, if it is one.
    async fn event_date(&self, project: ProjectId) -> Result<Option<NaiveDate>, StoreError>;
    /// Makes a live project an event held on `date`, or (`None`) not an event (`Missing` for a
    /// project that is not there).
    async fn set_event_date(
        &self,
        project: ProjectId,
        date: Option<NaiveDate>,
    ) -> Result<(), StoreError>;
    /// The events of an organisation's live projects: (project, date), by date.
    async fn events(&self, org: OrgId) -> Result<Vec<(ProjectId, NaiveDate)>, StoreError>;
    /// A project's report-outs, by day.
    async fn report_outs(&self, project: ProjectId) -> Result<Vec<ReportOut>, StoreError>;
    /// One report-out.
    async fn report_out(
        &self,
        project: ProjectId,
        day: u32,
    ) -> Result<Option<ReportOut>, StoreError>;
    /// Writes a report-out: new at version 1, or a change (with `expected`, only from that
    /// version; `Stale` otherwise, also when one was written since the writer saw none).
    async fn set_report_out(
        &self,
        project: ProjectId,
        day: u32,
        text: &ReportOutText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// A project's closing summary, if written.
    async fn closing_summary(
        &self,
        project: ProjectId,
    ) -> Result<Option<ClosingSummary>, StoreError>;
    /// Writes a project's closing summary: new at version 1, or a change (with `expected`, only
    /// from that version; `Stale` otherwise). `Missing` for a project that is not there.
    async fn set_closing_summary(
        &self,
        project: ProjectId,
        text: &ClosingText,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Adopts a change package in one transaction: creates the project in `adoption.org` with
    /// `by` as its lead, copies of the nodes (same structure, new ids) and measures (new ids,
    /// no data), the link to the source and each copied measure's link to its source measure,
    /// with the history records of what was created. `Missing` when the source is not a live
    /// project, the team is not the organisation's, or a node's parent is not among the nodes.
    async fn adopt(&self, adoption: &NewAdoption, by: UserId) -> Result<ProjectId, StoreError>;
    /// The adoption a project was made by, if any (whatever has become of its source).
    async fn adoption(&self, project: ProjectId) -> Result<Option<Adoption>, StoreError>;
    /// The live projects made by adopting `source`'s change package, oldest adoption first.
    async fn adoptions_of(&self, source: ProjectId) -> Result<Vec<Adoption>, StoreError>;
    /// Who owns a resource, deleted or not: its organisation and, for something in a project,
    /// the project and its lead. One lookup; `None` when there is no such row.
    async fn owner(&self, resource: Resource) -> Result<Option<Owner>, StoreError>;
    /// A project's history: newest change first, the records of one change in the order they
    /// were produced, each with who and when; entries a backend kept as sentences before it
    /// kept records come back as [`HistoryWhat::Legacy`](crate::HistoryWhat::Legacy).
    async fn history(&self, project: ProjectId) -> Result<Vec<HistoryEntry>, StoreError>;

    // --- driver diagrams -----------------------------------------------------------------------

    /// Adds a node to a project's driver diagram.
    async fn add_driver_node(
        &self,
        project: ProjectId,
        parent: Option<DriverNodeId>,
        kind: DriverKind,
        text: &str,
        by: UserId,
    ) -> Result<DriverNodeId, StoreError>;
    /// The nodes of a project's driver diagram that are not deleted, in the order they were
    /// added.
    async fn driver_nodes(&self, project: ProjectId) -> Result<Vec<DriverNode>, StoreError>;
    /// A node that is not deleted, by id.
    async fn driver_node(&self, id: DriverNodeId) -> Result<Option<DriverNode>, StoreError>;
    /// Changes the text of a node that is still at version `expected`; returns its new version.
    async fn update_driver_node(
        &self,
        id: DriverNodeId,
        text: &str,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Deletes a node and its descendants softly, together: [`Store::driver_nodes`] no longer
    /// sees them, PDSA cycles keep their link to a deleted change idea, and an admin can bring
    /// them back with [`Store::restore_driver_node`]. With `expected`, only if the node is still
    /// at that version.
    async fn delete_driver_node(
        &self,
        id: DriverNodeId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// The deleted nodes of a live project's driver diagram, most recently deleted first. A node
    /// whose parent is not among them (or that has no parent) can be restored; the others went
    /// with a deleted ancestor and come back with it.
    async fn deleted_driver_nodes(&self, project: ProjectId)
        -> Result<Vec<DriverNode>, StoreError>;
    /// Brings back a deleted node with the descendants deleted with it (`Missing` unless it is
    /// deleted, its project is live and its parent, if any, is not deleted).
    async fn restore_driver_node(&self, id: DriverNodeId, by: UserId) -> Result<(), StoreError>;

    // --- measures and data -----------------------------------------------------------------------

    /// Creates a measure.
    async fn create_measure(
        &self,
        project: ProjectId,
        fields: &MeasureFields,
        by: UserId,
    ) -> Result<MeasureId, StoreError>;
    /// A measure.
    async fn measure(&self, id: MeasureId) -> Result<Option<Measure>, StoreError>;
    /// A project's measures, in the order they were added.
    async fn measures(&self, project: ProjectId) -> Result<Vec<Measure>, StoreError>;
    /// Changes a measure (name, definition, chart settings…) that is still at version
    /// `expected`; returns its new version.
    async fn update_measure(
        &self,
        id: MeasureId,
        fields: &MeasureFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Adds or replaces (same date) data points, all or nothing; returns how many were written.
    /// A replaced value that differs is kept as a [`DataPointRevision`].
    async fn put_data(
        &self,
        measure: MeasureId,
        points: &[DataPoint],
        by: UserId,
    ) -> Result<usize, StoreError>;
    /// A measure's data, by date (a deleted measure keeps its data, readable by id).
    async fn data(&self, measure: MeasureId) -> Result<Vec<DataPoint>, StoreError>;
    /// Removes one data point of a live measure (`Missing` when there is no point on `date`).
    /// The point is gone from the data, but its value is kept as a [`DataPointRevision`] (and
    /// in the history record), so it can be put back.
    async fn delete_data_point(
        &self,
        measure: MeasureId,
        date: NaiveDate,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// Deletes a measure softly: [`Store::measure`] and [`Store::measures`] no longer see it,
    /// its data stays, and an admin can bring it back with [`Store::restore_measure`]. With
    /// `expected`, only if it is still at that version.
    async fn delete_measure(
        &self,
        id: MeasureId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// A project's deleted measures, most recently deleted first.
    async fn deleted_measures(&self, project: ProjectId) -> Result<Vec<Measure>, StoreError>;
    /// Brings back a deleted measure with its data (`Missing` unless it is deleted).
    async fn restore_measure(&self, id: MeasureId, by: UserId) -> Result<(), StoreError>;
    /// The replaced and removed values of a measure's data that have not been put back, newest
    /// first.
    async fn data_revisions(
        &self,
        measure: MeasureId,
    ) -> Result<Vec<DataPointRevision>, StoreError>;
    /// Puts back a replaced or removed value of a live measure: the point on its date gets the
    /// old value and denominator again (a value there now is kept as a revision in turn), and
    /// the history says so. `Missing` unless the revision belongs to the measure and has not
    /// been put back already.
    async fn restore_data_revision(
        &self,
        measure: MeasureId,
        revision: RevisionId,
        by: UserId,
    ) -> Result<DataPoint, StoreError>;

    // --- PDSA cycles -----------------------------------------------------------------------------

    /// Creates a PDSA cycle.
    async fn create_pdsa(
        &self,
        project: ProjectId,
        fields: &PdsaFields,
        by: UserId,
    ) -> Result<PdsaId, StoreError>;
    /// A PDSA cycle.
    async fn pdsa(&self, id: PdsaId) -> Result<Option<PdsaCycle>, StoreError>;
    /// A project's PDSA cycles by start date.
    async fn pdsas(&self, project: ProjectId) -> Result<Vec<PdsaCycle>, StoreError>;
    /// Changes a PDSA cycle that is still at version `expected`; returns its new version.
    async fn update_pdsa(
        &self,
        id: PdsaId,
        fields: &PdsaFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Deletes a PDSA cycle softly: [`Store::pdsa`] and [`Store::pdsas`] (and so the charts'
    /// annotations) no longer see it, and an admin can bring it back with
    /// [`Store::restore_pdsa`]. Cycles that follow it keep their link. With `expected`, only if
    /// it is still at that version.
    async fn delete_pdsa(
        &self,
        id: PdsaId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<(), StoreError>;
    /// A project's deleted PDSA cycles, most recently deleted first.
    async fn deleted_pdsas(&self, project: ProjectId) -> Result<Vec<PdsaCycle>, StoreError>;
    /// Brings back a deleted PDSA cycle (`Missing` unless it is deleted).
    async fn restore_pdsa(&self, id: PdsaId, by: UserId) -> Result<(), StoreError>;

    // --- board self-assessments ------------------------------------------------------------------

    /// Starts a self-assessment of `org`'s board (`Missing` for an organisation that does not
    /// exist).
    async fn create_assessment(
        &self,
        org: OrgId,
        fields: &AssessmentFields,
        by: UserId,
    ) -> Result<AssessmentId, StoreError>;
    /// An assessment.
    async fn assessment(&self, id: AssessmentId) -> Result<Option<Assessment>, StoreError>;
    /// An organisation's assessments, oldest first (by date, then as they were started).
    async fn assessments(&self, org: OrgId) -> Result<Vec<Assessment>, StoreError>;
    /// Everyone's ratings in an assessment, by name.
    async fn submissions(&self, assessment: AssessmentId) -> Result<Vec<Submission>, StoreError>;
    /// Saves `user`'s ratings in an assessment, replacing all their earlier ones, together. With
    /// `expected`, only if their submission is still at that version (`Version(0)`: they have
    /// none yet), else `Stale` and nothing is written. Returns the submission's new version
    /// (unchanged when the ratings are the same). `Missing` for an assessment or user that does
    /// not exist.
    async fn set_ratings(
        &self,
        assessment: AssessmentId,
        user: UserId,
        ratings: &[Rating],
        expected: Option<Version>,
    ) -> Result<Version, StoreError>;

    // --- value (potential and realised savings) ------------------------------------------------

    /// Records a value entry in `project` by `by`, unconfirmed, at version 1 (`Missing` for a
    /// project that is not there).
    async fn create_value(
        &self,
        project: ProjectId,
        fields: &ValueFields,
        by: UserId,
    ) -> Result<ValueId, StoreError>;
    /// A project's value entries, by date then as recorded.
    async fn value_entries(&self, project: ProjectId) -> Result<Vec<ValueEntry>, StoreError>;
    /// A value entry (of a live project or not: access checks the project).
    async fn value_entry(&self, id: ValueId) -> Result<Option<ValueEntry>, StoreError>;
    /// The value entries of an organisation's live improvement projects, by project then date.
    async fn org_value_entries(&self, org: OrgId) -> Result<Vec<ValueEntry>, StoreError>;
    /// Changes a value entry still at `expected` (`Stale` otherwise, `Missing` when gone); its
    /// confirmation goes unless `keep_confirmation`. Returns the new version.
    async fn update_value(
        &self,
        id: ValueId,
        fields: &ValueFields,
        expected: Version,
        keep_confirmation: bool,
    ) -> Result<Version, StoreError>;
    /// Records `by`'s confirmation of a value entry, at `expected` when given (`Stale`
    /// otherwise). Returns the new version.
    async fn confirm_value(
        &self,
        id: ValueId,
        expected: Option<Version>,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// Deletes a value entry for good, at `expected` when given (`Stale` otherwise, `Missing`
    /// when gone).
    async fn delete_value(&self, id: ValueId, expected: Option<Version>) -> Result<(), StoreError>;
    /// How patients and carers are involved in a live project, once recorded (`None` before).
    async fn involvement(&self, project: ProjectId) -> Result<Option<Involvement>, StoreError>;
    /// Records how patients and carers are involved in a live project, by `by`, only while its
    /// involvement is at `expected` (`Version(0)`: not recorded yet), else `Stale`; with one
    /// history record per changed field ([`crate::involvement_records`]) in the same
    /// transaction. Returns the new version (unchanged when nothing changed); `Missing` for a
    /// project that is not live.
    async fn set_involvement(
        &self,
        project: ProjectId,
        fields: &InvolvementFields,
        expected: Version,
        by: UserId,
    ) -> Result<Version, StoreError>;
    /// The recorded involvement of every live project of an organisation, by project id.
    async fn org_involvement(&self, org: OrgId) -> Result<Vec<Involvement>, StoreError>;
    /// The team members of every live project of an organisation with when each joined, as
    /// `(project, member, added at)`, by project then member.
    async fn org_project_members_since(
        &self,
        org: OrgId,
    ) -> Result<Vec<(ProjectId, UserId, NaiveDateTime)>, StoreError>;
    /// Who supported the organisation's ideas and when, as `(supporter, supported at)`, oldest
    /// first; supports given before they were dated (migration 0028) are left out.
    async fn org_idea_supports(
        &self,
        org: OrgId,
    ) -> Result<Vec<(UserId, NaiveDateTime)>, StoreError>;
}
