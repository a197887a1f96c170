UPDATE maps SET updated_at = 'yesterday' WHERE name LIKE 'Accounts payable%';
