-- Each till's receipt printer and cash drawer.
CREATE TABLE printers (
	till       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	paper      BIGINT NOT NULL DEFAULT 80,
	auto_print BIGINT NOT NULL DEFAULT 0,
	drawer     BIGINT NOT NULL DEFAULT 0,
	logo       BYTEA
);
