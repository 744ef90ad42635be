-- The instant a summary row speaks of ("Ending balance (2025-11-29)"), in UTC
-- seconds, resolved in the report's time zone at import; 0 when it names none.
ALTER TABLE summary_rows ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
