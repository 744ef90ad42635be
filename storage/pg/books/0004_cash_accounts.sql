-- The drawer's day: what a count finds over or short, and cash paid out
-- of the drawer for small expenses.
INSERT INTO ledger_accounts (code, name, kind) VALUES
	('6400', 'Cash over/short', 'expense'),
	('6500', 'Petty cash expenses', 'expense')
	ON CONFLICT DO NOTHING;
