//! What a reader of the rendered charts, pages and tables can rely on: the SVG is well-formed
//! XML with an accessible name, one marker per value, readings as classes, lines only where
//! they apply, every piece of text escaped, and no panic on any data.

// Tests may unwrap and panic: a failure is the point (see [workspace.lints]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gemba_chart::{
    chart_svg, funnel_html, funnel_svg, report_html, summary_table, FunnelView, Place, SeriesView,
};
use gemba_spc::funnel::{FunnelGroup, FunnelLimits, FunnelResult, OutlierFlag};
use gemba_spc::{
    analyse, AssuranceIcon, ChartOptions, ChartResult, ChartType, Data, Improvement, Lines,
    PointResult, PointVariation, Rules, SpecialCauses, VariationIcon,
};
use roxmltree::{Document, Node};

// ---- helpers -------------------------------------------------------------------------------

/// Twelve stable values then one far above: the last point is beyond the upper limit.
const SPIKE: [f64; 13] = [
    10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12., 30.,
];

fn chart(
    chart: ChartType,
    values: &[Option<f64>],
    set: impl FnOnce(&mut ChartOptions),
) -> ChartResult {
    let mut options = ChartOptions::new(chart);
    set(&mut options);
    analyse(Data::Values(values), &options).unwrap()
}

fn xmr(values: &[f64], set: impl FnOnce(&mut ChartOptions)) -> ChartResult {
    let values: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
    chart(ChartType::Xmr, &values, set)
}

fn labels(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("2024-{:02}-01", i % 12 + 1))
        .collect()
}

fn view<'a>(id: &'a str, x_labels: &'a [String], result: &'a ChartResult) -> SeriesView<'a> {
    SeriesView {
        id,
        title: id,
        x_labels,
        y_label: "Value",
        result,
        multiplier: 1.0,
        value_suffix: "",
        annotations: &[],
    }
}

fn parse(svg: &str) -> Document<'_> {
    Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"))
}

fn has_class(node: &Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|t| t == class))
}

fn with_class<'a, 'i>(doc: &'a Document<'i>, class: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| has_class(n, class)).collect()
}

/// A hand-made result, for shapes of data the engine may not produce yet.
fn result_of(points: Vec<PointResult>) -> ChartResult {
    ChartResult {
        chart: ChartType::Xmr,
        improvement: Improvement::Increase,
        target: None,
        rules: Rules::MDC,
        points,
        variation_icon: None,
        assurance_icon: None,
        runs: None,
        warnings: Vec::new(),
    }
}

fn point(y: Option<f64>, centre: f64, half_width: f64) -> PointResult {
    PointResult {
        y,
        lines: Lines {
            centre: Some(centre),
            lcl: Some(centre - half_width),
            ucl: Some(centre + half_width),
            ..Lines::default()
        },
        phase: 1,
        ..PointResult::default()
    }
}

// ---- the chart SVG -------------------------------------------------------------------------

#[test]
fn chart_svg_is_an_accessible_image() {
    let result = xmr(&SPIKE, |o| o.target = Some(20.0));
    let x = labels(SPIKE.len());
    let svg = chart_svg(&view("ae-4h", &x, &result));
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some());

    let ids: Vec<&str> = root
        .attribute("aria-labelledby")
        .unwrap()
        .split(' ')
        .collect();
    let title = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[0]))
        .unwrap();
    let desc = doc
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[1]))
        .unwrap();
    assert_eq!(title.tag_name().name(), "title");
    assert_eq!(title.text(), Some("ae-4h"));
    assert_eq!(desc.tag_name().name(), "desc");
    let desc = desc.text().unwrap();
    assert!(
        desc.starts_with("XmR chart of ae-4h, 13 points, latest 30"),
        "{desc}"
    );
    assert!(desc.contains("target 20"), "{desc}");
}

#[test]
fn one_marker_per_value_and_none_for_missing() {
    let mut values: Vec<Option<f64>> = SPIKE.iter().copied().map(Some).collect();
    values[3] = None;
    values[7] = None;
    let result = chart(ChartType::Xmr, &values, |_| {});
    let x = labels(values.len());
    let svg = chart_svg(&view("gaps", &x, &result));
    let doc = parse(&svg);
    assert_eq!(with_class(&doc, "point").len(), 11);
    // The line breaks at each gap: three runs of values, three sub-paths.
    let line = with_class(&doc, "data-line");
    assert_eq!(line[0].attribute("d").unwrap().matches('M').count(), 3);
}

#[test]
fn special_cause_points_carry_their_reading() {
    for (improvement, class) in [
        (Improvement::Increase, "improvement"),
        (Improvement::Decrease, "concern"),
        (Improvement::Neutral, "neither"),
    ] {
        let result = xmr(&SPIKE, |o| o.improvement = improvement);
        assert!(result.points[12].special_cause.outside_limits);
        let x = labels(SPIKE.len());
        let svg = chart_svg(&view("spike", &x, &result));
        let doc = parse(&svg);
        let markers = with_class(&doc, "point");
        let last = markers.last().unwrap();
        assert!(
            has_class(last, class),
            "{improvement:?}: {:?}",
            last.attribute("class")
        );
        // Its hover title names the rule.
        let tip = last.children().find(|n| n.has_tag_name("title")).unwrap();
        assert!(
            tip.text().unwrap().contains("beyond a limit"),
            "{:?}",
            tip.text()
        );
        // The other points read as common cause.
        assert_eq!(with_class(&doc, "common-cause").len(), 12);
    }
}

#[test]
fn target_line_only_when_a_target_is_set() {
    let x = labels(SPIKE.len());
    let without = xmr(&SPIKE, |_| {});
    let with = xmr(&SPIKE, |o| o.target = Some(11.0));
    assert!(with_class(&parse(&chart_svg(&view("a", &x, &without))), "target").is_empty());
    let svg = chart_svg(&view("a", &x, &with));
    let doc = parse(&svg);
    assert_eq!(with_class(&doc, "target").len(), 1);
    assert!(svg.contains("Target 11"), "the legend names the target");
}

#[test]
fn icons_are_drawn_with_titles() {
    let x = labels(SPIKE.len());
    let result = xmr(&SPIKE, |o| o.target = Some(11.0));
    let svg = chart_svg(&view("icons", &x, &result));
    let doc = parse(&svg);
    let variation = &with_class(&doc, "variation-icon")[0];
    let title = variation
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(
        title.text().unwrap(),
        format!("Variation: {}", result.variation_icon.unwrap().describe())
    );
    let assurance = with_class(&doc, "assurance-icon");
    assert_eq!(
        assurance.len(),
        usize::from(result.assurance_icon.is_some())
    );
}

#[test]
fn hand_made_icons_all_render() {
    let x = labels(3);
    for (variation, assurance) in [
        (VariationIcon::ImprovementHigh, AssuranceIcon::Pass),
        (VariationIcon::ConcernLow, AssuranceIcon::Fail),
        (VariationIcon::NeitherHigh, AssuranceIcon::HitAndMiss),
    ] {
        let mut result = result_of(vec![point(Some(1.0), 1.0, 1.0); 3]);
        result.variation_icon = Some(variation);
        result.assurance_icon = Some(assurance);
        result.target = Some(1.5);
        let svg = chart_svg(&view("icons", &x, &result));
        let doc = parse(&svg);
        assert!(has_class(
            &with_class(&doc, "variation-icon")[0],
            variation.name()
        ));
        assert!(has_class(
            &with_class(&doc, "assurance-icon")[0],
            assurance.name()
        ));
    }
}

#[test]
fn run_chart_has_a_median_no_limits_and_says_what_the_runs_show() {
    let values: Vec<Option<f64>> = (0..20)
        .map(|i| Some(f64::from(i % 5) + f64::from(i / 10) * 10.0))
        .collect();
    let result = chart(ChartType::Run, &values, |_| {});
    let x = labels(values.len());
    let svg = chart_svg(&view("run", &x, &result));
    let doc = parse(&svg);
    assert!(with_class(&doc, "limit").is_empty());
    assert_eq!(with_class(&doc, "centre").len(), 1);
    assert!(svg.contains("Median"));
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
    assert!(
        desc.text().unwrap().contains("Runs analysis"),
        "{:?}",
        desc.text()
    );
}

#[test]
fn each_phase_has_its_own_lines_and_a_divider() {
    let values: Vec<f64> = (0..24)
        .map(|i| {
            if i < 12 {
                10.0 + f64::from(i % 3)
            } else {
                20.0 + f64::from(i % 4)
            }
        })
        .collect();
    let result = xmr(&values, |o| o.phase_starts = vec![12]);
    let x = labels(values.len());
    let svg = chart_svg(&view("phases", &x, &result));
    let doc = parse(&svg);
    assert_eq!(with_class(&doc, "phase-divider").len(), 1);
    // Two phases: the centre line is two separate pieces.
    let centre = with_class(&doc, "centre")[0].attribute("d").unwrap();
    assert_eq!(centre.matches('M').count(), 2, "{centre}");
}

#[test]
fn annotations_are_numbered_markers_listed_below_and_described() {
    let result = xmr(&SPIKE, |_| {});
    let x = labels(SPIKE.len());
    let notes = vec![
        (Place::At(3.0), "PDSA: phone reminders <1>".to_string()),
        (Place::At(8.0), "PDSA: text reminders".to_string()),
        (Place::At(99.0), "beyond the last point".to_string()),
        (Place::At(-1.0), "before the first point".to_string()),
    ];
    let v = SeriesView {
        annotations: &notes,
        ..view("annotated", &x, &result)
    };
    let svg = chart_svg(&v);
    let doc = parse(&svg);
    let markers = with_class(&doc, "annotation");
    assert_eq!(markers.len(), 2, "out-of-range places ignored");
    let numbers: Vec<String> = markers
        .iter()
        .map(|g| {
            g.descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    assert_eq!(numbers, ["1", "2"]);
    // Each marker is a dashed vertical line at its point's x.
    let point_x = |i: usize| {
        let d = with_class(&doc, "point")[i].attribute("d").unwrap();
        d.trim_start_matches('M')
            .split(' ')
            .next()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    for (g, i) in markers.iter().zip([3usize, 8]) {
        let line = g.descendants().find(|n| n.has_tag_name("line")).unwrap();
        assert!(line.attribute("stroke-dasharray").is_some());
        let lx: f64 = line.attribute("x1").unwrap().parse().unwrap();
        assert_eq!(line.attribute("x1"), line.attribute("x2"));
        assert!((lx - point_x(i)).abs() < 15.0, "marker {lx} near point {i}");
    }
    let list = with_class(&doc, "annotation-list");
    assert_eq!(list.len(), 1);
    let list_text: String = list[0].descendants().filter_map(|n| n.text()).collect();
    assert!(
        list_text.contains("1 PDSA: phone reminders <1> (2024-04-01)"),
        "{list_text}"
    );
    assert!(
        list_text.contains("2 PDSA: text reminders (2024-09-01)"),
        "{list_text}"
    );
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
    let desc = desc.text().unwrap();
    assert!(desc.contains("Annotations: 1 PDSA: phone reminders <1> (2024-04-01); 2 PDSA: text reminders (2024-09-01)."), "{desc}");
    assert!(!svg.contains("<1>"), "escaped");
    // The drawing grows to hold the list.
    let root = doc.root_element();
    assert!(root.attribute("height").unwrap().parse::<f64>().unwrap() > 420.0);
    // Without annotations nothing is drawn.
    let plain = chart_svg(&view("plain", &x, &result));
    assert!(!plain.contains("annotation"));
}

/// The x of the point `i`, read from its marker's path (the circle starts 0.8 × 4.5 to the
/// left of its centre).
fn point_centre_x(doc: &Document, i: usize) -> f64 {
    let d = with_class(doc, "point")[i].attribute("d").unwrap();
    let start: f64 = d
        .trim_start_matches('M')
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    start + 0.8 * 4.5
}

/// The x of the vertical line of each annotation marker.
fn marker_xs(doc: &Document) -> Vec<f64> {
    with_class(doc, "annotation")
        .iter()
        .map(|g| {
            let line = g.descendants().find(|n| n.has_tag_name("line")).unwrap();
            line.attribute("x1").unwrap().parse().unwrap()
        })
        .collect()
}

#[test]
fn annotations_sit_at_their_place_on_the_time_axis() {
    // Twelve common-cause points: every marker is a circle.
    let values = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.];
    let result = xmr(&values, |_| {});
    let x = labels(values.len());
    let notes = vec![
        (Place::At(4.0), "on the fifth point".to_string()),
        (
            Place::At(6.25),
            "a quarter of the way to the eighth".to_string(),
        ),
        (Place::AfterLast, "after the latest data".to_string()),
    ];
    let v = SeriesView {
        annotations: &notes,
        ..view("places", &x, &result)
    };
    let svg = chart_svg(&v);
    let doc = parse(&svg);
    let xs = marker_xs(&doc);
    assert_eq!(xs.len(), 3);
    assert!((xs[0] - point_centre_x(&doc, 4)).abs() < 0.2, "{xs:?}");
    let (p6, p7) = (point_centre_x(&doc, 6), point_centre_x(&doc, 7));
    assert!((xs[1] - (p6 + 0.25 * (p7 - p6))).abs() < 0.2, "{xs:?}");
    // After the latest point: at the right edge of the plot (the x-axis line's end).
    let axis = with_class(&doc, "x-axis")[0]
        .descendants()
        .find(|n| n.has_tag_name("line"))
        .unwrap();
    let right: f64 = axis.attribute("x2").unwrap().parse().unwrap();
    assert!(xs[2] > point_centre_x(&doc, 11), "{xs:?}");
    assert!((xs[2] - right).abs() < 0.2, "{xs:?} {right}");
    let list: String = with_class(&doc, "annotation-list")[0]
        .descendants()
        .filter_map(|n| n.text())
        .collect();
    assert!(
        list.contains("2 a quarter of the way to the eighth (between 2024-07-01 and 2024-08-01)"),
        "{list}"
    );
    assert!(
        list.contains("3 after the latest data (after 2024-12-01, the latest point)"),
        "{list}"
    );
}

/// A box `(left, top, right, bottom)` from a `rect`'s attributes.
fn rect_box(n: &Node) -> (f64, f64, f64, f64) {
    let get = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let (x, y) = (get("x"), get("y"));
    (x, y, x + get("width"), y + get("height"))
}

/// Regression: a PDSA marker on the date of a rebase covered the "Phase 2" label, and two
/// markers on one point covered each other. Every label's box is clear of every other, and
/// each label's words fit in its box.
#[test]
fn labels_above_the_plot_never_overlap() {
    let values: Vec<f64> = (0..24)
        .map(|i| if i < 12 { 10.0 } else { 20.0 } + f64::from(i % 3))
        .collect();
    let result = xmr(&values, |o| o.phase_starts = vec![8, 9, 16, 23]);
    let x = labels(values.len());
    // Markers on the rebased points, several on one point, one between two, one after all.
    let mut notes: Vec<(Place, String)> = [8.0, 8.0, 8.0, 9.0, 15.5, 16.0, 23.0]
        .iter()
        .map(|&f| (Place::At(f), format!("PDSA at {f}")))
        .collect();
    notes.push((Place::AfterLast, "PDSA after the data".into()));
    let v = SeriesView {
        annotations: &notes,
        ..view("crowded", &x, &result)
    };
    let svg = chart_svg(&v);
    let doc = parse(&svg);
    let mut boxes = Vec::new();
    for class in ["phase-divider", "annotation"] {
        for g in with_class(&doc, class) {
            let rect = g
                .children()
                .find(|n| n.has_tag_name("rect"))
                .unwrap_or_else(|| panic!("a {class} without a box"));
            let b = rect_box(&rect);
            let text = g.children().find(|n| n.has_tag_name("text")).unwrap();
            let words = text.text().unwrap();
            let tx: f64 = text.attribute("x").unwrap().parse().unwrap();
            // 12px text in a sans-serif font: at most 7 units per character.
            let width = words.chars().count() as f64 * 7.0;
            let (l, r) = if text.attribute("text-anchor") == Some("middle") {
                (tx - width / 2.0, tx + width / 2.0)
            } else {
                (tx, tx + width)
            };
            assert!(l >= b.0 && r <= b.2, "{words:?} [{l}, {r}] outside {b:?}");
            assert!(
                b.0 >= 0.0 && b.2 <= 800.0,
                "{words:?} off the drawing: {b:?}"
            );
            boxes.push((words.to_string(), b));
        }
    }
    assert_eq!(boxes.len(), 4 + 8, "four phase labels and eight markers");
    for (i, (a, p)) in boxes.iter().enumerate() {
        for (b, q) in &boxes[i + 1..] {
            let apart = p.2 <= q.0 || q.2 <= p.0 || p.3 <= q.1 || q.3 <= p.1;
            assert!(apart, "{a:?} {p:?} overlaps {b:?} {q:?}");
        }
    }
    // The labels sit above every point.
    let lowest_label = boxes.iter().map(|(_, b)| b.3).fold(0.0, f64::max);
    for p in with_class(&doc, "point") {
        let d = p.attribute("d").unwrap();
        let y: f64 = d.split(' ').nth(1).unwrap().parse().unwrap();
        assert!(
            y - 4.5 > lowest_label,
            "point at {y} under a label ending {lowest_label}"
        );
    }
}

#[test]
fn varying_limits_are_drawn_as_steps() {
    let points: Vec<PointResult> = [1.0, 2.0, 1.5, 3.0]
        .iter()
        .map(|&w| point(Some(10.0), 10.0, w))
        .collect();
    let result = result_of(points);
    let x = labels(4);
    let svg = chart_svg(&view("p", &x, &result));
    let doc = parse(&svg);
    let ucl = doc.descendants().find(|n| has_class(n, "ucl")).unwrap();
    let d = ucl.attribute("d").unwrap();
    // One horizontal piece per point, joined by vertical steps: 1 M and 7 L.
    assert_eq!(d.matches('M').count(), 1, "{d}");
    assert_eq!(d.matches('L').count(), 7, "{d}");
    // A constant limit is one straight line.
    let centre = with_class(&doc, "centre")[0].attribute("d").unwrap();
    assert_eq!(centre.matches('L').count(), 1, "{centre}");
}

#[test]
fn text_is_escaped_everywhere() {
    let nasty = "<script>alert(\"x\")</script>&\"'";
    let result = xmr(&SPIKE, |_| {});
    let x: Vec<String> = vec!["<b>Jan</b>".into(); SPIKE.len()];
    let v = SeriesView {
        id: nasty,
        title: nasty,
        x_labels: &x,
        y_label: nasty,
        result: &result,
        multiplier: 1.0,
        value_suffix: "",
        annotations: &[],
    };
    let svg = chart_svg(&v);
    assert!(!svg.contains("<script"), "raw tag in SVG");
    assert!(!svg.contains("<b>"), "raw tag in SVG");
    let doc = parse(&svg);
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some(nasty), "escaped, not mangled");
    for id in doc.descendants().filter_map(|n| n.attribute("id")) {
        assert!(
            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{id}"
        );
    }

    let html = report_html(nasty, &[v]);
    assert!(!html.contains("<script"), "raw tag in HTML");
    assert!(html.contains("&lt;script&gt;"));
    let funnel = FunnelResult::default();
    let names = vec![nasty.to_string()];
    let fv = FunnelView {
        title: nasty,
        groups: &names,
        x_label: nasty,
        y_label: nasty,
        result: &funnel,
    };
    assert!(!funnel_svg(&fv).contains("<script"));
    assert!(!funnel_html(&fv).contains("<script"));
}

#[test]
fn no_panic_on_any_data() {
    let nan_lines = PointResult {
        y: Some(f64::NAN),
        lines: Lines {
            centre: Some(f64::INFINITY),
            ucl: Some(f64::NAN),
            ..Lines::default()
        },
        phase: 1,
        ..PointResult::default()
    };
    let cases: Vec<(&str, ChartResult)> = vec![
        ("empty", result_of(vec![])),
        ("all missing", result_of(vec![point(None, 1.0, 1.0); 5])),
        ("one point", xmr(&[42.0], |_| {})),
        ("constant", xmr(&[5.0; 20], |o| o.target = Some(5.0))),
        ("huge", xmr(&[1e12, 3e12, 2e12, 5e12, 4e12], |_| {})),
        ("tiny", xmr(&[1e-9, 3e-9, 2e-9, 5e-9, 4e-9], |_| {})),
        (
            "negative",
            xmr(&[-3.0, -1.0, -4.0, -1.5, -5.0, -9.0], |_| {}),
        ),
        (
            "extreme",
            result_of(vec![
                point(Some(1e300), -1e300, 1e300),
                point(Some(-1e300), 0.0, 0.0),
            ]),
        ),
        (
            "not finite",
            result_of(vec![nan_lines, point(Some(1.0), 1.0, 0.5)]),
        ),
        ("zero phase", result_of(vec![PointResult::default(); 3])),
    ];
    let no_labels: Vec<String> = Vec::new();
    let mut views = Vec::new();
    for (name, result) in &cases {
        let svg = chart_svg(&view(name, &no_labels, result));
        let doc = parse(&svg);
        let expected = result
            .points
            .iter()
            .filter(|p| p.y.is_some_and(f64::is_finite))
            .count();
        assert_eq!(with_class(&doc, "point").len(), expected, "{name}");
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "{name}: {svg}"
        );
        views.push(view(name, &no_labels, result));
    }
    let html = report_html("Everything", &views);
    assert!(!html.contains("NaN"));
    let text = summary_table(&views);
    assert_eq!(text.lines().count(), 2 + cases.len());
    assert!(!report_html("Nothing", &[]).is_empty());
    assert_eq!(summary_table(&[]).lines().count(), 2);
}

// ---- the report and the text table ---------------------------------------------------------

#[test]
fn report_has_one_summary_row_and_one_chart_per_series() {
    let a = xmr(&SPIKE, |o| o.target = Some(20.0));
    let b = xmr(&SPIKE[..12], |_| {});
    let values: Vec<Option<f64>> = SPIKE.iter().copied().map(Some).collect();
    let c = chart(ChartType::Run, &values, |_| {});
    let x = labels(13);
    let series = [
        view("alpha", &x, &a),
        view("beta", &x, &b),
        view("gamma", &x, &c),
    ];
    let html = report_html("Board report", &series);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("<main"));
    assert!(!html.contains("<script"), "no JavaScript needed");
    assert!(
        !html.contains("http://") || !html.contains("<link"),
        "no external assets"
    );

    let start = html.find(r#"<table class="summary">"#).unwrap();
    let end = start + html[start..].find("</table>").unwrap();
    let summary = &html[start..end];
    assert!(summary.contains("<caption>"));
    assert_eq!(summary.matches(r#"<th scope="row">"#).count(), 3);
    for (i, id) in ["alpha", "beta", "gamma"].iter().enumerate() {
        let anchor = format!("chart-{}-{id}", i + 1);
        assert!(
            summary.contains(&format!("href=\"#{anchor}\"")),
            "{id} links to its chart"
        );
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "{id} has its chart"
        );
    }
    assert_eq!(html.matches(r#"class="spc-chart""#).count(), 3);
    assert_eq!(html.matches("<details>").count(), 3);
    // The data table has a row per point.
    let data = &html[html.find(r#"<table class="data">"#).unwrap()..];
    let data = &data[..data.find("</table>").unwrap()];
    assert_eq!(data.matches(r#"<th scope="row">"#).count(), 13);
    // The last point of alpha fired a rule; the summary says so.
    assert!(summary.contains("point beyond a limit"));
}

#[test]
fn summary_table_has_a_line_per_series_in_aligned_columns() {
    let a = xmr(&SPIKE, |o| o.target = Some(20.0));
    let b = xmr(&SPIKE[..12], |_| {});
    let x = labels(13);
    let text = summary_table(&[view("alpha", &x, &a), view("a-much-longer-id", &x, &b)]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("series"));
    assert!(lines[2].starts_with("alpha "));
    assert!(lines[3].starts_with("a-much-longer-id "));
    assert!(lines[2].contains("outside_limits"));
    // Columns line up: "points" ends where the point counts end.
    let end = lines[0].find("points").unwrap() + "points".len();
    assert_eq!(&lines[2][end - 2..end], "13");
    assert_eq!(&lines[3][end - 2..end], "12");
}

#[test]
fn summary_table_drops_terminal_control_characters() {
    let a = xmr(&SPIKE, |_| {});
    let text = summary_table(&[view("evil\u{1b}[31m\nid", &[], &a)]);
    assert!(!text.contains('\u{1b}'));
    assert_eq!(text.lines().count(), 3);
}

// ---- funnel plots --------------------------------------------------------------------------

fn funnel_result() -> FunnelResult {
    let group = |num: f64, den: f64, f95, f998| FunnelGroup {
        numerator: num,
        denominator: den,
        value: num / den,
        flag_95: f95,
        flag_998: f998,
        lower_95: 0.7,
        upper_95: 0.9,
        lower_998: 0.65,
        upper_998: 0.95,
        ..FunnelGroup::default()
    };
    FunnelResult {
        target: 0.8,
        groups: vec![
            group(80.0, 100.0, OutlierFlag::None, OutlierFlag::None),
            group(190.0, 200.0, OutlierFlag::High, OutlierFlag::High),
            group(260.0, 400.0, OutlierFlag::Low, OutlierFlag::None),
        ],
        limits: (1..=50)
            .map(|k| {
                let n = f64::from(k) * 10.0;
                let s = (0.16 / n).sqrt();
                FunnelLimits {
                    denominator: n,
                    lower_95: 0.8 - 1.96 * s,
                    upper_95: 0.8 + 1.96 * s,
                    lower_998: 0.8 - 3.09 * s,
                    upper_998: 0.8 + 3.09 * s,
                }
            })
            .collect(),
        ..FunnelResult::default()
    }
}

#[test]
fn funnel_svg_marks_outliers_and_names_groups() {
    let result = funnel_result();
    let names: Vec<String> = vec!["North".into(), "South & East".into()];
    let v = FunnelView {
        title: "Funnel",
        groups: &names,
        x_label: "Cases",
        y_label: "Proportion",
        result: &result,
    };
    let svg = funnel_svg(&v);
    let doc = parse(&svg);
    assert_eq!(doc.root_element().attribute("role"), Some("img"));
    let points = with_class(&doc, "point");
    assert_eq!(points.len(), 3);
    assert!(has_class(&points[0], "within"));
    assert!(has_class(&points[1], "outlier-998") && has_class(&points[1], "high"));
    assert!(has_class(&points[2], "outlier-95") && has_class(&points[2], "low"));
    let tip = |n: &Node| {
        n.children()
            .find(|c| c.has_tag_name("title"))
            .unwrap()
            .text()
            .unwrap()
            .to_string()
    };
    assert!(
        tip(&points[1]).starts_with("South & East: value 0.95"),
        "{}",
        tip(&points[1])
    );
    assert!(
        tip(&points[2]).starts_with("Group 3"),
        "unnamed groups are numbered"
    );
    assert_eq!(with_class(&doc, "limit").len(), 4);
    assert_eq!(with_class(&doc, "target").len(), 1);

    let html = funnel_html(&v);
    assert!(html.contains(r#"<html lang="en">"#));
    let table = &html[html.find(r#"<table class="groups">"#).unwrap()..];
    assert_eq!(table.matches(r#"<th scope="row">"#).count(), 3);
}

#[test]
fn empty_funnel_does_not_panic() {
    let result = FunnelResult::default();
    let v = FunnelView {
        title: "Nothing",
        groups: &[],
        x_label: "x",
        y_label: "y",
        result: &result,
    };
    let doc_text = funnel_svg(&v);
    let doc = parse(&doc_text);
    assert!(with_class(&doc, "point").is_empty());
    assert!(funnel_html(&v).contains("Nothing"));
}

// ---- snapshot (STYLE habit 16: rendered artefacts only) ------------------------------------

#[test]
fn small_xmr_chart_snapshot() {
    let result = xmr(&[3.0, 5.0, 4.0, 6.0, 5.0, 9.0], |o| o.target = Some(4.0));
    let x = labels(6);
    // One element per line, so that a change shows as a readable diff.
    let svg = chart_svg(&view("small", &x, &result)).replace("><", ">\n<");
    insta::assert_snapshot!(svg);
}

// Keeps the hand-made helpers honest about the types they stand in for.
#[test]
fn hand_made_points_read_as_the_engine_would() {
    let p = point(Some(1.0), 1.0, 1.0);
    assert_eq!(p.variation, PointVariation::CommonCause);
    assert_eq!(p.special_cause, SpecialCauses::default());
}

/// The y-axis tick labels of a chart.
fn y_ticks(svg: &str) -> Vec<f64> {
    let doc = parse(svg);
    let axis = with_class(&doc, "y-axis");
    axis[0]
        .children()
        .filter(|n| n.has_tag_name("text") && !has_class(n, "axis-label"))
        .map(|n| n.text().unwrap().parse::<f64>().unwrap())
        .collect()
}

/// Issue 10: the y-axis of counts, rates and proportions never shows impossible values: a
/// p chart hugging 100 % had a tick above 1, a c chart near zero a tick below 0.
#[test]
fn y_axis_never_shows_impossible_values() {
    let nums: Vec<Option<f64>> = [
        98., 99., 100., 97., 99., 100., 98., 99., 100., 99., 98., 100.,
    ]
    .map(Some)
    .to_vec();
    let dens = vec![Some(100.0); 12];
    let p = analyse(
        Data::Ratios {
            numerators: &nums,
            denominators: &dens,
        },
        &ChartOptions::new(ChartType::P),
    )
    .unwrap();
    let x = labels(12);
    let ticks = y_ticks(&chart_svg(&view("p", &x, &p)));
    assert!(ticks.len() >= 2, "{ticks:?}");
    assert!(ticks.iter().all(|t| (0.0..=1.0).contains(t)), "{ticks:?}");

    let counts: Vec<Option<f64>> = [0., 1., 0., 2., 0., 1., 0., 0., 1., 0., 3., 0.]
        .map(Some)
        .to_vec();
    let c = chart(ChartType::C, &counts, |_| {});
    let ticks = y_ticks(&chart_svg(&view("c", &x, &c)));
    assert!(ticks.iter().all(|t| *t >= 0.0), "{ticks:?}");
    assert!(ticks.contains(&0.0), "{ticks:?}");

    // An XmR chart may go below zero (a change in weight, a balance).
    let xmr = xmr(
        &[
            0.5, -0.5, 0.2, -0.3, 0.1, 0.0, -0.2, 0.4, -0.1, 0.3, -0.4, 0.2,
        ],
        |_| {},
    );
    let ticks = y_ticks(&chart_svg(&view("x", &x, &xmr)));
    assert!(ticks.iter().any(|t| *t < 0.0), "{ticks:?}");
}

/// Regression (issue 10): a p chart's values were shown as proportions (0.81) whatever the
/// measure's unit. A result scaled by 100 with the suffix `%` shows 81% on the axis, in the
/// description, the target and the data table, and the axis of a proportion ends at 100 %.
#[test]
fn regression_a_proportion_scaled_to_percent_shows_percent_signs() {
    let d = [81., 95., 80., 85., 88., 90., 84., 86., 83., 87., 89., 82.].map(Some);
    let n = [Some(100.0); 12];
    let mut options = ChartOptions::new(ChartType::P);
    options.target = Some(0.9);
    let result = analyse(
        Data::Ratios {
            numerators: &d,
            denominators: &n,
        },
        &options,
    )
    .unwrap()
    .scaled(100.0);
    assert!((result.points[0].y.unwrap() - 81.0).abs() < 1e-9);
    assert!((result.target.unwrap() - 90.0).abs() < 1e-9);
    let x = labels(12);
    let v = SeriesView {
        multiplier: 100.0,
        value_suffix: "%",
        ..view("doses", &x, &result)
    };
    let svg = chart_svg(&v);
    let doc = parse(&svg);
    let ticks: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("axis y-axis"))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("text")))
        .filter(|t| t.attribute("class").is_none())
        .filter_map(|t| t.text().map(str::to_owned))
        .collect();
    assert!(!ticks.is_empty());
    assert!(ticks.iter().all(|t| t.ends_with('%')), "{ticks:?}");
    // No tick beyond 100 %: a proportion cannot exceed all of them.
    assert!(
        ticks
            .iter()
            .all(|t| t.trim_end_matches('%').parse::<f64>().unwrap() <= 100.0),
        "{ticks:?}"
    );
    assert!(svg.contains("Target 90%"), "{svg}");
    // The pooled proportion of 1,030 of 1,200 is 85.83 %.
    assert!(svg.contains("85.83%"), "{svg}");
    let page = report_html("Doses", &[v]);
    assert!(page.contains("81%"), "{page}");
    let table = summary_table(&[v]);
    assert!(table.contains("82%"), "{table}");
}
