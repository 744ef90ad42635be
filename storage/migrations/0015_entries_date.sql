-- The journal is read by date (every export, the Balances tab): an index on
-- it spares a sort of every posting at each export.
CREATE INDEX journal_entries_date ON journal_entries (date);
