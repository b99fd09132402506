//! XmR charts read with the NHS *Making Data Count* rules: the hand-worked examples of
//! `shared/spc/REFERENCE.md` §7.1 (checked there against NHSRplotthedots 0.2.2, commit
//! 050b07d7), every rule at its threshold and one short of it, and the icons.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use gemba_spc::{
    analyse, AssuranceIcon, ChartOptions, ChartResult, ChartType, Data, Improvement,
    PointVariation, Rules, TwoInThree, VariationIcon, Warning,
};

const TOL: f64 = 1e-9;

fn close(actual: Option<f64>, expected: f64, what: &str) {
    let a = actual.unwrap_or_else(|| panic!("{what}: expected {expected}, got None"));
    let scale = expected.abs().max(1.0);
    assert!(
        (a - expected).abs() <= TOL * scale,
        "{what}: expected {expected}, got {a}"
    );
}

fn xmr(y: &[f64], f: impl FnOnce(&mut ChartOptions)) -> ChartResult {
    let values: Vec<Option<f64>> = y.iter().copied().map(Some).collect();
    let mut o = ChartOptions::new(ChartType::Xmr);
    f(&mut o);
    analyse(Data::Values(&values), &o).expect("valid data")
}

fn variations(r: &ChartResult) -> Vec<PointVariation> {
    r.points.iter().map(|p| p.variation).collect()
}

/// Points (1-based) whose reading is `v`.
fn flagged(r: &ChartResult, v: PointVariation) -> Vec<usize> {
    r.points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.variation == v)
        .map(|(i, _)| i + 1)
        .collect()
}

const BASIC: [f64; 12] = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.];

#[test]
fn basic_series_limits_and_no_signals() {
    // §7.1.1: mean 141/12, MR̄ = 16/11, UPL = 11.75 + 2.66·16/11.
    let r = xmr(&BASIC, |_| {});
    let l = r.points[0].lines;
    close(l.centre, 11.75, "mean");
    close(l.ucl, 11.75 + 2.66 * 16.0 / 11.0, "UPL");
    close(l.lcl, 11.75 - 2.66 * 16.0 / 11.0, "LPL");
    close(
        l.upper_2sigma,
        11.75 + 2.0 * 2.66 / 3.0 * 16.0 / 11.0,
        "NUPL",
    );
    close(
        l.lower_2sigma,
        11.75 - 2.0 * 2.66 / 3.0 * 16.0 / 11.0,
        "NLPL",
    );
    // REFERENCE prints UPL 15.619091, LPL 7.880909, NUPL 14.329394, NLPL 9.170606.
    assert!((l.ucl.unwrap() - 15.619091).abs() < 5e-7);
    assert!((l.lcl.unwrap() - 7.880909).abs() < 5e-7);
    assert!((l.upper_2sigma.unwrap() - 14.329394).abs() < 5e-7);
    assert!((l.lower_2sigma.unwrap() - 9.170606).abs() < 5e-7);
    close(l.upper_1sigma, 11.75 + 2.66 / 3.0 * 16.0 / 11.0, "1σ");
    assert!(variations(&r)
        .iter()
        .all(|v| *v == PointVariation::CommonCause));
    assert_eq!(r.variation_icon, Some(VariationIcon::CommonCause));
    assert_eq!(r.assurance_icon, None);
    // Anhøj around the mean: 12 useful, longest 4 (limit 7), crossings 7 (limit 3).
    let runs = r.runs.expect("runs analysis");
    assert_eq!(
        (runs.useful_points, runs.longest_run, runs.crossings),
        (12, 4, 7)
    );
    assert_eq!((runs.longest_run_limit, runs.crossings_limit), (7, 3));
    assert!(!runs.signal);
}

#[test]
fn qicharts2_constant_gives_slightly_narrower_limits() {
    // §7.1.1 with 3/1.128: UCL = 11.75 + 3.868472.
    let r = xmr(&BASIC, |o| o.rules = Rules::POWERBI);
    close(
        r.points[0].lines.ucl,
        11.75 + 3.0 / 1.128 * 16.0 / 11.0,
        "UCL 3/1.128",
    );
    assert!((r.points[0].lines.ucl.unwrap() - 15.618472).abs() < 5e-7);
}

const SCREEN: [f64; 18] = [
    1., 2., 1., 2., 10., 1., 2., 1., 2., 1., 2., 1., 2., 1., 2., 1., 2., 1.,
];

#[test]
fn moving_range_screening_published_example() {
    // §7.1.2 (NHSRplotthedots vignette "deviations": UPL 4.6, mean 1.94, LPL −0.72).
    let r = xmr(&SCREEN, |_| {});
    let l = r.points[0].lines;
    close(l.centre, 35.0 / 18.0, "mean");
    close(l.ucl, 35.0 / 18.0 + 2.66, "screened UPL");
    close(l.lcl, 35.0 / 18.0 - 2.66, "screened LPL (not truncated)");
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        vec![5]
    );
    // Unscreened (MDC Excel tools): UPL 6.95, LPL −3.06.
    let r = xmr(&SCREEN, |o| o.rules.screen_moving_ranges = false);
    let l = r.points[0].lines;
    close(l.ucl, 35.0 / 18.0 + 2.66 * 32.0 / 17.0, "unscreened UPL");
    close(l.lcl, 35.0 / 18.0 - 2.66 * 32.0 / 17.0, "unscreened LPL");
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        vec![5]
    );
}

#[test]
fn a_large_moving_range_is_screened_out() {
    // MRs [0, 0, 0, 4]: MR̄₀ = 1, cut = 3.267 < 4 → removed, MR̄ = 0, so the limits close
    // onto the mean 5.8.
    let r = xmr(&[5., 5., 5., 5., 9.], |_| {});
    close(
        r.points[0].lines.ucl,
        5.8,
        "all remaining MRs are 0 → UPL = mean",
    );
    close(r.points[0].lines.lcl, 5.8, "LPL = mean");
}

const SHIFT: [f64; 15] = [
    10., 8., 10., 8., 10., 8., 11., 12., 11., 12., 11., 12., 11., 8., 10.,
];

#[test]
fn shift_of_seven_in_every_direction() {
    // §7.1.3: points 7–13 above the mean 10.1333.
    let r = xmr(&SHIFT, |_| {});
    close(r.points[0].lines.centre, 152.0 / 15.0, "mean");
    close(
        r.points[0].lines.ucl,
        152.0 / 15.0 + 2.66 * 24.0 / 14.0,
        "UPL",
    );
    let expected: Vec<usize> = (7..=13).collect();
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        expected
    );
    assert!(r.points[6].special_cause.shift);
    assert_eq!(r.variation_icon, Some(VariationIcon::CommonCause));

    let r = xmr(&SHIFT, |o| o.improvement = Improvement::Decrease);
    assert_eq!(flagged(&r, PointVariation::SpecialCauseConcern), expected);
    let r = xmr(&SHIFT, |o| o.improvement = Improvement::Neutral);
    assert_eq!(flagged(&r, PointVariation::SpecialCauseNeither), expected);
}

#[test]
fn shift_of_six_is_not_a_shift_but_is_with_shift_length_six() {
    // Points 7–12 above (six), then back below.
    let y = [
        10., 8., 10., 8., 10., 8., 11., 12., 11., 12., 11., 12., 8., 8., 10.,
    ];
    let r = xmr(&y, |_| {});
    assert!(r.points.iter().all(|p| !p.special_cause.shift));
    let r = xmr(&y, |o| o.rules.shift_length = 6);
    let shifted: Vec<usize> = (0..15)
        .filter(|&i| r.points[i].special_cause.shift)
        .collect();
    assert_eq!(shifted, vec![6, 7, 8, 9, 10, 11]);
}

#[test]
fn shift_with_fixed_baseline() {
    // §7.1.3 with fix_after_n_points = 12: mean 10.25, MR̄ 18/11.
    let r = xmr(&SHIFT, |o| o.fix_after = Some(12));
    let l = r.points[14].lines;
    close(l.centre, 10.25, "baseline mean");
    close(l.ucl, 10.25 + 2.66 * 18.0 / 11.0, "baseline UPL");
    close(l.lcl, 10.25 - 2.66 * 18.0 / 11.0, "baseline LPL");
    let expected: Vec<usize> = (7..=13).collect();
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        expected
    );
}

#[test]
fn a_point_on_the_mean_breaks_a_shift() {
    // §7.1.4: mean exactly 10; point 10 on it.
    let y = [
        10., 8., 10., 8., 10., 8., 11., 12., 11., 10., 11., 12., 11., 8., 10.,
    ];
    let r = xmr(&y, |_| {});
    close(r.points[0].lines.centre, 10.0, "mean");
    assert!(variations(&r)
        .iter()
        .all(|v| *v == PointVariation::CommonCause));
    // Skipping points on the centre line (IHI convention) joins the two halves: 6 counted.
    let r = xmr(&y, |o| {
        o.rules.on_centre = gemba_spc::OnCentre::Skip;
        o.rules.shift_length = 6;
    });
    let shifted: Vec<usize> = (0..15)
        .filter(|&i| r.points[i].special_cause.shift)
        .map(|i| i + 1)
        .collect();
    assert_eq!(shifted, vec![7, 8, 9, 11, 12, 13]);
}

#[test]
fn trend_of_seven_crossing_the_mean() {
    // §7.1.5 (a): points 4–10 increase.
    let y = [6., 8., 7., 5., 6., 7., 8., 9., 10., 11., 8., 7.];
    let r = xmr(&y, |_| {});
    close(r.points[0].lines.centre, 92.0 / 12.0, "mean");
    close(
        r.points[0].lines.ucl,
        92.0 / 12.0 + 2.66 * 15.0 / 11.0,
        "UPL",
    );
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        (4..=10).collect::<Vec<_>>()
    );
}

#[test]
fn trend_of_six_or_with_a_tie_is_not_a_trend() {
    // §7.1.5 (b): the repeated 7 breaks the trend.
    let y = [6., 8., 7., 5., 6., 7., 7., 8., 9., 10., 8., 7.];
    let r = xmr(&y, |_| {});
    assert!(r.points.iter().all(|p| !p.special_cause.trend));
    // Six increasing points (5..10): trend only with trend_length 6.
    let y = [6., 8., 7., 5., 6., 7., 8., 9., 10., 8., 7., 8.];
    assert!(xmr(&y, |_| {})
        .points
        .iter()
        .all(|p| !p.special_cause.trend));
    let r = xmr(&y, |o| o.rules.trend_length = 6);
    let t: Vec<usize> = (0..12)
        .filter(|&i| r.points[i].special_cause.trend)
        .map(|i| i + 1)
        .collect();
    assert_eq!(t, vec![4, 5, 6, 7, 8, 9]);
}

#[test]
fn peak_shared_by_two_trends_reads_as_decreasing() {
    // §7.1.5 (c), 23 points.
    let y = [
        4., 6., 4., 6., 4., 6., 2., 3., 4., 5., 6., 7., 8., 7., 6., 5., 4., 3., 2., 4., 6., 4., 6.,
    ];
    let r = xmr(&y, |_| {});
    close(r.points[0].lines.centre, 112.0 / 23.0, "mean");
    close(
        r.points[0].lines.ucl,
        112.0 / 23.0 + 2.66 * 34.0 / 22.0,
        "UPL",
    );
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        (7..=12).collect::<Vec<_>>()
    );
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseConcern),
        (13..=19).collect::<Vec<_>>()
    );
}

fn baseline_plus(tail: [f64; 5]) -> Vec<f64> {
    let mut y: Vec<f64> = (0..20)
        .map(|i| if i % 2 == 0 { 10. } else { 12. })
        .collect();
    y.extend(tail);
    y
}

#[test]
fn two_in_three_beyond_two_sigma() {
    // §7.1.6 (a): points 21 and 23 flagged, 22 not.
    let r = xmr(&baseline_plus([16., 12., 16., 12., 10.]), |_| {});
    close(r.points[0].lines.centre, 11.44, "mean");
    close(
        r.points[0].lines.upper_2sigma,
        11.44 + 2.0 * 2.66 / 3.0 * 56.0 / 24.0,
        "NUPL",
    );
    let two: Vec<usize> = (0..25)
        .filter(|&i| r.points[i].special_cause.two_in_three)
        .map(|i| i + 1)
        .collect();
    assert_eq!(two, vec![21, 23]);
    assert_eq!(
        flagged(&r, PointVariation::SpecialCauseImprovement),
        vec![21, 23]
    );
}

#[test]
fn two_in_three_needs_all_three_on_one_side() {
    // §7.1.6 (b): the middle point is below the mean → nothing.
    let r = xmr(&baseline_plus([16., 11., 16., 12., 10.]), |_| {});
    close(r.points[0].lines.centre, 11.4, "mean");
    assert!(variations(&r)
        .iter()
        .all(|v| *v == PointVariation::CommonCause));
    // Power BI does not require the third point on the same side.
    let r = xmr(&baseline_plus([16., 11., 16., 12., 10.]), |o| {
        o.rules.two_in_three_same_side = false
    });
    assert!(r.points[20].special_cause.two_in_three && r.points[22].special_cause.two_in_three);
}

#[test]
fn two_in_three_band_option() {
    // §7.1.6 (c): point 23 is beyond 3σ. PTD: only it flagged (outside); MDC 2023: 21 too.
    let y = baseline_plus([17., 12., 19., 12., 10.]);
    let r = xmr(&y, |_| {});
    close(r.points[0].lines.ucl, 11.6 + 2.66 * 64.0 / 24.0, "UPL");
    assert!(r.points[22].special_cause.outside_limits);
    assert_eq!(r.points[20].variation, PointVariation::CommonCause);
    let r = xmr(&y, |o| o.rules.two_in_three = TwoInThree::Beyond2Sigma);
    assert!(r.points[20].special_cause.two_in_three);
    assert_eq!(
        r.points[20].variation,
        PointVariation::SpecialCauseImprovement
    );
}

#[test]
fn point_exactly_on_a_limit_is_not_outside() {
    // y = [0, 2, 0, 2, …] has mean 1 and MR̄ 2; a point at 1 + 2.66·2 equals the UPL... the
    // new point changes the mean, so fix the baseline on the first 12 points instead.
    let mut y: Vec<f64> = (0..12).map(|i| if i % 2 == 0 { 0. } else { 2. }).collect();
    let upl = 1.0 + 2.66 * 2.0;
    y.push(upl);
    let r = xmr(&y, |o| o.fix_after = Some(12));
    assert_eq!(r.points[12].lines.ucl, Some(upl));
    assert!(!r.points[12].special_cause.outside_limits);
    y[12] = upl + 1e-9;
    let r = xmr(&y, |o| o.fix_after = Some(12));
    assert!(r.points[12].special_cause.outside_limits);
    assert_eq!(r.variation_icon, Some(VariationIcon::ImprovementHigh));
    let r = xmr(&y, |o| {
        o.fix_after = Some(12);
        o.improvement = Improvement::Decrease
    });
    assert_eq!(r.variation_icon, Some(VariationIcon::ConcernHigh));
}

#[test]
fn variation_icon_low_side() {
    let mut y: Vec<f64> = (0..12).map(|i| if i % 2 == 0 { 0. } else { 2. }).collect();
    y.push(-6.0);
    let inc = xmr(&y, |o| o.fix_after = Some(12));
    assert_eq!(inc.variation_icon, Some(VariationIcon::ConcernLow));
    let dec = xmr(&y, |o| {
        o.fix_after = Some(12);
        o.improvement = Improvement::Decrease
    });
    assert_eq!(dec.variation_icon, Some(VariationIcon::ImprovementLow));
    let neu = xmr(&y, |o| {
        o.fix_after = Some(12);
        o.improvement = Improvement::Neutral
    });
    assert_eq!(neu.variation_icon, Some(VariationIcon::NeitherLow));
}

#[test]
fn assurance_table() {
    // §7.1.7: limits of §7.1.1 (LPL 7.880909, UPL 15.619091).
    use AssuranceIcon::*;
    let upl = xmr(&BASIC, |_| {}).points[0].lines.ucl.unwrap();
    let cases = [
        (16.0, Some(Fail), Some(Pass)),
        (7.0, Some(Pass), Some(Fail)),
        (12.0, Some(HitAndMiss), Some(HitAndMiss)),
        (upl, Some(HitAndMiss), Some(HitAndMiss)),
    ];
    for (target, inc, dec) in cases {
        let a = |imp| {
            xmr(&BASIC, |o| {
                o.target = Some(target);
                o.improvement = imp
            })
            .assurance_icon
        };
        assert_eq!(a(Improvement::Increase), inc, "target {target}, increase");
        assert_eq!(a(Improvement::Decrease), dec, "target {target}, decrease");
        assert_eq!(a(Improvement::Neutral), None, "target {target}, neutral");
    }
}

#[test]
fn rebase_recomputes_limits_per_phase_and_rules_stay_inside() {
    // Two phases: [0,2]×6 (mean 1, MR̄ 2) then [10,12]×6 (mean 11, MR̄ 2).
    let mut y: Vec<f64> = (0..12).map(|i| if i % 2 == 0 { 0. } else { 2. }).collect();
    y.extend((0..12).map(|i| if i % 2 == 0 { 10. } else { 12. }));
    let r = xmr(&y, |o| o.phase_starts = vec![12]);
    close(r.points[0].lines.centre, 1.0, "phase 1 mean");
    close(r.points[0].lines.ucl, 1.0 + 2.66 * 2.0, "phase 1 UPL");
    close(r.points[12].lines.centre, 11.0, "phase 2 mean");
    close(r.points[23].lines.ucl, 11.0 + 2.66 * 2.0, "phase 2 UPL");
    assert_eq!(r.points[11].phase, 1);
    assert_eq!(r.points[12].phase, 2);
    assert!(r.points.iter().all(|p| !p.special_cause.any()));
    // Without the rebase the step is a shift.
    let r = xmr(&y, |_| {});
    assert!(r.points[12..].iter().all(|p| p.special_cause.shift));
}

#[test]
fn excluded_points_are_plotted_but_left_out_of_the_limits() {
    let mut y = BASIC.to_vec();
    y.push(40.0);
    let r = xmr(&y, |o| o.excluded = vec![12]);
    close(
        r.points[0].lines.centre,
        11.75,
        "mean without the excluded point",
    );
    assert!(r.points[12].excluded);
    assert!(r.points[12].special_cause.outside_limits);
    assert_eq!(r.runs.expect("runs").useful_points, 12);
}

#[test]
fn short_series_and_degenerate_inputs_never_panic_or_give_nan() {
    let one = xmr(&[5.0], |_| {});
    assert_eq!(one.points[0].lines.centre, Some(5.0));
    assert_eq!(one.points[0].lines.ucl, None);
    assert!(one
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::ShortPhase { .. })));
    let two = xmr(&[5.0, 7.0], |_| {});
    close(two.points[0].lines.ucl, 6.0 + 2.66 * 2.0, "two points");
    let flat = xmr(&[3.0; 20], |o| o.target = Some(3.0));
    assert_eq!(flat.points[0].lines.ucl, Some(3.0));
    assert!(flat.points.iter().all(|p| !p.special_cause.any()));
    assert!(flat
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::ConstantPhase { phase: 1 })));
    assert_eq!(flat.assurance_icon, Some(AssuranceIcon::HitAndMiss));
    let empty = analyse(Data::Values(&[]), &ChartOptions::default()).expect("empty is fine");
    assert!(empty.points.is_empty());
    assert_eq!(empty.variation_icon, None);
}

#[test]
fn missing_values_are_gaps_and_do_not_bridge_moving_ranges() {
    // [10, NA, 12, 11, 13]: MRs 1 and 2 only (10–NA and NA–12 are not taken).
    let v = [Some(10.0), None, Some(12.0), Some(11.0), Some(13.0)];
    let r = analyse(Data::Values(&v), &ChartOptions::new(ChartType::Xmr)).expect("ok");
    close(r.points[0].lines.centre, 11.5, "mean of 4 values");
    close(r.points[0].lines.ucl, 11.5 + 2.66 * 1.5, "MR̄ = 1.5");
    assert_eq!(r.points[1].y, None);
    assert_eq!(r.points[1].variation, PointVariation::CommonCause);
    assert!(r
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::MissingValues { count: 1 })));
}

#[test]
fn non_finite_input_is_an_error_naming_the_point() {
    let v = [Some(1.0), Some(f64::NAN)];
    let e = analyse(Data::Values(&v), &ChartOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "value at point 2 is not a finite number");
}

#[test]
fn run_chart_worked_example() {
    // §7.2: median 9, 16 useful, longest run 7, 3 crossings → signal by crossings.
    let y = [
        8., 6., 9., 7., 8., 5., 7., 8., 10., 11., 9., 12., 9., 13., 9., 12., 14., 8., 15., 13.,
    ];
    let v: Vec<Option<f64>> = y.iter().copied().map(Some).collect();
    let r = analyse(Data::Values(&v), &ChartOptions::new(ChartType::Run)).expect("ok");
    assert_eq!(r.points[0].lines.centre, Some(9.0));
    assert_eq!(r.points[0].lines.ucl, None);
    let runs = r.runs.expect("runs");
    assert_eq!(
        (
            runs.useful_points,
            runs.longest_run,
            runs.longest_run_limit,
            runs.crossings,
            runs.crossings_limit,
            runs.signal
        ),
        (16, 7, 7, 3, 4, true)
    );
    assert!(r.points.iter().all(|p| !p.special_cause.any()));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // IHI rules: shift below on 1,2,4–8 and above on 9,10,12,14,16,17; trend up on 6–10.
    let mut o = ChartOptions::new(ChartType::Run);
    o.rules.run_chart_rules = gemba_spc::RunChartRules::Ihi;
    let r = analyse(Data::Values(&v), &o).expect("ok");
    let shift: Vec<usize> = (0..20)
        .filter(|&i| r.points[i].special_cause.shift)
        .map(|i| i + 1)
        .collect();
    assert_eq!(shift, vec![1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 17]);
    let trend: Vec<usize> = (0..20)
        .filter(|&i| r.points[i].special_cause.trend)
        .map(|i| i + 1)
        .collect();
    assert_eq!(trend, vec![6, 7, 8, 9, 10]);
}

/// Regression (review of issue 3): Σx/n of 0.1 × 20 is not 0.1, which put every point of a
/// constant series below its own mean and flagged a shift.
#[test]
fn a_constant_series_of_inexact_decimals_has_no_signals() {
    for chart in [
        ChartType::Xmr,
        ChartType::T,
        ChartType::C,
        ChartType::G,
        ChartType::Run,
    ] {
        for v in [0.1, 2.0, 0.7, 1e-7] {
            let y: Vec<Option<f64>> = vec![Some(v); 20];
            let r = analyse(Data::Values(&y), &ChartOptions::new(chart)).unwrap();
            assert!(
                r.points.iter().all(|p| !p.special_cause.any()),
                "{chart} of constant {v}: {:?}",
                r.points[0]
            );
            assert_eq!(
                r.points[0].lines.centre, r.points[0].y,
                "{chart} of constant {v}"
            );
        }
    }
}

#[test]
fn the_assurance_icon_reads_the_last_reported_point() {
    // p chart, 20 months at 10/100, then a month with nothing reported yet.
    let mut d: Vec<Option<f64>> = vec![Some(10.0); 20];
    let mut n: Vec<Option<f64>> = vec![Some(100.0); 20];
    d.push(None);
    n.push(None);
    let mut o = ChartOptions::new(ChartType::P);
    o.target = Some(0.5);
    let r = analyse(
        Data::Ratios {
            numerators: &d,
            denominators: &n,
        },
        &o,
    )
    .unwrap();
    // p̄ = 0.1, UCL = 0.1 + 3·√(0.09/100) = 0.19 < 0.5: the target is above the limits.
    assert_eq!(r.assurance_icon, Some(AssuranceIcon::Fail));
    assert_eq!(r.variation_icon, Some(VariationIcon::CommonCause));
}

#[test]
fn moving_ranges_do_not_cross_a_rebase() {
    // qicharts2 computes each part on its own: the first point of phase 2 has no moving range.
    let y = [1.0, 2.0, 3.0, 100.0, 101.0, 102.0].map(Some);
    let mut o = ChartOptions::new(ChartType::Mr);
    o.phase_starts = vec![3];
    let r = analyse(Data::Values(&y), &o).unwrap();
    let ys: Vec<Option<f64>> = r.points.iter().map(|p| p.y).collect();
    assert_eq!(ys, [None, Some(1.0), Some(1.0), None, Some(1.0), Some(1.0)]);
    assert_eq!(r.points[4].lines.centre, Some(1.0));
    assert!(r
        .warnings
        .iter()
        .all(|w| !matches!(w, Warning::MissingValues { .. })));
}

#[test]
fn run_charts_carry_no_mdc_icons_and_empty_runs_are_absent() {
    let y: Vec<Option<f64>> = (0..20).map(|i| Some(f64::from(i))).collect();
    let r = analyse(Data::Values(&y), &ChartOptions::new(ChartType::Run)).unwrap();
    assert_eq!(r.variation_icon, None);
    assert!(
        r.runs.expect("runs").signal,
        "20 rising points: one crossing"
    );
    let flat = analyse(
        Data::Values(&[Some(3.0); 15]),
        &ChartOptions::new(ChartType::Run),
    )
    .unwrap();
    assert_eq!(
        flat.runs, None,
        "every point on the median: nothing to analyse"
    );
}

#[test]
fn ratios_and_subgroups_that_overflow_are_errors_not_infinities() {
    let e = analyse(
        Data::Ratios {
            numerators: &[Some(1e300), Some(5.0)],
            denominators: &[Some(1e-10), Some(1.0)],
        },
        &ChartOptions::new(ChartType::U),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "numerator / denominator at point 1 is not a finite number"
    );
    let e = analyse(
        Data::Subgroups(&[vec![1e308, -1e308], vec![1.0, 2.0]]),
        &ChartOptions::new(ChartType::S),
    )
    .unwrap_err();
    assert!(e.to_string().contains("point 1"), "{e}");
}
