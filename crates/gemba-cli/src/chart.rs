//! `gemba chart`: SPC charts of every series in a file.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use gemba_api::{SeriesJson, CONTRACT_VERSION};
use gemba_chart::SeriesView;
use gemba_data::{ChartColumns, Grouping, SeriesData, Source};
use gemba_spc::{
    analyse, ChartOptions, ChartResult, ChartType, Data, Improvement, Rules, RunChartRules,
    SpcError,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{ChartArgs, ChartFormat, Direction, Switch};
use crate::output::{write_files, Sink};

/// The validated options of one `gemba chart` run ("high" args).
struct Plan {
    chart: ChartType,
    /// What results are multiplied by to be shown (`--multiplier`).
    multiplier: f64,
    options: ChartOptions,
    rebase: Vec<NaiveDate>,
    exclude: HashSet<NaiveDate>,
    source: Source,
    columns: ChartColumns,
}

fn parse_dates(flag: &str, given: &[String]) -> Result<Vec<NaiveDate>> {
    given
        .iter()
        .map(|s| {
            gemba_data::parse_date(s).with_context(|| {
                format!(
                    "{flag} '{s}' is not a date; write it as 2024-01-31, 31/01/2024 or 31 Jan 2024"
                )
            })
        })
        .collect()
}

impl Plan {
    fn new(args: &ChartArgs) -> Result<Plan> {
        let chart: ChartType = args.chart.parse()?;
        let profile = Rules::profile(&args.rules)?;
        let mut rules = profile;
        if let Some(s) = args.screen_outliers {
            rules.screen_moving_ranges = s == Switch::On;
        }
        if let Some(r) = &args.run_rules {
            rules.run_chart_rules = match r.to_ascii_lowercase().as_str() {
                "anhoej" | "anhøj" => RunChartRules::Anhoej,
                "ihi" => RunChartRules::Ihi,
                _ => bail!("unknown --run-rules '{r}'; expected one of: anhoej, ihi"),
            };
        }
        if rules != profile {
            // The output must not claim a profile whose rules were overridden.
            rules.profile = "custom";
        }
        if chart.needs_denominator() && args.denominator.is_none() {
            bail!(
                "the {} needs --denominator COLUMN (the number of cases or the exposure for each point)",
                chart.title()
            );
        }
        if chart.uses_subgroups() && args.denominator.is_some() {
            bail!(
                "the {} is drawn from the measurements of each subgroup and takes no --denominator",
                chart.title()
            );
        }
        if !(args.multiplier.is_finite() && args.multiplier > 0.0) {
            bail!("--multiplier must be a number above zero, such as 100 or 1000");
        }
        if let Some(t) = args.target {
            if !t.is_finite() {
                bail!("--target must be a number");
            }
            if matches!(chart, ChartType::P | ChartType::PPrime)
                && !(0.0..=args.multiplier).contains(&t)
            {
                if args.multiplier == 100.0 {
                    bail!(
                        "--target of a {} is a percentage from 0 to 100 (with --multiplier 100)",
                        chart.title()
                    );
                }
                bail!(
                    "--target of a {} is a proportion from 0 to {} (give --multiplier 100 and a target from 0 to 100 for a percentage)",
                    chart.title(),
                    args.multiplier
                );
            }
        }
        if args.fix_after == Some(0) {
            bail!("--fix-after must be at least 1 (the number of points in the baseline)");
        }
        let improvement = match args.improvement {
            Direction::Increase => Improvement::Increase,
            Direction::Decrease => Improvement::Decrease,
            Direction::Neutral => Improvement::Neutral,
        };
        let mut rebase = parse_dates("--rebase", &args.rebase)?;
        rebase.sort_unstable();
        let exclude = parse_dates("--exclude", &args.exclude)?
            .into_iter()
            .collect();
        Ok(Plan {
            chart,
            multiplier: args.multiplier,
            options: ChartOptions {
                chart,
                improvement,
                // The engine works on raw proportions and rates; the target is given as shown.
                target: args.target.map(|t| t / args.multiplier),
                rules,
                phase_starts: Vec::new(),
                fix_after: args.fix_after,
                excluded: Vec::new(),
            },
            rebase,
            exclude,
            source: Source {
                path: args.input.clone(),
                sheet: args.sheet.clone(),
            },
            columns: ChartColumns {
                filters: args.filters.clone(),
                value: args.value.clone(),
                date: args.date.clone(),
                denominator: args.denominator.clone(),
                series: args.series.clone(),
            },
        })
    }

    /// Options for one series: rebase dates become the index of the first point on or after
    /// each date; excluded dates the indices of the points on those dates.
    fn options_for(&self, s: &SeriesData) -> ChartOptions {
        let mut o = self.options.clone();
        o.phase_starts = self
            .rebase
            .iter()
            .map(|d| {
                // A date after the last point becomes index n, which the engine reports as
                // ignored.
                s.dates.iter().position(|x| x >= d).unwrap_or(s.dates.len())
            })
            .collect();
        if !self.exclude.is_empty() {
            o.excluded = s
                .dates
                .iter()
                .enumerate()
                .filter(|(_, d)| self.exclude.contains(d))
                .map(|(i, _)| i)
                .collect();
        }
        o
    }

    /// Every `--exclude` date must be the date of a point (of some series): a date that matches
    /// nothing is a mistake (a day instead of the month's first, a typo), not a no-op.
    fn check_excluded_dates(&self, series: &[SeriesData]) -> Result<()> {
        let mut unmatched: Vec<NaiveDate> = self
            .exclude
            .iter()
            .copied()
            .filter(|d| !series.iter().any(|s| s.dates.contains(d)))
            .collect();
        unmatched.sort_unstable();
        let Some(first) = unmatched.first() else {
            return Ok(());
        };
        let (lo, hi) = series
            .iter()
            .flat_map(|s| s.dates.first().into_iter().chain(s.dates.last()))
            .fold((None::<NaiveDate>, None::<NaiveDate>), |(lo, hi), d| {
                (
                    Some(lo.map_or(*d, |l| l.min(*d))),
                    Some(hi.map_or(*d, |h| h.max(*d))),
                )
            });
        let range = match (lo, hi) {
            (Some(lo), Some(hi)) => format!("; the points run from {lo} to {hi}"),
            _ => String::new(),
        };
        let any = if self.columns.series.is_some() {
            " in any series"
        } else {
            ""
        };
        bail!(
            "--exclude {first}: no point has this date{any} in {}{range}; give the date of a \
             point exactly as the data have it",
            self.source.path.display()
        )
    }

    fn analyse(&self, s: &SeriesData) -> Result<ChartResult> {
        let data = if let Some(groups) = &s.subgroups {
            Data::Subgroups(groups)
        } else if let Some(den) = &s.denominators {
            Data::Ratios {
                numerators: &s.values,
                denominators: den,
            }
        } else {
            Data::Values(&s.values)
        };
        analyse(data, &self.options_for(s))
            .map(|r| r.scaled(self.multiplier))
            .map_err(|e| self.locate(e, s))
    }

    /// What follows each value shown: `%` for a proportion shown as a percentage.
    fn value_suffix(&self) -> &'static str {
        if self.multiplier == 100.0 && matches!(self.chart, ChartType::P | ChartType::PPrime) {
            "%"
        } else {
            ""
        }
    }

    /// Turns an engine error about point `i` into a message naming file, line and column.
    fn locate(&self, e: SpcError, s: &SeriesData) -> anyhow::Error {
        let series = if self.columns.series.is_some() {
            format!(" (series \"{}\")", s.id)
        } else {
            String::new()
        };
        let value_col = &self.columns.value;
        let den_col = self.columns.denominator.as_deref().unwrap_or("denominator");
        let at = |i: usize| {
            self.source
                .location(s.lines.get(i).copied().unwrap_or(0))
                .to_string()
        };
        let chart = self.chart.title();
        let msg = match &e {
            SpcError::NotFinite { field, index } => {
                let col = if *field == "denominator" { den_col } else { value_col };
                format!(
                    "{}, column \"{col}\"{series}: the value is not a finite number",
                    at(*index)
                )
            }
            SpcError::Negative {
                field,
                index,
                value,
            } => {
                let col = if *field == "denominator" { den_col } else { value_col };
                format!(
                    "{}, column \"{col}\"{series}: {value} is negative; the {chart} needs counts of zero or more",
                    at(*index)
                )
            }
            SpcError::ZeroDenominator { index } => format!(
                "{}, column \"{den_col}\"{series}: the denominator is 0; the {chart} needs denominators above zero",
                at(*index)
            ),
            SpcError::MissingDenominator { index } => format!(
                "{}, column \"{den_col}\"{series}: the denominator is missing",
                at(*index)
            ),
            SpcError::NumeratorAboveDenominator {
                index,
                numerator,
                denominator,
            } => format!(
                "{}{series}: {numerator} in column \"{value_col}\" is larger than the denominator {denominator} in column \"{den_col}\"; a proportion cannot be above 1",
                at(*index)
            ),
            SpcError::NotPositive { index, value, .. } => format!(
                "{}, column \"{value_col}\"{series}: {value} is not above zero; the {chart} needs times between events greater than zero",
                at(*index)
            ),
            other => format!("{}{series}: {other}", self.source.path.display()),
        };
        anyhow::anyhow!(msg)
    }
}

/// ISO labels of the dates, formatting each distinct date once.
struct DateLabels(HashMap<NaiveDate, String>);

impl DateLabels {
    fn labels(&mut self, dates: &[NaiveDate]) -> Vec<String> {
        dates
            .iter()
            .map(|d| {
                self.0
                    .entry(*d)
                    .or_insert_with(|| d.format("%Y-%m-%d").to_string())
                    .clone()
            })
            .collect()
    }
}

/// Series per batch: large enough to keep both cores busy, small enough to bound memory.
const BATCH: usize = 512;

/// Maps `work` over the series on every core, handing each result to `emit` in input order.
/// Each worker formats dates with its own [`DateLabels`] cache. Stops at the first error (in
/// input order, so the message is the one a sequential run would give).
fn in_batches<T: Send>(
    series: &[SeriesData],
    work: impl Fn(&SeriesData, &mut DateLabels) -> Result<T> + Sync,
    mut emit: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let mut caches: Vec<DateLabels> = (0..threads).map(|_| DateLabels(HashMap::new())).collect();
    for batch in series.chunks(BATCH * threads) {
        let per = batch.len().div_ceil(threads).max(1);
        let outputs: Vec<Vec<Result<T>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(per)
                .zip(caches.iter_mut())
                .map(|(chunk, cache)| {
                    let work = &work;
                    scope.spawn(move || {
                        let mut out = Vec::with_capacity(chunk.len());
                        for s in chunk {
                            let r = work(s, cache);
                            let failed = r.is_err();
                            out.push(r);
                            if failed {
                                break;
                            }
                        }
                        out
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![Err(anyhow::anyhow!("a worker thread failed"))])
                })
                .collect()
        });
        for r in outputs.into_iter().flatten() {
            emit(r?)?;
        }
    }
    Ok(())
}

fn progress(total: usize) -> ProgressBar {
    if total < 200 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} charting {pos}/{len} series {bar:30} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Runs `gemba chart`.
pub fn run(args: &ChartArgs) -> Result<()> {
    let plan = Plan::new(args)?;
    let grouping = if plan.chart.uses_subgroups() {
        Grouping::Subgroups
    } else {
        Grouping::OnePerDate
    };
    let series = gemba_data::read_chart_series(
        &plan.source,
        &plan.columns,
        grouping,
        &crate::sheet_reader()?,
    )?;
    if series.is_empty() {
        bail!("{} has no data rows", plan.source.path.display());
    }
    plan.check_excluded_dates(&series)?;
    let bar = progress(series.len());

    match args.format {
        ChartFormat::Json => {
            // Streamed: series are computed and serialised in parallel batches, written in
            // input order, then dropped.
            let mut sink = Sink::open(args.out.as_deref())?;
            let w = sink.writer();
            write!(w, "{{\"version\":\"{CONTRACT_VERSION}\",\"series\":[")?;
            let mut first = true;
            in_batches(
                &series,
                |s, labels| {
                    let result = plan.analyse(s)?;
                    let x = labels.labels(&s.dates);
                    let mut buf = Vec::with_capacity(256 * s.dates.len());
                    serde_json::to_writer(&mut buf, &SeriesJson::new(&s.id, &x, &result))?;
                    Ok(buf)
                },
                |buf| {
                    if !first {
                        w.write_all(b",")?;
                    }
                    first = false;
                    w.write_all(&buf)?;
                    bar.inc(1);
                    Ok(())
                },
            )?;
            w.write_all(b"]}\n")?;
            bar.finish_and_clear();
            sink.finish()
        }
        ChartFormat::Csv => {
            let mut sink = Sink::open(args.out.as_deref())?;
            {
                let w = sink.writer();
                let mut header = csv::Writer::from_writer(Vec::new());
                header.write_record(CSV_HEADER)?;
                w.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
                in_batches(
                    &series,
                    |s, labels| {
                        let result = plan.analyse(s)?;
                        let x = labels.labels(&s.dates);
                        let mut rows = csv::Writer::from_writer(Vec::new());
                        write_csv_rows(&mut rows, &s.id, &x, &result)?;
                        Ok(rows.into_inner().map_err(|e| e.into_error())?)
                    },
                    |buf| {
                        w.write_all(&buf)?;
                        bar.inc(1);
                        Ok(())
                    },
                )?;
            }
            bar.finish_and_clear();
            sink.finish()
        }
        ChartFormat::Svg | ChartFormat::Html | ChartFormat::Summary => {
            let mut results = Vec::with_capacity(series.len());
            in_batches(
                &series,
                |s, labels| Ok((plan.analyse(s)?, labels.labels(&s.dates))),
                |r| {
                    results.push(r);
                    bar.inc(1);
                    Ok(())
                },
            )?;
            bar.finish_and_clear();
            let y_label = match &args.denominator {
                Some(d) => format!("{} / {d}", args.value),
                None => args.value.clone(),
            };
            let titles: Vec<String> = series
                .iter()
                .map(|s| series_title(&s.id, &y_label))
                .collect();
            let views: Vec<SeriesView<'_>> = series
                .iter()
                .zip(&results)
                .zip(&titles)
                .map(|((s, (r, x)), title)| SeriesView {
                    id: &s.id,
                    title,
                    x_labels: x,
                    y_label: &y_label,
                    result: r,
                    multiplier: plan.multiplier,
                    value_suffix: plan.value_suffix(),
                    annotations: &[],
                })
                .collect();
            write_visual(args, &views)
        }
    }
}

/// The chart's title: the series and what is measured. The chart type is shown by the chart
/// itself (its subtitle and description), so it is not repeated here.
fn series_title(id: &str, measured: &str) -> String {
    if id.is_empty() {
        measured.to_string()
    } else {
        format!("{id}: {measured}")
    }
}

fn write_visual(args: &ChartArgs, views: &[SeriesView<'_>]) -> Result<()> {
    match args.format {
        ChartFormat::Svg if views.len() == 1 => {
            let mut sink = Sink::open(args.out.as_deref())?;
            sink.writer()
                .write_all(gemba_chart::chart_svg(&views[0]).as_bytes())?;
            sink.finish()
        }
        ChartFormat::Svg => {
            let Some(dir) = args.out.as_deref() else {
                bail!(
                    "the file holds {} series: give --out FOLDER to write one SVG per series, or use --format html for one report",
                    views.len()
                );
            };
            let mut used = HashSet::new();
            let files: Vec<(String, String)> = views
                .iter()
                .map(|v| {
                    let name = unique_name(&mut used, &file_stem(v.id), "svg");
                    (name, gemba_chart::chart_svg(v))
                })
                .collect();
            write_files(dir, &files)
        }
        ChartFormat::Html => {
            let title = args
                .title
                .clone()
                .unwrap_or_else(|| format!("SPC report: {}", args.value));
            let mut sink = Sink::open(args.out.as_deref())?;
            sink.writer()
                .write_all(gemba_chart::report_html(&title, views).as_bytes())?;
            sink.finish()
        }
        _ => {
            let mut sink = Sink::open(args.out.as_deref())?;
            sink.writer()
                .write_all(gemba_chart::summary_table(views).as_bytes())?;
            sink.finish()
        }
    }
}

/// A file name from a series key: letters, digits, `-` and `_` kept, the rest `_`.
fn file_stem(id: &str) -> String {
    // ASCII only, and short enough for any file system (names may be 255 bytes at most).
    let stem: String = id
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "chart".to_string()
    } else {
        stem
    }
}

/// `stem.ext`, or `stem-2.ext`, `stem-3.ext`… when a name (compared without case, for
/// case-insensitive file systems) is taken: series `A/B` and `A B` must not overwrite each other.
fn unique_name(used: &mut HashSet<String>, stem: &str, ext: &str) -> String {
    let mut name = format!("{stem}.{ext}");
    let mut k = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{stem}-{k}.{ext}");
        k += 1;
    }
    name
}

const CSV_HEADER: [&str; 18] = [
    "series",
    "chart",
    "x",
    "y",
    "n",
    "centre",
    "lcl",
    "ucl",
    "lower_1sigma",
    "upper_1sigma",
    "lower_2sigma",
    "upper_2sigma",
    "phase",
    "excluded",
    "special_cause",
    "variation",
    "variation_icon",
    "assurance_icon",
];

fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn write_csv_rows<W: Write>(
    w: &mut csv::Writer<W>,
    id: &str,
    x: &[String],
    r: &ChartResult,
) -> Result<()> {
    use crate::output::csv_text;
    let icon = r.variation_icon.map_or("", |v| v.name());
    let assurance = r.assurance_icon.map_or("", |a| a.name());
    for (p, x) in r.points.iter().zip(x) {
        let l = p.lines;
        let causes: Vec<&str> = p.special_cause.names().collect();
        // Text cells from the file are neutralised; numbers are written as numbers.
        w.write_record([
            csv_text(id).as_ref(),
            r.chart.name(),
            csv_text(x).as_ref(),
            &num(p.y),
            &num(p.n),
            &num(l.centre),
            &num(l.lcl),
            &num(l.ucl),
            &num(l.lower_1sigma),
            &num(l.upper_1sigma),
            &num(l.lower_2sigma),
            &num(l.upper_2sigma),
            &p.phase.to_string(),
            if p.excluded { "true" } else { "false" },
            &causes.join(";"),
            p.variation.name(),
            icon,
            assurance,
        ])?;
    }
    Ok(())
}
