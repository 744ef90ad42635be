package storage

import (
	"fmt"

	"tally/domain"
)

// matchedPayment is the SQL that finds a line's payment record: by charge
// id (charge_id, or source_id when they are the same), then by
// PaymentIntent id. Each is one index lookup.
const matchedPayment = `COALESCE(
	(SELECT p.key FROM payment_records p WHERE p.key = COALESCE(NULLIF(l.charge_id, ''), l.source_id) AND p.key <> ''),
	(SELECT p.key FROM payment_records p WHERE l.payment_intent_id <> '' AND p.payment_intent_id = l.payment_intent_id LIMIT 1),
	'')`

// MatchCounts counts charge lines and how many found their payment record.
func (t *Tx) MatchCounts() (domain.MatchCounts, error) {
	var c domain.MatchCounts
	err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*), COALESCE(SUM(m <> ''), 0) FROM (
		SELECT `+matchedPayment+` AS m FROM statement_lines l WHERE l.category IN ('charge', 'payment'))`).Scan(&c.Charges, &c.Matched)
	if err != nil {
		return c, fmt.Errorf("match lines: %w", err)
	}
	return c, nil
}
