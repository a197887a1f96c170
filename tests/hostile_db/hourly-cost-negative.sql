UPDATE maps SET hourly_cost = -46 WHERE name LIKE 'Accounts payable%';
