//! The board's self-assessment of how it governs for quality improvement, on the eight
//! dimensions of Jones et al. (2017), "How do hospital boards govern for quality improvement? A
//! mixed methods study of 15 organisations in England", BMJ Quality & Safety 26:978–986.
//!
//! Board members rate each [`Dimension`] on a [`Maturity`] scale with an evidence note; an
//! assessment keeps everyone's ratings ([`Submission`]), and the organisation's assessments are
//! compared over time. Beside each rating stands the [`Evidence`] Gemba already holds (how many
//! board measures are shown as SPC with icons, how many staff are in project teams…), and
//! [`disagreement`] says, in plain words, where the rating and the evidence disagree.
//!
//! Pure: no store, no clock (today's date is given).

use chrono::NaiveDate;

use crate::draft::{Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{AssessmentId, OrgId, ProjectStatus, User, UserId, Version};
use crate::validate::NonEmpty;

macro_rules! dimensions {
    ($($variant:ident, $name:literal, $label:literal, $good:literal;)*) => {
        /// One of the eight dimensions of QI governance (Jones et al. 2017), in the paper's order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Dimension {
            $(
                #[doc = $label]
                $variant,
            )*
        }

        impl Dimension {
            /// Every dimension, in the paper's order.
            pub const ALL: [Dimension; 8] = [$(Dimension::$variant),*];

            /// The name in the API and in storage (`data_for_improvement`).
            pub fn name(self) -> &'static str {
                match self { $(Dimension::$variant => $name,)* }
            }

            /// The short name for people ("Using data for improvement").
            pub fn label(self) -> &'static str {
                match self { $(Dimension::$variant => $label,)* }
            }

            /// What good looks like, in one line.
            pub fn description(self) -> &'static str {
                match self { $(Dimension::$variant => $good,)* }
            }
        }
    };
}

dimensions! {
    QiPriority, "qi_priority", "QI as a board priority",
        "Quality improvement is on every board agenda, with time, money and executive attention to match.";
    DataForImprovement, "data_for_improvement", "Using data for improvement",
        "The board sees its measures over time as SPC charts, so it can tell signal from noise and act on it.";
    FamiliarityWithPerformance, "familiarity_with_performance", "Familiarity with current performance",
        "Members know how the organisation is doing now, from current data, not last quarter's.";
    StaffInvolvement, "staff_involvement", "Staff involvement",
        "Staff across the organisation take part in improvement work, not a small central team alone.";
    PatientInvolvement, "patient_involvement", "Patient, public and carer involvement",
        "Patients, carers and the public are partners in improvement projects and in setting priorities.";
    SystematicApproach, "systematic_approach", "A clear, systematic approach",
        "A few well-specified priorities, pursued with one improvement method across the organisation.";
    Balance, "balance", "Balance of safety, effectiveness and experience",
        "The board gives clinical effectiveness, patient experience and safety balanced attention.";
    BoardDynamics, "board_dynamics", "Board dynamics",
        "Members challenge each other constructively, and the board reflects on how it works together.";
}

impl Dimension {
    /// The dimension of a [`Dimension::name`].
    pub fn parse(s: &str) -> Option<Dimension> {
        Self::ALL.into_iter().find(|d| d.name() == s.trim())
    }

    /// Every name, for "must be one of".
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|d| d.name()).collect()
    }

    /// Its position in [`Dimension::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How mature the board is on a dimension: 1 to 5, words for people and numbers in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Maturity {
    /// 1: not yet started.
    NotYetStarted = 1,
    /// 2: emerging.
    Emerging = 2,
    /// 3: developing.
    Developing = 3,
    /// 4: established.
    Established = 4,
    /// 5: leading.
    Leading = 5,
}

impl Maturity {
    /// Every level, lowest first.
    pub const ALL: [Maturity; 5] = [
        Maturity::NotYetStarted,
        Maturity::Emerging,
        Maturity::Developing,
        Maturity::Established,
        Maturity::Leading,
    ];

    /// The level's number, 1 to 5.
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The level of a number from 1 to 5.
    pub fn from_level(n: i64) -> Option<Maturity> {
        Self::ALL.into_iter().find(|m| i64::from(m.level()) == n)
    }

    /// The word for people: "Not yet started", "Emerging", "Developing", "Established",
    /// "Leading".
    pub fn label(self) -> &'static str {
        match self {
            Maturity::NotYetStarted => "Not yet started",
            Maturity::Emerging => "Emerging",
            Maturity::Developing => "Developing",
            Maturity::Established => "Established",
            Maturity::Leading => "Leading",
        }
    }
}

/// A board self-assessment: a title and the date it was held (its ratings are its
/// [`Submission`]s).
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Its id.
    pub id: AssessmentId,
    /// The organisation whose board it is.
    pub org: OrgId,
    /// "Board development session, March 2026".
    pub title: String,
    /// When it was held.
    pub date: NaiveDate,
}

/// The fields of an assessment a person sets (validated).
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentFields {
    /// Its title.
    pub title: NonEmpty,
    /// When it was held.
    pub date: NaiveDate,
}

/// An assessment as sent: its title and date, raw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssessmentDraft {
    /// Required, at most [`limits::NAME`] characters.
    pub title: Option<String>,
    /// Required: a date as people write it.
    pub date: Option<String>,
}

impl AssessmentDraft {
    /// The checked fields, or every problem.
    pub fn apply(&self) -> Result<AssessmentFields, Problems> {
        let mut problems = Vec::new();
        let mut add = |field, problem| {
            problems.push(FieldProblem {
                field,
                index: None,
                problem,
            })
        };
        let title = match self.title.as_deref().map(str::trim) {
            None | Some("") => {
                add(Field::Title, Problem::Missing);
                None
            }
            Some(t) if t.chars().count() > limits::NAME => {
                add(Field::Title, Problem::TooLong { max: limits::NAME });
                None
            }
            Some(t) => Some(NonEmpty::trusted(t.to_owned())),
        };
        let date = match self.date.as_deref().map(str::trim) {
            None | Some("") => {
                add(Field::Date, Problem::Missing);
                None
            }
            Some(d) => {
                let parsed = crate::draft::parse_date(d);
                if parsed.is_none() {
                    add(
                        Field::Date,
                        Problem::NotADate {
                            given: d.to_owned(),
                        },
                    );
                }
                parsed
            }
        };
        match (title, date) {
            (Some(title), Some(date)) if problems.is_empty() => {
                Ok(AssessmentFields { title, date })
            }
            _ => Err(problems),
        }
    }
}

/// One person's rating of one dimension, with their evidence note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The dimension.
    pub dimension: Dimension,
    /// How mature they judge the board to be on it.
    pub level: Maturity,
    /// Why: their evidence, at most [`limits::ASSESSMENT_NOTE`] characters (may be empty).
    pub note: String,
}

/// One board member's ratings in an assessment: one per dimension they rated, in the order
/// of [`Dimension::ALL`]. They may change it; its version guards against saving over a change
/// made meanwhile (in another window).
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Who.
    pub user: User,
    /// Their ratings.
    pub ratings: Vec<Rating>,
    /// 1 when first saved, one more with every change.
    pub version: Version,
}

/// One rating as sent: the dimension's name, the level and the note, raw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RatingDraft {
    /// A [`Dimension::name`]. Required.
    pub dimension: Option<String>,
    /// The level, 1 to 5. Required.
    pub level: Option<String>,
    /// The evidence note; at most [`limits::ASSESSMENT_NOTE`] characters.
    pub note: Option<String>,
}

/// Checks a person's ratings as sent: each names a dimension (none twice) and a level from 1
/// to 5, with a note of at most [`limits::ASSESSMENT_NOTE`] characters. Problems carry the
/// position of the rating as sent; more than eight ratings is one problem. The ratings come
/// back in the order of [`Dimension::ALL`].
pub fn check_ratings(given: &[RatingDraft]) -> Result<Vec<Rating>, Problems> {
    // More ratings than dimensions cannot be right: one problem, not one per extra rating.
    if given.len() > Dimension::ALL.len() {
        return Err(vec![FieldProblem {
            field: Field::Dimension,
            index: None,
            problem: Problem::Rule(format!(
                "has {} ratings: at most {}, one per dimension",
                given.len(),
                Dimension::ALL.len()
            )),
        }]);
    }
    let mut problems = Vec::new();
    let mut out: Vec<Rating> = Vec::new();
    for (i, r) in given.iter().enumerate() {
        let mut add = |field, problem| {
            problems.push(FieldProblem {
                field,
                index: Some(i),
                problem,
            })
        };
        let dimension = match r.dimension.as_deref().map(str::trim) {
            None | Some("") => {
                add(Field::Dimension, Problem::Missing);
                None
            }
            Some(d) => match Dimension::parse(d) {
                Some(d) if out.iter().any(|x| x.dimension == d) => {
                    add(
                        Field::Dimension,
                        Problem::Rule(format!("has {} twice", d.name())),
                    );
                    None
                }
                Some(d) => Some(d),
                None => {
                    add(
                        Field::Dimension,
                        Problem::NotOneOf {
                            allowed: Dimension::names(),
                        },
                    );
                    None
                }
            },
        };
        let level = match r.level.as_deref().map(str::trim) {
            None | Some("") => {
                add(Field::Rating, Problem::Missing);
                None
            }
            Some(l) => {
                let level = l.parse::<i64>().ok().and_then(Maturity::from_level);
                if level.is_none() {
                    add(Field::Rating, Problem::NotAWholeNumber { min: 1, max: 5 });
                }
                level
            }
        };
        let note = r.note.as_deref().unwrap_or_default().trim();
        let note_ok = note.chars().count() <= limits::ASSESSMENT_NOTE;
        if !note_ok {
            add(
                Field::Note,
                Problem::TooLong {
                    max: limits::ASSESSMENT_NOTE,
                },
            );
        }
        if let (Some(dimension), Some(level), true) = (dimension, level, note_ok) {
            out.push(Rating {
                dimension,
                level,
                note: note.to_owned(),
            });
        }
    }
    if problems.is_empty() {
        out.sort_by_key(|r| r.dimension);
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The median of ratings, in half steps (3.5 between Developing and Established); `None`
/// when there are none.
///
/// ```
/// use gemba_domain::{median, Maturity::*};
/// assert_eq!(median(&[Emerging, Leading, Developing]), Some(3.0));
/// assert_eq!(median(&[Emerging, Established]), Some(3.0));
/// assert_eq!(median(&[Developing, Established]), Some(3.5));
/// assert_eq!(median(&[]), None);
/// ```
pub fn median(levels: &[Maturity]) -> Option<f64> {
    let mut sorted: Vec<u8> = levels.iter().map(|m| m.level()).collect();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        _ => Some((f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0),
    }
}

/// A median in words: "Established", or "between Developing and Established" for 3.5.
pub fn median_label(median: f64) -> String {
    let low = Maturity::from_level(median.floor() as i64);
    let high = Maturity::from_level(median.ceil() as i64);
    match (low, high) {
        (Some(l), Some(h)) if l == h => l.label().to_owned(),
        (Some(l), Some(h)) => format!("between {} and {}", l.label(), h.label()),
        _ => format!("{median}"),
    }
}

/// Whether a project counts as active for the evidence: it is being worked on (scoping,
/// testing, implementing, sustaining or spreading), not an idea, closed or abandoned.
pub fn is_active(status: ProjectStatus) -> bool {
    matches!(
        status,
        ProjectStatus::Scoping
            | ProjectStatus::Testing
            | ProjectStatus::Implementing
            | ProjectStatus::Sustaining
            | ProjectStatus::Spreading
    )
}

/// How recent a board measure's latest value must be to count as current: dated on or after
/// the same day this many months before today.
pub const CURRENT_DATA_MONTHS: u32 = 2;

/// The report sections that stand for the balance of the paper's trio: safety, clinical
/// effectiveness and patient experience (the CQC's Safe, Effective and Caring).
pub const BALANCE_SECTIONS: [&str; 3] = ["Safe", "Effective", "Caring"];

/// What one board measure tells the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardMeasureFacts {
    /// Its report section.
    pub section: String,
    /// Whether it is shown as an SPC chart with a variation icon (not only as a number or a
    /// RAG rating): it has data, and its chart has a variation icon.
    pub spc_with_icon: bool,
    /// The date of its latest value, if it has any.
    pub latest: Option<NaiveDate>,
}

/// One active project's team, for the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamFacts {
    /// Who is on the team.
    pub members: Vec<UserId>,
    /// Whether the project has patient partners ([`crate::partnered`]): a patient partner
    /// (someone with that role in the organisation) is on the team, or patients and carers are
    /// involved at "involve" or "co-produce".
    pub patient_partner: bool,
}

/// What Gemba already holds about an organisation, set beside the board's ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Measures on the board report.
    pub board_measures: usize,
    /// Of those, the ones shown as SPC with a variation icon.
    pub spc_with_icons: usize,
    /// Of those, the ones with a value in the last [`CURRENT_DATA_MONTHS`] months.
    pub current: usize,
    /// Board measures per report section, in the report's order (sections without measures
    /// included).
    pub by_section: Vec<(String, usize)>,
    /// Active people in the organisation.
    pub people: usize,
    /// Distinct people on the teams of active projects.
    pub people_in_teams: usize,
    /// Active projects ([`is_active`]).
    pub active_projects: usize,
    /// Active projects with patient partners (a patient partner on the team, or involvement at
    /// "involve" or "co-produce": [`crate::partnered`]).
    pub with_patient_partner: usize,
    /// Strategic priorities the organisation's projects may serve (its own and its system's).
    pub priorities: usize,
}

impl Evidence {
    /// The evidence from the facts: the board's measures, the report's sections, how many
    /// people the organisation has, and the teams of its active projects; `today` dates the
    /// "current" data.
    pub fn from_facts(
        measures: &[BoardMeasureFacts],
        sections: &[String],
        people: usize,
        teams: &[TeamFacts],
        today: NaiveDate,
    ) -> Evidence {
        let since = today
            .checked_sub_months(chrono::Months::new(CURRENT_DATA_MONTHS))
            .unwrap_or(today);
        let mut by_section: Vec<(String, usize)> =
            sections.iter().map(|s| (s.clone(), 0)).collect();
        for m in measures {
            match by_section.iter_mut().find(|(s, _)| *s == m.section) {
                Some((_, n)) => *n += 1,
                None => by_section.push((m.section.clone(), 1)),
            }
        }
        let mut in_teams: Vec<UserId> = teams.iter().flat_map(|t| t.members.clone()).collect();
        in_teams.sort_unstable();
        in_teams.dedup();
        Evidence {
            board_measures: measures.len(),
            spc_with_icons: measures.iter().filter(|m| m.spc_with_icon).count(),
            current: measures
                .iter()
                .filter(|m| m.latest.is_some_and(|d| d >= since))
                .count(),
            by_section,
            people,
            people_in_teams: in_teams.len(),
            active_projects: teams.len(),
            with_patient_partner: teams.iter().filter(|t| t.patient_partner).count(),
            priorities: 0,
        }
    }

    /// Board measures in a section (0 for a section the report does not have).
    pub fn in_section(&self, section: &str) -> usize {
        self.by_section
            .iter()
            .find(|(s, _)| s == section)
            .map_or(0, |(_, n)| *n)
    }

    /// What Gemba holds on `dimension`, in plain words; for the two dimensions it has no
    /// numbers on, says so.
    pub fn summary(&self, dimension: Dimension) -> String {
        match dimension {
            Dimension::QiPriority | Dimension::BoardDynamics => {
                "Gemba holds no figures on this; the members' notes carry the evidence.".to_owned()
            }
            Dimension::DataForImprovement => shares(
                self.spc_with_icons,
                self.board_measures,
                ("board measure", "board measures"),
                ("is", "are"),
                "shown as SPC with icons",
            ),
            Dimension::FamiliarityWithPerformance => shares(
                self.current,
                self.board_measures,
                ("board measure", "board measures"),
                ("has", "have"),
                &format!("data from the last {CURRENT_DATA_MONTHS} months"),
            ),
            Dimension::StaffInvolvement => shares(
                self.people_in_teams,
                self.people,
                ("person in the organisation", "people in the organisation"),
                ("is", "are"),
                "in the teams of active projects",
            ),
            Dimension::PatientInvolvement => shares(
                self.with_patient_partner,
                self.active_projects,
                ("active project", "active projects"),
                ("has", "have"),
                "patient partners (on the team, or patients involved at \u{201c}involve\u{201d} or \u{201c}co-produce\u{201d})",
            ),
            Dimension::SystematicApproach => format!(
                "{} active {} serving {} strategic {}.",
                self.active_projects,
                if self.active_projects == 1 {
                    "project"
                } else {
                    "projects"
                },
                self.priorities,
                if self.priorities == 1 {
                    "priority"
                } else {
                    "priorities"
                }
            ),
            Dimension::Balance => {
                let sections: Vec<String> = self
                    .by_section
                    .iter()
                    .map(|(s, n)| format!("{s} {n}"))
                    .collect();
                format!(
                    "Board measures by report section: {}.",
                    if sections.is_empty() {
                        "none".to_owned()
                    } else {
                        sections.join(", ")
                    }
                )
            }
        }
    }
}

/// A whole percentage of `n` in `d`, rounded half up (2 of 3 is 67%); 0 when `d` is 0.
///
/// ```
/// assert_eq!(gemba_domain::percent(2, 5), 40);
/// assert_eq!(gemba_domain::percent(2, 3), 67);
/// assert_eq!(gemba_domain::percent(1, 8), 13);
/// assert_eq!(gemba_domain::percent(0, 0), 0);
/// ```
pub fn percent(n: usize, d: usize) -> usize {
    if d == 0 {
        0
    } else {
        (200 * n + d) / (2 * d)
    }
}

/// "2 of 5 board measures (40%) are shown as SPC with icons.": `n` of `d` things (the noun
/// singular and plural), with the verb agreeing with `n`, then `rest`; "There are no board
/// measures yet." when `d` is 0.
fn shares(n: usize, d: usize, noun: (&str, &str), verb: (&str, &str), rest: &str) -> String {
    if d == 0 {
        return format!("There are no {} yet.", noun.1);
    }
    format!(
        "{n} of {d} {} ({}%) {} {rest}.",
        if d == 1 { noun.0 } else { noun.1 },
        percent(n, d),
        if n == 1 { verb.0 } else { verb.1 }
    )
}

/// More strategic priorities than this is not "a few, well-specified priorities" (Jones et al.
/// 2017: boards with mature QI governance focused on few priorities); a high rating of the
/// systematic approach with more, or with none set, disagrees with the evidence.
pub const MANY_PRIORITIES: usize = 7;

/// A median at or above this counts as rated high (Established or Leading).
pub const RATED_HIGH: f64 = 4.0;
/// A median at or below this counts as rated low (Not yet started or Emerging).
pub const RATED_LOW: f64 = 2.0;
/// Using data for improvement: a board that rates itself high should see at least this share
/// of its measures as SPC with icons; a board rated low while this share or more is shown so
/// is underrating itself. (Making Data Count asks for SPC on every board measure; 80% leaves
/// room for a new measure still gathering its baseline.)
pub const SPC_STRONG: f64 = 0.8;
/// Familiarity with current performance: rated high, at least this share of board measures
/// should have data from the last [`CURRENT_DATA_MONTHS`] months.
pub const CURRENT_STRONG: f64 = 0.8;
/// Staff involvement: rated high while fewer than this share of the organisation's people in
/// Gemba are on active project teams disagrees.
pub const STAFF_WEAK: f64 = 0.2;
/// Staff involvement: rated low while at least this share is on active project teams: the
/// evidence suggests more.
pub const STAFF_STRONG: f64 = 0.5;
/// Patient involvement: rated high while fewer than this share of active projects have a
/// patient partner disagrees.
pub const PARTNERS_WEAK: f64 = 0.5;
/// Patient involvement: rated low while at least this share have one: the evidence suggests
/// more.
pub const PARTNERS_STRONG: f64 = 0.75;
/// Balance: rated low while each of [`BALANCE_SECTIONS`] has at least this many board
/// measures: the evidence suggests more. (Rated high, each needs at least one.)
pub const BALANCE_STRONG: usize = 2;

/// Where a dimension's median rating and the evidence disagree, in plain words: rated high
/// (median ≥ [`RATED_HIGH`]) while the evidence is weak, or rated low (≤ [`RATED_LOW`]) while it
/// is strong; `None` when they agree, when the rating is in between, or when Gemba holds no
/// evidence on the dimension (QI as a board priority, board dynamics, and the priorities of a
/// systematic approach, which Gemba does not record yet).
pub fn disagreement(dimension: Dimension, median: f64, e: &Evidence) -> Option<String> {
    let rated = format!("Rated {}", median_label(median));
    let high = median >= RATED_HIGH;
    let low = median <= RATED_LOW;
    let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    // The verb agrees with the count: "1 of 2 board measures is", "2 of 5 … are".
    let agree = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    match dimension {
        Dimension::QiPriority | Dimension::BoardDynamics => None,
        Dimension::SystematicApproach => {
            if high && e.priorities == 0 {
                Some(format!(
                    "{rated}, but no strategic priorities are set in Gemba"
                ))
            } else if high && e.priorities > MANY_PRIORITIES {
                Some(format!(
                    "{rated}, but the organisation has {} strategic priorities: a systematic \
                     approach pursues a few ({MANY_PRIORITIES} or fewer)",
                    e.priorities
                ))
            } else {
                None
            }
        }
        Dimension::DataForImprovement => {
            let s = share(e.spc_with_icons, e.board_measures);
            if high && e.board_measures == 0 {
                Some(format!("{rated}, but the board report has no measures yet"))
            } else if high && s < SPC_STRONG {
                Some(format!(
                    "{rated}, but only {} of {} board measures ({}%) {} shown as SPC with icons",
                    e.spc_with_icons,
                    e.board_measures,
                    percent(e.spc_with_icons, e.board_measures),
                    agree(e.spc_with_icons, "is", "are")
                ))
            } else if low && e.board_measures > 0 && s >= SPC_STRONG {
                Some(format!(
                    "{rated}, but {} of {} board measures ({}%) {} shown as SPC with icons: the \
                     evidence suggests more",
                    e.spc_with_icons,
                    e.board_measures,
                    percent(e.spc_with_icons, e.board_measures),
                    agree(e.spc_with_icons, "is", "are")
                ))
            } else {
                None
            }
        }
        Dimension::FamiliarityWithPerformance => {
            if high && e.board_measures == 0 {
                Some(format!("{rated}, but the board report has no measures yet"))
            } else if high && share(e.current, e.board_measures) < CURRENT_STRONG {
                Some(format!(
                    "{rated}, but only {} of {} board measures ({}%) {} data from the last {} months",
                    e.current,
                    e.board_measures,
                    percent(e.current, e.board_measures),
                    agree(e.current, "has", "have"),
                    CURRENT_DATA_MONTHS
                ))
            } else {
                None
            }
        }
        Dimension::StaffInvolvement => {
            let s = share(e.people_in_teams, e.people);
            if high && s < STAFF_WEAK {
                Some(format!(
                    "{rated}, but only {} of {} people in the organisation ({}%) {} in the teams \
                     of active projects",
                    e.people_in_teams,
                    e.people,
                    percent(e.people_in_teams, e.people),
                    agree(e.people_in_teams, "is", "are")
                ))
            } else if low && e.people > 0 && s >= STAFF_STRONG {
                Some(format!(
                    "{rated}, but {} of {} people in the organisation ({}%) {} in the teams of \
                     active projects: the evidence suggests more",
                    e.people_in_teams,
                    e.people,
                    percent(e.people_in_teams, e.people),
                    agree(e.people_in_teams, "is", "are")
                ))
            } else {
                None
            }
        }
        Dimension::PatientInvolvement => {
            let s = share(e.with_patient_partner, e.active_projects);
            if high && e.active_projects == 0 {
                Some(format!("{rated}, but there are no active projects"))
            } else if high && s < PARTNERS_WEAK {
                Some(format!(
                    "{rated}, but only {} of {} active projects ({}%) {} patient partners",
                    e.with_patient_partner,
                    e.active_projects,
                    percent(e.with_patient_partner, e.active_projects),
                    agree(e.with_patient_partner, "has", "have")
                ))
            } else if low && e.active_projects > 0 && s >= PARTNERS_STRONG {
                Some(format!(
                    "{rated}, but {} of {} active projects ({}%) {} patient partners: the \
                     evidence suggests more",
                    e.with_patient_partner,
                    e.active_projects,
                    percent(e.with_patient_partner, e.active_projects),
                    agree(e.with_patient_partner, "has", "have")
                ))
            } else {
                None
            }
        }
        Dimension::Balance => {
            let missing: Vec<&str> = BALANCE_SECTIONS
                .into_iter()
                .filter(|s| e.in_section(s) == 0)
                .collect();
            if high && !missing.is_empty() {
                Some(format!(
                    "{rated}, but the board report has no measures in {}",
                    and_list(&missing)
                ))
            } else if low
                && BALANCE_SECTIONS
                    .iter()
                    .all(|s| e.in_section(s) >= BALANCE_STRONG)
            {
                Some(format!(
                    "{rated}, but the board report has at least {BALANCE_STRONG} measures in each of \
                     Safe, Effective and Caring: the evidence suggests more"
                ))
            } else {
                None
            }
        }
    }
}

/// "Safe", "Safe and Caring", "Safe, Effective and Caring".
fn and_list(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// One dimension of an assessment as the page and the API show it: everyone's ratings, their
/// median and range, the evidence and where they disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionResult {
    /// The dimension.
    pub dimension: Dimension,
    /// Each member's rating and note, by name.
    pub ratings: Vec<(User, Rating)>,
    /// The median rating, if anyone rated it.
    pub median: Option<f64>,
    /// The lowest and highest rating, if anyone rated it.
    pub range: Option<(Maturity, Maturity)>,
    /// What Gemba holds on it ([`Evidence::summary`]).
    pub evidence: String,
    /// Where the median and the evidence disagree ([`disagreement`]).
    pub disagreement: Option<String>,
}

/// Every dimension of an assessment from its submissions and the evidence, in the paper's
/// order.
pub fn results(submissions: &[Submission], evidence: &Evidence) -> Vec<DimensionResult> {
    Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let ratings: Vec<(User, Rating)> = submissions
                .iter()
                .filter_map(|s| {
                    s.ratings
                        .iter()
                        .find(|r| r.dimension == dimension)
                        .map(|r| (s.user.clone(), r.clone()))
                })
                .collect();
            let levels: Vec<Maturity> = ratings.iter().map(|(_, r)| r.level).collect();
            let median = median(&levels);
            let range = levels
                .iter()
                .min()
                .copied()
                .zip(levels.iter().max().copied());
            DimensionResult {
                dimension,
                ratings,
                median,
                range,
                evidence: evidence.summary(dimension),
                disagreement: median.and_then(|m| disagreement(dimension, m, evidence)),
            }
        })
        .collect()
}

/// The medians of each dimension in each assessment, for comparing assessments over time:
/// one row per dimension (in the paper's order), one value per assessment in the order given
/// (`None` where no one rated it).
pub fn medians_over_time(assessments: &[Vec<Submission>]) -> Vec<(Dimension, Vec<Option<f64>>)> {
    Dimension::ALL
        .into_iter()
        .map(|d| {
            let medians = assessments
                .iter()
                .map(|subs| {
                    let levels: Vec<Maturity> = subs
                        .iter()
                        .filter_map(|s| s.ratings.iter().find(|r| r.dimension == d))
                        .map(|r| r.level)
                        .collect();
                    median(&levels)
                })
                .collect();
            (d, medians)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Email;
    use Maturity::*;

    fn evidence() -> Evidence {
        Evidence {
            board_measures: 5,
            spc_with_icons: 2,
            current: 3,
            by_section: vec![
                ("Safe".into(), 2),
                ("Effective".into(), 0),
                ("Caring".into(), 1),
                ("Responsive".into(), 1),
                ("Well-led".into(), 1),
            ],
            people: 40,
            people_in_teams: 6,
            active_projects: 4,
            with_patient_partner: 1,
            priorities: 3,
        }
    }

    #[test]
    fn dimensions_and_levels_have_stable_names() {
        assert_eq!(Dimension::ALL.len(), 8);
        assert_eq!(Dimension::ALL[0].name(), "qi_priority");
        assert_eq!(Dimension::ALL[7].name(), "board_dynamics");
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Some(d));
            assert_eq!(Dimension::ALL[d.index()], d);
        }
        assert_eq!(Dimension::parse("balance "), Some(Dimension::Balance));
        assert_eq!(Dimension::parse("Balance"), None);
        assert_eq!(Maturity::from_level(4), Some(Established));
        assert_eq!(Maturity::from_level(0), None);
        assert_eq!(Maturity::from_level(6), None);
        assert_eq!(Leading.level(), 5);
    }

    #[test]
    fn medians_take_the_middle_or_halfway_between() {
        assert_eq!(median(&[Leading]), Some(5.0));
        assert_eq!(median(&[Leading, NotYetStarted, Emerging]), Some(2.0));
        assert_eq!(
            median(&[Leading, NotYetStarted, Emerging, Developing]),
            Some(2.5)
        );
        assert_eq!(median_label(2.5), "between Emerging and Developing");
        assert_eq!(median_label(4.0), "Established");
    }

    #[test]
    fn rated_high_on_data_while_few_measures_show_spc() {
        // 2 of 5 = 40% < 80%.
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 4.0, &evidence()).as_deref(),
            Some("Rated Established, but only 2 of 5 board measures (40%) are shown as SPC with icons")
        );
        // 4 of 5 = 80%: agrees.
        let strong = Evidence {
            spc_with_icons: 4,
            ..evidence()
        };
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 5.0, &strong),
            None
        );
        // Rated Emerging with 4 of 5: the evidence suggests more.
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 2.0, &strong).as_deref(),
            Some("Rated Emerging, but 4 of 5 board measures (80%) are shown as SPC with icons: the evidence suggests more")
        );
        // In between: no judgement.
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 3.0, &evidence()),
            None
        );
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 3.5, &evidence()),
            None
        );
        let none = Evidence {
            board_measures: 0,
            spc_with_icons: 0,
            ..evidence()
        };
        assert_eq!(
            disagreement(Dimension::DataForImprovement, 4.5, &none).as_deref(),
            Some("Rated between Established and Leading, but the board report has no measures yet")
        );
    }

    #[test]
    fn the_other_dimensions_with_evidence() {
        let e = evidence();
        // 3 of 5 = 60% current < 80%.
        assert_eq!(
            disagreement(Dimension::FamiliarityWithPerformance, 4.0, &e).as_deref(),
            Some("Rated Established, but only 3 of 5 board measures (60%) have data from the last 2 months")
        );
        // Low familiarity ratings are not judged: current data is not familiarity.
        assert_eq!(
            disagreement(Dimension::FamiliarityWithPerformance, 1.0, &e),
            None
        );
        // 6 of 40 = 15% < 20%.
        assert_eq!(
            disagreement(Dimension::StaffInvolvement, 5.0, &e).as_deref(),
            Some("Rated Leading, but only 6 of 40 people in the organisation (15%) are in the teams of active projects")
        );
        let busy = Evidence {
            people_in_teams: 20,
            ..evidence()
        };
        assert_eq!(
            disagreement(Dimension::StaffInvolvement, 1.0, &busy).as_deref(),
            Some("Rated Not yet started, but 20 of 40 people in the organisation (50%) are in the teams of active projects: the evidence suggests more")
        );
        // 1 of 4 = 25% < 50%.
        assert_eq!(
            disagreement(Dimension::PatientInvolvement, 4.0, &e).as_deref(),
            Some("Rated Established, but only 1 of 4 active projects (25%) has patient partners")
        );
        let partnered = Evidence {
            with_patient_partner: 3,
            ..evidence()
        };
        assert_eq!(
            disagreement(Dimension::PatientInvolvement, 4.0, &partnered),
            None
        );
        assert!(disagreement(Dimension::PatientInvolvement, 2.0, &partnered)
            .unwrap()
            .ends_with("the evidence suggests more"));
        assert_eq!(
            disagreement(Dimension::Balance, 4.0, &e).as_deref(),
            Some("Rated Established, but the board report has no measures in Effective")
        );
        let balanced = Evidence {
            by_section: vec![
                ("Safe".into(), 2),
                ("Effective".into(), 3),
                ("Caring".into(), 2),
            ],
            ..evidence()
        };
        assert_eq!(disagreement(Dimension::Balance, 4.0, &balanced), None);
        assert!(disagreement(Dimension::Balance, 2.0, &balanced).is_some());
        for d in [Dimension::QiPriority, Dimension::BoardDynamics] {
            assert_eq!(disagreement(d, 5.0, &e), None);
            assert_eq!(disagreement(d, 1.0, &e), None);
        }
    }

    #[test]
    fn a_systematic_approach_pursues_a_few_priorities() {
        let none = Evidence {
            priorities: 0,
            ..evidence()
        };
        assert_eq!(
            disagreement(Dimension::SystematicApproach, 4.0, &none).as_deref(),
            Some("Rated Established, but no strategic priorities are set in Gemba")
        );
        assert_eq!(
            disagreement(Dimension::SystematicApproach, 4.0, &evidence()),
            None
        );
        let many = Evidence {
            priorities: 12,
            ..evidence()
        };
        assert!(disagreement(Dimension::SystematicApproach, 5.0, &many)
            .unwrap()
            .contains("has 12 strategic priorities"));
        // A low rating never disagrees here: there is nothing to suggest more.
        assert_eq!(
            disagreement(Dimension::SystematicApproach, 2.0, &none),
            None
        );
    }

    #[test]
    fn evidence_from_facts_counts_by_hand() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let m = |section: &str, spc: bool, latest: Option<(i32, u32, u32)>| BoardMeasureFacts {
            section: section.into(),
            spc_with_icon: spc,
            latest: latest.and_then(|(y, mo, d)| NaiveDate::from_ymd_opt(y, mo, d)),
        };
        let measures = [
            m("Safe", true, Some((2026, 1, 15))), // exactly two months: current
            m("Safe", false, Some((2026, 1, 14))), // a day older: not current
            m("Finance", true, None),
        ];
        let sections: Vec<String> = ["Safe", "Caring"].map(str::to_owned).to_vec();
        let teams = [
            TeamFacts {
                members: vec![UserId(1), UserId(2)],
                patient_partner: true,
            },
            TeamFacts {
                members: vec![UserId(2), UserId(3)],
                patient_partner: false,
            },
        ];
        let e = Evidence::from_facts(&measures, &sections, 10, &teams, today);
        assert_eq!(
            e,
            Evidence {
                board_measures: 3,
                spc_with_icons: 2,
                current: 1,
                by_section: vec![
                    ("Safe".into(), 2),
                    ("Caring".into(), 0),
                    ("Finance".into(), 1)
                ],
                people: 10,
                people_in_teams: 3,
                active_projects: 2,
                with_patient_partner: 1,
                priorities: 0,
            }
        );
        assert_eq!(
            e.summary(Dimension::DataForImprovement),
            "2 of 3 board measures (67%) are shown as SPC with icons."
        );
        assert_eq!(
            e.summary(Dimension::PatientInvolvement),
            "1 of 2 active projects (50%) has patient partners (on the team, or patients \
             involved at \u{201c}involve\u{201d} or \u{201c}co-produce\u{201d})."
        );
        assert_eq!(
            e.summary(Dimension::SystematicApproach),
            "2 active projects serving 0 strategic priorities."
        );
        assert_eq!(
            e.summary(Dimension::Balance),
            "Board measures by report section: Safe 2, Caring 0, Finance 1."
        );
    }

    #[test]
    fn ratings_are_checked_every_problem_by_position() {
        let r = |d: &str, l: &str, n: &str| RatingDraft {
            dimension: Some(d.into()),
            level: Some(l.into()),
            note: Some(n.into()),
        };
        let ok =
            check_ratings(&[r("balance", "4", " Good mix "), r("qi_priority", "2", "")]).unwrap();
        assert_eq!(
            ok[0].dimension,
            Dimension::QiPriority,
            "in the paper's order"
        );
        assert_eq!(ok[1].note, "Good mix");
        let long = "x".repeat(limits::ASSESSMENT_NOTE + 1);
        let problems = check_ratings(&[
            r("balance", "6", ""),
            r("wellbeing", "3", ""),
            r("balance", "3", &long),
            RatingDraft::default(),
        ])
        .unwrap_err();
        let seen: Vec<(Field, Option<usize>)> =
            problems.iter().map(|p| (p.field, p.index)).collect();
        assert_eq!(
            seen,
            [
                (Field::Rating, Some(0)),
                (Field::Dimension, Some(1)),
                (Field::Note, Some(2)),
                (Field::Dimension, Some(3)),
                (Field::Rating, Some(3)),
            ]
        );
        assert!(check_ratings(&[r("balance", "3", ""), r("balance", "4", "")]).is_err());
        // Nine ratings: one problem, whatever they say.
        let nine = vec![r("balance", "3", ""); 9];
        let problems = check_ratings(&nine).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].problem,
            Problem::Rule("has 9 ratings: at most 8, one per dimension".into())
        );
        assert_eq!(check_ratings(&[]).unwrap(), vec![]);
    }

    #[test]
    fn results_gather_ratings_by_dimension() {
        let user = |id: i64, name: &str| User {
            id: UserId(id),
            email: Email::parse(&format!("u{id}@nhs.net")).unwrap(),
            name: name.into(),
        };
        let sub = |u: User, levels: &[(Dimension, Maturity)]| Submission {
            user: u,
            ratings: levels
                .iter()
                .map(|(d, l)| Rating {
                    dimension: *d,
                    level: *l,
                    note: String::new(),
                })
                .collect(),
            version: Version(1),
        };
        let subs = [
            sub(user(1, "Ade"), &[(Dimension::DataForImprovement, Leading)]),
            sub(
                user(2, "Bola"),
                &[
                    (Dimension::DataForImprovement, Developing),
                    (Dimension::Balance, Emerging),
                ],
            ),
        ];
        let r = results(&subs, &evidence());
        assert_eq!(r.len(), 8);
        let data = &r[Dimension::DataForImprovement.index()];
        assert_eq!(data.median, Some(4.0));
        assert_eq!(data.range, Some((Developing, Leading)));
        assert_eq!(data.ratings.len(), 2);
        assert!(data
            .disagreement
            .as_deref()
            .unwrap()
            .starts_with("Rated Established, but only 2 of 5"));
        assert_eq!(r[0].median, None);
        assert_eq!(r[0].disagreement, None);
        let over = medians_over_time(&[subs.to_vec(), vec![]]);
        assert_eq!(over[Dimension::Balance.index()].1, vec![Some(2.0), None]);
    }

    #[test]
    fn active_projects_are_being_worked_on() {
        assert!(!is_active(ProjectStatus::Idea));
        assert!(is_active(ProjectStatus::Testing));
        assert!(!is_active(ProjectStatus::Closed));
        assert!(!is_active(ProjectStatus::Abandoned));
    }
}
