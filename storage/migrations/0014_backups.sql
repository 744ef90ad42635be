-- Each backup tally backup made of this file: when, and where to.
CREATE TABLE backups (
	id   INTEGER PRIMARY KEY,
	at   INTEGER NOT NULL, -- Unix seconds, UTC
	path TEXT NOT NULL
) STRICT;
