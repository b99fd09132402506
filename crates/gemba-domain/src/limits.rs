//! The one set of limits on what people type, used by the forms, the API and the CLI alike.
//!
//! Lengths are in characters (not bytes), counted after trimming.

/// A project's or PDSA cycle's title, a measure's or person's name, a team's or organisation's
/// name.
pub const NAME: usize = 200;
/// Short one-line text: a project's improvement method and sponsor, a measure's unit.
pub const SHORT_TEXT: usize = 200;
/// What a measure's denominator counts ("bed days").
pub const DENOMINATOR_LABEL: usize = 100;
/// Long free text: a project's problem and aim, a measure's definition and data source, the
/// notes of a PDSA cycle.
pub const LONG_TEXT: usize = 10_000;
/// The text of a driver diagram's node.
pub const DRIVER_TEXT: usize = 200;
/// Why a chart was rebased.
pub const REBASE_REASON: usize = 500;
/// The most rebases one measure may have.
pub const REBASES: usize = 100;
/// The most tags a project may have.
pub const TAGS: usize = 20;
/// The longest tag.
pub const TAG: usize = 50;
/// A board member's evidence note on one dimension of a self-assessment.
pub const ASSESSMENT_NOTE: usize = 2_000;
/// The method of a value entry's estimate, or the evidence of its release.
pub const VALUE_METHOD: usize = 2_000;
/// The largest amount of money one value entry may hold, in pence (£1,000,000,000).
pub const VALUE_PENCE: i64 = 100_000_000_000;
/// The most hours one value entry may release.
pub const VALUE_HOURS: f64 = 1_000_000.0;
/// The note on how patients and carers are involved in a project.
pub const INVOLVEMENT_NOTE: usize = 2_000;
