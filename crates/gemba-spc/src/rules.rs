//! Special-cause rules of NHS *Making Data Count*, as NHSRplotthedots 0.2.2 computes them, with
//! the options on which the Power BI visual and the IHI run-chart rules differ.
//!
//! All rules look within one phase only. Missing values are dropped before the rules run, so
//! the points either side of a gap are consecutive (REFERENCE.md §2.10, recommendation (a)).

use crate::options::{OnCentre, Rules, TrendDirection, TrendTies, TwoInThree};
use crate::result::PointResult;

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// Applies every rule to the points of one phase. `idx` lists, in time order, the positions in
/// `points` of the phase's points that have a value; `ys` their values. Sets `special_cause`
/// and `direction` on those points.
pub(crate) fn flag_phase(
    idx: &[usize],
    ys: &[f64],
    points: &mut [PointResult],
    rules: &Rules,
    outside_only: bool,
) {
    let m = idx.len();
    if m == 0 {
        return;
    }
    // Per-point rule directions, 0 when the rule does not apply (one allocation for all).
    let mut scratch = vec![0i8; 5 * m];
    let (outside, rest) = scratch.split_at_mut(m);
    let (side, rest) = rest.split_at_mut(m);
    let (shift, rest) = rest.split_at_mut(m);
    let (trend, two) = rest.split_at_mut(m);
    for (k, (&i, &y)) in idx.iter().zip(ys).enumerate() {
        let l = points[i].lines;
        if let Some(c) = l.centre {
            side[k] = sign(y - c);
        }
        if l.ucl.is_some_and(|u| y > u) {
            outside[k] = 1;
        } else if l.lcl.is_some_and(|u| y < u) {
            outside[k] = -1;
        }
    }
    if !outside_only {
        shift_rule(side, rules.shift_length, rules.on_centre, shift);
        match (rules.trend_direction, rules.trend_ties) {
            (TrendDirection::Window, TrendTies::Break) => {
                trend_windows(ys, rules.trend_length, trend)
            }
            _ => trend_rule(ys, rules.trend_length, rules.trend_ties, trend),
        }
        two_in_three_rule(idx, ys, points, side, rules, two);
    }
    for k in 0..m {
        let p = &mut points[idx[k]];
        p.special_cause.outside_limits = outside[k] != 0;
        p.special_cause.shift = shift[k] != 0;
        p.special_cause.trend = trend[k] != 0;
        p.special_cause.two_in_three = two[k] != 0;
        // NHSRplotthedots precedence: outside > trend > two-in-three > shift.
        p.direction = [outside[k], trend[k], two[k], shift[k]]
            .into_iter()
            .find(|&d| d != 0)
            .unwrap_or(0);
    }
}

/// Shift: `len` consecutive points on the same side of the centre line; all points of every
/// such window are flagged with their side. With [`OnCentre::Skip`] points on the line are
/// passed over (not counted, not flagged, not breaking).
pub(crate) fn shift_rule(side: &[i8], len: usize, on_centre: OnCentre, out: &mut [i8]) {
    if len == 0 {
        return;
    }
    let mut run_start = 0usize; // first position of the current run
    let mut run_len = 0usize;
    let mut run_side = 0i8;
    let flush = |start: usize, end: usize, count: usize, s: i8, out: &mut [i8]| {
        if s != 0 && count >= len {
            for (o, &sd) in out[start..end].iter_mut().zip(&side[start..end]) {
                if sd == s {
                    *o = s;
                }
            }
        }
    };
    for (k, &s) in side.iter().enumerate() {
        if s == 0 {
            match on_centre {
                OnCentre::Skip => continue,
                OnCentre::Break => {
                    flush(run_start, k, run_len, run_side, out);
                    run_len = 0;
                    run_side = 0;
                    continue;
                }
            }
        }
        if s == run_side {
            run_len += 1;
        } else {
            flush(run_start, k, run_len, run_side, out);
            run_start = k;
            run_len = 1;
            run_side = s;
        }
    }
    flush(run_start, side.len(), run_len, run_side, out);
}

/// Trend: `len` consecutive points each strictly higher (or lower) than the one before; every
/// point of such a window is flagged. Direction labels follow NHSRplotthedots: a point whose
/// next point is also in a trend takes the direction of the step to the next point, else of
/// the step from the previous one; an unchanged step reads as decreasing.
/// With [`TrendTies::Skip`] a value equal to its predecessor is passed over.
pub(crate) fn trend_rule(ys: &[f64], len: usize, ties: TrendTies, out: &mut [i8]) {
    let m = ys.len();
    if len < 2 || m < len {
        return;
    }
    // Positions that count: all of them, or with Skip only the first of each run of equal
    // values.
    let skipped: Vec<usize>;
    let counted: &[usize] = match ties {
        TrendTies::Break => &[],
        TrendTies::Skip => {
            let mut v = Vec::with_capacity(m);
            for k in 0..m {
                if v.last().is_none_or(|&j: &usize| ys[j] != ys[k]) {
                    v.push(k);
                }
            }
            skipped = v;
            &skipped
        }
    };
    let at = |j: usize| {
        if ties == TrendTies::Break {
            j
        } else {
            counted[j]
        }
    };
    let c = if ties == TrendTies::Break {
        m
    } else {
        counted.len()
    };
    if c < len {
        return;
    }
    let mut in_trend = vec![false; c];
    let mut run = 1usize; // points in the current monotone run ending at j
    let mut dir = 0i8;
    for j in 1..c {
        let d = sign(ys[at(j)] - ys[at(j - 1)]);
        if d != 0 && d == dir {
            run += 1;
        } else {
            run = if d != 0 { 2 } else { 1 };
            dir = d;
        }
        if run >= len {
            for t in in_trend[j + 1 - len..=j].iter_mut() {
                *t = true;
            }
        }
    }
    for j in 0..c {
        if !in_trend[j] {
            continue;
        }
        let step = if j + 1 < c && in_trend[j + 1] {
            ys[at(j + 1)] - ys[at(j)]
        } else if j > 0 {
            ys[at(j)] - ys[at(j - 1)]
        } else {
            0.0
        };
        out[at(j)] = if step > 0.0 { 1 } else { -1 };
    }
}

/// Trend as the Power BI SPC visual finds it: at each point, the signs of the last
/// `len − 1` steps (clipped at the start of the phase) are summed; when the sum is ±(len − 1)
/// the point and the `len − 1` before it are labelled with that direction, later windows over
/// earlier ones. A point that ends one trend and starts another therefore keeps the direction
/// of the first unless a window of the second contains it: in `1,2,3,4,5,5,6,7,8,9` (len 5)
/// the first 5 reads increasing. An unchanged step adds 0 and so breaks a trend.
pub(crate) fn trend_windows(ys: &[f64], len: usize, out: &mut [i8]) {
    let m = ys.len();
    if len < 2 || m < len {
        return;
    }
    let need = (len - 1) as i64;
    let steps: Vec<i64> = (0..m)
        .map(|k| {
            if k == 0 {
                0
            } else {
                i64::from(sign(ys[k] - ys[k - 1]))
            }
        })
        .collect();
    for k in 0..m {
        let from = (k + 2).saturating_sub(len);
        let sum: i64 = steps[from..=k].iter().sum();
        if sum.abs() >= need {
            let d = if sum > 0 { 1 } else { -1 };
            for o in out[(k + 1).saturating_sub(len)..=k].iter_mut() {
                *o = d;
            }
        }
    }
}

/// Two out of three consecutive points beyond a 2σ line on the same side. Only the points
/// beyond 2σ are flagged, with their side.
///
/// With `two_in_three_opposite_cancels` (Power BI), each window ending at a point (clipped at
/// the start of the phase) sums +1 for a point beyond the upper 2σ line and −1 for one beyond
/// the lower: it signals when the sum is ±2 or ±3, so a point beyond 2σ on the other side
/// cancels one.
fn two_in_three_rule(
    idx: &[usize],
    ys: &[f64],
    points: &[PointResult],
    side: &[i8],
    rules: &Rules,
    out: &mut [i8],
) {
    let m = idx.len();
    if rules.two_in_three == TwoInThree::Off || m < 3 {
        return;
    }
    // close[k]: +1 beyond the upper 2σ line, −1 beyond the lower, 0 otherwise.
    let close: Vec<i8> = idx
        .iter()
        .zip(ys)
        .map(|(&i, &y)| {
            let l = points[i].lines;
            let above = l.upper_2sigma.is_some_and(|u| y > u);
            let below = l.lower_2sigma.is_some_and(|u| y < u);
            let beyond3 = l.ucl.is_some_and(|u| y > u) || l.lcl.is_some_and(|u| y < u);
            if rules.two_in_three == TwoInThree::Between2And3Sigma && beyond3 {
                0
            } else if above {
                1
            } else if below {
                -1
            } else {
                0
            }
        })
        .collect();
    if rules.two_in_three_opposite_cancels {
        for k in 0..m {
            let w = k.saturating_sub(2)..k + 1;
            let sum: i32 = close[w.clone()].iter().map(|&c| i32::from(c)).sum();
            if sum.abs() < 2 {
                continue;
            }
            let s = if sum > 0 { 1 } else { -1 };
            if rules.two_in_three_same_side && !side[w.clone()].iter().all(|&sd| sd == s) {
                continue;
            }
            for j in w {
                if close[j] == s {
                    out[j] = s;
                }
            }
        }
        return;
    }
    for k in 0..m - 2 {
        let w = k..k + 3;
        for s in [1i8, -1] {
            let hits = close[w.clone()].iter().filter(|&&c| c == s).count();
            if hits < 2 {
                continue;
            }
            if rules.two_in_three_same_side && !side[w.clone()].iter().all(|&sd| sd == s) {
                continue;
            }
            for j in w.clone() {
                if close[j] == s {
                    out[j] = s;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_break_and_skip() {
        let side = [1, 1, 1, 0, 1, 1, 1, -1];
        let mut out = [0i8; 8];
        shift_rule(&side, 6, OnCentre::Break, &mut out);
        assert_eq!(out, [0; 8]);
        shift_rule(&side, 6, OnCentre::Skip, &mut out);
        assert_eq!(out, [1, 1, 1, 0, 1, 1, 1, 0]);
    }

    /// Issue 10: in `1,2,3,4,5,5,6,7,8,9` (trend of 5) the Power BI visual reads the first 5
    /// as increasing (its window is the first trend's); NHSRplotthedots reads it by the
    /// unchanged step to the next point, as decreasing.
    #[test]
    fn trend_end_reads_by_window_or_by_next_step() {
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let mut out = [0i8; 10];
        trend_windows(&ys, 5, &mut out);
        assert_eq!(out, [1; 10]);
        let mut out = [0i8; 10];
        trend_rule(&ys, 5, TrendTies::Break, &mut out);
        assert_eq!(out, [1, 1, 1, 1, -1, 1, 1, 1, 1, 1]);
        // A peak belongs to both trends; the later window labels it, as the next step does.
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        let mut a = [0i8; 9];
        trend_windows(&ys, 5, &mut a);
        let mut b = [0i8; 9];
        trend_rule(&ys, 5, TrendTies::Break, &mut b);
        assert_eq!(a, [1, 1, 1, 1, -1, -1, -1, -1, -1]);
        assert_eq!(a, b);
        // Four steps up are not a trend of 6.
        let mut out = [0i8; 9];
        trend_windows(&ys, 6, &mut out);
        assert_eq!(out, [0; 9]);
    }

    #[test]
    fn trend_ties_break_or_skip() {
        // PTD test: 1,2,3,3,4,5,6 is not a 7-point trend.
        let ys = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = [0i8; 7];
        trend_rule(&ys, 7, TrendTies::Break, &mut out);
        assert_eq!(out, [0; 7]);
        // Skipping the tie: 1,2,3,4,5,6 is a 6-point trend; the repeated 3 is not flagged.
        trend_rule(&ys, 6, TrendTies::Skip, &mut out);
        assert_eq!(out, [1, 1, 1, 0, 1, 1, 1]);
    }
}
