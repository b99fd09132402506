//! Seeing across a system: an integrated care system (or group) and its organisations.
//!
//! Every member of a system's organisations reads the projects of the system's other
//! organisations that are not private to them (see [`crate::Access::readable`]); nobody outside
//! the system sees them, and a private project stays its organisation's alone. A **system role**
//! ([`SystemRole`]) is held besides a role in one of the system's organisations: a system
//! improvement lead or a system viewer sees the system's whole portfolio in one view. An admin of
//! one of the system's organisations gives a system role to one of that organisation's people,
//! or takes it away.

use chrono::NaiveDate;

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{FieldProblem, Problem};
use crate::field::Field;
use crate::model::{OrgId, Organisation, SystemPerson, SystemRole};
use crate::portfolio::{portfolios, Portfolio, PortfolioCache, PortfolioFilter};
use crate::priority::{Priority, PriorityScope};
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
                "No active person of this organisation has the email {email}"
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

/// Whether the user sees the private projects in a portfolio of `org`: yes as one of its people
/// ([`Action::Read`] there), no as someone with a role across its system; [`AccessError::NotFound`]
/// for anyone else.
pub(crate) async fn sees_private_in(access: &Access<'_>, org: OrgId) -> Result<bool, AccessError> {
    if access.role_in(org).is_some() {
        access.org(org, Action::Read)?;
        return Ok(true);
    }
    let system = access.store().org(org).await?.and_then(|o| o.system);
    match system {
        Some(s) if system_role(access, &s).await?.is_some() => Ok(false),
        _ => Err(AccessError::NotFound),
    }
}

/// A priority of the system with the active projects serving it across the system.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemPriority {
    /// The priority.
    pub priority: Priority,
    /// How many active projects serve it, across the system's organisations.
    pub active: usize,
    /// The organisations with active work on it, by name.
    pub orgs: Vec<String>,
}

/// The system's portfolio: every organisation's, and the system's priorities across them.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemPortfolio {
    /// The system's name.
    pub name: String,
    /// The user's role across it.
    pub role: SystemRole,
    /// Each organisation (by name) with its portfolio: every project the user may see there
    /// (not the private ones of organisations they are not in).
    pub orgs: Vec<(Organisation, Portfolio)>,
    /// The system's priorities, with the active work serving each across the system.
    pub priorities: Vec<SystemPriority>,
}

/// The portfolio of the system `org` belongs to, filtered, for someone with a role across it
/// ([`SystemRole`]); [`AccessError::SystemOnly`] for anyone else of the system, not found for
/// anyone outside it.
pub async fn system_portfolio(
    access: &Access<'_>,
    org: OrgId,
    filter: &PortfolioFilter,
    today: NaiveDate,
    cache: &PortfolioCache,
) -> Result<SystemPortfolio, BoardError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let Some(name) = store.org(org).await?.and_then(|o| o.system) else {
        return Err(AccessError::SystemOnly.into());
    };
    let role = system_role(access, &name)
        .await?
        .ok_or(AccessError::SystemOnly)?;
    let all = store.orgs_in_system(&name).await?;
    let ids: Vec<OrgId> = all.iter().map(|o| o.id).collect();
    let orgs: Vec<(Organisation, Portfolio)> = all
        .into_iter()
        .zip(portfolios(access, &ids, filter, today, cache).await?)
        .collect();
    let mut priorities: Vec<SystemPriority> = Vec::new();
    for (o, p) in &orgs {
        for g in &p.groups {
            if !matches!(g.priority.scope, PriorityScope::System(_)) {
                continue;
            }
            let at = match priorities
                .iter()
                .position(|s| s.priority.id == g.priority.id)
            {
                Some(i) => i,
                None => {
                    priorities.push(SystemPriority {
                        priority: g.priority.clone(),
                        active: 0,
                        orgs: Vec::new(),
                    });
                    priorities.len() - 1
                }
            };
            priorities[at].active += g.active;
            if g.active > 0 {
                priorities[at].orgs.push(o.name.clone());
            }
        }
    }
    Ok(SystemPortfolio {
        name,
        role,
        orgs,
        priorities,
    })
}

/// The organisations whose portfolios the user sees: their own, and every organisation of the
/// systems where they hold a role (without those organisations' private projects), by id.
pub async fn portfolio_orgs(access: &Access<'_>) -> Result<Vec<OrgId>, crate::StoreError> {
    let mut orgs = access.orgs();
    let store = access.store();
    for (system, _) in store.system_roles_of(access.user()).await? {
        if !access.systems().contains(&system) {
            continue;
        }
        for o in store.orgs_in_system(&system).await? {
            if !orgs.contains(&o.id) {
                orgs.push(o.id);
            }
        }
    }
    orgs.sort();
    Ok(orgs)
}
