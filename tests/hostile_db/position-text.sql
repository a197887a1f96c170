UPDATE steps SET position = 'first' WHERE step_id = 'pm-1';
