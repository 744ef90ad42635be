-- The optional webhook listener: off by default, on a local address.
ALTER TABLE settings ADD COLUMN webhook_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN webhook_listen TEXT NOT NULL DEFAULT '';
