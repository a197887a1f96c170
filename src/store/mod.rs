//! The SQLite store: one database file holding every map in normalized
//! tables (maps, lanes, steps, edges, picks and their reviews), versioned
//! with `PRAGMA user_version`. Every write is one IMMEDIATE transaction, so
//! it is all-or-nothing.

pub mod instance;
pub mod paths;
pub mod seed;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, ToSql, TransactionBehavior, params, params_from_iter};

use crate::domain::model::Map;
use crate::domain::validate::{MAX_NAME_CHARS, Problems};
use crate::formats::fsutil::{create_private_dir, create_private_file};
use crate::plan::Pick;

mod orphans;
mod read;
mod save;
pub use orphans::Orphans;
pub use read::Loaded;
use read::{direction_key, state_key, weekday_key};
pub use save::{SaveCache, SaveStats, StepsError};
use save::{checked_keys, write_contents};

/// The schema version this build writes. Migrations bring older files here.
pub const SCHEMA_VERSION: i64 = 6;

/// Ordered migrations: `MIGRATIONS[i]` upgrades version `i` to `i + 1`.
/// Each runs in its own transaction together with its version bump, so a
/// file is always at one version or the next, never in between.
const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
    include_str!("schema_v6.sql"),
];

pub mod backup;

pub use crate::domain::model::MapId;

/// A line in the map library.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSummary {
    pub id: MapId,
    pub name: String,
    pub lanes: usize,
    pub steps: usize,
    pub updated_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: the database has schema version {found}, newer than this build understands ({SCHEMA_VERSION}); it was left untouched"
    )]
    TooNew { path: String, found: i64 },
    /// The file is not a readable Friction Map database.
    #[error("{path}: the database file is damaged: {detail}")]
    Damaged { path: String, detail: String },
    /// The schema was changed by another tool: left untouched.
    #[error("{path}: the database cannot be used as it is: {detail}")]
    Altered { path: String, detail: String },
    #[error("no map is named {0:?}")]
    NoSuchName(String),
    #[error("the map with id {0} no longer exists")]
    NoSuchMap(i64),
    #[error("a map named {0:?} already exists")]
    NameTaken(String),
    #[error("{path}: cannot create the data folder: {error}")]
    Folder { path: String, error: std::io::Error },
    #[error("{path}: {error}")]
    File { path: String, error: std::io::Error },
    #[error("{path}: the database cannot be written: {error}")]
    NotWritable { path: String, error: std::io::Error },
    /// A stored map that does not pass validation: edited with another tool.
    #[error(
        "map {name:?} (id {id}) in the database has problems, so it is not used until they are fixed \
         (open it in the app to repair it):\n{problems}"
    )]
    Invalid { id: i64, name: String, problems: Problems },
    #[error(transparent)]
    Steps(#[from] StepsError),
    #[error("the map has two {what}s with the key {key}")]
    DuplicateKey { what: &'static str, key: String },
    /// A row of the map points at a lane or step the map does not have.
    #[error("the {what} points at {target}, which the map does not have")]
    Dangling { what: String, target: String },
    #[error("{}", describe_sql(.0))]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// Whether the error means the file itself is unreadable as a database.
    pub fn is_damage(&self) -> bool {
        match self {
            StoreError::Damaged { .. } => true,
            StoreError::Sql(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
            ),
            _ => false,
        }
    }
}

/// Whether SQLite could not open or write the file (as opposed to a bad file).
fn cannot_write(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied)
    )
}

/// Says in plain words what a failed database call means for the user.
fn describe_sql(error: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    let what = match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "the disk is full",
        Some(ErrorCode::ReadOnly) => "the database file or its folder is read-only",
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "the database is busy in another program; try again in a moment"
        }
        Some(ErrorCode::CannotOpen) => "the database file cannot be opened",
        Some(ErrorCode::SystemIoFailure) => "the disk could not be written or read",
        Some(ErrorCode::PermissionDenied) => "permission to the database file was denied",
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => "the database file is damaged",
        _ => return format!("database error: {error}"),
    };
    format!("{what} ({error})")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite copies the write-ahead log into the database file (a checkpoint)
/// after the commit that takes the log past this many pages. Its default of
/// 1,000 pages (4 MB) would put a checkpoint into nearly every save of a
/// large map; the save thread checkpoints when it falls idle instead
/// ([`Store::checkpoint`]), and this is the backstop if it never does.
const WAL_CHECKPOINT_PAGES: i64 = 16_384;

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date. Nothing is written to a file that is damaged
    /// ([`StoreError::Damaged`]) or newer than this build
    /// ([`StoreError::TooNew`]); an older file is backed up before it is
    /// migrated.
    pub fn open(path: &Path) -> Result<Self> {
        crate::formats::fsutil::protect_database(path, &backup::folder(path));
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(|error| StoreError::Folder {
                path: dir.display().to_string(),
                error,
            })?;
        }
        let created = create_private_file(path).map_err(|error| StoreError::File {
            path: path.display().to_string(),
            error,
        })?;
        if !created && file_len(path) == Some(0) && file_len(&sidecar(path, "-wal")).unwrap_or(0) == 0 {
            return Err(StoreError::Damaged {
                path: path.display().to_string(),
                detail: "the file is empty (0 bytes) although it existed before".into(),
            });
        }
        let opened = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(StoreError::from)
        .and_then(|conn| Self::init(conn, Some(path.to_owned())));
        opened.map_err(|e| match e {
            e if e.is_damage() => StoreError::Damaged {
                path: path.display().to_string(),
                detail: match e {
                    StoreError::Damaged { detail, .. } => detail,
                    StoreError::Sql(sql) => sql.to_string(),
                    other => other.to_string(),
                },
            },
            StoreError::Sql(sql) if cannot_write(&sql) => match std::fs::OpenOptions::new().append(true).open(path) {
                Err(error) => StoreError::NotWritable {
                    path: path.display().to_string(),
                    error,
                },
                Ok(_) => StoreError::Sql(sql),
            },
            e => e,
        })
    }

    /// A throwaway database, for tests and what-if work.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Reading comes first, so a newer or damaged file is never written.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.as_deref().map(|p| p.display().to_string()).unwrap_or_default(),
                found: version,
            });
        }
        check_integrity(&conn, "quick_check").map_err(|detail| StoreError::Damaged {
            path: String::new(),
            detail,
        })?;
        let shown_path = path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        let altered = |detail: String| StoreError::Altered {
            path: shown_path.clone(),
            detail,
        };
        if version == 0 && table_exists(&conn, "maps")? {
            return Err(altered(format!(
                "its schema version (PRAGMA user_version) is 0, but it already holds Friction Map's tables; \
                 another tool reset it. Set it back with the sqlite3 shell (PRAGMA user_version = N, where N \
                 is the version it had, {SCHEMA_VERSION} for this build) or restore a backup"
            )));
        }
        if let Some(db) = path.as_deref().filter(|_| version > 0 && version < SCHEMA_VERSION) {
            backup::take_with(&conn, db, backup::Reason::BeforeMigration)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        // After a checkpoint SQLite reuses the log from its start; this
        // trims a log a large save grew back to 4 MiB then.
        conn.pragma_update(None, "journal_size_limit", 4 * 1024 * 1024)?;
        // Room for a large map's pages (SQLite's default is 2 MiB), so a
        // whole save does not spill pages and read them back. Only pages
        // in use take memory.
        conn.pragma_update(None, "cache_size", -65_536)?;
        let mut store = Self { conn, path };
        store.migrate(version)?;
        store.conn.pragma_update(None, "foreign_keys", true)?;
        if let Some(missing) = missing_schema(&store.conn)? {
            return Err(altered(format!(
                "{missing}: it was changed with another tool. Restore a backup \
                 (`frictionmap restore --latest`, or Map > Restore from backup… after starting with another --db)"
            )));
        }
        Ok(store)
    }

    /// Runs the migrations after version `from`, with foreign keys off:
    /// a migration that rebuilds a table must not cascade to its children
    /// (rows that other tools left without a parent included).
    fn migrate(&mut self, from: i64) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", false)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Copies what the write-ahead log holds into the database file, as far
    /// as no reader still needs it, without waiting for anyone.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// All maps, by name.
    /// All maps, by name. Names come as stored, with invalid UTF-8 shown as
    /// "?" and cut after one character more than a name may have (the
    /// database may hold anything another tool wrote; a longer name is
    /// invalid anyway, and the map's check says so).
    pub fn list(&self) -> Result<Vec<MapSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id, CAST(substr(m.name, 1, {}) AS BLOB), m.updated_at,
                    (SELECT count(*) FROM lanes l WHERE l.map_id = m.id),
                    (SELECT count(*) FROM steps s WHERE s.map_id = m.id)
             FROM maps m ORDER BY m.name COLLATE NOCASE, m.id",
            MAX_NAME_CHARS + 1
        ))?;
        let rows = stmt.query_map([], |r| {
            let name = match r.get_ref(1)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => read::lossy(b),
                _ => String::new(),
            };
            Ok(MapSummary {
                id: MapId(r.get(0)?),
                name,
                updated_at: r.get::<_, Option<i64>>(2).ok().flatten().unwrap_or(0),
                lanes: r.get::<_, i64>(3)? as usize,
                steps: r.get::<_, i64>(4)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM maps)", [], |r| r.get(0))?)
    }

    pub fn find_by_name(&self, name: &str) -> Result<MapId> {
        self.conn
            .query_row("SELECT id FROM maps WHERE name = ?1", [name], |r| r.get(0))
            .optional()?
            .map(MapId)
            .ok_or_else(|| StoreError::NoSuchName(name.to_owned()))
    }

    /// `base` if no map has that name, otherwise `base (2)`, `base (3)`, ….
    /// The result stays within the name length limit.
    pub fn free_name(&self, base: &str) -> Result<String> {
        free_name_in(&self.conn, base)
    }

    /// Loads a whole map, refusing one that does not pass [`validate`]
    /// (edited with another tool): [`StoreError::Invalid`] lists why.
    ///
    /// [`validate`]: crate::domain::validate::validate
    pub fn load(&self, id: MapId) -> Result<Map> {
        Ok(self.load_checked(id)?.into_valid(id)?.0)
    }

    /// Loads a whole map as it is stored, with its problems, so that it
    /// can be shown and repaired.
    pub fn load_checked(&self, id: MapId) -> Result<Loaded> {
        read::load_checked(&self.conn, id)
    }

    /// Adds a new map under its name, or under the free name
    /// [`Store::free_name`] makes of it when another map has it. Returns the
    /// new id and, when the map had to be renamed, the name that was taken;
    /// `map.name` is the name it was stored under.
    pub fn create_under_free_name(&mut self, map: &mut Map) -> Result<(MapId, Option<String>)> {
        let wanted = map.name.clone();
        map.name = self.free_name(&wanted)?;
        let id = self.create(map)?;
        Ok((id, (map.name != wanted).then_some(wanted)))
    }

    /// Adds a new map. Its name must be free (see [`Store::free_name`]).
    pub fn create(&mut self, map: &Map) -> Result<MapId> {
        checked_keys(map)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_name_free(&tx, &map.name, None)?;
        let now = unix_now();
        tx.execute(
            "INSERT INTO maps (name, currency, notes, hourly_cost, delay_cost_per_hour, hours_per_fte_month,
                               sim_draws, sim_seed, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                map.name,
                map.currency,
                map.notes,
                map.rates.hourly_cost,
                map.rates.delay_cost_per_hour,
                map.rates.hours_per_fte_month,
                map.simulation.draws,
                map.simulation.seed as i64,
                now
            ],
        )?;
        let id = MapId(tx.last_insert_rowid());
        write_contents(&tx, id, map, false)?;
        insert_picks(&tx, id, &map.picks)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn rename(&mut self, id: MapId, name: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_name_free(&tx, name, Some(id))?;
        let changed = tx.execute(
            "UPDATE maps SET name = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.0, name, unix_now()],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchMap(id.0));
        }
        tx.commit()?;
        Ok(())
    }

    /// Copies a map under a free name based on `name`.
    pub fn duplicate(&mut self, id: MapId, name: &str) -> Result<MapId> {
        let mut map = self.load(id)?;
        map.name = name.to_owned();
        Ok(self.create_under_free_name(&mut map)?.0)
    }

    pub fn delete(&mut self, id: MapId) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute("DELETE FROM maps WHERE id = ?1", [id.0])?;
        if changed == 0 {
            return Err(StoreError::NoSuchMap(id.0));
        }
        tx.execute(
            "DELETE FROM settings WHERE key = 'last_map_id' AND value = ?1",
            [id.0.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The raw connection, for integrity checks and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The step value columns in `Attr::ALL` order: value, low, high for each.
const STEP_VALUE_COLUMNS: &str = "volume_per_month, volume_per_month_low, volume_per_month_high,
     handle_minutes, handle_minutes_low, handle_minutes_high,
     rework_rate, rework_rate_low, rework_rate_high,
     approval_delay_hours, approval_delay_hours_low, approval_delay_hours_high";

/// See [`Store::free_name`].
fn free_name_in(conn: &Connection, base: &str) -> Result<String> {
    let taken = |name: &str| -> Result<bool> {
        Ok(
            conn.query_row("SELECT EXISTS (SELECT 1 FROM maps WHERE name = ?1)", [name], |r| {
                r.get(0)
            })?,
        )
    };
    let fit = |text: &str, room: usize| -> String { text.chars().take(room).collect() };
    let base = fit(base.trim(), MAX_NAME_CHARS);
    if !taken(&base)? {
        return Ok(base);
    }
    for n in 2u64.. {
        let suffix = format!(" ({n})");
        let candidate = format!("{}{suffix}", fit(&base, MAX_NAME_CHARS - suffix.chars().count()));
        if !taken(&candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded range always finds a free name")
}

fn ensure_name_free(conn: &Connection, name: &str, except: Option<MapId>) -> Result<()> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM maps WHERE name = ?1 AND id IS NOT ?2)",
        params![name, except.map(|id| id.0)],
        |r| r.get(0),
    )?;
    if taken {
        Err(StoreError::NameTaken(name.to_owned()))
    } else {
        Ok(())
    }
}

/// The pick columns in the order `load_picks` reads and `insert_picks` writes them.
const PICK_COLUMNS: &str = "pick_id, lane_id, picked_on, state, closed_on, close_reason,
     baseline_rank, baseline_monthly_friction, baseline_handling, baseline_rework, baseline_delay,
     baseline_friction_low, baseline_friction_high, baseline_share_pct, baseline_touch_hours, baseline_fte,
     owner, metric_name, metric_unit, metric_direction, metric_baseline_value, metric_baseline_date,
     metric_target_value, metric_target_date, exception_policy, exception_reviewer, review_day";

fn insert_picks(conn: &Connection, id: MapId, picks: &[Pick]) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO picks (map_id, position, {PICK_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                 ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)"
    ))?;
    let mut review_stmt = conn.prepare_cached(
        "INSERT INTO reviews (map_id, pick_id, position, date, value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    for (position, p) in picks.iter().enumerate() {
        let b = &p.baseline;
        let m = &p.metric;
        let (position, rank) = (position as i64, i64::try_from(b.rank).unwrap_or(i64::MAX));
        let (picked_on, closed_on) = (date(p.picked_on), p.closed_on.map(date));
        let head: [&dyn ToSql; 9] = [
            &id.0,
            &position,
            &p.id,
            &p.lane,
            &picked_on,
            &state_key(p.state),
            &closed_on,
            &p.close_reason,
            &rank,
        ];
        let figures = b.figures();
        let (metric_direction, metric_baseline_date) = (m.direction.map(direction_key), m.baseline_date.map(date));
        let (target_date, review_day) = (date(m.target_date), p.review_day.map(weekday_key));
        let tail: [&dyn ToSql; 11] = [
            &p.owner_at_close,
            &m.name,
            &m.unit,
            &metric_direction,
            &m.baseline_value,
            &metric_baseline_date,
            &m.target_value,
            &target_date,
            &p.exception_policy,
            &p.exception_reviewer,
            &review_day,
        ];
        let figures = figures.iter().map(|f| f as &dyn ToSql);
        stmt.execute(params_from_iter(head.into_iter().chain(figures).chain(tail)))?;
        for (position, r) in p.reviews.iter().enumerate() {
            review_stmt.execute(params![id.0, p.id, position as i64, date(r.date), r.value, r.note])?;
        }
    }
    Ok(())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn table_exists(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [table],
        |r| r.get(0),
    )
}

/// The tables and columns this build reads and writes, in a fresh database.
static SCHEMA: std::sync::LazyLock<Vec<(String, Vec<String>)>> = std::sync::LazyLock::new(|| {
    let columns_of = |conn: &Connection| -> rusqlite::Result<Vec<(String, Vec<String>)>> {
        let mut tables = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        for table in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let table = table?;
            let mut columns = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
            let names = columns
                .query_map([&table], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tables.push((table, names));
        }
        Ok(tables)
    };
    let fresh = || -> rusqlite::Result<Vec<(String, Vec<String>)>> {
        let conn = Connection::open_in_memory()?;
        for sql in MIGRATIONS {
            conn.execute_batch(sql)?;
        }
        columns_of(&conn)
    };
    fresh().unwrap_or_default()
});

/// The first table or column of this build's schema that the database
/// lacks, in words.
fn missing_schema(conn: &Connection) -> Result<Option<String>> {
    for (table, columns) in SCHEMA.iter() {
        if !table_exists(conn, table)? {
            return Ok(Some(format!("the table {table} is missing")));
        }
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let present: Vec<String> = stmt
            .query_map([table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(column) = columns.iter().find(|c| !present.contains(c)) {
            return Ok(Some(format!("the column {column} of the table {table} is missing")));
        }
    }
    Ok(None)
}

/// Runs `PRAGMA quick_check` or `integrity_check`; `Err` holds what it found.
fn check_integrity(conn: &Connection, pragma: &str) -> std::result::Result<(), String> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}")).map_err(|e| e.to_string())?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())?;
    match found.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        [] => Err(format!("{pragma} returned nothing")),
        problems => Err(problems.iter().take(3).cloned().collect::<Vec<_>>().join("; ")),
    }
}

/// The path of a database's `-wal` or `-shm` companion file.
pub fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The size of a file, or `None` when there is no such file.
fn file_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len())
}
