package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"tally/domain"
)

// Customers, invoices and the tax rates made at Stripe, in the register's
// file of the mode they were made in.

const customerCols = `id, name, email, line1, line2, city, postal_code, state, country, vat_number, stripe_id, idem_key, created, updated`

func scanCustomer(sc interface{ Scan(...any) error }) (domain.CustomerRecord, error) {
	var c domain.CustomerRecord
	var key string
	var created, updated int64
	a := &c.Address
	err := sc.Scan(&c.ID, &c.Name, &c.Email, &a.Line1, &a.Line2, &a.City, &a.PostalCode, &a.State, &a.Country, &c.VATNumber, &c.StripeID, &key, &created, &updated)
	c.Key, c.Created, c.Updated = domain.IdempotencyKey(key), fromUnix(created), fromUnix(updated)
	return c, err
}

func (t *tillTx) Customers() ([]domain.CustomerRecord, error) {
	rows, err := t.tx.Query(`SELECT ` + customerCols + ` FROM customers ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("read customers: %w", err)
	}
	defer rows.Close()
	var out []domain.CustomerRecord
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, fmt.Errorf("read customers: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (t *tillTx) Customer(id int64) (domain.CustomerRecord, error) {
	c, err := scanCustomer(t.tx.QueryRow(`SELECT `+customerCols+` FROM customers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, domain.Errorf(domain.ENOTFOUND, "There is no customer %d.", id)
	}
	if err != nil {
		return c, fmt.Errorf("read customer %d: %w", id, err)
	}
	return c, nil
}

func (t *tillTx) SaveCustomer(c *domain.CustomerRecord) error {
	a := c.Address
	args := []any{c.Name, c.Email, a.Line1, a.Line2, a.City, a.PostalCode, a.State, a.Country, c.VATNumber, c.StripeID, string(c.Key), unix(c.Created), unix(c.Updated)}
	if c.ID == 0 {
		id, err := t.tx.insert(`INSERT INTO customers (name, email, line1, line2, city, postal_code, state, country, vat_number, stripe_id, idem_key, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return fmt.Errorf("save customer: %w", err)
		}
		c.ID = id
		return nil
	}
	res, err := t.tx.Exec(`UPDATE customers SET name = ?, email = ?, line1 = ?, line2 = ?, city = ?, postal_code = ?, state = ?, country = ?,
		vat_number = ?, stripe_id = ?, idem_key = ?, created = ?, updated = ? WHERE id = ?`, append(args, c.ID)...)
	if err != nil {
		return fmt.Errorf("save customer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "There is no customer %d.", c.ID)
	}
	return nil
}

const invoiceCols = `id, customer_id, currency, tax_inclusive, cart_discount, gross, discount, net, tax, total, due, note, sale_id, till, send, idem_key, step, items, sent,
	stripe_id, number, status, stripe_total, stripe_tax, remaining, hosted_url, pdf_url, finalized_at, paid_at, voided_at, uncollectible_at,
	paid_out_of_band, payment_intent, charge_id, last_error, created, updated`

func scanInvoice(sc interface{ Scan(...any) error }) (domain.InvoiceRecord, error) {
	var inv domain.InvoiceRecord
	var cur, key, step, status string
	var due, sent, fin, paid, voided, uncoll, created, updated, disc int64
	t := &inv.Totals
	err := sc.Scan(&inv.ID, &inv.Customer.ID, &cur, &inv.Cart.TaxInclusive, &disc, &t.Gross, &t.Discount, &t.Net, &t.Tax, &t.Total, &due, &inv.Note,
		&inv.SaleID, &inv.Till, &inv.Send, &key, &step, &inv.Items, &sent, &inv.StripeID, &inv.Number, &status, &inv.Total, &inv.Tax,
		&inv.AmountRemaining, &inv.HostedURL, &inv.PDFURL, &fin, &paid, &voided, &uncoll, &inv.PaidOutOfBand, &inv.PaymentIntentID,
		&inv.ChargeID, &inv.LastError, &created, &updated)
	inv.Cart.Currency, inv.Cart.Discount = currencyOrZero(cur), domain.TaxRate(disc)
	inv.Key, inv.Step, inv.Status = domain.IdempotencyKey(key), domain.IssueStep(step), domain.InvoiceStatus(status)
	inv.DueDate, inv.Sent, inv.FinalizedAt, inv.PaidAt = fromUnix(due), fromUnix(sent), fromUnix(fin), fromUnix(paid)
	inv.VoidedAt, inv.UncollectibleAt, inv.Created, inv.Updated = fromUnix(voided), fromUnix(uncoll), fromUnix(created), fromUnix(updated)
	return inv, err
}

func (t *tillTx) InsertInvoice(inv *domain.InvoiceRecord) error {
	tt := inv.Totals
	id, err := t.tx.insert(`INSERT INTO invoices (customer_id, currency, tax_inclusive, cart_discount, gross, discount, net, tax, total, due, note, sale_id, till, send,
		idem_key, step, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Customer.ID, inv.Cart.Currency.Code(), inv.Cart.TaxInclusive, int64(inv.Cart.Discount), tt.Gross, tt.Discount, tt.Net, tt.Tax, tt.Total, unix(inv.DueDate), inv.Note,
		inv.SaleID, inv.Till, inv.Send, string(inv.Key), string(inv.Step), unix(inv.Created), unix(inv.Updated))
	if err != nil {
		return fmt.Errorf("save invoice: %w", err)
	}
	inv.ID = id
	for i, l := range inv.Cart.Lines {
		if _, err := t.tx.Exec(`INSERT INTO invoice_lines (invoice_id, pos, product_id, description, quantity, unit_price, discount_rate, tax_rate, discount, net, tax, total)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, i, l.ProductID, l.Description, l.Quantity, l.UnitPrice, int64(l.Discount), int64(l.TaxRate),
			l.DiscountAmount, l.Net, l.Tax, l.Total); err != nil {
			return fmt.Errorf("save invoice line: %w", err)
		}
	}
	return nil
}

func (t *tillTx) SaveInvoice(inv domain.InvoiceRecord) error {
	res, err := t.tx.Exec(`UPDATE invoices SET send = ?, step = ?, items = ?, sent = ?, stripe_id = ?, number = ?, status = ?, stripe_total = ?,
		stripe_tax = ?, remaining = ?, hosted_url = ?, pdf_url = ?, finalized_at = ?, paid_at = ?, voided_at = ?, uncollectible_at = ?,
		paid_out_of_band = ?, payment_intent = ?, charge_id = ?, last_error = ?, updated = ? WHERE id = ?`,
		inv.Send, string(inv.Step), inv.Items, unix(inv.Sent), inv.StripeID, inv.Number, string(inv.Status), inv.Total, inv.Tax, inv.AmountRemaining,
		inv.HostedURL, inv.PDFURL, unix(inv.FinalizedAt), unix(inv.PaidAt), unix(inv.VoidedAt), unix(inv.UncollectibleAt), inv.PaidOutOfBand,
		inv.PaymentIntentID, inv.ChargeID, inv.LastError, unix(inv.Updated), inv.ID)
	if err != nil {
		return fmt.Errorf("save invoice %d: %w", inv.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "There is no invoice %d.", inv.ID)
	}
	return nil
}

func (t *tillTx) Invoice(id int64) (domain.InvoiceRecord, error) {
	invs, err := t.invoices(`WHERE id = ?`, id)
	if err != nil {
		return domain.InvoiceRecord{}, err
	}
	if len(invs) == 0 {
		return domain.InvoiceRecord{}, domain.Errorf(domain.ENOTFOUND, "There is no invoice %d.", id)
	}
	return invs[0], nil
}

func (t *tillTx) InvoiceByStripe(stripeID string) (domain.InvoiceRecord, bool, error) {
	if stripeID == "" {
		return domain.InvoiceRecord{}, false, nil
	}
	invs, err := t.invoices(`WHERE stripe_id = ?`, stripeID)
	if err != nil || len(invs) == 0 {
		return domain.InvoiceRecord{}, false, err
	}
	return invs[0], true, nil
}

func (t *tillTx) Invoices(limit int) ([]domain.InvoiceRecord, error) {
	if limit <= 0 {
		return t.invoices(`ORDER BY id DESC`)
	}
	return t.invoices(`ORDER BY id DESC LIMIT ?`, limit)
}

func (t *tillTx) UnfinishedInvoices() ([]domain.InvoiceRecord, error) {
	return t.invoices(`WHERE step IN ('local', 'draft') OR (send = 1 AND sent = 0 AND step = 'finalized' AND status = 'open') ORDER BY id`)
}

// invoices reads invoices with their customers and lines.
func (t *tillTx) invoices(where string, args ...any) ([]domain.InvoiceRecord, error) {
	rows, err := t.tx.Query(`SELECT `+invoiceCols+` FROM invoices `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read invoices: %w", err)
	}
	var out []domain.InvoiceRecord
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read invoices: %w", err)
		}
		out = append(out, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read invoices: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	customers := map[int64]domain.CustomerRecord{}
	byID := map[int64]int{}
	ids := make([]any, len(out))
	for i := range out {
		byID[out[i].ID] = i
		ids[i] = out[i].ID
		cid := out[i].Customer.ID
		if _, ok := customers[cid]; !ok {
			c, err := t.Customer(cid)
			if err != nil {
				return nil, err
			}
			customers[cid] = c
		}
		out[i].Customer = customers[cid]
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		lrows, err := t.tx.Query(`SELECT invoice_id, product_id, description, quantity, unit_price, discount_rate, tax_rate, discount, net, tax, total
			FROM invoice_lines WHERE invoice_id IN (`+in+`) ORDER BY invoice_id, pos`, chunk...)
		if err != nil {
			return nil, fmt.Errorf("read invoice lines: %w", err)
		}
		for lrows.Next() {
			var id, disc, rate int64
			var l domain.SaleLine
			if err := lrows.Scan(&id, &l.ProductID, &l.Description, &l.Quantity, &l.UnitPrice, &disc, &rate, &l.DiscountAmount, &l.Net, &l.Tax, &l.Total); err != nil {
				lrows.Close()
				return nil, fmt.Errorf("read invoice lines: %w", err)
			}
			l.Discount, l.TaxRate = domain.TaxRate(disc), domain.TaxRate(rate)
			inv := &out[byID[id]]
			inv.Cart.Lines = append(inv.Cart.Lines, l)
		}
		lrows.Close()
		if err := lrows.Err(); err != nil {
			return nil, fmt.Errorf("read invoice lines: %w", err)
		}
	}
	return out, nil
}

func (t *tillTx) TaxRateID(rate domain.TaxRate, inclusive bool) (string, bool, error) {
	var id string
	err := t.tx.QueryRow(`SELECT stripe_id FROM tax_rates WHERE rate = ? AND inclusive = ?`, int64(rate), inclusive).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read tax rate: %w", err)
	}
	return id, true, nil
}

func (t *tillTx) SaveTaxRateID(rate domain.TaxRate, inclusive bool, stripeID string) error {
	_, err := t.tx.Exec(`INSERT INTO tax_rates (rate, inclusive, stripe_id) VALUES (?, ?, ?)
		ON CONFLICT (rate, inclusive) DO UPDATE SET stripe_id = excluded.stripe_id`, int64(rate), inclusive, stripeID)
	if err != nil {
		return fmt.Errorf("save tax rate: %w", err)
	}
	return nil
}
