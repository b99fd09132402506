//! Words about a chart, shared by the SVG description, the HTML report and the text table.

use gemba_spc::{
    AssuranceIcon, ChartResult, ChartType, Improvement, PointResult, PointVariation, RunsAnalysis,
    VariationIcon,
};

use crate::axis::fmt_num;
use crate::{Place, SeriesView};

/// A finite plotted value, or `None` (missing, or a non-finite value the engine should never
/// return).
pub(crate) fn value(p: &PointResult) -> Option<f64> {
    p.y.filter(|v| v.is_finite())
}

/// A finite line value.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// The index and value of the last non-missing point.
pub(crate) fn latest(result: &ChartResult) -> Option<(usize, f64)> {
    result
        .points
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, p)| value(p).map(|v| (i, v)))
}

/// The label of point `i`: the caller's label, or its 1-based position.
pub(crate) fn x_label(view: &SeriesView, i: usize) -> String {
    view.x_labels
        .get(i)
        .cloned()
        .unwrap_or_else(|| (i + 1).to_string())
}

/// The annotations that can be drawn, in the order given: those at a place within the points
/// and those after the latest point (when there is one).
pub(crate) fn annotations<'v>(view: &SeriesView<'v>) -> Vec<(Place, &'v str)> {
    let n = view.result.points.len();
    view.annotations
        .iter()
        .filter(|(place, _)| match place {
            Place::At(f) => f.is_finite() && *f >= 0.0 && *f <= n as f64 - 1.0,
            Place::AfterLast => n > 0,
        })
        .map(|(place, label)| (*place, label.as_str()))
        .collect()
}

/// Where an annotation sits, in words: the point's label ("2024-04-01"), "between 2024-04-01
/// and 2024-05-01", or "after 2024-12-01, the latest point".
pub(crate) fn place_label(view: &SeriesView, place: Place) -> String {
    match place {
        Place::At(f) => {
            let i = f.floor().max(0.0) as usize;
            if f - f.floor() < 1e-9 {
                x_label(view, i)
            } else {
                format!("between {} and {}", x_label(view, i), x_label(view, i + 1))
            }
        }
        Place::AfterLast => {
            let last = view.result.points.len().saturating_sub(1);
            format!("after {}, the latest point", x_label(view, last))
        }
    }
}

/// The points of the last phase (contiguous at the end of the series).
pub(crate) fn last_phase(result: &ChartResult) -> &[PointResult] {
    let Some(last) = result.points.last() else {
        return &[];
    };
    let start = result
        .points
        .iter()
        .rposition(|p| p.phase != last.phase)
        .map_or(0, |i| i + 1);
    &result.points[start..]
}

/// Half-open index ranges of the phases, in order.
pub(crate) fn phases(points: &[PointResult]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].phase != points[start].phase {
            out.push((start, i));
            start = i;
        }
    }
    out
}

/// The rules that fired on any of `points`, each once, in the contract's order.
pub(crate) fn rules_fired<'p>(
    points: impl IntoIterator<Item = &'p PointResult>,
) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in points {
        for name in p.special_cause.names() {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    const ORDER: [&str; 4] = ["outside_limits", "shift", "trend", "two_in_three"];
    out.sort_by_key(|n| ORDER.iter().position(|o| o == n));
    out
}

/// Rules fired anywhere, plus `runs_signal` for a run chart whose runs analysis signals.
pub(crate) fn rules_fired_with_runs<'p>(
    result: &ChartResult,
    points: impl IntoIterator<Item = &'p PointResult>,
) -> Vec<&'static str> {
    let mut rules = rules_fired(points);
    if result.chart == ChartType::Run && result.runs.is_some_and(|r| r.signal) {
        rules.push("runs_signal");
    }
    rules
}

/// A rule's name for people.
pub(crate) fn rule_label(name: &str) -> &str {
    match name {
        "outside_limits" => "point beyond a limit",
        "shift" => "shift",
        "trend" => "trend",
        "two_in_three" => "two of three beyond 2σ",
        "runs_signal" => "runs analysis signal",
        other => other,
    }
}

/// "Median" for a run chart, "Mean" otherwise.
pub(crate) fn centre_name(chart: ChartType) -> &'static str {
    if chart == ChartType::Run {
        "Median"
    } else {
        "Mean"
    }
}

/// A point's reading for people.
pub(crate) fn variation_label(v: PointVariation) -> &'static str {
    match v {
        PointVariation::CommonCause => "Common cause",
        PointVariation::SpecialCauseImprovement => "Special cause improvement",
        PointVariation::SpecialCauseConcern => "Special cause concern",
        PointVariation::SpecialCauseNeither => "Special cause, neither",
    }
}

/// The class of a point marker: `common-cause`, `improvement`, `concern` or `neither`.
pub(crate) fn variation_class(v: PointVariation) -> &'static str {
    match v {
        PointVariation::CommonCause => "common-cause",
        PointVariation::SpecialCauseImprovement => "improvement",
        PointVariation::SpecialCauseConcern => "concern",
        PointVariation::SpecialCauseNeither => "neither",
    }
}

/// A short label of the variation icon for a terminal ("improvement high").
pub(crate) fn variation_short(icon: Option<VariationIcon>) -> &'static str {
    match icon {
        None => "-",
        Some(VariationIcon::CommonCause) => "common cause",
        Some(VariationIcon::ImprovementHigh) => "improvement high",
        Some(VariationIcon::ImprovementLow) => "improvement low",
        Some(VariationIcon::ConcernHigh) => "concern high",
        Some(VariationIcon::ConcernLow) => "concern low",
        Some(VariationIcon::NeitherHigh) => "neither high",
        Some(VariationIcon::NeitherLow) => "neither low",
    }
}

/// A short label of the assurance icon for a terminal.
pub(crate) fn assurance_short(icon: Option<AssuranceIcon>) -> &'static str {
    match icon {
        None => "-",
        Some(AssuranceIcon::Pass) => "pass",
        Some(AssuranceIcon::Fail) => "fail",
        Some(AssuranceIcon::HitAndMiss) => "hit and miss",
    }
}

/// The improvement direction for people.
pub(crate) fn improvement_label(i: Improvement) -> &'static str {
    match i {
        Improvement::Increase => "higher is better",
        Improvement::Decrease => "lower is better",
        Improvement::Neutral => "no preferred direction",
    }
}

/// The runs analysis in one sentence.
pub(crate) fn runs_sentence(r: &RunsAnalysis) -> String {
    let verdict = if r.signal {
        "signals non-random variation"
    } else {
        "shows no signal of non-random variation"
    };
    format!(
        "Runs analysis {verdict}: longest run {} (signal above {}), {} crossings (signal below {})",
        r.longest_run, r.longest_run_limit, r.crossings, r.crossings_limit
    )
}

/// Count of points that fired a rule, per reading.
fn special_counts(result: &ChartResult) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for p in result.points.iter().filter(|p| value(p).is_some()) {
        match p.variation {
            PointVariation::SpecialCauseImprovement => c.0 += 1,
            PointVariation::SpecialCauseConcern => c.1 += 1,
            PointVariation::SpecialCauseNeither => c.2 += 1,
            PointVariation::CommonCause => {}
        }
    }
    c
}

/// The screen-reader summary of a chart, in a few sentences.
pub(crate) fn chart_summary(view: &SeriesView) -> String {
    let r = view.result;
    let n = r.points.len();
    let missing = r.points.iter().filter(|p| value(p).is_none()).count();
    let mut s = format!(
        "{} of {}, {n} point{}",
        r.chart.title(),
        view.title,
        plural(n)
    );
    if missing > 0 {
        s.push_str(&format!(" ({missing} missing)"));
    }
    match latest(r) {
        Some((i, v)) => s.push_str(&format!(
            ", latest {}{} ({})",
            fmt_num(v),
            view.value_suffix,
            x_label(view, i)
        )),
        None => s.push_str(", no values to plot"),
    }
    if let Some(last) = r.points.last() {
        if let Some(c) = finite(last.lines.centre) {
            s.push_str(&format!(
                ", {} {}{}",
                centre_name(r.chart).to_lowercase(),
                fmt_num(c),
                view.value_suffix
            ));
        }
        if let (Some(l), Some(u)) = (finite(last.lines.lcl), finite(last.lines.ucl)) {
            s.push_str(&format!(
                ", limits {}{u_} to {}{u_}",
                fmt_num(l),
                fmt_num(u),
                u_ = view.value_suffix
            ));
        }
    }
    let phases = phases(&r.points).len();
    if phases > 1 {
        s.push_str(&format!(", {phases} phases"));
    }
    s.push_str(". ");
    s.push_str(&format!(
        "{}. ",
        improvement_label(r.improvement).to_uppercase_first()
    ));
    if let Some(icon) = r.variation_icon {
        s.push_str(icon.describe());
        s.push_str(". ");
    }
    let (imp, con, nei) = special_counts(r);
    let mut parts = Vec::new();
    if imp > 0 {
        parts.push(format!(
            "{imp} point{} of special cause improvement",
            plural(imp)
        ));
    }
    if con > 0 {
        parts.push(format!(
            "{con} point{} of special cause concern",
            plural(con)
        ));
    }
    if nei > 0 {
        parts.push(format!(
            "{nei} special cause point{} of neither",
            plural(nei)
        ));
    }
    if !parts.is_empty() {
        s.push_str(&parts.join(", ").to_uppercase_first());
        let rules = rules_fired(&r.points);
        let labels: Vec<&str> = rules.iter().map(|n| rule_label(n)).collect();
        s.push_str(&format!(" ({}). ", labels.join(", ")));
    }
    match (r.assurance_icon, finite(r.target)) {
        (Some(a), Some(t)) => s.push_str(&format!(
            "{} {}{}. ",
            a.describe(),
            fmt_num(t),
            view.value_suffix
        )),
        (None, Some(t)) => s.push_str(&format!("Target {}{}. ", fmt_num(t), view.value_suffix)),
        _ => {}
    }
    if r.chart == ChartType::Run {
        if let Some(runs) = &r.runs {
            s.push_str(&runs_sentence(runs));
            s.push_str(". ");
        }
    }
    let notes = annotations(view);
    if !notes.is_empty() {
        s.push_str("Annotations: ");
        for (k, (place, label)) in notes.iter().enumerate() {
            if k > 0 {
                s.push_str("; ");
            }
            s.push_str(&format!(
                "{} {label} ({})",
                k + 1,
                place_label(view, *place)
            ));
        }
        s.push('.');
    }
    s.trim_end().to_string()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Upper-cases the first letter of a sentence.
trait UpperFirst {
    fn to_uppercase_first(&self) -> String;
}

impl UpperFirst for str {
    fn to_uppercase_first(&self) -> String {
        let mut c = self.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }
}
