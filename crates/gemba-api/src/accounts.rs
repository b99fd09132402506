//! The workspace API's account bodies (`/api/v1`): API tokens, an organisation's people and
//! teams, and the organisations of a system.
//!
//! As in [`crate::workspace`], every request field is optional at the serde level so that a
//! missing required field is a 422 naming it, and requests become domain values once.

use chrono::NaiveDateTime;
use gemba_domain::{
    parse_role, ApiToken, Email, FieldError, NameDraft, NonEmpty, Organisation, Person,
    PersonDraft, Problems, Role, SystemView, Team,
};
use serde::{Deserialize, Serialize};

fn iso_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A required name (`name`): not blank, at most [`gemba_domain::limits::NAME`] characters.
fn required_name(given: Option<&str>) -> Result<NonEmpty, Problems> {
    NameDraft {
        name: given.map(str::to_owned),
    }
    .apply(None)
}

// --- API tokens ------------------------------------------------------------------------------

/// Days a token works when the request does not say.
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
/// Most days a token may work.
pub const TOKEN_DAYS_MAX: i64 = 366;

/// An API token as its owner sees it: never the secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenJson {
    /// Id (to revoke it).
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// When it was made (UTC, ISO 8601).
    pub created_at: String,
    /// When it stops working, or null if it does not expire.
    pub expires_at: Option<String>,
    /// When it was last used (to the minute), or null.
    pub last_used_at: Option<String>,
    /// Whether it has expired.
    pub expired: bool,
}

impl TokenJson {
    /// The token as listed at `now`.
    pub fn new(t: &ApiToken, now: NaiveDateTime) -> Self {
        TokenJson {
            id: t.id.0,
            name: t.name.clone(),
            created_at: iso_datetime(t.created_at),
            expires_at: t.expires_at.map(iso_datetime),
            last_used_at: t.last_used_at.map(iso_datetime),
            expired: t.expired(now),
        }
    }
}

/// `201` to `POST /tokens`: the token and its secret, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NewTokenJson {
    /// The token.
    #[serde(flatten)]
    pub token: TokenJson,
    /// The secret, for `Authorization: Bearer …`. It cannot be shown again.
    pub secret: String,
}

/// The body of `POST /tokens`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenInput {
    /// What the token is for. Required.
    pub name: Option<String>,
    /// Days it works, 1 to [`TOKEN_DAYS_MAX`] (default [`TOKEN_DAYS_DEFAULT`]).
    pub expires_in_days: Option<i64>,
}

impl TokenInput {
    /// The checked name and number of days.
    pub fn to_parts(&self) -> Result<(NonEmpty, i64), Vec<FieldError>> {
        let mut errors: Vec<FieldError> = Vec::new();
        let name = required_name(self.name.as_deref())
            .map_err(|p| errors.extend(p.into_iter().map(FieldError::from)));
        let days = self.expires_in_days.unwrap_or(TOKEN_DAYS_DEFAULT);
        if !(1..=TOKEN_DAYS_MAX).contains(&days) {
            errors.push(FieldError::new(
                "expires_in_days",
                format!("must be a whole number of days from 1 to {TOKEN_DAYS_MAX}"),
            ));
        }
        match name {
            Ok(name) if errors.is_empty() => Ok((name, days)),
            _ => Err(errors),
        }
    }
}

// --- people ----------------------------------------------------------------------------------

/// A person of an organisation, as its admins see them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PersonJson {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Their role there.
    pub role: String,
    /// Whether they are active there (false: deactivated, a leaver).
    pub active: bool,
}

impl From<&Person> for PersonJson {
    fn from(p: &Person) -> Self {
        PersonJson {
            id: p.user.id.0,
            name: p.user.name.clone(),
            email: p.user.email.to_string(),
            role: p.role.name().to_owned(),
            active: p.active,
        }
    }
}

/// A one-time "set your password" link: pass it on to its owner; it is shown once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResetLinkJson {
    /// The path of the link on this server (`/reset/…`).
    pub path: String,
    /// When it stops working (UTC, ISO 8601).
    pub expires_at: String,
}

impl ResetLinkJson {
    /// The link of `secret`, working until `expires_at`.
    pub fn new(secret: &str, expires_at: NaiveDateTime) -> Self {
        ResetLinkJson {
            path: format!("/reset/{secret}"),
            expires_at: iso_datetime(expires_at),
        }
    }
}

/// `201` to `POST /organisations/{id}/people`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AddedPersonJson {
    /// The person.
    #[serde(flatten)]
    pub person: PersonJson,
    /// For a new account, the link with which they set their password; null when they
    /// already had an account (they sign in with their own password).
    pub reset_link: Option<ResetLinkJson>,
}

/// The body of `POST /organisations/{id}/people`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    /// Their email. Required.
    pub email: Option<String>,
    /// Their name. Required.
    pub name: Option<String>,
    /// Their role (default `member`).
    pub role: Option<String>,
}

impl PersonInput {
    /// The checked email, name and role (default `member`).
    pub fn to_parts(&self) -> Result<(Email, NonEmpty, Role), Problems> {
        let p = PersonDraft {
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role.clone(),
        }
        .apply()?;
        Ok((p.email, p.name, p.role))
    }
}

/// The body of `PATCH /organisations/{id}/people/{user_id}`: what is given changes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonPatch {
    /// A new role.
    pub role: Option<String>,
    /// `false` deactivates them (a leaver), `true` reactivates them.
    pub active: Option<bool>,
}

impl PersonPatch {
    /// The checked new role, if one was given.
    pub fn to_role(&self) -> Result<Option<Role>, Problems> {
        self.role.as_deref().map(parse_role).transpose()
    }
}

// --- teams and organisations -----------------------------------------------------------------

/// A team of an organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamJson {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Whether it is archived (hidden from pickers and dashboards, restorable).
    pub archived: bool,
}

impl From<&Team> for TeamJson {
    fn from(t: &Team) -> Self {
        TeamJson {
            id: t.id.0,
            name: t.name.clone(),
            archived: t.archived,
        }
    }
}

/// The body of `POST /organisations/{id}/teams` (name required) and `PATCH /teams/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TeamInput {
    /// Its name.
    pub name: Option<String>,
    /// Archive (`true`) or restore (`false`); PATCH only.
    pub archived: Option<bool>,
}

impl TeamInput {
    /// The checked name, if given.
    pub fn to_name(&self) -> Result<Option<NonEmpty>, Problems> {
        self.name
            .as_deref()
            .map(|n| required_name(Some(n)))
            .transpose()
    }

    /// The checked name, which is required.
    pub fn to_required_name(&self) -> Result<NonEmpty, Problems> {
        required_name(self.name.as_deref())
    }
}

/// An organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrganisationJson {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its integrated care system or group, or null.
    pub system: Option<String>,
}

impl From<&Organisation> for OrganisationJson {
    fn from(o: &Organisation) -> Self {
        OrganisationJson {
            id: o.id.0,
            name: o.name.clone(),
            system: o.system.clone(),
        }
    }
}

/// The people holding a role across an organisation's system.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SystemRolesJson {
    /// The system's name.
    pub system: String,
    /// Its organisations, by name.
    pub organisations: Vec<OrganisationJson>,
    /// Who holds a role across it, by name.
    pub people: Vec<SystemPersonJson>,
}

/// Someone holding a role across a system.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SystemPersonJson {
    /// Their user id.
    pub user_id: i64,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// `system_lead` or `system_viewer`.
    pub role: String,
}

impl From<&SystemView> for SystemRolesJson {
    fn from(v: &SystemView) -> Self {
        SystemRolesJson {
            system: v.name.clone(),
            organisations: v.orgs.iter().map(OrganisationJson::from).collect(),
            people: v
                .people
                .iter()
                .map(|p| SystemPersonJson {
                    user_id: p.user.id.0,
                    email: p.user.email.as_str().to_owned(),
                    name: p.user.name.clone(),
                    role: p.role.name().to_owned(),
                })
                .collect(),
        }
    }
}

/// The body of `PUT /organisations/{id}/system-roles`: one of the organisation's people by
/// email, and their role across the system (`system_lead`, `system_viewer`, or null to take it
/// away).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SystemRoleInput {
    /// The person's email. Required.
    pub email: Option<String>,
    /// `system_lead`, `system_viewer`, or null (or absent) for none.
    pub role: Option<String>,
}

/// The body of `PATCH /organisations/{id}` and `POST /organisations/{id}/system`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganisationInput {
    /// Its name. Required.
    pub name: Option<String>,
}

impl OrganisationInput {
    /// The checked name.
    pub fn to_name(&self) -> Result<NonEmpty, Problems> {
        required_name(self.name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_input_checks_name_and_days() {
        let ok = TokenInput {
            name: Some(" Power BI ".into()),
            expires_in_days: None,
        };
        let (name, days) = ok.to_parts().unwrap();
        assert_eq!((name.as_str(), days), ("Power BI", 90));
        let bad = TokenInput {
            name: None,
            expires_in_days: Some(0),
        };
        let fields: Vec<&str> = bad
            .to_parts()
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["name", "expires_in_days"]);
        let long = TokenInput {
            name: Some("x".into()),
            expires_in_days: Some(367),
        };
        assert_eq!(long.to_parts().unwrap_err()[0].field, "expires_in_days");
    }

    #[test]
    fn person_input_checks_every_field() {
        let p = PersonInput {
            email: Some("Dev@NHS.net".into()),
            name: Some("Dev".into()),
            role: None,
        };
        let (email, _, role) = p.to_parts().unwrap();
        assert_eq!((email.as_str(), role), ("dev@nhs.net", Role::Member));
        let bad = PersonInput {
            email: Some("not an email".into()),
            name: Some("  ".into()),
            role: Some("boss".into()),
        };
        let fields: Vec<&str> = bad
            .to_parts()
            .unwrap_err()
            .iter()
            .map(|e| e.field.name())
            .collect();
        assert_eq!(fields, vec!["email", "name", "role"]);
    }
}
