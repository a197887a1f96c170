UPDATE steps SET volume_per_month = 'twelve hundred' WHERE step_id = 'pm-1';
