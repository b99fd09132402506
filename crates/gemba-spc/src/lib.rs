//! Gemba's statistical process control (SPC) engine.
//!
//! Run charts with the Anhøj rules, control charts read with the NHS England *Making Data
//! Count* rules and icons, the usual attribute charts, and funnel plots. The numbers agree
//! with NHSRplotthedots, qicharts2 and FunnelPlotR (see `shared/spc/REFERENCE.md`).
//!
//! The engine does no I/O, knows no dates, files, SQL or HTTP: plain values in, results out.
//! It never panics on data and never returns NaN: bad input is an [`SpcError`] naming the point.
//!
//! ```
//! use gemba_spc::{analyse, ChartOptions, ChartType, Data};
//!
//! // REFERENCE.md §7.1.1: mean 11.75, UCL = 11.75 + 2.66 × 16/11.
//! let y = [10., 12., 11., 13., 12., 14., 13., 11., 12., 10., 11., 12.].map(Some);
//! let chart = analyse(Data::Values(&y), &ChartOptions::new(ChartType::Xmr))?;
//! let last = chart.points.last().unwrap();
//! assert_eq!(last.lines.centre, Some(11.75));
//! assert!((last.lines.ucl.unwrap() - 15.619091).abs() < 1e-6);
//! # Ok::<(), gemba_spc::SpcError>(())
//! ```

mod error;
pub mod funnel;
mod limits;
mod options;
mod prepare;
mod result;
mod rules;
pub mod runs;
mod stats;

pub use error::SpcError;
pub use options::{
    ChartOptions, ChartType, Improvement, MissingValues, OnCentre, Rules, RunChartRules,
    TrendDirection, TrendTies, TwoInThree, XmrConstant,
};
pub use prepare::Data;
pub use result::{
    AssuranceIcon, ChartResult, Lines, PointResult, PointVariation, RunsAnalysis, SpecialCauses,
    VariationIcon, Warning,
};

use limits::Phase;

/// Computes a chart: centre line and limits per phase, special causes, point readings, the
/// variation and assurance icons, the runs analysis of the last phase and warnings.
pub fn analyse(data: Data<'_>, options: &ChartOptions) -> Result<ChartResult, SpcError> {
    let chart = options.chart;
    let rules = &options.rules;
    if let Some(t) = options.target {
        if !t.is_finite() {
            return Err(SpcError::InvalidOption {
                option: "target",
                reason: "must be a finite number".into(),
            });
        }
    }
    if options.fix_after == Some(0) {
        return Err(SpcError::InvalidOption {
            option: "fix after",
            reason: "the baseline needs at least 1 point".into(),
        });
    }
    let mut prepared =
        prepare::prepare(chart, data, rules.missing_values == MissingValues::Dropped)?;
    let n = prepared.len();
    let mut warnings = Vec::new();

    let mut excluded = vec![false; n];
    for &i in &options.excluded {
        match excluded.get_mut(i) {
            Some(e) => *e = true,
            None => warnings.push(Warning::IgnoredIndex {
                option: "exclude",
                index: i,
            }),
        }
    }
    let mut starts: Vec<usize> = vec![0];
    for &i in &options.phase_starts {
        if i >= n {
            warnings.push(Warning::IgnoredIndex {
                option: "rebase",
                index: i,
            });
        } else if i > 0 {
            starts.push(i);
        }
    }
    starts.sort_unstable();
    starts.dedup();

    // Each phase is computed on its own (qicharts2 parts): the MR chart's first point of every
    // phase has no moving range, and that is not a missing value.
    let mut structural = 0;
    if chart == ChartType::Mr {
        for &s in &starts {
            if let Some(p) = prepared.get_mut(s) {
                structural += usize::from(p.y.is_some() || s == 0);
                p.y = None;
            }
        }
    }
    let missing = prepared
        .iter()
        .filter(|p| p.y.is_none())
        .count()
        .saturating_sub(structural);
    if missing > 0 {
        warnings.push(Warning::MissingValues { count: missing });
    }

    let mut points: Vec<PointResult> = prepared
        .iter()
        .zip(&excluded)
        .map(|(p, &e)| PointResult {
            y: p.y,
            n: p.n,
            excluded: e,
            ..PointResult::default()
        })
        .collect();
    let mut lines = vec![Lines::default(); n];
    let mut runs = None;
    let mut idx = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);

    for (phase_no, w) in starts.iter().enumerate() {
        let a = *w;
        let b = starts.get(phase_no + 1).copied().unwrap_or(n);
        let phase_no = phase_no + 1;
        let len = b - a;
        let baseline_len = match options.fix_after {
            Some(k) if k < len => k,
            Some(k) => {
                if phase_no == starts.len() && k > len {
                    // Only worth saying for the phase still running; earlier phases ending
                    // before the baseline is complete are told by the short-phase warning.
                    warnings.push(Warning::BaselineLongerThanPhase {
                        phase: phase_no,
                        fix_after: k,
                        points: len,
                    });
                }
                len
            }
            None => len,
        };
        let phase = Phase {
            points: &prepared[a..b],
            excluded: &excluded[a..b],
            baseline_len,
            rules,
        };
        limits::compute(chart, &phase, &mut lines[a..b]);
        sanitise(&mut lines[a..b]);

        let used = phase.base().count();
        if used == 0 {
            warnings.push(Warning::EmptyPhase { phase: phase_no });
        } else {
            if chart.has_limits() && used < rules.min_points_for_limits {
                warnings.push(Warning::ShortPhase {
                    phase: phase_no,
                    points: used,
                    minimum: rules.min_points_for_limits,
                });
            }
            let mut vals = phase.base_values(|p| p.y);
            if let Some(first) = vals.next() {
                if used > 1 && vals.all(|v| v == first) {
                    warnings.push(Warning::ConstantPhase { phase: phase_no });
                }
            }
        }

        for (p, l) in points[a..b].iter_mut().zip(&lines[a..b]) {
            p.phase = phase_no;
            p.lines = *l;
        }

        idx.clear();
        ys.clear();
        for (k, p) in points[a..b].iter().enumerate() {
            if let Some(y) = p.y {
                idx.push(a + k);
                ys.push(y);
            }
        }
        match chart {
            ChartType::Run => {
                if rules.run_chart_rules == RunChartRules::Ihi {
                    let ihi = Rules {
                        shift_length: 6,
                        on_centre: OnCentre::Skip,
                        trend_length: 5,
                        trend_ties: TrendTies::Skip,
                        two_in_three: TwoInThree::Off,
                        ..*rules
                    };
                    rules::flag_phase(&idx, &ys, &mut points, &ihi, false);
                }
            }
            ChartType::Mr => rules::flag_phase(&idx, &ys, &mut points, rules, true),
            _ => rules::flag_phase(&idx, &ys, &mut points, rules, false),
        }

        if chart != ChartType::Mr {
            let signs =
                points[a..b]
                    .iter()
                    .filter(|p| !p.excluded)
                    .map(|p| match (p.y, p.lines.centre) {
                        (Some(y), Some(c)) if y > c => 1i8,
                        (Some(y), Some(c)) if y < c => -1,
                        _ => 0,
                    });
            let r = runs::analyse_signs(signs);
            // With no useful point the runs analysis does not apply (qicharts2 gives NA).
            runs = (r.useful_points > 0).then_some(r);
        }
    }

    for p in &mut points {
        p.variation = classify(p, options.improvement);
    }

    // Both icons read the last point that has a value (a month not yet reported changes
    // nothing), and only where it could be judged: against a centre line, and for run charts
    // only under rules that flag points (MDC icons belong to control charts).
    let last = points
        .iter()
        .rev()
        .find(|p| p.y.is_some())
        .filter(|p| p.lines.centre.is_some());
    let judged_by_points = chart.has_limits() || rules.run_chart_rules == RunChartRules::Ihi;
    let variation_icon = last
        .filter(|_| judged_by_points)
        .map(|p| variation_icon(p.variation, p.direction));
    let assurance_icon = match (options.target, last) {
        (Some(t), Some(p)) if chart.has_limits() => {
            assurance(t, p.lines.lcl, p.lines.ucl, options.improvement)
        }
        _ => None,
    };
    let valued = n - missing - structural;
    if valued > 0 && valued < rules.min_points_for_icons && chart.has_limits() {
        warnings.push(Warning::FewPointsForIcons {
            points: valued,
            minimum: rules.min_points_for_icons,
        });
    }

    Ok(ChartResult {
        chart,
        improvement: options.improvement,
        target: options.target,
        rules: *rules,
        points,
        variation_icon,
        assurance_icon,
        runs,
        warnings,
    })
}

/// Non-finite lines (for example a t chart's transformed lower 2σ line) become absent.
fn sanitise(lines: &mut [Lines]) {
    for l in lines {
        for v in [
            &mut l.centre,
            &mut l.lcl,
            &mut l.ucl,
            &mut l.lower_1sigma,
            &mut l.upper_1sigma,
            &mut l.lower_2sigma,
            &mut l.upper_2sigma,
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                *v = None;
            }
        }
    }
}

/// Reading of one point (NHSRplotthedots `point_type`): a special cause in the better
/// direction is improvement, in the worse direction concern; neutral measures read "neither".
fn classify(p: &PointResult, improvement: Improvement) -> PointVariation {
    if !p.special_cause.any() || p.direction == 0 {
        return PointVariation::CommonCause;
    }
    match improvement {
        Improvement::Neutral => PointVariation::SpecialCauseNeither,
        Improvement::Increase if p.direction > 0 => PointVariation::SpecialCauseImprovement,
        Improvement::Decrease if p.direction < 0 => PointVariation::SpecialCauseImprovement,
        _ => PointVariation::SpecialCauseConcern,
    }
}

/// The variation icon from the last point's reading and direction (MDC; PTD `geom_ptd_icon`).
fn variation_icon(v: PointVariation, direction: i8) -> VariationIcon {
    let high = direction > 0;
    match (v, high) {
        (PointVariation::CommonCause, _) => VariationIcon::CommonCause,
        (PointVariation::SpecialCauseImprovement, true) => VariationIcon::ImprovementHigh,
        (PointVariation::SpecialCauseImprovement, false) => VariationIcon::ImprovementLow,
        (PointVariation::SpecialCauseConcern, true) => VariationIcon::ConcernHigh,
        (PointVariation::SpecialCauseConcern, false) => VariationIcon::ConcernLow,
        (PointVariation::SpecialCauseNeither, true) => VariationIcon::NeitherHigh,
        (PointVariation::SpecialCauseNeither, false) => VariationIcon::NeitherLow,
    }
}

/// The assurance icon (NHSRplotthedots `ptd_calculate_assurance_type`): a target strictly
/// beyond a limit of the last point is passed or failed consistently; a target within or on
/// the limits is hit and miss. No icon for neutral measures or without limits.
fn assurance(
    target: f64,
    lcl: Option<f64>,
    ucl: Option<f64>,
    improvement: Improvement,
) -> Option<AssuranceIcon> {
    let (lcl, ucl) = (lcl?, ucl?);
    let up = match improvement {
        Improvement::Increase => true,
        Improvement::Decrease => false,
        Improvement::Neutral => return None,
    };
    Some(if target > ucl {
        if up {
            AssuranceIcon::Fail
        } else {
            AssuranceIcon::Pass
        }
    } else if target < lcl {
        if up {
            AssuranceIcon::Pass
        } else {
            AssuranceIcon::Fail
        }
    } else {
        AssuranceIcon::HitAndMiss
    })
}
