package domain

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// DayClosePreview counts what the till took since its last close, without
// closing: the Z report as it would be now.
func (s *RegisterService) DayClosePreview(ctx context.Context, counted int64) (DayClose, error) {
	return s.DayClosePreviewOf(ctx, counted, false)
}

// AllTills names a day close that covers every till sharing the data.
const AllTills = "All tills"

// DayClosePreviewOf is DayClosePreview of this till, or, with all, of
// every till at once (the drawers' cash counted together).
func (s *RegisterService) DayClosePreviewOf(ctx context.Context, counted int64, all bool) (DayClose, error) {
	d, _, err := s.dayClose(ctx, counted, all)
	return d, err
}

// tillOf returns the register's settings and the till a close counts:
// its own, or every till ("" to the store).
func (s *RegisterService) tillOf(ctx context.Context, all bool) (RegisterSettings, string, error) {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return rs, "", err
	}
	if all {
		rs.Till = AllTills
		return rs, "", nil
	}
	return rs, rs.Till, nil
}

// CloseDay stores the Z report of the till's sales since its last close,
// with the cash counted in the drawer, and starts a new day. Sales still
// open are left for the next close; none is counted twice.
//
// With an AccessService set, it needs the owner's grant and is audited.
func (s *RegisterService) CloseDay(ctx context.Context, g Grant, counted int64) (DayClose, error) {
	return s.CloseDayOf(ctx, g, counted, false)
}

// CloseDayOf is CloseDay of this till or, with all, of every till at
// once: one Z report of all the sales and refunds no close counted yet.
func (s *RegisterService) CloseDayOf(ctx context.Context, g Grant, counted int64, all bool) (DayClose, error) {
	if s.Access != nil {
		if err := s.Access.Require(g, RoleOwner); err != nil {
			return DayClose{}, err
		}
	}
	if counted < 0 {
		return DayClose{}, fieldErr("counted", Errorf(EINVALID, "Counted cash cannot be negative."))
	}
	rs, till, err := s.tillOf(ctx, all)
	if err != nil {
		return DayClose{}, err
	}
	var d DayClose
	err = s.Till.UpdateTill(ctx, func(tx TillTx) error {
		sales, err := tx.UnclosedSales(till)
		if err != nil {
			return err
		}
		refunds, err := tx.UnclosedRefunds(till)
		if err != nil {
			return err
		}
		d = s.report(ctx, rs, sales, refunds, counted)
		ids := make([]int64, len(sales))
		for i, sl := range sales {
			ids[i] = sl.ID
		}
		if err := tx.InsertDayClose(&d, ids); err != nil {
			return err
		}
		rids := make([]int64, len(refunds))
		for i, r := range refunds {
			rids[i] = r.ID
		}
		return tx.CloseRefunds(d.ID, rids)
	})
	if err == nil && s.Access != nil {
		_ = s.Access.Record(ctx, g, AuditEntry{Action: "day_close", Amount: Money{Amount: d.Total, Currency: d.Currency},
			Detail: fmt.Sprintf("Day close of %s: %d sales, cash counted %s (difference %s)", d.Till, d.Sales,
				New(d.CashCounted, d.Currency), New(d.CashDifference(), d.Currency))})
	}
	return d, err
}

func (s *RegisterService) dayClose(ctx context.Context, counted int64, all bool) (DayClose, []Sale, error) {
	rs, till, err := s.tillOf(ctx, all)
	if err != nil {
		return DayClose{}, nil, err
	}
	var sales []Sale
	var refunds []RefundRecord
	err = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		if sales, err = tx.UnclosedSales(till); err != nil {
			return err
		}
		refunds, err = tx.UnclosedRefunds(till)
		return err
	})
	return s.report(ctx, rs, sales, refunds, counted), sales, err
}

// report is the Z report of sales, for a preview and a close alike.
func (s *RegisterService) report(ctx context.Context, rs RegisterSettings, sales []Sale, refunds []RefundRecord, counted int64) DayClose {
	d := summarise(rs.Till, sales, counted)
	for _, r := range refunds {
		// Refunds count on the day they were made, whatever day the sale was.
		d.Refunds += r.Amount.Amount
		d.RefundCount++
		if r.Kind == MethodCash {
			d.CashExpected -= r.Amount.Amount
		}
	}
	d.ClosedAt = s.Clock.Now()
	if d.Currency.IsZero() {
		d.Currency = rs.Currency
	}
	s.addFees(ctx, &d, sales)
	return d
}

// DayCloses returns the till's last closes, newest first.
func (s *RegisterService) DayCloses(ctx context.Context, limit int) ([]DayClose, error) {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return nil, err
	}
	var out []DayClose
	err = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.DayCloses(rs.Till, limit)
		return err
	})
	return out, err
}

// addFees adds Stripe's fees on the sales' card and QR payments, for those
// whose charge is already in the books (imported or fetched). The books are
// read, never written: a close does not wait on a bookkeeper's import.
func (s *RegisterService) addFees(ctx context.Context, d *DayClose, sales []Sale) {
	var ids []string
	for _, sl := range sales {
		for _, a := range sl.Attempts {
			if a.Status.Settled() && a.Kind != MethodCash && a.ChargeID != "" {
				ids = append(ids, a.ChargeID)
			}
		}
	}
	d.FeesOf = len(ids)
	if len(ids) == 0 || s.Store == nil {
		return
	}
	_ = s.Store.View(ctx, func(tx Tx) (err error) {
		d.Fees, d.FeesFound, err = tx.ChargeFees(ids)
		return err
	})
	d.FeesKnown = d.FeesFound == d.FeesOf
}

func summarise(till string, sales []Sale, counted int64) DayClose {
	d := DayClose{Till: till, CashCounted: counted}
	by := map[string]*MethodTotal{}
	for _, sl := range sales {
		if d.Currency.IsZero() {
			d.Currency = sl.Cart.Currency
		}
		if sl.Status == SaleCanceled {
			d.Canceled++
			continue
		}
		d.Sales++
		d.Total += sl.Totals.Total
		d.Tax += sl.Totals.Tax
		for _, a := range sl.Attempts {
			if !a.Status.Settled() {
				continue
			}
			mt := by[a.MethodName]
			if mt == nil {
				mt = &MethodTotal{Method: a.MethodName, Kind: a.Kind}
				by[a.MethodName] = mt
			}
			mt.Count++
			mt.Amount += a.Amount.Amount
			d.Tips += a.Tip
			if a.Status == AttemptAuthorized {
				d.Uncaptured++
			}
			if a.Kind == MethodCash {
				d.CashExpected += a.Amount.Amount
			}
		}
	}
	for _, mt := range by {
		d.ByMethod = append(d.ByMethod, *mt)
	}
	sort.Slice(d.ByMethod, func(i, j int) bool { return d.ByMethod[i].Method < d.ByMethod[j].Method })
	return d
}

// TextLines writes the Z report in two fixed-width columns, for the screen
// and the PDF.
func (d DayClose) TextLines() []string {
	var out []string
	for _, r := range d.Lines() {
		pad := max(26-len([]rune(r[0])), 1)
		out = append(out, r[0]+strings.Repeat(" ", pad)+r[1])
	}
	return out
}

// Lines writes the Z report as label/value rows, for the screen and files.
func (d DayClose) Lines() [][2]string {
	f := func(v int64) string { return New(v, d.Currency).String() }
	rows := [][2]string{
		{"Till", d.Till},
		{"Closed", d.ClosedAt.Local().Format("2006-01-02 15:04")},
		{"Sales", fmt.Sprint(d.Sales)},
		{"Cancelled sales", fmt.Sprint(d.Canceled)},
		{"Total taken", f(d.Total)},
		{"of which tax", f(d.Tax)},
	}
	for _, m := range d.ByMethod {
		label := m.Method
		if !strings.EqualFold(m.Method, m.Kind.Title()) {
			label += " (" + strings.ToLower(m.Kind.Title()) + ")"
		}
		n := fmt.Sprintf("%d payments", m.Count)
		if m.Count == 1 {
			n = "1 payment"
		}
		rows = append(rows, [2]string{label, f(m.Amount) + " in " + n})
	}
	rows = append(rows,
		[2]string{"Tips (owed to staff)", f(d.Tips)},
	)
	if d.Uncaptured > 0 {
		rows = append(rows, [2]string{"Not captured yet", fmt.Sprintf("%d authorised payments: capture them within two days, or the money is not taken", d.Uncaptured)})
	}
	rows = append(rows,
		[2]string{"Refunds", f(d.Refunds)},
		[2]string{"Cash expected", f(d.CashExpected)},
		[2]string{"Cash counted", f(d.CashCounted)},
		[2]string{"Difference", f(d.CashDifference())},
	)
	switch {
	case d.FeesOf == 0:
		rows = append(rows, [2]string{"Stripe fees", "none: no card or QR payments"})
	case d.FeesKnown:
		rows = append(rows, [2]string{"Stripe fees", f(d.Fees)})
	case d.FeesFound > 0:
		rows = append(rows, [2]string{"Stripe fees", fmt.Sprintf("%s on %d of %d card and QR payments; the rest once Stripe's statement is imported or fetched", f(d.Fees), d.FeesFound, d.FeesOf)})
	default:
		rows = append(rows, [2]string{"Stripe fees", "known once Stripe's statement is imported or fetched"})
	}
	return rows
}
