package domain

import (
	"context"
	"time"
)

// SeedDemo gives the demo books what trying the register needs: a card
// reader method on the simulated reader, a QR code method, and a few
// products with quick keys. It adds only what is missing, and only in demo
// mode: test and live books are set up by the owner.
func SeedDemo(ctx context.Context, reg *RegisterService, readers *ReaderService, methods *PaymentMethodService) error {
	if reg.Connection.Mode() != ModeDisabled {
		return nil
	}
	v, err := methods.List(ctx)
	if err != nil {
		return err
	}
	has := map[MethodKind]bool{}
	for _, m := range v.Methods {
		if !m.Archived {
			has[m.Kind] = true
		}
	}
	if !has[MethodCardReader] {
		rv, err := readers.Refresh(ctx)
		if err != nil {
			return err
		}
		if len(rv.Readers) > 0 {
			if _, err := methods.Save(ctx, PaymentMethod{Name: "Card reader", Kind: MethodCardReader, ReaderID: rv.Readers[0].ID,
				CaptureMethod: CaptureAutomatic, OutstandingAccount: AcctOutstandingReceipts}); err != nil {
				return err
			}
		}
	}
	if !has[MethodQRLink] {
		if _, err := methods.Save(ctx, PaymentMethod{Name: "QR code", Kind: MethodQRLink, PageLifetime: time.Hour,
			SuccessMessage: "Thank you! Show this screen at the till.", OutstandingAccount: AcctOutstandingReceipts}); err != nil {
			return err
		}
	}
	ps, err := reg.Products(ctx)
	if err != nil || len(ps) > 0 {
		return err
	}
	rs, err := reg.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	if rs.DefaultTaxRate == 0 {
		rs.DefaultTaxRate = 230000
		if err := reg.SaveRegisterSettings(ctx, rs); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name    string
		price   int64
		tax     TaxRate
		barcode string
	}{
		{"Espresso", 250, 135000, "2000000000015"}, {"Cappuccino", 380, 135000, "2000000000022"}, {"Flat white", 420, 135000, ""},
		{"Croissant", 295, 135000, "2000000000039"}, {"Sandwich", 750, 135000, ""}, {"Orange juice", 450, 230000, ""},
		{"Sparkling water", 220, 230000, "5000112637922"}, {"Coffee beans 250 g", 1290, 0, "2000000000046"},
	} {
		if _, err := reg.SaveProduct(ctx, Product{Name: p.name, Price: Money{Amount: p.price, Currency: rs.Currency}, TaxRate: p.tax, Barcode: p.barcode, QuickKey: true}); err != nil {
			return err
		}
	}
	return nil
}

// DemoPast is demo mode's simulator run in the past for a moment.
type DemoPast interface {
	Backdate(d time.Duration, fn func())
}

// backClock is a clock d behind another.
type backClock struct {
	c Clock
	d time.Duration
}

func (b backClock) Now() time.Time { return b.c.Now().Add(-b.d) }

// SeedDemoInvoices gives the demo books a customer with two invoices to
// look at: one paid last week by its link, one past due. It runs once,
// in demo mode, on books with no customer yet.
func SeedDemoInvoices(ctx context.Context, inv *InvoiceService, past DemoPast) error {
	if inv == nil || past == nil || inv.Connection.Mode() != ModeDisabled {
		return nil
	}
	cs, err := inv.Customers(ctx)
	if err != nil || len(cs) > 0 {
		return err
	}
	c, err := inv.SaveCustomer(ctx, CustomerRecord{Name: "Bistro Nord", Email: "chef@bistro-nord.example", VATNumber: "IE6388047V",
		Address: Address{Line1: "4 Quay Street", City: "Galway", PostalCode: "H91 X2E8", Country: "IE"}})
	if err != nil {
		return err
	}
	rs, err := inv.Register.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	rate := rs.DefaultTaxRate
	// at runs one step as if it were d ago, Tally's clock and Stripe's alike.
	at := func(d time.Duration, step func(s *InvoiceService) error) (err error) {
		s := *inv
		s.Clock = backClock{inv.Clock, d}
		past.Backdate(d, func() { err = step(&s) })
		return err
	}
	day := 24 * time.Hour
	// The older one first, so that the numbers follow the dates.
	if err := at(20*day, func(s *InvoiceService) error {
		_, err := s.Create(ctx, InvoiceForm{CustomerID: c.ID, Currency: rs.Currency, TaxInclusive: rs.TaxInclusive,
			DueDate: s.Clock.Now().Add(14 * day), Note: "Catering for the staff party.", Send: true,
			Lines: []SaleLine{{Description: "Sandwich platter", Quantity: 6, UnitPrice: 3200, TaxRate: rate},
				{Description: "Coffee for 30", Quantity: 1, UnitPrice: 4500, TaxRate: rate}}})
		return err
	}); err != nil {
		return err
	}
	var paid InvoiceRecord
	if err := at(12*day, func(s *InvoiceService) (err error) {
		paid, err = s.Create(ctx, InvoiceForm{CustomerID: c.ID, Currency: rs.Currency, TaxInclusive: rs.TaxInclusive,
			DueDate: s.Clock.Now().Add(14 * day), Note: "Birthday cake, collected on Saturday.",
			Lines: []SaleLine{{Description: "Chocolate cake, 24 slices", Quantity: 1, UnitPrice: 6400, TaxRate: rate}}})
		return err
	}); err != nil {
		return err
	}
	return at(9*day, func(s *InvoiceService) error {
		_, err := s.DemoCustomerPays(ctx, paid.ID, CardSucceeds)
		return err
	})
}
