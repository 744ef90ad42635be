package ui

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// invoiceFilters are the list's choices: words (keys) and filter.
var invoiceFilters = []struct {
	label  string
	filter domain.InvoiceFilter
}{
	{N("All invoices"), domain.InvoiceFilter{}},
	{N("To be paid"), domain.InvoiceFilter{Open: true}},
	{N("Past due: send a reminder"), domain.InvoiceFilter{PastDue: true}},
}

// invoiceColumns are the list's column widths.
var invoiceColumns = columns{0.95, 1.1, 1.45, 1.1, 1.1, 0.95}

// invoicesScreen is selling on account: invoices made at Stripe, paid by
// their link (QR code) or outside Stripe, followed by the events.
type invoicesScreen struct {
	win fyne.Window
	svc Services
	run runner
	ctx context.Context

	root      fyne.CanvasObject
	actions   *fyne.Container // the buttons, hidden until an invoice is chosen
	filterSel *widget.Select
	count     *widget.Label
	list      *widget.List
	status    *status
	job       *jobs
	rows      []domain.InvoiceRecord
	reg       domain.RegisterSettings // the register's currency, tax basis and rate, for new invoices

	detail                            *fyne.Container
	detailTitle, info, link           *widget.Label
	qr                                *canvas.Image
	pdfBtn, sheetBtn, bigBtn, sendBtn *widget.Button
	askBtn, retryBtn, discardBtn      *widget.Button
	paidBtn, voidBtn, writeOffBtn     *widget.Button
	demoPayBtn, demoDeclineBtn        *widget.Button
	demoRow                           *fyne.Container
	selected                          *domain.InvoiceRecord

	form    *invoiceForm // the open invoice form, for tests
	lastDoc string       // the last PDF written for the viewer, for tests
}

func newInvoicesScreen(win fyne.Window, svc Services, run runner) *invoicesScreen {
	ctx := svc.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return &invoicesScreen{win: win, svc: svc, run: run, ctx: ctx}
}

func (s *invoicesScreen) buildUI() fyne.CanvasObject {
	if s.root != nil {
		s.reload()
		return s.root
	}
	labels := make([]string, len(invoiceFilters))
	for i, f := range invoiceFilters {
		labels[i] = T(f.label)
	}
	s.filterSel = widget.NewSelect(labels, func(string) { s.reload() })
	s.filterSel.SetSelectedIndex(0)
	s.count = widget.NewLabel("")
	s.status = newStatus(s.svc.Log)
	newBtn := widget.NewButtonWithIcon(T("New invoice…"), theme.DocumentCreateIcon(), func() { s.openForm(nil, 0, nil) })
	newBtn.Importance = widget.HighImportance
	s.list = widget.NewList(func() int { return len(s.rows) }, func() fyne.CanvasObject { return tableRow(invoiceColumns, 6, 3) }, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		if id < len(s.rows) {
			s.show(s.rows[id])
		}
	}

	s.detailTitle = widget.NewLabelWithStyle(T("Choose an invoice"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.info = widget.NewLabel(T("Its customer, lines, Stripe number, payment page and what became of it show here."))
	s.info.Wrapping = fyne.TextWrapWord
	s.link = widget.NewLabel("")
	s.link.Wrapping = fyne.TextWrapBreak
	s.link.Selectable = true
	s.qr = canvas.NewImageFromImage(nil)
	s.qr.FillMode = canvas.ImageFillContain
	s.qr.SetMinSize(fyne.NewSize(220, 220))
	s.qr.Hide()
	s.pdfBtn = widget.NewButtonWithIcon(T("Open PDF"), theme.DocumentIcon(), s.openPDF)
	s.sheetBtn = widget.NewButtonWithIcon(T("Print QR sheet"), theme.DocumentPrintIcon(), s.printSheet)
	s.bigBtn = widget.NewButtonWithIcon(T("Show QR large"), theme.ZoomInIcon(), s.showLarge)
	s.sendBtn = widget.NewButtonWithIcon(T("E-mail it"), theme.MailSendIcon(), s.send)
	s.askBtn = widget.NewButtonWithIcon(T("Ask Stripe"), theme.ViewRefreshIcon(), s.ask)
	s.retryBtn = widget.NewButtonWithIcon(T("Try again"), theme.MediaReplayIcon(), s.retry)
	s.discardBtn = widget.NewButtonWithIcon(T("Discard"), theme.DeleteIcon(), s.discard)
	s.paidBtn = widget.NewButton(T("Paid in cash…"), s.markPaid)
	s.voidBtn = widget.NewButton(T("Void…"), s.void)
	s.writeOffBtn = widget.NewButton(T("Write off…"), s.writeOff)
	s.demoPayBtn = widget.NewButton(T("Customer pays (demo)"), func() { s.demoPay(domain.CardSucceeds) })
	s.demoDeclineBtn = widget.NewButton(T("Card declined (demo)"), func() { s.demoPay(domain.CardDeclined) })
	s.demoRow = container.NewHBox(s.demoPayBtn, s.demoDeclineBtn)
	s.job = newJobs(s.ctx, s.run, s.status, newBtn, s.pdfBtn, s.sheetBtn, s.sendBtn, s.askBtn, s.retryBtn, s.discardBtn,
		s.paidBtn, s.voidBtn, s.writeOffBtn, s.demoPayBtn, s.demoDeclineBtn)
	// A job gives every button back when it ends: the selected invoice's
	// state then says which may be pressed (Discard never on an issued one).
	s.job.onChange = func(busy bool) {
		if !busy {
			s.enableActions()
		}
	}
	owner := widget.NewLabelWithStyle(T("Owner's PIN:"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	s.actions = container.NewVBox(container.NewGridWithColumns(2, s.pdfBtn, s.sheetBtn, s.bigBtn, s.sendBtn, s.askBtn, s.retryBtn),
		s.discardBtn, owner, container.NewGridWithColumns(3, s.paidBtn, s.voidBtn, s.writeOffBtn), s.demoRow)
	s.detail = container.NewVBox(s.detailTitle, container.NewCenter(s.qr), s.info, s.link, s.actions)

	header := container.New(invoiceColumns, heading(T("Number")), heading(T("Issued")), heading(T("Customer")), rightAligned(heading(T("Amount"))),
		heading(T("Due")), heading(T("Status")))
	top := container.NewBorder(nil, nil, nil, newBtn, s.filterSel)
	left := container.NewBorder(container.NewVBox(top, s.count, header), s.status.obj, nil, nil, s.list)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.6
	s.root = split
	s.enableActions()
	s.reload()
	return s.root
}

func (s *invoicesScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.rows) {
		return
	}
	inv := s.rows[id]
	cells := o.(*fyne.Container).Objects
	issued := ""
	if !inv.FinalizedAt.IsZero() {
		issued = dateText(inv.FinalizedAt)
	}
	now := s.now()
	texts := []string{invoiceTitle(inv), issued, inv.Customer.Name, moneyText(inv.Amount()), dateText(inv.DueDate), T(inv.StatusText(now))}
	for i, t := range texts {
		l := cells[i].(*widget.Label)
		// The colour first: SetText redraws the reused row with it.
		l.Importance = widget.MediumImportance
		if i == 5 {
			l.Importance = invoiceImportance(inv, now)
		}
		l.SetText(t)
	}
}

// now is the invoices' clock: an invoice is past due by it.
func (s *invoicesScreen) now() time.Time {
	if s.svc.Invoices != nil && s.svc.Invoices.Clock != nil {
		return s.svc.Invoices.Clock.Now()
	}
	return time.Now()
}

// invoiceTitle is the invoice's number, or what it is while it has none.
func invoiceTitle(inv domain.InvoiceRecord) string {
	if inv.Number != "" {
		return inv.Number
	}
	return T("draft %d", inv.ID)
}

func invoiceImportance(inv domain.InvoiceRecord, now time.Time) widget.Importance {
	switch {
	case inv.Status == domain.InvoicePaid:
		return widget.SuccessImportance
	case inv.PastDue(now) || inv.LastError != "":
		return widget.DangerImportance
	case inv.Status == domain.InvoiceVoid || inv.Step == domain.StepDiscarded:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// reload reads the invoices of the chosen filter.
func (s *invoicesScreen) reload() {
	if s.list == nil || s.svc.Invoices == nil {
		return
	}
	f := invoiceFilters[max(s.filterSel.SelectedIndex(), 0)].filter
	s.run(func() {
		rows, err := s.svc.Invoices.List(s.ctx, f)
		reg := domain.RegisterSettings{Currency: domain.MustCurrency("EUR")}
		if err == nil && s.svc.Register != nil {
			reg, err = s.svc.Register.RegisterSettings(s.ctx)
		}
		fyne.Do(func() {
			if err != nil {
				s.status.fail("read invoices", err, nil)
				return
			}
			s.rows, s.reg = rows, reg
			var owed int64
			var cur domain.Currency
			for _, r := range rows {
				if r.Step == domain.StepFinalized && (r.Status == domain.InvoiceOpen || r.Status == domain.InvoiceUncollectible) {
					owed += r.AmountRemaining
					cur = r.Cart.Currency
				}
			}
			text := T("%d invoices", len(rows))
			if owed != 0 {
				text += T(" · still owed: ") + moneyText(domain.Money{Amount: owed, Currency: cur})
			}
			s.count.SetText(text)
			s.list.UnselectAll()
			s.list.Refresh()
			if s.selected != nil {
				for _, r := range rows {
					if r.ID == s.selected.ID {
						s.show(r)
					}
				}
			}
		})
	})
}

// show puts one invoice in the detail pane.
func (s *invoicesScreen) show(inv domain.InvoiceRecord) {
	s.selected = &inv
	now := s.now()
	s.detailTitle.Importance = invoiceImportance(inv, now) // the list's colour
	s.detailTitle.SetText(T("Invoice ") + invoiceTitle(inv) + " · " + T(inv.StatusText(now)))
	var b strings.Builder
	c := inv.Customer
	fmt.Fprintf(&b, "%s\n", c.Label())
	if c.VATNumber != "" {
		fmt.Fprintf(&b, T("VAT number %s")+"\n", c.VATNumber)
	}
	b.WriteString("\n")
	for _, l := range inv.Cart.Lines {
		fmt.Fprintf(&b, "%d × %s   %s\n", l.Quantity, l.Description, moneyText(domain.Money{Amount: l.Total, Currency: inv.Cart.Currency}))
	}
	fmt.Fprintf(&b, "\n"+T("Total %s, of which tax %s")+"\n", moneyText(inv.Amount()), moneyText(domain.Money{Amount: taxOf(inv), Currency: inv.Cart.Currency}))
	fmt.Fprintf(&b, T("Due by %s")+"\n", dateText(inv.DueDate))
	if inv.Note != "" {
		fmt.Fprintf(&b, T("Note: %s")+"\n", inv.Note)
	}
	if !inv.Sent.IsZero() {
		fmt.Fprintf(&b, T("E-mailed by Stripe on %s")+"\n", dateTimeText(inv.Sent, false))
	}
	if !inv.PaidAt.IsZero() {
		fmt.Fprintf(&b, T("Paid on %s")+"\n", dateTimeText(inv.PaidAt, false))
	}
	if inv.StripeID != "" {
		fmt.Fprintf(&b, T("Stripe: %s")+"\n", inv.StripeID)
	}
	if inv.LastError != "" {
		fmt.Fprintf(&b, "\n⚠ %s\n", sayText(inv.LastError))
	}
	s.info.SetText(strings.TrimSpace(b.String()))
	s.link.SetText("")
	s.qr.Hide()
	if inv.HostedURL != "" && (inv.Status == domain.InvoiceOpen || inv.Status == domain.InvoiceUncollectible) {
		s.link.SetText(T("Payment page: ") + inv.HostedURL)
		s.qr.Image = qrImage(inv.HostedURL)
		s.qr.Show()
		s.qr.Refresh()
	}
	s.enableActions()
}

func taxOf(inv domain.InvoiceRecord) int64 {
	if inv.Step == domain.StepFinalized {
		return inv.Tax
	}
	return inv.Totals.Tax
}

// enableActions allows what the selected invoice's state allows.
func (s *invoicesScreen) enableActions() {
	inv := s.selected
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	issued := inv != nil && inv.Step == domain.StepFinalized
	payable := issued && (inv.Status == domain.InvoiceOpen || inv.Status == domain.InvoiceUncollectible)
	unfinished := inv != nil && (inv.Step == domain.StepLocal || inv.Step == domain.StepDraft)
	set(s.pdfBtn, issued && inv.PDFURL != "")
	set(s.sheetBtn, payable)
	set(s.bigBtn, payable)
	set(s.sendBtn, issued && inv.Status == domain.InvoiceOpen && inv.Customer.Email != "")
	set(s.askBtn, inv != nil && inv.StripeID != "")
	set(s.retryBtn, unfinished || (issued && inv.Send && inv.Sent.IsZero() && inv.Status == domain.InvoiceOpen))
	set(s.discardBtn, unfinished)
	set(s.paidBtn, payable)
	set(s.voidBtn, payable)
	set(s.writeOffBtn, issued && inv.Status == domain.InvoiceOpen)
	if inv == nil {
		s.actions.Hide() // nothing to act on until an invoice is chosen
	} else {
		s.actions.Show()
	}
	demo := s.svc.Connection != nil && s.svc.Connection.Mode() == domain.ModeDisabled
	set(s.demoPayBtn, demo && payable)
	set(s.demoDeclineBtn, demo && payable)
	if demo {
		s.demoRow.Show()
	} else {
		s.demoRow.Hide()
	}
}

// after shows an action's outcome and reads the list again.
func (s *invoicesScreen) after(inv domain.InvoiceRecord, ok string, err error) func() {
	return func() {
		if err != nil {
			s.status.fail("invoice", err, nil)
		} else if ok != "" {
			s.status.ok(ok)
		}
		if inv.ID != 0 {
			s.selected = &inv
			s.show(inv)
		}
		s.reload()
	}
}

func (s *invoicesScreen) ask() {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	s.job.start(T("the look-up"), T("Asking Stripe…"), func(ctx context.Context) func() {
		got, err := s.svc.Invoices.Refresh(ctx, id)
		return s.after(got, T("Up to date with Stripe."), err)
	})
}

func (s *invoicesScreen) retry() {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	s.job.start(T("the invoice"), T("Issuing the invoice at Stripe…"), func(ctx context.Context) func() {
		got, err := s.svc.Invoices.Issue(ctx, id)
		return s.after(got, T("Invoice %s is issued.", invoiceTitle(got)), err)
	})
}

func (s *invoicesScreen) discard() {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	dialog.ShowConfirm(T("Discard this invoice?"), T("It was never issued: the customer was asked for nothing. Discard it?"), func(yes bool) {
		if !yes {
			return
		}
		s.job.start(T("the invoice"), T("Discarding…"), func(ctx context.Context) func() {
			got, err := s.svc.Invoices.Discard(ctx, id)
			return s.after(got, T("Discarded."), err)
		})
	}, s.win)
}

func (s *invoicesScreen) send() {
	inv := s.selected
	if inv == nil {
		return
	}
	id, to := inv.ID, inv.Customer.Email
	s.job.start(T("the e-mail"), T("Asking Stripe to e-mail the invoice…"), func(ctx context.Context) func() {
		got, err := s.svc.Invoices.Send(ctx, id)
		return s.after(got, T("Stripe e-mails the invoice to %s.", to), err)
	})
}

// owner runs one of the owner's actions after the PIN.
func (s *invoicesScreen) owner(what string, act func(ctx context.Context, g domain.Grant, id int64) (domain.InvoiceRecord, error), done string) {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	authorize(s.win, s.svc, s.run, domain.RoleOwner, what, func(g domain.Grant) {
		s.job.start(T("the invoice"), T("Asking Stripe…"), func(ctx context.Context) func() {
			got, err := act(ctx, g, id)
			return s.after(got, done, err)
		})
	})
}

func (s *invoicesScreen) markPaid() {
	inv := s.selected
	if inv == nil {
		return
	}
	s.owner(T("Marking invoice %s paid outside Stripe (%s in cash) needs the owner's PIN.", invoiceTitle(*inv), moneyText(inv.Amount())),
		s.svc.Invoices.MarkPaid, T("Marked paid: Stripe no longer asks the customer for it."))
}

func (s *invoicesScreen) void() {
	inv := s.selected
	if inv == nil {
		return
	}
	s.owner(T("Voiding invoice %s needs the owner's PIN. The customer can then no longer pay it.", invoiceTitle(*inv)),
		s.svc.Invoices.Void, T("Voided: the customer can no longer pay it, and the books take the sale back."))
}

func (s *invoicesScreen) writeOff() {
	inv := s.selected
	if inv == nil {
		return
	}
	s.owner(T("Writing invoice %s off as uncollectible needs the owner's PIN. The customer can still pay it.", invoiceTitle(*inv)),
		s.svc.Invoices.WriteOff, T("Written off: the books move it to Bad debts; if the customer pays after all, that is booked too."))
}

func (s *invoicesScreen) demoPay(card domain.TestCard) {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	s.job.start(T("the customer"), T("The pretend customer pays on the invoice's page…"), func(ctx context.Context) func() {
		got, err := s.svc.Invoices.DemoCustomerPays(ctx, id, card)
		return s.after(got, T("Stripe says the invoice is %s.", strings.ToLower(T(got.StatusText(s.now())))), err)
	})
}

// openPDF fetches Stripe's PDF of the invoice and opens it in the
// computer's PDF viewer.
func (s *invoicesScreen) openPDF() {
	inv := s.selected
	if inv == nil {
		return
	}
	id := inv.ID
	s.job.start(T("the PDF"), T("Fetching the invoice's PDF from Stripe…"), func(ctx context.Context) func() {
		rc, got, err := s.svc.Invoices.PDF(ctx, id)
		if err != nil {
			return s.after(got, "", err)
		}
		defer rc.Close()
		path, err := writeDocument("invoice-"+safeName(invoiceTitle(got))+".pdf", func(w io.Writer) error {
			_, err := io.Copy(w, rc)
			return err
		})
		return s.opened(path, err)
	})
}

// printSheet writes the QR sheet and opens it to be printed.
func (s *invoicesScreen) printSheet() {
	inv := s.selected
	if inv == nil {
		return
	}
	id, title := inv.ID, invoiceTitle(*inv)
	s.job.start(T("the sheet"), T("Drawing the QR sheet…"), func(ctx context.Context) func() {
		path, err := writeDocument("invoice-"+safeName(title)+"-qr.pdf", func(w io.Writer) error {
			return s.svc.Invoices.QRSheet(ctx, w, id, domain.SheetText{Tr: func(t string) string { return T(t) }, Money: moneyText, Date: dateText})
		})
		return s.opened(path, err)
	})
}

// opened opens a document written for the viewer, or says where it is.
func (s *invoicesScreen) opened(path string, err error) func() {
	return func() {
		if err != nil {
			s.status.fail("write the document", err, nil)
			return
		}
		s.lastDoc = path
		u := &url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
		if app := fyne.CurrentApp(); app != nil {
			if oerr := app.OpenURL(u); oerr != nil {
				s.status.warn(T("Saved %s; open it from there.", path))
				return
			}
		}
		s.status.ok(T("Opened %s.", path))
	}
}

// writeDocument writes a document for the viewer into the user's own
// documents folder (Documents/Tally), through a temporary file there: not
// a temporary folder other users of the computer can read.
func writeDocument(name string, write func(io.Writer) error) (string, error) {
	dir, err := documentsDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.CreateTemp(dir, ".write-*")
	if err != nil {
		return "", err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return path, os.Rename(f.Name(), path)
}

// documentsDir is Tally's folder in the user's documents: TALLY_DOCUMENTS
// when set, else Documents/Tally in the home folder (the same name on
// Windows, macOS and most Linux desktops).
func documentsDir() (string, error) {
	if d := os.Getenv("TALLY_DOCUMENTS"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home folder for the documents: %w", err)
	}
	return filepath.Join(home, "Documents", "Tally"), nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '-'
		}
		return r
	}, s)
}

// showLarge shows the payment page's QR code large, for a customer at the
// counter to scan.
func (s *invoicesScreen) showLarge() {
	inv := s.selected
	if inv == nil || inv.HostedURL == "" {
		return
	}
	showInvoiceQR(s.win, *inv)
}

// showInvoiceQR is the dialog a customer at the counter scans.
func showInvoiceQR(win fyne.Window, inv domain.InvoiceRecord) *dialog.CustomDialog {
	img := canvas.NewImageFromImage(qrImage(inv.HostedURL))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(420, 420))
	amount := widget.NewLabelWithStyle(moneyText(domain.Money{Amount: inv.AmountRemaining, Currency: inv.Cart.Currency}), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabelWithStyle(T("Scan to pay invoice %s by card on Stripe's secure page, now or later (due by %s).", invoiceTitle(inv), dateText(inv.DueDate)),
		fyne.TextAlignCenter, fyne.TextStyle{})
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(T("Invoice ")+invoiceTitle(inv), T("Close"), container.NewVBox(container.NewCenter(img), amount, msg), win)
	d.Resize(fyne.NewSize(560, 640))
	d.Show()
	return d
}
