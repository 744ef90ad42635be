package domain

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
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
	return s.CloseDayWith(ctx, g, DayCloseRequest{Counted: counted, All: all, Keep: -1})
}

// DayCloseRequest is what the owner says at a day close.
type DayCloseRequest struct {
	Counted int64           // cash counted in the drawer
	Count   map[int64]int64 // the same by denomination, when counted so
	// Keep is what stays in the drawer for tomorrow (the next day's
	// expected cash starts from it); the rest of the counted cash goes to
	// the bank. Negative: all of it stays.
	Keep int64
	All  bool // every till at once
}

// CloseDayWith is CloseDay with the drawer counted by denomination and
// part of the cash taken to the bank: the difference between counted and
// expected cash is booked to Cash over/short, what goes to the bank as a
// deposit, and the next day starts from what stays.
func (s *RegisterService) CloseDayWith(ctx context.Context, g Grant, req DayCloseRequest) (DayClose, error) {
	if s.Access != nil {
		if err := s.Access.Require(g, RoleOwner); err != nil {
			return DayClose{}, err
		}
	}
	counted := req.Counted
	if len(req.Count) > 0 {
		for den, n := range req.Count {
			if n < 0 || den <= 0 {
				return DayClose{}, fieldErr("counted", Errorf(EINVALID, "A count of notes or coins cannot be negative."))
			}
		}
		counted = CountTotal(req.Count)
	}
	if counted < 0 {
		return DayClose{}, fieldErr("counted", Errorf(EINVALID, "Counted cash cannot be negative."))
	}
	keep := req.Keep
	if keep < 0 {
		keep = counted
	}
	if keep > counted {
		return DayClose{}, fieldErr("keep", Errorf(EINVALID, "The drawer cannot keep more than was counted in it."))
	}
	rs, till, err := s.tillOf(ctx, req.All)
	if err != nil {
		return DayClose{}, err
	}
	var d DayClose
	err = s.Till.UpdateTill(ctx, func(tx TillTx) error {
		in, err := readDay(tx, rs.Till, till)
		if err != nil {
			return err
		}
		d = s.report(ctx, rs, in, counted)
		d.Count = req.Count
		d.LeftInDrawer, d.Deposit = keep, counted-keep
		ids := make([]int64, len(in.sales))
		for i, sl := range in.sales {
			ids[i] = sl.ID
		}
		if err := tx.InsertDayClose(&d, ids); err != nil {
			return err
		}
		rids := make([]int64, len(in.refunds))
		for i, r := range in.refunds {
			rids[i] = r.ID
		}
		if err := tx.CloseRefunds(d.ID, rids); err != nil {
			return err
		}
		mids := make([]int64, len(in.moves))
		for i, m := range in.moves {
			mids[i] = m.ID
		}
		if d.Deposit > 0 {
			dep := CashMovement{Till: d.Till, Kind: CashDeposit, Amount: Money{Amount: d.Deposit, Currency: d.Currency},
				Reason: "day close", Role: RoleOwner, Created: d.ClosedAt.UTC().Truncate(time.Second)}
			if err := tx.InsertCashMovement(&dep); err != nil {
				return err
			}
			mids = append(mids, dep.ID)
		}
		return tx.CloseCashMovements(d.ID, mids)
	})
	if err == nil && s.Access != nil {
		_ = s.Access.Record(ctx, g, AuditEntry{Action: "day_close", Amount: Money{Amount: d.Total, Currency: d.Currency},
			Detail: fmt.Sprintf("Day close of %s: %d sales, cash counted %s (difference %s)", d.Till, d.Sales,
				New(d.CashCounted, d.Currency), New(d.CashDifference(), d.Currency))})
	}
	return d, err
}

// dayIn is what a close counts: the sales, refunds and cash movements no
// close counted yet, and what the last close left in the drawer.
type dayIn struct {
	sales   []Sale
	refunds []RefundRecord
	moves   []CashMovement
	left    int64
	open    []int64 // sales still open: left for the next close, named on this one
}

func readDay(tx TillTx, label, till string) (in dayIn, err error) {
	if in.sales, err = tx.UnclosedSales(till); err != nil {
		return in, err
	}
	if in.refunds, err = tx.UnclosedRefunds(till); err != nil {
		return in, err
	}
	if in.moves, err = tx.UnclosedCashMovements(till); err != nil {
		return in, err
	}
	if in.open, err = tx.OpenSales(till); err != nil {
		return in, err
	}
	in.left, err = carried(tx, label)
	return in, err
}

func (s *RegisterService) dayClose(ctx context.Context, counted int64, all bool) (DayClose, []Sale, error) {
	rs, till, err := s.tillOf(ctx, all)
	if err != nil {
		return DayClose{}, nil, err
	}
	var in dayIn
	err = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		in, err = readDay(tx, rs.Till, till)
		return err
	})
	return s.report(ctx, rs, in, counted), in.sales, err
}

// report is the Z report of a day, for a preview and a close alike.
func (s *RegisterService) report(ctx context.Context, rs RegisterSettings, in dayIn, counted int64) DayClose {
	d := summarise(rs.Till, in.sales, counted)
	for _, r := range in.refunds {
		// Refunds count on the day they were made, whatever day the sale was.
		d.Refunds += r.Amount.Amount
		d.RefundCount++
		if r.Kind == MethodCash {
			d.CashRefunds += r.Amount.Amount
			d.CashExpected -= r.Amount.Amount
		}
	}
	addCash(&d, in.left, in.moves)
	d.OpenSales = in.open
	d.ClosedAt = s.Clock.Now()
	if d.Currency.IsZero() {
		d.Currency = rs.Currency
	}
	s.addFees(ctx, &d, in.sales)
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
	rates := map[TaxRate]*RateTotal{}
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
		for _, l := range sl.Cart.Lines {
			rt := rates[l.TaxRate]
			if rt == nil {
				rt = &RateTotal{Rate: l.TaxRate}
				rates[l.TaxRate] = rt
			}
			rt.add(l)
		}
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
				d.CashSales += a.Amount.Amount
			}
		}
	}
	for _, mt := range by {
		d.ByMethod = append(d.ByMethod, *mt)
	}
	sort.Slice(d.ByMethod, func(i, j int) bool { return d.ByMethod[i].Method < d.ByMethod[j].Method })
	for _, rt := range rates {
		d.TaxByRate = append(d.TaxByRate, *rt)
	}
	sort.Slice(d.TaxByRate, func(i, j int) bool { return d.TaxByRate[i].Rate > d.TaxByRate[j].Rate })
	return d
}

// TextLines writes the Z report in two fixed-width columns, in English.
func (d DayClose) TextLines() []string { return d.TextLinesIn(Paper{Lang: "en", Loc: time.Local}) }

// TextLinesIn writes the report in two fixed-width columns on paper p,
// for the screen and the PDF.
func (d DayClose) TextLinesIn(p Paper) []string {
	var out []string
	for _, r := range d.LinesIn(p) {
		pad := max(30-len([]rune(r[0])), 1)
		out = append(out, r[0]+strings.Repeat(" ", pad)+r[1])
	}
	return out
}

// Lines writes the report as label/value rows in English.
func (d DayClose) Lines() [][2]string { return d.LinesIn(Paper{Lang: "en", Loc: time.Local}) }

// LinesIn writes the Z (or X) report as label/value rows on paper p: in
// the shop's language, money format and time zone.
func (d DayClose) LinesIn(p Paper) [][2]string {
	f := func(v int64) string { return p.Money(v, d.Currency) }
	when := [2]string{p.T("Closed"), p.Time(d.ClosedAt)}
	if d.X || d.ID == 0 {
		when[0] = p.T("As of") // a preview or an X report closes nothing
	}
	rows := [][2]string{
		{p.T("Till"), d.Till},
		when,
		{p.T("Sales"), fmt.Sprint(d.Sales)},
		{p.T("Cancelled sales"), fmt.Sprint(d.Canceled)},
	}
	if len(d.OpenSales) > 0 {
		// Every sale number is accounted for: paid, cancelled, or open and
		// left for the next close.
		nums := make([]string, len(d.OpenSales))
		for i, n := range d.OpenSales {
			nums[i] = "#" + fmt.Sprint(n)
		}
		rows = append(rows, [2]string{p.T("Open sales (next close)"), strings.Join(nums, ", ")})
	}
	rows = append(rows, [][2]string{
		{p.T("Total taken"), f(d.Total)},
	}...)
	for _, rt := range d.TaxByRate {
		rows = append(rows, [2]string{"  " + p.T("Net at %s", p.Rate(rt.Rate)), f(rt.Net)},
			[2]string{"  " + p.T("Tax at %s", p.Rate(rt.Rate)), f(rt.Tax)})
	}
	rows = append(rows, [2]string{p.T("of which tax"), f(d.Tax)})
	for _, m := range d.ByMethod {
		label := m.Method
		switch {
		case m.Kind.IsDefaultName(m.Method):
			label = p.Kind(m.Kind) // Tally's own default name, in the shop's language
		case !strings.EqualFold(m.Method, p.Kind(m.Kind)):
			label += " (" + strings.ToLower(p.Kind(m.Kind)) + ")"
		}
		n := p.T("%s in %d payments", f(m.Amount), m.Count)
		if m.Count == 1 {
			n = p.T("%s in 1 payment", f(m.Amount))
		}
		rows = append(rows, [2]string{label, n})
	}
	rows = append(rows,
		[2]string{p.T("Tips (owed to staff)"), f(d.Tips)},
	)
	if d.Uncaptured > 0 {
		rows = append(rows, [2]string{p.T("Not captured yet"), p.T("%d authorised payments: capture them within two days, or the money is not taken", d.Uncaptured)})
	}
	rows = append(rows, [2]string{p.T("Refunds"), f(d.Refunds)})
	if d.Carried != 0 {
		rows = append(rows, [2]string{p.T("From the last close"), f(d.Carried)})
	}
	rows = append(rows,
		[2]string{p.T("Opening float"), f(d.Float)},
		[2]string{p.T("Cash sales"), f(d.CashSales)},
		[2]string{p.T("Cash refunds"), f(-d.CashRefunds)},
		[2]string{p.T("Cash in"), f(d.CashIn)},
		[2]string{p.T("Cash out"), f(-d.CashOut)},
		[2]string{p.T("Cash expected"), f(d.CashExpected)},
	)
	if d.NotCounted {
		rows = append(rows, [2]string{p.T("Cash counted"), p.T("not counted")})
	} else {
		rows = append(rows, [2]string{p.T("Cash counted"), f(d.CashCounted)})
		diff := d.CashDifference()
		label := p.T("Difference")
		switch {
		case diff > 0:
			label += " (" + p.T("Cash over") + ")"
		case diff < 0:
			label += " (" + p.T("Cash short") + ")"
		}
		rows = append(rows, [2]string{label, f(diff)})
		if len(d.Count) > 0 {
			rows = append(rows, [2]string{p.T("Cash counted by denomination"), ""})
			dens := make([]int64, 0, len(d.Count))
			for den := range d.Count {
				dens = append(dens, den)
			}
			sort.Slice(dens, func(i, j int) bool { return dens[i] > dens[j] })
			for _, den := range dens {
				if n := d.Count[den]; n > 0 {
					rows = append(rows, [2]string{fmt.Sprintf("  %d × %s", n, f(den)), f(n * den)})
				}
			}
		}
		if !d.X && d.ID != 0 {
			rows = append(rows, [2]string{p.T("Left in the drawer"), f(d.LeftInDrawer)})
			if d.Deposit > 0 {
				rows = append(rows, [2]string{p.T("Takings to the bank"), f(d.Deposit)})
			}
		}
	}
	switch {
	case d.FeesOf == 0:
		rows = append(rows, [2]string{p.T("Stripe fees"), p.T("none: no card or QR payments")})
	case d.FeesKnown:
		rows = append(rows, [2]string{p.T("Stripe fees"), f(d.Fees)})
	case d.FeesFound > 0:
		rows = append(rows, [2]string{p.T("Stripe fees"), p.T("%s on %d of %d card and QR payments; the rest once Stripe's statement is imported or fetched", f(d.Fees), d.FeesFound, d.FeesOf)})
	default:
		rows = append(rows, [2]string{p.T("Stripe fees"), p.T("known once Stripe's statement is imported or fetched")})
	}
	return rows
}
