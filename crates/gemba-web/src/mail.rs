//! Sending the e-mail outbox (issue 13): while the server has an SMTP sender configured, a task
//! sends the e-mails due every few seconds and records each success or failure; a failure is
//! tried again later ([`gemba_domain::retry_delay`]) up to [`gemba_domain::MAX_ATTEMPTS`] times.
//! Without a sender, e-mail stays off and nothing goes into the outbox.

use std::sync::Arc;
use std::time::Duration;

use gemba_domain::{retry_delay, OutboxEmail, Store, StoreError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::Address;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How an SMTP sender is configured.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server: `smtp://host:25` (plain, for a relay on the same network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://…:465` (TLS).
    pub smtp_url: String,
    /// Who the e-mails are from: `Gemba <gemba@trust.nhs.uk>` or an address.
    pub from: String,
    /// The address people open Gemba at (`https://gemba.trust.nhs.uk`), put before each link.
    pub public_url: String,
}

/// Why a sender could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP address is not one lettre understands.
    #[error("the SMTP address is not valid ({0}); write it as smtp://host:25, smtp://user:password@host:587?tls=required or smtps://host:465")]
    Url(String),
    /// The sender's address is not an e-mail address.
    #[error("the sender \u{201c}{0}\u{201d} is not an e-mail address; write it as gemba@trust.nhs.uk or Gemba <gemba@trust.nhs.uk>")]
    From(String),
}

/// The most e-mails sent in one round.
const BATCH: usize = 20;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An SMTP sender of the outbox.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

/// What one round sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// E-mails sent.
    pub sent: usize,
    /// E-mails that failed (to be tried again while tries are left).
    pub failed: usize,
}

impl Mailer {
    /// A sender with `settings`.
    pub fn new(settings: &MailSettings) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        Ok(Mailer {
            transport,
            from,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// The e-mail of an outbox entry.
    fn message(&self, e: &OutboxEmail) -> Result<Message, String> {
        // The name is quoted as needed by lettre (a comma or a quote in it is kept safely).
        let address: Address =
            e.to.email
                .as_str()
                .parse()
                .map_err(|err| format!("the address {} cannot be written to: {err}", e.to.email))?;
        let to = Mailbox::new(Some(e.to.name.clone()), address);
        let body = format!(
            "{}\n\nSee it in Gemba: {}{}\n\n-- \nYou get this e-mail because it is one of your \
             notifications in Gemba, your organisation's quality-improvement workspace.\n",
            e.body, self.public_url, e.link
        );
        // Quoted-printable: plain ASCII (a link stays readable) with the notification's curly
        // quotes and names encoded.
        let part = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(body);
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(e.subject.clone())
            .singlepart(part)
            .map_err(|err| err.to_string())
    }

    /// Sends the e-mails due now; each success or failure is recorded.
    pub async fn send_due(&self, store: &dyn Store) -> Result<Round, StoreError> {
        let now = crate::pages::session::now();
        let mut round = Round::default();
        for e in store.emails_due(now, BATCH).await? {
            let result = match self.message(&e) {
                Ok(m) => self.transport.send(m).await.map_err(|err| err.to_string()),
                Err(why) => Err(why),
            };
            match result {
                Ok(_) => {
                    store.email_sent(e.id, crate::pages::session::now()).await?;
                    round.sent += 1;
                }
                Err(why) => {
                    tracing::warn!(email = e.id.0, error = %why, "an e-mail could not be sent");
                    let next = crate::pages::session::now() + retry_delay(e.attempts + 1);
                    store.email_failed(e.id, &why, next).await?;
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }
}

/// Switches e-mail on and sends the outbox every `every` until the runtime stops.
pub async fn start(
    store: Arc<dyn Store>,
    mailer: Mailer,
    every: Duration,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    store.set_email_enabled(true).await?;
    Ok(tokio::spawn(async move {
        loop {
            if let Err(e) = mailer.send_due(store.as_ref()).await {
                tracing::error!(error = %e, "the e-mail outbox could not be read");
            }
            tokio::time::sleep(every).await;
        }
    }))
}
