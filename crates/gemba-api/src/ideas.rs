//! The JSON of staff ideas and notifications.

use chrono::NaiveDateTime;
use gemba_domain::{
    Became, Idea, IdeaComment, Notification, Outbox, OutboxEmail, ResponseTimes, UserId,
};
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
    /// What it became: projects started from it, then change ideas on driver diagrams.
    #[serde(default)]
    pub became: Vec<BecameJson>,
}

/// A project started from an idea, or a change idea made of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BecameJson {
    /// The project (started from the idea, or with the change idea on its driver diagram).
    pub project_id: i64,
    /// Its title.
    pub project_title: String,
    /// The change idea's id, or null when the idea became the project.
    pub change_idea_id: Option<i64>,
    /// The change idea's text, or null.
    pub change_idea: Option<String>,
}

impl From<&Became> for BecameJson {
    fn from(b: &Became) -> Self {
        BecameJson {
            project_id: b.project.0,
            project_title: b.project_title.clone(),
            change_idea_id: b.change_idea.as_ref().map(|c| c.0 .0),
            change_idea: b.change_idea.as_ref().map(|c| c.1.clone()),
        }
    }
}

/// The body of `POST /ideas/{id}/convert`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConvertInput {
    /// What it becomes: `project` or `change_idea`. Required.
    pub into: Option<String>,
    /// A new project's title (the idea's words when absent).
    pub title: Option<String>,
    /// The driver a change idea hangs from. Required for a change idea.
    pub driver_id: Option<i64>,
    /// A change idea's wording (the idea's words when absent).
    pub text: Option<String>,
}

/// The body of `PUT /organisations/{id}/idea-response-target`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResponseTargetInput {
    /// The days within which every idea should have its first response (1 to 365).
    pub days: Option<i64>,
}

/// An answered idea on a response-time chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnsweredJson {
    /// The idea.
    pub idea_id: i64,
    /// The day it was put forward.
    pub date: String,
    /// Days to its first response, to a tenth.
    pub days: f64,
}

/// An idea still waiting for its first response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WaitingJson {
    /// The idea.
    pub idea_id: i64,
    /// Days waited so far, to a tenth.
    pub days: f64,
}

/// How quickly one team's (or the organisation's) ideas were answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamResponsesJson {
    /// `organisation` (all its ideas), `team` or `no_team`.
    pub scope: String,
    /// The team, for `team`.
    pub team_id: Option<i64>,
    /// Its name, for `team`.
    pub team_name: Option<String>,
    /// Answered ideas in the order put forward.
    pub answered: Vec<AnsweredJson>,
    /// Ideas waiting, longest first.
    pub waiting: Vec<WaitingJson>,
    /// Answered after more than the target's days.
    pub late: usize,
    /// Waiting longer than the target's days.
    pub overdue: usize,
    /// The XmR chart's centre line (mean days) of the latest phase, or null without answers.
    pub mean_days: Option<f64>,
    /// Its upper process limit, or null.
    pub upper_limit: Option<f64>,
    /// The Making Data Count variation icon's name, or null.
    pub variation: Option<String>,
    /// The assurance icon's name against the target, or null.
    pub assurance: Option<String>,
}

/// `GET /organisations/{id}/idea-responses`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResponseTimesJson {
    /// The organisation's target in days, or null when not set.
    pub target_days: Option<u32>,
    /// The target's version (0 when not set): send it as `If-Match` to change it.
    pub target_version: i64,
    /// The whole organisation first, then each team with ideas, then ideas for no team.
    pub groups: Vec<TeamResponsesJson>,
}

impl From<&ResponseTimes> for ResponseTimesJson {
    fn from(t: &ResponseTimes) -> Self {
        let target = t.target.map(|x| x.days);
        ResponseTimesJson {
            target_days: target,
            target_version: t.target.map_or(0, |x| x.version.0),
            groups: t
                .groups
                .iter()
                .map(|g| {
                    let last = g.chart.as_ref().and_then(|c| c.points.last());
                    TeamResponsesJson {
                        scope: match (&g.team, g.whole) {
                            (_, true) => "organisation",
                            (Some(_), _) => "team",
                            (None, _) => "no_team",
                        }
                        .to_owned(),
                        team_id: g.team.as_ref().map(|x| x.id.0),
                        team_name: g.team.as_ref().map(|x| x.name.clone()),
                        answered: g
                            .answered
                            .iter()
                            .map(|(id, date, days)| AnsweredJson {
                                idea_id: id.0,
                                date: date.to_string(),
                                days: *days,
                            })
                            .collect(),
                        waiting: g
                            .waiting
                            .iter()
                            .map(|(id, days)| WaitingJson {
                                idea_id: id.0,
                                days: *days,
                            })
                            .collect(),
                        late: g.late,
                        overdue: g.overdue(target),
                        mean_days: last.and_then(|p| p.lines.centre),
                        upper_limit: last.and_then(|p| p.lines.ucl),
                        variation: g
                            .chart
                            .as_ref()
                            .and_then(|c| c.variation_icon)
                            .map(|v| v.name().to_owned()),
                        assurance: g
                            .chart
                            .as_ref()
                            .and_then(|c| c.assurance_icon)
                            .map(|a| a.name().to_owned()),
                    }
                })
                .collect(),
        }
    }
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
            became: i.became.iter().map(BecameJson::from).collect(),
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

/// An e-mail in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutboxEmailJson {
    /// Id.
    pub id: i64,
    /// Who it goes to (a user id).
    pub to_user_id: i64,
    /// Their name.
    pub to_name: String,
    /// Their address.
    pub to_email: String,
    /// The subject.
    pub subject: String,
    /// What it says.
    pub body: String,
    /// The path in the app it links to.
    pub link: String,
    /// When it was put in the outbox (UTC, ISO 8601).
    pub created_at: String,
    /// `sent`, `waiting` (to be sent or tried again) or `failed` (given up after the last try).
    pub state: String,
    /// Failed tries so far.
    pub attempts: u32,
    /// When it was sent, or null.
    pub sent_at: Option<String>,
    /// The last failure, or null.
    pub last_error: Option<String>,
}

impl From<&OutboxEmail> for OutboxEmailJson {
    fn from(e: &OutboxEmail) -> Self {
        OutboxEmailJson {
            id: e.id.0,
            to_user_id: e.to.id.0,
            to_name: e.to.name.clone(),
            to_email: e.to.email.as_str().to_owned(),
            subject: e.subject.clone(),
            body: e.body.clone(),
            link: e.link.clone(),
            created_at: iso(e.created_at),
            state: if e.sent_at.is_some() {
                "sent"
            } else if e.failed() {
                "failed"
            } else {
                "waiting"
            }
            .to_owned(),
            attempts: e.attempts,
            sent_at: e.sent_at.map(iso),
            last_error: e.last_error.clone(),
        }
    }
}

/// `GET /organisations/{id}/email-outbox`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutboxJson {
    /// Whether notifications go by e-mail (the server has an SMTP sender).
    pub enabled: bool,
    /// The newest e-mails to the organisation's people.
    pub emails: Vec<OutboxEmailJson>,
}

impl From<&Outbox> for OutboxJson {
    fn from(o: &Outbox) -> Self {
        OutboxJson {
            enabled: o.enabled,
            emails: o.emails.iter().map(OutboxEmailJson::from).collect(),
        }
    }
}
