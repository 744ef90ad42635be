package domain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/storage"
	"tally/stripeclient"
)

type terminalFixture struct {
	readers *domain.ReaderService
	methods *domain.PaymentMethodService
	sim     *stripeclient.Simulator
	loc     domain.Location
}

// newTerminal wires the services on a temporary database with the demo
// simulator (one location, one simulated reader) as the connection.
func newTerminal(t *testing.T) *terminalFixture {
	t.Helper()
	db, err := storage.Open(context.Background(), testenv.DataPath(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sim := stripeclient.NewDemoSimulator(nil)
	conn := domain.NewConnection(simConnector{sim}, sim)
	f := &terminalFixture{
		readers: &domain.ReaderService{Store: db, Connection: conn, Clock: domain.SystemClock{}, TestWait: time.Second, Poll: time.Millisecond},
		methods: &domain.PaymentMethodService{Store: db, Connection: conn},
		sim:     sim,
	}
	v, err := f.readers.Refresh(context.Background())
	if err != nil || len(v.Locations) != 1 || len(v.Readers) != 1 {
		t.Fatalf("refresh: %+v %v", v, err)
	}
	f.loc = v.Locations[0]
	return f
}

func TestReaders(t *testing.T) {
	ctx := context.Background()
	t.Run("RegisterRenameTestRemove", func(t *testing.T) {
		f := newTerminal(t)
		r, err := f.readers.AddSimulated(ctx, "Till 2", f.loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.LocationName != f.loc.DisplayName || r.Status != domain.ReaderOnline || !r.Simulated() {
			t.Errorf("registered = %+v", r)
		}
		if r, err = f.readers.Rename(ctx, r.ID, "Back till"); err != nil || r.Label != "Back till" {
			t.Fatalf("rename: %+v %v", r, err)
		}
		res, err := f.readers.Test(ctx, r.ID, domain.MustCurrency("EUR"))
		if err != nil || !res.Answered {
			t.Fatalf("test: %+v %v", res, err)
		}
		cached, _ := f.readers.Cached(ctx)
		if len(cached.Readers) != 2 {
			t.Fatalf("cached readers = %d", len(cached.Readers))
		}
		if err := f.readers.Remove(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		cached, _ = f.readers.Cached(ctx)
		if len(cached.Readers) != 1 {
			t.Fatalf("after remove: %d readers", len(cached.Readers))
		}
	})
	t.Run("ErrRegistrationCode", func(t *testing.T) {
		f := newTerminal(t)
		_, err := f.readers.Register(ctx, domain.RegisterRequest{Code: "purple-elephant-seven", Label: "X", LocationID: f.loc.ID})
		fe, ok := err.(*domain.FieldError)
		if !ok || fe.Field != "code" || !strings.Contains(fe.Err.Message, "not valid or was already used") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrReaderOffline", func(t *testing.T) {
		f := newTerminal(t)
		v, _ := f.readers.Cached(ctx)
		f.sim.SetReaderOnline(v.Readers[0].ID, false)
		_, err := f.readers.Test(ctx, v.Readers[0].ID, domain.MustCurrency("EUR"))
		want := "that it is powered, its battery is over 10 %, and it is on a secured network that reaches Stripe"
		if domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), want) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLocationCountry", func(t *testing.T) {
		f := newTerminal(t)
		_, err := f.readers.CreateLocation(ctx, domain.Location{DisplayName: "São Paulo shop", Address: domain.Address{Line1: "Rua 1", City: "São Paulo", PostalCode: "01000-000", Country: "BR"}})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "not available in the location's country") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLocationFields", func(t *testing.T) {
		f := newTerminal(t)
		_, err := f.readers.CreateLocation(ctx, domain.Location{DisplayName: "NY", Address: domain.Address{Line1: "1 Broadway", City: "New York", PostalCode: "10004", Country: "US"}})
		if fe, ok := err.(*domain.FieldError); !ok || fe.Field != "state" {
			t.Fatalf("US without state: %v", err)
		}
		l, err := f.readers.CreateLocation(ctx, domain.Location{DisplayName: "Galway", Address: domain.Address{Line1: "1 Shop St", City: "Galway", Country: "IE"}})
		if err != nil || l.ID == "" {
			t.Fatalf("IE without Eircode: %+v %v", l, err)
		}
	})
	t.Run("ErrNoTerminalPermission", func(t *testing.T) {
		f := newTerminal(t)
		f.sim.FailNext(domain.Errorf(domain.EPERMISSION, "This key is not allowed to do that."))
		_, err := f.readers.Refresh(ctx)
		if domain.ErrorCode(err) != domain.EPERMISSION || !strings.Contains(domain.ErrorMessage(err), "Terminal: Write") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLostConnectionKeepsCache", func(t *testing.T) {
		f := newTerminal(t)
		f.sim.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe."))
		if _, err := f.readers.Refresh(ctx); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
		if v, _ := f.readers.Cached(ctx); len(v.Readers) != 1 {
			t.Fatalf("the failed refresh lost the cached readers: %+v", v)
		}
	})
}

func TestPaymentMethods(t *testing.T) {
	ctx := context.Background()
	f := newTerminal(t)
	v, _ := f.readers.Cached(ctx)
	reader := v.Readers[0].ID
	card := domain.PaymentMethod{Name: "Card", Kind: domain.MethodCardReader, ReaderID: reader, CaptureMethod: domain.CaptureManual,
		OutstandingAccount: domain.AcctOutstandingReceipts, IdentifyCustomer: true}
	saved, err := f.methods.Save(ctx, card)
	if err != nil || saved.ID == 0 {
		t.Fatalf("save: %+v %v", saved, err)
	}
	bad := []struct {
		m     domain.PaymentMethod
		field string
	}{
		{domain.PaymentMethod{Name: " ", Kind: domain.MethodCash, CashAccount: domain.AcctCash}, "name"},
		{domain.PaymentMethod{Name: "card", Kind: domain.MethodCash, CashAccount: domain.AcctCash}, "name"},
		{domain.PaymentMethod{Name: "Card 2", Kind: domain.MethodCardReader, CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts}, "reader"},
		{domain.PaymentMethod{Name: "Card 2", Kind: domain.MethodCardReader, ReaderID: reader, CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts}, "reader"},
		{domain.PaymentMethod{Name: "Card 3", Kind: domain.MethodCardReader, ReaderID: "tmr_gone", CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts}, "reader"},
		{domain.PaymentMethod{Name: "QR", Kind: domain.MethodQRLink, PageLifetime: 10 * time.Minute, OutstandingAccount: domain.AcctOutstandingReceipts}, "lifetime"},
		{domain.PaymentMethod{Name: "QR", Kind: domain.MethodQRLink, PageLifetime: 25 * time.Hour, OutstandingAccount: domain.AcctOutstandingReceipts}, "lifetime"},
		{domain.PaymentMethod{Name: "Till cash", Kind: domain.MethodCash}, "cash_account"},
		{domain.PaymentMethod{Name: "Till cash", Kind: domain.MethodCash, CashAccount: "9999"}, "cash_account"},
		{domain.PaymentMethod{Name: "Cheque", Kind: "cheque"}, "kind"},
	}
	for _, b := range bad {
		_, err := f.methods.Save(ctx, b.m)
		fe, ok := err.(*domain.FieldError)
		if !ok || fe.Field != b.field {
			t.Errorf("Save(%+v) = %v, want a field error on %s", b.m, err, b.field)
		}
	}
	qr, err := f.methods.Save(ctx, domain.PaymentMethod{Name: "QR code", Kind: domain.MethodQRLink, PageLifetime: time.Hour,
		SuccessMessage: "Thank you!", OutstandingAccount: domain.AcctOutstandingReceipts})
	if err != nil {
		t.Fatal(err)
	}
	// Archive frees the reader for another method; the reader cannot be removed while in use.
	if err := f.readers.Remove(ctx, reader); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("remove a reader in use: %v", err)
	}
	if err := f.methods.SetArchived(ctx, saved.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.methods.Save(ctx, domain.PaymentMethod{Name: "Card B", Kind: domain.MethodCardReader, ReaderID: reader,
		CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts}); err != nil {
		t.Fatalf("reuse an archived method's reader: %v", err)
	}
	if err := f.methods.SetArchived(ctx, saved.ID, false); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("restore onto a taken reader: %v", err)
	}
	list, err := f.methods.List(ctx)
	if err != nil || len(list.Methods) != 4 || len(list.Accounts) != 15 { // the default Cash method, Card, QR code, Card B; Tips payable, Receivables, Bad debts, Cash over/short and Petty cash expenses among the accounts
		t.Fatalf("list: %d methods %d accounts %v", len(list.Methods), len(list.Accounts), err)
	}
	for _, m := range list.Methods {
		if m.ID == qr.ID && (m.PageLifetime != time.Hour || m.SuccessMessage != "Thank you!") {
			t.Errorf("qr round trip = %+v", m)
		}
	}
}
