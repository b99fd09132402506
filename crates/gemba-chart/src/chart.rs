//! One SPC chart as a standalone, accessible SVG.

use gemba_spc::{ChartType, Lines, PointResult, PointVariation};
use maud::{html, Markup};

use crate::axis::{fmt_num, nice_ticks, px, tick_label, Scale, Ticks};
use crate::describe::{self, finite, value};
use crate::layout::{self, BOX_H, ROW_H};
use crate::{icons, palette, Place, SeriesView};

/// Width of the drawing in SVG units.
pub(crate) const W: f64 = 800.0;
/// Height of the drawing in SVG units.
pub(crate) const H: f64 = 420.0;
const LEFT: f64 = 76.0;
const RIGHT: f64 = 24.0;
const BOTTOM: f64 = 40.0;
/// An NHS.UK-like system font stack.
pub(crate) const FONT: &str = "Frutiger, 'Frutiger W01', Arial, Helvetica, sans-serif";
/// Approximate width of one character of 11.5px text.
const CHAR_W: f64 = 7.2;
/// Approximate width of one character of 12px text, generously (labels above the plot).
const LABEL_CHAR_W: f64 = 7.6;
/// The least height of the plot, however many rows of labels sit above it.
const MIN_PLOT_H: f64 = 200.0;

/// The marker shape of a reading: shapes as well as colours tell the readings apart.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Circle,
    Up,
    Down,
    Diamond,
}

pub(crate) fn shape_of(v: PointVariation) -> Shape {
    match v {
        PointVariation::CommonCause => Shape::Circle,
        PointVariation::SpecialCauseImprovement => Shape::Up,
        PointVariation::SpecialCauseConcern => Shape::Down,
        PointVariation::SpecialCauseNeither => Shape::Diamond,
    }
}

/// Fill and outline of a reading.
pub(crate) fn colours_of(v: PointVariation) -> (&'static str, &'static str) {
    match v {
        PointVariation::CommonCause => (palette::COMMON, palette::COMMON_DARK),
        PointVariation::SpecialCauseImprovement => {
            (palette::IMPROVEMENT, palette::IMPROVEMENT_DARK)
        }
        PointVariation::SpecialCauseConcern => (palette::CONCERN, palette::CONCERN_DARK),
        PointVariation::SpecialCauseNeither => (palette::NEITHER, palette::NEITHER_DARK),
    }
}

/// Path data of a marker of size `s` (about the radius) centred on (x, y).
pub(crate) fn marker_path(shape: Shape, x: f64, y: f64, s: f64) -> String {
    let p = |dx: f64, dy: f64| format!("{} {}", px(x + dx), px(y + dy));
    match shape {
        Shape::Circle => format!(
            "M{} a{r} {r} 0 1 0 {d} 0 a{r} {r} 0 1 0 -{d} 0 Z",
            p(-s * 0.8, 0.0),
            r = px(s * 0.8),
            d = px(s * 1.6)
        ),
        Shape::Up => format!(
            "M{} L{} L{} Z",
            p(0.0, -s * 1.2),
            p(s * 1.1, s * 0.75),
            p(-s * 1.1, s * 0.75)
        ),
        Shape::Down => format!(
            "M{} L{} L{} Z",
            p(0.0, s * 1.2),
            p(s * 1.1, -s * 0.75),
            p(-s * 1.1, -s * 0.75)
        ),
        Shape::Diamond => format!(
            "M{} L{} L{} L{} Z",
            p(0.0, -s * 1.1),
            p(s * 0.95, 0.0),
            p(0.0, s * 1.1),
            p(-s * 0.95, 0.0)
        ),
    }
}

/// One entry of a legend.
pub(crate) enum Key {
    /// A marker of a reading (or a hollow one for excluded points).
    Marker {
        shape: Shape,
        fill: &'static str,
        stroke: &'static str,
    },
    /// A line sample.
    Line {
        stroke: &'static str,
        dash: Option<&'static str>,
        width: f64,
    },
    /// Words only.
    Note,
}

/// Lays legend entries out in rows from (x0, y0) to `x_max`; returns the markup and the
/// number of rows used.
pub(crate) fn legend(items: &[(Key, String)], x0: f64, y0: f64, x_max: f64) -> (Markup, usize) {
    let mut placed = Vec::with_capacity(items.len());
    let (mut x, mut row) = (x0, 0usize);
    for (key, label) in items {
        let sample = if matches!(key, Key::Note) { 0.0 } else { 26.0 };
        let w = sample + label.chars().count() as f64 * CHAR_W + 18.0;
        if x + w > x_max && x > x0 {
            x = x0;
            row += 1;
        }
        placed.push((x, y0 + row as f64 * 18.0, key, label));
        x += w;
    }
    let rows = if items.is_empty() { 0 } else { row + 1 };
    let markup = html! {
        g class="legend" font-size="12" fill=(palette::TEXT) {
            @for (x, y, key, label) in &placed {
                @match key {
                    Key::Marker { shape, fill, stroke } => {
                        path class="legend-marker" d=(marker_path(*shape, x + 10.0, y - 4.0, 4.5))
                            fill=(fill) stroke=(stroke) stroke-width="1.2" {}
                    }
                    Key::Line { stroke, dash, width } => {
                        line x1=(px(*x)) x2=(px(x + 20.0)) y1=(px(y - 4.0)) y2=(px(y - 4.0))
                            stroke=(stroke) stroke-width=(px(*width))
                            stroke-dasharray=[*dash] {}
                    }
                    Key::Note => {}
                }
                @let tx = if matches!(key, Key::Note) { *x } else { x + 26.0 };
                text x=(px(tx)) y=(px(*y)) { (label) }
            }
        }
    };
    (markup, rows)
}

/// Shortens `s` to at most `max` characters with an ellipsis.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut out: String = s.chars().take(keep).collect();
    out.push('…');
    out
}

/// An id fragment safe in XML ids and URL fragments: ASCII letters, digits and dashes.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(40).collect();
    if out.is_empty() {
        "series".into()
    } else {
        out
    }
}

/// A horizontal line (or steps, where the value changes) for one phase of one chart line:
/// each point owns the span halfway to its neighbours, clipped to the phase.
fn step_path(
    xs: &[f64],
    points: &[PointResult],
    (start, end): (usize, usize),
    get: fn(&Lines) -> Option<f64>,
    y: &Scale,
) -> String {
    let single = end - start == 1;
    let mut segs: Vec<Option<(f64, f64, f64)>> = Vec::new();
    for i in start..end {
        let Some(v) = finite(get(&points[i].lines)) else {
            segs.push(None);
            continue;
        };
        let (l, r) = if single {
            (xs[i] - 8.0, xs[i] + 8.0)
        } else {
            let l = if i == start {
                xs[i]
            } else {
                (xs[i - 1] + xs[i]) / 2.0
            };
            let r = if i + 1 == end {
                xs[i]
            } else {
                (xs[i] + xs[i + 1]) / 2.0
            };
            (l, r)
        };
        let py = y.map(v);
        match segs.last_mut() {
            Some(Some(prev)) if (prev.2 - py).abs() < 0.05 => prev.1 = r,
            _ => segs.push(Some((l, r, py))),
        }
    }
    let mut d = String::new();
    let mut prev_r: Option<f64> = None;
    for seg in segs {
        match seg {
            None => prev_r = None,
            Some((l, r, py)) => {
                let joined = prev_r.is_some_and(|pr| (pr - l).abs() < 0.05);
                d.push_str(if joined { " L" } else { " M" });
                d.push_str(&format!("{} {} L{} {}", px(l), px(py), px(r), px(py)));
                prev_r = Some(r);
            }
        }
    }
    d.trim_start().to_string()
}

/// The SVG of one chart; `prefix` makes its ids unique in a page. Without `show_heading` the
/// visible title and subtitle are left out (a page shows them as a heading); the accessible
/// `<title>` and `<desc>` are always there.
/// The values a chart's y-axis can show: counts, rates, ranges and times are never below
/// zero, and proportions lie between 0 and 1, so the axis never offers an impossible value.
pub(crate) fn value_bounds(chart: ChartType, multiplier: f64) -> (f64, f64) {
    let top = if multiplier.is_finite() && multiplier > 0.0 {
        multiplier
    } else {
        1.0
    };
    match chart {
        ChartType::P | ChartType::PPrime => (0.0, top),
        ChartType::U
        | ChartType::UPrime
        | ChartType::C
        | ChartType::G
        | ChartType::T
        | ChartType::Mr
        | ChartType::S
        | ChartType::R => (0.0, f64::INFINITY),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// Nice ticks over `[lo, hi]` kept within `bounds` (the padding and the rounding to nice
/// steps never cross them).
pub(crate) fn bounded_ticks(lo: f64, hi: f64, (floor, ceiling): (f64, f64)) -> Ticks {
    let lo = lo.max(floor);
    let hi = hi.min(ceiling).max(lo);
    let mut ticks = nice_ticks(lo, hi, 6);
    let slack = ticks.step.abs() * 1e-9;
    ticks.lo = ticks.lo.max(floor);
    ticks.hi = ticks.hi.min(ceiling);
    ticks
        .values
        .retain(|v| *v >= floor - slack && *v <= ceiling + slack);
    ticks
}

pub(crate) fn svg(view: &SeriesView, prefix: &str, show_heading: bool) -> Markup {
    let r = view.result;
    let points = &r.points;
    let n = points.len();
    let has_values = points.iter().any(|p| value(p).is_some());
    let target = finite(r.target);
    let summary = describe::chart_summary(view);
    let title_id = format!("{prefix}-title");
    let desc_id = format!("{prefix}-desc");

    // Icons, top right.
    let icon_r = 16.0;
    let mut icon_slots = Vec::new();
    let right_cx = W - RIGHT - icon_r;
    let icon_count =
        usize::from(r.variation_icon.is_some()) + usize::from(r.assurance_icon.is_some());
    let mut cx = right_cx - (icon_count.saturating_sub(1)) as f64 * (2.0 * icon_r + 10.0);
    if let Some(icon) = r.variation_icon {
        icon_slots.push(icons::variation(icon, cx, 30.0, icon_r));
        cx += 2.0 * icon_r + 10.0;
    }
    if let Some(icon) = r.assurance_icon {
        icon_slots.push(icons::assurance(icon, cx, 30.0, icon_r));
    }
    let icons_left = if icon_count == 0 {
        W - RIGHT
    } else {
        right_cx - (icon_count - 1) as f64 * (2.0 * icon_r + 10.0) - icon_r - 12.0
    };
    let title_max = ((icons_left - 16.0) / 9.4).max(8.0) as usize;
    let phases = describe::phases(points);
    let mut subtitle = format!(
        "{} · {} · {} point{}",
        r.chart.title(),
        describe::improvement_label(r.improvement),
        n,
        if n == 1 { "" } else { "s" }
    );
    if phases.len() > 1 {
        subtitle.push_str(&format!(" · {} phases", phases.len()));
    }

    // Legend: only what the chart shows.
    let mut items: Vec<(Key, String)> = Vec::new();
    for v in [
        PointVariation::CommonCause,
        PointVariation::SpecialCauseImprovement,
        PointVariation::SpecialCauseConcern,
        PointVariation::SpecialCauseNeither,
    ] {
        if points
            .iter()
            .any(|p| value(p).is_some() && p.variation == v)
        {
            let (fill, stroke) = colours_of(v);
            items.push((
                Key::Marker {
                    shape: shape_of(v),
                    fill,
                    stroke,
                },
                describe::variation_label(v).to_string(),
            ));
        }
    }
    if points.iter().any(|p| p.excluded && value(p).is_some()) {
        items.push((
            Key::Marker {
                shape: Shape::Circle,
                fill: "#ffffff",
                stroke: palette::COMMON_DARK,
            },
            "Excluded from limits".into(),
        ));
    }
    if points.iter().any(|p| finite(p.lines.centre).is_some()) {
        items.push((
            Key::Line {
                stroke: palette::TEXT,
                dash: None,
                width: 1.6,
            },
            describe::centre_name(r.chart).into(),
        ));
    }
    let has_limits = points
        .iter()
        .any(|p| finite(p.lines.ucl).is_some() || finite(p.lines.lcl).is_some());
    if has_limits {
        items.push((
            Key::Line {
                stroke: palette::LIMIT,
                dash: Some("6 4"),
                width: 1.3,
            },
            "Process limits (3σ)".into(),
        ));
    }
    if let Some(t) = target {
        items.push((
            Key::Line {
                stroke: palette::TARGET,
                dash: Some("3 3"),
                width: 2.0,
            },
            format!("Target {}{}", fmt_num(t), view.value_suffix),
        ));
    }
    if r.chart == ChartType::Run {
        if let Some(runs) = &r.runs {
            let note = if runs.signal {
                "Runs analysis: signal (non-random variation)"
            } else {
                "Runs analysis: no signal"
            };
            items.push((Key::Note, note.into()));
        }
    }
    let (legend_y, legend_right) = if show_heading {
        (72.0, W - RIGHT)
    } else {
        (34.0, icons_left)
    };
    let (legend_markup, rows) = legend(&items, 16.0, legend_y, legend_right);
    let labels_top = (legend_y + rows.saturating_sub(1) as f64 * 18.0 + 18.0).max(60.0);
    let plot_l = LEFT;
    let plot_r = W - RIGHT;
    let inner = 12.0;
    let xs: Vec<f64> = (0..n)
        .map(|i| {
            if n <= 1 {
                (plot_l + plot_r) / 2.0
            } else {
                plot_l + inner + i as f64 * (plot_r - plot_l - 2.0 * inner) / (n - 1) as f64
            }
        })
        .collect();

    // Labels above the plot: phase labels, then the numbered annotation markers, each in the
    // first row where it covers no other.
    let notes = describe::annotations(view);
    let x_of = |place: Place| match place {
        Place::At(f) => {
            let i = (f.floor().max(0.0) as usize).min(n.saturating_sub(1));
            let frac = f - i as f64;
            match (xs.get(i), xs.get(i + 1)) {
                (Some(a), Some(b)) => a + frac * (b - a),
                (Some(a), None) => *a,
                _ => (plot_l + plot_r) / 2.0,
            }
        }
        Place::AfterLast => plot_r,
    };
    let dividers: Vec<(f64, String)> = phases
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, &(start, _))| {
            let dx = match (start.checked_sub(1).and_then(|i| xs.get(i)), xs.get(start)) {
                (Some(a), Some(b)) => (a + b) / 2.0,
                _ => plot_l,
            };
            (dx, format!("Phase {}", k + 1))
        })
        .collect();
    // Spans: a phase label to the right of its divider (to the left near the right edge); a
    // marker centred on its place.
    let mut spans: Vec<(f64, f64)> = dividers
        .iter()
        .map(|(dx, text)| {
            let w = text.chars().count() as f64 * LABEL_CHAR_W + 6.0;
            if dx + 2.0 + w <= plot_r {
                (dx + 2.0, dx + 2.0 + w)
            } else {
                (dx - 2.0 - w, dx - 2.0)
            }
        })
        .collect();
    let note_xs: Vec<f64> = notes.iter().map(|(place, _)| x_of(*place)).collect();
    for (k, x) in note_xs.iter().enumerate() {
        let w = ((k + 1).to_string().len() as f64 * 8.0 + 6.0).max(16.0);
        spans.push((x - w / 2.0, x + w / 2.0));
    }
    let (label_rows, row_count) = layout::rows(&spans);
    let top = labels_top + row_count as f64 * ROW_H;
    let extra = (MIN_PLOT_H - (H - BOTTOM - top)).max(0.0);
    let height = H + extra;
    let bottom = height - BOTTOM;
    let row_y = |k: usize| labels_top + label_rows.get(k).copied().unwrap_or(0) as f64 * ROW_H;
    let phase_labels: Vec<(f64, f64, f64, f64, &str)> = dividers
        .iter()
        .enumerate()
        .map(|(k, (dx, text))| {
            let (l, r) = spans[k];
            (*dx, l, r - l, row_y(k), text.as_str())
        })
        .collect();
    let markers: Vec<(f64, f64, f64, f64)> = note_xs
        .iter()
        .enumerate()
        .map(|(k, x)| {
            let j = dividers.len() + k;
            let (l, r) = spans[j];
            (*x, l, r - l, row_y(j))
        })
        .collect();

    // Scales.
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut include = |v: Option<f64>| {
        if let Some(v) = finite(v) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    };
    for p in points {
        include(value(p));
        include(p.lines.centre);
        include(p.lines.lcl);
        include(p.lines.ucl);
    }
    include(target);
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo) * 0.03;
    let ticks = bounded_ticks(lo - pad, hi + pad, value_bounds(r.chart, view.multiplier));
    let y = Scale::new(ticks.lo, ticks.hi, bottom, top);

    // Thinned x labels.
    let labels: Vec<String> = (0..n)
        .map(|i| truncate(&describe::x_label(view, i), 16))
        .collect();
    let longest = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let slots = (((plot_r - plot_l) / (longest as f64 * CHAR_W + 14.0)).floor() as usize).max(1);
    let every = n.div_ceil(slots).max(1);

    // The data line, broken at missing values.
    let mut data_d = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match value(p) {
            Some(v) => {
                data_d.push_str(if pen_down { " L" } else { " M" });
                data_d.push_str(&format!("{} {}", px(xs[i]), px(y.map(v))));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }

    let line_d = |get: fn(&Lines) -> Option<f64>| -> String {
        phases
            .iter()
            .map(|&ph| step_path(&xs, points, ph, get, &y))
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let centre_d = line_d(|l| l.centre);
    let ucl_d = line_d(|l| l.ucl);
    let lcl_d = line_d(|l| l.lcl);
    let y_mid = (top + bottom) / 2.0;

    // Annotations: numbered markers on the plot, listed in words below it.
    let list_top = height + 4.0;
    let total_h = if notes.is_empty() {
        height
    } else {
        list_top + notes.len() as f64 * 17.0 + 8.0
    };

    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" id=(prefix)
            width=(W) height=(total_h) viewBox={ "0 0 " (W) " " (total_h) }
            role="img" aria-labelledby={ (title_id) " " (desc_id) }
            font-family=(FONT) {
            title id=(title_id) { (view.title) }
            desc id=(desc_id) { (summary) }
            rect class="background" width=(W) height=(total_h) fill="#ffffff" {}
            @if show_heading {
                text class="chart-title" x="16" y="30" font-size="17" font-weight="700"
                    fill=(palette::TEXT) { (truncate(view.title, title_max)) }
                text class="chart-subtitle" x="16" y="50" font-size="12" fill=(palette::SECONDARY) {
                    (truncate(&subtitle, title_max + 20))
                }
            }
            @for icon in &icon_slots { (icon) }
            (legend_markup)

            g class="grid" {
                @for t in &ticks.values {
                    @let ty = px(y.map(*t));
                    line x1=(px(plot_l)) x2=(px(plot_r)) y1=(ty) y2=(ty)
                        stroke=(palette::GRID) stroke-width="1" {}
                }
            }
            g class="axis y-axis" font-size="12" fill=(palette::SECONDARY) text-anchor="end" {
                @for t in &ticks.values {
                    text x=(px(plot_l - 8.0)) y=(px(y.map(*t) + 4.0)) { (tick_label(*t, ticks.step)) (view.value_suffix) }
                }
                text class="axis-label" x="18" y=(px(y_mid)) text-anchor="middle"
                    transform={ "rotate(-90 18 " (px(y_mid)) ")" } font-size="12.5"
                    fill=(palette::TEXT) { (view.y_label) }
            }
            g class="axis x-axis" font-size="12" fill=(palette::SECONDARY) text-anchor="middle" {
                line x1=(px(plot_l)) x2=(px(plot_r)) y1=(px(bottom)) y2=(px(bottom))
                    stroke=(palette::SECONDARY) stroke-width="1" {}
                @for (i, label) in labels.iter().enumerate() {
                    @if i % every == 0 {
                        line x1=(px(xs[i])) x2=(px(xs[i])) y1=(px(bottom)) y2=(px(bottom + 5.0))
                            stroke=(palette::SECONDARY) {}
                        text x=(px(xs[i])) y=(px(bottom + 19.0)) { (label) }
                    }
                }
            }
            @for (dx, l, w, ly, text) in &phase_labels {
                g class="phase-divider" {
                    line x1=(px(*dx)) x2=(px(*dx)) y1=(px(*ly)) y2=(px(bottom))
                        stroke=(palette::SECONDARY) stroke-width="1.2" stroke-dasharray="2 4" {}
                    rect class="label" x=(px(*l)) y=(px(*ly)) width=(px(*w)) height=(px(BOX_H))
                        fill="#ffffff" {}
                    text x=(px(l + 3.0)) y=(px(ly + 12.0)) font-size="12"
                        fill=(palette::SECONDARY) { (text) }
                }
            }
            @if !ucl_d.is_empty() {
                path class="limit ucl" d=(ucl_d) fill="none" stroke=(palette::LIMIT)
                    stroke-width="1.3" stroke-dasharray="6 4" {}
            }
            @if !lcl_d.is_empty() {
                path class="limit lcl" d=(lcl_d) fill="none" stroke=(palette::LIMIT)
                    stroke-width="1.3" stroke-dasharray="6 4" {}
            }
            @if !centre_d.is_empty() {
                path class="centre" d=(centre_d) fill="none" stroke=(palette::TEXT)
                    stroke-width="1.6" {}
            }
            @if let Some(t) = target {
                @let ty = px(y.map(t));
                line class="target" x1=(px(plot_l)) x2=(px(plot_r)) y1=(ty) y2=(ty)
                    stroke=(palette::TARGET) stroke-width="2" stroke-dasharray="3 3" {}
            }
            @if !data_d.is_empty() {
                path class="data-line" d=(data_d.trim_start()) fill="none" stroke=(palette::DATA_LINE)
                    stroke-width="1.6" stroke-linejoin="round" {}
            }
            g class="points" {
                @for (i, p) in points.iter().enumerate() {
                    @if let Some(v) = value(p) {
                        @let (fill, stroke) = colours_of(p.variation);
                        @let rules = describe::rules_fired([p]);
                        path class={ "point " (describe::variation_class(p.variation))
                                @if p.excluded { " excluded" } }
                            d=(marker_path(shape_of(p.variation), xs[i], y.map(v), 4.5))
                            fill=(if p.excluded { "#ffffff" } else { fill })
                            stroke=(stroke) stroke-width="1.2" {
                            title {
                                (describe::x_label(view, i)) ": " (fmt_num(v)) (view.value_suffix) " — "
                                (describe::variation_label(p.variation))
                                @if !rules.is_empty() {
                                    " ("
                                    @for (k, rule) in rules.iter().enumerate() {
                                        @if k > 0 { ", " }
                                        (describe::rule_label(rule))
                                    }
                                    ")"
                                }
                                @if p.excluded { "; excluded from the limits" }
                            }
                        }
                    }
                }
            }
            @for (k, (ax, l, w, ly)) in markers.iter().enumerate() {
                g class="annotation" {
                    line x1=(px(*ax)) x2=(px(*ax)) y1=(px(ly + BOX_H)) y2=(px(bottom))
                        stroke=(palette::NEITHER) stroke-width="1.2" stroke-dasharray="5 3" {}
                    rect class="label" x=(px(*l)) y=(px(*ly)) width=(px(*w)) height=(px(BOX_H))
                        rx="3" fill=(palette::NEITHER) {}
                    text x=(px(l + w / 2.0)) y=(px(ly + 12.0)) font-size="12" font-weight="700"
                        text-anchor="middle" fill="#ffffff" { (k + 1) }
                }
            }
            @if !notes.is_empty() {
                g class="annotation-list" font-size="12" fill=(palette::TEXT) {
                    @for (k, (place, label)) in notes.iter().enumerate() {
                        text x="16" y=(px(list_top + (k + 1) as f64 * 17.0)) {
                            tspan font-weight="700" fill=(palette::NEITHER) { (k + 1) }
                            " " (truncate(label, 90)) " (" (describe::place_label(view, *place)) ")"
                        }
                    }
                }
            }
            @if !has_values {
                text class="no-data" x=(px((plot_l + plot_r) / 2.0)) y=(px(y_mid))
                    text-anchor="middle" font-size="14" fill=(palette::SECONDARY) {
                    "No values to plot"
                }
            }
        }
    }
}
