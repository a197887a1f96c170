//! The data folder is created 0700 and the database 0600, with SQLite's
//! -wal and -shm files following the database, whatever the umask, through
//! the library, the command line (default data folder) and the app.
//!
//! One test function on purpose: it changes the process-wide umask.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use frictionmap::domain::model::Map;
use frictionmap::store::Store;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn sidecar(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Opens a store at `db` (in a folder that does not exist yet), writes a map
/// and checks every file while the database is open.
fn check_store(db: &Path, umask: &str) {
    let mut store = Store::open(db).unwrap();
    store.create(&Map::new("Private")).unwrap();
    assert_eq!(mode(db.parent().unwrap()), 0o700, "umask {umask}: the data folder");
    assert_eq!(mode(db), 0o600, "umask {umask}: the database");
    for suffix in ["-wal", "-shm"] {
        let path = sidecar(db, suffix);
        assert!(
            path.exists(),
            "umask {umask}: {suffix} exists while the database is open"
        );
        assert_eq!(mode(&path), 0o600, "umask {umask}: the {suffix} file");
    }
}

#[test]
fn data_folder_0700_database_and_its_wal_files_0600_under_any_umask() {
    let dir = tempfile::tempdir().unwrap();

    // The library, under the usual umask and under none at all.
    for (umask, bits) in [("022", 0o022), ("000", 0o000)] {
        // SAFETY: umask has no memory effects; this binary's only test.
        let old = unsafe { libc::umask(bits) };
        check_store(&dir.path().join(format!("lib-{umask}")).join("fm.sqlite3"), umask);
        unsafe { libc::umask(old) };
    }

    // The command line in the default place ($XDG_DATA_HOME/frictionmap),
    // started with no umask.
    let data_home = dir.path().join("xdg");
    let output = Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" list")
        .arg(env!("CARGO_BIN_EXE_frictionmap"))
        .env_remove("FRICTIONMAP_DB")
        .env("XDG_DATA_HOME", &data_home)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let folder = data_home.join("frictionmap");
    assert_eq!(mode(&folder), 0o700, "the default data folder");
    assert_eq!(
        mode(&folder.join(frictionmap::store::paths::DB_FILE_NAME)),
        0o600,
        "the default database"
    );
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path) & 0o077, 0, "{} is private", path.display());
    }

    // The app, opening a database in a new folder.
    let db = dir.path().join("app").join("data").join("fm.sqlite3");
    let harness = common::app(&db);
    assert!(common::ws(&harness).maps().len() >= 4, "the samples were seeded");
    assert_eq!(mode(&dir.path().join("app")), 0o700);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    for path in [db.clone(), sidecar(&db, "-wal"), sidecar(&db, "-shm")] {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}
