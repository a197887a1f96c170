INSERT OR REPLACE INTO settings (key, value) VALUES ('last_map_id', 'not a number');
