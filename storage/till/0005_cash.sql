-- The drawer's cash other than sales and refunds: the opening float, cash
-- brought in or paid out, and what a day close took to the bank; each
-- counted by one day close (close_id) and booked once.
CREATE TABLE cash_movements (
	id       INTEGER PRIMARY KEY,
	till     TEXT NOT NULL,
	kind     TEXT NOT NULL CHECK (kind IN ('float', 'in', 'out', 'deposit')),
	amount   INTEGER NOT NULL CHECK (amount > 0),
	currency TEXT NOT NULL,
	reason   TEXT NOT NULL DEFAULT '',
	by_role  TEXT NOT NULL DEFAULT '',
	close_id INTEGER NOT NULL DEFAULT 0,
	created  INTEGER NOT NULL
) STRICT;
CREATE INDEX cash_movements_open ON cash_movements (close_id, till);
