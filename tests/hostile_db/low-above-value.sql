UPDATE steps SET volume_per_month_low = 99999 WHERE step_id = 'pm-1';
