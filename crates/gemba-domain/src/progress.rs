//! A project's progress read from its record: the IHI 0.5–5.0 progress scale with the evidence
//! behind each step, whether the work has stalled, and the quality of its PDSA method (Taylor
//! et al. 2014, "Systematic review of the application of the plan–do–study–act method to
//! improve quality in healthcare", BMJ Qual Saf 23:290–298).
//!
//! Everything here but [`project_progress`] is pure: the facts are gathered once from the
//! store ([`gather`]) and the judgements are functions of the facts, so that the project page,
//! the API and the portfolio agree.

use chrono::{Months, NaiveDate};
use gemba_spc::{Improvement, PointVariation, VariationIcon};

use crate::access::{Access, AccessError, Action};
use crate::assessment::percent;
use crate::chart::measure_chart;
use crate::draft::{Field, FieldProblem, Problem, Problems};
use crate::model::{DataPoint, Measure, MeasureType, PdsaCycle, Project, ProjectId, Version};
use crate::period::Period;
use crate::store::StoreError;

/// How many values an outcome measure needs before its baseline counts: the number *Making
/// Data Count* asks for before control limits can be trusted (12).
pub const BASELINE_POINTS: usize = gemba_spc::Rules::MDC.min_points_for_limits;

/// How many values a phase after a rebase needs before an improvement held over it counts as
/// sustained: as many as a baseline ([`BASELINE_POINTS`]).
pub const SUSTAIN_POINTS: usize = BASELINE_POINTS;

/// How many weeks without new data or PDSA activity before a project is flagged as stalled,
/// unless its organisation chose otherwise.
pub const DEFAULT_STALL_WEEKS: u32 = 6;

/// What one measure's chart tells the progress ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeasureSignal {
    /// The measure's values (points with a value).
    pub values: usize,
    /// The chart shows improvement: its variation icon (read from the latest point) is special
    /// cause improvement, or the improvement was [`MeasureSignal::sustained`].
    pub improvement: bool,
    /// The improvement held over a phase: the chart was rebased at least once, and its last
    /// phase has at least [`SUSTAIN_POINTS`] values, a centre line better (in the measure's
    /// improvement direction) than the phase before's, and no point of special cause concern.
    pub sustained: bool,
}

impl MeasureSignal {
    /// Reads a measure's chart (computed with [`measure_chart`], as the dashboard does); a
    /// measure whose chart cannot be drawn shows nothing but its count of values.
    pub fn of(measure: &Measure, data: &[DataPoint]) -> MeasureSignal {
        let values = data.iter().filter(|p| p.value.is_some()).count();
        let Ok(chart) = measure_chart(measure, data, &[]) else {
            return MeasureSignal {
                values,
                ..MeasureSignal::default()
            };
        };
        let r = &chart.result;
        let icon = matches!(
            r.variation_icon,
            Some(VariationIcon::ImprovementHigh | VariationIcon::ImprovementLow)
        );
        let last = r.points.iter().map(|p| p.phase).max().unwrap_or(1);
        let centre = |phase: usize| {
            r.points
                .iter()
                .filter(|p| p.phase == phase)
                .find_map(|p| p.lines.centre)
        };
        let in_last: Vec<_> = r.points.iter().filter(|p| p.phase == last).collect();
        let better = match (centre(last.saturating_sub(1)), centre(last), r.improvement) {
            (Some(before), Some(now), Improvement::Increase) => now > before,
            (Some(before), Some(now), Improvement::Decrease) => now < before,
            _ => false,
        };
        let sustained = last > 1
            && better
            && in_last.iter().filter(|p| p.y.is_some()).count() >= SUSTAIN_POINTS
            && !in_last
                .iter()
                .any(|p| p.variation == PointVariation::SpecialCauseConcern);
        MeasureSignal {
            values,
            improvement: icon || sustained,
            sustained,
        }
    }
}

/// The facts about a project that its progress is read from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressEvidence {
    /// The project has an aim (not blank).
    pub aim: bool,
    /// The project has a lead or anyone on its team.
    pub team: bool,
    /// Its outcome measures, read from their charts.
    pub outcome: Vec<MeasureSignal>,
    /// Its process measures, read from their charts.
    pub process: Vec<MeasureSignal>,
    /// PDSA cycles that have started (start date on or before today).
    pub cycles_started: usize,
    /// Cycles whose change was tested: a study written or an act decision taken.
    pub cycles_tested: usize,
    /// How many other teams or organisations have adopted the project's change package (live
    /// adopting projects outside its own team; see [`crate::spreads`]).
    pub adopted_elsewhere: usize,
}

/// One step of the progress ladder: the score it earns and the evidence it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// 1.0: an aim is written and a team is set (a lead or members).
    AimAndTeam,
    /// 1.5: an outcome measure has a baseline of at least [`BASELINE_POINTS`] values.
    Baseline,
    /// 2.0: at least one PDSA cycle has started.
    CyclesStarted,
    /// 2.5: at least one change was tested: a cycle has its study or act recorded.
    ChangesTested,
    /// 3.0: a process measure shows special cause improvement.
    ProcessImprovement,
    /// 3.5: an outcome measure shows special cause improvement.
    OutcomeImprovement,
    /// 4.0: a process and an outcome measure both show improvement: the changes and the
    /// outcome move together.
    Significant,
    /// 4.5: an outcome measure's improvement is sustained over a phase (see
    /// [`MeasureSignal::sustained`]).
    Sustained,
    /// 5.0: the change has spread: at least one other team or organisation has adopted the
    /// project's change package (its status alone is not evidence).
    Spread,
}

impl Step {
    /// Every step, lowest first.
    pub const ALL: [Step; 9] = [
        Step::AimAndTeam,
        Step::Baseline,
        Step::CyclesStarted,
        Step::ChangesTested,
        Step::ProcessImprovement,
        Step::OutcomeImprovement,
        Step::Significant,
        Step::Sustained,
        Step::Spread,
    ];

    /// Stable name, as in the API: `aim_and_team`, `baseline`, …
    pub fn name(self) -> &'static str {
        match self {
            Step::AimAndTeam => "aim_and_team",
            Step::Baseline => "baseline",
            Step::CyclesStarted => "cycles_started",
            Step::ChangesTested => "changes_tested",
            Step::ProcessImprovement => "process_improvement",
            Step::OutcomeImprovement => "outcome_improvement",
            Step::Significant => "significant",
            Step::Sustained => "sustained",
            Step::Spread => "spread",
        }
    }

    /// The score the step earns (1.0 to 5.0 in halves).
    pub fn score(self) -> f32 {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        1.0 + 0.5 * i as f32
    }

    /// The step for people: "Aim and team set".
    pub fn label(self) -> &'static str {
        match self {
            Step::AimAndTeam => "Aim and team set",
            Step::Baseline => "Baseline data on an outcome measure",
            Step::CyclesStarted => "PDSA cycles started",
            Step::ChangesTested => "Changes tested",
            Step::ProcessImprovement => "Improvement on a process measure",
            Step::OutcomeImprovement => "Improvement on an outcome measure",
            Step::Significant => "Improvement on process and outcome measures together",
            Step::Sustained => "Improvement sustained over a phase",
            Step::Spread => "Adopted by another team or organisation",
        }
    }

    /// Whether the evidence shows the step (on its own, whatever the steps below).
    pub fn met(self, e: &ProgressEvidence) -> bool {
        let process = e.process.iter().any(|m| m.improvement);
        let outcome = e.outcome.iter().any(|m| m.improvement);
        match self {
            Step::AimAndTeam => e.aim && e.team,
            Step::Baseline => e.outcome.iter().any(|m| m.values >= BASELINE_POINTS),
            Step::CyclesStarted => e.cycles_started > 0,
            Step::ChangesTested => e.cycles_tested > 0,
            Step::ProcessImprovement => process,
            Step::OutcomeImprovement => outcome,
            Step::Significant => process && outcome,
            Step::Sustained => e.outcome.iter().any(|m| m.sustained),
            Step::Spread => e.adopted_elsewhere > 0,
        }
    }
}

/// The lowest score, for intent alone: a project exists.
pub const INTENT: f32 = 0.5;

/// A project's progress as derived from its record.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The score, 0.5 to 5.0 in halves.
    pub score: f32,
    /// Every step, lowest first, with whether the evidence shows it.
    pub steps: Vec<(Step, bool)>,
}

/// Derives a project's progress: the score is that of the highest step reached by climbing
/// the ladder from the bottom without a gap (0.5, intent, when the first step is not met), so a
/// project with an improving outcome but no baseline scores 1.0, not 3.5; the steps show all the
/// evidence, met or not, so a team sees what a gap holds back.
///
/// Our mapping of IHI's scale onto the record: 1.0 charter and team (aim and team set), 1.5
/// planning (a baseline on an outcome measure), 2.0 activity (cycles started), 2.5 changes
/// tested (a study or act recorded), 3.0 modest improvement (a process measure improves), 3.5
/// improvement (an outcome measure improves), 4.0 significant improvement (both), 4.5
/// sustainable improvement (held over a phase of an outcome measure), 5.0 outstanding
/// sustainable results (adopted by another team or organisation: spread).
pub fn derive_progress(e: &ProgressEvidence) -> Progress {
    let steps: Vec<(Step, bool)> = Step::ALL.iter().map(|s| (*s, s.met(e))).collect();
    let score = steps
        .iter()
        .take_while(|(_, met)| *met)
        .last()
        .map_or(INTENT, |(s, _)| s.score());
    Progress { score, steps }
}

/// Whether a project has stalled on `today`: its latest activity is more than `weeks` weeks
/// before (exactly `weeks` weeks is not yet stalled). Without any activity it has not stalled
/// (callers date a project's activity from its creation at the earliest).
pub fn stalled(last_activity: Option<NaiveDate>, today: NaiveDate, weeks: u32) -> bool {
    last_activity.is_some_and(|d| (today - d).num_days() > 7 * i64::from(weeks))
}

/// What one PDSA cycle tells the method's quality.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CycleFacts {
    /// Its start date.
    pub start: Option<NaiveDate>,
    /// A prediction is written.
    pub prediction: bool,
    /// The history shows the prediction written after the study (so not a prediction).
    pub prediction_after_study: bool,
    /// It follows another cycle or another follows it.
    pub linked: bool,
    /// Its scale is recorded.
    pub scale: bool,
}

/// The quality of a project's PDSA method (Taylor et al. 2014): of `cycles`, how many show
/// each feature. Each share is [`percent`] of the count over `cycles` (0 when there are none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MethodQuality {
    /// Cycles counted (every live cycle of the project).
    pub cycles: usize,
    /// Cycles with a prediction written before the study: a non-empty prediction, unless the
    /// history shows it first written after the study. A cycle created with both at once
    /// counts (the record cannot tell which was thought of first).
    pub predicted: usize,
    /// Iterative cycles: linked in a ramp (it follows a cycle, or one follows it).
    pub iterative: usize,
    /// Cycles whose scale is recorded.
    pub scaled: usize,
    /// Cycles with data at least monthly: one of the project's measures has a value dated in
    /// the month the cycle started and in the month after (months after today's not asked).
    pub monthly_data: usize,
}

impl MethodQuality {
    /// Counts the features over `cycles`; `data_dates` are the dates of the values of all the
    /// project's measures; `today` bounds the months asked for.
    pub fn of(cycles: &[CycleFacts], data_dates: &[NaiveDate], today: NaiveDate) -> MethodQuality {
        let month = |d: NaiveDate| Period::Month.start(d);
        let mut months: Vec<NaiveDate> = data_dates.iter().map(|d| month(*d)).collect();
        months.sort_unstable();
        months.dedup();
        let monthly = |c: &CycleFacts| {
            c.start.is_some_and(|s| {
                let first = month(s);
                let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
                [first, next]
                    .into_iter()
                    .filter(|m| *m <= month(today))
                    .all(|m| months.binary_search(&m).is_ok())
            })
        };
        MethodQuality {
            cycles: cycles.len(),
            predicted: cycles
                .iter()
                .filter(|c| c.prediction && !c.prediction_after_study)
                .count(),
            iterative: cycles.iter().filter(|c| c.linked).count(),
            scaled: cycles.iter().filter(|c| c.scale).count(),
            monthly_data: cycles.iter().filter(|c| monthly(c)).count(),
        }
    }

    /// The method's quality across several projects (the portfolio): the counts added, so
    /// each share is of all their cycles together (a project with many cycles weighs more).
    pub fn total<'a>(each: impl IntoIterator<Item = &'a MethodQuality>) -> MethodQuality {
        each.into_iter()
            .fold(MethodQuality::default(), |t, q| MethodQuality {
                cycles: t.cycles + q.cycles,
                predicted: t.predicted + q.predicted,
                iterative: t.iterative + q.iterative,
                scaled: t.scaled + q.scaled,
                monthly_data: t.monthly_data + q.monthly_data,
            })
    }

    /// The features in order, for people, with count and share: "Prediction before study",
    /// "Iterative (linked)", "Scale recorded", "Data at least monthly".
    pub fn rows(&self) -> [(&'static str, &'static str, usize, usize); 4] {
        let row = |n: usize| (n, percent(n, self.cycles));
        let (p, pp) = row(self.predicted);
        let (i, ip) = row(self.iterative);
        let (s, sp) = row(self.scaled);
        let (m, mp) = row(self.monthly_data);
        [
            ("predicted", "Prediction before study", p, pp),
            ("iterative", "Iterative (linked to another cycle)", i, ip),
            ("scaled", "Scale recorded", s, sp),
            ("monthly_data", "Data at least monthly", m, mp),
        ]
    }
}

/// Everything the progress section shows about one project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectProgress {
    /// The project.
    pub project: ProjectId,
    /// Its version (an override is written against it).
    pub version: Version,
    /// The facts.
    pub evidence: ProgressEvidence,
    /// The progress derived from them.
    pub derived: Progress,
    /// The score the project's lead set over the derived one, if any.
    pub assessed: Option<ProgressOverride>,
    /// The latest activity: the latest of the dates of its data and the start dates of its
    /// cycles (not after today); for a project with neither, the day it was created. Activity is
    /// dated by the record (the period a value is for, the day a cycle started), not by when
    /// it was typed: the store keeps no entry date per point, and a backlog loaded today does
    /// not make old work current.
    pub last_activity: Option<NaiveDate>,
    /// Weeks without activity before it is stalled (its organisation's setting).
    pub stall_weeks: u32,
    /// Whether it has stalled ([`stalled`]).
    pub stalled: bool,
    /// Its measures whose data are overdue for their period, by name.
    pub overdue: Vec<String>,
    /// The quality of its PDSA method.
    pub method: MethodQuality,
}

/// The facts of one project, as of `today`, from its measures with their data and its cycles;
/// `team` says whether it has a lead or members, `adopted_elsewhere` how many other teams or
/// organisations adopted its change package.
#[allow(clippy::too_many_arguments)] // the facts of one project, each read once by the caller
pub fn gather(
    project: &Project,
    team: bool,
    measures: &[(Measure, Vec<DataPoint>)],
    cycles: &[PdsaCycle],
    prediction_after_study: &[crate::model::PdsaId],
    adopted_elsewhere: usize,
    today: NaiveDate,
    stall_weeks: u32,
) -> ProjectProgress {
    let signals = |kind: MeasureType| {
        measures
            .iter()
            .filter(|(m, _)| m.kind == kind)
            .map(|(m, d)| MeasureSignal::of(m, d))
            .collect::<Vec<_>>()
    };
    let started: Vec<&PdsaCycle> = cycles
        .iter()
        .filter(|c| c.fields.start_date.is_some_and(|s| s <= today))
        .collect();
    let evidence = ProgressEvidence {
        aim: !project.aim.trim().is_empty(),
        team,
        outcome: signals(MeasureType::Outcome),
        process: signals(MeasureType::Process),
        cycles_started: started.len(),
        cycles_tested: cycles
            .iter()
            .filter(|c| !c.fields.study.trim().is_empty() || c.fields.act.is_some())
            .count(),
        adopted_elsewhere,
    };
    let data_dates: Vec<NaiveDate> = measures
        .iter()
        .flat_map(|(_, d)| d.iter().filter(|p| p.value.is_some()).map(|p| p.date))
        .collect();
    let last_activity = data_dates
        .iter()
        .copied()
        .chain(started.iter().filter_map(|c| c.fields.start_date))
        .filter(|d| *d <= today)
        .max()
        .or(Some(project.created_at.date()));
    let overdue = measures
        .iter()
        .filter_map(|(m, d)| {
            let latest = d
                .iter()
                .filter(|p| p.value.is_some())
                .map(|p| p.date)
                .max()?;
            m.chart
                .period
                .overdue(latest, today)
                .then(|| m.name.clone())
        })
        .collect();
    let facts: Vec<CycleFacts> = cycles
        .iter()
        .map(|c| CycleFacts {
            start: c.fields.start_date,
            prediction: !c.fields.prediction.trim().is_empty(),
            prediction_after_study: prediction_after_study.contains(&c.id)
                && !c.fields.study.trim().is_empty(),
            linked: c.fields.follows.is_some()
                || cycles.iter().any(|o| o.fields.follows == Some(c.id)),
            scale: !c.fields.scale.trim().is_empty(),
        })
        .collect();
    ProjectProgress {
        project: project.id,
        version: project.version,
        derived: derive_progress(&evidence),
        assessed: None,
        evidence,
        last_activity,
        stall_weeks,
        stalled: stalled(last_activity, today, stall_weeks),
        overdue,
        method: MethodQuality::of(&facts, &data_dates, today),
    }
}

/// Cycles whose prediction the history may show first written after their study: the first
/// record giving the prediction a value is later than the first giving the study one, or the
/// study has no such record (it was written when the cycle was created, or not at all: [`gather`]
/// counts only cycles that have a study). A prediction given at creation has no record and
/// counts as written first.
pub fn predictions_after_study(
    history: &[crate::history::HistoryEntry],
) -> Vec<crate::model::PdsaId> {
    use crate::history::{Action as Did, Field, ObjectKind};
    let mut first: Vec<(i64, Field, chrono::NaiveDateTime)> = Vec::new();
    for e in history {
        let Some(r) = e.record() else { continue };
        if r.object.kind != ObjectKind::PdsaCycle || r.action != Did::Changed {
            continue;
        }
        let Some(f @ (Field::Prediction | Field::Study)) = r.field else {
            continue;
        };
        if r.old.is_some() || r.new.is_none() {
            continue;
        }
        match first
            .iter_mut()
            .find(|(id, g, _)| *id == r.object.id && *g == f)
        {
            Some((_, _, at)) => *at = (*at).min(e.at),
            None => first.push((r.object.id, f, e.at)),
        }
    }
    let at = |id: i64, f: Field| {
        first
            .iter()
            .find(|(i, g, _)| *i == id && *g == f)
            .map(|(_, _, at)| *at)
    };
    first
        .iter()
        .filter(|(_, f, _)| *f == Field::Prediction)
        .filter_map(|(id, _, p)| {
            // A study with no record of its own was written at creation, before any change.
            let study_first = at(*id, Field::Study).is_none_or(|s| s < *p);
            study_first.then_some(crate::model::PdsaId(*id))
        })
        .collect()
}

/// A project's progress for the project page, the API and the portfolio, as of `today`
/// ([`Action::Read`]).
pub async fn project_progress(
    access: &Access<'_>,
    id: ProjectId,
    today: NaiveDate,
) -> Result<ProjectProgress, AccessError> {
    let project = access.project(id, Action::Read).await?.into_parts().0;
    let store = access.store();
    let weeks = store.stall_weeks(project.org).await?;
    Ok(progress_of(store, &project, today, weeks).await?)
}

/// A project's progress from the store, for callers that already checked access (the
/// portfolio, per project of an organisation it may read).
pub async fn progress_of(
    store: &dyn crate::store::Store,
    project: &Project,
    today: NaiveDate,
    stall_weeks: u32,
) -> Result<ProjectProgress, StoreError> {
    let team = project.lead.is_some() || !store.project_members(project.id).await?.is_empty();
    let mut measures = Vec::new();
    for m in store.measures(project.id).await? {
        let data = store.data(m.id).await?;
        measures.push((m, data));
    }
    let cycles = store.pdsas(project.id).await?;
    progress_given(store, project, team, &measures, &cycles, today, stall_weeks).await
}

/// [`progress_of`] for a caller that has already read the project's measures with their data
/// and its cycles (the portfolio), so that they are not read twice; `team` says whether it has a
/// lead or members. Reads only its history and its override.
pub async fn progress_given(
    store: &dyn crate::store::Store,
    project: &Project,
    team: bool,
    measures: &[(Measure, Vec<DataPoint>)],
    cycles: &[PdsaCycle],
    today: NaiveDate,
    stall_weeks: u32,
) -> Result<ProjectProgress, StoreError> {
    let late = predictions_after_study(&store.history(project.id).await?);
    let adopted = store
        .adoptions_of(project.id)
        .await?
        .iter()
        .filter(|a| crate::spread::spreads(project, a))
        .count();
    let mut progress = gather(
        project,
        team,
        measures,
        cycles,
        &late,
        adopted,
        today,
        stall_weeks,
    );
    progress.assessed = store.progress_override(project.id).await?;
    Ok(progress)
}

/// A progress score on IHI's scale: 0.5 to 5.0 in halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    /// Every score, lowest first.
    pub fn all() -> impl Iterator<Item = Score> {
        (1..=10).map(Score)
    }

    /// The score of `value` if it is one of 0.5, 1.0, … 5.0.
    pub fn new(value: f64) -> Option<Score> {
        let halves = value * 2.0;
        (halves.fract() == 0.0 && (1.0..=10.0).contains(&halves)).then_some(Score(halves as u8))
    }

    /// The score of `tenths` (5 to 50 in fives), as stored.
    pub fn from_tenths(tenths: i64) -> Option<Score> {
        (tenths % 5 == 0 && (5..=50).contains(&tenths)).then_some(Score((tenths / 5) as u8))
    }

    /// The score in tenths (5 to 50), as stored.
    pub fn tenths(self) -> i64 {
        i64::from(self.0) * 5
    }

    /// The score as a number.
    pub fn value(self) -> f32 {
        f32::from(self.0) / 2.0
    }
}

impl std::fmt::Display for Score {
    /// "3.5", "4.0".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1}", self.value())
    }
}

/// Every score as written: `0.5` to `5.0`.
pub const SCORES: [&str; 10] = [
    "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0",
];

/// The most characters of the reason for a progress override.
pub const OVERRIDE_REASON: usize = crate::limits::REBASE_REASON;

/// A project's progress score as its lead set it over the derived one.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressOverride {
    /// The score.
    pub score: Score,
    /// Why.
    pub reason: String,
    /// Who set it, unless they were removed since.
    pub by: Option<crate::model::UserId>,
    /// Who set it (display name; "a removed user" when removed).
    pub who: String,
    /// When.
    pub at: chrono::NaiveDateTime,
}

/// A progress override as sent by the form or the API: the score as typed and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverrideDraft {
    /// 0.5 to 5.0 in halves.
    pub score: String,
    /// Why the derived score is not the right one (required).
    pub reason: String,
}

impl OverrideDraft {
    /// The score and the trimmed reason, or every problem by field.
    pub fn apply(&self) -> Result<(Score, String), Problems> {
        let mut problems = Vec::new();
        let mut problem = |field, problem| {
            problems.push(FieldProblem {
                field,
                index: None,
                problem,
            })
        };
        let given = self.score.trim();
        let score = if given.is_empty() {
            problem(Field::Score, Problem::Missing);
            None
        } else {
            match given.parse::<f64>() {
                Ok(v) => Score::new(v).or_else(|| {
                    problem(
                        Field::Score,
                        Problem::NotOneOf {
                            allowed: SCORES.to_vec(),
                        },
                    );
                    None
                }),
                Err(_) => {
                    problem(
                        Field::Score,
                        Problem::NotANumber {
                            given: given.to_owned(),
                        },
                    );
                    None
                }
            }
        };
        let reason = self.reason.trim();
        if reason.is_empty() {
            problem(Field::Reason, Problem::Missing);
        } else if reason.chars().count() > OVERRIDE_REASON {
            problem(
                Field::Reason,
                Problem::TooLong {
                    max: OVERRIDE_REASON,
                },
            );
        }
        match score {
            Some(score) if problems.is_empty() => Ok((score, reason.to_owned())),
            _ => Err(problems),
        }
    }
}

/// The history record of a change of a project's progress override: field
/// [`Field::Score`], the old and new scores ("3.5"; none when cleared or not set), and the
/// reason given (none when cleared).
pub fn override_record(
    project: ProjectId,
    title: &str,
    old: Option<Score>,
    new: Option<(Score, &str)>,
) -> crate::HistoryRecord {
    let mut r = crate::HistoryRecord::changed(
        crate::history::HistoryObject::new(crate::history::ObjectKind::Project, project.0, title),
        Field::Score,
        old.map(|s| s.to_string()),
        new.map(|(s, _)| s.to_string()),
    );
    r.reason = new.map(|(_, why)| why.to_owned());
    r
}

/// Why a progress use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// No such project for this user, or their role may not (see [`AccessError`]).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// What was sent is not valid; every problem, by field.
    #[error("invalid: {0:?}")]
    Invalid(Problems),
}

impl From<StoreError> for ProgressError {
    fn from(e: StoreError) -> Self {
        ProgressError::Access(AccessError::Store(e))
    }
}

/// Sets a project's progress override from `draft`, or clears it with `None`
/// ([`Action::AssessProgress`]), while the project is at version `expected`; returns the new
/// version.
pub async fn set_progress_override(
    access: &Access<'_>,
    id: ProjectId,
    draft: Option<&OverrideDraft>,
    expected: Version,
) -> Result<Version, ProgressError> {
    access.project(id, Action::AssessProgress).await?;
    let given = draft
        .map(OverrideDraft::apply)
        .transpose()
        .map_err(ProgressError::Invalid)?;
    Ok(access
        .store()
        .set_progress_override(
            id,
            given.as_ref().map(|(s, why)| (*s, why.as_str())),
            expected,
            access.user(),
        )
        .await?)
}

/// Sets the weeks without activity before `org`'s projects are stalled, from what was typed
/// (a whole number from 1 to 52; [`Action::ManageOrganisation`]); returns them.
pub async fn set_stall_weeks(
    access: &Access<'_>,
    org: crate::model::OrgId,
    given: &str,
) -> Result<u32, ProgressError> {
    access.org(org, Action::ManageOrganisation)?;
    let weeks = given
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|w| (1..=52).contains(w))
        .ok_or_else(|| {
            ProgressError::Invalid(vec![FieldProblem {
                field: Field::StallWeeks,
                index: None,
                problem: Problem::NotAWholeNumber { min: 1, max: 52 },
            }])
        })?;
    access.store().set_stall_weeks(org, weeks).await?;
    Ok(weeks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{HistoryEntry, HistoryObject, HistoryRecord, HistoryWhat, ObjectKind};
    use crate::model::{ChartSettings, MeasureId, PdsaId, Rebase};
    use gemba_spc::ChartType;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn signal(values: usize, improvement: bool, sustained: bool) -> MeasureSignal {
        MeasureSignal {
            values,
            improvement,
            sustained,
        }
    }

    fn nothing() -> ProgressEvidence {
        ProgressEvidence {
            aim: false,
            team: false,
            outcome: vec![],
            process: vec![],
            cycles_started: 0,
            cycles_tested: 0,
            adopted_elsewhere: 0,
        }
    }

    fn met(p: &Progress) -> Vec<&'static str> {
        p.steps
            .iter()
            .filter(|(_, m)| *m)
            .map(|(s, _)| s.name())
            .collect()
    }

    #[test]
    fn steps_score_one_to_five_in_halves() {
        let scores: Vec<f32> = Step::ALL.iter().map(|s| s.score()).collect();
        assert_eq!(scores, [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]);
    }

    #[test]
    fn the_ladder_is_climbed_from_the_bottom_without_a_gap() {
        // Nothing: intent only.
        assert_eq!(derive_progress(&nothing()).score, 0.5);
        // An aim without a team is not the first step.
        let aim = ProgressEvidence {
            aim: true,
            ..nothing()
        };
        assert_eq!(derive_progress(&aim).score, 0.5);
        let chartered = ProgressEvidence { team: true, ..aim };
        assert_eq!(derive_progress(&chartered).score, 1.0);
        // 11 outcome values are not a baseline; 12 are.
        let eleven = ProgressEvidence {
            outcome: vec![signal(11, false, false)],
            ..chartered.clone()
        };
        assert_eq!(derive_progress(&eleven).score, 1.0);
        let tested = ProgressEvidence {
            outcome: vec![signal(12, false, false)],
            cycles_started: 2,
            cycles_tested: 1,
            ..chartered.clone()
        };
        assert_eq!(derive_progress(&tested).score, 2.5);
        // An improving outcome with no improving process measure: the evidence shows it, the
        // score stays at 2.5 (the process step is the gap).
        let outcome_only = ProgressEvidence {
            outcome: vec![signal(20, true, false)],
            process: vec![signal(20, false, false)],
            ..tested.clone()
        };
        let p = derive_progress(&outcome_only);
        assert_eq!(p.score, 2.5);
        assert_eq!(
            met(&p),
            [
                "aim_and_team",
                "baseline",
                "cycles_started",
                "changes_tested",
                "outcome_improvement"
            ]
        );
        let both = ProgressEvidence {
            process: vec![signal(20, true, false)],
            ..outcome_only.clone()
        };
        assert_eq!(derive_progress(&both).score, 4.0);
        let sustained = ProgressEvidence {
            outcome: vec![signal(30, true, true)],
            ..both.clone()
        };
        assert_eq!(derive_progress(&sustained).score, 4.5);
        // A status of "spreading" is a claim, not evidence: no adoption, no 5.0.
        assert_eq!(derive_progress(&sustained).score, 4.5);
        let spread = ProgressEvidence {
            adopted_elsewhere: 1,
            ..sustained
        };
        let p = derive_progress(&spread);
        assert_eq!(p.score, 5.0);
        assert_eq!(p.steps.len(), 9);
        assert!(p.steps.iter().all(|(_, m)| *m));
        // A process measure improving is 3.0 without an outcome improvement.
        let process = ProgressEvidence {
            process: vec![signal(20, true, false)],
            ..tested
        };
        assert_eq!(derive_progress(&process).score, 3.0);
    }

    #[test]
    fn stalled_after_more_than_the_weeks_without_activity() {
        let last = d(2026, 10, 1);
        // Six weeks is 42 days: 12 November is exactly six weeks later.
        assert!(!stalled(Some(last), d(2026, 11, 12), 6));
        assert!(stalled(Some(last), d(2026, 11, 13), 6));
        assert!(!stalled(Some(last), d(2026, 11, 13), 7));
        assert!(!stalled(None, d(2026, 11, 13), 6));
    }

    fn cycle(start: NaiveDate, prediction: bool, linked: bool) -> CycleFacts {
        CycleFacts {
            start: Some(start),
            prediction,
            prediction_after_study: false,
            linked,
            scale: false,
        }
    }

    #[test]
    fn method_quality_counts_by_hand() {
        let cycles = [
            // Data in March and April: monthly.
            cycle(d(2026, 3, 10), true, true),
            // Data in April but not May: not monthly.
            cycle(d(2026, 4, 2), true, true),
            // Prediction written after the study: not counted as predicted.
            CycleFacts {
                prediction_after_study: true,
                scale: true,
                ..cycle(d(2026, 6, 30), true, false)
            },
            // Started this month (July): only July is asked for, and it has data.
            cycle(d(2026, 7, 1), false, false),
        ];
        let data = [d(2026, 3, 1), d(2026, 4, 1), d(2026, 6, 1), d(2026, 7, 1)];
        let q = MethodQuality::of(&cycles, &data, d(2026, 7, 20));
        assert_eq!(
            q,
            MethodQuality {
                cycles: 4,
                predicted: 2,
                iterative: 2,
                scaled: 1,
                // March+April yes; April+May no; June+July yes; July yes.
                monthly_data: 3,
            }
        );
        let rows = q.rows();
        assert_eq!((rows[0].2, rows[0].3), (2, 50));
        assert_eq!((rows[2].2, rows[2].3), (1, 25));
        assert_eq!((rows[3].2, rows[3].3), (3, 75));
        assert_eq!(MethodQuality::of(&[], &data, d(2026, 7, 20)).rows()[0].3, 0);
        // Across two projects: 4 + 1 cycles, 2 + 1 predicted: 3 of 5, 60%.
        let other = MethodQuality {
            cycles: 1,
            predicted: 1,
            iterative: 0,
            scaled: 0,
            monthly_data: 1,
        };
        let all = MethodQuality::total([&q, &other]);
        assert_eq!((all.cycles, all.predicted, all.monthly_data), (5, 3, 4));
        assert_eq!(all.rows()[0].3, 60);
        assert_eq!(all.rows()[3].3, 80);
    }

    fn measure(rebase: Option<NaiveDate>) -> Measure {
        Measure {
            id: MeasureId(1),
            project: ProjectId(1),
            name: "Falls".into(),
            kind: MeasureType::Outcome,
            definition: String::new(),
            unit: String::new(),
            data_source: String::new(),
            denominator_label: String::new(),
            chart: ChartSettings {
                chart: ChartType::Xmr,
                improvement: Improvement::Decrease,
                target: None,
                rules: "mdc".into(),
                rebase: rebase
                    .into_iter()
                    .map(|date| Rebase {
                        date,
                        reason: "New policy".into(),
                    })
                    .collect(),
                fix_after: None,
                period: Period::Month,
                multiplier: crate::Multiplier::ONE,
            },
            version: Version(1),
        }
    }

    /// Monthly points from January 2024, the values given.
    fn points(values: &[f64]) -> Vec<DataPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| DataPoint {
                date: d(2024, 1, 1)
                    .checked_add_months(Months::new(i as u32))
                    .unwrap_or_default(),
                value: Some(*v),
                denominator: None,
            })
            .collect()
    }

    const BASE: [f64; 12] = [
        10.0, 11.0, 9.0, 10.0, 12.0, 8.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0,
    ];
    const LOWER: [f64; 12] = [5.0, 6.0, 4.0, 5.0, 6.0, 4.0, 5.0, 6.0, 4.0, 5.0, 6.0, 4.0];

    #[test]
    fn a_shift_down_on_a_falls_chart_is_improvement_and_held_after_a_rebase_is_sustained() {
        // Twelve points around 10, then seven around 5: a shift in the better direction.
        let values: Vec<f64> = BASE.iter().chain(&LOWER[..7]).copied().collect();
        let s = MeasureSignal::of(&measure(None), &points(&values));
        assert_eq!(s, signal(19, true, false));
        // Rebased at the shift (January 2025), twelve points of the lower level: the last
        // phase's mean (5) is below the first's (10), with no concern: sustained.
        let values: Vec<f64> = BASE.iter().chain(&LOWER).copied().collect();
        let s = MeasureSignal::of(&measure(Some(d(2025, 1, 1))), &points(&values));
        assert_eq!(s, signal(24, true, true));
        // Only eleven points since the rebase: not yet sustained, and the icon of the last
        // phase is common cause.
        let s = MeasureSignal::of(&measure(Some(d(2025, 1, 1))), &points(&values[..23]));
        assert_eq!(s, signal(23, false, false));
        // Rebased onto a worse level (going up on falls): not sustained.
        let higher: Vec<f64> = BASE
            .iter()
            .chain(&BASE)
            .enumerate()
            .map(|(i, v)| if i >= 12 { v + 5.0 } else { *v })
            .collect();
        let s = MeasureSignal::of(&measure(Some(d(2025, 1, 1))), &points(&higher));
        assert!(!s.sustained);
    }

    fn changed(id: i64, field: Field, day: u32) -> HistoryEntry {
        HistoryEntry {
            at: d(2026, 5, day).and_hms_opt(9, 0, 0).unwrap_or_default(),
            by: None,
            who: "Sam".into(),
            what: HistoryWhat::Record(HistoryRecord::changed(
                HistoryObject::new(ObjectKind::PdsaCycle, id, "Cycle"),
                field,
                None,
                Some("text".into()),
            )),
        }
    }

    #[test]
    fn a_prediction_first_written_after_the_study_is_found_in_the_history() {
        let history = [
            // Cycle 1: study on the 2nd, prediction on the 3rd: late.
            changed(1, Field::Study, 2),
            changed(1, Field::Prediction, 3),
            // Cycle 2: prediction on the 2nd, study on the 3rd: in time.
            changed(2, Field::Prediction, 2),
            changed(2, Field::Study, 3),
            // Cycle 3: prediction added later, the study had no record (written at creation,
            // or not at all: gather asks whether it has one).
            changed(3, Field::Prediction, 4),
            // Cycle 4: only its study changed.
            changed(4, Field::Study, 4),
        ];
        assert_eq!(predictions_after_study(&history), [PdsaId(1), PdsaId(3)]);
    }
}
