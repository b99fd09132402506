//! PDSA cycles: log one (the plan), see its four stages and its ramp, and record do, study and
//! act as the cycle goes.

use crate::pages::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    check_pdsa_links, ActDecision, Action, DriverKind, DriverNode, Grant, PdsaCycle, PdsaDraft,
    PdsaFields, PdsaId, Project, ProjectId, Resource, StoreError,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::confirm;
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::load_project;
use super::projects::{CsrfForm, DeleteForm};
use super::session::{see_other, CurrentUser};
use crate::AppState;

page_routes! {
    get "/projects/{id}/pdsa/new" => new_page, Do(Action::LogPdsa);
    post "/projects/{id}/pdsa/new" => create, Do(Action::LogPdsa);
    get "/pdsa/{id}" => show, Do(Action::Read);
    get "/pdsa/{id}/edit" => edit_page, Do(Action::LogPdsa);
    post "/pdsa/{id}/edit" => update, Do(Action::LogPdsa);
    post "/pdsa/{id}/delete" => delete, Do(Action::Delete);
    post "/pdsa/{id}/restore" => restore, Do(Action::Restore);
}

/// The cycle `id`, for `action`, with its project and what the user may do there; `NotFound`
/// when it does not exist or belongs to another organisation, `Denied` when the user may not
/// take `action`.
async fn load_pdsa(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
) -> Result<(PdsaCycle, Project, Grant), PageError> {
    let ((cycle, project), grant) = user
        .access(state)
        .pdsa(PdsaId(id), action)
        .await?
        .into_parts();
    Ok((cycle, project, grant))
}

fn uk_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn act_label(a: ActDecision) -> &'static str {
    match a {
        ActDecision::Adopt => "Adopt: keep the change",
        ActDecision::Adapt => "Adapt: change it and test again",
        ActDecision::Abandon => "Abandon: drop it",
    }
}

/// The PDSA form as typed; `edit` forms also carry do, study and act.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct PdsaForm {
    csrf: String,
    title: String,
    start_date: String,
    change_idea: String,
    follows: String,
    objective: String,
    prediction: String,
    plan: String,
    data_plan: String,
    do_notes: String,
    study: String,
    act: String,
    act_notes: String,
    scale: String,
    /// The version of the cycle the form was loaded with (edits only).
    version: String,
}

impl PdsaForm {
    fn of(f: &PdsaFields) -> Self {
        PdsaForm {
            csrf: String::new(),
            title: f.title.clone(),
            start_date: f.start_date.map(|d| d.to_string()).unwrap_or_default(),
            change_idea: f.change_idea.map(|c| c.to_string()).unwrap_or_default(),
            follows: f.follows.map(|c| c.to_string()).unwrap_or_default(),
            objective: f.objective.clone(),
            prediction: f.prediction.clone(),
            plan: f.plan.clone(),
            data_plan: f.data_plan.clone(),
            do_notes: f.do_notes.clone(),
            study: f.study.clone(),
            act: f.act.map(|a| a.name().to_owned()).unwrap_or_default(),
            act_notes: f.act_notes.clone(),
            scale: f.scale.clone(),
            version: String::new(),
        }
    }

    /// The fields as people read them, in the form's order, for the conflict notice; links by
    /// the text and title they point to.
    fn shown(&self, ideas: &[DriverNode], cycles: &[PdsaCycle]) -> Vec<conflict::Shown> {
        let idea = ideas
            .iter()
            .find(|n| n.id.to_string() == self.change_idea.trim())
            .map_or_else(|| "None chosen".to_owned(), |n| n.text.clone());
        let follows = cycles
            .iter()
            .find(|c| c.id.to_string() == self.follows.trim())
            .map_or_else(|| "None".to_owned(), |c| c.fields.title.clone());
        let act = ActDecision::parse(&self.act)
            .map_or_else(|| "Not decided yet".to_owned(), |a| act_label(a).to_owned());
        vec![
            ("Title", self.title.clone()),
            ("Start date", self.start_date.clone()),
            ("Change idea being tested", idea),
            ("Follows an earlier cycle", follows),
            ("Objective", self.objective.clone()),
            ("Prediction", self.prediction.clone()),
            ("Plan", self.plan.clone()),
            ("Scale of the test", self.scale.clone()),
            ("Data to collect", self.data_plan.clone()),
            ("What happened", self.do_notes.clone()),
            ("Study", self.study.clone()),
            ("Decision", act),
            ("What next", self.act_notes.clone()),
        ]
    }

    /// The draft the form is: every field sent.
    fn draft(&self) -> PdsaDraft {
        PdsaDraft {
            title: Some(self.title.clone()),
            start_date: Some(self.start_date.clone()),
            change_idea: Some(self.change_idea.clone()),
            follows: Some(self.follows.clone()),
            objective: Some(self.objective.clone()),
            prediction: Some(self.prediction.clone()),
            plan: Some(self.plan.clone()),
            data_plan: Some(self.data_plan.clone()),
            do_notes: Some(self.do_notes.clone()),
            study: Some(self.study.clone()),
            act: Some(self.act.clone()),
            act_notes: Some(self.act_notes.clone()),
            scale: Some(self.scale.clone()),
        }
    }

    /// The validated fields over `this` cycle's (when editing), with the domain's links rule
    /// over the project's live change ideas and cycles: links kept as they are stay, even to
    /// what was deleted since.
    fn fields(
        &self,
        ideas: &[DriverNode],
        cycles: &[PdsaCycle],
        this: Option<&PdsaCycle>,
    ) -> Result<PdsaFields, FieldErrors> {
        let current = this.map(|c| &c.fields);
        let fields = self.draft().apply(current)?;
        check_pdsa_links(&fields, current, this.map(|c| c.id), ideas, cycles)?;
        Ok(fields)
    }
}

const FORM_ORDER: [&str; 13] = [
    "title",
    "start_date",
    "change_idea",
    "follows",
    "objective",
    "prediction",
    "plan",
    "scale",
    "data_plan",
    "do_notes",
    "study",
    "act",
    "act_notes",
];

/// The project's change ideas and PDSA cycles, for the form's lists.
async fn choices(
    state: &AppState,
    project: ProjectId,
) -> Result<(Vec<DriverNode>, Vec<PdsaCycle>), PageError> {
    let ideas: Vec<DriverNode> = state
        .store
        .driver_nodes(project)
        .await?
        .into_iter()
        .filter(|n| n.kind == DriverKind::ChangeIdea)
        .collect();
    let cycles = state.store.pdsas(project).await?;
    Ok((ideas, cycles))
}

/// `offered` with the item a cycle links to (`linked`, found by `id`) added from `deleted`
/// when it is not among them, its name marked by `mark`, so that editing the cycle keeps its
/// link (other deleted items are not offered).
fn with_deleted<T, I: PartialEq>(
    mut offered: Vec<T>,
    linked: Option<I>,
    id: impl Fn(&T) -> I,
    deleted: Vec<T>,
    mark: impl FnOnce(&mut T),
) -> Vec<T> {
    if let Some(linked) = linked.filter(|l| !offered.iter().any(|x| id(x) == *l)) {
        if let Some(mut x) = deleted.into_iter().find(|x| id(x) == linked) {
            mark(&mut x);
            offered.push(x);
        }
    }
    offered
}

/// The change idea a cycle tests among `ideas`, added marked as deleted when it was deleted
/// since.
async fn keep_deleted_idea(
    state: &AppState,
    cycle: &PdsaCycle,
    ideas: Vec<DriverNode>,
) -> Result<Vec<DriverNode>, PageError> {
    let linked = cycle.fields.change_idea;
    let deleted = match linked {
        Some(id) if !ideas.iter().any(|n| n.id == id) => {
            state.store.deleted_driver_nodes(cycle.project).await?
        }
        _ => Vec::new(),
    };
    Ok(with_deleted(
        ideas,
        linked,
        |n| n.id,
        deleted,
        |n| {
            n.text = format!("{} (deleted)", n.text);
        },
    ))
}

/// The cycle a cycle follows among `cycles`, added marked as deleted when it was deleted since.
async fn keep_deleted_cycle(
    state: &AppState,
    cycle: &PdsaCycle,
    cycles: Vec<PdsaCycle>,
) -> Result<Vec<PdsaCycle>, PageError> {
    let linked = cycle.fields.follows;
    let deleted = match linked {
        Some(id) if !cycles.iter().any(|c| c.id == id) => {
            state.store.deleted_pdsas(cycle.project).await?
        }
        _ => Vec::new(),
    };
    Ok(with_deleted(
        cycles,
        linked,
        |c| c.id,
        deleted,
        |c| {
            c.fields.title = format!("{} (deleted)", c.fields.title);
        },
    ))
}

/// The project's live change ideas and cycles (for the links rule), and the lists the edit
/// form of `cycle` offers: the live ones and those it already links to, deleted since.
async fn edit_choices(
    state: &AppState,
    cycle: &PdsaCycle,
) -> Result<
    (
        Vec<DriverNode>,
        Vec<PdsaCycle>,
        Vec<DriverNode>,
        Vec<PdsaCycle>,
    ),
    PageError,
> {
    let (ideas, cycles) = choices(state, cycle.project).await?;
    let offered_ideas = keep_deleted_idea(state, cycle, ideas.clone()).await?;
    let offered_cycles = keep_deleted_cycle(state, cycle, cycles.clone()).await?;
    Ok((ideas, cycles, offered_ideas, offered_cycles))
}

struct FormContext<'a> {
    action: String,
    user: &'a CurrentUser,
    ideas: &'a [DriverNode],
    cycles: &'a [PdsaCycle],
    this: Option<PdsaId>,
}

fn pdsa_form(c: &FormContext, f: &PdsaForm, e: &FieldErrors) -> Markup {
    let idea_ids: Vec<String> = c.ideas.iter().map(|n| n.id.to_string()).collect();
    let mut ideas: Vec<(&str, &str)> = vec![("", "None chosen")];
    ideas.extend(
        c.ideas
            .iter()
            .zip(&idea_ids)
            .map(|(n, id)| (id.as_str(), n.text.as_str())),
    );
    let earlier: Vec<&PdsaCycle> = c.cycles.iter().filter(|x| Some(x.id) != c.this).collect();
    let cycle_ids: Vec<String> = earlier.iter().map(|x| x.id.to_string()).collect();
    let mut follows: Vec<(&str, &str)> = vec![("", "None: this is the first cycle of its ramp")];
    follows.extend(
        earlier
            .iter()
            .zip(&cycle_ids)
            .map(|(x, id)| (id.as_str(), x.fields.title.as_str())),
    );
    let mut acts: Vec<(&str, &str)> = vec![("", "Not decided yet")];
    acts.extend(ActDecision::ALL.iter().map(|a| (a.name(), act_label(*a))));
    let editing = c.this.is_some();
    html! {
        (form::error_summary_ordered(e, &FORM_ORDER))
        form method="post" action=(c.action) novalidate {
            (csrf_field(c.user))
            @if let (true, Some(v)) = (editing, conflict::parse(&f.version)) {
                (conflict::version_field(v))
            }
            (form::text_input("title", "Title", &f.title,
                Some("For example, \"Cycle 1: phone reminders the day before\""), e))
            (form::text_input("start_date", "Start date", &f.start_date,
                Some("For example, 2024-03-01 or 01/03/2024; the cycle is marked on the charts from this date"), e))
            @if c.ideas.is_empty() {
                p class="hint" { "The project's driver diagram has no change ideas yet to link this cycle to." }
            } @else {
                (form::select("change_idea", "Change idea being tested", &ideas, &f.change_idea, e))
            }
            (form::select("follows", "Follows an earlier cycle (for a ramp)", &follows, &f.follows, e))
            fieldset class="fieldset" {
                legend class="fieldset__legend" { h2 { "Plan" } }
                (form::textarea("objective", "Objective", &f.objective,
                    Some("What this cycle will test"), e))
                (form::textarea("prediction", "Prediction", &f.prediction,
                    Some("What you think will happen"), e))
                (form::textarea("plan", "Who, what, where, when", &f.plan, None, e))
                (form::text_input("scale", "Scale of the test", &f.scale,
                    Some("For example 1 patient, 1 night shift, 2 bays, the whole ward"), e))
                (form::textarea("data_plan", "Data to collect", &f.data_plan, None, e))
            }
            @if editing {
                fieldset class="fieldset" {
                    legend class="fieldset__legend" { h2 { "Do" } }
                    (form::textarea("do_notes", "What happened, and any problems", &f.do_notes, None, e))
                }
                fieldset class="fieldset" {
                    legend class="fieldset__legend" { h2 { "Study" } }
                    (form::textarea("study", "The result against the prediction", &f.study,
                        Some("Look at the measures' charts: the cycle is marked on them"), e))
                }
                fieldset class="fieldset" {
                    legend class="fieldset__legend" { h2 { "Act" } }
                    (form::select("act", "Decision", &acts, &f.act, e))
                    (form::textarea("act_notes", "What next", &f.act_notes,
                        Some("For example, the next cycle of the ramp"), e))
                }
            }
            button type="submit" class="button" { "Save PDSA cycle" }
        }
    }
}

async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (project, _) = load_project(&state, &user, ProjectId(id), Action::LogPdsa).await?;
    let (ideas, cycles) = choices(&state, project.id).await?;
    let ctx = FormContext {
        action: format!("/projects/{}/pdsa/new", project.id),
        user: &user,
        ideas: &ideas,
        cycles: &cycles,
        this: None,
    };
    Ok(new_pdsa_page(
        &ctx,
        &project,
        &PdsaForm::default(),
        &FieldErrors::new(),
    ))
}

fn new_pdsa_page(c: &FormContext, p: &Project, f: &PdsaForm, e: &FieldErrors) -> Markup {
    let body = html! {
        a class="back-link" href={ "/projects/" (p.id) } { "Back to " (p.title) }
        span class="caption" { (p.title) }
        h1 { "Log a PDSA cycle" }
        p { "Plan the cycle now; record what happened, what you learned and what you decided as it goes." }
        (pdsa_form(c, f, e))
    };
    let title = if e.is_empty() {
        "Log a PDSA cycle"
    } else {
        "Error: Log a PDSA cycle"
    };
    layout::page(title, Some(c.user), body)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PdsaForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (project, _) = load_project(&state, &user, ProjectId(id), Action::LogPdsa).await?;
    let (ideas, cycles) = choices(&state, project.id).await?;
    // A new cycle records its plan only; do, study and act come with the edit form.
    let plan_only = PdsaForm {
        do_notes: String::new(),
        study: String::new(),
        act: String::new(),
        act_notes: String::new(),
        ..f
    };
    match plan_only.fields(&ideas, &cycles, None) {
        Ok(fields) => {
            let pid = state
                .store
                .create_pdsa(project.id, &fields, user.user.id)
                .await?;
            Ok(see_other(&format!("/pdsa/{pid}")))
        }
        Err(e) => {
            let ctx = FormContext {
                action: format!("/projects/{}/pdsa/new", project.id),
                user: &user,
                ideas: &ideas,
                cycles: &cycles,
                this: None,
            };
            Ok((
                StatusCode::BAD_REQUEST,
                new_pdsa_page(&ctx, &project, &plan_only, &e),
            )
                .into_response())
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (cycle, _project, _) = load_pdsa(&state, &user, id, Action::LogPdsa).await?;
    let (_, _, ideas, cycles) = edit_choices(&state, &cycle).await?;
    let ctx = FormContext {
        action: format!("/pdsa/{}/edit", cycle.id),
        user: &user,
        ideas: &ideas,
        cycles: &cycles,
        this: Some(cycle.id),
    };
    let f = PdsaForm {
        version: cycle.version.to_string(),
        ..PdsaForm::of(&cycle.fields)
    };
    Ok(edit_pdsa_page(&ctx, &cycle, &f, &FieldErrors::new(), None))
}

/// The edit page of `cycle` (as stored now), filled with `f`; with a conflict notice when a
/// save was refused because someone else saved first. The form carries `f`'s version (the one
/// it was loaded with, so that fixing an invalid field never skips a conflict).
fn edit_pdsa_page(
    c: &FormContext,
    cycle: &PdsaCycle,
    f: &PdsaForm,
    e: &FieldErrors,
    clash: Option<Markup>,
) -> Markup {
    let title = format!(
        "{}Update PDSA cycle",
        if clash.is_some() {
            "Changed by someone else: "
        } else if e.is_empty() {
            ""
        } else {
            "Error: "
        }
    );
    let body = html! {
        a class="back-link" href={ "/pdsa/" (cycle.id) } { "Back to the cycle" }
        h1 { "Update " (cycle.fields.title) }
        @if let Some(clash) = clash {
            (clash)
        }
        (pdsa_form(c, f, e))
    };
    layout::page(&title, Some(c.user), body)
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PdsaForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (cycle, _project, _) = load_pdsa(&state, &user, id, Action::LogPdsa).await?;
    let (live_ideas, live_cycles, ideas, cycles) = edit_choices(&state, &cycle).await?;
    let ctx = FormContext {
        action: format!("/pdsa/{}/edit", cycle.id),
        user: &user,
        ideas: &ideas,
        cycles: &cycles,
        this: Some(cycle.id),
    };
    let fields = match f.fields(&live_ideas, &live_cycles, Some(&cycle)) {
        Ok(fields) => fields,
        Err(e) => {
            let page = edit_pdsa_page(&ctx, &cycle, &f, &e, None);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let saved = match conflict::parse(&f.version) {
        Some(v) => {
            state
                .store
                .update_pdsa(cycle.id, &fields, v, user.user.id)
                .await
        }
        None => Err(StoreError::Stale(format!("the PDSA cycle {}", cycle.id))),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!("/pdsa/{}", cycle.id))),
        Err(StoreError::Stale(_)) => {
            // Someone else saved first: show theirs beside ours, keep ours in the form.
            let (now, _, _) = load_pdsa(&state, &user, id, Action::Read).await?;
            let theirs = PdsaForm::of(&now.fields).shown(&ideas, &cycles);
            let clash = conflict::notice("PDSA cycle", &theirs, &f.shown(&ideas, &cycles));
            let f = PdsaForm {
                version: now.version.to_string(),
                ..f
            };
            let page = edit_pdsa_page(&ctx, &now, &f, &FieldErrors::new(), Some(clash));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Text as paragraphs, or `empty` in words when there is none.
fn prose(text: &str, empty: &str) -> Markup {
    html! {
        @if text.trim().is_empty() {
            p class="hint" { (empty) }
        } @else {
            @for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                p {
                    @for (k, line) in para.lines().enumerate() {
                        @if k > 0 { br; }
                        (line)
                    }
                }
            }
        }
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (cycle, project, grant) = load_pdsa(&state, &user, id, Action::Read).await?;
    // The idea it tests even when deleted since (shown marked); the live cycles around it.
    let (_, cycles, ideas, _) = edit_choices(&state, &cycle).await?;
    let measures = state.store.measures(project.id).await?;
    let f = &cycle.fields;
    let idea = f.change_idea.and_then(|i| ideas.iter().find(|n| n.id == i));
    let previous = f.follows.and_then(|p| cycles.iter().find(|c| c.id == p));
    let next: Vec<&PdsaCycle> = cycles
        .iter()
        .filter(|c| c.fields.follows == Some(cycle.id))
        .collect();
    let body = html! {
        a class="back-link" href={ "/projects/" (project.id) } { "Back to " (project.title) }
        span class="caption" { "PDSA cycle · " (project.title) }
        h1 { (f.title) }
        dl class="summary-list" {
            div { dt { "Started" } dd { (f.start_date.map(uk_date).unwrap_or_else(|| "Not set".into())) } }
            div { dt { "Change idea" } dd { (idea.map_or("None chosen", |n| n.text.as_str())) } }
            div { dt { "Decision" } dd { (f.act.map_or("Not decided yet", act_label)) } }
        }
        @if grant.may(Action::LogPdsa) {
            p class="actions" {
                a class="button" href={ "/pdsa/" (cycle.id) "/edit" } {
                    "Update this cycle" span class="visually-hidden" { ": " (f.title) }
                }
            }
        }
        nav class="ramp" aria-labelledby="ramp-title" {
            h2 id="ramp-title" { "Ramp" }
            ul {
                li { "Previous cycle: "
                    @if let Some(p) = previous { a href={ "/pdsa/" (p.id) } { (p.fields.title) } } @else { "none, this is the first" }
                }
                li { "Next cycle" @if next.len() > 1 { "s" } ": "
                    @if next.is_empty() { "none yet" } @else {
                        @for (k, n) in next.iter().enumerate() {
                            @if k > 0 { ", " }
                            a href={ "/pdsa/" (n.id) } { (n.fields.title) }
                        }
                    }
                }
            }
        }
        section class="pdsa-stage" aria-labelledby="plan" {
            h2 id="plan" { "Plan" }
            h3 { "Objective" } (prose(&f.objective, "Not written yet."))
            h3 { "Prediction" } (prose(&f.prediction, "Not written yet."))
            h3 { "Who, what, where, when" } (prose(&f.plan, "Not written yet."))
            h3 { "Scale of the test" } (prose(&f.scale, "Not recorded."))
            h3 { "Data to collect" } (prose(&f.data_plan, "Not written yet."))
        }
        section class="pdsa-stage" aria-labelledby="do" {
            h2 id="do" { "Do" }
            (prose(&f.do_notes, "Nothing recorded yet."))
        }
        section class="pdsa-stage" aria-labelledby="study" {
            h2 id="study" { "Study" }
            (prose(&f.study, "Nothing recorded yet."))
            @if measures.is_empty() {
                p { "The project has no measures yet." }
            } @else {
                p { "The project's charts, with this cycle marked from its start date:" }
                ul {
                    @for m in &measures {
                        li { a href={ "/measures/" (m.id) } { (m.name) } }
                    }
                }
            }
        }
        section class="pdsa-stage" aria-labelledby="act" {
            h2 id="act" { "Act" }
            p { strong { (f.act.map_or("Not decided yet", act_label)) } }
            (prose(&f.act_notes, ""))
        }
        @if grant.may(Action::Delete) {
            h2 { "Delete this cycle" }
            p { "Deleting hides the cycle and its chart annotations from everyone. An admin can restore it." }
            form method="post" action={ "/pdsa/" (cycle.id) "/delete" } {
                (csrf_field(&user))
                (conflict::version_field(cycle.version))
                button type="submit" class="button button--warning" {
                    "Delete PDSA cycle" span class="visually-hidden" { " " (f.title) }
                }
            }
        }
    };
    Ok(layout::page(&f.title, Some(&user), body))
}

/// Deletes a PDSA cycle (recoverably): admins and improvement leads only.
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DeleteForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (cycle, project, _) = load_pdsa(&state, &user, id, Action::Delete).await?;
    let expected = conflict::parse(&f.version);
    confirm::Deletion {
        kind: confirm::Kind::PdsaCycle,
        name: cycle.fields.title.as_str(),
        action: format!("/pdsa/{}/delete", cycle.id),
        back: format!("/pdsa/{}", cycle.id),
        next: format!("/projects/{}", project.id),
    }
    .run(
        &user,
        &f.confirm,
        expected,
        state.store.delete_pdsa(cycle.id, expected, user.user.id),
    )
    .await
}

/// Brings back a deleted PDSA cycle of a live project: admins only. Deleted cycles of other
/// organisations, and ids that are not deleted cycles, look missing.
async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let id = PdsaId(id);
    user.access(&state)
        .resource(Resource::Pdsa(id), Action::Restore)
        .await?;
    state.store.restore_pdsa(id, user.user.id).await?;
    Ok(see_other(&format!("/pdsa/{id}")))
}
