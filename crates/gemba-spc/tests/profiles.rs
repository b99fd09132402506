//! The rule profiles where the references disagree: `powerbi` against the Power BI SPC visual
//! (AUS-DOH-Safety-and-Quality/PowerBI-SPC 1.7.4.28, `src/Outlier Flagging/*.ts`), `mdc`
//! against NHSRplotthedots 0.2.2, `qic` against qicharts2 0.8.1. Expected values are worked by
//! hand from each tool's published rule, in the comments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use gemba_spc::{
    analyse, ChartOptions, ChartResult, ChartType, Data, MissingValues, PointVariation, Rules,
    TrendDirection,
};

const TOL: f64 = 1e-9;

fn close(actual: Option<f64>, expected: f64, what: &str) {
    let a = actual.unwrap_or_else(|| panic!("{what}: expected {expected}, got None"));
    assert!(
        (a - expected).abs() <= TOL * expected.abs().max(1.0),
        "{what}: expected {expected}, got {a}"
    );
}

fn chart(chart: ChartType, y: &[Option<f64>], rules: Rules) -> ChartResult {
    let mut o = ChartOptions::new(chart);
    o.rules = rules;
    analyse(Data::Values(y), &o).expect("valid data")
}

fn some(y: &[f64]) -> Vec<Option<f64>> {
    y.iter().copied().map(Some).collect()
}

/// Issue 10: in the visual a point beyond 2σ on the other side of the centre cancels one in
/// the window. p chart 324/567, 501/1370, 483/1324: p̄ = 1308/3261 = 0.40110; point 1
/// (0.5714) is above the upper 2σ line (0.4423), points 2 (0.3657) and 3 (0.3648) below the
/// lower ones (0.3746, 0.3742). Signs +1, −1, −1: every window sums to less than 2 in size, so
/// the visual shows common cause; counting same-side points only flagged 2 and 3 as concern.
#[test]
fn powerbi_two_in_three_opposite_points_cancel() {
    let nums = some(&[324.0, 501.0, 483.0]);
    let dens = some(&[567.0, 1370.0, 1324.0]);
    let run = |rules: Rules| {
        let mut o = ChartOptions::new(ChartType::P);
        o.rules = rules;
        analyse(
            Data::Ratios {
                numerators: &nums,
                denominators: &dens,
            },
            &o,
        )
        .unwrap()
    };
    let r = run(Rules::POWERBI);
    let l = r.points[1].lines;
    let p_bar = 1308.0 / 3261.0;
    close(l.centre, p_bar, "p̄");
    close(
        l.lower_2sigma,
        p_bar - 2.0 * (p_bar * (1.0 - p_bar) / 1370.0).sqrt(),
        "lower 2σ of point 2",
    );
    assert!(r.points[0].special_cause.outside_limits);
    for k in [1, 2] {
        assert!(!r.points[k].special_cause.two_in_three, "point {}", k + 1);
        assert_eq!(r.points[k].variation, PointVariation::CommonCause);
    }
    // Counting same-side points only (the old reading) flags them.
    let r = run(Rules {
        two_in_three_opposite_cancels: false,
        ..Rules::POWERBI
    });
    assert!(r.points[1].special_cause.two_in_three);
    assert!(r.points[2].special_cause.two_in_three);
    assert_eq!(r.points[2].variation, PointVariation::SpecialCauseConcern);
}

/// The visual's windows at the start of a phase are shorter: +1, +1, −1 signals at the second
/// point (the window of points 1–2 sums to 2), so points 1 and 2 are flagged.
#[test]
fn powerbi_two_in_three_counts_windows_from_the_first_point() {
    // Mean 0 and σ known: an XmR chart whose later points fix the limits.
    let mut y = vec![3.0, 3.0, -3.0];
    y.extend([0.5, -0.5].repeat(10));
    let r = chart(ChartType::Xmr, &some(&y), Rules::POWERBI);
    let l = r.points[0].lines;
    assert!(y[0] > l.upper_2sigma.unwrap() && y[2] < l.lower_2sigma.unwrap());
    assert!(r.points[0].special_cause.two_in_three);
    assert!(r.points[1].special_cause.two_in_three);
    assert!(!r.points[2].special_cause.two_in_three);
}

/// Issue 10: `1,2,3,4,5,5,6,7,8,9`, increase is better, trend of 5. The visual labels each
/// trend window with its direction, so the 5th point, which ends the first trend, reads
/// improvement; NHSRplotthedots' rule reads it by the unchanged step to the next point, as
/// concern.
#[test]
fn powerbi_trend_end_takes_its_windows_direction() {
    let y = some(&[1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let r = chart(ChartType::Xmr, &y, Rules::POWERBI);
    assert!(r.points[4].special_cause.trend);
    assert!(!r.points[4].special_cause.outside_limits && !r.points[4].special_cause.two_in_three);
    assert_eq!(
        r.points[4].variation,
        PointVariation::SpecialCauseImprovement
    );
    let r = chart(
        ChartType::Xmr,
        &y,
        Rules {
            trend_direction: TrendDirection::StepToNext,
            ..Rules::POWERBI
        },
    );
    assert_eq!(r.points[4].variation, PointVariation::SpecialCauseConcern);
}

/// Issue 10: the visual drops a blank row and takes the moving range across the gap.
/// `1,2,NA,4,5,3`: mean 3; moving ranges 1, 2, 1, 2 → MR̄ 1.5 and UCL 3 + 3/1.128 × 1.5 =
/// 6.98936; breaking at the gap (NHSRplotthedots) leaves 1, 1, 2 → MR̄ 4/3 and UCL 6.54610.
#[test]
fn powerbi_moving_ranges_bridge_missing_values() {
    let y = [Some(1.0), Some(2.0), None, Some(4.0), Some(5.0), Some(3.0)];
    let r = chart(ChartType::Xmr, &y, Rules::POWERBI);
    close(
        r.points[0].lines.ucl,
        3.0 + 3.0 / 1.128 * 1.5,
        "UCL (visual)",
    );
    close(r.points[0].lines.ucl, 6.989_361_702_127_66, "UCL (visual)");
    let gap = Rules {
        missing_values: MissingValues::Gap,
        ..Rules::POWERBI
    };
    let r = chart(ChartType::Xmr, &y, gap);
    close(
        r.points[0].lines.ucl,
        3.0 + 3.0 / 1.128 * 4.0 / 3.0,
        "UCL (gap)",
    );
    close(r.points[0].lines.ucl, 6.546_099_290_780_14, "UCL (gap)");
    let r = chart(ChartType::Xmr, &y, Rules::MDC);
    close(r.points[0].lines.ucl, 3.0 + 2.66 * 4.0 / 3.0, "UCL (mdc)");

    // The MR chart plots the range across the gap too: |4 − 2| at the 4th point.
    let r = chart(ChartType::Mr, &y, Rules::POWERBI);
    let mr: Vec<Option<f64>> = r.points.iter().map(|p| p.y).collect();
    assert_eq!(mr, [None, Some(1.0), None, Some(2.0), Some(1.0), Some(2.0)]);
    close(r.points[0].lines.centre, 1.5, "MR̄");
    let r = chart(ChartType::Mr, &y, Rules::MDC);
    let mr: Vec<Option<f64>> = r.points.iter().map(|p| p.y).collect();
    assert_eq!(mr, [None, Some(1.0), None, None, Some(1.0), Some(2.0)]);
}

/// `qic` reproduces qicharts2's I chart: 3/1.128 (not MDC's 2.66) with screened moving
/// ranges, and only points beyond 3σ signal. §7.1.1's series: mean 11.75, MR̄ 16/11.
#[test]
fn qic_profile_uses_the_exact_constant_and_flags_only_points_beyond_the_limits() {
    let basic = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.];
    let r = chart(
        ChartType::Xmr,
        &some(&basic),
        Rules::profile("qic").unwrap(),
    );
    close(
        r.points[0].lines.ucl,
        11.75 + 3.0 / 1.128 * 16.0 / 11.0,
        "UCL",
    );
    assert_ne!(
        r.points[0].lines.ucl,
        chart(ChartType::Xmr, &some(&basic), Rules::MDC).points[0]
            .lines
            .ucl
    );
    // Seven points above the mean are a shift under MDC, nothing under qicharts2's rules.
    let mut y = vec![10.0; 8];
    y.extend([11.0, 11.5, 11.0, 11.5, 11.0, 11.5, 11.0]);
    y.extend([9.0, 10.5, 9.5, 10.0]);
    let mdc = chart(ChartType::Xmr, &some(&y), Rules::MDC);
    assert!(mdc.points.iter().any(|p| p.special_cause.shift));
    let qic = chart(ChartType::Xmr, &some(&y), Rules::QIC);
    assert!(qic.points.iter().all(|p| !p.special_cause.shift
        && !p.special_cause.trend
        && !p.special_cause.two_in_three));
    assert!(
        qic.runs.is_some(),
        "qicharts2 judges runs with the Anhøj rules"
    );
    assert_eq!(Rules::PROFILE_NAMES, ["mdc", "powerbi", "qic"]);
    for name in Rules::PROFILE_NAMES {
        assert_eq!(Rules::profile(name).unwrap().profile, name);
    }
}

/// Issue 10: a t chart of constant input printed 32.000000000000014 for 32. Points are
/// plotted as entered, and a constant series lies exactly on its lines.
#[test]
fn t_chart_values_round_trip_exactly() {
    let r = chart(ChartType::T, &some(&[32.0; 15]), Rules::MDC);
    for p in &r.points {
        assert_eq!(p.y, Some(32.0));
        assert_eq!(p.lines.centre, Some(32.0));
        assert_eq!(p.lines.ucl, Some(32.0));
        assert_eq!(p.variation, PointVariation::CommonCause);
    }
    // Not constant: lines are back-transformed from y^(1/3.6), points stay as entered.
    let y = [3.0, 40.0, 12.5, 7.0, 21.0];
    let r = chart(ChartType::T, &some(&y), Rules::MDC);
    for (p, v) in r.points.iter().zip(y) {
        assert_eq!(p.y, Some(v));
    }
    let x: Vec<f64> = y.iter().map(|v| v.powf(1.0 / 3.6)).collect();
    let x_bar = x.iter().sum::<f64>() / 5.0;
    close(r.points[0].lines.centre, x_bar.powf(3.6), "centre");
}
