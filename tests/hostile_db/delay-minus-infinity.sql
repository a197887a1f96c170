UPDATE steps SET approval_delay_hours = -9e999 WHERE step_id = 'pm-1';
