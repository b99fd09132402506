//! The `gemba` command: SPC charts and funnel plots for quality improvement.
//!
//! `main` parses the arguments, dispatches to one command module and turns any error into a
//! message on standard error and exit status 1 (2 for a usage error, from clap).

mod args;
mod chart;
mod funnel;
mod output;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Chart(a) => chart::run(a),
        Command::Funnel(a) => funnel::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
