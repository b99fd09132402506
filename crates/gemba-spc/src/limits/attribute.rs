//! Attribute and other single-value charts as qicharts2 computes them: MR, p, p′, u, u′, c, g, t.
//! (Being written; see REFERENCE.md §4.)

use super::{centre_only, Phase};
use crate::result::Lines;
use crate::stats;

pub(crate) fn mr(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn p(phase: &Phase<'_>, out: &mut [Lines], _laney: bool) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn u(phase: &Phase<'_>, out: &mut [Lines], _laney: bool) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn c(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn g(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn t(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
