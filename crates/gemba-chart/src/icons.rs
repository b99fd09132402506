//! The NHS England *Making Data Count* icons, drawn in their style: a coloured circle holding a
//! small run of points. Variation: grey points for common cause; for a special cause the last
//! points rise (H) or fall (L) in the colour of improvement (blue), concern (orange) or neither
//! (purple). Assurance: a dashed target line against the process band, with P (consistently
//! passes, blue), F (consistently fails, orange) or ? (hits and misses, grey). Our own drawing
//! of the published design, not the NHS England artwork. Every icon carries a `<title>`, and
//! every page that shows one says the same in words.

use gemba_spc::{AssuranceIcon, VariationIcon};
use maud::{html, Markup};

use crate::axis::px;
use crate::palette;

/// Fill, outline, text colour and letter of a variation icon (`None`: draw a wave).
fn variation_look(
    icon: VariationIcon,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    use VariationIcon::*;
    match icon {
        CommonCause => (palette::COMMON, palette::COMMON_DARK, palette::TEXT, None),
        ImprovementHigh => (
            palette::IMPROVEMENT,
            palette::IMPROVEMENT_DARK,
            palette::TEXT,
            Some("H"),
        ),
        ImprovementLow => (
            palette::IMPROVEMENT,
            palette::IMPROVEMENT_DARK,
            palette::TEXT,
            Some("L"),
        ),
        ConcernHigh => (
            palette::CONCERN,
            palette::CONCERN_DARK,
            palette::TEXT,
            Some("H"),
        ),
        ConcernLow => (
            palette::CONCERN,
            palette::CONCERN_DARK,
            palette::TEXT,
            Some("L"),
        ),
        NeitherHigh => (
            palette::NEITHER,
            palette::NEITHER_DARK,
            "#ffffff",
            Some("H"),
        ),
        NeitherLow => (
            palette::NEITHER,
            palette::NEITHER_DARK,
            "#ffffff",
            Some("L"),
        ),
    }
}

fn assurance_look(icon: AssuranceIcon) -> (&'static str, &'static str, &'static str, &'static str) {
    match icon {
        AssuranceIcon::Pass => (
            palette::IMPROVEMENT,
            palette::IMPROVEMENT_DARK,
            palette::TEXT,
            "P",
        ),
        AssuranceIcon::Fail => (palette::CONCERN, palette::CONCERN_DARK, palette::TEXT, "F"),
        AssuranceIcon::HitAndMiss => (palette::COMMON, palette::COMMON_DARK, palette::TEXT, "?"),
    }
}

/// Which way the last points of a variation icon go: flat, up or down.
fn variation_trend(icon: VariationIcon) -> i8 {
    use VariationIcon::*;
    match icon {
        CommonCause => 0,
        ImprovementHigh | ConcernHigh | NeitherHigh => 1,
        ImprovementLow | ConcernLow | NeitherLow => -1,
    }
}

/// The variation icon as a `<g>` centred on (cx, cy) with radius r, titled for screen readers.
pub(crate) fn variation(icon: VariationIcon, cx: f64, cy: f64, r: f64) -> Markup {
    let (fill, stroke, _, letter) = variation_look(icon);
    let title = format!("Variation: {}", icon.describe());
    let trend = variation_trend(icon);
    // Seven points across the lower half: flat and grey, the last three stepping up or down.
    let dots: Vec<(f64, f64, bool)> = (0..7)
        .map(|k| {
            let x = cx - r * 0.54 + k as f64 * r * 0.18;
            let wiggle = [0.0, -0.06, 0.04, -0.03, 0.0, 0.0, 0.0][k] * r;
            let step = if k >= 4 { (k - 3) as f64 } else { 0.0 };
            let base = if trend == 0 {
                cy + r * 0.05
            } else {
                cy + r * 0.35
            };
            let y = base + wiggle - f64::from(trend) * step * r * 0.08;
            (x, y, trend != 0 && k >= 4)
        })
        .collect();
    let line: String = dots
        .iter()
        .enumerate()
        .map(|(k, (x, y, _))| format!("{}{} {}", if k == 0 { "M" } else { " L" }, px(*x), px(*y)))
        .collect();
    html! {
        g class={ "icon variation-icon " (icon.name()) } {
            title { (title) }
            circle cx=(px(cx)) cy=(px(cy)) r=(px(r)) fill="#ffffff" stroke=(stroke)
                stroke-width=(px((r / 7.0).max(1.5))) {}
            @if let Some(l) = letter {
                (letter_text(l, cx, cy - r * 0.3, r * 0.75, stroke))
            }
            path d=(line) fill="none" stroke=(palette::COMMON_DARK) stroke-width=(px(r / 16.0)) {}
            @for (x, y, special) in &dots {
                circle cx=(px(*x)) cy=(px(*y)) r=(px(r * 0.085))
                    fill=(if *special { fill } else { palette::COMMON })
                    stroke=(if *special { stroke } else { palette::COMMON_DARK })
                    stroke-width=(px(r / 24.0)) {}
            }
        }
    }
}

/// The assurance icon as a `<g>`.
pub(crate) fn assurance(icon: AssuranceIcon, cx: f64, cy: f64, r: f64) -> Markup {
    let (_, stroke, _, letter) = assurance_look(icon);
    let title = format!("Assurance: {}", icon.describe());
    // The process band (between the limits) and the target: below it (passes when higher is
    // better), above it (fails), or through it (hits and misses).
    let band_top = cy + r * 0.3;
    let band_h = r * 0.24;
    let target_y = match icon {
        AssuranceIcon::Pass => band_top + band_h + r * 0.15,
        AssuranceIcon::Fail => band_top - r * 0.15,
        AssuranceIcon::HitAndMiss => band_top + band_h / 2.0,
    };
    html! {
        g class={ "icon assurance-icon " (icon.name()) } {
            title { (title) }
            circle cx=(px(cx)) cy=(px(cy)) r=(px(r)) fill="#ffffff" stroke=(stroke)
                stroke-width=(px((r / 7.0).max(1.5))) {}
            (letter_text(letter, cx, cy - r * 0.3, r * 0.75, stroke))
            rect x=(px(cx - r * 0.6)) y=(px(band_top)) width=(px(r * 1.2)) height=(px(band_h))
                fill=(palette::COMMON) fill-opacity="0.45" {}
            line x1=(px(cx - r * 0.56)) x2=(px(cx + r * 0.56)) y1=(px(target_y)) y2=(px(target_y))
                stroke=(palette::TARGET) stroke-width=(px(r / 10.0))
                stroke-dasharray={ (px(r / 6.0)) " " (px(r / 10.0)) } {}
        }
    }
}

fn letter_text(letter: &str, cx: f64, cy: f64, r: f64, ink: &str) -> Markup {
    html! {
        @if !letter.is_empty() {
            text x=(px(cx)) y=(px(cy + r * 0.36)) text-anchor="middle" font-size=(px(r * 1.05))
                font-family="Arial, Helvetica, sans-serif" font-weight="700" fill=(ink) { (letter) }
        }
    }
}

/// The variation icon on its own, `size` pixels wide, hidden from screen readers: put it
/// beside the words it stands for.
pub fn variation_icon_svg(icon: VariationIcon, size: u32) -> String {
    sized_badge(variation(icon, 14.0, 14.0, 12.5), size).into_string()
}

/// The assurance icon on its own, `size` pixels wide, hidden from screen readers: put it
/// beside the words it stands for.
pub fn assurance_icon_svg(icon: AssuranceIcon, size: u32) -> String {
    sized_badge(assurance(icon, 14.0, 14.0, 12.5), size).into_string()
}

fn sized_badge(inner: Markup, size: u32) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="mdc-icon" width=(size) height=(size)
            viewBox="0 0 28 28" aria-hidden="true" focusable="false" { (inner) }
    }
}

/// A small standalone icon for a table cell; hidden from screen readers because the cell
/// says the same in words.
pub(crate) fn badge(inner: Markup) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="badge" width="28" height="28"
            viewBox="0 0 28 28" aria-hidden="true" focusable="false" { (inner) }
    }
}
