-- Each till's receipt printer and cash drawer.
CREATE TABLE printers (
	till       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	paper      INTEGER NOT NULL DEFAULT 80,
	auto_print INTEGER NOT NULL DEFAULT 0,
	drawer     INTEGER NOT NULL DEFAULT 0,
	logo       BLOB
) STRICT;
