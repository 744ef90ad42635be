package storage

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"tally/domain"
)

// stmt returns a statement prepared once per transaction: an import inserts
// its rows through the same few statements.
func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = s
	return s, nil
}

// extraJSON encodes the extra columns as a JSON array of [name, value]
// pairs in file order, by hand: an import writes one per line and
// reflection would dominate.
func extraJSON(fs domain.Fields) (any, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		jsonString(&b, f.Name)
		b.WriteByte(',')
		jsonString(&b, f.Value)
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String(), nil
}

// extraCodec stores the extra columns of one import compactly: their names
// once, in imports.extra_names, and per row only "index\x1fvalue" pairs
// separated by \x1e. Names repeated in every row of a million-line import
// would otherwise double the database.
type extraCodec struct {
	names []string
	index map[string]int
	last  []int // the name indexes of the previous row, in its order
	buf   []byte
}

func (c *extraCodec) encode(fs domain.Fields) any {
	if len(fs) == 0 {
		return nil
	}
	if c.index == nil {
		c.index = map[string]int{}
	}
	c.buf = c.buf[:0]
	for i, f := range fs {
		// Rows of one file name the same columns in the same order: the
		// previous row's indexes save a map lookup per column.
		var k int
		if i < len(c.last) && c.names[c.last[i]] == f.Name {
			k = c.last[i]
		} else {
			var ok bool
			if k, ok = c.index[f.Name]; !ok {
				k = len(c.names)
				c.names = append(c.names, f.Name)
				c.index[f.Name] = k
			}
			if i < len(c.last) {
				c.last[i] = k
			} else {
				c.last = append(c.last, k)
			}
		}
		if i > 0 {
			c.buf = append(c.buf, 0x1e)
		}
		c.buf = strconv.AppendInt(c.buf, int64(k), 10)
		c.buf = append(c.buf, 0x1f)
		v := f.Value
		if strings.ContainsAny(v, "\x1e\x1f") {
			v = strings.NewReplacer("\x1e", " ", "\x1f", " ").Replace(v)
		}
		c.buf = append(c.buf, v...)
	}
	return string(c.buf)
}

// decodeExtra reads what extraCodec.encode wrote, with the import's names.
func decodeExtra(s string, names []string) (domain.Fields, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "\x1e")
	fs := make(domain.Fields, 0, len(parts))
	for _, p := range parts {
		k, v, ok := strings.Cut(p, "\x1f")
		i, err := strconv.Atoi(k)
		if !ok || err != nil || i < 0 || i >= len(names) {
			return nil, fmt.Errorf("damaged extra columns %q", p)
		}
		fs = append(fs, domain.Field{Name: names[i], Value: v})
	}
	return fs, nil
}

func jsonString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// BeginImport records a file being imported and returns its id.
func (t *Tx) BeginImport(file string, format domain.StatementFormat, at time.Time) (int64, error) {
	id, err := t.tx.insertContext(t.ctx, `INSERT INTO imports (file, format, imported_at) VALUES (?, ?, ?)`, file, format.ID, at.Unix())
	if err != nil {
		return 0, fmt.Errorf("record import: %w", err)
	}
	return id, nil
}

// FinishImport records how many lines a file had and how many were new.
func (t *Tx) FinishImport(id int64, lines, newLines int) error {
	names := strings.Join(t.extras.names, "")
	t.extras = extraCodec{}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE imports SET lines = ?, new_lines = ?, extra_names = ? WHERE id = ?`, lines, newLines, names, id); err != nil {
		return fmt.Errorf("finish import: %w", err)
	}
	return nil
}

// lineRowsPerInsert is how many lines one INSERT carries: per-statement
// overhead, not SQLite's B-tree work, dominated single-row inserts.
const lineRowsPerInsert = 128

// The import id is one parameter, ?1, shared by every row of a statement;
// the first row's key is ?2 and every other parameter takes the next number.
const (
	firstLineValues = "(?2, ?1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	lineValues      = "(?, ?1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

// fullInsertLinesSQL is the statement of a full batch, built once.
var fullInsertLinesSQL = buildInsertLinesSQL(lineRowsPerInsert)

func insertLinesSQL(n int) string {
	if n == lineRowsPerInsert {
		return fullInsertLinesSQL
	}
	return buildInsertLinesSQL(n)
}

// buildInsertLinesSQL: OR FAIL, with the import reference checked at commit
// (migration 0008), lets SQLite run the multi-row INSERT without a statement
// journal: a bad row stops the statement and the import rolls back whole.
func buildInsertLinesSQL(n int) string {
	return `INSERT OR FAIL INTO statement_lines (key, import_id, txn_id, source_id, category, created, available_on, currency,
	gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable) VALUES ` +
		firstLineValues + strings.Repeat(","+lineValues, n-1) + ` ON CONFLICT (key) DO NOTHING`
}

// preparedLines are the parameters of the INSERTs that store some lines.
type preparedLines struct {
	n     int
	stmts []*[]driver.NamedValue // one INSERT each, of up to lineRowsPerInsert lines
	keys  []string               // the first line's key of each, for messages
}

func (p *preparedLines) Len() int { return p.n }

// lineArgs recycles the parameter slices of prepared lines: a large import
// prepares thousands.
var lineArgs = sync.Pool{New: func() any {
	args := make([]driver.NamedValue, 0, 1+17*lineRowsPerInsert)
	return &args
}}

// PrepareLines builds the INSERT parameters of ls (see domain.Tx). It
// touches only the import's extra-column names, never the database.
func (t *Tx) PrepareLines(importID int64, ls []domain.StatementLine) domain.PreparedLines {
	p := &preparedLines{n: len(ls)}
	for len(ls) > 0 {
		n := min(len(ls), lineRowsPerInsert)
		buf := lineArgs.Get().(*[]driver.NamedValue)
		args := appendValues((*buf)[:0], importID)
		for i := range ls[:n] {
			l := &ls[i]
			// Values equal to another column are stored as NULL: less to bind and to write.
			var txn, charge driver.Value = l.BalanceTxnID, l.ChargeID
			if l.BalanceTxnID == l.Key {
				txn = nil
			}
			if l.ChargeID == l.SourceID {
				charge = nil
			}
			args = appendValues(args, l.Key, txn, l.SourceID, l.Category, l.Created.Unix(), unixOrZero(l.AvailableOn),
				l.Currency.Code(), l.Gross, l.Fee, l.Net, l.Description, l.PayoutID, l.PaymentIntentID, charge, l.CustomerEmail,
				t.extras.encode(l.Extra), l.Bookable)
		}
		*buf = args
		p.stmts = append(p.stmts, buf)
		p.keys = append(p.keys, ls[0].Key)
		ls = ls[n:]
	}
	return p
}

// InsertPrepared stores what PrepareLines prepared, skipping the lines whose
// keys are stored already, and returns how many were new.
func (t *Tx) InsertPrepared(dp domain.PreparedLines) (int, error) {
	p, ok := dp.(*preparedLines)
	if !ok {
		return 0, fmt.Errorf("insert lines: %T was not prepared by this store", dp)
	}
	if t.tx.d.pg {
		return t.copyLines(p)
	}
	added := 0
	for i, buf := range p.stmts {
		args := *buf
		k, err := t.bulkExec(insertLinesSQL((len(args)-1)/17), args)
		if err != nil {
			return added, fmt.Errorf("insert lines from %s: %w", p.keys[i], err)
		}
		added += int(k)
		clear(args) // let the strings go before the slice is reused
		*buf = args[:0]
		lineArgs.Put(buf)
		p.stmts[i] = nil
	}
	return added, nil
}

// appendValues appends vs as the next positional parameters.
func appendValues(args []driver.NamedValue, vs ...driver.Value) []driver.NamedValue {
	for _, v := range vs {
		args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: v})
	}
	return args
}

const insertPayment = `INSERT INTO payment_records (key, import_id, id, payment_intent_id, created, currency, amount, amount_refunded,
	fee, status, captured, description, customer_id, customer_email, card_brand, card_last4, converted_currency, converted_amount, extra)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET amount_refunded = excluded.amount_refunded, status = excluded.status,
	captured = excluded.captured, fee = excluded.fee
	WHERE (payment_records.amount_refunded, payment_records.status, payment_records.captured, payment_records.fee) IS DISTINCT FROM (excluded.amount_refunded, excluded.status, excluded.captured, excluded.fee)`

// InsertPaymentRecord stores p, or updates the fields a later export may
// change (refunds, status); it reports whether p was new.
func (t *Tx) InsertPaymentRecord(importID int64, p *domain.PaymentRecord) (bool, error) {
	s, err := t.stmt(insertPayment)
	if err != nil {
		return false, err
	}
	var exists int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM payment_records WHERE key = ?`, p.Key).Scan(&exists); err != nil {
		return false, fmt.Errorf("look up payment %s: %w", p.Key, err)
	}
	extra, err := extraJSON(p.Extra)
	if err != nil {
		return false, err
	}
	if _, err := s.ExecContext(t.ctx, t.tx.d.args([]any{p.Key, importID, p.ID, p.PaymentIntentID, unixOrZero(p.Created), p.Amount.Currency.Code(), p.Amount.Amount,
		p.AmountRefunded, p.Fee, p.Status, p.Captured, p.Description, p.CustomerID, p.CustomerEmail, p.CardBrand, p.CardLast4,
		p.Converted.Currency.Code(), p.Converted.Amount, extra})...); err != nil {
		return false, fmt.Errorf("insert payment %s: %w", p.Key, err)
	}
	return exists == 0, nil
}

// InsertSummaryRow stores one row of a balance summary.
func (t *Tx) InsertSummary(importID int64, rows []domain.SummaryRow) (bool, error) {
	type row struct {
		category, description, currency string
		net, at                         int64
	}
	key := func(r row) string {
		return fmt.Sprintf("%q %q %q %d %d", r.category, r.description, r.currency, r.net, r.at)
	}
	mine := map[string]int{}
	for _, r := range rows {
		mine[key(row{r.Category, r.Description, r.Net.Currency.Code(), r.Net.Amount, unixOrZero(r.Date)})]++
	}
	// Summaries are a few rows each: compare with every stored one.
	q, err := t.tx.QueryContext(t.ctx, `SELECT import_id, category, description, currency, net, at FROM summary_rows ORDER BY import_id`)
	if err != nil {
		return false, fmt.Errorf("read summaries: %w", err)
	}
	stored := map[int64]map[string]int{}
	for q.Next() {
		var id int64
		var r row
		if err := q.Scan(&id, &r.category, &r.description, &r.currency, &r.net, &r.at); err != nil {
			q.Close()
			return false, fmt.Errorf("read summaries: %w", err)
		}
		if stored[id] == nil {
			stored[id] = map[string]int{}
		}
		stored[id][key(r)]++
	}
	q.Close()
	if err := q.Err(); err != nil {
		return false, fmt.Errorf("read summaries: %w", err)
	}
	for _, s := range stored {
		if maps.Equal(s, mine) {
			return false, nil // the same summary, imported again
		}
	}
	for _, r := range rows {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO summary_rows (import_id, category, description, currency, net, at) VALUES (?, ?, ?, ?, ?, ?)`,
			importID, r.Category, r.Description, r.Net.Currency.Code(), r.Net.Amount, unixOrZero(r.Date)); err != nil {
			return false, fmt.Errorf("insert summary row: %w", err)
		}
	}
	return true, nil
}
