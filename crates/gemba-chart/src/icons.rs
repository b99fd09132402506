//! The two MDC icons drawn as small SVG badges: a coloured circle with a letter or a wave.
//! Our own drawing, not the NHS England artwork.

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

/// The variation icon as a `<g>` centred on (cx, cy) with radius r, titled for screen readers.
pub(crate) fn variation(icon: VariationIcon, cx: f64, cy: f64, r: f64) -> Markup {
    let (fill, stroke, ink, letter) = variation_look(icon);
    let title = format!("Variation: {}", icon.describe());
    html! {
        g class={ "icon variation-icon " (icon.name()) } {
            title { (title) }
            circle cx=(px(cx)) cy=(px(cy)) r=(px(r)) fill=(fill) stroke=(stroke) stroke-width="2" {}
            @match letter {
                Some(l) => { (letter_text(l, cx, cy, r, ink)) }
                None => {
                    // A wave: common cause variation.
                    path d=(wave(cx, cy, r)) fill="none" stroke=(ink) stroke-width=(px(r / 8.0))
                        stroke-linecap="round" stroke-linejoin="round" {}
                }
            }
        }
    }
}

/// The assurance icon as a `<g>`.
pub(crate) fn assurance(icon: AssuranceIcon, cx: f64, cy: f64, r: f64) -> Markup {
    let (fill, stroke, ink, letter) = assurance_look(icon);
    let title = format!("Assurance: {}", icon.describe());
    html! {
        g class={ "icon assurance-icon " (icon.name()) } {
            title { (title) }
            circle cx=(px(cx)) cy=(px(cy)) r=(px(r)) fill=(fill) stroke=(stroke) stroke-width="2" {}
            (letter_text(letter, cx, cy, r, ink))
        }
    }
}

fn letter_text(letter: &str, cx: f64, cy: f64, r: f64, ink: &str) -> Markup {
    html! {
        text x=(px(cx)) y=(px(cy + r * 0.36)) text-anchor="middle" font-size=(px(r * 1.05))
            font-weight="700" fill=(ink) { (letter) }
    }
}

fn wave(cx: f64, cy: f64, r: f64) -> String {
    let w = r * 0.6;
    let h = r * 0.3;
    let pts = [
        (cx - w, cy),
        (cx - w / 2.0, cy - h),
        (cx, cy + h * 0.6),
        (cx + w / 2.0, cy - h * 0.6),
        (cx + w, cy + h * 0.3),
    ];
    let mut d = String::new();
    for (k, (x, y)) in pts.iter().enumerate() {
        d.push_str(if k == 0 { "M" } else { " L" });
        d.push_str(&format!("{} {}", px(*x), px(*y)));
    }
    d
}

/// A small standalone icon for a table cell; hidden from screen readers because the cell
/// says the same in words.
pub(crate) fn badge(inner: Markup) -> Markup {
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="badge" width="28" height="28"
            viewBox="0 0 28 28" aria-hidden="true" focusable="false" { (inner) }
    }
}
