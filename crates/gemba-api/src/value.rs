//! The JSON of projects' value: entries (potential and realised savings) and the roll-up.

use chrono::NaiveDateTime;
use gemba_domain::{
    OrgValue, ProjectValue, ValueEntry, ValueGroup, ValueMonth, ValueSum, ValueTotals,
};
use serde::{Deserialize, Serialize};

fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Pence as pounds, a number with pence: 1250.5.
fn pounds(pence: i64) -> f64 {
    pence as f64 / 100.0
}

/// A value entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueJson {
    /// Id.
    pub id: i64,
    /// Its project.
    pub project_id: i64,
    /// `potential` or `realised`.
    pub kind: String,
    /// Money, in pounds with pence.
    pub amount: f64,
    /// Hours released.
    pub hours: f64,
    /// Whether it releases cash.
    pub cash_releasing: bool,
    /// `one_off` or `recurrent` (per year).
    pub recurrence: String,
    /// When it starts (potential) or was released (realised), `YYYY-MM-DD`.
    pub date: String,
    /// The method of the estimate, or the evidence of the release.
    pub method: String,
    /// Whether finance has confirmed it (realised entries only): only then it counts as
    /// realised.
    pub confirmed: bool,
    /// Who recorded it (a user id), or null when removed.
    pub recorded_by_id: Option<i64>,
    /// Their name, or null.
    pub recorded_by_name: Option<String>,
    /// When it was recorded (UTC, ISO 8601).
    pub recorded_at: String,
    /// Who in finance confirmed it, or null.
    pub confirmed_by_id: Option<i64>,
    /// Their name, or null.
    pub confirmed_by_name: Option<String>,
    /// When it was confirmed, or null.
    pub confirmed_at: Option<String>,
    /// The version (also the `ETag`).
    pub version: i64,
}

impl From<&ValueEntry> for ValueJson {
    fn from(e: &ValueEntry) -> Self {
        let f = &e.fields;
        ValueJson {
            id: e.id.0,
            project_id: e.project.0,
            kind: f.kind.name().to_owned(),
            amount: pounds(f.pence),
            hours: f.hours,
            cash_releasing: f.cash_releasing,
            recurrence: f.recurrence.name().to_owned(),
            date: f.date.to_string(),
            method: f.method.clone(),
            confirmed: e.is_confirmed(),
            recorded_by_id: e.recorded_by.as_ref().map(|u| u.id.0),
            recorded_by_name: e.recorded_by.as_ref().map(|u| u.name.clone()),
            recorded_at: iso(e.recorded_at),
            confirmed_by_id: e.confirmed_by.as_ref().map(|u| u.id.0),
            confirmed_by_name: e.confirmed_by.as_ref().map(|u| u.name.clone()),
            confirmed_at: e.confirmed_at.map(iso),
            version: e.version.0,
        }
    }
}

/// The body of `POST /projects/{id}/value` and `PATCH /value/{id}` (absent: unchanged, or the
/// default for a new entry).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ValueInput {
    /// `potential` or `realised`. Required for a new entry.
    pub kind: Option<String>,
    /// Pounds with pence, from 0 to 1,000,000,000. Required for a new entry.
    pub amount: Option<f64>,
    /// Hours released, from 0 to 1,000,000 (default 0).
    pub hours: Option<f64>,
    /// Whether it releases cash (default false).
    pub cash_releasing: Option<bool>,
    /// `one_off` (default) or `recurrent`.
    pub recurrence: Option<String>,
    /// `YYYY-MM-DD`. Required for a new entry.
    pub date: Option<String>,
    /// The method or evidence, at most 2,000 characters. Required for a new entry.
    pub method: Option<String>,
    /// For `PATCH`: the version the change is based on (409 when it is no longer the stored
    /// one).
    pub version: Option<i64>,
}

/// Money and hours of some entries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueSumJson {
    /// Money, in pounds with pence.
    pub amount: f64,
    /// Hours released.
    pub hours: f64,
    /// The money that releases cash.
    pub cash_releasing_amount: f64,
    /// That money's share of the whole, from 0 to 1, or null when there is no money.
    pub cash_releasing_share: Option<f64>,
    /// How many entries.
    pub entries: usize,
}

impl From<&ValueSum> for ValueSumJson {
    fn from(s: &ValueSum) -> Self {
        ValueSumJson {
            amount: pounds(s.pence),
            hours: s.hours,
            cash_releasing_amount: pounds(s.cash_pence),
            cash_releasing_share: s.cash_share(),
            entries: s.entries,
        }
    }
}

/// Value in its three parts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueTotalsJson {
    /// Potential (estimates).
    pub potential: ValueSumJson,
    /// Realised, awaiting finance's confirmation.
    pub realised_unconfirmed: ValueSumJson,
    /// Realised and confirmed by finance.
    pub realised_confirmed: ValueSumJson,
}

impl From<&ValueTotals> for ValueTotalsJson {
    fn from(t: &ValueTotals) -> Self {
        ValueTotalsJson {
            potential: (&t.potential).into(),
            realised_unconfirmed: (&t.unconfirmed).into(),
            realised_confirmed: (&t.confirmed).into(),
        }
    }
}

/// A team or priority of the roll-up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueGroupJson {
    /// Its name ("No team", "No priority" for the rest).
    pub name: String,
    /// How many projects with value it holds.
    pub projects: usize,
    /// Its totals.
    pub totals: ValueTotalsJson,
}

impl From<&ValueGroup> for ValueGroupJson {
    fn from(g: &ValueGroup) -> Self {
        ValueGroupJson {
            name: g.name.clone(),
            projects: g.projects,
            totals: (&g.totals).into(),
        }
    }
}

/// A project of the roll-up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueProjectJson {
    /// The project.
    pub project_id: i64,
    /// Its title.
    pub title: String,
    /// Its team, or null.
    pub team_id: Option<i64>,
    /// The project whose change package it adopted, or null; its value is its own.
    pub adopted_from_id: Option<i64>,
    /// Its totals.
    pub totals: ValueTotalsJson,
}

impl From<&(ProjectValue, ValueTotals)> for ValueProjectJson {
    fn from((p, t): &(ProjectValue, ValueTotals)) -> Self {
        ValueProjectJson {
            project_id: p.project.id.0,
            title: p.project.title.clone(),
            team_id: p.project.team.map(|t| t.0),
            adopted_from_id: p.adopted_from.map(|s| s.0),
            totals: t.into(),
        }
    }
}

/// The cumulative value to a month's end.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueMonthJson {
    /// `YYYY-MM`.
    pub month: String,
    /// Potential, pounds.
    pub potential: f64,
    /// Realised awaiting confirmation, pounds.
    pub realised_unconfirmed: f64,
    /// Realised and confirmed, pounds.
    pub realised_confirmed: f64,
}

impl From<&ValueMonth> for ValueMonthJson {
    fn from(m: &ValueMonth) -> Self {
        ValueMonthJson {
            month: m.month.format("%Y-%m").to_string(),
            potential: pounds(m.potential),
            realised_unconfirmed: pounds(m.unconfirmed),
            realised_confirmed: pounds(m.confirmed),
        }
    }
}

/// An organisation of a system's value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SystemOrgValueJson {
    /// The organisation.
    pub organisation_id: i64,
    /// Its name.
    pub name: String,
    /// Its totals (without private projects of organisations the caller is not in).
    pub totals: ValueTotalsJson,
}

/// A system's value, for someone with a role across it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SystemValueJson {
    /// The system's name.
    pub name: String,
    /// Each organisation's.
    pub organisations: Vec<SystemOrgValueJson>,
    /// The system's total (each entry once).
    pub totals: ValueTotalsJson,
}

/// `GET /organisations/{id}/value`: the roll-up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgValueJson {
    /// The organisation.
    pub organisation_id: i64,
    /// Its name.
    pub name: String,
    /// Its total: every entry once.
    pub totals: ValueTotalsJson,
    /// By team.
    pub by_team: Vec<ValueGroupJson>,
    /// By strategic priority: a project serving several is under each, so these may add up to
    /// more than the total.
    pub by_priority: Vec<ValueGroupJson>,
    /// Each project with value.
    pub projects: Vec<ValueProjectJson>,
    /// Cumulative value by month of the entries' dates.
    pub months: Vec<ValueMonthJson>,
    /// The system's, for someone with a role across it; else null.
    pub system: Option<SystemValueJson>,
}

impl From<&OrgValue> for OrgValueJson {
    fn from(v: &OrgValue) -> Self {
        let r = &v.roll_up;
        OrgValueJson {
            organisation_id: v.org.id.0,
            name: v.org.name.clone(),
            totals: (&r.total).into(),
            by_team: r.by_team.iter().map(Into::into).collect(),
            by_priority: r.by_priority.iter().map(Into::into).collect(),
            projects: r.by_project.iter().map(Into::into).collect(),
            months: r.months.iter().map(Into::into).collect(),
            system: v.system.as_ref().map(|s| SystemValueJson {
                name: s.name.clone(),
                organisations: s
                    .orgs
                    .iter()
                    .map(|(o, t)| SystemOrgValueJson {
                        organisation_id: o.id.0,
                        name: o.name.clone(),
                        totals: t.into(),
                    })
                    .collect(),
                totals: (&s.total).into(),
            }),
        }
    }
}
