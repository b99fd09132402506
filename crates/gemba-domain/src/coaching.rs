//! Coaching (issue 13 §2): improvement leads assigned to projects as their coaches (a project may
//! have several), by improvement leads and admins; each coach's load is the number of active
//! projects (scoping to spreading) they coach.

use std::collections::BTreeMap;

use crate::access::{Access, AccessError, Action};
use crate::board::BoardError;
use crate::draft::{Field, FieldProblem, Problem};
use crate::model::{OrgId, Project, ProjectId, Role, User, UserId};
use crate::portfolio::is_active_work;

/// The most coaches one project may have.
pub const MAX_COACHES: usize = 10;

/// A coach's load in an organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct CoachLoad {
    /// The coach (an improvement lead of the organisation).
    pub coach: User,
    /// The active projects they coach (scoping to spreading), by title.
    pub active: Vec<Project>,
    /// Every live project they coach, finished or not yet started ones included.
    pub all: usize,
}

/// The coaches of project `id` ([`Action::Read`]), by name.
pub async fn coaches_of(access: &Access<'_>, id: ProjectId) -> Result<Vec<User>, AccessError> {
    access.project(id, Action::Read).await?;
    Ok(access.store().project_coaches(id).await?)
}

/// Makes `coach` — one of the organisation's improvement leads — a coach of project `id`
/// ([`Action::AssignCoaches`]); again changes nothing; at most [`MAX_COACHES`].
pub async fn assign_coach(
    access: &Access<'_>,
    id: ProjectId,
    coach: UserId,
) -> Result<(), BoardError> {
    let project = access.project(id, Action::AssignCoaches).await?;
    let org = project.item().org;
    let store = access.store();
    let is_lead = store
        .org_members(org)
        .await?
        .iter()
        .any(|(u, r)| u.id == coach && *r == Role::ImprovementLead);
    let not = |why: &str| {
        BoardError::Invalid(vec![FieldProblem {
            field: Field::Owner,
            index: None,
            problem: Problem::Rule(why.to_owned()),
        }])
    };
    if !is_lead {
        return Err(not(
            "a coach is one of the organisation's improvement leads",
        ));
    }
    let now = store.project_coaches(id).await?;
    if now.iter().any(|u| u.id == coach) {
        return Ok(());
    }
    if now.len() >= MAX_COACHES {
        return Err(not(&format!("a project has at most {MAX_COACHES} coaches")));
    }
    Ok(store.set_project_coach(id, coach, true).await?)
}

/// Takes `coach` off project `id`'s coaches ([`Action::AssignCoaches`]); not being one is no
/// error.
pub async fn remove_coach(
    access: &Access<'_>,
    id: ProjectId,
    coach: UserId,
) -> Result<(), AccessError> {
    access.project(id, Action::AssignCoaches).await?;
    Ok(access.store().set_project_coach(id, coach, false).await?)
}

/// Each coach's load from `projects` and `pairs` (project, coach): every improvement lead of
/// `leads` once, the busiest first (then by name), with the active projects they coach.
pub fn loads(
    leads: &[User],
    projects: &[Project],
    pairs: &[(ProjectId, UserId)],
) -> Vec<CoachLoad> {
    let mut by_coach: BTreeMap<UserId, Vec<&Project>> = BTreeMap::new();
    for (p, c) in pairs {
        if let Some(project) = projects.iter().find(|x| x.id == *p) {
            by_coach.entry(*c).or_default().push(project);
        }
    }
    let mut out: Vec<CoachLoad> = leads
        .iter()
        .map(|u| {
            let theirs = by_coach.remove(&u.id).unwrap_or_default();
            let mut active: Vec<Project> = theirs
                .iter()
                .filter(|p| is_active_work(p.status))
                .map(|p| (*p).clone())
                .collect();
            active.sort_by(|a, b| a.title.cmp(&b.title));
            CoachLoad {
                coach: u.clone(),
                active,
                all: theirs.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.active
            .len()
            .cmp(&a.active.len())
            .then_with(|| a.coach.name.cmp(&b.coach.name))
    });
    out
}

/// The load of every improvement lead of `org` ([`Action::Read`]): the active projects each
/// coaches.
pub async fn coaching_loads(
    access: &Access<'_>,
    org: OrgId,
) -> Result<Vec<CoachLoad>, AccessError> {
    access.org(org, Action::Read)?;
    let store = access.store();
    let leads: Vec<User> = store
        .org_members(org)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == Role::ImprovementLead)
        .map(|(u, _)| u)
        .collect();
    let projects = store.projects(org).await?;
    let pairs = store.org_project_coaches(org).await?;
    Ok(loads(&leads, &projects, &pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ProjectKind, ProjectStatus, Version};
    use crate::validate::Email;

    fn user(id: i64, name: &str) -> User {
        User {
            id: UserId(id),
            email: Email::parse(&format!("u{id}@a.nhs.uk")).unwrap(),
            name: name.into(),
        }
    }

    fn project(id: i64, title: &str, status: ProjectStatus) -> Project {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        Project {
            id: ProjectId(id),
            org: OrgId(1),
            team: None,
            title: title.into(),
            problem: String::new(),
            aim: String::new(),
            method: String::new(),
            status,
            sponsor: String::new(),
            tags: vec![],
            lead: None,
            kind: ProjectKind::Improvement,
            created_at: at,
            updated_at: at,
            version: Version(1),
            private: false,
            idea: None,
        }
    }

    #[test]
    fn a_coachs_load_is_their_active_projects() {
        use ProjectStatus::*;
        let leads = [user(1, "Cora"), user(2, "Ben"), user(3, "Ana")];
        let projects = [
            project(10, "Falls", Testing),
            project(11, "Sepsis", Scoping),
            project(12, "Discharge", Closed),
            project(13, "Parents", Idea),
        ];
        // Cora coaches Falls, Sepsis and the closed Discharge: 2 active of 3; Ben coaches
        // Falls (two coaches) and the idea: 1 active of 2; Ana nothing. User 9 is no lead.
        let pairs = [
            (ProjectId(10), UserId(1)),
            (ProjectId(11), UserId(1)),
            (ProjectId(12), UserId(1)),
            (ProjectId(10), UserId(2)),
            (ProjectId(13), UserId(2)),
            (ProjectId(11), UserId(9)),
        ];
        let all = loads(&leads, &projects, &pairs);
        let got: Vec<(&str, usize, usize)> = all
            .iter()
            .map(|l| (l.coach.name.as_str(), l.active.len(), l.all))
            .collect();
        assert_eq!(got, [("Cora", 2, 3), ("Ben", 1, 2), ("Ana", 0, 0)]);
        let titles: Vec<&str> = all[0].active.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Falls", "Sepsis"]);
    }
}
