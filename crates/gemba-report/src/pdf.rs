//! The report as PDF, written by `krilla`. Each page is laid out as one SVG (text, icons,
//! sparklines and the chart as vectors) and drawn by `krilla-svg` with text kept as text in
//! the embedded DejaVu Sans. Pages are A4 landscape, numbered "Page i of n"; the outline has
//! the summary, the matrix, and each section with its measures.

use std::fmt::Write as _;
use std::sync::Arc;

use gemba_chart::SeriesView;
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Size};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use usvg::fontdb;

use crate::fmt;
use crate::summary::{summarise, Assurance, MeasureSummary, Summary, Variation};
use crate::{Measure, Report, ReportError};

/// DejaVu Sans (Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt).
static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

/// A4 landscape, in points.
const W: f64 = 842.0;
const H: f64 = 595.0;
const M: f64 = 36.0;
/// Width of one character of DejaVu Sans, as a share of the font size (a generous average,
/// so that estimated lines never overrun).
const CHAR: f64 = 0.6;
const INK: &str = "#212b32";
const GREY: &str = "#4c6272";
const RULE: &str = "#d8dde0";

/// One laid-out page: its SVG elements (without header and footer).
struct PageBody {
    body: String,
}

/// A section's name, its first page, and each measure's title and page.
type SectionMark = (String, usize, Vec<(String, usize)>);

/// What the outline points at.
struct Marks {
    summary: usize,
    matrix: usize,
    /// Per section: its name, its first page, and each measure's title and page.
    sections: Vec<SectionMark>,
}

pub(crate) fn document(report: &Report) -> Result<Vec<u8>, ReportError> {
    let summary = summarise(report);
    let mut pages: Vec<PageBody> = Vec::new();
    let summary_page = pages.len();
    summary_pages(report, &summary, &mut pages);
    let matrix_page = pages.len();
    matrix_pages(report, &summary, &mut pages);
    let mut marks = Marks {
        summary: summary_page,
        matrix: matrix_page,
        sections: Vec::new(),
    };
    for s in &report.sections {
        let first = pages.len();
        let mut measures = Vec::new();
        for m in &s.measures {
            measures.push((m.title.clone(), pages.len()));
            let row = summary
                .sections
                .iter()
                .flat_map(|s| &s.measures)
                .find(|x| x.id == m.id);
            panel_pages(m, row, &s.name, &mut pages);
        }
        marks.sections.push((s.name.clone(), first, measures));
    }

    let mut db = fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    let options = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: Arc::new(db),
        // No file or network is ever read: the pages hold no images.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };

    let settings = SerializeSettings::default();
    let mut doc = Document::new_with(settings);
    let n = pages.len();
    let size =
        Size::from_wh(W as f32, H as f32).ok_or_else(|| ReportError::Pdf("page size".into()))?;
    for (i, p) in pages.iter().enumerate() {
        let svg = frame(report, &p.body, i + 1, n);
        let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| ReportError::Page {
            page: i + 1,
            reason: e.to_string(),
        })?;
        let mut page = doc.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        surface
            .draw_svg(&tree, size, SvgSettings::default())
            .ok_or_else(|| ReportError::Page {
                page: i + 1,
                reason: "the SVG could not be drawn".into(),
            })?;
        surface.finish();
        page.finish();
    }
    doc.set_outline(outline(&marks));
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} – {}", report.title, report.period))
            .creator("Gemba".to_string())
            .language("en-GB".to_string()),
    );
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

fn dest(page: usize) -> XyzDestination {
    XyzDestination::new(page, Point::from_xy(0.0, 0.0))
}

fn outline(marks: &Marks) -> Outline {
    let mut o = Outline::new();
    o.push_child(OutlineNode::new("Summary".into(), dest(marks.summary)));
    o.push_child(OutlineNode::new(
        "Variation and assurance".into(),
        dest(marks.matrix),
    ));
    for (name, first, measures) in &marks.sections {
        // An empty section has no page of its own: its bookmark opens the summary.
        let target = if measures.is_empty() {
            marks.summary
        } else {
            *first
        };
        let mut node = OutlineNode::new(name.clone(), dest(target)).with_open(true);
        for (title, page) in measures {
            node.push_child(OutlineNode::new(title.clone(), dest(*page)));
        }
        o.push_child(node);
    }
    o
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text at (x, y): `anchor` start/middle/end.
fn text(
    out: &mut String,
    x: f64,
    y: f64,
    (size, bold): (f64, bool),
    fill: &str,
    anchor: &str,
    s: &str,
) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" font-family="{FAMILY}" font-weight="{}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
        if bold { "bold" } else { "normal" },
        esc(s)
    );
}

/// Words wrapped to lines of at most `width` points at `size`; a word longer than a line is
/// cut.
fn wrap(s: &str, width: f64, size: f64) -> Vec<String> {
    let max = ((width / (size * CHAR)).floor() as usize).max(4);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word: String = word.to_string();
            while word.chars().count() > max {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let head: String = word.chars().take(max).collect();
                word = word.chars().skip(max).collect();
                lines.push(head);
            }
            let len = line.chars().count();
            if len > 0 && len + 1 + word.chars().count() > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) && lines.len() > 1 {
        lines.pop();
    }
    lines
}

/// At most `n` lines, the last ending in "…" if text was left out.
fn clip(mut lines: Vec<String>, n: usize) -> Vec<String> {
    if lines.len() > n {
        lines.truncate(n);
        if let Some(l) = lines.last_mut() {
            let keep = l.chars().count().saturating_sub(1);
            *l = l.chars().take(keep).collect::<String>() + "…";
        }
    }
    lines
}

/// The page around a body: header, footer with "Page i of n".
fn frame(report: &Report, body: &str, i: usize, n: usize) -> String {
    let mut s = String::with_capacity(body.len() + 1024);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}"><rect width="{W}" height="{H}" fill="#ffffff"/>"##
    );
    let head = format!("{} – {}", report.title, report.period);
    text(
        &mut s,
        M,
        22.0,
        (8.0, false),
        GREY,
        "start",
        &clip(wrap(&head, W - 2.0 * M, 8.0), 1).concat(),
    );
    let _ = write!(
        s,
        r#"<line x1="{M}" x2="{}" y1="27" y2="27" stroke="{RULE}"/>"#,
        W - M
    );
    s.push_str(body);
    text(
        &mut s,
        W / 2.0,
        H - 16.0,
        (8.0, false),
        GREY,
        "middle",
        &format!("Page {i} of {n}"),
    );
    s.push_str("</svg>");
    s
}

/// Places an SVG document (with its own width and height) at (x, y), scaled by `k`.
fn embed(out: &mut String, svg: &str, x: f64, y: f64, k: f64) {
    let _ = write!(
        out,
        r#"<g transform="translate({x:.2} {y:.2}) scale({k:.4})">"#
    );
    // The XML declaration, if any, cannot sit inside another document; control characters
    // (which a title may hold and XML forbids) become spaces.
    out.extend(svg.trim_start_matches(|c| c != '<').chars().map(|c| {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        }
    }));
    out.push_str("</g>");
}

/// Summary table columns: heading, left edge, width, right-aligned.
const COLS: [(&str, f64, f64, bool); 10] = [
    ("Measure", 36.0, 140.0, false),
    ("Owner", 178.0, 73.0, false),
    ("Latest period", 253.0, 55.0, false),
    ("Latest", 310.0, 48.0, true),
    ("Target", 360.0, 45.0, true),
    ("Mean (limits)", 407.0, 100.0, true),
    ("Variation", 515.0, 95.0, false),
    ("Assurance", 612.0, 78.0, false),
    ("Rules fired", 692.0, 60.0, false),
    ("Trend", 754.0, 52.0, false),
];
const ROW_H: f64 = 26.0;
const TOP: f64 = 46.0;
const BOTTOM: f64 = H - 40.0;

fn short_variation(v: Option<gemba_spc::VariationIcon>) -> &'static str {
    use gemba_spc::VariationIcon::*;
    match v {
        None => "No values",
        Some(CommonCause) => "Common cause",
        Some(ImprovementHigh) => "Improvement (high)",
        Some(ImprovementLow) => "Improvement (low)",
        Some(ConcernHigh) => "Concern (high)",
        Some(ConcernLow) => "Concern (low)",
        Some(NeitherHigh) => "Neither (high)",
        Some(NeitherLow) => "Neither (low)",
    }
}

fn short_assurance(a: Option<gemba_spc::AssuranceIcon>) -> &'static str {
    match a.map(Assurance::of) {
        None => "No target",
        Some(Assurance::Pass) => "Passes",
        Some(Assurance::HitAndMiss) => "Hit and miss",
        Some(Assurance::Fail) => "Fails",
    }
}

fn short_rules(r: &[&str]) -> String {
    if r.is_empty() {
        return "None".into();
    }
    r.iter()
        .map(|n| match *n {
            "outside_limits" => "limit",
            "two_in_three" => "2 of 3",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn table_head(out: &mut String, y: f64) {
    for (h, x, w, right) in COLS {
        let tx = if right { x + w } else { x };
        text(
            out,
            tx,
            y,
            (7.5, true),
            INK,
            if right { "end" } else { "start" },
            h,
        );
    }
    let _ = write!(
        out,
        r#"<line x1="{M}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="{INK}" stroke-width="1"/>"#,
        W - M,
        y + 4.0,
        y + 4.0
    );
}

fn summary_pages(report: &Report, summary: &Summary, pages: &mut Vec<PageBody>) {
    let mut body = String::new();
    let mut y = TOP;
    let title_text = |body: &mut String, y: &mut f64| {
        text(
            body,
            M,
            *y + 14.0,
            (18.0, true),
            INK,
            "start",
            &report.title,
        );
        text(
            body,
            M,
            *y + 32.0,
            (10.0, false),
            GREY,
            "start",
            &format!("Reporting period: {}", report.period),
        );
        *y += 46.0;
        if let Some(status) = &report.status {
            text(body, M, *y + 4.0, (10.0, true), INK, "start", status);
            *y += 18.0;
        }
    };
    title_text(&mut body, &mut y);
    if let Some(c) = &report.changes {
        let lines: Vec<String> = if c.items.is_empty() {
            vec![format!(
                "No icon moved and no new signal since {}.",
                c.since
            )]
        } else {
            c.items
                .iter()
                .map(|i| format!("{}: {}", i.title, i.what.describe()))
                .collect()
        };
        block(
            &format!("What changed since {}", c.since),
            &lines,
            &mut body,
            &mut y,
            pages,
        );
    }
    text(
        &mut body,
        M,
        y + 10.0,
        (13.0, true),
        INK,
        "start",
        "Summary",
    );
    y += 22.0;
    let new_page = |body: &mut String, y: &mut f64, pages: &mut Vec<PageBody>| {
        pages.push(PageBody {
            body: std::mem::take(body),
        });
        *y = TOP;
    };
    for s in &summary.sections {
        // A section heading, the table head and at least one row.
        if y + 18.0 + 14.0 + ROW_H > BOTTOM {
            new_page(&mut body, &mut y, pages);
        }
        text(&mut body, M, y + 11.0, (11.0, true), INK, "start", &s.name);
        y += 18.0;
        table_head(&mut body, y + 8.0);
        y += 14.0;
        if s.measures.is_empty() {
            text(
                &mut body,
                M,
                y + 14.0,
                (8.0, false),
                GREY,
                "start",
                "No measures in this section.",
            );
            y += ROW_H;
        }
        for m in &s.measures {
            if y + ROW_H > BOTTOM {
                new_page(&mut body, &mut y, pages);
                text(
                    &mut body,
                    M,
                    y + 11.0,
                    (11.0, true),
                    INK,
                    "start",
                    &format!("{} (continued)", s.name),
                );
                y += 18.0;
                table_head(&mut body, y + 8.0);
                y += 14.0;
            }
            summary_row(&mut body, m, y);
            y += ROW_H;
        }
        y += 10.0;
    }
    if !report.without_data.is_empty() {
        let mut lines = vec![
            "On the report but without data up to the end of the period, so not charted:"
                .to_owned(),
        ];
        lines.extend(report.without_data.iter().map(|t| format!("• {t}")));
        block(
            "Measures without data for this period",
            &lines,
            &mut body,
            &mut y,
            pages,
        );
    }
    pages.push(PageBody { body });
}

/// A heading and wrapped lines of text, continued on new pages as needed.
fn block(
    heading: &str,
    lines: &[String],
    body: &mut String,
    y: &mut f64,
    pages: &mut Vec<PageBody>,
) {
    const LINE: f64 = 13.0;
    if *y + 18.0 + LINE > BOTTOM {
        pages.push(PageBody {
            body: std::mem::take(body),
        });
        *y = TOP;
    }
    text(body, M, *y + 11.0, (11.0, true), INK, "start", heading);
    *y += 18.0;
    for line in lines.iter().flat_map(|l| wrap(l, W - 2.0 * M, 9.0)) {
        if *y + LINE > BOTTOM {
            pages.push(PageBody {
                body: std::mem::take(body),
            });
            *y = TOP;
        }
        text(body, M, *y + 10.0, (9.0, false), INK, "start", &line);
        *y += LINE;
    }
    *y += 10.0;
}

fn summary_row(out: &mut String, m: &MeasureSummary, y: f64) {
    let sfx = m.value_suffix.as_str();
    let size = 7.5;
    let cell = |out: &mut String, col: usize, s: &str, lines: usize| {
        let (_, x, w, right) = COLS[col];
        let ls = clip(wrap(s, w, size), lines);
        let top = y + ROW_H / 2.0 - (ls.len() as f64 - 1.0) * 4.5 + 2.5;
        for (k, l) in ls.iter().enumerate() {
            let tx = if right { x + w } else { x };
            text(
                out,
                tx,
                top + k as f64 * 9.0,
                (size, col == 0),
                INK,
                if right { "end" } else { "start" },
                l,
            );
        }
    };
    cell(out, 0, &m.title, 2);
    cell(out, 1, m.owner.as_deref().unwrap_or("–"), 2);
    cell(out, 2, m.latest_period.as_deref().unwrap_or("–"), 1);
    cell(out, 3, &fmt::value(m.latest_value, sfx), 1);
    cell(out, 4, &fmt::value(m.target, sfx), 1);
    let limits = match (m.lcl, m.ucl) {
        (Some(_), Some(_)) => format!("({} to {})", fmt::value(m.lcl, sfx), fmt::value(m.ucl, sfx)),
        _ => String::new(),
    };
    {
        let (_, x, w, _) = COLS[5];
        text(
            out,
            x + w,
            y + 11.0,
            (size, false),
            INK,
            "end",
            &fmt::value(m.mean, sfx),
        );
        text(out, x + w, y + 20.0, (6.5, false), GREY, "end", &limits);
    }
    let icon = 18.0;
    let (_, vx, _, _) = COLS[6];
    if let Some(i) = m.variation_icon {
        embed(
            out,
            &gemba_chart::variation_icon_svg(i, 28),
            vx,
            y + (ROW_H - icon) / 2.0,
            icon / 28.0,
        );
    }
    text(
        out,
        vx + icon + 3.0,
        y + ROW_H / 2.0 + 2.5,
        (7.0, false),
        INK,
        "start",
        short_variation(m.variation_icon),
    );
    let (_, ax, _, _) = COLS[7];
    if let Some(i) = m.assurance_icon {
        embed(
            out,
            &gemba_chart::assurance_icon_svg(i, 28),
            ax,
            y + (ROW_H - icon) / 2.0,
            icon / 28.0,
        );
    }
    text(
        out,
        ax + icon + 3.0,
        y + ROW_H / 2.0 + 2.5,
        (7.0, false),
        INK,
        "start",
        short_assurance(m.assurance_icon),
    );
    cell(out, 8, &short_rules(&m.rules_fired), 2);
    let (_, sx, sw, _) = COLS[9];
    let spark = crate::html::sparkline(&m.values, m.mean, sfx).into_string();
    if spark.starts_with("<svg") {
        embed(out, &spark, sx, y + 3.0, sw / 120.0);
    }
    let _ = write!(
        out,
        r#"<line x1="{M}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="{RULE}"/>"#,
        W - M,
        y + ROW_H,
        y + ROW_H
    );
}

fn matrix_pages(report: &Report, summary: &Summary, pages: &mut Vec<PageBody>) {
    let titles: std::collections::HashMap<&str, &str> = report
        .sections
        .iter()
        .flat_map(|s| &s.measures)
        .map(|m| (m.id.as_str(), m.title.as_str()))
        .collect();
    let title = |id: &str| -> String { titles.get(id).copied().unwrap_or(id).to_string() };
    // Whether a cell or the unplaced list had more than its space: then every measure is
    // listed by cell on the following pages.
    let mut overflow = false;
    let mut b = String::new();
    text(
        &mut b,
        M,
        TOP + 10.0,
        (13.0, true),
        INK,
        "start",
        "Variation and assurance",
    );
    text(
        &mut b,
        M,
        TOP + 26.0,
        (8.5, false),
        GREY,
        "start",
        "Each measure sits in the row of its variation icon and the column of its assurance icon.",
    );
    let x0 = M + 130.0;
    let cw = (W - M - x0) / 3.0;
    let y0 = TOP + 40.0;
    let unplaced_h = if summary.matrix.unplaced.is_empty() {
        0.0
    } else {
        70.0
    };
    let ch = (BOTTOM - y0 - 24.0 - unplaced_h) / 3.0;
    for (c, a) in Assurance::ALL.iter().enumerate() {
        let x = x0 + c as f64 * cw;
        if let Some(icon) = [
            gemba_spc::AssuranceIcon::Pass,
            gemba_spc::AssuranceIcon::HitAndMiss,
            gemba_spc::AssuranceIcon::Fail,
        ]
        .get(c)
        {
            embed(
                &mut b,
                &gemba_chart::assurance_icon_svg(*icon, 28),
                x + 4.0,
                y0,
                16.0 / 28.0,
            );
        }
        text(
            &mut b,
            x + 24.0,
            y0 + 12.0,
            (8.5, true),
            INK,
            "start",
            a.label(),
        );
    }
    let icons = [
        gemba_spc::VariationIcon::ImprovementHigh,
        gemba_spc::VariationIcon::CommonCause,
        gemba_spc::VariationIcon::ConcernHigh,
    ];
    for (r, v) in Variation::ALL.iter().enumerate() {
        let y = y0 + 24.0 + r as f64 * ch;
        let fill = match v {
            Variation::Concern => "#fff4e5",
            Variation::Improvement => "#e8f1fb",
            Variation::CommonCause => "#ffffff",
        };
        let _ = write!(
            b,
            r#"<rect x="{M}" y="{y:.1}" width="{:.1}" height="{ch:.1}" fill="{fill}" stroke="{RULE}"/>"#,
            W - 2.0 * M
        );
        if let Some(icon) = icons.get(r) {
            embed(
                &mut b,
                &gemba_chart::variation_icon_svg(*icon, 28),
                M + 4.0,
                y + 4.0,
                16.0 / 28.0,
            );
        }
        for (k, l) in wrap(v.label(), 100.0, 8.5).iter().enumerate() {
            text(
                &mut b,
                M + 24.0,
                y + 15.0 + k as f64 * 11.0,
                (8.5, true),
                INK,
                "start",
                l,
            );
        }
        for (c, a) in Assurance::ALL.iter().enumerate() {
            let x = x0 + c as f64 * cw;
            let _ = write!(
                b,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{y:.1}" y2="{:.1}" stroke="{RULE}"/>"#,
                y + ch
            );
            let ids = summary.matrix.cell(*v, *a);
            let fits = ((ch - 8.0) / 10.0).floor().max(1.0) as usize;
            let mut lines: Vec<String> = Vec::new();
            for id in ids {
                lines.extend(clip(wrap(&format!("• {}", title(id)), cw - 10.0, 7.5), 1));
            }
            if lines.is_empty() {
                lines.push("None".into());
            }
            if lines.len() > fits {
                let more = lines.len() - (fits - 1);
                lines.truncate(fits - 1);
                lines.push(format!("… and {more} more (listed on the next pages)"));
                overflow = true;
            }
            for (k, l) in lines.iter().enumerate() {
                text(
                    &mut b,
                    x + 5.0,
                    y + 13.0 + k as f64 * 10.0,
                    (7.5, false),
                    INK,
                    "start",
                    l,
                );
            }
        }
    }
    if !summary.matrix.unplaced.is_empty() {
        let y = y0 + 24.0 + 3.0 * ch + 16.0;
        text(&mut b, M, y, (9.0, true), INK, "start", "Not in the matrix");
        let all: Vec<String> = summary
            .matrix
            .unplaced
            .iter()
            .map(|u| format!("{}: {}", title(&u.id), u.reason))
            .collect();
        let line = all.join("; ");
        let wrapped = wrap(&line, W - 2.0 * M, 7.5);
        overflow |= wrapped.len() > 4;
        for (k, l) in clip(wrapped, 4).iter().enumerate() {
            text(
                &mut b,
                M,
                y + 13.0 + k as f64 * 10.0,
                (7.5, false),
                INK,
                "start",
                l,
            );
        }
    }
    pages.push(PageBody { body: b });
    if overflow {
        let mut lines: Vec<(bool, String)> = Vec::new();
        for v in Variation::ALL {
            for a in Assurance::ALL {
                let ids = summary.matrix.cell(v, a);
                if ids.is_empty() {
                    continue;
                }
                lines.push((
                    true,
                    format!("{}; {} ({})", v.label(), a.label(), ids.len()),
                ));
                for id in ids {
                    lines.extend(
                        clip(wrap(&format!("• {}", title(id)), COL_W, 8.0), 1)
                            .into_iter()
                            .map(|l| (false, l)),
                    );
                }
                lines.push((false, String::new()));
            }
        }
        if !summary.matrix.unplaced.is_empty() {
            lines.push((
                true,
                format!("Not in the matrix ({})", summary.matrix.unplaced.len()),
            ));
            for u in &summary.matrix.unplaced {
                let l = format!("• {}: {}", title(&u.id), u.reason);
                lines.extend(
                    clip(wrap(&l, COL_W, 8.0), 2)
                        .into_iter()
                        .map(|l| (false, l)),
                );
            }
        }
        flow(
            pages,
            "Variation and assurance: every measure by cell",
            lines,
            8.0,
        );
    }
}

/// Width of one of three columns of text.
const COL_W: f64 = (W - 2.0 * M - 20.0) / 3.0;

/// Lines (bold or not) in three columns over as many pages as they need, each page headed.
fn flow(
    pages: &mut Vec<PageBody>,
    heading: &str,
    lines: impl IntoIterator<Item = (bool, String)>,
    size: f64,
) {
    let mut cursor = lines.into_iter().peekable();
    while cursor.peek().is_some() {
        let mut b = String::new();
        let head = clip(wrap(heading, W - 2.0 * M, 11.0), 1).concat();
        text(&mut b, M, TOP + 10.0, (11.0, true), INK, "start", &head);
        for c in 0..3 {
            let x = M + c as f64 * (COL_W + 10.0);
            let mut ly = TOP + 30.0;
            while let Some((bold, l)) = cursor.next_if(|_| ly <= BOTTOM) {
                text(&mut b, x, ly, (size, bold), INK, "start", &l);
                ly += size * 1.35;
            }
        }
        pages.push(PageBody { body: b });
    }
}

/// One measure's page (and continuation pages for a long narrative).
fn panel_pages(m: &Measure, s: Option<&MeasureSummary>, section: &str, pages: &mut Vec<PageBody>) {
    let mut b = String::new();
    text(&mut b, M, TOP + 2.0, (8.0, false), GREY, "start", section);
    let mut y = TOP + 18.0;
    for l in clip(wrap(&m.title, W - 2.0 * M, 15.0), 2) {
        text(&mut b, M, y, (15.0, true), INK, "start", &l);
        y += 18.0;
    }
    let sfx = m.value_suffix.as_str();
    if let Some(s) = s {
        let facts = format!(
            "Owner: {}   ·   Latest: {}{}   ·   Target: {}   ·   Mean (limits): {}",
            s.owner.as_deref().unwrap_or("not named"),
            fmt::value(s.latest_value, sfx),
            s.latest_period
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default(),
            fmt::value(s.target, sfx),
            fmt::mean_and_limits(s.mean, s.lcl, s.ucl, sfx),
        );
        let words = format!(
            "Variation: {}.   Assurance: {}.   Rules fired in the latest phase: {}.",
            fmt::variation(s.variation_icon),
            fmt::assurance(s.assurance_icon),
            fmt::rules(&s.rules_fired)
        );
        for l in clip(wrap(&facts, W - 2.0 * M, 8.5), 2)
            .into_iter()
            .chain(clip(wrap(&words, W - 2.0 * M, 8.5), 2))
        {
            text(&mut b, M, y, (8.5, false), INK, "start", &l);
            y += 11.0;
        }
    }
    y += 4.0;
    let view = SeriesView {
        id: &m.id,
        title: &m.title,
        x_labels: &m.x_labels,
        y_label: &m.unit,
        result: &m.result,
        multiplier: m.multiplier,
        value_suffix: &m.value_suffix,
        annotations: &m.annotations,
    };
    let chart = gemba_chart::chart_svg(&view);
    // The chart's own size, from its root element (800 × 420 or taller with annotations).
    let (cw, chh) = svg_size(&chart).unwrap_or((800.0, 420.0));
    let col_x = M + 520.0;
    let k = (500.0 / cw).min((BOTTOM - y) / chh);
    embed(&mut b, &chart, M, y, k);

    // The narrative in the right-hand column, then in three columns on further pages.
    let col_w = W - M - col_x;
    let mut lines: Vec<(bool, String)> = Vec::new();
    match &m.narrative {
        Some(n) => {
            for (h, t) in [
                ("What the chart shows", &n.shows),
                ("Why", &n.why),
                ("Actions and by when", &n.actions),
            ] {
                lines.push((true, h.to_string()));
                lines.extend(wrap(t, col_w, 8.5).into_iter().map(|l| (false, l)));
                lines.push((false, String::new()));
            }
        }
        None => lines.push((
            false,
            "No narrative has been written for this period.".into(),
        )),
    }
    let mut cursor = lines.into_iter().peekable();
    let mut ly = y + 8.0;
    while let Some((bold, l)) = cursor.next_if(|_| ly <= BOTTOM) {
        text(&mut b, col_x, ly, (8.5, bold), INK, "start", &l);
        ly += 11.5;
    }
    pages.push(PageBody { body: b });
    flow(
        pages,
        &format!("{} (narrative, continued)", m.title),
        cursor,
        8.5,
    );
}

/// The width and height of an SVG document's root, from its `width` and `height` attributes.
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let root = &svg[..svg.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let at = root.find(&format!(" {name}=\""))? + name.len() + 3;
        let rest = &root[at..];
        rest[..rest.find('"')?].parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_cuts_long_ones() {
        // 10 pt at 0.6 → 6 pt a character; 60 pt → 10 characters.
        assert_eq!(wrap("aaa bbb ccc ddd", 60.0, 10.0), ["aaa bbb", "ccc ddd"]);
        assert_eq!(wrap("abcdefghijklmno", 60.0, 10.0), ["abcdefghij", "klmno"]);
        assert_eq!(
            clip(wrap("aaa bbb ccc ddd eee", 60.0, 10.0), 2),
            ["aaa bbb", "ccc dd…"]
        );
    }

    #[test]
    fn svg_size_reads_the_root() {
        assert_eq!(
            svg_size(r#"<svg xmlns="x" width="800" height="452" viewBox="0 0 800 452"><g/></svg>"#),
            Some((800.0, 452.0))
        );
    }
}
