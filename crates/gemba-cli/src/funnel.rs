//! `gemba funnel`: compare providers on a funnel plot.

use anyhow::{bail, Result};
use gemba_api::FunnelDocument;
use gemba_chart::FunnelView;
use gemba_data::{FunnelColumns, Source};
use gemba_spc::funnel::{funnel, FunnelOptions, FunnelType, Overdispersion, SrMethod};
use gemba_spc::SpcError;

use crate::args::{FunnelArgs, FunnelFormat, FunnelKind, OverdispersionArg, SrMethodArg};
use crate::output::Sink;

/// Runs `gemba funnel`.
pub fn run(args: &FunnelArgs) -> Result<()> {
    if !(args.multiplier.is_finite() && args.multiplier > 0.0) {
        bail!("--multiplier must be a number above zero");
    }
    let kind = match args.kind {
        FunnelKind::Pr => FunnelType::Proportion,
        FunnelKind::Sr => FunnelType::StandardisedRatio,
        FunnelKind::Rc => FunnelType::RatioOfCounts,
    };
    let sr_method = match args.sr_method {
        SrMethodArg::Shmi => SrMethod::Shmi,
        SrMethodArg::Cqc => SrMethod::Cqc,
    };
    let options = FunnelOptions {
        kind,
        sr_method,
        overdispersion: match args.overdispersion {
            OverdispersionArg::Auto => Overdispersion::Auto,
            OverdispersionArg::On => Overdispersion::On,
            OverdispersionArg::Off => Overdispersion::Off,
        },
        multiplier: args.multiplier,
        ..FunnelOptions::default()
    };
    let source = Source {
        path: args.input.clone(),
        sheet: args.sheet.clone(),
    };
    let columns = FunnelColumns {
        filters: args.filters.clone(),
        numerator: args.numerator.clone(),
        denominator: args.denominator.clone(),
        group: args.group.clone(),
    };
    let data = gemba_data::read_funnel_groups(&source, &columns, &crate::sheet_reader()?)?;
    let result = funnel(&data.numerators, &data.denominators, &options).map_err(|e| {
        let file = args.input.display();
        let group = |i: usize| data.groups.get(i).map_or("", String::as_str).to_string();
        let what = match &e {
            SpcError::NotFinite { index, .. }
            | SpcError::Negative { index, .. }
            | SpcError::ZeroDenominator { index }
            | SpcError::MissingDenominator { index }
            | SpcError::NumeratorAboveDenominator { index, .. }
            | SpcError::NotPositive { index, .. } => {
                format!(
                    "{file}, group \"{}\" (rows summed over the group): ",
                    group(*index)
                )
            }
            _ => format!("{file}: "),
        };
        // The engine's message counts groups from 1 as "point N"; name the group instead.
        anyhow::anyhow!("{what}{}", plain(&e))
    })?;
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| format!("Funnel plot of {} / {}", args.numerator, args.denominator));
    let mut sink = Sink::open(args.out.as_deref())?;
    match args.format {
        FunnelFormat::Json => {
            let doc = FunnelDocument::new(kind, sr_method, &data.groups, &result);
            serde_json::to_writer(sink.writer(), &doc)?;
            sink.writer().write_all(b"\n")?;
        }
        FunnelFormat::Csv => {
            let mut w = csv::Writer::from_writer(sink.writer());
            w.write_record([
                "group",
                "numerator",
                "denominator",
                "value",
                "z",
                "flag_95",
                "flag_998",
                "lower_95",
                "upper_95",
                "lower_998",
                "upper_998",
            ])?;
            for (name, g) in data.groups.iter().zip(&result.groups) {
                // The group name comes from the file: neutralised; numbers stay numbers.
                w.write_record([
                    crate::output::csv_text(name).as_ref(),
                    &g.numerator.to_string(),
                    &g.denominator.to_string(),
                    &g.value.to_string(),
                    &g.z.to_string(),
                    g.flag_95.name(),
                    g.flag_998.name(),
                    &g.lower_95.to_string(),
                    &g.upper_95.to_string(),
                    &g.lower_998.to_string(),
                    &g.upper_998.to_string(),
                ])?;
            }
            w.flush()?;
        }
        FunnelFormat::Svg | FunnelFormat::Html => {
            let x_label = format!("{} (denominator)", args.denominator);
            let y_label = match kind {
                FunnelType::Proportion => format!("{} / {}", args.numerator, args.denominator),
                FunnelType::StandardisedRatio => "Observed / expected".to_string(),
                FunnelType::RatioOfCounts => format!("{} / {}", args.numerator, args.denominator),
            };
            let view = FunnelView {
                title: &title,
                groups: &data.groups,
                x_label: &x_label,
                y_label: &y_label,
                result: &result,
            };
            let text = if args.format == FunnelFormat::Svg {
                gemba_chart::funnel_svg(&view)
            } else {
                gemba_chart::funnel_html(&view)
            };
            sink.writer().write_all(text.as_bytes())?;
        }
    }
    sink.finish()
}

/// The engine's message without its "at point N" wording, which means the Nth group here.
fn plain(e: &SpcError) -> String {
    match e {
        SpcError::Negative { field, value, .. } => {
            format!("the {field} {value} is negative; it must be zero or more")
        }
        SpcError::ZeroDenominator { .. } => {
            "the denominator is 0; a funnel plot needs denominators above zero".to_string()
        }
        SpcError::NumeratorAboveDenominator {
            numerator,
            denominator,
            ..
        } => format!(
            "the numerator {numerator} is larger than the denominator {denominator}; a proportion cannot be above 1"
        ),
        other => other.to_string(),
    }
}
