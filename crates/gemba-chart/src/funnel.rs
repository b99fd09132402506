//! Funnel plots: groups by denominator and value, the centre (target) line and the 95% and
//! 99.8% limit curves, as a standalone SVG and as a page with a table of the groups.

use gemba_spc::funnel::{FunnelGroup, OutlierFlag};
use maud::{html, Markup};

use crate::axis::{fmt_num, nice_ticks, px, tick_label, Scale};
use crate::chart::{legend, marker_path, truncate, Key, Shape, FONT, H, W};
use crate::{page, palette, FunnelView};

const LEFT: f64 = 76.0;
const RIGHT: f64 = 24.0;
const BOTTOM: f64 = 62.0;
const CENTRE: &str = "#005eb8";

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn name(view: &FunnelView, i: usize) -> String {
    view.groups
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("Group {}", i + 1))
}

/// How a group is drawn: class, shape, fill and outline.
fn look(g: &FunnelGroup) -> (&'static str, Shape, &'static str, &'static str) {
    use OutlierFlag::{High, Low};
    match (g.flag_998, g.flag_95) {
        (High, _) => (
            "outlier-998 high",
            Shape::Up,
            palette::CONCERN,
            palette::CONCERN_DARK,
        ),
        (Low, _) => (
            "outlier-998 low",
            Shape::Down,
            palette::CONCERN,
            palette::CONCERN_DARK,
        ),
        (_, High) => (
            "outlier-95 high",
            Shape::Up,
            "#ffffff",
            palette::CONCERN_DARK,
        ),
        (_, Low) => (
            "outlier-95 low",
            Shape::Down,
            "#ffffff",
            palette::CONCERN_DARK,
        ),
        _ => (
            "within",
            Shape::Circle,
            palette::COMMON,
            palette::COMMON_DARK,
        ),
    }
}

fn flag_words(flag: OutlierFlag, level: &str) -> Option<String> {
    match flag {
        OutlierFlag::High => Some(format!("above the {level} limit")),
        OutlierFlag::Low => Some(format!("below the {level} limit")),
        OutlierFlag::None => None,
    }
}

fn group_title(view: &FunnelView, i: usize, g: &FunnelGroup) -> String {
    let mut s = format!(
        "{}: value {}, denominator {}",
        name(view, i),
        fmt_num(g.value),
        fmt_num(g.denominator)
    );
    match (
        flag_words(g.flag_998, "99.8%"),
        flag_words(g.flag_95, "95%"),
    ) {
        (Some(w), _) | (None, Some(w)) => {
            s.push_str("; ");
            s.push_str(&w);
        }
        (None, None) => s.push_str("; within the 95% limits"),
    }
    s
}

fn summary(view: &FunnelView) -> String {
    let r = view.result;
    let names = |pred: &dyn Fn(&FunnelGroup) -> bool| -> Vec<String> {
        r.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| pred(g))
            .map(|(i, _)| name(view, i))
            .collect()
    };
    let out998 = names(&|g| g.flag_998 != OutlierFlag::None);
    let out95 = names(&|g| g.flag_998 == OutlierFlag::None && g.flag_95 != OutlierFlag::None);
    let list = |v: &[String]| -> String {
        let shown: Vec<&str> = v.iter().take(5).map(String::as_str).collect();
        let more = v.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut s = format!(
        "Funnel plot of {}: {} groups, {} against {}, centre line {}.",
        view.title,
        r.groups.len(),
        view.y_label,
        view.x_label,
        fmt_num(r.target)
    );
    if out998.is_empty() {
        s.push_str(" No group is outside the 99.8% limits.");
    } else {
        s.push_str(&format!(" Outside the 99.8% limits: {}.", list(&out998)));
    }
    if !out95.is_empty() {
        s.push_str(&format!(" Outside the 95% limits only: {}.", list(&out95)));
    }
    if r.overdispersion_used {
        s.push_str(&format!(
            " Limits widened for overdispersion (φ = {}, τ² = {}).",
            fmt_num(r.phi),
            fmt_num(r.tau2)
        ));
    }
    s
}

/// The funnel plot as SVG; `prefix` makes its ids unique in a page. Without `show_heading`
/// the visible title is left out (the page shows it); the accessible `<title>` stays.
pub(crate) fn svg(view: &FunnelView, prefix: &str, show_heading: bool) -> Markup {
    let r = view.result;
    let groups: Vec<(usize, &FunnelGroup)> = r
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.value.is_finite() && g.denominator.is_finite())
        .collect();
    let limits: Vec<_> = r
        .limits
        .iter()
        .filter(|l| l.denominator.is_finite())
        .collect();
    let target = finite(r.target);

    // Legend.
    let mut items: Vec<(Key, String)> = Vec::new();
    if groups.iter().any(|(_, g)| look(g).0 == "within") {
        items.push((
            Key::Marker {
                shape: Shape::Circle,
                fill: palette::COMMON,
                stroke: palette::COMMON_DARK,
            },
            "Within 95% limits".into(),
        ));
    }
    if groups
        .iter()
        .any(|(_, g)| look(g).0.starts_with("outlier-95"))
    {
        items.push((
            Key::Marker {
                shape: Shape::Up,
                fill: "#ffffff",
                stroke: palette::CONCERN_DARK,
            },
            "Outside 95% (▲ high, ▼ low)".into(),
        ));
    }
    if groups
        .iter()
        .any(|(_, g)| look(g).0.starts_with("outlier-998"))
    {
        items.push((
            Key::Marker {
                shape: Shape::Up,
                fill: palette::CONCERN,
                stroke: palette::CONCERN_DARK,
            },
            "Outside 99.8% (▲ high, ▼ low)".into(),
        ));
    }
    if let Some(t) = target {
        items.push((
            Key::Line {
                stroke: CENTRE,
                dash: None,
                width: 2.0,
            },
            format!("Centre {}", fmt_num(t)),
        ));
    }
    if !limits.is_empty() {
        items.push((
            Key::Line {
                stroke: palette::LIMIT,
                dash: Some("6 4"),
                width: 1.4,
            },
            "95% limits".into(),
        ));
        items.push((
            Key::Line {
                stroke: palette::TEXT,
                dash: None,
                width: 1.4,
            },
            "99.8% limits".into(),
        ));
    }
    let legend_y = if show_heading { 60.0 } else { 24.0 };
    let (legend_markup, rows) = legend(&items, 16.0, legend_y, W - RIGHT);
    let top = legend_y + rows.saturating_sub(1) as f64 * 18.0 + 18.0;
    let bottom = H - BOTTOM;

    // x from 0 to the largest denominator.
    let x_max = groups
        .iter()
        .map(|(_, g)| g.denominator)
        .chain(limits.iter().map(|l| l.denominator))
        .fold(0.0f64, f64::max);
    let xt = nice_ticks(0.0, if x_max > 0.0 { x_max } else { 1.0 }, 6);
    let x = Scale::new(xt.lo, xt.hi, LEFT, W - RIGHT);

    // y covers the groups, the centre and the limits where there are groups (the limits
    // at tiny denominators can be huge; they are clipped instead).
    let min_den = groups
        .iter()
        .map(|(_, g)| g.denominator)
        .fold(f64::INFINITY, f64::min);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut include = |v: f64| {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    };
    for (_, g) in &groups {
        include(g.value);
    }
    if let Some(t) = target {
        include(t);
    }
    for l in &limits {
        if groups.is_empty() || l.denominator >= min_den {
            include(l.lower_998);
            include(l.upper_998);
        }
    }
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo) * 0.04;
    let yt = nice_ticks(lo - pad, hi + pad, 6);
    let y = Scale::new(yt.lo, yt.hi, bottom, top);

    let curve = |get: fn(&gemba_spc::funnel::FunnelLimits) -> f64| -> String {
        let mut d = String::new();
        let mut pen = false;
        for l in &limits {
            let v = get(l);
            if v.is_finite() {
                d.push_str(if pen { " L" } else { " M" });
                d.push_str(&format!("{} {}", px(x.map(l.denominator)), px(y.map(v))));
                pen = true;
            } else {
                pen = false;
            }
        }
        d.trim_start().to_string()
    };
    let l95 = curve(|l| l.lower_95);
    let u95 = curve(|l| l.upper_95);
    let l998 = curve(|l| l.lower_998);
    let u998 = curve(|l| l.upper_998);
    let clip = format!("{prefix}-clip");
    let title_id = format!("{prefix}-title");
    let desc_id = format!("{prefix}-desc");
    let y_mid = (top + bottom) / 2.0;
    let x_mid = (LEFT + W - RIGHT) / 2.0;

    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="funnel-plot" id=(prefix)
            width=(W) height=(H) viewBox={ "0 0 " (W) " " (H) }
            role="img" aria-labelledby={ (title_id) " " (desc_id) } font-family=(FONT) {
            title id=(title_id) { (view.title) }
            desc id=(desc_id) { (summary(view)) }
            defs {
                clipPath id=(clip) {
                    rect x=(px(LEFT)) y=(px(top)) width=(px(W - RIGHT - LEFT)) height=(px(bottom - top)) {}
                }
            }
            rect class="background" width=(W) height=(H) fill="#ffffff" {}
            @if show_heading {
                text class="chart-title" x="16" y="30" font-size="17" font-weight="700"
                    fill=(palette::TEXT) { (truncate(view.title, 80)) }
            }
            (legend_markup)
            g class="grid" {
                @for t in &yt.values {
                    @let ty = px(y.map(*t));
                    line x1=(px(LEFT)) x2=(px(W - RIGHT)) y1=(ty) y2=(ty) stroke=(palette::GRID) {}
                }
            }
            g class="axis y-axis" font-size="12" fill=(palette::SECONDARY) text-anchor="end" {
                @for t in &yt.values {
                    text x=(px(LEFT - 8.0)) y=(px(y.map(*t) + 4.0)) { (tick_label(*t, yt.step)) }
                }
                text class="axis-label" x="18" y=(px(y_mid)) text-anchor="middle"
                    transform={ "rotate(-90 18 " (px(y_mid)) ")" } font-size="12.5"
                    fill=(palette::TEXT) { (view.y_label) }
            }
            g class="axis x-axis" font-size="12" fill=(palette::SECONDARY) text-anchor="middle" {
                line x1=(px(LEFT)) x2=(px(W - RIGHT)) y1=(px(bottom)) y2=(px(bottom))
                    stroke=(palette::SECONDARY) {}
                @for t in &xt.values {
                    @let tx = px(x.map(*t));
                    line x1=(tx) x2=(tx) y1=(px(bottom)) y2=(px(bottom + 5.0)) stroke=(palette::SECONDARY) {}
                    text x=(tx) y=(px(bottom + 19.0)) { (tick_label(*t, xt.step)) }
                }
                text class="axis-label" x=(px(x_mid)) y=(px(bottom + 42.0)) font-size="12.5"
                    fill=(palette::TEXT) { (view.x_label) }
            }
            g class="limits" clip-path={ "url(#" (clip) ")" } fill="none" {
                @for (d, class, dash, stroke) in [
                    (&l95, "limit limit-95 lower", Some("6 4"), palette::LIMIT),
                    (&u95, "limit limit-95 upper", Some("6 4"), palette::LIMIT),
                    (&l998, "limit limit-998 lower", None, palette::TEXT),
                    (&u998, "limit limit-998 upper", None, palette::TEXT),
                ] {
                    @if !d.is_empty() {
                        path class=(class) d=(d) stroke=(stroke) stroke-width="1.4"
                            stroke-dasharray=[dash] {}
                    }
                }
            }
            @if let Some(t) = target {
                @let ty = px(y.map(t));
                line class="target" x1=(px(LEFT)) x2=(px(W - RIGHT)) y1=(ty) y2=(ty)
                    stroke=(CENTRE) stroke-width="2" {}
            }
            g class="points" {
                @for (i, g) in &groups {
                    @let (class, shape, fill, stroke) = look(g);
                    path class={ "point group " (class) }
                        d=(marker_path(shape, x.map(g.denominator), y.map(g.value), 4.5))
                        fill=(fill) stroke=(stroke) stroke-width="1.3" {
                        title { (group_title(view, *i, g)) }
                    }
                }
            }
            @if groups.is_empty() {
                text class="no-data" x=(px(x_mid)) y=(px(y_mid)) text-anchor="middle"
                    font-size="14" fill=(palette::SECONDARY) { "No groups to plot" }
            }
        }
    }
}

fn flag_cell(flag: OutlierFlag) -> Markup {
    html! {
        @match flag {
            OutlierFlag::High => span class="flag-high" { "▲ Above" },
            OutlierFlag::Low => span class="flag-low" { "▼ Below" },
            OutlierFlag::None => span class="muted" { "Within" },
        }
    }
}

/// The funnel page: the plot and a table of groups with their limits and flags.
pub(crate) fn page(view: &FunnelView) -> Markup {
    let r = view.result;
    let range = |a: f64, b: f64| format!("{} to {}", fmt_num(a), fmt_num(b));
    page::shell(
        view.title,
        html! {
            section class="card" aria-labelledby="plot-heading" {
                h2 id="plot-heading" { "Funnel plot" }
                p class="lede" {
                    "Centre line " (fmt_num(r.target)) ". "
                    @if r.overdispersion_used {
                        "Limits widened for overdispersion (φ = " (fmt_num(r.phi))
                        ", τ² = " (fmt_num(r.tau2)) ")."
                    } @else {
                        "Limits not adjusted for overdispersion"
                        @if r.phi > 0.0 { " (φ = " (fmt_num(r.phi)) ")" }
                        "."
                    }
                }
                figure class="plot" tabindex="0" { (svg(view, "funnel", false)) }
            }
            section class="card" aria-labelledby="groups-heading" {
                h2 id="groups-heading" { "Groups" }
                div class="table-scroll" role="region" aria-label="Table, scrolls sideways on small screens" tabindex="0" {
                    table class="groups" {
                        caption { "Each group against the 95% and 99.8% limits (" (r.groups.len()) " groups)" }
                        thead {
                            tr {
                                th scope="col" { "Group" }
                                th scope="col" class="num" { "Numerator" }
                                th scope="col" class="num" { (view.x_label) }
                                th scope="col" class="num" { (view.y_label) }
                                th scope="col" class="num" { "95% limits" }
                                th scope="col" class="num" { "99.8% limits" }
                                th scope="col" { "Against 95%" }
                                th scope="col" { "Against 99.8%" }
                            }
                        }
                        tbody {
                            @for (i, g) in r.groups.iter().enumerate() {
                                tr {
                                    th scope="row" { (name(view, i)) }
                                    td class="num" { (fmt_num(g.numerator)) }
                                    td class="num" { (fmt_num(g.denominator)) }
                                    td class="num" { (fmt_num(g.value)) }
                                    td class="num" { (range(g.lower_95, g.upper_95)) }
                                    td class="num" { (range(g.lower_998, g.upper_998)) }
                                    td { (flag_cell(g.flag_95)) }
                                    td { (flag_cell(g.flag_998)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
