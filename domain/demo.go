package domain

import (
	"context"
	"time"
)

// DemoShop is demo mode's simulated Stripe taking on the shop's
// identity: its account's name, country and currency, and its reader's
// location in the shop's country.
type DemoShop interface {
	AdoptShop(sh Shop) error
}

// SeedDemo gives the demo books what trying the register needs: a card
// reader method on the simulated reader, a QR code method, and a few
// products with quick keys, priced in the shop's currency with its
// country's tax rates. It adds only what is missing, and only in demo
// mode: test and live books are set up by the owner. A shop that has
// not said its country gets an Irish café's; the program seeds only once
// the first-run set-up is done or skipped, so that the products carry the
// shop's own taxes.
func SeedDemo(ctx context.Context, reg *RegisterService, readers *ReaderService, methods *PaymentMethodService) error {
	if reg.Connection.Mode() != ModeDisabled {
		return nil
	}
	shop := reg.ShopOf(ctx)
	country, known := CountryOf(shop.Country)
	if ds, ok := reg.Demo.(DemoShop); ok && known {
		if err := ds.AdoptShop(shop); err != nil {
			return err
		}
	}
	german := shop.Language() == "de"
	name := func(en, de string) string {
		if german {
			return de
		}
		return en
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
			if _, err := methods.Save(ctx, PaymentMethod{Name: name("Card reader", "Kartenleser"), Kind: MethodCardReader, ReaderID: rv.Readers[0].ID,
				CaptureMethod: CaptureAutomatic, OutstandingAccount: AcctOutstandingReceipts}); err != nil {
				return err
			}
		}
	}
	if !has[MethodQRLink] {
		if _, err := methods.Save(ctx, PaymentMethod{Name: name("QR code", "QR-Code"), Kind: MethodQRLink, PageLifetime: time.Hour,
			SuccessMessage: name("Thank you! Show this screen at the till.", "Vielen Dank! Zeigen Sie diesen Bildschirm an der Kasse."), OutstandingAccount: AcctOutstandingReceipts}); err != nil {
			return err
		}
	}
	ps, err := reg.Products(ctx)
	if err != nil || len(ps) > 0 {
		return err
	}
	if !known {
		country, _ = CountryOf("IE") // no country given: a café somewhere in the euro area
	}
	rs, err := reg.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	std, red := country.Standard, country.Reduced
	rs.DefaultTaxRate, rs.TaxInclusive = std, !country.TaxAdded
	if german && rs.Till == "Till 1" {
		rs.Till = "Kasse 1"
	}
	if err := reg.SaveRegisterSettings(ctx, rs); err != nil {
		return err
	}
	// Prices in the shop's currency: the euro prices scaled to a price a
	// café there might ask, rounded to the currency's usual step.
	scale, step := demoPriceScale(rs.Currency)
	for _, p := range []struct {
		en, de  string
		price   int64
		tax     TaxRate
		barcode string
	}{
		{"Espresso", "Espresso", 250, red, "2000000000015"}, {"Cappuccino", "Cappuccino", 380, red, "2000000000022"}, {"Flat white", "Flat White", 420, red, ""},
		{"Croissant", "Croissant", 295, red, "2000000000039"}, {"Sandwich", "Sandwich", 750, red, ""}, {"Orange juice", "Orangensaft", 450, std, ""},
		{"Sparkling water", "Mineralwasser", 220, std, "5000112637922"}, {"Coffee beans 250 g", "Kaffeebohnen 250 g", 1290, red, "2000000000046"},
	} {
		price := p.price
		if scale != 100 {
			price = (p.price*scale/100 + step/2) / step * step
		}
		if _, err := reg.SaveProduct(ctx, Product{Name: name(p.en, p.de), Price: Money{Amount: price, Currency: rs.Currency}, TaxRate: p.tax, Barcode: p.barcode, QuickKey: true}); err != nil {
			return err
		}
	}
	return nil
}

// demoPriceScale is how many of a currency's minor units a demo euro cent
// becomes (in hundredths), and the step its prices are rounded to.
func demoPriceScale(c Currency) (scale, step int64) {
	switch c.Code() {
	case "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SGD", "BGN", "RON", "PLN", "AED", "MXN":
		m := map[string]int64{"BGN": 200, "RON": 500, "PLN": 450, "AED": 400, "MXN": 2000, "AUD": 160, "NZD": 175, "CAD": 150, "SGD": 145}[c.Code()]
		if m == 0 {
			m = 100
		}
		return m, 10
	case "JPY":
		return 160, 10 // 2.50 EUR is 400 JPY
	case "HUF":
		return 40000, 1000 // 2.50 EUR is about 1,000 HUF
	case "CZK", "SEK", "NOK", "DKK", "HKD":
		m := map[string]int64{"CZK": 2500, "SEK": 1100, "NOK": 1100, "DKK": 750, "HKD": 850}[c.Code()]
		return m, 100
	}
	return 100, c.Step()
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
