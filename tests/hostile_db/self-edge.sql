INSERT INTO edges (map_id, from_step, to_step, position) SELECT map_id, 'pm-1', 'pm-1', 999 FROM steps WHERE step_id = 'pm-1';
