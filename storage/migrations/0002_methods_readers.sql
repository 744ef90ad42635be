-- The chart of accounts, seeded with DESIGN.md's defaults (names can change).
CREATE TABLE ledger_accounts (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('asset', 'liability', 'income', 'expense'))
) STRICT;

INSERT INTO ledger_accounts (code, name, kind) VALUES
	('1000', 'Bank', 'asset'),
	('1010', 'Cash', 'asset'),
	('1100', 'Stripe balance', 'asset'),
	('1200', 'Outstanding receipts', 'asset'),
	('2100', 'Sales tax', 'liability'),
	('4000', 'Sales', 'income'),
	('4900', 'Refunds', 'income'),
	('6100', 'Payment fees', 'expense'),
	('6200', 'Dispute losses', 'expense');

-- Ways the register takes payment. Never deleted once used: archived.
CREATE TABLE payment_methods (
	id                  INTEGER PRIMARY KEY,
	name                TEXT NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('cash', 'card_reader', 'qr_link')),
	outstanding_account TEXT REFERENCES ledger_accounts (code),
	cash_account        TEXT REFERENCES ledger_accounts (code),
	reader_id           TEXT NOT NULL DEFAULT '',
	capture_method      TEXT NOT NULL DEFAULT 'automatic' CHECK (capture_method IN ('automatic', 'manual')),
	identify_customer   INTEGER NOT NULL DEFAULT 0,
	page_lifetime_s     INTEGER NOT NULL DEFAULT 0,
	success_message     TEXT NOT NULL DEFAULT '',
	archived            INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE UNIQUE INDEX payment_methods_name ON payment_methods (lower(name));
-- One reader belongs to at most one method that is in use.
CREATE UNIQUE INDEX payment_methods_reader ON payment_methods (reader_id) WHERE reader_id <> '' AND archived = 0;

-- Readers as last seen at Stripe, per mode (test and live readers differ).
CREATE TABLE known_readers (
	mode          TEXT NOT NULL,
	id            TEXT NOT NULL,
	label         TEXT NOT NULL DEFAULT '',
	device_type   TEXT NOT NULL DEFAULT '',
	serial_number TEXT NOT NULL DEFAULT '',
	location_id   TEXT NOT NULL DEFAULT '',
	location_name TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT '',
	refreshed_at  TEXT NOT NULL,
	PRIMARY KEY (mode, id)
) STRICT;

-- Every shop takes cash: start with that method.
INSERT INTO payment_methods (name, kind, cash_account) VALUES ('Cash', 'cash', '1010');
