UPDATE steps SET approval_delay_hours = X'00FF10' WHERE step_id = 'pm-1';
