package domain_test

import (
	"strings"
	"testing"
	"time"

	"tally/domain"
)

var berlin = domain.Shop{Name: "Bäckerei Müller", Country: "DE", Currency: domain.MustCurrency("EUR"), TimeZone: "Europe/Berlin",
	Street: "Hauptstraße 1", PostalCode: "10115", City: "Berlin", VATID: "DE123456789"}

// paidSale is a sale of two sandwiches at 7.50 with 14.5 % off and a
// coffee at 2.50 (two rates), paid in cash with 20.00.
func paidSale(inclusive bool) domain.Sale {
	cart := domain.Cart{Currency: domain.MustCurrency("EUR"), TaxInclusive: inclusive, Lines: []domain.SaleLine{
		{Description: "Sandwich", Quantity: 2, UnitPrice: 750, Discount: 145000, TaxRate: 70000},
		{Description: "Kaffee", Quantity: 1, UnitPrice: 250, TaxRate: 190000},
	}}
	t := cart.Totals()
	return domain.Sale{ID: 1, Number: 42, Till: "Kasse 1", Created: time.Date(2026, 12, 6, 13, 5, 0, 0, time.UTC), Cart: cart, Totals: t,
		Status: domain.SalePaid, Attempts: []domain.Attempt{{Kind: domain.MethodCash, MethodName: "Bar", Status: domain.AttemptSucceeded,
			Amount: domain.Money{Amount: t.Total, Currency: cart.Currency}, Tendered: 2000, Change: 2000 - t.Total}}}
}

// TestReceiptCarriesWhatTheLawAsks: a German shop's receipt is in German,
// in the shop's time zone and money format, names the seller, the VAT
// number, each line's quantity and unit price, the discount once, and
// the net, tax and gross of each rate.
func TestReceiptCarriesWhatTheLawAsks(t *testing.T) {
	sale := paidSale(true)
	text := strings.Join(domain.ReceiptLines(berlin, sale), "\n")
	for _, want := range []string{"Bäckerei Müller", "Hauptstraße 1", "10115 Berlin", "USt-IdNr. DE123456789",
		"Kasse 1 · Beleg Nr. 42", "06.12.2026 14:05", // 13:05 UTC is 14:05 in Berlin
		"2 × 7,50", "15,00 B", "Rabatt 14,5 %", "-2,18", "Kaffee", "2,50 A",
		"Summe EUR", "15,32", "Satz", "Netto", "USt.", "Brutto", "A 19 %", "B 7 %", "Gegeben", "20,00", "Rückgeld", "4,68", "Vielen Dank"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	// The sandwiches paid 12.82: the receipt shows 15.00 less 2.18, never
	// 12.82 less 2.18.
	if strings.Contains(text, "Sandwich   ") || strings.Count(text, "12,82") != 1 {
		t.Errorf("the discount reads as taken twice:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n") {
		if n := len([]rune(l)); n > domain.ReceiptWidth {
			t.Errorf("line of %d characters: %q", n, l)
		}
	}
	// Net + tax = gross per rate, and the rates add up to the total.
	if sale.Totals.Net+sale.Totals.Tax != sale.Totals.Total {
		t.Fatalf("%+v", sale.Totals)
	}
}

func TestReceiptNarrowAndTaxAdded(t *testing.T) {
	us := domain.Shop{Name: "Corner Deli", Country: "US", TimeZone: "America/New_York", Street: "1 Main St", City: "New York", PostalCode: "10001"}
	sale := paidSale(false)
	d := domain.ReceiptDoc(us, sale, domain.ReceiptWidthNarrow)
	text := strings.Join(d.PlainLines(), "\n")
	for _, want := range []string{"Corner Deli", "sale #42", "2026-12-06 08:05", "Subtotal", "Tax 19 %", "Tax 7 %", "Thank you!"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	for _, l := range d.PlainLines() {
		if n := len([]rune(l)); n > domain.ReceiptWidthNarrow {
			t.Errorf("line of %d characters on 58 mm paper: %q", n, l)
		}
	}
}

func TestPaperMoney(t *testing.T) {
	de, en := domain.Paper{Lang: "de"}, domain.Paper{Lang: "en"}
	eur, jpy := domain.MustCurrency("EUR"), domain.MustCurrency("JPY")
	for _, c := range []struct {
		p    domain.Paper
		v    int64
		c    domain.Currency
		want string
	}{{de, 123456, eur, "1.234,56 €"}, {en, 123456, eur, "1,234.56 EUR"}, {en, -5, eur, "-0.05 EUR"}, {de, 1234567, jpy, "1.234.567 JPY"}, {en, 100000000, eur, "1,000,000.00 EUR"}} {
		if got := c.p.Money(c.v, c.c); got != c.want {
			t.Errorf("%v %d: %q, want %q", c.p.Lang, c.v, got, c.want)
		}
	}
}

func TestVATNumbers(t *testing.T) {
	for _, ok := range []struct{ n, country string }{{"DE123456789", "DE"}, {"de 123 456 789", "DE"}, {"ATU12345678", "AT"}, {"IE6388047V", ""},
		{"NL123456789B01", ""}, {"EL123456789", "GR"}, {"CHE-123.456.789 MWST", "CH"}, {"GB123456789", "GB"}, {"FRXX123456789", ""}} {
		if err := domain.CheckVATNumber(ok.n, ok.country); err != nil {
			t.Errorf("%s (%s): %v", ok.n, ok.country, err)
		}
	}
	for _, bad := range []struct{ n, country string }{{"DE12345678", "DE"}, {"DE1234567890", ""}, {"AT12345678", ""}, {"123456789", "DE"},
		{"FR123456789", "DE"}, {"NL123456789", ""}, {"X", ""}} {
		if err := domain.CheckVATNumber(bad.n, bad.country); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s (%s) taken: %v", bad.n, bad.country, err)
		}
	}
	sh := berlin
	sh.VATID = "DE12345"
	if err := sh.Validate(); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("a short German VAT number: %v", err)
	}
}
