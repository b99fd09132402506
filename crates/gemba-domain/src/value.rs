//! What improvement is worth (issue 13 §4): each project records its **potential** value ("light
//! green": an estimate, with the method behind it) and its **realised** value ("dark green":
//! released, with the evidence), in money and hours released, cash-releasing or not, recurrent
//! (per year) or one-off, with a date. A realised entry counts as realised only once someone in
//! finance ([`crate::Role::Finance`]) has confirmed it; changing a confirmed entry's figures
//! takes the confirmation away.
//!
//! The roll-up ([`roll_up`]) totals value by team, organisation, strategic priority and system
//! without counting a saving twice: every entry belongs to one project and counts once in each
//! total; a project serving several priorities is shown under each, but the organisation's total
//! counts it once; a project made by adopting another's change package (spread) has its own
//! entries, never added to its source's. Recurrent entries count one year's value.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::access::{Access, AccessError, Action, Grant};
use crate::board::BoardError;
use crate::draft::{parse_date, prose_part, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{
    OrgId, Organisation, PriorityId, Project, ProjectId, Team, TeamId, User, ValueId, Version,
};
use crate::priority::Priority;
use crate::system::system_role;

/// Whether an entry is an estimate or a saving released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// Potential ("light green"): what the project could release, estimated by a method.
    Potential,
    /// Realised ("dark green"): released; counts once finance confirms it.
    Realised,
}

impl ValueKind {
    /// Both kinds.
    pub const ALL: [ValueKind; 2] = [ValueKind::Potential, ValueKind::Realised];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Potential => "potential",
            ValueKind::Realised => "realised",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Potential => "Potential",
            ValueKind::Realised => "Realised",
        }
    }

    /// Parses [`ValueKind::name`].
    pub fn parse(s: &str) -> Option<ValueKind> {
        ValueKind::ALL.into_iter().find(|k| k.name() == s.trim())
    }
}

/// Whether a saving recurs every year or happens once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recurrence {
    /// Once.
    OneOff,
    /// Every year: the amount and hours are per year.
    Recurrent,
}

impl Recurrence {
    /// Both.
    pub const ALL: [Recurrence; 2] = [Recurrence::OneOff, Recurrence::Recurrent];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            Recurrence::OneOff => "one_off",
            Recurrence::Recurrent => "recurrent",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Recurrence::OneOff => "One-off",
            Recurrence::Recurrent => "Recurrent (per year)",
        }
    }

    /// Parses [`Recurrence::name`] (and `one-off`, `annual`).
    pub fn parse(s: &str) -> Option<Recurrence> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "one_off" | "once" => Some(Recurrence::OneOff),
            "recurrent" | "recurring" | "annual" => Some(Recurrence::Recurrent),
            _ => None,
        }
    }
}

/// The figures and words of a value entry, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueFields {
    /// Potential or realised.
    pub kind: ValueKind,
    /// Money, in pence (0 to [`limits::VALUE_PENCE`]).
    pub pence: i64,
    /// Hours released (0 to [`limits::VALUE_HOURS`], to the hundredth).
    pub hours: f64,
    /// Whether it releases cash (a budget can be reduced), rather than capacity.
    pub cash_releasing: bool,
    /// One-off or recurrent (per year).
    pub recurrence: Recurrence,
    /// When it starts (potential) or was released (realised).
    pub date: NaiveDate,
    /// The method of the estimate, or the evidence of the release (not blank).
    pub method: String,
}

impl ValueFields {
    /// Whether `other` has the same figures (everything but the method's words): a change of
    /// figures takes a confirmation away.
    pub fn same_figures(&self, other: &ValueFields) -> bool {
        self.kind == other.kind
            && self.pence == other.pence
            && self.hours == other.hours
            && self.cash_releasing == other.cash_releasing
            && self.recurrence == other.recurrence
            && self.date == other.date
    }
}

/// A value entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry {
    /// Its id.
    pub id: ValueId,
    /// The project it belongs to.
    pub project: ProjectId,
    /// Its figures and words.
    pub fields: ValueFields,
    /// Who recorded it, if still a user.
    pub recorded_by: Option<User>,
    /// When.
    pub recorded_at: NaiveDateTime,
    /// Who in finance confirmed it, if still a user.
    pub confirmed_by: Option<User>,
    /// When finance confirmed it (realised entries only); `None`: not confirmed.
    pub confirmed_at: Option<NaiveDateTime>,
    /// Its version: one more after each change or confirmation.
    pub version: Version,
}

impl ValueEntry {
    /// Whether it counts as realised: realised and confirmed by finance.
    pub fn is_confirmed(&self) -> bool {
        self.fields.kind == ValueKind::Realised && self.confirmed_at.is_some()
    }
}

/// A value entry as sent: absent keeps the current value (for a new entry: the kind, amount,
/// date and method are required; no hours, not cash-releasing and one-off by default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueDraft {
    /// `potential` or `realised`.
    pub kind: Option<String>,
    /// Pounds, with pence: `1250`, `1,250.50`, `£1250.5`.
    pub amount: Option<String>,
    /// Hours released: `37.5`.
    pub hours: Option<String>,
    /// `yes`/`no` (or `true`/`false`).
    pub cash_releasing: Option<String>,
    /// `one_off` or `recurrent`.
    pub recurrence: Option<String>,
    /// The date, ISO or the UK way.
    pub date: Option<String>,
    /// The method or evidence.
    pub method: Option<String>,
}

fn problem(field: Field, problem: Problem) -> FieldProblem {
    FieldProblem {
        field,
        index: None,
        problem,
    }
}

/// Pence from pounds as people write them (`1250`, `1,250.50`, `£1250.5`); `None` when not an
/// amount of pounds with at most two decimals, or negative.
pub fn parse_pence(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let pounds: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let pence: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    pounds.checked_mul(100)?.checked_add(pence)
}

/// Pence as pounds for people: `£1,250.50`, `£300`.
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    let whole = (p / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match p % 100 {
        0 => format!("{sign}£{grouped}"),
        r => format!("{sign}£{grouped}.{r:02}"),
    }
}

/// The earliest and latest dates an entry may have.
fn date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

fn given(x: &Option<String>) -> Option<&str> {
    x.as_deref().map(str::trim)
}

impl ValueDraft {
    /// The checked fields over `current` (none for a new entry): the kind one of
    /// [`ValueKind::ALL`]; the amount pounds with at most two decimals, from 0 to
    /// [`limits::VALUE_PENCE`] pence; hours from 0 to [`limits::VALUE_HOURS`]; an amount or hours
    /// above nothing; a date from 2000 to 2100; a method of at most [`limits::VALUE_METHOD`]
    /// characters, not blank. Every problem, by field.
    pub fn apply(&self, current: Option<&ValueFields>) -> Result<ValueFields, Problems> {
        let mut problems = Vec::new();
        let kind = match given(&self.kind) {
            None | Some("") => match current {
                Some(c) => Some(c.kind),
                None => {
                    problems.push(problem(Field::ValueKind, Problem::Missing));
                    None
                }
            },
            Some(s) => {
                let k = ValueKind::parse(s);
                if k.is_none() {
                    problems.push(problem(
                        Field::ValueKind,
                        Problem::NotOneOf {
                            allowed: ValueKind::ALL.iter().map(|k| k.name()).collect(),
                        },
                    ));
                }
                k
            }
        };
        let max_pounds = limits::VALUE_PENCE / 100;
        let pence = match given(&self.amount) {
            None | Some("") => match current {
                Some(c) => Some(c.pence),
                None => {
                    problems.push(problem(Field::Amount, Problem::Missing));
                    None
                }
            },
            Some(s) => match parse_pence(s) {
                Some(p) if p <= limits::VALUE_PENCE => Some(p),
                Some(_) => {
                    problems.push(problem(
                        Field::Amount,
                        Problem::OutOfRange {
                            min: 0,
                            max: max_pounds,
                        },
                    ));
                    None
                }
                None if s.trim_start_matches('£').trim_start().starts_with('-') => {
                    problems.push(problem(
                        Field::Amount,
                        Problem::OutOfRange {
                            min: 0,
                            max: max_pounds,
                        },
                    ));
                    None
                }
                None => {
                    problems.push(problem(
                        Field::Amount,
                        Problem::NotANumber { given: s.into() },
                    ));
                    None
                }
            },
        };
        let hours = match given(&self.hours) {
            None => Some(current.map_or(0.0, |c| c.hours)),
            Some("") => Some(0.0),
            Some(s) => match s.replace(',', "").parse::<f64>() {
                Ok(h) if h.is_finite() && (0.0..=limits::VALUE_HOURS).contains(&h) => {
                    Some((h * 100.0).round() / 100.0)
                }
                Ok(h) if h.is_finite() => {
                    problems.push(problem(
                        Field::Hours,
                        Problem::OutOfRange {
                            min: 0,
                            max: limits::VALUE_HOURS as i64,
                        },
                    ));
                    None
                }
                _ => {
                    problems.push(problem(
                        Field::Hours,
                        Problem::NotANumber { given: s.into() },
                    ));
                    None
                }
            },
        };
        let cash_releasing = match given(&self.cash_releasing) {
            None | Some("") => Some(current.is_some_and(|c| c.cash_releasing)),
            Some(s) => match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => Some(true),
                "no" | "false" | "off" | "0" => Some(false),
                _ => {
                    problems.push(problem(
                        Field::CashReleasing,
                        Problem::NotOneOf {
                            allowed: vec!["yes", "no"],
                        },
                    ));
                    None
                }
            },
        };
        let recurrence = match given(&self.recurrence) {
            None | Some("") => Some(current.map_or(Recurrence::OneOff, |c| c.recurrence)),
            Some(s) => {
                let r = Recurrence::parse(s);
                if r.is_none() {
                    problems.push(problem(
                        Field::Recurrence,
                        Problem::NotOneOf {
                            allowed: Recurrence::ALL.iter().map(|r| r.name()).collect(),
                        },
                    ));
                }
                r
            }
        };
        let (first, last) = date_range();
        let date = match given(&self.date) {
            None | Some("") => match current {
                Some(c) => Some(c.date),
                None => {
                    problems.push(problem(Field::Date, Problem::Missing));
                    None
                }
            },
            Some(s) => match parse_date(s) {
                Some(d) if d >= first && d <= last => Some(d),
                Some(_) => {
                    problems.push(problem(
                        Field::Date,
                        Problem::Rule("must be a date from 2000 to 2100".into()),
                    ));
                    None
                }
                None => {
                    problems.push(problem(Field::Date, Problem::NotADate { given: s.into() }));
                    None
                }
            },
        };
        let method = prose_part(
            &mut problems,
            Field::Method,
            self.method.as_deref(),
            current.map(|c| c.method.as_str()),
            limits::VALUE_METHOD,
        );
        if method.is_empty() && !problems.iter().any(|p| p.field == Field::Method) {
            problems.push(problem(Field::Method, Problem::Missing));
        }
        if let (Some(0), Some(h)) = (pence, hours) {
            if h == 0.0 {
                problems.push(problem(
                    Field::Amount,
                    Problem::Rule("give an amount of money or hours released above nothing".into()),
                ));
            }
        }
        match (kind, pence, hours, cash_releasing, recurrence, date) {
            (
                Some(kind),
                Some(pence),
                Some(hours),
                Some(cash_releasing),
                Some(recurrence),
                Some(date),
            ) if problems.is_empty() => Ok(ValueFields {
                kind,
                pence,
                hours,
                cash_releasing,
                recurrence,
                date,
                method,
            }),
            _ => Err(problems),
        }
    }
}

// --- use cases --------------------------------------------------------------------------------

/// A project's value entries ([`Action::Read`]), by date, and what the user may do there.
pub async fn value_of(
    access: &Access<'_>,
    project: ProjectId,
) -> Result<(Project, Vec<ValueEntry>, Grant), AccessError> {
    let (p, grant) = access.project(project, Action::Read).await?.into_parts();
    let entries = access.store().value_entries(project).await?;
    Ok((p, entries, grant))
}

/// Records a value entry in `project` ([`Action::RecordValue`]); unconfirmed.
pub async fn record_value(
    access: &Access<'_>,
    project: ProjectId,
    draft: &ValueDraft,
) -> Result<ValueId, BoardError> {
    access.project(project, Action::RecordValue).await?;
    let fields = draft.apply(None).map_err(BoardError::Invalid)?;
    Ok(access
        .store()
        .create_value(project, &fields, access.user())
        .await?)
}

/// The value entry `id`, its project and the user's grant there, if they may take `action`.
pub async fn value_entry(
    access: &Access<'_>,
    id: ValueId,
    action: Action,
) -> Result<(ValueEntry, Project, Grant), AccessError> {
    let entry = access
        .store()
        .value_entry(id)
        .await?
        .ok_or(AccessError::NotFound)?;
    let (project, grant) = access.project(entry.project, action).await?.into_parts();
    Ok((entry, project, grant))
}

/// Changes value entry `id` still at `expected` ([`Action::RecordValue`]); a change of a
/// confirmed entry's figures takes the confirmation away (a change of its method's words alone
/// keeps it). Returns the new version.
pub async fn update_value(
    access: &Access<'_>,
    id: ValueId,
    draft: &ValueDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let (entry, _, _) = value_entry(access, id, Action::RecordValue).await?;
    let fields = draft
        .apply(Some(&entry.fields))
        .map_err(BoardError::Invalid)?;
    let keep = entry.is_confirmed() && entry.fields.same_figures(&fields);
    Ok(access
        .store()
        .update_value(id, &fields, expected, keep)
        .await?)
}

/// Finance confirms realised entry `id` ([`Action::ConfirmValue`]), at `expected` when given;
/// a potential entry cannot be confirmed, and a confirmed one is not confirmed again. Returns
/// the new version.
pub async fn confirm_value(
    access: &Access<'_>,
    id: ValueId,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    let (entry, _, _) = value_entry(access, id, Action::ConfirmValue).await?;
    if entry.fields.kind == ValueKind::Potential {
        return Err(BoardError::Invalid(vec![problem(
            Field::ValueKind,
            Problem::Rule("only realised value is confirmed; this is potential".into()),
        )]));
    }
    if entry.is_confirmed() {
        return Err(BoardError::Refused(
            "this value is already confirmed".to_owned(),
        ));
    }
    Ok(access
        .store()
        .confirm_value(id, expected, access.user())
        .await?)
}

/// Deletes value entry `id` ([`Action::RecordValue`]), at `expected` when given. It is gone
/// for good: the roll-up no longer counts it.
pub async fn delete_value(
    access: &Access<'_>,
    id: ValueId,
    expected: Option<Version>,
) -> Result<(), BoardError> {
    value_entry(access, id, Action::RecordValue).await?;
    Ok(access.store().delete_value(id, expected).await?)
}

// --- the roll-up ------------------------------------------------------------------------------

/// Money and hours of some entries, with the part that releases cash.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ValueSum {
    /// Money, in pence.
    pub pence: i64,
    /// Hours released.
    pub hours: f64,
    /// The money that releases cash, in pence.
    pub cash_pence: i64,
    /// How many entries.
    pub entries: usize,
}

impl ValueSum {
    fn add(&mut self, f: &ValueFields) {
        self.pence += f.pence;
        self.hours += f.hours;
        if f.cash_releasing {
            self.cash_pence += f.pence;
        }
        self.entries += 1;
    }

    /// The share of the money that releases cash, from 0 to 1; `None` when there is no money.
    pub fn cash_share(&self) -> Option<f64> {
        (self.pence > 0).then(|| self.cash_pence as f64 / self.pence as f64)
    }
}

/// Value in three parts: potential, realised awaiting finance's confirmation, and realised
/// confirmed (which alone counts as realised).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ValueTotals {
    /// Potential ("light green").
    pub potential: ValueSum,
    /// Realised, not yet confirmed by finance.
    pub unconfirmed: ValueSum,
    /// Realised and confirmed by finance ("dark green").
    pub confirmed: ValueSum,
}

impl ValueTotals {
    /// Adds one entry to its part.
    pub fn add(&mut self, e: &ValueEntry) {
        match (e.fields.kind, e.is_confirmed()) {
            (ValueKind::Potential, _) => self.potential.add(&e.fields),
            (ValueKind::Realised, false) => self.unconfirmed.add(&e.fields),
            (ValueKind::Realised, true) => self.confirmed.add(&e.fields),
        }
    }

    /// Whether there is no entry at all.
    pub fn is_empty(&self) -> bool {
        self.potential.entries + self.unconfirmed.entries + self.confirmed.entries == 0
    }
}

/// One project's value in the roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectValue {
    /// The project.
    pub project: Project,
    /// The priorities it serves.
    pub priorities: Vec<PriorityId>,
    /// The project whose change package it adopted, if any: its value stays its own.
    pub adopted_from: Option<ProjectId>,
    /// Its entries.
    pub entries: Vec<ValueEntry>,
}

/// The cumulative value up to the end of one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueMonth {
    /// The month (its first day).
    pub month: NaiveDate,
    /// Potential, in pence, of entries dated up to this month's end.
    pub potential: i64,
    /// Realised awaiting confirmation, in pence.
    pub unconfirmed: i64,
    /// Realised and confirmed, in pence.
    pub confirmed: i64,
}

/// The most months the "over time" series shows (the latest ones).
pub const MAX_VALUE_MONTHS: usize = 120;

/// A group of the roll-up: its name and totals, and how many projects with value it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueGroup {
    /// The team's or priority's name, or "No team", "No priority".
    pub name: String,
    /// Its totals.
    pub totals: ValueTotals,
    /// How many projects with value entries it holds.
    pub projects: usize,
}

/// An organisation's value, rolled up.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRollUp {
    /// The organisation's total: every entry once.
    pub total: ValueTotals,
    /// By team (each project under its one team), teams by name, "No team" last.
    pub by_team: Vec<ValueGroup>,
    /// By strategic priority (a project under each priority it serves, so these may add up to
    /// more than the total), in the priorities' order, "No priority" last.
    pub by_priority: Vec<ValueGroup>,
    /// Each project with value entries, with its totals, by title.
    pub by_project: Vec<(ProjectValue, ValueTotals)>,
    /// Cumulative value by month of the entries' dates.
    pub months: Vec<ValueMonth>,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// Rolls up the value of `projects` (an organisation's), with its `teams` and the
/// `priorities` its projects may serve. Pure: every entry counts once in each total; a project
/// serving several priorities counts under each of them (the priorities' sum may exceed the
/// total); an adopter's entries are its own.
pub fn roll_up(projects: &[ProjectValue], teams: &[Team], priorities: &[Priority]) -> ValueRollUp {
    let mut total = ValueTotals::default();
    let mut by_project = Vec::new();
    let mut team_totals: BTreeMap<Option<TeamId>, (ValueTotals, usize)> = BTreeMap::new();
    let mut priority_totals: BTreeMap<Option<PriorityId>, (ValueTotals, usize)> = BTreeMap::new();
    let mut dated: BTreeMap<NaiveDate, ValueTotals> = BTreeMap::new();
    for p in projects.iter().filter(|p| !p.entries.is_empty()) {
        let mut own = ValueTotals::default();
        for e in &p.entries {
            own.add(e);
            total.add(e);
            dated
                .entry(first_of_month(e.fields.date))
                .or_default()
                .add(e);
        }
        let merge = |t: &mut (ValueTotals, usize)| {
            for (a, b) in [
                (&mut t.0.potential, own.potential),
                (&mut t.0.unconfirmed, own.unconfirmed),
                (&mut t.0.confirmed, own.confirmed),
            ] {
                a.pence += b.pence;
                a.hours += b.hours;
                a.cash_pence += b.cash_pence;
                a.entries += b.entries;
            }
            t.1 += 1;
        };
        merge(team_totals.entry(p.project.team).or_default());
        let mut served: Vec<PriorityId> = p
            .priorities
            .iter()
            .copied()
            .filter(|id| priorities.iter().any(|x| x.id == *id))
            .collect();
        served.sort();
        served.dedup();
        if served.is_empty() {
            merge(priority_totals.entry(None).or_default());
        }
        for id in served {
            merge(priority_totals.entry(Some(id)).or_default());
        }
        by_project.push((p.clone(), own));
    }
    by_project.sort_by(|a, b| a.0.project.title.cmp(&b.0.project.title));
    let mut by_team: Vec<ValueGroup> = team_totals
        .iter()
        .filter_map(|(t, (totals, n))| {
            let name = match t {
                Some(id) => teams.iter().find(|x| x.id == *id)?.name.clone(),
                None => return None,
            };
            Some(ValueGroup {
                name,
                totals: *totals,
                projects: *n,
            })
        })
        .collect();
    by_team.sort_by(|a, b| a.name.cmp(&b.name));
    // Projects of a team that is not the organisation's (none should be) go with "No team".
    let mut no_team: Option<(ValueTotals, usize)> = None;
    for (t, (totals, n)) in &team_totals {
        if t.is_none_or(|id| !teams.iter().any(|x| x.id == id)) {
            let e = no_team.get_or_insert_with(Default::default);
            add_totals(&mut e.0, totals);
            e.1 += n;
        }
    }
    if let Some((totals, projects)) = no_team {
        by_team.push(ValueGroup {
            name: "No team".into(),
            totals,
            projects,
        });
    }
    let mut by_priority: Vec<ValueGroup> = priorities
        .iter()
        .filter_map(|pr| {
            priority_totals
                .get(&Some(pr.id))
                .map(|(totals, n)| ValueGroup {
                    name: pr.title.clone(),
                    totals: *totals,
                    projects: *n,
                })
        })
        .collect();
    if let Some((totals, n)) = priority_totals.get(&None) {
        by_priority.push(ValueGroup {
            name: "No priority".into(),
            totals: *totals,
            projects: *n,
        });
    }
    ValueRollUp {
        total,
        by_team,
        by_priority,
        by_project,
        months: months(&dated),
    }
}

fn add_totals(into: &mut ValueTotals, from: &ValueTotals) {
    for (a, b) in [
        (&mut into.potential, from.potential),
        (&mut into.unconfirmed, from.unconfirmed),
        (&mut into.confirmed, from.confirmed),
    ] {
        a.pence += b.pence;
        a.hours += b.hours;
        a.cash_pence += b.cash_pence;
        a.entries += b.entries;
    }
}

/// Every month from the first entry's to the last's (at most [`MAX_VALUE_MONTHS`], the
/// latest), with the cumulative value to its end.
fn months(dated: &BTreeMap<NaiveDate, ValueTotals>) -> Vec<ValueMonth> {
    let (Some((&first, _)), Some((&last, _))) = (dated.first_key_value(), dated.last_key_value())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut potential, mut unconfirmed, mut confirmed) = (0, 0, 0);
    let mut m = first;
    while m <= last {
        if let Some(t) = dated.get(&m) {
            potential += t.potential.pence;
            unconfirmed += t.unconfirmed.pence;
            confirmed += t.confirmed.pence;
        }
        out.push(ValueMonth {
            month: m,
            potential,
            unconfirmed,
            confirmed,
        });
        m = next_month(m);
    }
    let skip = out.len().saturating_sub(MAX_VALUE_MONTHS);
    out.split_off(skip)
}

/// The value of a system's organisations, for someone with a role across the system.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemValue {
    /// The system's name.
    pub name: String,
    /// Each organisation with its total (without the private projects of organisations the
    /// user is not in), by name.
    pub orgs: Vec<(Organisation, ValueTotals)>,
    /// The system's total: the organisations' totals added up (each entry belongs to one
    /// project of one organisation, so once).
    pub total: ValueTotals,
}

/// An organisation's value rolled up, with its system's when the user holds a role across it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgValue {
    /// The organisation.
    pub org: Organisation,
    /// Its roll-up.
    pub roll_up: ValueRollUp,
    /// Its system's, for a system role.
    pub system: Option<SystemValue>,
}

/// The value of `org`'s projects ([`Action::Read`]), rolled up by team, priority and month; and,
/// for someone with a role across its system, the system's organisations'.
pub async fn org_value(access: &Access<'_>, org: OrgId) -> Result<OrgValue, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let organisation = store.org(org).await?.ok_or(AccessError::NotFound)?;
    let projects = project_values(access, org, true).await?;
    let roll = roll_up(
        &projects,
        &store.teams(org).await?,
        &store.priorities_of(org).await?,
    );
    let mut system = None;
    if let Some(name) = organisation.system.clone() {
        if system_role(access, &name).await?.is_some() {
            let mut orgs = Vec::new();
            let mut total = ValueTotals::default();
            for o in store.orgs_in_system(&name).await? {
                let all = access.role_in(o.id).is_some();
                let mut t = ValueTotals::default();
                for p in project_values(access, o.id, all).await? {
                    for e in &p.entries {
                        t.add(e);
                        total.add(e);
                    }
                }
                orgs.push((o, t));
            }
            system = Some(SystemValue { name, orgs, total });
        }
    }
    Ok(OrgValue {
        org: organisation,
        roll_up: roll,
        system,
    })
}

/// The live projects of `org` (without the private ones unless `private`) with their entries,
/// priorities and adoptions.
async fn project_values(
    access: &Access<'_>,
    org: OrgId,
    private: bool,
) -> Result<Vec<ProjectValue>, AccessError> {
    let store = access.store();
    let mut entries: BTreeMap<ProjectId, Vec<ValueEntry>> = BTreeMap::new();
    for e in store.org_value_entries(org).await? {
        entries.entry(e.project).or_default().push(e);
    }
    let links = store.priority_links(org).await?;
    let mut out = Vec::new();
    for p in store.projects(org).await? {
        if p.private && !private {
            continue;
        }
        let Some(es) = entries.remove(&p.id) else {
            continue;
        };
        let adopted_from = store.adoption(p.id).await?.map(|a| a.source);
        out.push(ProjectValue {
            priorities: links
                .iter()
                .filter(|(pid, _)| *pid == p.id)
                .map(|(_, pr)| *pr)
                .collect(),
            adopted_from,
            entries: es,
            project: p,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProjectKind, ProjectStatus};
    use crate::priority::PriorityScope;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn project(id: i64, title: &str, team: Option<i64>) -> Project {
        let at = d("2026-01-01").and_hms_opt(0, 0, 0).unwrap();
        Project {
            id: ProjectId(id),
            org: OrgId(1),
            team: team.map(TeamId),
            title: title.into(),
            problem: String::new(),
            aim: String::new(),
            method: String::new(),
            status: ProjectStatus::Testing,
            sponsor: String::new(),
            tags: vec![],
            lead: None,
            kind: ProjectKind::Improvement,
            created_at: at,
            updated_at: at,
            version: Version(1),
            private: false,
            idea: None,
        }
    }

    /// An entry: kind, pence, hours, cash-releasing, date, confirmed.
    #[allow(clippy::too_many_arguments)] // a table row of the hand-worked cases, read in one line
    fn entry(
        id: i64,
        project: i64,
        kind: ValueKind,
        pence: i64,
        hours: f64,
        cash: bool,
        date: &str,
        confirmed: bool,
    ) -> ValueEntry {
        let at = d("2026-06-01").and_hms_opt(9, 0, 0).unwrap();
        ValueEntry {
            id: ValueId(id),
            project: ProjectId(project),
            fields: ValueFields {
                kind,
                pence,
                hours,
                cash_releasing: cash,
                recurrence: Recurrence::OneOff,
                date: d(date),
                method: "Audit".into(),
            },
            recorded_by: None,
            recorded_at: at,
            confirmed_by: None,
            confirmed_at: confirmed.then_some(at),
            version: Version(1),
        }
    }

    fn team(id: i64, name: &str) -> Team {
        Team {
            id: TeamId(id),
            org: OrgId(1),
            name: name.into(),
            archived: false,
        }
    }

    fn priority(id: i64, title: &str) -> Priority {
        Priority {
            id: PriorityId(id),
            scope: PriorityScope::Organisation(OrgId(1)),
            title: title.into(),
            description: String::new(),
            version: Version(1),
        }
    }

    #[test]
    fn amounts_are_pounds_with_pence() {
        assert_eq!(parse_pence("1250"), Some(125_000));
        assert_eq!(parse_pence("£1,250.50"), Some(125_050));
        assert_eq!(parse_pence("1250.5"), Some(125_050));
        assert_eq!(parse_pence(".75"), Some(75));
        assert_eq!(parse_pence("0"), Some(0));
        for bad in ["", "12.345", "-5", "twelve", "1.2.3", "£"] {
            assert_eq!(parse_pence(bad), None, "{bad}");
        }
        assert_eq!(pounds(125_050), "£1,250.50");
        assert_eq!(pounds(30_000), "£300");
        assert_eq!(pounds(12_345_678_900), "£123,456,789");
        assert_eq!(pounds(5), "£0.05");
    }

    #[test]
    fn a_new_entry_needs_its_kind_amount_date_and_method() {
        let none = ValueDraft::default().apply(None).unwrap_err();
        let fields: Vec<Field> = none.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [Field::ValueKind, Field::Amount, Field::Date, Field::Method]
        );
        let ok = ValueDraft {
            kind: Some("potential".into()),
            amount: Some("£12,000".into()),
            hours: Some("37.5".into()),
            cash_releasing: Some("no".into()),
            recurrence: Some("recurrent".into()),
            date: Some("01/04/2026".into()),
            method: Some(" Bed days saved x £400 ".into()),
        }
        .apply(None)
        .unwrap();
        assert_eq!(ok.pence, 1_200_000);
        assert_eq!(ok.hours, 37.5);
        assert_eq!(ok.recurrence, Recurrence::Recurrent);
        assert_eq!(ok.date, d("2026-04-01"));
        assert_eq!(ok.method, "Bed days saved x £400");
        let bad = ValueDraft {
            kind: Some("dark green".into()),
            amount: Some("2000000000".into()),
            hours: Some("-1".into()),
            cash_releasing: Some("maybe".into()),
            recurrence: Some("weekly".into()),
            date: Some("1899-01-01".into()),
            method: Some("x".repeat(limits::VALUE_METHOD + 1)),
        }
        .apply(None)
        .unwrap_err();
        let fields: Vec<Field> = bad.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::ValueKind,
                Field::Amount,
                Field::Hours,
                Field::CashReleasing,
                Field::Recurrence,
                Field::Date,
                Field::Method
            ]
        );
        // Nothing at all is not a saving.
        let nothing = ValueDraft {
            amount: Some("0".into()),
            ..ValueDraft::default()
        }
        .apply(Some(&ok))
        .map(|f| f.hours);
        assert_eq!(nothing, Ok(37.5), "the hours are kept");
        let nothing = ValueDraft {
            amount: Some("0".into()),
            hours: Some("0".into()),
            ..ValueDraft::default()
        }
        .apply(Some(&ok))
        .unwrap_err();
        assert_eq!(nothing[0].field, Field::Amount);
    }

    #[test]
    fn only_a_change_of_figures_takes_a_confirmation_away() {
        let a = entry(
            1,
            1,
            ValueKind::Realised,
            100,
            0.0,
            true,
            "2026-01-10",
            true,
        )
        .fields;
        let mut words = a.clone();
        words.method = "Ledger 4471".into();
        assert!(a.same_figures(&words));
        let mut money = a.clone();
        money.pence = 101;
        assert!(!a.same_figures(&money));
    }

    /// Worked by hand. Teams: Ward 7 (1), Theatres (2). Priorities: Falls (10), Flow (11).
    ///
    /// - Project 1 "Falls", Ward 7, serves Falls and Flow:
    ///   potential £10,000 (Jan 2026, 100 h, cash); realised £4,000 confirmed (Mar 2026, 20 h,
    ///   cash); realised £1,000 unconfirmed (Mar 2026, not cash).
    /// - Project 2 "Theatre lists", Theatres, serves Flow: potential £6,000 (Feb 2026, 0 h).
    /// - Project 3 "Falls at Eastgate", no team, no priority, adopted from project 1:
    ///   realised £2,500 confirmed (Apr 2026, 10 h, not cash).
    /// - Project 4 "Quiet", Ward 7: no entries, so nowhere.
    ///
    /// Organisation: potential £16,000 (100 h, cash £10,000); unconfirmed £1,000; confirmed
    /// £6,500 (30 h; cash £4,000, a share of 4,000/6,500).
    /// Ward 7: project 1 only — potential £10,000, confirmed £4,000, unconfirmed £1,000.
    /// Theatres: potential £6,000. No team: confirmed £2,500 (the adopter's own; never in
    /// Ward 7's total). Falls: project 1 (£10,000 / £4,000). Flow: projects 1 and 2 —
    /// potential £16,000, confirmed £4,000; Falls + Flow potential = £26,000 > the
    /// organisation's £16,000, since project 1 serves both. No priority: project 3.
    /// Months, cumulative: Jan 2026 potential £10,000; Feb £16,000; Mar £16,000 with confirmed
    /// £4,000 and unconfirmed £1,000; Apr confirmed £6,500.
    #[test]
    fn the_roll_up_counts_each_saving_once() {
        use ValueKind::*;
        let pv = |p: Project, priorities: &[i64], adopted: Option<i64>, entries| ProjectValue {
            project: p,
            priorities: priorities.iter().map(|i| PriorityId(*i)).collect(),
            adopted_from: adopted.map(ProjectId),
            entries,
        };
        let projects = vec![
            pv(
                project(1, "Falls", Some(1)),
                &[10, 11],
                None,
                vec![
                    entry(1, 1, Potential, 1_000_000, 100.0, true, "2026-01-15", false),
                    entry(2, 1, Realised, 400_000, 20.0, true, "2026-03-01", true),
                    entry(3, 1, Realised, 100_000, 0.0, false, "2026-03-31", false),
                ],
            ),
            pv(
                project(2, "Theatre lists", Some(2)),
                &[11],
                None,
                vec![entry(
                    4,
                    2,
                    Potential,
                    600_000,
                    0.0,
                    false,
                    "2026-02-02",
                    false,
                )],
            ),
            pv(
                project(3, "Falls at Eastgate", None),
                &[],
                Some(1),
                vec![entry(
                    5,
                    3,
                    Realised,
                    250_000,
                    10.0,
                    false,
                    "2026-04-20",
                    true,
                )],
            ),
            pv(project(4, "Quiet", Some(1)), &[10], None, vec![]),
        ];
        let teams = [team(1, "Ward 7"), team(2, "Theatres")];
        let priorities = [priority(10, "Falls"), priority(11, "Flow")];
        let r = roll_up(&projects, &teams, &priorities);

        assert_eq!(r.total.potential.pence, 1_600_000);
        assert_eq!(r.total.potential.hours, 100.0);
        assert_eq!(r.total.potential.cash_pence, 1_000_000);
        assert_eq!(r.total.unconfirmed.pence, 100_000);
        assert_eq!(r.total.confirmed.pence, 650_000);
        assert_eq!(r.total.confirmed.hours, 30.0);
        assert_eq!(r.total.confirmed.cash_pence, 400_000);
        assert_eq!(r.total.confirmed.cash_share(), Some(4_000.0 / 6_500.0));
        assert_eq!(r.total.confirmed.entries, 2);

        let group = |gs: &[ValueGroup], name: &str| {
            gs.iter()
                .find(|g| g.name == name)
                .cloned()
                .unwrap_or_else(|| panic!("no group {name}"))
        };
        let names: Vec<&str> = r.by_team.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Theatres", "Ward 7", "No team"]);
        let ward = group(&r.by_team, "Ward 7");
        assert_eq!(ward.projects, 1);
        assert_eq!(ward.totals.potential.pence, 1_000_000);
        assert_eq!(ward.totals.confirmed.pence, 400_000);
        assert_eq!(ward.totals.unconfirmed.pence, 100_000);
        assert_eq!(
            group(&r.by_team, "Theatres").totals.potential.pence,
            600_000
        );
        // The adopter's saving is its own, not its source's team's.
        let none = group(&r.by_team, "No team");
        assert_eq!(none.totals.confirmed.pence, 250_000);
        assert_eq!(none.totals.potential.pence, 0);
        let team_sum: i64 = r.by_team.iter().map(|g| g.totals.confirmed.pence).sum();
        assert_eq!(team_sum, r.total.confirmed.pence);

        let names: Vec<&str> = r.by_priority.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Falls", "Flow", "No priority"]);
        let falls = group(&r.by_priority, "Falls");
        assert_eq!(
            (falls.totals.potential.pence, falls.totals.confirmed.pence),
            (1_000_000, 400_000)
        );
        let flow = group(&r.by_priority, "Flow");
        assert_eq!(flow.projects, 2);
        assert_eq!(
            (flow.totals.potential.pence, flow.totals.confirmed.pence),
            (1_600_000, 400_000)
        );
        // Project 1 is under both priorities; the organisation counts it once.
        let priority_sum: i64 = r.by_priority.iter().map(|g| g.totals.potential.pence).sum();
        assert_eq!(priority_sum, 2_600_000);
        assert_eq!(r.total.potential.pence, 1_600_000);
        assert_eq!(
            group(&r.by_priority, "No priority").totals.confirmed.pence,
            250_000
        );

        let titles: Vec<&str> = r
            .by_project
            .iter()
            .map(|(p, _)| p.project.title.as_str())
            .collect();
        assert_eq!(titles, ["Falls", "Falls at Eastgate", "Theatre lists"]);
        assert_eq!(r.by_project[0].1.confirmed.pence, 400_000);
        assert_eq!(r.by_project[1].0.adopted_from, Some(ProjectId(1)));

        let months: Vec<(NaiveDate, i64, i64, i64)> = r
            .months
            .iter()
            .map(|m| (m.month, m.potential, m.unconfirmed, m.confirmed))
            .collect();
        assert_eq!(
            months,
            [
                (d("2026-01-01"), 1_000_000, 0, 0),
                (d("2026-02-01"), 1_600_000, 0, 0),
                (d("2026-03-01"), 1_600_000, 100_000, 400_000),
                (d("2026-04-01"), 1_600_000, 100_000, 650_000),
            ]
        );
    }

    #[test]
    fn no_entries_roll_up_to_nothing() {
        let r = roll_up(&[], &[], &[]);
        assert!(r.total.is_empty());
        assert!(r.by_team.is_empty() && r.by_priority.is_empty() && r.months.is_empty());
        assert_eq!(r.total.confirmed.cash_share(), None);
    }

    #[test]
    fn the_months_keep_the_latest_ten_years() {
        let entries = vec![
            entry(
                1,
                1,
                ValueKind::Potential,
                100,
                0.0,
                false,
                "2000-01-01",
                false,
            ),
            entry(
                2,
                1,
                ValueKind::Potential,
                100,
                0.0,
                false,
                "2026-12-01",
                false,
            ),
        ];
        let p = ProjectValue {
            project: project(1, "Long", None),
            priorities: vec![],
            adopted_from: None,
            entries,
        };
        let r = roll_up(&[p], &[], &[]);
        assert_eq!(r.months.len(), MAX_VALUE_MONTHS);
        assert_eq!(r.months[0].month, d("2017-01-01"));
        // The older entry still counts in the cumulative total.
        assert_eq!(r.months[0].potential, 100);
        assert_eq!(r.months.last().unwrap().potential, 200);
    }
}
