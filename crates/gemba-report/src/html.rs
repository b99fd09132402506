//! The report as one self-contained HTML page.

use std::collections::{HashMap, HashSet};

use gemba_chart::SeriesView;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::fmt;
use crate::summary::{summarise, Assurance, MeasureSummary, Summary, Variation};
use crate::{Measure, Report};

/// NHS.UK-like, high contrast; tables scroll and charts scale on a phone; each panel starts a
/// new page in print. Static text, no user data.
const CSS: &str = r#"
:root{--blue:#005eb8;--text:#212b32;--secondary:#4c6272;--border:#d8dde0;--bg:#f0f4f5;--focus:#ffeb3b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:Frutiger,"Frutiger W01",Arial,"Helvetica Neue",Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:var(--text);background:var(--bg)}
.skip-link{position:absolute;left:-9999px;top:0}
.skip-link:focus{left:1rem;top:.5rem;z-index:1;background:var(--focus);color:var(--text);padding:.5rem 1rem;outline:4px solid var(--text)}
header.site{background:var(--blue);color:#fff}
.wrap{max-width:1200px;margin:0 auto;padding:0 1rem}
header.site .wrap{padding-top:.85rem;padding-bottom:.85rem;font-weight:700;font-size:1.2rem}
main{display:block;padding-top:1.5rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.2;margin:.25rem 0 .25rem}
h2{font-size:1.5rem;line-height:1.25;margin:1.5rem 0 .75rem}
h3{font-size:1.25rem;margin:0 0 .5rem}
h4.panel-title{font-size:1.25rem;margin:0 0 .5rem}
h5{font-size:1rem;margin:.75rem 0 .25rem}
.lede{color:var(--secondary);margin:0 0 1rem}
.card{background:#fff;border:1px solid var(--border);border-radius:4px;padding:1rem 1.25rem;margin:0 0 1.5rem}
.table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}
caption{text-align:left;font-weight:700;font-size:1.1rem;padding:.25rem 0 .5rem}
th,td{padding:.45rem .5rem;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
thead th{border-bottom:2px solid var(--text)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.with-icon{display:flex;align-items:center;gap:.4rem;min-width:9rem}
svg.mdc-icon{flex:none}
svg.spark{display:block}
table.matrix td{vertical-align:top;min-width:10rem}
table.matrix ul{margin:0;padding-left:1.1rem}
.cell-concern{background:#fff4e5}.cell-improvement{background:#e8f1fb}
figure{margin:0}
figure.plot{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg.spc-chart{display:block;width:100%;height:auto;min-width:640px;max-width:1000px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 .75rem}
dl.facts dt{font-weight:700}dl.facts dd{margin:0}
.muted{color:var(--secondary)}
.status{border-left:4px solid var(--blue);padding-left:.75rem}
ul.changes li{margin-bottom:.25rem}
a{color:var(--blue);text-decoration:underline;text-underline-offset:.15em}
a:focus,.table-scroll:focus,figure.plot:focus{outline:4px solid transparent;background:var(--focus);color:var(--text);box-shadow:0 -2px var(--focus),0 4px var(--text)}
@media (max-width:640px){h1{font-size:1.6rem}h2{font-size:1.25rem}.card{padding:.75rem}th,td{padding:.35rem .4rem}dl.facts{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:10pt}header.site{background:#fff;color:var(--text);border-bottom:2px solid var(--text)}.skip-link{display:none}.card{border:none;padding:0}article.panel{break-before:page}.table-scroll{overflow:visible}tr{break-inside:avoid}svg.spc-chart{min-width:0}a{color:var(--text);text-decoration:none}}
"#;

/// Unique anchors, one per measure id, in report order.
pub(crate) fn anchors(report: &Report) -> HashMap<String, String> {
    let mut used = HashSet::new();
    let mut out = HashMap::new();
    for m in report.sections.iter().flat_map(|s| &s.measures) {
        let base = fmt::slug(&m.id);
        let mut a = base.clone();
        let mut k = 2;
        while !used.insert(a.clone()) {
            a = format!("{base}-{k}");
            k += 1;
        }
        out.entry(m.id.clone()).or_insert(a);
    }
    out
}

pub(crate) fn page(report: &Report) -> String {
    let summary = summarise(report);
    let anchors = anchors(report);
    let titles: HashMap<&str, &str> = report
        .sections
        .iter()
        .flat_map(|s| &s.measures)
        .map(|m| (m.id.as_str(), m.title.as_str()))
        .collect();
    let link = |id: &str| -> Markup {
        let href = anchors.get(id).map_or(String::new(), |a| format!("#{a}"));
        let title = titles.get(id).copied().unwrap_or(id);
        html! { a href=(href) { (title) } }
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (report.title) " – " (report.period) }
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip-link href="#main" { "Skip to the report" }
                header.site { div.wrap { "Gemba board report" } }
                main #main .wrap {
                    h1 { (report.title) }
                    p.lede { "Reporting period: " (report.period) }
                    @if let Some(status) = &report.status { p.status { strong { (status) } } }
                    nav aria-label="Contents" {
                        ul {
                            @if report.changes.is_some() { li { a href="#changes" { "What changed" } } }
                            li { a href="#summary" { "Summary" } }
                            li { a href="#matrix" { "Variation and assurance" } }
                            li { a href="#measures" { "Measures" } }
                        }
                    }
                    @if let Some(c) = &report.changes { (changes(c, &link)) }
                    h2 #summary { "Summary" }
                    @if report.concern_first {
                        p.muted { "Within each section, measures showing special cause concern or consistently failing their target come first." }
                    }
                    @for s in &summary.sections {
                        div.table-scroll role="region" aria-label={ "Summary: " (s.name) } tabindex="0" {
                            table.summary {
                                caption { (s.name) }
                                thead { tr {
                                    th scope="col" { "Measure" }
                                    th scope="col" { "Owner" }
                                    th scope="col" { "Latest period" }
                                    th scope="col" { "Latest value" }
                                    th scope="col" { "Target" }
                                    th scope="col" { "Mean (limits)" }
                                    th scope="col" { "Variation" }
                                    th scope="col" { "Assurance" }
                                    th scope="col" { "Rules fired (latest phase)" }
                                    th scope="col" { "Trend" }
                                } }
                                tbody {
                                    @for m in &s.measures { (row(m, &link)) }
                                    @if s.measures.is_empty() {
                                        tr { td colspan="10" { "No measures in this section." } }
                                    }
                                }
                            }
                        }
                    }
                    @if !report.without_data.is_empty() {
                        h3 #without-data { "Measures without data for this period" }
                        p { "These measures are on the report but have no data up to the end of the period, so they cannot be charted:" }
                        ul { @for t in &report.without_data { li { (t) } } }
                    }
                    (matrix(&summary, &link))
                    h2 #measures { "Measures" }
                    @for s in &report.sections {
                        section aria-labelledby={ "sec-" (fmt::slug(&s.name)) } {
                            h3 id={ "sec-" (fmt::slug(&s.name)) } { (s.name) }
                            @for m in &s.measures {
                                (panel(m, summary_of(&summary, &m.id), anchors.get(&m.id).map_or("", String::as_str)))
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// What changed since the previous published report, measure by measure.
fn changes(c: &crate::Changes, link: &dyn Fn(&str) -> Markup) -> Markup {
    html! {
        h2 #changes { "What changed since " (c.since) }
        @if c.items.is_empty() {
            p { "No icon moved and no new signal since " (c.since) "." }
        } @else {
            ul.changes {
                @for i in &c.items {
                    li {
                        @if matches!(i.what, crate::ChangeKind::Left) { (i.title) } @else { (link(&i.id)) }
                        ": " (i.what.describe())
                    }
                }
            }
        }
    }
}

fn summary_of<'a>(summary: &'a Summary, id: &str) -> Option<&'a MeasureSummary> {
    summary
        .sections
        .iter()
        .flat_map(|s| &s.measures)
        .find(|m| m.id == id)
}

fn row(m: &MeasureSummary, link: &dyn Fn(&str) -> Markup) -> Markup {
    let sfx = m.value_suffix.as_str();
    html! {
        tr {
            th scope="row" { (link(&m.id)) }
            td { (m.owner.as_deref().unwrap_or("–")) }
            td { (m.latest_period.as_deref().unwrap_or("–")) }
            td.num { (fmt::value(m.latest_value, sfx)) }
            td.num { (fmt::value(m.target, sfx)) }
            td.num { (fmt::mean_and_limits(m.mean, m.lcl, m.ucl, sfx)) }
            td { div.with-icon {
                @if let Some(i) = m.variation_icon { (PreEscaped(gemba_chart::variation_icon_svg(i, 28))) }
                span { (fmt::variation(m.variation_icon)) }
            } }
            td { div.with-icon {
                @if let Some(i) = m.assurance_icon { (PreEscaped(gemba_chart::assurance_icon_svg(i, 28))) }
                span { (fmt::assurance(m.assurance_icon)) }
            } }
            td { (fmt::rules(&m.rules_fired)) }
            td { (sparkline(&m.values, m.mean, sfx)) }
        }
    }
}

/// A small line of the values with the latest centre line, titled in words.
pub(crate) fn sparkline(values: &[Option<f64>], centre: Option<f64>, sfx: &str) -> Markup {
    let pts: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| x.is_finite()).map(|x| (i, x)))
        .collect();
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return html! { span.muted { "No values" } };
    };
    let (w, h, pad) = (120.0, 28.0, 2.0);
    let mut lo = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let mut hi = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if let Some(c) = centre.filter(|c| c.is_finite()) {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = values.len().max(2) - 1;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / span;
    let line: String = pts
        .iter()
        .enumerate()
        .map(|(k, (i, v))| {
            format!(
                "{}{:.1} {:.1}",
                if k == 0 { "M" } else { " L" },
                x(*i),
                y(*v)
            )
        })
        .collect();
    let label = format!(
        "{} points, from {} to {}",
        pts.len(),
        fmt::value(Some(first.1), sfx),
        fmt::value(Some(last.1), sfx)
    );
    html! {
        svg.spark xmlns="http://www.w3.org/2000/svg" width="120" height="28" viewBox="0 0 120 28" role="img" aria-label=(label) {
            title { (label) }
            @if let Some(c) = centre.filter(|c| c.is_finite()) {
                line x1="2" x2="118" y1=(format!("{:.1}", y(c))) y2=(format!("{:.1}", y(c))) stroke="#768692" stroke-width="1" stroke-dasharray="3 2" {}
            }
            path d=(line) fill="none" stroke="#005eb8" stroke-width="1.5" {}
            circle cx=(format!("{:.1}", x(last.0))) cy=(format!("{:.1}", y(last.1))) r="2.5" fill="#005eb8" {}
        }
    }
}

fn matrix(summary: &Summary, link: &dyn Fn(&str) -> Markup) -> Markup {
    html! {
        h2 #matrix { "Variation and assurance" }
        p.lede { "Each measure sits in the row of its variation icon and the column of its assurance icon." }
        div.table-scroll role="region" aria-label="Variation and assurance matrix" tabindex="0" {
            table.matrix {
                caption { "Measures by variation (rows) and assurance against target (columns)" }
                thead { tr {
                    td {}
                    @for a in Assurance::ALL { th scope="col" { (a.label()) } }
                } }
                tbody {
                    @for v in Variation::ALL {
                        tr class=(match v { Variation::Concern => "cell-concern", Variation::Improvement => "cell-improvement", Variation::CommonCause => "" }) {
                            th scope="row" { (v.label()) }
                            @for a in Assurance::ALL {
                                td {
                                    @let ids = summary.matrix.cell(v, a);
                                    @if ids.is_empty() { span.muted { "None" } }
                                    @else { ul { @for id in ids { li { (link(id)) } } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !summary.matrix.unplaced.is_empty() {
            h3 { "Not in the matrix" }
            ul {
                @for u in &summary.matrix.unplaced {
                    li { (link(&u.id)) ": " (u.reason) }
                }
            }
        }
    }
}

fn panel(m: &Measure, s: Option<&MeasureSummary>, anchor: &str) -> Markup {
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
    let sfx = m.value_suffix.as_str();
    html! {
        article.panel.card id=(anchor) aria-labelledby={ (anchor) "-title" } {
            h4.panel-title id={ (anchor) "-title" } { (m.title) }
            @if let Some(s) = s {
                dl.facts {
                    dt { "Owner" } dd { (s.owner.as_deref().unwrap_or("Not named")) }
                    dt { "Latest" } dd { (fmt::value(s.latest_value, sfx)) @if let Some(p) = &s.latest_period { " (" (p) ")" } }
                    dt { "Target" } dd { (fmt::value(s.target, sfx)) }
                    dt { "Mean (limits)" } dd { (fmt::mean_and_limits(s.mean, s.lcl, s.ucl, sfx)) }
                    dt { "Variation" } dd { (fmt::variation(s.variation_icon)) }
                    dt { "Assurance" } dd { (fmt::assurance(s.assurance_icon)) }
                    dt { "Rules fired" } dd { (fmt::rules(&s.rules_fired)) }
                }
            }
            figure.plot tabindex="0" aria-label={ "Chart: " (m.title) } {
                (PreEscaped(gemba_chart::chart_svg(&view)))
            }
            @match &m.narrative {
                Some(n) => {
                    h5 { "What the chart shows" } p { (n.shows) }
                    h5 { "Why" } p { (n.why) }
                    h5 { "Actions and by when" } p { (n.actions) }
                }
                None => p.muted { "No narrative has been written for this period." }
            }
            p { a href="#summary" { "Back to the summary" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Narrative, Section};
    use gemba_spc::{analyse, ChartOptions, ChartType, Data};

    fn report() -> Report {
        let y: Vec<Option<f64>> = [5., 6., 5., 7., 6., 5.].map(Some).to_vec();
        let mut o = ChartOptions::new(ChartType::Xmr);
        o.target = Some(4.0);
        let r = analyse(Data::Values(&y), &o).unwrap();
        let mut m = Measure::new("<x>", "Falls & <harm>", r, vec!["2024-01".into(); 6]);
        m.narrative = Some(Narrative {
            shows: "Stable.".into(),
            why: "No change.".into(),
            actions: "Review by March.".into(),
        });
        Report {
            title: "Board".into(),
            period: "June".into(),
            sections: vec![Section {
                name: "Safe".into(),
                measures: vec![m],
            }],
            concern_first: false,
            ..Report::default()
        }
    }

    #[test]
    fn page_escapes_text_and_carries_every_part() {
        let h = page(&report());
        assert!(h.contains("Falls &amp; &lt;harm&gt;"));
        assert!(!h.contains("<harm>"));
        for part in [
            "<caption>Safe</caption>",
            "id=\"matrix\"",
            "Actions and by when",
            "Review by March.",
            "@media print",
            "<svg",
            "scope=\"row\"",
        ] {
            assert!(h.contains(part), "{part}");
        }
        assert_eq!(page(&report()), h, "deterministic");
    }

    /// Headings go down one level at a time (h1, h2, h3…), so that a screen reader's outline
    /// has no gaps.
    #[test]
    fn headings_never_skip_a_level() {
        let h = page(&report());
        let levels: Vec<u32> = h
            .match_indices("<h")
            .filter_map(|(i, _)| h[i + 2..].chars().next()?.to_digit(10))
            .collect();
        assert_eq!(levels.first(), Some(&1));
        for w in levels.windows(2) {
            assert!(w[1] <= w[0] + 1, "heading levels {levels:?}");
        }
        assert!(
            levels.contains(&5),
            "narrative headings present: {levels:?}"
        );
        // Sections sit under "Measures", and each measure under its section.
        assert!(h.contains(r#"<h3 id="sec-m-safe">Safe</h3>"#));
        assert!(
            h.contains(r#"<h4 class="panel-title" id="m--x--title">Falls &amp; &lt;harm&gt;</h4>"#)
        );
    }

    #[test]
    fn anchors_stay_unique() {
        let mut r = report();
        let m = r.sections[0].measures[0].clone();
        let mut m2 = m.clone();
        m2.id = "-x-".into();
        r.sections[0].measures.push(m2);
        let a = anchors(&r);
        assert_eq!(a["<x>"], "m--x-");
        assert_eq!(a["-x-"], "m--x--2");
    }
}
