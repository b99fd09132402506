//! Self-contained HTML pages: the shell (head, header, inline CSS) and the SPC report.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::axis::fmt_num;
use crate::describe::{self, finite, value};
use crate::{chart, icons, SeriesView};

/// Our own stylesheet, NHS.UK-like: system font stack, NHS blue header, high contrast,
/// scrolling tables and scaling charts on a phone. Static text; no user data in it.
const CSS: &str = r#"
:root{--blue:#005eb8;--dark-blue:#003087;--text:#212b32;--secondary:#4c6272;--border:#d8dde0;--bg:#f0f4f5;--focus:#ffeb3b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:Frutiger,"Frutiger W01",Arial,"Helvetica Neue",Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:var(--text);background:var(--bg)}
.skip-link{position:absolute;left:-9999px;top:0}
.skip-link:focus{left:1rem;top:.5rem;z-index:1;background:var(--focus);color:var(--text);padding:.5rem 1rem;outline:4px solid var(--text)}
.site-header{background:var(--blue);color:#fff}
.wrap{max-width:1100px;margin:0 auto;padding:0 1rem}
.site-header .wrap{display:flex;align-items:baseline;gap:1rem;padding-top:.85rem;padding-bottom:.85rem}
.brand{font-weight:700;font-size:1.35rem;letter-spacing:.01em}
.tagline{font-size:.95rem}
main{display:block;padding-top:1.5rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.2;margin:.25rem 0 1.25rem}
h2{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
.card{background:#fff;border:1px solid var(--border);border-radius:4px;padding:1rem 1.25rem;margin:0 0 1.5rem}
.lede{color:var(--secondary);margin:0 0 1rem}
figure{margin:0}
figure.plot{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg.spc-chart,svg.funnel-plot{display:block;width:100%;height:auto;min-width:800px;max-width:1000px}
svg.badge{width:1.75rem;height:1.75rem;flex:none}
.table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.95rem;background:#fff}
caption{text-align:left;font-weight:700;padding:.25rem 0 .5rem;color:var(--text)}
th,td{padding:.5rem .6rem;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
thead th{border-bottom:2px solid var(--text);white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.with-icon{display:flex;align-items:center;gap:.5rem;min-width:9.5rem}
.summary th[scope=row]{min-width:9rem}
.data th[scope=row],.groups th[scope=row]{white-space:nowrap}
.summary td{font-size:.9rem}
a{color:var(--blue);text-decoration:underline;text-underline-offset:.15em}
a:visited{color:#330072}
a:hover{color:#7c2855;text-decoration-thickness:3px}
.table-scroll:focus,figure.plot:focus{outline:3px solid var(--focus)}
a:focus,summary:focus{outline:4px solid transparent;background:var(--focus);color:var(--text);box-shadow:0 -2px var(--focus),0 4px var(--text);text-decoration:none}
details{margin-top:.75rem}
summary{cursor:pointer;color:var(--blue);font-weight:600;padding:.25rem 0;text-decoration:underline;text-underline-offset:.15em}
.warnings{margin:.75rem 0 0;padding:.5rem 1rem;border-left:6px solid #ffb81c;background:#fff9e6}
.warnings ul{margin:0;padding-left:1.25rem}
.muted{color:var(--secondary)}
.flag-high,.flag-low{font-weight:700}
.back{font-size:.95rem;margin:.5rem 0 0}
.site-footer{border-top:4px solid var(--blue);background:#fff;color:var(--secondary);font-size:.9rem}
.site-footer .wrap{padding-top:1rem;padding-bottom:1rem}
@media (max-width:640px){h1{font-size:1.6rem}h2{font-size:1.25rem}.card{padding:.75rem}th,td{padding:.4rem .5rem}.tagline{display:none}}
@media print{body{background:#fff}.site-header{background:#fff;color:var(--text);border-bottom:2px solid var(--text)}.card{border:none;break-inside:avoid}details>*{display:block}}
"#;

/// The page around `content`: doctype, language, viewport, inline CSS, header and footer.
pub(crate) fn shell(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Gemba" }
                style { (PreEscaped(CSS)) }
            }
            body {
                a class="skip-link" href="#main" { "Skip to main content" }
                header class="site-header" {
                    div class="wrap" {
                        span class="brand" { "Gemba" }
                        span class="tagline" { "Statistical process control for quality improvement" }
                    }
                }
                main id="main" class="wrap" {
                    h1 { (title) }
                    (content)
                }
                footer class="site-footer" {
                    div class="wrap" {
                        p {
                            "Charts read with the NHS England Making Data Count rules. "
                            "Icons are Gemba's own drawings of the variation and assurance icons."
                        }
                    }
                }
            }
        }
    }
}

/// The anchor of series `i` in the report, unique within the page.
fn anchor(i: usize, view: &SeriesView) -> String {
    format!("chart-{}-{}", i + 1, chart::slug(view.id))
}

/// Rule names for people, joined; `empty` when there are none.
fn rules_text(rules: &[&str], empty: &str) -> String {
    if rules.is_empty() {
        empty.into()
    } else {
        rules
            .iter()
            .map(|r| describe::rule_label(r))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn summary_section(series: &[SeriesView]) -> Markup {
    html! {
        section class="card" aria-labelledby="summary-heading" {
            h2 id="summary-heading" { "Summary" }
            div class="table-scroll" role="region" aria-label="Table, scrolls sideways on small screens" tabindex="0" {
                table class="summary" {
                    caption { "Latest reading of each series (" (series.len()) ")" }
                    thead {
                        tr {
                            th scope="col" { "Series" }
                            th scope="col" { "Chart" }
                            th scope="col" class="num" { "Latest" }
                            th scope="col" { "Variation" }
                            th scope="col" { "Assurance" }
                            th scope="col" { "Rules (last phase)" }
                            th scope="col" { "Rules (any point)" }
                        }
                    }
                    tbody {
                        @for (i, view) in series.iter().enumerate() {
                            @let r = view.result;
                            @let latest = describe::latest(r);
                            tr {
                                th scope="row" {
                                    a href={ "#" (anchor(i, view)) } { (view.id) }
                                    @if view.title != view.id {
                                        br;
                                        span class="muted" { (view.title) }
                                    }
                                }
                                td { (r.chart.title()) }
                                td class="num" {
                                    @match latest {
                                        Some((k, v)) => {
                                            (fmt_num(v)) (view.value_suffix) br;
                                            span class="muted" { (describe::x_label(view, k)) }
                                        }
                                        None => { "–" }
                                    }
                                }
                                td {
                                    @match r.variation_icon {
                                        Some(icon) => div class="with-icon" {
                                            (icons::badge(icons::variation(icon, 14.0, 14.0, 12.5)))
                                            span { (icon.describe()) }
                                        },
                                        None => span class="muted" { "Not available" },
                                    }
                                }
                                td {
                                    @match (r.assurance_icon, finite(r.target)) {
                                        (Some(icon), target) => div class="with-icon" {
                                            (icons::badge(icons::assurance(icon, 14.0, 14.0, 12.5)))
                                            span {
                                                (icon.describe())
                                                @if let Some(t) = target { " " (fmt_num(t)) (view.value_suffix) }
                                            }
                                        },
                                        (None, Some(t)) => span { "Target " (fmt_num(t)) (view.value_suffix) },
                                        (None, None) => span class="muted" { "No target" },
                                    }
                                }
                                td { (rules_text(&describe::rules_fired_with_runs(r, describe::last_phase(r)), "None")) }
                                td { (rules_text(&describe::rules_fired_with_runs(r, &r.points), "None")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn data_table(view: &SeriesView) -> Markup {
    let r = view.result;
    let has_limits = r
        .points
        .iter()
        .any(|p| finite(p.lines.lcl).is_some() || finite(p.lines.ucl).is_some());
    let has_n = r.points.iter().any(|p| finite(p.n).is_some());
    let phased = describe::phases(&r.points).len() > 1;
    let with_suffix = |v: f64| format!("{}{}", fmt_num(v), view.value_suffix);
    let cell = |v: Option<f64>| finite(v).map_or("–".to_string(), with_suffix);
    html! {
        details {
            summary { "Data table for " (view.title) }
            div class="table-scroll" role="region" aria-label="Table, scrolls sideways on small screens" tabindex="0" {
                table class="data" {
                    caption { (view.title) ": values, lines and readings" }
                    thead {
                        tr {
                            th scope="col" { "Point" }
                            th scope="col" class="num" { (view.y_label) }
                            @if has_n { th scope="col" class="num" { "Denominator" } }
                            th scope="col" class="num" { (describe::centre_name(r.chart)) }
                            @if has_limits {
                                th scope="col" class="num" { "Lower limit" }
                                th scope="col" class="num" { "Upper limit" }
                            }
                            @if phased { th scope="col" class="num" { "Phase" } }
                            th scope="col" { "Reading" }
                            th scope="col" { "Rules" }
                        }
                    }
                    tbody {
                        @for (i, p) in r.points.iter().enumerate() {
                            tr {
                                th scope="row" { (describe::x_label(view, i)) }
                                td class="num" { (value(p).map_or("missing".to_string(), with_suffix)) }
                                @if has_n { td class="num" { (finite(p.n).map_or("–".to_string(), fmt_num)) } }
                                td class="num" { (cell(p.lines.centre)) }
                                @if has_limits {
                                    td class="num" { (cell(p.lines.lcl)) }
                                    td class="num" { (cell(p.lines.ucl)) }
                                }
                                @if phased { td class="num" { (p.phase) } }
                                td {
                                    @if value(p).is_some() { (describe::variation_label(p.variation)) }
                                    @if p.excluded { " (excluded from the limits)" }
                                }
                                td { (rules_text(&describe::rules_fired([p]), "–")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn chart_section(i: usize, view: &SeriesView) -> Markup {
    let id = anchor(i, view);
    let r = view.result;
    html! {
        section class="card chart" id=(id) aria-labelledby={ (id) "-heading" } {
            h2 id={ (id) "-heading" } { (view.title) }
            p class="lede" {
                (view.id) " · " (r.chart.title()) " · " (describe::improvement_label(r.improvement))
                " · " (r.points.len()) " points"
            }
            figure class="plot" tabindex="0" {
                (chart::svg(view, &format!("{id}-svg"), false))
            }
            @if r.chart == gemba_spc::ChartType::Run {
                @if let Some(runs) = &r.runs { p { (describe::runs_sentence(runs)) "." } }
            }
            @if !r.warnings.is_empty() {
                div class="warnings" role="note" {
                    strong { "Things to know" }
                    ul { @for w in &r.warnings { li { (w.to_string()) } } }
                }
            }
            (data_table(view))
            p class="back" { a href="#summary-heading" { "Back to summary" } }
        }
    }
}

/// The full SPC report.
pub(crate) fn report(title: &str, series: &[SeriesView]) -> Markup {
    shell(
        title,
        html! {
            @if series.is_empty() {
                p { "There are no series to show." }
            }
            (summary_section(series))
            @for (i, view) in series.iter().enumerate() { (chart_section(i, view)) }
        },
    )
}
