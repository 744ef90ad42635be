package ui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// keyEntry is an entry that lets the register see its shortcut keys first
// (a scanner types into it, the cashier's F-keys must still work).
type keyEntry struct {
	widget.Entry
	onKey func(*fyne.KeyEvent) bool
	// shortcut, when set, is offered a Ctrl+key shortcut first (the
	// pages' Ctrl+1…9); it reports whether it took it.
	shortcut func(fyne.Shortcut) bool
}

func newKeyEntry(onKey func(*fyne.KeyEvent) bool) *keyEntry {
	e := &keyEntry{onKey: onKey}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}

// formDialog is a form whose submit can fail: the error shows in the dialog,
// which stays open.
type formDialog struct {
	d     *dialog.CustomDialog
	err   *widget.Label
	ok    *widget.Button
	items []*widget.FormItem
}

// lastFormDialog is the form dialog shown last, for tests.
var lastFormDialog *formDialog

func newFormDialog(title, confirm string, items []*widget.FormItem, submit func() error, win fyne.Window) *formDialog {
	f := &formDialog{err: errLabel(), items: items}
	lastFormDialog = f
	form := widget.NewForm(items...)
	ok := widget.NewButton(confirm, func() {
		if err := submit(); err != nil {
			f.err.SetText(errText(err))
			f.err.Show()
			return
		}
		f.d.Hide()
	})
	ok.Importance = widget.HighImportance
	f.ok = ok
	cancel := widget.NewButton(T("Cancel"), func() { f.d.Hide() })
	body := container.NewVBox(form, f.err)
	f.d = dialog.NewCustomWithoutButtons(title, body, win)
	f.d.SetButtons([]fyne.CanvasObject{cancel, ok})
	f.d.Resize(fyne.NewSize(460, 0))
	return f
}

// Show shows the dialog.
func (f *formDialog) Show() { f.d.Show() }

// payPanel shows the payment under way and what the cashier can do about
// it: cancel, try again, free a busy reader, check the status; in test and
// demo mode it also plays the customer (a test card, paying the page).
type payPanel struct {
	s                                       *registerScreen
	obj                                     *fyne.Container
	title                                   *widget.Label
	msg                                     *widget.Label
	cancelBtn, retryBtn, clearBtn, checkBtn *widget.Button
	cardBtns                                []*widget.Button // one per test card
	custCancelBtn, custPayBtn, tipBtn       *widget.Button
	receiptBtn                              *widget.Button
	tests                                   *fyne.Container
	cashEntry                               *keyEntry   // the open cash question's field
	cashDialog                              *formDialog // the open cash question
	receiptText                             string      // the receipt last shown
	receiptBody                             *fyne.Container
}

var testCards = []struct {
	label string
	card  domain.TestCard
}{
	{T("4242 succeeds"), domain.CardSucceeds},
	{T("0002 declined"), domain.CardDeclined},
	{T("9995 no funds"), domain.CardInsufficientFunds},
	{T("0069 expired"), domain.CardExpired},
}

func newPayPanel(s *registerScreen) *payPanel {
	p := &payPanel{s: s, title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), msg: widget.NewLabel("")}
	p.msg.Wrapping = fyne.TextWrapWord
	p.cancelBtn = widget.NewButton(T("Cancel payment (Esc)"), p.cancel)
	p.cancelBtn.Importance = widget.DangerImportance
	p.retryBtn = widget.NewButton(T("Try again (F5)"), func() { p.step(T("trying again"), p.s.svc.Register.Retry) })
	p.clearBtn = widget.NewButton(T("Clear reader"), func() { p.step(T("clearing the reader"), p.s.svc.Register.ClearReader) })
	p.checkBtn = widget.NewButton(T("Check status"), func() { p.step(T("checking with Stripe"), p.s.svc.Register.Check) })
	for _, c := range testCards {
		card := c.card
		p.cardBtns = append(p.cardBtns, widget.NewButton(c.label, func() { p.present(card) }))
	}
	p.tipBtn = widget.NewButton(T("4242 + 10 % tip"), func() {
		a := p.s.attempt.Attempt
		tip := (a.Amount.Amount + 5) / 10
		p.step(T("the test card"), func(ctx context.Context, id int64) (domain.PaymentResult, error) {
			return p.s.svc.Register.PresentTestCardWithTip(ctx, id, domain.CardSucceeds, tip)
		})
	})
	p.custCancelBtn = widget.NewButton(T("Customer cancels"), func() {
		p.step(T("the customer cancelling"), p.s.svc.Register.DemoCustomerCancels)
	})
	p.custPayBtn = widget.NewButton(T("Customer pays the page (F7)"), func() {
		p.step(T("the customer paying"), func(ctx context.Context, id int64) (domain.PaymentResult, error) {
			return p.s.svc.Register.DemoCustomerPays(ctx, id, domain.CardSucceeds)
		})
	})
	p.receiptBtn = widget.NewButton(T("Receipt"), p.receipt)
	// The test cards wrap onto more rows rather than widen the register.
	p.tests = container.New(layout.NewRowWrapLayout())
	p.obj = container.NewVBox()
	return p
}

// show lays the panel out for the payment as it stands.
func (p *payPanel) show() {
	s := p.s
	p.obj.Objects = nil
	if s.sale != nil && s.sale.Status == domain.SalePaid {
		p.title.SetText(T("Sale #%d paid", s.sale.Number))
		p.msg.SetText(paidSummary(*s.sale, s.money))
		row := container.NewHBox(p.receiptBtn)
		for _, a := range s.sale.Attempts {
			if a.Status == domain.AttemptAuthorized {
				id, saleID := a.ID, a.SaleID
				capture := widget.NewButton(T("Capture ")+s.money(a.Amount.Amount), func() {
					s.job.start(T("the capture"), T("Capturing at Stripe…"), func(ctx context.Context) func() {
						res, err := s.svc.Register.Capture(ctx, id)
						res = s.withSale(ctx, res, saleID)
						return func() { s.showResult(res, err) }
					})
				})
				capture.Importance = widget.HighImportance
				row.Add(capture)
			}
		}
		p.obj.Objects = []fyne.CanvasObject{widget.NewSeparator(), p.title, p.msg, row}
		p.obj.Refresh()
		return
	}
	if s.attempt == nil || s.attempt.Done() {
		p.obj.Refresh()
		return
	}
	a := s.attempt.Attempt
	p.title.SetText(T("%s · %s · %s", a.MethodName, s.money(a.Amount.Amount), stageTitle(a)))
	p.msg.SetText(sayText(s.attempt.Message))
	actions := container.NewHBox(p.cancelBtn, p.checkBtn)
	mode := s.svc.Connection.Mode()
	p.tests.Objects = nil
	switch a.Kind {
	case domain.MethodCardReader:
		if a.Stage == domain.StageDeclined || a.Stage == domain.StageIntent {
			actions.Add(p.retryBtn)
			actions.Add(p.clearBtn)
		}
		if a.Stage == domain.StageOnReader && mode != domain.ModeLive {
			p.tests.Objects = []fyne.CanvasObject{widget.NewLabel(T("Tap a test card:"))}
			for _, b := range p.cardBtns {
				p.tests.Add(b)
			}
			if a.TipsOffered {
				p.tests.Add(p.tipBtn)
			}
			if mode == domain.ModeDisabled {
				p.tests.Add(p.custCancelBtn)
			}
			p.tests.Objects[0].(*widget.Label).SetText(T("Tap a test card:"))
		}
	case domain.MethodQRLink:
		if mode == domain.ModeDisabled && a.SessionID != "" {
			p.tests.Objects = []fyne.CanvasObject{widget.NewLabel(T("Demo customer:")), p.custPayBtn}
		}
	}
	for _, b := range append([]*widget.Button{p.cancelBtn, p.retryBtn, p.clearBtn, p.checkBtn, p.custCancelBtn, p.custPayBtn, p.tipBtn}, p.cardBtns...) {
		if s.job.busy() {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	p.obj.Objects = []fyne.CanvasObject{widget.NewSeparator(), p.title, p.msg, actions}
	if len(p.tests.Objects) > 0 {
		p.obj.Add(p.tests)
	}
	if a.Kind == domain.MethodQRLink && a.SessionURL != "" {
		p.obj.Add(widget.NewLabel(T("The QR code is on the customer display; the customer scans it with a phone.")))
	}
	p.obj.Refresh()
}

func stageTitle(a domain.Attempt) string {
	switch a.Stage {
	case domain.StageStored:
		return T("sending to Stripe")
	case domain.StageIntent:
		return T("ready for the reader")
	case domain.StageOnReader:
		return T("on the reader")
	case domain.StageDeclined:
		return T("declined")
	case domain.StagePage:
		return T("QR code shown")
	case domain.StageCanceling:
		return T("cancelling")
	}
	return attemptStatusText(a.Status)
}

func paidSummary(sale domain.Sale, money func(int64) string) string {
	var parts []string
	for _, a := range sale.Attempts {
		if !a.Status.Settled() {
			continue
		}
		part := methodName(a.MethodName, a.Kind) + " " + money(a.Amount.Amount)
		if a.Tip > 0 {
			part += T(" + tip ") + money(a.Tip)
		}
		if a.Card.Last4 != "" {
			part += " (" + domain.BrandName(a.Card.Brand) + " •••• " + a.Card.Last4 + ")"
		}
		if a.Change > 0 {
			part += T(", change ") + money(a.Change)
		}
		if a.Status == domain.AttemptAuthorized {
			part += T(", authorised: capture it")
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " · ")
}

// methodName is a payment method's name as the user reads it: Tally's
// own default names (Cash, Card reader, QR code) in the user's language,
// the shop's own names as they wrote them.
func methodName(name string, kind domain.MethodKind) string {
	if kind.IsDefaultName(name) {
		return kindText(kind)
	}
	return name
}

// step runs one action on the pending attempt as the screen's job.
func (p *payPanel) step(what string, fn func(context.Context, int64) (domain.PaymentResult, error)) {
	s := p.s
	if s.attempt == nil {
		return
	}
	id, saleID := s.attempt.Attempt.ID, s.attempt.Attempt.SaleID
	s.job.start(what, strings.ToUpper(what[:1])+what[1:]+"…", func(ctx context.Context) func() {
		res, err := fn(ctx, id)
		res = s.withSale(ctx, res, saleID)
		if res.Attempt.ID == 0 {
			res.Attempt, _ = s.svc.Register.Attempt(ctx, id)
			res.Message = errText(err)
		}
		return func() { s.showResult(res, err) }
	})
	s.refresh()
}

// again retries a declined or dropped card payment, or else asks Stripe.
func (p *payPanel) again() {
	a := p.s.attempt
	if a == nil || a.Done() {
		return
	}
	if a.Attempt.Kind == domain.MethodCardReader && (a.Attempt.Stage == domain.StageDeclined || a.Attempt.Stage == domain.StageIntent) {
		p.step(T("trying again"), p.s.svc.Register.Retry)
		return
	}
	p.step(T("checking with Stripe"), p.s.svc.Register.Check)
}

func (p *payPanel) cancel() {
	if p.s.attempt == nil || p.s.attempt.Done() {
		return
	}
	if p.s.stopPoll != nil {
		p.s.stopPoll()
	}
	p.step(T("cancelling the payment"), p.s.svc.Register.Cancel)
}

// pretend plays the customer who pays, in test and demo mode: the test
// card 4242 on the simulated reader, or (demo) the QR page paid.
func (p *payPanel) pretend() {
	a := p.s.attempt
	if a == nil || a.Done() || p.s.svc.Connection.Mode() == domain.ModeLive {
		return
	}
	switch {
	case a.Attempt.Kind == domain.MethodCardReader && a.Attempt.Stage == domain.StageOnReader:
		p.present(domain.CardSucceeds)
	case a.Attempt.Kind == domain.MethodQRLink && p.s.svc.Connection.Mode() == domain.ModeDisabled:
		p.custPayBtn.OnTapped()
	}
}

func (p *payPanel) present(card domain.TestCard) {
	p.step(T("the test card"), func(ctx context.Context, id int64) (domain.PaymentResult, error) {
		return p.s.svc.Register.PresentTestCard(ctx, id, card)
	})
}

// askCash asks what the customer hands over and takes it.
func (p *payPanel) askCash(m domain.PaymentMethod, amount int64) {
	s := p.s
	due := s.cart.Totals().Total
	if s.sale != nil {
		due = s.sale.Due()
	}
	if amount == 0 {
		amount = due
	}
	// The field starts empty, the amount due shown in it: typing what was
	// handed over is all it takes, and Enter alone takes the amount due.
	tendered := newKeyEntry(nil)
	tendered.SetPlaceHolder(entryAmount(amount, s.cart.Currency))
	cart := s.cartToSell()
	have := s.sale
	items := []*widget.FormItem{widget.NewFormItem(T("Handed over"), tendered)}
	var asked int64 = -1 // the short amount the cashier was asked about
	var d *formDialog
	d = newFormDialog(T("Cash: %s due", s.money(due)), T("Take cash"), items, func() error {
		text := strings.TrimSpace(tendered.Text)
		if text == "" {
			text = entryAmount(amount, s.cart.Currency)
		}
		v, err := domain.ParseAmount(text, s.cart.Currency.Exponent())
		if err != nil || v <= 0 {
			return userErr(domain.EINVALID, T("Type what the customer hands over, such as 20.00."))
		}
		if v > domain.MaxCashAmount(s.cart.Currency) {
			return userErr(domain.EINVALID, T("%s is more than any customer hands over: check the amount.", s.money(v)))
		}
		if v < amount && v != asked {
			// Less than due is a part payment only when the cashier says so.
			asked = v
			d.ok.SetText(T("Take %s as part", s.money(v)))
			return userErr(domain.EINVALID, T("%s of %s: take it as part of the payment? Press Enter again to take it, or type the full amount.", s.money(v), s.money(amount)))
		}
		s.job.start(T("the cash payment"), T("Taking cash…"), func(ctx context.Context) func() {
			sale, err := s.saleFor(ctx, have, cart)
			if err != nil {
				return func() { s.status.fail("save the sale", err, nil); s.refresh() }
			}
			res, err := s.svc.Register.PayCash(ctx, sale.ID, m.ID, v)
			res = s.withSale(ctx, res, sale.ID)
			return func() { s.showResult(res, err) }
		})
		s.refresh()
		return nil
	}, s.win)
	p.cashEntry, p.cashDialog = tendered, d
	tendered.OnSubmitted = func(string) { d.ok.OnTapped() }
	tendered.OnChanged = func(string) {
		// A corrected amount is asked about afresh, and the old words go.
		asked = -1
		d.err.Hide()
		d.ok.SetText(T("Take cash"))
	}
	d.Show()
	s.win.Canvas().Focus(tendered)
}

// receipt shows the sale's receipt, ready to save as a PDF and print.
func (p *payPanel) receipt() {
	s := p.s
	if s.sale == nil {
		return
	}
	id := s.sale.ID
	shop := s.settings.ShopAsUsed()
	text := strings.Join(domain.ReceiptLines(shop, *s.sale), "\n")
	p.receiptText = text
	// The receipt as printed: text, and the TSE's QR code drawn as one.
	body := container.NewVBox()
	var chunk []string
	flush := func() {
		if len(chunk) > 0 {
			body.Add(widget.NewLabelWithStyle(strings.Join(chunk, "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
			chunk = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if qr, ok := strings.CutPrefix(line, "[QR] "); ok {
			flush()
			img := canvas.NewImageFromImage(qrImage(qr))
			img.FillMode = canvas.ImageFillContain
			img.ScaleMode = canvas.ImageScalePixels
			img.SetMinSize(fyne.NewSize(220, 220))
			body.Add(container.NewHBox(img))
			continue
		}
		chunk = append(chunk, line)
	}
	flush()
	p.receiptBody = body
	save := widget.NewButton(T("Save PDF…"), func() {
		saveFile(s, fmt.Sprintf("receipt-%d.pdf", s.sale.Number), func(w io.Writer) error {
			return s.svc.Register.ReceiptPDF(s.ctx, id, w)
		})
	})
	number := s.sale.Number
	print := widget.NewButton(T("Print"), func() { printReceipt(s.ctx, s.run, s.status, s.svc.Register, id, number) })
	d := dialog.NewCustom(T("Receipt of sale #%d", s.sale.Number), T("Close"), container.NewBorder(nil, container.NewHBox(print, save), nil, nil, container.NewVScroll(body)), s.win)
	d.Resize(fyne.NewSize(560, 720))
	d.Show()
}

// saveFile asks where to save, then writes the file off the Fyne goroutine
// and says how it went.
func saveFile(s *registerScreen, name string, write func(io.Writer) error) {
	saveAs(s.win, s.run, s.status, name, write)
}

// printReceipt prints a sale's receipt again on this till's printer, off
// the Fyne goroutine, and says on st how it went.
func printReceipt(ctx context.Context, run runner, st *status, reg *domain.RegisterService, saleID, number int64) {
	run(func() {
		err := reg.PrintReceipt(ctx, saleID, false)
		fyne.Do(func() {
			if err != nil {
				st.fail("print the receipt", err, nil)
				return
			}
			st.ok(T("The receipt of sale #%d is printing.", number))
		})
	})
}

// saveAs asks where to save a file named name, writes it with write off
// the Fyne goroutine, and says on st how it went.
func saveAs(win fyne.Window, run runner, st *status, name string, write func(io.Writer) error) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			st.fail("choose a file", err, nil)
			return
		}
		if wc == nil {
			return // cancelled
		}
		path := wc.URI().Path()
		run(func() {
			err := write(wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					st.fail("save "+path, err, nil)
					return
				}
				st.ok(T("Saved ") + path + ".")
			})
		})
	}, win)
	d.SetFileName(name)
	d.Show()
}

// attemptStatusText words a payment attempt's status.
func attemptStatusText(st domain.AttemptStatus) string {
	switch st {
	case domain.AttemptSucceeded:
		return T("paid")
	case domain.AttemptAuthorized:
		return T("authorised")
	case domain.AttemptCanceled:
		return T("cancelled")
	case domain.AttemptFailed:
		return T("failed")
	}
	return T("under way")
}
