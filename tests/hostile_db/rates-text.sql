UPDATE maps SET delay_cost_per_hour = 'cheap' WHERE name LIKE 'Accounts payable%';
