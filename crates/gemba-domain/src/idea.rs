//! Staff ideas with a visible response (issue 13): anyone in an organisation, patient partners
//! included, puts forward an idea (the problem, the idea, the area it concerns) for a team;
//! others support it and comment; an improvement lead or admin triages it (new, under review,
//! being tested, adopted, or not now with a reason the submitter sees), and the submitter is told
//! of every change in their notifications. The use cases once for pages and API, each behind its
//! access check.

use chrono::NaiveDateTime;

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{prose_part, required_line, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{IdeaCommentId, IdeaId, NotificationId, OrgId, TeamId, User, UserId, Version};
use crate::store::StoreError;

/// Where an idea stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdeaStatus {
    /// Put forward, no response yet.
    New,
    /// Being looked at.
    UnderReview,
    /// Being tested (in a PDSA cycle or a project).
    BeingTested,
    /// Adopted: it is how the work is done now.
    Adopted,
    /// Not now, with a reason the submitter sees.
    NotNow,
}

impl IdeaStatus {
    /// Every status, in the order an idea moves through them.
    pub const ALL: [IdeaStatus; 5] = [
        IdeaStatus::New,
        IdeaStatus::UnderReview,
        IdeaStatus::BeingTested,
        IdeaStatus::Adopted,
        IdeaStatus::NotNow,
    ];

    /// Stable name for storage, forms and the API.
    pub fn name(self) -> &'static str {
        match self {
            IdeaStatus::New => "new",
            IdeaStatus::UnderReview => "under_review",
            IdeaStatus::BeingTested => "being_tested",
            IdeaStatus::Adopted => "adopted",
            IdeaStatus::NotNow => "not_now",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            IdeaStatus::New => "New",
            IdeaStatus::UnderReview => "Under review",
            IdeaStatus::BeingTested => "Being tested",
            IdeaStatus::Adopted => "Adopted",
            IdeaStatus::NotNow => "Not now",
        }
    }

    /// Parses [`IdeaStatus::name`].
    pub fn parse(s: &str) -> Option<IdeaStatus> {
        IdeaStatus::ALL.into_iter().find(|x| x.name() == s.trim())
    }
}

/// What an idea says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdeaText {
    /// The problem it solves (not blank).
    pub problem: String,
    /// The idea (not blank).
    pub idea: String,
    /// The area it concerns ("Ward 7", "outpatient letters"); may be empty.
    pub area: String,
}

/// An idea as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Idea {
    /// Its id.
    pub id: IdeaId,
    /// The organisation it was put forward in.
    pub org: OrgId,
    /// The team it goes to, if one was chosen.
    pub team: Option<TeamId>,
    /// Who put it forward, if still a user.
    pub submitter: Option<User>,
    /// What it says.
    pub text: IdeaText,
    /// Where it stands.
    pub status: IdeaStatus,
    /// The response the submitter sees (the reason, for "not now").
    pub response: String,
    /// Who supports it.
    pub supporters: Vec<UserId>,
    /// When it was put forward.
    pub created_at: NaiveDateTime,
    /// Its first response (a change of status or a response), if any.
    pub first_response_at: Option<NaiveDateTime>,
    /// Its version: one more after each triage.
    pub version: Version,
    /// What it became: projects started from it and change ideas on driver diagrams (see
    /// [`crate::convert_idea`]): projects first, then change ideas, each in the order made.
    pub became: Vec<crate::idea_lineage::Became>,
}

/// A comment on an idea.
#[derive(Debug, Clone, PartialEq)]
pub struct IdeaComment {
    /// Its id.
    pub id: IdeaCommentId,
    /// Who wrote it, if still a user.
    pub author: Option<User>,
    /// What it says.
    pub text: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Something a user is told in the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Its id.
    pub id: NotificationId,
    /// What happened, in a sentence.
    pub text: String,
    /// Where to see it (a path in the app).
    pub link: String,
    /// When.
    pub at: NaiveDateTime,
    /// Whether the user has seen it.
    pub read: bool,
}

/// A notification to write with a change, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// Who is told.
    pub user: UserId,
    /// What happened.
    pub text: String,
    /// Where to see it.
    pub link: String,
}

/// An idea as sent: absent keeps the current value (there is none when putting one forward).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdeaDraft {
    /// The problem. Required.
    pub problem: Option<String>,
    /// The idea. Required.
    pub idea: Option<String>,
    /// The area it concerns.
    pub area: Option<String>,
    /// The team's id; empty for none.
    pub team: Option<String>,
}

/// A triage as sent: the new status and the response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriageDraft {
    /// The status's name. Required.
    pub status: Option<String>,
    /// The response the submitter sees; required for "not now".
    pub response: Option<String>,
}

/// A checked triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// The new status.
    pub status: IdeaStatus,
    /// The response.
    pub response: String,
}

fn problem(field: Field, problem: Problem) -> FieldProblem {
    FieldProblem {
        field,
        index: None,
        problem,
    }
}

impl IdeaDraft {
    /// The checked text and team: the problem and the idea required, each at most
    /// [`limits::LONG_TEXT`] characters, the area at most [`limits::SHORT_TEXT`], the team a
    /// whole number (whether it is one of the organisation's is the use case's to say).
    pub fn apply(&self) -> Result<(IdeaText, Option<TeamId>), Problems> {
        let mut problems = Vec::new();
        let mut required = |field: Field, given: &Option<String>| {
            let text = prose_part(
                &mut problems,
                field,
                given.as_deref(),
                None,
                limits::LONG_TEXT,
            );
            (text, field)
        };
        let (problem_text, pf) = required(Field::Problem, &self.problem);
        let (idea_text, idf) = required(Field::Idea, &self.idea);
        for (text, field) in [(&problem_text, pf), (&idea_text, idf)] {
            if text.is_empty() && !problems.iter().any(|p| p.field == field) {
                problems.push(problem(field, Problem::Missing));
            }
        }
        let area = match self.area.as_deref().map(str::trim) {
            None | Some("") => String::new(),
            Some(a) => required_line(
                &mut problems,
                Field::Area,
                Some(a),
                None,
                limits::SHORT_TEXT,
            ),
        };
        let team = match self.team.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => match t.parse::<i64>() {
                Ok(id) => Some(TeamId(id)),
                Err(_) => {
                    problems.push(problem(Field::Team, Problem::NotATeam));
                    None
                }
            },
        };
        if problems.is_empty() {
            Ok((
                IdeaText {
                    problem: problem_text,
                    idea: idea_text,
                    area,
                },
                team,
            ))
        } else {
            Err(problems)
        }
    }
}

impl TriageDraft {
    /// The checked triage: a status, and a response of at most [`limits::LONG_TEXT`]
    /// characters, which "not now" needs (the reason the submitter sees).
    pub fn apply(&self) -> Result<Triage, Problems> {
        let mut problems = Vec::new();
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push(problem(Field::Status, Problem::Missing));
                None
            }
            Some(s) => match IdeaStatus::parse(s) {
                Some(s) => Some(s),
                None => {
                    problems.push(problem(
                        Field::Status,
                        Problem::NotOneOf {
                            allowed: IdeaStatus::ALL.iter().map(|s| s.name()).collect(),
                        },
                    ));
                    None
                }
            },
        };
        let response = prose_part(
            &mut problems,
            Field::Response,
            self.response.as_deref(),
            None,
            limits::LONG_TEXT,
        );
        if status == Some(IdeaStatus::NotNow) && response.is_empty() {
            problems.push(problem(
                Field::Response,
                Problem::Rule(
                    "give the reason for \u{201c}not now\u{201d}: the submitter sees it".into(),
                ),
            ));
        }
        match status {
            Some(status) if problems.is_empty() => Ok(Triage { status, response }),
            _ => Err(problems),
        }
    }
}

/// Puts forward an idea in `org` ([`Action::ShareIdeas`]) for one of its teams, or none.
pub async fn submit_idea(
    access: &Access<'_>,
    org: OrgId,
    draft: &IdeaDraft,
) -> Result<IdeaId, BoardError> {
    access.org(org, Action::ShareIdeas)?;
    let (text, team) = draft.apply().map_err(BoardError::Invalid)?;
    let store = access.store();
    if let Some(t) = team {
        if !store.teams(org).await?.iter().any(|x| x.id == t) {
            return Err(BoardError::Invalid(vec![problem(
                Field::Team,
                Problem::NotATeam,
            )]));
        }
    }
    Ok(store.create_idea(org, team, &text, access.user()).await?)
}

/// The ideas of `org` ([`Action::Read`]), newest first; with `status`, only those.
pub async fn ideas_of(
    access: &Access<'_>,
    org: OrgId,
    status: Option<IdeaStatus>,
) -> Result<Vec<Idea>, AccessError> {
    access.org(org, Action::Read)?;
    let mut all = access.store().ideas(org).await?;
    all.retain(|i| status.is_none_or(|s| i.status == s));
    Ok(all)
}

/// The idea `id` if the user may take `action` in its organisation.
pub async fn idea(access: &Access<'_>, id: IdeaId, action: Action) -> Result<Idea, AccessError> {
    let found = access
        .store()
        .idea(id)
        .await?
        .ok_or(AccessError::NotFound)?;
    access.org(found.org, action)?;
    Ok(found)
}

/// The comments on idea `id` ([`Action::Read`]), oldest first.
pub async fn idea_comments(
    access: &Access<'_>,
    id: IdeaId,
) -> Result<Vec<IdeaComment>, AccessError> {
    idea(access, id, Action::Read).await?;
    Ok(access.store().idea_comments(id).await?)
}

/// The user supports idea `id`, or (`supports` false) no longer does ([`Action::ShareIdeas`]).
pub async fn support_idea(
    access: &Access<'_>,
    id: IdeaId,
    supports: bool,
) -> Result<(), AccessError> {
    idea(access, id, Action::ShareIdeas).await?;
    Ok(access
        .store()
        .set_idea_support(id, access.user(), supports)
        .await?)
}

/// The most characters of an idea a notification quotes.
const QUOTED: usize = 60;

/// The idea's words as a notification quotes them: its first [`QUOTED`] characters.
pub(crate) fn quoted(i: &Idea) -> String {
    let text = i.text.idea.trim();
    if text.chars().count() <= QUOTED {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(QUOTED).collect();
        format!("{}\u{2026}", cut.trim_end())
    }
}

/// Comments on idea `id` ([`Action::ShareIdeas`]); its submitter (if someone else) is told.
pub async fn comment_on_idea(
    access: &Access<'_>,
    id: IdeaId,
    text: &str,
) -> Result<IdeaCommentId, BoardError> {
    let found = idea(access, id, Action::ShareIdeas).await?;
    let mut problems = Vec::new();
    let text = prose_part(
        &mut problems,
        Field::Text,
        Some(text),
        None,
        limits::LONG_TEXT,
    );
    if problems.is_empty() && text.is_empty() {
        problems.push(problem(Field::Text, Problem::Missing));
    }
    if !problems.is_empty() {
        return Err(BoardError::Invalid(problems));
    }
    let notify = found
        .submitter
        .as_ref()
        .filter(|s| s.id != access.user())
        .map(|s| NewNotification {
            user: s.id,
            text: format!(
                "New comment on your idea \u{201c}{}\u{201d}",
                quoted(&found)
            ),
            link: format!("/ideas/{id}"),
        });
    Ok(access
        .store()
        .add_idea_comment(id, access.user(), &text, notify.as_ref())
        .await?)
}

/// Triages idea `id` still at `expected` ([`Action::TriageIdeas`]): its status and response; the
/// submitter (if someone else) is told. The first triage is its first response. Returns the new
/// version.
pub async fn triage_idea(
    access: &Access<'_>,
    id: IdeaId,
    draft: &TriageDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let found = idea(access, id, Action::TriageIdeas).await?;
    let triage = draft.apply().map_err(BoardError::Invalid)?;
    let notify = found
        .submitter
        .as_ref()
        .filter(|s| s.id != access.user())
        .map(|s| NewNotification {
            user: s.id,
            text: if triage.response.is_empty() {
                format!(
                    "Your idea \u{201c}{}\u{201d}: {}",
                    quoted(&found),
                    triage.status.label()
                )
            } else {
                format!(
                    "Your idea \u{201c}{}\u{201d}: {}. {}",
                    quoted(&found),
                    triage.status.label(),
                    triage.response
                )
            },
            link: format!("/ideas/{id}"),
        });
    Ok(access
        .store()
        .triage_idea(id, &triage, expected, notify.as_ref())
        .await?)
}

/// The user's notifications, newest first (at most [`MAX_NOTIFICATIONS`]).
pub async fn notifications(access: &Access<'_>) -> Result<Vec<Notification>, StoreError> {
    access
        .store()
        .notifications(access.user(), MAX_NOTIFICATIONS)
        .await
}

/// The most notifications listed at once.
pub const MAX_NOTIFICATIONS: usize = 50;

/// Marks all the user's notifications as seen.
pub async fn mark_notifications_read(access: &Access<'_>) -> Result<(), StoreError> {
    access.store().mark_notifications_read(access.user()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idea_needs_its_problem_and_idea() {
        let none = IdeaDraft::default().apply().unwrap_err();
        let fields: Vec<Field> = none.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Problem, Field::Idea]);
        let (text, team) = IdeaDraft {
            problem: Some(" Call bells out of reach ".into()),
            idea: Some("Clip them to the bed rail".into()),
            area: Some("Ward 7".into()),
            team: Some("3".into()),
        }
        .apply()
        .unwrap();
        assert_eq!(text.problem, "Call bells out of reach");
        assert_eq!(text.area, "Ward 7");
        assert_eq!(team, Some(TeamId(3)));
        let bad = IdeaDraft {
            problem: Some("x".into()),
            idea: Some("y".repeat(limits::LONG_TEXT + 1)),
            area: None,
            team: Some("ward".into()),
        }
        .apply()
        .unwrap_err();
        let fields: Vec<Field> = bad.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Idea, Field::Team]);
    }

    #[test]
    fn not_now_needs_a_reason() {
        let t = |status: &str, response: &str| TriageDraft {
            status: Some(status.into()),
            response: Some(response.into()),
        };
        let e = t("not_now", " ").apply().unwrap_err();
        assert_eq!(e[0].field, Field::Response);
        assert_eq!(
            t("not_now", "No budget this year").apply().unwrap(),
            Triage {
                status: IdeaStatus::NotNow,
                response: "No budget this year".into()
            }
        );
        assert_eq!(
            t("under_review", "").apply().unwrap().status,
            IdeaStatus::UnderReview
        );
        assert_eq!(t("done", "").apply().unwrap_err()[0].field, Field::Status);
        assert_eq!(
            TriageDraft::default().apply().unwrap_err()[0].field,
            Field::Status
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in IdeaStatus::ALL {
            assert_eq!(IdeaStatus::parse(s.name()), Some(s));
        }
    }
}
