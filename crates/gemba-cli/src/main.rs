//! The `gemba` command: SPC charts and funnel plots for quality improvement.
//!
//! `main` parses the arguments, dispatches to one command module and turns any error into a
//! message on standard error and exit status 1 (2 for a usage error, from clap).

mod args;
mod chart;
mod demo;
mod funnel;
mod output;
mod report;
mod workspace;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::ReadSheet = cli.command {
        return gemba_data::child_main();
    }
    let result = match &cli.command {
        Command::Chart(a) => chart::run(a),
        Command::Funnel(a) => funnel::run(a),
        Command::Report(a) => report::run(a),
        Command::Serve(a) => workspace::serve(a),
        Command::Demo(a) => demo::run(a),
        Command::User(c) => workspace::user(c),
        Command::Token(c) => workspace::token(c),
        Command::ReadSheet => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `gemba chart … | head` closes the pipe early: the reader has what it wanted.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The sandboxed spreadsheet reader: this executable's hidden `read-sheet` subcommand.
pub fn sheet_reader() -> anyhow::Result<gemba_data::SheetReader> {
    use anyhow::Context;
    gemba_data::SheetReader::current_exe(["read-sheet"])
        .context("cannot find the gemba executable to read spreadsheets with")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}
