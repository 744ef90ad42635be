-- What a DATEV batch's header needs and the owner's account mapping: one
-- row (as SQLite's 0021_datev.sql).
CREATE TABLE datev_settings (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	consultant     INTEGER NOT NULL,
	client         INTEGER NOT NULL,
	chart          TEXT NOT NULL,
	year_start     INTEGER NOT NULL,
	account_length INTEGER NOT NULL,
	accounts       TEXT NOT NULL DEFAULT ''
);
