//! The JSON of staff ideas and notifications.

use chrono::NaiveDateTime;
use gemba_domain::{Idea, IdeaComment, Notification, UserId};
use serde::{Deserialize, Serialize};

fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An idea.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IdeaJson {
    /// Id.
    pub id: i64,
    /// Its organisation.
    pub org_id: i64,
    /// The team it goes to, or null.
    pub team_id: Option<i64>,
    /// Who put it forward (a user id), or null when removed.
    pub submitter_id: Option<i64>,
    /// Their name, or null.
    pub submitter_name: Option<String>,
    /// The problem.
    pub problem: String,
    /// The idea.
    pub idea: String,
    /// Where it applies.
    pub area: String,
    /// `new`, `under_review`, `being_tested`, `adopted` or `not_now`.
    pub status: &'static str,
    /// The response its submitter sees.
    pub response: String,
    /// How many support it.
    pub supporters: usize,
    /// Whether the caller supports it.
    pub supported: bool,
    /// When it was put forward (UTC, ISO 8601).
    pub created_at: String,
    /// Its first response, or null.
    pub first_response_at: Option<String>,
    /// The version (also the `ETag`).
    pub version: i64,
}

impl IdeaJson {
    /// `i` as `caller` sees it.
    pub fn new(i: &Idea, caller: UserId) -> IdeaJson {
        IdeaJson {
            id: i.id.0,
            org_id: i.org.0,
            team_id: i.team.map(|t| t.0),
            submitter_id: i.submitter.as_ref().map(|u| u.id.0),
            submitter_name: i.submitter.as_ref().map(|u| u.name.clone()),
            problem: i.text.problem.clone(),
            idea: i.text.idea.clone(),
            area: i.text.area.clone(),
            status: i.status.name(),
            response: i.response.clone(),
            supporters: i.supporters.len(),
            supported: i.supporters.contains(&caller),
            created_at: iso(i.created_at),
            first_response_at: i.first_response_at.map(iso),
            version: i.version.0,
        }
    }
}

/// The body of `POST /ideas`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdeaInput {
    /// The organisation (required when the caller belongs to several).
    pub org_id: Option<i64>,
    /// The problem. Required.
    pub problem: Option<String>,
    /// The idea. Required.
    pub idea: Option<String>,
    /// Where it applies.
    pub area: Option<String>,
    /// The team it goes to.
    pub team_id: Option<i64>,
}

/// The body of `PATCH /ideas/{id}`: its triage.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TriageInput {
    /// The new status (absent: unchanged).
    pub status: Option<String>,
    /// The response (absent: unchanged).
    pub response: Option<String>,
}

/// A comment on an idea.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IdeaCommentJson {
    /// Id.
    pub id: i64,
    /// Its author (a user id), or null when removed.
    pub author_id: Option<i64>,
    /// Their name, or null.
    pub author_name: Option<String>,
    /// What it says.
    pub text: String,
    /// When (UTC, ISO 8601).
    pub created_at: String,
}

impl From<&IdeaComment> for IdeaCommentJson {
    fn from(c: &IdeaComment) -> Self {
        IdeaCommentJson {
            id: c.id.0,
            author_id: c.author.as_ref().map(|u| u.id.0),
            author_name: c.author.as_ref().map(|u| u.name.clone()),
            text: c.text.clone(),
            created_at: iso(c.at),
        }
    }
}

/// The body of `POST /ideas/{id}/comments`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommentInput {
    /// What it says. Required.
    pub text: Option<String>,
}

/// A notification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotificationJson {
    /// Id.
    pub id: i64,
    /// What happened.
    pub text: String,
    /// Where to see it in the app (a path).
    pub link: String,
    /// When (UTC, ISO 8601).
    pub created_at: String,
    /// Whether it has been seen.
    pub read: bool,
}

impl From<&Notification> for NotificationJson {
    fn from(n: &Notification) -> Self {
        NotificationJson {
            id: n.id.0,
            text: n.text.clone(),
            link: n.link.clone(),
            created_at: iso(n.at),
            read: n.read,
        }
    }
}
