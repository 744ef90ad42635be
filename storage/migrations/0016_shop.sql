-- The shop's own description, asked by the first-run set-up: one row.
-- set_up_at is empty until the set-up was finished or skipped.
CREATE TABLE shop (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	name      TEXT NOT NULL DEFAULT '',
	country   TEXT NOT NULL DEFAULT '',
	currency  TEXT NOT NULL DEFAULT '',
	time_zone TEXT NOT NULL DEFAULT '',
	set_up_at TEXT NOT NULL DEFAULT ''
) STRICT;

-- A shop that saved Stripe settings before this version was set up
-- already: take what its account says, and do not ask again.
INSERT INTO shop (id, name, country, currency, set_up_at)
	SELECT 1, account_name, account_country, account_currency, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	FROM settings WHERE id = 1;
