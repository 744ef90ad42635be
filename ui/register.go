package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// registerShortcuts are the register's keys, shown on the screen.
var registerShortcuts = T("Enter: add the scanned code or the only match · 3*code: three of it · F3: pay part · F4: amount · F9: cash · F10: card · F11: QR code · F5: try again / check · Esc: cancel the payment · F12: new sale · F2: cash drawer · F6: customer display · F8: day close · F7 (test and demo): the customer pays")

// registerScreen is the cashier's screen: products and quick keys on the
// left, the cart, its totals and the payment on the right.
type registerScreen struct {
	app fyne.App
	win fyne.Window
	svc Services
	run runner

	settings  domain.RegisterSettings
	shop      domain.Shop    // the shop's own details, for its documents
	printed   map[int64]bool // payments whose receipt or drawer was seen to
	idle      *time.Timer    // lets an idle, empty scan field's focus go
	idleAfter time.Duration  // scanIdle; 0 (screen tests): never
	// confirmNew asks before F12 drops an open sale; askedNew says it
	// was answered; afterCancel runs once a cancel went through.
	confirmNew *dialog.ConfirmDialog
	askedNew   bool
	// discountWarned: the status shows a discount's error, to clear
	// once the field is corrected.
	discountWarned bool
	afterCancel    func()
	drawer         *drawerDialog // the cash drawer's dialog, for tests
	products       []domain.Product
	methods        []domain.PaymentMethod
	cart           domain.Cart
	sale           *domain.Sale          // saved for payment; nil while ringing up
	attempt        *domain.PaymentResult // the payment under way or last finished
	selected       int                   // cart line selected, -1 for none

	root    fyne.CanvasObject
	scan    *keyEntry
	help    func()              // the keyboard help (F1), set by the shell
	pages   func(fyne.Shortcut) // the shell's Ctrl+1…9, set by the shell
	keys    *fyne.Container
	keyBtns map[int64]*productKey // the products' buttons, by product id
	// noKeys says why the grid is empty.
	noKeys    *widget.Label
	noKeysBox fyne.CanvasObject
	cartList  *keyList
	totals    *widget.Label
	total     *widget.RichText
	due       *widget.Label
	email     *keyEntry
	discount  *keyEntry
	lineDisc  *keyEntry
	amount    *keyEntry // what the next payment takes (split); empty: all due
	cashBtn   *keyButton
	cardBtn   *keyButton
	qrBtn     *keyButton
	newBtn    *keyButton
	voidBtn   *keyButton
	status    *status
	pay       *payPanel
	display   *customerDisplay
	job       *jobs
	ctx       context.Context
	stopPoll  context.CancelFunc
	pollRun   runner // runs the loop that follows a pending payment
	shopForm  *shopForm

	invoiceBtn *keyButton
	customers  []domain.CustomerRecord
	custSel    *keySelect // the sale's customer, "No customer" first
	// invoice opens the invoice form on a cart (set by the shell); done
	// gets the issued invoice.
	invoice   func(cart *domain.Cart, saleID int64, done func(domain.InvoiceRecord))
	invoiceQR *dialog.CustomDialog // the payment page shown after issuing
	dayAll    *widget.Check        // the day close's "every till", for tests
	dayReport *widget.Label        // the day close's Z report, for tests
	dayCount  fyne.CanvasObject    // the day close's count by notes and coins
}

func newRegisterScreen(app fyne.App, win fyne.Window, svc Services, run runner) *registerScreen {
	return &registerScreen{app: app, win: win, svc: svc, run: run, selected: -1, ctx: svc.Context, pollRun: goRunner, idleAfter: scanIdleAfter}
}

func (s *registerScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { s.key(ev) })
		s.win.Canvas().SetOnTypedRune(s.typedRune)
		s.load()
		s.focusScan()
		return s.root
	}
	s.status = newStatus(s.svc.Log)
	s.scan = s.entry()
	s.scan.SetPlaceHolder(T("Scan a barcode, or type a product's name"))
	s.scan.OnSubmitted = func(string) { s.submitScan() }
	s.scan.OnChanged = func(string) { s.showKeys(); s.stillIdle() }
	s.keys = container.NewGridWrap(fyne.NewSize(150, 64))
	amountBtn := s.button(T("Amount… (F4)"), theme.ContentAddIcon(), s.askAmount)
	left := container.NewBorder(container.NewVBox(s.scan, amountBtn), nil, nil, nil, container.NewVScroll(s.keys))

	s.cartList = newKeyList(s.key, func() int { return len(s.cart.Lines) }, s.newCartRow, s.updateCartRow)
	s.cartList.OnSelected = func(id widget.ListItemID) {
		s.selected = id
		s.lineDisc.SetText(discountText(s.cart.Lines[id].Discount))
		s.focusScan()
	}
	s.totals = widget.NewLabel("")
	s.totals.Alignment = fyne.TextAlignTrailing
	s.total = widget.NewRichTextFromMarkdown("")
	s.due = widget.NewLabel("")
	s.due.Alignment = fyne.TextAlignTrailing
	s.email = s.entry()
	s.email.SetPlaceHolder(T("E-mail for Stripe's receipt (optional)"))
	s.custSel = newKeySelect(s.key, s.chooseCustomer)
	s.custSel.PlaceHolder = T("No customer")
	s.discount = s.entry()
	s.discount.SetPlaceHolder(T("Cart discount %"))
	s.discount.OnChanged = func(string) { s.applyDiscounts() }
	s.lineDisc = s.entry()
	s.lineDisc.SetPlaceHolder(T("Line discount %"))
	s.lineDisc.OnChanged = func(string) { s.applyDiscounts() }
	s.amount = s.entry()
	s.amount.SetPlaceHolder(T("All that is due (F3: part of it)"))
	s.cashBtn = s.button(T("Cash (F9)"), nil, func() { s.startPayment(domain.MethodCash) })
	s.cardBtn = s.button(T("Card (F10)"), nil, func() { s.startPayment(domain.MethodCardReader) })
	s.qrBtn = s.button(T("QR code (F11)"), nil, func() { s.startPayment(domain.MethodQRLink) })
	for _, b := range []*keyButton{s.cashBtn, s.cardBtn, s.qrBtn} {
		b.Importance = widget.HighImportance
	}
	s.newBtn = s.button(T("New sale (F12)"), theme.DocumentCreateIcon(), s.newSale)
	s.voidBtn = s.button(T("Cancel sale"), theme.CancelIcon(), s.cancelSale)
	s.pay = newPayPanel(s)
	s.job = newJobs(s.svc.Context, s.run, s.status, s.cashBtn, s.cardBtn, s.qrBtn, s.newBtn, s.voidBtn)
	displayBtn := s.button(T("Display (F6)"), theme.ComputerIcon(), s.openDisplay)
	closeBtn := s.button(T("Day close (F8)"), theme.DocumentIcon(), s.dayClose)
	drawerBtn := s.button(T("Drawer (F2)"), theme.StorageIcon(), s.cashDrawer)
	productsBtn := s.button(T("Products"), theme.ListIcon(), s.editProducts)
	shopBtn := s.button(T("Shop"), theme.SettingsIcon(), s.editShop)
	s.invoiceBtn = s.button(T("Invoice…"), theme.MailComposeIcon(), s.invoiceCart)

	discounts := container.NewGridWithColumns(2, s.lineDisc, s.discount)
	payRow := container.NewBorder(nil, nil, widget.NewLabel(T("Take now:")), nil,
		container.NewBorder(nil, nil, nil, container.NewHBox(s.cashBtn, s.cardBtn, s.qrBtn), s.amount))
	summary := container.NewVBox(discounts, s.totals, s.total, s.due, container.NewBorder(nil, nil, nil, s.invoiceBtn, container.NewGridWithColumns(2, s.custSel, s.email)), payRow, s.pay.obj, s.status.obj)
	// The buttons wrap onto a second row where a language's words are
	// longer than the window is wide (German at 1280×800).
	top := container.New(layout.NewRowWrapLayout(), s.newBtn, s.voidBtn, displayBtn, drawerBtn, closeBtn, productsBtn, shopBtn)
	right := container.NewBorder(top, summary, nil, nil, s.cartList)
	hint := widget.NewLabel(registerShortcuts)
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	split := container.NewHSplit(left, right)
	split.Offset = 0.42
	s.root = container.NewBorder(nil, hint, nil, nil, split)
	s.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { s.key(ev) })
	s.win.Canvas().SetOnTypedRune(s.typedRune)
	s.newCart()
	s.load()
	return s.root
}

// load reads the settings, products and methods off the Fyne goroutine.
func (s *registerScreen) load() {
	s.run(func() {
		rs, err := s.svc.Register.RegisterSettings(s.ctx)
		var ps []domain.Product
		var ms []domain.PaymentMethod
		if err == nil {
			ps, err = s.svc.Register.Products(s.ctx)
		}
		if err == nil {
			ms, err = s.svc.Register.Methods(s.ctx)
		}
		var cs []domain.CustomerRecord
		if err == nil && s.svc.Invoices != nil {
			cs, err = s.svc.Invoices.Customers(s.ctx)
		}
		fyne.Do(func() {
			if err != nil {
				s.status.fail("load the register", err, nil)
				return
			}
			s.settings, s.products, s.methods = rs, ps, ms
			s.setCustomers(cs)
			if s.sale == nil && (s.cart.Currency != rs.Currency || s.cart.TaxInclusive != rs.TaxInclusive) && len(s.cart.Lines) == 0 {
				s.newCart()
			}
			s.showKeys()
			s.refresh()
		})
	})
}

func (s *registerScreen) newCart() {
	s.cart = domain.Cart{Currency: s.settings.Currency, TaxInclusive: s.settings.TaxInclusive}
	s.sale, s.attempt, s.selected = nil, nil, -1
	if s.discount != nil {
		s.discount.SetText("")
		s.lineDisc.SetText("")
		s.email.SetText("")
		s.amount.SetText("")
		s.custSel.ClearSelected()
		s.cartList.UnselectAll()
	}
}

// typedRune sends what is typed while nothing has the focus (a scanner
// after a tap elsewhere) to the scan field.
func (s *registerScreen) typedRune(r rune) {
	s.focusScan()
	s.scan.TypedRune(r)
}

// scanFocused reports whether the scan field has the focus (for tests).
func (s *registerScreen) scanFocused() bool {
	return s.win.Canvas().Focused() == fyne.Focusable(s.scan)
}

func (s *registerScreen) focusScan() {
	if s.scan != nil && s.win.Canvas() != nil {
		s.win.Canvas().Focus(s.scan)
		s.stillIdle()
	}
}

// scanIdle is how long an empty scan field keeps the focus with nothing
// typed: its blinking cursor redraws the window many times a second,
// which an idle till should not do all day. Once it lets go, what is
// typed or scanned still reaches it (typedRune), and the keys still work.
const scanIdle = 30 * time.Second

// scanIdleAfter is scanIdle for the program; the screen tests set it to 0
// so that no timer runs beside them.
var scanIdleAfter = scanIdle

// stillIdle (re)starts the wait after which an idle, empty scan field
// lets the focus go.
func (s *registerScreen) stillIdle() {
	if s.idleAfter <= 0 {
		return // screen tests: no timer runs beside the test
	}
	if s.idle == nil {
		s.idle = time.AfterFunc(s.idleAfter, func() { fyne.Do(s.releaseScan) })
		return
	}
	s.idle.Reset(s.idleAfter)
}

// releaseScan lets an empty scan field's focus go; on the Fyne goroutine.
func (s *registerScreen) releaseScan() {
	if c := s.win.Canvas(); c != nil && c.Focused() == fyne.Focusable(s.scan) && s.scan.Text == "" {
		c.Unfocus()
	}
}

// key handles the register's shortcuts; it reports whether it used ev.
func (s *registerScreen) key(ev *fyne.KeyEvent) bool {
	s.stillIdle()
	switch ev.Name {
	case fyne.KeyF1:
		if s.help != nil {
			s.help()
		}
	case fyne.KeyF3:
		s.win.Canvas().Focus(s.amount)
	case fyne.KeyF4:
		s.askAmount()
	case fyne.KeyF9:
		s.startPayment(domain.MethodCash)
	case fyne.KeyF10:
		s.startPayment(domain.MethodCardReader)
	case fyne.KeyF11:
		s.startPayment(domain.MethodQRLink)
	case fyne.KeyF12:
		s.newSale()
	case fyne.KeyEscape:
		s.pay.cancel()
	case fyne.KeyF5:
		s.pay.again()
	case fyne.KeyF6:
		s.openDisplay()
	case fyne.KeyF7:
		s.pay.pretend()
	case fyne.KeyF8:
		s.dayClose()
	case fyne.KeyF2:
		s.cashDrawer()
	default:
		return false
	}
	return true
}

// entry is a field of the register: the register's keys work in it.
func (s *registerScreen) entry() *keyEntry {
	e := newKeyEntry(s.key)
	e.shortcut = func(sc fyne.Shortcut) bool {
		if s.pages == nil || !isPageShortcut(sc) {
			return false
		}
		s.pages(sc)
		return true
	}
	return e
}

// button is a button of the register: the register's keys work while it
// has the focus.
func (s *registerScreen) button(label string, icon fyne.Resource, tapped func()) *keyButton {
	return newKeyButton(s.key, label, icon, tapped)
}

func (s *registerScreen) money(v int64) string {
	c := s.cart.Currency
	if c.IsZero() {
		c = s.settings.Currency
	}
	if c.IsZero() {
		return strconv.FormatInt(v, 10)
	}
	return moneyText(domain.New(v, c))
}

// refresh shows the totals and sets which buttons may be pressed.
func (s *registerScreen) refresh() {
	t := s.cart.Totals()
	if s.sale != nil {
		t = s.sale.Totals
	}
	s.totals.SetText(T("Subtotal %s   Discount %s   Tax %s", s.money(t.Gross), s.money(t.Discount), s.money(t.Tax)))
	s.total.ParseMarkdown(T("## Total ") + s.money(t.Total))
	due := ""
	if s.sale != nil {
		switch s.sale.Status {
		case domain.SalePaid:
			due = fmt.Sprintf(T("Sale #%d paid. Press F12 for a new sale."), s.sale.Number)
		case domain.SaleCanceled:
			due = fmt.Sprintf(T("Sale #%d cancelled."), s.sale.Number)
		default:
			due = fmt.Sprintf(T("Sale #%d · paid %s · due %s"), s.sale.Number, s.money(s.sale.Paid()), s.money(s.sale.Due()))
		}
	}
	s.due.SetText(due)
	open := s.sale == nil || s.sale.Status == domain.SaleOpen
	pending := s.attempt != nil && !s.attempt.Done()
	for _, b := range []struct {
		btn  *keyButton
		kind domain.MethodKind
	}{{s.cashBtn, domain.MethodCash}, {s.cardBtn, domain.MethodCardReader}, {s.qrBtn, domain.MethodQRLink}} {
		m := s.methodOf(b.kind)
		named := s.cart.CustomerID != 0 || s.sale != nil && s.sale.Cart.CustomerID != 0
		// A declined card leaves the other ways open: the declined
		// PaymentIntent is given up before another is taken.
		onReader := pending && s.attempt.Attempt.Kind == domain.MethodCardReader && s.attempt.Attempt.Stage != domain.StageDeclined
		if open && !s.job.busy() && m != nil && (!m.IdentifyCustomer || named) && len(s.cart.Lines) > 0 && !onReader {
			b.btn.Enable()
		} else {
			b.btn.Disable()
		}
	}
	if s.sale != nil && s.sale.Status == domain.SaleOpen && !s.job.busy() {
		s.voidBtn.Enable()
	} else {
		s.voidBtn.Disable()
	}
	if s.job.busy() {
		s.newBtn.Disable()
	} else {
		s.newBtn.Enable()
	}
	if s.invoiceable() && !s.job.busy() {
		s.invoiceBtn.Enable()
	} else {
		s.invoiceBtn.Disable()
	}
	for _, e := range []fyne.Disableable{s.discount, s.lineDisc, s.email, s.custSel} {
		if s.sale != nil {
			e.Disable()
		} else {
			e.Enable()
		}
	}
	s.pay.show()
	s.updateDisplay()
}

func (s *registerScreen) methodOf(kind domain.MethodKind) *domain.PaymentMethod {
	for i, m := range s.methods {
		if m.Kind == kind {
			return &s.methods[i]
		}
	}
	return nil
}

// modeChanged leaves the sale of the old mode's register (it stays there,
// and the start-up check of that mode finds it) and shows the new books.
func (s *registerScreen) modeChanged(m domain.Mode) {
	if s.root == nil {
		return
	}
	if s.stopPoll != nil {
		s.stopPoll()
	}
	s.newCart()
	s.cartList.Refresh()
	s.status.info(T("The register now works on the ") + m.Badge() + T(" books."))
	s.load()
}

// newSale clears the register for the next customer; an unfinished sale
// stays open in the database and is found again by the start-up check.
func (s *registerScreen) newSale() {
	if s.attempt != nil && !s.attempt.Done() {
		s.status.warn(T("A payment is under way: wait for it, or cancel it (Esc) first."))
		return
	}
	if s.sale != nil && s.sale.Status == domain.SaleOpen && s.sale.Paid() > 0 {
		s.status.warn(T("Sale #%d is partly paid: take the rest first.", s.sale.Number))
		return
	}
	if !s.askedNew && (s.sale == nil && len(s.cart.Lines) > 0 || s.sale != nil && s.sale.Status == domain.SaleOpen) {
		// A sale is never dropped silently: an open one is cancelled (and
		// counted by the day close as such) once the cashier says so.
		q := T("Start a new sale? The %d lines rung up are dropped.", len(s.cart.Lines))
		if s.sale != nil {
			q = T("Sale #%d is open and nothing was taken: cancel it and start a new sale?", s.sale.Number)
		}
		s.confirmNew = dialog.NewConfirm(T("New sale"), q, func(ok bool) {
			if !ok {
				return
			}
			if s.sale != nil {
				s.cancelSale()
				s.afterCancel = func() { s.askedNew = true; s.newSale(); s.askedNew = false }
				return
			}
			s.askedNew = true
			s.newSale()
			s.askedNew = false
		}, s.win)
		s.confirmNew.SetConfirmText(T("New sale"))
		s.confirmNew.SetDismissText(T("Keep this sale"))
		s.confirmNew.Show()
		return
	}
	if s.stopPoll != nil {
		s.stopPoll()
	}
	s.newCart()
	s.cartList.Refresh()
	s.status.info("")
	s.refresh()
	s.focusScan()
}

// takeAmount reads the split amount field: 0 means all that is due.
func (s *registerScreen) takeAmount() (int64, error) {
	t := strings.TrimSpace(s.amount.Text)
	if t == "" {
		return 0, nil
	}
	v, err := domain.ParseAmount(t, s.cart.Currency.Exponent())
	if err != nil {
		return 0, userErr(domain.EINVALID, T("Take now: %s", errText(err)))
	}
	// Checked here, before the cart becomes a sale: a refused amount
	// leaves the sale as it was.
	due := s.cart.Totals().Total
	if s.sale != nil {
		due = s.sale.Due()
	}
	if v <= 0 || v > due {
		return 0, userErr(domain.EINVALID, T("Take now: type an amount from %s to the %s due, or leave it empty to take all of it.", s.money(s.cart.Currency.Step()), s.money(due)))
	}
	return v, nil
}

func (s *registerScreen) startPayment(kind domain.MethodKind) {
	if s.job.busy() {
		s.status.warn(T("Wait for ") + s.job.doing() + T(" to finish."))
		return
	}
	if s.sale == nil && len(s.cart.Lines) == 0 {
		s.status.warn(T("The cart is empty: scan or tap a product, or press F4 for an amount."))
		return
	}
	if s.attempt != nil && !s.attempt.Done() && s.attempt.Attempt.Kind == domain.MethodCardReader && s.attempt.Attempt.Stage != domain.StageDeclined {
		s.status.warn(T("A card payment is on the reader: wait for it, or cancel it (Esc) first."))
		return
	}
	m := s.methodOf(kind)
	if m == nil {
		s.status.warn(T("There is no %s payment method: add one on the Payment methods screen.", kindText(kind)))
		return
	}
	if s.sale != nil && s.sale.Status != domain.SaleOpen {
		s.status.warn(T("This sale is settled. Press F12 for a new sale."))
		return
	}
	if m.IdentifyCustomer && s.cart.CustomerID == 0 && (s.sale == nil || s.sale.Cart.CustomerID == 0) {
		s.status.warn(T("%s is offered only for a sale that names its customer: choose the customer first.", m.Name))
		return
	}
	amount, err := s.takeAmount()
	if err != nil {
		s.status.fail("split amount", err, nil)
		return
	}
	if kind == domain.MethodCash {
		s.pay.askCash(*m, amount)
		return
	}
	cart := s.cartToSell()
	have := s.sale
	method := *m
	s.job.start(T("the payment"), T("Sending the payment to Stripe…"), func(ctx context.Context) func() {
		sale, err := s.saleFor(ctx, have, cart)
		if err != nil {
			return func() { s.status.fail("save the sale", err, nil); s.refresh() }
		}
		var res domain.PaymentResult
		if kind == domain.MethodCardReader {
			res, err = s.svc.Register.StartCard(ctx, sale.ID, method.ID, amount)
		} else {
			res, err = s.svc.Register.StartQR(ctx, sale.ID, method.ID, amount)
		}
		res = s.withSale(ctx, res, sale.ID)
		return func() { s.showResult(res, err) }
	})
	s.refresh()
}

// cartToSell copies the cart, with the receipt e-mail, for a job to save:
// the job runs off the Fyne goroutine while the cashier may type on.
func (s *registerScreen) cartToSell() domain.Cart {
	cart := s.cart
	cart.ReceiptEmail = s.email.Text
	cart.Lines = append([]domain.SaleLine(nil), s.cart.Lines...)
	return cart
}

// withSale gives a payment step's result its sale when the step failed
// before it loaded one. Off the Fyne goroutine: saleID is read before.
func (s *registerScreen) withSale(ctx context.Context, res domain.PaymentResult, saleID int64) domain.PaymentResult {
	if res.Sale.ID == 0 && saleID != 0 {
		res.Sale, _ = s.svc.Register.Sale(ctx, saleID)
	}
	return res
}

// saleFor saves the cart as a sale the first time it is paid.
func (s *registerScreen) saleFor(ctx context.Context, have *domain.Sale, cart domain.Cart) (domain.Sale, error) {
	if have != nil {
		return s.svc.Register.Sale(ctx, have.ID)
	}
	sale, err := s.svc.Register.Checkout(ctx, cart)
	if err != nil {
		return sale, err
	}
	fyne.Do(func() { s.sale = &sale; s.refresh() })
	return sale, nil
}

// showResult shows a payment step's outcome and, while it is pending,
// keeps asking Stripe. On the Fyne goroutine.
func (s *registerScreen) showResult(res domain.PaymentResult, err error) {
	if res.Sale.ID != 0 {
		sale := res.Sale
		s.sale = &sale
		s.cart = sale.Cart
		s.cartList.Refresh()
	}
	if res.Attempt.ID != 0 {
		r := res
		s.attempt = &r
	}
	switch {
	case err != nil && res.Attempt.ID == 0:
		s.status.fail("payment", err, nil)
	case err != nil:
		s.svc.Log.Warn("payment step", "err", err, "attempt", res.Attempt.ID)
		s.status.warn(sayText(res.Message))
	case res.Sale.Status == domain.SalePaid:
		s.status.ok(sayText(res.Message) + " " + T("Sale #%d is paid.", res.Sale.Number))
		s.afterPayment(res)
	case res.Attempt.Kind == domain.MethodCash && res.Attempt.Status.Settled():
		s.afterPayment(res)
	case res.Done():
		s.status.warn(sayText(res.Message))
	case res.Attempt.Stage == domain.StageOnReader || res.Attempt.Stage == domain.StagePage || res.Attempt.Stage == domain.StageStored:
		s.status.busy(T("Following the payment at Stripe…"))
	default:
		s.status.info("") // the payment panel says what to do
	}
	s.amount.SetText("")
	s.refresh()
	if res.Attempt.ID != 0 && !res.Done() {
		s.poll(res.Attempt.ID)
	}
}

// afterPayment prints the receipt (when the shop prints after each sale)
// and kicks the drawer for cash, once for each payment, off the Fyne
// goroutine. A printer that fails leaves the sale as it is: the cashier
// reads why, and prints again with Receipt or from Payments.
func (s *registerScreen) afterPayment(res domain.PaymentResult) {
	if s.printed == nil {
		s.printed = map[int64]bool{}
	}
	if s.printed[res.Attempt.ID] {
		return
	}
	s.printed[res.Attempt.ID] = true
	sale := res.Sale
	s.run(func() {
		printed, err := s.svc.Register.AfterPayment(s.ctx, sale)
		fyne.Do(func() {
			switch {
			case err != nil:
				s.svc.Log.Warn("print after payment", "sale", sale.Number, "err", err)
				s.status.warn(T("Sale #%d is paid, but the receipt was not printed: %s Print it again with Receipt, or from Payments.", sale.Number, errText(err)))
			case printed:
				s.status.ok(T("Sale #%d is paid. The receipt is printing.", sale.Number))
			}
		})
	})
}

// poll asks Stripe about a pending attempt every second until it is done,
// the cashier acts, or the screen's context ends.
func (s *registerScreen) poll(id int64) {
	if s.stopPoll != nil {
		s.stopPoll()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.stopPoll = cancel
	s.pollRun(func() {
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			res, err := s.svc.Register.Check(ctx, id)
			if ctx.Err() != nil {
				return
			}
			fyne.Do(func() {
				if ctx.Err() != nil || s.job.busy() || s.attempt == nil || s.attempt.Attempt.ID != id {
					return
				}
				if res.Done() || res.Message != s.attempt.Message || res.Attempt.Stage != s.attempt.Attempt.Stage {
					s.showResult(res, err)
				}
			})
			if res.Done() {
				return
			}
		}
	})
}

// pollEvery is how often a pending payment is looked up; tests shorten it.
var pollEvery = time.Second

func (s *registerScreen) cancelSale() {
	if s.sale == nil || s.job.busy() {
		return
	}
	id := s.sale.ID
	s.job.start(T("cancelling the sale"), T("Cancelling the sale…"), func(ctx context.Context) func() {
		sale, err := s.svc.Register.CancelSale(ctx, id)
		return func() {
			if sale.ID != 0 {
				s.sale = &sale
			}
			next := s.afterCancel
			s.afterCancel = nil
			if err != nil {
				s.status.fail("cancel sale", err, nil)
			} else {
				s.status.ok(T("Sale #%d cancelled; nothing was charged.", sale.Number))
				s.attempt = nil
			}
			s.refresh()
			s.updateDisplay()
			if err == nil && next != nil {
				next()
				s.status.ok(T("Sale #%d cancelled; nothing was charged.", sale.Number))
			}
		}
	})
	s.refresh()
}

// invoiceable reports whether the cart, or the open sale with nothing
// taken yet, can become an invoice.
func (s *registerScreen) invoiceable() bool {
	if s.invoice == nil {
		return false
	}
	if s.sale == nil {
		return len(s.cart.Lines) > 0
	}
	_, pending := s.sale.Pending()
	return s.sale.Status == domain.SaleOpen && s.sale.Paid() == 0 && !pending
}

// invoiceCart turns the cart, or the open sale nothing was taken on, into
// an invoice the customer pays later: the form opens with its lines and
// discount; once it is issued (the sale cancelled in the same write) the
// register starts afresh and shows the invoice's payment page.
func (s *registerScreen) invoiceCart() {
	if !s.invoiceable() {
		return
	}
	cart, saleID := s.cartToSell(), int64(0)
	if s.sale != nil {
		cart, saleID = s.sale.Cart, s.sale.ID
		cart.Lines = append([]domain.SaleLine(nil), s.sale.Cart.Lines...)
	}
	s.invoice(&cart, saleID, func(inv domain.InvoiceRecord) {
		s.newCart()
		s.load() // a customer added in the form is offered from now on
		s.status.ok(T("Invoice %s is issued: the customer pays it by its link or QR code.", invoiceTitle(inv)))
		if inv.HostedURL != "" {
			s.invoiceQR = showInvoiceQR(s.win, inv)
		}
	})
}

// setCustomers offers the shop's customers for the sale, keeping the one
// chosen.
func (s *registerScreen) setCustomers(cs []domain.CustomerRecord) {
	s.customers = cs
	opts := []string{T("No customer")}
	sel := 0
	for i, c := range cs {
		opts = append(opts, c.Label())
		if c.ID == s.cart.CustomerID {
			sel = i + 1
		}
	}
	s.custSel.Options = opts
	if s.cart.CustomerID != 0 && sel == 0 {
		s.cart.CustomerID = 0 // gone meanwhile
	}
	if sel > 0 {
		s.custSel.SetSelectedIndex(sel)
	} else {
		s.custSel.ClearSelected()
	}
	s.custSel.Refresh()
}

// chooseCustomer names the sale's customer: a payment method that
// identifies the customer is offered then, and Stripe's receipt goes to
// the customer's e-mail unless another is typed.
func (s *registerScreen) chooseCustomer(string) {
	i := s.custSel.SelectedIndex()
	prev := s.cart.CustomerID
	s.cart.CustomerID, s.cart.CustomerName = 0, ""
	if i > 0 && i <= len(s.customers) {
		c := s.customers[i-1]
		s.cart.CustomerID, s.cart.CustomerName = c.ID, c.Name
		if s.email.Text == "" || s.email.Text == s.emailOf(prev) {
			s.email.SetText(c.Email)
		}
	} else if s.email.Text != "" && s.email.Text == s.emailOf(prev) {
		s.email.SetText("")
	}
	if s.totals != nil {
		s.refresh()
	}
}

func (s *registerScreen) emailOf(id int64) string {
	for _, c := range s.customers {
		if c.ID == id {
			return c.Email
		}
	}
	return ""
}
