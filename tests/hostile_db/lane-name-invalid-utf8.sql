UPDATE lanes SET name = CAST(X'504FC0AF' AS TEXT) WHERE lane_id = 'po-match';
