-- A decimal comma typed in the shell stays text.
UPDATE steps SET handle_minutes = '2,5' WHERE step_id = 'pm-1';
