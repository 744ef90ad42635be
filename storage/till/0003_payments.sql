-- The payments back office: Stripe's events as applied, refunds, payouts,
-- disputes; and, in the live register's file, the shop's roles and its
-- audit log (the tables exist in every register file; only the live one's
-- are used).

-- Each event Stripe sent, applied once: its id is the key.
CREATE TABLE events (
	id         TEXT PRIMARY KEY,
	type       TEXT NOT NULL,
	created    INTEGER NOT NULL, -- at Stripe, Unix seconds
	received   INTEGER NOT NULL,
	source     TEXT NOT NULL CHECK (source IN ('poll', 'webhook')),
	object_id  TEXT NOT NULL DEFAULT '',
	attempt_id INTEGER NOT NULL DEFAULT 0,
	handled    INTEGER NOT NULL, -- 0: a type Tally does not handle, recorded and ignored
	effect     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX events_attempt ON events (attempt_id) WHERE attempt_id <> 0;

-- The poller's place in Stripe's event log: one row.
CREATE TABLE event_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	cursor     TEXT NOT NULL DEFAULT '',
	last_heard INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	failures   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A refund of one payment, stored with its idempotency key before the
-- request leaves.
CREATE TABLE refunds (
	id           INTEGER PRIMARY KEY,
	attempt_id   INTEGER NOT NULL REFERENCES attempts (id),
	sale_id      INTEGER NOT NULL REFERENCES sales (id),
	kind         TEXT NOT NULL,
	amount       INTEGER NOT NULL CHECK (amount > 0),
	currency     TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	idem_key     TEXT NOT NULL UNIQUE,
	status       TEXT NOT NULL CHECK (status IN ('requested', 'pending', 'succeeded', 'failed', 'canceled')),
	stripe_id    TEXT NOT NULL DEFAULT '',
	failure      TEXT NOT NULL DEFAULT '',
	message      TEXT NOT NULL DEFAULT '',
	external     INTEGER NOT NULL DEFAULT 0, -- made outside Tally, learnt from Stripe's events
	by_role      TEXT NOT NULL DEFAULT '',
	succeeded_at INTEGER NOT NULL DEFAULT 0,
	failed_at    INTEGER NOT NULL DEFAULT 0,
	close_id     INTEGER NOT NULL DEFAULT 0, -- the day close that counted it
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL
) STRICT;
CREATE INDEX refunds_sale ON refunds (sale_id);
CREATE INDEX refunds_attempt ON refunds (attempt_id);
CREATE INDEX refunds_open ON refunds (status) WHERE status IN ('requested', 'pending');
CREATE UNIQUE INDEX refunds_stripe ON refunds (stripe_id) WHERE stripe_id <> '';

ALTER TABLE attempts ADD COLUMN authorized_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN refunded_at_stripe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN disputed TEXT NOT NULL DEFAULT '';
CREATE INDEX attempts_created ON attempts (created);
CREATE INDEX attempts_status_id ON attempts (status, id);
CREATE INDEX attempts_method_id ON attempts (method_id, id);
CREATE INDEX attempts_session ON attempts (session_id) WHERE session_id <> '';
CREATE INDEX attempts_charge ON attempts (charge_id) WHERE charge_id <> '';

CREATE TABLE payouts (
	id       TEXT PRIMARY KEY,
	amount   INTEGER NOT NULL,
	currency TEXT NOT NULL,
	status   TEXT NOT NULL,
	arrival  INTEGER NOT NULL DEFAULT 0,
	failure  TEXT NOT NULL DEFAULT '',
	created  INTEGER NOT NULL DEFAULT 0,
	updated  INTEGER NOT NULL
) STRICT;

CREATE TABLE disputes (
	id         TEXT PRIMARY KEY,
	charge_id  TEXT NOT NULL DEFAULT '',
	pi_id      TEXT NOT NULL DEFAULT '',
	attempt_id INTEGER NOT NULL DEFAULT 0,
	amount     INTEGER NOT NULL,
	currency   TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL,
	created    INTEGER NOT NULL DEFAULT 0,
	updated    INTEGER NOT NULL
) STRICT;
CREATE INDEX disputes_attempt ON disputes (attempt_id);

-- The shop's roles: a slow hash of each PIN (never the PIN), and the wrong
-- tries, kept here so that a restart does not reset a lock.
CREATE TABLE roles (
	role         TEXT PRIMARY KEY CHECK (role IN ('owner', 'cashier')),
	pin_hash     TEXT NOT NULL,
	failures     INTEGER NOT NULL DEFAULT 0,
	locks        INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	updated      INTEGER NOT NULL
) STRICT;

-- Every protected action: who, what, when, how much. Appended, never changed.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	role       TEXT NOT NULL,
	books      TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	detail     TEXT NOT NULL,
	amount     INTEGER NOT NULL DEFAULT 0,
	currency   TEXT NOT NULL DEFAULT '',
	sale_id    INTEGER NOT NULL DEFAULT 0,
	attempt_id INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX audit_attempt ON audit (attempt_id) WHERE attempt_id <> 0;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
