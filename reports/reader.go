package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // report file names carry IANA zones; Windows has no zone database

	"tally/domain"
)

// rowSource yields raw rows: CSV records or XLSX rows as text.
type rowSource interface {
	// next returns the cells of the next row and its 1-based line number,
	// or io.EOF.
	next() ([]string, int, error)
	close() error
}

// Reader turns a file's rows into statement records; it implements
// domain.StatementReader.
type Reader struct {
	src    rowSource
	h      header
	l      layout
	opt    domain.ImportOptions
	fileTZ *time.Location
	order  domain.DateOrder
	// rows read ahead to decide the date order
	ahead []pendingRow
	// how often each content hash was seen, for keys of id-less rows
	seen map[string]int
	// xlsx: numbers and dates arrive as a spreadsheet stores them
	xlsx bool
	// extraCols are the positions of the columns Tally has no field for
	extraCols []int
	bc        *balanceColumns // found on the first balance line
	assumed   domain.Currency // ShopCurrency taken for a payments export without currency
}

// Assumed implements domain.StatementReader.
func (r *Reader) Assumed() domain.Currency { return r.assumed }

type pendingRow struct {
	cells []string
	line  int
}

var _ domain.StatementReader = (*Reader)(nil)

// newReader reads the header row from src and recognises the layout.
func newReader(name string, src rowSource, opt domain.ImportOptions) (*Reader, error) {
	var cells []string
	for {
		c, _, err := src.next()
		if err == io.EOF {
			return nil, domain.Errorf(domain.EINVALID, "The file is empty: it has no header row. Export it again from Stripe.")
		} else if err != nil {
			return nil, err
		}
		if !blank(c) {
			cells = c
			break
		}
	}
	h := newHeader(cells)
	l, err := recognise(h)
	if err != nil {
		return nil, err
	}
	if l.format.ID == "summary.by_category" && strings.Contains(strings.ToLower(baseName(name)), "payout") {
		// The payouts summary has the very same columns: only Stripe's
		// file name tells the two apart.
		l.format.ID, l.format.Name = "payouts.summary", "Payouts (summary)"
		l.format.Why = "It sums the period's payouts by reporting category; the payouts themselves are in the itemized payouts report, which Tally books: download Reports > Payouts > Itemized, and import that."
	}
	r := &Reader{src: src, h: h, l: l, opt: opt, order: opt.DateOrder, seen: map[string]int{}}
	for i, n := range h.names {
		if !known[normalise(n)] && normalise(n) != "" {
			r.extraCols = append(r.extraCols, i)
		}
	}
	r.fileTZ = opt.Location
	if r.fileTZ == nil {
		r.fileTZ = zoneFromName(name)
	}
	return r, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// dateInText finds "(2025-11-01)" in a summary row's description.
var dateInText = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)`)

// Stripe names report files "…_2025-11-01_to_2025-11-29_Asia-Hong_Kong.csv".
var zoneInName = regexp.MustCompile(`_\d{4}-\d{2}-\d{2}_to_\d{4}-\d{2}-\d{2}_([A-Za-z][A-Za-z0-9_+\-]*)\.[A-Za-z]+$`)

// zoneFromName returns the time zone a report's file name gives, or UTC.
func zoneFromName(name string) *time.Location {
	m := zoneInName.FindStringSubmatch(baseName(name))
	if m == nil || m[1] == "UTC" {
		return time.UTC
	}
	for _, cand := range []string{strings.ReplaceAll(m[1], "-", "/"), strings.Replace(m[1], "-", "/", 1)} {
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc
		}
	}
	return time.UTC
}

// Format implements domain.StatementReader.
func (r *Reader) Format() domain.StatementFormat { return r.l.format }

// Close implements domain.StatementReader.
func (r *Reader) Close() error { return r.src.close() }

// Next implements domain.StatementReader.
func (r *Reader) Next() (domain.StatementRecord, error) {
	for {
		cells, line, err := r.nextRow()
		if err != nil {
			return domain.StatementRecord{}, err
		}
		if blank(cells) {
			continue
		}
		return r.convert(cells, line)
	}
}

func (r *Reader) nextRow() ([]string, int, error) {
	if len(r.ahead) > 0 {
		p := r.ahead[0]
		r.ahead = r.ahead[1:]
		return p.cells, p.line, nil
	}
	return r.src.next()
}

// column is a column found by the names it may have: the first of them
// the file has.
type column struct {
	i    int    // its position; -1 when the file has none of the names
	key  string // the name it was found by (normalised)
	name string // its name as the file writes it
}

func (r *Reader) column(names ...string) column {
	for _, n := range names {
		if i, ok := r.h.pos[n]; ok {
			return column{i: i, key: n, name: r.h.names[i]}
		}
	}
	return column{i: -1}
}

// value is the column's trimmed value in a row.
func (c column) value(cells []string) string {
	if c.i < 0 || c.i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[c.i])
}

// cell returns the first present column's trimmed value, and its name.
func (r *Reader) cell(cells []string, names ...string) (string, string) {
	c := r.column(names...)
	return c.value(cells), c.name
}

// balanceColumns are the columns a balance line is read from, found once
// per file: a million-line import would otherwise look each name up in
// every row.
type balanceColumns struct {
	currency, txn, source, category, description, payout, transfer, charge, paymentIntent, email column
	created, available, gross, fee, net                                                          column
}

func (r *Reader) balanceColumns() *balanceColumns {
	if r.bc != nil {
		return r.bc
	}
	c := &balanceColumns{
		currency: r.column("currency"), txn: r.column("balance_transaction_id"),
		source: r.column("source_id", "source", "charge_id"), category: r.column("reporting_category", "type"),
		description: r.column("description"), payout: r.column("automatic_payout_id", "payout_id"),
		transfer: r.column("transfer"), charge: r.column("charge_id"), paymentIntent: r.column("payment_intent_id"),
		email:     r.column("customer_email"),
		created:   r.column("created_utc", "created (utc)", "created", "effective_at_utc", "effective_at", "created date (utc)", "created date"),
		available: r.column("available_on_utc", "available on (utc)", "available_on", "payout_expected_arrival_date"),
		gross:     r.column("gross", "amount"), fee: r.column("fee"), net: r.column("net"),
	}
	switch r.l.format.ID {
	case "dashboard.balance_history":
		c.txn = r.column("id")
	case "dashboard.payout_transactions":
		// One payout's export: the id is the charge's, refund's or
		// transfer's; fees and net are in the converted (settlement)
		// currency, as the converted amount is.
		c.source, c.fee = r.column("id"), r.column("fees")
		if r.h.has("converted amount") {
			c.gross = r.column("converted amount", "amount")
		}
		if r.h.has("converted currency") {
			c.currency = r.column("converted currency", "currency")
		}
	}
	r.bc = c
	return c
}

// known columns: everything else goes to Extra.
var known = map[string]bool{}

func init() {
	for _, n := range []string{"balance_transaction_id", "created_utc", "created", "available_on_utc", "available_on", "currency",
		"gross", "fee", "net", "reporting_category", "description", "automatic_payout_id", "payout_id", "source_id",
		"charge_id", "payment_intent_id", "customer_email", "effective_at", "effective_at_utc", "id", "type", "source", "amount",
		"created (utc)", "available on (utc)", "transfer", "created date (utc)", "created date", "amount refunded", "amount_refunded",
		"captured", "status", "customer email", "customer id", "customer_id", "card brand", "card_brand", "card last4", "card_last4",
		"paymentintent id", "payment_intent_id", "converted amount", "converted_amount", "converted currency", "converted_currency",
		"category", "net_amount", "fees"} {
		known[n] = true
	}
}

func (r *Reader) extra(cells []string) domain.Fields {
	n := 0
	for _, i := range r.extraCols {
		if i < len(cells) && cells[i] != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	fs := make(domain.Fields, 0, n)
	for _, i := range r.extraCols {
		if i < len(cells) && strings.TrimSpace(cells[i]) != "" {
			fs = append(fs, domain.Field{Name: r.h.names[i], Value: cells[i]})
		}
	}
	return fs
}

func parseErr(line int, col string, err error) error {
	return &domain.ParseError{Line: line, Column: col, Err: err}
}

// currency reads the currency column, or the default.
func (r *Reader) currency(cells []string, line int) (domain.Currency, error) {
	return r.currencyIn(cells, line, r.column("currency"))
}

func (r *Reader) currencyIn(cells []string, line int, c column) (domain.Currency, error) {
	v, col := c.value(cells), c.name
	if v == "" {
		if !r.opt.Currency.IsZero() {
			return r.opt.Currency, nil
		}
		if col == "" && r.l.format.Kind == domain.KindPayments && !r.opt.ShopCurrency.IsZero() {
			r.assumed = r.opt.ShopCurrency
			return r.opt.ShopCurrency, nil
		}
		if col == "" {
			return domain.Currency{}, parseErr(line, "", domain.Errorf(domain.EINVALID, "the file has no currency column: tell Tally which currency it is in"))
		}
		return domain.Currency{}, parseErr(line, col, domain.Errorf(domain.EINVALID, "the currency is empty: tell Tally which currency the file is in"))
	}
	cur, err := domain.CurrencyOf(v)
	if err != nil {
		return cur, parseErr(line, col, err)
	}
	return cur, nil
}

// amount reads an amount column; empty means zero when allowEmpty.
func (r *Reader) amount(cells []string, line int, cur domain.Currency, allowEmpty bool, names ...string) (int64, error) {
	return r.amountIn(cells, line, cur, allowEmpty, r.column(names...))
}

func (r *Reader) amountIn(cells []string, line int, cur domain.Currency, allowEmpty bool, c column) (int64, error) {
	v, col := c.value(cells), c.name
	if v == "" && (allowEmpty || col == "") {
		return 0, nil
	}
	parse := domain.ParseAmount
	if r.xlsx {
		parse = xlsxAmount
	}
	if !plainAmount(v) {
		var err error
		if v, err = stripCurrency(v, cur); err != nil {
			return 0, parseErr(line, col, err)
		}
	}
	a, err := parse(v, cur.Exponent())
	if err != nil {
		return 0, parseErr(line, col, err)
	}
	return a, nil
}

// when reads a timestamp column: UTC for *_utc and "(UTC)" columns, the
// file's zone otherwise.
func (r *Reader) when(cells []string, line int, names ...string) (time.Time, error) {
	return r.whenIn(cells, line, r.column(names...))
}

func (r *Reader) whenIn(cells []string, line int, c column) (time.Time, error) {
	v := c.value(cells)
	if v == "" {
		return time.Time{}, nil
	}
	loc := r.fileTZ
	if strings.HasSuffix(c.key, "_utc") || strings.Contains(c.key, "(utc)") {
		loc = time.UTC
	}
	if r.xlsx {
		if t, ok := serialTime(v, loc); ok {
			return t.UTC(), nil
		}
	}
	if r.order == domain.DateAuto && needsOrder(v) {
		if err := r.decideOrder(c.key, v); err != nil {
			return time.Time{}, err
		}
	}
	t, err := parseTime(v, loc, r.order)
	if err != nil {
		return time.Time{}, parseErr(line, c.name, err)
	}
	return t.UTC(), nil
}

// hashKey is the key of a row with no Stripe id: its parsed content (so the
// same row read from CSV or XLSX has the same key) and how many identical
// rows came before it in the file.
func (r *Reader) hashKey(prefix string, fields ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	h := hex.EncodeToString(sum[:12])
	r.seen[h]++
	return prefix + h + "#" + strconv.Itoa(r.seen[h])
}

func (r *Reader) convert(cells []string, line int) (domain.StatementRecord, error) {
	rec := domain.StatementRecord{Line: line}
	var err error
	switch r.l.format.Kind {
	case domain.KindSummary:
		rec.Summary, err = r.summary(cells, line)
	case domain.KindNotBooked:
		// Recognised, counted and not read further: nothing of it is kept.
		if r.l.format.ID == "dashboard.collected_fees" {
			rec.Payment, err = r.payment(cells, line)
		}
	case domain.KindPayments:
		rec.Payment, err = r.payment(cells, line)
	case domain.KindPayouts:
		rec.Payout, err = r.payout(cells, line)
	default:
		rec.Balance, err = r.balance(cells, line)
	}
	return rec, err
}

func (r *Reader) summary(cells []string, line int) (*domain.SummaryRow, error) {
	cat, _ := r.cell(cells, "category")
	desc, _ := r.cell(cells, "description")
	v, col := r.cell(cells, "currency")
	var cur domain.Currency
	if v != "" {
		c, err := domain.CurrencyOf(v)
		if err != nil {
			return nil, parseErr(line, col, err)
		}
		cur = c
	} else {
		cur = r.opt.Currency
	}
	exp := 2
	if !cur.IsZero() {
		exp = cur.Exponent()
	}
	nv, ncol := r.cell(cells, "net_amount")
	net, err := domain.ParseAmount(nv, exp)
	if err != nil {
		return nil, parseErr(line, ncol, err)
	}
	row := &domain.SummaryRow{Category: strings.ToLower(cat), Description: desc, Net: domain.Money{Amount: net, Currency: cur}}
	if m := dateInText.FindStringSubmatch(desc); m != nil {
		if d, err := time.ParseInLocation("2006-01-02", m[1], r.fileTZ); err == nil {
			row.Date = d.UTC()
		}
	}
	return row, nil
}

func (r *Reader) balance(cells []string, line int) (*domain.StatementLine, error) {
	c := r.balanceColumns()
	cur, err := r.currencyIn(cells, line, c.currency)
	if err != nil {
		return nil, err
	}
	l := &domain.StatementLine{Currency: cur, Bookable: true}
	l.BalanceTxnID = c.txn.value(cells)
	l.SourceID = c.source.value(cells)
	l.Category = strings.ToLower(c.category.value(cells))
	l.Description = c.description.value(cells)
	l.PayoutID = c.payout.value(cells)
	if l.PayoutID == "" {
		if t := c.transfer.value(cells); strings.HasPrefix(t, "po_") || strings.HasPrefix(t, "tr_") {
			l.PayoutID = t
		}
	}
	if (l.Category == "payout_failure" || l.Category == "payout_reversal") && l.PayoutID == "" && strings.HasPrefix(l.SourceID, "po_") {
		l.PayoutID = l.SourceID // a failed payout coming back: the payout it undoes
	}
	l.ChargeID = c.charge.value(cells)
	l.PaymentIntentID = c.paymentIntent.value(cells)
	l.CustomerEmail = c.email.value(cells)
	if r.l.format.ID == "dashboard.payout_transactions" {
		// "Transfer Refund" is the reporting category transfer_refund.
		l.Category = strings.ReplaceAll(l.Category, " ", "_")
		if strings.HasPrefix(l.SourceID, "ch_") || strings.HasPrefix(l.SourceID, "py_") {
			l.ChargeID = l.SourceID // matches the register's sales by their charge
		}
	}

	if l.Created, err = r.whenIn(cells, line, c.created); err != nil {
		return nil, err
	}
	if l.Created.IsZero() {
		return nil, parseErr(line, c.created.name, domain.Errorf(domain.EINVALID, "the date is empty"))
	}
	if l.AvailableOn, err = r.whenIn(cells, line, c.available); err != nil {
		return nil, err
	}
	if l.Gross, err = r.amountIn(cells, line, cur, false, c.gross); err != nil {
		return nil, err
	}
	if l.Fee, err = r.amountIn(cells, line, cur, true, c.fee); err != nil {
		return nil, err
	}
	if l.Net, err = r.amountIn(cells, line, cur, false, c.net); err != nil {
		return nil, err
	}
	if r.l.format.ID == "payouts.itemized" {
		// This report shows a payout as a positive amount sent to the bank;
		// its effect on the Stripe balance is the opposite.
		l.Gross, l.Net = -l.Gross, -l.Gross-l.Fee
		if l.PayoutID != "" {
			l.SourceID = l.PayoutID
		}
	}
	if r.l.format.ID == "custom.gross_fee_net" && l.Category == "" {
		l.Category = guessCategory(l.Gross, l.Description)
	}
	if l.Gross-l.Fee != l.Net {
		return nil, parseErr(line, c.net.name, domain.Errorf(domain.EINVALID, "gross %s minus fee %s is not net %s",
			domain.FormatAmount(l.Gross, cur.Exponent()), domain.FormatAmount(l.Fee, cur.Exponent()), domain.FormatAmount(l.Net, cur.Exponent())))
	}
	switch {
	case l.BalanceTxnID != "":
		l.Key = l.BalanceTxnID
	case l.SourceID != "" && l.Category != "":
		l.Key = l.Category + ":" + l.SourceID
	default:
		l.Key = r.hashKey("row:", l.Category, l.Created.Format(time.RFC3339), l.Currency.Code(),
			strconv.FormatInt(l.Gross, 10), strconv.FormatInt(l.Fee, 10), strconv.FormatInt(l.Net, 10), l.Description, l.SourceID, l.PayoutID)
	}
	l.Extra = r.extra(cells)
	return l, nil
}

// guessCategory names the category of a row of a custom export that has none.
func guessCategory(gross int64, desc string) string {
	d := strings.ToLower(desc)
	switch {
	case strings.Contains(d, "payout") || strings.Contains(d, "transfer to"):
		return "payout"
	case strings.Contains(d, "refund"):
		return "refund"
	case strings.Contains(d, "fee"):
		return "fee"
	case gross >= 0:
		return "charge"
	}
	return "adjustment"
}

// payout reads a row of the Dashboard's Payouts export.
func (r *Reader) payout(cells []string, line int) (*domain.PayoutRow, error) {
	cur, err := r.currency(cells, line)
	if err != nil {
		return nil, err
	}
	p := &domain.PayoutRow{}
	var col string
	if p.ID, col = r.cell(cells, "id"); !strings.HasPrefix(p.ID, "po_") {
		return nil, parseErr(line, col, domain.Errorf(domain.EINVALID, "%q is not a payout id (po_…)", p.ID))
	}
	p.Status, _ = r.cell(cells, "status")
	p.Status = strings.ToLower(p.Status)
	p.Type, _ = r.cell(cells, "type")
	p.Method, _ = r.cell(cells, "method")
	p.SourceType, _ = r.cell(cells, "source type", "source_type")
	p.Destination, _ = r.cell(cells, "destination")
	p.Description, _ = r.cell(cells, "description")
	p.BalanceTxn, _ = r.cell(cells, "balance transaction", "balance_transaction")
	p.FailureBalanceTxn, _ = r.cell(cells, "failure balance transaction", "failure_balance_transaction")
	p.FailureCode, _ = r.cell(cells, "failure code", "failure_code")
	p.FailureMessage, _ = r.cell(cells, "failure message", "failure_message")
	p.StatementDescriptor, _ = r.cell(cells, "statement descriptor", "statement_descriptor")
	p.TraceID, _ = r.cell(cells, "trace id", "trace_id")
	if p.Created, err = r.when(cells, line, createdCols...); err != nil {
		return nil, err
	}
	if p.Arrival, err = r.when(cells, line, "arrival date (utc)", "arrival date", "arrival_date", "arrival_date_utc"); err != nil {
		return nil, err
	}
	amt, err := r.amount(cells, line, cur, false, "amount")
	if err != nil {
		return nil, err
	}
	p.Amount = domain.Money{Amount: amt, Currency: cur}
	return p, nil
}

func (r *Reader) payment(cells []string, line int) (*domain.PaymentRecord, error) {
	cur, err := r.currency(cells, line)
	if err != nil {
		return nil, err
	}
	p := &domain.PaymentRecord{}
	p.ID, _ = r.cell(cells, "id")
	p.PaymentIntentID, _ = r.cell(cells, "paymentintent id", "payment_intent_id")
	p.Status, _ = r.cell(cells, "status")
	p.Description, _ = r.cell(cells, "description")
	p.CustomerID, _ = r.cell(cells, "customer id", "customer_id")
	p.CustomerEmail, _ = r.cell(cells, "customer email", "customer_email")
	p.CardBrand, _ = r.cell(cells, "card brand", "card_brand")
	p.CardLast4, _ = r.cell(cells, "card last4", "card_last4")
	capt, _ := r.cell(cells, "captured")
	p.Captured = strings.EqualFold(capt, "true")
	if p.Created, err = r.when(cells, line, createdCols...); err != nil {
		return nil, err
	}
	amt, err := r.amount(cells, line, cur, p.ID == "", "amount")
	if err != nil {
		return nil, err
	}
	p.Amount = domain.Money{Amount: amt, Currency: cur}
	if p.AmountRefunded, err = r.amount(cells, line, cur, true, "amount refunded", "amount_refunded"); err != nil {
		return nil, err
	}
	if p.Fee, err = r.amount(cells, line, cur, true, "fee"); err != nil {
		return nil, err
	}
	if cc, _ := r.cell(cells, "converted currency", "converted_currency"); cc != "" {
		if c, err := domain.CurrencyOf(cc); err == nil {
			ca, err := r.amount(cells, line, c, true, "converted amount", "converted_amount")
			if err != nil {
				return nil, err
			}
			p.Converted = domain.Money{Amount: ca, Currency: c}
		}
	}
	if p.ID != "" {
		p.Key = p.ID
	} else {
		p.Key = r.hashKey("payment:", p.Created.Format(time.RFC3339), p.Amount.Currency.Code(), strconv.FormatInt(p.Amount.Amount, 10),
			p.Description, p.PaymentIntentID, p.Status)
	}
	p.Extra = r.extra(cells)
	return p, nil
}
