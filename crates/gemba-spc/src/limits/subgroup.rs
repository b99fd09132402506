//! Subgroup charts as qicharts2 computes them: Xbar (S or R), S and R. (Being written.)

use super::{centre_only, Phase};
use crate::result::Lines;
use crate::stats;

pub(crate) fn xbar_s(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn xbar_r(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn s(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
pub(crate) fn r(phase: &Phase<'_>, out: &mut [Lines]) {
    out.fill(centre_only(stats::mean(phase.base_values(|p| p.y))));
}
