//! Drafts: what a person sent to create or change a project, measure, PDSA cycle, driver node,
//! person, team or organisation, as typed, and the one place where it becomes validated fields.
//!
//! Every field of a draft is an `Option`: `None` means "not sent", which keeps the current
//! value (an API `PATCH`) or takes the default (a create). A form sends every field, so the
//! same draft serves the form and the API. Text is raw as typed (numbers, dates and ids too),
//! and for the fields that can be cleared an empty string clears them.
//!
//! `apply` returns the validated fields or *every* problem, each a [`FieldProblem`]: which
//! [`Field`], and what is wrong as a [`Problem`]. The edges word the problems in their own
//! style: a sentence on the page ("Enter a title"), a `{"error": …}` body in the API.

use std::fmt;

use chrono::NaiveDate;
use gemba_spc::{ChartType, Improvement, Rules};

use crate::limits;
use crate::model::{
    ActDecision, ChartSettings, DriverKind, DriverNode, DriverNodeId, Measure, MeasureFields,
    MeasureType, PdsaCycle, PdsaFields, PdsaId, Project, ProjectFields, ProjectStatus, Rebase,
    Role, Team, TeamId,
};
use crate::period::Period;
use crate::units::{check_chart_settings, Multiplier};
use crate::validate::{Email, NonEmpty, FIX_AFTER_RANGE, MAX_MAGNITUDE};

/// The chart types a measure can have: one value (or ratio) per date, so none of the subgroup
/// charts. In the order the forms offer them.
pub const MEASURE_CHARTS: [ChartType; 10] = [
    ChartType::Run,
    ChartType::Xmr,
    ChartType::P,
    ChartType::PPrime,
    ChartType::U,
    ChartType::UPrime,
    ChartType::C,
    ChartType::G,
    ChartType::T,
    ChartType::Mr,
];

/// The rule profiles a measure can have (the engine's).
pub const RULE_PROFILES: [&str; 3] = Rules::PROFILE_NAMES;

/// A measure's chart type from its name or one of the engine's aliases (`i`, `imr`, `p'`…);
/// `None` for unknown names and the subgroup charts.
pub fn measure_chart(s: &str) -> Option<ChartType> {
    s.parse::<ChartType>()
        .ok()
        .filter(|c| MEASURE_CHARTS.contains(c))
}

/// A rule profile's name from its name or an alias (`ptd`, `pbi`, `qicharts2`…).
pub fn rule_profile(s: &str) -> Option<&'static str> {
    Rules::profile(s).ok().map(|r| r.profile)
}

/// A date as people write it: ISO (`2024-01-31`) or the UK way (`31/01/2024`, `Jan 2024`…).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    gemba_data::parse_date(s)
}

pub use crate::field::Field;

/// What is wrong with a field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Required, and not sent or blank.
    Missing,
    /// Longer than `max` characters.
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// Not one of the names allowed.
    NotOneOf {
        /// The names allowed.
        allowed: Vec<&'static str>,
    },
    /// Not a number.
    NotANumber {
        /// What was sent.
        given: String,
    },
    /// A number beyond what can be a measurement.
    OutOfRange {
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
    },
    /// Not a whole number from `min` to `max`.
    NotAWholeNumber {
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// Not a date.
    NotADate {
        /// What was sent.
        given: String,
    },
    /// Not an email address.
    NotAnEmail,
    /// Too many tags, or a tag too long.
    TooManyTags {
        /// The most tags.
        most: usize,
        /// The longest tag.
        longest: usize,
    },
    /// Not a team of the organisation (or an archived one).
    NotATeam,
    /// Not a live change idea of the project's driver diagram.
    NotAChangeIdea,
    /// Not another live PDSA cycle of the project.
    NotACycle,
    /// A cycle named as following itself.
    FollowsItself,
    /// The cycle named already comes after this one in its ramp.
    MakesLoop {
        /// The title of the cycle named.
        title: String,
    },
    /// Two rebases on one date.
    RebasedTwice {
        /// The date.
        date: NaiveDate,
    },
    /// A rebase without a reason.
    NoReason {
        /// The rebase's date.
        date: NaiveDate,
    },
    /// More rebases than [`limits::REBASES`].
    TooManyRebases {
        /// The most allowed.
        max: usize,
    },
    /// A rule about several fields together, in its own sentence (for example a multiplier
    /// that the chart type does not take).
    Rule(String),
}

/// `12345678` as `12,345,678`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl fmt::Display for Problem {
    /// The problem as a phrase that follows the field's name ("must be 200 characters or
    /// fewer"), as the API words it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => f.write_str("is required"),
            Problem::TooLong { max } => {
                write!(f, "must be {} characters or fewer", grouped(*max as i64))
            }
            Problem::NotOneOf { allowed } => write!(f, "must be one of: {}", allowed.join(", ")),
            Problem::NotANumber { given } => write!(f, "'{given}' is not a number"),
            Problem::OutOfRange { min, max } => {
                write!(f, "must be between {} and {}", grouped(*min), grouped(*max))
            }
            Problem::NotAWholeNumber { min, max } => write!(
                f,
                "must be a whole number from {} to {}",
                grouped(*min as i64),
                grouped(*max as i64)
            ),
            Problem::NotADate { given } => write!(
                f,
                "'{given}' is not a date; write it as 2024-01-31 or 31/01/2024"
            ),
            Problem::NotAnEmail => f.write_str("must be an email address like name@nhs.net"),
            Problem::TooManyTags { most, longest } => write!(
                f,
                "must be at most {most} tags of up to {longest} characters each"
            ),
            Problem::NotATeam => f.write_str("is not a team of this organisation"),
            Problem::NotAChangeIdea => {
                f.write_str("is not a change idea of this project's driver diagram")
            }
            Problem::NotACycle => f.write_str("is not another PDSA cycle of this project"),
            Problem::FollowsItself => f.write_str("cannot be the cycle itself"),
            Problem::MakesLoop { title } => write!(
                f,
                "names \u{201c}{title}\u{201d}, which already comes after this cycle in its ramp"
            ),
            Problem::RebasedTwice { date } => write!(f, "has {date} twice"),
            Problem::NoReason { date } => write!(f, "needs a reason for the rebase on {date}"),
            Problem::TooManyRebases { max } => write!(f, "must have at most {max} rebases"),
            Problem::Rule(s) => f.write_str(s),
        }
    }
}

/// A problem with one field of a draft.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldProblem {
    /// Which field.
    pub field: Field,
    /// For a list field (the rebases), the position in the list as sent, from 0.
    pub index: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

impl From<FieldProblem> for crate::FieldError {
    /// The problem as a field error: the field's API name, and the problem in the API's words.
    fn from(p: FieldProblem) -> Self {
        crate::FieldError::new(p.field.name(), p.problem.to_string())
    }
}

/// Every problem of a draft, in the order of its fields.
pub type Problems = Vec<FieldProblem>;

/// Collects problems while a draft is applied.
#[derive(Default)]
struct Check(Problems);

impl Check {
    fn add(&mut self, field: Field, problem: Problem) {
        self.0.push(FieldProblem {
            field,
            index: None,
            problem,
        });
    }

    fn add_at(&mut self, field: Field, index: usize, problem: Problem) {
        self.0.push(FieldProblem {
            field,
            index: Some(index),
            problem,
        });
    }

    /// Trimmed text of at most `max` characters; a problem (and `None`) otherwise.
    fn length<'a>(&mut self, field: Field, s: &'a str, max: usize) -> Option<&'a str> {
        let t = s.trim();
        if t.chars().count() > max {
            self.add(field, Problem::TooLong { max });
            None
        } else {
            Some(t)
        }
    }

    /// Required text: `given`, else `current`; not blank, at most `max` characters.
    fn required(
        &mut self,
        field: Field,
        given: Option<&str>,
        current: Option<&str>,
        max: usize,
    ) -> Option<NonEmpty> {
        let s = given.or(current).unwrap_or_default();
        if s.trim().is_empty() {
            self.add(field, Problem::Missing);
            return None;
        }
        self.length(field, s, max)
            .map(|t| NonEmpty::trusted(t.to_owned()))
    }

    /// Optional text: `given`, else `current`, else empty; at most `max` characters.
    fn text(
        &mut self,
        field: Field,
        given: Option<&str>,
        current: Option<&str>,
        max: usize,
    ) -> String {
        match given {
            Some(s) => self.length(field, s, max).unwrap_or_default().to_owned(),
            None => current.unwrap_or_default().to_owned(),
        }
    }

    /// One of a list of names: `given` parsed, else `current`, else `default`.
    fn choice<T: Copy>(
        &mut self,
        field: Field,
        given: Option<&str>,
        current: Option<T>,
        default: T,
        parse: impl Fn(&str) -> Option<T>,
        allowed: impl FnOnce() -> Vec<&'static str>,
    ) -> Option<T> {
        match given {
            Some(s) => {
                let v = parse(s.trim());
                if v.is_none() {
                    self.add(field, Problem::NotOneOf { allowed: allowed() });
                }
                v
            }
            None => Some(current.unwrap_or(default)),
        }
    }

    /// A required date: `given`, else `current`.
    fn date(
        &mut self,
        field: Field,
        given: Option<&str>,
        current: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        match (given.map(str::trim), current) {
            (Some(""), _) | (None, None) => {
                self.add(field, Problem::Missing);
                None
            }
            (Some(s), _) => {
                let d = parse_date(s);
                if d.is_none() {
                    self.add(
                        field,
                        Problem::NotADate {
                            given: s.to_owned(),
                        },
                    );
                }
                d
            }
            (None, Some(d)) => Some(d),
        }
    }

    /// An id of a list (a team, a change idea, a cycle), or blank for none; `bad` when it is
    /// not a number. `given` else `current`.
    fn id(
        &mut self,
        field: Field,
        given: Option<&str>,
        current: Option<i64>,
        bad: Problem,
    ) -> Option<i64> {
        match given.map(str::trim) {
            None => current,
            Some("") => None,
            Some(s) => match s.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    self.add(field, bad);
                    None
                }
            },
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Problems> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

// --- projects --------------------------------------------------------------------------------

/// A project as sent by the project form or the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectDraft {
    /// Required.
    pub title: Option<String>,
    /// The problem.
    pub problem: Option<String>,
    /// The aim.
    pub aim: Option<String>,
    /// The improvement method.
    pub method: Option<String>,
    /// Lifecycle status (default `idea`).
    pub status: Option<String>,
    /// The team's id; empty for none.
    pub team: Option<String>,
    /// The sponsor.
    pub sponsor: Option<String>,
    /// The tags, each as typed.
    pub tags: Option<Vec<String>>,
    /// Private to the organisation (default not: the system's other organisations see it).
    pub private: Option<bool>,
}

impl Project {
    /// The project's fields, as a draft applies to them.
    pub fn fields(&self) -> ProjectFields {
        ProjectFields {
            title: NonEmpty::trusted(self.title.clone()),
            problem: self.problem.clone(),
            aim: self.aim.clone(),
            method: self.method.clone(),
            status: self.status,
            team: self.team,
            sponsor: self.sponsor.clone(),
            tags: self.tags.clone(),
            private: self.private,
        }
    }
}

/// Tags as typed: trimmed, blanks dropped, duplicates (in any case) removed.
fn clean_tags<'a>(given: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in given.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    out
}

impl ProjectDraft {
    /// The validated fields: this draft over `current` (a change), or alone (a new project).
    /// Whether the team is one of the organisation's is [`check_team`]'s to say.
    pub fn apply(&self, current: Option<&ProjectFields>) -> Result<ProjectFields, Problems> {
        let mut c = Check::default();
        let title = c.required(
            Field::Title,
            self.title.as_deref(),
            current.map(|p| p.title.as_str()),
            limits::NAME,
        );
        let problem = c.text(
            Field::Problem,
            self.problem.as_deref(),
            current.map(|p| p.problem.as_str()),
            limits::LONG_TEXT,
        );
        let aim = c.text(
            Field::Aim,
            self.aim.as_deref(),
            current.map(|p| p.aim.as_str()),
            limits::LONG_TEXT,
        );
        let method = c.text(
            Field::Method,
            self.method.as_deref(),
            current.map(|p| p.method.as_str()),
            limits::SHORT_TEXT,
        );
        let status = c.choice(
            Field::Status,
            self.status.as_deref(),
            current.map(|p| p.status),
            ProjectStatus::Idea,
            ProjectStatus::parse,
            || ProjectStatus::ALL.iter().map(|s| s.name()).collect(),
        );
        let team = c
            .id(
                Field::Team,
                self.team.as_deref(),
                current.and_then(|p| p.team).map(|t| t.0),
                Problem::NotATeam,
            )
            .map(TeamId);
        let sponsor = c.text(
            Field::Sponsor,
            self.sponsor.as_deref(),
            current.map(|p| p.sponsor.as_str()),
            limits::SHORT_TEXT,
        );
        let tags = match &self.tags {
            Some(given) => {
                let tags = clean_tags(given.iter().map(String::as_str));
                if tags.len() > limits::TAGS || tags.iter().any(|t| t.chars().count() > limits::TAG)
                {
                    c.add(
                        Field::Tags,
                        Problem::TooManyTags {
                            most: limits::TAGS,
                            longest: limits::TAG,
                        },
                    );
                }
                tags
            }
            None => current.map(|p| p.tags.clone()).unwrap_or_default(),
        };
        let private = self.private.or(current.map(|p| p.private)).unwrap_or(false);
        let fields = title.zip(status).map(|(title, status)| ProjectFields {
            title,
            problem,
            aim,
            method,
            status,
            team,
            sponsor,
            tags,
            private,
        });
        c.finish(fields)
    }
}

/// Tags from one comma-separated line, as a form sends them.
pub fn split_tags(s: &str) -> Vec<String> {
    clean_tags(s.split(','))
}

/// The team rule: a project's team is a live team of its organisation (`teams`), or the team
/// it already has (`current`), which it keeps when that team is archived.
pub fn check_team(
    team: Option<TeamId>,
    teams: &[Team],
    current: Option<TeamId>,
) -> Result<(), FieldProblem> {
    match team {
        Some(t) if Some(t) != current && !teams.iter().any(|x| x.id == t && !x.archived) => {
            Err(FieldProblem {
                field: Field::Team,
                index: None,
                problem: Problem::NotATeam,
            })
        }
        _ => Ok(()),
    }
}

// --- measures --------------------------------------------------------------------------------

/// A rebase as sent: the date a new phase starts, and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RebaseDraft {
    /// The date, as typed.
    pub date: String,
    /// Why the process changed then.
    pub reason: String,
}

/// A measure as sent by the measure form, the chart settings form or the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasureDraft {
    /// Required.
    pub name: Option<String>,
    /// `outcome`, `process` or `balancing`; required for a new measure.
    pub kind: Option<String>,
    /// Operational definition.
    pub definition: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Data source.
    pub data_source: Option<String>,
    /// What the denominator counts.
    pub denominator_label: Option<String>,
    /// Chart type, by name or alias (default `xmr`).
    pub chart: Option<String>,
    /// `increase`, `decrease` or `neutral` (default `increase`).
    pub improvement: Option<String>,
    /// Target in display units; empty for none.
    pub target: Option<String>,
    /// Rule profile, by name or alias (default `mdc`).
    pub rules: Option<String>,
    /// Every rebase, each with its reason.
    pub rebase: Option<Vec<RebaseDraft>>,
    /// Baseline length in points; empty for none.
    pub fix_after: Option<String>,
    /// What one point stands for (default `month`).
    pub period: Option<String>,
    /// 1, 100, 1000, 10000 or 100000 (commas allowed), or `auto` for the chart's default
    /// (a percentage for a p or p′ chart). Default 1.
    pub multiplier: Option<String>,
}

/// The form value of [`MeasureDraft::multiplier`] that picks the chart's default.
pub const AUTOMATIC_MULTIPLIER: &str = "auto";

impl Measure {
    /// The measure's fields, as a draft applies to them.
    pub fn fields(&self) -> MeasureFields {
        MeasureFields {
            name: NonEmpty::trusted(self.name.clone()),
            kind: self.kind,
            definition: self.definition.clone(),
            unit: self.unit.clone(),
            data_source: self.data_source.clone(),
            denominator_label: self.denominator_label.clone(),
            chart: self.chart.clone(),
        }
    }
}

impl MeasureDraft {
    /// The validated fields: this draft over `current` (a change), or alone (a new measure).
    /// A change of multiplier alone keeps what the target means (0.95 becomes 95 as a
    /// percentage).
    pub fn apply(&self, current: Option<&MeasureFields>) -> Result<MeasureFields, Problems> {
        let mut c = Check::default();
        let cur = current.map(|m| &m.chart);
        let name = c.required(
            Field::Name,
            self.name.as_deref(),
            current.map(|m| m.name.as_str()),
            limits::NAME,
        );
        let kind = match (&self.kind, current) {
            (None, None) => {
                c.add(Field::Kind, Problem::Missing);
                None
            }
            (given, current) => c.choice(
                Field::Kind,
                given.as_deref(),
                current.map(|m| m.kind),
                MeasureType::Outcome,
                MeasureType::parse,
                || MeasureType::ALL.iter().map(|t| t.name()).collect(),
            ),
        };
        let definition = c.text(
            Field::Definition,
            self.definition.as_deref(),
            current.map(|m| m.definition.as_str()),
            limits::LONG_TEXT,
        );
        let unit = c.text(
            Field::Unit,
            self.unit.as_deref(),
            current.map(|m| m.unit.as_str()),
            limits::SHORT_TEXT,
        );
        let data_source = c.text(
            Field::DataSource,
            self.data_source.as_deref(),
            current.map(|m| m.data_source.as_str()),
            limits::LONG_TEXT,
        );
        let denominator_label = c.text(
            Field::DenominatorLabel,
            self.denominator_label.as_deref(),
            current.map(|m| m.denominator_label.as_str()),
            limits::DENOMINATOR_LABEL,
        );
        let chart = c.choice(
            Field::Chart,
            self.chart.as_deref(),
            cur.map(|c| c.chart),
            ChartType::Xmr,
            measure_chart,
            || MEASURE_CHARTS.iter().map(|c| c.name()).collect(),
        );
        let improvement = c.choice(
            Field::Improvement,
            self.improvement.as_deref(),
            cur.map(|c| c.improvement),
            Improvement::Increase,
            |s| s.parse::<Improvement>().ok(),
            || vec!["increase", "decrease", "neutral"],
        );
        let target = match self.target.as_deref().map(str::trim) {
            None => cur.and_then(|c| c.target),
            Some("") => None,
            Some(s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= MAX_MAGNITUDE => Some(x),
                Ok(x) if x.is_finite() => {
                    let max = MAX_MAGNITUDE as i64;
                    c.add(Field::Target, Problem::OutOfRange { min: -max, max });
                    None
                }
                _ => {
                    c.add(
                        Field::Target,
                        Problem::NotANumber {
                            given: s.to_owned(),
                        },
                    );
                    None
                }
            },
        };
        let rules = match self.rules.as_deref() {
            Some(s) => {
                let r = rule_profile(s);
                if r.is_none() {
                    c.add(
                        Field::Rules,
                        Problem::NotOneOf {
                            allowed: RULE_PROFILES.to_vec(),
                        },
                    );
                }
                r.map(str::to_owned)
            }
            None => Some(cur.map_or_else(|| RULE_PROFILES[0].to_owned(), |c| c.rules.clone())),
        };
        let rebase = match &self.rebase {
            Some(given) => rebases(&mut c, given),
            None => cur.map(|c| c.rebase.clone()).unwrap_or_default(),
        };
        let fix_after = match self.fix_after.as_deref().map(str::trim) {
            None => cur.and_then(|c| c.fix_after),
            Some("") => None,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if FIX_AFTER_RANGE.contains(&n) => Some(n),
                _ => {
                    c.add(
                        Field::FixAfter,
                        Problem::NotAWholeNumber {
                            min: *FIX_AFTER_RANGE.start() as u64,
                            max: *FIX_AFTER_RANGE.end() as u64,
                        },
                    );
                    None
                }
            },
        };
        let period = c.choice(
            Field::Period,
            self.period.as_deref(),
            cur.map(|c| c.period),
            Period::default(),
            Period::parse,
            || Period::ALL.iter().map(|p| p.name()).collect(),
        );
        let multiplier = match self.multiplier.as_deref().map(str::trim) {
            None => Some(cur.map_or(Multiplier::ONE, |c| c.multiplier)),
            Some(AUTOMATIC_MULTIPLIER) => {
                Some(chart.map_or(Multiplier::ONE, Multiplier::default_for))
            }
            Some(s) => {
                let m = Multiplier::parse(s).ok();
                if m.is_none() {
                    c.add(
                        Field::Multiplier,
                        Problem::NotOneOf {
                            allowed: vec!["1", "100", "1000", "10000", "100000"],
                        },
                    );
                }
                m
            }
        };
        // A change of multiplier alone keeps the target's meaning.
        let target = match (&self.target, cur, multiplier) {
            (None, Some(c), Some(m)) if c.multiplier != m => {
                target.map(|t| t / c.multiplier.factor() * m.factor())
            }
            _ => target,
        };
        let (
            Some(name),
            Some(kind),
            Some(chart),
            Some(improvement),
            Some(rules),
            Some(period),
            Some(multiplier),
        ) = (name, kind, chart, improvement, rules, period, multiplier)
        else {
            return Err(c.0);
        };
        let chart = ChartSettings {
            chart,
            improvement,
            target,
            rules,
            rebase,
            fix_after,
            period,
            multiplier,
        };
        if c.0.is_empty() {
            if let Err(e) = check_chart_settings(&chart) {
                let field = if e.field == "multiplier" {
                    Field::Multiplier
                } else {
                    Field::Target
                };
                c.add(field, Problem::Rule(e.message));
            }
        }
        c.finish(Some(MeasureFields {
            name,
            kind,
            definition,
            unit,
            data_source,
            denominator_label,
            chart,
        }))
    }
}

/// The rebases sent: each a date and a reason, no date twice; sorted by date.
fn rebases(c: &mut Check, given: &[RebaseDraft]) -> Vec<Rebase> {
    let mut out: Vec<Rebase> = Vec::new();
    if given.len() > limits::REBASES {
        c.add(
            Field::Rebase,
            Problem::TooManyRebases {
                max: limits::REBASES,
            },
        );
        return out;
    }
    for (k, r) in given.iter().enumerate() {
        let date = r.date.trim();
        let Some(date) = parse_date(date) else {
            c.add_at(
                Field::Rebase,
                k,
                Problem::NotADate {
                    given: date.to_owned(),
                },
            );
            continue;
        };
        let reason = r.reason.trim();
        if reason.is_empty() {
            c.add_at(Field::Rebase, k, Problem::NoReason { date });
        } else if reason.chars().count() > limits::REBASE_REASON {
            c.add_at(
                Field::Rebase,
                k,
                Problem::TooLong {
                    max: limits::REBASE_REASON,
                },
            );
        } else if out.iter().any(|x| x.date == date) {
            c.add_at(Field::Rebase, k, Problem::RebasedTwice { date });
        } else {
            out.push(Rebase {
                date,
                reason: reason.to_owned(),
            });
        }
    }
    out.sort_by_key(|r| r.date);
    out
}

// --- PDSA cycles -----------------------------------------------------------------------------

/// A PDSA cycle as sent by the PDSA form or the API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PdsaDraft {
    /// Required.
    pub title: Option<String>,
    /// Required.
    pub start_date: Option<String>,
    /// The change idea tested (a driver node's id); empty for none.
    pub change_idea: Option<String>,
    /// The cycle this one follows in a ramp (its id); empty for none.
    pub follows: Option<String>,
    /// Plan: objective.
    pub objective: Option<String>,
    /// Plan: prediction.
    pub prediction: Option<String>,
    /// Plan: who, what, where, when.
    pub plan: Option<String>,
    /// Plan: data to collect.
    pub data_plan: Option<String>,
    /// Do: what happened.
    pub do_notes: Option<String>,
    /// Study.
    pub study: Option<String>,
    /// Act: `adopt`, `adapt` or `abandon`; empty for not decided.
    pub act: Option<String>,
    /// Act: what next.
    pub act_notes: Option<String>,
    /// Plan: the scale of the test ("1 patient", "1 shift", "1 ward").
    pub scale: Option<String>,
}

impl PdsaDraft {
    /// The validated fields: this draft over `current` (a change), or alone (a new cycle).
    /// Whether its links are allowed is [`check_pdsa_links`]'s to say.
    pub fn apply(&self, current: Option<&PdsaFields>) -> Result<PdsaFields, Problems> {
        let mut c = Check::default();
        let title = c.required(
            Field::Title,
            self.title.as_deref(),
            current.map(|p| p.title.as_str()),
            limits::NAME,
        );
        let start_date = c.date(
            Field::StartDate,
            self.start_date.as_deref(),
            current.and_then(|p| p.start_date),
        );
        let change_idea = c
            .id(
                Field::ChangeIdea,
                self.change_idea.as_deref(),
                current.and_then(|p| p.change_idea).map(|n| n.0),
                Problem::NotAChangeIdea,
            )
            .map(DriverNodeId);
        let follows = c
            .id(
                Field::Follows,
                self.follows.as_deref(),
                current.and_then(|p| p.follows).map(|p| p.0),
                Problem::NotACycle,
            )
            .map(PdsaId);
        let mut text = |field, given: &Option<String>, cur: Option<&String>| {
            c.text(
                field,
                given.as_deref(),
                cur.map(String::as_str),
                limits::LONG_TEXT,
            )
        };
        let objective = text(
            Field::Objective,
            &self.objective,
            current.map(|p| &p.objective),
        );
        let prediction = text(
            Field::Prediction,
            &self.prediction,
            current.map(|p| &p.prediction),
        );
        let plan = text(Field::Plan, &self.plan, current.map(|p| &p.plan));
        let data_plan = text(
            Field::DataPlan,
            &self.data_plan,
            current.map(|p| &p.data_plan),
        );
        let do_notes = text(Field::DoNotes, &self.do_notes, current.map(|p| &p.do_notes));
        let study = text(Field::Study, &self.study, current.map(|p| &p.study));
        let act_notes = text(
            Field::ActNotes,
            &self.act_notes,
            current.map(|p| &p.act_notes),
        );
        let scale = c.text(
            Field::Scale,
            self.scale.as_deref(),
            current.map(|p| p.scale.as_str()),
            limits::SHORT_TEXT,
        );
        let act = match self.act.as_deref().map(str::trim) {
            None => Some(current.and_then(|p| p.act)),
            Some("") => Some(None),
            Some(s) => {
                let a = ActDecision::parse(s);
                if a.is_none() {
                    c.add(
                        Field::Act,
                        Problem::NotOneOf {
                            allowed: ActDecision::ALL.iter().map(|a| a.name()).collect(),
                        },
                    );
                }
                a.map(Some)
            }
        };
        let fields = title.zip(act).map(|(title, act)| PdsaFields {
            title: title.as_str().to_owned(),
            start_date,
            change_idea,
            follows,
            objective,
            prediction,
            plan,
            data_plan,
            do_notes,
            study,
            act,
            act_notes,
            scale,
        });
        c.finish(fields)
    }
}

/// The PDSA links rule, for the links being set or changed (a link kept as it is stays even
/// when what it points to was deleted since): the change idea is a live change idea of the
/// project (`nodes`, its live driver nodes), and the cycle followed is another live cycle of
/// the project (`cycles`) that does not itself come after this one (`this`, when changing).
pub fn check_pdsa_links(
    fields: &PdsaFields,
    current: Option<&PdsaFields>,
    this: Option<PdsaId>,
    nodes: &[DriverNode],
    cycles: &[PdsaCycle],
) -> Result<(), Problems> {
    let mut c = Check::default();
    if let Some(idea) = fields.change_idea {
        let kept = current.is_some_and(|p| p.change_idea == Some(idea));
        if !kept
            && !nodes
                .iter()
                .any(|n| n.id == idea && n.kind == DriverKind::ChangeIdea)
        {
            c.add(Field::ChangeIdea, Problem::NotAChangeIdea);
        }
    }
    if let Some(prev) = fields.follows {
        let kept = current.is_some_and(|p| p.follows == Some(prev));
        if !kept {
            if Some(prev) == this {
                c.add(Field::Follows, Problem::FollowsItself);
            } else {
                match cycles.iter().find(|x| x.id == prev) {
                    None => c.add(Field::Follows, Problem::NotACycle),
                    Some(x)
                        if this
                            .is_some_and(|this| crate::follows_makes_loop(cycles, this, prev)) =>
                    {
                        c.add(
                            Field::Follows,
                            Problem::MakesLoop {
                                title: x.fields.title.clone(),
                            },
                        )
                    }
                    Some(_) => {}
                }
            }
        }
    }
    c.finish(Some(()))
}

// --- driver nodes ----------------------------------------------------------------------------

/// A driver diagram node's text as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriverTextDraft {
    /// The text. Required.
    pub text: Option<String>,
}

impl DriverTextDraft {
    /// The checked text: this draft's, else `current`; not blank, at most
    /// [`limits::DRIVER_TEXT`] characters.
    pub fn apply(&self, current: Option<&str>) -> Result<NonEmpty, Problems> {
        let mut c = Check::default();
        let text = c.required(
            Field::Text,
            self.text.as_deref(),
            current,
            limits::DRIVER_TEXT,
        );
        c.finish(text)
    }
}

// --- people, teams and organisations ---------------------------------------------------------

/// A person to add to an organisation, as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonDraft {
    /// Their email. Required.
    pub email: Option<String>,
    /// Their name. Required.
    pub name: Option<String>,
    /// Their role there (default `member`).
    pub role: Option<String>,
}

/// A person's checked email, name and role.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFields {
    /// Email.
    pub email: Email,
    /// Name.
    pub name: NonEmpty,
    /// Role.
    pub role: Role,
}

/// A role by its name, or the problem.
fn role_of(c: &mut Check, given: Option<&str>, current: Option<Role>) -> Option<Role> {
    c.choice(
        Field::Role,
        given,
        current,
        Role::Member,
        Role::parse,
        || Role::ALL.iter().map(|r| r.name()).collect(),
    )
}

impl PersonDraft {
    /// The checked fields.
    pub fn apply(&self) -> Result<PersonFields, Problems> {
        let mut c = Check::default();
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => {
                c.add(Field::Email, Problem::Missing);
                None
            }
            Some(e) => {
                let e = Email::parse(e).ok();
                if e.is_none() {
                    c.add(Field::Email, Problem::NotAnEmail);
                }
                e
            }
        };
        let name = c.required(Field::Name, self.name.as_deref(), None, limits::NAME);
        let role = role_of(&mut c, self.role.as_deref(), None);
        let fields = match (email, name, role) {
            (Some(email), Some(name), Some(role)) => Some(PersonFields { email, name, role }),
            _ => None,
        };
        c.finish(fields)
    }
}

/// A role as sent (a change of a person's role).
pub fn parse_role(given: &str) -> Result<Role, Problems> {
    let mut c = Check::default();
    let role = role_of(&mut c, Some(given), None);
    c.finish(role)
}

/// A team's or organisation's name as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameDraft {
    /// The name. Required.
    pub name: Option<String>,
}

impl NameDraft {
    /// The checked name: this draft's, else `current`; not blank, at most [`limits::NAME`].
    pub fn apply(&self, current: Option<&str>) -> Result<NonEmpty, Problems> {
        let mut c = Check::default();
        let name = c.required(Field::Name, self.name.as_deref(), current, limits::NAME);
        c.finish(name)
    }
}

/// A measure's place on the board report as sent: its section and its executive owner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoardPlaceDraft {
    /// The section's name. Required: one of the organisation's report sections.
    pub section: Option<String>,
    /// The executive owner's user id, if any (whether they are a member is the store's check).
    pub owner: Option<i64>,
}

impl BoardPlaceDraft {
    /// The checked place, given the organisation's report sections.
    pub fn apply(&self, sections: &[String]) -> Result<crate::BoardPlace, Problems> {
        let mut c = Check::default();
        let section = match self.section.as_deref().map(str::trim) {
            None | Some("") => {
                c.add(Field::Section, Problem::Missing);
                None
            }
            Some(s) => match sections.iter().find(|x| x.as_str() == s) {
                Some(found) => Some(found.clone()),
                None => {
                    c.add(
                        Field::Section,
                        Problem::Rule(format!("must be one of: {}", sections.join(", "))),
                    );
                    None
                }
            },
        };
        c.finish(section.map(|section| crate::BoardPlace {
            section,
            owner: self.owner.map(crate::UserId),
        }))
    }
}

/// The most sections a board report may have.
pub const MAX_REPORT_SECTIONS: usize = 20;

/// A board report's sections as given, in order: each not blank and at most
/// [`limits::NAME`] characters, none twice, one to [`MAX_REPORT_SECTIONS`] of them. Blank
/// entries (empty lines) are left out.
pub fn report_sections(given: &[String]) -> Result<Vec<String>, Problems> {
    let mut c = Check::default();
    let mut out: Vec<String> = Vec::new();
    for s in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if s.chars().count() > limits::NAME {
            c.add(Field::Section, Problem::TooLong { max: limits::NAME });
        } else if out.iter().any(|x| x == s) {
            c.add(Field::Section, Problem::Rule(format!("has “{s}” twice")));
        } else {
            out.push(s.to_owned());
        }
    }
    if out.is_empty() {
        c.add(Field::Section, Problem::Missing);
    } else if out.len() > MAX_REPORT_SECTIONS {
        c.add(
            Field::Section,
            Problem::Rule(format!("must have at most {MAX_REPORT_SECTIONS} sections")),
        );
    }
    c.finish(Some(out))
}

/// A required one-line text as sent over its `current` value, trimmed: blank, or more than `max`
/// characters, is a problem of `field` (added to `problems`).
pub(crate) fn required_line(
    problems: &mut Problems,
    field: Field,
    given: Option<&str>,
    current: Option<&str>,
    max: usize,
) -> String {
    let s = given.or(current).unwrap_or_default().trim().to_owned();
    let problem = if s.is_empty() {
        Some(Problem::Missing)
    } else if s.chars().count() > max {
        Some(Problem::TooLong { max })
    } else {
        None
    };
    if let Some(problem) = problem {
        problems.push(FieldProblem {
            field,
            index: None,
            problem,
        });
    }
    s
}

/// A part of a text as sent over its `current` value: trimmed, with Windows line ends made
/// plain; more than `max` characters is a problem of `field` (added to `problems`).
pub(crate) fn prose_part(
    problems: &mut Problems,
    field: Field,
    given: Option<&str>,
    current: Option<&str>,
    max: usize,
) -> String {
    let s = given
        .or(current)
        .unwrap_or_default()
        .trim()
        .replace("\r\n", "\n");
    if s.chars().count() > max {
        problems.push(FieldProblem {
            field,
            index: None,
            problem: Problem::TooLong { max },
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProjectId, Version};

    #[test]
    fn a_board_place_names_one_of_the_sections() {
        let sections: Vec<String> = crate::DEFAULT_REPORT_SECTIONS.map(str::to_owned).to_vec();
        let draft = |section: Option<&str>| BoardPlaceDraft {
            section: section.map(str::to_owned),
            owner: Some(4),
        };
        assert_eq!(
            draft(Some(" Safe ")).apply(&sections),
            Ok(crate::BoardPlace {
                section: "Safe".into(),
                owner: Some(crate::UserId(4))
            })
        );
        let e = draft(Some("Finance")).apply(&sections).unwrap_err();
        assert_eq!(e[0].field, Field::Section);
        assert_eq!(
            e[0].problem.to_string(),
            "must be one of: Safe, Effective, Caring, Responsive, Well-led"
        );
        assert_eq!(
            draft(None).apply(&sections).unwrap_err()[0].problem,
            Problem::Missing
        );
    }

    #[test]
    fn report_sections_are_trimmed_unique_and_bounded() {
        let given = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            report_sections(&given(&[" Safe", "", "Well-led "])),
            Ok(vec!["Safe".to_owned(), "Well-led".to_owned()])
        );
        assert_eq!(
            report_sections(&given(&["Safe", "Safe"])).unwrap_err()[0]
                .problem
                .to_string(),
            "has “Safe” twice"
        );
        assert_eq!(
            report_sections(&given(&["", " "])).unwrap_err()[0].problem,
            Problem::Missing
        );
        let many: Vec<String> = (0..21).map(|i| format!("S{i}")).collect();
        assert!(report_sections(&many).is_err());
        let twenty: Vec<String> = (0..20).map(|i| format!("S{i}")).collect();
        assert_eq!(report_sections(&twenty).unwrap().len(), 20);
        let long = "x".repeat(limits::NAME + 1);
        assert!(report_sections(&[long]).is_err());
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_owned())
    }

    fn problems(r: Result<impl fmt::Debug, Problems>) -> Vec<(Field, Problem)> {
        r.expect_err("a problem")
            .into_iter()
            .map(|p| (p.field, p.problem))
            .collect()
    }

    fn project(title: &str) -> ProjectDraft {
        ProjectDraft {
            title: s(title),
            ..ProjectDraft::default()
        }
    }

    #[test]
    fn a_project_needs_a_title_of_at_most_200_characters() {
        assert_eq!(
            problems(ProjectDraft::default().apply(None)),
            [(Field::Title, Problem::Missing)]
        );
        assert_eq!(
            problems(project("   ").apply(None)),
            [(Field::Title, Problem::Missing)]
        );
        let at_max = "é".repeat(200);
        assert_eq!(project(&at_max).apply(None).unwrap().title.as_str(), at_max);
        assert_eq!(
            problems(project(&"é".repeat(201)).apply(None)),
            [(Field::Title, Problem::TooLong { max: 200 })]
        );
        let f = project("  Falls  ").apply(None).unwrap();
        assert_eq!(f.title.as_str(), "Falls");
        assert_eq!(f.status, ProjectStatus::Idea, "the default");
    }

    /// Checks a draft's text `field` at `max` characters (accepted) and `max + 1` (refused,
    /// naming the field and the limit); `apply` applies a draft with `n` characters there.
    fn at_the_limit<T: fmt::Debug>(
        field: Field,
        max: usize,
        apply: impl Fn(usize) -> Result<T, Problems>,
    ) {
        assert!(apply(max).is_ok(), "{field} at {max}");
        assert_eq!(
            problems(apply(max + 1)),
            [(field, Problem::TooLong { max })]
        );
    }

    /// Method and sponsor: 200 characters in the form and the API alike (they were 100/200
    /// in the forms and 10,000 in the API); problem and aim 10,000.
    #[test]
    fn project_text_limits_at_max_and_one_over() {
        for (field, max) in [
            (Field::Method, 200),
            (Field::Sponsor, 200),
            (Field::Problem, 10_000),
            (Field::Aim, 10_000),
        ] {
            at_the_limit(field, max, |n| {
                let mut d = project("T");
                let text = Some("x".repeat(n));
                match field {
                    Field::Method => d.method = text,
                    Field::Sponsor => d.sponsor = text,
                    Field::Problem => d.problem = text,
                    _ => d.aim = text,
                }
                d.apply(None)
            });
        }
    }

    #[test]
    fn a_project_draft_reports_every_problem_at_once() {
        let d = ProjectDraft {
            title: s(""),
            status: s("bogus"),
            team: s("twelve"),
            tags: Some((0..21).map(|i| format!("t{i}")).collect()),
            ..ProjectDraft::default()
        };
        let fields: Vec<Field> = problems(d.apply(None))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [Field::Title, Field::Status, Field::Team, Field::Tags]
        );
    }

    #[test]
    fn tags_are_cleaned_and_limited_to_20_of_50_characters() {
        let mut d = project("T");
        d.tags = Some(vec![
            " falls ".into(),
            "Falls".into(),
            "".into(),
            "frailty".into(),
        ]);
        assert_eq!(d.apply(None).unwrap().tags, ["falls", "frailty"]);
        d.tags = Some((0..20).map(|i| format!("t{i}")).collect());
        assert_eq!(d.apply(None).unwrap().tags.len(), 20);
        d.tags = Some(vec!["x".repeat(50)]);
        assert!(d.apply(None).is_ok());
        d.tags = Some(vec!["x".repeat(51)]);
        assert_eq!(
            problems(d.apply(None)),
            [(
                Field::Tags,
                Problem::TooManyTags {
                    most: 20,
                    longest: 50
                }
            )]
        );
        assert_eq!(split_tags("falls, Falls, ,frailty"), ["falls", "frailty"]);
    }

    #[test]
    fn a_project_patch_keeps_what_is_not_sent_and_empty_clears_the_team() {
        let current = ProjectDraft {
            title: s("Falls"),
            method: s("Lean"),
            team: s("4"),
            tags: Some(vec!["a".into()]),
            status: s("testing"),
            ..ProjectDraft::default()
        }
        .apply(None)
        .unwrap();
        assert_eq!(current.team, Some(TeamId(4)));
        let patched = ProjectDraft {
            aim: s("Halve falls by March"),
            ..ProjectDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert_eq!(patched.title.as_str(), "Falls");
        assert_eq!(patched.method, "Lean");
        assert_eq!(patched.status, ProjectStatus::Testing);
        assert_eq!(patched.team, Some(TeamId(4)));
        assert_eq!(patched.aim, "Halve falls by March");
        let cleared = ProjectDraft {
            team: s(""),
            ..ProjectDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert_eq!(cleared.team, None);
    }

    #[test]
    fn the_team_rule_keeps_an_archived_current_team() {
        let team = |id, archived| Team {
            id: TeamId(id),
            org: crate::OrgId(1),
            name: "Ward 1".into(),
            archived,
        };
        let teams = [team(1, false), team(2, true)];
        assert!(check_team(Some(TeamId(1)), &teams, None).is_ok());
        assert!(check_team(None, &teams, None).is_ok());
        assert!(check_team(Some(TeamId(2)), &teams, Some(TeamId(2))).is_ok());
        for (t, current) in [(2, None), (3, None), (3, Some(TeamId(1)))] {
            assert_eq!(
                check_team(Some(TeamId(t)), &teams, current)
                    .unwrap_err()
                    .problem,
                Problem::NotATeam
            );
        }
    }

    fn measure(name: &str) -> MeasureDraft {
        MeasureDraft {
            name: s(name),
            kind: s("outcome"),
            ..MeasureDraft::default()
        }
    }

    #[test]
    fn a_new_measure_needs_a_name_and_a_type_and_takes_the_defaults() {
        assert_eq!(
            problems(MeasureDraft::default().apply(None)),
            [
                (Field::Name, Problem::Missing),
                (Field::Kind, Problem::Missing)
            ]
        );
        let f = measure("Falls").apply(None).unwrap();
        assert_eq!(f.kind, MeasureType::Outcome);
        assert_eq!(f.chart.chart, ChartType::Xmr);
        assert_eq!(f.chart.improvement, Improvement::Increase);
        assert_eq!(f.chart.rules, "mdc");
        assert_eq!(f.chart.period, Period::Month);
        assert_eq!(f.chart.multiplier, Multiplier::ONE);
        assert_eq!(f.chart.target, None);
    }

    #[test]
    fn measure_text_limits_at_max_and_one_over() {
        for (field, max) in [
            (Field::Unit, 200),
            (Field::DenominatorLabel, 100),
            (Field::Definition, 10_000),
            (Field::DataSource, 10_000),
            (Field::Name, 200),
        ] {
            at_the_limit(field, max, |n| {
                let mut d = measure("Falls");
                let text = Some("y".repeat(n));
                match field {
                    Field::Unit => d.unit = text,
                    Field::DenominatorLabel => d.denominator_label = text,
                    Field::Definition => d.definition = text,
                    Field::DataSource => d.data_source = text,
                    _ => d.name = text,
                }
                d.apply(None)
            });
        }
    }

    #[test]
    fn chart_types_and_profiles_by_name_or_alias_and_never_subgroups() {
        let chart = |c: &str| {
            let mut d = measure("Falls");
            d.chart = s(c);
            d.apply(None).map(|f| f.chart.chart)
        };
        assert_eq!(chart("imr"), Ok(ChartType::Xmr));
        assert_eq!(chart("p'"), Ok(ChartType::PPrime));
        assert_eq!(chart("mr"), Ok(ChartType::Mr));
        for bad in ["xbar_s", "s", "bogus"] {
            let p = problems(chart(bad));
            assert_eq!(p[0].0, Field::Chart, "{bad}");
            assert_eq!(
                p[0].1,
                Problem::NotOneOf {
                    allowed: vec!["run", "xmr", "p", "pp", "u", "up", "c", "g", "t", "mr"]
                }
            );
        }
        let mut d = measure("Falls");
        d.rules = s("PTD");
        assert_eq!(d.apply(None).unwrap().chart.rules, "mdc");
        d.rules = s("qicharts2");
        assert_eq!(d.apply(None).unwrap().chart.rules, "qic");
        d.rules = s("shewhart");
        assert_eq!(
            problems(d.apply(None)),
            [(
                Field::Rules,
                Problem::NotOneOf {
                    allowed: vec!["mdc", "powerbi", "qic"]
                }
            )]
        );
    }

    #[test]
    fn targets_and_baselines_are_checked() {
        let mut d = measure("Falls");
        d.target = s("1e15");
        assert_eq!(d.apply(None).unwrap().chart.target, Some(1e15));
        d.target = s("-1e15");
        assert!(d.apply(None).is_ok());
        d.target = s("1.0000001e15");
        let max = 1_000_000_000_000_000;
        assert_eq!(
            problems(d.apply(None)),
            [(Field::Target, Problem::OutOfRange { min: -max, max })]
        );
        for bad in ["lots", "NaN", "inf"] {
            d.target = s(bad);
            assert_eq!(
                problems(d.apply(None)),
                [(Field::Target, Problem::NotANumber { given: bad.into() })]
            );
        }
        d.target = s("");
        assert_eq!(d.apply(None).unwrap().chart.target, None);
        let mut d = measure("Falls");
        for (n, ok) in [
            ("1", false),
            ("2", true),
            ("100000", true),
            ("100001", false),
            ("2.5", false),
        ] {
            d.fix_after = s(n);
            match d.apply(None) {
                Ok(f) => assert!(ok && f.chart.fix_after == n.parse().ok(), "{n}"),
                Err(p) => {
                    assert!(!ok, "{n}");
                    assert_eq!(
                        p[0].problem,
                        Problem::NotAWholeNumber {
                            min: 2,
                            max: 100_000
                        }
                    );
                }
            }
        }
    }

    #[test]
    fn multipliers_auto_and_the_kept_target() {
        let mut d = measure("Doses");
        d.chart = s("p");
        d.multiplier = s(AUTOMATIC_MULTIPLIER);
        assert_eq!(d.apply(None).unwrap().chart.multiplier.get(), 100);
        d.multiplier = s("1,000");
        assert_eq!(d.apply(None).unwrap().chart.multiplier.get(), 1000);
        d.multiplier = s("50");
        assert_eq!(problems(d.apply(None))[0].0, Field::Multiplier);
        // A p chart as proportions, target 0.95; then shown as a percentage, target kept.
        d.multiplier = s("1");
        d.target = s("0.95");
        let current = d.apply(None).unwrap();
        let patched = MeasureDraft {
            multiplier: s("100"),
            ..MeasureDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert!((patched.chart.target.unwrap_or_default() - 95.0).abs() < 1e-9);
        // A c chart takes no multiplier: the combination rule names the multiplier.
        let mut c = measure("Falls");
        c.chart = s("c");
        c.multiplier = s("100");
        let p = problems(c.apply(None));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, Field::Multiplier);
        assert!(matches!(p[0].1, Problem::Rule(_)));
    }

    fn rebase(date: &str, reason: &str) -> RebaseDraft {
        RebaseDraft {
            date: date.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn rebases_need_a_date_and_a_reason() {
        let mut d = measure("Falls");
        d.rebase = Some(vec![
            rebase("01/03/2024", " New policy "),
            rebase("2024-01-01", "Ward merged"),
        ]);
        let r = d.apply(None).unwrap().chart.rebase;
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            r,
            [
                Rebase {
                    date: date(2024, 1, 1),
                    reason: "Ward merged".into()
                },
                Rebase {
                    date: date(2024, 3, 1),
                    reason: "New policy".into()
                }
            ]
        );
        d.rebase = Some(vec![
            rebase("2024-03-01", "  "),
            rebase("someday", "x"),
            rebase("2024-04-01", "a"),
            rebase("2024-04-01", "b"),
            rebase("2024-05-01", &"r".repeat(501)),
        ]);
        assert_eq!(
            problems(d.apply(None)),
            [
                (
                    Field::Rebase,
                    Problem::NoReason {
                        date: date(2024, 3, 1)
                    }
                ),
                (
                    Field::Rebase,
                    Problem::NotADate {
                        given: "someday".into()
                    }
                ),
                (
                    Field::Rebase,
                    Problem::RebasedTwice {
                        date: date(2024, 4, 1)
                    }
                ),
                (Field::Rebase, Problem::TooLong { max: 500 }),
            ]
        );
        // Each names its place in the list as sent.
        let at: Vec<Option<usize>> = d.apply(None).unwrap_err().iter().map(|p| p.index).collect();
        assert_eq!(at, [Some(0), Some(1), Some(3), Some(4)]);
        d.rebase = Some(vec![rebase("2024-05-01", &"r".repeat(500))]);
        assert!(d.apply(None).is_ok());
        d.rebase = Some(
            (0..101)
                .map(|i| rebase(&format!("{}", 1900 + i), "x"))
                .collect(),
        );
        assert_eq!(
            problems(d.apply(None)),
            [(Field::Rebase, Problem::TooManyRebases { max: 100 })]
        );
    }

    fn pdsa(title: &str, start: &str) -> PdsaDraft {
        PdsaDraft {
            title: s(title),
            start_date: s(start),
            ..PdsaDraft::default()
        }
    }

    #[test]
    fn a_pdsa_cycle_needs_a_title_and_a_real_start_date() {
        assert_eq!(
            problems(PdsaDraft::default().apply(None)),
            [
                (Field::Title, Problem::Missing),
                (Field::StartDate, Problem::Missing)
            ]
        );
        assert_eq!(
            problems(pdsa("Huddle", "31/02/2024").apply(None)),
            [(
                Field::StartDate,
                Problem::NotADate {
                    given: "31/02/2024".into()
                }
            )]
        );
        let f = pdsa("Huddle", "03/02/2024").apply(None).unwrap();
        assert_eq!(f.start_date, NaiveDate::from_ymd_opt(2024, 2, 3));
        let mut d = pdsa("Huddle", "2024-02-03");
        d.act = s("bogus");
        d.change_idea = s("x");
        d.study = Some("z".repeat(10_001));
        let fields: Vec<Field> = problems(d.apply(None))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, [Field::ChangeIdea, Field::Study, Field::Act]);
    }

    #[test]
    fn a_pdsa_patch_keeps_and_clears() {
        let mut d = pdsa("Huddle", "2024-02-03");
        d.act = s("adopt");
        d.change_idea = s("7");
        let current = d.apply(None).unwrap();
        let patched = PdsaDraft {
            study: s("worked"),
            act: s(""),
            ..PdsaDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert_eq!(patched.act, None);
        assert_eq!(patched.change_idea, Some(DriverNodeId(7)));
        assert_eq!(patched.study, "worked");
        assert_eq!(patched.title, "Huddle");
    }

    fn node(id: i64, kind: DriverKind) -> DriverNode {
        DriverNode {
            id: DriverNodeId(id),
            project: ProjectId(1),
            parent: None,
            kind,
            text: format!("node {id}"),
            version: Version(1),
            idea: None,
        }
    }

    fn cycle(id: i64, follows: Option<i64>) -> PdsaCycle {
        PdsaCycle {
            id: PdsaId(id),
            project: ProjectId(1),
            fields: PdsaFields {
                title: format!("Cycle {id}"),
                follows: follows.map(PdsaId),
                ..PdsaFields::default()
            },
            version: Version(1),
        }
    }

    #[test]
    fn the_links_rule_checks_new_links() {
        let nodes = [
            node(1, DriverKind::Primary),
            node(3, DriverKind::ChangeIdea),
        ];
        // 5 ← 6 ← 7: cycle 6 follows 5, 7 follows 6.
        let cycles = [cycle(5, None), cycle(6, Some(5)), cycle(7, Some(6))];
        let fields = |idea: Option<i64>, follows: Option<i64>| PdsaFields {
            title: "T".into(),
            change_idea: idea.map(DriverNodeId),
            follows: follows.map(PdsaId),
            ..PdsaFields::default()
        };
        let check = |f: &PdsaFields, this: Option<i64>| {
            check_pdsa_links(f, None, this.map(PdsaId), &nodes, &cycles)
        };
        assert!(check(&fields(Some(3), Some(7)), None).is_ok());
        assert_eq!(
            problems(check(&fields(Some(1), None), None)),
            [(Field::ChangeIdea, Problem::NotAChangeIdea)]
        );
        assert_eq!(
            problems(check(&fields(Some(99), Some(99)), None)),
            [
                (Field::ChangeIdea, Problem::NotAChangeIdea),
                (Field::Follows, Problem::NotACycle)
            ]
        );
        assert_eq!(
            problems(check(&fields(None, Some(6)), Some(6))),
            [(Field::Follows, Problem::FollowsItself)]
        );
        // Cycle 5 following 7 would make 5 ← 6 ← 7 ← 5.
        assert_eq!(
            problems(check(&fields(None, Some(7)), Some(5))),
            [(
                Field::Follows,
                Problem::MakesLoop {
                    title: "Cycle 7".into()
                }
            )]
        );
    }

    /// Regression: a change of a cycle whose change idea or followed cycle was deleted since
    /// was refused whatever field it changed; links kept as they are are not checked again.
    #[test]
    fn regression_links_kept_as_they_are_stay_when_their_target_was_deleted() {
        let nodes: [DriverNode; 0] = [];
        let cycles = [cycle(6, None)];
        let current = PdsaFields {
            title: "T".into(),
            start_date: NaiveDate::from_ymd_opt(2024, 2, 3),
            change_idea: Some(DriverNodeId(3)),
            follows: Some(PdsaId(5)),
            ..PdsaFields::default()
        };
        let changed = PdsaDraft {
            study: s("went well"),
            ..PdsaDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert!(
            check_pdsa_links(&changed, Some(&current), Some(PdsaId(6)), &nodes, &cycles).is_ok()
        );
        // Changing a link to something gone is still refused.
        let relinked = PdsaDraft {
            change_idea: s("4"),
            ..PdsaDraft::default()
        }
        .apply(Some(&current))
        .unwrap();
        assert_eq!(
            problems(check_pdsa_links(
                &relinked,
                Some(&current),
                Some(PdsaId(6)),
                &nodes,
                &cycles
            )),
            [(Field::ChangeIdea, Problem::NotAChangeIdea)]
        );
    }

    #[test]
    fn driver_text_names_and_people() {
        let text = |t: &str| DriverTextDraft { text: s(t) }.apply(None);
        assert_eq!(text(&"d".repeat(200)).unwrap().as_str().len(), 200);
        assert_eq!(
            problems(text(&"d".repeat(201))),
            [(Field::Text, Problem::TooLong { max: 200 })]
        );
        assert_eq!(problems(text(" ")), [(Field::Text, Problem::Missing)]);
        assert_eq!(
            DriverTextDraft::default()
                .apply(Some("kept"))
                .unwrap()
                .as_str(),
            "kept"
        );
        assert_eq!(
            problems(NameDraft::default().apply(None)),
            [(Field::Name, Problem::Missing)]
        );
        let p = PersonDraft {
            email: s(" A.Nurse@NHS.net "),
            name: s("Ann Nurse"),
            role: None,
        }
        .apply()
        .unwrap();
        assert_eq!(p.email.as_str(), "a.nurse@nhs.net");
        assert_eq!(p.role, Role::Member, "the default");
        let bad = PersonDraft {
            email: s("nurse"),
            name: None,
            role: s("boss"),
        };
        let fields: Vec<(Field, bool)> = problems(bad.apply())
            .into_iter()
            .map(|(f, p)| (f, matches!(p, Problem::NotOneOf { .. })))
            .collect();
        assert_eq!(
            fields,
            [
                (Field::Email, false),
                (Field::Name, false),
                (Field::Role, true)
            ]
        );
        assert_eq!(parse_role("improvement_lead"), Ok(Role::ImprovementLead));
    }

    #[test]
    fn problems_in_the_apis_words() {
        assert_eq!(
            Problem::TooLong { max: 10_000 }.to_string(),
            "must be 10,000 characters or fewer"
        );
        assert_eq!(
            Problem::OutOfRange {
                min: -1_000_000_000_000_000,
                max: 1_000_000_000_000_000
            }
            .to_string(),
            "must be between -1,000,000,000,000,000 and 1,000,000,000,000,000"
        );
        assert_eq!(
            FieldProblem {
                field: Field::Kind,
                index: None,
                problem: Problem::Missing
            }
            .to_string(),
            "type: is required"
        );
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }
}
