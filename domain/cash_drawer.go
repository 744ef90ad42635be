package domain

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// CashKind is what a movement of the drawer's cash is.
type CashKind string

// Cash movements. A float and cash in bring money into the drawer; cash
// out takes it out; a deposit is what the day close takes to the bank
// (the counted cash less what stays in the drawer for tomorrow).
const (
	CashFloat   CashKind = "float"
	CashIn      CashKind = "in"
	CashOut     CashKind = "out"
	CashDeposit CashKind = "deposit"
)

// CashMovement is money put into or taken out of a till's drawer other
// than by a sale or a refund: the opening float, change brought in, petty
// cash paid out, the takings taken to the bank.
type CashMovement struct {
	ID      int64
	Till    string
	Kind    CashKind
	Amount  Money // positive; the kind says which way
	Reason  string
	Role    Role
	Created time.Time
	CloseID int64 // the day close that counted it; 0 until then
}

// Signed is the movement's effect on the drawer: negative for cash out
// and a deposit.
func (m CashMovement) Signed() int64 {
	if m.Kind == CashOut || m.Kind == CashDeposit {
		return -m.Amount.Amount
	}
	return m.Amount.Amount
}

// CounterAccount is the account on the other side of Cash: the bank for
// a float, cash brought in and a deposit; petty cash expenses for cash
// paid out.
func (m CashMovement) CounterAccount() string {
	if m.Kind == CashOut {
		return AcctPettyCash
	}
	return AcctBank
}

// CashRef names a movement's entry in the books.
func CashRef(id int64) string { return "cash:" + itoa(id) }

// CloseRef names a day close's cash over or short in the books.
func CloseRef(id int64) string { return "close:" + itoa(id) }

// CashEntry books a movement: Cash against the bank or petty cash.
func CashEntry(m CashMovement) (Entry, error) {
	words := map[CashKind]string{CashFloat: "Opening float", CashIn: "Cash in", CashOut: "Cash out", CashDeposit: "Takings to the bank"}
	desc := words[m.Kind] + ", " + m.Till
	if m.Reason != "" {
		desc += ": " + m.Reason
	}
	e := Entry{Date: m.Created, Currency: m.Amount.Currency, Description: desc, SaleRef: CashRef(m.ID),
		Postings: []Posting{{AcctCash, m.Signed()}, {m.CounterAccount(), -m.Signed()}}}
	return e, e.Validate()
}

// OverShortEntry books a day close's difference between the cash
// counted and the cash expected: Cash against Cash over/short. It is
// false when there is none (or nothing was counted).
func OverShortEntry(d DayClose) (Entry, bool, error) {
	diff := d.CashDifference()
	if diff == 0 || !d.CashWasCounted() {
		return Entry{}, false, nil
	}
	word := "short"
	if diff > 0 {
		word = "over"
	}
	e := Entry{Date: d.ClosedAt, Currency: d.Currency, SaleRef: CloseRef(d.ID),
		Description: fmt.Sprintf("Cash %s at the day close of %s", word, d.Till),
		Postings:    []Posting{{AcctCash, diff}, {AcctCashOverShort, -diff}}}
	return e, true, e.Validate()
}

// CashWasCounted reports whether the close counted the drawer (closes
// stored before counting was asked always did).
func (d DayClose) CashWasCounted() bool { return !d.NotCounted }

// MoveCashRequest is a float, cash in or cash out at the till.
type MoveCashRequest struct {
	Kind   CashKind
	Amount string // as typed
	Reason string
}

// MoveCash records a float, cash in or cash out in this till's drawer:
// the cashier's action (with a cashier's or the owner's PIN where one is
// set), audited, counted by the next day close and booked with the
// register's sales. Cash out needs a reason; so does cash in.
func (s *RegisterService) MoveCash(ctx context.Context, g Grant, req MoveCashRequest) (CashMovement, error) {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return CashMovement{}, err
	}
	switch req.Kind {
	case CashFloat, CashIn, CashOut:
	default:
		return CashMovement{}, Errorf(EINVALID, "A cash movement is a float, cash in or cash out, not %q.", req.Kind)
	}
	v, err := ParseAmount(strings.TrimSpace(req.Amount), rs.Currency.Exponent())
	if err != nil || v <= 0 {
		return CashMovement{}, fieldErr("amount", Errorf(EINVALID, "Type the amount of cash, such as 50.00."))
	}
	if v > MaxCashAmount(rs.Currency) {
		return CashMovement{}, fieldErr("amount", Errorf(EINVALID, "%s is more cash than a drawer holds: check the amount.", New(v, rs.Currency)))
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" && req.Kind != CashFloat {
		return CashMovement{}, fieldErr("reason", Errorf(EINVALID, "Say why the cash goes in or out, such as \"milk for the coffee\"."))
	}
	if len([]rune(reason)) > 200 {
		return CashMovement{}, fieldErr("reason", Errorf(EINVALID, "A reason has at most 200 characters."))
	}
	// The cashier at the till needs no PIN for the drawer; a grant given
	// (a PIN entered) must still be good.
	if s.Access != nil && g.Role() != "" {
		if err := s.Access.Require(g, RoleCashier); err != nil {
			return CashMovement{}, err
		}
	}
	m := CashMovement{Till: rs.Till, Kind: req.Kind, Amount: Money{Amount: v, Currency: rs.Currency}, Reason: reason,
		Role: g.Role(), Created: s.Clock.Now().UTC().Truncate(time.Second)}
	if m.Role == "" {
		m.Role = RoleCashier
	}
	if req.Kind == CashOut {
		// Cash out cannot take more than the drawer should hold.
		x, err := s.XReport(ctx)
		if err != nil {
			return m, err
		}
		if v > x.CashExpected {
			return m, fieldErr("amount", Errorf(EINVALID, "The drawer should hold %s: %s cannot be taken out of it.", New(x.CashExpected, rs.Currency), New(v, rs.Currency)))
		}
	}
	if err := s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.InsertCashMovement(&m) }); err != nil {
		return m, fmt.Errorf("record the cash movement: %w", err)
	}
	if s.Access != nil {
		words := map[CashKind]string{CashFloat: "Opening float", CashIn: "Cash in", CashOut: "Cash out"}
		_ = s.Access.Record(ctx, g, AuditEntry{Action: "cash_" + string(req.Kind), Amount: m.Amount,
			Detail: strings.TrimSuffix(fmt.Sprintf("%s at %s: %s", words[req.Kind], m.Till, reason), ": ")})
	}
	if _, err := s.SignCash(ctx, m); err != nil {
		s.log().Error("sign the cash movement at the TSE", "movement", m.ID, "err", err)
	}
	return m, nil
}

// MaxCashAmount is the most one cash movement or payment may be: a
// million of the currency's units, far beyond any drawer, so a typing
// slip (an extra zero or five) is caught.
func MaxCashAmount(c Currency) int64 {
	v := int64(1_000_000)
	for i := 0; i < c.Exponent(); i++ {
		v *= 10
	}
	return v
}

// OpenDrawer records that the drawer was opened with no sale (audited),
// for the printer to kick it open.
func (s *RegisterService) OpenDrawer(ctx context.Context, g Grant, reason string) error {
	if s.Access != nil {
		rs, err := s.RegisterSettings(ctx)
		if err != nil {
			return err
		}
		detail := "Drawer opened at " + rs.Till
		if r := strings.TrimSpace(reason); r != "" {
			detail += ": " + r
		}
		return s.Access.Record(ctx, g, AuditEntry{Action: "drawer_open", Detail: detail})
	}
	return nil
}

// XReport is the day so far: the Z report as it stands, nothing closed,
// nothing counted.
func (s *RegisterService) XReport(ctx context.Context) (DayClose, error) {
	d, _, err := s.dayClose(ctx, 0, false)
	d.X, d.NotCounted = true, true
	return d, err
}

// carried is the cash the till's last close left in the drawer.
func carried(tx TillTx, till string) (int64, error) {
	last, err := tx.DayCloses(till, 1)
	if err != nil || len(last) == 0 {
		return 0, err
	}
	return last[0].LeftInDrawer, nil
}

// addCash adds the drawer's movements to a report: what was left from the
// last close, the floats, cash in and out.
func addCash(d *DayClose, left int64, moves []CashMovement) {
	d.Carried = left
	d.CashExpected += left
	for _, m := range moves {
		switch m.Kind {
		case CashFloat:
			d.Float += m.Amount.Amount
		case CashIn:
			d.CashIn += m.Amount.Amount
		case CashOut:
			d.CashOut += m.Amount.Amount
		}
		d.CashExpected += m.Signed()
	}
}

// Denominations are the notes and coins of a currency, largest first, in
// minor units: the drawer is counted in them.
func Denominations(c Currency) []int64 {
	switch c.Code() {
	case "EUR":
		return []int64{50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}
	case "USD":
		return []int64{10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1}
	case "GBP":
		return []int64{5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}
	case "CHF":
		return []int64{100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5}
	case "JPY":
		return []int64{10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1}
	case "CAD":
		return []int64{10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5}
	case "AUD", "NZD":
		return []int64{10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5}
	case "SEK", "NOK", "DKK":
		return []int64{100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100}
	case "PLN":
		return []int64{50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}
	}
	// Elsewhere: powers of ten and their halves and fifths down to the
	// smallest unit.
	var out []int64
	top := int64(100)
	for i := 0; i < c.Exponent(); i++ {
		top *= 10
	}
	top *= 10
	for v := top; v >= 1; v /= 10 {
		out = append(out, v*5, v*2, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out[3:]
}

// CountTotal sums a count of the drawer: pieces of each denomination.
func CountTotal(count map[int64]int64) int64 {
	var t int64
	for d, n := range count {
		t += d * n
	}
	return t
}
