-- Schema version 2: a lane's effort estimate, and the lanes picked to fix
-- first with their plan (baseline, owner, metric, governance) and their
-- weekly review entries. Dates are ISO text, YYYY-MM-DD.
ALTER TABLE lanes ADD COLUMN effort_weeks REAL;  -- NULL: no estimate

CREATE TABLE picks (
    map_id                    INTEGER NOT NULL,
    pick_id                   TEXT NOT NULL,
    lane_id                   TEXT NOT NULL,
    position                  INTEGER NOT NULL,
    picked_on                 TEXT NOT NULL,
    state                     TEXT NOT NULL CHECK (state IN ('active', 'done', 'dropped')),
    closed_on                 TEXT,
    close_reason              TEXT NOT NULL DEFAULT '',
    -- The lane's figures when it was picked.
    baseline_rank             INTEGER NOT NULL,
    baseline_monthly_friction REAL NOT NULL,
    baseline_handling         REAL NOT NULL,
    baseline_rework           REAL NOT NULL,
    baseline_delay            REAL NOT NULL,
    baseline_friction_low     REAL NOT NULL,
    baseline_friction_high    REAL NOT NULL,
    baseline_share_pct        REAL NOT NULL,
    baseline_touch_hours      REAL NOT NULL,
    baseline_fte              REAL NOT NULL,
    owner                     TEXT NOT NULL DEFAULT '',
    metric_name               TEXT NOT NULL DEFAULT '',
    metric_unit               TEXT NOT NULL DEFAULT '',
    metric_direction          TEXT CHECK (metric_direction IN ('lower', 'higher')),
    metric_baseline_value     REAL,
    metric_baseline_date      TEXT,
    metric_target_value       REAL,
    metric_target_date        TEXT NOT NULL,
    exception_policy          TEXT NOT NULL DEFAULT '',
    exception_reviewer        TEXT NOT NULL DEFAULT '',
    review_day                TEXT CHECK (review_day IN ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')),
    PRIMARY KEY (map_id, pick_id),
    FOREIGN KEY (map_id, lane_id) REFERENCES lanes (map_id, lane_id) ON DELETE CASCADE
);
CREATE INDEX picks_lane ON picks (map_id, lane_id);

CREATE TABLE reviews (
    map_id   INTEGER NOT NULL,
    pick_id  TEXT NOT NULL,
    position INTEGER NOT NULL,
    date     TEXT NOT NULL,
    value    REAL NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, pick_id, position),
    FOREIGN KEY (map_id, pick_id) REFERENCES picks (map_id, pick_id) ON DELETE CASCADE
);
