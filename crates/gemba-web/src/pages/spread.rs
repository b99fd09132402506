//! Spread: the form that adopts a project's change package into another team or organisation,
//! the spread view of a change package (small multiples on one time axis and a funnel plot of
//! a shared measure), and the project page's part that links them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_chart::{FunnelView, SeriesView};
use gemba_domain::{
    adopt, adopt_choices, adoption_links, spread, Action, AdoptChoices, AdoptDraft, BoardError,
    Project, ProjectId, SpreadDraft, SpreadFunnel, SpreadView,
};
use maud::{html, Markup};
use serde::Deserialize;

use super::board::board_error;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout::{self, csrf_field};
use super::session::{see_other, CurrentUser};
use crate::pages::Path;
use crate::AppState;

page_routes! {
    get "/projects/{id}/spread" => spread_page, Do(Action::Read);
    get "/projects/{id}/adopt" => adopt_page, Do(Action::CreateProject);
    post "/projects/{id}/adopt" => adopt_post, Do(Action::CreateProject);
}

/// The project page's "Spread" part: where the project was adopted from, how many adopted it,
/// and the links to the spread view and the adopt form.
pub(crate) async fn project_section(
    state: &AppState,
    user: &CurrentUser,
    project: &Project,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let links = adoption_links(&access, project.id).await?;
    let may_adopt = !access.orgs_where(Action::CreateProject).is_empty();
    Ok(html! {
        h2 id="spread" { "Spread" }
        @if let Some((source, org)) = &links.source {
            p { "Adopted from " a href={ "/projects/" (source.id) } { (source.title) } " (" (org) ")." }
        } @else if links.adopted {
            p { "Adopted from a project in an organisation you cannot see." }
        }
        p {
            @match links.adopters {
                0 => "No team or organisation has adopted this change package yet.",
                1 => "1 team or organisation has adopted this change package.",
                n => { (n) " teams or organisations have adopted this change package." }
            }
        }
        p class="actions" {
            a href={ "/projects/" (project.id) "/spread" } { "See the spread of this change package" }
            @if may_adopt {
                " · "
                a href={ "/projects/" (project.id) "/adopt" } { "Adopt this change package" }
            }
        }
    })
}

#[derive(Debug, Default, Deserialize)]
struct SpreadQuery {
    measure_id: Option<String>,
    periods: Option<String>,
}

async fn spread_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SpreadQuery>,
) -> Result<Markup, PageError> {
    let draft = SpreadDraft {
        measure: q.measure_id,
        periods: q.periods,
    };
    let view = spread(&user.access(&state), ProjectId(id), &draft)
        .await
        .map_err(board_error)?;
    let title = format!("Spread of {}", view.source.title);
    let body = spread_body(&view);
    Ok(layout::page(&title, Some(&user), body))
}

fn member_name(view: &SpreadView, i: usize) -> String {
    view.members
        .get(i)
        .map_or_else(String::new, |m| match &m.team_name {
            Some(t) => format!("{} ({t})", m.org_name),
            None => m.org_name.clone(),
        })
}

fn spread_body(view: &SpreadView) -> Markup {
    let p = &view.source;
    let axis: Vec<String> = view
        .axis
        .iter()
        .map(|d| d.format("%F").to_string())
        .collect();
    let adopters = view.members.len() - 1 + view.hidden;
    let shared_id = view
        .shared
        .as_ref()
        .map(|m| m.id.0.to_string())
        .unwrap_or_default();
    let measures: Vec<(String, String)> = view
        .measures
        .iter()
        .map(|m| (m.id.0.to_string(), m.name.clone()))
        .collect();
    let options: Vec<(&str, &str)> = measures
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    html! {
        span class="caption" { a href={ "/projects/" (p.id) } { (p.title) } }
        h1 { "Spread of this change package" }
        p {
            @match adopters {
                0 => "No team or organisation has adopted it yet.",
                1 => "The original and 1 adopting team or organisation.",
                n => { "The original and " (n) " adopting teams or organisations." }
            }
            @if view.hidden > 0 {
                " " (view.hidden) " of them "
                @if view.hidden == 1 { "is" } @else { "are" }
                " in organisations you cannot see, so they are counted but not shown."
            }
        }
        h2 { "Change package" }
        (super::library::package_list(&view.package))
        @if !options.is_empty() {
            form method="get" action={ "/projects/" (p.id) "/spread" } class="inline-form" {
                (form::select("measure_id", "Shared measure", &options, &shared_id, &FieldErrors::new()))
                (form::input_of_type("number", "periods", "Periods in the funnel plot", &view.periods.to_string(), Some("The latest periods whose totals the funnel plot compares."), &FieldErrors::new()))
                button type="submit" class="button button--secondary" { "Show" }
            }
        }
        @if let Some(shared) = &view.shared {
            h2 { "“" (shared.name) "” side by side" }
            @if let (Some(first), Some(last)) = (view.axis.first(), view.axis.last()) {
                p class="hint" {
                    "Each chart has the same time axis, "
                    (shared.chart.period.describe(*first)) " to " (shared.chart.period.describe(*last))
                    ", so the charts can be read across."
                }
            }
            ul class="small-multiples" {
                @for (i, m) in view.members.iter().enumerate() {
                    li class="card small-multiple" {
                        h3 {
                            a href={ "/projects/" (m.project.id) } { (m.project.title) }
                        }
                        p class="hint" {
                            (member_name(view, i))
                            @if m.original { " · the original" } @else { " · adopter" }
                        }
                        @match (&m.chart, &m.measure) {
                            (Some(c), Some(measure)) => {
                                @let id = format!("spread-{}", m.project.id);
                                @let y = if measure.unit.is_empty() { measure.name.as_str() } else { measure.unit.as_str() };
                                div class="chart chart--small" role="region" aria-label={ "Chart of " (m.project.title) ", " (member_name(view, i)) " (scrolls sideways on small screens)" } tabindex="0" {
                                    (maud::PreEscaped(gemba_chart::chart_svg(&SeriesView {
                                        id: &id,
                                        title: &format!("{} – {}", measure.name, member_name(view, i)),
                                        x_labels: &axis,
                                        y_label: y,
                                        result: &c.result,
                                        multiplier: measure.chart.multiplier.factor(),
                                        value_suffix: if measure.chart.shows_percent() { "%" } else { "" },
                                        annotations: &[],
                                    })))
                                }
                            }
                            _ => p { (m.note.as_deref().unwrap_or("No chart.")) }
                        }
                    }
                }
            }
            h2 { "Funnel plot" }
            (funnel_part(view, shared))
        } @else {
            p { "The project has no measures to compare." }
        }
    }
}

fn funnel_part(view: &SpreadView, shared: &gemba_domain::Measure) -> Markup {
    match &view.funnel {
        SpreadFunnel::None(why) => html! { p { (why) } },
        SpreadFunnel::Plot {
            members,
            result,
            left_out,
            ..
        } => {
            let groups: Vec<String> = members.iter().map(|i| member_name(view, *i)).collect();
            let period = shared.chart.period;
            let title = format!("Funnel plot of {}", shared.name);
            let x_label = if shared.denominator_label.is_empty() {
                "Denominator".to_owned()
            } else {
                shared.denominator_label.clone()
            };
            let svg = gemba_chart::funnel_svg(&FunnelView {
                title: &title,
                groups: &groups,
                x_label: &x_label,
                y_label: &shared.name,
                result,
            });
            let suffix = if shared.chart.shows_percent() {
                "%"
            } else {
                ""
            };
            let num = |x: f64| format!("{:.2}{suffix}", x);
            html! {
                @if let Some((from, to)) = view.window {
                    p class="hint" {
                        "Totals from " (period.describe(from)) " to " (period.describe(to))
                        " (the latest " (view.periods) " periods), each organisation against the "
                        "95% and 99.8% limits around the pooled value of "
                        (num(result.target)) ". Limits are not widened for overdispersion: too few "
                        "organisations to estimate it."
                    }
                }
                div class="chart" role="region" aria-label="Funnel plot (scrolls sideways on small screens)" tabindex="0" { (maud::PreEscaped(svg)) }
                div class="table-scroll" role="region" aria-label="The funnel plot's organisations" tabindex="0" {
                table class="table" {
                    caption { "The funnel plot's organisations, values and limits" }
                    thead { tr {
                        th scope="col" { "Organisation" }
                        th scope="col" { "Numerator" }
                        th scope="col" { "Denominator" }
                        th scope="col" { "Value" }
                        th scope="col" { "95% limits" }
                        th scope="col" { "99.8% limits" }
                        th scope="col" { "Reading" }
                    } }
                    tbody {
                        @for (name, g) in groups.iter().zip(&result.groups) {
                            tr {
                                th scope="row" { (name) }
                                td { (g.numerator) }
                                td { (g.denominator) }
                                td { (num(g.value)) }
                                td { (num(g.lower_95)) " to " (num(g.upper_95)) }
                                td { (num(g.lower_998)) " to " (num(g.upper_998)) }
                                td { @match g.flag_998 {
                                    gemba_spc::funnel::OutlierFlag::High => "Above the 99.8% limit",
                                    gemba_spc::funnel::OutlierFlag::Low => "Below the 99.8% limit",
                                    gemba_spc::funnel::OutlierFlag::None => @match g.flag_95 {
                                        gemba_spc::funnel::OutlierFlag::None => "Within the limits",
                                        _ => "Outside the 95% limits only",
                                    },
                                } }
                            }
                        }
                    }
                }
                }
                @if !left_out.is_empty() {
                    p class="hint" {
                        "Not in the funnel plot (no numerators and denominators in the window): "
                        @for (n, i) in left_out.iter().enumerate() {
                            @if n > 0 { ", " }
                            (member_name(view, *i))
                        }
                        "."
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct AdoptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    title: String,
}

async fn adopt_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let choices = adopt_choices(&user.access(&state), ProjectId(id)).await?;
    let typed = AdoptForm {
        org: choices
            .orgs
            .first()
            .map(|(o, _)| o.id.0.to_string())
            .unwrap_or_default(),
        title: choices.source.title.clone(),
        ..AdoptForm::default()
    };
    Ok(adopt_form(&user, &choices, &typed, &FieldErrors::new()))
}

fn adopt_form(
    user: &CurrentUser,
    choices: &AdoptChoices,
    typed: &AdoptForm,
    errors: &FieldErrors,
) -> Markup {
    let p = &choices.source;
    let orgs: Vec<(String, String)> = choices
        .orgs
        .iter()
        .map(|(o, _)| (o.id.0.to_string(), o.name.clone()))
        .collect();
    let org_options: Vec<(&str, &str)> =
        orgs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut teams: Vec<(String, String)> = vec![(String::new(), "No team".to_owned())];
    for (o, ts) in &choices.orgs {
        for t in ts {
            teams.push((t.id.0.to_string(), format!("{} – {}", o.name, t.name)));
        }
    }
    let team_options: Vec<(&str, &str)> = teams
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let body = html! {
        span class="caption" { a href={ "/projects/" (p.id) } { (p.title) } }
        h1 { "Adopt this change package" }
        p {
            "A new project is made in the organisation you choose, with you as its lead: the driver "
            "diagram and the measures' definitions of “" (p.title) "”"
            @if let Some(o) = &choices.source_org { " (" (o.name) ")" }
            " are copied; its data are not. Your data stay your own."
        }
        (form::error_summary_ordered(errors, &["org", "team", "title"]))
        form method="post" action={ "/projects/" (p.id) "/adopt" } novalidate {
            (csrf_field(user))
            (form::select_with_hint("org", "Organisation", &org_options, &typed.org, Some("The organisations where you may start a project."), errors))
            (form::select_with_hint("team", "Team", &team_options, &typed.team, Some("A team of the organisation chosen above, or none."), errors))
            (form::text_input("title", "Title of the new project", &typed.title, None, errors))
            button type="submit" class="button" { "Adopt this change package" }
        }
    };
    let title = if errors.is_empty() {
        "Adopt this change package"
    } else {
        "Error: Adopt this change package"
    };
    layout::page(title, Some(user), body)
}

async fn adopt_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AdoptForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let access = user.access(&state);
    let draft = AdoptDraft {
        org: Some(f.org.clone()),
        team: Some(f.team.clone()),
        title: Some(f.title.clone()),
    };
    match adopt(&access, ProjectId(id), &draft).await {
        Ok(project) => Ok(see_other(&format!("/projects/{project}"))),
        Err(BoardError::Invalid(problems)) => {
            let choices = adopt_choices(&access, ProjectId(id)).await?;
            let page = adopt_form(&user, &choices, &f, &problems.into());
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
