-- Review entries of a pick that is not there.
INSERT INTO reviews (map_id, pick_id, position, date, value, note) SELECT id, 'gone', 0, '2025-12-08', 12, 'orphan' FROM maps WHERE name LIKE 'Accounts payable%';
