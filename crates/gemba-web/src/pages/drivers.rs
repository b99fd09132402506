//! Driver diagrams: aim → primary drivers → secondary drivers → change ideas, drawn as nested
//! lists (readable on a phone and by screen readers) and edited with plain forms, no
//! JavaScript needed.

use crate::pages::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    Action, DriverKind, DriverNode, DriverNodeId, DriverTextDraft, Project, ProjectId, Resource,
    StoreError, Version,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::confirm;
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::load_project;
use super::projects::CsrfForm;
use super::session::{see_other, CurrentUser};
use crate::AppState;

page_routes! {
    get "/projects/{id}/drivers" => editor, Do(Action::EditDriverDiagram);
    post "/projects/{id}/drivers" => add, Do(Action::EditDriverDiagram);
    post "/projects/{id}/drivers/{node}/edit" => edit, Do(Action::EditDriverDiagram);
    post "/projects/{id}/drivers/{node}/delete" => delete, Do(Action::Delete);
    post "/drivers/{node}/restore" => restore, Do(Action::Restore);
}

/// "Primary driver", "Secondary driver", "Change idea".
pub(crate) fn kind_label(k: DriverKind) -> &'static str {
    match k {
        DriverKind::Primary => "Primary driver",
        DriverKind::Secondary => "Secondary driver",
        DriverKind::ChangeIdea => "Change idea",
    }
}

/// The same in the middle of a sentence.
pub(crate) fn kind_words(k: DriverKind) -> &'static str {
    match k {
        DriverKind::Primary => "primary driver",
        DriverKind::Secondary => "secondary driver",
        DriverKind::ChangeIdea => "change idea",
    }
}

fn children(nodes: &[DriverNode], parent: Option<DriverNodeId>) -> Vec<&DriverNode> {
    nodes.iter().filter(|n| n.parent == parent).collect()
}

fn aim_line(project: &Project) -> Markup {
    html! {
        p class="driver driver--aim" {
            span class="driver__kind" { "Aim" }
            @if project.aim.trim().is_empty() { "No aim yet" } @else { (project.aim) }
        }
    }
}

/// The diagram, read only.
pub(crate) fn diagram(project: &Project, nodes: &[DriverNode]) -> Markup {
    fn level(nodes: &[DriverNode], parent: Option<DriverNodeId>) -> Markup {
        let kids = children(nodes, parent);
        html! {
            @if !kids.is_empty() {
                ul class="driver-list" {
                    @for n in kids {
                        li class={ "driver driver--" (n.kind.name()) } {
                            span class="driver__kind" { (kind_label(n.kind)) }
                            span class="driver__text" { (n.text) }
                            @if let Some(idea) = n.idea {
                                " " a class="driver__idea" href={ "/ideas/" (idea) } { "from a staff idea" }
                            }
                            (level(nodes, Some(n.id)))
                        }
                    }
                }
            }
        }
    }
    html! {
        div class="driver-diagram" {
            (aim_line(project))
            @if nodes.is_empty() {
                p class="hint" { "No drivers yet." }
            } @else {
                (level(nodes, None))
            }
        }
    }
}

/// The editor: every node with a form to change its text, a delete button and a form to add
/// a child, then a form to add a primary driver.
/// Delete buttons only for those who may delete (`delete`).
fn editor_page(
    user: &CurrentUser,
    project: &Project,
    nodes: &[DriverNode],
    delete: bool,
) -> Markup {
    fn level(
        user: &CurrentUser,
        p: &Project,
        nodes: &[DriverNode],
        parent: Option<DriverNodeId>,
        delete: bool,
    ) -> Markup {
        let kids = children(nodes, parent);
        html! {
            @if !kids.is_empty() {
                ul class="driver-list driver-list--edit" {
                    @for n in kids {
                        li class={ "driver driver--" (n.kind.name()) } id={ "node-" (n.id) } {
                            form method="post" class="inline-form"
                                action={ "/projects/" (p.id) "/drivers/" (n.id) "/edit" } {
                                (csrf_field(user))
                                (conflict::version_field(n.version))
                                div class="form-group" {
                                    label class="label" for={ "text-" (n.id) } { (kind_label(n.kind)) }
                                    input class="input" type="text" id={ "text-" (n.id) }
                                        name="text" value=(n.text);
                                }
                                button type="submit" class="button button--secondary" {
                                    "Save"
                                    span class="visually-hidden" { " " (kind_words(n.kind)) " " (n.text) }
                                }
                            }
                            @if delete {
                                form method="post" class="inline-form"
                                    action={ "/projects/" (p.id) "/drivers/" (n.id) "/delete" } {
                                    (csrf_field(user))
                                    (conflict::version_field(n.version))
                                    button type="submit" class="button button--warning" {
                                        "Delete"
                                        span class="visually-hidden" { " " (kind_words(n.kind)) " " (n.text) }
                                    }
                                }
                            }
                            (level(user, p, nodes, Some(n.id), delete))
                            @if let Some(child) = n.kind.child() {
                                (add_form(user, p, Some(n), child))
                            }
                        }
                    }
                }
            }
        }
    }
    let body = html! {
        a class="back-link" href={ "/projects/" (project.id) } { "Back to the project" }
        h1 { "Driver diagram" }
        p {
            "Work from the aim to primary drivers (the big factors that must change), "
            "secondary drivers (their parts) and change ideas to test in PDSA cycles. "
            "Deleting a driver deletes what is under it; an admin can restore them together."
        }
        div class="driver-diagram" {
            (aim_line(project))
            (level(user, project, nodes, None, delete))
            (add_form(user, project, None, DriverKind::Primary))
        }
    };
    layout::page("Driver diagram", Some(user), body)
}

/// A form adding a node of `kind` under `parent`, with a field id unique on the page.
fn add_form(
    user: &CurrentUser,
    p: &Project,
    parent: Option<&DriverNode>,
    kind: DriverKind,
) -> Markup {
    let id = match parent {
        Some(n) => format!("add-under-{}", n.id),
        None => "add-primary".to_owned(),
    };
    html! {
        form method="post" action={ "/projects/" (p.id) "/drivers" } class="add-form" {
            (csrf_field(user))
            @if let Some(n) = parent {
                input type="hidden" name="parent" value=(n.id);
            }
            div class="form-group" {
                label class="label" for=(id) {
                    "Add a " (kind_words(kind))
                    @if let Some(n) = parent {
                        span class="visually-hidden" { " under " (n.text) }
                    }
                }
                input class="input" type="text" id=(id) name="text";
            }
            button type="submit" class="button button--secondary" {
                "Add" span class="visually-hidden" { " " (kind_words(kind)) }
            }
        }
    }
}

/// One form shown again with its error (blank or too long text), keeping what was typed.
struct Retry<'a> {
    action: String,
    heading: String,
    text: &'a str,
    parent: Option<DriverNodeId>,
    errors: FieldErrors,
    /// The version of the node being changed, which the form carries.
    version: Option<Version>,
    /// The conflict notice, when a save was refused because someone else saved first.
    clash: Option<Markup>,
}

fn retry_page(user: &CurrentUser, p: &Project, r: Retry<'_>) -> Response {
    let conflicted = r.clash.is_some();
    let body = html! {
        a class="back-link" href={ "/projects/" (p.id) "/drivers" } { "Back to the driver diagram" }
        h1 { (r.heading) }
        @if let Some(clash) = r.clash {
            (clash)
        }
        (form::error_summary(&r.errors))
        form method="post" action=(r.action) novalidate {
            (csrf_field(user))
            @if let Some(parent) = r.parent {
                input type="hidden" name="parent" value=(parent);
            }
            @if let Some(v) = r.version {
                (conflict::version_field(v))
            }
            (form::text_input("text", "Text", r.text, None, &r.errors))
            button type="submit" class="button" { "Save" }
        }
    };
    let (status, title) = if conflicted {
        (
            StatusCode::CONFLICT,
            format!("Changed by someone else: {}", r.heading),
        )
    } else {
        (StatusCode::BAD_REQUEST, format!("Error: {}", r.heading))
    };
    (status, layout::page(&title, Some(user), body)).into_response()
}

async fn editor(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (p, grant) = load_project(&state, &user, ProjectId(id), Action::EditDriverDiagram).await?;
    let nodes = state.store.driver_nodes(p.id).await?;
    Ok(editor_page(&user, &p, &nodes, grant.may(Action::Delete)))
}

#[derive(Debug, Default, Deserialize)]
struct NodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    text: String,
    /// The version of the node the form was loaded with (edits and deletes).
    #[serde(default)]
    version: String,
    /// `yes` from the delete confirmation page; anything else asks first.
    #[serde(default)]
    confirm: String,
}

/// The node `id` of project `p`'s diagram; a node of another project is not found.
async fn node_of(state: &AppState, p: &Project, id: i64) -> Result<DriverNode, PageError> {
    state
        .store
        .driver_nodes(p.id)
        .await?
        .into_iter()
        .find(|n| n.id == DriverNodeId(id))
        .ok_or(PageError::NotFound)
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<NodeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, _) = load_project(&state, &user, ProjectId(id), Action::EditDriverDiagram).await?;
    let (parent, kind) = match f.parent.trim() {
        "" => (None, DriverKind::Primary),
        s => {
            let pid = s.parse::<i64>().map_err(|_| PageError::NotFound)?;
            let parent = node_of(&state, &p, pid).await?;
            let kind = parent.kind.child().ok_or_else(|| {
                PageError::BadRequest("Nothing can be added under a change idea.".to_owned())
            })?;
            (Some(parent.id), kind)
        }
    };
    let text = match (DriverTextDraft {
        text: Some(f.text.clone()),
    })
    .apply(None)
    {
        Ok(t) => t,
        Err(e) => {
            let retry = Retry {
                action: format!("/projects/{}/drivers", p.id),
                heading: format!("Add a {}", kind_words(kind)),
                text: &f.text,
                parent,
                errors: e.into(),
                version: None,
                clash: None,
            };
            return Ok(retry_page(&user, &p, retry));
        }
    };
    let node = state
        .store
        .add_driver_node(p.id, parent, kind, text.as_str(), user.user.id)
        .await?;
    Ok(see_other(&format!(
        "/projects/{}/drivers#node-{node}",
        p.id
    )))
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, node)): Path<(i64, i64)>,
    Form(f): Form<NodeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, _) = load_project(&state, &user, ProjectId(id), Action::EditDriverDiagram).await?;
    let node = node_of(&state, &p, node).await?;
    let text = match (DriverTextDraft {
        text: Some(f.text.clone()),
    })
    .apply(None)
    {
        Ok(t) => t,
        Err(e) => {
            let retry = Retry {
                action: format!("/projects/{}/drivers/{}/edit", p.id, node.id),
                heading: format!("Change the {}", kind_words(node.kind)),
                text: &f.text,
                parent: None,
                errors: e.into(),
                version: conflict::parse(&f.version),
                clash: None,
            };
            return Ok(retry_page(&user, &p, retry));
        }
    };
    let saved = match conflict::parse(&f.version) {
        Some(v) => {
            state
                .store
                .update_driver_node(node.id, text.as_str(), v, user.user.id)
                .await
        }
        None => Err(StoreError::Stale(format!("the node {}", node.id))),
    };
    match saved {
        Ok(_) => {}
        Err(StoreError::Stale(_)) => {
            // Someone else saved first: their text beside ours, ours kept in the form.
            let now = node_of(&state, &p, node.id.0).await?;
            let label = kind_label(now.kind);
            let clash = conflict::notice(
                kind_words(now.kind),
                &[(label, now.text.clone())],
                &[(label, f.text.clone())],
            );
            let retry = Retry {
                action: format!("/projects/{}/drivers/{}/edit", p.id, now.id),
                heading: format!("Change the {}", kind_words(now.kind)),
                text: &f.text,
                parent: None,
                errors: FieldErrors::new(),
                version: Some(now.version),
                clash: Some(clash),
            };
            return Ok(retry_page(&user, &p, retry));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!(
        "/projects/{}/drivers#node-{}",
        p.id, node.id
    )))
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, node)): Path<(i64, i64)>,
    Form(f): Form<NodeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (p, _) = load_project(&state, &user, ProjectId(id), Action::Delete).await?;
    let node = node_of(&state, &p, node).await?;
    // A form that names no version deletes whatever is stored (as before versions).
    let expected = conflict::parse(&f.version);
    let diagram = format!("/projects/{}/drivers", p.id);
    confirm::Deletion {
        kind: confirm::Kind::DriverNode,
        name: &node.text,
        action: format!("/projects/{}/drivers/{}/delete", p.id, node.id),
        back: diagram.clone(),
        next: diagram,
    }
    .run(
        &user,
        &f.confirm,
        expected,
        state
            .store
            .delete_driver_node(node.id, expected, user.user.id),
    )
    .await
}

/// The deleted nodes of a project's diagram that can be restored now: those whose parent is
/// live (the others come back with a deleted ancestor), most recently deleted first.
pub(crate) fn restorable(deleted: &[DriverNode]) -> Vec<&DriverNode> {
    deleted
        .iter()
        .filter(|n| n.parent.is_none_or(|p| !deleted.iter().any(|d| d.id == p)))
        .collect()
}

/// Brings back a deleted node, with the nodes deleted with it, in a live project: admins only.
/// Deleted nodes of other organisations, and ids that are not deleted nodes, look missing.
async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = DriverNodeId(id);
    let owner = user
        .access(&state)
        .resource(Resource::DriverNode(id), Action::Restore)
        .await?;
    let project = owner.item().project.ok_or(PageError::NotFound)?;
    let deleted = state.store.deleted_driver_nodes(project).await?;
    let node = deleted
        .iter()
        .find(|n| n.id == id)
        .ok_or(PageError::NotFound)?;
    if !restorable(&deleted).iter().any(|n| n.id == id) {
        return Err(PageError::BadRequest(format!(
            "The {} “{}” was deleted with a driver above it: restore that one first.",
            kind_words(node.kind),
            node.text
        )));
    }
    state.store.restore_driver_node(id, user.user.id).await?;
    Ok(see_other(&format!("/projects/{project}/drivers#node-{id}")))
}
