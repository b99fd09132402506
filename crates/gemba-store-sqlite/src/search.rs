//! Full-text search over projects (migration 0018: an FTS5 table kept current by triggers),
//! ranked with bm25. Each word is quoted, so nothing a user types is FTS5 syntax.

use gemba_domain::{OrgId, ProjectId, ProjectStatus, Readable, SearchHit, SearchTerms, StoreError};
use sqlx::{AssertSqlSafe, Row, SqlitePool};

use crate::error::{corrupt, db};

/// bm25 weights of the columns: title, problem, aim, change ideas, measure names.
const WEIGHTS: &str = "10.0, 2.0, 4.0, 3.0, 2.0";

/// `words` as an FTS5 query: each a quoted string, all required or any one.
fn match_expression(terms: &SearchTerms) -> String {
    let quoted: Vec<String> = terms
        .words()
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    quoted.join(if terms.any() { " OR " } else { " AND " })
}

pub(crate) async fn search(
    pool: &SqlitePool,
    readable: &Readable,
    terms: &SearchTerms,
    exclude: Option<ProjectId>,
    limit: usize,
) -> Result<Vec<SearchHit>, StoreError> {
    let (own, shared) = (&readable.own, &readable.shared);
    if (own.is_empty() && shared.is_empty()) || terms.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let places = |n: usize| vec!["?"; n].join(", ");
    // Every project of the user's own organisations; those not private of the system's others.
    let scope = match (own.is_empty(), shared.is_empty()) {
        (false, true) => format!("+p.org_id IN ({})", places(own.len())),
        (true, false) => format!(
            "(+p.org_id IN ({}) AND p.private = 0)",
            places(shared.len())
        ),
        _ => format!(
            "(+p.org_id IN ({}) OR (+p.org_id IN ({}) AND p.private = 0))",
            places(own.len()),
            places(shared.len())
        ),
    };
    // The full-text match drives the query (`+p.org_id` keeps SQLite from walking an
    // organisation's projects by index and matching each one, which is slow); the organisation
    // filter applies to what matched.
    let sql = format!(
        "SELECT p.id, p.org_id, p.title, p.status, \
                snippet(project_search, -1, '', '', '…', 16) AS snippet, \
                bm25(project_search, {WEIGHTS}) AS rank \
         FROM project_search JOIN projects p ON p.id = project_search.rowid \
         WHERE project_search MATCH ? AND {scope} AND p.deleted_at IS NULL \
               AND p.id <> ? \
         ORDER BY rank, p.id LIMIT ?"
    );
    // Only "?" placeholders are formatted in; every value is bound.
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(match_expression(terms));
    for org in own.iter().chain(shared) {
        q = q.bind(org.0);
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    q.bind(exclude.map_or(0, |p| p.0))
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status").map_err(db)?;
            Ok(SearchHit {
                project: ProjectId(r.try_get("id").map_err(db)?),
                org: OrgId(r.try_get("org_id").map_err(db)?),
                title: r.try_get("title").map_err(db)?,
                status: ProjectStatus::parse(&status)
                    .ok_or_else(|| corrupt("projects.status", &status))?,
                snippet: r.try_get("snippet").map_err(db)?,
                rank: r.try_get("rank").map_err(db)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_quoted() {
        let all = SearchTerms::all_of("falls AND NEAR(ward)");
        assert_eq!(
            match_expression(&all),
            "\"falls\" AND \"and\" AND \"near\" AND \"ward\""
        );
        let any = SearchTerms::any_of(["falls ward"]);
        assert_eq!(match_expression(&any), "\"falls\" OR \"ward\"");
    }
}
