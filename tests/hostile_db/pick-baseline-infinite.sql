INSERT INTO picks (map_id, pick_id, lane_id, position, picked_on, state, baseline_rank, baseline_monthly_friction, baseline_handling, baseline_rework, baseline_delay, baseline_friction_low, baseline_friction_high, baseline_share_pct, baseline_touch_hours, baseline_fte, metric_target_date)
SELECT id, 'p1', 'po-match', 0, '2025-12-01', 'active', 1, 100, 60, 20, 20, 90, 110, 50, 10, 0.1, '2026-03-01' FROM maps WHERE name LIKE 'Accounts payable%';
UPDATE picks SET baseline_monthly_friction = 9e999 WHERE pick_id = 'p1';
