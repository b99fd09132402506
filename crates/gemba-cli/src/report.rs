//! `gemba report`: a board's integrated quality report from files: the data (one series per
//! measure) and MEASURES.csv (one row per measure: its title, section, chart, direction,
//! target, multiplier, unit, owner and rebase dates). Written as HTML, PDF or the JSON of the
//! summary; nothing is written unless the whole report succeeds.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use gemba_api::report::ReportSummaryJson;
use gemba_data::{ChartColumns, Grouping, SeriesData, Source};
use gemba_report::{Measure, Report, Section};
use gemba_spc::{analyse, ChartOptions, ChartType, Data, Improvement, SpcError};

use crate::args::{ReportArgs, ReportFormat};
use crate::output::Sink;

/// The columns of MEASURES.csv that must be present.
const REQUIRED: [&str; 8] = [
    "measure",
    "title",
    "section",
    "chart",
    "improvement",
    "target",
    "multiplier",
    "unit",
];
/// The columns that may be present.
const OPTIONAL: [&str; 2] = ["owner", "rebase"];

/// One row of MEASURES.csv, validated.
#[derive(Debug, Clone)]
struct Definition {
    /// The line of the file it came from (for messages).
    line: usize,
    measure: String,
    title: String,
    section: String,
    chart: ChartType,
    improvement: Improvement,
    /// As shown (already multiplied).
    target: Option<f64>,
    multiplier: f64,
    unit: String,
    owner: Option<String>,
    rebase: Vec<NaiveDate>,
}

/// Where a cell of MEASURES.csv is, for messages: `measures.csv line 3, column "target"`.
fn at(path: &Path, line: usize, column: &str) -> String {
    format!("{} line {line}, column \"{column}\"", path.display())
}

/// Reads and checks MEASURES.csv: every required column present, every cell valid, every
/// measure named once.
fn read_definitions(path: &Path, has_denominator: bool) -> Result<Vec<Definition>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("cannot read the header row of {}", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    for name in REQUIRED {
        if col(name).is_none() {
            let near = header
                .iter()
                .filter(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()))
                .map(|h| (strsim::jaro_winkler(h, name), h))
                .filter(|(s, _)| *s > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, h)| format!("; did you mean \"{h}\"?"))
                .unwrap_or_default();
            bail!(
                "{} line 1: no column \"{name}\"{near}; MEASURES.csv needs the columns {} and may have {}",
                path.display(),
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            );
        }
    }
    let mut defs: Vec<Definition> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for record in rdr.records() {
        let record = record.with_context(|| format!("cannot read {}", path.display()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |name: &str| -> &str { col(name).and_then(|i| record.get(i)).unwrap_or("") };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let measure = cell("measure").to_string();
        if measure.is_empty() {
            bail!("{}: the measure is empty; give the value of the --series column that holds its data", at(path, line, "measure"));
        }
        if let Some(first) = seen.insert(measure.clone(), line) {
            bail!(
                "{}: \"{measure}\" is already defined on line {first}; define each measure once",
                at(path, line, "measure")
            );
        }
        let title = match cell("title") {
            "" => measure.clone(),
            t => t.to_string(),
        };
        let section = cell("section");
        if section.is_empty() {
            bail!(
                "{}: the section is empty; name the report section (such as Safe, Effective, Caring, Responsive or Well-led)",
                at(path, line, "section")
            );
        }
        let chart: ChartType = cell("chart")
            .parse()
            .map_err(|e: SpcError| anyhow::anyhow!("{}: {e}", at(path, line, "chart")))?;
        if chart.uses_subgroups() {
            bail!(
                "{}: the {} needs the measurements of each subgroup, which a report does not read; use xmr, p, pp, u, up, c, g, t or run",
                at(path, line, "chart"),
                chart.title()
            );
        }
        if chart.needs_denominator() && !has_denominator {
            bail!(
                "{}: the {} needs a denominator; give --denominator COLUMN",
                at(path, line, "chart"),
                chart.title()
            );
        }
        let improvement = match cell("improvement").to_ascii_lowercase().as_str() {
            "increase" | "higher" | "up" => Improvement::Increase,
            "decrease" | "lower" | "down" => Improvement::Decrease,
            "neutral" | "" => Improvement::Neutral,
            other => bail!(
                "{}: \"{other}\" is not a direction; write increase, decrease or neutral",
                at(path, line, "improvement")
            ),
        };
        let multiplier = match cell("multiplier") {
            "" => 1.0,
            m => match m.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => v,
                _ => bail!(
                    "{}: \"{m}\" is not a number above zero; write 100 for a percentage, 1000 for a rate per 1,000, or 1",
                    at(path, line, "multiplier")
                ),
            },
        };
        let target = match cell("target") {
            "" => None,
            t => match t.trim_end_matches('%').trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => bail!(
                    "{}: \"{t}\" is not a number; leave it empty for no target",
                    at(path, line, "target")
                ),
            },
        };
        if let Some(t) = target {
            if matches!(chart, ChartType::P | ChartType::PPrime) && !(0.0..=multiplier).contains(&t)
            {
                bail!(
                    "{}: {t} is outside 0 to {multiplier}; the target of a {} is a proportion shown multiplied by the multiplier ({multiplier})",
                    at(path, line, "target"),
                    chart.title()
                );
            }
        }
        let mut rebase = Vec::new();
        for d in cell("rebase")
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            match gemba_data::parse_date(d) {
                Some(date) => rebase.push(date),
                None => bail!(
                    "{}: \"{d}\" is not a date; write dates as 2024-01-31, separated by ;",
                    at(path, line, "rebase")
                ),
            }
        }
        rebase.sort_unstable();
        defs.push(Definition {
            line,
            measure,
            title,
            section: section.to_string(),
            chart,
            improvement,
            target,
            multiplier,
            unit: cell("unit").to_string(),
            owner: Some(cell("owner").to_string()).filter(|o| !o.is_empty()),
            rebase,
        });
    }
    if defs.is_empty() {
        bail!(
            "{} has no measures: add one row per measure under its header",
            path.display()
        );
    }
    Ok(defs)
}

/// `2024-06` as the last day of that month.
fn period_end(period: &str) -> Result<NaiveDate> {
    let bad = || {
        anyhow::anyhow!(
            "--period \"{period}\" is not a month; write it as YYYY-MM, such as 2024-06"
        )
    };
    let (y, m) = period.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    next.pred_opt().ok_or_else(bad)
}

/// "June 2024".
fn month_label(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

/// The closest series key to `name`, if one is close.
fn closest<'a>(name: &str, keys: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    keys.map(|k| {
        (
            strsim::jaro_winkler(&k.to_lowercase(), &name.to_lowercase()),
            k,
        )
    })
    .filter(|(s, _)| *s > 0.8)
    .max_by(|a, b| a.0.total_cmp(&b.0))
    .map(|(_, k)| k)
}

/// The index of the point an engine error is about.
fn error_index(e: &SpcError) -> Option<usize> {
    match e {
        SpcError::NotFinite { index, .. }
        | SpcError::Negative { index, .. }
        | SpcError::ZeroDenominator { index }
        | SpcError::MissingDenominator { index }
        | SpcError::NumeratorAboveDenominator { index, .. }
        | SpcError::NotPositive { index, .. } => Some(*index),
        _ => None,
    }
}

/// Builds the report: each definition's series cut at the period's end, analysed.
fn build(
    args: &ReportArgs,
    defs: &[Definition],
    series: Vec<SeriesData>,
    source: &Source,
) -> Result<Report> {
    let end = args.period.as_deref().map(period_end).transpose()?;
    let mut by_id: HashMap<String, SeriesData> =
        series.into_iter().map(|s| (s.id.clone(), s)).collect();
    let mut sections: Vec<Section> = Vec::new();
    let mut latest: Option<NaiveDate> = None;
    for d in defs {
        let Some(mut s) = by_id.remove(&d.measure) else {
            let hint = closest(&d.measure, by_id.keys().map(String::as_str))
                .map(|k| format!("; did you mean \"{k}\"?"))
                .unwrap_or_default();
            bail!(
                "{}: no series \"{}\" in column \"{}\" of {}{hint}",
                at(&args.measures, d.line, "measure"),
                d.measure,
                args.series,
                args.input.display()
            );
        };
        if let Some(end) = end {
            let keep = s.dates.partition_point(|x| *x <= end);
            s.dates.truncate(keep);
            s.values.truncate(keep);
            s.lines.truncate(keep);
            if let Some(den) = s.denominators.as_mut() {
                den.truncate(keep);
            }
        }
        if s.dates.is_empty() {
            bail!(
                "{}: the series \"{}\" has no points up to the end of --period {}",
                at(&args.measures, d.line, "measure"),
                d.measure,
                args.period.as_deref().unwrap_or("")
            );
        }
        latest = latest.max(s.dates.last().copied());
        let options = ChartOptions {
            chart: d.chart,
            improvement: d.improvement,
            target: d.target.map(|t| t / d.multiplier),
            phase_starts: d
                .rebase
                .iter()
                .map(|r| s.dates.iter().position(|x| x >= r).unwrap_or(s.dates.len()))
                .collect(),
            ..ChartOptions::new(d.chart)
        };
        let data = match &s.denominators {
            Some(den) => Data::Ratios {
                numerators: &s.values,
                denominators: den,
            },
            None => Data::Values(&s.values),
        };
        let result = analyse(data, &options)
            .map_err(|e| {
                let loc = match error_index(&e).and_then(|i| s.lines.get(i)) {
                    Some(l) => source.location(*l).to_string(),
                    None => args.input.display().to_string(),
                };
                anyhow::anyhow!(
                    "{loc} (series \"{}\", measure on {} line {}): {e}",
                    d.measure,
                    args.measures.display(),
                    d.line
                )
            })?
            .scaled(d.multiplier);
        let suffix = if d.multiplier == 100.0 && matches!(d.chart, ChartType::P | ChartType::PPrime)
        {
            "%"
        } else {
            ""
        };
        let labels = s
            .dates
            .iter()
            .map(|x| x.format("%Y-%m-%d").to_string())
            .collect();
        let annotations = d
            .rebase
            .iter()
            .filter_map(|r| {
                let i = s.dates.iter().position(|x| x >= r)?;
                Some((gemba_report::Place::At(i as f64), "Rebased".to_string()))
            })
            .collect();
        let measure = Measure {
            id: d.measure.clone(),
            title: d.title.clone(),
            owner: d.owner.clone(),
            unit: d.unit.clone(),
            multiplier: d.multiplier,
            value_suffix: suffix.to_string(),
            result,
            x_labels: labels,
            annotations,
            narrative: None,
        };
        match sections.iter_mut().find(|x| x.name == d.section) {
            Some(sec) => sec.measures.push(measure),
            None => sections.push(Section {
                name: d.section.clone(),
                measures: vec![measure],
            }),
        }
    }
    let period = match (&args.period, end, latest) {
        (Some(_), Some(end), _) => month_label(end),
        (_, _, Some(l)) => month_label(l),
        _ => String::new(),
    };
    Ok(Report {
        title: args
            .title
            .clone()
            .unwrap_or_else(|| "Integrated quality report".to_string()),
        period,
        sections,
        concern_first: args.concern_first,
        ..Report::default()
    })
}

/// Runs `gemba report`.
pub fn run(args: &ReportArgs) -> Result<()> {
    // Check the arguments and the definitions before reading the (possibly large) data.
    if let Some(p) = &args.period {
        period_end(p)?;
    }
    let defs = read_definitions(&args.measures, args.denominator.is_some())?;
    let source = Source {
        path: args.input.clone(),
        sheet: args.sheet.clone(),
    };
    let columns = ChartColumns {
        value: args.value.clone(),
        date: args.date.clone(),
        denominator: args.denominator.clone(),
        series: Some(args.series.clone()),
        filters: args.filters.clone(),
    };
    let series = gemba_data::read_chart_series(
        &source,
        &columns,
        Grouping::OnePerDate,
        &crate::sheet_reader()?,
    )?;
    let report = build(args, &defs, series, &source)?;
    // Rendered in memory first: a failure leaves no file behind.
    let bytes = render(&report, args.format)?;
    let mut sink = Sink::open(Some(&args.out))?;
    sink.writer().write_all(&bytes)?;
    sink.finish()
}

fn render(report: &Report, format: ReportFormat) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Html => gemba_report::html(report).into_bytes(),
        ReportFormat::Pdf => gemba_report::pdf(report)?,
        ReportFormat::Json => {
            let summary = gemba_report::summarise(report);
            let mut v = serde_json::to_vec_pretty(&ReportSummaryJson::new(report, &summary))?;
            v.push(b'\n');
            v
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_on_the_last_day_of_their_month() {
        assert_eq!(
            period_end("2024-02").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            period_end("2023-12").unwrap(),
            NaiveDate::from_ymd_opt(2023, 12, 31).unwrap()
        );
        assert!(period_end("2024-13").is_err());
        assert!(period_end("June").is_err());
        assert_eq!(
            month_label(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()),
            "June 2024"
        );
    }
}
