//! The plain-text summary table for a terminal.

use crate::axis::fmt_num;
use crate::describe::{self, finite};
use crate::SeriesView;

const HEADER: [&str; 7] = [
    "series",
    "points",
    "latest",
    "centre",
    "variation",
    "assurance",
    "rules fired",
];
/// Columns aligned to the right (numbers).
const RIGHT: [bool; 7] = [false, true, true, true, false, false, false];

/// Replaces control characters (which could move a terminal's cursor or change its colours)
/// and shortens very long text.
fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    crate::chart::truncate(&s, 40)
}

/// The table, one line per series, columns separated by two spaces; ends with a newline.
pub(crate) fn summary_table(series: &[SeriesView]) -> String {
    let mut rows: Vec<[String; 7]> = vec![HEADER.map(String::from)];
    for view in series {
        let r = view.result;
        let latest = describe::latest(r).map_or("-".into(), |(_, v)| {
            format!("{}{}", fmt_num(v), view.value_suffix)
        });
        let centre = r
            .points
            .last()
            .and_then(|p| finite(p.lines.centre))
            .map_or("-".into(), |c| {
                format!("{}{}", fmt_num(c), view.value_suffix)
            });
        let rules = describe::rules_fired_with_runs(r, &r.points);
        rows.push([
            clean(view.id),
            r.points.len().to_string(),
            latest,
            centre,
            describe::variation_short(r.variation_icon).into(),
            describe::assurance_short(r.assurance_icon).into(),
            if rules.is_empty() {
                "-".into()
            } else {
                rules.join(",")
            },
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (k, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c > 0 {
                line.push_str("  ");
            }
            if RIGHT[c] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if k == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.extend(std::iter::repeat_n('-', total));
            out.push('\n');
        }
    }
    out
}
