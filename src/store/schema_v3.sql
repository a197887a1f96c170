-- Schema version 3: a step's lane and an edge's two steps are checked by
-- the save, in Rust, before it writes anything, with an error that names
-- the row; the database ties steps and edges to their map only. Each
-- foreign key into lanes or steps cost a parent lookup per row written and
-- an index to find the children: dropping them, and giving edges their
-- two ends as the key without a rowid, takes a whole save of a
-- 20,000-step map from about 200 ms to about 100 ms.
CREATE TABLE edges_v3 (
    map_id    INTEGER NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
    from_step TEXT NOT NULL,
    to_step   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (map_id, from_step, to_step)
) WITHOUT ROWID;
INSERT INTO edges_v3 (map_id, from_step, to_step, position)
    SELECT map_id, from_step, to_step, position FROM edges;
DROP TABLE edges;
ALTER TABLE edges_v3 RENAME TO edges;

CREATE TABLE steps_v3 (
    map_id                    INTEGER NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
    step_id                   TEXT NOT NULL,
    lane_id                   TEXT NOT NULL,
    position                  INTEGER NOT NULL,
    name                      TEXT NOT NULL,
    notes                     TEXT NOT NULL DEFAULT '',
    x                         REAL NOT NULL,
    y                         REAL NOT NULL,
    volume_per_month          REAL NOT NULL,
    volume_per_month_low      REAL,
    volume_per_month_high     REAL,
    handle_minutes            REAL NOT NULL,
    handle_minutes_low        REAL,
    handle_minutes_high       REAL,
    rework_rate               REAL NOT NULL,
    rework_rate_low           REAL,
    rework_rate_high          REAL,
    approval_delay_hours      REAL NOT NULL,
    approval_delay_hours_low  REAL,
    approval_delay_hours_high REAL,
    PRIMARY KEY (map_id, step_id)
) WITHOUT ROWID;
INSERT INTO steps_v3 SELECT
    map_id, step_id, lane_id, position, name, notes, x, y,
    volume_per_month, volume_per_month_low, volume_per_month_high,
    handle_minutes, handle_minutes_low, handle_minutes_high,
    rework_rate, rework_rate_low, rework_rate_high,
    approval_delay_hours, approval_delay_hours_low, approval_delay_hours_high
    FROM steps;
DROP TABLE steps;  -- and its index steps_lane
ALTER TABLE steps_v3 RENAME TO steps;
