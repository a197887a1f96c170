-- Schema version 4: a map's id is never used again once it was given out
-- (AUTOINCREMENT). The database may be edited with other SQLite tools,
-- whose foreign keys are usually off: deleting a map there leaves its
-- lanes, steps and picks behind, and a new map that took the same id took
-- them over. The sequence starts above every id any row still names, so
-- rows left by a deleted map keep an id of their own (the store finds them
-- and recovers them as a map). This migration runs with foreign keys off,
-- so dropping the old table deletes no child rows.
CREATE TABLE maps_v4 (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL UNIQUE,
    currency            TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    hourly_cost         REAL NOT NULL,
    delay_cost_per_hour REAL NOT NULL,
    hours_per_fte_month REAL NOT NULL,
    created_at          INTEGER NOT NULL,  -- Unix seconds
    updated_at          INTEGER NOT NULL
);
INSERT INTO maps_v4 (id, name, currency, notes, hourly_cost, delay_cost_per_hour, hours_per_fte_month,
                     created_at, updated_at)
    SELECT id, name, currency, notes, hourly_cost, delay_cost_per_hour, hours_per_fte_month,
           created_at, updated_at
    FROM maps;
DROP TABLE maps;
ALTER TABLE maps_v4 RENAME TO maps;
DELETE FROM sqlite_sequence WHERE name = 'maps';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'maps', max(coalesce(max(id), 0),
                       (SELECT coalesce(max(map_id), 0) FROM lanes),
                       (SELECT coalesce(max(map_id), 0) FROM steps),
                       (SELECT coalesce(max(map_id), 0) FROM edges),
                       (SELECT coalesce(max(map_id), 0) FROM picks),
                       (SELECT coalesce(max(map_id), 0) FROM reviews))
    FROM maps;
