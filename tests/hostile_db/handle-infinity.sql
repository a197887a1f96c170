-- 9e999 is read by SQLite as +Inf, stored as a REAL.
UPDATE steps SET handle_minutes = 9e999 WHERE step_id = 'pm-1';
