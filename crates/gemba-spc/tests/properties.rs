//! Invariants of the engine, checked on random series.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use gemba_spc::{
    analyse, ChartOptions, ChartResult, ChartType, Data, Improvement, Lines, PointVariation,
    VariationIcon,
};
use proptest::prelude::*;

fn chart(y: &[f64], o: &ChartOptions) -> ChartResult {
    let v: Vec<Option<f64>> = y.iter().copied().map(Some).collect();
    analyse(Data::Values(&v), o).expect("finite data")
}

fn lines_of(l: &Lines) -> [Option<f64>; 7] {
    [
        l.centre,
        l.lcl,
        l.ucl,
        l.lower_1sigma,
        l.upper_1sigma,
        l.lower_2sigma,
        l.upper_2sigma,
    ]
}

/// Series on a coarse grid so that ties and points on the mean happen often; the scale
/// factors are powers of two so that scaling is exact in binary and cannot move a point
/// across a line by rounding.
fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-20i32..20).prop_map(|k| f64::from(k) * 0.5), 1..60)
}

fn options() -> impl Strategy<Value = ChartOptions> {
    (
        prop_oneof![Just(ChartType::Xmr), Just(ChartType::Run)],
        prop_oneof![
            Just(Improvement::Increase),
            Just(Improvement::Decrease),
            Just(Improvement::Neutral)
        ],
        proptest::option::of(-10i32..10),
        proptest::option::of(2usize..20),
        proptest::bool::ANY,
    )
        .prop_map(|(c, imp, target, fix, powerbi)| {
            let mut o = ChartOptions::new(c);
            o.improvement = imp;
            o.target = target.map(f64::from);
            o.fix_after = fix;
            if powerbi {
                o.rules = gemba_spc::Rules::POWERBI;
            }
            o
        })
}

proptest! {
    #[test]
    fn output_never_holds_nan(y in series(), o in options()) {
        let r = chart(&y, &o);
        for p in &r.points {
            for v in lines_of(&p.lines).into_iter().flatten() {
                prop_assert!(v.is_finite());
            }
        }
    }

    #[test]
    fn shifting_the_data_shifts_the_limits(y in series(), o in options(), c in -8i32..8) {
        let c = f64::from(c) * 4.0;
        let a = chart(&y, &o);
        let shifted: Vec<f64> = y.iter().map(|v| v + c).collect();
        let mut o2 = o.clone();
        o2.target = o.target.map(|t| t + c);
        let b = chart(&shifted, &o2);
        for (p, q) in a.points.iter().zip(&b.points) {
            for (x, y) in lines_of(&p.lines).into_iter().zip(lines_of(&q.lines)) {
                match (x, y) {
                    (Some(x), Some(y)) => prop_assert!((x + c - y).abs() < 1e-9 * (1.0 + y.abs())),
                    (x, y) => prop_assert_eq!(x.is_some(), y.is_some()),
                }
            }
            prop_assert_eq!(p.special_cause, q.special_cause);
            prop_assert_eq!(p.variation, q.variation);
        }
        prop_assert_eq!(a.variation_icon, b.variation_icon);
        prop_assert_eq!(a.assurance_icon, b.assurance_icon);
        prop_assert_eq!(a.runs, b.runs);
    }

    #[test]
    fn scaling_the_data_scales_the_limits(y in series(), o in options(), k in prop_oneof![Just(0.25), Just(2.0), Just(8.0)]) {
        let a = chart(&y, &o);
        let scaled: Vec<f64> = y.iter().map(|v| v * k).collect();
        let mut o2 = o.clone();
        o2.target = o.target.map(|t| t * k);
        let b = chart(&scaled, &o2);
        for (p, q) in a.points.iter().zip(&b.points) {
            for (x, y) in lines_of(&p.lines).into_iter().zip(lines_of(&q.lines)) {
                if let (Some(x), Some(y)) = (x, y) {
                    prop_assert!((x * k - y).abs() < 1e-9 * (1.0 + y.abs()));
                }
            }
            prop_assert_eq!(p.special_cause, q.special_cause);
        }
        prop_assert_eq!(a.variation_icon, b.variation_icon);
    }

    #[test]
    fn reversing_direction_swaps_improvement_and_concern(y in series(), o in options()) {
        let a = chart(&y, &o);
        let mut o2 = o.clone();
        o2.improvement = o.improvement.reversed();
        let b = chart(&y, &o2);
        for (p, q) in a.points.iter().zip(&b.points) {
            let swapped = match p.variation {
                PointVariation::SpecialCauseImprovement => PointVariation::SpecialCauseConcern,
                PointVariation::SpecialCauseConcern => PointVariation::SpecialCauseImprovement,
                other => other,
            };
            prop_assert_eq!(swapped, q.variation);
        }
        let swapped_icon = a.variation_icon.map(|i| match i {
            VariationIcon::ImprovementHigh => VariationIcon::ConcernHigh,
            VariationIcon::ImprovementLow => VariationIcon::ConcernLow,
            VariationIcon::ConcernHigh => VariationIcon::ImprovementHigh,
            VariationIcon::ConcernLow => VariationIcon::ImprovementLow,
            other => other,
        });
        prop_assert_eq!(swapped_icon, b.variation_icon);
    }

    #[test]
    fn mirroring_the_data_mirrors_the_signals(y in series()) {
        // y → −y with the direction reversed reads the same.
        let o = ChartOptions::new(ChartType::Xmr);
        let a = chart(&y, &o);
        let neg: Vec<f64> = y.iter().map(|v| -v).collect();
        let mut o2 = o.clone();
        o2.improvement = Improvement::Decrease;
        let b = chart(&neg, &o2);
        for (p, q) in a.points.iter().zip(&b.points) {
            prop_assert_eq!(p.variation, q.variation);
        }
    }

    #[test]
    fn missing_values_never_panic(y in prop::collection::vec(proptest::option::of(-50i32..50), 0..40), o in options()) {
        let v: Vec<Option<f64>> = y.into_iter().map(|x| x.map(f64::from)).collect();
        let r = analyse(Data::Values(&v), &o).expect("missing values are allowed");
        prop_assert_eq!(r.points.len(), v.len());
        for (p, x) in r.points.iter().zip(&v) {
            if x.is_none() {
                prop_assert_eq!(p.variation, PointVariation::CommonCause);
            }
        }
    }
}

proptest! {
    /// Every chart type, with awkward counts (zeros, huge values, missing points): no NaN or
    /// infinity anywhere in the output, plotted values included.
    #[test]
    fn no_chart_type_outputs_non_finite_numbers(
        d in prop::collection::vec(proptest::option::of(prop_oneof![Just(0.0), 1.0..1e6, Just(1e12)]), 0..30),
        chart in prop::sample::select(ChartType::ALL.to_vec()),
        fix in proptest::option::of(1usize..10),
    ) {
        let mut o = ChartOptions::new(chart);
        o.fix_after = fix;
        o.target = Some(1.0);
        let n: Vec<Option<f64>> = d.iter().map(|x| x.map(|x| x * 2.0 + 1.0)).collect();
        let groups: Vec<Vec<f64>> = d.chunks(3).map(|c| c.iter().flatten().copied().collect()).collect();
        let data = if chart.uses_subgroups() {
            Data::Subgroups(&groups)
        } else if chart.needs_denominator() {
            Data::Ratios { numerators: &d, denominators: &n }
        } else {
            Data::Values(&n)
        };
        let r = analyse(data, &o).expect("valid data");
        for p in &r.points {
            for v in lines_of(&p.lines).into_iter().chain([p.y, p.n]).flatten() {
                prop_assert!(v.is_finite(), "{chart}: {p:?}");
            }
        }
    }
}
