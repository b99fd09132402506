//! Likely duplicates in a portfolio: pairs of active projects that look alike, with the
//! distinctive words they share, so that someone can ask the two teams whether they are doing
//! the same work.
//!
//! Each project's words are those "similar work" searches with ([`SearchTerms::any_of`]: the
//! first distinctive words of its title, aim and problem, title first), and each word weighs
//! its bm25 inverse document frequency over the projects compared,
//! `idf(w) = ln(1 + (N − n(w) + 0.5) / (n(w) + 0.5))` (Robertson and Zaragoza 2009; the weight
//! SQLite's FTS5 `bm25` gives a word), with `N` projects of which `n(w)` have the word. Two
//! projects' likeness is the weight of the words they share. The full-text index is not asked
//! once per project: `similar` takes about 7 ms a project (BENCHMARKS.md), 1.4 s for an
//! organisation's 200; scoring every pair in memory from the same words takes well under a
//! millisecond.

use std::collections::HashMap;

use crate::model::{Project, ProjectId};
use crate::search::SearchTerms;

/// The least share of the smaller project's word weight that a pair must share to be listed
/// (its likeness relative to its match with itself).
pub const DUPLICATE_SHARE: f64 = 0.5;
/// The most pairs a portfolio lists.
pub const MAX_DUPLICATES: usize = 20;
/// The most shared words shown for a pair.
pub const SHARED_WORDS: usize = 5;

/// Two active projects that look alike.
#[derive(Debug, Clone, PartialEq)]
pub struct LikelyDuplicate {
    /// One project (the first by the order given) and its title.
    pub a: (ProjectId, String),
    /// The other and its title.
    pub b: (ProjectId, String),
    /// The distinctive words both have, most distinctive first (at most [`SHARED_WORDS`]).
    pub shared: Vec<String>,
    /// The weight of the shared words over the smaller project's own, 0 to 1.
    pub share: f64,
}

/// The likely duplicates among `projects`: each pair in which one is the other's best match
/// (ties to the earlier) and they share at least [`DUPLICATE_SHARE`] of the smaller one's word
/// weight; the likeliest first (then in the order given), at most [`MAX_DUPLICATES`]. Pure.
pub fn likely_duplicates<'a>(
    projects: impl IntoIterator<Item = &'a Project>,
) -> Vec<LikelyDuplicate> {
    let projects: Vec<&Project> = projects.into_iter().collect();
    let n = projects.len();
    let terms: Vec<Vec<String>> = projects
        .iter()
        .map(|p| {
            SearchTerms::any_of([p.title.as_str(), p.aim.as_str(), p.problem.as_str()])
                .words()
                .to_vec()
        })
        .collect();
    // Each word once, by number: the projects that have it and its weight.
    let mut vocabulary: HashMap<&str, usize> = HashMap::new();
    let mut postings: Vec<Vec<usize>> = Vec::new();
    let ids: Vec<Vec<usize>> = terms
        .iter()
        .enumerate()
        .map(|(i, words)| {
            words
                .iter()
                .map(|w| {
                    let id = *vocabulary.entry(w.as_str()).or_insert_with(|| {
                        postings.push(Vec::new());
                        postings.len() - 1
                    });
                    postings[id].push(i);
                    id
                })
                .collect()
        })
        .collect();
    let idf = |df: usize| (1.0 + (n as f64 - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
    let weight: Vec<f64> = postings.iter().map(|has| idf(has.len())).collect();
    let weigh = |w: &str| vocabulary.get(w).map_or(0.0, |id| weight[*id]);
    let own: Vec<f64> = ids
        .iter()
        .map(|words| words.iter().map(|id| weight[*id]).sum())
        .collect();
    // Each project's best match: scores accumulated over the projects sharing each word.
    let mut best: Vec<Option<(usize, f64)>> = vec![None; n];
    let mut score = vec![0.0_f64; n];
    let mut touched = Vec::new();
    for i in 0..n {
        for &id in &ids[i] {
            let w = weight[id];
            for &j in &postings[id] {
                if j != i {
                    if score[j] == 0.0 {
                        touched.push(j);
                    }
                    score[j] += w;
                }
            }
        }
        touched.sort_unstable();
        for j in touched.drain(..) {
            let s = std::mem::take(&mut score[j]);
            if best[i].is_none_or(|(_, b)| s > b) {
                best[i] = Some((j, s));
            }
        }
    }
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    for (i, b) in best.iter().enumerate() {
        let Some((j, s)) = *b else { continue };
        let (i, j) = (i.min(j), i.max(j));
        let smaller = own[i].min(own[j]);
        if smaller > 0.0
            && s / smaller >= DUPLICATE_SHARE
            && !pairs.iter().any(|p| (p.0, p.1) == (i, j))
        {
            pairs.push((i, j, s / smaller));
        }
    }
    pairs.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    pairs.truncate(MAX_DUPLICATES);
    pairs
        .into_iter()
        .map(|(i, j, share)| {
            let mut shared: Vec<&String> =
                terms[i].iter().filter(|w| terms[j].contains(w)).collect();
            shared.sort_by(|x, y| weigh(y).total_cmp(&weigh(x)).then(x.cmp(y)));
            shared.truncate(SHARED_WORDS);
            LikelyDuplicate {
                a: (projects[i].id, projects[i].title.clone()),
                b: (projects[j].id, projects[j].title.clone()),
                shared: shared.into_iter().cloned().collect(),
                share,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OrgId, ProjectKind, ProjectStatus, Version};

    fn project(id: i64, title: &str, aim: &str) -> Project {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        Project {
            id: ProjectId(id),
            org: OrgId(1),
            team: None,
            title: title.into(),
            problem: String::new(),
            aim: aim.into(),
            method: String::new(),
            status: ProjectStatus::Testing,
            sponsor: String::new(),
            tags: vec![],
            lead: None,
            kind: ProjectKind::Improvement,
            created_at: at,
            updated_at: at,
            version: Version(1),
            private: false,
            idea: None,
        }
    }

    #[test]
    fn pairs_sharing_most_of_their_distinctive_words_are_listed_with_the_words() {
        // Words ("on", "in" are common; "7" is one letter): 1 falls, ward; 2 falls,
        // prevention, ward; 3 sepsis, screening, ed; 4 sepsis, maternity. N = 4: a word in two
        // projects weighs ln(1 + 2.5/2.5) = ln 2 = 0.6931, in one ln(1 + 3.5/1.5) = 1.2040.
        // Own weights: 1: 1.3863, 2: 2.5903, 3: 3.1011, 4: 1.8971.
        // 1 and 2 share falls and ward: 1.3863 of 1's 1.3863, a share of 1.0: listed.
        // 3 and 4 share sepsis: 0.6931 of 4's 1.8971, a share of 0.365 (< 0.5): not listed.
        let ps = [
            project(1, "Falls on Ward 7", ""),
            project(2, "Falls prevention", "Ward 7"),
            project(3, "Sepsis screening in ED", ""),
            project(4, "Sepsis in maternity", ""),
        ];
        let d = likely_duplicates(&ps);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].a, (ProjectId(1), "Falls on Ward 7".to_owned()));
        assert_eq!(d[0].b.0, ProjectId(2));
        assert_eq!(d[0].shared, ["falls", "ward"]);
        assert!((d[0].share - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_rarer_shared_word_comes_first_and_a_half_share_is_enough() {
        // 1 falls, sensors; 2 falls, sensors, night; 3 falls, bundle; 4 hydration.
        // N = 4: falls (3 projects) weighs ln(1 + 1.5/3.5) = 0.3567, sensors (2) 0.6931,
        // night, bundle, hydration (1) 1.2040 each.
        // 1's best is 2 (1.0498 against 0.3567 with 3): share 1.0498 / 1.0498 = 1.
        // 3's best is 1 (0.3567, tie with 2 goes to the earlier): 0.3567 / 1.5607 = 0.229, not
        // listed; 4 shares nothing.
        let ps = [
            project(1, "Falls sensors", ""),
            project(2, "Night falls sensors", ""),
            project(3, "Falls bundle", ""),
            project(4, "Hydration", ""),
        ];
        let d = likely_duplicates(&ps);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].a.0, d[0].b.0), (ProjectId(1), ProjectId(2)));
        assert_eq!(d[0].shared, ["sensors", "falls"]);
        assert!((d[0].share - 1.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_alike_nothing_listed() {
        assert!(likely_duplicates(&[]).is_empty());
        let ps = [project(1, "Falls", ""), project(2, "Sepsis", "")];
        assert!(likely_duplicates(&ps).is_empty());
    }
}
