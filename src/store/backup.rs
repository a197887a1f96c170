//! Rolling backups of the database file.
//!
//! A backup is a consistent copy made with `VACUUM INTO` while the database
//! stays open, written under a temporary name, checked with
//! `PRAGMA integrity_check`, synced and only then renamed into the
//! `backups` folder beside the database. Old backups are pruned to the
//! newest [`KEEP_RECENT`] plus the newest of each of the last
//! [`KEEP_DAILY_DAYS`] days. A restore never deletes what it replaces: a
//! healthy database is backed up first, a damaged one is moved aside.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Local, NaiveDateTime};
use rusqlite::{Connection, OpenFlags};

use super::{Result, SCHEMA_VERSION, Store, StoreError, check_integrity, sidecar};
use crate::formats::fsutil::{create_private_dir, create_private_file, replace_via_temp, sync_dir};

/// How many of the newest backups are always kept.
pub const KEEP_RECENT: usize = 10;
/// For this many days back, the newest backup of each day is kept too.
pub const KEEP_DAILY_DAYS: i64 = 7;
/// While edits happen, a backup is taken at most this often.
pub const PERIOD: Duration = Duration::from_secs(30 * 60);

const FOLDER: &str = "backups";
const EXTENSION: &str = "sqlite3";
/// Sortable local time with milliseconds, e.g. `20261122-213005123`.
const STAMP: &str = "%Y%m%d-%H%M%S%3f";
const STAMP_LEN: usize = 18;

/// Why a backup was taken; part of its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Start,
    Periodic,
    BeforeMigration,
    BeforeRestore,
    Manual,
}

impl Reason {
    const ALL: [Reason; 5] = [
        Reason::Start,
        Reason::Periodic,
        Reason::BeforeMigration,
        Reason::BeforeRestore,
        Reason::Manual,
    ];

    fn tag(self) -> &'static str {
        match self {
            Reason::Start => "start",
            Reason::Periodic => "periodic",
            Reason::BeforeMigration => "before-migration",
            Reason::BeforeRestore => "before-restore",
            Reason::Manual => "manual",
        }
    }

    /// Words for the backup list.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Start => "at start-up",
            Reason::Periodic => "while editing",
            Reason::BeforeMigration => "before a schema upgrade",
            Reason::BeforeRestore => "before a restore",
            Reason::Manual => "on request",
        }
    }
}

/// One backup file.
#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    pub path: PathBuf,
    pub taken_at: NaiveDateTime,
    pub reason: Reason,
    pub bytes: u64,
}

impl Backup {
    /// One line for lists: when, why, how big.
    pub fn summary(&self) -> String {
        format!(
            "{}  ·  {}  ·  {:.1} MB",
            self.taken_at.format("%Y-%m-%d %H:%M:%S"),
            self.reason.label(),
            self.bytes as f64 / 1_000_000.0
        )
    }
}

/// What a restore did with the database it replaced.
#[derive(Clone, Debug, PartialEq)]
pub enum Replaced {
    /// There was no database file.
    Nothing,
    /// The healthy database was backed up to this file first.
    BackedUp(PathBuf),
    /// The unreadable database was moved aside to this file.
    MovedAside(PathBuf),
}

/// The folder holding the backups of the database at `db`.
pub fn folder(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new("")).join(FOLDER)
}

fn stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_name(db: &Path, at: NaiveDateTime, reason: Reason) -> String {
    format!("{}-{}-{}.{EXTENSION}", stem(db), at.format(STAMP), reason.tag())
}

/// Reads a backup's time and reason back from its file name.
fn parse_name(db: &Path, name: &str) -> Option<(NaiveDateTime, Reason)> {
    let rest = name.strip_prefix(&format!("{}-", stem(db)))?;
    let rest = rest.strip_suffix(&format!(".{EXTENSION}"))?;
    let stamp = rest.get(..STAMP_LEN)?;
    let tag = rest.get(STAMP_LEN..)?.strip_prefix('-')?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    let reason = Reason::ALL.into_iter().find(|r| r.tag() == tag)?;
    Some((at, reason))
}

fn io_error(path: &Path, error: std::io::Error) -> StoreError {
    StoreError::File {
        path: path.display().to_string(),
        error,
    }
}

/// Backs up an open store now. In-memory stores have nothing to back up.
pub fn take(store: &Store, reason: Reason) -> Result<Backup> {
    let db = store.path().ok_or_else(|| StoreError::File {
        path: ":memory:".into(),
        error: std::io::Error::other("an in-memory database has no file to back up"),
    })?;
    take_with(&store.conn, db, reason)
}

/// Copies the database behind `conn` (whose file is `db`) into the backup
/// folder, checks the copy, and prunes old backups.
pub(super) fn take_with(conn: &Connection, db: &Path, reason: Reason) -> Result<Backup> {
    let dir = folder(db);
    create_private_dir(&dir).map_err(|e| io_error(&dir, e))?;
    let taken_at = Local::now().naive_local();
    let name = file_name(db, taken_at, reason);
    let tmp = dir.join(format!(".{name}.tmp"));
    let target = dir.join(&name);
    replace_via_temp(
        &tmp,
        &target,
        |tmp| -> Result<()> {
            // VACUUM INTO needs a missing or empty file; an empty private file
            // keeps the copy readable by the owner only.
            let _ = std::fs::remove_file(tmp);
            create_private_file(tmp).map_err(|e| io_error(tmp, e))?;
            let tmp_text = tmp.to_str().ok_or_else(|| StoreError::File {
                path: tmp.display().to_string(),
                error: std::io::Error::other("the backup path is not valid UTF-8"),
            })?;
            conn.execute("VACUUM INTO ?1", [tmp_text])?;
            verify(tmp)?;
            Ok(())
        },
        |e| io_error(&target, e),
    )?;
    let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    // Pruning is housekeeping: a failure to delete an old copy must not
    // turn a good backup into an error.
    let _ = prune(db, taken_at);
    Ok(Backup {
        path: target,
        taken_at,
        reason,
        bytes,
    })
}

/// Checks a backup (or any database file) without writing to it: it must
/// pass `integrity_check` and have a schema this build reads. Returns the
/// number of maps it holds.
pub fn verify(path: &Path) -> Result<usize> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.display().to_string(),
        detail,
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| damaged(e.to_string()))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
        });
    }
    check_integrity(&conn, "integrity_check").map_err(damaged)?;
    if version == 0 {
        return Ok(0);
    }
    let maps: i64 = conn
        .query_row("SELECT count(*) FROM maps", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    Ok(maps as usize)
}

/// The backups of the database at `db`, newest first. Files in the folder
/// that are not backups of this database are ignored.
pub fn list(db: &Path) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(folder(db)) else {
        return Vec::new();
    };
    let mut backups: Vec<Backup> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let (taken_at, reason) = parse_name(db, &name)?;
            let meta = entry.metadata().ok().filter(|m| m.is_file())?;
            Some(Backup {
                path: entry.path(),
                taken_at,
                reason,
                bytes: meta.len(),
            })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.taken_at));
    backups
}

/// The newest backup that passes [`verify`], with its number of maps.
pub fn newest_good(db: &Path) -> Option<(Backup, usize)> {
    list(db)
        .into_iter()
        .find_map(|b| verify(&b.path).ok().map(|maps| (b, maps)))
}

/// Which of `backups` (newest first) the retention policy keeps at `now`.
pub fn retained(backups: &[Backup], now: NaiveDateTime) -> Vec<bool> {
    let mut keep: Vec<bool> = (0..backups.len()).map(|i| i < KEEP_RECENT).collect();
    for days_back in 0..KEEP_DAILY_DAYS {
        let day = now.date() - chrono::Duration::days(days_back);
        if let Some(i) = backups.iter().position(|b| b.taken_at.date() == day) {
            keep[i] = true;
        }
    }
    keep
}

/// Deletes the backups the retention policy no longer keeps. Returns them.
pub fn prune(db: &Path, now: NaiveDateTime) -> std::io::Result<Vec<PathBuf>> {
    let backups = list(db);
    let keep = retained(&backups, now);
    let mut removed = Vec::new();
    for (backup, keep) in backups.into_iter().zip(keep) {
        if !keep {
            std::fs::remove_file(&backup.path)?;
            removed.push(backup.path);
        }
    }
    Ok(removed)
}

/// Whether the database changed after its newest backup was taken (or has
/// no backup yet), judged by file times.
pub fn changed_since_newest(db: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(newest) = list(db).first().and_then(|b| modified(&b.path)) else {
        return true;
    };
    [db.to_owned(), sidecar(db, "-wal")]
        .iter()
        .filter_map(|p| modified(p))
        .any(|t| t > newest)
}

/// Moves the database file and its `-wal`/`-shm` companions aside as
/// `<name>.<label>-<timestamp>`, never overwriting anything. Returns the
/// new path of the database file.
pub fn move_aside(db: &Path, label: &str) -> std::io::Result<PathBuf> {
    let stamp = Local::now().naive_local().format(STAMP).to_string();
    let mut target = sidecar(db, &format!(".{label}-{stamp}"));
    let mut n = 2;
    while target.exists() {
        target = sidecar(db, &format!(".{label}-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(db, &target)?;
    for suffix in ["-wal", "-shm"] {
        let from = sidecar(db, suffix);
        if from.exists() {
            std::fs::rename(&from, sidecar(&target, suffix))?;
        }
    }
    if let Some(dir) = db.parent() {
        sync_dir(dir);
    }
    Ok(target)
}

/// Replaces the database at `db` with the backup at `backup`. The backup is
/// verified first; the database it replaces is backed up when healthy and
/// moved aside otherwise. No connection to `db` may be open.
pub fn restore(backup: &Path, db: &Path) -> Result<Replaced> {
    verify(backup)?;
    let replaced = if !db.exists() {
        Replaced::Nothing
    } else {
        match Store::open(db) {
            Ok(store) => {
                let copy = take(&store, Reason::BeforeRestore)?;
                // Fold the write-ahead log into the file, so removing the
                // log below loses nothing the backup does not hold.
                store
                    .conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
                drop(store);
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(sidecar(db, suffix));
                }
                Replaced::BackedUp(copy.path)
            }
            Err(e) if e.is_damage() || matches!(e, StoreError::TooNew { .. } | StoreError::Altered { .. }) => {
                let label = if e.is_damage() { "corrupt" } else { "replaced" };
                Replaced::MovedAside(move_aside(db, label).map_err(|e| io_error(db, e))?)
            }
            Err(e) => return Err(e),
        }
    };
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.restore.tmp",
        db.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    replace_via_temp(
        &tmp,
        db,
        |tmp| {
            let _ = std::fs::remove_file(tmp);
            create_private_file(tmp)?;
            std::fs::copy(backup, tmp).map(|_| ())
        },
        |e| e,
    )
    .map_err(|e| io_error(db, e))?;
    Ok(replaced)
}
