-- The register's TSE transactions (Germany's KassenSichV): one per sale,
-- its id chosen and stored before the TSE is called, its state as far as
-- Tally knows it, and what the TSE answered, for the receipt and the
-- DSFinV-K export.
CREATE TABLE tse_transactions (
	id            TEXT PRIMARY KEY,
	kind          TEXT NOT NULL,
	ref           INTEGER NOT NULL,
	till          TEXT NOT NULL,
	state         TEXT NOT NULL,
	number        INTEGER NOT NULL DEFAULT 0,
	counter       INTEGER NOT NULL DEFAULT 0,
	started       INTEGER NOT NULL DEFAULT 0, -- Unix seconds
	ended         INTEGER NOT NULL DEFAULT 0,
	process_type  TEXT NOT NULL DEFAULT '',
	process_data  TEXT NOT NULL DEFAULT '',
	signature     TEXT NOT NULL DEFAULT '',
	tse_serial    TEXT NOT NULL DEFAULT '',
	client_serial TEXT NOT NULL DEFAULT '',
	algorithm     TEXT NOT NULL DEFAULT '',
	time_format   TEXT NOT NULL DEFAULT '',
	public_key    TEXT NOT NULL DEFAULT '',
	outage        INTEGER NOT NULL DEFAULT 0,
	error         TEXT NOT NULL DEFAULT '',
	updated       INTEGER NOT NULL,
	UNIQUE (kind, ref)
) STRICT;
CREATE INDEX tse_transactions_open ON tse_transactions (state) WHERE state NOT IN ('finished', 'cancelled');

-- Each till's TSE (live mode): fiskaly's API key, TSS and client; the
-- API secret and the TSS's admin PIN are in the keychain.
CREATE TABLE tse_settings (
	till          TEXT PRIMARY KEY,
	provider      TEXT NOT NULL DEFAULT '',
	base_url      TEXT NOT NULL DEFAULT '',
	api_key       TEXT NOT NULL DEFAULT '',
	secret_hint   TEXT NOT NULL DEFAULT '',
	tss_id        TEXT NOT NULL DEFAULT '',
	client_id     TEXT NOT NULL DEFAULT '',
	client_serial TEXT NOT NULL DEFAULT '',
	set_up        INTEGER NOT NULL DEFAULT 0
) STRICT;
