//! Files that must survive crashes and stay private. Every export (JSON,
//! CSV, Markdown, pictures) is written atomically: a temporary file beside
//! the target, fsync, rename, fsync the folder. No export ever replaces a
//! database: the open database, its companion files and its backups are
//! protected, and so is any file that is an SQLite database. Folders and
//! files that hold the user's data are created readable by the owner only.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically, unless `path` is protected (see
/// [`check_target`]).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_write_with(path, |out| out.write_all(bytes))
}

/// Why a file may not be written over.
#[derive(Debug, thiserror::Error)]
pub enum Protected {
    #[error(
        "{target} is the database {db} or one of its files; nothing is ever exported over it: choose another file name"
    )]
    Database { target: String, db: String },
    #[error("{target} is a backup of the database; nothing is ever exported over it: choose another file name")]
    Backup { target: String },
    #[error("{target} is an SQLite database; nothing is ever exported over a database: choose another file name")]
    SqliteFile { target: String },
    #[error("{target} is the file this command reads; writing over it would lose it: choose another file name")]
    Input { target: String },
}

/// A database this process uses, with the folder of its backups.
struct ProtectedDb {
    db: PathBuf,
    backups: PathBuf,
}

/// The files of this process that no export may replace.
struct ProtectedFiles {
    databases: Vec<ProtectedDb>,
    inputs: Vec<PathBuf>,
}

static PROTECTED: Mutex<ProtectedFiles> = Mutex::new(ProtectedFiles {
    databases: Vec::new(),
    inputs: Vec::new(),
});

fn protected() -> std::sync::MutexGuard<'static, ProtectedFiles> {
    // The list is only ever pushed to, so a poisoned lock still holds it whole.
    PROTECTED.lock().unwrap_or_else(|e| e.into_inner())
}

/// The files beside a database that belong to it: its name with these added.
const COMPANIONS: [&str; 5] = ["", "-wal", "-shm", "-journal", ".lock"];

/// Protects the database at `db`, its companion files ([`COMPANIONS`]) and
/// every file in `backups` from being written over by an export, for as
/// long as this process runs.
pub fn protect_database(db: &Path, backups: &Path) {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let entry = ProtectedDb {
        db: absolute(db),
        backups: absolute(backups),
    };
    let mut list = protected();
    if !list.databases.iter().any(|d| d.db == entry.db) {
        list.databases.push(entry);
    }
}

/// Protects a file that the running command reads from being written over
/// by the same command (`bpmn import x.bpmn --out x.bpmn`).
pub fn protect_input(path: &Path) {
    if let Ok(path) = std::path::absolute(path) {
        protected().inputs.push(path);
    }
}

/// `path` with its folder's symbolic links resolved, and the file's own
/// when it exists. `None` when its folder does not exist.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(name))
}

/// The device and inode of an existing file, where the platform has them.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// Whether the file at `path` starts with the header of an SQLite database
/// or of its write-ahead log.
fn is_sqlite_file(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0" || matches!(head[..4], [0x37, 0x7f, 0x06, 0x82 | 0x83]))
}

/// Refuses a target that an export must not write over: a protected
/// database or one of its files (compared by resolved path, and by file
/// identity where the platform gives one), a backup, a protected input
/// file, or any SQLite database.
pub fn check_target(path: &Path) -> Result<(), Protected> {
    let target_text = path.display().to_string();
    let Some(target) = resolved(path) else {
        // No such folder: the write fails later, and cannot hit a database.
        return Ok(());
    };
    let target_id = identity(&target);
    let dir = target.parent();
    let list = protected();
    for entry in &list.databases {
        let Some(db) = resolved(&entry.db) else { continue };
        let same_name = COMPANIONS.iter().any(|suffix| {
            let mut companion = db.as_os_str().to_owned();
            companion.push(suffix);
            Path::new(&companion) == target
        });
        let same_file = target_id.is_some()
            && COMPANIONS.iter().any(|suffix| {
                let mut companion = db.as_os_str().to_owned();
                companion.push(suffix);
                identity(Path::new(&companion)) == target_id
            });
        if same_name || same_file {
            return Err(Protected::Database {
                target: target_text,
                db: entry.db.display().to_string(),
            });
        }
        if resolved(&entry.backups).is_some_and(|b| Some(b.as_path()) == dir) {
            return Err(Protected::Backup { target: target_text });
        }
    }
    for input in &list.inputs {
        if resolved(input).as_ref() == Some(&target) || (target_id.is_some() && identity(input) == target_id) {
            return Err(Protected::Input { target: target_text });
        }
    }
    drop(list);
    if is_sqlite_file(&target) {
        return Err(Protected::SqliteFile { target: target_text });
    }
    Ok(())
}

/// Writes to `path` atomically whatever `write` writes. If `write` fails,
/// or anything after it, `path` keeps its old content and the temporary file
/// is removed. One left by a process that was killed mid-write is removed by
/// the next write to the same path.
pub fn atomic_write_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    check_target(path).map_err(std::io::Error::other)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temp_files(dir, &file_name);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    replace_via_temp(
        &tmp,
        path,
        |tmp| {
            let file = std::fs::OpenOptions::new().write(true).create_new(true).open(tmp)?;
            // A replaced file keeps who may read it.
            if let Ok(old) = std::fs::metadata(path) {
                file.set_permissions(old.permissions())?;
            }
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?;
            Ok(())
        },
        |e| e,
    )
}

/// The one way a file is replaced whole: `fill` makes the temporary file
/// `tmp` (beside `target`) complete; it is then synced, renamed over
/// `target`, and the rename made durable. On any failure the temporary file
/// is removed and `target` is as it was. [`atomic_write_with`] fills it
/// through a writer; a backup is filled by SQLite's `VACUUM INTO` and a
/// restore by a copy. Unlike [`atomic_write`] it does not check the target:
/// its callers outside this file replace database files on purpose. An
/// error of the sync or the rename becomes an `E` through `io_error`.
pub fn replace_via_temp<E>(
    tmp: &Path,
    target: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
    io_error: impl FnOnce(std::io::Error) -> E,
) -> Result<(), E> {
    let result = fill(tmp).and_then(|()| {
        (|| {
            std::fs::File::open(tmp)?.sync_all()?;
            std::fs::rename(tmp, target)?;
            // Make the rename itself durable.
            sync_dir(
                target
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            );
            Ok(())
        })()
        .map_err(io_error)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Makes the renames in `dir` durable, as far as the system allows.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates `dir` (and its parents) readable by the owner only. An existing
/// folder is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file readable by the owner only, so that no later
/// writer creates it with looser permissions. Returns whether the file was
/// created; an existing file is left untouched.
pub fn create_private_file(path: &Path) -> std::io::Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// The temporary files `atomic_write` would use for `file_name` in `dir`,
/// with the id of the process that made each.
pub fn temp_files(dir: &Path, file_name: &str) -> Vec<(PathBuf, u32)> {
    let prefix = format!(".{file_name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let middle = name.strip_prefix(&prefix)?.strip_suffix(".tmp")?;
            let (pid, counter) = middle.split_once('.')?;
            counter.parse::<u64>().ok()?;
            Some((entry.path(), pid.parse().ok()?))
        })
        .collect()
}

/// Removes temporary files left for `file_name` by processes that no longer
/// run. Where that cannot be told (no `/proc`), files older than a day go.
fn remove_stale_temp_files(dir: &Path, file_name: &str) {
    let proc_known = Path::new("/proc/self").exists();
    for (path, pid) in temp_files(dir, file_name) {
        let stale = if proc_known {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 24 * 3600)
        };
        if stale {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_failing_half_way_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, b"old content").unwrap();
        let result = atomic_write_with(&path, |out| {
            out.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("disk gone half-way"))
        });
        assert_eq!(result.unwrap_err().to_string(), "disk gone half-way");
        assert_eq!(std::fs::read(&path).unwrap(), b"old content");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.csv"]);
    }

    #[test]
    fn a_temp_file_of_a_dead_process_is_removed_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brief.md");
        // No process has the largest pid on Linux (pid_max is at most 2^22).
        let dead = dir.path().join(format!(".brief.md.{}.0.tmp", u32::MAX));
        let live = dir.path().join(format!(".brief.md.{}.999.tmp", std::process::id()));
        let other = dir.path().join(format!(".other.md.{}.0.tmp", u32::MAX));
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"half").unwrap();
        }
        assert_eq!(temp_files(dir.path(), "brief.md").len(), 2);
        atomic_write(&path, b"# Brief\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"# Brief\n");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "the dead process's temp file is removed");
        }
        assert!(live.exists(), "a running process's temp file is kept");
        assert!(other.exists(), "another file's temp file is not touched");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.json");
        std::fs::write(&path, b"{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&path, b"{\"new\": 1}").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }
}
