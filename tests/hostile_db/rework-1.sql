-- Rework of exactly 1: every item redone forever (1 / (1 - 1) passes).
UPDATE steps SET rework_rate = 1.0 WHERE step_id = 'pm-1';
