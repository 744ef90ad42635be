package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// invoiceForm is the dialog that writes an invoice: its customer, lines,
// due date and note, and whether Stripe e-mails it.
type invoiceForm struct {
	s         *invoicesScreen
	d         *dialog.CustomDialog
	customer  *widget.Select
	customers []domain.CustomerRecord
	newCust   *widget.Button
	lines     *fyne.Container
	rows      []*invoiceLineRow
	inclusive *widget.Check
	due       *widget.Entry
	note      *widget.Entry
	send      *widget.Check
	totals    *widget.Label
	err       *widget.Label
	issue     *widget.Button
	// lastCustomer is the customer dialog shown last, and its fields, for tests.
	lastCustomer *formDialog
	custFields   []*widget.Entry

	currency domain.Currency
	discount domain.TaxRate
	saleTill string
	saleID   int64 // the register's open sale the invoice replaces, if any
	// done, when set, is called with the issued invoice (the register
	// clears its cart and shows the QR code).
	done func(domain.InvoiceRecord)
}

type invoiceLineRow struct {
	discount              domain.TaxRate // kept from the register's line
	desc, qty, price, tax *widget.Entry
	remove                *widget.Button
	obj                   fyne.CanvasObject
}

// openForm opens the invoice form, empty or with a cart's lines (from the
// register), for a customer chosen before (0: none).
func (s *invoicesScreen) openForm(cart *domain.Cart, saleID int64, done func(domain.InvoiceRecord)) *invoiceForm {
	f := &invoiceForm{s: s, done: done, err: errLabel(), saleID: saleID}
	s.form = f
	f.customer = widget.NewSelect(nil, func(string) { f.refreshTotals() })
	f.customer.PlaceHolder = T("Choose the customer")
	f.newCust = widget.NewButtonWithIcon(T("New customer…"), theme.ContentAddIcon(), f.addCustomer)
	f.lines = container.NewVBox()
	f.inclusive = widget.NewCheck(T("Prices include tax"), func(bool) { f.refreshTotals() })
	f.due = widget.NewEntry()
	f.due.SetText(time.Now().AddDate(0, 0, 14).Format("2006-01-02"))
	f.due.OnChanged = func(string) { f.refreshTotals() }
	f.note = widget.NewMultiLineEntry()
	f.note.SetPlaceHolder(T("A note printed on the invoice (optional)"))
	f.note.SetMinRowsVisible(2)
	f.send = widget.NewCheck(T("Stripe e-mails it to the customer"), nil)
	f.send.SetChecked(true)
	f.totals = widget.NewLabel("")
	f.totals.Alignment = fyne.TextAlignTrailing
	reg := s.reg // read with the list, off the Fyne goroutine
	addLine := widget.NewButtonWithIcon(T("Add a line"), theme.ContentAddIcon(), func() { f.addLine(domain.SaleLine{Quantity: 1, TaxRate: reg.DefaultTaxRate}) })

	f.currency, f.inclusive.Checked = reg.Currency, reg.TaxInclusive
	if cart != nil {
		f.currency, f.inclusive.Checked, f.discount, f.saleTill = cart.Currency, cart.TaxInclusive, cart.Discount, reg.Till
		for _, l := range cart.Lines {
			f.addLine(l)
		}
	} else {
		f.addLine(domain.SaleLine{Quantity: 1, TaxRate: reg.DefaultTaxRate})
	}
	head := container.NewGridWithColumns(5, heading(T("Description")), heading(T("Quantity")), heading(T("Unit price")), heading(T("Tax %")), widget.NewLabel(""))
	form := widget.NewForm(
		widget.NewFormItem(T("Customer"), container.NewBorder(nil, nil, nil, f.newCust, f.customer)),
		widget.NewFormItem(T("Due by (YYYY-MM-DD)"), f.due),
		widget.NewFormItem(T("Note"), f.note),
		widget.NewFormItem("", container.NewHBox(f.inclusive, f.send)),
	)
	body := container.NewBorder(form, container.NewVBox(container.NewBorder(nil, nil, addLine, nil, f.totals), f.err), nil, nil,
		container.NewBorder(head, nil, nil, nil, container.NewVScroll(f.lines)))
	f.issue = widget.NewButton(T("Issue the invoice"), f.submit)
	f.issue.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel"), func() { f.d.Hide() })
	f.d = dialog.NewCustomWithoutButtons(T("New invoice (%s)", f.currency.Code()), body, s.win)
	f.d.SetButtons([]fyne.CanvasObject{cancel, f.issue})
	f.d.Resize(fyne.NewSize(900, 640))
	var chosen int64
	if cart != nil {
		chosen = cart.CustomerID
	}
	f.loadCustomers(chosen)
	f.refreshTotals()
	f.d.Show()
	return f
}

func (f *invoiceForm) loadCustomers(choose int64) {
	f.s.run(func() {
		cs, err := f.s.svc.Invoices.Customers(f.s.ctx)
		fyne.Do(func() {
			if err != nil {
				f.showErr(err)
				return
			}
			f.customers = cs
			opts := make([]string, len(cs))
			for i, c := range cs {
				opts[i] = c.Label()
			}
			f.customer.Options = opts
			f.customer.Refresh()
			for i, c := range cs {
				if c.ID == choose {
					f.customer.SetSelectedIndex(i)
				}
			}
		})
	})
}

func (f *invoiceForm) addLine(l domain.SaleLine) {
	r := &invoiceLineRow{discount: l.Discount, desc: widget.NewEntry(), qty: widget.NewEntry(), price: widget.NewEntry(), tax: widget.NewEntry()}
	r.desc.SetPlaceHolder(T("What was sold"))
	r.desc.SetText(l.Description)
	r.qty.SetText(strconv.FormatInt(max(l.Quantity, 1), 10))
	if l.UnitPrice != 0 || l.Description != "" {
		r.price.SetText(domain.FormatAmount(l.UnitPrice, f.currency.Exponent()))
	}
	r.price.SetPlaceHolder("0.00")
	r.tax.SetText(discountText(l.TaxRate))
	for _, e := range []*widget.Entry{r.desc, r.qty, r.price, r.tax} {
		e.OnChanged = func(string) { f.refreshTotals() }
	}
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range f.rows {
			if x == r {
				f.rows = append(f.rows[:i], f.rows[i+1:]...)
				f.lines.Remove(r.obj)
				break
			}
		}
		f.refreshTotals()
	})
	r.obj = container.NewGridWithColumns(5, r.desc, r.qty, r.price, r.tax, container.NewHBox(r.remove))
	f.rows = append(f.rows, r)
	f.lines.Add(r.obj)
}

// read turns the form into what the service takes.
func (f *invoiceForm) read() (domain.InvoiceForm, error) {
	var out domain.InvoiceForm
	if i := f.customer.SelectedIndex(); i >= 0 && i < len(f.customers) {
		out.CustomerID = f.customers[i].ID
	}
	due, err := parseDay(f.due.Text)
	if err != nil {
		return out, err
	}
	out.DueDate, out.Note, out.Send = due, f.note.Text, f.send.Checked
	out.Currency, out.TaxInclusive, out.Discount, out.Till, out.SaleID = f.currency, f.inclusive.Checked, f.discount, f.saleTill, f.saleID
	for i, r := range f.rows {
		if strings.TrimSpace(r.desc.Text) == "" && strings.TrimSpace(r.price.Text) == "" {
			continue // an empty line is no line
		}
		q, err := strconv.ParseInt(strings.TrimSpace(r.qty.Text), 10, 64)
		if err != nil || q <= 0 {
			return out, userErr(domain.EINVALID, T("Line %d: the quantity is a whole number of at least 1.", i+1))
		}
		p, err := domain.ParseAmount(r.price.Text, f.currency.Exponent())
		if err != nil {
			return out, userErr(domain.EINVALID, T("Line %d: %q is not a price; write it as 4.50.", i+1, r.price.Text))
		}
		rate, err := domain.ParseTaxRate(r.tax.Text)
		if err != nil {
			return out, err
		}
		out.Lines = append(out.Lines, domain.SaleLine{Description: r.desc.Text, Quantity: q, UnitPrice: p, TaxRate: rate, Discount: r.discount})
	}
	return out, nil
}

func (f *invoiceForm) refreshTotals() {
	d, err := f.read()
	if err != nil {
		f.totals.SetText("")
		return
	}
	f.err.Hide() // the form reads right again: the old error goes
	c := domain.Cart{Currency: f.currency, TaxInclusive: d.TaxInclusive, Lines: d.Lines, Discount: d.Discount}
	t := c.Totals()
	text := T("Total %s, of which tax %s", moneyText(domain.Money{Amount: t.Total, Currency: f.currency}), moneyText(domain.Money{Amount: t.Tax, Currency: f.currency}))
	if t.Discount != 0 {
		text = T("Discount %s · ", moneyText(domain.Money{Amount: t.Discount, Currency: f.currency})) + text
	}
	f.totals.SetText(text)
}

func (f *invoiceForm) showErr(err error) {
	f.err.SetText(errText(err))
	f.err.Show()
}

// submit stores the invoice and issues it at Stripe off the Fyne goroutine.
func (f *invoiceForm) submit() {
	d, err := f.read()
	if err != nil {
		f.showErr(err)
		return
	}
	f.err.Hide()
	s := f.s
	f.issue.Disable()
	started := s.job.start(T("the invoice"), T("Issuing the invoice at Stripe…"), func(ctx context.Context) func() {
		inv, err := s.svc.Invoices.Create(ctx, d)
		return func() {
			f.issue.Enable()
			if err != nil && inv.ID == 0 {
				f.showErr(err) // refused: nothing was stored, the form stays
				s.status.stop()
				return
			}
			f.d.Hide()
			s.after(inv, T("Invoice %s is issued.", invoiceTitle(inv)), err)()
			if err == nil && f.done != nil {
				f.done(inv)
			}
		}
	})
	if !started {
		f.issue.Enable()
	}
}

// addCustomer asks for a new customer's details.
func (f *invoiceForm) addCustomer() {
	name, email, line1, postal, city, vat := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(),
		widget.NewEntry(), widget.NewEntry()
	email.SetPlaceHolder(T("for Stripe's e-mail with the invoice"))
	// The country from the list (or its two letters typed): Stripe takes
	// an ISO code, never a name.
	var labels []string
	for _, c := range domain.Countries {
		labels = append(labels, countryLabel(c))
	}
	country := widget.NewSelectEntry(labels)
	country.SetPlaceHolder(T("Choose, or type two letters such as DE"))
	vat.SetPlaceHolder(T("EU VAT number, such as DE123456789 (optional)"))
	items := []*widget.FormItem{widget.NewFormItem(T("Name"), name), widget.NewFormItem(T("E-mail"), email),
		widget.NewFormItem(T("Street"), line1), widget.NewFormItem(T("Postal code"), postal), widget.NewFormItem(T("City"), city),
		widget.NewFormItem(T("Country"), country), widget.NewFormItem(T("VAT number"), vat)}
	d := newFormDialog(T("New customer"), T("Save"), items, func() error {
		c, err := f.s.svc.Invoices.SaveCustomer(f.s.ctx, domain.CustomerRecord{Name: name.Text, Email: email.Text, VATNumber: vat.Text,
			Address: domain.Address{Line1: line1.Text, PostalCode: postal.Text, City: city.Text, Country: countryCode(country.Text)}})
		if err != nil {
			return err
		}
		f.loadCustomers(c.ID)
		return nil
	}, f.s.win)
	d.d.Resize(fyne.NewSize(520, 0))
	f.lastCustomer, f.custFields = d, []*widget.Entry{name, email, line1, postal, city, &country.Entry, vat}
	d.Show()
	f.s.win.Canvas().Focus(name)
}

// countryCode reads a country chosen from the list ("Germany (DE)") or
// typed as its code ("de"); anything else is passed on for the domain
// to refuse.
func countryCode(text string) string {
	t := strings.TrimSpace(text)
	if i := strings.LastIndex(t, "("); i >= 0 && strings.HasSuffix(t, ")") {
		return strings.ToUpper(t[i+1 : len(t)-1])
	}
	if len(t) == 2 {
		return strings.ToUpper(t)
	}
	for _, c := range domain.Countries {
		if strings.EqualFold(c.Name, t) {
			return c.Code
		}
	}
	return t
}
