package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tally/domain"
)

// This file holds the payments back office in the register's file: events,
// refunds, payouts, disputes, the payments list, and (in the live file)
// roles and the audit log.

func (t *tillTx) InsertEvent(e domain.EventRecord) (bool, error) {
	res, err := t.tx.Exec(`INSERT INTO events (id, type, created, received, source, object_id, attempt_id, handled, effect)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.Type, unix(e.Created), unix(e.Received), string(e.Source), e.ObjectID, e.AttemptID, boolInt(e.Handled), e.Effect)
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tillTx) EventState() (domain.EventState, error) {
	var st domain.EventState
	var heard int64
	err := t.tx.QueryRow(`SELECT cursor, invoice_cursor, last_heard, last_error, failures FROM event_state WHERE id = 1`).Scan(&st.Cursor, &st.InvoiceCursor, &heard, &st.LastError, &st.Failures)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read event state: %w", err)
	}
	st.LastHeard = fromUnix(heard)
	return st, nil
}

func (t *tillTx) SaveEventState(st domain.EventState) error {
	_, err := t.tx.Exec(`INSERT INTO event_state (id, cursor, invoice_cursor, last_heard, last_error, failures) VALUES (1, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, invoice_cursor = excluded.invoice_cursor, last_heard = excluded.last_heard,
		last_error = excluded.last_error, failures = excluded.failures`,
		st.Cursor, st.InvoiceCursor, unix(st.LastHeard), st.LastError, st.Failures)
	if err != nil {
		return fmt.Errorf("save event state: %w", err)
	}
	return nil
}

func (t *tillTx) EventsOf(attemptID int64) ([]domain.EventRecord, error) {
	rows, err := t.tx.Query(`SELECT id, type, created, received, source, object_id, attempt_id, handled, effect FROM events
		WHERE attempt_id = ? ORDER BY created, received, id`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var out []domain.EventRecord
	for rows.Next() {
		var e domain.EventRecord
		var created, received int64
		var src string
		var handled int
		if err := rows.Scan(&e.ID, &e.Type, &created, &received, &src, &e.ObjectID, &e.AttemptID, &handled, &e.Effect); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		e.Created, e.Received, e.Source, e.Handled = fromUnix(created), fromUnix(received), domain.EventSource(src), handled == 1
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *tillTx) AttemptByStripe(pi, session, charge string) (domain.Attempt, bool, error) {
	for _, q := range []struct{ col, id string }{{"pi_id", pi}, {"session_id", session}, {"charge_id", charge}} {
		if q.id == "" {
			continue
		}
		out, err := t.attempts(`WHERE `+q.col+` = ? ORDER BY id DESC LIMIT 1`, q.id)
		if err != nil {
			return domain.Attempt{}, false, err
		}
		if len(out) == 1 {
			return out[0], true, nil
		}
	}
	return domain.Attempt{}, false, nil
}

func (t *tillTx) Payout(id string) (domain.PayoutRecord, bool, error) {
	out, err := t.payouts(`WHERE id = ?`, id)
	if err != nil || len(out) == 0 {
		return domain.PayoutRecord{}, false, err
	}
	return out[0], true, nil
}

func (t *tillTx) Payouts(limit int) ([]domain.PayoutRecord, error) {
	return t.payouts(`ORDER BY created DESC, id DESC LIMIT ?`, limit)
}

func (t *tillTx) payouts(where string, args ...any) ([]domain.PayoutRecord, error) {
	rows, err := t.tx.Query(`SELECT id, amount, currency, status, arrival, failure, created, updated FROM payouts `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read payouts: %w", err)
	}
	defer rows.Close()
	var out []domain.PayoutRecord
	for rows.Next() {
		var p domain.PayoutRecord
		var cur string
		var arrival, created, updated int64
		if err := rows.Scan(&p.ID, &p.Amount.Amount, &cur, &p.Status, &arrival, &p.Failure, &created, &updated); err != nil {
			return nil, fmt.Errorf("read payouts: %w", err)
		}
		p.Amount.Currency, p.Arrival, p.Created, p.Updated = currencyOrZero(cur), fromUnix(arrival), fromUnix(created), fromUnix(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (t *tillTx) SavePayout(p domain.PayoutRecord) error {
	_, err := t.tx.Exec(upsert("payouts", "id", "id, amount, currency, status, arrival, failure, created, updated"),
		p.ID, p.Amount.Amount, p.Amount.Currency.Code(), p.Status, unix(p.Arrival), p.Failure, unix(p.Created), unix(p.Updated))
	if err != nil {
		return fmt.Errorf("save payout: %w", err)
	}
	return nil
}

const disputeCols = `id, charge_id, pi_id, attempt_id, amount, currency, reason, status, created, updated`

func (t *tillTx) disputes(where string, args ...any) ([]domain.DisputeRecord, error) {
	rows, err := t.tx.Query(`SELECT `+disputeCols+` FROM disputes `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read disputes: %w", err)
	}
	defer rows.Close()
	var out []domain.DisputeRecord
	for rows.Next() {
		var d domain.DisputeRecord
		var cur string
		var created, updated int64
		if err := rows.Scan(&d.ID, &d.ChargeID, &d.PaymentIntent, &d.AttemptID, &d.Amount.Amount, &cur, &d.Reason, &d.Status, &created, &updated); err != nil {
			return nil, fmt.Errorf("read disputes: %w", err)
		}
		d.Amount.Currency, d.Created, d.Updated = currencyOrZero(cur), fromUnix(created), fromUnix(updated)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tillTx) Dispute(id string) (domain.DisputeRecord, bool, error) {
	out, err := t.disputes(`WHERE id = ?`, id)
	if err != nil || len(out) == 0 {
		return domain.DisputeRecord{}, false, err
	}
	return out[0], true, nil
}

func (t *tillTx) SaveDispute(d domain.DisputeRecord) error {
	_, err := t.tx.Exec(upsert("disputes", "id", disputeCols),
		d.ID, d.ChargeID, d.PaymentIntent, d.AttemptID, d.Amount.Amount, d.Amount.Currency.Code(), d.Reason, d.Status, unix(d.Created), unix(d.Updated))
	if err != nil {
		return fmt.Errorf("save dispute: %w", err)
	}
	return nil
}

func (t *tillTx) DisputesOf(attemptID int64) ([]domain.DisputeRecord, error) {
	return t.disputes(`WHERE attempt_id = ? ORDER BY created`, attemptID)
}

// --- refunds ---

const refundCols = `id, attempt_id, sale_id, kind, amount, currency, reason, note, idem_key, status, stripe_id, failure, message, external, by_role,
	succeeded_at, failed_at, created, updated`

func refundArgs(r domain.RefundRecord) []any {
	return []any{r.AttemptID, r.SaleID, string(r.Kind), r.Amount.Amount, r.Amount.Currency.Code(), r.Reason, r.Note, string(r.Key), string(r.Status),
		r.StripeID, r.Failure, r.Message, boolInt(r.External), string(r.By), unix(r.Succeeded), unix(r.Failed), unix(r.Created), unix(r.Updated)}
}

func (t *tillTx) InsertRefund(r *domain.RefundRecord) error {
	id, err := t.tx.insert(`INSERT INTO refunds (attempt_id, sale_id, kind, amount, currency, reason, note, idem_key, status, stripe_id, failure, message,
		external, by_role, succeeded_at, failed_at, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, refundArgs(*r)...)
	if err != nil {
		return fmt.Errorf("insert refund: %w", err)
	}
	r.ID = id
	return nil
}

func (t *tillTx) SaveRefund(r domain.RefundRecord) error {
	res, err := t.tx.Exec(`UPDATE refunds SET attempt_id = ?, sale_id = ?, kind = ?, amount = ?, currency = ?, reason = ?, note = ?, idem_key = ?,
		status = ?, stripe_id = ?, failure = ?, message = ?, external = ?, by_role = ?, succeeded_at = ?, failed_at = ?, created = ?, updated = ?
		WHERE id = ?`, append(refundArgs(r), r.ID)...)
	if err != nil {
		return fmt.Errorf("save refund: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Refund %d does not exist.", r.ID)
	}
	return nil
}

func (t *tillTx) refunds(where string, args ...any) ([]domain.RefundRecord, error) {
	rows, err := t.tx.Query(`SELECT `+refundCols+` FROM refunds `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read refunds: %w", err)
	}
	defer rows.Close()
	var out []domain.RefundRecord
	for rows.Next() {
		var r domain.RefundRecord
		var kind, cur, key, status, by string
		var external int
		var succ, failed, created, updated int64
		if err := rows.Scan(&r.ID, &r.AttemptID, &r.SaleID, &kind, &r.Amount.Amount, &cur, &r.Reason, &r.Note, &key, &status, &r.StripeID,
			&r.Failure, &r.Message, &external, &by, &succ, &failed, &created, &updated); err != nil {
			return nil, fmt.Errorf("read refunds: %w", err)
		}
		r.Kind, r.Amount.Currency, r.Key, r.Status, r.External, r.By = domain.MethodKind(kind), currencyOrZero(cur), domain.IdempotencyKey(key),
			domain.RefundStatus(status), external == 1, domain.Role(by)
		r.Succeeded, r.Failed, r.Created, r.Updated = fromUnix(succ), fromUnix(failed), fromUnix(created), fromUnix(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tillTx) Refund(id int64) (domain.RefundRecord, error) {
	out, err := t.refunds(`WHERE id = ?`, id)
	if err != nil {
		return domain.RefundRecord{}, err
	}
	if len(out) == 0 {
		return domain.RefundRecord{}, domain.Errorf(domain.ENOTFOUND, "Refund %d does not exist.", id)
	}
	return out[0], nil
}

func (t *tillTx) RefundByStripeID(id string) (domain.RefundRecord, bool, error) {
	if id == "" {
		return domain.RefundRecord{}, false, nil
	}
	out, err := t.refunds(`WHERE stripe_id = ?`, id)
	if err != nil || len(out) == 0 {
		return domain.RefundRecord{}, false, err
	}
	return out[0], true, nil
}

func (t *tillTx) RefundsOfSale(saleID int64) ([]domain.RefundRecord, error) {
	return t.refunds(`WHERE sale_id = ? ORDER BY id`, saleID)
}

// ClosedRefunds implements domain.DayCloseTx.
func (t *tillTx) ClosedRefunds(closeID int64) ([]domain.RefundRecord, error) {
	return t.refunds(`WHERE close_id = ? ORDER BY id`, closeID)
}

func (t *tillTx) OpenRefunds() ([]domain.RefundRecord, error) {
	return t.refunds(`WHERE status IN ('requested', 'pending') ORDER BY id`)
}

func (t *tillTx) BookableRefunds() ([]domain.RefundRecord, error) {
	return t.refunds(`WHERE succeeded_at <> 0 ORDER BY id`)
}

func (t *tillTx) UnclosedRefunds(till string) ([]domain.RefundRecord, error) {
	return t.refunds(`WHERE close_id = 0 AND status IN ('pending', 'succeeded', 'requested')
		AND sale_id IN (SELECT id FROM sales WHERE ?1 = '' OR till = ?1) ORDER BY id`, till)
}

// CloseRefunds marks refunds as counted by a day close.
func (t *tillTx) CloseRefunds(closeID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := t.tx.Exec(`UPDATE refunds SET close_id = ? WHERE id = ?`, closeID, id); err != nil {
			return fmt.Errorf("mark refund closed: %w", err)
		}
	}
	return nil
}

// --- the payments list ---

// prefixed is attemptCols with each column taken from alias.
func prefixed(alias string) string {
	cols := strings.Split(attemptCols, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

var paymentSelect = `SELECT ` + prefixed("a") + `, s.number, s.till,
	COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.attempt_id = a.id AND r.status = 'succeeded'), 0),
	COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.attempt_id = a.id AND r.status IN ('requested', 'pending')), 0),
	(SELECT COUNT(*) FROM refunds r WHERE r.attempt_id = a.id AND r.status = 'failed')
	FROM attempts a JOIN sales s ON s.id = a.sale_id `

func paymentWhere(f domain.PaymentFilter) (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds, args = append(conds, `a.created >= ?`), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, `a.created < ?`), append(args, f.To.Unix())
	}
	switch f.Status {
	case "":
	case "refunded":
		conds = append(conds, `EXISTS (SELECT 1 FROM refunds r WHERE r.attempt_id = a.id)`)
	case "disputed":
		conds = append(conds, `a.disputed <> ''`)
	default:
		conds, args = append(conds, `a.status = ?`), append(args, f.Status)
	}
	if f.MethodID != 0 {
		conds, args = append(conds, `a.method_id = ?`), append(args, f.MethodID)
	}
	var or []string
	if f.Amount > 0 {
		or, args = append(or, `a.amount = ?`, `a.amount + a.tip = ?`), append(args, f.Amount, f.Amount)
	}
	if f.SaleNumber > 0 {
		or, args = append(or, `s.number = ?`), append(args, f.SaleNumber)
	}
	if f.Last4 != "" {
		or, args = append(or, `a.card_last4 = ?`), append(args, f.Last4)
	}
	if f.StripeID != "" {
		p := strings.ReplaceAll(strings.ReplaceAll(f.StripeID, `\`, `\\`), `%`, `\%`)
		p = strings.ReplaceAll(p, `_`, `\_`) + "%"
		or = append(or, `a.pi_id LIKE ? ESCAPE '\'`, `a.charge_id LIKE ? ESCAPE '\'`, `a.session_id LIKE ? ESCAPE '\'`,
			`EXISTS (SELECT 1 FROM refunds r WHERE r.attempt_id = a.id AND r.stripe_id LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
	}
	if f.Search != "" && len(or) == 0 {
		or = append(or, `0`) // a search that can match nothing
	}
	if len(or) > 0 {
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if len(conds) == 0 {
		return "", args
	}
	return "WHERE " + strings.Join(conds, " AND ") + " ", args
}

func scanPayment(sc interface{ Scan(...any) error }) (domain.PaymentView, error) {
	var p domain.PaymentView
	a, err := scanAttempt(sc, &p.SaleNumber, &p.Till, &p.Refunded, &p.RefundPending, &p.RefundFailed)
	if err != nil {
		return p, fmt.Errorf("read payments: %w", err)
	}
	p.Attempt, p.Disputed = a, a.Disputed
	return p, nil
}

func (t *tillTx) Payments(f domain.PaymentFilter, offset, limit int) ([]domain.PaymentView, error) {
	where, args := paymentWhere(f)
	// The page's ids first, from the indexes alone; the rows and their
	// refund sums only for those: a deep page costs its offset in index
	// steps, not in rows read.
	from := `attempts a JOIN sales s ON s.id = a.sale_id `
	if f.SaleNumber == 0 {
		from = `attempts a ` // no filter reads the sale
	}
	return t.payments(`WHERE a.id IN (SELECT a.id FROM `+from+where+`ORDER BY a.id DESC LIMIT ? OFFSET ?) ORDER BY a.id DESC`,
		append(args, limit, offset)...)
}

// payments reads the payments of paymentSelect with where.
func (t *tillTx) payments(where string, args ...any) ([]domain.PaymentView, error) {
	rows, err := t.tx.Query(paymentSelect+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read payments: %w", err)
	}
	defer rows.Close()
	var out []domain.PaymentView
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (t *tillTx) CountPayments(f domain.PaymentFilter) (domain.PaymentCounts, error) {
	where, args := paymentWhere(f)
	from := `attempts a JOIN sales s ON s.id = a.sale_id `
	if f.SaleNumber == 0 {
		from = `attempts a ` // no filter reads the sale: count the attempts alone
	}
	var c domain.PaymentCounts
	err := t.tx.QueryRow(`SELECT COUNT(*) FROM `+from+where, args...).Scan(&c.Count)
	if err != nil {
		return c, fmt.Errorf("count payments: %w", err)
	}
	return c, nil
}

func (t *tillTx) Payment(attemptID int64) (domain.PaymentView, error) {
	p, err := scanPayment(t.tx.QueryRow(paymentSelect+`WHERE a.id = ?`, attemptID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, domain.Errorf(domain.ENOTFOUND, "Payment %d does not exist.", attemptID)
	}
	return p, err
}

func (t *tillTx) Uncaptured() ([]domain.PaymentView, error) {
	return t.payments(`WHERE a.status = 'authorized' ORDER BY a.id`)
}

// --- roles and the audit log ---

var _ domain.AccessStore = (*Till)(nil)

// UpdateAccess implements domain.AccessStore.
func (t *Till) UpdateAccess(ctx context.Context, fn func(domain.AccessTx) error) error {
	return t.runTill(ctx, false, func(tx domain.TillTx) error { return fn(tx.(*tillTx)) })
}

// ViewAccess implements domain.AccessStore.
func (t *Till) ViewAccess(ctx context.Context, fn func(domain.AccessTx) error) error {
	return t.runTill(ctx, true, func(tx domain.TillTx) error { return fn(tx.(*tillTx)) })
}

func (t *tillTx) RoleRecord(r domain.Role) (domain.RoleRecord, bool, error) {
	rec := domain.RoleRecord{Role: r}
	var until, updated int64
	err := t.tx.QueryRow(`SELECT pin_hash, failures, locks, locked_until, updated FROM roles WHERE role = ?`, string(r)).
		Scan(&rec.Hash, &rec.Failures, &rec.Locks, &until, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, fmt.Errorf("read role: %w", err)
	}
	rec.LockedUntil, rec.Updated = fromUnix(until), fromUnix(updated)
	return rec, true, nil
}

func (t *tillTx) SaveRole(rec domain.RoleRecord) error {
	_, err := t.tx.Exec(upsert("roles", "role", "role, pin_hash, failures, locks, locked_until, updated"),
		string(rec.Role), rec.Hash, rec.Failures, rec.Locks, unix(rec.LockedUntil), unix(rec.Updated))
	if err != nil {
		return fmt.Errorf("save role: %w", err)
	}
	return nil
}

func (t *tillTx) InsertAudit(e *domain.AuditEntry) error {
	id, err := t.tx.insert(`INSERT INTO audit (at, role, books, action, detail, amount, currency, sale_id, attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		unix(e.At), string(e.Role), string(e.Books), e.Action, e.Detail, e.Amount.Amount, e.Amount.Currency.Code(), e.SaleID, e.AttemptID)
	if err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	e.ID = id
	return nil
}

func (t *tillTx) AuditEntries(limit int, fn func(domain.AuditEntry) error) error {
	q := `ORDER BY id DESC`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return t.audit(q, args, fn)
}

func (t *tillTx) AuditOf(attemptID int64, fn func(domain.AuditEntry) error) error {
	return t.audit(`WHERE attempt_id = ? ORDER BY id`, []any{attemptID}, fn)
}

func (t *tillTx) audit(where string, args []any, fn func(domain.AuditEntry) error) error {
	rows, err := t.tx.Query(`SELECT id, at, role, books, action, detail, amount, currency, sale_id, attempt_id FROM audit `+where, args...)
	if err != nil {
		return fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.AuditEntry
		var at int64
		var role, books, cur string
		if err := rows.Scan(&e.ID, &at, &role, &books, &e.Action, &e.Detail, &e.Amount.Amount, &cur, &e.SaleID, &e.AttemptID); err != nil {
			return fmt.Errorf("read the audit log: %w", err)
		}
		e.At, e.Role, e.Books, e.Amount.Currency = fromUnix(at), domain.Role(role), domain.Mode(books), currencyOrZero(cur)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Access is the store of the shop's roles and audit log: the live
// register's file whatever the mode, so that a PIN of the demo books never
// opens the live settings, and never behind the books' write lock.
func (b *Books) Access() domain.AccessStore { return liveAccess{b} }

type liveAccess struct{ b *Books }

func (l liveAccess) UpdateAccess(ctx context.Context, fn func(domain.AccessTx) error) error {
	t, err := l.b.TillFor(ctx, domain.ModeLive)
	if err != nil {
		return err
	}
	return t.UpdateAccess(ctx, fn)
}

func (l liveAccess) ViewAccess(ctx context.Context, fn func(domain.AccessTx) error) error {
	t, err := l.b.TillFor(ctx, domain.ModeLive)
	if err != nil {
		return err
	}
	return t.ViewAccess(ctx, fn)
}

// SeedPayments stores n paid sales of 2.50 in cur, each with one cash
// payment of methodID, created at, straight in SQL: a register with a long
// history, for the tests and benchmarks of the payments list.
func (t *Till) SeedPayments(ctx context.Context, n int, cur string, methodID int64, at time.Time) error {
	return t.runTill(ctx, false, func(dtx domain.TillTx) error {
		tx := dtx.(*tillTx).tx
		var maxID, maxNumber int64
		if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0), COALESCE(MAX(number), 0) FROM sales`).Scan(&maxID, &maxNumber); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
				INSERT INTO sales (id, number, till, created, currency, tax_inclusive, subtotal, discount, tax, total, status, settled_at)
				SELECT ?2 + i, ?3 + i, 'Till 1', ?4, ?5, 1, 250, 0, 0, 250, 'paid', ?4 FROM seq`, []any{n, maxID, maxNumber, at.Unix(), cur}},
			{`INSERT INTO sale_lines (sale_id, pos, description, quantity, unit_price, discount, net, tax, total)
				SELECT id, 0, 'Bun', 1, 250, 0, 250, 0, 250 FROM sales WHERE id > ?1`, []any{maxID}},
			{`INSERT INTO attempts (sale_id, method_id, method_name, kind, amount, currency, idem_key, status, created, updated)
				SELECT id, ?2, 'Cash', 'cash', 250, currency, 'seed-' || id, 'succeeded', created, created FROM sales WHERE id > ?1`, []any{maxID, methodID}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return fmt.Errorf("seed payments: %w", err)
			}
		}
		return nil
	})
}
