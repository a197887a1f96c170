-- Schema version 6: the simulation that says how sure the pick is runs
-- with the map's own number of draws and seed, so a map always gives the
-- same figures. The seed is a 64-bit unsigned number stored in the bits
-- of SQLite's signed integer.
ALTER TABLE maps ADD COLUMN sim_draws INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE maps ADD COLUMN sim_seed INTEGER NOT NULL DEFAULT 1;
