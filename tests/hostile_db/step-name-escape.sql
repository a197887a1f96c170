UPDATE steps SET name = char(27) || '[31mRed' WHERE step_id = 'pm-1';
