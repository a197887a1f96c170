UPDATE maps SET name = '' WHERE name LIKE 'Accounts payable%';
