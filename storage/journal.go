package storage

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"tally/domain"
)

const lineColumns = `l.key, l.txn_id, l.source_id, l.category, l.created, l.available_on, l.currency, l.gross, l.fee, l.net,
	l.description, l.payout_id, l.payment_intent_id, l.charge_id, l.customer_email, l.extra, l.bookable, i.extra_names`

func scanLine(rows interface{ Scan(...any) error }) (domain.StatementLine, error) {
	var l domain.StatementLine
	var created, avail int64
	var cur string
	var extra, txn, charge sql.NullString
	var names string
	if err := rows.Scan(&l.Key, &txn, &l.SourceID, &l.Category, &created, &avail, &cur, &l.Gross, &l.Fee, &l.Net,
		&l.Description, &l.PayoutID, &l.PaymentIntentID, &charge, &l.CustomerEmail, &extra, &l.Bookable, &names); err != nil {
		return l, fmt.Errorf("scan line: %w", err)
	}
	l.BalanceTxnID, l.ChargeID = l.Key, l.SourceID
	if txn.Valid {
		l.BalanceTxnID = txn.String
	}
	if charge.Valid {
		l.ChargeID = charge.String
	}
	l.Created = time.Unix(created, 0).UTC()
	if avail != 0 {
		l.AvailableOn = time.Unix(avail, 0).UTC()
	}
	c, err := domain.CurrencyOf(cur)
	if err != nil {
		return l, fmt.Errorf("line %s currency: %w", l.Key, err)
	}
	l.Currency = c
	if extra.Valid {
		if l.Extra, err = decodeExtra(extra.String, strings.Split(names, "\x1f")); err != nil {
			return l, fmt.Errorf("line %s extra: %w", l.Key, err)
		}
	}
	return l, nil
}

// UnbookedLines returns up to limit bookable lines that have no entry yet,
// oldest first, after the cursor.
func (t *Tx) UnbookedLines(after domain.LineCursor, limit int) ([]domain.StatementLine, error) {
	rows, err := t.unbooked(lineColumns, `JOIN imports i ON i.id = l.import_id`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list unbooked lines: %w", err)
	}
	defer rows.Close()
	var out []domain.StatementLine
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// unbooked reads cols of the bookable lines without an entry, in booking
// order after the cursor: the (created, key) index starts each batch where
// the last ended.
func (t *Tx) unbooked(cols, join string, after domain.LineCursor, limit int) (*sql.Rows, error) {
	from := int64(math.MinInt64)
	if after.Key != "" {
		from = after.Created.Unix()
	}
	return t.tx.QueryContext(t.ctx, `SELECT `+cols+` FROM statement_lines l `+join+`
		WHERE (l.created, l.key) > (?1, ?2)
		AND l.bookable = 1 AND NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.line_key = l.key)
		ORDER BY l.created, l.key LIMIT ?3`, from, after.Key, limit)
}

// InsertEntry stores a balanced entry and sets its ID.
func (t *Tx) InsertEntry(e *domain.Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	var key, sale driver.Value
	if e.LineKey != "" {
		key = e.LineKey
	}
	if e.SaleRef != "" {
		sale = e.SaleRef
	}
	// Straight to the driver, as the import does: booking a million lines
	// runs a million of these.
	const insertEntry = `INSERT INTO journal_entries (date, currency, description, line_key, sale_ref) VALUES (?, ?, ?, ?, ?)`
	if t.tx.d.pg {
		id, err := t.tx.insertContext(t.ctx, insertEntry, e.Date.Unix(), e.Currency.Code(), e.Description, key, sale)
		if err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		e.ID = id
	} else {
		res, err := t.rawExec(insertEntry, appendValues(nil, e.Date.Unix(), e.Currency.Code(), e.Description, key, sale))
		if err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	// One row per INSERT: a multi-row one would need a statement journal
	// (the postings' references are checked at once).
	args := make([]driver.NamedValue, 0, 3)
	for _, p := range e.Postings {
		if _, err := t.rawExec(`INSERT INTO postings (entry_id, account, amount) VALUES (?, ?, ?)`,
			appendValues(args[:0], e.ID, p.Account, p.Amount)); err != nil {
			return fmt.Errorf("insert posting: %w", err)
		}
	}
	return nil
}

// Entries calls fn for every entry, by date, with its postings.
func (t *Tx) Entries(fn func(domain.Entry) error) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT e.id, e.date, e.currency, e.description, COALESCE(e.line_key, ''), p.account, p.amount
		FROM journal_entries e JOIN postings p ON p.entry_id = e.id ORDER BY e.date, e.id, p.rowid`)
	if err != nil {
		return fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var cur domain.Entry
	flush := func() error {
		if cur.ID == 0 {
			return nil
		}
		return fn(cur)
	}
	for rows.Next() {
		var id, date int64
		var code, desc, key, acct string
		var amt int64
		if err := rows.Scan(&id, &date, &code, &desc, &key, &acct, &amt); err != nil {
			return fmt.Errorf("scan entry: %w", err)
		}
		if id != cur.ID {
			if err := flush(); err != nil {
				return err
			}
			c, err := domain.CurrencyOf(code)
			if err != nil {
				return err
			}
			cur = domain.Entry{ID: id, Date: time.Unix(date, 0).UTC(), Currency: c, Description: desc, LineKey: key}
		}
		cur.Postings = append(cur.Postings, domain.Posting{Account: acct, Amount: amt})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// LatestEntry implements domain.LedgerTx.
func (t *Tx) LatestEntry(currency string) (time.Time, error) {
	var latest sql.NullInt64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT MAX(date) FROM journal_entries WHERE currency = ?`, currency).Scan(&latest); err != nil {
		return time.Time{}, fmt.Errorf("find the latest entry: %w", err)
	}
	if !latest.Valid {
		return time.Time{}, nil
	}
	return time.Unix(latest.Int64, 0).UTC(), nil
}

// AccountBalances returns the sum of postings per account and currency.
func (t *Tx) AccountBalances() ([]domain.AccountBalance, error) {
	return t.balances(`SELECT p.account, a.name, e.currency, SUM(p.amount) FROM postings p
		JOIN journal_entries e ON e.id = p.entry_id JOIN ledger_accounts a ON a.code = p.account
		GROUP BY p.account, a.name, e.currency ORDER BY p.account, e.currency`)
}

// AccountBalancesUntil sums the postings of entries dated before end.
func (t *Tx) AccountBalancesUntil(end time.Time) ([]domain.AccountBalance, error) {
	return t.balances(`SELECT p.account, a.name, e.currency, SUM(p.amount) FROM postings p
		JOIN journal_entries e ON e.id = p.entry_id JOIN ledger_accounts a ON a.code = p.account
		WHERE e.date < ? GROUP BY p.account, a.name, e.currency ORDER BY p.account, e.currency`, end.Unix())
}

func (t *Tx) balances(q string, args ...any) ([]domain.AccountBalance, error) {
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("account balances: %w", err)
	}
	defer rows.Close()
	var out []domain.AccountBalance
	for rows.Next() {
		var b domain.AccountBalance
		var cur string
		if err := rows.Scan(&b.Account, &b.Name, &cur, &b.Balance.Amount); err != nil {
			return nil, err
		}
		if b.Balance.Currency, err = domain.CurrencyOf(cur); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Activity sums Sales, Payment fees, Refunds and Bank postings by month or day.
func (t *Tx) Activity(monthly bool) ([]domain.ActivityPeriod, error) {
	format, period := "%Y-%m-%d", "strftime(?1, e.date, 'unixepoch')"
	if monthly {
		format = "%Y-%m-01"
	}
	if t.tx.d.pg {
		format, period = "YYYY-MM-DD", "to_char(to_timestamp(e.date) AT TIME ZONE 'UTC', ?1)"
		if monthly {
			format = "YYYY-MM-01"
		}
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+period+` AS period, e.currency, p.account, SUM(p.amount)
		FROM postings p JOIN journal_entries e ON e.id = p.entry_id WHERE p.account IN (?2, ?3, ?4, ?5)
		GROUP BY period, e.currency, p.account ORDER BY period, e.currency`, format,
		domain.AcctSales, domain.AcctPaymentFees, domain.AcctRefunds, domain.AcctBank)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	defer rows.Close()
	var out []domain.ActivityPeriod
	for rows.Next() {
		var period, cur, acct string
		var sum int64
		if err := rows.Scan(&period, &cur, &acct, &sum); err != nil {
			return nil, err
		}
		start, err := time.Parse("2006-01-02", period)
		if err != nil {
			return nil, fmt.Errorf("activity period %q: %w", period, err)
		}
		c, err := domain.CurrencyOf(cur)
		if err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || !out[n-1].Start.Equal(start) || out[n-1].Currency != c {
			out = append(out, domain.ActivityPeriod{Start: start, Currency: c})
		}
		p := &out[len(out)-1]
		switch acct {
		case domain.AcctSales:
			p.Sales = -sum
		case domain.AcctPaymentFees:
			p.Fees = sum
		case domain.AcctRefunds:
			p.Refunds = sum
		case domain.AcctBank:
			p.Payouts = sum
		}
	}
	return out, rows.Err()
}

// PayoutChecks compares each payout with the lines it pays out.
func (t *Tx) PayoutChecks() ([]domain.PayoutCheck, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT payout_id, currency,
		SUM(CASE WHEN category = 'payout' THEN -net ELSE 0 END),
		SUM(CASE WHEN category = 'payout' THEN 1 ELSE 0 END),
		SUM(CASE WHEN category NOT IN ('payout', 'payout_failure', 'payout_reversal') THEN net ELSE 0 END),
		SUM(CASE WHEN category NOT IN ('payout', 'payout_failure', 'payout_reversal') THEN 1 ELSE 0 END),
		SUM(CASE WHEN category IN ('payout_failure', 'payout_reversal') THEN 1 ELSE 0 END),
		COALESCE(MAX(CASE WHEN category = 'payout' THEN created END), MIN(created)) AS day
		FROM statement_lines WHERE payout_id <> '' GROUP BY payout_id, currency ORDER BY day, payout_id`)
	if err != nil {
		return nil, fmt.Errorf("payout checks: %w", err)
	}
	defer rows.Close()
	var out []domain.PayoutCheck
	for rows.Next() {
		var c domain.PayoutCheck
		var cur string
		var first int64
		if err := rows.Scan(&c.PayoutID, &cur, &c.Paid, &c.PayoutLines, &c.LinesNet, &c.Lines, &c.Failed, &first); err != nil {
			return nil, err
		}
		if c.Currency, err = domain.CurrencyOf(cur); err != nil {
			return nil, err
		}
		c.Date = time.Unix(first, 0).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The Dashboard's payouts check the lines' payouts, and show those
	// whose lines are not imported.
	dash, err := t.DashboardPayouts()
	if err != nil {
		return nil, err
	}
	for i := range out {
		if d, ok := dash[out[i].PayoutID]; ok && d.Amount.Currency == out[i].Currency {
			out[i].Dashboard = &d
			delete(dash, out[i].PayoutID)
		}
	}
	ids := make([]string, 0, len(dash))
	for id := range dash {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d := dash[id]
		date := d.Arrival
		if date.IsZero() {
			date = d.Created
		}
		out = append(out, domain.PayoutCheck{PayoutID: id, Currency: d.Amount.Currency, Date: date, Dashboard: &d})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// LineCounts returns how many lines there are, booked, and in suspense.
func (t *Tx) LineCounts() (domain.LineCounts, error) {
	var c domain.LineCounts
	err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*), COALESCE(SUM(bookable), 0),
		(SELECT COUNT(*) FROM journal_entries WHERE line_key IS NOT NULL),
		(SELECT COUNT(DISTINCT e.id) FROM journal_entries e JOIN postings p ON p.entry_id = e.id WHERE p.account = '1900')
		FROM statement_lines`).Scan(&c.Lines, &c.Bookable, &c.Booked, &c.Suspense)
	if err != nil {
		return c, fmt.Errorf("count lines: %w", err)
	}
	return c, nil
}

// Lines returns a page of lines matching f, newest first, with their
// booking, and, for the first page (offset 0), how many lines match; -1
// for later pages.
func (t *Tx) Lines(f domain.LineFilter, offset, limit int) ([]domain.LineView, int, error) {
	where, args := "1 = 1", []any{}
	switch f.Status {
	case "unbooked":
		where += " AND l.bookable = 1 AND e.id IS NULL"
	case "booked":
		where += " AND e.id IS NOT NULL"
	case "suspense":
		where += " AND EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account = '1900')"
	case "queue":
		where += " AND l.bookable = 1 AND (e.id IS NULL OR EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account = '1900'))"
	case "matched":
		where += " AND l.category IN ('charge', 'payment') AND " + matchedPayment + " <> ''"
	case "unmatched":
		where += " AND l.category IN ('charge', 'payment') AND " + matchedPayment + " = ''"
	case "sale":
		// Booked against a register sale: its entry names the sale.
		where += " AND e.description LIKE 'Register sale #%'"
	case "":
	default:
		return nil, 0, domain.Errorf(domain.EINVALID, "unknown filter %q", f.Status)
	}
	if f.PayoutID != "" {
		where += " AND l.payout_id = ?"
		args = append(args, f.PayoutID)
	}
	if f.Key != "" {
		where += " AND l.key = ?"
		args = append(args, f.Key)
	}
	from := ` FROM statement_lines l JOIN imports i ON i.id = l.import_id LEFT JOIN journal_entries e ON e.line_key = l.key WHERE ` + where
	total := -1
	if offset == 0 { // later pages of the same filter need no recount
		if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count lines: %w", err)
		}
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+lineColumns+`, e.id IS NOT NULL, `+matchedPayment+`,
		COALESCE((SELECT p.account || ' ' || a.name FROM postings p JOIN ledger_accounts a ON a.code = p.account
			WHERE p.entry_id = e.id ORDER BY p.rowid LIMIT 1 OFFSET 1), ''),
		EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account = '1900')`+
		from+` ORDER BY l.created DESC, l.key LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list lines: %w", err)
	}
	defer rows.Close()
	var out []domain.LineView
	for rows.Next() {
		var v domain.LineView
		var booked, parked bool
		var acct, payment string
		l, err := scanLine(scanExtra{rows, []any{&booked, &payment, &acct, &parked}})
		if err != nil {
			return nil, 0, err
		}
		v.StatementLine, v.Booked, v.Parked, v.Account, v.Payment = l, booked, parked, acct, payment
		out = append(out, v)
	}
	return out, total, rows.Err()
}

// scanExtra scans a row whose first columns scanLine reads, then more.
type scanExtra struct {
	rows interface{ Scan(...any) error }
	more []any
}

func (s scanExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.more...)...) }

// BookedSales implements domain.Tx.
func (t *Tx) BookedSales() (map[string]bool, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT sale_ref FROM journal_entries WHERE sale_ref IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("list booked sales: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return nil, fmt.Errorf("list booked sales: %w", err)
		}
		out[ref] = true
	}
	return out, rows.Err()
}

// ChargeFees implements domain.Tx.
func (t *Tx) ChargeFees(chargeIDs []string) (int64, int, error) {
	var fee int64
	found := 0
	for len(chargeIDs) > 0 {
		n := min(len(chargeIDs), 400)
		part := chargeIDs[:n]
		chargeIDs = chargeIDs[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT COALESCE(SUM(fee), 0), COUNT(DISTINCT source_id) FROM statement_lines
			WHERE category IN ('charge', 'payment') AND source_id IN (?` + strings.Repeat(", ?", n-1) + `)`
		var f int64
		var c int
		if err := t.tx.QueryRowContext(t.ctx, q, args...).Scan(&f, &c); err != nil {
			return 0, 0, fmt.Errorf("sum charge fees: %w", err)
		}
		fee += f
		found += c
	}
	return fee, found, nil
}
