//! Improvement capability (issue 13 §2): the share of an organisation's staff — or of one team's
//! people — trained at each level, month by month, against the organisation's plan, as a chart
//! (a line per level, the plan dashed) and the table it is drawn from; admins set the plan.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use gemba_domain::{
    capability, set_capability_plan, Action, BoardError, Capability, Level, OrgId, PlanDraft,
    TeamId, Version,
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
    get "/orgs/{org}/capability" => capability_page, Do(Action::Read);
    post "/orgs/{org}/capability/plan" => set_plan, Do(Action::ManageOrganisation);
}

#[derive(Debug, Default, Deserialize)]
struct TeamQuery {
    #[serde(default)]
    team: String,
}

/// The colour and dash of each level's line (distinct in hue and lightness, each with 3:1
/// contrast on white), lowest level first.
const COLOURS: [&str; 3] = ["#005eb8", "#007f3b", "#7c2855"];

fn percent(share: Option<f64>) -> String {
    share.map_or("\u{2013}".to_owned(), |s| format!("{:.0}%", s * 100.0))
}

/// The chart: a line per level (share of staff by month) and the plan's target for each level
/// dashed, drawn as SVG; the table below it is its text alternative.
fn chart(c: &Capability) -> Markup {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 44.0, 12.0, 12.0, 36.0);
    let n = c.months.len();
    let x = |i: usize| {
        if n <= 1 {
            left + (w - left - right) / 2.0
        } else {
            left + (w - left - right) * i as f64 / (n - 1) as f64
        }
    };
    let y = |share: f64| top + (h - top - bottom) * (1.0 - share.clamp(0.0, 1.0));
    let latest = c.months.last();
    let summary: Vec<String> = Level::ALL
        .iter()
        .map(|l| {
            let now = latest.and_then(|m| c.share(m, *l));
            match c.plan {
                Some(p) => format!(
                    "{}: {} against a plan of {}%",
                    l.label(),
                    percent(now),
                    p.target(*l)
                ),
                None => format!("{}: {}", l.label(), percent(now)),
            }
        })
        .collect();
    let desc = format!(
        "Share of {} staff trained at each level by month, latest month: {}.",
        c.staff,
        summary.join("; ")
    );
    let label_every = n.div_ceil(8).max(1);
    html! {
        figure class="capability-chart" {
            svg viewBox={ "0 0 " (w) " " (h) } role="img" aria-labelledby="cap-title cap-desc" width="100%" {
                title id="cap-title" { "Capability by month against the plan" }
                desc id="cap-desc" { (desc) }
                @for pct in [0, 25, 50, 75, 100] {
                    @let yy = y(f64::from(pct) / 100.0);
                    line x1=(left) x2=(w - right) y1=(yy) y2=(yy) stroke="#d8dde0" stroke-width="1" {}
                    text x=(left - 6.0) y=(yy + 4.0) text-anchor="end" font-size="11" fill="#4c6272" { (pct) "%" }
                }
                @for (i, m) in c.months.iter().enumerate() {
                    @if i % label_every == 0 || i + 1 == n {
                        text x=(x(i)) y=(h - 14.0) text-anchor="middle" font-size="11" fill="#4c6272" { (m.month.format("%b %y")) }
                    }
                }
                @for (k, level) in Level::ALL.iter().enumerate() {
                    @if let Some(p) = c.plan {
                        @let yy = y(f64::from(p.target(*level)) / 100.0);
                        line x1=(left) x2=(w - right) y1=(yy) y2=(yy) stroke=(COLOURS[k]) stroke-width="2" stroke-dasharray="6 4" {}
                    }
                    @let points: Vec<String> = c.months.iter().enumerate()
                        .filter_map(|(i, m)| c.share(m, *level).map(|s| format!("{:.1},{:.1}", x(i), y(s))))
                        .collect();
                    polyline points=(points.join(" ")) fill="none" stroke=(COLOURS[k]) stroke-width="3" {}
                    @for (i, m) in c.months.iter().enumerate() {
                        @if let Some(s) = c.share(m, *level) {
                            circle cx=(x(i)) cy=(y(s)) r="3.5" fill=(COLOURS[k]) {}
                        }
                    }
                }
            }
            figcaption {
                ul class="chart-key" {
                    @for (k, level) in Level::ALL.iter().enumerate() {
                        li {
                            span class="chart-key__swatch" style={ "background:" (COLOURS[k]) } {}
                            (level.label()) " (solid: trained; dashed: plan)"
                        }
                    }
                }
            }
        }
    }
}

async fn capability_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Query(q): Query<TeamQuery>,
) -> Result<Response, PageError> {
    let (org, _) = org_of(&state, &user, &org, Action::Read)?;
    let team = match q.team.trim() {
        "" => None,
        t => Some(TeamId(t.parse::<i64>().map_err(|_| {
            PageError::BadRequest("Choose a team from the list.".into())
        })?)),
    };
    Ok(render(&state, &user, org, team, None, &FieldErrors::new())
        .await?
        .into_response())
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    org: OrgId,
    team: Option<TeamId>,
    typed: Option<&PlanForm>,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let access = user.access(state);
    let grant = access.org(org, Action::Read)?.grant();
    let c = capability(&access, org, team, crate::pages::today()).await?;
    let store = state.store.as_ref();
    let name = store.org(org).await?.map(|o| o.name).unwrap_or_default();
    let teams = store.teams(org).await?;
    let team_ids: Vec<String> = teams.iter().map(|t| t.id.to_string()).collect();
    let options: Vec<(&str, &str)> = std::iter::once(("", "The whole organisation"))
        .chain(
            teams
                .iter()
                .zip(&team_ids)
                .map(|(t, id)| (id.as_str(), t.name.as_str())),
        )
        .collect();
    let chosen = team.map(|t| t.to_string()).unwrap_or_default();
    let targets = c.plan.map_or([0; 3], |p| p.targets).map(|t| t.to_string());
    let typed_targets = typed.map(|f| {
        [
            f.foundation.clone(),
            f.practitioner.clone(),
            f.expert.clone(),
        ]
    });
    let shown = typed_targets.unwrap_or(targets);
    let body = html! {
        span class="caption" { (name) }
        h1 { "Improvement capability" }
        p { "The share of staff trained at each level (or above) at the end of each month, against the organisation's plan. Staff are the organisation's people now; a team's people are those on the teams of its projects." }
        p { a href={ "/orgs/" (org) "/training" } { "Improvement training" } }
        form method="get" action={ "/orgs/" (org) "/capability" } class="inline-form" {
            (form::select("team", "Show", &options, &chosen, &FieldErrors::new()))
            button type="submit" class="button button--secondary" { "Show" }
        }
        p { strong { (c.staff) } @if c.staff == 1 { " person" } @else { " people" } }
        @if c.months.is_empty() {
            p { "Nobody here has completed a course yet." }
        } @else {
            (chart(&c))
            div class="table-scroll" role="region" aria-label="Capability by month" tabindex="0" {
                table class="table" {
                    caption { "Staff trained at each level by month" @if c.plan.is_some() { ", with the plan" } }
                    thead { tr {
                        th scope="col" { "Month" }
                        @for l in Level::ALL { th scope="col" { (l.label()) } }
                    } }
                    tbody {
                        @for m in c.months.iter().rev() {
                            tr {
                                th scope="row" { (m.month.format("%B %Y")) }
                                @for l in Level::ALL {
                                    td {
                                        (m.trained[l as usize]) " (" (percent(c.share(m, l))) ")"
                                        @if let Some(p) = c.plan { br; span class="hint" { "plan " (p.target(l)) "%" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if grant.may(Action::ManageOrganisation) {
            h2 id="plan" { "The plan" }
            p { "The percentage of staff the organisation means to have trained at each level. A higher level's target is never above a lower one's." }
            (form::error_summary(errors))
            form method="post" action={ "/orgs/" (org) "/capability/plan" } novalidate {
                (csrf_field(user))
                (conflict::version_field(c.plan.map_or(Version(0), |p| p.version)))
                (form::input_of_type("number", "foundation", "Foundation (%)", &shown[0], None, errors))
                (form::input_of_type("number", "practitioner", "Practitioner (%)", &shown[1], None, errors))
                (form::input_of_type("number", "expert", "Expert / coach (%)", &shown[2], None, errors))
                button type="submit" class="button" { "Save the plan" }
            }
        } @else if let Some(p) = c.plan {
            h2 id="plan" { "The plan" }
            ul {
                @for l in Level::ALL { li { (l.label()) ": " (p.target(l)) "%" } }
            }
        }
    };
    let title = if errors.is_empty() {
        "Improvement capability"
    } else {
        "Error: Improvement capability"
    };
    Ok(layout::page(title, Some(user), body))
}

#[derive(Debug, Default, Deserialize)]
struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    foundation: String,
    #[serde(default)]
    practitioner: String,
    #[serde(default)]
    expert: String,
    #[serde(default)]
    version: String,
}

async fn set_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<String>,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&f.csrf)?;
    let (org, _) = org_of(&state, &user, &org, Action::ManageOrganisation)?;
    let draft = PlanDraft {
        targets: [&f.foundation, &f.practitioner, &f.expert].map(|t| Some(t.clone())),
    };
    let expected = conflict::parse(&f.version).unwrap_or(Version(0));
    match set_capability_plan(&user.access(&state), org, &draft, expected).await {
        Ok(_) => Ok(see_other(&format!("/orgs/{org}/capability#plan"))),
        Err(BoardError::Invalid(problems)) => {
            let mut errors = FieldErrors::new();
            for p in &problems {
                let name = Level::ALL[p.index.unwrap_or(0).min(2)].name();
                errors.insert(name, form::problem_sentence(p.field, &p.problem));
            }
            let page = render(&state, &user, org, None, Some(&f), &errors).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(board_error(e)),
    }
}
