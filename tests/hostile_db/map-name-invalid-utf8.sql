-- A name with a 0xFF byte: not UTF-8.
UPDATE maps SET name = CAST(X'4163636F756E7473FF' AS TEXT) WHERE name LIKE 'Accounts payable%';
