//! Spreadsheets are read in a child process that limits its own memory and CPU time, so that a
//! file built to crash or exhaust a third-party parser costs one read, never the server or the
//! command that asked.
//!
//! The parent ([`SheetReader`]) starts a configured program — by default the running `gemba`
//! binary with its hidden `read-sheet` subcommand — writes the request and the file's bytes
//! to its standard input, and reads back a compact answer, at most [`MAX_ANSWER_BYTES`]: the
//! sheet's name and its non-empty cells, typed, or an error. It kills the child after
//! [`READ_TIMEOUT`]. The child ([`child_main`]) first sets its own limits (address space
//! [`MAX_READER_MEMORY`], CPU [`MAX_READER_CPU_SECONDS`], no core dumps, no files written),
//! then checks the zip archive (see [`crate::archive`] limits such as
//! [`MAX_UNPACKED_BYTES`](crate::MAX_UNPACKED_BYTES)), and only then parses.
//!
//! A file refused along the way is a [`DataError::Unsafe`] with a [`Refusal`] saying why.

use std::fmt;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use calamine::{Data, Reader};

use crate::archive::{check_archive, ArchiveKind};
use crate::error::{shown, DataError};

/// The most memory (address space) the reading process may map: 256 MiB. Past it an
/// allocation fails and the reader stops; the file is refused.
pub const MAX_READER_MEMORY: u64 = 256 * 1024 * 1024;

/// The most CPU time the reading process may use: 10 seconds.
pub const MAX_READER_CPU_SECONDS: u64 = 10;

/// How long the parent waits for the reading process before killing it: 20 seconds of wall
/// clock (twice the CPU limit, for a busy machine).
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// The largest spreadsheet file that is read at all: 64 MiB.
pub const MAX_SPREADSHEET_BYTES: u64 = 64 * 1024 * 1024;

/// The largest answer the parent accepts from the reading process: 32 MiB of encoded cells,
/// about 1.5 million cells (e.g. 400,000 rows of four columns), which take about 100 MB in the
/// parent once decoded. Larger data belongs in a CSV file, which is streamed.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// Why a spreadsheet was refused rather than read. Shown after "this spreadsheet could not be
/// read safely: ".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The file itself is larger than [`MAX_SPREADSHEET_BYTES`].
    FileTooLarge {
        /// The file's size in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The archive holds more entries than [`MAX_ARCHIVE_ENTRIES`](crate::MAX_ARCHIVE_ENTRIES).
    TooManyEntries {
        /// How many it holds.
        entries: usize,
        /// The limit.
        limit: usize,
    },
    /// Unpacked, the archive would be larger than [`MAX_UNPACKED_BYTES`](crate::MAX_UNPACKED_BYTES).
    TooBigUnpacked {
        /// The limit in bytes.
        limit: u64,
    },
    /// An entry is compressed more than [`MAX_COMPRESSION_RATIO`](crate::MAX_COMPRESSION_RATIO).
    CompressionRatio {
        /// The entry's name inside the archive.
        entry: String,
        /// Unpacked size over packed size.
        ratio: u64,
        /// The limit.
        limit: u64,
    },
    /// An archive part unpacks to more than its header declares.
    SizeMismatch {
        /// The part's name inside the archive.
        entry: String,
    },
    /// The shared strings declare a count their bytes cannot hold.
    DeclaredCount {
        /// The count declared.
        declared: u64,
        /// The most the bytes present could hold.
        possible: u64,
    },
    /// Repeated rows and columns expand a sheet past [`MAX_SHEET_CELLS`](crate::MAX_SHEET_CELLS).
    TooManyCells {
        /// The limit.
        limit: u64,
    },
    /// Reading took more than [`MAX_READER_CPU_SECONDS`] of CPU or [`READ_TIMEOUT`].
    TookTooLong,
    /// Reading needed more than [`MAX_READER_MEMORY`].
    TooMuchMemory,
    /// The sheet's cells are more than the reader's answer limit once read (at most
    /// [`MAX_ANSWER_BYTES`]).
    TooMuchData {
        /// The limit in bytes.
        limit: u64,
    },
    /// The reading process stopped without an answer.
    ReaderFailed {
        /// What happened, for the person fixing the file (no file content in it).
        detail: String,
    },
    /// The reading process could not be started or could not limit itself: a fault of the
    /// installation, not of the file.
    ReaderUnavailable {
        /// What failed.
        detail: String,
    },
}

fn megabytes(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::FileTooLarge { bytes, limit } => write!(
                f,
                "the file is {} MB, larger than the {} MB a spreadsheet may be; save the data as CSV",
                megabytes(*bytes).max(1),
                megabytes(*limit)
            ),
            Refusal::TooManyEntries { entries, limit } => write!(
                f,
                "it is an archive of {entries} parts, more than a spreadsheet has (at most {limit})"
            ),
            Refusal::TooBigUnpacked { limit } => write!(
                f,
                "it is too big when unpacked (more than {} MB); save the data as CSV or split it",
                megabytes(*limit)
            ),
            Refusal::CompressionRatio {
                entry,
                ratio,
                limit,
            } => write!(
                f,
                "its part \"{}\" unpacks to {ratio} times its packed size, more than a real \
                 spreadsheet (at most {limit} times)",
                shown(entry)
            ),
            Refusal::SizeMismatch { entry } => write!(
                f,
                "its part \"{}\" unpacks to more than its header declares; the file is damaged \
                 or was built to crash spreadsheet readers",
                shown(entry)
            ),
            Refusal::DeclaredCount { declared, possible } => write!(
                f,
                "it declares {declared} shared strings but holds room for at most {possible}; \
                 the file is damaged or was built to crash spreadsheet readers"
            ),
            Refusal::TooManyCells { limit } => write!(
                f,
                "it has too many rows (its repeated rows and columns make more than {limit} cells)"
            ),
            Refusal::TookTooLong => write!(
                f,
                "reading it took too long (more than {MAX_READER_CPU_SECONDS} seconds)"
            ),
            Refusal::TooMuchMemory => write!(
                f,
                "reading it needed too much memory (more than {} MB)",
                megabytes(MAX_READER_MEMORY)
            ),
            Refusal::TooMuchData { limit } => write!(
                f,
                "it has too many cells (more than {} MB of data); save the data as CSV",
                megabytes(*limit).max(1)
            ),
            Refusal::ReaderFailed { detail } => {
                write!(f, "the spreadsheet reader stopped on it ({detail})")
            }
            Refusal::ReaderUnavailable { detail } => {
                write!(f, "the safe spreadsheet reader is not available ({detail})")
            }
        }
    }
}

/// How spreadsheets are read: the program to run as the sandboxed reader, and its arguments.
///
/// The program must run [`child_main`] (the `gemba` binary does, as `gemba read-sheet`). There
/// is no in-process fallback: if the program cannot run, spreadsheets are refused with
/// [`Refusal::ReaderUnavailable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetReader {
    program: PathBuf,
    args: Vec<String>,
    max_answer: usize,
    timeout: Duration,
}

impl SheetReader {
    /// A reader that runs `program` with `args`.
    pub fn new(
        program: impl Into<PathBuf>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        SheetReader {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            max_answer: MAX_ANSWER_BYTES,
            timeout: READ_TIMEOUT,
        }
    }

    /// The same reader accepting at most `bytes` of answer (default [`MAX_ANSWER_BYTES`]), so
    /// that a server can bound the memory one upload's cells take in its own process.
    pub fn with_answer_limit(mut self, bytes: usize) -> Self {
        self.max_answer = bytes.min(MAX_ANSWER_BYTES);
        self
    }

    /// The same reader killing the child after `timeout` of wall clock (default
    /// [`READ_TIMEOUT`]); the child's own CPU limit stays [`MAX_READER_CPU_SECONDS`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(READ_TIMEOUT);
        self
    }

    /// A reader that runs the running executable with `args` (e.g. `["read-sheet"]` for the
    /// `gemba` binary).
    pub fn current_exe(args: impl IntoIterator<Item = impl Into<String>>) -> io::Result<Self> {
        Ok(SheetReader::new(std::env::current_exe()?, args))
    }

    /// The program run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Runs the reader once on an empty file, to find out before serving whether it starts,
    /// limits itself and answers: `Err` says why not (never a reason to read in process).
    pub fn check(&self) -> Result<(), Refusal> {
        match self.read(Path::new("check.xlsx"), SheetKind::Xlsx, &[], None, Some(1)) {
            Err(DataError::Unsafe { reason, .. }) => Err(reason),
            // An empty file is not a workbook: the reader said so, so it works.
            Ok(_) | Err(_) => Ok(()),
        }
    }

    /// Reads `sheet` (the first when `None`) of the spreadsheet `bytes` of `kind` in the child
    /// process; at most `max_rows` rows after the first with a cell (and then only the first
    /// [`MAX_SHEET_COLUMNS`](crate::source::MAX_SHEET_COLUMNS) columns) when given.
    pub(crate) fn read(
        &self,
        file: &Path,
        kind: SheetKind,
        bytes: &[u8],
        sheet: Option<&str>,
        max_rows: Option<usize>,
    ) -> Result<Answer, DataError> {
        let refuse = |reason: Refusal| DataError::Unsafe {
            file: file.to_owned(),
            reason,
        };
        if bytes.len() as u64 > MAX_SPREADSHEET_BYTES {
            return Err(refuse(Refusal::FileTooLarge {
                bytes: bytes.len() as u64,
                limit: MAX_SPREADSHEET_BYTES,
            }));
        }
        let mut request = Vec::with_capacity(bytes.len() + 64);
        request.extend_from_slice(REQUEST_MAGIC);
        request.push(kind as u8);
        request.extend_from_slice(&max_rows.map_or(u64::MAX, |m| m as u64).to_le_bytes());
        match sheet {
            Some(s) => put_str(&mut request, s),
            None => request.extend_from_slice(&u32::MAX.to_le_bytes()),
        }
        request.extend_from_slice(bytes);
        let raw = self.run(request).map_err(refuse)?;
        decode_answer(&raw).map_err(|e| match e {
            Decoded::Refused(r) => refuse(r),
            Decoded::Error(mut e) => {
                e.set_file(file);
                e
            }
        })
    }

    /// Runs the child with `request` on its stdin; its stdout, or why there is none.
    fn run(&self, request: Vec<u8>) -> Result<Vec<u8>, Refusal> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Refusal::ReaderUnavailable {
                detail: format!("cannot start {}: {e}", self.program.display()),
            })?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Refusal::ReaderUnavailable {
                detail: "no pipes to the reader".to_owned(),
            });
        };
        // A child that stops reading (refused early, or crashed) closes the pipe: not an error.
        let writer = thread::spawn(move || {
            let _ = stdin.write_all(&request);
        });
        let too_much = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&too_much);
        let limit = self.max_answer as u64 + 1;
        let reader = thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.take(limit).read_to_end(&mut out);
            if out.len() as u64 >= limit {
                flag.store(true, Ordering::Release);
                out.clear();
            }
            out
        });
        let errors = thread::spawn(move || {
            let mut out = Vec::new();
            let mut stderr = stderr;
            let _ = (&mut stderr).take(4096).read_to_end(&mut out);
            let _ = io::copy(&mut stderr, &mut io::sink());
            out
        });
        let started = Instant::now();
        let mut stopped_by_us: Option<Refusal> = None;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(e) => break Err(e),
            }
            if too_much.load(Ordering::Acquire) {
                stopped_by_us = Some(Refusal::TooMuchData {
                    limit: self.max_answer as u64,
                });
                break kill(&mut child);
            }
            if started.elapsed() > self.timeout {
                stopped_by_us = Some(Refusal::TookTooLong);
                break kill(&mut child);
            }
            thread::sleep(Duration::from_millis(2));
        };
        if let Some(r) = stopped_by_us {
            // The threads end when the pipes close; a stray grandchild holding them open must
            // not hold up the answer, so they are not waited for.
            drop((writer, reader, errors));
            return Err(r);
        }
        let _ = writer.join();
        let out = reader.join().unwrap_or_default();
        let stderr = errors.join().unwrap_or_default();
        if too_much.load(Ordering::Acquire) {
            return Err(Refusal::TooMuchData {
                limit: self.max_answer as u64,
            });
        }
        let status = status.map_err(|e| Refusal::ReaderFailed {
            detail: format!("waiting for it failed: {e}"),
        })?;
        classify(status, &stderr)?;
        Ok(out)
    }
}

fn kill(child: &mut Child) -> io::Result<ExitStatus> {
    let _ = child.kill();
    child.wait()
}

/// Exit code of a child that could not set its limits.
const EXIT_NO_LIMITS: u8 = 3;
/// Exit code of a child given a request it cannot read.
const EXIT_BAD_REQUEST: u8 = 4;

/// `Ok` for a child that exited normally (its answer says the rest); otherwise why it stopped.
fn classify(status: ExitStatus, stderr: &[u8]) -> Result<(), Refusal> {
    if status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(stderr);
    if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        return Err(Refusal::TooMuchMemory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // SIGXCPU at the soft CPU limit, SIGKILL at the hard one.
        const SIGKILL: i32 = 9;
        const SIGXCPU: i32 = 24;
        if let Some(signal) = status.signal() {
            return Err(match signal {
                SIGXCPU | SIGKILL => Refusal::TookTooLong,
                s => Refusal::ReaderFailed {
                    detail: format!("it crashed with signal {s}"),
                },
            });
        }
    }
    Err(match status.code() {
        Some(c) if c == i32::from(EXIT_NO_LIMITS) => Refusal::ReaderUnavailable {
            detail: "it could not limit its memory and CPU time".to_owned(),
        },
        Some(c) if c == i32::from(EXIT_BAD_REQUEST) => Refusal::ReaderUnavailable {
            detail: "it did not understand the request; is it the same version of gemba?"
                .to_owned(),
        },
        // Rust's exit code after a panic: the parser hit a case it does not handle.
        Some(101) => Refusal::ReaderFailed {
            detail: "it failed on an internal error; the file is probably damaged".to_owned(),
        },
        Some(c) => Refusal::ReaderFailed {
            detail: format!("exit code {c}"),
        },
        None => Refusal::ReaderFailed {
            detail: "it was stopped".to_owned(),
        },
    })
}

/// The spreadsheet formats the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum SheetKind {
    Xlsx = 1,
    Xlsb = 2,
    Xls = 3,
    Ods = 4,
}

impl SheetKind {
    fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            1 => SheetKind::Xlsx,
            2 => SheetKind::Xlsb,
            3 => SheetKind::Xls,
            4 => SheetKind::Ods,
            _ => return None,
        })
    }
}

/// What the child read: the sheet's name, its rows holding non-empty cells (absolute 0-based
/// row, then its cells by absolute 0-based column, both sorted), and whether rows were left
/// unread. Grouped by row as decoded, so that a large sheet is held once, not twice.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub(crate) sheet: String,
    pub(crate) rows: Vec<(u32, Vec<(u32, Data)>)>,
    pub(crate) truncated: bool,
}

const REQUEST_MAGIC: &[u8] = b"GEMBA-SHEET-REQUEST-1\n";
const ANSWER_MAGIC: &[u8] = b"GEMBA-SHEET-ANSWER-1\n";

fn put_str(out: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX - 1);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

/// Runs the child side of the sandbox: limits this process, reads one request from standard
/// input, writes the answer to standard output. Call it first thing in a program's `main`
/// (the `gemba` binary's hidden `read-sheet` subcommand does) and exit with its code.
pub fn child_main() -> ExitCode {
    if let Err(e) = limit_self() {
        eprintln!("gemba read-sheet: cannot set resource limits: {e}");
        return ExitCode::from(EXIT_NO_LIMITS);
    }
    let mut input = Vec::new();
    let limit = MAX_SPREADSHEET_BYTES + REQUEST_MAGIC.len() as u64 + 1024;
    if io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut input)
        .is_err()
    {
        return ExitCode::from(EXIT_BAD_REQUEST);
    }
    let Some(request) = parse_request(&input) else {
        eprintln!("gemba read-sheet: not a sheet request");
        return ExitCode::from(EXIT_BAD_REQUEST);
    };
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let written = out
        .write_all(ANSWER_MAGIC)
        .and_then(|()| answer(&request, &mut out))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // The parent stopped listening: nothing more to do.
        Err(_) => ExitCode::from(EXIT_BAD_REQUEST),
    }
}

/// Sets this process's own limits: address space, CPU time, no core files, no file writes.
#[cfg(unix)]
fn limit_self() -> io::Result<()> {
    use rlimit::Resource;
    Resource::AS.set(MAX_READER_MEMORY, MAX_READER_MEMORY)?;
    Resource::CPU.set(MAX_READER_CPU_SECONDS, MAX_READER_CPU_SECONDS + 1)?;
    Resource::CORE.set(0, 0)?;
    Resource::FSIZE.set(0, 0)?;
    Ok(())
}

/// Elsewhere there is no portable way to limit a process; refuse rather than read unlimited.
#[cfg(not(unix))]
fn limit_self() -> io::Result<()> {
    Err(io::Error::other(
        "resource limits are only supported on Unix",
    ))
}

struct Request<'a> {
    kind: SheetKind,
    max_rows: Option<usize>,
    sheet: Option<String>,
    bytes: &'a [u8],
}

fn parse_request(input: &[u8]) -> Option<Request<'_>> {
    let mut d = Decoder(input.strip_prefix(REQUEST_MAGIC)?);
    let kind = SheetKind::from_u8(d.u8()?)?;
    let max_rows = match d.u64()? {
        u64::MAX => None,
        n => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let sheet = match d.peek_u32()? {
        u32::MAX => {
            d.u32()?;
            None
        }
        _ => Some(d.str()?),
    };
    Some(Request {
        kind,
        max_rows,
        sheet,
        bytes: d.0,
    })
}

/// Writes the answer to `request`: cells then `.`, or an error `E` (possibly after cells).
fn answer(request: &Request<'_>, out: &mut impl Write) -> io::Result<()> {
    match read_sheet(request, out)? {
        Ok(truncated) => {
            if truncated {
                out.write_all(b"T")?;
            }
            out.write_all(b".")
        }
        Err(e) => write_error(out, &e),
    }
}

/// An error the child reports; the parent adds the file name.
enum ChildError {
    Spreadsheet(String),
    NoSheets,
    SheetNotFound { sheet: String, sheets: Vec<String> },
    Refused(Refusal),
}

fn write_str(out: &mut impl Write, s: &str) -> io::Result<()> {
    let mut buf = Vec::with_capacity(s.len() + 4);
    put_str(&mut buf, s);
    out.write_all(&buf)
}

fn write_error(out: &mut impl Write, e: &ChildError) -> io::Result<()> {
    out.write_all(b"E")?;
    match e {
        ChildError::Spreadsheet(m) => {
            out.write_all(&[1])?;
            write_str(out, m)
        }
        ChildError::NoSheets => out.write_all(&[2]),
        ChildError::SheetNotFound { sheet, sheets } => {
            out.write_all(&[3])?;
            write_str(out, sheet)?;
            out.write_all(&(sheets.len() as u32).to_le_bytes())?;
            sheets.iter().try_for_each(|s| write_str(out, s))
        }
        ChildError::Refused(r) => {
            let (code, a, b, text): (u8, u64, u64, &str) = match r {
                Refusal::FileTooLarge { bytes, limit } => (1, *bytes, *limit, ""),
                Refusal::TooManyEntries { entries, limit } => {
                    (2, *entries as u64, *limit as u64, "")
                }
                Refusal::TooBigUnpacked { limit } => (3, *limit, 0, ""),
                Refusal::CompressionRatio {
                    entry,
                    ratio,
                    limit,
                } => (4, *ratio, *limit, entry.as_str()),
                Refusal::DeclaredCount { declared, possible } => (5, *declared, *possible, ""),
                Refusal::TooManyCells { limit } => (6, *limit, 0, ""),
                Refusal::TookTooLong => (7, 0, 0, ""),
                Refusal::TooMuchMemory => (8, 0, 0, ""),
                Refusal::TooMuchData { limit } => (9, *limit, 0, ""),
                Refusal::ReaderFailed { detail } => (10, 0, 0, detail.as_str()),
                Refusal::ReaderUnavailable { detail } => (11, 0, 0, detail.as_str()),
                Refusal::SizeMismatch { entry } => (12, 0, 0, entry.as_str()),
            };
            out.write_all(&[4, code])?;
            out.write_all(&a.to_le_bytes())?;
            out.write_all(&b.to_le_bytes())?;
            write_str(out, text)
        }
    }
}

/// Checks and parses the spreadsheet, writing the sheet name and cells as they are read.
/// `Ok(Ok(truncated))` when the sheet was read; the outer error is a broken output pipe.
fn read_sheet(request: &Request<'_>, out: &mut impl Write) -> io::Result<Result<bool, ChildError>> {
    let archive = match request.kind {
        SheetKind::Xlsx | SheetKind::Xlsb => Some(ArchiveKind::OfficeOpenXml),
        SheetKind::Ods => Some(ArchiveKind::OpenDocument),
        SheetKind::Xls => None,
    };
    if let Some(archive) = archive {
        if let Err(r) = check_archive(request.bytes, archive) {
            return Ok(Err(ChildError::Refused(r)));
        }
    }
    let input = io::Cursor::new(request.bytes);
    let spreadsheet = |e: String| ChildError::Spreadsheet(e);
    let opened: Result<calamine::Sheets<_>, String> = match request.kind {
        SheetKind::Xlsx => calamine::open_workbook_from_rs(input)
            .map(calamine::Sheets::Xlsx)
            .map_err(|e: calamine::XlsxError| e.to_string()),
        SheetKind::Xlsb => calamine::open_workbook_from_rs(input)
            .map(calamine::Sheets::Xlsb)
            .map_err(|e: calamine::XlsbError| e.to_string()),
        SheetKind::Xls => calamine::open_workbook_from_rs(input)
            .map(calamine::Sheets::Xls)
            .map_err(|e: calamine::XlsError| e.to_string()),
        SheetKind::Ods => calamine::open_workbook_from_rs(input)
            .map(calamine::Sheets::Ods)
            .map_err(|e: calamine::OdsError| e.to_string()),
    };
    let mut book = match opened {
        Ok(b) => b,
        Err(e) => return Ok(Err(spreadsheet(e))),
    };
    let sheets = book.sheet_names();
    let sheet = match &request.sheet {
        None => match sheets.first() {
            Some(s) => s.clone(),
            None => return Ok(Err(ChildError::NoSheets)),
        },
        Some(wanted) => {
            let found = sheets.iter().find(|s| *s == wanted).or_else(|| {
                let mut ci = sheets
                    .iter()
                    .filter(|s| s.eq_ignore_ascii_case(wanted.trim()));
                match (ci.next(), ci.next()) {
                    (Some(s), None) => Some(s),
                    _ => None,
                }
            });
            match found {
                Some(s) => s.clone(),
                None => {
                    return Ok(Err(ChildError::SheetNotFound {
                        sheet: wanted.clone(),
                        sheets,
                    }))
                }
            }
        }
    };
    out.write_all(b"S")?;
    write_str(out, &sheet)?;
    let (max_rows, max_columns) = match request.max_rows {
        Some(m) => (
            u32::try_from(m).unwrap_or(u32::MAX),
            crate::source::MAX_SHEET_COLUMNS,
        ),
        None => (u32::MAX, u32::MAX),
    };
    let mut cells = CellSink {
        out,
        first_row: None,
        max_rows,
        max_columns,
        truncated: false,
    };
    macro_rules! stream {
        ($reader:expr) => {{
            let mut reader = match $reader {
                Ok(r) => r,
                Err(e) => return Ok(Err(spreadsheet(e.to_string()))),
            };
            loop {
                match reader.next_cell() {
                    Ok(Some(cell)) => {
                        let (row, col) = cell.get_position();
                        if matches!(cell.get_value(), calamine::DataRef::Empty) {
                            continue;
                        }
                        if !cells.push(row, col, &Data::from(cell.get_value().clone()))? {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Ok(Err(spreadsheet(e.to_string()))),
                }
            }
        }};
    }
    match &mut book {
        calamine::Sheets::Xlsx(x) => stream!(x.worksheet_cells_reader(&sheet)),
        calamine::Sheets::Xlsb(x) => stream!(x.worksheet_cells_reader(&sheet)),
        _ => {
            let range = match book.worksheet_range(&sheet) {
                Ok(r) => r,
                Err(e) => return Ok(Err(spreadsheet(e.to_string()))),
            };
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                let (row, col) = (r0 + r as u32, c0 + c as u32);
                if !cells.push(row, col, value)? {
                    break;
                }
            }
        }
    }
    Ok(Ok(cells.truncated))
}

/// Writes cells within the row and column limits; notes when rows were left.
struct CellSink<'w, W: Write> {
    out: &'w mut W,
    first_row: Option<u32>,
    max_rows: u32,
    max_columns: u32,
    truncated: bool,
}

impl<W: Write> CellSink<'_, W> {
    /// Writes one cell; `false` once the row limit is passed (stop reading).
    fn push(&mut self, row: u32, col: u32, value: &Data) -> io::Result<bool> {
        if col >= self.max_columns || matches!(value, Data::Empty) {
            return Ok(true);
        }
        let first = *self.first_row.get_or_insert(row);
        if row.saturating_sub(first) > self.max_rows {
            self.truncated = true;
            return Ok(false);
        }
        let mut buf = Vec::with_capacity(32);
        buf.push(b'C');
        buf.extend_from_slice(&row.to_le_bytes());
        buf.extend_from_slice(&col.to_le_bytes());
        match value {
            Data::Empty => return Ok(true),
            Data::String(s) => {
                buf.push(1);
                put_str(&mut buf, s);
            }
            Data::Float(x) => {
                buf.push(2);
                buf.extend_from_slice(&x.to_le_bytes());
            }
            Data::Int(i) => {
                buf.push(3);
                buf.extend_from_slice(&i.to_le_bytes());
            }
            Data::Bool(b) => buf.extend_from_slice(&[4, u8::from(*b)]),
            Data::DateTime(d) => {
                buf.push(5);
                buf.extend_from_slice(&d.as_f64().to_le_bytes());
                // The 1904 date system is not exposed; tell it by the date it gives.
                let plain = calamine::ExcelDateTime::new(
                    d.as_f64(),
                    if d.is_datetime() {
                        calamine::ExcelDateTimeType::DateTime
                    } else {
                        calamine::ExcelDateTimeType::TimeDelta
                    },
                    false,
                );
                let is_1904 = plain.to_ymd_hms_milli() != d.to_ymd_hms_milli();
                buf.push(u8::from(d.is_datetime()) | (u8::from(is_1904) << 1));
            }
            Data::Error(e) => buf.extend_from_slice(&[6, error_code(e)]),
            Data::DateTimeIso(s) => {
                buf.push(7);
                put_str(&mut buf, s);
            }
            Data::DurationIso(s) => {
                buf.push(8);
                put_str(&mut buf, s);
            }
        }
        self.out.write_all(&buf)?;
        Ok(true)
    }
}

fn error_code(e: &calamine::CellErrorType) -> u8 {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => 0,
        E::NA => 1,
        E::Name => 2,
        E::Null => 3,
        E::Num => 4,
        E::Ref => 5,
        E::Value => 6,
        E::GettingData => 7,
    }
}

fn error_from_code(c: u8) -> Option<calamine::CellErrorType> {
    use calamine::CellErrorType as E;
    Some(match c {
        0 => E::Div0,
        1 => E::NA,
        2 => E::Name,
        3 => E::Null,
        4 => E::Num,
        5 => E::Ref,
        6 => E::Value,
        7 => E::GettingData,
        _ => return None,
    })
}

/// Reads little-endian values off the front of a byte slice; `None` past its end.
struct Decoder<'a>(&'a [u8]);

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }
    fn peek_u32(&self) -> Option<u32> {
        self.0.get(..4)?.try_into().ok().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }
    fn f64(&mut self) -> Option<f64> {
        self.take(8)?.try_into().ok().map(f64::from_le_bytes)
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        Some(String::from_utf8_lossy(self.take(n)?).into_owned())
    }
}

/// Why an answer carries no sheet.
enum Decoded {
    Refused(Refusal),
    Error(DataError),
}

fn garbled() -> Decoded {
    Decoded::Refused(Refusal::ReaderFailed {
        detail: "its answer was cut short or garbled".to_owned(),
    })
}

fn decode_answer(raw: &[u8]) -> Result<Answer, Decoded> {
    let mut d = Decoder(raw.strip_prefix(ANSWER_MAGIC).ok_or_else(garbled)?);
    let mut answer = Answer::default();
    let mut sorted = true;
    loop {
        match d.u8().ok_or_else(garbled)? {
            b'.' => break,
            b'T' => answer.truncated = true,
            b'S' => answer.sheet = d.str().ok_or_else(garbled)?,
            b'C' => {
                let (row, col, value) = decode_cell(&mut d).ok_or_else(garbled)?;
                match answer.rows.last_mut() {
                    Some((r, cells)) if *r == row => {
                        sorted &= cells.last().is_none_or(|c| c.0 < col);
                        cells.push((col, value));
                    }
                    last => {
                        sorted &= last.is_none_or(|(r, _)| *r < row);
                        answer.rows.push((row, vec![(col, value)]));
                    }
                }
            }
            b'E' => return Err(decode_error(&mut d).ok_or_else(garbled)?),
            _ => return Err(garbled()),
        }
    }
    if !sorted {
        // Rare (cells out of order in the file): sort, merge rows met twice, keep the last
        // value of a cell given twice.
        let mut cells: Vec<(u32, u32, Data)> = std::mem::take(&mut answer.rows)
            .into_iter()
            .flat_map(|(r, cells)| cells.into_iter().map(move |(c, v)| (r, c, v)))
            .collect();
        cells.sort_by_key(|c| (c.0, c.1));
        for (row, col, value) in cells {
            match answer.rows.last_mut() {
                Some((r, cells)) if *r == row => match cells.last_mut() {
                    Some(last) if last.0 == col => last.1 = value,
                    _ => cells.push((col, value)),
                },
                _ => answer.rows.push((row, vec![(col, value)])),
            }
        }
    }
    Ok(answer)
}

fn decode_cell(d: &mut Decoder<'_>) -> Option<(u32, u32, Data)> {
    let row = d.u32()?;
    let col = d.u32()?;
    let value = match d.u8()? {
        1 => Data::String(d.str()?),
        2 => Data::Float(d.f64()?),
        3 => Data::Int(d.u64()? as i64),
        4 => Data::Bool(d.u8()? != 0),
        5 => {
            let value = d.f64()?;
            let flags = d.u8()?;
            let kind = if flags & 1 != 0 {
                calamine::ExcelDateTimeType::DateTime
            } else {
                calamine::ExcelDateTimeType::TimeDelta
            };
            Data::DateTime(calamine::ExcelDateTime::new(value, kind, flags & 2 != 0))
        }
        6 => Data::Error(error_from_code(d.u8()?)?),
        7 => Data::DateTimeIso(d.str()?),
        8 => Data::DurationIso(d.str()?),
        _ => return None,
    };
    Some((row, col, value))
}

fn decode_error(d: &mut Decoder<'_>) -> Option<Decoded> {
    let file = PathBuf::new();
    Some(match d.u8()? {
        1 => Decoded::Error(DataError::Spreadsheet {
            file,
            message: d.str()?,
        }),
        2 => Decoded::Error(DataError::NoSheets { file }),
        3 => {
            let sheet = d.str()?;
            let n = d.u32()?;
            let mut sheets = Vec::new();
            for _ in 0..n {
                sheets.push(d.str()?);
            }
            Decoded::Error(DataError::SheetNotFound {
                file,
                sheet,
                sheets,
            })
        }
        4 => {
            let code = d.u8()?;
            let a = d.u64()?;
            let b = d.u64()?;
            let text = d.str()?;
            Decoded::Refused(match code {
                1 => Refusal::FileTooLarge { bytes: a, limit: b },
                2 => Refusal::TooManyEntries {
                    entries: a as usize,
                    limit: b as usize,
                },
                3 => Refusal::TooBigUnpacked { limit: a },
                4 => Refusal::CompressionRatio {
                    entry: text,
                    ratio: a,
                    limit: b,
                },
                5 => Refusal::DeclaredCount {
                    declared: a,
                    possible: b,
                },
                6 => Refusal::TooManyCells { limit: a },
                7 => Refusal::TookTooLong,
                8 => Refusal::TooMuchMemory,
                9 => Refusal::TooMuchData { limit: a },
                10 => Refusal::ReaderFailed { detail: text },
                11 => Refusal::ReaderUnavailable { detail: text },
                12 => Refusal::SizeMismatch { entry: text },
                _ => return None,
            })
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_errors_survive_the_round_trip() {
        let mut out = ANSWER_MAGIC.to_vec();
        out.extend_from_slice(b"S");
        write_str(&mut out, "Data").unwrap();
        {
            let mut sink = CellSink {
                out: &mut out,
                first_row: None,
                max_rows: 1,
                max_columns: 10,
                truncated: false,
            };
            assert!(sink.push(3, 1, &Data::String("period".into())).unwrap());
            assert!(sink.push(4, 1, &Data::Float(-1.5)).unwrap());
            assert!(sink
                .push(4, 2, &Data::Error(calamine::CellErrorType::NA))
                .unwrap());
            assert!(
                sink.push(4, 20, &Data::Int(7)).unwrap(),
                "columns past the limit are skipped"
            );
            assert!(
                !sink.push(5, 1, &Data::Bool(true)).unwrap(),
                "rows past the limit stop"
            );
            assert!(sink.truncated);
        }
        out.extend_from_slice(b"T.");
        let a = decode_answer(&out).ok().unwrap();
        assert_eq!(a.sheet, "Data");
        assert!(a.truncated);
        assert_eq!(
            a.rows,
            vec![
                (3, vec![(1, Data::String("period".into()))]),
                (
                    4,
                    vec![
                        (1, Data::Float(-1.5)),
                        (2, Data::Error(calamine::CellErrorType::NA))
                    ]
                ),
            ]
        );

        let mut out = ANSWER_MAGIC.to_vec();
        write_error(
            &mut out,
            &ChildError::Refused(Refusal::CompressionRatio {
                entry: "xl/a.xml".into(),
                ratio: 900,
                limit: 200,
            }),
        )
        .unwrap();
        match decode_answer(&out) {
            Err(Decoded::Refused(r)) => assert_eq!(
                r,
                Refusal::CompressionRatio {
                    entry: "xl/a.xml".into(),
                    ratio: 900,
                    limit: 200
                }
            ),
            _ => panic!("not a refusal"),
        }
        // Cut short anywhere: garbled, never a panic.
        for n in 0..out.len() {
            assert!(decode_answer(&out[..n]).is_err());
        }
    }

    #[test]
    fn cells_out_of_order_are_sorted_and_a_cell_given_twice_keeps_its_last_value() {
        let mut out = ANSWER_MAGIC.to_vec();
        {
            let mut sink = CellSink {
                out: &mut out,
                first_row: None,
                max_rows: 100,
                max_columns: 100,
                truncated: false,
            };
            for (row, col, x) in [(2, 0, 1.0), (1, 1, 2.0), (1, 0, 3.0), (2, 0, 4.0)] {
                sink.push(row, col, &Data::Float(x)).unwrap();
            }
        }
        out.push(b'.');
        let a = decode_answer(&out).ok().unwrap();
        assert_eq!(
            a.rows,
            vec![
                (1, vec![(0, Data::Float(3.0)), (1, Data::Float(2.0))]),
                (2, vec![(0, Data::Float(4.0))]),
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, failure_persistence: None, ..Default::default() })]

        /// Whatever a (broken or hostile) child writes, the parent decodes it or says garbled.
        #[test]
        fn decoding_never_panics(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let mut raw = ANSWER_MAGIC.to_vec();
            raw.extend_from_slice(&tail);
            let _ = decode_answer(&raw);
            let mut req = REQUEST_MAGIC.to_vec();
            req.extend_from_slice(&tail);
            let _ = parse_request(&req);
        }
    }
}
