-- Schema version 1: maps, their lanes, steps and edges, and app settings.
CREATE TABLE maps (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    currency            TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    hourly_cost         REAL NOT NULL,
    delay_cost_per_hour REAL NOT NULL,
    hours_per_fte_month REAL NOT NULL,
    created_at          INTEGER NOT NULL,  -- Unix seconds
    updated_at          INTEGER NOT NULL
);

CREATE TABLE lanes (
    map_id   INTEGER NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
    lane_id  TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    owner    TEXT NOT NULL DEFAULT '',
    notes    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, lane_id)
);

CREATE TABLE steps (
    map_id                    INTEGER NOT NULL,
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
    PRIMARY KEY (map_id, step_id),
    FOREIGN KEY (map_id, lane_id) REFERENCES lanes (map_id, lane_id) ON DELETE CASCADE
);

CREATE TABLE edges (
    map_id    INTEGER NOT NULL,
    from_step TEXT NOT NULL,
    to_step   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (map_id, from_step, to_step),
    FOREIGN KEY (map_id, from_step) REFERENCES steps (map_id, step_id) ON DELETE CASCADE,
    FOREIGN KEY (map_id, to_step) REFERENCES steps (map_id, step_id) ON DELETE CASCADE
);
CREATE INDEX edges_to ON edges (map_id, to_step);
CREATE INDEX steps_lane ON steps (map_id, lane_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
