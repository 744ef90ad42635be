package domain_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
	"tally/storage"
)

// TestMigrateToPostgres: a shop's SQLite data holding every kind of data
// (settings, methods and readers, products, sales, card and cash payments,
// refunds, a day close, events, PINs and the audit log, customers and
// invoices, imports, rules and booked entries) is copied to a server: the
// same rows in every table, the same balances, and a register opened on
// the server carries on (the next sale's number follows, the books
// reconcile to nothing new). A second copy onto it is refused.
func TestMigrateToPostgres(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tally.db")
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	r := openTillOn(t, dir, file, clock)
	g := r.owner()
	s1, _ := r.cardSale(1250, domain.CardSucceeds)
	r.cardSale(900, domain.CardSucceeds)
	cash := r.sale(450)
	must(t)(r.reg.PayCash(ctx, cash.ID, r.cash, 500))
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s1.ID, Amount: 250}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.reg.SaveProduct(ctx, domain.Product{Name: "Scone", Price: domain.New(320, eur), TaxRate: 135000}); err != nil {
		t.Fatal(err)
	}
	inv := r.invoiceService()
	if _, err := inv.Create(ctx, catering(r.customer(inv), clock.Now().AddDate(0, 0, 14))); err != nil {
		t.Fatal(err)
	}
	r.sync()
	imports := &domain.ImportService{Store: r.books, Clock: clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: clock.Now().AddDate(0, 0, -30), To: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	csv := &domain.ImportService{Store: r.books, Parser: reports.Parser{}, Clock: clock}
	if _, err := imp(t, csv, "adj.csv", withAdjustments); err != nil {
		t.Fatal(err)
	}
	if _, err := (&domain.RuleService{Store: r.books}).Save(ctx, domain.Rule{Name: "Goodwill", Category: "adjustment", Description: "goodwill",
		Account: domain.AcctSales, AutoBook: true, Priority: 10}); err != nil {
		t.Fatal(err)
	}
	if err := r.books.Settings().Update(ctx, func(tx domain.Tx) error {
		if err := tx.SaveShop(domain.Shop{Name: "Corner Deli", Country: "IE", Currency: eur, TimeZone: "Europe/Dublin", SetUpAt: clock.Now()}); err != nil {
			return err
		}
		return tx.SaveSettings(domain.Settings{Mode: domain.ModeDisabled})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashFloat, Amount: "20"}); err != nil {
		t.Fatal(err)
	}
	if err := r.reg.SavePrinterSettings(ctx, domain.PrinterSettings{Kind: domain.PrinterNetwork, Address: "192.0.2.10", Paper: 80, Drawer: true, Logo: []byte{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.reg.CloseDay(ctx, g, 50); err != nil {
		t.Fatal(err)
	}
	// After the close: its cash short is booked in the file as on the server.
	before := r.balances()
	r.books.Close()

	server := testenv.NewPostgres(t, "shop")
	rep, err := storage.CopyToPostgres(ctx, file, server)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, p := range rep.Parts {
		for _, tb := range p.Tables {
			rows[p.Schema+"."+tb.Name] = tb.Rows
		}
	}
	for _, want := range []string{"tally_live.settings", "tally_live.shop", "tally_demo.payment_methods", "tally_demo.known_readers", "tally_demo.imports", "tally_demo.statement_lines",
		"tally_demo.journal_entries", "tally_demo.postings", "tally_demo.rules", "tally_demo_till.sales", "tally_demo_till.sale_lines",
		"tally_demo_till.attempts", "tally_demo_till.refunds", "tally_demo_till.events", "tally_demo_till.event_state", "tally_demo_till.day_closes",
		"tally_demo_till.products", "tally_demo_till.customers", "tally_demo_till.cash_movements", "tally_demo_till.printers", "tally_demo_till.invoices", "tally_demo_till.invoice_lines", "tally_demo_till.tax_rates",
		"tally_live_till.roles", "tally_live_till.audit"} {
		if rows[want] == 0 {
			t.Errorf("%s: nothing copied (the test's data should hold some)", want)
		}
	}
	if t.Failed() {
		t.Logf("copied: %v", rows)
	}

	p := openTillOn(t, dir, server, clock)
	if got := p.balances(); len(got) != len(before) {
		t.Fatalf("balances on the server %v, in the file %v", got, before)
	} else {
		for k, v := range before {
			if got[k] != v {
				t.Errorf("%s: %d on the server, %d in the file", k, got[k], v)
			}
		}
	}
	next := p.sale(700)
	if next.Number != 4 {
		t.Errorf("the first sale on the server is #%d, want #4", next.Number)
	}
	if _, err := p.reg.SaveProduct(ctx, domain.Product{Name: "Muffin", Price: domain.New(300, eur)}); err != nil {
		t.Errorf("a new product after the copy: %v", err)
	}
	if _, err := p.access.Verify(ctx, domain.RoleOwner, "2468"); err != nil {
		t.Errorf("the owner's PIN after the copy: %v", err)
	}
	p.books.Close()
	if _, err := storage.CopyToPostgres(ctx, file, server); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "already holds") {
		t.Fatalf("a second copy onto the same server: %v", err)
	}
}
