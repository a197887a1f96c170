UPDATE steps SET x = 1e300 WHERE step_id = 'pm-1';
