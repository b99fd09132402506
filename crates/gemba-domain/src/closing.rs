//! Closing a project well: its closing summary (what worked, what did not, the results) and its
//! change package — the change ideas it adopted, each with the PDSA cycles that are its
//! evidence — and the learning library of closed and sustained projects across the user's
//! organisations. The use cases once for pages and API.

use chrono::NaiveDateTime;

use crate::access::{Access, AccessError, Action, Resource};
use crate::board::BoardError;
use crate::draft::{prose_part, Field, FieldProblem, Problem, Problems};
use crate::limits;
use crate::model::{
    ActDecision, DriverKind, DriverNode, PdsaCycle, Project, ProjectId, ProjectKind, ProjectStatus,
    User, Version,
};
use crate::search::{check_query, SearchError};
use crate::store::StoreError;

/// A closing summary as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosingSummary {
    /// The project.
    pub project: ProjectId,
    /// What it says.
    pub text: ClosingText,
    /// Who wrote it last, if still a user.
    pub author: Option<User>,
    /// When.
    pub updated_at: NaiveDateTime,
    /// Its version.
    pub version: Version,
}

/// A closing summary's parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosingText {
    /// What worked.
    pub what_worked: String,
    /// What did not.
    pub what_did_not: String,
    /// The results, as the measures show them.
    pub results: String,
}

/// A closing summary as sent: absent keeps the current part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClosingDraft {
    /// What worked.
    pub what_worked: Option<String>,
    /// What did not.
    pub what_did_not: Option<String>,
    /// The results.
    pub results: Option<String>,
}

impl ClosingDraft {
    /// The checked text over `current`: each part at most [`limits::LONG_TEXT`] characters,
    /// and what worked not empty.
    pub fn apply(&self, current: Option<&ClosingText>) -> Result<ClosingText, Problems> {
        let mut problems = Vec::new();
        let mut part = |field: Field, given: &Option<String>, current: Option<&str>| {
            prose_part(
                &mut problems,
                field,
                given.as_deref(),
                current,
                limits::LONG_TEXT,
            )
        };
        let text = ClosingText {
            what_worked: part(
                Field::WhatWorked,
                &self.what_worked,
                current.map(|c| c.what_worked.as_str()),
            ),
            what_did_not: part(
                Field::WhatDidNot,
                &self.what_did_not,
                current.map(|c| c.what_did_not.as_str()),
            ),
            results: part(
                Field::Results,
                &self.results,
                current.map(|c| c.results.as_str()),
            ),
        };
        if problems.is_empty() && text.what_worked.is_empty() {
            problems.push(FieldProblem {
                field: Field::WhatWorked,
                index: None,
                problem: Problem::Missing,
            });
        }
        if problems.is_empty() {
            Ok(text)
        } else {
            Err(problems)
        }
    }
}

/// Whether a project is finished enough to sum up: closed, sustaining or spreading.
pub fn may_sum_up(status: ProjectStatus) -> bool {
    matches!(
        status,
        ProjectStatus::Closed | ProjectStatus::Sustaining | ProjectStatus::Spreading
    )
}

/// One adopted change idea with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptedChange {
    /// The change idea.
    pub idea: DriverNode,
    /// The PDSA cycles that tested it, in the order given (the one or more adopting it among
    /// them).
    pub cycles: Vec<PdsaCycle>,
}

/// The change package of a project: each change idea of its driver diagram that a PDSA cycle
/// testing it ended by adopting, with every cycle that tested it (the ramp that led there), in
/// the diagram's order. Pure.
pub fn change_package(nodes: &[DriverNode], cycles: &[PdsaCycle]) -> Vec<AdoptedChange> {
    nodes
        .iter()
        .filter(|n| n.kind == DriverKind::ChangeIdea)
        .filter_map(|n| {
            let tested: Vec<PdsaCycle> = cycles
                .iter()
                .filter(|c| c.fields.change_idea == Some(n.id))
                .cloned()
                .collect();
            tested
                .iter()
                .any(|c| c.fields.act == Some(ActDecision::Adopt))
                .then(|| AdoptedChange {
                    idea: n.clone(),
                    cycles: tested,
                })
        })
        .collect()
}

/// Writes the closing summary of `project` ([`Action::EditProject`]), only once it is closed,
/// sustaining or spreading; with `expected`, only from that version.
pub async fn write_closing_summary(
    access: &Access<'_>,
    project: ProjectId,
    draft: &ClosingDraft,
    expected: Option<Version>,
) -> Result<Version, BoardError> {
    access
        .resource(Resource::Project(project), Action::EditProject)
        .await?;
    let store = access.store();
    let p = store
        .project(project)
        .await?
        .ok_or(BoardError::Access(AccessError::NotFound))?;
    if !may_sum_up(p.status) {
        return Err(BoardError::Invalid(vec![FieldProblem {
            field: Field::Status,
            index: None,
            problem: Problem::Rule(
                "must be closed, sustaining or spreading before it is summed up".into(),
            ),
        }]));
    }
    let current = store.closing_summary(project).await?;
    let text = draft
        .apply(current.as_ref().map(|c| &c.text))
        .map_err(BoardError::Invalid)?;
    match store
        .set_closing_summary(project, &text, expected, access.user())
        .await
    {
        Err(StoreError::Missing(_)) => Err(AccessError::NotFound.into()),
        other => Ok(other?),
    }
}

/// One entry of the learning library.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryEntry {
    /// The project.
    pub project: Project,
    /// Its organisation's name.
    pub org_name: String,
    /// Its closing summary, if written.
    pub summary: Option<ClosingSummary>,
    /// Its change package.
    pub package: Vec<AdoptedChange>,
}

/// The most projects a search of the learning library matches before its other filters.
pub const LIBRARY_MATCHES: usize = 1_000;

/// The learning library: the closed, sustaining and spreading projects the user may read (their
/// organisations', and those not private of their system's other organisations), each with its
/// closing summary and change package; with `tag`, only those tagged so (without case); with
/// `words`, only those with every word (as search finds them: title, problem, aim, change ideas,
/// measure names). Newest change first.
pub async fn library(
    access: &Access<'_>,
    tag: Option<&str>,
    words: Option<&str>,
) -> Result<Vec<LibraryEntry>, SearchError> {
    let store = access.store();
    let readable = access.readable().await?;
    let matching: Option<Vec<ProjectId>> = match words.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => {
            let (terms, _) = check_query(w, None).map_err(SearchError::Invalid)?;
            let hits = store
                .search_projects(&readable, &terms, None, LIBRARY_MATCHES)
                .await?;
            Some(hits.into_iter().map(|h| h.project).collect())
        }
        None => None,
    };
    let mut out = Vec::new();
    for org in readable.all() {
        let org_name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
        for p in store.projects(org).await? {
            if p.kind != ProjectKind::Improvement
                || !may_sum_up(p.status)
                || !readable.covers(org, p.private)
                || matching.as_ref().is_some_and(|m| !m.contains(&p.id))
            {
                continue;
            }
            if let Some(t) = tag {
                if !p.tags.iter().any(|x| x.eq_ignore_ascii_case(t.trim())) {
                    continue;
                }
            }
            let nodes = store.driver_nodes(p.id).await?;
            let cycles = store.pdsas(p.id).await?;
            out.push(LibraryEntry {
                summary: store.closing_summary(p.id).await?,
                package: change_package(&nodes, &cycles),
                org_name: org_name.clone(),
                project: p,
            });
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.project.updated_at));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DriverNodeId, PdsaFields, PdsaId};

    fn node(id: i64, kind: DriverKind, text: &str) -> DriverNode {
        DriverNode {
            id: DriverNodeId(id),
            project: ProjectId(1),
            parent: None,
            kind,
            text: text.into(),
            version: Version(1),
            idea: None,
        }
    }

    fn cycle(id: i64, idea: Option<i64>, act: Option<ActDecision>) -> PdsaCycle {
        PdsaCycle {
            id: PdsaId(id),
            project: ProjectId(1),
            fields: PdsaFields {
                title: format!("Cycle {id}"),
                change_idea: idea.map(DriverNodeId),
                act,
                ..PdsaFields::default()
            },
            version: Version(1),
        }
    }

    #[test]
    fn the_change_package_is_the_adopted_ideas_with_their_cycles() {
        let nodes = [
            node(1, DriverKind::Primary, "Reliable rounding"),
            node(2, DriverKind::ChangeIdea, "Hourly checks at night"),
            node(3, DriverKind::ChangeIdea, "Bed alarms"),
            node(4, DriverKind::ChangeIdea, "Low beds"),
        ];
        let cycles = [
            cycle(10, Some(2), Some(ActDecision::Adapt)),
            cycle(11, Some(2), Some(ActDecision::Adopt)),
            cycle(12, Some(3), Some(ActDecision::Abandon)),
            cycle(13, Some(4), None),
            cycle(14, None, Some(ActDecision::Adopt)),
        ];
        let package = change_package(&nodes, &cycles);
        // Only the hourly checks were adopted; both of its cycles are its evidence. A cycle
        // adopting nothing of the diagram belongs to no change idea.
        assert_eq!(package.len(), 1);
        assert_eq!(package[0].idea.text, "Hourly checks at night");
        let ids: Vec<i64> = package[0].cycles.iter().map(|c| c.id.0).collect();
        assert_eq!(ids, [10, 11]);
    }

    #[test]
    fn a_closing_summary_says_what_worked() {
        let none = ClosingDraft::default().apply(None).unwrap_err();
        assert_eq!(none[0].field, Field::WhatWorked);
        let ok = ClosingDraft {
            what_worked: Some(" Hourly checks ".into()),
            ..ClosingDraft::default()
        }
        .apply(None)
        .unwrap();
        assert_eq!(ok.what_worked, "Hourly checks");
        assert!(may_sum_up(ProjectStatus::Closed));
        assert!(!may_sum_up(ProjectStatus::Testing));
    }
}
