//! Golden test: the engine against fixtures whose expected values were computed by the reference
//! R packages themselves (NHSRplotthedots 0.2.2, qicharts2 0.8.1, FunnelPlotR 0.6.0 at the
//! commits pinned in `shared/spc/REFERENCE.md` §0). The fixtures and the script that made them
//! are in `tests/fixtures/` (see `tests/fixtures/reference/README.md`).
//!
//! Every test runs all fixtures of its family and lists every discrepancy before failing, so one
//! run shows the whole picture.

// Test code: a fixture that cannot be read is a broken test, so unwrapping is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixtures;

use std::panic::{catch_unwind, AssertUnwindSafe};

use fixtures::{bools, f64s, indices, opt_f64s, strings, Fixture, Report};
use gemba_spc::funnel::{funnel, FunnelOptions, FunnelType, OutlierFlag, Overdispersion, SrMethod};
use gemba_spc::{
    analyse, AssuranceIcon, ChartOptions, ChartResult, ChartType, Data, Improvement, PointResult,
    PointVariation, Rules,
};

/// Relative tolerance where the engine uses the reference's own formula. The fixtures hold 15
/// significant digits, so this leaves six orders of magnitude for summation order.
const TOL: f64 = 1e-9;

fn improvement(s: &str) -> Improvement {
    s.parse().unwrap()
}

/// Runs the engine, turning an error or a panic (engine parts still being written) into a
/// reported failure instead of aborting the whole family.
fn run_chart(report: &mut Report, data: Data<'_>, options: &ChartOptions) -> Option<ChartResult> {
    match catch_unwind(AssertUnwindSafe(|| analyse(data, options))) {
        Ok(Ok(r)) => Some(r),
        Ok(Err(e)) => {
            report.fail(format!("engine error: {e}"));
            None
        }
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            report.fail(format!("engine panicked: {msg}"));
            None
        }
    }
}

// -------------------------------------------------------------------------------------------
// NHSRplotthedots
// -------------------------------------------------------------------------------------------

/// The PTD `special_cause_type` label the engine's flags give, with PTD's precedence
/// (outside > trend > two-in-three > shift) and the engine's direction of the point.
fn ptd_label(p: &PointResult) -> String {
    let sc = p.special_cause;
    let up = p.direction > 0;
    let ab = if up { "Above" } else { "Below" };
    if sc.outside_limits {
        if up { "Above UCL" } else { "Below LCL" }.to_string()
    } else if sc.trend {
        format!(
            "7 Point Trend ({})",
            if up { "Increasing" } else { "Decreasing" }
        )
    } else if sc.two_in_three {
        format!("2 in 3 {ab} CL")
    } else if sc.shift {
        format!("7 Points {ab} CL")
    } else {
        "Common Cause".to_string()
    }
}

/// PTD `point_type` plus the direction of its label → the engine's reading and direction.
fn ptd_variation(point_type: &str, label: &str) -> (PointVariation, i8) {
    let dir = if label.contains("Above") || label.contains("Increasing") {
        1
    } else if label.contains("Below") || label.contains("Decreasing") {
        -1
    } else {
        0
    };
    match point_type {
        "common_cause" => (PointVariation::CommonCause, 0),
        "special_cause_improvement" => (PointVariation::SpecialCauseImprovement, dir),
        "special_cause_concern" => (PointVariation::SpecialCauseConcern, dir),
        "special_cause_neutral_high" => (PointVariation::SpecialCauseNeither, 1),
        "special_cause_neutral_low" => (PointVariation::SpecialCauseNeither, -1),
        other => panic!("unknown PTD point_type {other}"),
    }
}

fn ptd_assurance(s: Option<&str>) -> Option<AssuranceIcon> {
    match s {
        None => None,
        Some("consistent_pass") => Some(AssuranceIcon::Pass),
        Some("consistent_fail") => Some(AssuranceIcon::Fail),
        Some("inconsistent") => Some(AssuranceIcon::HitAndMiss),
        Some(other) => panic!("unknown PTD assurance_type {other}"),
    }
}

fn check_ptd(fx: &Fixture) -> Report {
    let mut rep = Report::new(&fx.id);
    let values = opt_f64s(fx.input("values"));
    let options = ChartOptions {
        chart: ChartType::Xmr,
        improvement: improvement(fx.input("improvement").as_str().unwrap()),
        target: fx.input("target").as_f64(),
        rules: Rules {
            screen_moving_ranges: fx.input("screen_outliers").as_bool().unwrap(),
            ..Rules::MDC
        },
        // PTD: the point at a rebase date is the first point of the new group.
        phase_starts: indices(fx.input("rebase_indices")),
        fix_after: fx.input("fix_after_n_points").as_u64().map(|n| n as usize),
        excluded: Vec::new(),
    };
    let Some(res) = run_chart(&mut rep, Data::Values(&values), &options) else {
        return rep;
    };
    let mean = opt_f64s(fx.column("mean"));
    let lpl = opt_f64s(fx.column("lpl"));
    let upl = opt_f64s(fx.column("upl"));
    let group = f64s(fx.column("rebase_group"));
    let outside = bools(fx.column("outside_limits"));
    let relative = opt_f64s(fx.column("relative_to_mean"));
    let close = bools(fx.column("close_to_limits"));
    let label = strings(fx.column("special_cause_type"));
    let point_type = strings(fx.column("point_type"));
    rep.eq("number of points", res.points.len(), values.len());
    if res.points.len() != values.len() {
        return rep;
    }
    for (i, p) in res.points.iter().enumerate() {
        let at = |what: &str| format!("point {} {what}", i + 1);
        let l = p.lines;
        rep.num(&at("mean"), l.centre, mean[i], TOL);
        rep.num(&at("lpl"), l.lcl, lpl[i], TOL);
        rep.num(&at("upl"), l.ucl, upl[i], TOL);
        rep.eq(&at("phase"), p.phase as f64, group[i] - group[0] + 1.0);
        rep.eq(
            &at("outside_limits"),
            p.special_cause.outside_limits,
            outside[i],
        );
        if let (Some(y), Some(c)) = (p.y, l.centre) {
            let side = if y > c {
                1.0
            } else if y < c {
                -1.0
            } else {
                0.0
            };
            rep.eq(&at("relative_to_mean"), Some(side), relative[i]);
            // PTD's "close": beyond a 2σ line but not beyond a 3σ limit.
            let beyond2 =
                l.upper_2sigma.is_some_and(|u| y > u) || l.lower_2sigma.is_some_and(|u| y < u);
            rep.eq(
                &at("close_to_limits (from the engine's 2σ lines)"),
                beyond2 && !p.special_cause.outside_limits,
                close[i],
            );
        }
        rep.eq(&at("special_cause_type"), ptd_label(p), label[i].clone());
        let (v, d) = ptd_variation(&point_type[i], &label[i]);
        rep.eq(&at("point_type"), (p.variation, p.direction), (v, d));
    }
    let icon = fx.expected("variation_icon").as_str().unwrap();
    rep.eq(
        "variation icon",
        res.variation_icon.map(|v| v.name()),
        Some(icon),
    );
    rep.eq(
        "assurance icon",
        res.assurance_icon,
        ptd_assurance(fx.expected("assurance_type").as_str()),
    );
    rep
}

#[test]
fn ptd_xmr() {
    let reports = fixtures::load("ptd").iter().map(check_ptd).collect();
    fixtures::finish("NHSRplotthedots", reports);
}

// -------------------------------------------------------------------------------------------
// qicharts2
// -------------------------------------------------------------------------------------------

fn qic_chart(name: &str) -> ChartType {
    match name {
        "run" => ChartType::Run,
        "i" => ChartType::Xmr,
        "mr" => ChartType::Mr,
        "p" => ChartType::P,
        "pp" => ChartType::PPrime,
        "u" => ChartType::U,
        "up" => ChartType::UPrime,
        "c" => ChartType::C,
        "g" => ChartType::G,
        "t" => ChartType::T,
        "xbar" => ChartType::XbarS,
        "s" => ChartType::S,
        other => panic!("no engine chart for qic chart {other}"),
    }
}

fn check_qic(fx: &Fixture) -> Report {
    let mut rep = Report::new(&fx.id);
    let chart_name = fx.input("chart").as_str().unwrap();
    let chart = qic_chart(chart_name);
    let engine = fx.input("engine");
    let options = ChartOptions {
        chart,
        improvement: Improvement::Increase,
        target: None,
        // The `qic` profile: 3/1.128, screened moving ranges (qic.screenedmr = TRUE).
        rules: Rules::QIC,
        // QIC part = k: a new part starts after position k, i.e. at 0-based index k.
        phase_starts: indices(&engine["phase_starts"]),
        // QIC freeze = k: the first k points are the baseline.
        fix_after: engine["fix_after"].as_u64().map(|n| n as usize),
        // QIC exclude is 1-based; the fixture also holds the 0-based indices.
        excluded: indices(&engine["excluded"]),
    };
    let values = opt_f64s(fx.input("values"));
    let nums = opt_f64s(fx.input("numerators"));
    let dens = opt_f64s(fx.input("denominators"));
    let groups: Vec<Vec<f64>> = fx
        .input("subgroups")
        .as_array()
        .map(|a| a.iter().map(f64s).collect())
        .unwrap_or_default();
    let data = if !groups.is_empty() {
        Data::Subgroups(&groups)
    } else if !dens.is_empty() {
        Data::Ratios {
            numerators: &nums,
            denominators: &dens,
        }
    } else {
        Data::Values(&values)
    };
    let Some(res) = run_chart(&mut rep, data, &options) else {
        return rep;
    };
    let y = opt_f64s(fx.column("y"));
    let cl = opt_f64s(fx.column("cl"));
    let lcl = opt_f64s(fx.column("lcl"));
    let ucl = opt_f64s(fx.column("ucl"));
    let lcl95 = opt_f64s(fx.column("lcl_95"));
    let ucl95 = opt_f64s(fx.column("ucl_95"));
    let include = bools(fx.column("include"));
    let signal = bools(fx.column("sigma_signal"));
    rep.eq("number of points", res.points.len(), y.len());
    if res.points.len() != y.len() {
        return rep;
    }
    for (i, p) in res.points.iter().enumerate() {
        let at = |what: &str| format!("point {} {what}", i + 1);
        let l = p.lines;
        rep.num(&at("y"), p.y, y[i], TOL);
        rep.num(&at("cl"), l.centre, cl[i], TOL);
        rep.num(&at("lcl"), l.lcl, lcl[i], TOL);
        rep.num(&at("ucl"), l.ucl, ucl[i], TOL);
        rep.num(&at("lcl.95"), l.lower_2sigma, lcl95[i], TOL);
        rep.num(&at("ucl.95"), l.upper_2sigma, ucl95[i], TOL);
        rep.eq(&at("excluded"), p.excluded, !include[i]);
        rep.eq(
            &at("sigma.signal"),
            p.special_cause.outside_limits,
            signal[i],
        );
    }
    // The engine reports the runs analysis of the last phase; qicharts2 forces it off for MR.
    let runs = fx.expected("runs").as_array().unwrap();
    let last = runs.last().unwrap();
    if chart == ChartType::Mr {
        rep.eq("runs analysis (none for MR)", res.runs, None);
    } else if let Some(r) = res.runs {
        let n = |k: &str| last[k].as_f64().map(|v| v as usize);
        rep.eq("n.useful", Some(r.useful_points), n("n_useful"));
        rep.eq("longest.run", Some(r.longest_run), n("longest_run"));
        rep.eq(
            "longest.run.max",
            Some(r.longest_run_limit),
            n("longest_run_max"),
        );
        rep.eq("n.crossings", Some(r.crossings), n("n_crossings"));
        rep.eq(
            "n.crossings.min",
            Some(r.crossings_limit),
            n("n_crossings_min"),
        );
        rep.eq("runs.signal", Some(r.signal), last["runs_signal"].as_bool());
    } else {
        rep.fail("no runs analysis".into());
    }
    rep
}

fn qic_family(charts: &[&str]) -> Vec<Report> {
    fixtures::load("qic")
        .iter()
        .filter(|fx| charts.contains(&fx.input("chart").as_str().unwrap()))
        .map(check_qic)
        .collect()
}

#[test]
fn qic_run_i_mr() {
    fixtures::finish("qicharts2 run/i/mr", qic_family(&["run", "i", "mr"]));
}

#[test]
fn qic_attribute() {
    fixtures::finish(
        "qicharts2 p/pp/u/up/c/g/t",
        qic_family(&["p", "pp", "u", "up", "c", "g", "t"]),
    );
}

#[test]
fn qic_subgroup() {
    fixtures::finish("qicharts2 xbar/s", qic_family(&["xbar", "s"]));
}

// -------------------------------------------------------------------------------------------
// FunnelPlotR
// -------------------------------------------------------------------------------------------

fn check_fpr(fx: &Fixture) -> Report {
    let mut rep = Report::new(&fx.id);
    let kind = match fx.input("data_type").as_str().unwrap() {
        "PR" => FunnelType::Proportion,
        "SR" => FunnelType::StandardisedRatio,
        "RC" => FunnelType::RatioOfCounts,
        other => panic!("unknown data_type {other}"),
    };
    let sr_method = match fx.input("sr_method").as_str().unwrap() {
        "SHMI" => SrMethod::Shmi,
        "CQC" => SrMethod::Cqc,
        other => panic!("unknown sr_method {other}"),
    };
    let options = FunnelOptions {
        kind,
        sr_method,
        // FPR draw_adjusted = TRUE adjusts only when φ > 1; FALSE never adjusts.
        overdispersion: if fx.input("draw_adjusted").as_bool().unwrap() {
            Overdispersion::Auto
        } else {
            Overdispersion::Off
        },
        multiplier: fx.input("multiplier").as_f64().unwrap(),
        trim: fx.input("trim_by").as_f64().unwrap(),
        ..FunnelOptions::default()
    };
    let num = f64s(fx.input("numerators"));
    let den = f64s(fx.input("denominators"));
    let res = match catch_unwind(AssertUnwindSafe(|| funnel(&num, &den, &options))) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            rep.fail(format!("engine error: {e}"));
            return rep;
        }
        Err(_) => {
            rep.fail("engine panicked".into());
            return rep;
        }
    };
    let m = options.multiplier;
    rep.num(
        "target",
        Some(res.target),
        fx.expected("target").as_f64().map(|t| t * m),
        TOL,
    );
    rep.num("phi", Some(res.phi), fx.expected("phi").as_f64(), TOL);
    rep.num("tau2", Some(res.tau2), fx.expected("tau2").as_f64(), TOL);
    let used = fx.expected("overdispersion_used").as_bool().unwrap();
    rep.eq("overdispersion used", res.overdispersion_used, used);
    rep.eq("number of groups", res.groups.len(), num.len());
    if res.groups.len() != num.len() {
        return rep;
    }
    let col = |k: &str| opt_f64s(fx.column(k));
    let rr = col("rr");
    let z = col("z");
    // The limits FPR judges outliers against: adjusted if overdispersion was used.
    let pre = if used { "od_" } else { "" };
    let (l95, u95) = (col(&format!("{pre}lcl95")), col(&format!("{pre}ucl95")));
    let (l998, u998) = (col(&format!("{pre}lcl998")), col(&format!("{pre}ucl998")));
    let o95 = f64s(fx.column("outlier_95"));
    let o998 = f64s(fx.column("outlier_998"));
    let names = strings(fx.input("groups"));
    for (i, g) in res.groups.iter().enumerate() {
        let at = |what: &str| format!("group {} {what}", names[i]);
        rep.num(&at("value"), Some(g.value), rr[i].map(|r| r * m), TOL);
        rep.num(&at("z"), Some(g.z), z[i], TOL);
        rep.num(&at("lcl95"), Some(g.lower_95), l95[i], TOL);
        rep.num(&at("ucl95"), Some(g.upper_95), u95[i], TOL);
        rep.num(&at("lcl99.8"), Some(g.lower_998), l998[i], TOL);
        rep.num(&at("ucl99.8"), Some(g.upper_998), u998[i], TOL);
        rep.eq(
            &at("outlier at 95%"),
            g.flag_95 != OutlierFlag::None,
            o95[i] == 1.0,
        );
        rep.eq(
            &at("outlier at 99.8%"),
            g.flag_998 != OutlierFlag::None,
            o998[i] == 1.0,
        );
    }
    rep
}

#[test]
fn fpr_funnel() {
    let reports = fixtures::load("fpr").iter().map(check_fpr).collect();
    fixtures::finish("FunnelPlotR", reports);
}

/// Every fixture file belongs to a family that a test above reads.
#[test]
fn every_fixture_is_checked() {
    let known = [
        "run", "i", "mr", "p", "pp", "u", "up", "c", "g", "t", "xbar", "s",
    ];
    let dir = fixtures::dir();
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    let ptd = fixtures::load("ptd").len();
    let fpr = fixtures::load("fpr").len();
    let qic = fixtures::load("qic");
    for fx in &qic {
        let chart = fx.input("chart").as_str().unwrap();
        assert!(
            known.contains(&chart),
            "{}: qic chart {chart} not checked",
            fx.id
        );
    }
    assert_eq!(ptd + fpr + qic.len(), files, "fixtures of an unknown kind");
    assert!(ptd >= 20 && qic.len() >= 20 && fpr >= 4);
}
