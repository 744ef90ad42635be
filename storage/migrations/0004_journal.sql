INSERT INTO ledger_accounts (code, name, kind) VALUES ('1900', 'Stripe suspense', 'asset');

-- Balanced entries; the one that books a statement line names it.
CREATE TABLE journal_entries (
	id          INTEGER PRIMARY KEY,
	date        INTEGER NOT NULL, -- Unix seconds, UTC
	currency    TEXT NOT NULL,
	description TEXT NOT NULL,
	line_key    TEXT UNIQUE REFERENCES statement_lines (key)
) STRICT;

CREATE TABLE postings (
	entry_id INTEGER NOT NULL REFERENCES journal_entries (id),
	account  TEXT NOT NULL REFERENCES ledger_accounts (code),
	amount   INTEGER NOT NULL
) STRICT;

CREATE INDEX postings_entry ON postings (entry_id);
CREATE INDEX statement_lines_payout ON statement_lines (payout_id) WHERE payout_id <> '';
