UPDATE lanes SET name = 'Intake' || char(65535) WHERE lane_id = 'po-match';
