-- The register's own file, one per mode beside the books: a sale or a
-- payment attempt never waits on a long import or booking, which hold the
-- books' write lock for seconds.

-- The shop as the register shows it: one row.
CREATE TABLE register_settings (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	shop_name      TEXT NOT NULL DEFAULT '',
	currency       TEXT NOT NULL DEFAULT '',
	tax_inclusive  INTEGER NOT NULL DEFAULT 1,
	default_tax_rate INTEGER NOT NULL DEFAULT 0,
	till           TEXT NOT NULL DEFAULT 'Till 1'
) STRICT;

CREATE TABLE products (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL,
	price     INTEGER NOT NULL CHECK (price >= 0),
	currency  TEXT NOT NULL,
	tax_rate    INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate <= 1000000), -- millionths: 100 % is 1000000
	barcode   TEXT NOT NULL DEFAULT '',
	quick_key INTEGER NOT NULL DEFAULT 0,
	archived  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX products_barcode ON products (barcode) WHERE barcode <> '' AND archived = 0;
CREATE UNIQUE INDEX products_name ON products (lower(name)) WHERE archived = 0;

CREATE TABLE sales (
	id            INTEGER PRIMARY KEY,
	number        INTEGER NOT NULL UNIQUE,
	till          TEXT NOT NULL,
	created       INTEGER NOT NULL, -- Unix seconds, UTC
	currency      TEXT NOT NULL,
	tax_inclusive INTEGER NOT NULL,
	discount_rate   INTEGER NOT NULL DEFAULT 0,
	subtotal      INTEGER NOT NULL,
	discount      INTEGER NOT NULL,
	tax           INTEGER NOT NULL,
	total         INTEGER NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('open', 'paid', 'canceled')),
	settled_at    INTEGER NOT NULL DEFAULT 0,
	receipt_email TEXT NOT NULL DEFAULT '',
	close_id      INTEGER NOT NULL DEFAULT 0 -- the day close that counted it
) STRICT;
CREATE INDEX sales_status ON sales (status);

CREATE TABLE sale_lines (
	sale_id     INTEGER NOT NULL REFERENCES sales (id),
	pos         INTEGER NOT NULL,
	product_id  INTEGER NOT NULL DEFAULT 0,
	description TEXT NOT NULL,
	quantity    INTEGER NOT NULL,
	unit_price  INTEGER NOT NULL,
	discount_rate INTEGER NOT NULL DEFAULT 0,
	tax_rate      INTEGER NOT NULL DEFAULT 0,
	discount    INTEGER NOT NULL,
	net         INTEGER NOT NULL,
	tax         INTEGER NOT NULL,
	total       INTEGER NOT NULL,
	PRIMARY KEY (sale_id, pos)
) STRICT;

-- One try at taking (part of) a sale's amount. Stored with its idempotency
-- key before any call leaves the machine; every request of the attempt
-- derives its key from it.
CREATE TABLE attempts (
	id             INTEGER PRIMARY KEY,
	sale_id        INTEGER NOT NULL REFERENCES sales (id),
	method_id      INTEGER NOT NULL,
	method_name    TEXT NOT NULL,
	kind           TEXT NOT NULL CHECK (kind IN ('cash', 'card_reader', 'qr_link')),
	amount         INTEGER NOT NULL CHECK (amount > 0),
	currency       TEXT NOT NULL,
	tendered       INTEGER NOT NULL DEFAULT 0,
	change_given   INTEGER NOT NULL DEFAULT 0,
	idem_key       TEXT NOT NULL UNIQUE,
	status         TEXT NOT NULL CHECK (status IN ('pending', 'authorized', 'succeeded', 'failed', 'canceled')),
	stage          TEXT NOT NULL DEFAULT '',
	message        TEXT NOT NULL DEFAULT '',
	reader_id      TEXT NOT NULL DEFAULT '',
	capture_method TEXT NOT NULL DEFAULT 'automatic',
	tries          INTEGER NOT NULL DEFAULT 0,
	pi_id          TEXT NOT NULL DEFAULT '',
	session_id     TEXT NOT NULL DEFAULT '',
	session_url    TEXT NOT NULL DEFAULT '',
	session_expires INTEGER NOT NULL DEFAULT 0,
	charge_id      TEXT NOT NULL DEFAULT '',
	card_brand     TEXT NOT NULL DEFAULT '',
	card_last4     TEXT NOT NULL DEFAULT '',
	created        INTEGER NOT NULL,
	updated        INTEGER NOT NULL
) STRICT;
CREATE INDEX attempts_sale ON attempts (sale_id);
CREATE INDEX attempts_pending ON attempts (status) WHERE status = 'pending';
-- One unsettled attempt per sale at a time: a double tap cannot start two.
CREATE UNIQUE INDEX attempts_one_pending ON attempts (sale_id) WHERE status = 'pending';
CREATE UNIQUE INDEX attempts_pi ON attempts (pi_id) WHERE pi_id <> '';

-- Day closes (Z reports), each with its totals as text lines.
CREATE TABLE day_closes (
	id          INTEGER PRIMARY KEY,
	till        TEXT NOT NULL,
	closed_at   INTEGER NOT NULL,
	currency    TEXT NOT NULL,
	sales       INTEGER NOT NULL,
	total       INTEGER NOT NULL,
	cash_expected INTEGER NOT NULL,
	cash_counted  INTEGER NOT NULL,
	report      TEXT NOT NULL
) STRICT;
