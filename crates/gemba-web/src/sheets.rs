//! Uploaded data files, read off the async workers and a few at a time: spreadsheets are
//! parsed by the sandboxed reader ([`gemba_data::SheetReader`]), each in a child process with
//! its own memory and CPU limits, so that many uploads at once cannot exhaust the server.

use std::sync::Arc;

use gemba_data::{MeasureRow, RowProblem, SheetReader};
use tokio::sync::Semaphore;

/// Reads uploaded measure data with the configured spreadsheet reader, at most
/// [`SheetImport::DEFAULT_PERMITS`] files at once.
#[derive(Debug)]
pub struct SheetImport {
    reader: SheetReader,
    permits: Arc<Semaphore>,
}

impl SheetImport {
    /// Files read at once by default: each spreadsheet read may use up to
    /// [`gemba_data::MAX_READER_MEMORY`] in its child process.
    pub const DEFAULT_PERMITS: usize = 2;

    /// The most bytes of cells one uploaded spreadsheet may send back from the reader: 8 MiB,
    /// far more than [`gemba_data::MAX_IMPORT_ROWS`] rows of date, value and denominator.
    pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

    /// An importer reading spreadsheets with `reader` (its answers limited to
    /// [`SheetImport::MAX_ANSWER_BYTES`]), `permits` files at a time.
    pub fn new(reader: SheetReader, permits: usize) -> Self {
        SheetImport {
            reader: reader.with_answer_limit(Self::MAX_ANSWER_BYTES),
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// The spreadsheet reader.
    pub fn reader(&self) -> &SheetReader {
        &self.reader
    }

    /// [`gemba_data::read_measure_file`] once a permit is free, on a blocking thread. The
    /// permit goes with the blocking task, so a client that hangs up cannot make more reads run
    /// at once. `None` if the task could not run.
    pub async fn read_measure_file(
        &self,
        bytes: Vec<u8>,
        file_name: String,
    ) -> Option<Result<Vec<MeasureRow>, Vec<RowProblem>>> {
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let read = gemba_data::read_measure_file(&bytes, &file_name, &reader);
            drop(permit);
            read
        })
        .await
        .ok()
    }
}

impl Default for SheetImport {
    /// The running executable's hidden `read-sheet` subcommand (the `gemba` binary has it), or
    /// `gemba` on the `PATH` if the executable cannot be found.
    fn default() -> Self {
        let reader = SheetReader::current_exe(["read-sheet"])
            .unwrap_or_else(|_| SheetReader::new("gemba", ["read-sheet"]));
        SheetImport::new(reader, Self::DEFAULT_PERMITS)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// However many uploads arrive at once, no more readers run than there are permits: each
    /// fake reader takes a lock directory (mkdir is atomic) and records an overlap if it is
    /// already taken.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_readers_run_at_once_than_there_are_permits() {
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "cat >/dev/null; if mkdir '{d}/lock' 2>/dev/null; then sleep 0.2; rmdir '{d}/lock'; \
             else touch '{d}/overlap'; fi; exit 1",
            d = dir.path().display()
        );
        let import = Arc::new(SheetImport::new(SheetReader::new("sh", ["-c", &script]), 1));
        let reads: Vec<_> = (0..4)
            .map(|i| {
                let import = Arc::clone(&import);
                tokio::spawn(async move {
                    import
                        .read_measure_file(b"PK".to_vec(), format!("f{i}.xlsx"))
                        .await
                })
            })
            .collect();
        for r in reads {
            let problems = r.await.unwrap().unwrap().unwrap_err();
            assert!(problems[0].refused, "{problems:?}");
        }
        assert!(
            !dir.path().join("overlap").exists(),
            "two readers ran at once with one permit"
        );
    }
}
