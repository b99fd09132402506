//! Finding projects: the search page, and the lists of similar work that the project page and
//! the new-project form show.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gemba_domain::{search, QueryProblem, SearchError, SearchHit};
use maud::{html, Markup};
use serde::Deserialize;

use super::dashboard::status_tag;
use super::error::PageError;
use super::form::{self, FieldErrors};
use super::layout;
use super::session::CurrentUser;
use crate::AppState;

page_routes! {
    get "/search" => search_page, Own;
}

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// The name of the organisation `hit` belongs to (one of the user's).
fn org_name<'u>(user: &'u CurrentUser, hit: &SearchHit) -> &'u str {
    user.memberships
        .iter()
        .find(|m| m.org.id == hit.org)
        .map_or("", |m| m.org.name.as_str())
}

/// Projects found, as a list: each title a link, with its organisation, status and `snippet`
/// when asked for.
pub(crate) fn hit_list(user: &CurrentUser, hits: &[SearchHit], snippets: bool) -> Markup {
    html! {
        ul class="search-results" {
            @for h in hits {
                li class="search-results__item" {
                    a class="search-results__title" href={ "/projects/" (h.project) } { (h.title) }
                    " " (status_tag(h.status))
                    br;
                    span class="caption" { (org_name(user, h)) }
                    @if snippets && !h.snippet.trim().is_empty() {
                        p class="search-results__snippet" { (h.snippet) }
                    }
                }
            }
        }
    }
}

/// The "Similar work" panel of a project page.
pub(crate) fn similar_panel(user: &CurrentUser, hits: &[SearchHit]) -> Markup {
    html! {
        section class="similar" aria-labelledby="similar-work" {
            h2 id="similar-work" { "Similar work" }
            @if hits.is_empty() {
                p { "No similar projects found." }
            } @else {
                p class="hint" { "Projects in your organisations that share this one's words." }
                (hit_list(user, hits, false))
            }
        }
    }
}

async fn search_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q = query.q;
    let mut errors = FieldErrors::new();
    let hits = if q.trim().is_empty() {
        None
    } else {
        match search(&user.access(&state), &q, None).await {
            Ok(hits) => Some(hits),
            Err(SearchError::Invalid(QueryProblem::TooLong { max })) => {
                errors.insert("q", format!("Search must be {max} characters or fewer"));
                None
            }
            Err(SearchError::Invalid(_)) => None,
            Err(SearchError::Access(e)) => return Err(e.into()),
        }
    };
    let title = match (&hits, errors.is_empty()) {
        (_, false) => "Error: Search projects".to_owned(),
        (Some(_), true) => format!("{} – Search projects", q.trim()),
        (None, true) => "Search projects".to_owned(),
    };
    let body = html! {
        h1 { "Search projects" }
        (form::error_summary(&errors))
        form method="get" action="/search" role="search" class="inline-form" {
            (form::text_input("q", "Words to find", &q,
                Some("In the titles, problems, aims, change ideas and measure names of your organisations' projects"),
                &errors))
            button type="submit" class="button" { "Search" }
        }
        @if let Some(hits) = &hits {
            h2 id="results" { "Results" }
            @if hits.is_empty() {
                p role="status" { "No projects match “" (q.trim()) "”." }
            } @else {
                p role="status" {
                    @if hits.len() == 1 { "1 project" } @else { (hits.len()) " projects" }
                    " found, best match first."
                }
                (hit_list(&user, hits, true))
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, layout::page(&title, Some(&user), body)).into_response())
}
