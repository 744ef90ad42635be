package storage

import (
	"fmt"
	"time"

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
	err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN m <> '' THEN 1 ELSE 0 END), 0) FROM (
		SELECT `+matchedPayment+` AS m FROM statement_lines l WHERE l.category IN ('charge', 'payment')) AS matched`).Scan(&c.Charges, &c.Matched)
	if err != nil {
		return c, fmt.Errorf("match lines: %w", err)
	}
	return c, nil
}

// SummaryChecks compares each imported balance summary with the lines of
// its period: ending − starting balance against the net of the lines from
// the first day's start to the end of the last day.
func (t *Tx) SummaryChecks() ([]domain.SummaryCheck, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT i.file, s.currency, s.net, s.at, e.net, e.at
		FROM summary_rows s JOIN summary_rows e ON e.import_id = s.import_id AND e.category = 'ending_balance'
		JOIN imports i ON i.id = s.import_id
		WHERE s.category = 'starting_balance' AND s.at > 0 AND e.at > 0 AND s.currency <> ''
		ORDER BY s.at, i.id`)
	if err != nil {
		return nil, fmt.Errorf("summary checks: %w", err)
	}
	var out []domain.SummaryCheck
	for rows.Next() {
		var c domain.SummaryCheck
		var cur string
		var from, to int64
		if err := rows.Scan(&c.File, &cur, &c.Starting, &from, &c.Ending, &to); err != nil {
			rows.Close()
			return nil, err
		}
		if c.Currency, err = domain.CurrencyOf(cur); err != nil {
			rows.Close()
			return nil, err
		}
		c.From, c.To = time.Unix(from, 0).UTC(), time.Unix(to, 0).UTC().AddDate(0, 0, 1)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(SUM(net), 0), COUNT(*) FROM statement_lines
			WHERE currency = ? AND created >= ? AND created < ? AND bookable = 1`,
			c.Currency.Code(), c.From.Unix(), c.To.Unix()).Scan(&c.LinesNet, &c.Lines); err != nil {
			return nil, fmt.Errorf("summary lines: %w", err)
		}
	}
	return out, nil
}
