-- Foreign keys are off in the shell: the lane's steps stay behind.
DELETE FROM lanes WHERE lane_id = 'exceptions';
