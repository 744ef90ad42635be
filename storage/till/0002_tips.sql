-- The tip a customer added on the reader, apart from the sale's amount.
ALTER TABLE attempts ADD COLUMN tip INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN tips_offered INTEGER NOT NULL DEFAULT 0;
-- The payment page's message after paying, as the page was asked for: the
-- same request sent again after a crash must carry the same parameters.
ALTER TABLE attempts ADD COLUMN page_message TEXT NOT NULL DEFAULT '';
