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

// Till is the register's database file: sales, attempts, products, day
// closes. It is a file of its own beside the books, so that a sale commits
// at once even while an import or a booking holds the books' write lock.
type Till struct {
	*DB
}

var _ domain.TillStore = (*Till)(nil)

// OpenTill opens (creating if needed) the register's file at path.
func OpenTill(ctx context.Context, path string) (*Till, error) {
	if IsPostgres(path) {
		d, err := openPostgres(ctx, path, "pg/till")
		if err != nil {
			return nil, err
		}
		return &Till{d}, nil
	}
	d, err := open(ctx, path, tillMigrations)
	if err != nil {
		return nil, err
	}
	return &Till{d}, nil
}

// UpdateTill runs fn in one write transaction.
func (t *Till) UpdateTill(ctx context.Context, fn func(domain.TillTx) error) error {
	return t.runTill(ctx, false, fn)
}

// ViewTill runs fn in one read transaction.
func (t *Till) ViewTill(ctx context.Context, fn func(domain.TillTx) error) error {
	return t.runTill(ctx, true, fn)
}

func (t *Till) runTill(ctx context.Context, readOnly bool, fn func(domain.TillTx) error) error {
	if t.dialect.pg {
		return t.runPostgres(ctx, readOnly, func(_ *sql.Conn, stx *sql.Tx) error { return fn(&tillTx{tx: sqlTx{stx, t.dialect}}) })
	}
	stx, err := t.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return formatError(fmt.Errorf("begin: %w", err))
	}
	defer stx.Rollback()
	if err := fn(&tillTx{tx: sqlTx{stx, t.dialect}}); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(err)
	}
	if err := stx.Commit(); err != nil {
		return formatError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

type tillTx struct{ tx sqlTx }

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func currencyOrZero(code string) domain.Currency {
	c, err := domain.CurrencyOf(code)
	if err != nil {
		return domain.Currency{}
	}
	return c
}

func (t *tillTx) RegisterSettings() (domain.RegisterSettings, error) {
	var s domain.RegisterSettings
	var cur string
	var incl int
	var tax int64
	err := t.tx.QueryRow(`SELECT shop_name, currency, tax_inclusive, default_tax_rate, till FROM register_settings WHERE id = 1`).
		Scan(&s.ShopName, &cur, &incl, &tax, &s.Till)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.RegisterSettings{TaxInclusive: true, Till: "Till 1"}, nil
	}
	if err != nil {
		return s, fmt.Errorf("read register settings: %w", err)
	}
	s.Currency, s.TaxInclusive, s.DefaultTaxRate = currencyOrZero(cur), incl == 1, domain.TaxRate(tax)
	return s, nil
}

func (t *tillTx) SaveRegisterSettings(s domain.RegisterSettings) error {
	_, err := t.tx.Exec(`INSERT INTO register_settings (id, shop_name, currency, tax_inclusive, default_tax_rate, till) VALUES (1, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET shop_name = excluded.shop_name, currency = excluded.currency,
		tax_inclusive = excluded.tax_inclusive, default_tax_rate = excluded.default_tax_rate, till = excluded.till`,
		s.ShopName, s.Currency.Code(), boolInt(s.TaxInclusive), int64(s.DefaultTaxRate), s.Till)
	if err != nil {
		return fmt.Errorf("save register settings: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const productCols = `id, name, price, currency, tax_rate, barcode, quick_key, archived`

func scanProduct(sc interface{ Scan(...any) error }) (domain.Product, error) {
	var p domain.Product
	var cur string
	var tax int64
	var qk, arch int
	if err := sc.Scan(&p.ID, &p.Name, &p.Price.Amount, &cur, &tax, &p.Barcode, &qk, &arch); err != nil {
		return p, err
	}
	p.Price.Currency, p.TaxRate, p.QuickKey, p.Archived = currencyOrZero(cur), domain.TaxRate(tax), qk == 1, arch == 1
	return p, nil
}

func (t *tillTx) Products(archived bool) ([]domain.Product, error) {
	q := `SELECT ` + productCols + ` FROM products`
	if !archived {
		q += ` WHERE archived = 0`
	}
	rows, err := t.tx.Query(q + ` ORDER BY archived, lower(name)`)
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	var out []domain.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("list products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (t *tillTx) SaveProduct(p *domain.Product) error {
	var err error
	args := []any{p.Name, p.Price.Amount, p.Price.Currency.Code(), int64(p.TaxRate), p.Barcode, boolInt(p.QuickKey), boolInt(p.Archived)}
	if p.ID == 0 {
		p.ID, err = t.tx.insert(`INSERT INTO products (name, price, currency, tax_rate, barcode, quick_key, archived) VALUES (?, ?, ?, ?, ?, ?, ?)`, args...)
	} else {
		var res sql.Result
		res, err = t.tx.Exec(`UPDATE products SET name = ?, price = ?, currency = ?, tax_rate = ?, barcode = ?, quick_key = ?, archived = ? WHERE id = ?`, append(args, p.ID)...)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return domain.Errorf(domain.ENOTFOUND, "This product no longer exists.")
			}
		}
	}
	if isUnique(err) {
		if strings.Contains(err.Error(), "barcode") {
			return &domain.FieldError{Field: "barcode", Err: domain.Errorf(domain.ECONFLICT, "Another product has this barcode.")}
		}
		return &domain.FieldError{Field: "name", Err: domain.Errorf(domain.ECONFLICT, "Another product has this name.")}
	}
	if err != nil {
		return fmt.Errorf("save product: %w", err)
	}
	return nil
}

func (t *tillTx) ProductByBarcode(code string) (domain.Product, error) {
	p, err := scanProduct(t.tx.QueryRow(`SELECT `+productCols+` FROM products WHERE barcode = ? AND archived = 0`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return p, domain.Errorf(domain.ENOTFOUND, "No product has the barcode %s. Add it under Products, or ring it up as an amount.", code)
	}
	if err != nil {
		return p, fmt.Errorf("find barcode: %w", err)
	}
	return p, nil
}

func (t *tillTx) InsertSale(s *domain.Sale) error {
	var next int64
	if err := t.tx.QueryRow(`SELECT COALESCE(MAX(number), 0) + 1 FROM sales`).Scan(&next); err != nil {
		return fmt.Errorf("number sale: %w", err)
	}
	c := s.Cart
	id, err := t.tx.insert(`INSERT INTO sales (number, till, created, currency, tax_inclusive, discount_rate, subtotal, discount, tax, total, status, receipt_email, customer_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		next, s.Till, unix(s.Created), c.Currency.Code(), boolInt(c.TaxInclusive), int64(c.Discount),
		s.Totals.Gross, s.Totals.Discount, s.Totals.Tax, s.Totals.Total, string(s.Status), c.ReceiptEmail, sql.NullInt64{Int64: c.CustomerID, Valid: c.CustomerID != 0})
	if err != nil {
		return fmt.Errorf("insert sale: %w", err)
	}
	s.ID = id
	s.Number = next
	for i, l := range c.Lines {
		if _, err := t.tx.Exec(`INSERT INTO sale_lines (sale_id, pos, product_id, description, quantity, unit_price, discount_rate, tax_rate, discount, net, tax, total)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, i, l.ProductID, l.Description, l.Quantity, l.UnitPrice,
			int64(l.Discount), int64(l.TaxRate), l.DiscountAmount, l.Net, l.Tax, l.Total); err != nil {
			return fmt.Errorf("insert sale line: %w", err)
		}
	}
	return nil
}

const saleCols = `id, number, till, created, currency, tax_inclusive, discount_rate, subtotal, discount, tax, total, status, settled_at, receipt_email,
	COALESCE(customer_id, 0), COALESCE((SELECT name FROM customers WHERE customers.id = sales.customer_id), '')`

func (t *tillTx) scanSales(q string, args ...any) ([]domain.Sale, error) {
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("read sales: %w", err)
	}
	var out []domain.Sale
	for rows.Next() {
		var s domain.Sale
		var cur, status string
		var incl int
		var disc, created, settled int64
		if err := rows.Scan(&s.ID, &s.Number, &s.Till, &created, &cur, &incl, &disc, &s.Totals.Gross, &s.Totals.Discount,
			&s.Totals.Tax, &s.Totals.Total, &status, &settled, &s.Cart.ReceiptEmail, &s.Cart.CustomerID, &s.Cart.CustomerName); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read sales: %w", err)
		}
		s.Created, s.Settled, s.Status = fromUnix(created), fromUnix(settled), domain.SaleStatus(status)
		s.Cart.Currency, s.Cart.TaxInclusive, s.Cart.Discount = currencyOrZero(cur), incl == 1, domain.TaxRate(disc)
		s.Totals.Net = s.Totals.Total - s.Totals.Tax
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sales: %w", err)
	}
	if err := t.fillSales(out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillSales reads the sales' lines and attempts a chunk of sales per query,
// not two queries a sale: a booking run reads every paid sale.
func (t *tillTx) fillSales(sales []domain.Sale) error {
	at := make(map[int64]*domain.Sale, len(sales))
	for i := range sales {
		at[sales[i].ID] = &sales[i]
	}
	for start := 0; start < len(sales); start += 400 {
		chunk := sales[start:min(start+400, len(sales))]
		in := "?" + strings.Repeat(", ?", len(chunk)-1)
		ids := make([]any, len(chunk))
		for i, sl := range chunk {
			ids[i] = sl.ID
		}
		rows, err := t.tx.Query(`SELECT sale_id, product_id, description, quantity, unit_price, discount_rate, tax_rate, discount, net, tax, total
			FROM sale_lines WHERE sale_id IN (`+in+`) ORDER BY sale_id, pos`, ids...)
		if err != nil {
			return fmt.Errorf("read sale lines: %w", err)
		}
		for rows.Next() {
			var l domain.SaleLine
			var id, disc, tax int64
			if err := rows.Scan(&id, &l.ProductID, &l.Description, &l.Quantity, &l.UnitPrice, &disc, &tax, &l.DiscountAmount, &l.Net, &l.Tax, &l.Total); err != nil {
				rows.Close()
				return fmt.Errorf("read sale lines: %w", err)
			}
			l.Discount, l.TaxRate = domain.TaxRate(disc), domain.TaxRate(tax)
			at[id].Cart.Lines = append(at[id].Cart.Lines, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read sale lines: %w", err)
		}
		attempts, err := t.attempts(`WHERE sale_id IN (`+in+`) ORDER BY id`, ids...)
		if err != nil {
			return err
		}
		for _, a := range attempts {
			at[a.SaleID].Attempts = append(at[a.SaleID].Attempts, a)
		}
	}
	return nil
}

func (t *tillTx) Sale(id int64) (domain.Sale, error) {
	out, err := t.scanSales(`SELECT `+saleCols+` FROM sales WHERE id = ?`, id)
	if err != nil {
		return domain.Sale{}, err
	}
	if len(out) == 0 {
		return domain.Sale{}, domain.Errorf(domain.ENOTFOUND, "Sale %d does not exist.", id)
	}
	return out[0], nil
}

func (t *tillTx) SaleByNumber(number int64) (domain.Sale, error) {
	out, err := t.scanSales(`SELECT `+saleCols+` FROM sales WHERE number = ? ORDER BY id DESC LIMIT 1`, number)
	if err != nil {
		return domain.Sale{}, err
	}
	if len(out) == 0 {
		return domain.Sale{}, domain.Errorf(domain.ENOTFOUND, "There is no sale #%d in these books.", number)
	}
	return out[0], nil
}

func (t *tillTx) SetSaleStatus(id int64, st domain.SaleStatus, at time.Time) error {
	res, err := t.tx.Exec(`UPDATE sales SET status = ?, settled_at = ? WHERE id = ?`, string(st), unix(at), id)
	if err != nil {
		return fmt.Errorf("set sale status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Sale %d does not exist.", id)
	}
	return nil
}

func (t *tillTx) PaidSales() ([]domain.Sale, error) {
	return t.scanSales(`SELECT ` + saleCols + ` FROM sales WHERE status = 'paid' ORDER BY id`)
}

const attemptCols = `id, sale_id, method_id, method_name, kind, amount, currency, tendered, change_given, idem_key, status, stage, message,
	reader_id, capture_method, tries, pi_id, session_id, session_url, session_expires, charge_id, card_brand, card_last4, created, updated, tip, tips_offered, page_message,
	authorized_at, refunded_at_stripe, disputed`

func attemptArgs(a domain.Attempt) []any {
	return []any{a.SaleID, a.MethodID, a.MethodName, string(a.Kind), a.Amount.Amount, a.Amount.Currency.Code(), a.Tendered, a.Change,
		string(a.Key), string(a.Status), a.Stage, a.Message, a.ReaderID, string(a.CaptureMethod), a.Tries, a.PaymentIntent,
		a.SessionID, a.SessionURL, unix(a.SessionExpiry), a.ChargeID, a.Card.Brand, a.Card.Last4, unix(a.Created), unix(a.Updated), a.Tip, boolInt(a.TipsOffered), a.PageMessage,
		unix(a.AuthorizedAt), a.RefundedAtStripe, a.Disputed}
}

func (t *tillTx) InsertAttempt(a *domain.Attempt) error {
	if a.CaptureMethod == "" {
		a.CaptureMethod = domain.CaptureAutomatic
	}
	id, err := t.tx.insert(`INSERT INTO attempts (sale_id, method_id, method_name, kind, amount, currency, tendered, change_given, idem_key, status, stage, message,
		reader_id, capture_method, tries, pi_id, session_id, session_url, session_expires, charge_id, card_brand, card_last4, created, updated, tip, tips_offered, page_message,
		authorized_at, refunded_at_stripe, disputed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, attemptArgs(*a)...)
	if err != nil && (strings.Contains(err.Error(), "attempts.sale_id") || pgConstraint(err) == "attempts_one_pending") {
		return domain.WrapError(domain.ECONFLICT, "This sale already has a payment under way: finish or cancel it first.", err)
	}
	if err != nil {
		return fmt.Errorf("insert attempt: %w", err)
	}
	a.ID = id
	return nil
}

func (t *tillTx) SaveAttempt(a domain.Attempt) error {
	res, err := t.tx.Exec(`UPDATE attempts SET sale_id = ?, method_id = ?, method_name = ?, kind = ?, amount = ?, currency = ?, tendered = ?, change_given = ?,
		idem_key = ?, status = ?, stage = ?, message = ?, reader_id = ?, capture_method = ?, tries = ?, pi_id = ?, session_id = ?, session_url = ?,
		session_expires = ?, charge_id = ?, card_brand = ?, card_last4 = ?, created = ?, updated = ?, tip = ?, tips_offered = ?, page_message = ?,
		authorized_at = ?, refunded_at_stripe = ?, disputed = ? WHERE id = ?`, append(attemptArgs(a), a.ID)...)
	if err != nil {
		return fmt.Errorf("save attempt: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "Payment attempt %d does not exist.", a.ID)
	}
	return nil
}

func (t *tillTx) attempts(where string, args ...any) ([]domain.Attempt, error) {
	rows, err := t.tx.Query(`SELECT `+attemptCols+` FROM attempts `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read attempts: %w", err)
	}
	defer rows.Close()
	var out []domain.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, fmt.Errorf("read attempts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// scanAttempt reads attemptCols, then any extra destinations.
func scanAttempt(sc interface{ Scan(...any) error }, extra ...any) (domain.Attempt, error) {
	var a domain.Attempt
	var kind, cur, key, status, capture string
	var expires, created, updated, authorized int64
	var offered int
	dest := []any{&a.ID, &a.SaleID, &a.MethodID, &a.MethodName, &kind, &a.Amount.Amount, &cur, &a.Tendered, &a.Change, &key, &status,
		&a.Stage, &a.Message, &a.ReaderID, &capture, &a.Tries, &a.PaymentIntent, &a.SessionID, &a.SessionURL, &expires, &a.ChargeID,
		&a.Card.Brand, &a.Card.Last4, &created, &updated, &a.Tip, &offered, &a.PageMessage, &authorized, &a.RefundedAtStripe, &a.Disputed}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return a, err
	}
	a.Kind, a.Amount.Currency, a.Key, a.Status = domain.MethodKind(kind), currencyOrZero(cur), domain.IdempotencyKey(key), domain.AttemptStatus(status)
	a.CaptureMethod, a.SessionExpiry, a.Created, a.Updated = domain.CaptureMethod(capture), fromUnix(expires), fromUnix(created), fromUnix(updated)
	a.TipsOffered, a.AuthorizedAt = offered == 1, fromUnix(authorized)
	return a, nil
}

func (t *tillTx) Attempt(id int64) (domain.Attempt, error) {
	out, err := t.attempts(`WHERE id = ?`, id)
	if err != nil {
		return domain.Attempt{}, err
	}
	if len(out) == 0 {
		return domain.Attempt{}, domain.Errorf(domain.ENOTFOUND, "Payment attempt %d does not exist.", id)
	}
	return out[0], nil
}

func (t *tillTx) PendingAttempts() ([]domain.Attempt, error) {
	return t.attempts(`WHERE status = 'pending' ORDER BY id`)
}

func (t *tillTx) UnclosedSales(till string) ([]domain.Sale, error) {
	return t.scanSales(`SELECT `+saleCols+` FROM sales WHERE (?1 = '' OR till = ?1) AND close_id = 0 AND status <> 'open' ORDER BY id`, till)
}

// ClosedSales implements domain.DayCloseTx.
func (t *tillTx) ClosedSales(closeID int64) ([]domain.Sale, error) {
	return t.scanSales(`SELECT `+saleCols+` FROM sales WHERE close_id = ? ORDER BY id`, closeID)
}

func (t *tillTx) OpenSales(till string) ([]int64, error) {
	rows, err := t.tx.Query(`SELECT number FROM sales WHERE (? = '' OR till = ?) AND status = 'open' ORDER BY number`, till, till)
	if err != nil {
		return nil, fmt.Errorf("read open sales: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("read open sales: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func (t *tillTx) InsertDayClose(d *domain.DayClose, saleIDs []int64) error {
	id, err := t.tx.insert(`INSERT INTO day_closes (till, closed_at, currency, sales, total, cash_expected, cash_counted, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Till, unix(d.ClosedAt), d.Currency.Code(), d.Sales, d.Total, d.CashExpected, d.CashCounted, encodeClose(*d))
	if err != nil {
		return fmt.Errorf("insert day close: %w", err)
	}
	d.ID = id
	for _, id := range saleIDs {
		if _, err := t.tx.Exec(`UPDATE sales SET close_id = ? WHERE id = ?`, d.ID, id); err != nil {
			return fmt.Errorf("mark sale closed: %w", err)
		}
	}
	return nil
}

func (t *tillTx) DayCloses(till string, limit int) ([]domain.DayClose, error) {
	return t.dayCloses(`SELECT id, report FROM day_closes WHERE till = ? ORDER BY id DESC LIMIT ?`, till, limit)
}

// dayCloses reads the closes a query selects (id and report).
func (t *tillTx) dayCloses(query string, args ...any) ([]domain.DayClose, error) {
	rows, err := t.tx.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("read day closes: %w", err)
	}
	defer rows.Close()
	var out []domain.DayClose
	for rows.Next() {
		var id int64
		var rep string
		if err := rows.Scan(&id, &rep); err != nil {
			return nil, fmt.Errorf("read day closes: %w", err)
		}
		d, err := decodeClose(rep)
		if err != nil {
			return nil, fmt.Errorf("read day close %d: %w", id, err)
		}
		d.ID = id
		out = append(out, d)
	}
	return out, rows.Err()
}
