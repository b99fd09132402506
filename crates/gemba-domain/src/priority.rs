//! Strategic priorities, the "golden thread" from a system's and an organisation's priorities to
//! the projects that serve them: their use cases once for pages and API, each behind its access
//! check.
//!
//! A priority belongs to an organisation, or to the system (integrated care system) its
//! organisations name: a system's priorities are seen by every organisation of the system and
//! set by the admins and improvement leads of any of them.

use crate::access::{Access, AccessError, Action, Resource};
use crate::board::BoardError;
use crate::draft::{prose_part, required_line, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{OrgId, PriorityId, ProjectId, SystemRole, Version};
use crate::store::StoreError;

/// Whose priority it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PriorityScope {
    /// One organisation's.
    Organisation(OrgId),
    /// A system's (by the name its organisations give it), shared by all its organisations.
    System(String),
}

/// A strategic priority as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    /// Its id.
    pub id: PriorityId,
    /// Whose it is.
    pub scope: PriorityScope,
    /// Its title ("Reduce avoidable harm from falls").
    pub title: String,
    /// What it means, in a sentence or two.
    pub description: String,
    /// Its version.
    pub version: Version,
}

/// A priority's text as checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriorityText {
    /// The title (not blank).
    pub title: String,
    /// The description (may be empty).
    pub description: String,
}

/// A priority's text as sent: absent keeps the current value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriorityDraft {
    /// The title. Required.
    pub title: Option<String>,
    /// The description.
    pub description: Option<String>,
}

impl PriorityDraft {
    /// The checked text over `current`: a title of at most [`limits::NAME`] characters, a
    /// description of at most [`limits::LONG_TEXT`].
    pub fn apply(&self, current: Option<&PriorityText>) -> Result<PriorityText, Problems> {
        let mut problems = Vec::new();
        let title = required_line(
            &mut problems,
            Field::Title,
            self.title.as_deref(),
            current.map(|c| c.title.as_str()),
            limits::NAME,
        );
        let description = prose_part(
            &mut problems,
            Field::Description,
            self.description.as_deref(),
            current.map(|c| c.description.as_str()),
            limits::LONG_TEXT,
        );
        if problems.is_empty() {
            Ok(PriorityText { title, description })
        } else {
            Err(problems)
        }
    }
}

/// The most priorities one project may serve.
pub const MAX_PROJECT_PRIORITIES: usize = 20;

/// The scope for a new priority of `org` ([`Action::ManagePriorities`] there): the
/// organisation's own, or with `for_system` its system's (`Invalid` when it has none), which a
/// system improvement lead of one of its people may set too.
async fn scope_of(
    access: &Access<'_>,
    org: OrgId,
    for_system: bool,
) -> Result<PriorityScope, BoardError> {
    let managed = access.org(org, Action::ManagePriorities);
    if !for_system {
        managed?;
        return Ok(PriorityScope::Organisation(org));
    }
    if let Err(e) = managed {
        let system = access.store().org(org).await?.and_then(|o| o.system);
        let leads = match (&e, &system) {
            (AccessError::Denied(_), Some(s)) => {
                crate::system::system_role(access, s).await? == Some(SystemRole::Lead)
            }
            _ => false,
        };
        if !leads {
            return Err(e.into());
        }
    }
    let system = access
        .store()
        .org(org)
        .await?
        .and_then(|o| o.system)
        .ok_or_else(|| {
            BoardError::Invalid(vec![FieldProblem {
                field: Field::Scope,
                index: None,
                problem: Problem::Rule(
                    "this organisation is in no system: its priorities are its own".into(),
                ),
            }])
        })?;
    Ok(PriorityScope::System(system))
}

/// Adds a priority of `org`, or of its system with `for_system`
/// ([`Action::ManagePriorities`]).
pub async fn create_priority(
    access: &Access<'_>,
    org: OrgId,
    for_system: bool,
    draft: &PriorityDraft,
) -> Result<PriorityId, BoardError> {
    let scope = scope_of(access, org, for_system).await?;
    let text = draft.apply(None).map_err(BoardError::Invalid)?;
    Ok(access
        .store()
        .create_priority(&scope, &text, access.user())
        .await?)
}

/// The priority `id` if the user may do `action` with it: through its organisation, or for a
/// system's through any of the user's organisations in that system, or as its system
/// improvement lead (not found when the user has none there; denied when none of their roles
/// there may).
pub async fn priority(
    access: &Access<'_>,
    id: PriorityId,
    action: Action,
) -> Result<Priority, BoardError> {
    let store = access.store();
    let found = store
        .priority(id)
        .await?
        .ok_or(BoardError::Access(AccessError::NotFound))?;
    let orgs = match &found.scope {
        PriorityScope::Organisation(org) => vec![*org],
        PriorityScope::System(name) => store
            .orgs_in_system(name)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect(),
    };
    let mut refusal = AccessError::NotFound;
    for org in orgs {
        match access.org(org, action) {
            Ok(_) => return Ok(found),
            Err(e @ AccessError::Denied(_)) => refusal = e,
            Err(_) => {}
        }
    }
    // A system improvement lead manages the system's priorities whatever their own role.
    if let (PriorityScope::System(name), AccessError::Denied(Action::ManagePriorities)) =
        (&found.scope, &refusal)
    {
        if crate::system::system_role(access, name).await? == Some(SystemRole::Lead) {
            return Ok(found);
        }
    }
    Err(refusal.into())
}

/// Changes a priority still at `expected` ([`Action::ManagePriorities`]); returns its new
/// version.
pub async fn update_priority(
    access: &Access<'_>,
    id: PriorityId,
    draft: &PriorityDraft,
    expected: Version,
) -> Result<Version, BoardError> {
    let current = priority(access, id, Action::ManagePriorities).await?;
    let text = draft
        .apply(Some(&PriorityText {
            title: current.title,
            description: current.description,
        }))
        .map_err(BoardError::Invalid)?;
    Ok(access.store().update_priority(id, &text, expected).await?)
}

/// Deletes a priority ([`Action::ManagePriorities`]); its projects stay, no longer linked.
pub async fn delete_priority(access: &Access<'_>, id: PriorityId) -> Result<(), BoardError> {
    priority(access, id, Action::ManagePriorities).await?;
    Ok(access.store().delete_priority(id).await?)
}

/// Sets the priorities `project` serves ([`Action::EditProject`]): each one of its
/// organisation's or its system's, at most [`MAX_PROJECT_PRIORITIES`].
pub async fn link_priorities(
    access: &Access<'_>,
    project: ProjectId,
    given: &[PriorityId],
) -> Result<Vec<PriorityId>, BoardError> {
    let org = access
        .resource(Resource::Project(project), Action::EditProject)
        .await?
        .grant()
        .org();
    let store = access.store();
    let open: Vec<PriorityId> = store
        .priorities_of(org)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut chosen: Vec<PriorityId> = Vec::new();
    let mut problems = Vec::new();
    for (i, id) in given.iter().enumerate() {
        if !open.contains(id) {
            problems.push(FieldProblem {
                field: Field::Priorities,
                index: Some(i),
                problem: Problem::Rule(
                    "must be a priority of the project's organisation or its system".into(),
                ),
            });
        } else if !chosen.contains(id) {
            chosen.push(*id);
        }
    }
    if chosen.len() > MAX_PROJECT_PRIORITIES {
        problems.push(FieldProblem {
            field: Field::Priorities,
            index: None,
            problem: Problem::Rule(format!("at most {MAX_PROJECT_PRIORITIES} priorities")),
        });
    }
    if !problems.is_empty() {
        return Err(BoardError::Invalid(problems));
    }
    match store.set_project_priorities(project, &chosen).await {
        Err(StoreError::Missing(_)) => Err(BoardError::Access(AccessError::NotFound)),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(chosen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_priority_needs_a_title_and_bounded_text() {
        let none = PriorityDraft::default().apply(None).unwrap_err();
        assert_eq!(none[0].field, Field::Title);
        let long = PriorityDraft {
            title: Some("x".repeat(limits::NAME + 1)),
            description: Some("y".repeat(limits::LONG_TEXT + 1)),
        }
        .apply(None)
        .unwrap_err();
        let fields: Vec<Field> = long.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Title, Field::Description]);
        let ok = PriorityDraft {
            title: Some("  Reduce harm from falls ".into()),
            description: None,
        }
        .apply(None)
        .unwrap();
        assert_eq!(ok.title, "Reduce harm from falls");
        let kept = PriorityDraft {
            description: Some("Across every ward".into()),
            ..PriorityDraft::default()
        }
        .apply(Some(&ok))
        .unwrap();
        assert_eq!(
            (kept.title.as_str(), kept.description.as_str()),
            ("Reduce harm from falls", "Across every ward")
        );
    }
}
