UPDATE maps SET hours_per_fte_month = 0 WHERE name LIKE 'Accounts payable%';
