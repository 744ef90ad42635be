package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// paymentsPage is how many rows one read of the list brings: the list is
// virtual, so a shop with 100,000 payments reads only the pages scrolled to.
const paymentsPage = 200

// statusChoices are the list's status filter: words shown, value passed.
var statusChoices = []struct{ label, value string }{
	{T("All"), ""}, {T("Succeeded"), "succeeded"}, {T("To capture"), "authorized"}, {T("Pending"), "pending"},
	{T("Failed"), "failed"}, {T("Cancelled"), "canceled"}, {T("Refunded"), "refunded"}, {T("Disputed"), "disputed"},
}

// paymentsScreen is the owner's back office: every payment with its status
// at Stripe, a payment's story, refunds, capture and void.
type paymentsScreen struct {
	win fyne.Window
	svc Services
	run runner
	ctx context.Context

	root                  fyne.CanvasObject
	from, to, search      *widget.Entry
	statusSel, methodSel  *widget.Select
	methods               []domain.PaymentMethod
	count                 *widget.Label
	warning               *widget.Label
	list                  *widget.List
	status                *status
	job                   *jobs
	detail                *fyne.Container
	detailTitle, info     *widget.Label
	timeline              *widget.Label
	refundBtn, captureBtn *widget.Button
	voidBtn, checkBtn     *widget.Button
	printBtn, receiptBtn  *widget.Button

	mu      sync.Mutex // guards the page cache, filled from the run goroutine
	gen     int        // bumped at each new filter: older pages are dropped
	total   int
	pages   map[int][]domain.PaymentView
	loading map[int]bool

	filter   domain.PaymentFilter
	selected *domain.PaymentDetail
	refund   *refundForm // the open refund dialog, for tests
}

func newPaymentsScreen(win fyne.Window, svc Services, run runner) *paymentsScreen {
	ctx := svc.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return &paymentsScreen{win: win, svc: svc, run: run, ctx: ctx, pages: map[int][]domain.PaymentView{}, loading: map[int]bool{}}
}

func (s *paymentsScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.reload()
		return s.root
	}
	s.from, s.to, s.search = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.from.SetPlaceHolder(T("from YYYY-MM-DD"))
	s.to.SetPlaceHolder(T("to YYYY-MM-DD"))
	s.search.SetPlaceHolder(T("amount, #sale, last four, pi_… ch_… re_…"))
	for _, e := range []*widget.Entry{s.from, s.to, s.search} {
		e.OnSubmitted = func(string) { s.reload() }
	}
	s.search.OnChanged = func(string) { s.reload() }
	labels := make([]string, len(statusChoices))
	for i, c := range statusChoices {
		labels[i] = c.label
	}
	s.statusSel = widget.NewSelect(labels, func(string) { s.reload() })
	s.statusSel.SetSelectedIndex(0)
	s.methodSel = widget.NewSelect([]string{T("All methods")}, func(string) { s.reload() })
	s.methodSel.SetSelectedIndex(0)
	s.count = widget.NewLabel("")
	s.warning = widget.NewLabel("")
	s.warning.Importance = widget.WarningImportance
	s.warning.Wrapping = fyne.TextWrapWord
	s.warning.Hide()
	s.status = newStatus(s.svc.Log)

	s.list = widget.NewList(s.length, s.newRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) { s.open(id) }

	s.detailTitle = widget.NewLabelWithStyle(T("Choose a payment"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.info = widget.NewLabel(T("Its sale, card, Stripe ids, refunds and the timeline of what Stripe said show here."))
	s.info.Wrapping = fyne.TextWrapWord
	s.timeline = widget.NewLabel("")
	s.timeline.Wrapping = fyne.TextWrapWord
	s.refundBtn = widget.NewButton(T("Refund…"), s.openRefund)
	s.captureBtn = widget.NewButton(T("Capture"), s.capture)
	s.voidBtn = widget.NewButton(T("Void"), s.void)
	s.checkBtn = widget.NewButton(T("Ask Stripe"), s.followUp)
	s.printBtn = widget.NewButton(T("Print receipt"), s.printReceipt)
	s.receiptBtn = widget.NewButton(T("Receipt PDF…"), s.saveReceipt)
	s.job = newJobs(s.ctx, s.run, s.status, s.refundBtn, s.captureBtn, s.voidBtn, s.checkBtn)
	s.enableActions(nil)
	s.detail = container.NewVBox(s.detailTitle, s.info,
		container.NewHBox(s.refundBtn, s.captureBtn, s.voidBtn, s.checkBtn),
		container.NewHBox(s.printBtn, s.receiptBtn),
		widget.NewLabelWithStyle(T("Timeline"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.timeline)

	header := container.New(paymentColumns, heading(T("Date")), heading(T("Sale")), heading(T("Method")), rightAligned(heading(T("Amount"))),
		heading(T("Status")), heading(T("Card")), heading(T("Till")), heading(T("Stripe id")))
	// The search on a row of its own: its hint is read whole.
	filters := container.NewVBox(container.NewGridWithColumns(4, s.from, s.to, s.statusSel, s.methodSel), s.search)
	left := container.NewBorder(container.NewVBox(filters, s.warning, s.count, header), s.status.obj, nil, nil, s.list)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.7
	s.root = split
	s.reload()
	return s.root
}

// rightAligned aligns a label to the right (an amount column's heading).
func rightAligned(l *widget.Label) *widget.Label {
	l.Alignment = fyne.TextAlignTrailing
	return l
}

func heading(t string) *widget.Label {
	return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// parseDay reads YYYY-MM-DD in the local zone; "" is no bound.
func parseDay(text string) (time.Time, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", t, time.Local)
	if err != nil {
		return time.Time{}, userErr(domain.EINVALID, T("%q is not a date: write it as 2026-12-01.", t))
	}
	return d, nil
}

// currentFilter reads the filter row.
func (s *paymentsScreen) currentFilter() (domain.PaymentFilter, error) {
	var f domain.PaymentFilter
	var err error
	if f.From, err = parseDay(s.from.Text); err != nil {
		return f, err
	}
	if f.To, err = parseDay(s.to.Text); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the day named is included
	}
	f.Status = statusChoices[max(s.statusSel.SelectedIndex(), 0)].value
	if i := s.methodSel.SelectedIndex(); i > 0 && i-1 < len(s.methods) {
		f.MethodID = s.methods[i-1].ID
	}
	f.Search = s.search.Text
	return f, nil
}

// reload counts the payments matching the filter and empties the page
// cache; the list reads pages as they come into view.
func (s *paymentsScreen) reload() {
	if s.list == nil {
		return
	}
	f, err := s.currentFilter()
	if err != nil {
		s.status.fail("filter", err, nil)
		return
	}
	s.filter = f
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.pages, s.loading = map[int][]domain.PaymentView{}, map[int]bool{}
	s.mu.Unlock()
	s.run(func() {
		c, err := s.svc.Payments.Count(s.ctx, f)
		ms, _ := s.svc.Register.Methods(s.ctx)
		ws, _ := s.svc.Payments.CaptureWarnings(s.ctx)
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read payments", err, nil)
				return
			}
			s.mu.Lock()
			if gen != s.gen {
				s.mu.Unlock()
				return
			}
			s.total = c.Count
			s.mu.Unlock()
			s.setMethods(ms)
			s.count.SetText(T("%d payments", c.Count))
			s.showWarnings(ws)
			s.list.Refresh()
		})
	})
}

func (s *paymentsScreen) setMethods(ms []domain.PaymentMethod) {
	if len(ms) == len(s.methods) {
		return
	}
	s.methods = ms
	opts := []string{T("All methods")}
	for _, m := range ms {
		opts = append(opts, m.Name)
	}
	sel := s.methodSel.SelectedIndex()
	s.methodSel.Options = opts
	s.methodSel.Refresh()
	if sel < 0 {
		sel = 0
	}
	s.methodSel.SetSelectedIndex(min(sel, len(opts)-1))
}

// showWarnings lists the authorisations that must be captured soon.
func (s *paymentsScreen) showWarnings(ws []domain.CaptureWarning) {
	var lines []string
	for _, w := range ws {
		when := T("lapses in ") + w.Left.Round(time.Minute).String()
		if w.Left <= 0 {
			when = T("has lapsed: Stripe releases the hold; take the amount again")
		}
		if w.Urgent || w.Left <= 0 {
			lines = append(lines, fmt.Sprintf(T("Sale #%d: %s authorised on %s, never captured, %s (deadline %s)."),
				w.Payment.SaleNumber, w.Payment.Amount, w.Payment.MethodName, when, w.Deadline.Local().Format("Mon 15:04")))
		}
	}
	if len(ws) > 0 && len(lines) == 0 {
		lines = append(lines, fmt.Sprintf(T("%d authorised payments wait to be captured (Stripe holds a card-present authorisation for two days)."), len(ws)))
	}
	if len(lines) == 0 {
		s.warning.Hide()
		return
	}
	s.warning.SetText("⚠ " + strings.Join(lines, "\n"))
	s.warning.Show()
}

func (s *paymentsScreen) length() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

func (s *paymentsScreen) newRow() fyne.CanvasObject { return tableRow(paymentColumns, 8, 3) }

// tableRow is a row of n truncated labels laid out in cols; the amount
// column's is right-aligned.
func tableRow(cols columns, n, amount int) fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, n)
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		if i == amount {
			l.Alignment = fyne.TextAlignTrailing
		}
		cells[i] = l
	}
	return container.New(cols, cells...)
}

// row returns the payment at index i if its page is read, else asks for
// the page and returns false.
func (s *paymentsScreen) row(i int) (domain.PaymentView, bool) {
	page := i / paymentsPage
	s.mu.Lock()
	if rows, ok := s.pages[page]; ok {
		s.mu.Unlock()
		if k := i % paymentsPage; k < len(rows) {
			return rows[k], true
		}
		return domain.PaymentView{}, false
	}
	load := !s.loading[page]
	s.loading[page] = true
	gen, f := s.gen, s.filter
	s.mu.Unlock()
	if load {
		s.run(func() {
			rows, err := s.svc.Payments.List(s.ctx, f, page*paymentsPage, paymentsPage)
			fyne.Do(func() {
				s.mu.Lock()
				if gen != s.gen {
					s.mu.Unlock()
					return
				}
				delete(s.loading, page)
				if err == nil {
					s.pages[page] = rows
				}
				s.mu.Unlock()
				if err != nil {
					s.status.fail("read payments", err, nil)
					return
				}
				s.list.Refresh()
			})
		})
	}
	return domain.PaymentView{}, false
}

// pagesRead says how many pages the list has read, for tests.
func (s *paymentsScreen) pagesRead() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pages)
}

func (s *paymentsScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	p, ok := s.row(id)
	if !ok {
		cells[0].(*widget.Label).SetText("…")
		for _, c := range cells[1:] {
			c.(*widget.Label).SetText("")
		}
		return
	}
	card := ""
	if p.Card.Last4 != "" {
		card = domain.BrandName(p.Card.Brand) + " •" + p.Card.Last4
	}
	id2 := p.PaymentIntent
	if id2 == "" {
		id2 = p.SessionID
	}
	texts := []string{p.Created.Local().Format("01-02 15:04"), fmt.Sprintf("#%d", p.SaleNumber), methodName(p.MethodName, p.Kind),
		moneyText(domain.New(p.Amount.Amount+p.Tip, p.Amount.Currency)), paymentStatusText(p), card, p.Till, id2}
	for i, t := range texts {
		l := cells[i].(*widget.Label)
		l.SetText(t)
		l.Importance = widget.MediumImportance
		if i == 4 {
			switch {
			case strings.HasPrefix(t, T("refund failed")) || strings.HasPrefix(t, "disputed") || t == "failed":
				l.Importance = widget.DangerImportance
			case t == T("to capture") || t == "pending" || t == T("refund pending"):
				l.Importance = widget.WarningImportance
			case t == "succeeded":
				l.Importance = widget.SuccessImportance
			}
			l.Refresh()
		}
	}
}

// open shows the payment at list index id.
func (s *paymentsScreen) open(id int) {
	p, ok := s.row(id)
	if !ok {
		return
	}
	s.openPayment(p.ID)
}

// openPayment reads and shows one payment's detail.
func (s *paymentsScreen) openPayment(attemptID int64) {
	s.run(func() {
		d, err := s.svc.Payments.Detail(s.ctx, attemptID)
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read the payment", err, nil)
				return
			}
			s.showDetail(d)
		})
	})
}

func (s *paymentsScreen) showDetail(d domain.PaymentDetail) {
	s.selected = &d
	p := d.Payment
	cur := p.Amount.Currency
	s.detailTitle.SetText(T("%s payment of %s, sale #%d", methodName(p.MethodName, p.Kind), moneyText(domain.New(p.Amount.Amount+p.Tip, cur)), p.SaleNumber))
	lines := []string{
		withWords(T("Status: ")+paymentStatusText(p), sayText(p.Message)),
		T("Taken: ") + p.Created.Local().Format("2006-01-02 15:04:05") + T(" at ") + p.Till,
	}
	if p.Card.Last4 != "" {
		lines = append(lines, fmt.Sprintf(T("Card: %s •••• %s"), domain.BrandName(p.Card.Brand), p.Card.Last4))
	}
	if p.Tip != 0 {
		lines = append(lines, T("Tip: ")+moneyText(domain.New(p.Tip, cur)))
	}
	for _, kv := range [][2]string{{T("PaymentIntent"), p.PaymentIntent}, {T("Charge"), p.ChargeID}, {T("Payment page"), p.SessionID}} {
		if kv[1] != "" {
			lines = append(lines, kv[0]+": "+kv[1])
		}
	}
	if p.Refunded != 0 || p.RefundPending != 0 {
		lines = append(lines, fmt.Sprintf(T("Refunded: %s; under way: %s"), domain.New(p.Refunded, cur), domain.New(p.RefundPending, cur)))
	}
	lines = append(lines, T("Left to refund on this payment: ")+moneyText(domain.New(p.Refundable(), cur))+
		T("; on the whole sale: ")+moneyText(domain.New(d.SaleRefundable, cur)))
	if dl := p.CaptureDeadline(); !dl.IsZero() {
		lines = append(lines, T("Capture before ")+dl.Local().Format("2006-01-02 15:04")+T(" or the authorisation lapses."))
	}
	for _, r := range d.Refunds {
		if r.Kind == domain.MethodCash {
			lines = append(lines, withWords(T("Cash refund: %s %s", moneyText(r.Amount), refundStatusText(r.Status)), sayText(r.Message)))
			continue
		}
		lines = append(lines, withWords(T("Refund %s: %s %s", orDash(r.StripeID), moneyText(r.Amount), refundStatusText(r.Status)), sayText(r.Message)))
	}
	s.info.SetText(strings.Join(lines, "\n"))
	var tl []string
	for _, it := range d.Timeline {
		tl = append(tl, it.At.Local().Format("01-02 15:04:05")+"  "+it.From+": "+it.What)
	}
	s.timeline.SetText(strings.Join(tl, "\n"))
	s.enableActions(&d)
}

func (s *paymentsScreen) enableActions(d *domain.PaymentDetail) {
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(s.refundBtn, d != nil && d.SaleRefundable > 0)
	set(s.captureBtn, d != nil && d.Payment.Status == domain.AttemptAuthorized)
	set(s.voidBtn, d != nil && d.Payment.Status == domain.AttemptAuthorized)
	// Cash never went through Stripe: there is nothing to ask it.
	set(s.checkBtn, d != nil && d.Payment.Kind != domain.MethodCash)
	set(s.printBtn, d != nil && d.Sale.ID != 0)
	set(s.receiptBtn, d != nil && d.Sale.ID != 0)
}

// printReceipt prints the chosen payment's sale's receipt again, on this
// till's printer.
func (s *paymentsScreen) printReceipt() {
	if s.selected == nil {
		return
	}
	printReceipt(s.ctx, s.run, s.status, s.svc.Register, s.selected.Sale.ID, s.selected.Sale.Number)
}

// saveReceipt saves the chosen payment's sale's receipt as a PDF.
func (s *paymentsScreen) saveReceipt() {
	if s.selected == nil {
		return
	}
	id, n := s.selected.Sale.ID, s.selected.Sale.Number
	saveAs(s.win, s.run, s.status, fmt.Sprintf("receipt-%d.pdf", n), func(w io.Writer) error {
		return s.svc.Register.ReceiptPDF(s.ctx, id, w)
	})
}

// afterAction shows a result and reads the payment and the list again.
func (s *paymentsScreen) afterAction(attemptID int64, msg string, err error) func() {
	return func() {
		if err != nil {
			s.status.fail("payment", err, nil)
		} else {
			s.status.ok(sayText(msg))
		}
		s.reload()
		s.openPayment(attemptID)
	}
}

func (s *paymentsScreen) capture() {
	d := s.selected
	if d == nil {
		return
	}
	id := d.Payment.ID
	s.job.start(T("the capture"), T("Capturing at Stripe…"), func(ctx context.Context) func() {
		res, err := s.svc.Payments.Capture(ctx, domain.Grant{}, id)
		msg := res.Message
		if err != nil && res.Message != "" {
			err = domain.WrapError(domain.ErrorCode(err), res.Message, err)
		}
		return s.afterAction(id, msg, err)
	})
}

func (s *paymentsScreen) void() {
	d := s.selected
	if d == nil {
		return
	}
	id, amount := d.Payment.ID, d.Payment.Amount
	authorize(s.win, s.svc, s.run, domain.RoleOwner, T("Voiding the ")+amount.String()+T(" authorisation of sale #")+fmt.Sprint(d.Payment.SaleNumber)+T(" needs the owner's PIN."), func(g domain.Grant) {
		s.job.start(T("the void"), T("Voiding at Stripe…"), func(ctx context.Context) func() {
			res, err := s.svc.Payments.Void(ctx, g, id)
			return s.afterAction(id, res.Message, err)
		})
	})
}

// followUp asks Stripe about the payment's refunds and events now.
func (s *paymentsScreen) followUp() {
	d := s.selected
	if d == nil {
		return
	}
	id := d.Payment.ID
	s.job.start(T("the look-up"), T("Asking Stripe…"), func(ctx context.Context) func() {
		_, ferr := s.svc.Payments.Follow(ctx)
		_, serr := s.svc.Events.Sync(ctx)
		if ferr == nil {
			ferr = serr
		}
		return s.afterAction(id, T("Up to date with Stripe."), ferr)
	})
}

// refundForm is the refund dialog.
type refundForm struct {
	d      *formDialog
	scope  *widget.RadioGroup
	amount *widget.Entry
	reason *widget.Select
	note   *widget.Entry
	plan   *widget.Label
}

var (
	scopePayment = T("This payment")
	scopeSale    = T("The whole sale, over its payments")
)

func (s *paymentsScreen) openRefund() {
	d := s.selected
	if d == nil {
		return
	}
	p := d.Payment
	cur := p.Amount.Currency
	f := &refundForm{amount: widget.NewEntry(), note: widget.NewEntry(), plan: widget.NewLabel("")}
	f.plan.Wrapping = fyne.TextWrapWord
	f.scope = widget.NewRadioGroup([]string{scopePayment, scopeSale}, nil)
	reasons := []string{"(none)"}
	for _, r := range domain.RefundReasons {
		reasons = append(reasons, r.Label)
	}
	f.reason = widget.NewSelect(reasons, nil)
	f.reason.SetSelectedIndex(1)
	f.note.SetPlaceHolder(T("what happened (kept in the audit log)"))
	request := func() (domain.RefundRequest, error) {
		req := domain.RefundRequest{SaleID: p.SaleID, Note: f.note.Text}
		if f.scope.Selected == scopePayment {
			req.AttemptID = p.ID
		}
		if i := f.reason.SelectedIndex(); i > 0 {
			req.Reason = domain.RefundReasons[i-1].Code
		}
		v, err := domain.ParseAmount(strings.TrimSpace(f.amount.Text), cur.Exponent())
		if err != nil || v <= 0 {
			return req, userErr(domain.EINVALID, T("Type the amount to refund, such as %s.", localAmount(p.Refundable(), cur)))
		}
		req.Amount = v
		return req, nil
	}
	preview := func() {
		req, err := request()
		if err != nil {
			f.plan.SetText(errText(err))
			return
		}
		s.run(func() {
			parts, err := s.svc.Payments.PlanRefund(s.ctx, req)
			fyne.Do(func() {
				if err != nil {
					f.plan.SetText(errText(err))
					return
				}
				var lines []string
				for _, pt := range parts {
					to := pt.Payment.MethodName
					switch {
					case pt.Payment.Kind == domain.MethodCash:
						to += T(", handed from the drawer")
					case pt.Payment.Card.Last4 != "":
						to += ", " + cardWords(pt.Payment.Card)
					}
					lines = append(lines, fmt.Sprintf(T("%s back to %s"), domain.New(pt.Amount, cur), to))
				}
				f.plan.SetText(strings.Join(lines, "\n"))
			})
		})
	}
	f.scope.OnChanged = func(v string) {
		left := p.Refundable()
		if v == scopeSale {
			left = d.SaleRefundable
		}
		f.amount.SetText(entryAmount(left, cur))
		preview()
	}
	f.amount.OnChanged = func(string) {
		// The words about the old amount go once it is corrected.
		if f.d != nil {
			f.d.err.Hide()
		}
		preview()
	}
	items := []*widget.FormItem{
		widget.NewFormItem(T("Refund"), f.scope),
		widget.NewFormItem(T("Amount (")+cur.Code()+")", f.amount),
		widget.NewFormItem(T("Reason"), f.reason),
		widget.NewFormItem(T("Note"), f.note),
		widget.NewFormItem(T("Goes back"), f.plan),
	}
	f.d = newFormDialog(T("Refund sale #")+fmt.Sprint(p.SaleNumber), T("Refund…"), items, func() error {
		req, err := request()
		if err != nil {
			return err
		}
		if _, err := s.svc.Payments.PlanRefund(s.ctx, req); err != nil {
			return err
		}
		what := fmt.Sprintf(T("Refunding %s on sale #%d needs the owner's PIN."), domain.New(req.Amount, cur), p.SaleNumber)
		// Hidden first: hiding a dialog hides every overlay above it.
		f.d.d.Hide()
		authorize(s.win, s.svc, s.run, domain.RoleOwner, what, func(g domain.Grant) {
			s.job.start(T("the refund"), T("Refunding…"), func(ctx context.Context) func() {
				out, err := s.svc.Payments.Refund(ctx, g, req)
				msg := out.Message
				if err == nil && cashRefunded(out) {
					// The cash is handed from the drawer: open it.
					if kerr := s.svc.Register.KickDrawer(ctx, g, ""); kerr == nil {
						msg += " " + T("The drawer is open.")
					}
				}
				return s.afterAction(p.ID, msg, err)
			})
		})
		return nil
	}, s.win)
	s.refund = f
	if p.Refundable() > 0 {
		f.scope.SetSelected(scopePayment)
	} else {
		f.scope.SetSelected(scopeSale)
	}
	f.d.Show()
}

// paymentStatusText words a payment's status in the user's language.
func paymentStatusText(p domain.PaymentView) string {
	switch st := p.StatusText(); st {
	case "refund failed":
		return T("refund failed")
	case "refunded":
		return T("refunded")
	case "refund pending":
		return T("refund pending")
	case "partly refunded":
		return T("partly refunded")
	case "to capture":
		return T("to capture")
	case "paid in cash":
		return T("paid in cash")
	case "succeeded":
		return T("paid")
	case "pending":
		return T("under way")
	case "failed":
		return T("failed")
	case "canceled":
		return T("cancelled")
	default:
		if strings.HasPrefix(st, "disputed") {
			return T("disputed (%s)", strings.TrimSuffix(strings.TrimPrefix(st, "disputed ("), ")"))
		}
		return st
	}
}

// refundStatusText words a refund's status.
func refundStatusText(st domain.RefundStatus) string {
	switch st {
	case domain.RefundSucceeded:
		return T("refunded")
	case domain.RefundFailed:
		return T("FAILED")
	case domain.RefundPending, domain.RefundRequested:
		return T("under way")
	case domain.RefundCanceled:
		return T("cancelled")
	}
	return string(st)
}

// withWords is a line and what was said about it, after a dash; the
// line alone when nothing was.
func withWords(line, words string) string {
	if strings.TrimSpace(words) == "" {
		return line
	}
	return line + " — " + words
}

// cashRefunded reports whether a refund handed cash from the drawer.
func cashRefunded(out domain.RefundOutcome) bool {
	for _, r := range out.Refunds {
		if r.Kind == domain.MethodCash && r.Status == domain.RefundSucceeded {
			return true
		}
	}
	return false
}

// columns lays its objects out in a row, each as wide as its weight's
// share of the row: a table's columns.
type columns []float32

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*20, h)
}

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for i := range objs {
		total += c.weight(i)
	}
	x := float32(0)
	for i, o := range objs {
		w := size.Width * c.weight(i) / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (c columns) weight(i int) float32 {
	if i < len(c) {
		return c[i]
	}
	return 1
}

// paymentColumns are the payments list's column widths.
var paymentColumns = columns{1.25, 0.55, 1.2, 1.1, 1.35, 1.1, 0.7, 1.5}

func cardWords(c domain.Card) string {
	b := domain.BrandName(c.Brand)
	if b != "" {
		b += " "
	}
	return b + "•••• " + c.Last4
}
