package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// decisionBar settles the line selected in the statement lines in one
// step: it shows what Tally proposes (a suggest-only rule's account, or the
// category's) and books the line to the chosen account.
type decisionBar struct {
	svc    Services
	run    runner
	status *status
	booked func()        // called on the Fyne goroutine after a booking
	busy   func() string // why booking must wait, if it must ("" or nil: it need not)

	account        *widget.Select
	bookBtn        *widget.Button
	why            *widget.Label
	accountByLabel map[string]string
	line           *domain.LineView // the selected line, if it waits for a decision
	label          string           // the suggested label
	obj            fyne.CanvasObject
}

func newDecisionBar(svc Services, run runner, st *status, booked func()) *decisionBar {
	d := &decisionBar{svc: svc, run: run, status: st, booked: booked, accountByLabel: map[string]string{}}
	d.account = widget.NewSelect(nil, nil)
	d.account.PlaceHolder = T("Book to…")
	d.bookBtn = widget.NewButton(T("Book this line"), d.book)
	d.bookBtn.Importance = widget.HighImportance
	d.why = widget.NewLabel(T("Select a line waiting for a decision to book it here."))
	d.why.Truncation = fyne.TextTruncateEllipsis
	d.obj = container.NewBorder(nil, nil, container.NewHBox(container.NewGridWrap(fyne.NewSize(260, d.account.MinSize().Height), d.account), d.bookBtn), nil, d.why)
	d.show(nil)
	return d
}

// accountOptions labels accounts "4000 Sales" for a select, with the codes.
func accountOptions(accounts []domain.LedgerAccount) ([]string, map[string]string) {
	opts := make([]string, 0, len(accounts))
	byLabel := make(map[string]string, len(accounts))
	for _, a := range accounts {
		l := a.Code + " " + a.Name
		opts = append(opts, l)
		byLabel[l] = a.Code
	}
	return opts, byLabel
}

// load reads the chart of accounts off the Fyne goroutine.
func (d *decisionBar) load() {
	d.run(func() {
		accounts, err := d.svc.Reconcile.Accounts(context.Background())
		fyne.Do(func() {
			if err != nil {
				d.status.fail("read accounts", err, nil)
				return
			}
			// Parking a line is no decision, and the Stripe balance is the line's own side.
			choices := accounts[:0]
			for _, a := range accounts {
				if a.Code != domain.AcctSuspense && a.Code != domain.AcctStripeBalance {
					choices = append(choices, a)
				}
			}
			d.account.Options, d.accountByLabel = accountOptions(choices)
			d.account.Refresh()
		})
	})
}

// show offers the line for a decision when it waits for one; on the Fyne
// goroutine.
func (d *decisionBar) show(l *domain.LineView) {
	if l == nil || !l.Bookable || (l.Booked && !l.Parked) {
		d.line = nil
		d.account.ClearSelected()
		d.account.Disable()
		d.bookBtn.Disable()
		switch {
		case l == nil:
			d.why.SetText(T("Select a line waiting for a decision to book it here."))
		case !l.Bookable:
			d.why.SetText(T("This line records no money movement and is never booked."))
		default:
			d.why.SetText(T("Booked to ") + l.Account + ".")
		}
		return
	}
	d.line = l
	d.label = ""
	d.account.Enable()
	d.account.ClearSelected()
	d.bookBtn.Enable()
	d.why.SetText(T("Looking for a suggestion…"))
	key := l.Key
	d.run(func() {
		sg, err := d.svc.Reconcile.Suggest(context.Background(), key)
		fyne.Do(func() {
			if d.line == nil || d.line.Key != key {
				return // another line was selected meanwhile
			}
			if err != nil {
				d.status.fail("suggest an account", err, nil)
				d.why.SetText("")
				return
			}
			d.label = sg.Label
			for l, code := range d.accountByLabel {
				if code == sg.Account {
					d.account.SetSelected(l)
				}
			}
			d.why.SetText(sg.Why)
		})
	})
}

// book books the selected line to the chosen account off the Fyne goroutine.
func (d *decisionBar) book() {
	if d.line == nil {
		return
	}
	if d.busy != nil && d.busy() != "" {
		d.status.warn(d.busy())
		return
	}
	code := d.accountByLabel[d.account.Selected]
	if code == "" {
		d.status.warn(T("Choose the account this line goes to, then book it."))
		return
	}
	req := domain.BookRequest{Key: d.line.Key, Account: code, Label: d.label}
	what := d.line.Description
	if what == "" {
		what = d.line.Category
	}
	d.bookBtn.Disable()
	d.status.busy(T("Booking the line…"))
	d.run(func() {
		_, err := d.svc.Reconcile.Book(context.Background(), req)
		fyne.Do(func() {
			if err != nil {
				d.bookBtn.Enable()
				d.status.fail("book a line", err, nil)
				return
			}
			d.status.ok(T("Booked “%s” to %s.", what, d.account.Selected))
			d.show(nil)
			d.booked()
		})
	})
}
