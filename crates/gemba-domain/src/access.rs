//! Who may do what, and access to the workspace's rows only through that check.
//!
//! [`POLICY`] is the one permission table: for every [`Action`] the roles that may take it in
//! their organisation, and whether a project's own lead may. Pages, the API and the CLI ask it
//! through [`permits`] and never decide themselves; the README prints the same table, and a test
//! keeps the two equal.
//!
//! A handler reaches a row only through [`Access`], which loads it, finds the organisation that
//! owns it, and returns it as an [`Authorized`] value together with the user's role there — or
//! [`AccessError::NotFound`] when the user has no role in that organisation (another
//! organisation's ids look exactly like ids that do not exist), or [`AccessError::Denied`] when
//! their role may not take the action. Deleted rows are found by their owner
//! ([`Store::owner`]), never by scanning an organisation's projects.

use crate::assessment::Assessment;
use crate::model::{
    AssessmentId, DriverNode, DriverNodeId, Measure, MeasureId, Membership, OrgId, PdsaCycle,
    PdsaId, Project, ProjectFields, ProjectId, ReportId, Role, TeamId, UserId,
};
use crate::store::{Store, StoreError};

/// Something a user does in the workspace, in the words of the permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See an organisation's projects, measures, charts, PDSA cycles and history.
    Read,
    /// Start a project (its creator becomes its lead).
    CreateProject,
    /// Change a project's title, problem, method, status, team, sponsor or tags.
    EditProject,
    /// Change a project's aim.
    EditAim,
    /// Choose who leads a project.
    ChooseLead,
    /// Join a project's team, or leave it.
    JoinTeam,
    /// Put other people on a project's team or take them off.
    ManageTeam,
    /// Add change ideas and drivers to a driver diagram, and reword them.
    EditDriverDiagram,
    /// Add a measure, or change its definition, chart type, target, rebases, rule profile,
    /// baseline, period or units.
    DefineMeasure,
    /// Enter data (form, paste, file, API) and put back a replaced value.
    EnterData,
    /// Remove a data point.
    DeleteData,
    /// Log PDSA cycles and update them.
    LogPdsa,
    /// Delete a project, measure, PDSA cycle or driver diagram node (recoverably).
    Delete,
    /// Bring back something deleted.
    Restore,
    /// Run the organisation: its people, roles, teams, name and system.
    ManageOrganisation,
    /// Choose the measures on the board report, their sections and executive owners, and the
    /// report's sections; save board reports and publish them.
    ManageBoard,
    /// Write a board measure's narrative for a period (its executive owner may too).
    WriteNarrative,
    /// Start a self-assessment of the board's QI governance and rate it.
    AssessBoard,
    /// Set the organisation's (and its system's) strategic priorities.
    ManagePriorities,
    /// Set a project's progress score over the one derived from its record (with a reason), or
    /// clear it.
    AssessProgress,
    /// Put forward an idea, support ideas and comment on them.
    ShareIdeas,
    /// Triage ideas: their status and the response their submitters see.
    TriageIdeas,
    /// Record a project's value (potential or realised savings), change it or delete it.
    RecordValue,
    /// Confirm a project's realised value (finance).
    ConfirmValue,
    /// Run improvement training: courses, sessions, attendance and completion, and see
    /// everyone's training records.
    RunTraining,
    /// Ask for a place on a training session, or give it up.
    BookTraining,
    /// Assign improvement leads to projects as their coaches, or take them off.
    AssignCoaches,
    /// Record one's own hours planned and used for improvement on a project.
    RecordTime,
    /// Record anyone's hours planned and used for improvement in the organisation.
    ManageTime,
}

/// One row of the permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The action.
    pub action: Action,
    /// What it is, for people ("change a project's aim").
    pub what: &'static str,
    /// The roles that may take it anywhere in their organisation.
    pub roles: &'static [Role],
    /// Whether a project's lead may take it in their own project (whatever their role, except a
    /// board viewer's or finance's: they only read).
    pub project_lead: bool,
}

/// Roles that contribute to improvement work (everyone but board viewers and finance).
const CONTRIBUTORS: &[Role] = &[
    Role::Admin,
    Role::ImprovementLead,
    Role::Member,
    Role::PatientPartner,
];
/// Roles that lead improvement across an organisation.
const LEADS: &[Role] = &[Role::Admin, Role::ImprovementLead];
/// Roles that sit on (or report to) the board and rate its QI governance.
const BOARD_MEMBERS: &[Role] = &[Role::Admin, Role::ImprovementLead, Role::BoardViewer];

/// The permission policy: what each role may do. Members and patient partners enter data, log
/// and update PDSA cycles, work on the driver diagram, start projects and join teams; defining
/// measures, changing an aim or a project's lead, managing a project's team and deleting need the
/// project's lead, an improvement lead or an admin; restoring and running the organisation need an
/// admin; board viewers read, and rate the board's QI governance with admins and improvement
/// leads. Everyone, board viewers included, puts forward ideas; improvement leads and admins
/// triage them. Whoever may edit a project's work records its value; only finance confirms
/// realised value, and otherwise reads, as board viewers do.
pub const POLICY: &[Permission] = &[
    Permission {
        action: Action::Read,
        what: "see the organisation's projects, measures, charts and history",
        roles: &Role::ALL,
        project_lead: true,
    },
    Permission {
        action: Action::CreateProject,
        what: "start a project",
        roles: CONTRIBUTORS,
        project_lead: false,
    },
    Permission {
        action: Action::EditProject,
        what: "change a project's title, problem, method, status, team, sponsor, tags or \
               strategic priorities",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::EditAim,
        what: "change a project's aim",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::ChooseLead,
        what: "choose a project's lead",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::JoinTeam,
        what: "join a project's team or leave it",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::ManageTeam,
        what: "put other people on a project's team or take them off",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::EditDriverDiagram,
        what: "add to a driver diagram and reword it",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::DefineMeasure,
        what: "add a measure or change its definition, chart type, target, rebases, rules, \
               baseline, period or units",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::EnterData,
        what: "enter data and put back a replaced value",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::DeleteData,
        what: "remove a data point",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::LogPdsa,
        what: "log PDSA cycles and update them",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::Delete,
        what: "delete a project, measure, PDSA cycle or driver diagram node",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::Restore,
        what: "bring back something deleted",
        roles: &[Role::Admin],
        project_lead: false,
    },
    Permission {
        action: Action::ManageOrganisation,
        what: "manage the organisation's people, teams, name and system",
        roles: &[Role::Admin],
        project_lead: false,
    },
    Permission {
        action: Action::ManageBoard,
        what: "choose the board report's measures, sections and executive owners; save and \
               publish board reports",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::WriteNarrative,
        what: "write a board measure's narrative for a period (its executive owner may too)",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::AssessBoard,
        what: "rate the board's QI governance",
        roles: BOARD_MEMBERS,
        project_lead: false,
    },
    Permission {
        action: Action::ManagePriorities,
        what: "set the organisation's and its system's strategic priorities",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::AssessProgress,
        what: "set a project's progress score over the derived one",
        roles: LEADS,
        project_lead: true,
    },
    Permission {
        action: Action::ShareIdeas,
        what: "put forward an idea, support ideas and comment on them",
        roles: &Role::ALL,
        project_lead: false,
    },
    Permission {
        action: Action::TriageIdeas,
        what: "triage ideas and respond to them",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::RecordValue,
        what: "record a project's potential and realised value, change it or delete it",
        roles: CONTRIBUTORS,
        project_lead: true,
    },
    Permission {
        action: Action::ConfirmValue,
        what: "confirm a project's realised value",
        roles: &[Role::Finance],
        project_lead: false,
    },
    Permission {
        action: Action::RunTraining,
        what: "run improvement training: courses, sessions, attendance, completion and \
               everyone's records",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::BookTraining,
        what: "ask for a place on a training session or give it up",
        roles: &Role::ALL,
        project_lead: false,
    },
    Permission {
        action: Action::AssignCoaches,
        what: "assign improvement leads to projects as coaches",
        roles: LEADS,
        project_lead: false,
    },
    Permission {
        action: Action::RecordTime,
        what: "record one's own hours planned and used for improvement",
        roles: CONTRIBUTORS,
        project_lead: false,
    },
    Permission {
        action: Action::ManageTime,
        what: "record anyone's hours planned and used for improvement",
        roles: LEADS,
        project_lead: false,
    },
];

impl Action {
    /// Every action, in the order of [`POLICY`].
    pub const ALL: [Action; 29] = [
        Action::Read,
        Action::CreateProject,
        Action::EditProject,
        Action::EditAim,
        Action::ChooseLead,
        Action::JoinTeam,
        Action::ManageTeam,
        Action::EditDriverDiagram,
        Action::DefineMeasure,
        Action::EnterData,
        Action::DeleteData,
        Action::LogPdsa,
        Action::Delete,
        Action::Restore,
        Action::ManageOrganisation,
        Action::ManageBoard,
        Action::WriteNarrative,
        Action::AssessBoard,
        Action::ManagePriorities,
        Action::AssessProgress,
        Action::ShareIdeas,
        Action::TriageIdeas,
        Action::RecordValue,
        Action::ConfirmValue,
        Action::RunTraining,
        Action::BookTraining,
        Action::AssignCoaches,
        Action::RecordTime,
        Action::ManageTime,
    ];

    /// Its row of [`POLICY`].
    pub fn permission(self) -> &'static Permission {
        // POLICY has one row per action, in the order the actions are declared (a unit test
        // checks), so an action's discriminant is its row.
        &POLICY[self as usize]
    }

    /// Who may take it, for people: "the project's lead, an improvement lead or an admin".
    pub fn who_may(self) -> String {
        let p = self.permission();
        let mut who: Vec<String> = Vec::new();
        if p.project_lead && p.roles != Role::ALL {
            who.push("the project's lead".to_owned());
        }
        if p.roles == Role::ALL {
            who.push("everyone in the organisation".to_owned());
        } else {
            who.extend(p.roles.iter().map(|r| someone(*r)));
        }
        match who.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "no one".to_owned(),
        }
    }

    /// Why a user may not take it, for people: "Only the project's lead, an improvement lead or
    /// an admin can change a project's aim."
    pub fn refusal(self) -> String {
        let p = self.permission();
        let who = self.who_may();
        let mut who = who.chars();
        let first = who.next().map(|c| c.to_lowercase().to_string());
        format!(
            "Only {}{} can {}.",
            first.unwrap_or_default(),
            who.as_str(),
            p.what
        )
    }
}

/// [`POLICY`] as a Markdown table, one row per action and a column per role (with the project's
/// lead: a member or patient partner who leads the project), as the README prints it.
pub fn policy_table() -> String {
    let mut out = String::from("| Who may … | Admin | Improvement lead | Project's lead ¹ | Member | Patient partner | Board viewer | Finance |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for p in POLICY {
        let cell = |ok: bool| if ok { "yes" } else { "no" };
        let cells = [
            cell(permits(Role::Admin, false, p.action)),
            cell(permits(Role::ImprovementLead, false, p.action)),
            cell(permits(Role::Member, true, p.action)),
            cell(permits(Role::Member, false, p.action)),
            cell(permits(Role::PatientPartner, false, p.action)),
            cell(permits(Role::BoardViewer, false, p.action)),
            cell(permits(Role::Finance, false, p.action)),
        ];
        out.push_str(&format!("| {} | {} |\n", p.what, cells.join(" | ")));
    }
    out
}

/// Someone with `role`, for people: "an admin", "someone in finance".
fn someone(role: Role) -> String {
    match role {
        Role::Finance => "someone in finance".to_owned(),
        other => with_article(other.label()),
    }
}

/// "an admin", "a member", "an improvement lead".
fn with_article(label: &str) -> String {
    let lower = label.to_lowercase();
    let article = if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {lower}")
}

/// What putting `member` on a project's team, or taking them off, is when `actor` does it:
/// joining or leaving when it is themselves ([`Action::JoinTeam`]), else managing the team.
pub fn team_change(actor: UserId, member: UserId) -> Action {
    if actor == member {
        Action::JoinTeam
    } else {
        Action::ManageTeam
    }
}

/// Whether someone with `role` in an organisation — and the lead of the project in question when
/// `project_lead` — may take `action` there, by [`POLICY`]. Board viewers change no improvement
/// work, and nor does finance, even if named a project's lead.
pub fn permits(role: Role, project_lead: bool, action: Action) -> bool {
    let p = action.permission();
    p.roles.contains(&role) || (p.project_lead && project_lead && !role.only_reads_work())
}

/// Something in the workspace that one organisation owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// An organisation owns itself.
    Org(OrgId),
    /// A team.
    Team(TeamId),
    /// A project, deleted or not.
    Project(ProjectId),
    /// A measure, deleted or not.
    Measure(MeasureId),
    /// A PDSA cycle, deleted or not.
    Pdsa(PdsaId),
    /// A driver diagram node, deleted or not.
    DriverNode(DriverNodeId),
    /// A saved board report.
    Report(ReportId),
    /// A board self-assessment.
    Assessment(AssessmentId),
}

/// Who owns a [`Resource`]: its organisation and, for things in a project, the project and its
/// lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// The organisation.
    pub org: OrgId,
    /// The project it is in (or is), if any.
    pub project: Option<ProjectId>,
    /// That project's lead, if it has one.
    pub lead: Option<UserId>,
}

/// Why a user cannot reach a row.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// It does not exist, or it belongs to an organisation the user has no role in: the two
    /// look the same.
    #[error("not found")]
    NotFound,
    /// The user may see it but their role may not take the action.
    #[error("{}", .0.refusal())]
    Denied(Action),
    /// Only someone with a role across the system (a system improvement lead or a system
    /// viewer) sees the system's portfolio.
    #[error("Only a system improvement lead or a system viewer sees the system's portfolio.")]
    SystemOnly,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a user may do where a row lives: their role in the organisation that owns it (none for
/// a visitor from another organisation of its system, who only reads) and whether they lead its
/// project. Only [`Access`] makes one, after checking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    org: OrgId,
    role: Option<Role>,
    project_lead: bool,
}

impl Grant {
    /// The organisation.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The user's role there; `None` when they see it from another organisation of its system.
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// Whether the user sees it from another organisation of its system (and so only reads).
    pub fn is_visitor(&self) -> bool {
        self.role.is_none()
    }

    /// Whether the user leads the project in question.
    pub fn is_project_lead(&self) -> bool {
        self.project_lead
    }

    /// Whether the user may also take `action` here (to offer a button, or check a field).
    pub fn may(&self, action: Action) -> bool {
        match self.role {
            Some(role) => permits(role, self.project_lead, action),
            None => action == Action::Read,
        }
    }

    /// [`AccessError::Denied`] unless the user may also take `action` here.
    pub fn require(&self, action: Action) -> Result<(), AccessError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(AccessError::Denied(action))
        }
    }
}

impl Grant {
    /// [`AccessError::Denied`] unless the user may make this change of a project's fields: any
    /// change needs [`Action::EditProject`], and a change of the aim [`Action::EditAim`] too.
    pub fn require_project_change(
        &self,
        old: &Project,
        new: &ProjectFields,
    ) -> Result<(), AccessError> {
        self.require(Action::EditProject)?;
        if old.aim.trim() != new.aim.trim() {
            self.require(Action::EditAim)?;
        }
        Ok(())
    }
}

/// A row the user was allowed to reach for an action, with their [`Grant`] where it lives. Only
/// [`Access`] makes one, after the check.
#[derive(Debug, Clone)]
pub struct Authorized<T> {
    item: T,
    grant: Grant,
}

impl<T> Authorized<T> {
    /// The row.
    pub fn item(&self) -> &T {
        &self.item
    }

    /// What the user may do there.
    pub fn grant(&self) -> Grant {
        self.grant
    }

    /// The row and the grant.
    pub fn into_parts(self) -> (T, Grant) {
        (self.item, self.grant)
    }
}

/// The projects a user may read: every project of the organisations they belong to, and the
/// projects of the other organisations of their systems that are not private to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readable {
    /// The user's organisations: all their projects.
    pub own: Vec<OrgId>,
    /// The other organisations of the user's systems: their projects that are not private.
    pub shared: Vec<OrgId>,
}

impl Readable {
    /// Whether the user may read a project of `org`, private or not.
    pub fn covers(&self, org: OrgId, private: bool) -> bool {
        self.own.contains(&org) || (!private && self.shared.contains(&org))
    }

    /// Every organisation in it, own first.
    pub fn all(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.own.iter().chain(&self.shared).copied()
    }
}

/// The one way to a row: a user's access to the workspace, for one request.
pub struct Access<'a> {
    store: &'a dyn Store,
    user: UserId,
    memberships: Vec<(OrgId, Role)>,
    /// The systems the user's organisations belong to, by name.
    systems: Vec<String>,
}

impl<'a> Access<'a> {
    /// `user`'s access, given their active memberships.
    pub fn new(store: &'a dyn Store, user: UserId, memberships: &[Membership]) -> Access<'a> {
        let mut systems: Vec<String> = memberships
            .iter()
            .filter_map(|m| m.org.system.clone())
            .collect();
        systems.sort();
        systems.dedup();
        Access {
            store,
            user,
            memberships: memberships.iter().map(|m| (m.org.id, m.role)).collect(),
            systems,
        }
    }

    /// The organisations the user is an active member of, by id.
    pub fn orgs(&self) -> Vec<OrgId> {
        let mut orgs: Vec<OrgId> = self.memberships.iter().map(|(o, _)| *o).collect();
        orgs.sort();
        orgs
    }

    /// The systems the user's organisations belong to, by name.
    pub fn systems(&self) -> &[String] {
        &self.systems
    }

    /// The projects the user may read ([`Readable`]): all of their organisations', and those not
    /// private of the other organisations of their systems. One store read per system.
    pub async fn readable(&self) -> Result<Readable, StoreError> {
        let own = self.orgs();
        let mut shared = Vec::new();
        for system in &self.systems {
            for o in self.store.orgs_in_system(system).await? {
                if !own.contains(&o.id) && !shared.contains(&o.id) {
                    shared.push(o.id);
                }
            }
        }
        shared.sort();
        Ok(Readable { own, shared })
    }

    /// `user`'s access, reading their memberships from the store.
    pub async fn load(store: &'a dyn Store, user: UserId) -> Result<Access<'a>, StoreError> {
        let memberships = store.memberships(user).await?;
        Ok(Access::new(store, user, &memberships))
    }

    /// Who is asking.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// The store the rows come from, for the use cases that go on after the check.
    pub(crate) fn store(&self) -> &'a dyn Store {
        self.store
    }

    /// The user's role in `org`, if they are active there.
    pub fn role_in(&self, org: OrgId) -> Option<Role> {
        self.memberships
            .iter()
            .find(|(o, _)| *o == org)
            .map(|(_, r)| *r)
    }

    /// The organisations where the user may take `action` (every role may read): the scope of
    /// searches.
    pub fn orgs_where(&self, action: Action) -> Vec<OrgId> {
        self.memberships
            .iter()
            .filter(|(_, role)| permits(*role, false, action))
            .map(|(org, _)| *org)
            .collect()
    }

    fn authorize<T>(
        &self,
        item: T,
        org: OrgId,
        lead: Option<UserId>,
        action: Action,
    ) -> Result<Authorized<T>, AccessError> {
        let role = self.role_in(org).ok_or(AccessError::NotFound)?;
        let grant = Grant {
            org,
            role: Some(role),
            project_lead: lead == Some(self.user),
        };
        grant.require(action)?;
        Ok(Authorized { item, grant })
    }

    /// [`Access::authorize`] for something in `project`, which a user from another organisation
    /// of its system may read (only read) unless the project is private to its organisation.
    async fn authorize_in<T>(
        &self,
        item: T,
        project: &Project,
        action: Action,
    ) -> Result<Authorized<T>, AccessError> {
        if self.role_in(project.org).is_none() && self.sees_from_system(project).await? {
            let grant = Grant {
                org: project.org,
                role: None,
                project_lead: false,
            };
            grant.require(action)?;
            return Ok(Authorized { item, grant });
        }
        self.authorize(item, project.org, project.lead, action)
    }

    /// Whether `project`, of an organisation the user is not in, is one they see from their
    /// system: not private, and its organisation in one of the user's systems.
    async fn sees_from_system(&self, project: &Project) -> Result<bool, StoreError> {
        if project.private || self.systems.is_empty() {
            return Ok(false);
        }
        let org = self.store.org(project.org).await?;
        Ok(org
            .and_then(|o| o.system)
            .is_some_and(|s| self.systems.contains(&s)))
    }

    /// The organisation, for `action` there (starting a project, managing it).
    pub fn org(&self, org: OrgId, action: Action) -> Result<Authorized<OrgId>, AccessError> {
        self.authorize(org, org, None, action)
    }

    /// A live project, for `action`.
    pub async fn project(
        &self,
        id: ProjectId,
        action: Action,
    ) -> Result<Authorized<Project>, AccessError> {
        let project = self.store.project(id).await?.ok_or(AccessError::NotFound)?;
        let checked = self.authorize_in((), &project, action).await?;
        Ok(Authorized {
            item: project,
            grant: checked.grant,
        })
    }

    /// A live measure and its project, for `action`.
    pub async fn measure(
        &self,
        id: MeasureId,
        action: Action,
    ) -> Result<Authorized<(Measure, Project)>, AccessError> {
        let measure = self.store.measure(id).await?.ok_or(AccessError::NotFound)?;
        let project = self
            .store
            .project(measure.project)
            .await?
            .ok_or(AccessError::NotFound)?;
        let checked = self.authorize_in((), &project, action).await?;
        Ok(Authorized {
            item: (measure, project),
            grant: checked.grant,
        })
    }

    /// A live PDSA cycle and its project, for `action`.
    pub async fn pdsa(
        &self,
        id: PdsaId,
        action: Action,
    ) -> Result<Authorized<(PdsaCycle, Project)>, AccessError> {
        let cycle = self.store.pdsa(id).await?.ok_or(AccessError::NotFound)?;
        let project = self
            .store
            .project(cycle.project)
            .await?
            .ok_or(AccessError::NotFound)?;
        let checked = self.authorize_in((), &project, action).await?;
        Ok(Authorized {
            item: (cycle, project),
            grant: checked.grant,
        })
    }

    /// A live driver diagram node and its project, for `action`.
    pub async fn driver_node(
        &self,
        id: DriverNodeId,
        action: Action,
    ) -> Result<Authorized<(DriverNode, Project)>, AccessError> {
        let node = self
            .store
            .driver_node(id)
            .await?
            .ok_or(AccessError::NotFound)?;
        let project = self
            .store
            .project(node.project)
            .await?
            .ok_or(AccessError::NotFound)?;
        let checked = self.authorize_in((), &project, action).await?;
        Ok(Authorized {
            item: (node, project),
            grant: checked.grant,
        })
    }

    /// A board self-assessment, for `action`.
    pub async fn assessment(
        &self,
        id: AssessmentId,
        action: Action,
    ) -> Result<Authorized<Assessment>, AccessError> {
        let found = self
            .store
            .assessment(id)
            .await?
            .ok_or(AccessError::NotFound)?;
        let org = found.org;
        self.authorize(found, org, None, action)
    }

    /// Anything, live or deleted, by its owner: for restoring deleted things and for teams. One
    /// lookup, never a scan.
    pub async fn resource(
        &self,
        resource: Resource,
        action: Action,
    ) -> Result<Authorized<Owner>, AccessError> {
        let owner = self
            .store
            .owner(resource)
            .await?
            .ok_or(AccessError::NotFound)?;
        self.authorize(owner, owner.org, owner.lead, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        for a in Action::ALL {
            assert_eq!(POLICY.iter().filter(|p| p.action == a).count(), 1, "{a:?}");
        }
        assert_eq!(POLICY.len(), Action::ALL.len());
        assert!(POLICY.iter().zip(Action::ALL).all(|(p, a)| p.action == a));
        for (i, a) in Action::ALL.into_iter().enumerate() {
            assert_eq!(a as usize, i, "{a:?} is declared in the order of POLICY");
            assert_eq!(a.permission().action, a);
        }
    }

    #[test]
    fn the_policy_the_issue_asks_for() {
        use Role::*;
        // Members and patient partners enter data, log and update PDSA cycles and join teams.
        for role in [Member, PatientPartner] {
            for a in [
                Action::Read,
                Action::EnterData,
                Action::LogPdsa,
                Action::JoinTeam,
                Action::CreateProject,
            ] {
                assert!(permits(role, false, a), "{role:?} {a:?}");
            }
            // … but define measures, delete and change aims only as the project's lead.
            for a in [
                Action::DefineMeasure,
                Action::DeleteData,
                Action::Delete,
                Action::EditAim,
                Action::ManageTeam,
            ] {
                assert!(!permits(role, false, a), "{role:?} {a:?}");
                assert!(permits(role, true, a), "{role:?} lead {a:?}");
            }
            assert!(!permits(role, true, Action::Restore));
            assert!(!permits(role, true, Action::ManageOrganisation));
        }
        for a in Action::ALL {
            // Board viewers read, rate the board, put forward ideas and ask for training places
            // (as everyone may), even when named as a project's lead.
            assert_eq!(
                permits(BoardViewer, true, a),
                matches!(
                    a,
                    Action::Read | Action::AssessBoard | Action::ShareIdeas | Action::BookTraining
                ),
                "{a:?}"
            );
            // Finance reads, puts forward ideas, asks for training places and confirms realised
            // value, and nothing else, even as a project's lead.
            assert_eq!(
                permits(Finance, true, a),
                matches!(
                    a,
                    Action::Read | Action::ShareIdeas | Action::BookTraining | Action::ConfirmValue
                ),
                "{a:?}"
            );
            // Admins do everything but confirm value, which is finance's alone.
            assert_eq!(permits(Admin, false, a), a != Action::ConfirmValue, "{a:?}");
        }
        // Whoever may edit a project's work records its value; only finance confirms it.
        for role in [Admin, ImprovementLead, Member, PatientPartner] {
            assert!(permits(role, false, Action::RecordValue), "{role:?}");
            assert!(!permits(role, true, Action::ConfirmValue), "{role:?}");
        }
        assert!(!permits(BoardViewer, true, Action::RecordValue));
        assert!(permits(ImprovementLead, false, Action::Delete));
        assert!(!permits(ImprovementLead, false, Action::Restore));
        // Board members rate the board's QI governance; members and patient partners do not.
        for role in [Admin, ImprovementLead, BoardViewer] {
            assert!(permits(role, false, Action::AssessBoard), "{role:?}");
        }
        for role in [Member, PatientPartner] {
            assert!(!permits(role, true, Action::AssessBoard), "{role:?}");
        }
        // Improvement leads and admins run training and assign coaches (a project's lead does
        // not choose their own); everyone may ask for a place.
        for role in Role::ALL {
            assert_eq!(
                permits(role, true, Action::AssignCoaches),
                matches!(role, Admin | ImprovementLead),
                "{role:?}"
            );
            assert_eq!(
                permits(role, true, Action::RunTraining),
                matches!(role, Admin | ImprovementLead),
                "{role:?}"
            );
            assert!(permits(role, false, Action::BookTraining), "{role:?}");
        }
    }

    #[test]
    fn refusals_name_who_may() {
        assert_eq!(
            Action::EditAim.refusal(),
            "Only the project's lead, an admin or an improvement lead can change a project's aim."
        );
        assert_eq!(
            Action::Restore.refusal(),
            "Only an admin can bring back something deleted."
        );
        assert_eq!(
            Action::ConfirmValue.refusal(),
            "Only someone in finance can confirm a project's realised value."
        );
        assert_eq!(
            Action::EnterData.who_may(),
            "the project's lead, an admin, an improvement lead, a member or a patient partner"
        );
    }
}
