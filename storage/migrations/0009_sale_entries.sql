-- A register sale is booked once: Outstanding receipts (or Cash) / Sales
-- and Sales tax. Its entry names the sale, as a line's entry names its line.
ALTER TABLE journal_entries ADD COLUMN sale_ref TEXT;
CREATE UNIQUE INDEX journal_entries_sale ON journal_entries (sale_ref) WHERE sale_ref IS NOT NULL;
