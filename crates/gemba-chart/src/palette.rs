//! Colours: NHS *Making Data Count* point colours, with dark outlines so markers reach 3:1
//! against white (WCAG 2.2 SC 1.4.11), and NHS.UK identity colours for text and furniture.

/// Common cause fill (MDC grey).
pub(crate) const COMMON: &str = "#a6a6a6";
/// Common cause outline.
pub(crate) const COMMON_DARK: &str = "#4d4d4d";
/// Improvement fill (MDC blue).
pub(crate) const IMPROVEMENT: &str = "#00b0f0";
/// Improvement outline and text.
pub(crate) const IMPROVEMENT_DARK: &str = "#005a7d";
/// Concern fill (MDC orange).
pub(crate) const CONCERN: &str = "#e46c0a";
/// Concern outline and text.
pub(crate) const CONCERN_DARK: &str = "#8a3c00";
/// Neither fill (MDC purple).
pub(crate) const NEITHER: &str = "#490092";
/// Neither outline.
pub(crate) const NEITHER_DARK: &str = "#2a0054";
/// Target line (MDC red).
pub(crate) const TARGET: &str = "#de1b1b";
/// Body text (NHS black).
pub(crate) const TEXT: &str = "#212b32";
/// Secondary text and axes (NHS dark grey).
pub(crate) const SECONDARY: &str = "#4c6272";
/// The line joining the points.
pub(crate) const DATA_LINE: &str = "#768692";
/// Grid lines.
pub(crate) const GRID: &str = "#e8edee";
/// Process limits.
pub(crate) const LIMIT: &str = "#4c6272";
