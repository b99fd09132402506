//! Accessible form fields in the NHS.UK style: a label, an optional hint, the error next to the
//! field (linked by `aria-describedby`), and what the user typed kept in the field.

use std::collections::HashMap;

use gemba_domain::{grouped, Field, FieldError, FieldProblem, Problem};
use maud::{html, Markup};

/// Errors of a form, by field name, with a sentence each.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub HashMap<&'static str, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        FieldErrors::default()
    }

    /// The error of field `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Sets the error of field `name` (the first one set is kept).
    pub fn insert(&mut self, name: &'static str, message: impl Into<String>) {
        self.0.entry(name).or_insert_with(|| message.into());
    }

    /// Adds a domain validation error.
    pub fn push(&mut self, e: FieldError) {
        self.insert(e.field, sentence(&e.message));
    }

    /// Whether there are no errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FieldErrors {
    /// Adds a draft's problems, each worded for the page ([`problem_sentence`]) on the field
    /// as the form names it ([`form_name`]).
    pub fn add_problems(&mut self, problems: impl IntoIterator<Item = FieldProblem>) {
        for p in problems {
            self.insert(form_name(p.field), problem_sentence(p.field, &p.problem));
        }
    }
}

impl From<Vec<FieldProblem>> for FieldErrors {
    fn from(problems: Vec<FieldProblem>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add_problems(problems);
        errors
    }
}

impl From<FieldProblem> for FieldErrors {
    fn from(p: FieldProblem) -> Self {
        FieldErrors::from(vec![p])
    }
}

/// The name of a draft's field in the forms (the API's `team_id` is the form's `team`).
pub fn form_name(field: Field) -> &'static str {
    match field {
        Field::Team => "team",
        Field::Kind => "kind",
        Field::ChangeIdea => "change_idea",
        Field::Follows => "follows",
        Field::Organisation => "org",
        Field::Driver => "driver",
        Field::Planned => "planned",
        Field::Used => "used",
        other => other.name(),
    }
}

/// How the page names a field: its label, and what to enter or choose in it.
fn words(field: Field) -> (&'static str, &'static str) {
    match field {
        Field::Title => ("Title", "a title"),
        Field::Problem => ("The problem", "the problem"),
        Field::Aim => ("Aim", "the aim"),
        Field::Method => ("Method", "a method"),
        Field::Status => ("Status", "a status"),
        Field::Team => ("Team", "a team of the organisation"),
        Field::Sponsor => ("Sponsor", "a sponsor"),
        Field::Tags => ("Tags", "tags"),
        Field::Lead => (
            "Project lead",
            "a member of the organisation to lead the project",
        ),
        Field::Name => ("Name", "a name"),
        Field::Kind => ("Type of measure", "outcome, process or balancing"),
        Field::Definition => ("Operational definition", "an operational definition"),
        Field::Unit => ("Unit", "a unit"),
        Field::DataSource => ("Data source", "a data source"),
        Field::DenominatorLabel => ("What the denominator counts", "what the denominator counts"),
        Field::Chart => ("Chart type", "a chart type from the list"),
        Field::Improvement => (
            "Improvement direction",
            "whether higher or lower is better, or neither",
        ),
        Field::Target => ("Target", "a target"),
        Field::Rules => ("Rule profile", "a rule profile from the list"),
        Field::Rebase => ("Rebase", "a rebase date"),
        Field::FixAfter => ("Baseline points", "a number of points"),
        Field::Period => (
            "Period of each point",
            "what one point stands for: a day, a week, a month or a quarter",
        ),
        Field::Multiplier => ("Show values", "how to show the values from the list"),
        Field::StartDate => ("Start date", "the date the cycle starts"),
        Field::ChangeIdea => ("Change idea", "a change idea from the list"),
        Field::Follows => ("Earlier cycle", "an earlier cycle from the list"),
        Field::Objective => ("Objective", "an objective"),
        Field::Prediction => ("Prediction", "a prediction"),
        Field::Plan => ("Plan", "a plan"),
        Field::DataPlan => ("Data to collect", "the data to collect"),
        Field::DoNotes => ("What happened", "what happened"),
        Field::Study => ("Study", "the study"),
        Field::Act => ("Decision", "adopt, adapt or abandon"),
        Field::ActNotes => ("What next", "what next"),
        Field::Text => ("Text", "the text"),
        Field::Email => ("Email", "an email address"),
        Field::Role => ("Role", "a role"),
        Field::Section => ("Report section", "a section of the board report"),
        Field::Owner => ("Executive owner", "a member of the organisation"),
        Field::Sections => ("Sections", "sections of the board report"),
        Field::Cadence => ("How often", "monthly or quarterly"),
        Field::Shows => ("What the chart shows", "what the chart shows"),
        Field::Why => ("Why", "why"),
        Field::Actions => ("Actions and by when", "the actions and by when"),
        Field::Date => ("Date", "the date"),
        Field::Dimension => ("Dimension", "a dimension from the list"),
        Field::Rating => ("Rating", "a level from Not yet started to Leading"),
        Field::Note => ("Evidence note", "an evidence note"),
        Field::Description => ("Description", "a description"),
        Field::Scope => ("Whose priority", "the organisation or its system"),
        Field::Priorities => ("Strategic priorities", "priorities from the list"),
        Field::PatientPartner => ("Patient partners", "with or without patient partners"),
        Field::EventDate => ("Date of the event", "the date of the event"),
        Field::Day => ("Report-out", "the 30-, 60- or 90-day report-out"),
        Field::WhatChanged => ("What changed", "what changed since the event"),
        Field::Results => ("Results", "the results"),
        Field::NextSteps => ("Next steps", "the next steps"),
        Field::WhatWorked => ("What worked", "what worked"),
        Field::WhatDidNot => ("What did not work", "what did not work"),
        Field::Score => ("Progress score", "a score from 0.5 to 5.0 from the list"),
        Field::Reason => ("Reason", "why the derived score is not the right one"),
        Field::Scale => ("Scale of the test", "the scale of the test"),
        Field::Private => ("Private to the organisation", "whether it is private"),
        Field::Idea => ("Your idea", "your idea"),
        Field::Area => ("Where", "where it applies"),
        Field::Response => ("Response", "a response"),
        Field::Driver => ("Driver", "a driver from the list"),
        Field::Into => ("It becomes", "a new project or a change idea"),
        Field::ValueKind => ("Potential or realised", "potential or realised"),
        Field::Amount => ("Amount (£)", "an amount in pounds, such as 1250 or 1250.50"),
        Field::Hours => ("Hours released", "a number of hours, such as 37.5"),
        Field::CashReleasing => ("Cash-releasing", "yes or no"),
        Field::Recurrence => ("Recurrent or one-off", "recurrent or one-off"),
        Field::PatientRoles => ("Roles", "the roles they play"),
        Field::InvolvedSince => ("Involved at this level since", "a date, like 2026-03-01"),
        Field::Level => ("Level", "a level from the list"),
        Field::Places => ("Places", "a whole number of places"),
        Field::Venue => ("Where", "where it is held"),
        Field::Attendance => ("Attendance", "attended or did not attend"),
        Field::Completed => ("Completed", "whether the course was completed"),
        Field::Month => ("Month", "a month, like 2026-03"),
        Field::Planned => ("Hours planned", "hours from 0 to 744"),
        Field::Used => ("Hours used", "hours from 0 to 744"),
        Field::Organisation => ("Organisation", "an organisation from the list"),
        Field::Measure => ("Shared measure", "a measure from the list"),
        Field::Periods => ("Periods in the funnel plot", "a whole number of periods"),
        Field::StallWeeks => (
            "Weeks without activity",
            "a whole number of weeks from 1 to 52",
        ),
    }
}

/// Whether the form offers the field as a list to choose from.
fn chosen(field: Field) -> bool {
    matches!(
        field,
        Field::Status
            | Field::Team
            | Field::Kind
            | Field::Chart
            | Field::Improvement
            | Field::Rules
            | Field::Period
            | Field::Multiplier
            | Field::ChangeIdea
            | Field::Follows
            | Field::Act
            | Field::Role
            | Field::Section
            | Field::Owner
            | Field::Cadence
            | Field::Organisation
            | Field::Level
            | Field::Attendance
            | Field::Measure
            | Field::Scope
            | Field::Priorities
            | Field::PatientPartner
            | Field::Driver
            | Field::Into
            | Field::Dimension
            | Field::Rating
            | Field::Score
            | Field::ValueKind
            | Field::CashReleasing
            | Field::Recurrence
    )
}

/// A draft's problem as the page says it, in the NHS.UK style: "Enter a title", "Method must
/// be 200 characters or fewer", "Choose a chart type from the list".
pub fn problem_sentence(field: Field, problem: &Problem) -> String {
    let (label, what) = words(field);
    let verb = if chosen(field) { "Choose" } else { "Enter" };
    let date = |d: &chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    match problem {
        Problem::Missing => format!("{verb} {what}"),
        Problem::NotOneOf { .. } => format!("Choose {what}"),
        Problem::TooLong { max } => {
            format!(
                "{label} must be {} characters or fewer",
                grouped(*max as i64)
            )
        }
        Problem::NotANumber { .. } => format!("{label} must be a number, like 12.5"),
        Problem::OutOfRange { min, max } => format!(
            "{label} must be between {} and {}",
            grouped(*min),
            grouped(*max)
        ),
        Problem::NotAWholeNumber { min, max } => format!(
            "Enter a whole number of points from {} to {}, or leave it blank",
            grouped(*min as i64),
            grouped(*max as i64)
        ),
        Problem::NotADate { .. } => "Enter a real date, like 2024-03-01 or 01/03/2024".to_owned(),
        Problem::NotAnEmail => "Enter an email address like name@nhs.net".to_owned(),
        Problem::TooManyTags { most, longest } => {
            format!("Use at most {most} tags of up to {longest} characters each")
        }
        Problem::NotATeam => "Choose a team of the organisation".to_owned(),
        Problem::NotAChangeIdea => "Choose a change idea from the list".to_owned(),
        Problem::NotACycle => "Choose an earlier cycle from the list".to_owned(),
        Problem::FollowsItself => {
            "A cycle cannot follow itself; choose an earlier cycle".to_owned()
        }
        Problem::MakesLoop { title } => format!(
            "\u{201c}{title}\u{201d} already comes after this cycle in its ramp; choose a cycle \
             that comes before it"
        ),
        Problem::RebasedTwice { date: d } => {
            format!("The chart is already rebased on {}", date(d))
        }
        Problem::NoReason { date: d } => format!("Enter why the chart is rebased on {}", date(d)),
        Problem::TooManyRebases { max } => format!("A chart can have at most {max} rebases"),
        Problem::Rule(s) => sentence(s),
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        let mut errors = FieldErrors::new();
        errors.push(e);
        errors
    }
}

/// A domain message ("enter a value") as a sentence ("Enter a value").
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The ids a field's `aria-describedby` lists: its hint and its error, when present.
fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn group_class(error: bool) -> &'static str {
    if error {
        "form-group form-group--error"
    } else {
        "form-group"
    }
}

fn hint_and_error(name: &str, hint: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(h) = hint {
            div class="hint" id={ (name) "-hint" } { (h) }
        }
        @if let Some(e) = error {
            p class="error-message" id={ (name) "-error" } {
                span class="visually-hidden" { "Error: " }
                (e)
            }
        }
    }
}

/// A one-line text field.
pub fn text_input(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    input_of_type("text", name, label, value, hint, errors)
}

/// A one-line field of an HTML input `kind` (`text`, `email`, `password`, `date`, …).
pub fn input_of_type(
    kind: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    let autocomplete = match kind {
        "email" => Some("email"),
        "password" => Some("current-password"),
        _ => None,
    };
    html! {
        div class=(group_class(error.is_some())) {
            label class="label" for=(name) { (label) }
            (hint_and_error(name, hint, error))
            input class={ "input" @if error.is_some() { " input--error" } }
                type=(kind) id=(name) name=(name) value=(value)
                autocomplete=[autocomplete]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint.is_some(), error.is_some())];
        }
    }
}

/// A field for a new password (`autocomplete="new-password"`, so that password managers offer
/// to make one); it is never filled in again.
pub fn new_password_input(
    name: &str,
    label: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class=(group_class(error.is_some())) {
            label class="label" for=(name) { (label) }
            (hint_and_error(name, hint, error))
            input class={ "input" @if error.is_some() { " input--error" } }
                type="password" id=(name) name=(name) value=""
                autocomplete="new-password"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint.is_some(), error.is_some())];
        }
    }
}

/// A multi-line text field.
pub fn textarea(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class=(group_class(error.is_some())) {
            label class="label" for=(name) { (label) }
            (hint_and_error(name, hint, error))
            textarea class={ "textarea" @if error.is_some() { " textarea--error" } }
                id=(name) name=(name) rows="4"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint.is_some(), error.is_some())] {
                (value)
            }
        }
    }
}

/// A multi-line text the user may read but not change here: `why` says who may. It is sent
/// with the form unchanged (`readonly`), so saving keeps it.
pub fn readonly_textarea(name: &str, label: &str, value: &str, why: &str) -> Markup {
    html! {
        div class="form-group" {
            label class="label" for=(name) { (label) }
            div class="hint" id={ (name) "-hint" } { (why) }
            textarea class="textarea" id=(name) name=(name) rows="4" readonly
                aria-describedby={ (name) "-hint" } {
                (value)
            }
        }
    }
}

/// A drop-down list of `options` (value, label) with `selected` chosen.
pub fn select(
    name: &str,
    label: &str,
    options: &[(&str, &str)],
    selected: &str,
    errors: &FieldErrors,
) -> Markup {
    select_with_hint(name, label, options, selected, None, errors)
}

/// A drop-down list with a hint under its label (read out with the list).
pub fn select_with_hint(
    name: &str,
    label: &str,
    options: &[(&str, &str)],
    selected: &str,
    hint: Option<&str>,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name);
    html! {
        div class=(group_class(error.is_some())) {
            label class="label" for=(name) { (label) }
            (hint_and_error(name, hint, error))
            select class={ "select" @if error.is_some() { " select--error" } }
                id=(name) name=(name)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint.is_some(), error.is_some())] {
                @for (value, text) in options {
                    option value=(value) selected[*value == selected] { (text) }
                }
            }
        }
    }
}

/// The "There is a problem" box at the top of a form, linking to each field in error; empty
/// when there are no errors.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    error_summary_ordered(errors, &[])
}

/// [`error_summary`] with the fields listed in the form's `order` (others last, by name), so
/// that the summary reads in the same order as the form.
pub fn error_summary_ordered(errors: &FieldErrors, order: &[&str]) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    let mut items: Vec<(&str, &str)> = errors.0.iter().map(|(k, v)| (*k, v.as_str())).collect();
    items.sort_by_key(|(k, _)| (order.iter().position(|o| o == k).unwrap_or(usize::MAX), *k));
    html! {
        div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
            h2 class="error-summary__title" id="error-summary-title" { "There is a problem" }
            ul class="error-summary__list" {
                @for (name, message) in items {
                    li { a href={ "#" (name) } { (message) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_with_error_keeps_value_and_links_error() {
        let mut e = FieldErrors::new();
        e.push(FieldError::new("title", "enter a value"));
        let html = text_input("title", "Title", "<b>x</b>", Some("Short"), &e).into_string();
        assert!(html.contains("id=\"title-error\""));
        assert!(html.contains("Enter a value"));
        assert!(html.contains("aria-describedby=\"title-hint title-error\""));
        assert!(html.contains("value=\"&lt;b&gt;x&lt;/b&gt;\""));
        let summary = error_summary(&e).into_string();
        assert!(summary.contains("There is a problem"));
        assert!(summary.contains("href=\"#title\""));
        assert!(error_summary(&FieldErrors::new()).into_string().is_empty());
    }

    /// The domain's problems in the page's words, on the fields as the forms name them.
    #[test]
    fn problems_are_worded_for_the_page() {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        for (field, problem, sentence) in [
            (Field::Title, Problem::Missing, "Enter a title"),
            (
                Field::Method,
                Problem::TooLong { max: 200 },
                "Method must be 200 characters or fewer",
            ),
            (
                Field::Study,
                Problem::TooLong { max: 10_000 },
                "Study must be 10,000 characters or fewer",
            ),
            (
                Field::Chart,
                Problem::NotOneOf {
                    allowed: vec!["run"],
                },
                "Choose a chart type from the list",
            ),
            (Field::Status, Problem::Missing, "Choose a status"),
            (
                Field::Rebase,
                Problem::NoReason { date },
                "Enter why the chart is rebased on 1 Mar 2024",
            ),
            (
                Field::FixAfter,
                Problem::NotAWholeNumber {
                    min: 2,
                    max: 100_000,
                },
                "Enter a whole number of points from 2 to 100,000, or leave it blank",
            ),
            (
                Field::Follows,
                Problem::MakesLoop {
                    title: "Cycle 3".into(),
                },
                "\u{201c}Cycle 3\u{201d} already comes after this cycle in its ramp; choose a \
                 cycle that comes before it",
            ),
        ] {
            assert_eq!(problem_sentence(field, &problem), sentence);
        }
        let errors = FieldErrors::from(vec![
            FieldProblem {
                field: Field::Team,
                index: None,
                problem: Problem::NotATeam,
            },
            FieldProblem {
                field: Field::Kind,
                index: None,
                problem: Problem::Missing,
            },
        ]);
        assert_eq!(
            errors.get("team"),
            Some("Choose a team of the organisation")
        );
        assert_eq!(
            errors.get("kind"),
            Some("Choose outcome, process or balancing")
        );
    }

    #[test]
    fn select_marks_the_chosen_option() {
        let html = select(
            "m",
            "Method",
            &[("a", "A"), ("b", "B")],
            "b",
            &FieldErrors::new(),
        )
        .into_string();
        assert!(html.contains("<option value=\"b\" selected>B</option>"));
    }
}
