-- Lines find their payment record by charge id (the record's key) or by PaymentIntent id.
CREATE INDEX payment_records_intent ON payment_records (payment_intent_id) WHERE payment_intent_id <> '';
CREATE INDEX statement_lines_intent ON statement_lines (payment_intent_id) WHERE payment_intent_id <> '';
