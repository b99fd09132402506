//! Where output goes: standard output, or a file written atomically (to a temporary file
//! beside it, renamed into place only when everything succeeded).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// A buffered destination for one command's output.
pub enum Sink {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A file that appears only on [`Sink::finish`].
    File {
        /// The temporary file being written.
        tmp: BufWriter<NamedTempFile>,
        /// Where it goes.
        path: PathBuf,
    },
}

impl Sink {
    /// Opens `out`, or standard output when `None`.
    pub fn open(out: Option<&Path>) -> Result<Sink> {
        let Some(path) = out else {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout(),
            )));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            anyhow::bail!(
                "cannot write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            );
        }
        let tmp = NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write in the folder {}", dir.display()))?;
        Ok(Sink::File {
            tmp: BufWriter::with_capacity(1 << 16, tmp),
            path: path.to_path_buf(),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { tmp, .. } => tmp,
        }
    }

    /// Flushes, and for a file moves it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => match w.flush() {
                // A closed pipe (`gemba chart … | head`) is not an error for the user.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            },
            Sink::File { tmp, path } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let file = tmp
                    .persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                readable(&file);
                Ok(())
            }
        }
    }
}

/// Writes `files` (name, contents) into the folder `dir`, all or nothing: each is written to a
/// temporary file first; then files already at those names are moved aside, the new ones renamed
/// into place, and only when every rename succeeded are the old ones deleted. If any step fails
/// (a name the file system refuses, a full disk), the new files are removed and the old ones put
/// back, so the folder is as it was.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let mut staged = Vec::with_capacity(files.len());
    for (name, contents) in files {
        let mut tmp = NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write in the folder {}", dir.display()))?;
        tmp.write_all(contents.as_bytes())
            .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
        staged.push((tmp, dir.join(name)));
    }
    // Move aside what the new files replace.
    let mut aside: Vec<(PathBuf, tempfile::TempPath)> = Vec::new();
    let mut placed: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<()> {
        for (_, path) in &staged {
            if path.exists() {
                let backup = tempfile::Builder::new()
                    .prefix(".gemba-old-")
                    .tempfile_in(dir)
                    .with_context(|| format!("cannot write in the folder {}", dir.display()))?
                    .into_temp_path();
                fs::rename(path, &backup)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
                aside.push((path.clone(), backup));
            }
        }
        for (tmp, path) in staged {
            let file = tmp
                .persist(&path)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
            readable(&file);
            placed.push(path);
        }
        Ok(())
    })();
    if result.is_err() {
        for path in &placed {
            let _ = fs::remove_file(path);
        }
        for (path, backup) in aside {
            // Best effort: put the old file back where it was.
            let _ = fs::rename(&backup, &path);
            let _ = backup.keep();
        }
        return result;
    }
    // The old files go when their temporary paths drop.
    drop(aside);
    Ok(())
}

/// Temporary files are created private (0600); a report is an ordinary file (0644).
fn readable(file: &fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: the file is written either way.
        let _ = file.set_permissions(fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

pub use gemba_data::csv_text;
