UPDATE steps SET name = 'Cut' || char(0) || 'short' WHERE step_id = 'pm-1';
