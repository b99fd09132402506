//! The sandboxed spreadsheet reader (`gemba_data::child_main`) as a program of this crate, so
//! that its tests upload spreadsheets through the real child process, as `gemba serve` does
//! with `gemba read-sheet`.

fn main() -> std::process::ExitCode {
    gemba_data::child_main()
}
