//! The JSON of patient and carer involvement: a project's record, a patient partner's own view
//! of their projects, and the share of projects with patient partners.

use chrono::NaiveDateTime;
use gemba_domain::Involvement;
use serde::{Deserialize, Serialize};

fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A role patients and carers play: its name and its words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PatientRoleJson {
    /// `team_member`, `co_designer`, `tests_changes`, `shares_experience`,
    /// `reviews_materials` or `carer_representative`.
    pub name: String,
    /// For people.
    pub label: String,
}

/// How patients and carers are involved in a project.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InvolvementJson {
    /// The project.
    pub project_id: i64,
    /// The rung of the ladder of engagement: `none_yet`, `inform`, `consult`, `involve` or
    /// `co_produce`.
    pub level: String,
    /// The rung for people ("Co-produce").
    pub level_label: String,
    /// The roles they play.
    pub patient_roles: Vec<PatientRoleJson>,
    /// A note: who, how, what came of it.
    pub note: String,
    /// Since when they have been involved at this rung (`YYYY-MM-DD`), or null.
    pub involved_since: Option<String>,
    /// The patient partners on the project's team (its members with that role), by name.
    pub patient_partners: Vec<String>,
    /// Whether the project counts as one with patient partners (a patient partner on its team,
    /// or involvement at `involve` or `co_produce`).
    pub partnered: bool,
    /// Who recorded it last, or null.
    pub updated_by: Option<String>,
    /// When it was recorded last (UTC, ISO 8601), or null before it is.
    pub updated_at: Option<String>,
    /// The version (also the `ETag`): 0 until it is first recorded.
    pub version: i64,
}

impl InvolvementJson {
    /// `i` with the names of the project's patient partners.
    pub fn new(i: &Involvement, patient_partners: Vec<String>) -> InvolvementJson {
        InvolvementJson {
            project_id: i.project.0,
            level: i.fields.level.name().to_owned(),
            level_label: i.fields.level.label().to_owned(),
            patient_roles: i
                .fields
                .roles
                .iter()
                .map(|r| PatientRoleJson {
                    name: r.name().to_owned(),
                    label: r.label().to_owned(),
                })
                .collect(),
            note: i.fields.note.clone(),
            involved_since: i.fields.since.map(|d| d.to_string()),
            partnered: gemba_domain::partnered(i.fields.level, !patient_partners.is_empty()),
            patient_partners,
            updated_by: i.by.as_ref().map(|u| u.name.clone()),
            updated_at: i.at.map(iso),
            version: i.version.0,
        }
    }
}

/// The body of `PUT /projects/{id}/involvement`: absent keeps the current value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvolvementInput {
    /// The rung of the ladder.
    pub level: Option<String>,
    /// The roles, by name (replacing all).
    pub patient_roles: Option<Vec<String>>,
    /// The note.
    pub note: Option<String>,
    /// Since when (`YYYY-MM-DD`); null or empty for not known.
    #[serde(default, deserialize_with = "some_or_empty")]
    pub involved_since: Option<String>,
}

/// A `since` sent as null clears it (the empty text), as sent keeps it, absent leaves it.
fn some_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Some(Option::<String>::deserialize(d)?.unwrap_or_default()))
}

impl InvolvementInput {
    /// The domain's draft.
    pub fn draft(&self) -> gemba_domain::InvolvementDraft {
        gemba_domain::InvolvementDraft {
            level: self.level.clone(),
            roles: self.patient_roles.clone(),
            note: self.note.clone(),
            since: self.involved_since.clone(),
        }
    }
}

/// A PDSA cycle as a person's own view lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MyCycleJson {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// When it started (`YYYY-MM-DD`), or null.
    pub start_date: Option<String>,
    /// What was decided (`adopt`, `adapt`, `abandon`), or null while it runs.
    pub act: Option<String>,
}

/// A measure with what its chart says now, in plain words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MySignalJson {
    /// The measure's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// `too_early`, `no_real_change`, `better`, `worse` or `changed`.
    pub signal: String,
    /// The signal in a sentence.
    pub words: String,
}

/// A change to the project, in a sentence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MyChangeJson {
    /// When (UTC, ISO 8601).
    pub at: String,
    /// Who.
    pub who: String,
    /// What changed.
    pub what: String,
}

/// One of the caller's projects (they are on its team), as their own view shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MyProjectJson {
    /// The project's id.
    pub project_id: i64,
    /// Its title.
    pub title: String,
    /// Its organisation.
    pub org_id: i64,
    /// Its organisation's name.
    pub org_name: String,
    /// Its status (`idea`, `scoping`, `testing`…).
    pub status: String,
    /// How patients and carers are involved (`none_yet` … `co_produce`).
    pub involvement: String,
    /// Its PDSA cycles, latest start first.
    pub cycles: Vec<MyCycleJson>,
    /// Its measures and what each chart says now.
    pub measures: Vec<MySignalJson>,
    /// Its latest changes, newest first.
    pub recent: Vec<MyChangeJson>,
}

impl MyProjectJson {
    /// `p` with its latest changes already worded.
    pub fn new(p: &gemba_domain::MyProject, recent: Vec<MyChangeJson>) -> MyProjectJson {
        MyProjectJson {
            project_id: p.project.id.0,
            title: p.project.title.clone(),
            org_id: p.project.org.0,
            org_name: p.org_name.clone(),
            status: p.project.status.name().to_owned(),
            involvement: p.level.name().to_owned(),
            cycles: p
                .cycles
                .iter()
                .map(|c| MyCycleJson {
                    id: c.id.0,
                    title: c.fields.title.clone(),
                    start_date: c.fields.start_date.map(|d| d.to_string()),
                    act: c.fields.act.map(|a| a.name().to_owned()),
                })
                .collect(),
            measures: p
                .measures
                .iter()
                .map(|(m, s)| MySignalJson {
                    id: m.id.0,
                    name: m.name.clone(),
                    signal: s.name().to_owned(),
                    words: s.words().to_owned(),
                })
                .collect(),
            recent,
        }
    }
}

/// When a change was made, as the API writes times.
pub fn at(t: NaiveDateTime) -> String {
    iso(t)
}

/// How many of how many, and the share as a whole percentage (null of none).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ShareJson {
    /// How many count.
    pub with: usize,
    /// Of how many.
    pub of: usize,
    /// The share, a whole percentage; null of none.
    pub percent: Option<u32>,
}

impl From<gemba_domain::Share> for ShareJson {
    fn from(s: gemba_domain::Share) -> Self {
        ShareJson {
            with: s.with,
            of: s.of,
            percent: s.percent(),
        }
    }
}

/// A team's share now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamShareJson {
    /// The team, or null for projects without one.
    pub team_id: Option<i64>,
    /// Its name ("No team" for none).
    pub team_name: String,
    /// The share.
    #[serde(flatten)]
    pub share: ShareJson,
}

/// One month of a trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthShareJson {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The share.
    #[serde(flatten)]
    pub share: ShareJson,
}

/// A trend's run chart from the engine: its median and the Anhøj runs analysis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunChartJson {
    /// The median of the monthly percentages, or null.
    pub median: Option<f64>,
    /// Whether the runs analysis finds non-random variation (a shift or too few crossings).
    pub signal: bool,
    /// Months with a share, not on the median.
    pub useful_points: usize,
    /// The longest run on one side of the median.
    pub longest_run: usize,
    /// The longest run expected by chance.
    pub longest_run_limit: usize,
    /// How often the line crosses the median.
    pub crossings: usize,
    /// The fewest crossings expected by chance.
    pub crossings_limit: usize,
}

impl RunChartJson {
    /// The run chart of `r`, if the engine analysed its runs.
    pub fn of(r: &gemba_spc::ChartResult) -> Option<RunChartJson> {
        let runs = r.runs.as_ref()?;
        Some(RunChartJson {
            median: r.points.iter().find_map(|p| p.lines.centre),
            signal: runs.signal,
            useful_points: runs.useful_points,
            longest_run: runs.longest_run,
            longest_run_limit: runs.longest_run_limit,
            crossings: runs.crossings,
            crossings_limit: runs.crossings_limit,
        })
    }
}

/// The share of an organisation's projects with patient partners: now (active projects),
/// overall and by team, and by month with its run chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartnerShareJson {
    /// The organisation.
    pub org_id: i64,
    /// What counts: a project has patient partners when a patient partner is on its team, or
    /// patients and carers are involved at `involve` or `co_produce`.
    pub rule: String,
    /// Active projects now.
    pub overall: ShareJson,
    /// Active projects now, by team.
    pub by_team: Vec<TeamShareJson>,
    /// Every month's share, oldest first.
    pub months: Vec<MonthShareJson>,
    /// The monthly trend's run chart, or null without enough months.
    pub run_chart: Option<RunChartJson>,
}

impl PartnerShareJson {
    /// The share as the API writes it.
    pub fn new(s: &gemba_domain::PartnerShare) -> PartnerShareJson {
        PartnerShareJson {
            org_id: s.org.0,
            rule: "A project has patient partners when a patient partner is on its team, or \
                   patients and carers are involved at involve or co_produce."
                .to_owned(),
            overall: s.overall.into(),
            by_team: s
                .by_team
                .iter()
                .map(|(t, share)| TeamShareJson {
                    team_id: t.as_ref().map(|t| t.id.0),
                    team_name: t
                        .as_ref()
                        .map_or_else(|| "No team".to_owned(), |t| t.name.clone()),
                    share: (*share).into(),
                })
                .collect(),
            months: s
                .months
                .iter()
                .zip(&s.monthly)
                .map(|(m, share)| MonthShareJson {
                    month: m.format("%Y-%m").to_string(),
                    share: (*share).into(),
                })
                .collect(),
            run_chart: s.chart.as_ref().and_then(RunChartJson::of),
        }
    }
}

/// One team's engagement by month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamEngagementJson {
    /// The team.
    pub team_id: i64,
    /// Its name.
    pub team_name: String,
    /// Its staff: staff on the team of one of its projects.
    pub staff: usize,
    /// Each month's share of them taking part.
    pub months: Vec<MonthShareJson>,
    /// The run chart, or null.
    pub run_chart: Option<RunChartJson>,
}

/// An organisation's engagement: the share of its staff taking part in improvement, by month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EngagementJson {
    /// The organisation.
    pub org_id: i64,
    /// What counts as taking part, and who counts as staff.
    pub rule: String,
    /// The organisation's staff.
    pub staff: usize,
    /// Each month's share of them taking part, oldest first.
    pub months: Vec<MonthShareJson>,
    /// The run chart, or null.
    pub run_chart: Option<RunChartJson>,
    /// Each team with staff.
    pub teams: Vec<TeamEngagementJson>,
}

fn months_json(
    months: &[chrono::NaiveDate],
    shares: &[gemba_domain::Share],
) -> Vec<MonthShareJson> {
    months
        .iter()
        .zip(shares)
        .map(|(m, s)| MonthShareJson {
            month: m.format("%Y-%m").to_string(),
            share: (*s).into(),
        })
        .collect()
}

/// The rule of engagement, in words.
pub const ENGAGEMENT_RULE: &str = "Staff are the organisation's people except patient partners. \
    Taking part in a month: on the team of a project under way that month (from when they \
    joined it), logging a PDSA cycle (the month it started) or changing one, putting forward, \
    supporting or commenting on an idea. A team's staff are the staff on the team of one of its \
    projects.";

impl EngagementJson {
    /// The engagement as the API writes it.
    pub fn new(e: &gemba_domain::Engagement) -> EngagementJson {
        EngagementJson {
            org_id: e.org.0,
            rule: ENGAGEMENT_RULE.to_owned(),
            staff: e.staff,
            months: months_json(&e.months, &e.monthly),
            run_chart: e.chart.as_ref().and_then(RunChartJson::of),
            teams: e
                .teams
                .iter()
                .map(|t| TeamEngagementJson {
                    team_id: t.team.id.0,
                    team_name: t.team.name.clone(),
                    staff: t.staff,
                    months: months_json(&e.months, &t.monthly),
                    run_chart: t.chart.as_ref().and_then(RunChartJson::of),
                })
                .collect(),
        }
    }
}
