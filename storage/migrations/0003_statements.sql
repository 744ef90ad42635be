-- One row per imported file (or API fetch).
CREATE TABLE imports (
	id          INTEGER PRIMARY KEY,
	file        TEXT NOT NULL,
	format      TEXT NOT NULL,
	imported_at INTEGER NOT NULL,
	lines       INTEGER NOT NULL DEFAULT 0,
	new_lines   INTEGER NOT NULL DEFAULT 0,
	extra_names TEXT NOT NULL DEFAULT '' -- names of the extra columns, separated by U+001F
) STRICT;

-- Movements of the Stripe balance, keyed so that a line imported twice is stored once.
CREATE TABLE statement_lines (
	id                INTEGER PRIMARY KEY,
	key               TEXT NOT NULL UNIQUE,
	import_id         INTEGER NOT NULL REFERENCES imports (id),
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

CREATE INDEX statement_lines_created ON statement_lines (created);

-- Charges as the Payments export describes them: what lines match against.
CREATE TABLE payment_records (
	key               TEXT PRIMARY KEY,
	import_id         INTEGER NOT NULL REFERENCES imports (id),
	id                TEXT NOT NULL,
	payment_intent_id TEXT NOT NULL,
	created           INTEGER NOT NULL,
	currency          TEXT NOT NULL,
	amount            INTEGER NOT NULL,
	amount_refunded   INTEGER NOT NULL,
	fee               INTEGER NOT NULL,
	status            TEXT NOT NULL,
	captured          INTEGER NOT NULL,
	description       TEXT NOT NULL,
	customer_id       TEXT NOT NULL,
	customer_email    TEXT NOT NULL,
	card_brand        TEXT NOT NULL,
	card_last4        TEXT NOT NULL,
	converted_currency TEXT NOT NULL,
	converted_amount  INTEGER NOT NULL,
	extra             TEXT
) STRICT, WITHOUT ROWID;

-- Balance summaries, kept to check a period's ending balance.
CREATE TABLE summary_rows (
	import_id   INTEGER NOT NULL REFERENCES imports (id),
	category    TEXT NOT NULL,
	description TEXT NOT NULL,
	currency    TEXT NOT NULL,
	net         INTEGER NOT NULL
) STRICT;
