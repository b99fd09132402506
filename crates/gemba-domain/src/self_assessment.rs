//! The board self-assessment's use cases, once for pages and API, each behind its access
//! check: starting an assessment, rating it, reading it with the evidence beside the ratings,
//! and comparing assessments over time. The evidence is gathered from the store here; the
//! judgement of it is [`crate::assessment`]'s.

use chrono::NaiveDate;

use crate::access::{Access, AccessError, Action, Grant};
use crate::assessment::{
    check_ratings, is_active, medians_over_time, results, Assessment, AssessmentDraft,
    BoardMeasureFacts, Dimension, DimensionResult, Evidence, RatingDraft, Submission, TeamFacts,
};
use crate::chart::measure_chart;
use crate::draft::Problems;
use crate::model::{AssessmentId, OrgId, ProjectKind, Role, Version};
use crate::store::{Store, StoreError};

/// Why a self-assessment use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AssessmentError {
    /// No such thing for this user, or their role may not (see [`AccessError`]).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// What was sent is not valid; every problem, by field (and position, for ratings).
    #[error("invalid: {0:?}")]
    Invalid(Problems),
    /// The user's ratings changed since the version their save was based on (in another
    /// window); nothing was written. Carries the ratings as stored now, if any.
    #[error("your ratings were changed since you opened them")]
    Stale(Option<Box<Submission>>),
}

impl From<StoreError> for AssessmentError {
    fn from(e: StoreError) -> Self {
        AssessmentError::Access(AccessError::Store(e))
    }
}

/// Starts a self-assessment of `org`'s board ([`Action::AssessBoard`]).
pub async fn start_assessment(
    access: &Access<'_>,
    org: OrgId,
    draft: &AssessmentDraft,
) -> Result<Assessment, AssessmentError> {
    access.org(org, Action::AssessBoard)?;
    let fields = draft.apply().map_err(AssessmentError::Invalid)?;
    let store = access.store();
    let id = store.create_assessment(org, &fields, access.user()).await?;
    store
        .assessment(id)
        .await?
        .ok_or(AssessmentError::Access(AccessError::NotFound))
}

/// Saves the user's ratings in an assessment, replacing their earlier ones
/// ([`Action::AssessBoard`]); with `expected`, only if their ratings are still at that version
/// (`Version(0)`: none saved yet). Returns their ratings as saved.
pub async fn rate_board(
    access: &Access<'_>,
    id: AssessmentId,
    given: &[RatingDraft],
    expected: Option<Version>,
) -> Result<Submission, AssessmentError> {
    access.assessment(id, Action::AssessBoard).await?;
    let ratings = check_ratings(given).map_err(AssessmentError::Invalid)?;
    let store = access.store();
    match store
        .set_ratings(id, access.user(), &ratings, expected)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Stale(_)) => {
            return Err(AssessmentError::Stale(
                own_submission(store, id, access).await?.map(Box::new),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    own_submission(store, id, access)
        .await?
        .ok_or(AssessmentError::Access(AccessError::NotFound))
}

async fn own_submission(
    store: &dyn Store,
    id: AssessmentId,
    access: &Access<'_>,
) -> Result<Option<Submission>, StoreError> {
    Ok(store
        .submissions(id)
        .await?
        .into_iter()
        .find(|s| s.user.id == access.user()))
}

/// What Gemba holds about `org` for its board's self-assessment, as of `today`: its board
/// measures (charted, to see which show an SPC variation icon, and how recent their data are),
/// its people and the teams of its active projects.
pub async fn gather_evidence(
    store: &dyn Store,
    org: OrgId,
    today: NaiveDate,
) -> Result<Evidence, StoreError> {
    let sections = store.report_sections(org).await?;
    let mut measures = Vec::new();
    for b in store.board_measures(org).await? {
        let data = store.data(b.measure.id).await?;
        let spc_with_icon = !data.is_empty()
            && measure_chart(&b.measure, &data, &[])
                .ok()
                .and_then(|c| c.result.variation_icon)
                .is_some();
        let latest = data
            .iter()
            .filter(|p| p.value.is_some())
            .map(|p| p.date)
            .max();
        measures.push(BoardMeasureFacts {
            section: b.section,
            spc_with_icon,
            latest,
        });
    }
    let people = store.org_members(org).await?;
    let involvement = store.org_involvement(org).await?;
    let mut teams = Vec::new();
    for p in store.projects(org).await? {
        if p.kind != ProjectKind::Improvement || !is_active(p.status) {
            continue;
        }
        let members: Vec<_> = store
            .project_members(p.id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let on_team = members.iter().any(|m| {
            people
                .iter()
                .any(|(u, r)| u.id == *m && *r == Role::PatientPartner)
        });
        // The share of projects with patient partners counts involvement at "involve" or
        // "co-produce" too (issue 13 §3): the same rule here.
        let level = involvement
            .iter()
            .find(|i| i.project == p.id)
            .map(|i| i.fields.level)
            .unwrap_or_default();
        let patient_partner = crate::involvement::partnered(level, on_team);
        teams.push(TeamFacts {
            members,
            patient_partner,
        });
    }
    let mut evidence = Evidence::from_facts(&measures, &sections, people.len(), &teams, today);
    evidence.priorities = store.priorities_of(org).await?.len();
    Ok(evidence)
}

/// An assessment as its page and the API show it.
#[derive(Debug, Clone)]
pub struct AssessmentView {
    /// The assessment.
    pub assessment: Assessment,
    /// What the user may do in its organisation.
    pub grant: Grant,
    /// Everyone's ratings, by name.
    pub submissions: Vec<Submission>,
    /// What Gemba holds, as of today.
    pub evidence: Evidence,
    /// Each dimension: ratings, median, range, evidence, disagreement.
    pub results: Vec<DimensionResult>,
}

impl AssessmentView {
    /// The user's own ratings, if they have rated.
    pub fn own(&self, user: crate::model::UserId) -> Option<&Submission> {
        self.submissions.iter().find(|s| s.user.id == user)
    }
}

/// An assessment with everyone's ratings and the evidence beside them ([`Action::Read`]).
pub async fn assessment_view(
    access: &Access<'_>,
    id: AssessmentId,
    today: NaiveDate,
) -> Result<AssessmentView, AssessmentError> {
    let (assessment, grant) = access.assessment(id, Action::Read).await?.into_parts();
    let store = access.store();
    let submissions = store.submissions(id).await?;
    let evidence = gather_evidence(store, assessment.org, today).await?;
    let results = results(&submissions, &evidence);
    Ok(AssessmentView {
        assessment,
        grant,
        submissions,
        evidence,
        results,
    })
}

/// An organisation's assessments compared: each dimension's median in each assessment.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The assessments, oldest first.
    pub assessments: Vec<Assessment>,
    /// One row per dimension (in the paper's order), one median per assessment (`None` where
    /// no one rated it).
    pub rows: Vec<(Dimension, Vec<Option<f64>>)>,
}

/// `org`'s assessments compared over time ([`Action::Read`]).
pub async fn compare_assessments(
    access: &Access<'_>,
    org: OrgId,
) -> Result<Comparison, AssessmentError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let assessments = store.assessments(org).await?;
    let mut all = Vec::with_capacity(assessments.len());
    for a in &assessments {
        all.push(store.submissions(a.id).await?);
    }
    Ok(Comparison {
        rows: medians_over_time(&all),
        assessments,
    })
}
