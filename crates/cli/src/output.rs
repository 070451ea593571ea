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
