-- Invoices paid later, by Stripe's hosted page or outside Stripe: the
-- customers they are for, the invoices with their lines as written, and
-- the tax rates made at Stripe for them.

CREATE TABLE customers (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	email       TEXT NOT NULL DEFAULT '',
	line1       TEXT NOT NULL DEFAULT '',
	line2       TEXT NOT NULL DEFAULT '',
	city        TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL DEFAULT '',
	country     TEXT NOT NULL DEFAULT '',
	vat_number  TEXT NOT NULL DEFAULT '',
	stripe_id   TEXT NOT NULL DEFAULT '',
	idem_key    TEXT NOT NULL UNIQUE,
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX customers_stripe ON customers (stripe_id) WHERE stripe_id <> '';

CREATE TABLE invoices (
	id               INTEGER PRIMARY KEY,
	customer_id      INTEGER NOT NULL REFERENCES customers (id),
	currency         TEXT NOT NULL,
	tax_inclusive    INTEGER NOT NULL,
	cart_discount    INTEGER NOT NULL DEFAULT 0, -- a rate on every line, as the register's cart discount
	gross            INTEGER NOT NULL,
	discount         INTEGER NOT NULL,
	net              INTEGER NOT NULL,
	tax              INTEGER NOT NULL,
	total            INTEGER NOT NULL,
	due              INTEGER NOT NULL,
	note             TEXT NOT NULL DEFAULT '',
	sale_id          INTEGER NOT NULL DEFAULT 0,
	till             TEXT NOT NULL DEFAULT '',
	send             INTEGER NOT NULL DEFAULT 0,
	idem_key         TEXT NOT NULL UNIQUE,
	step             TEXT NOT NULL CHECK (step IN ('local', 'draft', 'finalized', 'discarded')),
	items            INTEGER NOT NULL DEFAULT 0,
	sent             INTEGER NOT NULL DEFAULT 0,
	stripe_id        TEXT NOT NULL DEFAULT '',
	number           TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL DEFAULT '',
	stripe_total     INTEGER NOT NULL DEFAULT 0,
	stripe_tax       INTEGER NOT NULL DEFAULT 0,
	remaining        INTEGER NOT NULL DEFAULT 0,
	hosted_url       TEXT NOT NULL DEFAULT '',
	pdf_url          TEXT NOT NULL DEFAULT '',
	finalized_at     INTEGER NOT NULL DEFAULT 0,
	paid_at          INTEGER NOT NULL DEFAULT 0,
	voided_at        INTEGER NOT NULL DEFAULT 0,
	uncollectible_at INTEGER NOT NULL DEFAULT 0,
	paid_out_of_band INTEGER NOT NULL DEFAULT 0,
	payment_intent   TEXT NOT NULL DEFAULT '',
	charge_id        TEXT NOT NULL DEFAULT '',
	last_error       TEXT NOT NULL DEFAULT '',
	created          INTEGER NOT NULL,
	updated          INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX invoices_stripe ON invoices (stripe_id) WHERE stripe_id <> '';
CREATE INDEX invoices_unfinished ON invoices (id) WHERE step IN ('local', 'draft') OR (send = 1 AND sent = 0 AND step = 'finalized');

CREATE TABLE invoice_lines (
	invoice_id    INTEGER NOT NULL REFERENCES invoices (id),
	pos           INTEGER NOT NULL,
	product_id    INTEGER NOT NULL DEFAULT 0,
	description   TEXT NOT NULL,
	quantity      INTEGER NOT NULL,
	unit_price    INTEGER NOT NULL,
	discount_rate INTEGER NOT NULL DEFAULT 0,
	tax_rate      INTEGER NOT NULL DEFAULT 0,
	discount      INTEGER NOT NULL DEFAULT 0,
	net           INTEGER NOT NULL,
	tax           INTEGER NOT NULL,
	total         INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, pos)
) STRICT;

CREATE TABLE tax_rates (
	rate      INTEGER NOT NULL,
	inclusive INTEGER NOT NULL,
	stripe_id TEXT NOT NULL,
	PRIMARY KEY (rate, inclusive)
) STRICT;

ALTER TABLE event_state ADD COLUMN invoice_cursor TEXT NOT NULL DEFAULT '';

-- A sale at the register may name its customer (a payment method that
-- identifies the customer is offered only then).
ALTER TABLE sales ADD COLUMN customer_id INTEGER REFERENCES customers (id);
