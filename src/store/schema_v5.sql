-- Schema version 5: a step measured from an event log keeps where its
-- figures came from (the log, its period, cases, executions and each
-- measured value with its spread), as the JSON of `Evidence`. NULL for a
-- step whose figures were typed in.
ALTER TABLE steps ADD COLUMN evidence TEXT;
