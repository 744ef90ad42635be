package domain_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tally/domain"
	"tally/internal/testenv"
	"tally/storage"
	"tally/stripeclient"
)

// simConnector connects every key to one simulator, as a Stripe test account would.
type simConnector struct{ sim *stripeclient.Simulator }

func (c simConnector) Connect(domain.Credentials) (domain.Gateway, error) { return c.sim, nil }

func newSettingsService(t *testing.T) (*domain.SettingsService, *stripeclient.Simulator, domain.Keychain) {
	t.Helper()
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), testenv.DataPath(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sim := stripeclient.NewSimulator(nil, stripeclient.SimulatorOptions{AccountName: "Corner Shop", Country: "DE", Currency: domain.MustCurrency("EUR")})
	demo := stripeclient.NewDemoSimulator(nil)
	kc := &storage.FileKeychain{Path: filepath.Join(dir, "secrets.json")}
	conn := domain.NewConnection(simConnector{sim}, demo)
	return &domain.SettingsService{Store: db, Keychain: kc, Connector: simConnector{sim}, Connection: conn, Clock: domain.SystemClock{}}, sim, kc
}

const testKey = "sk_test_51TallyExampleKey000000"

func TestCheckSecretKey(t *testing.T) {
	tests := []struct {
		key   string
		mode  domain.Mode
		words string // "" for valid
	}{
		{testKey, domain.ModeTest, ""},
		{"rk_test_51TallyExampleKey000000", domain.ModeTest, ""},
		{"sk_live_51TallyExampleKey000000", domain.ModeLive, ""},
		{"", domain.ModeTest, "Enter the secret key"},
		{testKey, domain.ModeLive, "test-mode key but Tally is set to live mode"},
		{"sk_live_51TallyExampleKey000000", domain.ModeTest, "live-mode key but Tally is set to test mode"},
		{"pk_test_51TallyExampleKey000000", domain.ModeTest, "publishable key"},
		{"whsec_51TallyExampleKey000000", domain.ModeTest, "should start with sk_test_ or rk_test_"},
		{"sk_test_short", domain.ModeTest, "too short"},
		{"sk_test_51Tally ExampleKey000000", domain.ModeTest, "spaces"},
	}
	for _, tt := range tests {
		err := domain.CheckSecretKey(tt.key, tt.mode)
		if tt.words == "" {
			if err != nil {
				t.Errorf("CheckSecretKey(%q, %s): %v", tt.key, tt.mode, err)
			}
			continue
		}
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), tt.words) {
			t.Errorf("CheckSecretKey(%q, %s) = %v, want a message with %q", tt.key, tt.mode, err, tt.words)
		}
	}
}

func TestKeyHint(t *testing.T) {
	if got := domain.KeyHint(testKey); got != "sk_test_…0000" {
		t.Errorf("KeyHint = %q", got)
	}
	if got := domain.KeyHint("sk_test_abc"); strings.Contains(got, "abc") {
		t.Errorf("KeyHint of a short key shows it: %q", got)
	}
}

func TestSettingsSave(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		svc, _, kc := newSettingsService(t)
		res, err := svc.Save(ctx, domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey, PublishableKey: "pk_test_51TallyExampleKey000000", WebhookSecret: "whsec_0123456789abcdef"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verification == nil || res.Verification.Account.Name != "Corner Shop" {
			t.Fatalf("verification = %+v", res.Verification)
		}
		if svc.Connection.Mode() != domain.ModeTest {
			t.Errorf("connection mode = %s", svc.Connection.Mode())
		}
		v, err := svc.Current(ctx)
		if err != nil || !v.HasSecretKey || !v.HasWebhookSecret || v.SecretKeyHint != "sk_test_…0000" || v.Account.Country != "DE" || v.VerifiedAt.IsZero() {
			t.Fatalf("current = %+v, %v", v, err)
		}
		if k, _ := kc.Get(domain.SecretKeyName); k != testKey {
			t.Errorf("keychain key = %q", k)
		}
		// Saving again with an empty secret keeps the stored one.
		if _, err := svc.Save(ctx, domain.CredentialsForm{Mode: domain.ModeTest}); err != nil {
			t.Fatalf("save keeping the key: %v", err)
		}
		// At the next start the stored settings connect again.
		svc.Connection.Use(domain.Credentials{Mode: domain.ModeDisabled})
		if mode, err := svc.Connect(ctx); err != nil || mode != domain.ModeTest {
			t.Fatalf("Connect = %s, %v", mode, err)
		}
	})
	t.Run("ErrRefusedKeyNotSaved", func(t *testing.T) {
		svc, sim, kc := newSettingsService(t)
		sim.FailNext(domain.Errorf(domain.EUNAUTHORIZED, "Stripe did not accept this key."))
		if _, err := svc.Save(ctx, domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey}); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Fatalf("err = %v", err)
		}
		if _, err := kc.Get(domain.SecretKeyName); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("refused key stored: %v", err)
		}
		if svc.Connection.Mode() != domain.ModeDisabled {
			t.Errorf("mode = %s", svc.Connection.Mode())
		}
	})
	t.Run("OfflineSavedUnverified", func(t *testing.T) {
		svc, sim, _ := newSettingsService(t)
		sim.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe."))
		res, err := svc.Save(ctx, domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey})
		if err != nil || res.Unverified == nil || res.Verification != nil {
			t.Fatalf("res = %+v, %v", res, err)
		}
		v, _ := svc.Current(ctx)
		if !v.VerifiedAt.IsZero() || !v.HasSecretKey {
			t.Errorf("current = %+v", v)
		}
	})
	t.Run("RestrictedKeyWithoutAccountRead", func(t *testing.T) {
		svc, sim, _ := newSettingsService(t)
		sim.FailNext(domain.Errorf(domain.EPERMISSION, "This key is not allowed to do that."))
		v, err := svc.Verify(ctx, domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: "rk_test_51TallyExampleKey000000"})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Notes) != 1 || !strings.Contains(v.Summary(), "cannot read the account") {
			t.Errorf("summary = %q", v.Summary())
		}
	})
	t.Run("ErrFieldErrors", func(t *testing.T) {
		svc, _, _ := newSettingsService(t)
		for _, tc := range []struct {
			form  domain.CredentialsForm
			field string
		}{
			{domain.CredentialsForm{Mode: domain.ModeLive, SecretKey: testKey}, "secret"},
			{domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey, PublishableKey: "pk_live_51TallyExampleKey000000"}, "publishable"},
			{domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey, WebhookSecret: "sk_test_nope"}, "webhook"},
			{domain.CredentialsForm{Mode: domain.ModeTest, SecretKey: testKey, APIBase: "localhost:12111"}, "apibase"},
			{domain.CredentialsForm{Mode: "sandbox"}, "mode"},
		} {
			_, err := svc.Save(ctx, tc.form)
			fe, ok := err.(*domain.FieldError)
			if !ok || fe.Field != tc.field {
				t.Errorf("Save(%+v) = %v, want a field error on %s", tc.form, err, tc.field)
			}
		}
	})
}
