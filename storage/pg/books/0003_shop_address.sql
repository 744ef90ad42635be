-- The seller's details every receipt and invoice must carry: the shop's
-- address and its VAT (or tax) number.
ALTER TABLE shop ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN vat_id TEXT NOT NULL DEFAULT '';
