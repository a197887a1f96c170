//! Rows whose map is gone. A map deleted with another SQLite tool, whose
//! foreign keys are usually off, leaves its lanes, steps, edges, picks and
//! reviews behind. They are never deleted: the store finds them and makes
//! them a map again, under the id they name, so that nothing is lost and a
//! new map never takes them over (ids are never reused since schema 4).

use rusqlite::{Connection, TransactionBehavior, params};

use super::{Result, Store, free_name_in, unix_now};
use crate::domain::model::Rates;

/// The rows left by one deleted map, counted by table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Orphans {
    pub map_id: i64,
    pub lanes: usize,
    pub steps: usize,
    pub edges: usize,
    pub picks: usize,
    pub reviews: usize,
}

impl Orphans {
    /// The rows in words: "6 lanes, 27 steps, 30 edges".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.lanes, "lane"),
            (self.steps, "step"),
            (self.edges, "edge"),
            (self.picks, "pick"),
            (self.reviews, "review entry"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| match (*n, *what) {
            (1, what) => format!("1 {what}"),
            (n, "review entry") => format!("{n} review entries"),
            (n, what) => format!("{n} {what}s"),
        })
        .collect();
        parts.join(", ")
    }
}

/// The tables whose rows belong to a map, in the order they are counted.
const TABLES: [&str; 5] = ["lanes", "steps", "edges", "picks", "reviews"];

fn find(conn: &Connection) -> Result<Vec<Orphans>> {
    let rows: Vec<String> = TABLES
        .iter()
        .enumerate()
        .map(|(i, table)| format!("SELECT map_id, {i} AS t FROM {table}"))
        .collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT map_id, {} FROM ({}) WHERE map_id NOT IN (SELECT id FROM maps) GROUP BY map_id ORDER BY map_id",
        (0..TABLES.len())
            .map(|i| format!("sum(t = {i})"))
            .collect::<Vec<_>>()
            .join(", "),
        rows.join(" UNION ALL ")
    ))?;
    let found = stmt.query_map([], |r| {
        let count = |i: usize| r.get::<_, i64>(i).map(|n| usize::try_from(n).unwrap_or(0));
        Ok(Orphans {
            map_id: r.get(0)?,
            lanes: count(1)?,
            steps: count(2)?,
            edges: count(3)?,
            picks: count(4)?,
            reviews: count(5)?,
        })
    })?;
    Ok(found.collect::<Result<_, _>>()?)
}

impl Store {
    /// The rows whose map no longer exists, by the map id they name.
    pub fn orphans(&self) -> Result<Vec<Orphans>> {
        find(&self.conn)
    }

    /// Makes the rows of each deleted map a map again, named "Recovered
    /// map N" (or the next free name), in one transaction. Returns what it
    /// recovered with the new maps' names.
    pub fn recover_orphans(&mut self) -> Result<Vec<(Orphans, String)>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = find(&tx)?;
        let mut recovered = Vec::new();
        let now = unix_now();
        let rates = Rates::default();
        for orphans in found {
            let name = free_name_in(&tx, &format!("Recovered map {}", orphans.map_id))?;
            let notes = format!(
                "Rows left in the database by a map that was deleted with another tool ({}). \
                 Friction Map made them a map again, with default rates and currency: check them.",
                orphans.describe()
            );
            tx.execute(
                "INSERT INTO maps (id, name, currency, notes, hourly_cost, delay_cost_per_hour,
                                   hours_per_fte_month, created_at, updated_at)
                 VALUES (?1, ?2, 'USD', ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    orphans.map_id,
                    name,
                    notes,
                    rates.hourly_cost,
                    rates.delay_cost_per_hour,
                    rates.hours_per_fte_month,
                    now
                ],
            )?;
            recovered.push((orphans, name));
        }
        tx.commit()?;
        Ok(recovered)
    }
}
