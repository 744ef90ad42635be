-- The bookkeeper's rules: conditions on a line, and where it is booked.
CREATE TABLE rules (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	priority    INTEGER NOT NULL DEFAULT 100,
	category    TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	currency    TEXT NOT NULL DEFAULT '',
	min_gross   INTEGER,
	max_gross   INTEGER,
	account     TEXT NOT NULL REFERENCES ledger_accounts (code),
	label       TEXT NOT NULL DEFAULT '',
	auto_book   INTEGER NOT NULL DEFAULT 1
) STRICT;
