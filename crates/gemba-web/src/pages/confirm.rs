//! Deleting asks first and says afterwards what happened: a delete button posts its form
//! without `confirm=yes`, which answers with a page that names the thing and what deleting
//! means (hidden from everyone, restorable by an admin) and a "Yes, delete" button carrying the
//! same fields; after the delete, a page confirms it and leads on.

use axum::extract::{Query, State};
use axum::response::Response;
use gemba_domain::Version;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};

use super::error::PageError;
use super::layout::{self, csrf_field};
use super::session::{local_path, see_other, CurrentUser};
use crate::AppState;

/// The value of the `confirm` field that a confirmation page's button sends.
pub(crate) const YES: &str = "yes";

/// What is deleted, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// A project.
    Project,
    /// A measure.
    Measure,
    /// A PDSA cycle.
    PdsaCycle,
    /// A driver diagram node (and the nodes below it).
    DriverNode,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Project => "project",
            Kind::Measure => "measure",
            Kind::PdsaCycle => "PDSA cycle",
            Kind::DriverNode => "driver diagram entry",
        }
    }

    /// What deleting does, in a sentence.
    fn consequence(self) -> &'static str {
        match self {
            Kind::Project => {
                "It will be hidden from everyone, with its measures, data and PDSA cycles."
            }
            Kind::Measure => "It will be hidden from everyone, with its chart and data.",
            Kind::PdsaCycle => "It will be hidden from everyone and no longer marked on charts.",
            Kind::DriverNode => "It will be hidden from everyone, with the entries below it.",
        }
    }
}

/// The page that asks before deleting: posts `action` again with `confirm=yes`, the version
/// the user saw and the CSRF token; "No" goes back to `back`.
fn ask(
    user: &CurrentUser,
    kind: Kind,
    name: &str,
    action: &str,
    version: Option<Version>,
    back: &str,
) -> Markup {
    let title = format!("Delete this {}?", kind.noun());
    let body = html! {
        h1 { (title) }
        p class="lede" { strong { (name) } }
        p { (kind.consequence()) " An admin can restore it from Deleted items." }
        form method="post" action=(action) {
            (csrf_field(user))
            input type="hidden" name="confirm" value=(YES);
            @if let Some(v) = version { (super::conflict::version_field(v)) }
            button type="submit" class="button button--warning" { "Yes, delete " (kind.noun()) }
        }
        p { a href=(local_path(back)) { "No, go back" } }
    };
    layout::page(&title, Some(user), body)
}

/// One deletion as a page does it: what, its name, where the button posts, where "No" and
/// "Continue" lead.
pub(crate) struct Deletion<'a> {
    /// What is deleted.
    pub(crate) kind: Kind,
    /// Its name, as the user knows it.
    pub(crate) name: &'a str,
    /// The delete form's action (posted again with `confirm=yes`).
    pub(crate) action: String,
    /// The page "No, go back" returns to.
    pub(crate) back: String,
    /// The page after the deletion.
    pub(crate) next: String,
}

impl Deletion<'_> {
    /// Asks first unless the form said `yes` (`confirm`); then runs `delete` and answers with
    /// the page that says what happened.
    pub(crate) async fn run<F>(
        self,
        user: &CurrentUser,
        confirm: &str,
        version: Option<Version>,
        delete: F,
    ) -> Result<Response, PageError>
    where
        F: std::future::Future<Output = Result<(), gemba_domain::StoreError>>,
    {
        if confirm != YES {
            let page = ask(
                user,
                self.kind,
                self.name,
                &self.action,
                version,
                &self.back,
            );
            return Ok(axum::response::IntoResponse::into_response(page));
        }
        delete.await?;
        Ok(done(self.kind, self.name, &self.next))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Deleted {
    kind: Kind,
    name: String,
    next: String,
}

/// After a delete: to the page that says what was deleted, which leads on to `next`.
fn done(kind: Kind, name: &str, next: &str) -> Response {
    let query = serde_urlencoded::to_string(Deleted {
        kind,
        name: name.chars().take(300).collect(),
        next: next.to_owned(),
    })
    .unwrap_or_default();
    see_other(&format!("/deleted?{query}"))
}

/// `GET /deleted`: "The project “Falls” was deleted."
async fn deleted_page(
    State(_): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Deleted>,
) -> Result<Markup, PageError> {
    let title = format!("{} deleted", sentence_case(q.kind.noun()));
    let is_admin = user
        .memberships
        .iter()
        .any(|m| gemba_domain::permits(m.role, false, gemba_domain::Action::Restore));
    let body = html! {
        div class="notice notice--success" role="status" {
            h1 { (title) }
            p { "“" (q.name) "” was deleted. " (q.kind.consequence().replace("It will be", "It is")) }
            p {
                @if is_admin {
                    "You can restore it from " a href="/admin/deleted" { "Deleted items" } "."
                } @else {
                    "If it was a mistake, an admin can restore it."
                }
            }
        }
        p { a class="button" href=(local_path(&q.next)) { "Continue" } }
    };
    Ok(layout::page(&title, Some(&user), body))
}

fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

page_routes! {
    get "/deleted" => deleted_page, Own;
}
