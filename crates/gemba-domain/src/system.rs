//! Seeing across a system: an integrated care system (or group) and its organisations.
//!
//! Every member of a system's organisations reads the projects of the system's other
//! organisations that are not private to them (see [`crate::Access::readable`]); nobody outside
//! the system sees them, and a private project stays its organisation's alone. A **system role**
//! ([`SystemRole`]) is held besides a role in one of the system's organisations: a system
//! improvement lead or a system viewer sees the system's whole portfolio in one view. An admin of
//! one of the system's organisations gives a system role to one of that organisation's people,
//! or takes it away.

use crate::access::{Access, Action};
use crate::board::BoardError;
use crate::draft::{FieldProblem, Problem};
use crate::field::Field;
use crate::model::{OrgId, Organisation, SystemPerson, SystemRole};
use crate::validate::Email;

/// A system: its name, its organisations and the people holding a role across it.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemView {
    /// The system's name.
    pub name: String,
    /// Its organisations, by name.
    pub orgs: Vec<Organisation>,
    /// Who holds a role across it.
    pub people: Vec<SystemPerson>,
}

/// The system of `org` ([`Action::Read`] there), or `Invalid` on `field` when it has none.
async fn system_name(
    access: &Access<'_>,
    org: OrgId,
    action: Action,
    field: Field,
) -> Result<String, BoardError> {
    access.org(org, action)?;
    access
        .store()
        .org(org)
        .await?
        .and_then(|o| o.system)
        .ok_or_else(|| {
            BoardError::Invalid(vec![FieldProblem {
                field,
                index: None,
                problem: Problem::Rule(
                    "this organisation is in no system, so no one holds a role across one".into(),
                ),
            }])
        })
}

/// The system `org` belongs to, its organisations and the people with a role across it
/// ([`Action::ManageOrganisation`] in `org`); `Invalid` when `org` is in no system.
pub async fn system_of(access: &Access<'_>, org: OrgId) -> Result<SystemView, BoardError> {
    let name = system_name(access, org, Action::ManageOrganisation, Field::Role).await?;
    let store = access.store();
    Ok(SystemView {
        orgs: store.orgs_in_system(&name).await?,
        people: store.system_people(&name).await?,
        name,
    })
}

/// Gives the person with `email`, one of `org`'s people, `role` across `org`'s system, or
/// (`None`) takes their system role away ([`Action::ManageOrganisation`] in `org`). Someone
/// who is not one of `org`'s active people is a problem with the email: an admin vouches only
/// for their own organisation's people.
pub async fn set_system_role(
    access: &Access<'_>,
    org: OrgId,
    email: &str,
    role: Option<SystemRole>,
) -> Result<(), BoardError> {
    let system = system_name(access, org, Action::ManageOrganisation, Field::Role).await?;
    let problem = |problem: Problem| {
        BoardError::Invalid(vec![FieldProblem {
            field: Field::Email,
            index: None,
            problem,
        }])
    };
    let email = Email::parse(email).map_err(|_| problem(Problem::NotAnEmail))?;
    let store = access.store();
    let person = store
        .org_people(org)
        .await?
        .into_iter()
        .find(|p| p.user.email == email && (p.active || role.is_none()))
        .ok_or_else(|| {
            problem(Problem::Rule(format!(
                "{email} is not one of this organisation's active people"
            )))
        })?;
    store
        .set_system_role(&system, person.user.id, role, access.user())
        .await?;
    Ok(())
}

/// The user's role across `system`, if they hold one and are in one of its organisations.
pub async fn system_role(
    access: &Access<'_>,
    system: &str,
) -> Result<Option<SystemRole>, crate::StoreError> {
    if !access.systems().iter().any(|s| s == system) {
        return Ok(None);
    }
    Ok(access
        .store()
        .system_roles_of(access.user())
        .await?
        .into_iter()
        .find(|(s, _)| s == system)
        .map(|(_, r)| r))
}
