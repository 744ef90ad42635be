-- The tip a customer added on the reader, apart from the sale's amount.
ALTER TABLE attempts ADD COLUMN tip INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN tips_offered INTEGER NOT NULL DEFAULT 0;
