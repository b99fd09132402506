//! A project's history as structured records: what object, what was done to it, which field
//! changed from which value to which, why. The domain produces the records (pure functions over
//! the old and new values, called by a store inside the transaction of the change); a store
//! persists them as they are; the edges word them (a sentence on a page, an object in the API).
//!
//! Values are kept as text in one canonical form per field, so that any backend can store them
//! and any edge can read them back: text fields as written, choices by their `name()` (a chart
//! type `"xmr"`, a status `"testing"`), numbers as Rust prints an `f64` (`12`, `0.5`), dates as
//! ISO 8601 (`2024-03-01`), lists joined with `", "`, links by the label of the linked object at
//! the time. An empty value is `None`.

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::{
    DataPoint, DriverKind, Measure, MeasureFields, PdsaFields, Project, ProjectFields, Rebase,
    UserId,
};

/// How many replaced values a bulk data record keeps (the first ones); the count says how many
/// there were in all.
pub const POINTS_KEPT: usize = 3;

/// The kind of object a history record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// The project itself.
    Project,
    /// A measure (and, for the data actions, its data).
    Measure,
    /// A PDSA cycle.
    PdsaCycle,
    /// A primary driver of the driver diagram.
    PrimaryDriver,
    /// A secondary driver.
    SecondaryDriver,
    /// A change idea.
    ChangeIdea,
    /// A person on the project's team.
    TeamMember,
}

impl ObjectKind {
    /// Every kind.
    pub const ALL: [ObjectKind; 7] = [
        ObjectKind::Project,
        ObjectKind::Measure,
        ObjectKind::PdsaCycle,
        ObjectKind::PrimaryDriver,
        ObjectKind::SecondaryDriver,
        ObjectKind::ChangeIdea,
        ObjectKind::TeamMember,
    ];

    /// The stored name: `project`, `measure`, `pdsa_cycle`, `primary_driver`, …
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Project => "project",
            ObjectKind::Measure => "measure",
            ObjectKind::PdsaCycle => "pdsa_cycle",
            ObjectKind::PrimaryDriver => "primary_driver",
            ObjectKind::SecondaryDriver => "secondary_driver",
            ObjectKind::ChangeIdea => "change_idea",
            ObjectKind::TeamMember => "team_member",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<ObjectKind> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl From<DriverKind> for ObjectKind {
    fn from(k: DriverKind) -> Self {
        match k {
            DriverKind::Primary => ObjectKind::PrimaryDriver,
            DriverKind::Secondary => ObjectKind::SecondaryDriver,
            DriverKind::ChangeIdea => ObjectKind::ChangeIdea,
        }
    }
}

/// The object a record is about, as it was named at the time.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryObject {
    /// Its kind.
    pub kind: ObjectKind,
    /// Its id (a user's id for a team member).
    pub id: i64,
    /// Its name at the time: a project's or cycle's title, a measure's name, a node's text, a
    /// person's name. After a change, the new name.
    pub label: String,
}

impl HistoryObject {
    /// An object of `kind` with `id`, named `label`.
    pub fn new(kind: ObjectKind, id: i64, label: impl Into<String>) -> Self {
        HistoryObject {
            kind,
            id,
            label: label.into(),
        }
    }
}

/// What was done to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Created (a project) or added (a measure, a cycle, a node).
    Created,
    /// One field changed: see `field`, `old` and `new`.
    Changed,
    /// Deleted (softly: it can be restored). For a node, `count` is how many nodes under it
    /// went with it.
    Deleted,
    /// Restored. For a node, `count` is how many nodes under it came back with it.
    Restored,
    /// Data points written to a measure: `count` written, `replaced` earlier values replaced,
    /// `points` the first of those old values.
    DataAdded,
    /// A data point removed: `points` holds its old value.
    PointRemoved,
    /// An old value put back: `points` holds it; `replaced` is 1 when it replaced the value
    /// the date had, 0 when the date had none.
    PointPutBack,
    /// A person added to the project's team.
    MemberAdded,
    /// A person taken off the project's team.
    MemberRemoved,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 9] = [
        Action::Created,
        Action::Changed,
        Action::Deleted,
        Action::Restored,
        Action::DataAdded,
        Action::PointRemoved,
        Action::PointPutBack,
        Action::MemberAdded,
        Action::MemberRemoved,
    ];

    /// The stored name: `created`, `changed`, `data_added`, …
    pub fn name(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Changed => "changed",
            Action::Deleted => "deleted",
            Action::Restored => "restored",
            Action::DataAdded => "data_added",
            Action::PointRemoved => "point_removed",
            Action::PointPutBack => "point_put_back",
            Action::MemberAdded => "member_added",
            Action::MemberRemoved => "member_removed",
        }
    }

    /// The action of a stored name.
    pub fn parse(s: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.name() == s)
    }
}

pub use crate::field::Field;

/// One thing that happened to one object of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    /// What it happened to.
    pub object: HistoryObject,
    /// What happened.
    pub action: Action,
    /// For [`Action::Changed`], the field that changed.
    pub field: Option<Field>,
    /// The value before (canonical text; see the module), `None` when empty.
    pub old: Option<String>,
    /// The value after, `None` when empty.
    pub new: Option<String>,
    /// Why, when the change asks for a reason (a rebase).
    pub reason: Option<String>,
    /// For bulk actions: how many data points were written, or how many nodes went or came
    /// back with a node.
    pub count: Option<u64>,
    /// For data: how many earlier values were replaced.
    pub replaced: Option<u64>,
    /// For data: the old values replaced or removed (the first [`POINTS_KEPT`]), or the value
    /// put back.
    pub points: Vec<DataPoint>,
}

impl HistoryRecord {
    /// A record of `action` on `object`, with nothing else.
    pub fn new(object: HistoryObject, action: Action) -> Self {
        HistoryRecord {
            object,
            action,
            field: None,
            old: None,
            new: None,
            reason: None,
            count: None,
            replaced: None,
            points: Vec::new(),
        }
    }

    /// A change of `field` of `object` from `old` to `new`.
    pub fn changed(
        object: HistoryObject,
        field: Field,
        old: Option<String>,
        new: Option<String>,
    ) -> Self {
        HistoryRecord {
            field: Some(field),
            old,
            new,
            ..Self::new(object, Action::Changed)
        }
    }

    /// The record with a count (nodes deleted or restored with a node).
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }
}

/// One entry of a project's history as a store reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// When.
    pub at: NaiveDateTime,
    /// Who: the user, unless they were removed since.
    pub by: Option<UserId>,
    /// Who (display name; "a removed user" when removed).
    pub who: String,
    /// What.
    pub what: HistoryWhat,
}

/// What a history entry says.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryWhat {
    /// A structured record.
    Record(HistoryRecord),
    /// A sentence written before history was kept as records.
    Legacy(String),
}

impl HistoryEntry {
    /// The structured record, if the entry is one.
    pub fn record(&self) -> Option<&HistoryRecord> {
        match &self.what {
            HistoryWhat::Record(r) => Some(r),
            HistoryWhat::Legacy(_) => None,
        }
    }
}

/// The labels of a link's old and new targets (a team, a change idea, an earlier cycle), looked
/// up by the store when the link changed. `None` when there is no link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkLabels {
    /// The old target's label.
    pub old: Option<String>,
    /// The new target's label.
    pub new: Option<String>,
}

// --- canonical values -----------------------------------------------------------------------

/// A text value: `None` when empty or blank.
pub fn text_value(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// A number value, as Rust prints an `f64`.
pub fn number_value(x: f64) -> String {
    format!("{x}")
}

/// A date value, ISO 8601.
pub fn date_value(d: NaiveDate) -> String {
    d.format("%F").to_string()
}

/// A list of dates: ISO, joined with ", "; `None` when empty.
fn dates_value(d: &[Rebase]) -> Option<String> {
    text_value(
        &d.iter()
            .map(|r| date_value(r.date))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The reasons of the rebases in `new` that `old` did not have (new dates, or new reasons),
/// as "2024-03-01: new falls policy", joined with "; "; `None` when there are none.
fn new_reasons(old: &[Rebase], new: &[Rebase]) -> Option<String> {
    text_value(
        &new.iter()
            .filter(|r| !old.contains(r))
            .map(|r| format!("{}: {}", date_value(r.date), r.reason))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Collects the changed fields of one object.
struct Diff {
    object: HistoryObject,
    out: Vec<HistoryRecord>,
}

impl Diff {
    fn new(object: HistoryObject) -> Self {
        Diff {
            object,
            out: Vec::new(),
        }
    }

    /// Records `field` when `old` and `new` differ.
    fn field(&mut self, field: Field, old: Option<String>, new: Option<String>) {
        if old != new {
            self.out
                .push(HistoryRecord::changed(self.object.clone(), field, old, new));
        }
    }

    /// Records a text field when it changed (a change of blanks alone counts).
    fn text(&mut self, field: Field, old: &str, new: &str) {
        if old != new {
            self.out.push(HistoryRecord::changed(
                self.object.clone(),
                field,
                text_value(old),
                text_value(new),
            ));
        }
    }

    /// Records a link when the target changed, with the targets' labels.
    fn link<T: PartialEq>(&mut self, field: Field, old: Option<T>, new: Option<T>, l: LinkLabels) {
        if old != new {
            self.out.push(HistoryRecord::changed(
                self.object.clone(),
                field,
                l.old,
                l.new,
            ));
        }
    }
}

/// The records of a change of a project from `old` to `new`: one per changed field, none when
/// nothing changed. `teams` names the old and new team when the team changed.
pub fn project_changes(
    old: &Project,
    new: &ProjectFields,
    teams: LinkLabels,
) -> Vec<HistoryRecord> {
    let mut d = Diff::new(HistoryObject::new(
        ObjectKind::Project,
        old.id.0,
        new.title.as_str(),
    ));
    d.text(Field::Title, &old.title, new.title.as_str());
    d.text(Field::Problem, &old.problem, &new.problem);
    d.text(Field::Aim, &old.aim, &new.aim);
    d.text(Field::Method, &old.method, &new.method);
    d.field(
        Field::Status,
        Some(old.status.name().to_owned()),
        Some(new.status.name().to_owned()),
    );
    d.link(Field::Team, old.team, new.team, teams);
    d.text(Field::Sponsor, &old.sponsor, &new.sponsor);
    if old.tags != new.tags {
        d.out.push(HistoryRecord::changed(
            d.object.clone(),
            Field::Tags,
            text_value(&old.tags.join(", ")),
            text_value(&new.tags.join(", ")),
        ));
    }
    d.field(
        Field::Private,
        Some(yes_no(old.private).to_owned()),
        Some(yes_no(new.private).to_owned()),
    );
    d.out
}

/// "yes" or "no", as a history record keeps a yes-or-no field.
fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The records of a change of a measure from `old` to `new`: one per changed field, none when
/// nothing changed. A change of the rebases carries the reasons of the rebases added (or
/// given a new reason).
pub fn measure_changes(old: &Measure, new: &MeasureFields) -> Vec<HistoryRecord> {
    let (o, n) = (&old.chart, &new.chart);
    let mut d = Diff::new(HistoryObject::new(
        ObjectKind::Measure,
        old.id.0,
        new.name.as_str(),
    ));
    let name = |s: &str| Some(s.to_owned());
    d.text(Field::Name, &old.name, new.name.as_str());
    d.field(Field::Kind, name(old.kind.name()), name(new.kind.name()));
    d.text(Field::Definition, &old.definition, &new.definition);
    d.text(Field::Unit, &old.unit, &new.unit);
    d.text(Field::DataSource, &old.data_source, &new.data_source);
    d.field(Field::Chart, name(o.chart.name()), name(n.chart.name()));
    d.field(
        Field::Improvement,
        name(o.improvement.name()),
        name(n.improvement.name()),
    );
    d.text(
        Field::DenominatorLabel,
        &old.denominator_label,
        &new.denominator_label,
    );
    d.field(
        Field::Multiplier,
        Some(o.multiplier.get().to_string()),
        Some(n.multiplier.get().to_string()),
    );
    if o.target != n.target {
        d.out.push(HistoryRecord::changed(
            d.object.clone(),
            Field::Target,
            o.target.map(number_value),
            n.target.map(number_value),
        ));
    }
    d.text(Field::Rules, &o.rules, &n.rules);
    if o.rebase != n.rebase {
        let mut r = HistoryRecord::changed(
            d.object.clone(),
            Field::Rebase,
            dates_value(&o.rebase),
            dates_value(&n.rebase),
        );
        r.reason = new_reasons(&o.rebase, &n.rebase);
        d.out.push(r);
    }
    d.field(
        Field::FixAfter,
        o.fix_after.map(|b| b.to_string()),
        n.fix_after.map(|b| b.to_string()),
    );
    d.field(Field::Period, name(o.period.name()), name(n.period.name()));
    d.out
}

/// The records of a change of PDSA cycle `id` from `old` to `new`: one per changed field, none
/// when nothing changed. `ideas` and `earlier` name the old and new change idea and the cycle it
/// follows when those links changed.
pub fn pdsa_changes(
    id: crate::model::PdsaId,
    old: &PdsaFields,
    new: &PdsaFields,
    ideas: LinkLabels,
    earlier: LinkLabels,
) -> Vec<HistoryRecord> {
    let mut d = Diff::new(HistoryObject::new(ObjectKind::PdsaCycle, id.0, &new.title));
    d.text(Field::Title, &old.title, &new.title);
    d.field(
        Field::StartDate,
        old.start_date.map(date_value),
        new.start_date.map(date_value),
    );
    d.link(Field::ChangeIdea, old.change_idea, new.change_idea, ideas);
    d.link(Field::Follows, old.follows, new.follows, earlier);
    d.text(Field::Objective, &old.objective, &new.objective);
    d.text(Field::Prediction, &old.prediction, &new.prediction);
    d.text(Field::Plan, &old.plan, &new.plan);
    d.text(Field::Scale, &old.scale, &new.scale);
    d.text(Field::DataPlan, &old.data_plan, &new.data_plan);
    d.text(Field::DoNotes, &old.do_notes, &new.do_notes);
    d.text(Field::Study, &old.study, &new.study);
    d.field(
        Field::Act,
        old.act.map(|a| a.name().to_owned()),
        new.act.map(|a| a.name().to_owned()),
    );
    d.text(Field::ActNotes, &old.act_notes, &new.act_notes);
    d.out
}

/// The record of a change of a driver diagram node's text, none when it did not change.
pub fn node_changes(
    id: crate::model::DriverNodeId,
    kind: DriverKind,
    old: &str,
    new: &str,
) -> Vec<HistoryRecord> {
    let mut d = Diff::new(HistoryObject::new(kind.into(), id.0, new));
    d.text(Field::Text, old, new);
    d.out
}

/// The record of data points written to `measure`: `written` points, replacing the values in
/// `replaced` (all of them; the record keeps how many and the first [`POINTS_KEPT`]).
pub fn data_added(measure: HistoryObject, written: usize, replaced: &[DataPoint]) -> HistoryRecord {
    HistoryRecord {
        count: Some(written as u64),
        replaced: Some(replaced.len() as u64),
        points: replaced.iter().take(POINTS_KEPT).copied().collect(),
        ..HistoryRecord::new(measure, Action::DataAdded)
    }
}

/// The record of a point removed from `measure`, with the value it had.
pub fn point_removed(measure: HistoryObject, old: DataPoint) -> HistoryRecord {
    HistoryRecord {
        points: vec![old],
        ..HistoryRecord::new(measure, Action::PointRemoved)
    }
}

/// The record of an old value put back into `measure`; `replaced` when it replaced the value
/// its date had.
pub fn point_put_back(measure: HistoryObject, point: DataPoint, replaced: bool) -> HistoryRecord {
    HistoryRecord {
        points: vec![point],
        replaced: Some(u64::from(replaced)),
        ..HistoryRecord::new(measure, Action::PointPutBack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::{Multiplier, NonEmpty, Period};
    use gemba_spc::{ChartType, Improvement};

    fn project() -> Project {
        Project {
            id: ProjectId(7),
            org: OrgId(1),
            team: Some(TeamId(3)),
            title: "Falls on Ward 7".into(),
            problem: "Patients fall at night".into(),
            aim: "Reduce falls by 30%".into(),
            method: "Model for Improvement".into(),
            status: ProjectStatus::Scoping,
            sponsor: "Director of Nursing".into(),
            tags: vec!["falls".into()],
            lead: None,
            kind: crate::ProjectKind::Improvement,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
            version: Version(1),
            private: false,
            idea: None,
        }
    }

    fn fields_of(p: &Project) -> ProjectFields {
        ProjectFields {
            title: NonEmpty::parse("title", &p.title).unwrap(),
            problem: p.problem.clone(),
            aim: p.aim.clone(),
            method: p.method.clone(),
            status: p.status,
            team: p.team,
            sponsor: p.sponsor.clone(),
            tags: p.tags.clone(),
            private: false,
        }
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_owned())
    }

    #[test]
    fn an_unchanged_project_has_no_records() {
        let p = project();
        assert_eq!(
            project_changes(&p, &fields_of(&p), LinkLabels::default()),
            vec![]
        );
    }

    #[test]
    fn two_changed_project_fields_are_two_records_with_old_and_new() {
        let p = project();
        let mut f = fields_of(&p);
        f.aim = "Reduce falls by 50%".into();
        f.status = ProjectStatus::Testing;
        let r = project_changes(&p, &f, LinkLabels::default());
        let object = HistoryObject::new(ObjectKind::Project, 7, "Falls on Ward 7");
        assert_eq!(
            r,
            vec![
                HistoryRecord::changed(
                    object.clone(),
                    Field::Aim,
                    s("Reduce falls by 30%"),
                    s("Reduce falls by 50%")
                ),
                HistoryRecord::changed(object, Field::Status, s("scoping"), s("testing")),
            ]
        );
    }

    #[test]
    fn a_team_change_names_the_teams_and_emptied_text_is_none() {
        let p = project();
        let mut f = fields_of(&p);
        f.team = None;
        f.sponsor = String::new();
        f.tags = vec!["falls".into(), "night".into()];
        f.title = NonEmpty::parse("title", "Night falls").unwrap();
        let teams = LinkLabels {
            old: s("Ward 7 team"),
            new: None,
        };
        let r = project_changes(&p, &f, teams);
        let got: Vec<_> = r
            .iter()
            .map(|r| (r.field, r.old.clone(), r.new.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(Field::Title), s("Falls on Ward 7"), s("Night falls")),
                (Some(Field::Team), s("Ward 7 team"), None),
                (Some(Field::Sponsor), s("Director of Nursing"), None),
                (Some(Field::Tags), s("falls"), s("falls, night")),
            ]
        );
        assert!(r.iter().all(|r| r.object.label == "Night falls"));
        assert!(r.iter().all(|r| r.action == Action::Changed));
    }

    fn measure() -> Measure {
        Measure {
            id: MeasureId(11),
            project: ProjectId(7),
            name: "Falls".into(),
            kind: MeasureType::Outcome,
            definition: "Falls per 1,000 bed days".into(),
            unit: "falls".into(),
            data_source: "Datix".into(),
            denominator_label: String::new(),
            chart: ChartSettings {
                chart: ChartType::UPrime,
                improvement: Improvement::Decrease,
                target: Some(4.5),
                rules: "powerbi".into(),
                rebase: vec![Rebase {
                    date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
                    reason: "Night checks began".into(),
                }],
                fix_after: Some(12),
                period: Period::Month,
                multiplier: Multiplier::ONE,
            },
            version: Version(1),
        }
    }

    fn measure_fields_of(m: &Measure) -> MeasureFields {
        MeasureFields {
            name: NonEmpty::parse("name", &m.name).unwrap(),
            kind: m.kind,
            definition: m.definition.clone(),
            unit: m.unit.clone(),
            data_source: m.data_source.clone(),
            denominator_label: m.denominator_label.clone(),
            chart: m.chart.clone(),
        }
    }

    #[test]
    fn measure_changes_keep_canonical_values_and_the_rebase_reason() {
        let m = measure();
        assert_eq!(measure_changes(&m, &measure_fields_of(&m)), vec![]);
        let mut f = measure_fields_of(&m);
        f.chart.chart = ChartType::Xmr;
        f.chart.target = None;
        f.chart.rebase.push(Rebase {
            date: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
            reason: "new falls policy".into(),
        });
        f.chart.fix_after = Some(20);
        f.name = NonEmpty::parse("name", "Inpatient falls").unwrap();
        let r = measure_changes(&m, &f);
        let got: Vec<_> = r
            .iter()
            .map(|r| (r.field, r.old.clone(), r.new.clone(), r.reason.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(Field::Name), s("Falls"), s("Inpatient falls"), None),
                (Some(Field::Chart), s("up"), s("xmr"), None),
                (Some(Field::Target), s("4.5"), None, None),
                (
                    Some(Field::Rebase),
                    s("2024-03-01"),
                    s("2024-03-01, 2024-09-01"),
                    s("2024-09-01: new falls policy")
                ),
                (Some(Field::FixAfter), s("12"), s("20"), None),
            ]
        );
        assert!(r
            .iter()
            .all(|r| r.object == HistoryObject::new(ObjectKind::Measure, 11, "Inpatient falls")));
    }

    #[test]
    fn pdsa_changes_name_links_by_their_labels() {
        let old = PdsaFields {
            title: "Rounding".into(),
            change_idea: Some(DriverNodeId(4)),
            plan: "Bay 1".into(),
            ..PdsaFields::default()
        };
        assert_eq!(
            pdsa_changes(
                PdsaId(2),
                &old,
                &old.clone(),
                LinkLabels::default(),
                LinkLabels::default()
            ),
            vec![]
        );
        let new = PdsaFields {
            change_idea: None,
            start_date: NaiveDate::from_ymd_opt(2024, 5, 2),
            act: Some(ActDecision::Adapt),
            plan: "Bay 2".into(),
            ..old.clone()
        };
        let ideas = LinkLabels {
            old: s("Hourly rounding"),
            new: None,
        };
        let r = pdsa_changes(PdsaId(2), &old, &new, ideas, LinkLabels::default());
        let got: Vec<_> = r
            .iter()
            .map(|r| (r.field, r.old.clone(), r.new.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(Field::StartDate), None, s("2024-05-02")),
                (Some(Field::ChangeIdea), s("Hourly rounding"), None),
                (Some(Field::Plan), s("Bay 1"), s("Bay 2")),
                (Some(Field::Act), None, s("adapt")),
            ]
        );
    }

    #[test]
    fn node_text_changes_once_or_not_at_all() {
        assert_eq!(
            node_changes(DriverNodeId(1), DriverKind::Primary, "Staff", "Staff"),
            vec![]
        );
        let r = node_changes(
            DriverNodeId(1),
            DriverKind::ChangeIdea,
            "Rounds",
            "Hourly rounds",
        );
        assert_eq!(
            r,
            vec![HistoryRecord::changed(
                HistoryObject::new(ObjectKind::ChangeIdea, 1, "Hourly rounds"),
                Field::Text,
                s("Rounds"),
                s("Hourly rounds"),
            )]
        );
    }

    #[test]
    fn a_bulk_write_is_one_record_with_counts_and_the_first_old_values() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
        let old: Vec<DataPoint> = (1..=10)
            .map(|d| DataPoint {
                date: day(d),
                value: Some(f64::from(d)),
                denominator: None,
            })
            .collect();
        let m = HistoryObject::new(ObjectKind::Measure, 11, "Falls");
        let r = data_added(m.clone(), 500, &old);
        assert_eq!(r.action, Action::DataAdded);
        assert_eq!((r.count, r.replaced), (Some(500), Some(10)));
        assert_eq!(r.points, old[..3].to_vec());
        let none = data_added(m, 1, &[]);
        assert_eq!((none.count, none.replaced), (Some(1), Some(0)));
        assert!(none.points.is_empty());
    }

    /// A project whose fields come from small sets, so that equal and different values both
    /// turn up often.
    fn small_project() -> impl proptest::strategy::Strategy<Value = (Project, ProjectFields)> {
        use proptest::prelude::*;
        let text = || prop::sample::select(vec!["", "a", "b"]);
        let status = || prop::sample::select(ProjectStatus::ALL.to_vec());
        let team = || prop::option::of(prop::sample::select(vec![TeamId(1), TeamId(2)]));
        let tags = || prop::collection::vec(prop::sample::select(vec!["x", "y"]), 0..3);
        (
            (
                text(),
                text(),
                text(),
                text(),
                status(),
                team(),
                text(),
                tags(),
            ),
            (
                text(),
                text(),
                text(),
                text(),
                status(),
                team(),
                text(),
                tags(),
            ),
        )
            .prop_map(|(o, n)| {
                let mut p = project();
                (p.title, p.problem, p.aim, p.method) =
                    (format!("T{}", o.0), o.1.into(), o.2.into(), o.3.into());
                (p.status, p.team, p.sponsor) = (o.4, o.5, o.6.into());
                p.tags = o.7.iter().map(|t| t.to_string()).collect();
                let f = ProjectFields {
                    title: NonEmpty::parse("title", &format!("T{}", n.0)).unwrap(),
                    problem: n.1.into(),
                    aim: n.2.into(),
                    method: n.3.into(),
                    status: n.4,
                    team: n.5,
                    sponsor: n.6.into(),
                    tags: n.7.iter().map(|t| t.to_string()).collect(),
                    private: false,
                };
                (p, f)
            })
    }

    proptest::proptest! {
        /// One record per field that differs, in the order of the fields, each with the values
        /// of that field; none when nothing differs.
        #[test]
        fn one_project_record_per_changed_field((p, f) in small_project()) {
            let differs = [
                (Field::Title, p.title != f.title.as_str()),
                (Field::Problem, p.problem != f.problem),
                (Field::Aim, p.aim != f.aim),
                (Field::Method, p.method != f.method),
                (Field::Status, p.status != f.status),
                (Field::Team, p.team != f.team),
                (Field::Sponsor, p.sponsor != f.sponsor),
                (Field::Tags, p.tags != f.tags),
            ];
            let expected: Vec<Field> =
                differs.iter().filter(|(_, d)| *d).map(|(f, _)| *f).collect();
            let r = project_changes(&p, &f, LinkLabels::default());
            let got: Vec<Field> = r.iter().filter_map(|r| r.field).collect();
            proptest::prop_assert_eq!(got, expected);
            for r in &r {
                proptest::prop_assert_eq!(r.action, Action::Changed);
                proptest::prop_assert!(r.old != r.new || r.field == Some(Field::Team));
                match r.field {
                    Some(Field::Aim) => {
                        proptest::prop_assert_eq!(r.old.clone(), text_value(&p.aim));
                        proptest::prop_assert_eq!(r.new.clone(), text_value(&f.aim));
                    }
                    Some(Field::Status) => {
                        proptest::prop_assert_eq!(r.new.as_deref(), Some(f.status.name()));
                    }
                    _ => {}
                }
            }
            // The same project saved again records nothing.
            let mut same = p.clone();
            same.title = f.title.as_str().to_owned();
            (same.problem, same.aim, same.method) =
                (f.problem.clone(), f.aim.clone(), f.method.clone());
            (same.status, same.team, same.sponsor, same.tags) =
                (f.status, f.team, f.sponsor.clone(), f.tags.clone());
            proptest::prop_assert!(project_changes(&same, &f, LinkLabels::default()).is_empty());
        }
    }

    #[test]
    fn names_round_trip() {
        for k in ObjectKind::ALL {
            assert_eq!(ObjectKind::parse(k.name()), Some(k));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.name()), Some(a));
        }
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
        assert_eq!(Field::parse("nonsense"), None);
    }
}
