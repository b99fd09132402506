//! What changed since the previous published report: icons that moved, new signals, measures
//! that joined or left. Compared by measure identifier, so a renamed measure is still the same.

use std::collections::HashMap;

use gemba_spc::{AssuranceIcon, VariationIcon};

use crate::summary::Summary;

/// Where one measure stood in a report: what [`changes`] compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The measure's identifier in the report.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its variation icon.
    pub variation_icon: Option<VariationIcon>,
    /// Its assurance icon.
    pub assurance_icon: Option<AssuranceIcon>,
    /// The rules that fired in its latest phase, in the JSON contract's spelling.
    pub rules_fired: Vec<String>,
}

/// Every measure's standing in a summary, in report order.
pub fn standings(summary: &Summary) -> Vec<Standing> {
    summary
        .sections
        .iter()
        .flat_map(|s| &s.measures)
        .map(|m| Standing {
            id: m.id.clone(),
            title: m.title.clone(),
            variation_icon: m.variation_icon,
            assurance_icon: m.assurance_icon,
            rules_fired: m.rules_fired.iter().map(|r| (*r).to_owned()).collect(),
        })
        .collect()
}

/// What changed since an earlier report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The earlier report's period, for people ("October 2026").
    pub since: String,
    /// The changes, in the order of the current report, then measures that left it.
    pub items: Vec<Change>,
}

/// One change of one measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The measure's identifier.
    pub id: String,
    /// Its title (as it is now, or as it was for one that left).
    pub title: String,
    /// What changed.
    pub what: ChangeKind,
}

/// What changed about a measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// It was not in the earlier report.
    Joined,
    /// It is no longer in the report.
    Left,
    /// Its variation icon moved.
    Variation {
        /// Before.
        from: Option<VariationIcon>,
        /// Now.
        to: Option<VariationIcon>,
    },
    /// Its assurance icon moved.
    Assurance {
        /// Before.
        from: Option<AssuranceIcon>,
        /// Now.
        to: Option<AssuranceIcon>,
    },
    /// Rules fire that did not fire before (a new signal).
    NewSignal {
        /// The rules newly fired, in the JSON contract's spelling.
        rules: Vec<String>,
    },
}

impl ChangeKind {
    /// The JSON spelling: `joined`, `left`, `variation`, `assurance`, `new_signal`.
    pub fn name(&self) -> &'static str {
        match self {
            ChangeKind::Joined => "joined",
            ChangeKind::Left => "left",
            ChangeKind::Variation { .. } => "variation",
            ChangeKind::Assurance { .. } => "assurance",
            ChangeKind::NewSignal { .. } => "new_signal",
        }
    }

    /// The change in words ("Variation: common cause variation → special cause concern (high)").
    pub fn describe(&self) -> String {
        match self {
            ChangeKind::Joined => "New to the report".to_owned(),
            ChangeKind::Left => "No longer in the report".to_owned(),
            ChangeKind::Variation { from, to } => format!(
                "Variation: {} → {}",
                crate::fmt::variation(*from),
                crate::fmt::variation(*to)
            ),
            ChangeKind::Assurance { from, to } => format!(
                "Assurance: {} → {}",
                crate::fmt::assurance(*from),
                crate::fmt::assurance(*to)
            ),
            ChangeKind::NewSignal { rules } => {
                let names: Vec<&str> = rules.iter().map(String::as_str).collect();
                format!("New signal: {}", crate::fmt::rules(&names))
            }
        }
    }
}

/// What changed from `before` (the earlier report, whose period is `since`) to `now`: for each
/// measure of `now`, in order, whether it joined, whether its variation or assurance icon moved,
/// and which rules fire now that did not before; then the measures of `before` that left.
pub fn changes(before: &[Standing], now: &[Standing], since: &str) -> Changes {
    let earlier: HashMap<&str, &Standing> = before.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut items = Vec::new();
    let mut push = |s: &Standing, what: ChangeKind| {
        items.push(Change {
            id: s.id.clone(),
            title: s.title.clone(),
            what,
        })
    };
    for s in now {
        let Some(b) = earlier.get(s.id.as_str()) else {
            push(s, ChangeKind::Joined);
            continue;
        };
        if b.variation_icon != s.variation_icon {
            push(
                s,
                ChangeKind::Variation {
                    from: b.variation_icon,
                    to: s.variation_icon,
                },
            );
        }
        if b.assurance_icon != s.assurance_icon {
            push(
                s,
                ChangeKind::Assurance {
                    from: b.assurance_icon,
                    to: s.assurance_icon,
                },
            );
        }
        let rules: Vec<String> = s
            .rules_fired
            .iter()
            .filter(|r| !b.rules_fired.contains(r))
            .cloned()
            .collect();
        if !rules.is_empty() {
            push(s, ChangeKind::NewSignal { rules });
        }
    }
    let current: Vec<&str> = now.iter().map(|s| s.id.as_str()).collect();
    for b in before.iter().filter(|b| !current.contains(&b.id.as_str())) {
        push(b, ChangeKind::Left);
    }
    Changes {
        since: since.to_owned(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(id: &str, v: VariationIcon, a: Option<AssuranceIcon>, rules: &[&str]) -> Standing {
        Standing {
            id: id.into(),
            title: format!("Measure {id}"),
            variation_icon: Some(v),
            assurance_icon: a,
            rules_fired: rules.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn icons_that_moved_new_signals_and_measures_that_came_and_went() {
        use AssuranceIcon::*;
        use VariationIcon::*;
        let before = [
            standing("a", CommonCause, Some(HitAndMiss), &[]),
            standing("b", CommonCause, Some(Fail), &["shift"]),
            standing("gone", CommonCause, None, &[]),
        ];
        let now = [
            standing("a", ConcernHigh, Some(HitAndMiss), &["outside_limits"]),
            standing("b", CommonCause, Some(Fail), &["shift"]),
            standing("new", ImprovementLow, None, &["trend"]),
        ];
        let c = changes(&before, &now, "October 2026");
        assert_eq!(c.since, "October 2026");
        let got: Vec<(&str, &str)> = c
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.what.name()))
            .collect();
        // b is unchanged (same icons, the shift fired before too); a's icon moved and a new
        // rule fired; "new" joined (its trend is part of joining, not a separate change).
        assert_eq!(
            got,
            [
                ("a", "variation"),
                ("a", "new_signal"),
                ("new", "joined"),
                ("gone", "left")
            ]
        );
        assert_eq!(
            c.items[0].what.describe(),
            "Variation: Common cause variation → Special cause concern (high)"
        );
        assert_eq!(
            c.items[1].what.describe(),
            "New signal: point beyond a limit"
        );
    }

    #[test]
    fn the_same_standings_change_nothing() {
        let s = [standing("a", VariationIcon::CommonCause, None, &["shift"])];
        assert!(changes(&s, &s, "x").items.is_empty());
    }
}
