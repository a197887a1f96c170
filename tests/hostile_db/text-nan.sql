-- Not a number SQLite can convert: kept as TEXT in a REAL column.
UPDATE steps SET handle_minutes = 'NaN' WHERE step_id = 'pm-1';
