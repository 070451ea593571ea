//! Files the CLI writes (`-o`, `--trajectory-out`, `--trace`, reports): written
//! to a temporary file in the same folder and renamed over the target only
//! once complete, so a command that fails half way leaves any file already
//! there as it was, and never a truncated one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why an output file could not be written. The I/O error is part of the
/// message, not a source: a failed write to a closed pipe given as `-o` is
/// reported like any other failed write.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {}: it is a folder", .path.display())]
    Folder { path: PathBuf },
    #[error("cannot write {}: {error}", .path.display())]
    Write { path: PathBuf, error: std::io::Error },
    #[error("cannot create {}: {error}", .path.display())]
    CreateFolder { path: PathBuf, error: std::io::Error },
}

/// An output file being written; [`Output::commit`] puts it in place, and
/// dropping it without committing leaves the target untouched.
pub struct Output {
    target: PathBuf,
    inner: Inner,
}

enum Inner {
    /// Beside the target, renamed over it on commit.
    Staged(BufWriter<tempfile::NamedTempFile>),
    /// Straight to a target that is not a regular file (`/dev/stdout`, a pipe):
    /// it cannot be replaced by renaming, and must not be.
    Direct(BufWriter<File>),
}

/// Starts writing `path`.
pub fn create(path: &Path) -> Result<Output, OutputError> {
    let cannot = |error: std::io::Error| OutputError::Write { path: path.to_path_buf(), error };
    // Write where a symbolic link points, as opening the path would.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(OutputError::Folder { path: path.to_path_buf() });
        }
        let f = std::fs::OpenOptions::new().write(true).open(&target).map_err(cannot)?;
        return Ok(Output { target, inner: Inner::Direct(BufWriter::new(f)) });
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // As `File::create` would: a new file gets 0666 less the umask, a replaced
    // one keeps its permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(&dir).map_err(cannot)?;
    if let Some(m) = &existing {
        tmp.as_file().set_permissions(m.permissions()).map_err(cannot)?;
    }
    Ok(Output { target, inner: Inner::Staged(BufWriter::new(tmp)) })
}

/// Writes all of `bytes` to `path` in one go.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), OutputError> {
    let mut out = create(path)?;
    out.write_all(bytes.as_ref()).map_err(|error| OutputError::Write { path: path.to_path_buf(), error })?;
    out.commit()
}

/// Creates the folder `dir` (and its parents) for an output file.
pub fn create_folder(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|error| OutputError::CreateFolder { path: dir.to_path_buf(), error })
}

impl Output {
    /// Flushes the file and puts it in place of the target.
    pub fn commit(self) -> Result<(), OutputError> {
        let target = self.target;
        let cannot = |error: std::io::Error| OutputError::Write { path: target.clone(), error };
        match self.inner {
            Inner::Direct(mut w) => w.flush().map_err(cannot),
            Inner::Staged(w) => {
                let tmp = w.into_inner().map_err(|e| cannot(e.into_error()))?;
                tmp.as_file().sync_all().map_err(cannot)?;
                tmp.persist(&target).map_err(|e| cannot(e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            Inner::Staged(w) => w.write(buf),
            Inner::Direct(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            Inner::Staged(w) => w.flush(),
            Inner::Direct(w) => w.flush(),
        }
    }
}

/// Where a command's result goes: standard output, or the file of the global
/// `-o/--output`. The file is opened at the first write and put in place by
/// [`finish`] only when the command succeeds, so a failed command leaves an
/// existing file as it was. Commands whose result is a file by nature
/// (`report`, `init`, `runs export`, `events`) take the path with
/// [`take_target`] and write it themselves.
enum Sink {
    Stdout,
    Pending(PathBuf),
    Open(Output),
}

static SINK: std::sync::Mutex<Sink> = std::sync::Mutex::new(Sink::Stdout);

fn sink() -> std::sync::MutexGuard<'static, Sink> {
    // A panic while holding the lock leaves nothing half-done that matters here.
    SINK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends the command's result to `path` (the global `-o/--output`).
pub fn set_target(path: Option<PathBuf>) {
    *sink() = path.map_or(Sink::Stdout, Sink::Pending);
}

/// The `-o/--output` path, if one was given and nothing was written to it
/// yet; standard output is the result's destination from then on.
pub fn take_target() -> Option<PathBuf> {
    let mut s = sink();
    match std::mem::replace(&mut *s, Sink::Stdout) {
        Sink::Pending(p) => Some(p),
        other => {
            *s = other;
            None
        }
    }
}

/// The `-o/--output` path without taking it (for messages and checks).
pub fn target() -> Option<PathBuf> {
    match &*sink() {
        Sink::Pending(p) => Some(p.clone()),
        Sink::Open(o) => Some(o.target.clone()),
        Sink::Stdout => None,
    }
}

/// Whether the result goes to a terminal (binary formats refuse to).
pub fn to_terminal() -> bool {
    use std::io::IsTerminal;
    matches!(&*sink(), Sink::Stdout) && std::io::stdout().is_terminal()
}

/// Puts the `-o/--output` file in place if the command succeeded (an empty
/// file if it printed nothing), or discards it if it failed.
pub fn finish(succeeded: bool) -> Result<(), OutputError> {
    match std::mem::replace(&mut *sink(), Sink::Stdout) {
        Sink::Stdout => Ok(()),
        Sink::Pending(p) if succeeded => create(&p)?.commit(),
        Sink::Open(o) if succeeded => o.commit(),
        Sink::Pending(_) | Sink::Open(_) => Ok(()),
    }
}

/// The command's result stream: standard output, or the `-o/--output` file.
pub struct ResultStream;

/// The writer behind `out!`/`outln!`.
pub fn result() -> ResultStream {
    ResultStream
}

impl Write for ResultStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut s = sink();
        if let Sink::Pending(p) = &*s {
            let opened = create(p).map_err(std::io::Error::other)?;
            *s = Sink::Open(opened);
        }
        match &mut *s {
            Sink::Open(o) => o.write(buf),
            _ => std::io::stdout().lock().write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let mut rest = buf;
        while !rest.is_empty() {
            match self.write(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut *sink() {
            Sink::Open(o) => o.flush(),
            _ => std::io::stdout().lock().flush(),
        }
    }
}
