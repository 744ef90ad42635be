-- What a DATEV batch's header needs (the tax adviser's consultant and
-- client numbers, the chart, the financial year's first month, the account
-- length) and the owner's account mapping over the chart's defaults, as
-- "tally=datev" pairs separated by commas: one row.
CREATE TABLE datev_settings (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	consultant     INTEGER NOT NULL,
	client         INTEGER NOT NULL,
	chart          TEXT NOT NULL,
	year_start     INTEGER NOT NULL,
	account_length INTEGER NOT NULL,
	accounts       TEXT NOT NULL DEFAULT ''
) STRICT;
