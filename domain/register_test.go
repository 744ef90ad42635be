package domain_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
	"tally/reports"
)

var ctx = context.Background()

func TestCartTotals(t *testing.T) {
	t.Run("InclusiveRoundsHalfUp", func(t *testing.T) {
		// 3 × 3.33 incl. 19 %: 9.99 gross, tax 9.99 × 19/119 = 1.595… → 1.60.
		c := domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Tea", Quantity: 3, UnitPrice: 333, TaxRate: 190000}}}
		got := c.Totals()
		if got.Total != 999 || got.Tax != 160 || got.Net != 839 {
			t.Fatalf("totals %+v", got)
		}
	})
	t.Run("ExclusiveAddsTax", func(t *testing.T) {
		// 2 × 4.99 + 8.875 % = 9.98 + 0.8857… → 0.89.
		c := domain.Cart{Currency: domain.MustCurrency("USD"), Lines: []domain.SaleLine{{Description: "Mug", Quantity: 2, UnitPrice: 499, TaxRate: 88800}}}
		got := c.Totals()
		if got.Net != 998 || got.Tax != 89 || got.Total != 1087 {
			t.Fatalf("totals %+v", got)
		}
	})
	t.Run("DiscountsNeverTruncate", func(t *testing.T) {
		// 10 % off 0.05 is 0.005 → 0.01 off (half up), not 0.00.
		c := domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Sweet", Quantity: 1, UnitPrice: 5, Discount: 100000}}}
		if got := c.Totals(); got.Total != 4 || got.Discount != 1 {
			t.Fatalf("totals %+v", got)
		}
		c = domain.Cart{Currency: eur, TaxInclusive: true, Discount: 500000, Lines: []domain.SaleLine{
			{Description: "A", Quantity: 1, UnitPrice: 1001, TaxRate: 200000}, {Description: "B", Quantity: 1, UnitPrice: 999, TaxRate: 70000}}}
		got := c.Totals()
		if got.Total != 500+499 || got.Total != c.Lines[0].Total+c.Lines[1].Total {
			t.Fatalf("totals %+v lines %+v", got, c.Lines)
		}
	})
	t.Run("ZeroDecimalCurrency", func(t *testing.T) {
		c := domain.Cart{Currency: domain.MustCurrency("JPY"), TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Onigiri", Quantity: 3, UnitPrice: 165, TaxRate: 80000}}}
		if got := c.Totals(); got.Total != 495 || got.Tax != 37 {
			t.Fatalf("totals %+v", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, c := range []domain.Cart{
			{Currency: eur},
			{Currency: eur, Lines: []domain.SaleLine{{Description: "x", Quantity: 0, UnitPrice: 100}}},
			{Currency: eur, Lines: []domain.SaleLine{{Description: "x", Quantity: 1, UnitPrice: 0}}},
			{Currency: eur, Lines: []domain.SaleLine{{Description: "x", Quantity: 1, UnitPrice: 100}}, ReceiptEmail: "no at sign"},
		} {
			if err := c.Validate(); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("%+v: %v", c, err)
			}
		}
	})
}

func TestCashWithChange(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	res := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 2000))
	if res.Sale.Status != domain.SalePaid || res.Attempt.Change != 750 || res.Attempt.Amount.Amount != 1250 || !strings.Contains(res.Message, "Change: 7.50 EUR") {
		t.Fatalf("%+v", res)
	}
	if _, err := r.reg.PayCash(ctx, s.ID, r.cash, 100); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("paying a paid sale: %v", err)
	}
	if len(r.gw.Calls()) != 0 {
		t.Fatalf("cash called Stripe: %v", r.gw.Calls())
	}
}

func TestReaderSuccess(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	res := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0))
	if stageOf(res) != "pending/on_reader" {
		t.Fatalf("after start: %s %s", stageOf(res), res.Message)
	}
	res = must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	if res.Sale.Status != domain.SalePaid || res.Attempt.Card.Last4 != "4242" || res.Attempt.ChargeID == "" {
		t.Fatalf("after card: %+v", res)
	}
	want := []string{"CreatePaymentIntent", "SetReaderDisplay", "ProcessPaymentIntent", "PresentPaymentMethod", "PaymentIntent"}
	if got := r.gw.Calls(); !slices.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if pis := r.intents(s); len(pis) != 1 || pis[0].Status != domain.PISucceeded || pis[0].Amount.Amount != 1250 {
		t.Fatalf("intents %+v", pis)
	}
}

func TestDeclineThenSuccessOnSamePaymentIntent(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	for _, card := range []domain.TestCard{domain.CardDeclined, domain.CardInsufficientFunds, domain.CardExpired} {
		res := must(t)(r.reg.PresentTestCard(ctx, a.ID, card))
		if stageOf(res) != "pending/declined" || !strings.Contains(res.Message, "Declined") || res.Sale.Status != domain.SaleOpen {
			t.Fatalf("%s: %s %q", card, stageOf(res), res.Message)
		}
		res = must(t)(r.reg.Retry(ctx, a.ID))
		if stageOf(res) != "pending/on_reader" || res.Attempt.PaymentIntent != a.PaymentIntent {
			t.Fatalf("retry: %s %+v", stageOf(res), res.Attempt)
		}
	}
	res := must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	if res.Sale.Status != domain.SalePaid {
		t.Fatalf("%+v", res)
	}
	n := 0
	for _, c := range r.gw.Calls() {
		if c == "CreatePaymentIntent" {
			n++
		}
	}
	if pis := r.intents(s); n != 1 || len(pis) != 1 {
		t.Fatalf("%d creates, intents %+v", n, pis)
	}
}

func TestTestAmountsDecline(t *testing.T) {
	for amount, want := range map[int64]string{1201: "call", 1205: "Declined by the card's bank", 1255: "PIN"} {
		r := newTill(t)
		s := r.sale(amount)
		a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
		res := must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
		if stageOf(res) != "pending/declined" || !strings.Contains(res.Message, want) {
			t.Errorf("%d: %s %q", amount, stageOf(res), res.Message)
		}
	}
}

func TestTimeoutThatHidSuccess(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	// The reader got the payment, the answer was lost on the way back.
	r.sim.FailAfter("process payment intent", &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusGatewayTimeout, Code: "terminal_reader_timeout", Msg: "timeout"})
	res, err := r.reg.StartCard(ctx, s.ID, r.card, 0)
	if err != nil || stageOf(res) != "pending/on_reader" {
		t.Fatalf("after a lost answer: %s %q %v", stageOf(res), res.Message, err)
	}
	res = must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	if res.Sale.Status != domain.SalePaid || len(r.intents(s)) != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestBusyReader(t *testing.T) {
	r := newTill(t)
	other := r.sale(500)
	a1 := must(t)(r.reg.StartCard(ctx, other.ID, r.card, 0)).Attempt
	s := r.sale(1250)
	res, err := r.reg.StartCard(ctx, s.ID, r.card, 0)
	if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(res.Message, "busy with something else (another payment)") || res.Attempt.Status != domain.AttemptPending {
		t.Fatalf("busy: %q %v", res.Message, err)
	}
	must(t)(r.reg.ClearReader(ctx, res.Attempt.ID))
	res = must(t)(r.reg.Retry(ctx, res.Attempt.ID))
	if stageOf(res) != "pending/on_reader" {
		t.Fatalf("after clearing: %s %q", stageOf(res), res.Message)
	}
	// The other sale's attempt learns its reader dropped it.
	if got := must(t)(r.reg.Check(ctx, a1.ID)); !strings.Contains(got.Message, "no longer collecting") && !strings.Contains(got.Message, "cancelled") {
		t.Fatalf("other: %s %q", stageOf(got), got.Message)
	}
}

func TestOfflineReader(t *testing.T) {
	r := newTill(t)
	r.sim.SetReaderOnline(r.reader, false)
	s := r.sale(1250)
	res, err := r.reg.StartCard(ctx, s.ID, r.card, 0)
	if !strings.Contains(res.Message, "offline") || res.Attempt.Status != domain.AttemptPending {
		t.Fatalf("offline: %q %v", res.Message, err)
	}
	res = must(t)(r.reg.Cancel(ctx, res.Attempt.ID))
	if res.Attempt.Status != domain.AttemptCanceled || r.intents(s)[0].Status != domain.PICanceled {
		t.Fatalf("cancel: %+v %+v", res, r.intents(s))
	}
	// Back online, another try takes a new attempt and succeeds.
	r.sim.SetReaderOnline(r.reader, true)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	if res := must(t)(r.reg.PresentTestCard(ctx, a.ID, "")); res.Sale.Status != domain.SalePaid {
		t.Fatalf("%+v", res)
	}
}

func TestReaderLostConnectionMidPayment(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	r.sim.SetReaderOnline(r.reader, false)
	res := must(t)(r.reg.Check(ctx, a.ID))
	if res.Attempt.Status != domain.AttemptPending || !strings.Contains(res.Message, "lost its connection") {
		t.Fatalf("%s %q", stageOf(res), res.Message)
	}
}

func TestCashierCancel(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	res := must(t)(r.reg.Cancel(ctx, a.ID))
	if res.Attempt.Status != domain.AttemptCanceled || res.Sale.Status != domain.SaleOpen {
		t.Fatalf("%+v", res)
	}
	if pis := r.intents(s); len(pis) != 1 || pis[0].Status != domain.PICanceled {
		t.Fatalf("intents %+v", pis)
	}
	if !slices.Contains(r.gw.Calls(), "CancelReaderAction") {
		t.Fatalf("the reader was not stopped: %v", r.gw.Calls())
	}
	sale, err := r.reg.CancelSale(ctx, s.ID)
	if err != nil || sale.Status != domain.SaleCanceled {
		t.Fatalf("cancel sale: %+v %v", sale, err)
	}
}

func TestCustomerCancel(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	res := must(t)(r.reg.DemoCustomerCancels(ctx, a.ID))
	if stageOf(res) != "pending/declined" || !strings.Contains(res.Message, "customer cancelled") {
		t.Fatalf("%s %q", stageOf(res), res.Message)
	}
}

func TestQR(t *testing.T) {
	t.Run("Paid", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		res := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0))
		if stageOf(res) != "pending/page" || !strings.HasPrefix(res.Attempt.SessionURL, "https://checkout.stripe.com/") {
			t.Fatalf("%+v", res)
		}
		if res := must(t)(r.reg.Check(ctx, res.Attempt.ID)); res.Attempt.Status != domain.AttemptPending {
			t.Fatalf("paid before paying: %+v", res)
		}
		res = must(t)(r.reg.DemoCustomerPays(ctx, res.Attempt.ID, domain.CardSucceeds))
		if res.Sale.Status != domain.SalePaid || res.Attempt.PaymentIntent == "" {
			t.Fatalf("%+v", res)
		}
		if cs := r.sessions(s); len(cs) != 1 {
			t.Fatalf("sessions %+v", cs)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		r.clock.Advance(61 * time.Minute)
		res := must(t)(r.reg.Check(ctx, a.ID))
		if res.Attempt.Status != domain.AttemptFailed || !strings.Contains(res.Message, "expired") || res.Sale.Status != domain.SaleOpen {
			t.Fatalf("%+v", res)
		}
		// A new page for the same sale.
		if res := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)); res.Attempt.SessionID == a.SessionID {
			t.Fatalf("same page again")
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		if _, err := r.reg.CancelSale(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		cs := r.sessions(s)
		if len(cs) != 1 || cs[0].Status != domain.CheckoutExpired {
			t.Fatalf("page not expired: %+v", cs)
		}
		if _, err := r.sim.PayCheckout(a.SessionID, domain.CardSucceeds); err == nil {
			t.Fatal("an expired page was paid")
		}
	})
	t.Run("SettledInCashWhileOpen", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		res := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1250))
		if res.Sale.Status != domain.SalePaid {
			t.Fatalf("%+v", res)
		}
		if cs := r.sessions(s); cs[0].Status != domain.CheckoutExpired {
			t.Fatalf("page still open after cash: %+v", cs)
		}
		if got, _ := r.reg.Attempt(ctx, a.ID); got.Status != domain.AttemptCanceled {
			t.Fatalf("qr attempt %+v", got)
		}
	})
	t.Run("PaidJustBeforeCash", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		if _, err := r.sim.PayCheckout(a.SessionID, domain.CardSucceeds); err != nil {
			t.Fatal(err)
		}
		res, err := r.reg.PayCash(ctx, s.ID, r.cash, 1250)
		if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "paid on the QR page") {
			t.Fatalf("%v", err)
		}
		if sale := r.saleNow(s.ID); sale.Status != domain.SalePaid || sale.Paid() != 1250 {
			t.Fatalf("sale %+v (%+v)", sale, res)
		}
	})
}

func TestSplitPayment(t *testing.T) {
	r := newTill(t)
	s := r.sale(3000)
	res := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	if res.Sale.Status != domain.SaleOpen || res.Sale.Due() != 2000 {
		t.Fatalf("after cash: %+v", res.Sale)
	}
	if _, err := r.reg.StartCard(ctx, s.ID, r.card, 2500); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("more than due: %v", err)
	}
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 1500)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	q := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
	if q.Amount.Amount != 500 {
		t.Fatalf("qr amount %d", q.Amount.Amount)
	}
	res = must(t)(r.reg.DemoCustomerPays(ctx, q.ID, domain.CardSucceeds))
	if res.Sale.Status != domain.SalePaid || len(res.Sale.Attempts) != 3 {
		t.Fatalf("%+v", res.Sale)
	}
}

func TestOneAttemptAtATime(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0))
	if _, err := r.reg.StartCard(ctx, s.ID, r.card, 0); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("second attempt: %v", err)
	}
	if _, err := r.reg.PayCash(ctx, s.ID, r.cash, 1250); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("cash during card: %v", err)
	}
	if n := len(r.intents(s)); n != 1 {
		t.Fatalf("%d intents", n)
	}
}

func TestDayClose(t *testing.T) {
	r := newTill(t)
	s1 := r.sale(1250)
	must(t)(r.reg.PayCash(ctx, s1.ID, r.cash, 2000))
	s2 := r.sale(800)
	a := must(t)(r.reg.StartCard(ctx, s2.ID, r.card, 0)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	s3 := r.sale(300)
	if _, err := r.reg.CancelSale(ctx, s3.ID); err != nil {
		t.Fatal(err)
	}
	d, err := r.reg.CloseDay(ctx, domain.Grant{}, 1200)
	if err != nil {
		t.Fatal(err)
	}
	if d.Sales != 2 || d.Canceled != 1 || d.Total != 2050 || d.CashExpected != 1250 || d.CashDifference() != -50 || len(d.ByMethod) != 2 {
		t.Fatalf("%+v", d)
	}
	again, err := r.reg.CloseDay(ctx, domain.Grant{}, 0)
	if err != nil || again.Sales != 0 {
		t.Fatalf("second close counted again: %+v %v", again, err)
	}
	if cl, err := r.reg.DayCloses(ctx, 10); err != nil || len(cl) != 2 || cl[1].Total != 2050 {
		t.Fatalf("%+v %v", cl, err)
	}
}

func TestProducts(t *testing.T) {
	r := newTill(t)
	p, err := r.reg.SaveProduct(ctx, domain.Product{Name: "Espresso", Price: domain.Money{Amount: 250, Currency: eur}, TaxRate: 230000, Barcode: "4006381333931", QuickKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.reg.Lookup(ctx, " 4006381333931 "); err != nil || got.ID != p.ID {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := r.reg.Lookup(ctx, "999"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("%v", err)
	}
	_, err = r.reg.SaveProduct(ctx, domain.Product{Name: "espresso", Price: domain.Money{Amount: 1, Currency: eur}})
	var fe *domain.FieldError
	if domain.ErrorCode(err) != domain.ECONFLICT || !asField(err, &fe) || fe.Field != "name" {
		t.Fatalf("duplicate name: %v", err)
	}
}

func asField(err error, fe **domain.FieldError) bool { return errors.As(err, fe) }

// TestSalesMeetTheirCharges: a register sale books Outstanding receipts (or
// Cash) / Sales and Sales tax once; its Stripe charge, fetched later,
// clears Outstanding receipts instead of booking Sales a second time.
func TestSalesMeetTheirCharges(t *testing.T) {
	r := newTill(t)
	card := r.sale(1230) // incl. 23 % tax: 230
	a := must(t)(r.reg.StartCard(ctx, card.ID, r.card, 0)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	cash := r.sale(615) // tax 115
	must(t)(r.reg.PayCash(ctx, cash.ID, r.cash, 1000))

	imports := &domain.ImportService{Store: r.books, Parser: nil, Clock: r.clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: r.clock.Now().AddDate(0, 0, -30), To: r.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	recon := &domain.ReconcileService{Store: r.books, Till: r.books}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.SalesBooked != 2 || res.MatchedToSales != 1 {
		t.Fatalf("%+v", res)
	}
	bal := map[string]int64{}
	all, err := recon.Balances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all {
		bal[b.Account] = b.Balance.Amount
	}
	if bal[domain.AcctOutstandingReceipts] != 0 {
		t.Fatalf("outstanding receipts left: %d (%+v)", bal[domain.AcctOutstandingReceipts], all)
	}
	if bal[domain.AcctCash] != 615 || bal[domain.AcctSalesTax] != -345 {
		t.Fatalf("cash %d, tax %d", bal[domain.AcctCash], bal[domain.AcctSalesTax])
	}
	named := 0
	if err := recon.Journal(ctx, func(e domain.Entry) error {
		if strings.HasPrefix(e.Description, "Register sale #1: ") {
			named++
		}
		return nil
	}); err != nil || named != 1 {
		t.Fatalf("the charge's entry does not name its sale (%d, %v)", named, err)
	}
	if views, n, err := recon.Lines(ctx, domain.LineFilter{Status: "sale"}, 0, 10); err != nil || n != 1 || views[0].Account != "1200 Outstanding receipts" {
		t.Fatalf("lines that paid a sale: %d %+v %v", n, views, err)
	}
	// The fetched charge line carries Stripe's fee: the Z report knows it.
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 615)
	if err != nil || !z.FeesKnown || z.FeesOf != 1 || z.Fees != 1230*14/1000+25 || z.CashDifference() != 0 {
		t.Fatalf("Z report fees: %+v %v", z, err)
	}
	again, err := recon.Reconcile(ctx)
	if err != nil || again.SalesBooked != 0 || again.MatchedToSales != 0 {
		t.Fatalf("booked twice: %+v %v", again, err)
	}
	var sum int64
	for _, b := range all {
		sum += b.Balance.Amount
	}
	if sum != 0 {
		t.Fatalf("the books do not balance: %d", sum)
	}
}

func TestReceiptAndZReportFiles(t *testing.T) {
	r := newTill(t)
	r.reg.Documents = reports.Documents{}
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	lines := strings.Join(domain.ReceiptLines(domain.Shop{Name: "Corner Café", Country: "IE"}, r.saleNow(s.ID)), "\n")
	for _, want := range []string{"Corner Café", "sale #1", "Coffee", "12.50 A", "23 %", "2.34", "Visa •••• 4242"} {
		if !strings.Contains(lines, want) {
			t.Errorf("receipt lacks %q:\n%s", want, lines)
		}
	}
	var pdf bytes.Buffer
	if err := r.reg.ReceiptPDF(ctx, s.ID, &pdf); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || !bytes.Contains(pdf.Bytes(), []byte("(Receipt of sale #1)")) {
		t.Fatalf("receipt PDF: %v %q", err, pdf.String())
	}
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var x bytes.Buffer
	if err := r.reg.DayCloseFile(ctx, z, "xlsx", &x); err != nil || !bytes.HasPrefix(x.Bytes(), []byte("PK")) {
		t.Fatalf("Z report XLSX: %v", err)
	}
	if err := r.reg.DayCloseFile(ctx, z, "doc", &x); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("doc: %v", err)
	}
}

func TestManualCapture(t *testing.T) {
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprintf("answerLost=%v", lost), func(t *testing.T) {
			r := newTill(t)
			methods := &domain.PaymentMethodService{Store: r.books, Connection: r.reg.Connection}
			m, err := methods.Save(ctx, domain.PaymentMethod{ID: r.card, Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
				CaptureMethod: domain.CaptureManual, OutstandingAccount: domain.AcctOutstandingReceipts})
			if err != nil {
				t.Fatal(err)
			}
			s := r.sale(1250)
			a := must(t)(r.reg.StartCard(ctx, s.ID, m.ID, 0)).Attempt
			res := must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
			if res.Attempt.Status != domain.AttemptAuthorized || res.Sale.Status != domain.SalePaid {
				t.Fatalf("authorised: %+v", res)
			}
			if z, err := r.reg.DayClosePreview(ctx, 0); err != nil || z.Uncaptured != 1 {
				t.Fatalf("the Z report does not warn of the authorisation: %+v %v", z, err)
			}
			if lost {
				r.gw.crashAt, r.gw.after = "CapturePaymentIntent", true
				if at := crashed(func() { r.reg.Capture(ctx, a.ID) }); at == "" {
					t.Fatal("no crash")
				}
				r = r.restart()
			}
			res = must(t)(r.reg.Capture(ctx, a.ID))
			if res.Attempt.Status != domain.AttemptSucceeded || r.intents(s)[0].Status != domain.PISucceeded || r.intents(s)[0].AmountReceived != 1250 {
				t.Fatalf("captured: %+v %+v", res, r.intents(s))
			}
			n := 0
			for _, c := range r.gw.Calls() {
				if c == "CapturePaymentIntent" {
					n++
				}
			}
			if n != 0 && lost || n != 1 && !lost {
				t.Fatalf("%d captures sent after restart (lost=%v)", n, lost)
			}
			if _, err := r.reg.Capture(ctx, a.ID); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("captured twice: %v", err)
			}
		})
	}
}

// TestTipOnTheReader: a method that offers tips lets the customer add one
// on the reader; the sale stays its own amount, the tip is booked to Tips
// payable, and the charge (sale and tip) clears Outstanding receipts.
func TestTipOnTheReader(t *testing.T) {
	r := newTill(t)
	methods := &domain.PaymentMethodService{Store: r.books, Connection: r.reg.Connection}
	m, err := methods.Save(ctx, domain.PaymentMethod{ID: r.card, Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
		CaptureMethod: domain.CaptureAutomatic, Tips: true, OutstandingAccount: domain.AcctOutstandingReceipts})
	if err != nil || !m.Tips {
		t.Fatalf("%+v %v", m, err)
	}
	s := r.sale(2000)
	a := must(t)(r.reg.StartCard(ctx, s.ID, m.ID, 0)).Attempt
	res := must(t)(r.reg.PresentTestCardWithTip(ctx, a.ID, domain.CardSucceeds, 300))
	if res.Sale.Status != domain.SalePaid || res.Attempt.Tip != 300 || res.Attempt.Amount.Amount != 2000 || !strings.Contains(res.Message, "tip of 3.00 EUR") {
		t.Fatalf("%+v", res)
	}
	if pi := r.intents(s)[0]; pi.AmountReceived != 2300 || pi.Tip != 300 {
		t.Fatalf("intent %+v", pi)
	}
	imports := &domain.ImportService{Store: r.books, Clock: r.clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: r.clock.Now().AddDate(0, 0, -30), To: r.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	recon := &domain.ReconcileService{Store: r.books, Till: r.books}
	if _, err := recon.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ := recon.Balances(ctx)
	bal := map[string]int64{}
	for _, b := range all {
		bal[b.Account] = b.Balance.Amount
	}
	if bal[domain.AcctTips] != -300 || bal[domain.AcctOutstandingReceipts] != 0 {
		t.Fatalf("tips %d, outstanding %d", bal[domain.AcctTips], bal[domain.AcctOutstandingReceipts])
	}
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 0)
	if err != nil || z.Tips != 300 || z.Total != 2000 {
		t.Fatalf("%+v %v", z, err)
	}
	// Without tips on the method, the reader offers none.
	s2 := r.sale(1000)
	if _, err := methods.Save(ctx, domain.PaymentMethod{ID: r.card, Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
		CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts}); err != nil {
		t.Fatal(err)
	}
	a2 := must(t)(r.reg.StartCard(ctx, s2.ID, m.ID, 0)).Attempt
	if res := must(t)(r.reg.PresentTestCardWithTip(ctx, a2.ID, domain.CardSucceeds, 300)); res.Attempt.Tip != 0 {
		t.Fatalf("a tip without tipping: %+v", res.Attempt)
	}
}

// FuzzParseTaxRate: any text either parses to a rate from 0 to 100 % that
// writes back to itself, or is refused with EINVALID; nothing panics.
func FuzzParseTaxRate(f *testing.F) {
	for _, s := range []string{"20", "7.7", "8.875 %", "0", "100", "100.0001", "-1", "1,5", "", "%", "1e3", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := domain.ParseTaxRate(s)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if r < 0 || r > domain.RateScale {
			t.Fatalf("%q: %d out of range", s, r)
		}
		back, err := domain.ParseTaxRate(r.String())
		if err != nil || back != r {
			t.Fatalf("%q: %d wrote %q, read back %d %v", s, r, r.String(), back, err)
		}
	})
}

// TestProcessLostBeforeStripe: the hand-over to the reader never reached
// Stripe (the connection dropped before the write): Tally looks, says the
// reader has not got it, and a retry sends it on the same PaymentIntent.
func TestProcessLostBeforeStripe(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	r.gw.failBefore = "ProcessPaymentIntent"
	res := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0))
	if stageOf(res) != "pending/intent" || !strings.Contains(res.Message, "has not received this payment") {
		t.Fatalf("%s %q", stageOf(res), res.Message)
	}
	res = must(t)(r.reg.Retry(ctx, res.Attempt.ID))
	if stageOf(res) != "pending/on_reader" {
		t.Fatalf("retry: %s %q", stageOf(res), res.Message)
	}
	if res := must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds)); res.Sale.Status != domain.SalePaid || len(r.intents(s)) != 1 {
		t.Fatalf("%+v", res)
	}
}
