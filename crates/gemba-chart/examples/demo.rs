//! Renders a demonstration report, chart, funnel plot and summary into a folder, for looking
//! at the design: `cargo run -p gemba-chart --example demo -- /tmp/gemba-chart-demo`.

use std::path::PathBuf;

use gemba_chart::{chart_svg, funnel_html, funnel_svg, report_html, summary_table};
use gemba_chart::{FunnelView, SeriesView};
use gemba_spc::funnel::{FunnelGroup, FunnelLimits, FunnelResult, OutlierFlag};
use gemba_spc::{analyse, ChartOptions, ChartType, Data, Improvement};

fn months(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}-{:02}-01", 2022 + i / 12, i % 12 + 1))
        .collect()
}

/// A proportion funnel computed with the normal approximation, for the picture only.
fn demo_funnel() -> FunnelResult {
    let data = [
        (412.0, 520.0),
        (300.0, 410.0),
        (880.0, 1000.0),
        (150.0, 190.0),
        (1200.0, 1450.0),
        (95.0, 140.0),
        (640.0, 800.0),
        (2100.0, 2600.0),
        (58.0, 60.0),
        (700.0, 950.0),
    ];
    let p = data.iter().map(|d| d.0).sum::<f64>() / data.iter().map(|d| d.1).sum::<f64>();
    let lim = |n: f64, z: f64| {
        let s = (p * (1.0 - p) / n).sqrt();
        (p - z * s, p + z * s)
    };
    let flag = |v: f64, (lo, hi): (f64, f64)| {
        if v > hi {
            OutlierFlag::High
        } else if v < lo {
            OutlierFlag::Low
        } else {
            OutlierFlag::None
        }
    };
    let groups = data
        .iter()
        .map(|&(num, den)| {
            let v = num / den;
            let (l95, u95) = lim(den, 1.959964);
            let (l998, u998) = lim(den, 3.090232);
            FunnelGroup {
                numerator: num,
                denominator: den,
                value: v,
                z: (v - p) / (p * (1.0 - p) / den).sqrt(),
                flag_95: flag(v, (l95, u95)),
                flag_998: flag(v, (l998, u998)),
                lower_95: l95,
                upper_95: u95,
                lower_998: l998,
                upper_998: u998,
            }
        })
        .collect();
    let limits = (1..=200)
        .map(|k| {
            let n = k as f64 * 14.0;
            let (l95, u95) = lim(n, 1.959964);
            let (l998, u998) = lim(n, 3.090232);
            FunnelLimits {
                denominator: n,
                lower_95: l95,
                upper_95: u95,
                lower_998: l998,
                upper_998: u998,
            }
        })
        .collect();
    FunnelResult {
        target: p,
        groups,
        limits,
        ..FunnelResult::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/gemba-chart-demo".into()),
    );
    std::fs::create_dir_all(&dir)?;

    // A&E 4-hour performance: stable, then a drop in the last nine months.
    let ae: Vec<Option<f64>> = [
        0.912, 0.905, 0.921, 0.899, 0.915, 0.908, 0.925, 0.902, 0.918, 0.911, 0.896, 0.92, 0.909,
        0.917, 0.903, 0.914, 0.922, 0.9, 0.913, 0.907, 0.919, 0.904, 0.916, 0.91, 0.906, 0.89,
        0.884, 0.879, 0.887, 0.881, 0.876, 0.885, 0.872, 0.87, 0.878, 0.87,
    ]
    .map(Some)
    .to_vec();
    let mut options = ChartOptions::new(ChartType::Xmr);
    options.target = Some(0.95);
    let ae_result = analyse(Data::Values(&ae), &options)?;

    // Falls per 1,000 bed days, lower is better, with a rebase and a missing month.
    let mut falls: Vec<Option<f64>> = [
        6.1, 5.8, 6.4, 7.0, 6.2, 5.9, 6.6, 6.3, 5.7, 6.8, 6.0, 6.5, 6.2, 6.9, 5.2, 4.1, 4.4, 3.9,
        4.6, 4.2, 4.8, 3.7, 4.3, 4.0, 4.5, 3.8, 4.1, 4.4,
    ]
    .map(Some)
    .to_vec();
    falls[9] = None;
    let mut options = ChartOptions::new(ChartType::Xmr);
    options.improvement = Improvement::Decrease;
    options.phase_starts = vec![15];
    options.target = Some(5.0);
    let falls_result = analyse(Data::Values(&falls), &options)?;

    // Run chart of median waiting days.
    let waits: Vec<Option<f64>> = [
        21., 19., 24., 22., 20., 23., 25., 18., 22., 21., 26., 27., 28., 25., 27., 29., 26., 28.,
        30., 27.,
    ]
    .map(Some)
    .to_vec();
    let waits_result = analyse(Data::Values(&waits), &ChartOptions::new(ChartType::Run))?;

    let m36 = months(36);
    let m28 = months(28);
    let m20 = months(20);
    let series = [
        SeriesView {
            id: "ae-4h",
            title: "A&E: patients seen within 4 hours",
            x_labels: &m36,
            y_label: "Proportion within 4 hours",
            result: &ae_result,
            multiplier: 1.0,
            value_suffix: "",
            annotations: &[],
        },
        SeriesView {
            id: "falls",
            title: "Inpatient falls per 1,000 bed days",
            x_labels: &m28,
            y_label: "Falls per 1,000 bed days",
            result: &falls_result,
            multiplier: 1.0,
            value_suffix: "",
            annotations: &[],
        },
        SeriesView {
            id: "rtt-median",
            title: "Median wait for first outpatient appointment",
            x_labels: &m20,
            y_label: "Days",
            result: &waits_result,
            multiplier: 1.0,
            value_suffix: "",
            annotations: &[],
        },
    ];
    for view in &series {
        std::fs::write(dir.join(format!("{}.svg", view.id)), chart_svg(view))?;
    }
    std::fs::write(
        dir.join("report.html"),
        report_html("Quality board report", &series),
    )?;
    std::fs::write(dir.join("summary.txt"), summary_table(&series))?;

    let funnel = demo_funnel();
    let names: Vec<String> = (b'A'..=b'J')
        .map(|c| format!("Trust {}", c as char))
        .collect();
    let view = FunnelView {
        title: "Discharges before noon by trust",
        groups: &names,
        x_label: "Discharges",
        y_label: "Proportion before noon",
        result: &funnel,
    };
    std::fs::write(dir.join("funnel.svg"), funnel_svg(&view))?;
    std::fs::write(dir.join("funnel.html"), funnel_html(&view))?;
    print!("{}", summary_table(&series));
    println!("written to {}", dir.display());
    Ok(())
}
