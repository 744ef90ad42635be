-- Booking reads the lines in (created, key) order, a batch after the last
-- line seen. With the created time alone indexed, lines sharing one second
-- (a million-line export has many) were scanned again by every batch; with
-- the key beside it, each batch starts where the last ended.
DROP INDEX IF EXISTS statement_lines_created;
CREATE INDEX statement_lines_created ON statement_lines (created, key);
