-- Invoices: what customers owe until they pay, and what was written off.
INSERT OR IGNORE INTO ledger_accounts (code, name, kind) VALUES
	('1300', 'Receivables', 'asset'),
	('6300', 'Bad debts', 'expense');
