//! What a stale save shows: every edit form carries the version it was loaded with (a hidden
//! `version` field); when the store refuses the save because someone else saved in between, the
//! form comes back with status 409, a notice at the top comparing, field by field, what is saved
//! now with what the user typed, the user's own values still in the form, and the new version,
//! so that saving again deliberately replaces the other person's values.

use gemba_domain::Version;
use maud::{html, Markup};

/// The name of the hidden field that carries the version a form was loaded with.
pub(crate) const FIELD: &str = "version";

/// The hidden field carrying `version`.
pub(crate) fn version_field(version: Version) -> Markup {
    html! { input type="hidden" name=(FIELD) value=(version); }
}

/// The version a form says it was loaded with; `None` when the field is missing or not a
/// version (a form from before versions, or a tampered one), which the caller treats as stale.
pub(crate) fn parse(s: &str) -> Option<Version> {
    s.trim().parse::<i64>().ok().filter(|v| *v > 0).map(Version)
}

/// One field of a form as people read it: its label and its value in words.
pub(crate) type Shown = (&'static str, String);

/// The fields whose values differ between what is saved now (`theirs`) and what the user typed
/// (`yours`), as (label, theirs, yours), in the form's order. Both lists name the same fields in
/// the same order.
pub(crate) fn differences(
    theirs: &[Shown],
    yours: &[Shown],
) -> Vec<(&'static str, String, String)> {
    theirs
        .iter()
        .zip(yours)
        .filter(|((_, t), (_, y))| t.trim() != y.trim())
        .map(|((label, t), (_, y))| (*label, t.clone(), y.clone()))
        .collect()
}

/// A value as the comparison shows it: "(empty)" for nothing.
fn value(s: &str) -> Markup {
    if s.trim().is_empty() {
        html! { span class="conflict__empty" { "(empty)" } }
    } else {
        html! { (s) }
    }
}

/// The notice at the top of a form whose save was refused: `noun` is what was edited ("project",
/// "measure", "PDSA cycle", "driver diagram node"); `theirs` and `yours` as for
/// [`differences`].
pub(crate) fn notice(noun: &str, theirs: &[Shown], yours: &[Shown]) -> Markup {
    let diffs = differences(theirs, yours);
    html! {
        div class="error-summary conflict" role="alert" tabindex="-1" aria-labelledby="conflict-title" {
            h2 class="error-summary__title" id="conflict-title" {
                "Someone else changed this " (noun) " while you were editing it"
            }
            p {
                "Your changes have not been saved yet, and nothing you typed is lost: it is in the "
                "form on this page. Compare it with what is saved now. To keep your version, check the "
                "form and save again: this replaces what is saved now. To keep theirs, leave this "
                "page without saving."
            }
            @if diffs.is_empty() {
                p { "What is saved now and your version are the same in every field." }
            } @else {
                div class="table-wrap" {
                    table class="table conflict__table" {
                        caption class="conflict__caption" { "Fields that differ" }
                        thead {
                            tr {
                                th scope="col" { "Field" }
                                th scope="col" { "Saved now by someone else" }
                                th scope="col" { "Your version" }
                            }
                        }
                        tbody {
                            @for (label, t, y) in &diffs {
                                tr {
                                    th scope="row" { (label) }
                                    td data-label="Saved now by someone else" { (value(t)) }
                                    td data-label="Your version" { (value(y)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fields_that_differ_are_compared() {
        let theirs = [("Title", "Falls".to_owned()), ("Aim", "Halve".to_owned())];
        let yours = [("Title", "Falls ".to_owned()), ("Aim", "Third".to_owned())];
        assert_eq!(
            differences(&theirs, &yours),
            vec![("Aim", "Halve".to_owned(), "Third".to_owned())]
        );
        let html = notice("project", &theirs, &yours).into_string();
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("<th scope=\"row\">Aim</th>"));
        assert!(!html.contains("<th scope=\"row\">Title</th>"));
    }

    #[test]
    fn versions_are_whole_numbers_from_one() {
        assert_eq!(parse("3"), Some(Version(3)));
        assert_eq!(parse(" 12 "), Some(Version(12)));
        assert_eq!(parse(""), None);
        assert_eq!(parse("0"), None);
        assert_eq!(parse("x"), None);
    }
}
