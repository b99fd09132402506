//! What improvement is worth (issue 13 §4): a project's value page (its potential and realised
//! savings, a form to record one, finance's confirm button), an entry's own page (change it or
//! delete it), and an organisation's roll-up by team, priority, project and month, with its
//! system's for a system role.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    confirm_value, delete_value, org_value, pounds, record_value, update_value, value_entry,
    value_of, Action, BoardError, Grant, Project, ProjectId, Recurrence, StoreError, ValueDraft,
    ValueEntry, ValueFields, ValueGroup, ValueId, ValueKind, ValueMonth, ValueSum, ValueTotals,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::{board_error, org_of};
use super::conflict;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/projects/{id}/value" => project_value, Do(Action::Read);
    post "/projects/{id}/value" => record, Do(Action::RecordValue);
    get "/value/{id}" => entry_page, Do(Action::Read);
    post "/value/{id}" => update, Do(Action::RecordValue);
    post "/value/{id}/delete" => delete, Do(Action::RecordValue);
    post "/value/{id}/confirm" => confirm, Do(Action::ConfirmValue);
    get "/orgs/{org}/value" => org_value_page, Do(Action::Read);
}

/// What the value form sends.
#[derive(Debug, Default, Deserialize, Clone)]
struct ValueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    cash_releasing: String,
    #[serde(default)]
    recurrence: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    version: String,
}

impl ValueForm {
    /// The form filled in with a stored entry.
    fn of(f: &ValueFields) -> ValueForm {
        ValueForm {
            kind: f.kind.name().into(),
            amount: pounds(f.pence).trim_start_matches('£').to_owned(),
            hours: hours(f.hours),
            cash_releasing: if f.cash_releasing { "yes" } else { "no" }.into(),
            recurrence: f.recurrence.name().into(),
            date: f.date.to_string(),
            method: f.method.clone(),
            ..ValueForm::default()
        }
    }

    fn draft(&self) -> ValueDraft {
        ValueDraft {
            kind: Some(self.kind.clone()),
            amount: Some(self.amount.clone()),
            hours: Some(self.hours.clone()),
            cash_releasing: Some(self.cash_releasing.clone()),
            recurrence: Some(self.recurrence.clone()),
            date: Some(self.date.clone()),
            method: Some(self.method.clone()),
        }
    }

    /// The fields as the conflict notice compares them.
    fn shown(&self) -> Vec<conflict::Shown> {
        vec![
            ("Potential or realised", self.kind.clone()),
            ("Amount (£)", self.amount.clone()),
            ("Hours released", self.hours.clone()),
            ("Cash-releasing", self.cash_releasing.clone()),
            ("Recurrent or one-off", self.recurrence.clone()),
            ("Date", self.date.clone()),
            ("Method or evidence", self.method.clone()),
        ]
    }
}

/// Hours for people: `37.5`, `12`.
fn hours(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A share as a whole percentage, or "–" when there is no money.
fn share(s: &ValueSum) -> String {
    s.cash_share()
        .map_or_else(|| "–".to_owned(), |x| format!("{:.0}%", x * 100.0))
}

/// An entry's kind as a tag: light green for potential, dark green for realised.
fn kind_tag(k: ValueKind) -> Markup {
    match k {
        ValueKind::Potential => html! { strong class="tag tag--potential" { "Potential" } },
        ValueKind::Realised => html! { strong class="tag tag--realised" { "Realised" } },
    }
}

/// The value form's fields.
fn fields(typed: &ValueForm, errors: &FieldErrors) -> Markup {
    let kinds: Vec<(&str, &str)> = vec![
        (
            "potential",
            "Potential: an estimate of what it could release",
        ),
        ("realised", "Realised: released, for finance to confirm"),
    ];
    let recurrences: Vec<(&str, &str)> = Recurrence::ALL
        .iter()
        .map(|r| (r.name(), r.label()))
        .collect();
    let cash: Vec<(&str, &str)> = vec![
        ("no", "No: it releases time or capacity"),
        ("yes", "Yes: a budget can be reduced"),
    ];
    let kind = if typed.kind.is_empty() {
        "potential"
    } else {
        typed.kind.as_str()
    };
    html! {
        (form::select("kind", "Potential or realised", &kinds, kind, errors))
        (form::input_of_type("text", "amount", "Amount (£)", &typed.amount, Some("Pounds, with pence if you need them: 12000 or 1250.50. For a recurrent saving, a year's amount."), errors))
        (form::input_of_type("text", "hours", "Hours released", &typed.hours, Some("Staff hours it releases (a year's, if recurrent). Optional."), errors))
        (form::select("cash_releasing", "Cash-releasing", &cash, if typed.cash_releasing.is_empty() { "no" } else { &typed.cash_releasing }, errors))
        (form::select("recurrence", "Recurrent or one-off", &recurrences, if typed.recurrence.is_empty() { "one_off" } else { &typed.recurrence }, errors))
        (form::input_of_type("date", "date", "Date", &typed.date, Some("When it starts (potential) or when it was released (realised)."), errors))
        (form::textarea("method", "Method or evidence", &typed.method, Some("How the estimate was worked out, or the evidence that it was released (a ledger line, a budget change)."), errors))
    }
}

const ORDER: &[&str] = &[
    "kind",
    "amount",
    "hours",
    "cash_releasing",
    "recurrence",
    "date",
    "method",
];

/// The totals as a summary list.
fn totals_list(t: &ValueTotals) -> Markup {
    html! {
        dl class="summary-list" {
            div { dt { (kind_tag(ValueKind::Potential)) " Potential" } dd { (pounds(t.potential.pence)) ", " (hours(t.potential.hours)) " hours" } }
            div { dt { "Realised, awaiting finance's confirmation" } dd { (pounds(t.unconfirmed.pence)) ", " (hours(t.unconfirmed.hours)) " hours" } }
            div { dt { (kind_tag(ValueKind::Realised)) " Realised, confirmed by finance" } dd { (pounds(t.confirmed.pence)) ", " (hours(t.confirmed.hours)) " hours; cash-releasing: " (share(&t.confirmed)) } }
        }
    }
}

async fn project_value(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    render_project(
        &state,
        &user,
        ProjectId(id),
        &ValueForm::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render_project(
    state: &AppState,
    user: &CurrentUser,
    id: ProjectId,
    typed: &ValueForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let (p, entries, grant) = value_of(&access, id).await?;
    let mut totals = ValueTotals::default();
    for e in &entries {
        totals.add(e);
    }
    let body = html! {
        span class="caption" { (p.title) }
        h1 { "Value" }
        p {
            "What this project could release (potential: an estimate, with its method) and what it has released (realised, with its evidence). "
            "Realised value counts once someone in finance has confirmed it; changing a confirmed entry's figures takes the confirmation away. Recurrent savings are a year's."
        }
        (totals_list(&totals))
        h2 id="entries" { "Entries" }
        @if entries.is_empty() { p { "No value recorded yet." } }
        ul class="card-list" {
            @for e in &entries {
                li class="card" id={ "value-" (e.id) } {
                    (entry_card(user, e, grant))
                }
            }
        }
        @if grant.may(Action::RecordValue) {
            h2 id="new" { "Record value" }
            (form::error_summary_ordered(errors, ORDER))
            form method="post" action={ "/projects/" (p.id) "/value" } novalidate {
                (csrf_field(user))
                (fields(typed, errors))
                button type="submit" class="button" { "Record the value" }
            }
        }
        p {
            a href={ "/projects/" (p.id) } { "Back to the project" } " · "
            a href={ "/orgs/" (p.org) "/value" } { "The organisation's value" }
        }
    };
    let title = if errors.is_empty() {
        "Value"
    } else {
        "Error: Value"
    };
    Ok(layout::page(title, Some(user), body))
}

/// One entry: its figures, who recorded and confirmed it, and what the user may do with it.
fn entry_card(user: &CurrentUser, e: &ValueEntry, grant: Grant) -> Markup {
    let f = &e.fields;
    html! {
        h3 class="card__title" { (kind_tag(f.kind)) " " (pounds(f.pence)) @if f.hours > 0.0 { ", " (hours(f.hours)) " hours" } }
        p class="hint" {
            (f.recurrence.label()) " · " @if f.cash_releasing { "cash-releasing" } @else { "not cash-releasing" }
            " · " (f.date.format("%-d %b %Y"))
        }
        p class="prose" { (f.method) }
        p class="hint" {
            "Recorded " (e.recorded_at.format("%-d %b %Y"))
            @if let Some(u) = &e.recorded_by { " by " (u.name) }
        }
        @if f.kind == ValueKind::Realised {
            @match e.confirmed_at {
                Some(at) => p { strong { "Confirmed by finance" } " on " (at.format("%-d %b %Y")) @if let Some(u) = &e.confirmed_by { " by " (u.name) } },
                None => p { strong class="tag tag--warning" { "Awaiting finance's confirmation" } },
            }
        }
        @if grant.may(Action::ConfirmValue) && f.kind == ValueKind::Realised && !e.is_confirmed() {
            form method="post" action={ "/value/" (e.id) "/confirm" } {
                (csrf_field(user))
                (conflict::version_field(e.version))
                button type="submit" class="button" {
                    "Confirm " (pounds(f.pence)) " as released"
                }
            }
        }
        @if grant.may(Action::RecordValue) {
            p { a href={ "/value/" (e.id) } { "Change or delete" span class="visually-hidden" { " the entry of " (pounds(f.pence)) } } }
        }
    }
}

async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ValueForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let project = ProjectId(id);
    match record_value(&user.access(&state), project, &f.draft()).await {
        Ok(v) => Ok(see_other(&format!("/projects/{id}/value#value-{v}"))),
        Err(BoardError::Invalid(problems)) => {
            let page = render_project(&state, &user, project, &f, &problems.into()).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

async fn entry_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    render_entry(&state, &user, ValueId(id), None, &FieldErrors::new(), None).await
}

/// An entry's page: the form to change it (with the version it was loaded with), or the
/// comparison when someone else saved first; `typed` is what the user sent.
async fn render_entry(
    state: &AppState,
    user: &CurrentUser,
    id: ValueId,
    typed: Option<&ValueForm>,
    errors: &FieldErrors,
    conflict_with: Option<&ValueForm>,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let (e, p, grant): (ValueEntry, Project, Grant) =
        value_entry(&access, id, Action::Read).await?;
    let stored = ValueForm::of(&e.fields);
    let shown = typed.cloned().unwrap_or_else(|| stored.clone());
    let body = html! {
        span class="caption" { (p.title) }
        h1 { "Value entry" }
        @if let Some(yours) = conflict_with {
            (conflict::notice("value entry", &stored.shown(), &yours.shown()))
        }
        div class="card" { (entry_card(user, &e, grant)) }
        @if grant.may(Action::RecordValue) {
            h2 { "Change it" }
            @if e.is_confirmed() {
                p class="notice" role="note" { "Finance has confirmed this entry. Changing its figures (not only the method's words) takes the confirmation away until finance confirms it again." }
            }
            (form::error_summary_ordered(errors, ORDER))
            form method="post" action={ "/value/" (e.id) } novalidate {
                (csrf_field(user))
                (conflict::version_field(e.version))
                (fields(&shown, errors))
                button type="submit" class="button" { "Save the entry" }
            }
            h2 { "Delete it" }
            form method="post" action={ "/value/" (e.id) "/delete" } {
                (csrf_field(user))
                (conflict::version_field(e.version))
                p { "Deleting removes the entry for good: no total counts it any more." }
                button type="submit" class="button button--warning" { "Delete the entry" }
            }
        }
        p { a href={ "/projects/" (p.id) "/value" } { "Back to the project's value" } }
    };
    let title = if errors.is_empty() && conflict_with.is_none() {
        "Value entry"
    } else {
        "Error: Value entry"
    };
    Ok(layout::page(title, Some(user), body))
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ValueForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let vid = ValueId(id);
    let access = user.access(&state);
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    match update_value(&access, vid, &f.draft(), expected).await {
        Ok(_) => {
            let (e, _, _) = value_entry(&access, vid, Action::Read).await?;
            Ok(see_other(&format!(
                "/projects/{}/value#value-{id}",
                e.project
            )))
        }
        Err(BoardError::Invalid(problems)) => {
            let page = render_entry(&state, &user, vid, Some(&f), &problems.into(), None).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(BoardError::Access(gemba_domain::AccessError::Store(StoreError::Stale(_)))) => {
            let page =
                render_entry(&state, &user, vid, Some(&f), &FieldErrors::new(), Some(&f)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct VersionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let vid = ValueId(id);
    let (e, _, _) = value_entry(&access, vid, Action::RecordValue).await?;
    let expected = conflict::parse(&f.version).unwrap_or(gemba_domain::Version(0));
    delete_value(&access, vid, Some(expected))
        .await
        .map_err(board_error)?;
    Ok(see_other(&format!("/projects/{}/value", e.project)))
}

async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<VersionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let vid = ValueId(id);
    confirm_value(&access, vid, conflict::parse(&f.version))
        .await
        .map_err(board_error)?;
    let (e, _, _) = value_entry(&access, vid, Action::Read).await?;
    Ok(see_other(&format!(
        "/projects/{}/value#value-{id}",
        e.project
    )))
}

// --- the roll-up ------------------------------------------------------------------------------

/// The columns of a roll-up table after its first.
fn totals_cells(t: &ValueTotals) -> Markup {
    html! {
        td data-label="Potential" { (pounds(t.potential.pence)) }
        td data-label="Realised, awaiting confirmation" { (pounds(t.unconfirmed.pence)) }
        td data-label="Realised, confirmed" { (pounds(t.confirmed.pence)) }
        td data-label="Hours released (confirmed)" { (hours(t.confirmed.hours)) }
        td data-label="Cash-releasing (confirmed)" { (share(&t.confirmed)) }
    }
}

fn totals_head(first: &str) -> Markup {
    html! {
        thead {
            tr {
                th scope="col" { (first) }
                th scope="col" { "Potential" }
                th scope="col" { "Realised, awaiting confirmation" }
                th scope="col" { "Realised, confirmed" }
                th scope="col" { "Hours released (confirmed)" }
                th scope="col" { "Cash-releasing (confirmed)" }
            }
        }
    }
}

fn group_table(caption: &str, first: &str, groups: &[ValueGroup]) -> Markup {
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-label=(caption) {
            table class="table value-table" {
                caption { (caption) }
                (totals_head(first))
                tbody {
                    @for g in groups {
                        tr {
                            th scope="row" { (g.name) " (" (g.projects) @if g.projects == 1 { " project" } @else { " projects" } ")" }
                            (totals_cells(&g.totals))
                        }
                    }
                }
            }
        }
    }
}

/// The cumulative value by month as a line chart: potential dashed (light green), realised and
/// confirmed solid (dark green). The table after it is its text alternative.
fn chart(months: &[ValueMonth]) -> Markup {
    let (w, h, left, top, bottom) = (600.0_f64, 240.0_f64, 80.0_f64, 10.0_f64, 30.0_f64);
    let plot_w = w - left - 10.0;
    let plot_h = h - top - bottom;
    let max = months
        .iter()
        .map(|m| m.potential.max(m.confirmed + m.unconfirmed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = months.len();
    let x = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: i64| top + plot_h - plot_h * v as f64 / max;
    let line = |f: &dyn Fn(&ValueMonth) -> i64| {
        months
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{:.1},{:.1}", x(i), y(f(m))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let last = months.last();
    let desc = match last {
        Some(m) => format!(
            "From {} to {}: potential rose to {}; realised and confirmed by finance to {}; realised awaiting confirmation {}.",
            months[0].month.format("%b %Y"),
            m.month.format("%b %Y"),
            pounds(m.potential),
            pounds(m.confirmed),
            pounds(m.unconfirmed)
        ),
        None => "No value recorded.".to_owned(),
    };
    html! {
        figure class="value-chart" {
            svg role="img" aria-labelledby="value-chart-title value-chart-desc"
                viewBox={ "0 0 " (w) " " (h) } width="100%" preserveAspectRatio="xMinYMin meet" {
                title id="value-chart-title" { "Realised against potential value, cumulative by month" }
                desc id="value-chart-desc" { (desc) }
                line x1=(left) y1=(top + plot_h) x2=(left + plot_w) y2=(top + plot_h) stroke="#4c6272" {}
                line x1=(left) y1=(top) x2=(left) y2=(top + plot_h) stroke="#4c6272" {}
                text x=(left - 6.0) y=(top + 10.0) text-anchor="end" font-size="12" fill="#212b32" { (pounds(max as i64)) }
                text x=(left - 6.0) y=(top + plot_h) text-anchor="end" font-size="12" fill="#212b32" { "£0" }
                @if let Some(first) = months.first() {
                    text x=(x(0)) y=(h - 8.0) text-anchor="start" font-size="12" fill="#212b32" { (first.month.format("%b %Y")) }
                }
                @if let (Some(m), true) = (last, n > 1) {
                    text x=(x(n - 1)) y=(h - 8.0) text-anchor="end" font-size="12" fill="#212b32" { (m.month.format("%b %Y")) }
                }
                polyline points=(line(&|m| m.potential)) fill="none" stroke="#00703c" stroke-width="3" stroke-dasharray="8 5" {}
                polyline points=(line(&|m| m.confirmed)) fill="none" stroke="#004020" stroke-width="4" {}
            }
            figcaption {
                ul class="value-chart__key" {
                    li { span class="value-chart__swatch value-chart__swatch--potential" aria-hidden="true" {} "Potential (dashed line)" }
                    li { span class="value-chart__swatch value-chart__swatch--realised" aria-hidden="true" {} "Realised, confirmed by finance (solid line)" }
                }
            }
        }
    }
}

async fn org_value_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let v = org_value(&user.access(&state), org).await?;
    let r = &v.roll_up;
    let teams = state.store.teams(org).await?;
    let team_name = |t: Option<gemba_domain::TeamId>| {
        t.and_then(|t| teams.iter().find(|x| x.id == t))
            .map_or("No team".to_owned(), |x| x.name.clone())
    };
    let title_of = |id: ProjectId| {
        r.by_project
            .iter()
            .find(|(p, _)| p.project.id == id)
            .map(|(p, _)| p.project.title.clone())
    };
    let body = html! {
        span class="caption" { (v.org.name) }
        h1 { "Value" }
        p {
            "What the organisation's improvement projects could release (potential) and have released (realised), in money and staff hours. "
            "Realised value counts once finance has confirmed it. Recurrent savings count a year's value."
        }
        p class="notice" role="note" {
            "Each saving belongs to one project and is counted once in every total. A project that serves several strategic priorities appears under each of them, so the priorities' rows may add up to more than the organisation's total, which counts it once. A project adopted from another (spread) has its own savings: they are never added to its source's."
        }
        h2 { "The organisation's total" }
        (totals_list(&r.total))
        @if r.total.is_empty() {
            p { "No project has recorded any value yet." }
        } @else {
            h2 { "By team" }
            (group_table("Value by team", "Team", &r.by_team))
            h2 { "By strategic priority" }
            (group_table("Value by strategic priority (a project under each priority it serves)", "Priority", &r.by_priority))
            h2 { "By project" }
            div class="table-wrap" tabindex="0" role="region" aria-label="Value by project" {
                table class="table value-table" {
                    caption { "Value by project" }
                    (totals_head("Project"))
                    tbody {
                        @for (p, t) in &r.by_project {
                            tr {
                                th scope="row" {
                                    a href={ "/projects/" (p.project.id) "/value" } { (p.project.title) }
                                    br;
                                    span class="hint" { (team_name(p.project.team)) }
                                    @if let Some(src) = p.adopted_from {
                                        br;
                                        span class="hint" {
                                            "Adopted from "
                                            @match title_of(src) {
                                                Some(t) => { (t) }
                                                None => { "another project" }
                                            }
                                            "; its savings are its own"
                                        }
                                    }
                                }
                                (totals_cells(t))
                            }
                        }
                    }
                }
            }
            h2 { "Realised against potential over time" }
            (chart(&r.months))
            div class="table-wrap" tabindex="0" role="region" aria-label="Cumulative value by month" {
                table class="table value-table" {
                    caption { "Cumulative value by month" }
                    thead {
                        tr {
                            th scope="col" { "Month" }
                            th scope="col" { "Potential" }
                            th scope="col" { "Realised, confirmed" }
                            th scope="col" { "Realised, awaiting confirmation" }
                        }
                    }
                    tbody {
                        @for m in &r.months {
                            tr {
                                th scope="row" { (m.month.format("%b %Y")) }
                                td data-label="Potential" { (pounds(m.potential)) }
                                td data-label="Realised, confirmed" { (pounds(m.confirmed)) }
                                td data-label="Realised, awaiting confirmation" { (pounds(m.unconfirmed)) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(s) = &v.system {
            h2 { (s.name) ": the system" }
            p { "Each organisation's total (without the private projects of organisations you are not in); the system's total counts each saving once." }
            div class="table-wrap" tabindex="0" role="region" aria-label={ "Value by organisation of " (s.name) } {
                table class="table value-table" {
                    caption { "Value by organisation of " (s.name) }
                    (totals_head("Organisation"))
                    tbody {
                        @for (o, t) in &s.orgs {
                            tr { th scope="row" { (o.name) } (totals_cells(t)) }
                        }
                        tr { th scope="row" { "The system" } (totals_cells(&s.total)) }
                    }
                }
            }
        }
        p { a href={ "/orgs/" (org) "/portfolio" } { "The portfolio" } }
    };
    Ok(layout::page("Value", Some(&user), body))
}
