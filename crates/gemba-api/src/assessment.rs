//! The board self-assessment's JSON (`/api/v1/organisations/{id}/assessments`,
//! `/api/v1/assessments/{id}`): assessments, everyone's ratings by dimension with their median,
//! range, the evidence Gemba holds and where they disagree, the caller's own ratings, and the
//! comparison of assessments over time. Levels are numbers (1 Not yet started … 5 Leading),
//! dimensions their API names (`data_for_improvement`).

use gemba_domain::{
    Assessment, AssessmentDraft, Comparison, DimensionResult, Evidence, Rating, RatingDraft,
    Submission,
};
use serde::{Deserialize, Serialize};

use crate::workspace::MemberJson;

/// An assessment: its title and the date it was held.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AssessmentJson {
    /// Id.
    pub id: i64,
    /// The organisation whose board it is.
    pub organisation_id: i64,
    /// Title.
    pub title: String,
    /// ISO date it was held.
    pub date: String,
}

impl From<&Assessment> for AssessmentJson {
    fn from(a: &Assessment) -> Self {
        AssessmentJson {
            id: a.id.0,
            organisation_id: a.org.0,
            title: a.title.clone(),
            date: a.date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The body of `POST /organisations/{id}/assessments`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssessmentInput {
    /// Required.
    pub title: Option<String>,
    /// Required: the date it was held.
    pub date: Option<String>,
}

impl AssessmentInput {
    /// The draft this body is.
    pub fn draft(&self) -> AssessmentDraft {
        AssessmentDraft {
            title: self.title.clone(),
            date: self.date.clone(),
        }
    }
}

/// One rating, sent and answered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RatingJson {
    /// The dimension's API name. Required.
    pub dimension: Option<String>,
    /// The level, 1 to 5. Required.
    pub rating: Option<i64>,
    /// The evidence note (up to 2,000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

impl From<&Rating> for RatingJson {
    fn from(r: &Rating) -> Self {
        RatingJson {
            dimension: Some(r.dimension.name().to_owned()),
            rating: Some(i64::from(r.level.level())),
            note: Some(r.note.clone()),
        }
    }
}

/// The body of `PUT /assessments/{id}/ratings`: all the caller's ratings (a dimension left
/// out is not rated).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RatingsInput {
    /// Required (may be empty).
    pub ratings: Option<Vec<RatingJson>>,
}

impl RatingsInput {
    /// The drafts of the ratings sent.
    pub fn drafts(&self) -> Vec<RatingDraft> {
        self.ratings
            .iter()
            .flatten()
            .map(|r| RatingDraft {
                dimension: r.dimension.clone(),
                level: r.rating.map(|n| n.to_string()),
                note: r.note.clone(),
            })
            .collect()
    }
}

/// One person's ratings in an assessment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubmissionJson {
    /// Who.
    pub user: MemberJson,
    /// Their ratings, in the paper's order of dimensions.
    pub ratings: Vec<RatingJson>,
    /// The version: 1 when first saved, one more with every change. Also the `ETag`; send it
    /// back as `If-Match` to save over only what you read.
    pub version: i64,
}

impl From<&Submission> for SubmissionJson {
    fn from(s: &Submission) -> Self {
        SubmissionJson {
            user: MemberJson::from(&s.user),
            ratings: s.ratings.iter().map(RatingJson::from).collect(),
            version: s.version.0,
        }
    }
}

/// A board measure count by report section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SectionCountJson {
    /// The section.
    pub section: String,
    /// Board measures in it.
    pub measures: usize,
}

/// What Gemba holds about the organisation, as of today.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvidenceJson {
    /// Measures on the board report.
    pub board_measures: usize,
    /// Of those, shown as SPC with a variation icon.
    pub spc_with_icons: usize,
    /// Of those, with a value in the last two months.
    pub current: usize,
    /// Board measures per report section, in the report's order.
    pub by_section: Vec<SectionCountJson>,
    /// Active people in the organisation.
    pub people: usize,
    /// Distinct people on the teams of active projects.
    pub people_in_teams: usize,
    /// Active projects (scoping to spreading).
    pub active_projects: usize,
    /// Active projects with a patient partner on the team.
    pub with_patient_partner: usize,
    /// Strategic priorities the organisation's projects may serve (its own and its system's).
    pub priorities: usize,
}

impl From<&Evidence> for EvidenceJson {
    fn from(e: &Evidence) -> Self {
        EvidenceJson {
            board_measures: e.board_measures,
            spc_with_icons: e.spc_with_icons,
            current: e.current,
            by_section: e
                .by_section
                .iter()
                .map(|(s, n)| SectionCountJson {
                    section: s.clone(),
                    measures: *n,
                })
                .collect(),
            people: e.people,
            people_in_teams: e.people_in_teams,
            active_projects: e.active_projects,
            with_patient_partner: e.with_patient_partner,
            priorities: e.priorities,
        }
    }
}

/// One member's rating of a dimension.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MemberRatingJson {
    /// Who.
    pub user: MemberJson,
    /// The level, 1 to 5.
    pub rating: i64,
    /// Their evidence note.
    pub note: String,
}

/// The lowest and highest rating of a dimension.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RangeJson {
    /// The lowest level.
    pub lowest: i64,
    /// The highest level.
    pub highest: i64,
}

/// One dimension of an assessment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DimensionJson {
    /// Its API name.
    pub dimension: String,
    /// Its name for people.
    pub label: String,
    /// What good looks like.
    pub description: String,
    /// Everyone's ratings, by name.
    pub ratings: Vec<MemberRatingJson>,
    /// The median rating (a half for an even count between two levels), or null.
    pub median: Option<f64>,
    /// The lowest and highest rating, or null.
    pub range: Option<RangeJson>,
    /// What Gemba holds on it, in words.
    pub evidence: String,
    /// Where the median rating and the evidence disagree, in words, or null.
    pub disagreement: Option<String>,
}

impl From<&DimensionResult> for DimensionJson {
    fn from(d: &DimensionResult) -> Self {
        DimensionJson {
            dimension: d.dimension.name().to_owned(),
            label: d.dimension.label().to_owned(),
            description: d.dimension.description().to_owned(),
            ratings: d
                .ratings
                .iter()
                .map(|(u, r)| MemberRatingJson {
                    user: MemberJson::from(u),
                    rating: i64::from(r.level.level()),
                    note: r.note.clone(),
                })
                .collect(),
            median: d.median,
            range: d.range.map(|(lo, hi)| RangeJson {
                lowest: i64::from(lo.level()),
                highest: i64::from(hi.level()),
            }),
            evidence: d.evidence.clone(),
            disagreement: d.disagreement.clone(),
        }
    }
}

/// `GET /assessments/{id}`: an assessment with everyone's ratings and the evidence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AssessmentDetailJson {
    /// The assessment.
    #[serde(flatten)]
    pub assessment: AssessmentJson,
    /// What Gemba holds, as of today.
    pub evidence: EvidenceJson,
    /// The eight dimensions, in the paper's order.
    pub dimensions: Vec<DimensionJson>,
    /// The caller's own ratings, or null when they have not rated.
    pub mine: Option<SubmissionJson>,
}

/// One dimension's medians over time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediansJson {
    /// The dimension's API name.
    pub dimension: String,
    /// Its median in each assessment, in the order of `assessments` (null: not rated).
    pub medians: Vec<Option<f64>>,
}

/// `GET /organisations/{id}/assessments/comparison`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ComparisonJson {
    /// The assessments, oldest first.
    pub assessments: Vec<AssessmentJson>,
    /// One row per dimension, in the paper's order.
    pub dimensions: Vec<MediansJson>,
}

impl From<&Comparison> for ComparisonJson {
    fn from(c: &Comparison) -> Self {
        ComparisonJson {
            assessments: c.assessments.iter().map(AssessmentJson::from).collect(),
            dimensions: c
                .rows
                .iter()
                .map(|(d, m)| MediansJson {
                    dimension: d.name().to_owned(),
                    medians: m.clone(),
                })
                .collect(),
        }
    }
}
