//! Accessible form fields in the NHS.UK style: a label, an optional hint, the error next to the
//! field (linked by `aria-describedby`), and what the user typed kept in the field.

use std::collections::HashMap;

use gemba_domain::FieldError;
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
