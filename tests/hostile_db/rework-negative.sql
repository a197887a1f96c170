UPDATE steps SET rework_rate = -500 WHERE step_id = 'pm-1';
