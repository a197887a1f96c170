UPDATE steps SET lane_id = 'nowhere' WHERE step_id = 'pm-1';
