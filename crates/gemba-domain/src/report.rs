//! Saved board reports, the owners' narratives and publishing: the use cases once for pages and
//! API, each behind its access check, and the reporting periods they are about.
//!
//! A saved report names its sections (some or all of the organisation's report sections, in
//! its own order) and its cadence (monthly or quarterly); its measures are the board measures
//! of those sections in the board's order. Publishing a period keeps that period's report
//! exactly as the board saw it: the store keeps the rendered copy (HTML, PDF and the summary's
//! JSON), so later corrections to the data change the live report, never a published one.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};

use crate::access::{Access, AccessError, Action, Resource};
use crate::board::BoardError;
use crate::draft::{prose_part, required_line, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{MeasureId, OrgId, ReportId, User, Version};
use crate::store::StoreError;

/// How often a report is made: its periods are months or calendar quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Cadence {
    /// Calendar months.
    #[default]
    Month,
    /// Calendar quarters (January–March is Q1).
    Quarter,
}

impl Cadence {
    /// Both, monthly first.
    pub const ALL: [Cadence; 2] = [Cadence::Month, Cadence::Quarter];

    /// As stored and in the API: `month`, `quarter`.
    pub fn name(self) -> &'static str {
        match self {
            Cadence::Month => "month",
            Cadence::Quarter => "quarter",
        }
    }

    /// The cadence of a [`Cadence::name`].
    pub fn parse(s: &str) -> Option<Cadence> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// For people: "Monthly", "Quarterly".
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Month => "Monthly",
            Cadence::Quarter => "Quarterly",
        }
    }
}

/// One reporting period: a calendar month (`2026-03`) or quarter (`2026-Q1`). A report of a
/// period shows the data up to the period's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportPeriod {
    /// Its first day.
    start: NaiveDate,
    /// Month or quarter.
    cadence: Cadence,
}

impl ReportPeriod {
    /// Parses `YYYY-MM` (a month) or `YYYY-Qn` (a quarter, n from 1 to 4).
    pub fn parse(s: &str) -> Option<ReportPeriod> {
        let (y, rest) = s.trim().split_once('-')?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let q: u32 = match q {
                "1" | "2" | "3" | "4" => q.parse().ok()?,
                _ => return None,
            };
            let start = NaiveDate::from_ymd_opt(year, 3 * (q - 1) + 1, 1)?;
            return Some(ReportPeriod {
                start,
                cadence: Cadence::Quarter,
            });
        }
        if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(year, rest.parse().ok()?, 1)?;
        Some(ReportPeriod {
            start,
            cadence: Cadence::Month,
        })
    }

    /// The period of `cadence` that contains `date`.
    pub fn containing(date: NaiveDate, cadence: Cadence) -> ReportPeriod {
        let month = match cadence {
            Cadence::Month => date.month(),
            Cadence::Quarter => 3 * ((date.month() - 1) / 3) + 1,
        };
        ReportPeriod {
            start: NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date),
            cadence,
        }
    }

    /// Month or quarter.
    pub fn cadence(self) -> Cadence {
        self.cadence
    }

    /// Its first day.
    pub fn start(self) -> NaiveDate {
        self.start
    }

    /// Its last day.
    pub fn end(self) -> NaiveDate {
        let months = match self.cadence {
            Cadence::Month => 1,
            Cadence::Quarter => 3,
        };
        self.start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.start)
    }

    /// The code, as in URLs, the API and the store: `2026-03`, `2026-Q1`.
    pub fn code(self) -> String {
        match self.cadence {
            Cadence::Month => self.start.format("%Y-%m").to_string(),
            Cadence::Quarter => format!("{}-Q{}", self.start.year(), self.start.month() / 3 + 1),
        }
    }

    /// For people: "March 2026", "January to March 2026".
    pub fn label(self) -> String {
        match self.cadence {
            Cadence::Month => self.start.format("%B %Y").to_string(),
            Cadence::Quarter => format!(
                "{} to {}",
                self.start.format("%B"),
                self.end().format("%B %Y")
            ),
        }
    }
}

impl std::fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

/// A saved board report as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedReport {
    /// Its id.
    pub id: ReportId,
    /// Its organisation.
    pub org: OrgId,
    /// Its settings.
    pub settings: ReportSettings,
    /// Its version.
    pub version: Version,
}

/// What a saved report is: its title, cadence, sections and order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportSettings {
    /// Its title ("Integrated quality and performance report").
    pub title: String,
    /// Monthly or quarterly.
    pub cadence: Cadence,
    /// The organisation's report sections it shows, in its order; empty for all of them in
    /// the organisation's order.
    pub sections: Vec<String>,
    /// Whether each section's summary puts concern and failing measures first.
    pub concern_first: bool,
}

impl ReportSettings {
    /// The sections shown, given the organisation's sections now: this report's that still
    /// exist, or all of them.
    pub fn sections_of(&self, org_sections: &[String]) -> Vec<String> {
        if self.sections.is_empty() {
            return org_sections.to_vec();
        }
        self.sections
            .iter()
            .filter(|s| org_sections.contains(s))
            .cloned()
            .collect()
    }
}

/// A saved report's settings as sent: absent keeps the current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportDraft {
    /// The title. Required.
    pub title: Option<String>,
    /// `month` or `quarter`.
    pub cadence: Option<String>,
    /// Section names in order; an empty list means every section.
    pub sections: Option<Vec<String>>,
    /// Concern and failing first.
    pub concern_first: Option<bool>,
}

impl ReportDraft {
    /// The checked settings: this draft over `current`, its sections each one of the
    /// organisation's (`org_sections`), none twice.
    pub fn apply(
        &self,
        current: Option<&ReportSettings>,
        org_sections: &[String],
    ) -> Result<ReportSettings, Problems> {
        let mut problems = Vec::new();
        let title = required_line(
            &mut problems,
            Field::Title,
            self.title.as_deref(),
            current.map(|c| c.title.as_str()),
            limits::NAME,
        );
        let mut add = |field: Field, problem: Problem| {
            problems.push(FieldProblem {
                field,
                index: None,
                problem,
            })
        };
        let cadence = match self.cadence.as_deref().map(str::trim) {
            None => current.map(|c| c.cadence).unwrap_or_default(),
            Some(s) => Cadence::parse(s).unwrap_or_else(|| {
                add(
                    Field::Cadence,
                    Problem::NotOneOf {
                        allowed: Cadence::ALL.iter().map(|c| c.name()).collect(),
                    },
                );
                Cadence::Month
            }),
        };
        let sections = match &self.sections {
            None => current.map(|c| c.sections.clone()).unwrap_or_default(),
            Some(given) => {
                let mut out: Vec<String> = Vec::new();
                for s in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    if !org_sections.iter().any(|o| o == s) {
                        add(
                            Field::Sections,
                            Problem::Rule(format!(
                                "“{s}” is not a section of the board report; the sections are: {}",
                                org_sections.join(", ")
                            )),
                        );
                    } else if out.iter().any(|o| o == s) {
                        add(
                            Field::Sections,
                            Problem::Rule(format!("“{s}” is given twice")),
                        );
                    } else {
                        out.push(s.to_owned());
                    }
                }
                out
            }
        };
        let concern_first = self
            .concern_first
            .or(current.map(|c| c.concern_first))
            .unwrap_or(false);
        if problems.is_empty() {
            Ok(ReportSettings {
                title,
                cadence,
                sections,
                concern_first,
            })
        } else {
            Err(problems)
        }
    }
}

/// The owner's narrative for one measure and reporting period.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    /// The measure.
    pub measure: MeasureId,
    /// The period's code (`2026-03`, `2026-Q1`).
    pub period: String,
    /// What it says.
    pub text: NarrativeText,
    /// Who wrote it last, if still a user.
    pub author: Option<User>,
    /// When it was last written.
    pub updated_at: NaiveDateTime,
    /// Its version.
    pub version: Version,
}

/// A narrative's three parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NarrativeText {
    /// What the chart shows.
    pub shows: String,
    /// Why.
    pub why: String,
    /// Actions, and by when.
    pub actions: String,
}

/// The most characters in one part of a narrative.
pub const NARRATIVE_PART: usize = 4_000;

/// A narrative as sent: absent keeps the current part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NarrativeDraft {
    /// What the chart shows.
    pub shows: Option<String>,
    /// Why.
    pub why: Option<String>,
    /// Actions, and by when.
    pub actions: Option<String>,
}

impl NarrativeDraft {
    /// The checked text over `current`: at most [`NARRATIVE_PART`] characters a part, and not
    /// all three empty.
    pub fn apply(&self, current: Option<&NarrativeText>) -> Result<NarrativeText, Problems> {
        let mut problems = Vec::new();
        let mut part = |field: Field, given: &Option<String>, current: Option<&str>| {
            prose_part(
                &mut problems,
                field,
                given.as_deref(),
                current,
                NARRATIVE_PART,
            )
        };
        let text = NarrativeText {
            shows: part(Field::Shows, &self.shows, current.map(|c| c.shows.as_str())),
            why: part(Field::Why, &self.why, current.map(|c| c.why.as_str())),
            actions: part(
                Field::Actions,
                &self.actions,
                current.map(|c| c.actions.as_str()),
            ),
        };
        if problems.is_empty() && text == NarrativeText::default() {
            problems.push(FieldProblem {
                field: Field::Shows,
                index: None,
                problem: Problem::Missing,
            });
        }
        if problems.is_empty() {
            Ok(text)
        } else {
            Err(problems)
        }
    }
}

/// One published period of a saved report.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    /// The report.
    pub report: ReportId,
    /// The period's code.
    pub period: String,
    /// The period for people.
    pub label: String,
    /// When it was published.
    pub published_at: NaiveDateTime,
    /// Who published it, if still a user.
    pub published_by: Option<User>,
}

/// A published report as the board saw it: rendered once, kept unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedCopy {
    /// The summary's JSON (the API's `ReportSummary`).
    pub summary_json: String,
    /// The report as one HTML page.
    pub html: String,
    /// The report as PDF.
    pub pdf: Vec<u8>,
}

/// Creates a saved report of `org` ([`Action::ManageBoard`]).
pub async fn create_report(
    access: &Access<'_>,
    org: OrgId,
    draft: &ReportDraft,
) -> Result<ReportId, BoardError> {
    access.org(org, Action::ManageBoard)?;
    let store = access.store();
    let sections = store.report_sections(org).await?;
    let settings = draft.apply(None, &sections).map_err(BoardError::Invalid)?;
    Ok(store
        .create_saved_report(org, &settings, access.user())
        .await?)
}

/// Changes a saved report that is still at `expected` ([`Action::ManageBoard`]); returns its
/// new version. Once a period is published the cadence stays (`Refused`): its published months
/// (or quarters) are what later publications compare themselves with.
pub async fn update_report(
    access: &Access<'_>,
    id: ReportId,
    draft: &ReportDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let report = saved_report(access, id, Action::ManageBoard).await?;
    let store = access.store();
    let sections = store.report_sections(report.org).await?;
    let settings = draft
        .apply(Some(&report.settings), &sections)
        .map_err(BoardError::Invalid)?;
    if settings.cadence != report.settings.cadence && !store.publications(id).await?.is_empty() {
        return Err(BoardError::Refused(format!(
            "this report has published {} reports, so it stays {}: save a new report for another \
             cadence",
            report.settings.cadence.name(),
            report.settings.cadence.label().to_lowercase()
        )));
    }
    Ok(store
        .update_saved_report(id, &settings, expected, access.user())
        .await?)
}

/// The refusal of publishing a period that is already published.
pub fn already_published(period: ReportPeriod) -> BoardError {
    BoardError::Refused(format!(
        "{} is already published; a published report is kept as the board saw it",
        period.label()
    ))
}

/// Deletes a saved report that has never been published ([`Action::ManageBoard`]); a
/// published one is kept (`Refused`), because its copies are the board's record.
pub async fn delete_report(
    access: &Access<'_>,
    id: ReportId,
    expected: Option<Version>,
) -> Result<(), BoardError> {
    saved_report(access, id, Action::ManageBoard).await?;
    Ok(access.store().delete_saved_report(id, expected).await?)
}

/// The saved report `id` if the user may do `action` with it.
pub async fn saved_report(
    access: &Access<'_>,
    id: ReportId,
    action: Action,
) -> Result<SavedReport, BoardError> {
    access.resource(Resource::Report(id), action).await?;
    access
        .store()
        .saved_report(id)
        .await?
        .ok_or(BoardError::Access(AccessError::NotFound))
}

/// Whether the user may write the narrative of `measure`: with [`Action::WriteNarrative`]
/// (improvement leads, admins), or as the measure's executive owner on the board report.
pub async fn may_write_narrative(
    access: &Access<'_>,
    measure: MeasureId,
) -> Result<bool, AccessError> {
    match access
        .resource(Resource::Measure(measure), Action::WriteNarrative)
        .await
    {
        Ok(_) => Ok(true),
        Err(AccessError::Denied(_)) => Ok(access
            .store()
            .board_place(measure)
            .await?
            .is_some_and(|p| p.owner == Some(access.user()))),
        Err(e) => Err(e),
    }
}

/// Writes the narrative of `measure` for `period` (only if it is still at `expected`, when
/// given): its executive owner, an improvement lead or an admin may. Returns the new version.
pub async fn write_narrative(
    access: &Access<'_>,
    measure: MeasureId,
    period: ReportPeriod,
    draft: &NarrativeDraft,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    // Not found (or another organisation's) first, then whether this person may.
    access
        .resource(Resource::Measure(measure), Action::Read)
        .await?;
    if !may_write_narrative(access, measure).await? {
        return Err(AccessError::Denied(Action::WriteNarrative).into());
    }
    let store = access.store();
    let code = period.code();
    let current = store.narrative(measure, &code).await?;
    let text = draft
        .apply(current.as_ref().map(|n| &n.text))
        .map_err(BoardError::Invalid)?;
    Ok(store
        .set_narrative(measure, &code, &text, expected, access.user())
        .await?)
}

/// `Refused` unless `period` is of the report's cadence (a month for a monthly report).
pub fn check_period(report: &SavedReport, period: ReportPeriod) -> Result<(), BoardError> {
    let cadence = report.settings.cadence;
    if period.cadence() == cadence {
        return Ok(());
    }
    Err(BoardError::Refused(format!(
        "this report is {}: choose a {} like {}",
        cadence.label().to_lowercase(),
        cadence.name(),
        ReportPeriod::containing(period.start(), cadence).code()
    )))
}

/// Keeps `copy` as the published report of `id` for `period` ([`Action::ManageBoard`]).
/// `Refused` when that period is already published (a published report never changes) or is
/// not of the report's cadence.
pub async fn publish_report(
    access: &Access<'_>,
    id: ReportId,
    period: ReportPeriod,
    copy: &PublishedCopy,
) -> Result<(), BoardError> {
    let report = saved_report(access, id, Action::ManageBoard).await?;
    check_period(&report, period)?;
    match access
        .store()
        .publish_report(id, &period.code(), &period.label(), copy, access.user())
        .await
    {
        Err(StoreError::Conflict(_)) => Err(already_published(period)),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_quarters_parse_and_read_back() {
        let m = ReportPeriod::parse("2025-03").unwrap();
        assert_eq!(
            (m.code(), m.label()),
            ("2025-03".into(), "March 2025".into())
        );
        assert_eq!(m.end(), d(2025, 3, 31));
        assert_eq!(
            ReportPeriod::parse("2024-02").unwrap().end(),
            d(2024, 2, 29)
        );
        let q = ReportPeriod::parse("2026-Q3").unwrap();
        assert_eq!(q.code(), "2026-Q3");
        assert_eq!(q.label(), "July to September 2026");
        assert_eq!((q.start(), q.end()), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(
            ReportPeriod::parse("2026-Q4").unwrap().end(),
            d(2026, 12, 31)
        );
        for bad in [
            "2025-3", "25-03", "2025-13", "2025-Q5", "2025-Q0", "March", "", "+025-03",
        ] {
            assert_eq!(ReportPeriod::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_period_containing_a_date() {
        let q = ReportPeriod::containing(d(2026, 11, 17), Cadence::Quarter);
        assert_eq!(q.code(), "2026-Q4");
        let m = ReportPeriod::containing(d(2026, 11, 17), Cadence::Month);
        assert_eq!(m.code(), "2026-11");
    }

    fn sections() -> Vec<String> {
        ["Safe", "Effective", "Well-led"].map(String::from).to_vec()
    }

    #[test]
    fn report_settings_check_every_field() {
        let draft = ReportDraft {
            title: Some("  ".into()),
            cadence: Some("weekly".into()),
            sections: Some(vec!["Safe".into(), "Caring".into(), "Safe".into()]),
            concern_first: None,
        };
        let problems = draft.apply(None, &sections()).unwrap_err();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::Title,
                Field::Cadence,
                Field::Sections,
                Field::Sections
            ]
        );
        let ok = ReportDraft {
            title: Some(" Quality committee ".into()),
            cadence: Some("quarter".into()),
            sections: Some(vec!["Well-led".into(), "".into(), "Safe".into()]),
            concern_first: Some(true),
        }
        .apply(None, &sections())
        .unwrap();
        assert_eq!(ok.title, "Quality committee");
        assert_eq!(ok.cadence, Cadence::Quarter);
        assert_eq!(ok.sections, ["Well-led", "Safe"]);
        assert_eq!(ok.sections_of(&sections()), ["Well-led", "Safe"]);
        // Absent keeps the current value.
        let kept = ReportDraft::default()
            .apply(Some(&ok), &sections())
            .unwrap();
        assert_eq!(kept, ok);
        // No sections chosen: all of the organisation's, in its order.
        assert_eq!(
            ReportSettings::default().sections_of(&sections()),
            sections()
        );
    }

    #[test]
    fn a_narrative_needs_some_text_and_each_part_is_bounded() {
        let empty = NarrativeDraft::default().apply(None).unwrap_err();
        assert_eq!(empty[0].field, Field::Shows);
        let long = NarrativeDraft {
            why: Some("x".repeat(NARRATIVE_PART + 1)),
            ..NarrativeDraft::default()
        }
        .apply(None)
        .unwrap_err();
        assert_eq!(long[0].field, Field::Why);
        let text = NarrativeDraft {
            shows: Some(" Falls fell \r\n after the change ".into()),
            ..NarrativeDraft::default()
        }
        .apply(None)
        .unwrap();
        assert_eq!(text.shows, "Falls fell \n after the change");
        let kept = NarrativeDraft {
            actions: Some("Audit by March".into()),
            ..NarrativeDraft::default()
        }
        .apply(Some(&text))
        .unwrap();
        assert_eq!(
            (kept.shows.as_str(), kept.actions.as_str()),
            (text.shows.as_str(), "Audit by March")
        );
    }
}
