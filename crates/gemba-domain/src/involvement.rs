//! Patient and carer involvement in a project (issue 13 §3): how far patients and carers take
//! part (the ladder of engagement, from "none yet" to co-production), the roles they play, a note
//! and since when; edited by whoever may edit the project, versioned, and in the project's
//! history. The use cases once for pages and API, each behind its access check.
//!
//! Patient partners on a project are its members whose role in the organisation is
//! [`crate::Role::PatientPartner`]; [`partnered`] says when a project counts as one "with
//! patient partners" for the share the board sees.

use chrono::{NaiveDate, NaiveDateTime};

use crate::access::{Access, AccessError, Action, Grant};
use crate::board::BoardError;
use crate::draft::{parse_date, prose_part, Field, FieldProblem, Problem, Problems};
use crate::history::{HistoryObject, HistoryRecord, ObjectKind};
use crate::limits;
use crate::model::{Project, ProjectId, Role, User, UserId, Version};
use crate::store::StoreError;

/// How far patients and carers take part in a project: the rungs of the ladder of engagement,
/// lowest first.
///
/// The rungs are those of the issue, taken from the ladders of participation the NHS uses:
/// Arnstein's "ladder of citizen participation" (J Am Inst Planners 1969;35:216–224), NHS
/// England's "ladder of engagement and participation" (Patient and public participation in
/// commissioning health and care: statutory guidance, 2017: inform, consult, involve,
/// collaborate, devolve) and Think Local Act Personal's "ladder of co-production" (2015:
/// inform, consult, engage, co-design, co-produce). "Involve" here covers NHS England's
/// involve and collaborate; "co-produce" TLAP's co-design and co-production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum InvolvementLevel {
    /// Not recorded, or patients and carers do not take part yet.
    #[default]
    NoneYet,
    /// Inform: patients and carers are told what the project does and why.
    Inform,
    /// Consult: their views are asked (surveys, interviews, comment cards) and fed back.
    Consult,
    /// Involve: they work with the team throughout, and their views shape the decisions.
    Involve,
    /// Co-produce: an equal partnership, sharing power over what changes and how.
    CoProduce,
}

impl InvolvementLevel {
    /// Every rung, lowest first.
    pub const ALL: [InvolvementLevel; 5] = [
        InvolvementLevel::NoneYet,
        InvolvementLevel::Inform,
        InvolvementLevel::Consult,
        InvolvementLevel::Involve,
        InvolvementLevel::CoProduce,
    ];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            InvolvementLevel::NoneYet => "none_yet",
            InvolvementLevel::Inform => "inform",
            InvolvementLevel::Consult => "consult",
            InvolvementLevel::Involve => "involve",
            InvolvementLevel::CoProduce => "co_produce",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            InvolvementLevel::NoneYet => "None yet",
            InvolvementLevel::Inform => "Inform",
            InvolvementLevel::Consult => "Consult",
            InvolvementLevel::Involve => "Involve",
            InvolvementLevel::CoProduce => "Co-produce",
        }
    }

    /// What the rung means, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            InvolvementLevel::NoneYet => "Patients and carers do not take part yet.",
            InvolvementLevel::Inform => {
                "Patients and carers are told what the project does and why."
            }
            InvolvementLevel::Consult => {
                "Their views are asked for (surveys, interviews, comment cards) and fed back."
            }
            InvolvementLevel::Involve => {
                "They work with the team throughout, and their views shape the decisions."
            }
            InvolvementLevel::CoProduce => {
                "An equal partnership: they share the decisions on what changes and how."
            }
        }
    }

    /// Parses [`InvolvementLevel::name`] (also with a hyphen or a space: `co-produce`).
    pub fn parse(s: &str) -> Option<InvolvementLevel> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        InvolvementLevel::ALL.into_iter().find(|l| l.name() == s)
    }

    /// Whether patients and carers are partners at this rung (involve or co-produce).
    pub fn is_partnership(self) -> bool {
        self >= InvolvementLevel::Involve
    }
}

/// A part patients and carers play in a project.
///
/// The roles are those NHS and Q community guidance on involving patients in improvement names:
/// NHS England's "Patient and public voice partners policy" (2017: members of programme boards
/// and groups, reviewers of materials, people sharing their experience), The Point of Care
/// Foundation's experience-based co-design toolkit (patients and carers as co-designers, their
/// filmed stories) and The Health Foundation's "Involving patients in improving safety" (2013:
/// patients testing changes and giving feedback), with carers represented in their own right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PatientRole {
    /// A member of the project team, at its meetings.
    TeamMember,
    /// Designs changes with the team (co-design).
    CoDesigner,
    /// Tries changes out and says how they worked for them.
    TestsChanges,
    /// Shares their experience of care (a story, an interview).
    SharesExperience,
    /// Reviews leaflets, letters and other materials for patients.
    ReviewsMaterials,
    /// Speaks for carers.
    CarerRepresentative,
}

impl PatientRole {
    /// Every role.
    pub const ALL: [PatientRole; 6] = [
        PatientRole::TeamMember,
        PatientRole::CoDesigner,
        PatientRole::TestsChanges,
        PatientRole::SharesExperience,
        PatientRole::ReviewsMaterials,
        PatientRole::CarerRepresentative,
    ];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            PatientRole::TeamMember => "team_member",
            PatientRole::CoDesigner => "co_designer",
            PatientRole::TestsChanges => "tests_changes",
            PatientRole::SharesExperience => "shares_experience",
            PatientRole::ReviewsMaterials => "reviews_materials",
            PatientRole::CarerRepresentative => "carer_representative",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            PatientRole::TeamMember => "Member of the project team",
            PatientRole::CoDesigner => "Co-designer of changes",
            PatientRole::TestsChanges => "Tests changes and gives feedback",
            PatientRole::SharesExperience => "Shares their experience of care",
            PatientRole::ReviewsMaterials => "Reviews materials for patients",
            PatientRole::CarerRepresentative => "Carer representative",
        }
    }

    /// Parses [`PatientRole::name`].
    pub fn parse(s: &str) -> Option<PatientRole> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        PatientRole::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// How patients and carers are involved in a project (checked).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvolvementFields {
    /// The rung of the ladder.
    pub level: InvolvementLevel,
    /// The roles they play, each once, in [`PatientRole::ALL`]'s order.
    pub roles: Vec<PatientRole>,
    /// A note: who, how, what came of it (at most [`limits::INVOLVEMENT_NOTE`] characters).
    pub note: String,
    /// Since when they have been involved at this rung, if known.
    pub since: Option<NaiveDate>,
}

/// A project's involvement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Involvement {
    /// The project.
    pub project: ProjectId,
    /// What was recorded (level "none yet" and nothing else until someone records it).
    pub fields: InvolvementFields,
    /// Who recorded it last, if still a user.
    pub by: Option<User>,
    /// When it was last recorded; `None` until it is.
    pub at: Option<NaiveDateTime>,
    /// Its version: 0 until recorded, one more after each change.
    pub version: Version,
}

impl Involvement {
    /// The involvement of a project nobody has recorded yet.
    pub fn none_yet(project: ProjectId) -> Involvement {
        Involvement {
            project,
            fields: InvolvementFields::default(),
            by: None,
            at: None,
            version: Version(0),
        }
    }
}

/// Involvement as sent by the form or the API: absent keeps the current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvolvementDraft {
    /// The level's name ([`InvolvementLevel::name`]).
    pub level: Option<String>,
    /// The roles' names ([`PatientRole::name`]).
    pub roles: Option<Vec<String>>,
    /// The note.
    pub note: Option<String>,
    /// Since when, `YYYY-MM-DD`; empty for not known.
    pub since: Option<String>,
}

fn problem(field: Field, problem: Problem) -> FieldProblem {
    FieldProblem {
        field,
        index: None,
        problem,
    }
}

impl InvolvementDraft {
    /// The checked fields over `current`: a level of the ladder, roles of [`PatientRole::ALL`]
    /// (each kept once), a note of at most [`limits::INVOLVEMENT_NOTE`] characters and a date
    /// not after `today`; every problem by field.
    pub fn apply(
        &self,
        current: &InvolvementFields,
        today: NaiveDate,
    ) -> Result<InvolvementFields, Problems> {
        let mut problems = Vec::new();
        let level = match self.level.as_deref() {
            None => current.level,
            Some(s) => InvolvementLevel::parse(s).unwrap_or_else(|| {
                problems.push(problem(
                    Field::Level,
                    Problem::NotOneOf {
                        allowed: InvolvementLevel::ALL.iter().map(|l| l.name()).collect(),
                    },
                ));
                current.level
            }),
        };
        let roles = match &self.roles {
            None => current.roles.clone(),
            Some(given) => {
                let mut roles = Vec::new();
                for s in given.iter().filter(|s| !s.trim().is_empty()) {
                    match PatientRole::parse(s) {
                        Some(r) => roles.push(r),
                        None => {
                            problems.push(problem(
                                Field::PatientRoles,
                                Problem::NotOneOf {
                                    allowed: PatientRole::ALL.iter().map(|r| r.name()).collect(),
                                },
                            ));
                            break;
                        }
                    }
                }
                roles.sort_unstable();
                roles.dedup();
                roles
            }
        };
        let note = prose_part(
            &mut problems,
            Field::Note,
            self.note.as_deref(),
            Some(&current.note),
            limits::INVOLVEMENT_NOTE,
        );
        let since = match self.since.as_deref().map(str::trim) {
            None => current.since,
            Some("") => None,
            Some(s) => match parse_date(s) {
                Some(d) if d > today => {
                    problems.push(problem(
                        Field::InvolvedSince,
                        Problem::Rule("must not be in the future".into()),
                    ));
                    None
                }
                Some(d) => Some(d),
                None => {
                    problems.push(problem(
                        Field::InvolvedSince,
                        Problem::NotADate {
                            given: s.to_owned(),
                        },
                    ));
                    None
                }
            },
        };
        if problems.is_empty() {
            Ok(InvolvementFields {
                level,
                roles,
                note,
                since,
            })
        } else {
            Err(problems)
        }
    }
}

/// The roles' names, comma-separated, as a history record keeps them ("" for none).
pub fn roles_text(roles: &[PatientRole]) -> String {
    roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(",")
}

/// The history records of a change of a project's involvement: one per changed field
/// ([`Field::Level`] with the levels' names, [`Field::PatientRoles`] with the roles'
/// names comma-separated, [`Field::Note`], [`Field::InvolvedSince`]), none when nothing changed.
pub fn involvement_records(
    project: ProjectId,
    title: &str,
    old: &InvolvementFields,
    new: &InvolvementFields,
) -> Vec<HistoryRecord> {
    let object = || HistoryObject::new(ObjectKind::Project, project.0, title);
    let mut out = Vec::new();
    let some = |s: String| (!s.is_empty()).then_some(s);
    if old.level != new.level {
        out.push(HistoryRecord::changed(
            object(),
            Field::Level,
            Some(old.level.name().to_owned()),
            Some(new.level.name().to_owned()),
        ));
    }
    if old.roles != new.roles {
        out.push(HistoryRecord::changed(
            object(),
            Field::PatientRoles,
            some(roles_text(&old.roles)),
            some(roles_text(&new.roles)),
        ));
    }
    if old.note != new.note {
        out.push(HistoryRecord::changed(
            object(),
            Field::Note,
            some(old.note.clone()),
            some(new.note.clone()),
        ));
    }
    if old.since != new.since {
        out.push(HistoryRecord::changed(
            object(),
            Field::InvolvedSince,
            old.since.map(|d| d.to_string()),
            new.since.map(|d| d.to_string()),
        ));
    }
    out
}

/// Whether a project counts as one "with patient partners": a patient partner is on its team,
/// or patients and carers are involved at [`InvolvementLevel::Involve`] or above (a project
/// may work with patients as partners who hold no account). The share of projects with patient
/// partners, and the board self-assessment's evidence, count projects by this rule.
pub fn partnered(level: InvolvementLevel, patient_partner_on_team: bool) -> bool {
    patient_partner_on_team || level.is_partnership()
}

/// A project, how patients and carers are involved in it, and its patient partners.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectInvolvement {
    /// The project.
    pub project: Project,
    /// What was recorded (level "none yet", version 0, before anything is).
    pub involvement: Involvement,
    /// The patient partners on its team: its members whose role in the project's organisation
    /// is patient partner, by name.
    pub patient_partners: Vec<User>,
    /// What the user may do there.
    pub grant: Grant,
}

impl ProjectInvolvement {
    /// Whether the project counts as one with patient partners ([`partnered`]).
    pub fn partnered(&self) -> bool {
        partnered(
            self.involvement.fields.level,
            !self.patient_partners.is_empty(),
        )
    }
}

/// A project and how patients and carers are involved in it ([`Action::Read`]).
pub async fn project_involvement(
    access: &Access<'_>,
    id: ProjectId,
) -> Result<ProjectInvolvement, AccessError> {
    let (project, grant) = access.project(id, Action::Read).await?.into_parts();
    let store = access.store();
    let involvement = store
        .involvement(id)
        .await?
        .unwrap_or_else(|| Involvement::none_yet(id));
    let partners: Vec<UserId> = store
        .org_members(project.org)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == Role::PatientPartner)
        .map(|(u, _)| u.id)
        .collect();
    let patient_partners = store
        .project_members(id)
        .await?
        .into_iter()
        .filter(|u| partners.contains(&u.id))
        .collect();
    Ok(ProjectInvolvement {
        project,
        involvement,
        patient_partners,
        grant,
    })
}

/// Records how patients and carers are involved in project `id` from `draft`
/// ([`Action::EditProject`]), only while the involvement is at version `expected` (0 before it
/// is first recorded); returns the new version. `today` bounds the date.
pub async fn set_involvement(
    access: &Access<'_>,
    id: ProjectId,
    draft: &InvolvementDraft,
    expected: Version,
    today: NaiveDate,
) -> Result<Version, BoardError> {
    access.project(id, Action::EditProject).await?;
    let store = access.store();
    let current = store
        .involvement(id)
        .await?
        .unwrap_or_else(|| Involvement::none_yet(id));
    let fields = draft
        .apply(&current.fields, today)
        .map_err(BoardError::Invalid)?;
    match store
        .set_involvement(id, &fields, expected, access.user())
        .await
    {
        Err(StoreError::Missing(_)) => Err(AccessError::NotFound.into()),
        other => Ok(other?),
    }
}

/// The most recent changes a person's own view shows for each of their projects.
pub const RECENT_CHANGES: usize = 5;

/// What a measure's chart says now, in plain words for someone who does not read SPC charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainSignal {
    /// Too few values to tell.
    TooEarly,
    /// No real change: the ups and downs are the usual ones.
    NoRealChange,
    /// A real change for the better.
    Better,
    /// A real change for the worse.
    Worse,
    /// A real change, neither better nor worse (no direction set).
    Changed,
}

impl PlainSignal {
    /// The signal of a measure's chart: the Making Data Count variation icon of its latest
    /// point, or, on a run chart, whether the Anhøj runs analysis found a signal (with the
    /// median's last side and the improvement direction telling better from worse).
    pub fn of(chart: Option<&crate::chart::MeasureChart>) -> PlainSignal {
        use gemba_spc::{Improvement, VariationIcon as V};
        let Some(c) = chart else {
            return PlainSignal::TooEarly;
        };
        let r = &c.result;
        if let Some(icon) = r.variation_icon {
            return match icon {
                V::CommonCause => PlainSignal::NoRealChange,
                V::ImprovementHigh | V::ImprovementLow => PlainSignal::Better,
                V::ConcernHigh | V::ConcernLow => PlainSignal::Worse,
                V::NeitherHigh | V::NeitherLow => PlainSignal::Changed,
            };
        }
        match &r.runs {
            Some(runs) if runs.signal => {
                let last = r.points.iter().rev().find_map(|p| {
                    let v = p.y?;
                    let centre = p.lines.centre?;
                    (v != centre).then_some(v > centre)
                });
                match (r.improvement, last) {
                    (Improvement::Increase, Some(true)) | (Improvement::Decrease, Some(false)) => {
                        PlainSignal::Better
                    }
                    (Improvement::Increase, Some(false)) | (Improvement::Decrease, Some(true)) => {
                        PlainSignal::Worse
                    }
                    _ => PlainSignal::Changed,
                }
            }
            Some(runs) if runs.useful_points >= 10 => PlainSignal::NoRealChange,
            _ => PlainSignal::TooEarly,
        }
    }

    /// Stable name for the API.
    pub fn name(self) -> &'static str {
        match self {
            PlainSignal::TooEarly => "too_early",
            PlainSignal::NoRealChange => "no_real_change",
            PlainSignal::Better => "better",
            PlainSignal::Worse => "worse",
            PlainSignal::Changed => "changed",
        }
    }

    /// In a sentence.
    pub fn words(self) -> &'static str {
        match self {
            PlainSignal::TooEarly => "Too early to tell: there are not enough figures yet.",
            PlainSignal::NoRealChange => {
                "No real change yet: the ups and downs are the usual ones."
            }
            PlainSignal::Better => "Getting better: the latest figures show a real improvement.",
            PlainSignal::Worse => {
                "Getting worse: the latest figures show a real change for the worse."
            }
            PlainSignal::Changed => "Something changed: the latest figures are unusual.",
        }
    }
}

/// One of a person's projects as their own view shows it.
#[derive(Debug, Clone)]
pub struct MyProject {
    /// The project.
    pub project: Project,
    /// Its organisation's name.
    pub org_name: String,
    /// How patients and carers are involved in it.
    pub level: InvolvementLevel,
    /// Its PDSA cycles, latest start first.
    pub cycles: Vec<crate::model::PdsaCycle>,
    /// Its measures with what each chart says now.
    pub measures: Vec<(crate::model::Measure, PlainSignal)>,
    /// Its latest changes, newest first, at most [`RECENT_CHANGES`].
    pub recent: Vec<crate::history::HistoryEntry>,
}

/// The projects the user is on the team of, in every organisation they belong to (a patient
/// partner's own view, and anyone's), most recently changed first, each with its cycles, its
/// measures' latest signal in plain words and its latest changes.
pub async fn my_projects(access: &Access<'_>) -> Result<Vec<MyProject>, AccessError> {
    let store = access.store();
    let me = access.user();
    let mut out = Vec::new();
    for org in access.orgs() {
        let org_name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
        let mine: Vec<ProjectId> = store
            .org_project_members(org)
            .await?
            .into_iter()
            .filter(|(_, u)| *u == me)
            .map(|(p, _)| p)
            .collect();
        for id in mine {
            let (project, _) = access.project(id, Action::Read).await?.into_parts();
            let level = store
                .involvement(id)
                .await?
                .map(|i| i.fields.level)
                .unwrap_or_default();
            let mut cycles = store.pdsas(id).await?;
            cycles.sort_by_key(|c| std::cmp::Reverse(c.fields.start_date));
            let mut measures = Vec::new();
            for m in store.measures(id).await? {
                let data = store.data(m.id).await?;
                let chart = if data.iter().any(|p| p.value.is_some()) {
                    crate::chart::measure_chart(&m, &data, &[]).ok()
                } else {
                    None
                };
                measures.push((m, PlainSignal::of(chart.as_ref())));
            }
            let mut recent = store.history(id).await?;
            recent.sort_by_key(|e| std::cmp::Reverse(e.at));
            recent.truncate(RECENT_CHANGES);
            out.push(MyProject {
                project,
                org_name: org_name.clone(),
                level,
                cycles,
                measures,
                recent,
            });
        }
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.project.updated_at));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn draft(level: &str, roles: &[&str], note: &str, since: &str) -> InvolvementDraft {
        InvolvementDraft {
            level: Some(level.into()),
            roles: Some(roles.iter().map(|s| s.to_string()).collect()),
            note: Some(note.into()),
            since: Some(since.into()),
        }
    }

    #[test]
    fn the_ladder_goes_from_none_yet_to_co_production() {
        let names: Vec<&str> = InvolvementLevel::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(
            names,
            ["none_yet", "inform", "consult", "involve", "co_produce"]
        );
        assert_eq!(
            InvolvementLevel::parse("Co-produce"),
            Some(InvolvementLevel::CoProduce)
        );
        assert_eq!(InvolvementLevel::parse("devolve"), None);
        let partners: Vec<bool> = InvolvementLevel::ALL
            .iter()
            .map(|l| l.is_partnership())
            .collect();
        assert_eq!(partners, [false, false, false, true, true]);
    }

    #[test]
    fn a_draft_is_checked_and_its_roles_kept_once_in_order() {
        let today = d(2026, 12, 1);
        let got = draft(
            "co_produce",
            &["carer_representative", "team_member", "team_member", ""],
            "  Two parents on the team  ",
            "2025-10-01",
        )
        .apply(&InvolvementFields::default(), today)
        .unwrap();
        assert_eq!(
            got,
            InvolvementFields {
                level: InvolvementLevel::CoProduce,
                roles: vec![PatientRole::TeamMember, PatientRole::CarerRepresentative],
                note: "Two parents on the team".into(),
                since: Some(d(2025, 10, 1)),
            }
        );
        // Absent keeps the current value; an empty date clears it.
        let kept = InvolvementDraft {
            since: Some(String::new()),
            ..InvolvementDraft::default()
        }
        .apply(&got, today)
        .unwrap();
        assert_eq!(kept.level, InvolvementLevel::CoProduce);
        assert_eq!(kept.roles.len(), 2);
        assert_eq!(kept.since, None);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let long = "x".repeat(limits::INVOLVEMENT_NOTE + 1);
        let e = draft("partner", &["mascot"], &long, "2027-01-01")
            .apply(&InvolvementFields::default(), d(2026, 12, 1))
            .unwrap_err();
        let fields: Vec<Field> = e.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::Level,
                Field::PatientRoles,
                Field::Note,
                Field::InvolvedSince
            ]
        );
        assert_eq!(
            e[0].problem.to_string(),
            "must be one of: none_yet, inform, consult, involve, co_produce"
        );
        let e = draft("inform", &[], "", "soon")
            .apply(&InvolvementFields::default(), d(2026, 12, 1))
            .unwrap_err();
        assert_eq!(
            e[0].problem,
            Problem::NotADate {
                given: "soon".into()
            }
        );
    }

    #[test]
    fn a_change_is_one_record_per_changed_field() {
        let old = InvolvementFields::default();
        let new = InvolvementFields {
            level: InvolvementLevel::Consult,
            roles: vec![PatientRole::TestsChanges, PatientRole::ReviewsMaterials],
            note: String::new(),
            since: Some(d(2026, 3, 1)),
        };
        let r = involvement_records(ProjectId(4), "Falls", &old, &new);
        let got: Vec<(Option<Field>, Option<&str>, Option<&str>)> = r
            .iter()
            .map(|r| (r.field, r.old.as_deref(), r.new.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(Field::Level), Some("none_yet"), Some("consult")),
                (
                    Some(Field::PatientRoles),
                    None,
                    Some("tests_changes,reviews_materials")
                ),
                (Some(Field::InvolvedSince), None, Some("2026-03-01")),
            ]
        );
        assert!(involvement_records(ProjectId(4), "Falls", &new, &new).is_empty());
    }

    /// 12 months at 10 then 8 at `after` (a shift of 8 points on one side of the mean when
    /// `after` differs), on an XmR chart whose improvement is a decrease.
    fn signal_after(after: f64) -> PlainSignal {
        let m = crate::entry::doc_example_measure(gemba_spc::ChartType::Xmr);
        let data: Vec<crate::model::DataPoint> = (0..20u32)
            .map(|k| crate::model::DataPoint {
                date: d(2024 + (k / 12) as i32, k % 12 + 1, 1),
                value: Some(if k < 12 {
                    10.0 + f64::from(k % 3) - 1.0
                } else {
                    after + f64::from(k % 3) - 1.0
                }),
                denominator: None,
            })
            .collect();
        let chart = crate::chart::measure_chart(&m, &data, &[]).unwrap();
        PlainSignal::of(Some(&chart))
    }

    #[test]
    fn a_chart_is_read_in_plain_words() {
        assert_eq!(PlainSignal::of(None), PlainSignal::TooEarly);
        // Lower is better for the example measure: a shift down is better, up is worse.
        assert_eq!(signal_after(4.0), PlainSignal::Better);
        assert_eq!(signal_after(16.0), PlainSignal::Worse);
        assert_eq!(signal_after(10.0), PlainSignal::NoRealChange);
        assert!(PlainSignal::Better.words().starts_with("Getting better"));
    }
}
