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

// onStripeMock is a connection to stripe-mock in test mode, and test books
// on a temporary folder.
func onStripeMock(t *testing.T) (*domain.Connection, *storage.Books) {
	t.Helper()
	client := stripeclient.New("sk_test_123", testenv.StripeMock(t), nil, nil)
	conn := domain.NewConnection(fixedConnector{client}, stripeclient.NewDemoSimulator(nil))
	if err := conn.Use(domain.Credentials{Mode: domain.ModeTest, SecretKey: "sk_test_123"}); err != nil {
		t.Fatal(err)
	}
	books, err := storage.OpenBooks(context.Background(), filepath.Join(t.TempDir(), "tally.db"), conn.Mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { books.Close() })
	return conn, books
}

// TestRegisterRequestsOnStripeMock runs the register's card and QR flows
// against stripe-mock, which checks every request against Stripe's API
// description: a parameter Stripe does not know, or a missing one, fails.
// stripe-mock is stateless, so the outcomes are its fixtures; what is
// checked is that Stripe would accept each request the register sends.
func TestRegisterRequestsOnStripeMock(t *testing.T) {
	ctx := context.Background()
	conn, books := onStripeMock(t)
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

// TestBackOfficeRequestsOnStripeMock sends the payments back office's
// requests to stripe-mock: a refund with its reason and metadata, the
// refund's look-up, the events list with its types and cursor, a void and
// a capture. Payments are stored as the register leaves them, since
// stripe-mock's fixtures never succeed.
func TestBackOfficeRequestsOnStripeMock(t *testing.T) {
	ctx := context.Background()
	conn, books := onStripeMock(t)
	eur := domain.MustCurrency("EUR")
	now := time.Now().UTC()
	var paid, held domain.Attempt
	if err := books.UpdateTill(ctx, func(tx domain.TillTx) error {
		for i, a := range []*domain.Attempt{&paid, &held} {
			s := domain.Sale{Till: "Till 1", Created: now, Status: domain.SalePaid, Settled: now, Cart: domain.Cart{Currency: eur, TaxInclusive: true,
				Lines: []domain.SaleLine{{Description: "Tea", Quantity: 1, UnitPrice: 1000, Net: 1000, Total: 1000}}}, Totals: domain.Totals{Gross: 1000, Net: 1000, Total: 1000}}
			if err := tx.InsertSale(&s); err != nil {
				return err
			}
			*a = domain.Attempt{SaleID: s.ID, MethodID: 1, MethodName: "Card", Kind: domain.MethodCardReader, Amount: domain.New(1000, eur),
				Key: domain.IdempotencyKey("mock-" + string(rune('a'+i))), Status: domain.AttemptSucceeded, PaymentIntent: "pi_mock_" + string(rune('a'+i)),
				ChargeID: "ch_mock", Created: now, Updated: now}
			if i == 1 {
				a.Status, a.CaptureMethod, a.AuthorizedAt = domain.AttemptAuthorized, domain.CaptureManual, now
			}
			if err := tx.InsertAttempt(a); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	access := &domain.AccessService{Store: books.Access(), Hasher: storage.PINHasher{Time: 1, MemoryKiB: 64}, Clock: domain.SystemClock{}}
	if err := access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, "2468"); err != nil {
		t.Fatal(err)
	}
	g, err := access.Verify(ctx, domain.RoleOwner, "2468")
	if err != nil {
		t.Fatal(err)
	}
	reg := &domain.RegisterService{Till: books, Store: books, Shop: books.Settings(), Connection: conn, Clock: domain.SystemClock{}}
	pay := &domain.PaymentsService{Till: books, Connection: conn, Clock: domain.SystemClock{}, Access: access, Register: reg}
	refused := func(what string, err error) {
		t.Helper()
		if c := domain.ErrorCode(err); c == domain.EINVALID || c == domain.EINTERNAL {
			t.Fatalf("%s: stripe-mock refused a request: %v", what, err)
		}
	}
	out, err := pay.Refund(ctx, g, domain.RefundRequest{SaleID: paid.SaleID, Amount: 300, Reason: "requested_by_customer", Note: "mock"})
	refused("refund", err)
	if len(out.Refunds) != 1 || out.Refunds[0].StripeID == "" || out.Refunds[0].Status == domain.RefundCanceled {
		t.Fatalf("refund on stripe-mock: %+v", out.Refunds)
	}
	// Follow looks pending refunds up (stripe-mock's fixture may say pending).
	_, err = pay.Follow(ctx)
	refused("follow", err)
	events := &domain.EventService{Till: books, Connection: conn, Clock: domain.SystemClock{}}
	_, err = events.Sync(ctx)
	refused("events", err)
	_, err = events.Sync(ctx) // from the cursor
	refused("events from the cursor", err)
	_, err = pay.Void(ctx, g, held.ID)
	refused("void", err)
	_, err = pay.Capture(ctx, domain.Grant{}, held.ID)
	if domain.ErrorCode(err) == domain.EINVALID {
		t.Fatalf("capture: %v", err)
	}
}
