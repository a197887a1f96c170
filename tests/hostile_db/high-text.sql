UPDATE steps SET rework_rate_high = 'high' WHERE step_id = 'pm-1';
