-- A map name of 10 MB.
UPDATE maps SET name = replace(zeroblob(10485760), X'00', 'n') WHERE name LIKE 'Accounts payable%';
