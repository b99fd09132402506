//! The things improvement teams work with, in their own words.

use chrono::{NaiveDate, NaiveDateTime};

use crate::period::Period;
use gemba_spc::{ChartType, Improvement};

use crate::validate::{Email, NonEmpty};

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id!(
    /// An organisation (a trust, a practice, an ICS).
    OrgId
);
id!(
    /// An e-mail in the outbox.
    EmailId
);
id!(
    /// The version of an editable object (project, measure, PDSA cycle, driver diagram node):
    /// 1 when it is created and one more after every change to it, its deletion and restoring
    /// included. A write names the version it was based on; the store refuses it when the
    /// object has changed since ([`crate::StoreError::Stale`]).
    Version
);
id!(
    /// A stored old value of a data point (see [`DataPointRevision`]).
    RevisionId
);
id!(
    /// A staff idea.
    IdeaId
);
id!(
    /// A comment on an idea.
    IdeaCommentId
);
id!(
    /// Something a user is told in the app.
    NotificationId
);
id!(
    /// An entry of a project's value: a potential or realised saving.
    ValueId
);
id!(
    /// An improvement training course of an organisation.
    CourseId
);
id!(
    /// A session (a date and a place) of a training course.
    TrainingSessionId
);
id!(
    /// A team within an organisation.
    TeamId
);
id!(
    /// A person who signs in.
    UserId
);
id!(
    /// An improvement project.
    ProjectId
);
id!(
    /// A measure of a project.
    MeasureId
);
id!(
    /// A PDSA cycle.
    PdsaId
);
id!(
    /// A node of a driver diagram.
    DriverNodeId
);
id!(
    /// An API token (not its secret).
    ApiTokenId
);
id!(
    /// A saved board report.
    ReportId
);
id!(
    /// A board self-assessment of QI governance.
    AssessmentId
);
id!(
    /// A strategic priority of an organisation or a system.
    PriorityId
);

/// What a person may do in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages the organisation, its people and recovers deleted work.
    Admin,
    /// QI coach: runs and supports projects across the organisation.
    ImprovementLead,
    /// A member of staff on improvement projects.
    Member,
    /// A patient or carer partner: a full project member.
    PatientPartner,
    /// Reads dashboards and reports, and rates the board's QI governance; changes no
    /// improvement work.
    BoardViewer,
    /// Finance: reads what a board viewer reads, puts forward ideas, and is the one role that
    /// confirms the value a project has released; changes no improvement work.
    Finance,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::ImprovementLead,
        Role::Member,
        Role::PatientPartner,
        Role::BoardViewer,
        Role::Finance,
    ];

    /// Stable name for storage, forms and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ImprovementLead => "improvement_lead",
            Role::Member => "member",
            Role::PatientPartner => "patient_partner",
            Role::BoardViewer => "board_viewer",
            Role::Finance => "finance",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::ImprovementLead => "Improvement lead",
            Role::Member => "Member",
            Role::PatientPartner => "Patient partner",
            Role::BoardViewer => "Board viewer",
            Role::Finance => "Finance",
        }
    }

    /// Whether the role changes no improvement work (board viewers and finance read, even when
    /// named a project's lead).
    pub fn only_reads_work(self) -> bool {
        matches!(self, Role::BoardViewer | Role::Finance)
    }

    /// Parses [`Role::name`] (and `coach` for an improvement lead).
    pub fn parse(s: &str) -> Option<Role> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "admin" => Some(Role::Admin),
            "improvement_lead" | "coach" | "lead" => Some(Role::ImprovementLead),
            "member" => Some(Role::Member),
            "patient_partner" | "patient" => Some(Role::PatientPartner),
            "board_viewer" | "board" | "viewer" => Some(Role::BoardViewer),
            "finance" => Some(Role::Finance),
            _ => None,
        }
    }
}

/// A role across a system (an integrated care system and its organisations), held besides a
/// role in one of its organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemRole {
    /// Leads improvement across the system: sees the system's portfolio and sets the system's
    /// strategic priorities.
    Lead,
    /// Sees the system's portfolio; changes nothing.
    Viewer,
}

impl SystemRole {
    /// Every system role, most powerful first.
    pub const ALL: [SystemRole; 2] = [SystemRole::Lead, SystemRole::Viewer];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            SystemRole::Lead => "system_lead",
            SystemRole::Viewer => "system_viewer",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            SystemRole::Lead => "System improvement lead",
            SystemRole::Viewer => "System viewer",
        }
    }

    /// Parses [`SystemRole::name`].
    pub fn parse(s: &str) -> Option<SystemRole> {
        SystemRole::ALL.into_iter().find(|r| r.name() == s.trim())
    }
}

/// Someone holding a role across a system.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemPerson {
    /// Their account.
    pub user: User,
    /// Their system role.
    pub role: SystemRole,
}

/// An organisation within a system.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    /// Its id.
    pub id: OrgId,
    /// Its name.
    pub name: String,
    /// The integrated care system or group it belongs to, if any.
    pub system: Option<String>,
}

/// A team within an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Its id.
    pub id: TeamId,
    /// Its organisation.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// Whether it is archived: kept, but left out of pickers and dashboards.
    pub archived: bool,
}

/// A person's account. The password hash is not part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Sign-in email.
    pub email: Email,
    /// Display name.
    pub name: String,
}

/// A user's role in one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// The organisation.
    pub org: Organisation,
    /// The role held there.
    pub role: Role,
}

/// A person as an organisation's admin sees them: their account, role and status there.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their account.
    pub user: User,
    /// Their role in the organisation.
    pub role: Role,
    /// Whether they are active there; a deactivated person (a leaver) holds no role.
    pub active: bool,
}

/// An API token as its owner sees it: never the secret.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    /// Its id.
    pub id: ApiTokenId,
    /// What it is for ("Power BI refresh").
    pub name: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it stops working; `None` for a token that does not expire.
    pub expires_at: Option<NaiveDateTime>,
    /// When it was last used (to the minute), if ever.
    pub last_used_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// Whether the token has expired at `now`.
    pub fn expired(&self, now: NaiveDateTime) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }
}

/// A one-time secret for setting a password, as the store keeps it: the SHA-256 hash of the
/// secret and its expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct ResetSecret {
    /// The SHA-256 hash of the secret (hex).
    pub secret_hash: String,
    /// When the link stops working.
    pub expires_at: NaiveDateTime,
}

/// What [`crate::Store::add_person`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new account was made; the reset secret passed in is its "set your password" link.
    NewAccount(UserId),
    /// Someone who already had an account (in another organisation) joined; they sign in with
    /// their own password and the reset secret was not stored.
    ExistingAccount(UserId),
}

impl Added {
    /// The person's account.
    pub fn user(self) -> UserId {
        match self {
            Added::NewAccount(u) | Added::ExistingAccount(u) => u,
        }
    }
}

/// Where a project is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// An idea not yet started.
    Idea,
    /// Understanding the problem and setting the aim.
    Scoping,
    /// Testing changes in PDSA cycles.
    Testing,
    /// Implementing changes that worked.
    Implementing,
    /// Holding the gains.
    Sustaining,
    /// Spreading to other teams or sites.
    Spreading,
    /// Finished.
    Closed,
    /// Stopped before finishing.
    Abandoned,
}

impl ProjectStatus {
    /// Every status in lifecycle order.
    pub const ALL: [ProjectStatus; 8] = [
        ProjectStatus::Idea,
        ProjectStatus::Scoping,
        ProjectStatus::Testing,
        ProjectStatus::Implementing,
        ProjectStatus::Sustaining,
        ProjectStatus::Spreading,
        ProjectStatus::Closed,
        ProjectStatus::Abandoned,
    ];

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            ProjectStatus::Idea => "idea",
            ProjectStatus::Scoping => "scoping",
            ProjectStatus::Testing => "testing",
            ProjectStatus::Implementing => "implementing",
            ProjectStatus::Sustaining => "sustaining",
            ProjectStatus::Spreading => "spreading",
            ProjectStatus::Closed => "closed",
            ProjectStatus::Abandoned => "abandoned",
        }
    }

    /// Parses [`ProjectStatus::name`].
    pub fn parse(s: &str) -> Option<ProjectStatus> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// What a project row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectKind {
    /// An improvement project, with an aim, a team, a driver diagram and PDSA cycles.
    Improvement,
    /// An organisation's own measures (four-hour performance, staff turnover …) that belong to
    /// no improvement project: one per organisation, never deleted, left out of project lists.
    Organisation,
}

impl ProjectKind {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            ProjectKind::Improvement => "improvement",
            ProjectKind::Organisation => "organisation",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<ProjectKind> {
        [ProjectKind::Improvement, ProjectKind::Organisation]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// The sections of a board report when an organisation has not chosen its own: the CQC's five
/// key questions.
pub const DEFAULT_REPORT_SECTIONS: [&str; 5] =
    ["Safe", "Effective", "Caring", "Responsive", "Well-led"];

/// Where a measure sits on its organisation's board report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardPlace {
    /// The report section (one of the organisation's sections).
    pub section: String,
    /// The executive owner, if named.
    pub owner: Option<UserId>,
}

/// A measure on an organisation's board report, as the board sees the list.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardMeasure {
    /// The measure.
    pub measure: Measure,
    /// Its section.
    pub section: String,
    /// Its executive owner, if named (and still a user).
    pub owner: Option<User>,
    /// Whether it is one of the organisation's own measures rather than a project's.
    pub organisation_measure: bool,
}

/// A project as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Its id.
    pub id: ProjectId,
    /// The organisation that owns it.
    pub org: OrgId,
    /// The team running it, if any.
    pub team: Option<TeamId>,
    /// Title.
    pub title: String,
    /// The problem in the team's words.
    pub problem: String,
    /// The SMART aim: what, how much, by when.
    pub aim: String,
    /// Improvement method (Model for Improvement, Lean, Six Sigma…).
    pub method: String,
    /// Lifecycle status.
    pub status: ProjectStatus,
    /// Executive sponsor.
    pub sponsor: String,
    /// Free tags.
    pub tags: Vec<String>,
    /// Who leads it (its creator at first; see [`crate::Action::ChooseLead`]), if anyone.
    pub lead: Option<UserId>,
    /// An improvement project, or the organisation's own measures.
    pub kind: ProjectKind,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed (this project or anything in it).
    pub updated_at: NaiveDateTime,
    /// The version of the project's own fields.
    pub version: Version,
    /// Private to its organisation: the other organisations of its system do not see it.
    pub private: bool,
    /// The staff idea it was started from, if any (its lineage; see [`crate::convert_idea`]).
    pub idea: Option<IdeaId>,
}

/// The fields of a project a user sets (validated).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFields {
    /// Title (required).
    pub title: NonEmpty,
    /// The problem.
    pub problem: String,
    /// The aim.
    pub aim: String,
    /// Method.
    pub method: String,
    /// Status.
    pub status: ProjectStatus,
    /// Team.
    pub team: Option<TeamId>,
    /// Sponsor.
    pub sponsor: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Private to the organisation (else the other organisations of its system see it).
    pub private: bool,
}

/// Outcome, process or balancing measure (Model for Improvement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeasureType {
    /// Is the system better for patients?
    Outcome,
    /// Are the parts of the system doing what they should?
    Process,
    /// Are we making things worse elsewhere?
    Balancing,
}

impl MeasureType {
    /// Every type.
    pub const ALL: [MeasureType; 3] = [
        MeasureType::Outcome,
        MeasureType::Process,
        MeasureType::Balancing,
    ];

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            MeasureType::Outcome => "outcome",
            MeasureType::Process => "process",
            MeasureType::Balancing => "balancing",
        }
    }

    /// Parses [`MeasureType::name`].
    pub fn parse(s: &str) -> Option<MeasureType> {
        Self::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// How a measure is charted.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSettings {
    /// Chart type.
    pub chart: ChartType,
    /// Which way is better.
    pub improvement: Improvement,
    /// Target for the assurance icon.
    pub target: Option<f64>,
    /// Rule profile name (`mdc` or `powerbi`).
    pub rules: String,
    /// Where a new phase starts, each with why, by date.
    pub rebase: Vec<Rebase>,
    /// Baseline length, if fixed.
    pub fix_after: Option<usize>,
    /// What one point stands for (a day, week, month or quarter); PDSA cycles and rebases
    /// fall on the point whose period contains their date.
    pub period: Period,
    /// What values are multiplied by to be shown (100 for a percentage, 1,000 for a rate per
    /// 1,000); values, denominators and the engine's input are stored raw, the target is in
    /// display units.
    pub multiplier: crate::units::Multiplier,
}

/// A rebase of a chart: a new phase starts at the point whose period contains `date`,
/// because of `reason` (the change to the process that happened then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebase {
    /// When the new phase starts.
    pub date: NaiveDate,
    /// Why: what changed in the process then.
    pub reason: String,
}

/// The reason given to rebases recorded before reasons were required.
pub const REBASE_REASON_NOT_RECORDED: &str = "Not recorded (rebased before reasons were required)";

/// A measure as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Its id.
    pub id: MeasureId,
    /// Its project.
    pub project: ProjectId,
    /// Name.
    pub name: String,
    /// Outcome, process or balancing.
    pub kind: MeasureType,
    /// Operational definition: exactly what is counted and how.
    pub definition: String,
    /// Unit (%, days, falls per 1,000 bed days…).
    pub unit: String,
    /// Where the data come from.
    pub data_source: String,
    /// What the denominator counts ("bed days", "doses due"); empty when not said.
    pub denominator_label: String,
    /// Chart settings.
    pub chart: ChartSettings,
    /// Its version.
    pub version: Version,
}

/// The fields of a measure a user sets (validated).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureFields {
    /// Name (required).
    pub name: NonEmpty,
    /// Type.
    pub kind: MeasureType,
    /// Operational definition.
    pub definition: String,
    /// Unit.
    pub unit: String,
    /// Data source.
    pub data_source: String,
    /// What the denominator counts ("bed days"); empty when not said.
    pub denominator_label: String,
    /// Chart settings.
    pub chart: ChartSettings,
}

/// One data point of a measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataPoint {
    /// The date (day, week or month start).
    pub date: NaiveDate,
    /// The value, or the numerator when there is a denominator; `None` when missing.
    pub value: Option<f64>,
    /// The denominator, for rates and proportions.
    pub denominator: Option<f64>,
}

/// What was decided at the end of a PDSA cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActDecision {
    /// Keep the change.
    Adopt,
    /// Change it and test again.
    Adapt,
    /// Drop it.
    Abandon,
}

impl ActDecision {
    /// Every decision.
    pub const ALL: [ActDecision; 3] =
        [ActDecision::Adopt, ActDecision::Adapt, ActDecision::Abandon];

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            ActDecision::Adopt => "adopt",
            ActDecision::Adapt => "adapt",
            ActDecision::Abandon => "abandon",
        }
    }

    /// Parses [`ActDecision::name`].
    pub fn parse(s: &str) -> Option<ActDecision> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// The fields of a PDSA cycle (validated).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdsaFields {
    /// Title (required).
    pub title: String,
    /// The date the cycle started (required; annotated on the charts).
    pub start_date: Option<NaiveDate>,
    /// The change idea of the driver diagram being tested.
    pub change_idea: Option<DriverNodeId>,
    /// The cycle this one follows in a ramp.
    pub follows: Option<PdsaId>,
    /// Plan: the objective.
    pub objective: String,
    /// Plan: what we predict will happen.
    pub prediction: String,
    /// Plan: who, what, where, when.
    pub plan: String,
    /// Plan: data to collect.
    pub data_plan: String,
    /// Do: what happened, problems.
    pub do_notes: String,
    /// Study: the result against the prediction.
    pub study: String,
    /// Act: the decision.
    pub act: Option<ActDecision>,
    /// Act: what next.
    pub act_notes: String,
    /// Plan: the scale of the test, in the team's words ("1 patient", "1 night shift", "bays
    /// 1–2", "the whole ward"); empty when not recorded.
    pub scale: String,
}

/// A PDSA cycle as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PdsaCycle {
    /// Its id.
    pub id: PdsaId,
    /// Its project.
    pub project: ProjectId,
    /// Its fields.
    pub fields: PdsaFields,
    /// Its version.
    pub version: Version,
}

/// Whether `this` cycle following `follows` would close a loop of "follows" links: walks the
/// ramp back from `follows` through `cycles` (the project's cycles as stored) and answers
/// `true` if it reaches `this`. A chain that already loops without `this` stops, not spins.
pub fn follows_makes_loop(cycles: &[PdsaCycle], this: PdsaId, follows: PdsaId) -> bool {
    let mut at = Some(follows);
    for _ in 0..=cycles.len() {
        match at {
            Some(id) if id == this => return true,
            Some(id) => {
                at = cycles
                    .iter()
                    .find(|c| c.id == id)
                    .and_then(|c| c.fields.follows)
            }
            None => return false,
        }
    }
    false
}

/// The level of a node in a driver diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriverKind {
    /// A primary driver: a big factor that must change to reach the aim.
    Primary,
    /// A secondary driver: a part of a primary driver.
    Secondary,
    /// A change idea to test.
    ChangeIdea,
}

impl DriverKind {
    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            DriverKind::Primary => "primary",
            DriverKind::Secondary => "secondary",
            DriverKind::ChangeIdea => "change_idea",
        }
    }

    /// Parses [`DriverKind::name`].
    pub fn parse(s: &str) -> Option<DriverKind> {
        [
            DriverKind::Primary,
            DriverKind::Secondary,
            DriverKind::ChangeIdea,
        ]
        .into_iter()
        .find(|k| k.name() == s.trim())
    }

    /// The kind a child of this node has, if any.
    pub fn child(self) -> Option<DriverKind> {
        match self {
            DriverKind::Primary => Some(DriverKind::Secondary),
            DriverKind::Secondary => Some(DriverKind::ChangeIdea),
            DriverKind::ChangeIdea => None,
        }
    }
}

/// One node of a project's driver diagram (the aim is the project's aim).
#[derive(Debug, Clone, PartialEq)]
pub struct DriverNode {
    /// Its id.
    pub id: DriverNodeId,
    /// Its project.
    pub project: ProjectId,
    /// Its parent: none for primary drivers.
    pub parent: Option<DriverNodeId>,
    /// Its level.
    pub kind: DriverKind,
    /// Its text.
    pub text: String,
    /// Its version.
    pub version: Version,
    /// The staff idea a change idea came from, if any (see [`crate::convert_idea`]).
    pub idea: Option<IdeaId>,
}

/// What happened to the old value of a data point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    /// An import (form, paste, file or API) wrote another value on the same date.
    Replaced,
    /// A user removed the point.
    Removed,
}

impl RevisionKind {
    /// The stored name: `replaced`, `removed`.
    pub fn name(self) -> &'static str {
        match self {
            RevisionKind::Replaced => "replaced",
            RevisionKind::Removed => "removed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<RevisionKind> {
        match s {
            "replaced" => Some(RevisionKind::Replaced),
            "removed" => Some(RevisionKind::Removed),
            _ => None,
        }
    }
}

/// The old value of a data point that was replaced or removed and has not been put back.
#[derive(Debug, Clone, PartialEq)]
pub struct DataPointRevision {
    /// Its id.
    pub id: RevisionId,
    /// The measure.
    pub measure: MeasureId,
    /// The point as it was (date, old value, old denominator).
    pub old: DataPoint,
    /// Replaced or removed.
    pub kind: RevisionKind,
    /// Who replaced or removed it (display name).
    pub who: String,
    /// When.
    pub at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(id: i64, follows: Option<i64>) -> PdsaCycle {
        PdsaCycle {
            id: PdsaId(id),
            project: ProjectId(1),
            fields: PdsaFields {
                follows: follows.map(PdsaId),
                ..PdsaFields::default()
            },
            version: Version(1),
        }
    }

    #[test]
    fn regression_pdsa_follows_loop_is_found_by_walking_the_ramp() {
        // 7 follows 6, 8 follows 7; 9 stands alone; 10 and 11 already loop (bad old data).
        let cycles = [
            cycle(6, None),
            cycle(7, Some(6)),
            cycle(8, Some(7)),
            cycle(9, None),
            cycle(10, Some(11)),
            cycle(11, Some(10)),
        ];
        assert!(follows_makes_loop(&cycles, PdsaId(6), PdsaId(7)));
        assert!(follows_makes_loop(&cycles, PdsaId(6), PdsaId(8)));
        assert!(follows_makes_loop(&cycles, PdsaId(6), PdsaId(6)));
        assert!(!follows_makes_loop(&cycles, PdsaId(8), PdsaId(6)));
        assert!(!follows_makes_loop(&cycles, PdsaId(9), PdsaId(8)));
        assert!(!follows_makes_loop(&cycles, PdsaId(9), PdsaId(10)));
    }
}
