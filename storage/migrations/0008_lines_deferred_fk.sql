-- tally:foreign-keys-off
-- The same table, its import reference now checked at commit instead of at
-- each row. An immediate foreign key made SQLite keep a statement journal for
-- every multi-row INSERT (a copy of each page the statement touched, so that
-- it could undo half a batch): the largest avoidable cost of a big import.
-- An import is one transaction, so a bad reference still stops it whole.
-- The index on payment_intent_id is not rebuilt: matching looks payment
-- records up by a line's ids, never lines by theirs, so it only cost writes.
-- Rebuilt as SQLite's ALTER TABLE documentation describes (foreign keys off,
-- new table, copy, drop, rename, indexes, foreign_key_check before commit).
CREATE TABLE statement_lines_new (
	id                INTEGER PRIMARY KEY,
	key               TEXT NOT NULL UNIQUE,
	import_id         INTEGER NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
	txn_id            TEXT, -- NULL: the same as key (most lines), stored once
	source_id         TEXT NOT NULL,
	category          TEXT NOT NULL,
	created           INTEGER NOT NULL, -- Unix seconds, UTC
	available_on      INTEGER NOT NULL,
	currency          TEXT NOT NULL,
	gross             INTEGER NOT NULL,
	fee               INTEGER NOT NULL,
	net               INTEGER NOT NULL CHECK (net = gross - fee),
	description       TEXT NOT NULL,
	payout_id         TEXT NOT NULL,
	payment_intent_id TEXT NOT NULL,
	charge_id         TEXT, -- NULL: the same as source_id
	customer_email    TEXT NOT NULL,
	-- columns Tally has no field for: "i\x1fvalue\x1e…", i indexing the import's extra_names
	extra             TEXT,
	bookable          INTEGER NOT NULL
) STRICT;

INSERT INTO statement_lines_new (id, key, import_id, txn_id, source_id, category, created, available_on, currency,
	gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable)
SELECT id, key, import_id, txn_id, source_id, category, created, available_on, currency,
	gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable
FROM statement_lines;

DROP TABLE statement_lines;
ALTER TABLE statement_lines_new RENAME TO statement_lines;

CREATE INDEX statement_lines_created ON statement_lines (created);
CREATE INDEX statement_lines_payout ON statement_lines (payout_id) WHERE payout_id <> '';
