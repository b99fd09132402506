//! Finding projects: full-text search over projects' titles, problems, aims, change ideas and
//! measure names, and "similar work" (projects like this one, or like one being started), each
//! behind its access check and scoped to the organisations the user may read.
//!
//! What people type never reaches the search engine as syntax: [`SearchTerms`] keeps only words
//! (runs of letters and digits, lower-cased), and the store quotes each one.

use crate::access::{Access, AccessError, Action};
use crate::model::{OrgId, ProjectId, ProjectStatus};
use crate::store::StoreError;

/// The longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most results one search returns.
pub const MAX_RESULTS: usize = 50;
/// The results a search returns when the caller does not say.
pub const DEFAULT_RESULTS: usize = 20;
/// The similar projects shown beside a project or a project being started.
pub const SIMILAR_RESULTS: usize = 5;
/// The most words one search looks for.
pub const MAX_TERMS: usize = 32;
/// The most words a similarity query keeps: the first distinctive ones, from the title first.
/// More make every project match a little and the query slow, without better neighbours.
pub const SIMILAR_TERMS: usize = 12;

/// Words too common to tell projects apart: English function words and the words every
/// improvement project uses (separated by spaces).
const STOP_WORDS: &str = "\
    a about after all also an and any are as at be been before being but by can could do \
    does each for from had has have how in into is it its more most no not of on or our over \
    per so some than that the their them then there these they this those through to under \
    up was we were what when which while who will with within would you your aim achieve \
    better decrease decreasing improve improved improvement improving increase increasing \
    less fewer reduce reduced reducing reduction project patient patients percent number \
    rate month months week weeks year years time use using make";

/// Whether `word` (lower-cased) is one of [`STOP_WORDS`]: a set built once, as the portfolio
/// asks for the words of every project on each view.
fn is_stop_word(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.split_whitespace().collect())
        .contains(word)
}

/// The words of a search, ready for the store: each only letters and digits, lower-cased, no
/// duplicates, at most [`MAX_TERMS`]. Built only from text, so no query syntax gets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    words: Vec<String>,
    any: bool,
}

/// The words of `text`: runs of letters and digits, lower-cased, in order.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

impl SearchTerms {
    /// What someone typed: a project matches when it has every word.
    pub fn all_of(query: &str) -> SearchTerms {
        let mut out: Vec<String> = Vec::new();
        for w in words(query) {
            if out.len() == MAX_TERMS {
                break;
            }
            if !out.contains(&w) {
                out.push(w);
            }
        }
        SearchTerms {
            words: out,
            any: false,
        }
    }

    /// The distinctive words of some texts (a project's title, aim, problem, change ideas):
    /// without common words (English function words, the words every aim uses) and one-letter
    /// words, the first [`SIMILAR_TERMS`]. A project matches when it has any of them, and ranks
    /// higher the more (and the rarer) it has.
    pub fn any_of<'t>(texts: impl IntoIterator<Item = &'t str>) -> SearchTerms {
        let mut out: Vec<String> = Vec::new();
        'texts: for text in texts {
            for w in words(text) {
                if out.len() == SIMILAR_TERMS {
                    break 'texts;
                }
                if w.chars().count() > 1 && !is_stop_word(&w) && !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        SearchTerms {
            words: out,
            any: true,
        }
    }

    /// The words, each only letters and digits.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether a project matches with any word (`false`: it needs every word).
    pub fn any(&self) -> bool {
        self.any
    }

    /// No words at all (a query of only punctuation): nothing matches.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// One project found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The project.
    pub project: ProjectId,
    /// Its organisation.
    pub org: OrgId,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: ProjectStatus,
    /// A few words of it around what matched (plain text).
    pub snippet: String,
    /// How well it matched: lower is better (SQLite's bm25 is negative).
    pub rank: f64,
}

/// What is wrong with a search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing to search for (blank).
    Empty,
    /// Longer than [`MAX_QUERY_CHARS`].
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A number of results that is not from 1 to [`MAX_RESULTS`].
    Limit {
        /// The most allowed.
        max: usize,
    },
}

/// Why a search did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// No such project for this user (see [`AccessError`]).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The query or the number of results asked for is not valid.
    #[error("invalid search: {0:?}")]
    Invalid(QueryProblem),
}

impl From<StoreError> for SearchError {
    fn from(e: StoreError) -> Self {
        SearchError::Access(AccessError::Store(e))
    }
}

/// Checks a typed query and a number of results (`None`: [`DEFAULT_RESULTS`]).
pub fn check_query(
    query: &str,
    limit: Option<usize>,
) -> Result<(SearchTerms, usize), QueryProblem> {
    let limit = limit.unwrap_or(DEFAULT_RESULTS);
    if limit == 0 || limit > MAX_RESULTS {
        return Err(QueryProblem::Limit { max: MAX_RESULTS });
    }
    let query = query.trim();
    if query.is_empty() {
        return Err(QueryProblem::Empty);
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryProblem::TooLong {
            max: MAX_QUERY_CHARS,
        });
    }
    Ok((SearchTerms::all_of(query), limit))
}

/// Projects matching `query` in the organisations the user may read, best first (at most
/// `limit`, [`DEFAULT_RESULTS`] when `None`). A query of only punctuation finds nothing.
pub async fn search(
    access: &Access<'_>,
    query: &str,
    limit: Option<usize>,
) -> Result<Vec<SearchHit>, SearchError> {
    let (terms, limit) = check_query(query, limit).map_err(SearchError::Invalid)?;
    let readable = access.readable().await?;
    Ok(access
        .store()
        .search_projects(&readable, &terms, None, limit)
        .await?)
}

/// Projects like `project` ([`Action::Read`]) in the organisations the user may read, best
/// first (at most [`SIMILAR_RESULTS`]): those sharing the distinctive words of its title,
/// problem, aim and change ideas; never the project itself.
pub async fn similar(
    access: &Access<'_>,
    project: ProjectId,
) -> Result<Vec<SearchHit>, SearchError> {
    let p = access.project(project, Action::Read).await?;
    let p = p.item();
    let store = access.store();
    let nodes = store.driver_nodes(project).await?;
    let ideas = nodes
        .iter()
        .filter(|n| n.kind == crate::model::DriverKind::ChangeIdea)
        .map(|n| n.text.as_str());
    let terms = SearchTerms::any_of(
        [p.title.as_str(), p.aim.as_str(), p.problem.as_str()]
            .into_iter()
            .chain(ideas),
    );
    let readable = access.readable().await?;
    Ok(store
        .search_projects(&readable, &terms, Some(project), SIMILAR_RESULTS)
        .await?)
}

/// Projects like one being started, from what has been typed so far (its title, problem and
/// aim), in the organisations the user may read: best first, at most [`SIMILAR_RESULTS`].
pub async fn similar_to_new(
    access: &Access<'_>,
    title: &str,
    problem: &str,
    aim: &str,
) -> Result<Vec<SearchHit>, SearchError> {
    let terms = SearchTerms::any_of([title, aim, problem]);
    let readable = access.readable().await?;
    Ok(access
        .store()
        .search_projects(&readable, &terms, None, SIMILAR_RESULTS)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits_only() {
        let t = SearchTerms::all_of("falls OR \"ward\" NEAR(x y) * ^title: -a falls");
        assert_eq!(
            t.words(),
            ["falls", "or", "ward", "near", "x", "y", "title", "a"]
        );
        assert!(!t.any());
    }

    #[test]
    fn punctuation_only_is_no_words() {
        assert!(SearchTerms::all_of("\"*()-:^").is_empty());
        assert_eq!(
            check_query("\"*()", None).map(|(t, _)| t.is_empty()),
            Ok(true)
        );
    }

    #[test]
    fn similarity_drops_stop_words_short_words_and_duplicates() {
        let t = SearchTerms::any_of(["Reducing falls on Ward 9", "Falls on ward 9 harm patients"]);
        assert_eq!(t.words(), ["falls", "ward", "harm"]);
        assert!(t.any());
    }

    #[test]
    fn at_most_max_terms() {
        let text: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(
            SearchTerms::any_of([text.as_str()]).words().len(),
            SIMILAR_TERMS
        );
        assert_eq!(SearchTerms::all_of(&text).words().len(), MAX_TERMS);
    }

    #[test]
    fn queries_are_checked() {
        assert_eq!(check_query("  ", None), Err(QueryProblem::Empty));
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(
            check_query(&long, None),
            Err(QueryProblem::TooLong { max: 200 })
        );
        assert!(check_query(&"é".repeat(MAX_QUERY_CHARS), None).is_ok());
        assert_eq!(
            check_query("x", Some(0)),
            Err(QueryProblem::Limit { max: 50 })
        );
        assert_eq!(
            check_query("x", Some(51)),
            Err(QueryProblem::Limit { max: 50 })
        );
        assert_eq!(check_query("x", None).map(|(_, l)| l), Ok(20));
    }
}
