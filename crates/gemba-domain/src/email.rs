//! E-mail of notifications (issue 13), off by default: while the server has an SMTP sender
//! configured, every notification written also puts an e-mail in the outbox, in the same
//! transaction; the server's sender sends what is due and retries a failure later, a few times.
//! Admins see their organisation's people's e-mails in the outbox, sent or not.

use chrono::{Duration, NaiveDateTime};

use crate::access::{Access, AccessError, Action};
use crate::model::{EmailId, OrgId, User};

/// How many times an e-mail is tried before it is left as failed.
pub const MAX_ATTEMPTS: u32 = 5;

/// The most e-mails the outbox page and API list.
pub const OUTBOX_LIMIT: usize = 100;

/// The longest subject line, in characters (the notification is cut there).
pub const SUBJECT_CHARS: usize = 78;

/// An e-mail in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEmail {
    /// Its id.
    pub id: EmailId,
    /// Who it goes to.
    pub to: User,
    /// Its subject.
    pub subject: String,
    /// What it says (the notification's text).
    pub body: String,
    /// Where to see it in the app (a path; the sender puts the server's address before it).
    pub link: String,
    /// When it was put in the outbox.
    pub created_at: NaiveDateTime,
    /// How many times sending it failed.
    pub attempts: u32,
    /// When it was sent, if it was.
    pub sent_at: Option<NaiveDateTime>,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

impl OutboxEmail {
    /// Whether it was given up on: never sent after [`MAX_ATTEMPTS`] tries.
    pub fn failed(&self) -> bool {
        self.sent_at.is_none() && self.attempts >= MAX_ATTEMPTS
    }
}

/// The subject of a notification's e-mail: "Gemba: " and its text, cut at [`SUBJECT_CHARS`].
pub fn email_subject(text: &str) -> String {
    crate::idea_lineage::shortened(&format!("Gemba: {text}"), SUBJECT_CHARS)
}

/// How long to wait after the `attempts`-th failure before trying again: 1, 2, 4, 8 minutes…
pub fn retry_delay(attempts: u32) -> Duration {
    Duration::minutes(1_i64 << attempts.saturating_sub(1).min(10))
}

/// The outbox as an organisation's admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbox {
    /// Whether e-mail is switched on (the server has an SMTP sender).
    pub enabled: bool,
    /// The newest e-mails to the organisation's people, at most [`OUTBOX_LIMIT`].
    pub emails: Vec<OutboxEmail>,
}

/// The outbox of `org`'s people ([`Action::ManageOrganisation`]).
pub async fn outbox(access: &Access<'_>, org: OrgId) -> Result<Outbox, AccessError> {
    access.org(org, Action::ManageOrganisation)?;
    let store = access.store();
    Ok(Outbox {
        enabled: store.email_enabled().await?,
        emails: store.email_outbox(org, OUTBOX_LIMIT).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time() {
        let waits: Vec<i64> = (1..=5).map(|a| retry_delay(a).num_minutes()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16]);
    }

    #[test]
    fn a_subject_names_the_app_and_is_cut_at_a_word() {
        assert_eq!(
            email_subject("Your idea: under review"),
            "Gemba: Your idea: under review"
        );
        let long = email_subject(&"word ".repeat(40));
        assert!(long.chars().count() <= SUBJECT_CHARS, "{long}");
        assert!(long.ends_with("word\u{2026}"), "{long}");
    }
}
