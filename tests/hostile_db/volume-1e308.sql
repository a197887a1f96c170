UPDATE steps SET volume_per_month = 1e308 WHERE step_id = 'pm-1';
