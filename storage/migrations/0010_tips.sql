-- Tips on the card reader, per method, and where tips are booked: they are
-- owed to the staff, not the shop's sales.
ALTER TABLE payment_methods ADD COLUMN tips INTEGER NOT NULL DEFAULT 0;
INSERT INTO ledger_accounts (code, name, kind) VALUES ('2200', 'Tips payable', 'liability');
