UPDATE maps SET currency = replace(zeroblob(100000), X'00', 'X') WHERE name LIKE 'Accounts payable%';
