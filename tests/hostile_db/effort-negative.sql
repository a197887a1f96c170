UPDATE lanes SET effort_weeks = -3 WHERE lane_id = 'po-match';
