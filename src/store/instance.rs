//! One writer per database: the desktop window, and command-line commands
//! that write, hold an advisory lock on `<database>.lock` for as long as
//! they run. A second window on the same database is refused with a clear
//! message instead of silently overwriting the first one's edits. The
//! operating system drops the lock when the process ends, even when it is
//! killed, so a crash never leaves the database locked.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::formats::fsutil::{create_private_dir, create_private_file};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{0} is already open in another Friction Map window; close that window first")]
    AlreadyOpen(String),
    #[error("{path}: cannot create the lock file: {error}")]
    Io { path: String, error: std::io::Error },
}

/// Held while this process may write to the database.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    path: PathBuf,
}

impl InstanceLock {
    /// Takes the lock for the database at `db`, or says who holds it.
    pub fn acquire(db: &Path) -> Result<Self, LockError> {
        let path = lock_path(db);
        let io = |error| LockError::Io {
            path: path.display().to_string(),
            error,
        };
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(io)?;
        }
        create_private_file(&path).map_err(io)?;
        let file = File::options().read(true).write(true).open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::AlreadyOpen(db.display().to_string())),
            Err(TryLockError::Error(error)) => Err(io(error)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    crate::store::sidecar(db, ".lock")
}
