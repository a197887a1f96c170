//! Where the database lives: `--db`, then `FRICTIONMAP_DB`, then the
//! platform data folder (`…/frictionmap/frictionmap.sqlite3`).

use std::path::PathBuf;

pub const DB_FILE_NAME: &str = "frictionmap.sqlite3";

/// The default database path in the platform data folder.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "frictionmap")
        .ok_or_else(|| anyhow::anyhow!("cannot find a home folder for the database; pass --db PATH"))?;
    Ok(dirs.data_dir().join(DB_FILE_NAME))
}

/// The database path to use, given the `--db`/`FRICTIONMAP_DB` value.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(path) => Ok(path),
        None => default_db_path(),
    }
}
