//! The workspace's JSON API (`/api/v1`): request and response bodies for projects, their teams,
//! history and driver diagrams, measures, their data and PDSA cycles, and the error body.
//!
//! Requests are read into these types, which become the domain's drafts (`*Input::to_draft`);
//! the domain validates them once, for the API and the pages alike, and reports every invalid
//! field as a [`FieldProblem`], which the API words as an [`ErrorItemJson`]. Responses are
//! built from domain types with `From`. Domain types never derive serde.
//!
//! Every request field is optional at the serde level, so that a missing required field is a
//! validation error naming the field (422), not a parse error. In a `PATCH`, an absent field
//! (or `null`, for text) keeps its value; `null` clears the nullable fields (`team_id`,
//! `target`, `fix_after`, `act`, `change_idea_id`, `follows_id`).

use chrono::{NaiveDate, NaiveDateTime};
use gemba_domain::{
    DataPoint, DataPointRevision, DriverNode, DriverNodeId, DriverTextDraft, FieldError,
    FieldProblem, HistoryEntry, HistoryWhat, Measure, MeasureDraft, MeasureFields, Membership,
    NonEmpty, PdsaCycle, PdsaDraft, PdsaFields, Problems, Project, ProjectDraft, ProjectFields,
    RebaseDraft, User, UserId,
};
use serde::{Deserialize, Deserializer, Serialize};

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::deserialize(d)?))
}

/// A date written ISO (`2024-01-31`) or the UK way (`31/01/2024`, `Jan 2024`…).
pub fn parse_date_field(field: &'static str, s: &str) -> Result<NaiveDate, FieldError> {
    gemba_data::parse_date(s).ok_or_else(|| {
        FieldError::new(
            field,
            format!(
                "'{}' is not a date; write it as 2024-01-31 or 31/01/2024",
                s.trim()
            ),
        )
    })
}

fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn iso_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A nullable JSON number as a draft's raw text: absent is not sent, `null` is empty (clears).
fn raw_number<T: ToString>(given: Option<Option<T>>) -> Option<String> {
    given.map(|v| v.map(|v| v.to_string()).unwrap_or_default())
}

// --- errors ---------------------------------------------------------------------------------

/// `{"error": {...}, "errors": [...]}`: every error response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorJson,
    /// Every problem, when there are several (validation, bad data rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorItemJson>,
}

/// The error: a stable code, a sentence, and the field it is about (or null).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorJson {
    /// Machine-readable: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `payload_too_large`, `unsupported_media_type`, `invalid`,
    /// `internal`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The request field the error is about, or null.
    pub field: Option<String>,
}

/// One problem of several: a field, with the line (CSV) or index (JSON array) of a data row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorItemJson {
    /// Line of the CSV body (the header is line 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Position in the JSON array, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl From<FieldError> for ErrorItemJson {
    fn from(e: FieldError) -> Self {
        ErrorItemJson {
            line: None,
            index: None,
            field: e.field.to_owned(),
            message: e.message,
        }
    }
}

impl From<FieldProblem> for ErrorItemJson {
    /// A draft's problem in the API's words: the field as the API names it, and what is
    /// wrong ("must be 200 characters or fewer").
    fn from(p: FieldProblem) -> Self {
        ErrorItemJson {
            line: None,
            index: p.index,
            field: p.field.name().to_owned(),
            message: p.problem.to_string(),
        }
    }
}

// --- people ---------------------------------------------------------------------------------

/// `GET /me`: who the token belongs to, and their organisations.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MeJson {
    /// User id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Organisations and roles.
    pub memberships: Vec<MembershipJson>,
}

/// A role in an organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MembershipJson {
    /// Organisation id.
    pub org_id: i64,
    /// Organisation name.
    pub org_name: String,
    /// `admin`, `improvement_lead`, `member`, `patient_partner`, `board_viewer` or `finance`.
    pub role: String,
}

impl MeJson {
    /// The user and their memberships.
    pub fn new(user: &User, memberships: &[Membership]) -> Self {
        MeJson {
            id: user.id.0,
            email: user.email.to_string(),
            name: user.name.clone(),
            memberships: memberships
                .iter()
                .map(|m| MembershipJson {
                    org_id: m.org.id.0,
                    org_name: m.org.name.clone(),
                    role: m.role.name().to_owned(),
                })
                .collect(),
        }
    }
}

// --- projects -------------------------------------------------------------------------------

/// The body of `POST /projects` and `PATCH /projects/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectInput {
    /// Required on create.
    pub title: Option<String>,
    /// The problem.
    pub problem: Option<String>,
    /// The SMART aim.
    pub aim: Option<String>,
    /// Improvement method.
    pub method: Option<String>,
    /// Lifecycle status (default `idea`).
    pub status: Option<String>,
    /// The team, or null.
    #[serde(default, deserialize_with = "nullable")]
    pub team_id: Option<Option<i64>>,
    /// Sponsor.
    pub sponsor: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Private to the organisation: the other organisations of its system do not see it.
    pub private: Option<bool>,
    /// The organisation (create only; required when the user belongs to several).
    pub org_id: Option<i64>,
}

impl ProjectInput {
    /// The draft this body is: what it sends, nothing for what it leaves out.
    pub fn to_draft(&self) -> ProjectDraft {
        ProjectDraft {
            title: self.title.clone(),
            problem: self.problem.clone(),
            aim: self.aim.clone(),
            method: self.method.clone(),
            status: self.status.clone(),
            team: raw_number(self.team_id),
            sponsor: self.sponsor.clone(),
            tags: self.tags.clone(),
            private: self.private,
        }
    }

    /// Validated fields: this input over `current` (for a `PATCH`), or alone (create).
    /// Whether the team belongs to the organisation is [`gemba_domain::check_team`]'s to say.
    pub fn to_fields(&self, current: Option<&Project>) -> Result<ProjectFields, Problems> {
        self.to_draft().apply(current.map(Project::fields).as_ref())
    }
}

/// A project.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProjectJson {
    /// Id.
    pub id: i64,
    /// Owning organisation.
    pub org_id: i64,
    /// Team, or null.
    pub team_id: Option<i64>,
    /// Title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// The aim.
    pub aim: String,
    /// Method.
    pub method: String,
    /// Lifecycle status.
    pub status: String,
    /// Sponsor.
    pub sponsor: String,
    /// Tags.
    pub tags: Vec<String>,
    /// The project's lead (a user id), or null.
    pub lead_id: Option<i64>,
    /// `improvement`, or `organisation` for the row of the organisation's own measures.
    pub kind: String,
    /// Created (UTC, ISO 8601).
    pub created_at: String,
    /// Last changed (UTC, ISO 8601).
    pub updated_at: String,
    /// The version: 1 when created, one more after every change. Also the `ETag` (`"3"`);
    /// send it back as `If-Match` to change or delete only what you read.
    pub version: i64,
    /// Private to its organisation: the other organisations of its system do not see it.
    pub private: bool,
    /// The staff idea it was started from, or null.
    #[serde(default)]
    pub idea_id: Option<i64>,
}

impl From<&Project> for ProjectJson {
    fn from(p: &Project) -> Self {
        ProjectJson {
            id: p.id.0,
            org_id: p.org.0,
            team_id: p.team.map(|t| t.0),
            title: p.title.clone(),
            problem: p.problem.clone(),
            aim: p.aim.clone(),
            method: p.method.clone(),
            status: p.status.name().to_owned(),
            sponsor: p.sponsor.clone(),
            tags: p.tags.clone(),
            lead_id: p.lead.map(|u| u.0),
            kind: p.kind.name().to_owned(),
            created_at: iso_datetime(p.created_at),
            updated_at: iso_datetime(p.updated_at),
            version: p.version.0,
            private: p.private,
            idea_id: p.idea.map(|i| i.0),
        }
    }
}

// --- project teams and history --------------------------------------------------------------

/// A person on a project's team.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MemberJson {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
}

impl From<&User> for MemberJson {
    fn from(u: &User) -> Self {
        MemberJson {
            id: u.id.0,
            name: u.name.clone(),
            email: u.email.to_string(),
        }
    }
}

/// The body of `POST /projects/{id}/members`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberInput {
    /// The user to add: a member of the project's organisation. Required.
    pub user_id: Option<i64>,
}

impl MemberInput {
    /// The user to add. Whether they belong to the project's organisation is for the caller.
    pub fn to_user(&self) -> Result<UserId, FieldError> {
        self.user_id
            .map(UserId)
            .ok_or_else(|| FieldError::new("user_id", "is required"))
    }
}

/// One entry of a project's history: a structured record (what object, what was done, which
/// field changed from which value to which, why), or, for entries written before records were
/// kept, `action` `"legacy"` with the old sentence in `text`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryJson {
    /// When (UTC, ISO 8601).
    pub at: String,
    /// Who (display name).
    pub who: String,
    /// Who (user id), null when the user was removed.
    pub user_id: Option<i64>,
    /// What was done: `created`, `changed`, `deleted`, `restored`, `data_added`,
    /// `point_removed`, `point_put_back`, `member_added`, `member_removed`, or `legacy`.
    pub action: String,
    /// The object, null for a legacy entry.
    pub object: Option<HistoryObjectJson>,
    /// For `changed`: the field, by its name in the API's bodies (`title`, `aim`, `chart`, `team_id`, …).
    pub field: Option<String>,
    /// The old value (canonical text: choices by name, numbers, ISO dates), null when empty.
    pub old: Option<String>,
    /// The new value, null when empty.
    pub new: Option<String>,
    /// Why (a rebase), when given.
    pub reason: Option<String>,
    /// Bulk actions: points written, or nodes deleted or restored with a node.
    pub count: Option<u64>,
    /// Data: how many earlier values were replaced.
    pub replaced: Option<u64>,
    /// Data: the old values replaced or removed (the first few), or the value put back.
    pub points: Vec<DataPointJson>,
    /// A legacy entry's sentence; null otherwise.
    pub text: Option<String>,
}

/// The object of a history record, named as it was at the time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryObjectJson {
    /// `project`, `measure`, `pdsa_cycle`, `primary_driver`, `secondary_driver`,
    /// `change_idea` or `team_member`.
    pub kind: String,
    /// Its id (a user id for a team member).
    pub id: i64,
    /// Its name, title or text at the time.
    pub label: String,
}

impl From<&HistoryEntry> for HistoryJson {
    fn from(e: &HistoryEntry) -> Self {
        let mut out = HistoryJson {
            at: iso_datetime(e.at),
            who: e.who.clone(),
            user_id: e.by.map(|u| u.0),
            action: "legacy".to_owned(),
            object: None,
            field: None,
            old: None,
            new: None,
            reason: None,
            count: None,
            replaced: None,
            points: Vec::new(),
            text: None,
        };
        match &e.what {
            HistoryWhat::Legacy(text) => out.text = Some(text.clone()),
            HistoryWhat::Record(r) => {
                out.action = r.action.name().to_owned();
                out.object = Some(HistoryObjectJson {
                    kind: r.object.kind.name().to_owned(),
                    id: r.object.id,
                    label: r.object.label.clone(),
                });
                out.field = r.field.map(|f| f.name().to_owned());
                out.old.clone_from(&r.old);
                out.new.clone_from(&r.new);
                out.reason.clone_from(&r.reason);
                out.count = r.count;
                out.replaced = r.replaced;
                out.points = r.points.iter().map(DataPointJson::from).collect();
            }
        }
        out
    }
}

// --- driver diagrams ------------------------------------------------------------------------

/// The body of `POST /projects/{id}/driver-nodes` and `PATCH /driver-nodes/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DriverNodeInput {
    /// The parent node (create only): none for a primary driver, a primary driver for a
    /// secondary driver, a secondary driver for a change idea.
    #[serde(default, deserialize_with = "nullable")]
    pub parent_id: Option<Option<i64>>,
    /// The text. Required.
    pub text: Option<String>,
}

impl DriverNodeInput {
    /// The parent given (create), `None` for a primary driver.
    pub fn parent(&self) -> Option<DriverNodeId> {
        self.parent_id.flatten().map(DriverNodeId)
    }

    /// The checked text: required, not blank, at most
    /// [`gemba_domain::limits::DRIVER_TEXT`] characters.
    pub fn to_text(&self) -> Result<NonEmpty, Problems> {
        DriverTextDraft {
            text: self.text.clone(),
        }
        .apply(None)
    }
}

/// A node of a project's driver diagram.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DriverNodeJson {
    /// Id.
    pub id: i64,
    /// The parent node, or null for a primary driver.
    pub parent_id: Option<i64>,
    /// `primary`, `secondary` or `change_idea`.
    pub kind: String,
    /// The text.
    pub text: String,
    /// The version: 1 when created, one more after every change. Also the `ETag` (`"3"`);
    /// send it back as `If-Match` to change or delete only what you read.
    pub version: i64,
    /// The staff idea a change idea came from, or null.
    #[serde(default)]
    pub idea_id: Option<i64>,
}

impl From<&DriverNode> for DriverNodeJson {
    fn from(n: &DriverNode) -> Self {
        DriverNodeJson {
            id: n.id.0,
            parent_id: n.parent.map(|p| p.0),
            kind: n.kind.name().to_owned(),
            text: n.text.clone(),
            version: n.version.0,
            idea_id: n.idea.map(|i| i.0),
        }
    }
}

// --- measures -------------------------------------------------------------------------------

/// The body of `POST /projects/{id}/measures` and `PATCH /measures/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeasureInput {
    /// Required on create.
    pub name: Option<String>,
    /// `outcome`, `process` or `balancing`; required on create.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Chart type (default `xmr`).
    pub chart: Option<String>,
    /// `increase`, `decrease` or `neutral` (default `increase`).
    pub improvement: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Target, or null.
    #[serde(default, deserialize_with = "nullable")]
    pub target: Option<Option<f64>>,
    /// Operational definition.
    pub definition: Option<String>,
    /// Data source.
    pub data_source: Option<String>,
    /// Rule profile: `mdc` (default) or `powerbi`.
    pub rules: Option<String>,
    /// Every rebase: where a new phase starts and why. A plain date (the form before reasons
    /// were required) is read as a rebase without a reason, which is refused naming the date.
    pub rebase: Option<Vec<RebaseInput>>,
    /// Baseline length, or null.
    #[serde(default, deserialize_with = "nullable")]
    pub fix_after: Option<Option<usize>>,
    /// What one point stands for: `day`, `week`, `month` (default) or `quarter`.
    pub period: Option<String>,
    /// What values are multiplied by to be shown: 1 (default), 100 (a percentage for a p or
    /// p′ chart, run, XmR or MR chart; per 100 for a u chart), 1000, 10000 or 100000. The
    /// target is in these display units.
    pub multiplier: Option<u32>,
    /// What the denominator counts ("bed days", "doses due").
    pub denominator_label: Option<String>,
}

/// A rebase as sent: `{"date": "2024-03-01", "reason": "New triage pathway"}`, or a plain
/// date, which has no reason and is refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RebaseInput {
    /// A date and a reason.
    Full {
        /// When the new phase starts. Required.
        date: Option<String>,
        /// Why. Required.
        reason: Option<String>,
    },
    /// A date alone.
    Date(String),
}

impl RebaseInput {
    fn to_draft(&self) -> RebaseDraft {
        match self {
            RebaseInput::Full { date, reason } => RebaseDraft {
                date: date.clone().unwrap_or_default(),
                reason: reason.clone().unwrap_or_default(),
            },
            RebaseInput::Date(date) => RebaseDraft {
                date: date.clone(),
                reason: String::new(),
            },
        }
    }
}

impl MeasureInput {
    /// The draft this body is: what it sends, nothing for what it leaves out.
    pub fn to_draft(&self) -> MeasureDraft {
        MeasureDraft {
            name: self.name.clone(),
            kind: self.kind.clone(),
            definition: self.definition.clone(),
            unit: self.unit.clone(),
            data_source: self.data_source.clone(),
            denominator_label: self.denominator_label.clone(),
            chart: self.chart.clone(),
            improvement: self.improvement.clone(),
            target: raw_number(self.target),
            rules: self.rules.clone(),
            rebase: self
                .rebase
                .as_ref()
                .map(|r| r.iter().map(RebaseInput::to_draft).collect()),
            fix_after: raw_number(self.fix_after),
            period: self.period.clone(),
            multiplier: self.multiplier.map(|m| m.to_string()),
        }
    }

    /// Validated fields: this input over `current` (for a `PATCH`), or alone (create).
    pub fn to_fields(&self, current: Option<&Measure>) -> Result<MeasureFields, Problems> {
        self.to_draft().apply(current.map(Measure::fields).as_ref())
    }
}

/// A measure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MeasureJson {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Name.
    pub name: String,
    /// `outcome`, `process` or `balancing`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Operational definition.
    pub definition: String,
    /// Unit.
    pub unit: String,
    /// Data source.
    pub data_source: String,
    /// Chart type.
    pub chart: String,
    /// Improvement direction.
    pub improvement: String,
    /// Target, or null.
    pub target: Option<f64>,
    /// Rule profile.
    pub rules: String,
    /// Where a new phase starts and why, by date.
    pub rebase: Vec<RebaseJson>,
    /// Baseline length, or null.
    pub fix_after: Option<usize>,
    /// What one point stands for: `day`, `week`, `month` or `quarter`.
    pub period: String,
    /// What values are multiplied by to be shown (1, 100, 1000, 10000 or 100000); values
    /// and denominators are stored raw, the target and charts are in display units.
    pub multiplier: u32,
    /// Whether values are shown as percentages (a multiplier of 100 on a proportion).
    pub percent: bool,
    /// What the denominator counts ("bed days"); empty when not said.
    pub denominator_label: String,
    /// The version: 1 when created, one more after every change. Also the `ETag` (`"3"`);
    /// send it back as `If-Match` to change or delete only what you read.
    pub version: i64,
}

impl From<&Measure> for MeasureJson {
    fn from(m: &Measure) -> Self {
        MeasureJson {
            id: m.id.0,
            project_id: m.project.0,
            name: m.name.clone(),
            kind: m.kind.name().to_owned(),
            definition: m.definition.clone(),
            unit: m.unit.clone(),
            data_source: m.data_source.clone(),
            chart: m.chart.chart.name().to_owned(),
            improvement: m.chart.improvement.name().to_owned(),
            target: m.chart.target,
            rules: m.chart.rules.clone(),
            rebase: m
                .chart
                .rebase
                .iter()
                .map(|r| RebaseJson {
                    date: iso_date(r.date),
                    reason: r.reason.clone(),
                })
                .collect(),
            fix_after: m.chart.fix_after,
            period: m.chart.period.name().to_owned(),
            multiplier: m.chart.multiplier.get(),
            percent: m.chart.shows_percent(),
            denominator_label: m.denominator_label.clone(),
            version: m.version.0,
        }
    }
}

/// A rebase of a measure's chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RebaseJson {
    /// ISO date where the new phase starts.
    pub date: String,
    /// Why the process changed then.
    pub reason: String,
}

/// One data point.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DataPointJson {
    /// ISO date.
    pub date: String,
    /// The value (the numerator when there is a denominator), or null when missing.
    pub value: Option<f64>,
    /// The denominator, or null.
    pub denominator: Option<f64>,
}

impl From<&DataPoint> for DataPointJson {
    fn from(p: &DataPoint) -> Self {
        DataPointJson {
            date: iso_date(p.date),
            value: p.value,
            denominator: p.denominator,
        }
    }
}

/// The old value of a data point that an import replaced or a user removed, which
/// `POST /measures/{id}/data/revisions/{revision_id}/restore` puts back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DataRevisionJson {
    /// Id.
    pub id: i64,
    /// ISO date of the point.
    pub date: String,
    /// The old value, or null when it was missing.
    pub value: Option<f64>,
    /// The old denominator, or null.
    pub denominator: Option<f64>,
    /// `replaced` (by an import) or `removed`.
    pub change: String,
    /// Who replaced or removed it.
    pub by: String,
    /// When (UTC, ISO 8601).
    pub at: String,
}

impl From<&DataPointRevision> for DataRevisionJson {
    fn from(r: &DataPointRevision) -> Self {
        DataRevisionJson {
            id: r.id.0,
            date: iso_date(r.old.date),
            value: r.old.value,
            denominator: r.old.denominator,
            change: r.kind.name().to_owned(),
            by: r.who.clone(),
            at: iso_datetime(r.at),
        }
    }
}

/// `{"imported": N}`: the answer to a data upload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ImportedJson {
    /// Points written (added or replaced).
    pub imported: usize,
}

// --- PDSA cycles ----------------------------------------------------------------------------

/// The body of `POST /projects/{id}/pdsa-cycles` and `PATCH /pdsa-cycles/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PdsaInput {
    /// Required on create.
    pub title: Option<String>,
    /// Required on create.
    pub start_date: Option<String>,
    /// The change idea (driver diagram node) being tested, or null.
    #[serde(default, deserialize_with = "nullable")]
    pub change_idea_id: Option<Option<i64>>,
    /// The cycle this one follows in a ramp, or null.
    #[serde(default, deserialize_with = "nullable")]
    pub follows_id: Option<Option<i64>>,
    /// Plan: objective.
    pub objective: Option<String>,
    /// Plan: prediction.
    pub prediction: Option<String>,
    /// Plan: who, what, where, when.
    pub plan: Option<String>,
    /// Plan: data to collect.
    pub data_plan: Option<String>,
    /// Do: what happened.
    #[serde(alias = "do")]
    pub do_notes: Option<String>,
    /// Study: the result against the prediction.
    pub study: Option<String>,
    /// Act: `adopt`, `adapt`, `abandon` or null.
    #[serde(default, deserialize_with = "nullable")]
    pub act: Option<Option<String>>,
    /// Act: what next.
    pub act_notes: Option<String>,
    /// Plan: the scale of the test ("1 patient", "1 shift", "1 ward").
    pub scale: Option<String>,
}

impl PdsaInput {
    /// The draft this body is: what it sends, nothing for what it leaves out.
    pub fn to_draft(&self) -> PdsaDraft {
        PdsaDraft {
            title: self.title.clone(),
            start_date: self.start_date.clone(),
            change_idea: raw_number(self.change_idea_id),
            follows: raw_number(self.follows_id),
            objective: self.objective.clone(),
            prediction: self.prediction.clone(),
            plan: self.plan.clone(),
            data_plan: self.data_plan.clone(),
            do_notes: self.do_notes.clone(),
            study: self.study.clone(),
            act: self.act.clone().map(Option::unwrap_or_default),
            act_notes: self.act_notes.clone(),
            scale: self.scale.clone(),
        }
    }

    /// Validated fields: this input over `current` (for a `PATCH`), or alone (create).
    /// Whether its links are allowed is [`gemba_domain::check_pdsa_links`]'s to say.
    pub fn to_fields(&self, current: Option<&PdsaFields>) -> Result<PdsaFields, Problems> {
        self.to_draft().apply(current)
    }
}

/// A PDSA cycle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PdsaJson {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// Title.
    pub title: String,
    /// ISO start date, or null.
    pub start_date: Option<String>,
    /// The change idea tested, or null.
    pub change_idea_id: Option<i64>,
    /// The cycle this one follows, or null.
    pub follows_id: Option<i64>,
    /// Plan: objective.
    pub objective: String,
    /// Plan: prediction.
    pub prediction: String,
    /// Plan: who, what, where, when.
    pub plan: String,
    /// Plan: data to collect.
    pub data_plan: String,
    /// Do: what happened.
    pub do_notes: String,
    /// Study.
    pub study: String,
    /// Act: `adopt`, `adapt`, `abandon` or null.
    pub act: Option<String>,
    /// Act: what next.
    pub act_notes: String,
    /// Plan: the scale of the test ("" when not recorded).
    pub scale: String,
    /// The version: 1 when created, one more after every change. Also the `ETag` (`"3"`);
    /// send it back as `If-Match` to change or delete only what you read.
    pub version: i64,
}

impl From<&PdsaCycle> for PdsaJson {
    fn from(c: &PdsaCycle) -> Self {
        let f = &c.fields;
        PdsaJson {
            id: c.id.0,
            project_id: c.project.0,
            title: f.title.clone(),
            start_date: f.start_date.map(iso_date),
            change_idea_id: f.change_idea.map(|n| n.0),
            follows_id: f.follows.map(|p| p.0),
            objective: f.objective.clone(),
            prediction: f.prediction.clone(),
            plan: f.plan.clone(),
            data_plan: f.data_plan.clone(),
            do_notes: f.do_notes.clone(),
            study: f.study.clone(),
            act: f.act.map(|a| a.name().to_owned()),
            act_notes: f.act_notes.clone(),
            scale: f.scale.clone(),
            version: c.version.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gemba_domain::Period;
    use gemba_spc::ChartType;

    #[test]
    fn project_input_names_every_bad_field() {
        let input: ProjectInput = serde_json::from_str(r#"{"status":"bogus","aim":"x"}"#).unwrap();
        let errors = input.to_fields(None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.name()).collect();
        assert_eq!(fields, ["title", "status"]);
    }

    /// Rebases are dates with reasons; a plain date (the form before reasons) is refused
    /// naming the date whose reason is missing, and so is a reason left out.
    #[test]
    fn rebases_need_reasons() {
        let input: MeasureInput = serde_json::from_str(
            r#"{"name":"Falls","type":"outcome",
                "rebase":[{"date":"01/03/2024","reason":"New triage"},{"date":"2024-01-01","reason":"Merger"}]}"#,
        )
        .unwrap();
        let f = input.to_fields(None).unwrap();
        let dates: Vec<String> = f.chart.rebase.iter().map(|r| r.date.to_string()).collect();
        assert_eq!(dates, ["2024-01-01", "2024-03-01"]);
        assert_eq!(f.chart.rebase[1].reason, "New triage");
        for body in [
            r#"{"name":"Falls","type":"outcome","rebase":["2024-03-01"]}"#,
            r#"{"name":"Falls","type":"outcome","rebase":[{"date":"2024-03-01"}]}"#,
        ] {
            let input: MeasureInput = serde_json::from_str(body).unwrap();
            let e = ErrorItemJson::from(input.to_fields(None).unwrap_err().remove(0));
            assert_eq!(e.field, "rebase");
            assert_eq!(e.message, "needs a reason for the rebase on 2024-03-01");
        }
    }

    /// The measure a store would hold for `fields`, at version 1.
    fn stored(fields: MeasureFields) -> Measure {
        Measure {
            id: gemba_domain::MeasureId(1),
            project: gemba_domain::ProjectId(1),
            name: fields.name.to_string(),
            kind: fields.kind,
            definition: fields.definition,
            unit: fields.unit,
            data_source: fields.data_source,
            denominator_label: fields.denominator_label,
            chart: fields.chart,
            version: gemba_domain::Version(1),
        }
    }

    #[test]
    fn patch_keeps_absent_fields_and_null_clears() {
        let input: MeasureInput = serde_json::from_str(
            r#"{"name":"Falls","type":"outcome","chart":"run","target":5,"fix_after":12}"#,
        )
        .unwrap();
        let fields = input.to_fields(None).unwrap();
        let measure = stored(fields);
        let patch: MeasureInput = serde_json::from_str(r#"{"target":null}"#).unwrap();
        let patched = patch.to_fields(Some(&measure)).unwrap();
        assert_eq!(patched.name.as_str(), "Falls");
        assert_eq!(patched.chart.chart, ChartType::Run);
        assert_eq!(patched.chart.target, None);
        assert_eq!(patched.chart.fix_after, Some(12));
        assert_eq!(patched.chart.period, Period::Month, "the default");
        let weekly: MeasureInput = serde_json::from_str(r#"{"period":"week"}"#).unwrap();
        let weekly = weekly.to_fields(Some(&measure)).unwrap();
        assert_eq!(weekly.chart.period, Period::Week);
        assert_eq!(weekly.chart.target, Some(5.0));
    }

    #[test]
    fn an_unknown_period_names_the_field_and_the_choices() {
        let input: MeasureInput =
            serde_json::from_str(r#"{"name":"Falls","type":"outcome","period":"fortnight"}"#)
                .unwrap();
        let errors = input.to_fields(None).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field.name(), "period");
        assert!(
            errors[0]
                .problem
                .to_string()
                .contains("day, week, month, quarter"),
            "{}",
            errors[0].problem.to_string()
        );
    }

    /// A patch that changes the multiplier alone keeps what the target means: a p chart's
    /// 0.95 as entered becomes 95 as a percentage.
    #[test]
    fn a_new_multiplier_rescales_the_kept_target() {
        let input: MeasureInput =
            serde_json::from_str(r#"{"name":"Doses","type":"process","chart":"p","target":0.95}"#)
                .unwrap();
        let fields = input.to_fields(None).unwrap();
        let measure = stored(fields);
        let patch: MeasureInput = serde_json::from_str(r#"{"multiplier":100}"#).unwrap();
        let patched = patch.to_fields(Some(&measure)).unwrap();
        assert_eq!(patched.chart.multiplier.get(), 100);
        assert!((patched.chart.target.unwrap() - 95.0).abs() < 1e-9);
        let patch: MeasureInput =
            serde_json::from_str(r#"{"multiplier":100,"target":90}"#).unwrap();
        assert_eq!(
            patch.to_fields(Some(&measure)).unwrap().chart.target,
            Some(90.0)
        );
    }

    #[test]
    fn measure_type_and_subgroup_charts_are_refused() {
        let input: MeasureInput =
            serde_json::from_str(r#"{"name":"x","type":"bogus","chart":"xbar_s"}"#).unwrap();
        let fields: Vec<&str> = input
            .to_fields(None)
            .unwrap_err()
            .iter()
            .map(|e| e.field.name())
            .collect();
        assert_eq!(fields, ["type", "chart"]);
    }

    #[test]
    fn pdsa_dates_read_uk_and_iso() {
        let input: PdsaInput =
            serde_json::from_str(r#"{"title":"Huddle","start_date":"03/02/2024","do":"ran"}"#)
                .unwrap();
        let f = input.to_fields(None).unwrap();
        assert_eq!(f.start_date, NaiveDate::from_ymd_opt(2024, 2, 3));
        assert_eq!(f.do_notes, "ran");
    }

    /// Regression: `fix_after` of 1 or of billions passed the API and the store failed (500);
    /// the API now takes 2 to 100,000, like the settings form.
    #[test]
    fn regression_fix_after_out_of_range_is_a_field_error() {
        for (fix, ok) in [(1u64, false), (2, true), (100_000, true), (100_001, false)] {
            let input: MeasureInput = serde_json::from_str(&format!(
                r#"{{"name":"Falls","type":"outcome","fix_after":{fix}}}"#
            ))
            .unwrap();
            match input.to_fields(None) {
                Ok(f) => assert!(ok, "{fix}: {f:?}"),
                Err(e) => {
                    assert!(!ok, "{fix}");
                    assert_eq!(e[0].field.name(), "fix_after");
                }
            }
        }
    }

    /// Regression: the API took any number of tags of any length, and targets of any size.
    #[test]
    fn regression_api_tags_and_target_are_limited_like_the_forms() {
        let many: Vec<String> = (0..21).map(|i| format!("tag{i}")).collect();
        let long = "x".repeat(51);
        for tags in [serde_json::json!(many), serde_json::json!([long])] {
            let input: ProjectInput =
                serde_json::from_value(serde_json::json!({"title": "T", "tags": tags})).unwrap();
            let errors = input.to_fields(None).unwrap_err();
            assert_eq!(errors[0].field.name(), "tags");
        }
        let twenty: Vec<String> = (0..20).map(|i| format!("tag{i}")).collect();
        let input: ProjectInput =
            serde_json::from_value(serde_json::json!({"title": "T", "tags": twenty})).unwrap();
        assert_eq!(input.to_fields(None).unwrap().tags.len(), 20);

        let input: MeasureInput =
            serde_json::from_str(r#"{"name":"x","type":"outcome","target":2e15}"#).unwrap();
        assert_eq!(input.to_fields(None).unwrap_err()[0].field.name(), "target");
    }
}

/// A measure on an organisation's board report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardMeasureJson {
    /// The measure.
    pub measure: MeasureJson,
    /// Its report section.
    pub section: String,
    /// Its executive owner, or null.
    pub owner: Option<MemberJson>,
    /// Whether it is one of the organisation's own measures rather than a project's.
    pub organisation_measure: bool,
}

impl From<&gemba_domain::BoardMeasure> for BoardMeasureJson {
    fn from(b: &gemba_domain::BoardMeasure) -> Self {
        BoardMeasureJson {
            measure: MeasureJson::from(&b.measure),
            section: b.section.clone(),
            owner: b.owner.as_ref().map(MemberJson::from),
            organisation_measure: b.organisation_measure,
        }
    }
}

/// An organisation's board measures: the report's sections in order and the measures on it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BoardJson {
    /// The report's sections, in order.
    pub sections: Vec<String>,
    /// The measures, by section (in the report's order), then as they were put there.
    pub measures: Vec<BoardMeasureJson>,
}

/// `PATCH /organisations/{id}/board`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardInput {
    /// The report's sections, in order. Required.
    pub sections: Option<Vec<String>>,
}

/// A measure's place on the board report, sent and answered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BoardPlaceJson {
    /// The report section: one of the organisation's sections. Required.
    pub section: Option<String>,
    /// The executive owner (a user id of the organisation), or null.
    #[serde(default)]
    pub owner_id: Option<i64>,
}

impl BoardPlaceJson {
    /// The draft of the place.
    pub fn draft(&self) -> gemba_domain::BoardPlaceDraft {
        gemba_domain::BoardPlaceDraft {
            section: self.section.clone(),
            owner: self.owner_id,
        }
    }
}

impl From<&gemba_domain::BoardPlace> for BoardPlaceJson {
    fn from(p: &gemba_domain::BoardPlace) -> Self {
        BoardPlaceJson {
            section: Some(p.section.clone()),
            owner_id: p.owner.map(|u| u.0),
        }
    }
}

/// A saved board report as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReportJson {
    /// Its id.
    pub id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its title.
    pub title: String,
    /// `month` or `quarter`.
    pub cadence: &'static str,
    /// The report sections it shows, in order; empty for all of the organisation's.
    pub sections: Vec<String>,
    /// Concern and failing measures first in each section's summary.
    pub concern_first: bool,
    /// Its version (also its `ETag`).
    pub version: i64,
    /// Its published periods, latest first.
    pub published: Vec<PublicationJson>,
}

impl SavedReportJson {
    /// The JSON of a saved report and its publications.
    pub fn new(r: &gemba_domain::SavedReport, published: &[gemba_domain::Publication]) -> Self {
        SavedReportJson {
            id: r.id.0,
            org_id: r.org.0,
            title: r.settings.title.clone(),
            cadence: r.settings.cadence.name(),
            sections: r.settings.sections.clone(),
            concern_first: r.settings.concern_first,
            version: r.version.0,
            published: published.iter().map(PublicationJson::from).collect(),
        }
    }
}

/// One published period of a saved report.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationJson {
    /// The period's code: `2026-03` or `2026-Q1`.
    pub period: String,
    /// The period for people.
    pub label: String,
    /// When it was published (UTC).
    pub published_at: String,
    /// Who published it (user id), or null.
    pub published_by: Option<i64>,
}

impl From<&gemba_domain::Publication> for PublicationJson {
    fn from(p: &gemba_domain::Publication) -> Self {
        PublicationJson {
            period: p.period.clone(),
            label: p.label.clone(),
            published_at: iso_datetime(p.published_at),
            published_by: p.published_by.as_ref().map(|u| u.id.0),
        }
    }
}

/// `POST /organisations/{id}/reports` and `PATCH /reports/{id}`: absent keeps the current value.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SavedReportInput {
    /// The title. Required to create.
    pub title: Option<String>,
    /// `month` (the default) or `quarter`.
    pub cadence: Option<String>,
    /// Report sections in order; empty for all.
    pub sections: Option<Vec<String>>,
    /// Concern and failing measures first.
    pub concern_first: Option<bool>,
}

impl SavedReportInput {
    /// The draft of the settings.
    pub fn draft(&self) -> gemba_domain::ReportDraft {
        gemba_domain::ReportDraft {
            title: self.title.clone(),
            cadence: self.cadence.clone(),
            sections: self.sections.clone(),
            concern_first: self.concern_first,
        }
    }
}

/// `POST /reports/{id}/publications`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishInput {
    /// The period to publish: `2026-03` for a monthly report, `2026-Q1` for a quarterly one.
    pub period: Option<String>,
}

/// A narrative as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct NarrativeJson {
    /// The measure.
    pub measure_id: i64,
    /// The period's code.
    pub period: String,
    /// What the chart shows.
    pub shows: String,
    /// Why.
    pub why: String,
    /// Actions, and by when.
    pub actions: String,
    /// Who wrote it last (user id), or null.
    pub author_id: Option<i64>,
    /// When it was last written (UTC).
    pub updated_at: String,
    /// Its version (also its `ETag`).
    pub version: i64,
}

impl From<&gemba_domain::Narrative> for NarrativeJson {
    fn from(n: &gemba_domain::Narrative) -> Self {
        NarrativeJson {
            measure_id: n.measure.0,
            period: n.period.clone(),
            shows: n.text.shows.clone(),
            why: n.text.why.clone(),
            actions: n.text.actions.clone(),
            author_id: n.author.as_ref().map(|u| u.id.0),
            updated_at: iso_datetime(n.updated_at),
            version: n.version.0,
        }
    }
}

/// `PUT /measures/{id}/narratives/{period}`: absent keeps the current part.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NarrativeInput {
    /// What the chart shows.
    pub shows: Option<String>,
    /// Why.
    pub why: Option<String>,
    /// Actions, and by when.
    pub actions: Option<String>,
}

impl NarrativeInput {
    /// The draft.
    pub fn draft(&self) -> gemba_domain::NarrativeDraft {
        gemba_domain::NarrativeDraft {
            shows: self.shows.clone(),
            why: self.why.clone(),
            actions: self.actions.clone(),
        }
    }
}

/// A strategic priority as the API answers it.
#[derive(Debug, Clone, Serialize)]
pub struct PriorityJson {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// What it means.
    pub description: String,
    /// `organisation` or `system`.
    pub scope: &'static str,
    /// Its organisation, for an organisation's priority; else null.
    pub org_id: Option<i64>,
    /// Its system, for a system's priority; else null.
    pub system: Option<String>,
    /// Its version (also its `ETag`).
    pub version: i64,
}

impl From<&gemba_domain::Priority> for PriorityJson {
    fn from(p: &gemba_domain::Priority) -> Self {
        let (scope, org_id, system) = match &p.scope {
            gemba_domain::PriorityScope::Organisation(o) => ("organisation", Some(o.0), None),
            gemba_domain::PriorityScope::System(s) => ("system", None, Some(s.clone())),
        };
        PriorityJson {
            id: p.id.0,
            title: p.title.clone(),
            description: p.description.clone(),
            scope,
            org_id,
            system,
            version: p.version.0,
        }
    }
}

/// `POST /organisations/{id}/priorities` and `PATCH /priorities/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PriorityInput {
    /// The title. Required to create.
    pub title: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// `organisation` (the default) or `system`: only when creating.
    pub scope: Option<String>,
}

/// `PUT /projects/{id}/priorities`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectPrioritiesInput {
    /// The priorities the project serves. Required.
    pub priority_ids: Option<Vec<i64>>,
}

/// The priorities a project serves.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectPrioritiesJson {
    /// Their ids.
    pub priority_ids: Vec<i64>,
}

/// The portfolios the API answers.
#[derive(Debug, Clone, Serialize)]
pub struct PortfoliosJson {
    /// One per organisation asked (all of the user's, or the one named).
    pub organisations: Vec<PortfolioJson>,
}

/// One organisation's portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioJson {
    /// The organisation.
    pub org_id: i64,
    /// Its name.
    pub name: String,
    /// How many projects it has before filtering.
    pub total: usize,
    /// How many projects that pass the filter are at each stage.
    pub by_stage: std::collections::BTreeMap<&'static str, usize>,
    /// Each priority with the ids of its projects that pass the filter, and how many of all its
    /// projects are active work.
    pub priorities: Vec<PriorityGroupJson>,
    /// The projects that pass the filter, by title.
    pub projects: Vec<PortfolioProjectJson>,
    /// The quality of the PDSA method over every cycle of the projects that pass the filter.
    pub method_quality: crate::progress::MethodQualityJson,
    /// Pairs of active projects that pass the filter and look alike, likeliest first.
    pub likely_duplicates: Vec<LikelyDuplicateJson>,
}

/// Two active projects that look alike.
#[derive(Debug, Clone, Serialize)]
pub struct LikelyDuplicateJson {
    /// The two projects' ids.
    pub project_ids: [i64; 2],
    /// Their titles, in the same order.
    pub titles: [String; 2],
    /// The distinctive words both have, most distinctive first.
    pub shared_words: Vec<String>,
    /// The weight of the shared words over the smaller project's own, 0 to 1.
    pub share: f64,
}

/// A priority in a portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct PriorityGroupJson {
    /// The priority.
    pub priority: PriorityJson,
    /// Its projects that pass the filter.
    pub project_ids: Vec<i64>,
    /// How many of all its projects are active work (0: a priority no active work serves).
    pub active: usize,
}

/// A project in a portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioProjectJson {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its status (stage).
    pub status: &'static str,
    /// Its team's id, or null.
    pub team_id: Option<i64>,
    /// Its team's name, or null.
    pub team: Option<String>,
    /// Its lead's id, or null.
    pub lead_id: Option<i64>,
    /// Its lead's name, or null.
    pub lead: Option<String>,
    /// Its method.
    pub method: String,
    /// The priorities it serves.
    pub priority_ids: Vec<i64>,
    /// Whether a patient partner is in its team.
    pub patient_partner: bool,
    /// Its measures' latest icons.
    pub measures: Vec<MeasureIconsJson>,
    /// Its latest activity (its latest data or PDSA cycle start).
    pub last_activity: String,
    /// Its progress derived from the record (0.5 to 5.0).
    pub progress: f32,
    /// The score its lead set over the derived one, or null.
    pub lead_score: Option<f32>,
    /// Whether it has stalled.
    pub stalled: bool,
    /// Its PDSA cycles and how many show each feature of the method (summed over projects,
    /// they pool as the portfolio's `method_quality` does).
    pub method_counts: MethodCountsJson,
}

/// A project's PDSA cycles and how many show each feature of the method, compactly.
#[derive(Debug, Clone, Serialize)]
pub struct MethodCountsJson {
    /// Its cycles.
    pub cycles: usize,
    /// With a prediction before the study.
    pub predicted: usize,
    /// Linked to another cycle.
    pub iterative: usize,
    /// With their scale recorded.
    pub scaled: usize,
    /// With data at least monthly.
    pub monthly_data: usize,
}

/// A measure's latest icons.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureIconsJson {
    /// The measure's name.
    pub name: String,
    /// The variation icon, or null without data.
    pub variation_icon: Option<&'static str>,
    /// The assurance icon, or null without a target.
    pub assurance_icon: Option<&'static str>,
}

impl PortfolioJson {
    /// The JSON of a portfolio.
    pub fn new(p: &gemba_domain::Portfolio, name: &str) -> Self {
        PortfolioJson {
            org_id: p.org.0,
            name: name.to_owned(),
            total: p.total,
            by_stage: p.by_stage.iter().map(|(s, n)| (s.name(), *n)).collect(),
            priorities: p
                .groups
                .iter()
                .map(|g| PriorityGroupJson {
                    priority: PriorityJson::from(&g.priority),
                    project_ids: g
                        .projects
                        .iter()
                        .filter_map(|i| p.projects.get(*i))
                        .map(|x| x.project.id.0)
                        .collect(),
                    active: g.active,
                })
                .collect(),
            projects: p
                .projects
                .iter()
                .map(|x| PortfolioProjectJson {
                    id: x.project.id.0,
                    title: x.project.title.clone(),
                    status: x.project.status.name(),
                    team_id: x.project.team.map(|t| t.0),
                    team: x.team.clone(),
                    lead_id: x.project.lead.map(|u| u.0),
                    lead: x.lead.clone(),
                    method: x.project.method.clone(),
                    priority_ids: x.priorities.iter().map(|q| q.0).collect(),
                    patient_partner: x.patient_partner,
                    measures: x
                        .measures
                        .iter()
                        .map(|m| MeasureIconsJson {
                            name: m.name.clone(),
                            variation_icon: m.variation.map(|v| v.name()),
                            assurance_icon: m.assurance.map(|a| a.name()),
                        })
                        .collect(),
                    last_activity: iso_date(x.last_activity),
                    progress: x.progress,
                    lead_score: x.assessed,
                    stalled: x.stalled,
                    method_counts: MethodCountsJson {
                        cycles: x.method.cycles,
                        predicted: x.method.predicted,
                        iterative: x.method.iterative,
                        scaled: x.method.scaled,
                        monthly_data: x.method.monthly_data,
                    },
                })
                .collect(),
            method_quality: (&p.method()).into(),
            likely_duplicates: p
                .duplicates
                .iter()
                .map(|d| LikelyDuplicateJson {
                    project_ids: [d.a.0 .0, d.b.0 .0],
                    titles: [d.a.1.clone(), d.b.1.clone()],
                    shared_words: d.shared.clone(),
                    share: d.share,
                })
                .collect(),
        }
    }
}

/// A project's rapid improvement event and its report-outs.
#[derive(Debug, Clone, Serialize)]
pub struct EventJson {
    /// The event's date, or null when the project is not an event.
    pub event_date: Option<String>,
    /// The 30-, 60- and 90-day report-outs (empty when not an event).
    pub report_outs: Vec<ReportOutJson>,
}

/// One report-out: when it is due, where it stands, and what it says once written.
#[derive(Debug, Clone, Serialize)]
pub struct ReportOutJson {
    /// 30, 60 or 90.
    pub day: u32,
    /// The day it falls due.
    pub due: String,
    /// `written`, `due` or `upcoming`.
    pub state: &'static str,
    /// What changed (empty until written).
    pub what_changed: String,
    /// The results.
    pub results: String,
    /// Next steps.
    pub next_steps: String,
    /// Who wrote it last (user id), or null.
    pub author_id: Option<i64>,
    /// When it was last written (UTC), or null.
    pub updated_at: Option<String>,
    /// Its version (also its `ETag`), or null until written.
    pub version: Option<i64>,
}

impl EventJson {
    /// The JSON of an event held on `date` (or none) with the report-outs written, on `today`.
    pub fn new(
        date: Option<NaiveDate>,
        written: &[gemba_domain::ReportOut],
        today: NaiveDate,
    ) -> Self {
        let Some(date) = date else {
            return EventJson {
                event_date: None,
                report_outs: Vec::new(),
            };
        };
        let days: Vec<u32> = written.iter().map(|r| r.day).collect();
        EventJson {
            event_date: Some(iso_date(date)),
            report_outs: gemba_domain::schedule(date, &days, today)
                .into_iter()
                .map(|(day, due, state)| {
                    let r = written.iter().find(|r| r.day == day);
                    ReportOutJson {
                        day,
                        due: iso_date(due),
                        state: state.name(),
                        what_changed: r.map(|r| r.text.what_changed.clone()).unwrap_or_default(),
                        results: r.map(|r| r.text.results.clone()).unwrap_or_default(),
                        next_steps: r.map(|r| r.text.next_steps.clone()).unwrap_or_default(),
                        author_id: r.and_then(|r| r.author.as_ref()).map(|u| u.id.0),
                        updated_at: r.map(|r| iso_datetime(r.updated_at)),
                        version: r.map(|r| r.version.0),
                    }
                })
                .collect(),
        }
    }
}

/// `PUT /projects/{id}/event`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    /// The event's date (`YYYY-MM-DD`), or null: not an event. Required.
    #[serde(default, deserialize_with = "nullable")]
    pub event_date: Option<Option<String>>,
}

/// `PUT /projects/{id}/report-outs/{day}`: absent keeps the current part.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportOutInput {
    /// What changed.
    pub what_changed: Option<String>,
    /// The results.
    pub results: Option<String>,
    /// Next steps.
    pub next_steps: Option<String>,
}

/// A project's closing summary (null parts until written) and its change package.
#[derive(Debug, Clone, Serialize)]
pub struct ClosingJson {
    /// The project.
    pub project_id: i64,
    /// What worked, or null until written.
    pub what_worked: Option<String>,
    /// What did not work, or null until written.
    pub what_did_not: Option<String>,
    /// The results, or null until written.
    pub results: Option<String>,
    /// Who wrote it last (user id), or null.
    pub author_id: Option<i64>,
    /// When it was last written (UTC), or null.
    pub updated_at: Option<String>,
    /// Its version (also its `ETag`), or null until written.
    pub version: Option<i64>,
    /// The change ideas it adopted, each with the PDSA cycles that tested it.
    pub change_package: Vec<AdoptedChangeJson>,
}

/// One adopted change idea.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptedChangeJson {
    /// The change idea's driver diagram node.
    pub change_idea_id: i64,
    /// Its text.
    pub text: String,
    /// The cycles that tested it.
    pub pdsa_cycles: Vec<AdoptedCycleJson>,
}

/// A PDSA cycle as evidence of a change.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptedCycleJson {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// `adopt`, `adapt`, `abandon`, or null when not decided.
    pub act: Option<&'static str>,
}

impl ClosingJson {
    /// The JSON of a project's closing summary (if written) and change package.
    pub fn new(
        project: gemba_domain::ProjectId,
        summary: Option<&gemba_domain::ClosingSummary>,
        package: &[gemba_domain::AdoptedChange],
    ) -> Self {
        ClosingJson {
            project_id: project.0,
            what_worked: summary.map(|s| s.text.what_worked.clone()),
            what_did_not: summary.map(|s| s.text.what_did_not.clone()),
            results: summary.map(|s| s.text.results.clone()),
            author_id: summary.and_then(|s| s.author.as_ref()).map(|u| u.id.0),
            updated_at: summary.map(|s| iso_datetime(s.updated_at)),
            version: summary.map(|s| s.version.0),
            change_package: package
                .iter()
                .map(|a| AdoptedChangeJson {
                    change_idea_id: a.idea.id.0,
                    text: a.idea.text.clone(),
                    pdsa_cycles: a
                        .cycles
                        .iter()
                        .map(|c| AdoptedCycleJson {
                            id: c.id.0,
                            title: c.fields.title.clone(),
                            act: c.fields.act.map(|a| a.name()),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// One entry of the learning library.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryEntryJson {
    /// The project's id.
    pub project_id: i64,
    /// Its title.
    pub title: String,
    /// Its organisation.
    pub org_id: i64,
    /// Its organisation's name.
    pub org_name: String,
    /// Its status.
    pub status: &'static str,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its closing summary and change package.
    pub closing: ClosingJson,
}

/// `PUT /projects/{id}/closing`: absent keeps the current part.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClosingInput {
    /// What worked.
    pub what_worked: Option<String>,
    /// What did not.
    pub what_did_not: Option<String>,
    /// The results.
    pub results: Option<String>,
}

/// One project found by `GET /search` or `GET /projects/{id}/similar`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchHitJson {
    /// The project's id.
    pub project_id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// Its title.
    pub title: String,
    /// Its lifecycle status.
    pub status: String,
    /// A few words of it around what matched (plain text).
    pub snippet: String,
    /// How well it matched: lower is better (results come best first).
    pub rank: f64,
}

impl From<&gemba_domain::SearchHit> for SearchHitJson {
    fn from(h: &gemba_domain::SearchHit) -> Self {
        SearchHitJson {
            project_id: h.project.0,
            org_id: h.org.0,
            title: h.title.clone(),
            status: h.status.name().to_owned(),
            snippet: h.snippet.clone(),
            rank: h.rank,
        }
    }
}

/// The answer of `GET /search` and `GET /projects/{id}/similar`: the projects found, best first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchJson {
    /// The projects found, best first.
    pub results: Vec<SearchHitJson>,
}
