//! A map's rows: reading them, writing a whole map, and the diff save that
//! autosave uses, which writes only the rows that changed since this
//! connection last read or wrote the map. Both writes are one IMMEDIATE
//! transaction, so a map is stored wholly or not at all.
//!
//! Rows keep a `position` so that `ORDER BY position` gives the map's order.
//! Positions only need to increase along the map, not to be consecutive:
//! removing a step leaves a gap instead of renumbering every step after it,
//! and putting it back (undo) fills the gap.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::LazyLock;

use rusqlite::{Connection, Statement, TransactionBehavior, params};
use rustc_hash::FxHashSet;

use super::read::{Positions, Stored, load_stored};
use super::{MapId, Result, STEP_VALUE_COLUMNS, Store, StoreError, ensure_name_free, insert_picks, unix_now};
use crate::domain::model::{Attr, Edge, Lane, Map, Step};

/// Room for every statement a save and a load use, so none is prepared
/// twice in one save.
const STATEMENT_CACHE: usize = 48;

/// The maps one [`Store`] is asked to save, and what it knows is stored of
/// each, so that [`Store::save_cached`] writes only what differs. Use one
/// cache with one store. It notices writes by other connections (SQLite's
/// `data_version`) and by its own store outside its saves (the change
/// counter), and then reads the map again before comparing.
#[derive(Debug, Default)]
pub struct SaveCache {
    maps: HashMap<MapId, Cached>,
    /// `data_version` and `total_changes` right after the last save.
    seen: Option<(i64, u64)>,
}

#[derive(Debug)]
struct Cached {
    /// The newest map given to the cache: what the next save stores.
    map: Map,
    stored: Known,
}

/// What the database is known to hold of a cached map.
#[derive(Debug)]
enum Known {
    /// Nothing: the next save reads the stored map and compares.
    Nothing,
    /// An older map, the one `map` replaced.
    Map(Box<Stored>),
    /// `map` itself but for the steps at these indices, which were only
    /// updated in place, so every row keeps its position.
    Steps {
        changed: BTreeSet<usize>,
        positions: Positions,
    },
}

/// Why a save cache cannot give the map to store.
#[derive(Debug, thiserror::Error)]
pub enum StepsError {
    #[error("the save cache holds no copy of map {0}")]
    NotCached(i64),
    #[error("step {index} of map {map} is not {id:?} in the save cache")]
    Mismatch { map: i64, index: usize, id: String },
}

impl SaveCache {
    /// Forgets everything, so the next save reads the map first.
    pub fn clear(&mut self) {
        self.maps.clear();
        self.seen = None;
    }

    /// Makes `map` what the next [`Store::save_cached`] of `id` stores.
    pub fn put(&mut self, id: MapId, map: Map) {
        let stored = match self.maps.remove(&id) {
            // The database holds the map being replaced: compare with it.
            Some(Cached {
                map: old,
                stored: Known::Steps { changed, positions },
            }) if changed.is_empty() => Known::Map(Box::new(Stored {
                map: old,
                positions,
                notes: Vec::new(),
            })),
            Some(Cached {
                stored: Known::Map(older),
                ..
            }) => Known::Map(older),
            _ => Known::Nothing,
        };
        self.maps.insert(id, Cached { map, stored });
    }

    /// Updates steps of the cached map in place: `steps` holds each step's
    /// index in `map.steps` and its new value, and no step may change its
    /// id. On an error the cache forgets the map, so that the next save
    /// cannot store a map that lacks an edit: only [`SaveCache::put`] of
    /// the whole map brings it back.
    pub fn put_steps(&mut self, id: MapId, steps: Vec<(usize, Step)>) -> Result<(), StepsError> {
        let Some(cached) = self.maps.get_mut(&id) else {
            return Err(StepsError::NotCached(id.0));
        };
        if let Some((index, step)) =
            (steps.iter()).find(|(i, step)| cached.map.steps.get(*i).is_none_or(|old| old.id != step.id))
        {
            let error = StepsError::Mismatch {
                map: id.0,
                index: *index,
                id: step.id.clone(),
            };
            self.maps.remove(&id);
            return Err(error);
        }
        for (index, step) in steps {
            if let Known::Steps { changed, .. } = &mut cached.stored {
                changed.insert(index);
            }
            cached.map.steps.replace(index, step);
        }
        Ok(())
    }
}

/// How many rows a save wrote and deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveStats {
    pub written: usize,
    pub deleted: usize,
}

impl Store {
    /// Replaces a stored map with `map`, all at once: the rows `map` no
    /// longer has are deleted, and every row of `map` is written over the
    /// stored row with the same key where there is one, which is left alone
    /// when no column differs.
    pub fn save(&mut self, id: MapId, map: &Map) -> Result<()> {
        let keys = checked_keys(map)?;
        self.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_name_free(&tx, &map.name, Some(id))?;
        update_map_row(&tx, id, map)?;
        // Stale rows go first: a pick of `map` that points at a lane `map`
        // lacks then fails its foreign key instead of being written and
        // taken by a later cascade.
        for table in ["reviews", "picks"] {
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE map_id = ?1"))?
                .execute([id.0])?;
        }
        delete_stale(&tx, id, &keys)?;
        write_contents(&tx, id, map, true)?;
        insert_picks(&tx, id, &map.picks)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves `map` by writing only the rows that differ from what is
    /// stored, in one transaction: [`SaveCache::put`], then
    /// [`Store::save_cached`].
    pub fn save_changes(&mut self, cache: &mut SaveCache, id: MapId, map: Map) -> Result<SaveStats> {
        cache.put(id, map);
        self.save_cached(cache, id)
    }

    /// Stores the map `cache` holds for `id`, in one transaction, writing
    /// only the rows that differ from what is stored. When the cache knows
    /// that only some steps changed in place, only those rows are written;
    /// otherwise the map is compared row by row with the stored one, read
    /// from the database unless the cache knows it.
    pub fn save_cached(&mut self, cache: &mut SaveCache, id: MapId) -> Result<SaveStats> {
        self.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let total_changes = self.conn.total_changes();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let data_version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if cache.seen != Some((data_version, total_changes)) {
            for cached in cache.maps.values_mut() {
                cached.stored = Known::Nothing;
            }
        }
        let Some(cached) = cache.maps.get_mut(&id) else {
            return Err(StepsError::NotCached(id.0).into());
        };
        // Taken out, so a failed save leaves the cache knowing nothing.
        let (stats, positions) = match std::mem::replace(&mut cached.stored, Known::Nothing) {
            Known::Steps { changed, positions } => {
                for &i in &changed {
                    let step = &cached.map.steps[i];
                    let lane = step.lane.as_str();
                    if !cached.map.lanes.iter().any(|l| l.id == lane) {
                        return Err(lane_missing("step", &step.id, lane));
                    }
                }
                update_map_row(&tx, id, &cached.map)?;
                let mut update = tx.prepare_cached(STEP_SQL.get(true, 1))?;
                for &i in &changed {
                    write_row(&mut update, |stmt, first| {
                        bind_step(stmt, first, id, positions.steps[i], &cached.map.steps[i])
                    })?;
                }
                let stats = SaveStats {
                    written: 1 + changed.len(),
                    deleted: 0,
                };
                (stats, positions)
            }
            Known::Map(stored) => write_diff(&tx, id, &stored, &cached.map)?,
            Known::Nothing => write_diff(&tx, id, &load_stored(&tx, id)?, &cached.map)?,
        };
        tx.commit()?;
        cached.stored = Known::Steps {
            changed: BTreeSet::new(),
            positions,
        };
        cache.seen = Some((data_version, self.conn.total_changes()));
        Ok(stats)
    }
}

/// Writes the rows of `map` that differ from `stored`, and deletes the rows
/// it no longer has. Returns the positions of `map`'s rows.
fn write_diff(tx: &Connection, id: MapId, stored: &Stored, map: &Map) -> Result<(SaveStats, Positions)> {
    let keys = checked_keys(map)?;
    if map.name != stored.map.name {
        ensure_name_free(tx, &map.name, Some(id))?;
    }
    update_map_row(tx, id, map)?;
    let mut stats = SaveStats { written: 1, deleted: 0 };

    // Lanes are few: their positions stay consecutive.
    let old_lanes: HashMap<&str, (usize, &Lane)> = (stored.map.lanes.iter().enumerate())
        .map(|(i, l)| (l.id.as_str(), (i, l)))
        .collect();
    for (position, lane) in map.lanes.iter().enumerate() {
        let old = old_lanes.get(lane.id.as_str());
        if old != Some(&(position, lane)) {
            write_lane(tx, id, position, lane, old.is_some())?;
            stats.written += 1;
        }
    }
    let steps = diff_list(&stored.map.steps, &stored.positions.steps, &map.steps, |s: &Step| {
        s.id.as_str()
    });
    let mut step_sql = [
        tx.prepare_cached(STEP_SQL.get(false, 1))?,
        tx.prepare_cached(STEP_SQL.get(true, 1))?,
    ];
    for &(j, stored) in &steps.write {
        write_row(&mut step_sql[usize::from(stored)], |stmt, first| {
            bind_step(stmt, first, id, steps.positions[j], &map.steps[j])
        })?;
    }
    let edges = diff_list(&stored.map.edges, &stored.positions.edges, &map.edges, |e: &Edge| {
        (e.from.as_str(), e.to.as_str())
    });
    let mut edge_sql = [
        tx.prepare_cached(EDGE_SQL.get(false, 1))?,
        tx.prepare_cached(EDGE_SQL.get(true, 1))?,
    ];
    for &(j, stored) in &edges.write {
        write_row(&mut edge_sql[usize::from(stored)], |stmt, first| {
            bind_edge(stmt, first, id, edges.positions[j], &map.edges[j])
        })?;
    }
    stats.written += steps.write.len() + edges.write.len();
    if map.picks != stored.map.picks {
        tx.prepare_cached("DELETE FROM picks WHERE map_id = ?1")?
            .execute([id.0])?;
        insert_picks(tx, id, &map.picks)?;
        stats.written += map.picks.len();
    }

    // Deletes last: by now no kept row points at a row about to go, so a
    // lane's cascade to its picks takes only what the map no longer has.
    let mut delete_edge =
        tx.prepare_cached("DELETE FROM edges WHERE map_id = ?1 AND from_step = ?2 AND to_step = ?3")?;
    for &i in &edges.delete {
        let e = &stored.map.edges[i];
        stats.deleted += delete_edge.execute(params![id.0, e.from, e.to])?;
    }
    let mut delete_step = tx.prepare_cached("DELETE FROM steps WHERE map_id = ?1 AND step_id = ?2")?;
    for &i in &steps.delete {
        stats.deleted += delete_step.execute(params![id.0, stored.map.steps[i].id])?;
    }
    let mut delete_lane = tx.prepare_cached("DELETE FROM lanes WHERE map_id = ?1 AND lane_id = ?2")?;
    for lane in stored.map.lanes.iter().filter(|l| !keys.lanes.contains(l.id.as_str())) {
        stats.deleted += delete_lane.execute(params![id.0, lane.id])?;
    }
    let positions = Positions {
        steps: steps.positions,
        edges: edges.positions,
    };
    Ok((stats, positions))
}

/// How a list changed: which new rows to write, which old rows to delete,
/// and the position of every new row.
struct ListDiff {
    /// New row index, and whether the row was stored before (an update) or
    /// is new (an insert, which fails on a repeated id).
    write: Vec<(usize, bool)>,
    delete: Vec<usize>,
    positions: Vec<i64>,
}

/// Compares two lists of rows keyed by id. The unchanged start and end are
/// matched in one pass; only the part between them is matched by key. Rows
/// keep their old position where the order allows it.
fn diff_list<'a, T: PartialEq, K: Eq + Hash>(
    old: &'a [T],
    old_positions: &[i64],
    new: &'a [T],
    key: impl Fn(&'a T) -> K,
) -> ListDiff {
    let (n_old, n_new) = (old.len(), new.len());
    let mut prefix = 0;
    while prefix < n_old.min(n_new) && key(&old[prefix]) == key(&new[prefix]) {
        prefix += 1;
    }
    let mut suffix = 0;
    while suffix < (n_old - prefix).min(n_new - prefix)
        && key(&old[n_old - 1 - suffix]) == key(&new[n_new - 1 - suffix])
    {
        suffix += 1;
    }
    let mut diff = ListDiff {
        write: Vec::new(),
        delete: Vec::new(),
        positions: Vec::with_capacity(n_new),
    };
    for i in 0..prefix {
        diff.positions.push(old_positions[i]);
        if old[i] != new[i] {
            diff.write.push((i, true));
        }
    }

    let old_middle: HashMap<K, usize> = (prefix..n_old - suffix).map(|i| (key(&old[i]), i)).collect();
    let mut matched = vec![false; n_old - suffix - prefix];
    // Positions here must lie above the prefix's and below the suffix's.
    let ceiling = if suffix > 0 {
        old_positions[n_old - suffix]
    } else {
        i64::MAX
    };
    let mut last = if prefix > 0 { old_positions[prefix - 1] } else { -1 };
    let mut renumber_suffix = false;
    for (j, row) in new.iter().enumerate().take(n_new - suffix).skip(prefix) {
        let old_index = old_middle.get(&key(row)).copied();
        if let Some(i) = old_index {
            matched[i - prefix] = true;
        }
        let position = old_index
            .map(|i| old_positions[i])
            .filter(|&p| p > last && p < ceiling)
            .unwrap_or(last + 1);
        renumber_suffix |= position >= ceiling;
        diff.positions.push(position);
        last = position;
        if old_index.is_none_or(|i| old_positions[i] != position || old[i] != new[j]) {
            diff.write.push((j, old_index.is_some()));
        }
    }
    for k in 0..suffix {
        let (i, j) = (n_old - suffix + k, n_new - suffix + k);
        let position = if renumber_suffix { last + 1 } else { old_positions[i] };
        last = position;
        diff.positions.push(position);
        if position != old_positions[i] || old[i] != new[j] {
            diff.write.push((j, true));
        }
    }
    diff.delete = (prefix..n_old - suffix).filter(|&i| !matched[i - prefix]).collect();
    diff
}

fn update_map_row(conn: &Connection, id: MapId, map: &Map) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE maps SET name = ?2, currency = ?3, notes = ?4, hourly_cost = ?5,
                    delay_cost_per_hour = ?6, hours_per_fte_month = ?7, sim_draws = ?8, sim_seed = ?9,
                    updated_at = ?10
             WHERE id = ?1",
        )?
        .execute(params![
            id.0,
            map.name,
            map.currency,
            map.notes,
            map.rates.hourly_cost,
            map.rates.delay_cost_per_hour,
            map.rates.hours_per_fte_month,
            map.simulation.draws,
            map.simulation.seed as i64,
            unix_now()
        ])?;
    if changed == 0 {
        return Err(StoreError::NoSuchMap(id.0));
    }
    Ok(())
}

/// Writes every lane, step and edge row of a map, numbered from 0: plain
/// inserts, or (`upsert`) inserts that update a row stored under the same
/// key in place. Picks are written by the caller.
pub(super) fn write_contents(conn: &Connection, id: MapId, map: &Map, upsert: bool) -> Result<()> {
    for (position, lane) in map.lanes.iter().enumerate() {
        write_lane(conn, id, position, lane, upsert)?;
    }
    // Rows go in in key order, so each primary-key index grows at its end
    // instead of being split all over; the position keeps the map's order.
    let mut order: Vec<usize> = (0..map.steps.len()).collect();
    order.sort_unstable_by(|&a, &b| map.steps[a].id.cmp(&map.steps[b].id));
    write_rows(conn, &STEP_SQL, upsert, &order, |stmt, first, i| {
        bind_step(stmt, first, id, i as i64, &map.steps[i])
    })?;
    let mut order: Vec<usize> = (0..map.edges.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (&map.edges[a], &map.edges[b]);
        (x.from.as_str(), x.to.as_str()).cmp(&(y.from.as_str(), y.to.as_str()))
    });
    write_rows(conn, &EDGE_SQL, upsert, &order, |stmt, first, i| {
        bind_edge(stmt, first, id, i as i64, &map.edges[i])
    })
}

/// Writes rows `order` (indices that `bind` binds, with their first
/// parameter at `first + 1`) through `sql`: [`BATCH_ROWS`] rows to a
/// statement, then the rest one by one. One statement per row spent as
/// long in starting and resetting the statement as in the row itself.
fn write_rows(
    conn: &Connection,
    sql: &InsertSql,
    upsert: bool,
    order: &[usize],
    bind: impl Fn(&mut Statement, usize, usize) -> Result<()>,
) -> Result<()> {
    let mut batches = order.chunks_exact(BATCH_ROWS);
    let mut stmt = conn.prepare_cached(sql.get(upsert, BATCH_ROWS))?;
    for batch in &mut batches {
        for (k, &i) in batch.iter().enumerate() {
            bind(&mut stmt, k * sql.columns, i)?;
        }
        stmt.raw_execute()?;
    }
    let mut stmt = conn.prepare_cached(sql.get(upsert, 1))?;
    for &i in batches.remainder() {
        write_row(&mut stmt, |stmt, first| bind(stmt, first, i))?;
    }
    Ok(())
}

/// The keys of a map's lanes, steps and edges.
pub(super) struct Keys<'a> {
    lanes: FxHashSet<&'a str>,
    steps: FxHashSet<&'a str>,
    edges: FxHashSet<(&'a str, &'a str)>,
}

/// The keys of `map`, refusing a map that the rows would store wrongly: two
/// lanes, steps or edges under one key (saves write rows by key, so the
/// second would silently replace the first), or a step or pick in a lane,
/// or an edge between steps, that the map does not have (the database
/// leaves the steps' and edges' checks to the save).
pub(super) fn checked_keys(map: &Map) -> Result<Keys<'_>> {
    fn collect<K: Copy + Eq + Hash>(
        what: &'static str,
        keys: impl ExactSizeIterator<Item = K>,
        show: impl Fn(K) -> String,
    ) -> Result<FxHashSet<K>> {
        let mut set = FxHashSet::with_capacity_and_hasher(keys.len(), Default::default());
        for key in keys {
            if !set.insert(key) {
                return Err(StoreError::DuplicateKey { what, key: show(key) });
            }
        }
        Ok(set)
    }
    let show_edge = |(from, to): (&str, &str)| format!("{from:?} → {to:?}");
    let keys = Keys {
        lanes: collect("lane", map.lanes.iter().map(|l| l.id.as_str()), |id| format!("{id:?}"))?,
        steps: collect("step", map.steps.iter().map(|s| s.id.as_str()), |id| format!("{id:?}"))?,
        edges: collect(
            "edge",
            map.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())),
            show_edge,
        )?,
    };
    let mut in_lane = (map.steps.iter().map(|s| ("step", &s.id, s.lane.as_str())))
        .chain(map.picks.iter().map(|p| ("pick", &p.id, p.lane.as_str())));
    if let Some((what, id, lane)) = in_lane.find(|&(_, _, lane)| !keys.lanes.contains(lane)) {
        return Err(lane_missing(what, id, lane));
    }
    for edge in &map.edges {
        if let Some(end) = [&edge.from, &edge.to]
            .into_iter()
            .find(|s| !keys.steps.contains(s.as_str()))
        {
            return Err(StoreError::Dangling {
                what: format!("edge {}", show_edge((&edge.from, &edge.to))),
                target: format!("step {end:?}"),
            });
        }
    }
    Ok(keys)
}

/// The error for a step or pick (`what`) whose lane the map does not have.
fn lane_missing(what: &str, id: &str, lane: &str) -> StoreError {
    StoreError::Dangling {
        what: format!("{what} {id:?}"),
        target: format!("lane {lane:?}"),
    }
}

/// Deletes the stored lane, step and edge rows of map `id` whose keys are
/// not in `keys`. Cascades take the rows that point at them.
fn delete_stale(conn: &Connection, id: MapId, keys: &Keys<'_>) -> Result<()> {
    delete_rows_not_kept(conn, id, "edges", &["from_step", "to_step"], |k| {
        keys.edges.contains(&(k[0], k[1]))
    })?;
    delete_rows_not_kept(conn, id, "steps", &["step_id"], |k| keys.steps.contains(k[0]))?;
    delete_rows_not_kept(conn, id, "lanes", &["lane_id"], |k| keys.lanes.contains(k[0]))
}

/// Deletes the rows of map `id` in `table` whose key (one or two text
/// `columns`) `keep` refuses. Keys are looked at without copying; only the
/// ones to delete are copied.
fn delete_rows_not_kept(
    conn: &Connection,
    id: MapId,
    table: &str,
    columns: &[&str],
    keep: impl Fn(&[&str]) -> bool,
) -> Result<()> {
    let mut stale: Vec<Vec<String>> = Vec::new();
    let mut select = conn.prepare_cached(&format!("SELECT {} FROM {table} WHERE map_id = ?1", columns.join(", ")))?;
    let mut rows = select.query([id.0])?;
    while let Some(row) = rows.next()? {
        let mut key = [""; 2];
        let key = &mut key[..columns.len()];
        for (i, part) in key.iter_mut().enumerate() {
            *part = row.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?;
        }
        if !keep(key) {
            stale.push(key.iter().map(|part| part.to_string()).collect());
        }
    }
    let matches: Vec<String> = (columns.iter().enumerate())
        .map(|(i, c)| format!("{c} = ?{}", i + 2))
        .collect();
    let mut delete = conn.prepare_cached(&format!(
        "DELETE FROM {table} WHERE map_id = ?1 AND {}",
        matches.join(" AND ")
    ))?;
    for key in &stale {
        delete.raw_bind_parameter(1, id.0)?;
        for (i, part) in key.iter().enumerate() {
            delete.raw_bind_parameter(i + 2, part)?;
        }
        delete.raw_execute()?;
    }
    Ok(())
}

/// Rows that one statement of a whole-map write inserts.
const BATCH_ROWS: usize = 64;

/// An insert, and the same insert updating a stored row in place, of one
/// row and of [`BATCH_ROWS`] rows. The plain insert fails on a repeated id,
/// as it must.
struct InsertSql {
    columns: usize,
    /// Indexed by `upsert`, then by whether the statement takes a batch.
    sql: [[String; 2]; 2],
}

impl InsertSql {
    /// The insert of `columns` (bound as `?1`, `?2`, … in that order, row
    /// after row) into `table`, whose key is the first `key` columns. The
    /// upsert updates the other columns of a stored row with that key, and
    /// only when one of them differs: an unchanged row is left alone, so no
    /// page and no index entry is written for it.
    fn new(table: &str, key: usize, columns: &[&str]) -> Self {
        let insert = |rows: usize| {
            let values: Vec<String> = (0..rows)
                .map(|row| {
                    let params: Vec<String> = (1..=columns.len())
                        .map(|i| format!("?{}", row * columns.len() + i))
                        .collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            format!(
                "INSERT INTO {table} ({}) VALUES {}",
                columns.join(", "),
                values.join(", ")
            )
        };
        let (keys, rest) = columns.split_at(key);
        let set: Vec<String> = rest.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let stored: Vec<String> = rest.iter().map(|c| format!("{table}.{c}")).collect();
        let new: Vec<String> = rest.iter().map(|c| format!("excluded.{c}")).collect();
        let upsert = |rows: usize| {
            format!(
                "{} ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}) IS NOT ({})",
                insert(rows),
                keys.join(", "),
                set.join(", "),
                stored.join(", "),
                new.join(", ")
            )
        };
        Self {
            columns: columns.len(),
            sql: [[insert(1), insert(BATCH_ROWS)], [upsert(1), upsert(BATCH_ROWS)]],
        }
    }

    /// The statement for one row or for [`BATCH_ROWS`] rows.
    fn get(&self, upsert: bool, rows: usize) -> &str {
        debug_assert!(rows == 1 || rows == BATCH_ROWS);
        &self.sql[usize::from(upsert)][usize::from(rows == BATCH_ROWS)]
    }
}

static LANE_SQL: LazyLock<InsertSql> = LazyLock::new(|| {
    InsertSql::new(
        "lanes",
        2,
        &[
            "map_id",
            "lane_id",
            "position",
            "name",
            "owner",
            "notes",
            "effort_weeks",
        ],
    )
});

static STEP_SQL: LazyLock<InsertSql> = LazyLock::new(|| {
    let mut columns = vec!["map_id", "step_id", "lane_id", "position", "name", "notes", "x", "y"];
    columns.extend(STEP_VALUE_COLUMNS.split(',').map(str::trim));
    columns.push("evidence");
    InsertSql::new("steps", 2, &columns)
});

static EDGE_SQL: LazyLock<InsertSql> =
    LazyLock::new(|| InsertSql::new("edges", 3, &["map_id", "from_step", "to_step", "position"]));

/// Inserts one lane row, or updates it (`stored`). An update in place never
/// deletes the row, so nothing cascades to its picks.
fn write_lane(conn: &Connection, id: MapId, position: usize, lane: &Lane, stored: bool) -> Result<()> {
    conn.prepare_cached(LANE_SQL.get(stored, 1))?.execute(params![
        id.0,
        lane.id,
        position as i64,
        lane.name,
        lane.owner,
        lane.notes,
        lane.effort_weeks
    ])?;
    Ok(())
}

/// Writes one row through a one-row statement: `bind` binds it from
/// parameter `first + 1` on, as for [`write_rows`], with `first` 0.
fn write_row(stmt: &mut Statement, bind: impl FnOnce(&mut Statement, usize) -> Result<()>) -> Result<()> {
    bind(stmt, 0)?;
    stmt.raw_execute()?;
    Ok(())
}

/// Binds a step row's columns, in [`STEP_SQL`]'s order, from parameter
/// `first + 1` on.
fn bind_step(stmt: &mut Statement, first: usize, id: MapId, position: i64, step: &Step) -> Result<()> {
    use Attr::*;
    stmt.raw_bind_parameter(first + 1, id.0)?;
    stmt.raw_bind_parameter(first + 2, &step.id)?;
    stmt.raw_bind_parameter(first + 3, step.lane.as_str())?;
    stmt.raw_bind_parameter(first + 4, position)?;
    stmt.raw_bind_parameter(first + 5, &step.name)?;
    stmt.raw_bind_parameter(first + 6, &step.notes)?;
    stmt.raw_bind_parameter(first + 7, f64::from(step.x))?;
    stmt.raw_bind_parameter(first + 8, f64::from(step.y))?;
    for (k, attr) in [VolumePerMonth, HandleMinutes, ReworkRate, ApprovalDelayHours]
        .into_iter()
        .enumerate()
    {
        let at = first + 9 + 3 * k;
        stmt.raw_bind_parameter(at, step.value(attr))?;
        stmt.raw_bind_parameter(at + 1, step.low.get(attr))?;
        stmt.raw_bind_parameter(at + 2, step.high.get(attr))?;
    }
    let evidence = match &step.evidence {
        Some(evidence) => {
            Some(serde_json::to_string(evidence).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?)
        }
        None => None,
    };
    stmt.raw_bind_parameter(first + 21, evidence)?;
    Ok(())
}

/// Binds an edge row's columns, in [`EDGE_SQL`]'s order, from parameter
/// `first + 1` on.
fn bind_edge(stmt: &mut Statement, first: usize, id: MapId, position: i64, edge: &Edge) -> Result<()> {
    stmt.raw_bind_parameter(first + 1, id.0)?;
    stmt.raw_bind_parameter(first + 2, &edge.from)?;
    stmt.raw_bind_parameter(first + 3, &edge.to)?;
    stmt.raw_bind_parameter(first + 4, position)?;
    Ok(())
}
