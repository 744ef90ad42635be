-- Payouts as the Dashboard's Payouts export lists them: they check the
-- payout lines (amount, status) and book nothing. A later export of the same
-- payout updates its status.
CREATE TABLE dashboard_payouts (
	id                  TEXT PRIMARY KEY,
	import_id           INTEGER NOT NULL REFERENCES imports (id),
	amount              INTEGER NOT NULL,
	currency            TEXT NOT NULL,
	created             INTEGER NOT NULL DEFAULT 0,
	arrival             INTEGER NOT NULL DEFAULT 0,
	status              TEXT NOT NULL DEFAULT '',
	type                TEXT NOT NULL DEFAULT '',
	method              TEXT NOT NULL DEFAULT '',
	description         TEXT NOT NULL DEFAULT '',
	balance_txn         TEXT NOT NULL DEFAULT '',
	failure_balance_txn TEXT NOT NULL DEFAULT '',
	failure_code        TEXT NOT NULL DEFAULT '',
	failure_message     TEXT NOT NULL DEFAULT '',
	trace_id            TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX dashboard_payouts_import ON dashboard_payouts (import_id);
