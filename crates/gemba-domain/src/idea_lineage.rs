//! An idea taken forward (issue 13): it becomes a project of its organisation or a change idea on
//! one of its projects' driver diagrams, in one step with its triage ("being tested", a response
//! that says where it went) and its submitter's notification. The project or change idea names
//! the idea it came from, and the idea lists what it became: its lineage, both ways.

use crate::access::{Access, Action};
use crate::board::BoardError;
use crate::draft::{prose_part, Field, FieldProblem, Problem};
use crate::idea::{idea, quoted, IdeaStatus, NewNotification, Triage};
use crate::limits;
use crate::model::{DriverKind, DriverNodeId, IdeaId, ProjectFields, ProjectId, ProjectStatus};
use crate::validate::NonEmpty;
use crate::Version;

/// What an idea became: a project started from it, or a change idea on a project's driver
/// diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Became {
    /// The project (started from the idea, or whose driver diagram has the change idea).
    pub project: ProjectId,
    /// Its title.
    pub project_title: String,
    /// The change idea and its text, when the idea became one.
    pub change_idea: Option<(DriverNodeId, String)>,
}

/// What to turn an idea into, as sent: `into` `project` (with an optional `title`) or
/// `change_idea` (with the `driver` it tests, and an optional `text`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertDraft {
    /// What it becomes: `project` or `change_idea`. Required.
    pub into: Option<String>,
    /// The new project's title; the idea's own words when absent.
    pub title: Option<String>,
    /// The driver (primary or secondary) the change idea hangs from: its id. Required for a
    /// change idea.
    pub driver: Option<String>,
    /// The change idea's wording; the idea's own words when absent.
    pub text: Option<String>,
}

/// A checked conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conversion {
    /// A new project, with its title (if one was given).
    Project {
        /// The title given, if any.
        title: Option<String>,
    },
    /// A change idea under `driver`, with its wording (if given).
    ChangeIdea {
        /// The driver it tests.
        driver: DriverNodeId,
        /// The wording given, if any.
        text: Option<String>,
    },
}

/// What the store writes for a conversion, in one transaction with the idea's triage.
#[derive(Debug, Clone, PartialEq)]
pub enum IdeaInto {
    /// A new project of the idea's organisation.
    Project(ProjectFields),
    /// A change idea on `project`'s driver diagram under `driver`.
    ChangeIdea {
        /// The project.
        project: ProjectId,
        /// The driver.
        driver: DriverNodeId,
        /// The change idea's text.
        text: String,
    },
}

/// What a draft's `into` may name.
pub const CONVERSIONS: [&str; 2] = ["project", "change_idea"];

fn problem(field: Field, problem: Problem) -> FieldProblem {
    FieldProblem {
        field,
        index: None,
        problem,
    }
}

/// `text` cut to at most `max` characters at a word, with an ellipsis when cut.
pub fn shortened(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}\u{2026}", at_word.trim_end())
}

impl ConvertDraft {
    /// The checked conversion: a known `into`; a change idea names a driver by a whole number; a
    /// title at most [`limits::NAME`] characters, a change idea's text at most
    /// [`limits::DRIVER_TEXT`].
    pub fn apply(&self) -> Result<Conversion, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let title = given(&self.title);
        let text = given(&self.text);
        if let Some(t) = &title {
            prose_part(&mut problems, Field::Title, Some(t), None, limits::NAME);
        }
        if let Some(t) = &text {
            prose_part(
                &mut problems,
                Field::Text,
                Some(t),
                None,
                limits::DRIVER_TEXT,
            );
        }
        let conversion = match self.into.as_deref().map(str::trim) {
            None | Some("") => {
                problems.push(problem(Field::Into, Problem::Missing));
                None
            }
            Some("project") => Some(Conversion::Project { title }),
            Some("change_idea") => match given(&self.driver).map(|d| d.parse::<i64>()) {
                Some(Ok(id)) if id > 0 => Some(Conversion::ChangeIdea {
                    driver: DriverNodeId(id),
                    text,
                }),
                Some(_) => {
                    problems.push(problem(
                        Field::Driver,
                        Problem::Rule("must be the id of a driver".into()),
                    ));
                    None
                }
                None => {
                    problems.push(problem(Field::Driver, Problem::Missing));
                    None
                }
            },
            Some(_) => {
                problems.push(problem(
                    Field::Into,
                    Problem::NotOneOf {
                        allowed: CONVERSIONS.to_vec(),
                    },
                ));
                None
            }
        };
        match conversion {
            Some(c) if problems.is_empty() => Ok(c),
            _ => Err(problems),
        }
    }
}

/// Turns idea `id`, still at `expected`, into a project or a change idea
/// ([`Action::TriageIdeas`] in its organisation, and [`Action::CreateProject`] there or
/// [`Action::EditDriverDiagram`] on the driver's project, which must be the idea's
/// organisation's). The idea moves to "being tested" with a response saying where it went, and
/// its submitter (if someone else) is told; all in one transaction. Returns what it became.
pub async fn convert_idea(
    access: &Access<'_>,
    id: IdeaId,
    draft: &ConvertDraft,
    expected: Version,
) -> Result<Became, BoardError> {
    let found = idea(access, id, Action::TriageIdeas).await?;
    let conversion = draft.apply().map_err(BoardError::Invalid)?;
    let store = access.store();
    let (into, response) = match conversion {
        Conversion::Project { title } => {
            access.org(found.org, Action::CreateProject)?;
            let title = title.unwrap_or_else(|| shortened(&found.text.idea, limits::NAME));
            let title = NonEmpty::parse("title", &title)
                .map_err(|_| BoardError::Invalid(vec![problem(Field::Title, Problem::Missing)]))?;
            let response = format!("Now a project: \u{201c}{}\u{201d}.", title.as_str());
            let fields = ProjectFields {
                title,
                problem: found.text.problem.clone(),
                aim: String::new(),
                method: "Model for Improvement".into(),
                status: ProjectStatus::Scoping,
                team: found.team,
                sponsor: String::new(),
                tags: Vec::new(),
                private: false,
            };
            (IdeaInto::Project(fields), response)
        }
        Conversion::ChangeIdea { driver, text } => {
            let not_a_driver = || {
                BoardError::Invalid(vec![problem(
                    Field::Driver,
                    Problem::Rule(
                        "choose a primary or secondary driver of one of your organisation's \
                         projects"
                            .into(),
                    ),
                )])
            };
            let node = store.driver_node(driver).await?.ok_or_else(not_a_driver)?;
            let project = store
                .project(node.project)
                .await?
                .ok_or_else(not_a_driver)?;
            if project.org != found.org || node.kind == DriverKind::ChangeIdea {
                return Err(not_a_driver());
            }
            access
                .project(node.project, Action::EditDriverDiagram)
                .await?;
            let text = text.unwrap_or_else(|| shortened(&found.text.idea, limits::DRIVER_TEXT));
            let response = format!(
                "Now a change idea on the driver diagram of \u{201c}{}\u{201d}.",
                project.title
            );
            (
                IdeaInto::ChangeIdea {
                    project: project.id,
                    driver,
                    text,
                },
                response,
            )
        }
    };
    let triage = Triage {
        status: IdeaStatus::BeingTested,
        response,
    };
    let notify = found
        .submitter
        .as_ref()
        .filter(|s| s.id != access.user())
        .map(|s| NewNotification {
            user: s.id,
            text: format!(
                "Your idea \u{201c}{}\u{201d}: {}. {}",
                quoted(&found),
                triage.status.label(),
                triage.response
            ),
            link: format!("/ideas/{id}"),
        });
    Ok(store
        .convert_idea(id, expected, &into, &triage, notify.as_ref(), access.user())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversion_names_its_kind_and_a_change_idea_its_driver() {
        let d = |into: &str, driver: Option<&str>| ConvertDraft {
            into: Some(into.into()),
            driver: driver.map(str::to_owned),
            ..ConvertDraft::default()
        };
        assert_eq!(
            d("project", None).apply().unwrap(),
            Conversion::Project { title: None }
        );
        assert_eq!(
            d("change_idea", Some(" 12 ")).apply().unwrap(),
            Conversion::ChangeIdea {
                driver: DriverNodeId(12),
                text: None
            }
        );
        let fields = |e: Vec<FieldProblem>| e.iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(
            fields(d("change_idea", None).apply().unwrap_err()),
            [Field::Driver]
        );
        assert_eq!(
            fields(d("change_idea", Some("ward")).apply().unwrap_err()),
            [Field::Driver]
        );
        assert_eq!(
            fields(d("poster", None).apply().unwrap_err()),
            [Field::Into]
        );
        assert_eq!(
            fields(ConvertDraft::default().apply().unwrap_err()),
            [Field::Into]
        );
        let long = ConvertDraft {
            into: Some("project".into()),
            title: Some("t".repeat(limits::NAME + 1)),
            ..ConvertDraft::default()
        };
        assert_eq!(fields(long.apply().unwrap_err()), [Field::Title]);
    }

    #[test]
    fn a_long_idea_is_shortened_at_a_word() {
        assert_eq!(
            shortened("  Clip call  bells\nto the rail ", 40),
            "Clip call bells to the rail"
        );
        // 10 characters at most: "Clip call" (9) and the ellipsis.
        assert_eq!(
            shortened("Clip call bells to the rail", 10),
            "Clip call\u{2026}"
        );
        // No space in the first half: cut inside the word.
        assert_eq!(shortened("Antimicrobial stewardship", 6), "Antim\u{2026}");
    }
}
