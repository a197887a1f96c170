-- The step's edges stay behind.
DELETE FROM steps WHERE step_id = 'pm-2';
