//! Properties of the drafts, over arbitrary input: each limit is applied exactly (a field is
//! refused if and only if it breaks its limit, whatever else is wrong), and what a draft
//! accepted is accepted again unchanged when sent back whole, as a form sends it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use gemba_domain::{
    limits, Field, MeasureDraft, PdsaDraft, Problem, ProjectDraft, RebaseDraft, MEASURE_CHARTS,
    RULE_PROFILES,
};
use proptest::prelude::*;

/// Text of any characters (spaces and line breaks often), up to a little over `max`.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(' '),
            Just('\n'),
            Just('é'),
            Just('—'),
            any::<char>(),
            proptest::char::range('a', 'z'),
        ],
        0..max + 3,
    )
    .prop_map(|c| c.into_iter().collect())
}

/// A long text near `max` characters: exactly `max - 1`, `max` or `max + 1` letters, padded
/// with spaces that trimming removes.
fn near(max: usize) -> impl Strategy<Value = String> {
    (max - 1..=max + 1, 0..3usize)
        .prop_map(|(n, pad)| format!("{}{}{}", " ".repeat(pad), "x".repeat(n), " ".repeat(pad)))
}

fn too_long(s: &str, max: usize) -> bool {
    s.trim().chars().count() > max
}

proptest! {
    #[test]
    fn project_limits_are_exact(
        title in text(limits::NAME),
        method in prop_oneof![text(30), near(limits::SHORT_TEXT)],
        sponsor in prop_oneof![text(30), near(limits::SHORT_TEXT)],
        aim in prop_oneof![text(30), near(limits::LONG_TEXT)],
    ) {
        let draft = ProjectDraft {
            title: Some(title.clone()),
            method: Some(method.clone()),
            sponsor: Some(sponsor.clone()),
            aim: Some(aim.clone()),
            ..ProjectDraft::default()
        };
        let mut expected = Vec::new();
        if title.trim().is_empty() {
            expected.push((Field::Title, Problem::Missing));
        } else if too_long(&title, limits::NAME) {
            expected.push((Field::Title, Problem::TooLong { max: limits::NAME }));
        }
        if too_long(&aim, limits::LONG_TEXT) {
            expected.push((Field::Aim, Problem::TooLong { max: limits::LONG_TEXT }));
        }
        if too_long(&method, limits::SHORT_TEXT) {
            expected.push((Field::Method, Problem::TooLong { max: limits::SHORT_TEXT }));
        }
        if too_long(&sponsor, limits::SHORT_TEXT) {
            expected.push((Field::Sponsor, Problem::TooLong { max: limits::SHORT_TEXT }));
        }
        match draft.apply(None) {
            Ok(f) => {
                prop_assert!(expected.is_empty(), "{expected:?}");
                prop_assert_eq!(f.title.as_str(), title.trim());
                prop_assert_eq!(f.method, method.trim());
                prop_assert_eq!(f.sponsor, sponsor.trim());
            }
            Err(problems) => {
                let got: Vec<(Field, Problem)> =
                    problems.into_iter().map(|p| (p.field, p.problem)).collect();
                prop_assert_eq!(got, expected);
            }
        }
    }

    /// A measure accepted once, shown in a form and sent back whole, is the same measure:
    /// the forms can always save what the API made.
    #[test]
    fn an_accepted_measure_is_accepted_again_unchanged(
        name in "[A-Za-z][A-Za-z ,%]{0,199}",
        unit in prop_oneof![text(20), near(limits::SHORT_TEXT)],
        chart in 0..MEASURE_CHARTS.len(),
        rules in 0..RULE_PROFILES.len(),
        target in proptest::option::of(-1e15..1e15f64),
        fix_after in proptest::option::of(0usize..200_000),
        rebases in proptest::collection::vec((0u32..3000, "[a-z]{1,20}"), 0..5),
    ) {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            + chrono::Days::new(u64::from(d));
        let draft = MeasureDraft {
            name: Some(name),
            kind: Some("process".into()),
            unit: Some(unit),
            chart: Some(MEASURE_CHARTS[chart].name().into()),
            rules: Some(RULE_PROFILES[rules].into()),
            target: Some(target.map(|t| t.to_string()).unwrap_or_default()),
            fix_after: Some(fix_after.map(|n| n.to_string()).unwrap_or_default()),
            rebase: Some(
                rebases
                    .iter()
                    .map(|(d, r)| RebaseDraft { date: day(*d).to_string(), reason: r.clone() })
                    .collect(),
            ),
            ..MeasureDraft::default()
        };
        let Ok(first) = draft.apply(None) else {
            return Ok(());
        };
        let c = &first.chart;
        let again = MeasureDraft {
            name: Some(first.name.to_string()),
            kind: Some(first.kind.name().into()),
            definition: Some(first.definition.clone()),
            unit: Some(first.unit.clone()),
            data_source: Some(first.data_source.clone()),
            denominator_label: Some(first.denominator_label.clone()),
            chart: Some(c.chart.name().into()),
            improvement: Some(c.improvement.name().into()),
            target: Some(c.target.map(|t| t.to_string()).unwrap_or_default()),
            rules: Some(c.rules.clone()),
            rebase: Some(
                c.rebase
                    .iter()
                    .map(|r| RebaseDraft { date: r.date.to_string(), reason: r.reason.clone() })
                    .collect(),
            ),
            fix_after: Some(c.fix_after.map(|n| n.to_string()).unwrap_or_default()),
            period: Some(c.period.name().into()),
            multiplier: Some(c.multiplier.get().to_string()),
        };
        prop_assert_eq!(again.apply(Some(&first)), Ok(first.clone()));
        // And a draft that sends nothing keeps it all.
        prop_assert_eq!(MeasureDraft::default().apply(Some(&first)), Ok(first));
    }

    /// A PDSA draft never panics, and refuses a start date exactly when it is not a date.
    #[test]
    fn pdsa_start_dates(start in text(12), title in text(10)) {
        let draft = PdsaDraft {
            title: Some(title),
            start_date: Some(start.clone()),
            ..PdsaDraft::default()
        };
        let date_problem = match draft.apply(None) {
            Ok(f) => {
                prop_assert_eq!(f.start_date, gemba_domain::parse_date(&start));
                false
            }
            Err(p) => p.iter().any(|p| p.field == Field::StartDate),
        };
        prop_assert_eq!(date_problem, gemba_domain::parse_date(start.trim()).is_none());
    }
}
