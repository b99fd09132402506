//! The sandboxed spreadsheet reader on its own: reads one request on standard input and answers
//! on standard output (see `gemba_data::SheetReader`). The `gemba` binary does the same as
//! `gemba read-sheet`; this small program lets this crate's tests run the real child process.

fn main() -> std::process::ExitCode {
    gemba_data::child_main()
}
