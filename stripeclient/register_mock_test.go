package stripeclient_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/storage"
	"tally/stripeclient"
)

type fixedConnector struct{ gw domain.Gateway }

func (c fixedConnector) Connect(domain.Credentials) (domain.Gateway, error) { return c.gw, nil }

// TestRegisterRequestsOnStripeMock runs the register's card and QR flows
// against stripe-mock, which checks every request against Stripe's API
// description: a parameter Stripe does not know, or a missing one, fails.
// stripe-mock is stateless, so the outcomes are its fixtures; what is
// checked is that Stripe would accept each request the register sends.
func TestRegisterRequestsOnStripeMock(t *testing.T) {
	ctx := context.Background()
	client := stripeclient.New("sk_test_123", testenv.StripeMock(t), nil, nil)
	sim := stripeclient.NewDemoSimulator(nil)
	conn := domain.NewConnection(fixedConnector{client}, sim)
	if err := conn.Use(domain.Credentials{Mode: domain.ModeTest, SecretKey: "sk_test_123"}); err != nil {
		t.Fatal(err)
	}
	books, err := storage.OpenBooks(ctx, filepath.Join(t.TempDir(), "tally.db"), conn.Mode)
	if err != nil {
		t.Fatal(err)
	}
	defer books.Close()
	card := domain.PaymentMethod{Name: "Card", Kind: domain.MethodCardReader, ReaderID: "tmr_mock", CaptureMethod: domain.CaptureManual, Tips: true, OutstandingAccount: domain.AcctOutstandingReceipts}
	qr := domain.PaymentMethod{Name: "QR", Kind: domain.MethodQRLink, PageLifetime: time.Hour, SuccessMessage: "Thanks", OutstandingAccount: domain.AcctOutstandingReceipts}
	if err := books.Update(ctx, func(tx domain.Tx) error {
		if err := tx.SavePaymentMethod(&card); err != nil {
			return err
		}
		return tx.SavePaymentMethod(&qr)
	}); err != nil {
		t.Fatal(err)
	}
	reg := &domain.RegisterService{Till: books, Store: books, Shop: books.Settings(), Connection: conn, Clock: domain.SystemClock{}}
	sale, err := reg.Checkout(ctx, domain.Cart{Currency: domain.MustCurrency("EUR"), TaxInclusive: true, ReceiptEmail: "jenny@example.com",
		Lines: []domain.SaleLine{{Description: "Coffee", Quantity: 2, UnitPrice: 380, TaxRate: 135000}}})
	if err != nil {
		t.Fatal(err)
	}
	// A request stripe-mock refuses comes back as EINVALID with its reason.
	accepted := func(what string, res domain.PaymentResult, err error) domain.PaymentResult {
		t.Helper()
		if domain.ErrorCode(err) == domain.EINVALID || domain.ErrorCode(err) == domain.EINTERNAL {
			t.Fatalf("%s: stripe-mock refused a request: %v", what, err)
		}
		if res.Attempt.Status == domain.AttemptFailed {
			t.Fatalf("%s: %s", what, res.Message)
		}
		return res
	}
	res, err := reg.StartCard(ctx, sale.ID, card.ID, 500)
	a := accepted("start card", res, err)
	if a.Attempt.PaymentIntent == "" {
		t.Fatalf("no PaymentIntent: %+v", a)
	}
	res, err = reg.PresentTestCardWithTip(ctx, a.Attempt.ID, domain.CardSucceeds, 50)
	accepted("present test card", res, err)
	res, err = reg.Check(ctx, a.Attempt.ID)
	accepted("check", res, err)
	res, err = reg.Retry(ctx, a.Attempt.ID)
	accepted("retry", res, err)
	res, err = reg.ClearReader(ctx, a.Attempt.ID)
	accepted("clear reader", res, err)
	res, err = reg.Cancel(ctx, a.Attempt.ID)
	accepted("cancel card", res, err)

	res, err = reg.StartQR(ctx, sale.ID, qr.ID, 260)
	q := accepted("start QR", res, err)
	if q.Attempt.SessionID == "" || q.Attempt.SessionURL == "" {
		t.Fatalf("no payment page: %+v", q)
	}
	res, err = reg.Check(ctx, q.Attempt.ID)
	accepted("check QR", res, err)
	res, err = reg.Cancel(ctx, q.Attempt.ID)
	accepted("expire QR", res, err)
	if _, err := reg.Recover(ctx); err != nil {
		t.Fatal(err)
	}
}
