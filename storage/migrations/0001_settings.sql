-- The shop's Stripe settings: one row. Secrets are not here (see Keychain).
CREATE TABLE settings (
	id                  INTEGER PRIMARY KEY CHECK (id = 1),
	mode                TEXT NOT NULL CHECK (mode IN ('disabled', 'test', 'live')),
	publishable_key     TEXT NOT NULL DEFAULT '',
	secret_key_hint     TEXT NOT NULL DEFAULT '',
	webhook_secret_hint TEXT NOT NULL DEFAULT '',
	api_base            TEXT NOT NULL DEFAULT '',
	account_id          TEXT NOT NULL DEFAULT '',
	account_name        TEXT NOT NULL DEFAULT '',
	account_country     TEXT NOT NULL DEFAULT '',
	account_currency    TEXT NOT NULL DEFAULT '',
	verified_at         TEXT NOT NULL DEFAULT ''
) STRICT;
